"""Excel in: one template sent to 75 units, 75 workbooks back, evaluated together.

The workbooks are filled as people fill them (openpyxl writing what Excel
would store: a percentage typed `10.5%`, blanks, a date typed in Chinese, a
note under the units), and the results must equal, field by field, those of
the same units written as one YAML file. Errors must name the workbook, the
sheet and the cell.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language

POLICY = """policy "示例" {
    year 2003
    status draft
}

class 县区 {
    重点工作 40
    定量指标 50
    其他考核 10
}

assessor 人大 "市人大"
assessor 政协 "市政协"

category 重点工作 {
    items 重点项目 {
        input subs: count
        input done: count range 0 to subs
        score points * done / subs
        tally done of subs
        given by 人大, 政协
    }
}

category 定量指标 {
    indicator 地区生产总值 points 2 {
        input target: money
        input actual: money
        score points * min(actual / target, 120%)
        completed when actual >= target
    }
    indicator 增速 points 1 {
        input target: percent
        input actual: percent
        score if actual >= target then points else 0
    }
}

category 其他考核 {
    assessed 满意度 {
        by 人大 weight 1
        by 政协 weight 1
    }
}

input 承担市级目标: bool missing default true

veto 环境保护 for 县区 {
    input failed: bool missing default false
    when failed
    effect no award
}

bonus 获奖加分 {
    level 省级 2
    level 市级 1
    cap 5
    carry over after 2004-01-15
}

commendation 重要事项 {
    input matters: count missing zero
    when matters > 0
}
"""

UNITS = 75
DATES = ["2003年11月20日", "2003/12/5", "2003.10.01", datetime.date(2003, 7, 1)]  # as typed, and a date cell


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The policy, its template, 75 returned workbooks (folder `returned`) and the same units in YAML."""
    base = tmp_path_factory.mktemp("office")
    (base / "policy.tdsl").write_text(POLICY, encoding="utf-8")
    template = base / "template.xlsx"
    argv = [
        "template",
        str(base / "policy.tdsl"),
        "-o",
        str(template),
        "--rows",
        "3",
        "--items",
        "重点项目=4",
        "--lang",
        "zh",
    ]
    assert main(argv) == 0
    returned = base / "returned"
    returned.mkdir()
    records = []
    for number in range(1, UNITS + 1):
        book = openpyxl.load_workbook(template)
        values, record = unit_values(number)
        sheet = book["县区"]
        fill(sheet, 3, values)
        percent = sheet.cell(row=3, column=column(sheet, "增速.target"))
        percent.number_format = "0.0%"  # typed `10.5%`: Excel stores 0.105 and shows 10.5%
        book.save(returned / f"units-C{number:02}.xlsx")
        records.append(record)
    (base / "units.yaml").write_text(
        yaml.safe_dump({"year": 2003, "units": records}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return base


def column(sheet: Any, path: str) -> int:
    return [cell.value for cell in sheet[1]].index(path) + 1


def fill(sheet: Any, row: int, values: dict[str, Any]) -> None:
    for path, value in values.items():
        sheet.cell(row=row, column=column(sheet, path), value=value)


def unit_values(number: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """What unit `number` types in its row, and the same unit as a YAML record."""
    items = [(3, number % 4), (2, 2)] if number % 5 else [(1, 1)]
    typed = DATES[number % len(DATES)]
    date = typed if isinstance(typed, datetime.date) else _read_date(typed)
    values: dict[str, Any] = {"id": f"C{number:02}", "name": f"第{number}县"}
    record: dict[str, Any] = {"id": f"C{number:02}", "name": f"第{number}县", "class": "县区"}
    item_records = []
    for slot, (subs, done) in enumerate(items, start=1):
        values[f"重点项目.{slot}.name"] = f"项目{slot}"
        values[f"重点项目.{slot}.subs"] = subs
        values[f"重点项目.{slot}.done"] = done
        item_records.append({"name": f"项目{slot}", "subs": subs, "done": done})
    if number % 6 == 0 and len(items) > 1:  # an item worth 2 points
        values["重点项目.2.points"] = 2
        item_records[1]["points"] = 2
    if number % 7 == 0:  # a score given by 人大: the item's other cells stay empty
        values["重点项目.3.name"] = "民生实事"
        values["重点项目.3.given.by"] = "人大"
        values["重点项目.3.given.score"] = 90
        item_records.append({"name": "民生实事", "given": {"by": "人大", "score": 90}})
    target, actual = Decimal(30) + number, Decimal("29.5") + number + Decimal(number % 3)
    values.update(
        {
            "地区生产总值.target": float(target),
            "地区生产总值.actual": float(actual),
            "增速.target": 0.105,  # shown as 10.5%
            "增速.actual": 9 + number % 4,
            "满意度.人大": 80 + number % 20,
            "满意度.政协": Decimal("85.5") - number % 10,
            "bonuses.获奖加分.1.name": "省文明县城",
            "bonuses.获奖加分.1.level": "省级",
            "bonuses.获奖加分.1.date": typed,
        }
    )
    if number % 11 == 0:
        values["vetoes.环境保护.failed"] = "是"
    record["indicators"] = {
        "重点项目": item_records,
        "地区生产总值": {"target": str(target), "actual": str(actual)},
        "增速": {"target": "10.5", "actual": 9 + number % 4},
        "满意度": {"人大": 80 + number % 20, "政协": str(Decimal("85.5") - number % 10)},
    }
    if number % 11 == 0:
        record["vetoes"] = {"环境保护": {"failed": True}}
    record["bonuses"] = {"获奖加分": [{"name": "省文明县城", "level": "省级", "date": date.isoformat()}]}
    return values, record


def _read_date(typed: str) -> datetime.date:
    digits = typed.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    year, month, day = (int(part) for part in digits.split("-"))
    return datetime.date(year, month, day)


def results(assessment: targetdsl.Assessment) -> list[Any]:
    return [json.loads(json.dumps(unit_json(unit), default=str)) for unit in assessment.units]


def test_75_returned_workbooks_give_the_results_of_one_file(office: Path) -> None:
    policy = targetdsl.load_policy(office / "policy.tdsl")
    from_folder = policy.evaluate(office / "returned", explain=False)
    from_yaml = policy.evaluate(office / "units.yaml", explain=False)
    assert len(from_folder.units) == UNITS
    assert results(from_folder) == results(from_yaml)  # every field of every unit
    listed = sorted((office / "returned").iterdir(), reverse=True)
    assert results(policy.evaluate(listed, explain=False)) == results(from_yaml)  # the order files come in is no matter
    # worked by hand: C07 has items 3 of 3, 2 of 2 and a score of 90 given by 人大: 40 × 2.9 / 3 of 重点工作;
    # its growth, 12, reaches the 10.5% typed in a percent cell, C01's 10 does not (were the cell read
    # as 0.105, both would)
    by_id = {unit["id"]: unit for unit in results(from_folder)}
    categories = {c["name"]: c for c in by_id["C07"]["categories"]}
    assert categories["重点工作"]["subtotal"] == "38.66666666666666666666666666666667"  # to 34 digits
    growth = {u: next(m for m in by_id[u]["measures"] if m["name"] == "增速")["earned"] for u in ("C07", "C01")}
    assert growth == {"C07": "1", "C01": "0"}
    assert [v.name for v in from_folder.unit("C11").vetoes] == ["环境保护"]
    # C06 typed 2 in its second item's points column: 1 + 2 points of items
    assert next(m for m in by_id["C06"]["measures"] if m["name"] == "重点项目")["points"] == "3"
    # C04 typed its award's date as a date cell, C01 as 2003/12/5, C02 as 2003.10.01, C03 in Chinese
    assert all(by_id[u]["bonus"] == "2" for u in ("C01", "C02", "C03", "C04")), [by_id[u]["bonus"] for u in by_id]


def test_the_command_line_takes_several_files_and_folders(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (office / "returned").iterdir())
    assert main(["evaluate", str(office / "policy.tdsl"), *files[:40], "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["units"]) == 40
    assert main(["evaluate", str(office / "policy.tdsl"), str(office / "returned"), "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == UNITS + 1


def test_errors_name_workbook_sheet_and_cell(office: Path, tmp_path: Path) -> None:
    returned = tmp_path / "returned"
    shutil.copytree(office / "returned", returned)
    edits = {
        "units-C02.xlsx": {"重点项目.1.subs": "一百"},  # typed in words
        "units-C30.xlsx": {"id": "C03"},  # a unit that copied its neighbour's workbook
        "units-C40.xlsx": {"bonuses.获奖加分.1.date": "12/05/2003"},  # month or day first?
        "units-C41.xlsx": {"bonuses.获奖加分.1.date": "2003年2月30日"},
    }
    for name, values in edits.items():
        book = openpyxl.load_workbook(returned / name)
        fill(book["县区"], 3, values)
        book.save(returned / name)
    book = openpyxl.load_workbook(returned / "units-C12.xlsx")
    book["县区"]["A5"] = "填表人：张三"  # a footer under the units
    book.save(returned / "units-C12.xlsx")
    (returned / "~$units-C12.xlsx").write_bytes(b"\x05owner")  # Excel's lock file while C12 is open: not data
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").evaluate(returned)
    shown = [str(p) for p in caught.value.problems]
    at = {p.code: p for p in caught.value.problems}
    assert len(shown) == 5, shown
    c02 = at["data.bad-number"]
    template = openpyxl.load_workbook(office / "template.xlsx")["县区"]
    subs = f"sheet 县区, cell {openpyxl.utils.get_column_letter(column(template, '重点项目.1.subs'))}3"
    assert (Path(c02.file).name, c02.cell) == ("units-C02.xlsx", subs)
    assert str(c02).endswith(
        f"units-C02.xlsx: {subs}: unit C02 (第2县): indicators.重点项目[1].subs: expected a number, found `一百`"
    )
    duplicate = at["data.duplicate-unit"]
    assert Path(duplicate.file).name == "units-C30.xlsx"
    assert "units-C30.xlsx, sheet 县区, cell A3 and " in duplicate.message
    assert "units-C03.xlsx, sheet 县区, cell A3 both give `C03`" in duplicate.message
    chinese = caught.value.render(language=Language.CHINESE)
    assert "units-C03.xlsx 工作表 县区 的 A3 单元格 都是 `C03`" in chinese and ", cell " not in chinese
    footer = at["data.not-a-unit"]
    assert (Path(footer.file).name, footer.field) == ("units-C12.xlsx", "sheet 县区, cell A5")
    dates = sorted((Path(p.file).name, p.cell, p.message) for p in caught.value.problems if p.code == "data.bad-date")
    cell = f"sheet 县区, cell {openpyxl.utils.get_column_letter(column(template, 'bonuses.获奖加分.1.date'))}3"
    assert [d[:2] for d in dates] == [("units-C40.xlsx", cell), ("units-C41.xlsx", cell)]
    assert "expected a date such as 2003-12-05" in dates[0][2] and "February 2003 has 28 days" in dates[1][2]


def test_a_renamed_sheet_is_named_and_the_cell_is_said_in_chinese(office: Path, tmp_path: Path) -> None:
    """A unit renamed its sheet (the sheet's name is the class): the problem names the sheet and the row;
    in Chinese the place is said in Chinese too."""
    book = openpyxl.load_workbook(office / "returned" / "units-C05.xlsx")
    book["县区"].title = "县区（第5县）"
    book.save(tmp_path / "renamed.xlsx")
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").evaluate(tmp_path / "renamed.xlsx")
    (problem,) = caught.value.problems
    assert (problem.code, problem.cell) == ("data.unknown-class", "sheet 县区（第5县）, cell A3")
    assert "renamed.xlsx: 工作表 县区（第5县） 的 A3 单元格: 单位 C05" in caught.value.render(language=Language.CHINESE)


def test_a_folder_passes_nothing_by_silently(office: Path, tmp_path: Path) -> None:
    returned = tmp_path / "returned"
    returned.mkdir()
    for name in ("units-C01.xlsx", "units-C02.xlsx"):
        shutil.copy(office / "returned" / name, returned / name)
    (returned / "说明.docx").write_bytes(b"PK\x03\x04")
    (returned / "old").mkdir()
    (returned / ".DS_Store").write_bytes(b"\0")  # hidden: never data
    shutil.copy(office / "template.xlsx", returned / "units-C03.xlsx")  # returned unfilled
    # last year's ledger, dropped among the data: one problem, and its year and keys taken for nothing
    (returned / "ledger.yaml").write_text("year: 2002\ncarry_over: []\n", encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").evaluate(returned)
    found = sorted((Path(p.file).name, p.code) for p in caught.value.problems)
    assert found == [
        ("ledger.yaml", "data.bad-shape"),
        ("old", "data.wrong-format"),
        ("units-C03.xlsx", "data.no-units"),
        ("说明.docx", "data.wrong-format"),
    ]


def test_a_file_given_twice_is_refused_not_counted_twice(office: Path) -> None:
    one = office / "returned" / "units-C01.xlsx"
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").evaluate([one, office / "returned"])
    assert [p.code for p in caught.value.problems] == ["data.same-file"]
    assert "the same file as" in caught.value.problems[0].message


@pytest.mark.parametrize("order", [("2003", "2002", "2003b"), ("2002", "2003", "2003b")])
def test_a_file_of_another_year_is_the_one_named(tmp_path: Path, office: Path, order: tuple[str, ...]) -> None:
    for name in order:
        document = {"year": int(name[:4]), "units": [_complete({"id": f"Y{name}", "class": "县区"})]}
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").load_units([tmp_path / f"{name}.yaml" for name in order])
    found = [(Path(p.file).name, p.code, p.message) for p in caught.value.problems]
    assert found == [
        ("2002.yaml", "data.bad-year", "the data is for 2002, the policy for 2003: every file is one year's")
    ]


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2003-12-05", datetime.date(2003, 12, 5)),
        ("2003/12/05", datetime.date(2003, 12, 5)),
        ("2003/1/5", datetime.date(2003, 1, 5)),
        ("2003.12.05", datetime.date(2003, 12, 5)),
        ("2003年10月1日", datetime.date(2003, 10, 1)),
        ("２００３年１０月１日", datetime.date(2003, 10, 1)),  # full-width digits from a Chinese input method
        ("2003 年 10 月 1 日", datetime.date(2003, 10, 1)),
    ],
)
def test_dates_as_people_type_them(office: Path, typed: str, day: datetime.date) -> None:
    unit = {"id": "C01", "class": "县区", "bonuses": {"获奖加分": [{"level": "省级", "date": typed}]}}
    (loaded,) = targetdsl.load_policy(office / "policy.tdsl").load_units({"units": [_complete(unit)]})
    assert [award.date for award in loaded.awards] == [day]


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("12/05/2003", "expected a date such as"),  # December 5 or May 12: never guessed
        ("05.12.2003", "expected a date such as"),
        ("20031205", "expected a date such as"),
        ("2003/12-05", "expected a date such as"),
        ("2003年12月", "expected a date such as"),
        ("2003/02/29", "February 2003 has 28 days"),
        ("2003年13月1日", "there is no month 13"),
        ("2003.04.31", "April 2003 has 30 days"),
    ],
)
def test_ambiguous_and_impossible_dates_are_refused(office: Path, typed: str, why: str) -> None:
    unit = {"id": "C01", "class": "县区", "bonuses": {"获奖加分": [{"level": "省级", "date": typed}]}}
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").load_units({"units": [_complete(unit)]})
    (problem,) = caught.value.problems
    assert problem.code == "data.bad-date" and why in problem.message
    # in Chinese, every word of it: no English phrase left inside a Chinese sentence
    chinese = caught.value.render(language=Language.CHINESE)
    assert re.search(r"\b(a|such|expected|found|has|there|month)\b", chinese) is None, chinese


def test_a_yes_no_cell_refused_in_chinese_says_what_to_type(office: Path) -> None:
    unit = {"id": "C01", "class": "县区", "vetoes": {"环境保护": {"failed": "√"}}}
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").load_units({"units": [_complete(unit)]})
    assert "此处应为是或否（true 或 false），却是`√`" in caught.value.render(language=Language.CHINESE)


def _complete(unit: dict[str, Any]) -> dict[str, Any]:
    return {
        **unit,
        "indicators": {
            "重点项目": [{"subs": 1, "done": 1}],
            "地区生产总值": {"target": 1, "actual": 1},
            "增速": {"target": 1, "actual": 1},
            "满意度": {"人大": 90, "政协": 90},
        },
    }


@pytest.mark.parametrize(
    ("change", "suggested"),
    [
        ({"class": "县去"}, "did you mean `县区`?"),
        ({"indicatros": {}}, "did you mean `indicators`?"),
        ({"vetoes": {"环境保户": {"failed": True}}}, "did you mean `环境保护`?"),
        ({"inputs": {"承担市及目标": True}}, "did you mean `承担市级目标`?"),
        ({"indicators": {"vetos": {"环境保护": {"failed": True}}}}, "did you mean `vetoes`?"),  # column vetos.…
    ],
)
def test_a_misspelt_name_gets_the_nearest_one(office: Path, change: dict[str, Any], suggested: str) -> None:
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").load_units(
            {"units": [{**_complete({"id": "C01", "class": "县区"}), **change}]}
        )
    assert any(suggested in p.message for p in caught.value.problems), caught.value.problems


def test_a_misspelt_column_gets_the_nearest_one_with_its_cell(office: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(office / "returned" / "units-C01.xlsx")
    sheet = book["县区"]
    sheet.cell(row=1, column=column(sheet, "满意度.政协"), value="满意度.政写")
    book.save(tmp_path / "units.xlsx")
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").evaluate(tmp_path / "units.xlsx")
    messages = [str(p) for p in caught.value.problems]
    assert any("indicators.满意度.政写" in m and "did you mean `政协`?" in m for m in messages), messages


def test_the_template_fits_the_office(office: Path) -> None:
    book = openpyxl.load_workbook(office / "template.xlsx")
    sheet = book["县区"]
    header = [cell.value for cell in sheet[1]]
    # every input the policy takes, a score given by 人大 or 政协 included, four item slots as asked
    assert "重点项目.4.given.by" in header and "重点项目.5.subs" not in header
    assert {"inputs.承担市级目标", "vetoes.环境保护.failed", "commendations.重要事项.matters"} <= set(header)
    validations = {str(v.sqref).split(":")[0][:-1]: v for v in sheet.data_validations.dataValidation}
    for validation in validations.values():
        assert validation.showErrorMessage and validation.showInputMessage and validation.errorStyle == "stop"
    matters = validations[openpyxl.utils.get_column_letter(column(sheet, "commendations.重要事项.matters"))]
    assert "空为0" in matters.prompt  # what a blank means
    dated = validations[openpyxl.utils.get_column_letter(column(sheet, "bonuses.获奖加分.1.date"))]
    assert "2003年12月5日" in dated.prompt
    # protected, yet rows can be inserted and deleted, sorted and filtered
    protection = sheet.protection
    assert protection.sheet and not protection.insertRows and not protection.deleteRows
    assert not protection.sort and not protection.autoFilter and sheet.auto_filter.ref.startswith("A2:")
    # printed landscape on A4, as many pages across as keep the type at 70 % or more (numbered across,
    # then down), the id and name and the header rows on every page, a line to sign and stamp below
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, len(header) + 1)]
    across = sheet.page_setup.fitToWidth
    assert (sum(widths) - sum(widths[:2])) / across <= 986 / 7 / 0.7 - sum(widths[:2])  # at 70 % or more
    assert across == 1 or (sum(widths) - sum(widths[:2])) / (across - 1) > 986 / 7 / 0.7 - sum(widths[:2])
    assert across > 1 and sheet.page_setup.fitToHeight == 0 and sheet.page_setup.pageOrder == "overThenDown"
    assert sheet.print_title_rows == "$1:$2" and sheet.print_title_cols == "$A:$B"
    assert "填表人：" in sheet.oddFooter.left.text and "&P" in sheet.oddFooter.center.text


def test_who_filled_it_in_has_its_place_and_the_workbook_still_reads(office: Path, tmp_path: Path) -> None:
    """The instructions sheet asks for the unit, the person, a phone number, the date: filled in, the
    workbook is read as before; the same words under the units are refused as no unit."""
    book = openpyxl.load_workbook(office / "returned" / "units-C12.xlsx")
    guide = book["填表说明"]
    labels = {row[0].value: row[0].row for row in guide.iter_rows(max_col=1) if row[0].value}
    assert labels["填报信息"] < labels["填表人"] < labels["填写说明"]
    for label, value in (("填报单位（盖章）", "第12县"), ("填表人", "张三"), ("联系电话", "0518-1234567")):
        guide.cell(row=labels[label], column=2, value=value)
    guide.cell(row=labels["填报日期"], column=2, value=datetime.date(2004, 1, 5))
    book.save(tmp_path / "signed.xlsx")
    policy = targetdsl.load_policy(office / "policy.tdsl")
    signed = policy.evaluate(tmp_path / "signed.xlsx", explain=False)
    assert results(signed) == results(policy.evaluate(office / "returned" / "units-C12.xlsx", explain=False))
    small = tmp_path / "small.xlsx"  # a sheet of few columns prints one page wide
    assert main(["template", str(office / "policy.tdsl"), "-o", str(small), "--items", "1", "-q"]) == 0
    assert openpyxl.load_workbook(small)["县区"].page_setup.fitToWidth in (1, 2)


def test_item_slots_by_list(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = str(office / "policy.tdsl")
    out = str(tmp_path / "t.xlsx")
    assert main(["template", policy, "-o", out, "--items", "2", "--items", "重点项目=28", "--lang", "zh"]) == 0
    header = [cell.value for cell in openpyxl.load_workbook(out)["县区"][1]]
    assert "重点项目.28.done" in header and "重点项目.29.done" not in header
    assert main(["template", policy, "-o", out, "--items", "重点=3"]) == 2
    assert "no item list `重点` (its item lists: 重点项目)" in capsys.readouterr().err
    assert main(["template", policy, "-o", out, "--items", "many"]) == 2
    assert main(["template", policy, "-o", out, "--items", "重点项目=201"]) == 2


def test_item_slots_from_last_years_workbooks(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Next year's template sized from the workbooks returned this year: the longest list of items one
    unit gave (C07: two items and one given by 人大) and room for a fifth more, at least two."""
    policy, out = str(office / "policy.tdsl"), str(tmp_path / "next.xlsx")
    assert main(["template", policy, "-o", out, "--items-from", str(office / "returned"), "--lang", "zh"]) == 0
    header = [cell.value for cell in openpyxl.load_workbook(out)["县区"][1]]
    assert "重点项目.5.given.score" in header and "重点项目.6.name" not in header
    err = capsys.readouterr().err
    assert "县区的重点项目：5 个事项栏；去年最长的清单有 3 项（单位 C07，" in err and "units-C07.xlsx" in err
    # a list named with --items keeps its number, and no note
    argv = ["template", policy, "-o", out, "--items-from", str(office / "units.yaml"), "--items", "重点项目=2"]
    assert main(argv) == 0
    header = [cell.value for cell in openpyxl.load_workbook(out)["县区"][1]]
    assert "重点项目.2.name" in header and "重点项目.3.name" not in header
    assert "item slots" not in capsys.readouterr().err
    # last year's data that cannot be read is named, and nothing is written
    (tmp_path / "last").mkdir()
    (tmp_path / "last" / "notes.docx").write_bytes(b"PK")
    (tmp_path / "next.xlsx").unlink()
    assert main(["template", policy, "-o", out, "--items-from", str(tmp_path / "last")]) == 1
    assert "notes.docx" in capsys.readouterr().err and not (tmp_path / "next.xlsx").exists()
    assert main(["template", policy, "-o", out, "--items-from", str(tmp_path / "absent.yaml")]) == 2


def test_last_years_lists_are_counted_for_this_years_classes_and_lists() -> None:
    from targetdsl.office.template import Listed, item_slots, listed_items

    policy = targetdsl.parse_policy(POLICY)
    document = {
        "units": [
            {"id": "C1", "class": "县区", "indicators": {"重点项目": [{"name": "a"}] * 28, "旧清单": [{}] * 40}},
            {"id": "C2", "class": "县区", "indicators": {"重点项目": [{"name": "a"}] * 30}},
            {"id": "C3", "class": "县区", "indicators": {"重点项目": [{"name": "a"}] * 30}},  # as long: C2 stays
            {"id": "D1", "class": "市直部门", "indicators": {"重点项目": [{}] * 50}},  # no such class this year
            {"id": "C4", "class": "县区", "indicators": {"重点项目": {"name": "not a list"}}},
            "not a record",
            {"id": "C5", "class": "县区", "indicators": "none"},
        ]
    }
    assert listed_items(policy, document) == {("县区", "重点项目"): Listed(30, "C2", "")}
    county = policy.schema.classes["县区"]
    assert item_slots(policy, county, items=10, listed=listed_items(policy, document)) == {"重点项目": 36}
    assert item_slots(policy, county, items=10, listed={("县区", "重点项目"): Listed(1, "C1", "")}) == {"重点项目": 3}
    assert item_slots(policy, county, items=10, listed={("县区", "重点项目"): Listed(300, "C1", "")}, limit=200) == {
        "重点项目": 200
    }
    assert item_slots(policy, county, items=10) == {"重点项目": 10}
    assert item_slots(policy, county, items=10, slots={"重点项目": 4}, listed=listed_items(policy, document)) == {
        "重点项目": 4
    }


def test_a_problem_with_a_whole_item_list_points_at_its_first_cell(office: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(office / "returned" / "units-C05.xlsx")
    sheet = book["县区"]
    for slot in range(1, 5):  # every slot cleared (openpyxl's cell(value=None) would leave the value)
        for key in ("name", "subs", "done", "given.by", "given.score"):
            sheet.cell(row=3, column=column(sheet, f"重点项目.{slot}.{key}")).value = None
    book.save(tmp_path / "units.xlsx")
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(office / "policy.tdsl").evaluate(tmp_path / "units.xlsx")
    (problem,) = caught.value.problems
    first = openpyxl.utils.get_column_letter(column(sheet, "重点项目.1.name"))
    assert (problem.code, problem.field, problem.cell) == (
        "data.missing-value",
        "indicators.重点项目",
        f"sheet 县区, cell {first}3",
    )
