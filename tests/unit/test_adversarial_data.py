"""Unit data an office (or an attacker) sends that was read silently wrong or crashed: the same award
listed twice, Excel error cells, impossible calendar dates, look-alike ids, a class column that
contradicts its sheet, and messages that leaked Python's internals. Each is now read as the person
meant or refused with a coded error naming the file, the line or sheet and cell, the unit and the
field (docs/data.md, docs/errors.md "Unit data")."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import targetdsl
from targetdsl.units.documents import parse_yaml
from tests.support import refused, write

POLICY = """policy "数据" { year 2003 status draft }
class 县区 { 定量 100 }
class 市直部门 { 定量 100 }
category 定量 {
    indicator gdp points 50 { input target: number input actual: number score points * min(actual / target, 1) }
}
bonus 获奖 {
    level 省级 2
    level 市级 1
    cap 3
}
"""


@pytest.fixture
def policy() -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY, name="数据.tdsl")


def unit(unit_id: Any = "A", **extra: Any) -> dict[str, Any]:
    return {"id": unit_id, "class": "县区", "indicators": {"gdp": {"target": 1, "actual": 1}}, **extra}


def book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


HEADER = ["id", "name", "class", "gdp.target", "gdp.actual", "bonuses.获奖.1.name", "bonuses.获奖.1.level"]


# ------------------------------------------------------------------ A4: one award listed twice


def test_the_same_award_listed_twice_is_refused_naming_both(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = (
        "units:\n  - id: A\n    class: 县区\n    indicators: {gdp: {target: 1, actual: 1}}\n"
        "    bonuses: {获奖: [{name: a, level: 省级, date: 2003-03-01}, {name: a, level: 省级, date: 2003-03-01}]}\n"
    )
    (problem,) = refused(policy, write(tmp_path, "units.yaml", text))
    assert (problem.code, problem.unit, problem.field) == ("data.duplicate-award", "A", "bonuses.获奖[2]")
    assert "the same award as bonuses.获奖[1]" in problem.message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"name": "省文明县城", "level": "省级"}, {"name": " 省文明 县城 ", "level": "省级"}),  # spaces do not matter
        ({"name": "ＡＢ奖", "level": "省级"}, {"name": "AB奖", "level": "省级"}),  # full-width forms are what they show
        ({"name": "a", "level": "省级", "date": "2003-03-01"}, {"name": "a", "level": "省级"}),  # one undated
    ],
)
def test_look_alike_award_entries_are_one_award(
    policy: targetdsl.Policy, first: dict[str, str], second: dict[str, str]
) -> None:
    (problem,) = refused(policy, {"units": [unit(bonuses={"获奖": [first, second]})]})
    assert problem.code == "data.duplicate-award"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"level": "省级"}, {"level": "省级"}),  # unnamed: two awards may be won on one day
        ({"name": "a", "level": "省级"}, {"name": "a", "level": "市级"}),
        ({"name": "a", "level": "省级", "date": "2003-03-01"}, {"name": "a", "level": "省级", "date": "2003-09-01"}),
        ({"name": "a", "level": "省级"}, {"name": "b", "level": "省级"}),
    ],
)
def test_different_awards_both_count(policy: targetdsl.Policy, first: dict[str, str], second: dict[str, str]) -> None:
    result = policy.evaluate({"units": [unit(bonuses={"获奖": [first, second]})]})
    assert result.units[0].bonus == Decimal(2 + (2 if second["level"] == "省级" else 1)).min(Decimal(3))


# ------------------------------------------------------------------ A6: Excel error cells


@pytest.mark.parametrize(
    ("column", "error", "field"),
    [
        (0, "#REF!", "A2"),  # the id
        (1, "#N/A", "B2"),  # the name
        (3, "#DIV/0!", "D2"),  # a number
        (5, "#NAME?", "F2"),  # an award's name
        (6, "#VALUE!", "G2"),  # an award's level
    ],
)
def test_an_excel_error_cell_is_refused_by_its_cell_wherever_it_is(
    tmp_path: Path, policy: targetdsl.Policy, column: int, error: str, field: str
) -> None:
    row: list[Any] = ["C01", "赣榆县", "县区", 10, 12, "文明县城", "省级"]
    row[column] = error
    path = book(tmp_path / "units.xlsx", {"县区": [HEADER, row, ["C02", None, None, 10, 9]]})
    (problem,) = refused(policy, path)
    assert problem.code == "data.error-cell"
    assert problem.field == f"sheet 县区, cell {field}"
    assert f"error value {error}" in problem.message
    assert problem.unit == (None if column == 0 else "C01")


def test_an_excel_error_cell_as_an_item_name_is_refused(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(
        """policy "p" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 { items 项目 { input done: bool score if done then points else 0 } }
""",
        name="p.tdsl",
    )
    path = book(tmp_path / "units.xlsx", {"县区": [["id", "项目.1.name", "项目.1.done"], ["C01", "#N/A", True]]})
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.error-cell", "sheet 县区, cell B2")


def test_excel_error_text_in_a_csv_is_refused_by_its_line(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """Excel saves an error cell to CSV as its text: `#N/A` is no unit's name."""
    path = write(tmp_path, "units.csv", "id,name,class,gdp.target,gdp.actual\nC01,#N/A,县区,1,1\n")
    (problem,) = refused(policy, path)
    assert (problem.code, problem.unit, problem.field) == ("data.error-cell", "C01", "line 2, column `name`")


def test_excel_error_value_as_a_column_header_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = book(tmp_path / "units.xlsx", {"县区": [["id", "gdp.target", "#REF!"], ["C01", 1, 1]]})
    problems = refused(policy, path)
    assert any(p.code == "data.error-cell" and "#REF!" in p.message for p in problems)


# ------------------------------------------------------------------ B1: impossible calendar dates


def test_an_impossible_yaml_date_is_refused_with_its_line(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = (
        "units:\n  - id: A\n    class: 县区\n    indicators: {gdp: {target: 1, actual: 1}}\n"
        "    bonuses:\n      获奖: [{name: a, level: 省级, date: 2004-02-30}]\n"
    )
    (problem,) = refused(policy, write(tmp_path, "units.yaml", text))
    assert (problem.code, problem.unit, problem.field) == ("data.bad-date", "A", "bonuses.获奖[1].date")
    assert "`2004-02-30` (line 6) is not a day of the calendar: February 2004 has 29 days" in problem.message


def test_a_name_that_looks_like_an_impossible_date_is_its_text(policy: targetdsl.Policy) -> None:
    document = parse_yaml(
        "units:\n  - {id: 2004-13-01, name: 2004-02-30, class: 县区, indicators: {gdp: {target: 1, actual: 1}}}"
    )
    result = policy.evaluate(document)
    assert (result.units[0].id, result.units[0].name) == ("2004-13-01", "2004-02-30")


@pytest.mark.parametrize(
    ("written", "why"),
    [("2004-13-01", "there is no month 13"), ("2003-04-31", "April 2003 has 30 days"), ("2003-01-00", "no day 0")],
)
def test_an_impossible_date_in_a_ledger_is_refused(policy: targetdsl.Policy, written: str, why: str) -> None:
    ledger = parse_yaml(
        f"year: 2002\ncarry_over:\n  - {{unit: A, bonus: 获奖, level: 省级, name: x, date: {written}}}\n"
    )
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate({"units": [unit()]}, carried_in=ledger)
    (problem,) = caught.value.problems
    assert problem.code == "data.bad-date" and why in problem.message and "(line 3)" in problem.message


@pytest.mark.parametrize("written", ["20031120", "2003-W47-4", "11/20/2003", "2003-11-20 10:00", "2003-11/20"])
def test_dates_are_written_yyyy_mm_dd(policy: targetdsl.Policy, written: str) -> None:
    """Python's fromisoformat would take 20031120 and week dates; 11/20/2003 is read in two orders
    around the world. A date is written year first: 2003-11-20 (or 2003/11/20, 2003年11月20日)."""
    (problem,) = refused(policy, {"units": [unit(bonuses={"获奖": [{"level": "省级", "date": written}]})]})
    assert problem.code == "data.bad-date" and "expected a date such as 2003-12-05" in problem.message


def test_an_impossible_date_in_a_test_file_is_reported_by_the_test(tmp_path: Path) -> None:
    from targetdsl.authoring.tester import run_file

    write(tmp_path, "p.tdsl", POLICY)
    write(
        tmp_path,
        "u.yaml",
        "units:\n  - id: A\n    class: 县区\n    indicators: {gdp: {target: 1, actual: 1}}\n"
        "    bonuses: {获奖: [{name: a, level: 省级, date: 2003-02-29}]}\n",
    )
    test = write(
        tmp_path, "p.test.yaml", "policy: p.tdsl\ntests:\n  - name: t\n    data: u.yaml\n    expect: {A: {}}\n"
    )
    _, results = run_file(test)
    (result,) = results
    assert result.error is not None and "February 2003 has 28 days" in result.error


# ------------------------------------------------------------------ C2: look-alike ids


@pytest.mark.parametrize("twin", ["Ｃ01", "C01\u00a0", "C01\u3000", "Ｃ０１"])
def test_look_alike_ids_are_one_id(tmp_path: Path, policy: targetdsl.Policy, twin: str) -> None:
    path = write(tmp_path, "units.csv", f"id,class,gdp.target,gdp.actual\nC01,县区,1,1\n{twin},县区,1,1\n")
    (problem,) = refused(policy, path)
    assert (problem.code, problem.unit, problem.field) == ("data.duplicate-unit", "C01", "id")
    assert "line 3, column `id` and line 2, column `id` both give `C01`" in problem.message


@pytest.mark.parametrize("hidden", ["\u200b", "\u200d", "\ufeff", "\u202e", "\u2060", "\u00ad", "\ufe0f"])
def test_invisible_characters_in_an_id_or_name_are_refused(policy: targetdsl.Policy, hidden: str) -> None:
    (problem,) = refused(policy, {"units": [unit(f"C01{hidden}"), unit("C01")]})
    assert (problem.code, problem.field) == ("data.bad-text", "id") and f"U+{ord(hidden):04X}" in problem.message
    (problem,) = refused(policy, {"units": [unit("C01", name=f"赣榆{hidden}县")]})
    assert (problem.code, problem.field) == ("data.bad-text", "name")


def test_different_texts_stay_different_ids(policy: targetdsl.Policy) -> None:
    result = policy.evaluate({"units": [unit("C01"), unit("c01"), unit("001"), unit(1)]})
    assert sorted(u.id for u in result.units) == ["001", "1", "C01", "c01"]


def test_a_full_width_id_is_read_as_it_shows_everywhere(policy: targetdsl.Policy) -> None:
    """The id is stored as read, so last year's ledger finds the unit whichever way it was typed."""
    ledger = {"year": 2002, "carry_over": [{"unit": "C01", "bonus": "获奖", "level": "省级", "date": "2003-01-10"}]}
    result = policy.evaluate({"units": [unit("Ｃ01")]}, carried_in=ledger)
    assert (result.units[0].id, result.units[0].bonus) == ("C01", Decimal(2))


def test_duplicate_ids_name_their_yaml_lines(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = "units:\n" + "".join(
        f"  - {{id: {i}, class: 县区, indicators: {{gdp: {{target: 1, actual: 1}}}}}}\n" for i in ("A", "B", "A")
    )
    (problem,) = refused(policy, write(tmp_path, "units.yaml", text))
    assert problem.code == "data.duplicate-unit" and "line 4 and line 2 both give `A`" in problem.message


def test_duplicate_ids_name_their_sheet_cells(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = book(
        tmp_path / "units.xlsx",
        {"县区": [HEADER[:5], ["C01", "a", None, 1, 1]], "市直部门": [HEADER[:5], ["C01", "b", None, 1, 1]]},
    )
    problems = refused(policy, path)
    assert any(
        p.code == "data.duplicate-unit" and "sheet 市直部门, cell A2 and sheet 县区, cell A2" in p.message
        for p in problems
    ), problems


# ------------------------------------------------------------------ C3: the class column and the sheet


def test_a_class_column_contradicting_its_sheet_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = book(tmp_path / "units.xlsx", {"市直部门": [HEADER[:5], ["D01", "财政局", "县区", 1, 1]]})
    (problem,) = refused(policy, path)
    assert (problem.code, problem.unit, problem.field) == ("data.unknown-class", "D01 (财政局)", "class")
    assert "sheet 市直部门, cell C2" in problem.message and "`县区`" in problem.message


@pytest.mark.parametrize(
    ("sheet", "cell", "read"),
    [
        ("市直部门", "市直部门", "市直部门"),
        ("市直部门", None, "市直部门"),
        ("Sheet1", "县区", "县区"),
        ("市直部门 ", " 市直部门\u3000", "市直部门"),
    ],
)
def test_a_class_column_that_agrees_or_is_blank_is_read(
    tmp_path: Path, policy: targetdsl.Policy, sheet: str, cell: str | None, read: str
) -> None:
    path = book(tmp_path / "units.xlsx", {sheet: [HEADER[:5], ["D01", "财政局", cell, 1, 1]]})
    assert policy.evaluate(path).units[0].unit_class == read


# ------------------------------------------------------------------ E: messages


@pytest.mark.parametrize("written", ["县区 ", "县区\u3000", "\u00a0县区"])
def test_class_names_are_trimmed_like_ids(policy: targetdsl.Policy, written: str) -> None:
    record = unit()
    record["class"] = written
    assert policy.evaluate({"units": [record]}).units[0].unit_class == "县区"


def test_a_percent_cell_is_shown_as_excel_shows_it(tmp_path: Path, policy: targetdsl.Policy) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "县区"
    sheet.append(["id", "gdp.target", "gdp.actual"])
    sheet.append(["C01", 1, 3])
    sheet["C2"].number_format = "0%"
    workbook.save(tmp_path / "units.xlsx")
    (problem,) = refused(policy, tmp_path / "units.xlsx")
    assert problem.code == "data.percent-cell" and "the cell shows 300%" in problem.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "nothing"),
        ({"a": 1}, "a mapping of names to values"),
        ([1], "a list"),
        ({1}, "a set"),
        (b"1", "bytes"),
        (True, "true"),
    ],
)
def test_messages_name_values_in_words_not_python_types(policy: targetdsl.Policy, value: Any, shown: str) -> None:
    record = unit()
    record["indicators"]["gdp"]["target"] = value
    (problem,) = refused(policy, {"units": [record]})
    if value is None:
        assert problem.code == "data.missing-value"
        return
    assert problem.message.startswith(f"expected a number, found {shown}")
    for python in ("NoneType", "dict", "<class", "True", "b'", "{"):
        assert python not in problem.message


@pytest.mark.parametrize(
    ("unit_id", "shown"), [(True, "`true`"), (("A",), "a list"), ({"a": 1}, "a mapping"), (Decimal("1E+3"), "`1E+3`")]
)
def test_ids_are_text_or_plain_numbers(policy: targetdsl.Policy, unit_id: Any, shown: str) -> None:
    (problem,) = refused(policy, {"units": [unit(unit_id)]})
    assert (problem.code, problem.field) == ("data.bad-text", "id") and shown in problem.message


def test_plain_number_and_date_ids_are_their_text(policy: targetdsl.Policy) -> None:
    result = policy.evaluate({"units": [unit(7), unit(Decimal("1.10")), unit(datetime.date(2003, 1, 5))]})
    assert sorted(u.id for u in result.units) == ["1.10", "2003-01-05", "7"]


def test_json_true_is_no_id(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.json", '{"units": [{"id": true, "class": "县区"}]}')
    (problem,) = refused(policy, path)
    assert problem.code == "data.bad-text" and "found `true`" in problem.message and "True" not in str(problem)


# ------------------------------------------------------------------ E(e): every common problem has a code


def test_an_unknown_class_has_a_code(policy: targetdsl.Policy) -> None:
    record = unit()
    record["class"] = "乡镇"
    (problem,) = refused(policy, {"units": [record]})
    assert (problem.code, problem.field) == ("data.unknown-class", "class") and "`乡镇`" in problem.message


def test_an_unknown_indicator_or_input_has_a_code(policy: targetdsl.Policy) -> None:
    record = unit()
    record["indicators"]["gpd"] = {"x": 1}
    record["indicators"]["gdp"]["actul"] = 1
    problems = refused(policy, {"units": [record]})
    assert [(p.code, p.field) for p in problems] == [
        ("data.unknown-field", "indicators.gpd"),
        ("data.unknown-field", "indicators.gdp.actul"),
    ]


def test_a_missing_value_has_a_code(policy: targetdsl.Policy) -> None:
    record = unit()
    del record["indicators"]["gdp"]["actual"]
    (problem,) = refused(policy, {"units": [record]})
    assert (problem.code, problem.field) == ("data.missing-value", "indicators.gdp.actual")


def test_a_date_outside_the_year_has_a_code(policy: targetdsl.Policy) -> None:
    (problem,) = refused(policy, {"units": [unit(bonuses={"获奖": [{"level": "省级", "date": "2002-12-31"}]})]})
    assert (problem.code, problem.field) == ("data.date-outside-year", "bonuses.获奖[1].date")


def test_an_unknown_award_level_has_a_code(policy: targetdsl.Policy) -> None:
    (problem,) = refused(policy, {"units": [unit(bonuses={"获奖": [{"level": "国家级"}]})]})
    assert (problem.code, problem.field) == ("data.unknown-level", "bonuses.获奖[1].level")
    # a level typed with a trailing space (a CSV cell) is the level it shows
    assert policy.evaluate({"units": [unit(bonuses={"获奖": [{"level": "省级 "}]})]}).units[0].bonus == 2


def test_a_value_that_is_not_true_or_false_has_a_code() -> None:
    policy = targetdsl.parse_policy(
        'policy "p" { year 2003 status draft }\nclass 县区 { 定量 100 }\n'
        "category 定量 { indicator ok points 100 { input done: bool score if done then points else 0 } }\n",
        name="p.tdsl",
    )
    (problem,) = refused(policy, {"units": [{"id": "A", "class": "县区", "indicators": {"ok": {"done": {"a": 1}}}}]})
    assert (
        problem.code == "data.bad-value"
        and problem.message == "expected true or false, found a mapping of names to values"
    )


def test_the_wrong_shape_has_a_code(policy: targetdsl.Policy) -> None:
    (problem,) = refused(policy, {"units": {"A": unit()}})
    assert (problem.code, problem.field) == ("data.bad-shape", "units")
    (problem,) = refused(policy, {"units": [unit(bonuses={"获奖": {"level": "省级"}})]})
    assert (problem.code, problem.field) == ("data.bad-shape", "bonuses.获奖")


def test_a_value_outside_its_range_has_a_code() -> None:
    policy = targetdsl.parse_policy(
        'policy "p" { year 2003 status draft }\nclass 县区 { 定量 100 }\n'
        "category 定量 { indicator r points 100 { input rate: number range 0 to 100 score points * rate / 100 } }\n",
        name="p.tdsl",
    )
    (problem,) = refused(policy, {"units": [{"id": "A", "class": "县区", "indicators": {"r": {"rate": 130}}}]})
    assert (problem.code, problem.field) == ("data.out-of-range", "indicators.r.rate")


# ------------------------------------------------------------------ E(c): files told by their content

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def a_workbook(tmp_path: Path) -> bytes:
    path = book(tmp_path / "made.xlsx", {"县区": [["id", "gdp.target", "gdp.actual"], ["C01", 1, 1]]})
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("units.xls", OLE + b"\0" * 504, "an old Excel 97–2003 workbook (.xls)"),
        ("units.et", OLE + b"\0" * 504, "a WPS spreadsheet (.et)"),
        ("units.xlsx", OLE + "EncryptedPackage".encode("utf-16-le"), "protected by a password"),
        ("units.csv", "workbook", "an Excel workbook, not .csv: name it .xlsx"),
        ("units.csv", "id,class\r\nC01,县区\r\n".encode("utf-16"), "UTF-16 text"),
        ("units.xls", b"<html><table><tr><td>id</td></tr></table></html>", "a web page or XML file"),
        ("units.xlsx", b"id,class\nC01,\xe5\x8e\xbf\xe5\x8c\xba\n", "not an Excel workbook"),
        ("units.csv", b"%PDF-1.4\n", "a PDF"),
        ("units.xlsx", b"", "empty (0 bytes)"),
        ("units.json", "workbook", "an Excel workbook, not .json"),
    ],
)
def test_files_are_recognised_by_their_content(
    tmp_path: Path, policy: targetdsl.Policy, name: str, content: bytes | str, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(a_workbook(tmp_path) if content == "workbook" else content)  # type: ignore[arg-type]
    (problem,) = refused(policy, path)
    assert problem.code == "data.wrong-format" and says in problem.message, problem.message
    assert "GBK" not in problem.message


def test_a_macro_enabled_workbook_is_read_like_any_other(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.xlsm"
    path.write_bytes(a_workbook(tmp_path))
    assert [u.id for u in policy.evaluate(path).units] == ["C01"]


def test_a_streamed_workbook_named_csv_is_recognised(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(a_workbook(tmp_path))
    with pytest.raises(targetdsl.DataError) as caught:
        list(policy.stream(path))
    (problem,) = caught.value.problems
    assert problem.code == "data.wrong-format" and "zip archive (an Excel workbook?)" in problem.message


# ------------------------------------------------------------------ D1: a workbook's rows held compactly


def wide_workbook(path: Path, rows: int) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("县区")
    sheet.append(
        [
            "id",
            "name",
            "gdp.actual",
            "bonuses.获奖.1.level",
            "bonuses.获奖.1.name",
            *[f"x.{i}.done" for i in (1, 2, 3, 4)],
        ]
    )
    for i in range(rows):
        sheet.append([f"U{i:06d}", f"单位{i}", i % 97, "省级", f"奖{i}", 1, 0, 1, 1])
    workbook.save(path)
    return path


def test_a_sheets_rows_are_flat_tuples_of_present_cells(tmp_path: Path) -> None:
    from targetdsl.units.sheets import read_workbook

    path = book(tmp_path / "units.xlsx", {"县区": [["id", None, "gdp.actual"], ["C01", None, 5]]})
    (sheet,) = read_workbook(path, path.read_bytes())
    assert sheet.cells == {1: (1, "id", 3, "gdp.actual"), 2: (1, "C01", 3, Decimal(5))}
    assert sheet.row(2) == {1: "C01", 3: Decimal(5)}


def test_reading_a_workbook_costs_less_than_3_kb_a_row(tmp_path: Path) -> None:
    """100,000 rows of nine cells took 486 MB and 9.7 s of CPU (4.3 KB a row at the peak); rows are now
    tuples of the cells present, read into records one at a time, with repeated numbers shared."""
    import tracemalloc

    from targetdsl.units.tabular import read_xlsx

    rows = 2000
    path = wide_workbook(tmp_path / "units.xlsx", rows)
    raw = path.read_bytes()
    tracemalloc.start()
    try:
        document = read_xlsx(path, raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(document["units"]) == rows
    assert document["units"][1]["indicators"]["x"][1] == {"done": Decimal(0)}
    assert peak / rows < 3000, f"{peak / rows:.0f} bytes a row"


def test_a_class_cell_that_is_not_text_on_a_class_sheet_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = book(tmp_path / "units.xlsx", {"县区": [HEADER[:5], ["D01", "财政局", True, 1, 1]]})
    (problem,) = refused(policy, path)
    assert problem.code == "data.unknown-class" and "the class column says `true`" in problem.message


def test_a_long_number_as_an_id_is_refused_with_what_to_do(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """Excel keeps 15 digits: an 18-digit id typed as a number is already wrong in the workbook."""
    path = book(tmp_path / "units.xlsx", {"县区": [HEADER[:5], [320700123456789012, "a", None, 1, 1]]})
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.bad-text", "id") and "format the column as Text" in problem.message


def test_look_alikes_and_twice_listed_awards_are_refused_when_streamed(
    tmp_path: Path, policy: targetdsl.Policy
) -> None:
    awards = "bonuses.获奖.1.name,bonuses.获奖.1.level,bonuses.获奖.2.name,bonuses.获奖.2.level"
    text = f"id,class,gdp.target,gdp.actual,{awards}\n"
    text += "C01,县区,1,1,a,省级,a ,省级\nＣ01,县区,1,1,,,,\n"
    with pytest.raises(targetdsl.DataError) as caught:
        list(policy.stream(write(tmp_path, "units.csv", text)))
    assert sorted(p.code or "" for p in caught.value.problems) == ["data.duplicate-award", "data.duplicate-unit"]


def test_read_documents_and_records_pickle(policy: targetdsl.Policy) -> None:
    """A read document pickles with what validation will judge in it (a kept impossible date too): what
    a process that reads data for another pickles."""
    import pickle

    document = parse_yaml("units:\n  - {id: A, class: 县区, bonuses: {获奖: [{level: 省级, date: 2004-02-30}]}}\n")
    again = pickle.loads(pickle.dumps(document))
    assert again == document and type(again["units"]) is list
    date = again["units"][0]["bonuses"]["获奖"][0]["date"]
    assert (date, date.line) == ("2004-02-30", 2)
    with pytest.raises(targetdsl.DataError) as caught:
        list(policy.stream(iter(document["units"])))
    assert any(p.code == "data.bad-date" and "(line 2)" in p.message for p in caught.value.problems)


def test_an_award_name_may_break_lines_but_hide_nothing(policy: targetdsl.Policy) -> None:
    """Alt+Enter in an Excel cell breaks a long name in two lines: it is still the award's name."""
    result = policy.evaluate({"units": [unit(bonuses={"获奖": [{"name": "省级\n文明县城", "level": "省级"}]})]})
    assert result.units[0].bonus == 2
    (problem,) = refused(policy, {"units": [unit(bonuses={"获奖": [{"name": "文明\u200b县城", "level": "省级"}]})]})
    assert (problem.code, problem.field) == ("data.bad-text", "bonuses.获奖[1].name")
