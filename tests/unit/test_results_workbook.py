"""The results workbook as a leader receives it, checked cell by cell against the Assessment; and
the wording of vetoes and grades (`publication.Edition`), held to what the engine decided."""

from __future__ import annotations

import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import Assessment
from targetdsl.numeric import quantize, text
from targetdsl.office.publication import LABELS, LANGUAGES, edition
from targetdsl.office.workbook import FIRST_ROW, results_workbook
from targetdsl.outputs import workbook_bytes
from targetdsl.units.documents import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies/lianyungang-2003.tdsl"
UNITS = ROOT / "examples/lianyungang-2003/units.yaml"
CARRIED = ROOT / "examples/lianyungang-2003/carried-in.yaml"


@pytest.fixture(scope="module")
def evaluated() -> tuple[targetdsl.Policy, Assessment]:
    policy = targetdsl.load_policy(str(POLICY))
    return policy, policy.evaluate(str(UNITS), carried_in=str(CARRIED))


@pytest.fixture(scope="module")
def book(evaluated: tuple[targetdsl.Policy, Assessment]) -> Any:
    policy, assessment = evaluated
    data = workbook_bytes(results_workbook(assessment, edition(policy)))
    import io

    return openpyxl.load_workbook(io.BytesIO(data))


def table(sheet: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """The header row and every row below it, by header."""
    header = [c.value for c in sheet[FIRST_ROW - 1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=FIRST_ROW)]
    return header, rows


def test_every_ranked_figure_is_the_policys_rounding_of_the_exact_one(
    evaluated: tuple[targetdsl.Policy, Assessment], book: Any
) -> None:
    policy, assessment = evaluated
    mode, places = policy.schema.rounding.mode, policy.schema.rounding.places
    assert book.sheetnames == ["县区", "市直部门", "驻连部省属单位", "完成情况", "明细", "精确值"]
    for unit_class in assessment.classes:
        header, rows = table(book[unit_class])
        units = assessment.in_class(unit_class)
        assert [r["单位编号"] for r in rows] == [u.id for u in units]
        for row, unit in zip(rows, units, strict=True):
            assert row["名次"] == unit.rank and row["单位"] == unit.name and row["等次"] == unit.grade
            assert Decimal(str(row["总分"])) == quantize(unit.total, places, mode)
            for category in unit.categories:
                assert Decimal(str(row[category.label or category.name])) == quantize(category.subtotal, places, mode)
            assert Decimal(str(row["加分"])) == quantize(unit.bonus, places, mode)
            assert Decimal(str(row["扣分"])) == quantize(unit.deductions, places, mode)
            assert row["奖金（元）"] == unit.money and row["可获奖"] == ("是" if unit.eligible else "否")


def test_the_breakdown_is_rounded_and_the_exact_sheet_keeps_every_digit(
    evaluated: tuple[targetdsl.Policy, Assessment], book: Any
) -> None:
    _, assessment = evaluated
    _, breakdown = table(book["明细"])
    measures = [(u, m) for u in assessment.units for m in u.measures]
    assert len(breakdown) == len(measures)
    for row, (unit, measure) in zip(breakdown, measures, strict=True):
        assert row["单位编号"] == unit.id and row["指标"] == (measure.label or measure.name)
        assert Decimal(str(row["得分"])) == quantize(measure.earned, 2)
    new_pu = next(r for r in breakdown if r["单位编号"] == "C05" and r["指标"] == "定量任务指标")
    assert new_pu["得分"] == 29.29  # not 29.29391796155086
    _, exact = table(book["精确值"])
    assert all(isinstance(r["数值"], str) for r in exact)  # text: a spreadsheet number would lose digits
    by_unit = {(r["单位编号"], r["项目"]): r["数值"] for r in exact}
    assert by_unit[("C05", "定量指标 / 定量任务指标")] == "29.29391796155086233427811145966559"  # 34 digits
    for unit in assessment.units:
        assert by_unit[(unit.id, "总分")] == text(unit.total)
        assert by_unit[(unit.id, "否决前总分")] == text(unit.raw_total)
        for category in unit.categories:
            assert by_unit[(unit.id, category.label or category.name)] == text(category.subtotal)
        for measure in unit.measures:
            if measure.applicable:
                assert by_unit[(unit.id, f"{measure.category} / {measure.label or measure.name}")] == text(
                    measure.earned
                )


def test_vetoes_quotas_and_grades_are_said_in_the_policys_words(book: Any) -> None:
    _, rows = table(book["县区"])
    by_id = {r["单位编号"]: r for r in rows}
    assert by_id["C04"]["一票否决"] == "环境保护一票否决：等次最高为良好，不得获奖"
    assert by_id["C04"]["等次说明"] == "环境保护一票否决：等次最高为良好，不得获奖"
    assert by_id["C06"]["名额限制"] == "优秀" and by_id["C06"]["等次说明"] == "优秀名额限 30%，按名次评为良好"
    assert by_id["C05"]["等次说明"] is None and by_id["C05"]["名额限制"] is None
    assert "cap grade" not in str(rows) and "no award" not in str(rows)


def test_the_completion_sheet_has_its_rate(evaluated: tuple[targetdsl.Policy, Assessment], book: Any) -> None:
    _, assessment = evaluated
    sheet = book["完成情况"]
    _, rows = table(sheet)
    for row, expected in zip(rows, assessment.completion, strict=False):
        assert (row["目标项数"], row["完成项数"]) == (expected.items, expected.completed)
        assert abs(Decimal(str(row["完成率"])) - Decimal(expected.completed) / Decimal(expected.items)) < Decimal(
            "0.00005"
        )
    assert rows[-1]["类别"] == "合计" and rows[-1]["目标项数"] == 1079 and rows[-1]["完成项数"] == 1017
    assert sheet.cell(row=FIRST_ROW, column=5).number_format == "0.0%"


def test_every_sheet_prints_with_title_borders_fonts_and_page_numbers(book: Any) -> None:
    for sheet in book.worksheets:
        assert "2003年度" in sheet["A1"].value and "征求意见稿" in sheet["A1"].value
        last = get_column_letter(sheet.max_column)
        assert sheet["A1"].font.name == "黑体" and f"A1:{last}1" in [str(r) for r in sheet.merged_cells.ranges]
        assert sheet.print_title_rows == "$3:$3" and sheet.freeze_panes == f"A{FIRST_ROW}"
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        # the running title from the second page on: the first has the title in large type
        assert sheet.HeaderFooter.differentFirst and not sheet.firstHeader.left.text
        assert sheet.firstFooter.center.text == sheet.oddFooter.center.text
        for cell in sheet[FIRST_ROW]:
            assert cell.font.name == "宋体" and cell.border.left.style == "thin"
    # a class's ranking prints on one page (48 departments too), one page wide; the long sheets run on down
    for name in ("县区", "市直部门", "驻连部省属单位"):
        assert (book[name].page_setup.fitToWidth, book[name].page_setup.fitToHeight) == (1, 1), name
    assert (book["明细"].page_setup.fitToWidth, book["明细"].page_setup.fitToHeight) == (1, 0)
    ranked = book["县区"]
    header, _ = table(ranked)
    assert ranked.cell(row=FIRST_ROW, column=header.index("奖金（元）") + 1).number_format == "#,##0"
    assert ranked.cell(row=FIRST_ROW, column=header.index("总分") + 1).number_format == "0.00"


def test_the_workbook_is_the_same_bytes_for_the_same_results(
    evaluated: tuple[targetdsl.Policy, Assessment], tmp_path: Path
) -> None:
    policy, assessment = evaluated
    first = workbook_bytes(results_workbook(assessment, edition(policy)))
    out = tmp_path / "r.xlsx"  # built a second time, by the command line
    # the command's workbook is labelled in the language of the command (here Chinese, as edition's default)
    assert main(["evaluate", str(POLICY), str(UNITS), "--carry-in", str(CARRIED), "-o", str(out), "--lang", "zh"]) == 0
    assert out.read_bytes() == first
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)


def test_the_command_line_prints_the_office_and_date_under_the_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from targetdsl.cli import main

    out = tmp_path / "results.xlsx"
    issued = ["--office", "连云港市目标管理考核办公室", "--date", "2004年1月15日"]
    arguments = ["evaluate", str(POLICY), str(UNITS), "--carry-in", str(CARRIED), "-q", "--lang", "zh"]
    assert main([*arguments, "-o", str(out), *issued]) == 0
    book = openpyxl.load_workbook(out)
    for name in ("县区", "市直部门", "驻连部省属单位", "完成情况"):  # the sheets a leader is handed
        said = book[name]["A2"].value
        assert "发布单位：连云港市目标管理考核办公室" in said and "日期：2004年1月15日" in said, name
    # they are printed on the workbook only: on a table or CSV they would be lost, so they are refused
    assert main([*arguments, "--format", "csv", *issued]) == 2
    assert "`--office` 和 `--date` 印在考核结果工作簿上" in capsys.readouterr().err


def test_english_labels(evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    policy, assessment = evaluated
    book = results_workbook(assessment, edition(policy, lang="en"))
    header = [c.value for c in book["县区"][FIRST_ROW - 1]]
    assert header[:4] == ["rank", "unit id", "unit", "total"]
    assert "year 2003" not in book["县区"]["A1"].value  # the title already says 2003
    assert book.sheetnames[3:] == ["completion", "breakdown", "exact values"]


def test_money_with_a_fraction_keeps_its_decimals() -> None:
    issue = edition()
    assert issue.money_format([Decimal(20000), None, Decimal("16000.00")]) == "#,##0"
    assert issue.money_format([Decimal(20000), Decimal("2833.5")]) == "#,##0.0"
    assert issue.money_format([Decimal("2833.05")]) == "#,##0.00"


def test_every_label_has_both_languages_with_the_same_blanks() -> None:
    assert LANGUAGES == ("zh", "en")
    for key, words in LABELS.items():
        assert len(words) == 2 and all(words), key
        assert sorted(re.findall(r"{\w+}", words[0])) == sorted(re.findall(r"{\w+}", words[1])), key
    with pytest.raises(ValueError, match="lang"):
        edition(lang="fr")


# ------------------------------------------------- quota demotions, held to the engine's reasons

QUOTA_WORDS = re.compile(r"(\S+) is limited to|takes no place in the (\S+) quota")


def demoted_by_engine(reason: str) -> str | None:
    found = QUOTA_WORDS.search(reason)
    return None if found is None else found.group(1) or found.group(2)


def random_policy(rng: random.Random) -> str:
    quota = [f" quota {rng.choice([10, 20, 30, 34, 50])}%" if rng.random() < 0.7 else "" for _ in range(3)]
    effects = ["cap grade 良好", "grade 合格", "no award", "zero score", "cap grade 良好, no award"]
    return (
        'policy "q" { year 2003 status adopted }\n'
        "class c { all 100 }\n"
        "category all { indicator s points 100 { input s: number score s } }\n"
        + "".join(
            f"veto v{i} {{ input bad: bool missing default false when bad effect {rng.choice(effects)} }}\n"
            for i in range(rng.randint(0, 2))
        )
        + f"grades {{ 优秀 >= 90{quota[0]} 良好 80 to 90{quota[1]} 合格 60 to 80{quota[2]} 不合格 < 60 }}\n"
    )


def test_quota_demotions_are_read_as_the_engine_decided_them() -> None:
    """On random policies and classes, a unit is marked as placed by a quota exactly when the engine's
    reason says a quota moved it, and the grade named is the same."""
    rng = random.Random(16)
    seen = 0
    for _ in range(150):
        text_ = random_policy(rng)
        policy = targetdsl.parse_policy(text_)
        vetoes = re.findall(r"veto (v\d)", text_)
        units = [
            {
                "id": f"u{i:02}",
                "class": "c",
                "indicators": {"s": {"s": rng.choice([95, 92, 90, 88, 85, 80, 75, 61, 55, 90.005])}},
                "vetoes": {v: {"bad": rng.random() < 0.2} for v in vetoes},
            }
            for i in range(rng.randint(1, 12))
        ]
        assessment = policy.evaluate(units)
        issue = edition(policy)
        for unit in assessment.units:
            assert issue.quota_grade(unit) == demoted_by_engine(unit.grade_reason), (text_, unit)
            seen += issue.quota_grade(unit) is not None
    assert seen > 50


@pytest.mark.parametrize("case", ["quota-no-award", "quotas-and-ties"])
def test_quota_cases_are_marked_as_the_engine_reasons(case: str) -> None:
    document = parse_yaml((ROOT / "tests/cases" / f"{case}.yaml").read_text(encoding="utf-8"))
    policy = targetdsl.parse_policy(document["policy"])
    for run in document.get("cases") or [{}]:
        assessment = policy.evaluate(document["units"], period=run.get("period"))
        issue = edition(policy)
        marked = [u.id for u in assessment.units if issue.quota_grade(u)]
        assert marked == [u.id for u in assessment.units if demoted_by_engine(u.grade_reason)]
        assert marked


def test_the_workbook_agrees_with_the_csv_field_by_field(
    evaluated: tuple[targetdsl.Policy, Assessment], book: Any
) -> None:
    """The CSV writes every number exactly: the exact sheet holds the same digits, and every ranked
    figure is their rounding."""
    import csv
    import io

    from targetdsl.office.tables import render_csv

    _, assessment = evaluated
    rows = list(csv.DictReader(io.StringIO(render_csv(assessment))))
    _, exact = table(book["精确值"])
    figures = {(r["单位编号"], r["项目"]): r["数值"] for r in exact}
    ranked = {r["单位编号"]: r for c in assessment.classes for r in table(book[c])[1]}
    assert len(rows) == len(ranked) == 75
    for row in rows:
        unit = row["id"]
        for field, label in (("total", "总分"), ("raw_total", "否决前总分"), ("bonus", "加分"), ("deductions", "扣分")):
            assert figures[(unit, label)] == row[field], (unit, field)
        if row["money"]:
            assert figures[(unit, "奖金（元）")] == row["money"] and Decimal(
                str(ranked[unit]["奖金（元）"])
            ) == Decimal(row["money"])
        assert Decimal(str(ranked[unit]["总分"])) == quantize(Decimal(row["total"]), 2)
        assert ranked[unit]["名次"] == int(row["rank"]) and ranked[unit]["等次"] == (row["grade"] or None)
        assert ranked[unit]["可获奖"] == {"yes": "是", "no": "否"}[row["eligible"]]


def test_rows_beyond_a_sheet_continue_on_the_next(
    evaluated: tuple[targetdsl.Policy, Assessment], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel holds 1,048,576 rows a sheet: a longer breakdown (131,073 units of 8 measures) continues
    on `明细~2`, `明细~3`…, nothing lost. Shown here with sheets of 250 rows."""
    from targetdsl.office import workbook

    policy, assessment = evaluated
    monkeypatch.setattr(workbook, "SHEET_ROWS", 250)
    book = results_workbook(assessment, edition(policy))
    breakdown = [name for name in book.sheetnames if name.startswith("明细")]
    exact = [name for name in book.sheetnames if name.startswith("精确值")]
    assert breakdown == ["明细", "明细~2", "明细~3"] and exact[:2] == ["精确值", "精确值~2"]
    rows = [r for name in breakdown for r in table(book[name])[1]]
    assert len(rows) == sum(len(u.measures) for u in assessment.units) == 600
    assert all(book[name].max_row <= FIRST_ROW - 1 + 250 for name in book.sheetnames)
    exact_rows = [r for name in exact for r in table(book[name])[1]]
    assert exact_rows[0]["单位编号"] == "C05" and len({(r["单位编号"], r["项目"]) for r in exact_rows}) == len(
        exact_rows
    )
