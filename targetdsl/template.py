"""Data-entry workbooks generated from a policy (openpyxl).

One sheet per unit class, named after the class, a row per unit; a column
per input the policy declares for that class, headed by its path (what
`targetdsl evaluate` reads) and, in a second row, its display name as the
policy spells it, its type and its unit. Each column's allowed values are
enforced by Excel data validation; the two header rows are locked. An
instructions sheet explains how to fill it in. A filled workbook is read
back by `targetdsl evaluate` unchanged.
"""

from __future__ import annotations

import os
from typing import Any

import attrs

from targetdsl import nodes as n
from targetdsl.api import Policy
from targetdsl.outputs import save_workbook, sheet_text, text_only
from targetdsl.schema import ClassSpec, InputSpec, MeasureSpec
from targetdsl.tabular import LABEL_ROW_MARK

TYPE_WORDS = {
    "number": "数值 number",
    "count": "整数 count",
    "score": "评分 score",
    "percent": "百分数 percent (8.5 = 8.5%)",
    "pp": "百分点 percentage points",
    "money": "金额 money",
    "bool": "是/否 true/false",
    "date": "日期 date",
}
GUIDE = (
    (
        "每个单位填一行：第一列填单位编号（必填，唯一），第二列填单位名称。",
        "One row per unit: its id (required, unique), then its name.",
    ),
    (
        "第一行是系统读取的字段路径，请勿修改；第二行是字段说明。",
        "Row 1 holds the field paths the evaluator reads: do not edit it. Row 2 describes each field.",
    ),
    (
        "数值直接填数字；百分数填百分比的数值（8.5 表示 8.5%）；是/否填 true/false 或 是/否；日期填 YYYY-MM-DD。",
        "Numbers as numbers; percentages as the percent figure (8.5 means 8.5%); yes/no as true/false or 是/否.",
    ),
    (
        "不适用的项目留空；留空的含义见第二行说明。",
        "Leave cells empty when they do not apply; row 2 says what an empty cell means for each field.",
    ),
    ("请勿使用公式，直接填写数值。", "Do not use formulas: type the values."),
    (
        "填好后交目标办，用 targetdsl evaluate 直接读取本表。",
        "Return the workbook: `targetdsl evaluate POLICY WORKBOOK.xlsx` reads it as it is.",
    ),
)
MISSING_WORDS = {
    "error": "必填 required",
    "zero": "空为0 empty = 0",
    "na": "空为不适用 empty = not applicable",
    "peer_avg": "空取同类平均 empty = class average",
    "default": "空取默认值 empty = default",
}


@attrs.frozen
class Column:
    path: str
    label: str
    kind: str  # number, count, bool, date, score, level, assessor, text
    low: str | None = None
    high: str | None = None
    choices: tuple[str, ...] = ()
    note: str = ""
    bound_by: str | None = None  # the column whose value is this one's upper end (`range 0 to subs`)


def columns(policy: Policy, unit_class: ClassSpec, *, items: int, awards: int) -> list[Column]:
    result = [
        Column("id", LABEL_ROW_MARK, "text", note="必填 required: each unit's own code"),
        Column("name", "单位名称 name", "text"),
    ]
    for unit_input in policy.schema.unit_inputs.values():
        result.append(_input(f"inputs.{unit_input.name}", unit_input, unit_input.label or unit_input.name))
    for category in unit_class.categories:
        for measure in category.measures:
            title = measure.label or measure.name
            if measure.kind == "assessed":
                for rater in measure.raters:
                    result.append(
                        Column(
                            f"{measure.name}.{rater.assessor}",
                            f"{title}：{rater.assessor}评分",
                            "score",
                            "0",
                            str(measure.scale),
                        )
                    )
            elif measure.kind == "items":
                for slot in range(1, items + 1):
                    result.append(Column(f"{measure.name}.{slot}.name", f"{title} {slot}：名称", "text"))
                    for spec in measure.inputs.values():
                        result.append(
                            _input(
                                f"{measure.name}.{slot}.{spec.name}", spec, f"{title} {slot}：{spec.label or spec.name}"
                            )
                        )
                    result += _given(f"{measure.name}.{slot}", measure, f"{title} {slot}")
            else:
                for spec in measure.inputs.values():
                    result.append(_input(f"{measure.name}.{spec.name}", spec, f"{title}：{spec.label or spec.name}"))
                for sub in measure.subitems:
                    for spec in sub.inputs.values():
                        result.append(
                            _input(
                                f"{measure.name}.{sub.name}.{spec.name}",
                                spec,
                                f"{title}/{sub.label or sub.name}：{spec.label or spec.name}",
                            )
                        )
                result += _given(measure.name, measure, title)
    sections = {
        "veto": "vetoes",
        "deduction": "deductions",
        "award": "awards",
        "coefficient": "coefficients",
        "commendation": "commendations",
    }
    for rule in unit_class.rules:
        if rule.kind == "bonus":
            levels = tuple(s.name for s in rule.all(n.Level))
            for slot in range(1, awards + 1):
                base = f"bonuses.{rule.name}.{slot}"
                title = f"{rule.label or rule.name} {slot}"
                result += [
                    Column(f"{base}.name", f"{title}：奖项", "text"),
                    Column(f"{base}.level", f"{title}：级别", "level", choices=levels),
                    Column(f"{base}.date", f"{title}：颁奖日期", "date"),
                ]
            continue
        for spec in rule.inputs.values():
            result.append(
                _input(
                    f"{sections[rule.kind]}.{rule.name}.{spec.name}",
                    spec,
                    f"{rule.label or rule.name}：{spec.label or spec.name}",
                )
            )
    return result


def _given(path: str, measure: MeasureSpec, title: str) -> list[Column]:
    """Where a score may be given (`given by 人大, 政协`): who gave it and the score, out of 100. With a
    given score the other cells of the item may stay empty."""
    if not measure.given_by:
        return []
    note = "给定分数时其他格可空 with a given score the item's other cells may stay empty"
    return [
        Column(f"{path}.given.by", f"{title}：给分单位", "assessor", choices=tuple(measure.given_by), note=note),
        Column(f"{path}.given.score", f"{title}：给定分数", "score", "0", "100", note=note),
    ]


def _input(path: str, spec: InputSpec, label: str) -> Column:
    kind = {"count": "count", "bool": "bool", "date": "date"}.get(spec.type, "number")
    low = format(spec.low.value, "f") if spec.low is not None else ("0" if spec.type in ("count", "score") else None)
    high = format(spec.high.value, "f") if spec.high is not None else None
    note = f"{TYPE_WORDS.get(spec.type, spec.type)}; {MISSING_WORDS.get(spec.missing, spec.missing)}"
    bound_by = path.rsplit(".", 1)[0] + "." + spec.high_input if spec.high_input is not None else None
    return Column(path, label, kind, low, high, note=note, bound_by=bound_by)


def write(
    policy: Policy,
    path: str | os.PathLike[str],
    *,
    only: str | None = None,
    rows: int = 100,
    items: int = 10,
    awards: int = 3,
) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    guide = book.create_sheet("填表说明 instructions")
    classes = [c for c in policy.schema.classes.values() if only is None or c.name == only]
    if not classes:
        raise ValueError(f"the policy has no class `{only}`; its classes are {', '.join(policy.schema.classes)}")
    for unit_class in classes:
        sheet = book.create_sheet(unit_class.name[:31])
        cols = columns(policy, unit_class, items=items, awards=awards)
        letters = {c.path: get_column_letter(i) for i, c in enumerate(cols, start=1)}
        sheet.append([sheet_text(c.path) for c in cols])
        sheet.append([sheet_text(c.label) for c in cols])
        for index, column in enumerate(cols, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, min(40, len(column.label) * 2 + 2))
            for row in (1, 2):
                cell = sheet.cell(row=row, column=index)
                cell.font = Font(bold=row == 2, color="666666" if row == 1 else "000000", size=9 if row == 1 else 11)
                cell.fill = PatternFill("solid", fgColor="EEEEEE" if row == 1 else "DDEBF7")
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            checked = column
            if column.bound_by in letters and column.high is None:
                # a relative reference: on each row, at most that row's value of the other column
                checked = attrs.evolve(column, high=f"{letters[column.bound_by]}3")
            validation = _validation(checked, DataValidation)
            if validation is not None:
                sheet.add_data_validation(validation)
                validation.add(f"{letter}3:{letter}{rows + 2}")
            for row in range(3, rows + 3):
                sheet.cell(row=row, column=index).protection = Protection(locked=False)
        sheet.freeze_panes = "C3"
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
    _instructions(guide, policy, classes)
    for sheet in book.worksheets:
        text_only(sheet)
    save_workbook(book, path)


def _validation(column: Column, factory: Any) -> Any:
    if column.kind == "bool":
        return factory(
            type="list",
            formula1='"true,false,是,否"',
            allow_blank=True,
            error="请填 true/false 或 是/否",
            errorTitle="是/否",
        )
    if column.kind == "level":
        return factory(
            type="list",
            formula1='"' + ",".join(column.choices) + '"',
            allow_blank=True,
            error="请从列表中选择级别",
            errorTitle="级别",
        )
    if column.kind == "assessor":
        return factory(
            type="list",
            formula1='"' + ",".join(column.choices) + '"',
            allow_blank=True,
            error="请从列表中选择给分单位",
            errorTitle="给分单位",
        )
    if column.kind == "date":
        return factory(
            type="date",
            operator="greaterThan",
            formula1="1",
            allow_blank=True,
            error="请填日期 YYYY-MM-DD",
            errorTitle="日期",
        )
    if column.kind in ("number", "count", "score"):
        kind = "whole" if column.kind == "count" else "decimal"
        if column.low is not None and column.high is not None:
            high = f"本行 {column.bound_by.rsplit('.', 1)[-1]}" if column.bound_by else column.high
            return factory(
                type=kind,
                operator="between",
                formula1=column.low,
                formula2=column.high,
                allow_blank=True,
                error=f"请填 {column.low} 到 {high} 之间的数",
                errorTitle="数值",
            )
        if column.low is not None:
            return factory(
                type=kind,
                operator="greaterThanOrEqual",
                formula1=column.low,
                allow_blank=True,
                error=f"请填不小于 {column.low} 的数",
                errorTitle="数值",
            )
        return factory(
            type=kind,
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
            error="请填数值",
            errorTitle="数值",
        )
    return None


def _instructions(sheet: object, policy: Policy, classes: list[ClassSpec]) -> None:
    from openpyxl.styles import Font

    lines = [
        [policy.title],
        [f"{policy.year}年度 数据填报表 — one sheet per class, one row per unit from row 3"],
        [""],
        ["填写说明 How to fill it in"],
    ]
    lines += [
        [f"{index}. {chinese}"] + ([f"   {english}"] if english else [])
        for index, (chinese, english) in enumerate(GUIDE, start=1)
    ]
    lines += [[""], ["字段 Fields"]]
    for line in lines:
        for text in line:
            sheet.append([sheet_text(text)])  # type: ignore[attr-defined]
    for unit_class in classes:
        sheet.append([sheet_text(unit_class.name)])  # type: ignore[attr-defined]
        for column in columns(policy, unit_class, items=1, awards=1):
            sheet.append([sheet_text(column.path), sheet_text(column.label), sheet_text(column.note)])  # type: ignore[attr-defined]
    sheet["A1"].font = Font(bold=True, size=14)  # type: ignore[index]
    sheet.column_dimensions["A"].width = 40  # type: ignore[attr-defined]
    sheet.column_dimensions["B"].width = 40  # type: ignore[attr-defined]
    sheet.column_dimensions["C"].width = 50  # type: ignore[attr-defined]
