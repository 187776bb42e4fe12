"""The results workbook, as a leader receives it: printed, titled, rounded as the policy rounds.

A sheet per class, ranked: rank, id and name in their own columns, the reported total, each
category subtotal, bonus and deductions, the vetoes with their effects and the reasons for a
grade in words (`publication.Edition`), quota demotions marked, the award money as `#,##0`. Then
the completion table with its rate, every indicator of every unit, and a sheet of exact values:
figures elsewhere are the policy's rounding of the exact ones, which an auditor finds here as
text (a spreadsheet number holds 15 digits, a result 34).

Every sheet carries the title, year and status, prints on A4 landscape fitted to the width with
its header row repeated and page numbers in the footer. Cells from the data stay text, never a
formula, and the file is the same bytes for the same results (`outputs`). This module only lays
out: every figure is the Assessment's, rounded for display.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from targetdsl.evaluation.results import Assessment, UnitResult
from targetdsl.numeric import CONTEXT, text
from targetdsl.office.publication import Edition, edition
from targetdsl.outputs import save_workbook, sheet_text, text_only
from targetdsl.source import display_width

BODY_FONT = "宋体"  # SimSun: on every Chinese Windows; other systems substitute a CJK font by name
TITLE_FONT = "黑体"
FIRST_ROW = 4  # rows 1–2: title and subtitle; row 3: the column headers
SHEET_ROWS = 1_048_576 - FIRST_ROW + 1  # the rows below the header that fit on a sheet (Excel's last row is 1,048,576)
HEADER_FILL = "DDEBF7"
VETO_FILL = "FDECEA"
QUOTA_FILL = "FFF2CC"


def sheet_title(name: str, taken: Sequence[str]) -> str:
    """A sheet name Excel accepts for `name`: at most 31 characters, and none it takes for one already
    there (Excel ignores case). A long class name is cut and numbered: `…~2`."""
    folded = {t.casefold() for t in taken}
    title, number = name[:31], 1
    while title.casefold() in folded:
        number += 1
        title = f"{name[: 31 - len(str(number)) - 1]}~{number}"
    return title


def write_xlsx(assessment: Assessment, path: str, issue: Edition | None = None) -> None:
    """Write `results_workbook`, byte-reproducibly and whole."""
    save_workbook(results_workbook(assessment, issue), path)


class _Column:
    """A column of a sheet: its header and how its cells look."""

    __slots__ = ("header", "number_format", "wrap", "widest")

    def __init__(self, header: str, number_format: str | None = None, *, wrap: bool = False, widest: int = 40):
        self.header = header
        self.number_format = number_format
        self.wrap = wrap
        self.widest = widest


def results_workbook(assessment: Assessment, issue: Edition | None = None) -> Any:
    """The results as an openpyxl workbook (see the module's docstring)."""
    import openpyxl

    issue = issue or edition()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for unit_class in assessment.classes:
        units = assessment.in_class(unit_class)
        if units:
            _ranking_sheet(book, assessment, issue, unit_class, units)
    _completion_sheet(book, assessment, issue)
    _breakdown_sheet(book, assessment, issue)
    _exact_sheet(book, assessment, issue)
    return book


def _ranking_sheet(
    book: Any, assessment: Assessment, issue: Edition, unit_class: str, units: Sequence[UnitResult]
) -> None:
    say, figure = issue.say, issue.number_format
    categories = [c.label or c.name for c in units[0].categories]
    awards = any(unit.eligible is not None for unit in units)
    paid = any(unit.money is not None for unit in units)  # an award without money is won or not: 可获奖 says it
    quotas = any(g.limited for g in issue.grades)
    commended = unit_class in assessment.commending  # the class declares a commendation: who was given one
    columns = [
        _Column(say("rank"), "0"),
        _Column(say("id")),
        _Column(say("unit")),
        _Column(say("total"), figure),
        *(_Column(c, figure, wrap=True, widest=14) for c in categories),
        _Column(say("bonus"), figure),
        _Column(say("deductions"), figure),
        _Column(say("veto"), wrap=True),
        _Column(say("grade")),
        *([_Column(say("quota_mark"))] if quotas else []),
        _Column(say("grade_reason"), wrap=True),
        *(
            [_Column(say("eligible"))]
            + ([_Column(say("award"), issue.money_format([u.money for u in units]))] if paid else [])
            if awards
            else []
        ),
        *([_Column(say("commendations"), wrap=True)] if commended else []),
    ]
    rows: list[list[Any]] = []
    fills: list[str | None] = []
    for unit in units:
        limited = issue.quota_grade(unit)
        rows.append(
            [
                unit.rank,
                unit.id,
                unit.name,
                issue.figure(unit.total),
                *(issue.figure(c.subtotal) for c in unit.categories),
                issue.figure(unit.bonus),
                issue.figure(unit.deductions),
                issue.semicolon.join(issue.veto_cause(v) for v in unit.vetoes),
                issue.grade_cell(unit, ""),
                *([limited or ""] if quotas else []),
                issue.semicolon.join(issue.grade_reasons(unit)),
                *([_yes_no(issue, unit.eligible)] if awards else []),
                *([unit.money] if awards and paid else []),
                *([issue.semicolon.join(unit.commendations)] if commended else []),
            ]
        )
        fills.append(VETO_FILL if unit.vetoes else QUOTA_FILL if limited else None)
    subtitle = [f"{unit_class} · {say('units', count=len(units))}", *_issued(issue)]
    if any(c.subtotal != issue.figure(c.subtotal) for u in units for c in u.categories):
        subtitle.append(say("rounding_note", mode=say(f"mode.{issue.mode}"), places=issue.places, sheet=say("exact")))
    _sheets(book, unit_class, assessment, issue, "　".join(subtitle), columns, rows, fills, one_page=True)


def _completion_sheet(book: Any, assessment: Assessment, issue: Edition) -> None:
    say = issue.say
    columns = [
        _Column(say("class")),
        _Column(say("part")),
        _Column(say("items"), "0"),
        _Column(say("completed"), "0"),
        _Column(say("rate"), "0.0%"),
    ]
    rows: list[list[Any]] = [
        [row.unit_class, row.category, row.items, row.completed, _rate(row.completed, row.items)]
        for row in assessment.completion
    ]
    rows.append(
        [
            say("all"),
            "",
            assessment.total_items,
            assessment.total_completed,
            _rate(assessment.total_completed, assessment.total_items),
        ]
    )
    sheet = book.create_sheet(sheet_title(say("completion"), book.sheetnames))
    note = "　".join([say("rate_note"), *_issued(issue)])
    _fill(sheet, assessment, issue, note, columns, rows, [None] * len(rows), bold_last=True)


def _breakdown_sheet(book: Any, assessment: Assessment, issue: Edition) -> None:
    say = issue.say
    columns = [
        _Column(say("class")),
        _Column(say("id")),
        _Column(say("unit")),
        _Column(say("category")),
        _Column(say("indicator"), wrap=True),
        _Column(say("earned"), issue.number_format),
        _Column(say("points")),
        _Column(say("completed"), "0"),
        _Column(say("items"), "0"),
    ]
    rows: list[list[Any]] = []
    for unit in assessment.units:
        for measure in unit.breakdown.computed():
            rows.append(
                [
                    unit.unit_class,
                    unit.id,
                    unit.name,
                    measure.category,
                    measure.label or measure.name,
                    issue.figure(measure.earned) if measure.applicable else say("not_applicable"),
                    measure.points if measure.applicable else None,
                    measure.completed,
                    measure.counted,
                ]
            )
    note = say("rounding_note", mode=say(f"mode.{issue.mode}"), places=issue.places, sheet=say("exact"))
    _sheets(book, say("breakdown"), assessment, issue, note, columns, rows, [None] * len(rows))


def _exact_sheet(book: Any, assessment: Assessment, issue: Edition) -> None:
    """Every figure of every unit as exact text: what the other sheets round."""
    say = issue.say
    columns = [
        _Column(say("class")),
        _Column(say("id")),
        _Column(say("unit")),
        _Column(say("figure"), wrap=True),
        _Column(say("value"), widest=44),
    ]
    rows: list[list[Any]] = []
    for unit in assessment.units:
        figures: list[tuple[str, Decimal | None]] = [
            (say("total"), unit.total),
            (say("raw_total"), unit.raw_total),
            *((c.label or c.name, c.subtotal) for c in unit.categories),
            (say("bonus"), unit.bonus),
            (say("deductions"), unit.deductions),
            (say("award"), unit.money),
            *((f"{m.category} / {m.label or m.name}", m.earned) for m in unit.breakdown.computed() if m.applicable),
        ]
        for what, value in figures:
            if value is not None:
                rows.append([unit.unit_class, unit.id, unit.name, what, text(value)])
    _sheets(book, say("exact"), assessment, issue, say("exact_note"), columns, rows, [None] * len(rows))


def _yes_no(issue: Edition, eligible: bool | None) -> str:
    return "" if eligible is None else issue.say("yes" if eligible else "no")


def _sheets(
    book: Any,
    name: str,
    assessment: Assessment,
    issue: Edition,
    subtitle: str,
    columns: Sequence[_Column],
    rows: Sequence[Sequence[Any]],
    fills: Sequence[str | None],
    *,
    one_page: bool = False,
) -> None:
    """`rows` on a sheet named `name`, continued on `name~2`, `name~3`… beyond the rows a sheet holds:
    Excel refuses a workbook with a row past its last, so none is ever written there. With `one_page`
    (a class's ranking), a sheet of at most ONE_PAGE_ROWS rows is printed on one page."""
    for start in range(0, max(len(rows), 1), SHEET_ROWS):
        sheet = book.create_sheet(sheet_title(name, book.sheetnames))
        part = slice(start, start + SHEET_ROWS)
        _fill(sheet, assessment, issue, subtitle, columns, rows[part], fills[part])
        if one_page and len(rows[part]) <= ONE_PAGE_ROWS:
            # a class's ranking read at a glance: not 44 units on one page and the last 4 on the next
            sheet.page_setup.fitToHeight = 1


# The most units a ranking sheet prints on one page (A4 landscape; 60 rows print at about two thirds)
ONE_PAGE_ROWS = 60


def _issued(issue: Edition) -> list[str]:
    parts = []
    if issue.office:
        parts.append(issue.say("office", office=issue.office))
    if issue.date:
        parts.append(issue.say("date", date=issue.date))
    return parts


def _rate(done: int, items: int) -> Decimal | None:
    """The completion rate as a fraction (shown as a percentage), to a tenth of a percent."""
    if items == 0:
        return None
    return CONTEXT.divide(Decimal(done), Decimal(items)).quantize(Decimal("0.0001"), context=CONTEXT)


def _fill(
    sheet: Any,
    assessment: Assessment,
    issue: Edition,
    subtitle: str,
    columns: Sequence[_Column],
    rows: Sequence[Sequence[Any]],
    fills: Sequence[str | None],
    *,
    bold_last: bool = False,
) -> None:
    """Title, subtitle, header row and rows, with borders, fonts, formats and the print setup."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    width = len(columns)
    last = get_column_letter(width)
    sheet.append([sheet_text(issue.heading(assessment))])
    sheet.append([sheet_text(subtitle)])
    sheet.append([sheet_text(c.header) for c in columns])
    for row in rows:
        sheet.append([sheet_text(v) if isinstance(v, str) else v for v in row])
    text_only(sheet)
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(name=TITLE_FONT, size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet["A2"].font = Font(name=BODY_FONT, size=10)
    sheet["A2"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 24
    sheet.row_dimensions[2].height = 30
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body, bold = Font(name=BODY_FONT, size=10), Font(name=BODY_FONT, size=10, bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[3]:
        cell.font, cell.fill, cell.border = bold, header_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # A cell's style is set once per look (its style so far, bold, format, wrapping, fill) and copied to
    # the cells that share it: openpyxl looks each font, border and fill it is given up in the book's
    # tables by hashing it, which took most of a workbook's time. The tables, hence the bytes, are the
    # same either way.
    looks: dict[tuple[Any, ...], Any] = {}
    for offset, (row, fill) in enumerate(zip(sheet.iter_rows(min_row=FIRST_ROW, max_col=width), fills, strict=True)):
        strong = bold_last and offset == len(fills) - 1
        for column, cell in zip(columns, row, strict=True):
            formatted = column.number_format is not None and not isinstance(cell.value, str)
            # the cell's style so far (a date's format, a text's quote prefix) and what is set on it here
            look = (tuple(cell._style or ()), strong, column.number_format if formatted else None, column.wrap, fill)
            if look in looks:
                cell._style = copy.copy(looks[look])
                continue
            cell.font, cell.border = (bold if strong else body), border
            if formatted:
                cell.number_format = column.number_format
            cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
            if fill is not None:
                cell.fill = PatternFill("solid", fgColor=fill)
            looks[look] = cell._style
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        shown = [display_width(column.header)]
        shown += [display_width(_shown(c.value)) for c in sheet[letter][FIRST_ROW - 1 :] if c.value is not None]
        sheet.column_dimensions[letter].width = min(max(max(shown) + 2, 6), column.widest)
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddHeader.left.text = _header_text(issue.heading(assessment))
    sheet.oddHeader.left.size = 8
    sheet.oddFooter.center.text = issue.say("page")
    sheet.oddFooter.center.size = 8
    # the first page has the title in large type: the running title starts on the second
    sheet.HeaderFooter.differentFirst = True
    sheet.firstFooter.center.text = issue.say("page")
    sheet.firstFooter.center.size = 8


def _shown(value: Any) -> str:
    """A cell's text roughly as displayed, to size its column."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _header_text(title: str) -> str:
    """A page header's text: `&` starts a header code in Excel, so a title's own is doubled; cut to
    the 255 characters a header holds, with room for its codes."""
    return sheet_text(title).replace("&", "&&")[:200]
