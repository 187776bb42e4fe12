"""Inputs an office (or an attacker) sends that used to be read silently wrong, or that crashed:
each is read as the person meant, or refused with a coded error naming file, line or sheet!cell,
unit and field. See docs/data.md ("What is refused") and docs/errors.md (`data.*`)."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.units.documents import parse_json, parse_yaml
from tests.support import refused, write

POLICY = """policy "数据" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 {
    indicator gdp points 50 { input target: number input actual: number score points * min(actual / target, 1) }
    indicator 增速 points 50 {
        input target: percent input actual: percent score if actual >= target then points else 0
    }
}
"""


@pytest.fixture
def policy() -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY, name="数据.tdsl")


def yaml_unit(gdp: str, rate: str = "{target: 5, actual: 6}", unit_id: str = "A") -> str:
    return f"units:\n  - id: {unit_id}\n    class: 县区\n    indicators:\n      gdp: {gdp}\n      增速: {rate}\n"


# ------------------------------------------------------------------ YAML 1.1 implicit types


@pytest.mark.parametrize("text", ["0110", "1:30", "0x5A", "0b1011010", "0o132", "1_000", "+.inf", ".NaN"])
def test_yaml_1_1_numbers_are_not_reinterpreted(tmp_path: Path, policy: targetdsl.Policy, text: str) -> None:
    """`0110` is not 72 (octal), `1:30` not 90 (base 60), `0x5A` not 90: the text as written; where it is
    not a plain number, it is refused."""
    path = write(tmp_path, "units.yaml", yaml_unit(f"{{target: 100, actual: {text}}}"))
    if text == "0110":
        assert policy.evaluate(path).units[0].measures[0].earned == 50  # 110 of 100, capped at 1
        assert parse_yaml("a: 0110")["a"] == "0110"
        return
    (problem,) = refused(policy, path)
    assert (problem.code, problem.unit, problem.field) == ("data.bad-number", "A", "indicators.gdp.actual")


@pytest.mark.parametrize(
    ("written", "read"),
    [("NO", "NO"), ("010", "010"), ("off", "off"), ("y", "y"), ("1.10", "1.10"), ("2003-01-05", "2003-01-05")],
)
def test_yaml_ids_are_the_text_typed(tmp_path: Path, policy: targetdsl.Policy, written: str, read: str) -> None:
    path = write(tmp_path, "units.yaml", yaml_unit("{target: 100, actual: 90}", unit_id=written))
    assert policy.evaluate(path).units[0].id == read


def test_yaml_booleans_are_yaml_1_2(policy: targetdsl.Policy) -> None:
    assert parse_yaml("[true, False, NO, yes, on, ~, null, '']") == [True, False, "NO", "yes", "on", None, None, ""]


# ------------------------------------------------------------------ duplicate keys


def test_yaml_duplicate_key_is_refused_with_its_line(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.yaml", yaml_unit("{target: 100,\n            actual: 50, actual: 150}"))
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.duplicate-key", "line 6")
    assert "`actual`" in problem.message


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = (
        "defaults: &d {target: 100, actual: 10}\nunits:\n"
        "  - {id: A, class: 县区, indicators: {gdp: {<<: *d, actual: 90}, 增速: {target: 5, actual: 6}}}\n"
    )
    path = write(tmp_path, "units.yaml", text)
    with pytest.raises(targetdsl.DataError) as caught:  # `defaults` is not a data key; the merge itself is fine
        policy.evaluate(path)
    assert [p.field for p in caught.value.problems] == ["defaults"]


def test_json_duplicate_key_is_refused_with_its_line(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = (
        '{"units": [\n{"id": "A", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6},\n'
        '"gdp": {"target": 100,\n "actual": 50, "actual": 150}}}]}\n'
    )
    (problem,) = refused(policy, write(tmp_path, "units.json", text))
    assert (problem.code, problem.field) == ("data.duplicate-key", "line 4")
    (problem,) = refused(policy, write(tmp_path, "units.jsonl", text.replace("\n", "") + "\n"))
    assert (problem.code, problem.field) == ("data.duplicate-key", "line 1")


def test_json_duplicate_key_in_a_streamed_file(tmp_path: Path, policy: targetdsl.Policy) -> None:
    line = '{"id": "A", "id": "B", "class": "县区"}\n'
    with pytest.raises(targetdsl.DataError, match="duplicate key `id`") as caught:
        list(policy.stream(write(tmp_path, "units.jsonl", line)))
    assert [(p.code, p.field) for p in caught.value.problems] == [("data.duplicate-key", "line 1")]


def _pairs_checked(text: str) -> object:
    """The document as read with every object's keys checked as it is read: what parse_json must give."""
    import json

    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        if len({key for key, _ in pairs}) != len(pairs):
            raise ValueError("duplicate")
        return dict(pairs)

    return json.loads(text, parse_float=Decimal, object_pairs_hook=unique)


_KEYS = st.sampled_from(["a", "b", "a:b", "c", ":", r"\u003a", r"d\"", "时间 10:30"])
_SCALARS = st.one_of(st.integers(-5, 5), st.sampled_from(['"x"', '"1:2"', '":"', r'"\u003a"', "1.5", "null"]))


@st.composite
def _json_texts(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON texts with keys written twice now and then, and colons (plain or escaped) inside texts."""
    if depth > 2 or draw(st.booleans()):
        scalar = draw(_SCALARS)
        return str(scalar)
    if draw(st.booleans()):
        items = draw(st.lists(_json_texts(depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    keys = draw(st.lists(_KEYS, max_size=4))
    return "{" + ", ".join(f'"{key}": {draw(_json_texts(depth + 1))}' for key in keys) + "}"


@given(_json_texts())
@settings(max_examples=300, deadline=None)
def test_json_is_read_as_when_every_object_is_checked(text: str) -> None:
    """parse_json checks keys by counting (a text's colons against the keys read), and reads again
    object by object only when they differ: it refuses exactly the texts with a key written twice in
    one object, and reads every other text as the object-by-object reading does."""
    try:
        want = _pairs_checked(text)
    except ValueError:
        with pytest.raises(ValueError, match="duplicate key"):
            parse_json(text)
        return
    assert parse_json(text) == want


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("80,5", "only as a thousands separator"),  # a decimal comma: not 805
        ("1,2,3", "only as a thousands separator"),
        ("12,34", "only as a thousands separator"),
        (",100", "only as a thousands separator"),
        ("8_0", "expected a number"),  # Python's Decimal would take it as 80
        ("1 000", "expected a number"),
        ("0x5A", "expected a number"),
        ("٣", "expected a number"),
        ("1e99999999999999999999", "outside the range"),
        ("9" * 35, "outside the range"),
        ("0." + "1" * 35, "more than 34 significant digits"),
    ],
)
def test_number_text_refused(policy: targetdsl.Policy, value: str, message: str) -> None:
    unit = {
        "id": "A",
        "class": "县区",
        "indicators": {"gdp": {"target": "100", "actual": value}, "增速": {"target": "5", "actual": "6"}},
    }
    (problem,) = refused(policy, [unit])
    assert problem.field == "indicators.gdp.actual" and message in problem.message
    assert problem.code == "data.bad-number"


@pytest.mark.parametrize(
    ("value", "read"), [("1,200", 1200), ("-1,234,567.5", Decimal("-1234567.5")), ("１，２００", 1200), (" 90 ", 90)]
)
def test_thousands_separators_are_read(policy: targetdsl.Policy, value: str, read: Decimal) -> None:
    unit = {
        "id": "A",
        "class": "县区",
        "indicators": {"gdp": {"target": "1", "actual": value}, "增速": {"target": "5", "actual": "6"}},
    }
    assert policy.load_units([unit])[0].measures["gdp"].values["actual"] == read


@pytest.mark.parametrize("digits", [35, 41, 100, 5000])
@pytest.mark.parametrize("suffix", [".json", ".yaml", ".jsonl"])
def test_integers_get_the_checks_of_text(tmp_path: Path, policy: targetdsl.Policy, digits: int, suffix: str) -> None:
    """A 5,000-digit integer was a ValueError (Python's int-text limit); a 100-digit one an InvalidOperation."""
    record = (
        '{"id": "A", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6}, '
        f'"gdp": {{"target": 100, "actual": {"9" * digits}}}}}}}'
    )
    text = record + "\n" if suffix == ".jsonl" else '{"units": [' + record + "]}"
    (problem,) = refused(policy, write(tmp_path, "units" + suffix, text))
    assert problem.field == "indicators.gdp.actual"
    assert "outside the range" in problem.message or "more than 40" in problem.message


def test_python_integers_get_the_checks_of_text(policy: targetdsl.Policy) -> None:
    unit = {
        "id": "A",
        "class": "县区",
        "indicators": {"gdp": {"target": 100, "actual": 10**5000}, "增速": {"target": 5, "actual": 10**20}},
    }
    problems = refused(policy, [unit])
    assert [p.field for p in problems] == ["indicators.gdp.actual", "indicators.增速.actual"]


def test_json_huge_exponent(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = (
        '{"units": [{"id": "A", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6}, '
        '"gdp": {"target": 100, "actual": 1e99999999999999999999}}}]}'
    )
    (problem,) = refused(policy, write(tmp_path, "units.json", text))
    assert problem.field == "indicators.gdp.actual" and "outside the range" in problem.message


@pytest.mark.parametrize("year", ["2003.9", "'2003.9'", "二〇〇三", "true", "20030"])
def test_year_must_be_a_whole_year(tmp_path: Path, policy: targetdsl.Policy, year: str) -> None:
    path = write(tmp_path, "units.yaml", f"year: {year}\n" + yaml_unit("{target: 100, actual: 90}"))
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.bad-year", "year")


def test_year_as_text_is_a_year(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.yaml", "year: '2003'\n" + yaml_unit("{target: 100, actual: 90}"))
    assert policy.evaluate(path).units[0].total == 95


def test_percent_text_is_the_percentage(policy: targetdsl.Policy) -> None:
    unit = {
        "id": "A",
        "class": "县区",
        "indicators": {"gdp": {"target": "100", "actual": "100"}, "增速": {"target": "11.5%", "actual": "11.4％"}},
    }
    assert policy.load_units([unit])[0].measures["增速"].values["target"] == Decimal("0.115")
    assert policy.evaluate([unit]).units[0].total == 50
    unit["indicators"]["gdp"]["actual"] = "90%"  # type: ignore[index]
    (problem,) = refused(policy, [unit])
    assert problem.field == "indicators.gdp.actual"


# ------------------------------------------------------------------ text


def test_json_lone_surrogate_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = (
        '{"units": [{"id": "A\\ud800", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6}, '
        '"gdp": {"target": 100, "actual": 90}}}]}'
    )
    (problem,) = refused(policy, write(tmp_path, "units.json", text))
    assert (problem.code, problem.field) == ("data.bad-text", "line 1")
    # a pair is one character (😀), and an escaped backslash is no escape at all
    assert parse_json('["\\ud83d\\ude00", "\\\\ud800"]') == ["😀", "\\ud800"]


def test_yaml_lone_surrogate_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.yaml", yaml_unit("{target: 100, actual: 90}", unit_id='"A\\ud800"'))
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.bad-text", "line 2")
    assert parse_yaml('["\\ud83d\\ude00", "\\u4e2d"]') == ["😀", "中"]  # a pair is one character


# ------------------------------------------------------------------ alias bombs


def bomb(top: str = "units") -> str:
    """Ten levels, each nine aliases of the one below: 81 aliases, 9**10 values once expanded."""
    names = "abcdefghi"
    lines = ["a: &a [" + ",".join(["x"] * 9) + "]"]
    lines += [f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i - 1]}"] * 9) + "]" for i in range(1, 9)]
    lines.append(f"{top}: [" + ",".join(["*i"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_refused_quickly(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """464 bytes, 81 aliases, 9-way, 10 levels: 3.9 billion values once expanded. Under the old
    alias count (100) it passed."""
    text = bomb()
    assert len(text.encode()) < 500 and text.count("*") == 81
    started = time.perf_counter()
    (problem,) = refused(policy, write(tmp_path, "bomb.yaml", text))
    assert time.perf_counter() - started < 2
    assert problem.code == "data.alias-expansion"


def test_yaml_aliases_that_stay_small_are_fine(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rate = "&r {target: 5, actual: 6}"
    units = "".join(f"  - {{id: U{i}, class: 县区, indicators: {{gdp: *g, 增速: *r}}}}\n" for i in range(300))
    path = write(
        tmp_path,
        "units.yaml",
        f"units:\n  - {{id: U, class: 县区, indicators: {{gdp: &g {{target: 1, actual: 1}}, 增速: {rate}}}}}\n{units}",
    )
    assert len(policy.evaluate(path).units) == 301  # 600 aliases: the old count refused them


def test_yaml_recursive_alias_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    (problem,) = refused(policy, write(tmp_path, "units.yaml", "units: &u [*u]\n"))
    assert problem.code == "data.alias-expansion"


def test_test_files_and_ledgers_refuse_bombs(tmp_path: Path, policy: targetdsl.Policy) -> None:
    from targetdsl.authoring import tester

    write(tmp_path, "p.tdsl", POLICY)
    write(tmp_path, "p.test.yaml", "policy: p.tdsl\n" + bomb("tests"))
    started = time.perf_counter()
    outcome = tester.run([str(tmp_path)])
    assert time.perf_counter() - started < 5
    assert outcome.failed == 1 and "aliases" in str(outcome.results[0].error)
    ledger = write(tmp_path, "ledger.yaml", bomb("carry_over"))
    units = write(tmp_path, "units.yaml", yaml_unit("{target: 1, actual: 1}"))
    with pytest.raises(targetdsl.DataError, match="aliases"):
        policy.evaluate(units, carried_in=ledger)


# ------------------------------------------------------------------ CSV


def test_csv_row_with_more_cells_than_the_header(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """`1,000` unquoted made five cells of four: D01 scored on shifted columns."""
    path = write(
        tmp_path,
        "units.csv",
        "id,class,gdp.target,gdp.actual,增速.target,增速.actual\nD01,县区,1,000,920,5,6\nD02,县区,100,92,5,6\n",
    )
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.bad-row", "line 2, cell 7")
    # trailing empty cells (a comma at the end of every line) are no value
    path.write_text("id,class,gdp.target,gdp.actual,增速.target,增速.actual\nD01,县区,100,92,5,6,,\n", encoding="utf-8")
    assert policy.evaluate(path).units[0].total == 96


def test_csv_columns_inside_one_another(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(
        tmp_path,
        "units.csv",
        "id,class,gdp.target,gdp.actual,gdp.actual.y,增速.target,增速.actual\nD01,县区,100,92,5,5,6\n",
    )
    (problem,) = refused(policy, path)
    assert problem.code == "data.bad-header" and "`gdp.actual`" in problem.message
    assert "`gdp.actual.y`" in problem.message


@pytest.mark.parametrize(
    ("columns", "named"),
    [
        ("gdp.target,indicators.gdp.target", "same value"),
        ("gdp..target", "between dots"),
        ("gdp.01.target", "between dots"),
    ],
)
def test_csv_columns_that_would_hold_one_value(
    tmp_path: Path, policy: targetdsl.Policy, columns: str, named: str
) -> None:
    path = write(tmp_path, "units.csv", f"id,class,{columns}\nD01,县区,1,2\n")
    problems = refused(policy, path)
    assert any(p.code == "data.bad-header" and named in p.message for p in problems)


def test_csv_footer_rows_are_not_units(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(
        tmp_path,
        "units.csv",
        "id,class,gdp.target,gdp.actual,增速.target,增速.actual\n"
        "D01,县区,100,92,5,6\n,,,,,\n\n合计,,100,92,,\n填表人：张三,,,,,\n"
        ",,200,184,,\n2004年1月5日,,,,,\n单位：万元,,,,,\n",
    )
    problems = refused(policy, path)
    assert [(p.code, p.field) for p in problems] == [
        ("data.not-a-unit", f"line {line}, column `id`") for line in (5, 6, 7, 8, 9)
    ]
    # blank rows alone are skipped
    path.write_text(
        "id,class,gdp.target,gdp.actual,增速.target,增速.actual\n\n,,,,,\nD01,县区,100,92,5,6\n,,\n", encoding="utf-8"
    )
    assert [u.id for u in policy.evaluate(path).units] == ["D01"]


def test_csv_value_under_no_header(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(
        tmp_path, "units.csv", "id,class,,gdp.target,gdp.actual,增速.target,增速.actual\nD01,县区,7,100,92,5,6\n"
    )
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.no-column", "line 2, cell 3")


def test_csv_field_over_the_csv_module_limit(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.csv", 'id,class,gdp.target\nD01,县区,"' + "9" * 200_000 + '"\n')
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.bad-row", "line 2")


def test_csv_problems_in_a_streamed_file(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(
        tmp_path,
        "units.csv",
        "id,class,gdp.target,gdp.actual,增速.target,增速.actual\nD01,县区,1,000,920,5,6\n合计,,100,92,,\n",
    )
    with pytest.raises(targetdsl.DataError) as caught:
        list(policy.stream(path))
    assert [p.code for p in caught.value.problems] == ["data.bad-row", "data.not-a-unit"]


# ------------------------------------------------------------------ Excel

HEADER = ["id", "gdp.target", "gdp.actual", "增速.target", "增速.actual"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def cell(reference: str, value: object, style: int = 0) -> str:
    """A cell as Excel writes it: text in the shared strings, numbers as their shortest text."""
    if isinstance(value, str):
        return f'<c r="{reference}" t="s"><v>{STRINGS.setdefault(value, len(STRINGS))}</v></c>'
    return f'<c r="{reference}" s="{style}"><v>{value}</v></c>'


STRINGS: dict[str, int] = {}


def sheet_xml(rows: list[list[object]], *, dimension: str | None = None, styles: dict[str, int] | None = None) -> str:
    """Rows from A1 (None: no cell); `styles` gives a cell's style by reference (1 = 0.0%, 2 = a date,
    3 = a date as Chinese Excel writes it, yyyy年m月d日).
    The dimension is the true one unless given."""
    width = max((len(row) for row in rows), default=1)
    dimension = dimension or f"A1:{chr(64 + max(width, 1))}{max(len(rows), 1)}"
    lines = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for index, value in enumerate(row):
            reference = f"{chr(65 + index)}{number}"
            if value is not None:
                cells.append(cell(reference, value, (styles or {}).get(reference, 0)))
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )


def excel(path: Path, sheets: dict[str, str], *, states: dict[str, str] | None = None) -> Path:
    """A workbook made the way Excel makes one (shared strings, a styles part), from sheet XML."""
    import zipfile

    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
        + (f' state="{(states or {})[name]}"' if name in (states or {}) else "")
        + "/>"
        for i, name in enumerate(sheets, start=1)
    )
    relations = "".join(
        f'<Relationship Id="rId{i}" Type="{RELATIONS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    relations += (
        f'<Relationship Id="rId{len(sheets) + 1}" Type="{RELATIONS}/sharedStrings" '
        f'Target="sharedStrings.xml"/><Relationship Id="rId{len(sheets) + 2}" Type="{RELATIONS}/styles" '
        'Target="styles.xml"/>'
    )
    strings = "".join(f"<si><t>{text}</t></si>" for text in STRINGS)
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{kinds}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}.sheet.main+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{kinds}.styles+xml"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{RELATIONS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><sheets>{entries}</sheets></workbook>'
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{relations}</Relationships>',
        )
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        archive.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
            'formatCode="0.0%"/></numFmts><cellXfs count="4"><xf numFmtId="0"/>'
            '<xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="31"/></cellXfs>'
            "</styleSheet>",
        )
        for i, text in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", text)
    return path


def test_excel_percent_cell_where_the_input_is_a_percentage(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """`11.5%` typed in Excel is stored 0.115: it was read as 0.115 %, and the unit scored 0."""
    rows: list[list[object]] = [HEADER, ["A", 100, 100, 0.115, 0.116]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows, styles={"D2": 1, "E2": 1})})
    unit = policy.load_units(path)[0]
    assert unit.measures["增速"].values["target"] == Decimal("0.115")  # 11.5 %, as a fraction
    assert policy.evaluate(path).units[0].total == 100


def test_excel_percent_cell_elsewhere_is_refused_with_what_to_type(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [HEADER, ["A", 100, 0.92, 5, 6]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows, styles={"C2": 1})})
    (problem,) = refused(policy, path)
    assert (problem.code, problem.unit, problem.field) == ("data.percent-cell", "A", "indicators.gdp.actual")
    assert "92%" in problem.message and "0.92" in problem.message


def test_excel_numbers_as_excel_shows_them(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """The double 99.999999999999986 is shown as 100 by Excel: the item is completed."""
    rows: list[list[object]] = [HEADER, ["A", 100, "99.999999999999986", 5, 6], ["B", 0.3, 0.30000000000000004, 5, 6]]
    text = sheet_xml(rows).replace(
        't="s"><v>' + str(STRINGS["99.999999999999986"]) + "</v>", "><v>99.999999999999986</v>"
    )
    path = excel(tmp_path / "units.xlsx", {"县区": text})
    units = {u.id: u for u in policy.load_units(path)}
    assert units["A"].measures["gdp"].values["actual"] == 100
    assert units["B"].measures["gdp"].values["actual"] == Decimal("0.3")


def test_excel_dimension_that_lies(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """Some exporters write `<dimension ref="A1"/>`: read-only openpyxl then saw one cell, 0 units."""
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6], ["B", 100, 80, 5, 4]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows, dimension="A1")})
    assert [(u.id, u.total) for u in policy.evaluate(path).units] == [("A", 95), ("B", 40)]


def test_excel_class_sheet_without_its_header_row(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """Row 1 (the field paths) deleted: the whole sheet was skipped, exit 0, nine counties gone."""
    rows: list[list[object]] = [
        ["单位编号", "生产总值目标", "生产总值完成", "增速目标", "增速完成"],
        ["A", 100, 90, 5, 6],
    ]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows)})
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.no-header", "sheet 县区, row 1")
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml([["A", 100, 90, 5, 6], ["B", 100, 90, 5, 6]])})
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.no-header", "sheet 县区")


def test_excel_instructions_sheet_is_skipped(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    path = excel(
        tmp_path / "units.xlsx", {"填表说明 instructions": sheet_xml([["每个单位一行"]]), "县区": sheet_xml(rows)}
    )
    assert [u.id for u in policy.evaluate(path).units] == ["A"]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_excel_hidden_sheet_with_units_is_refused(tmp_path: Path, policy: targetdsl.Policy, state: str) -> None:
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    path = excel(
        tmp_path / "units.xlsx",
        {"县区": sheet_xml(rows), "旧": sheet_xml([HEADER, ["Z", 1, 1, 1, 1]]), "lists": sheet_xml([["是"], ["否"]])},
        states={"旧": state, "lists": "hidden"},
    )
    (problem,) = refused(policy, path)  # the hidden list of choices holds no units: no problem
    assert (problem.code, problem.field) == ("data.hidden-sheet", "sheet 旧")
    assert state in problem.message


def test_excel_footer_rows(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["A", 100, 90, 5, 6],
        [],
        [None, None, None],
        ["合计", 100, 90],
        ["填表人：张三"],
        [None, 200, 180],
    ]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows)})
    problems = refused(policy, path)
    assert [(p.code, p.field) for p in problems] == [
        ("data.not-a-unit", f"sheet 县区, cell A{row}") for row in (5, 6, 7)
    ]


def test_excel_value_far_away_does_not_spin(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    text = sheet_xml(rows, dimension="A1:XFD1048576").replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>7777</v></c></row></sheetData>'
    )
    path = excel(tmp_path / "units.xlsx", {"县区": text})
    started = time.perf_counter()
    problems = refused(policy, path)
    assert time.perf_counter() - started < 2
    assert [(p.code, p.field) for p in problems] == [("data.no-column", "sheet 县区, cell XFD1048576")]
    # a formatted but empty cell out there is nothing
    path = excel(tmp_path / "units.xlsx", {"县区": text.replace("<v>7777</v>", "")})
    assert [u.id for u in policy.evaluate(path).units] == ["A"]


def test_excel_inflating_beyond_the_limit_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """The 413 KB workbook that inflates to 1.25 GB, in small: a sheet part beyond the limit."""
    from targetdsl.units import sheets

    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    padding = '<row r="3"/>' * (sheets.MAX_INFLATED // 12 + 1)
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows).replace("</sheetData>", padding + "</sheetData>")})
    assert path.stat().st_size < 2_000_000
    started = time.perf_counter()
    (problem,) = refused(policy, path)
    assert time.perf_counter() - started < 2
    assert problem.code == "data.bad-workbook" and "inflates" in problem.message


@pytest.mark.parametrize(
    ("damage", "code", "field"),
    [
        (lambda t: t.replace("</sheetData>", "<row>"), "data.bad-workbook", None),  # malformed XML
        (lambda t: t.replace("<v>90</v>", "<v>NaN</v>"), "data.bad-cell", "sheet 县区, cell C2"),
        (lambda t: t.replace("<v>90</v>", "<v>1e999</v>"), "data.bad-cell", "sheet 县区, cell C2"),
        (lambda t: t.replace("<v>90</v>", "<v>ninety</v>"), "data.bad-cell", "sheet 县区, cell C2"),
        (lambda t: t.replace('r="C2"', 'r="C2x"'), "data.bad-workbook", None),
        (lambda t: '<!DOCTYPE w [<!ENTITY a "aaaa">]>' + t.split("?>", 1)[1], "data.bad-workbook", None),
    ],
)
def test_excel_damaged_sheets(
    tmp_path: Path, policy: targetdsl.Policy, damage: object, code: str, field: str | None
) -> None:
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    path = excel(tmp_path / "units.xlsx", {"县区": damage(sheet_xml(rows))})  # type: ignore[operator]
    problems = refused(policy, path)
    assert (problems[0].code, problems[0].field) == (code, field)


def test_not_a_workbook(tmp_path: Path, policy: targetdsl.Policy) -> None:
    (problem,) = refused(policy, write(tmp_path, "units.xlsx", "id,class\nA,县区\n"))
    assert problem.code == "data.wrong-format"  # told by its content: text renamed .xlsx


def test_csv_separated_by_semicolons(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """Excel in a comma-decimal locale saves "CSV" with semicolons."""
    path = write(tmp_path, "units.csv", "id;class;gdp.target;gdp.actual\nD01;县区;100;92,5\n")
    (problem,) = refused(policy, path)
    assert problem.code == "data.bad-header" and "`;`" in problem.message


@pytest.mark.parametrize("text", ["D01\x00", "D01\x1b[2K", "D\r01", "D\x8501"])
def test_control_characters_in_ids_and_names(tmp_path: Path, policy: targetdsl.Policy, text: str) -> None:
    units = [{"id": text, "class": "县区"}, {"id": "D02", "name": text, "class": "县区"}]
    problems = refused(policy, units)
    assert [(p.code, p.field) for p in problems] == [("data.bad-text", "id"), ("data.bad-text", "name")]
    assert all(p.unit is not None and p.unit.isprintable() for p in problems)


def test_excel_written_by_openpyxl(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """Built-in formats (0%, 0.00%, a date), text written inline, a formula with its stored value."""
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "县区"
    sheet.append(HEADER)
    sheet.append(["A", 100, 90, 0.05, 0.06])
    sheet["D2"].number_format = "0%"
    sheet["E2"].number_format = "0.00%"
    sheet.append(["B", 100, datetime.datetime(2003, 5, 1), 5, 4])
    book.save(tmp_path / "units.xlsx")
    problems = refused(policy, tmp_path / "units.xlsx")
    assert [(p.unit, p.field) for p in problems] == [("B", "indicators.gdp.actual")]  # a date is no number
    assert "date" in problems[0].message
    sheet["C3"] = 90
    sheet["C3"].number_format = "General"  # else 90 is shown, and read, as the date 1900-03-30
    book.save(tmp_path / "units.xlsx")
    unit = policy.load_units(tmp_path / "units.xlsx")[0]
    assert unit.measures["增速"].values == {"target": Decimal("0.05"), "actual": Decimal("0.06")}


def test_excel_cells_beyond_the_limit_are_refused(
    tmp_path: Path, policy: targetdsl.Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from targetdsl.units import sheets

    monkeypatch.setattr(sheets, "MAX_CELLS", 9)
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows)})
    (problem,) = refused(policy, path)
    assert problem.code == "data.bad-workbook" and "cells" in problem.message
    monkeypatch.setattr(sheets, "MAX_CELLS", 10)
    assert len(policy.evaluate(path).units) == 1


def test_csv_blank_lines_before_the_header(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(
        tmp_path, "units.csv", "\n,,,\nid,class,gdp.target,gdp.actual,增速.target,增速.actual\nD01,县区,100,92,5,6\n"
    )
    assert [u.id for u in policy.evaluate(path).units] == ["D01"]
    with policy.stream(path) as streamed:
        assert [u.id for u in streamed] == ["D01"]


def test_lone_surrogate_given_from_python(policy: targetdsl.Policy) -> None:
    (problem,) = refused(policy, [{"id": "A\ud800", "class": "县区"}])
    assert problem.code == "data.bad-text" and "half of a character" in problem.message


def test_excel_escapes_and_cells_written_twice(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [HEADER, ["A_x001B_A", 100, 90, 5, 6], ["B_x005F_x", 100, 90, 5, 6]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows)})
    problems = refused(policy, path)
    assert [(p.code, p.field) for p in problems] == [("data.bad-text", "id")]  # an ESC in the id
    rows[1][0] = "A"
    assert [u.id for u in policy.evaluate(excel(path, {"县区": sheet_xml(rows)})).units] == ["A", "B_x"]
    twice = sheet_xml(rows).replace('<c r="B2"', '<c r="C2" s="0"><v>1</v></c><c r="B2"')
    (problem,) = refused(policy, excel(path, {"县区": twice}))
    assert problem.code == "data.bad-workbook" and "C2 is written twice" in problem.message


def test_yaml_dates_and_date_times(tmp_path: Path) -> None:
    import datetime

    read = parse_yaml("[2003-11-20, 2003-1-5, 2003-11-20T10:00:00, 20031120]")
    assert read[:2] == [datetime.date(2003, 11, 20), "2003-1-5"]  # as YAML 1.1: a date has two-digit parts
    assert read[2] == datetime.datetime(2003, 11, 20, 10) and read[3] == 20031120


def test_excel_header_problems_name_the_sheet_and_row(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [[], ["id", "gdp.target", "gdp.actual", "gdp.actual.y"], ["A", 100, 90, 5]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows)})
    (problem,) = refused(policy, path)
    assert (problem.code, problem.file, problem.field) == ("data.bad-header", str(path), "sheet 县区, row 2")


def test_excel_dates_in_chinese_formats(tmp_path: Path) -> None:
    """Built-in format 31 (yyyy年m月d日) has no numFmt element: the serial 37945 is 2003-11-20."""
    import datetime

    dated = targetdsl.parse_policy(POLICY.replace("category 定量 {", "input 验收: date\ncategory 定量 {"))
    rows: list[list[object]] = [[*HEADER, "inputs.验收"], ["A", 100, 90, 5, 6, 37945], ["B", 100, 90, 5, 6, 37946]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows, styles={"F2": 3, "F3": 2})})
    assert [u.values["验收"] for u in dated.load_units(path)] == [
        datetime.date(2003, 11, 20),
        datetime.date(2003, 11, 21),
    ]


def test_test_files_refuse_duplicate_keys(tmp_path: Path) -> None:
    from targetdsl.authoring import tester

    write(tmp_path, "p.tdsl", POLICY)
    write(tmp_path, "p.test.yaml", "policy: p.tdsl\ntests:\n  - name: a\n    name: b\n")
    outcome = tester.run([str(tmp_path)])
    assert outcome.failed == 1 and "duplicate key `name`" in str(outcome.results[0].error)
    assert "line 4" in str(outcome.results[0].error)


def test_a_title_above_the_header(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [["2003年度目标考核数据"], HEADER, ["A", 100, 90, 5, 6]]
    (problem,) = refused(policy, excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows)}))
    assert (problem.code, problem.field) == ("data.no-header", "sheet 县区, row 2")
    path = write(tmp_path, "units.csv", "2003年度目标考核数据,,\nid,class,gdp.target\nA,县区,1\n")
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.no-header", "line 2")


def test_excel_header_too_wide(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    text = sheet_xml(rows).replace("</row>", '<c r="XFD1"><v>1</v></c></row>', 1)
    started = time.perf_counter()
    (problem,) = refused(policy, excel(tmp_path / "units.xlsx", {"县区": text}))
    assert time.perf_counter() - started < 2
    assert (problem.code, problem.field) == ("data.bad-header", "sheet 县区, cell XFD1")


def test_excel_damaged_xml_names_the_part_and_line(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rows: list[list[object]] = [HEADER, ["A", 100, 90, 5, 6]]
    path = excel(tmp_path / "units.xlsx", {"县区": sheet_xml(rows).replace("<v>90</v>", "<v>90</x>")})
    (problem,) = refused(policy, path)
    assert problem.code == "data.bad-workbook"
    assert "`xl/worksheets/sheet1.xml`" in problem.message and "line 1" in problem.message
