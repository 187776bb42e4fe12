"""What an office (or someone less friendly) sends that the happy path never does: a period given twice,
an unknown period, a drop-down that does not stop a wrong value, an editor that claims a huge message,
an award that does not exist."""

import json
from pathlib import Path

import pytest
import yaml

import targetdsl
from targetdsl.cli import main
from tests.support import PERIOD_POLICY


def units(*actuals: str, unit_class: str = "c") -> list[dict[str, object]]:
    return [
        {"id": unit_id, "class": unit_class, "indicators": {"投资": {"target": "120", "actual": actual}}}
        for unit_id, actual in zip("ABC", actuals, strict=False)
    ]


@pytest.fixture
def period_files(tmp_path: Path) -> Path:
    (tmp_path / "p.tdsl").write_text(PERIOD_POLICY, encoding="utf-8")
    for name, document in {
        "h1": units("60", "30"),
        "fy": units("90", "120"),
        "h1-only-a": units("60"),
    }.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump({"units": document}, allow_unicode=True), "utf-8")
    return tmp_path


# ------------------------------------------------------------------ periods


def test_a_period_given_twice_is_a_usage_error(period_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = period_files
    code = main(
        ["periods", str(d / "p.tdsl"), f"上半年={d / 'h1.yaml'}", f"全年={d / 'fy.yaml'}", f"全年={d / 'h1.yaml'}"]
    )
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "period 全年 given twice" in captured.err and "fy.yaml" in captured.err


def test_an_unknown_or_missing_period_is_a_usage_error(period_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = period_files
    assert (
        main(["periods", str(d / "p.tdsl"), f"上半年={d / 'h1.yaml'}", f"全年={d / 'fy.yaml'}", f"Q1={d / 'fy.yaml'}"])
        == 2
    )
    assert "the policy weights no period Q1" in capsys.readouterr().err
    assert main(["periods", str(d / "p.tdsl"), f"上半年={d / 'h1.yaml'}"]) == 2
    assert "no data given for the weighted period 全年; give each weighted period once: 上半年=DATA 全年=DATA" in (
        capsys.readouterr().err
    )


def test_a_unit_only_in_a_later_period_is_refused_not_dropped(
    period_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = period_files
    assert main(["periods", str(d / "p.tdsl"), f"上半年={d / 'h1-only-a.yaml'}", f"全年={d / 'fy.yaml'}"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unit B: 上半年: the unit is in the data of 全年 but not of this period" in captured.err


def test_a_period_without_a_name_is_a_usage_error(period_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = period_files
    assert main(["periods", str(d / "p.tdsl"), f"={d / 'h1.yaml'}", f"全年={d / 'fy.yaml'}"]) == 2
    assert "write each period as PERIOD=DATA, not =" in capsys.readouterr().err


def test_the_same_file_for_two_periods_is_warned(period_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = period_files
    assert main(["periods", str(d / "p.tdsl"), f"上半年={d / 'fy.yaml'}", f"全年={d / 'fy.yaml'}"]) == 0
    assert "warning: periods 上半年 and 全年 read the same file" in capsys.readouterr().err


def test_library_checks_the_periods_before_evaluating_any() -> None:
    policy = targetdsl.parse_policy(PERIOD_POLICY)
    # the data of the unknown period would fail to load: the names are refused first
    with pytest.raises(targetdsl.DataError, match="Q9: this period has no weight in the policy; its weighted"):
        policy.evaluate_periods({"上半年": units("60", "30"), "全年": units("1", "1"), "Q9": "no such file.yaml"})
    with pytest.raises(targetdsl.DataError, match="全年: no data given"):
        policy.evaluate_periods({"上半年": "no such file.yaml"})
    with pytest.raises(targetdsl.DataError, match="unit B: 上半年: the unit is in the data of 全年"):
        policy.evaluate_periods({"上半年": units("60"), "全年": units("90", "120")})


def test_a_unit_that_changes_class_between_periods_is_refused() -> None:
    policy = targetdsl.parse_policy(PERIOD_POLICY.replace("class c { q 100 }", "class c { q 100 }\nclass d { q 100 }"))
    moved = units("90", "120")
    moved[1]["class"] = "d"
    with pytest.raises(targetdsl.DataError, match="unit B: 全年: the unit is in class d here but in c in 上半年"):
        policy.evaluate_periods({"上半年": units("60", "30"), "全年": moved})


@pytest.mark.parametrize("period", ["Q9", "2002-06", "2003-13", "2003-²", "一季度"])
@pytest.mark.parametrize("command", ["evaluate", "report", "explain", "diff"])
def test_an_unknown_period_is_a_usage_error(
    period_files: Path, capsys: pytest.CaptureFixture[str], command: str, period: str
) -> None:
    d = period_files
    policy, data = str(d / "p.tdsl"), str(d / "fy.yaml")
    argv = {
        "evaluate": ["evaluate", policy, data],
        "report": ["report", policy, data, "-o", str(d / "r.html")],
        "explain": ["explain", policy, data, "A"],
        "diff": ["diff", policy, policy, "--data", data],
    }[command]
    assert main([*argv, "--period", period]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"--period {period}: " in captured.err
    assert not (d / "r.html").exists()


def test_an_unknown_period_is_a_usage_error_when_streamed(
    period_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = period_files
    (d / "fy.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units("1")), encoding="utf-8")
    assert main(["evaluate", str(d / "p.tdsl"), str(d / "fy.jsonl"), "--format", "csv", "--period", "Q9"]) == 2
    assert "--period Q9: unknown period" in capsys.readouterr().err


def test_diff_refuses_period_without_data(period_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = str(period_files / "p.tdsl")
    assert main(["diff", policy, policy, "--period", "Q1"]) == 2
    assert "--period is for the impact on units: give the units with --data" in capsys.readouterr().err
    assert main(["diff", policy, policy, "--carry-in", policy]) == 2
    assert "--carry-in is for the impact on units" in capsys.readouterr().err


# ------------------------------------------------------------------ language server


def test_bounded_input_skips_a_message_claiming_too_much() -> None:
    import io

    from targetdsl.authoring.lsp import BoundedInput

    body = b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}'
    raw = (
        b"Content-Length: 99999999999\r\n\r\n"
        + b"x" * 10_000  # the refused body, sent after all: read a line's worth at a time, never whole
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )
    log = io.StringIO()
    bounded = BoundedInput(io.BytesIO(raw), limit=1000, log=log)
    lines = []
    while (line := bounded.readline()) not in (b"\r\n", b""):
        lines.append(line)
    assert lines == [b"X-Refused-Content-Length: 99999999999\r\n"]
    while (line := bounded.readline()) != b"Content-Length: %d\r\n" % len(body):
        assert len(line) <= 4096 and line
    assert bounded.readline() == b"\r\n" and bounded.read(len(body)) == body
    assert "a message of 99999999999 bytes is more than the 1,000 this server accepts: skipped" in log.getvalue()
    # a length of thousands of digits is refused without being turned into an int
    digits = BoundedInput(io.BytesIO(b"Content-Length: " + b"9" * 5000 + b"\r\n"), limit=1000, log=log)
    assert digits.readline().startswith(b"Content-Length: 999")  # longer than a header line: not a header
    assert BoundedInput(io.BytesIO(b"Content-Length: 1000\r\n"), limit=1000).readline() == b"Content-Length: 1000\r\n"
    assert BoundedInput(io.BytesIO(b"Content-Length: 1001\r\n"), limit=1000, log=log).readline().startswith(b"X-")
    assert bounded.read(10**12) == b""  # never more than the limit asked of the stream


def test_language_server_survives_a_huge_content_length() -> None:
    from tests.test_lsp import Client

    client = Client()
    try:
        assert client.process.stdin is not None
        client.process.stdin.write(b"Content-Length: 99999999999\r\n\r\n")
        client.process.stdin.flush()
        result = client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        assert result["serverInfo"]["name"] == "targetdsl"
        # a refused message whose body does follow, the next header glued to its end
        client.process.stdin.write(b"Content-Length: 99999999999\r\n\r\n" + b'{"jsonrpc": "2.0", "x": "' * 2000)
        client.process.stdin.flush()
        assert client.request("textDocument/documentSymbol", {"textDocument": {"uri": "file:///none.tdsl"}}) == []
        # a document the editor never opened is not read from the disk (this one would never end)
        where = {"textDocument": {"uri": "file:///dev/zero"}, "position": {"line": 0, "character": 0}}
        assert client.request("textDocument/hover", where) is None
        assert (
            client.request("textDocument/formatting", {**where, "options": {"tabSize": 4, "insertSpaces": True}})
            is None
        )
        client.request("shutdown", None)
        client.notify("exit", None)
        assert client.process.wait(timeout=20) == 0
        assert client.process.stderr is not None
        log = client.process.stderr.read().decode("utf-8")
        assert log.count("targetdsl lsp: a message of 99999999999 bytes is more than the") == 2
        assert "out of memory" not in log
    finally:
        if client.process.poll() is None:
            client.process.kill()
            client.process.wait()
        for stream in (client.process.stdin, client.process.stdout, client.process.stderr):
            if stream is not None:
                stream.close()


# ------------------------------------------------------------------ data-entry template

ROOT = Path(__file__).resolve().parent.parent.parent


def validations(workbook: Path) -> dict[str, list[tuple[dict[str, str], str, str]]]:
    """Each sheet's data validations as written in the file: (attributes, formula1, formula2)."""
    import re
    import zipfile
    from xml.etree import ElementTree

    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    found: dict[str, list[tuple[dict[str, str], str, str]]] = {}
    with zipfile.ZipFile(workbook) as archive:
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        for name in names:
            root = ElementTree.fromstring(archive.read(name))
            found[name] = [
                (
                    dict(v.attrib),
                    v.findtext(f"{main_ns}formula1") or "",
                    v.findtext(f"{main_ns}formula2") or "",
                )
                for v in root.iter(f"{main_ns}dataValidation")
            ]
    return found


def test_every_drop_down_and_range_is_enforced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "t.xlsx"
    assert (
        main(
            [
                "template",
                str(ROOT / "policies/lianyungang-2003.tdsl"),
                "-o",
                str(workbook),
                "--rows",
                "3",
                "--lang",
                "zh",
            ]
        )
        == 0
    )
    capsys.readouterr()
    sheets = validations(workbook)
    every = [v for found in sheets.values() for v in found]
    assert len(every) > 50
    for attributes, formula1, _ in every:
        # a stop alert (errorStyle absent means stop) that says what is allowed, and the same as a prompt
        assert attributes["showErrorMessage"] == "1" and attributes.get("errorStyle", "stop") == "stop"
        assert attributes["showInputMessage"] == "1"
        assert attributes["error"] and attributes["prompt"] and attributes["errorTitle"] and attributes["promptTitle"]
        assert len(attributes["errorTitle"]) <= 32 and len(attributes["promptTitle"]) <= 32  # Excel's limits
        assert len(attributes["error"]) <= 255 and len(attributes["prompt"]) <= 255
        assert len(formula1) <= 255
        assert any("\u4e00" <= c <= "\u9fff" for c in attributes["error"])  # Chinese, as asked (--lang zh)
    messages = {a["error"] for a, _, _ in every}
    assert "请填 0 到 本行 subs 之间的整数。" in messages
    assert "请从列表中选择级别：国家级、省级、市级。" in messages


LONG_LEVELS = """policy "级别很多" { year 2003 status draft }
class c { q 100 }
category q { indicator a points 100 { input x: number score x } }
bonus 获奖 {
%s
    cap 5
}
"""


def test_a_long_list_goes_to_a_hidden_sheet_and_the_workbook_still_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    levels = [f"省级特别重大科技进步奖项第{i}等奖甲乙丙丁戊己庚辛" for i in range(1, 21)]  # 500+ characters joined
    policy = tmp_path / "p.tdsl"
    policy.write_text(LONG_LEVELS % "\n".join(f"    level {name} 1" for name in levels), encoding="utf-8")
    workbook = tmp_path / "t.xlsx"
    assert main(["template", str(policy), "-o", str(workbook), "--rows", "3", "--lang", "zh"]) == 0
    capsys.readouterr()
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["填表说明", "c", "下拉列表"]
    lists = book["下拉列表"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=r, column=1).value for r in range(2, 22)] == levels
    level_lists = [f1 for found in validations(workbook).values() for a, f1, _ in found if a["type"] == "list"]
    assert "'下拉列表'!$A$2:$A$21" in level_lists and all(len(f) <= 255 for f in level_lists)
    # filled in and read back: the hidden sheet of lists is passed by
    sheet = book["c"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=1, value="U1")
    sheet.cell(row=3, column=header.index("a.x") + 1, value=80)
    sheet.cell(row=3, column=header.index("bonuses.获奖.1.level") + 1, value=levels[19])
    book.save(workbook)
    unit = targetdsl.load_policy(policy).evaluate(workbook).unit("U1")
    assert unit.total == 81 and unit.bonus == 1


def test_a_choice_with_a_comma_or_a_quote_is_never_split() -> None:
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    from targetdsl.office.template import Column, _Lists, _validation

    book = openpyxl.Workbook()
    lists = _Lists(book)
    choices = ("人大,政协", 'say "yes"', "纪委")
    validation = _validation(Column("x.given.by", "given", "assessor", choices=choices), DataValidation, lists)
    assert validation.formula1 == "'下拉列表 lists'!$A$2:$A$4"  # a workbook in both languages
    assert [lists.sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == list(choices)
    safe = _validation(Column("y.given.by", "given", "assessor", choices=("人大", "政协")), DataValidation, lists)
    assert safe.formula1 == '"人大,政协"'
    with pytest.raises(ValueError, match="lists sheet"):
        _validation(Column("x.given.by", "given", "assessor", choices=choices), DataValidation)


# ------------------------------------------------------------------ eligibility

VETO = """policy "veto" { year 2003 status draft }
class c { all 100 }
category all { indicator s points 100 { input s: number score s } }
input 承担: bool missing default true
veto noaward "withholds the award" { input hit: bool missing default false when hit effect no award }
grades { 优秀 >= 90 良好 80 to 90 合格 60 to 80 不合格 < 60 }
"""
VETO_UNITS = [
    {
        "id": "D",
        "class": "c",
        "inputs": {"承担": False},
        "indicators": {"s": {"s": 95}},
        "vetoes": {"noaward": {"hit": True}},
    },
    {"id": "E", "class": "c", "inputs": {"承担": False}, "indicators": {"s": {"s": 95}}},
    {"id": "F", "class": "c", "indicators": {"s": {"s": 85}}},
]


def outputs(tmp_path: Path, policy: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """Every unit's eligibility and money as each output format shows it."""
    import csv
    import io

    import openpyxl

    (tmp_path / "p.tdsl").write_text(policy, encoding="utf-8")
    (tmp_path / "u.yaml").write_text(yaml.safe_dump({"units": VETO_UNITS}, allow_unicode=True), encoding="utf-8")
    base = ["evaluate", str(tmp_path / "p.tdsl"), str(tmp_path / "u.yaml")]
    shown: dict[str, object] = {}
    assert main([*base, "--format", "json"]) == 0
    shown["json"] = {u["id"]: (u["eligible"], u["money"]) for u in json.loads(capsys.readouterr().out)["units"]}
    assert main([*base, "--format", "csv"]) == 0
    shown["csv"] = {r["id"]: (r["eligible"], r["money"]) for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert main([*base, "-o", str(tmp_path / "r.xlsx"), "--lang", "zh"]) == 0  # the workbook in Chinese
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["c"].values)
    header = list(rows[2])  # below the title and the subtitle
    eligible, money = (header.index(h) if h in header else None for h in ("可获奖", "奖金（元）"))
    shown["xlsx"] = {
        row[1]: (None if eligible is None else row[eligible], None if money is None else row[money]) for row in rows[3:]
    }
    assert main(base) == 0
    table = capsys.readouterr().out.splitlines()
    shown["table"] = {line.split()[1]: line.split()[-1] for line in table if line.strip()[:1].isdigit()}
    shown["header"] = next(line for line in table if line.startswith("rank"))
    return shown


def test_no_award_means_no_eligibility_in_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shown = outputs(tmp_path, VETO, capsys)
    assert shown["json"] == {"D": (None, None), "E": (None, None), "F": (None, None)}
    assert shown["csv"] == {"D": ("", ""), "E": ("", ""), "F": ("", "")}
    assert shown["xlsx"] == {"D": (None, None), "E": (None, None), "F": (None, None)}
    assert "award" not in str(shown["header"])
    assert targetdsl.parse_policy(VETO).evaluate(VETO_UNITS).unit("D").eligible is None


def test_a_vetoed_unit_is_not_eligible_in_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shown = outputs(tmp_path, VETO + "award 奖金 { money { 优秀 1000 良好 500 } }\n", capsys)
    assert shown["json"] == {"D": (False, "0"), "E": (True, "1000"), "F": (True, "500")}
    assert shown["csv"] == {"D": ("no", "0"), "E": ("yes", "1000"), "F": ("yes", "500")}
    assert shown["xlsx"] == {"D": ("否", 0), "E": ("是", 1000), "F": ("是", 500)}
    assert shown["table"] == {"D": "eligible", "E": "1,000.00", "F": "500.00"}  # D: "not eligible"


def test_an_award_that_excludes_a_unit_does_not_withhold_another_award() -> None:
    # 甲 excludes units without city-level targets; 乙 pays every unit by grade. E was paid nothing
    # by 乙 when 甲 came first, 300 when 乙 came first.
    awards = (
        "award 甲 { eligible when 承担 money { 优秀 1000 良好 500 } }\n",
        "award 乙 { money { 优秀 300 良好 200 } }\n",
    )
    for order in (awards, awards[::-1]):
        assessment = targetdsl.parse_policy(VETO + "".join(order)).evaluate(VETO_UNITS)
        paid = {u.id: (u.eligible, u.money) for u in assessment.units}
        assert paid == {"D": (False, 0), "E": (True, 300), "F": (True, 700)}, order
        notes = {s.what: (s.value, s.notes) for s in assessment.unit("E").explanation if s.what.startswith("award")}
        line = VETO.count("\n") + 1 + order.index(awards[0])  # where 甲 is
        assert notes == {"award 甲": ("0", (f"not eligible (line {line})",)), "award 乙": ("300", ())}


# ------------------------------------------------------------------ sheet names

LONG_CLASSES = """policy "long" {{ year 2003 status draft }}
class {a} {{ q 100 }}
class {b} {{ q 100 }}
category q {{ indicator x points 100 {{ input v: number score v }} }}
"""


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ("甲" * 31 + "一", "乙", "has a name of 32 characters; Excel names a sheet with at most 31"),
        ("County", "county", "the classes `County` and `county` differ only in case"),
    ],
)
def test_a_template_whose_sheets_would_lose_their_class_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], a: str, b: str, message: str
) -> None:
    (tmp_path / "p.tdsl").write_text(LONG_CLASSES.format(a=a, b=b), encoding="utf-8")
    assert main(["template", str(tmp_path / "p.tdsl"), "-o", str(tmp_path / "t.xlsx")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "t.xlsx").exists()


def test_results_workbook_sheet_names_are_valid_and_distinct(tmp_path: Path) -> None:
    import warnings

    import openpyxl

    a, b = "甲" * 31 + "一", "甲" * 31 + "二"
    text = LONG_CLASSES.format(a=a, b=b) + "class County { q 100 }\nclass county { q 100 }\n"
    (tmp_path / "p.tdsl").write_text(text, encoding="utf-8")
    data = [
        {"id": str(i), "class": name, "indicators": {"x": {"v": 50}}}
        for i, name in enumerate([a, b, "County", "county"])
    ]
    (tmp_path / "u.yaml").write_text(yaml.safe_dump({"units": data}, allow_unicode=True), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns of a title over 31 characters
        assert (
            main(
                [
                    "evaluate",
                    str(tmp_path / "p.tdsl"),
                    str(tmp_path / "u.yaml"),
                    "-o",
                    str(tmp_path / "r.xlsx"),
                    "--lang",
                    "zh",
                ]
            )
            == 0
        )
    names = openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames
    assert names == ["甲" * 31, "甲" * 29 + "~2", "County", "county~2", "完成情况", "明细", "精确值"]
