"""Data-entry workbooks generated from a policy (openpyxl).

One sheet per unit class, named after the class, a row per unit; a column
per input the policy declares for that class, headed by its path (what
`targetdsl evaluate` reads) and, in a second row, its display name as the
policy spells it, its type and its unit. Each column's allowed values are
enforced by Excel data validation (a stop alert, and a prompt saying what
the cell takes); a drop-down list Excel cannot hold inline goes to a hidden
sheet. The two header rows are locked. An
instructions sheet explains how to fill it in. A filled workbook is read
back by `targetdsl evaluate` unchanged.

An item list (`items 定量任务`) gets a column group per item slot: as many
as asked by name, else as many as last year's data needs (`listed_items`:
the longest list one unit of the class gave, and room for a fifth more),
else the number asked for every list.

Every word the workbook prints is in one language when one is asked for (`language=`: the command
line passes its own), Chinese or English; without one, the workbook says each in both, as it always
has. Names from the policy (classes, measures, labels) are shown as they are.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import attrs

from targetdsl.api import Policy
from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, InputSpec, MeasureSpec
from targetdsl.messages import Language
from targetdsl.outputs import save_workbook, sheet_text, text_only
from targetdsl.source import display_width
from targetdsl.units.tabular import LABEL_ROW_MARK, LABEL_ROW_MARK_ENGLISH

Words = tuple[str, str, str]  # a text in both languages (as a workbook without a language says it), Chinese, English


def say(words: Words, language: Language | None) -> str:
    both, chinese, english = words
    return both if language is None else chinese if language is Language.CHINESE else english


def pair(chinese: str, english: str) -> Words:
    """A text said in both languages as `中文 English`."""
    return f"{chinese} {english}", chinese, english


TYPE_WORDS: dict[str, Words] = {
    "number": pair("数值", "number"),
    "count": pair("整数", "count"),
    "score": pair("评分", "score"),
    "percent": ("百分数 percent (8.5 = 8.5%)", "百分数（8.5 即 8.5%）", "percent (8.5 = 8.5%)"),
    "pp": pair("百分点", "percentage points"),
    "money": pair("金额", "money"),
    "bool": pair("是/否", "true/false"),
    "date": pair("日期", "date"),
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
        "数值直接填数字；百分数填百分比的数值（8.5 表示 8.5%）；是/否填 true/false 或 是/否；"
        "日期年份在前，如 2003-12-05、2003/12/05 或 2003年12月5日。",
        "Numbers as numbers; percentages as the percent figure (8.5 means 8.5%); yes/no as true/false or 是/否; "
        "dates year first: 2003-12-05.",
    ),
    (
        "不适用的项目留空；留空的含义见第二行说明。",
        "Leave cells empty when they do not apply; row 2 says what an empty cell means for each field.",
    ),
    ("请勿使用公式，直接填写数值。", "Do not use formulas: type the values."),
    (
        "填报单位、填表人、联系电话和日期填在本表上方的“填报信息”中；单位行下方不要写备注、合计或签字"
        "（那里的文字会被当作单位而拒收）。打印时每页页脚留有签字盖章处。",
        "Who filled it in, a phone number and the date go under “Filled in by” above; write no note, total or "
        "signature under the units (a line there is refused as no unit). Printed, each page's footer has room "
        "to sign and stamp.",
    ),
    (
        "填好后交目标办，用 targetdsl evaluate 直接读取本表。",
        "Return the workbook: `targetdsl evaluate POLICY WORKBOOK.xlsx` reads it as it is.",
    ),
)
MISSING_WORDS: dict[str, Words] = {
    "error": pair("必填", "required"),
    "zero": pair("空为0", "empty = 0"),
    "na": pair("空为不适用", "empty = not applicable"),
    "peer_avg": pair("空取同类平均", "empty = class average"),
    "default": pair("空取默认值", "empty = default"),
}
ID_NOTE: Words = ("必填 required: each unit's own code", "必填：本单位的编号", "required: each unit's own code")
NAME_LABEL: Words = pair("单位名称", "name")
ITEM_POINTS_NOTE: Words = ("分值 points; 空为1分 empty = 1 point", "分值；空为1分", "points; empty = 1 point")
BALLOT_NOTE: Words = (
    "评分票 ballot; 废票 = invalid; 空为无票 empty = no ballot",
    "评分票；无效票填 废票；空为无票",
    "a ballot; an invalid one: invalid; empty = no ballot",
)
GIVEN_NOTE: Words = pair("给定分数时其他格可空", "with a given score the item's other cells may stay empty")
COLON: Words = ("：", "：", ": ")  # between a measure's title and what its column holds
# Who returns the workbook: asked for on the instructions sheet (which evaluate passes by), so that nobody
# writes it under the units, where it would be refused as a row that is no unit (data.not-a-unit)
FILLED_IN_BY: Words = pair("填报信息", "Filled in by")
SIGNATURE_FIELDS: tuple[Words, ...] = (
    pair("填报单位（盖章）", "unit (stamp)"),
    pair("填表人", "filled in by"),
    pair("联系电话", "phone"),
    pair("填报日期", "date"),
    pair("单位负责人（签字）", "head of unit (signature)"),
)
# The same on every printed page of a class's sheet, where the paper copy is signed and stamped
SIGN_FOOTER: Words = (
    "填报单位（盖章）unit：          填表人 by：          电话 phone：",
    "填报单位（盖章）：            填表人：            联系电话：",
    "Unit (stamp):            Filled in by:            Phone:",
)


@attrs.frozen
class Column:
    path: str
    label: str
    kind: str  # number, count, bool, date, score, points, level, assessor, word (an input of words), ballot, text
    low: str | None = None
    high: str | None = None
    choices: tuple[str, ...] = ()
    note: str = ""
    bound_by: str | None = None  # the column whose value is this one's upper end (`range 0 to subs`)
    at: str | None = None  # the column's first cell, for a validation formula that reads it (a ballot's)


@attrs.frozen
class Listed:
    """The longest list of items a unit gave last year for one list of one class, and where."""

    count: int
    unit: str  # its id
    file: str  # the file it was read from

    @property
    def slots(self) -> int:
        """The slots for this year: last year's longest list and room for a fifth more, at least two."""
        return self.count + max(2, math.ceil(self.count / 5))


def listed_items(policy: Policy, document: Any) -> dict[tuple[str, str], Listed]:
    """The longest list of items one unit gave, by class and item list of `policy`, in `document`: a data
    document of last year as read (`gathering.gather`), not validated (last year's policy was another,
    its inputs may differ). Only the number of entries is read; a list this policy has not got, a unit of
    a class it has not got and whatever is not a list are passed by."""
    from targetdsl.values import Records

    lists = {
        (c.name, m.name) for c in policy.schema.classes.values() for m in c.measures() if m.kind == "items" or m.ballots
    }
    records = document.get("units") if isinstance(document, Mapping) else document
    found: dict[tuple[str, str], Listed] = {}
    for index, record in enumerate(records if isinstance(records, list) else []):
        if not isinstance(record, Mapping) or not isinstance(record.get("indicators"), Mapping):
            continue
        unit_class = str(record.get("class", ""))
        for name, entries in record["indicators"].items():
            key = (unit_class, str(name))
            if key not in lists or not isinstance(entries, list):
                continue
            count = sum(1 for entry in entries if entry is not None)
            if count > (found[key].count if key in found else 0):
                file = records.file(index) if isinstance(records, Records) else None
                found[key] = Listed(count, str(record.get("id", "")), file or "")
    return found


def columns(
    policy: Policy,
    unit_class: ClassSpec,
    *,
    items: int,
    awards: int,
    slots: Mapping[str, int] | None = None,
    language: Language | None = None,
) -> list[Column]:
    """The template's columns for one class: `items` slots for each item list, or as many as `slots`
    gives for it by name (a county with 28 quantitative targets needs 28; `item_slots` gives them)."""
    colon = say(COLON, language)

    def word(chinese: str, english: str) -> str:
        return english if language is Language.ENGLISH else chinese

    def _input(path: str, spec: InputSpec, label: str) -> Column:
        return _input_column(path, spec, label, language)

    mark = LABEL_ROW_MARK_ENGLISH if language is Language.ENGLISH else LABEL_ROW_MARK
    result = [
        Column("id", mark, "text", note=say(ID_NOTE, language)),
        Column("name", say(NAME_LABEL, language), "text"),
    ]
    for unit_input in policy.schema.unit_inputs.values():
        result.append(_input(f"inputs.{unit_input.name}", unit_input, unit_input.label or unit_input.name))
    for category in unit_class.categories:
        for measure in category.measures:
            title = measure.label or measure.name
            if measure.kind == "assessed" and measure.ballots:  # a slot per ballot, as for items
                for slot in range(1, (slots or {}).get(measure.name, items) + 1):
                    result.append(
                        Column(
                            f"{measure.name}.{slot}",
                            f"{title} {slot}{colon}{word('评分票', 'ballot')}",
                            "ballot",
                            "0",
                            str(measure.scale),
                            note=say(BALLOT_NOTE, language),
                        )
                    )
            elif measure.kind == "assessed":
                for rater in measure.raters:
                    result.append(
                        Column(
                            f"{measure.name}.{rater.assessor}",
                            f"{title}{colon}{rater.assessor}评分"
                            if language is not Language.ENGLISH
                            else f"{title}{colon}score by {rater.assessor}",
                            "score",
                            "0",
                            str(measure.scale),
                        )
                    )
            elif measure.kind == "items":
                for slot in range(1, (slots or {}).get(measure.name, items) + 1):
                    result.append(
                        Column(f"{measure.name}.{slot}.name", f"{title} {slot}{colon}{word('名称', 'name')}", "text")
                    )
                    if not measure.node.pooled:  # pooled items have no points of their own
                        result.append(
                            Column(
                                f"{measure.name}.{slot}.points",
                                f"{title} {slot}{colon}{word('分值', 'points')}",
                                "points",
                                note=say(ITEM_POINTS_NOTE, language),
                            )
                        )
                    for spec in measure.inputs.values():
                        result.append(
                            _input(
                                f"{measure.name}.{slot}.{spec.name}",
                                spec,
                                f"{title} {slot}{colon}{spec.label or spec.name}",
                            )
                        )
                    result += _given(f"{measure.name}.{slot}", measure, f"{title} {slot}", language)
            else:
                for spec in measure.inputs.values():
                    result.append(
                        _input(f"{measure.name}.{spec.name}", spec, f"{title}{colon}{spec.label or spec.name}")
                    )
                for sub in measure.subitems:
                    for spec in sub.inputs.values():
                        result.append(
                            _input(
                                f"{measure.name}.{sub.name}.{spec.name}",
                                spec,
                                f"{title}/{sub.label or sub.name}{colon}{spec.label or spec.name}",
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
                    Column(f"{base}.name", f"{title}{colon}{word('奖项', 'award')}", "text"),
                    Column(f"{base}.level", f"{title}{colon}{word('级别', 'level')}", "level", choices=levels),
                    Column(f"{base}.date", f"{title}{colon}{word('颁奖日期', 'date presented')}", "date"),
                ]
            continue
        for spec in rule.inputs.values():
            result.append(
                _input(
                    f"{sections[rule.kind]}.{rule.name}.{spec.name}",
                    spec,
                    f"{rule.label or rule.name}{colon}{spec.label or spec.name}",
                )
            )
    return result


def item_slots(
    policy: Policy,
    unit_class: ClassSpec,
    *,
    items: int,
    slots: Mapping[str, int] | None = None,
    listed: Mapping[tuple[str, str], Listed] | None = None,
    limit: int | None = None,
) -> dict[str, int]:
    """The slots of each item list of a class: as `slots` asks by name, else as last year's data needs
    (`listed`, at most `limit`), else `items`."""
    found: dict[str, int] = {}
    for measure in unit_class.measures():
        if measure.kind != "items" and not measure.ballots:  # item lists, and lists of ballots
            continue
        before = (listed or {}).get((unit_class.name, measure.name))
        sized = items if before is None else before.slots if limit is None else min(before.slots, limit)
        found[measure.name] = (slots or {}).get(measure.name, sized)
    return found


def column_width(column: Column) -> float:
    """A column's width in Excel's units (a character of the default font; a Chinese character takes
    two): its display name wraps to at most three lines of row 2, and a number or a date fits."""
    return float(max(12, min(24, math.ceil(display_width(column.label) / 2) + 3)))


def _given(path: str, measure: MeasureSpec, title: str, language: Language | None = None) -> list[Column]:
    """Where a score may be given (`given by 人大, 政协`): who gave it and the score, out of 100. With a
    given score the other cells of the item may stay empty."""
    if not measure.given_by:
        return []
    note = say(GIVEN_NOTE, language)
    colon = say(COLON, language)
    by, score = ("given by", "given score") if language is Language.ENGLISH else ("给分单位", "给定分数")
    return [
        Column(f"{path}.given.by", f"{title}{colon}{by}", "assessor", choices=tuple(measure.given_by), note=note),
        Column(f"{path}.given.score", f"{title}{colon}{score}", "score", "0", "100", note=note),
    ]


def _input_column(path: str, spec: InputSpec, label: str, language: Language | None = None) -> Column:
    missing_words = say(MISSING_WORDS[spec.missing], language) if spec.missing in MISSING_WORDS else spec.missing
    separator = "；" if language is Language.CHINESE else "; "
    if spec.choices is not None:
        # an input of words: a dropdown of the words, nothing else typed
        words = "、".join(spec.choices)
        one_of = say((f"{words} 之一 one of the words", f"{words} 之一", f"one of {words}"), language)
        return Column(path, label, "word", choices=tuple(spec.choices), note=f"{one_of}{separator}{missing_words}")
    kind = {"count": "count", "bool": "bool", "date": "date"}.get(spec.type, "number")
    low = format(spec.low.value, "f") if spec.low is not None else ("0" if spec.type in ("count", "score") else None)
    high = format(spec.high.value, "f") if spec.high is not None else None
    type_words = say(TYPE_WORDS[spec.type], language) if spec.type in TYPE_WORDS else spec.type
    note = f"{type_words}{separator}{missing_words}"
    bound_by = path.rsplit(".", 1)[0] + "." + spec.high_input if spec.high_input is not None else None
    return Column(path, label, kind, low, high, note=note, bound_by=bound_by)


def write(
    policy: Policy,
    path: str | os.PathLike[str],
    *,
    only: str | None = None,
    rows: int = 100,
    items: int = 10,
    slots: Mapping[str, int] | None = None,
    listed: Mapping[tuple[str, str], Listed] | None = None,
    awards: int = 3,
    language: Language | None = None,
) -> None:
    """Write the template: `items` slots for every item list, `slots` by list name, and for a list
    last year's data held (`listed`, from `listed_items`) as many as it needs, unless named in `slots`."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    guide = book.create_sheet(say(INSTRUCTIONS_SHEET, language))
    classes = [c for c in policy.schema.classes.values() if only is None or c.name == only]
    if slots:
        item_lists = {
            m.name for c in policy.schema.classes.values() for m in c.measures() if m.kind == "items" or m.ballots
        }
        for name in slots:
            if name not in item_lists:
                known = ", ".join(sorted(item_lists)) or "none"
                raise ValueError(f"--items {name}=…: the policy has no item list `{name}` (its item lists: {known})")
    if not classes:
        raise ValueError(f"the policy has no class `{only}`; its classes are {', '.join(policy.schema.classes)}")
    _sheet_names(classes)
    lists = _Lists(book, say(LISTS_SHEET_NAMES, language))
    for unit_class in classes:
        sheet = book.create_sheet(unit_class.name)
        sized = item_slots(policy, unit_class, items=items, slots=slots, listed=listed, limit=MAX_ITEMS)
        cols = columns(policy, unit_class, items=items, awards=awards, slots=sized, language=language)
        letters = {c.path: get_column_letter(i) for i, c in enumerate(cols, start=1)}
        sheet.append([sheet_text(c.path) for c in cols])
        sheet.append([sheet_text(c.label) for c in cols])
        for index, column in enumerate(cols, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column_width(column)
            for row in (1, 2):
                cell = sheet.cell(row=row, column=index)
                cell.font = Font(bold=row == 2, color="666666" if row == 1 else "000000", size=9 if row == 1 else 11)
                cell.fill = PatternFill("solid", fgColor="EEEEEE" if row == 1 else "DDEBF7")
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            checked = column
            if column.bound_by in letters and column.high is None:
                # a relative reference: on each row, at most that row's value of the other column
                checked = attrs.evolve(column, high=f"{letters[column.bound_by]}3")
            if column.kind == "ballot":
                checked = attrs.evolve(column, at=f"{letter}3")
            validation = _validation(checked, DataValidation, lists, language)
            if validation is not None:
                sheet.add_data_validation(validation)
                validation.add(f"{letter}3:{letter}{rows + 2}")
            for row in range(3, rows + 3):
                sheet.cell(row=row, column=index).protection = Protection(locked=False)
        # the names wrap within their columns: row 1 (small type) in two lines, row 2 in three
        sheet.row_dimensions[1].height = 26
        sheet.row_dimensions[2].height = 45
        sheet.freeze_panes = "C3"
        _protect(sheet, len(cols), rows)
        _print_setup(sheet, landscape=True, language=language, across=pages_across(sheet, len(cols)))
    _instructions(guide, policy, classes, language)
    _print_setup(guide, landscape=False, language=language)
    if lists.sheet is not None:
        book.move_sheet(lists.sheet, offset=len(book.worksheets))  # last, after the classes
    for sheet in book.worksheets:
        text_only(sheet)
    save_workbook(book, path)


def _protect(sheet: Any, width: int, rows: int) -> None:
    """Header rows locked; the entry rows open, and the sheet still lets people insert and delete rows
    (a unit forgotten), widen columns, sort and filter (Excel's protection forbids all of it unless
    allowed: an attribute set to False here is an action allowed)."""
    from openpyxl.utils import get_column_letter

    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.insertRows = False
    protection.deleteRows = False
    protection.sort = False
    protection.autoFilter = False
    # the filter's buttons on the display names (row 2), over every entry row
    sheet.auto_filter.ref = f"A2:{get_column_letter(width)}{rows + 2}"


# What an A4 landscape page holds across, in Excel's column width units (a character of the default font,
# about 7 pixels): 261 mm inside Excel's default margins is 986 pixels; printed at no less than 70 %
PAGE_ACROSS = 986 / 7 / 0.70


def pages_across(sheet: Any, width: int) -> int:
    """How many A4 landscape pages a class's sheet is printed across so that its type stays at 70 % or
    more: one for a sheet of a few dozen columns; for one with many item slots, as many as it takes,
    each repeating the id and name (a sheet of 80 columns fitted on one page prints at 8 %, unreadable)."""
    from openpyxl.utils import get_column_letter

    widths = [sheet.column_dimensions[get_column_letter(i)].width or 8.43 for i in range(1, width + 1)]
    repeated = sum(widths[:2])  # the id and name, printed again on every page
    return max(1, math.ceil((sum(widths) - repeated) / (PAGE_ACROSS - repeated)))


def _print_setup(sheet: Any, *, landscape: bool, language: Language | None = None, across: int = 1) -> None:
    """A4, `across` pages wide (as many pages down as it takes; pages numbered across, then down), the
    header rows and the id and name columns on every page, and the page number in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = across
    if across > 1:
        sheet.page_setup.pageOrder = "overThenDown"  # a unit's row is read page after page
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if landscape:
        sheet.print_title_rows = "1:2"
        sheet.print_title_cols = "A:B"
    sheet.oddFooter.center.text = "page &P of &N" if language is Language.ENGLISH else "第 &P 页，共 &N 页"
    if landscape:  # a class's sheet: signed and stamped on paper
        sheet.oddFooter.left.text = say(SIGN_FOOTER, language)
        sheet.oddFooter.left.size = 9


# The most item slots a list gets: more is never an office's intent, and Excel stops at 16,384 columns.
MAX_ITEMS = 200

# Excel's limits on a data validation: longer text, or a list formula longer than 255 characters, makes
# Excel call the whole workbook damaged and drop the validations when it "repairs" it.
LIST_LIMIT = 255
TITLE_LIMIT = 32
MESSAGE_LIMIT = 255
LISTS_SHEET_NAMES: Words = pair("下拉列表", "lists")  # a hidden sheet with no field paths: evaluate passes it by
LISTS_SHEET = LISTS_SHEET_NAMES[0]
INSTRUCTIONS_SHEET: Words = pair("填表说明", "instructions")  # a name tabular.INSTRUCTIONS knows


@attrs.frozen
class Rule:
    """What Excel checks in a column: its openpyxl arguments and what to tell the person typing."""

    options: dict[str, str]
    title: str  # the alert's and the prompt's title
    message: str  # what is allowed


def _rule(column: Column, language: Language | None = None) -> Rule | None:
    def told(options: dict[str, str], title: Words, chinese: str, english: str) -> Rule:
        """A rule whose message is said in Chinese, in English, or in both (the Chinese, then the English)."""
        return Rule(options, say(title, language), say((chinese + english, chinese, english), language))

    if column.kind == "bool":
        return told(
            {"type": "list", "formula1": '"true,false,是,否"'},
            pair("是/否", "yes/no"),
            "请选择 是/否（true/false）。",
            "Choose 是 or 否." if language is None else "Choose true or false.",
        )
    if column.kind in ("level", "assessor", "word"):
        chinese, title, english = {
            "level": ("级别", pair("级别", "level"), "a level"),
            "assessor": ("给分单位", pair("给分单位", "given by"), "who gave the score"),
            "word": ("评价", pair("评价", "rating"), "a word"),
        }[column.kind]
        return told(
            {"type": "list", "formula1": _inline_list(column.choices)},
            title,
            f"请从列表中选择{chinese}：{'、'.join(column.choices)}。",
            f"Choose {english} from the list.",
        )
    if column.kind == "date":
        return told(
            {"type": "date", "operator": "greaterThan", "formula1": "1"},
            pair("日期", "date"),
            "请填日期，如 2003-12-05、2003/12/05 或 2003年12月5日。",
            "Enter a date, year first: 2003-12-05.",
        )
    if column.kind == "ballot" and column.at is not None:  # a score, or an invalid ballot
        cell = column.at
        return told(
            {
                "type": "custom",
                "formula1": f"OR(AND(ISNUMBER({cell}),{cell}>={column.low},{cell}<={column.high}),"
                f'{cell}="废票",{cell}="invalid")',
            },
            pair("评分票", "ballot"),
            f"请填 {column.low} 到 {column.high} 之间的分数，无效票填 废票。",
            f"Enter a score from {column.low} to {column.high}, or invalid.",
        )
    if column.kind == "points":
        return told(
            {"type": "decimal", "operator": "greaterThan", "formula1": "0"},
            pair("分值", "points"),
            "请填大于 0 的分值；空为 1 分。",
            "Enter the item's points, more than 0; empty means 1.",
        )
    if column.kind in ("number", "count", "score"):
        kind = "whole" if column.kind == "count" else "decimal"
        whole = ("整数", "a whole number") if column.kind == "count" else ("数", "a number")
        number = pair("数值", "number")
        if column.low is not None and column.high is not None:
            high = f"本行 {column.bound_by.rsplit('.', 1)[-1]}" if column.bound_by else column.high
            high_en = f"this row's {column.bound_by.rsplit('.', 1)[-1]}" if column.bound_by else column.high
            return told(
                {"type": kind, "operator": "between", "formula1": column.low, "formula2": column.high},
                number,
                f"请填 {column.low} 到 {high} 之间的{whole[0]}。",
                f"Enter {whole[1]} from {column.low} to {high_en}.",
            )
        if column.low is not None:
            return told(
                {"type": kind, "operator": "greaterThanOrEqual", "formula1": column.low},
                number,
                f"请填不小于 {column.low} 的{whole[0]}。",
                f"Enter {whole[1]} of at least {column.low}.",
            )
        return told(
            {"type": kind, "operator": "between", "formula1": "-1E+15", "formula2": "1E+15"},
            number,
            f"请填{whole[0]}，不用文字或公式。",
            f"Enter {whole[1]}: no text, no formula.",
        )
    return None


def _inline_list(choices: tuple[str, ...]) -> str:
    """Excel's list formula `"a,b,c"`: a choice holding a comma or a quote cannot be written in it (Excel
    splits on every comma), so such a list, or one too long, is left empty here: `_validation` puts it
    on the hidden lists sheet instead."""
    formula = '"' + ",".join(choices) + '"'
    if any("," in c or '"' in c for c in choices) or len(formula) > LIST_LIMIT:
        return ""
    return formula


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _validation(column: Column, factory: Any, lists: Any = None, language: Language | None = None) -> Any:
    """The column's data validation, enforced: a value outside it is refused with a stop alert saying
    what is allowed, and the same words show as a prompt when the cell is selected. `lists` is a
    callable that writes a list on the hidden lists sheet and returns its range."""
    rule = _rule(column, language)
    if rule is None:
        return None
    options = dict(rule.options)
    if options["type"] == "list" and not options["formula1"]:
        if lists is None:
            raise ValueError(f"the choices of {column.path} need the workbook's lists sheet")
        options["formula1"] = lists(column.choices)
    title, message = _cut(rule.title, TITLE_LIMIT), _cut(rule.message, MESSAGE_LIMIT)
    # the prompt also says what the cell holds and what a blank means (`百分数…; 空为0 empty = 0`)
    prompt = _cut(f"{rule.message}\n{column.note}" if column.note else rule.message, MESSAGE_LIMIT)
    return factory(
        **options,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=title,
        error=message,
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


SHEET_NAME_LIMIT = 31  # Excel's


def _sheet_names(classes: list[ClassSpec]) -> None:
    """Each class's sheet is named after it, and the name gives its rows their class when the workbook
    is read back: a name Excel cannot hold whole (over 31 characters), or two that Excel takes for one
    (it ignores case), would give rows no class or the wrong one."""
    seen: dict[str, str] = {}
    for unit_class in classes:
        name = unit_class.name
        if len(name) > SHEET_NAME_LIMIT:
            raise ValueError(
                f"the class `{name}` has a name of {len(name)} characters; Excel names a sheet with at most "
                f"{SHEET_NAME_LIMIT}, and the sheet's name gives its rows their class: give the class a shorter "
                "name to make a template"
            )
        if name.casefold() in seen:
            raise ValueError(
                f"the classes `{seen[name.casefold()]}` and `{name}` differ only in case, and Excel takes their "
                "sheets for one: give one of them another name to make a template"
            )
        seen[name.casefold()] = name


class _Lists:
    """The hidden sheet that holds the drop-down lists an inline list formula cannot: one column each,
    under a heading that is no field path (so that `targetdsl evaluate` passes the sheet by)."""

    def __init__(self, book: Any, name: str = LISTS_SHEET):
        self.book = book
        self.name = name
        self.sheet: Any = None
        self.ranges: dict[tuple[str, ...], str] = {}

    def __call__(self, choices: tuple[str, ...]) -> str:
        from openpyxl.utils import get_column_letter, quote_sheetname

        if choices not in self.ranges:
            if self.sheet is None:
                self.sheet = self.book.create_sheet(self.name)
                self.sheet.sheet_state = "hidden"
                self.sheet.protection.sheet = True
            index = len(self.ranges) + 1
            letter = get_column_letter(index)
            heading = {"下拉列表": f"列表 {index}", "lists": f"list {index}"}.get(self.name, f"列表 list {index}")
            self.sheet.cell(row=1, column=index, value=heading)
            for row, choice in enumerate(choices, start=2):
                self.sheet.cell(row=row, column=index, value=sheet_text(choice))
            self.ranges[choices] = f"{quote_sheetname(self.name)}!${letter}$2:${letter}${len(choices) + 1}"
        return self.ranges[choices]


def _instructions(sheet: object, policy: Policy, classes: list[ClassSpec], language: Language | None = None) -> None:
    from openpyxl.styles import Border, Font, PatternFill, Side

    year = policy.year
    lines = [
        [policy.title],
        [
            say(
                (
                    f"{year}年度 数据填报表 — one sheet per class, one row per unit from row 3",
                    f"{year}年度 数据填报表：每个类别一张表，从第 3 行起每个单位一行",
                    f"Data entry for {year}: one sheet per class, one row per unit from row 3",
                ),
                language,
            )
        ],
        [""],
    ]
    lines += [[say(FILLED_IN_BY, language)]]
    sign_rows = range(len(lines) + 1, len(lines) + 1 + len(SIGNATURE_FIELDS))
    lines += [[say(field, language)] for field in SIGNATURE_FIELDS]
    lines += [[""], [say(pair("填写说明", "How to fill it in"), language)]]
    for index, (chinese, english) in enumerate(GUIDE, start=1):
        if language is None:
            lines.append([f"{index}. {chinese}", f"   {english}"])
        else:
            lines.append([f"{index}. {chinese if language is Language.CHINESE else english}"])
    lines += [[""], [say(pair("字段", "Fields"), language)]]
    for line in lines:
        for text in line:
            sheet.append([sheet_text(text)])  # type: ignore[attr-defined]
    for unit_class in classes:
        sheet.append([sheet_text(unit_class.name)])  # type: ignore[attr-defined]
        for column in columns(policy, unit_class, items=1, awards=1, language=language):
            sheet.append([sheet_text(column.path), sheet_text(column.label), sheet_text(column.note)])  # type: ignore[attr-defined]
    sheet["A1"].font = Font(bold=True, size=14)  # type: ignore[index]
    sheet.cell(row=sign_rows.start - 1, column=1).font = Font(bold=True)  # type: ignore[attr-defined]
    for row in sign_rows:  # the cells to fill in, boxed beside their labels
        cell = sheet.cell(row=row, column=2)  # type: ignore[attr-defined]
        cell.border = Border(**{edge: Side(style="thin") for edge in ("left", "right", "top", "bottom")})
        cell.fill = PatternFill("solid", fgColor="FFF9E5")
    sheet.column_dimensions["A"].width = 40  # type: ignore[attr-defined]
    sheet.column_dimensions["B"].width = 40  # type: ignore[attr-defined]
    sheet.column_dimensions["C"].width = 50  # type: ignore[attr-defined]
