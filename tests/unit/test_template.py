"""Generate a data-entry workbook, fill it as a unit would, evaluate it."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import targetdsl
from targetdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
P2003 = ROOT / "policies/lianyungang-2003.tdsl"


ASSESSED = [
    ("人民满意度", "人大"),
    ("人民满意度", "政协"),
    ("领导班子建设", "组织部"),
    ("精神文明建设", "宣传部"),
    ("党风廉政建设", "纪委"),
    ("全面工作评价", "分管领导"),
    ("日常工作", "目标办"),
]


def fill(sheet: object, row: int, values: dict[str, object]) -> None:
    header = [cell.value for cell in sheet[1]]  # type: ignore[index]
    for path, value in values.items():
        sheet.cell(row=row, column=header.index(path) + 1, value=value)  # type: ignore[attr-defined]


def test_generate_fill_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "template.xlsx"
    assert main(["template", str(P2003), "-o", str(workbook), "--rows", "5", "--items", "3", "--lang", "zh"]) == 0
    capsys.readouterr()
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["填表说明", "县区", "市直部门", "驻连部省属单位"]
    county = book["县区"]
    header = [cell.value for cell in county[1]]
    labels = [cell.value for cell in county[2]]
    assert header[:2] == ["id", "name"] and labels[0] == "单位编号"
    assert "定量任务.1.target" in header and "人民满意度.人大" in header and "vetoes.环境保护.failed" in header
    assert labels[header.index("定量任务.1.target")] == "定量任务指标 1：目标值"
    assert county.protection.sheet and county["A1"].protection.locked and not county["A3"].protection.locked
    kinds = {v.type for v in county.data_validations.dataValidation}
    assert {"list", "whole", "decimal", "date"} <= kinds

    fill(
        county,
        3,
        {
            "id": "T01",
            "name": "测试县",
            "重点项目.1.subs": 2,
            "重点项目.1.done": 2,
            "定量任务.1.target": 100,
            "定量任务.1.actual": 90,
            "定量任务.2.target": 50,
            "定量任务.2.actual": 60,
            **{f"{m}.{a}": 80 for m, a in ASSESSED},
            "vetoes.环境保护.failed": "是",
            "bonuses.获奖加分.1.level": "省级",
            "bonuses.获奖加分.1.date": "2003-06-01",
        },
    )
    book.save(workbook)
    assessment = targetdsl.load_policy(P2003).evaluate(workbook)
    unit = assessment.unit("T01")
    assert unit.unit_class == "县区" and unit.name == "测试县"
    # 40 + 50 × (0.9 + 1.2)/2 + 10 × 0.8 + bonus 2 = 102.5
    assert unit.total == Decimal("102.50")
    assert [v.name for v in unit.vetoes] == ["环境保护"]
    assert len(assessment.units) == 1  # the empty rows and the other sheets hold no units


def test_only_one_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "departments.xlsx"
    assert main(["template", str(P2003), "--class", "市直部门", "-o", str(workbook), "--lang", "zh"]) == 0
    assert openpyxl.load_workbook(workbook).sheetnames == ["填表说明", "市直部门"]
    assert main(["template", str(P2003), "--class", "乡镇", "-o", str(workbook)]) == 2
    assert "no class `乡镇`" in capsys.readouterr().err
