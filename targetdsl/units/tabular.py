"""Unit data from spreadsheets: CSV and Excel (.xlsx) rows → the data document.

One row per unit. Columns `id`, `name` and `class`, then one column per
input, named by its path as in the YAML form, where the `indicators.`
prefix may be left out and list positions are 1-based numbers:

    id, name, class, 地区生产总值.target, 地区生产总值.actual, 满意度.人大,
    重点项目.1.subs, 重点项目.1.done, vetoes.环境保护.failed,
    bonuses.获奖加分.1.level, bonuses.获奖加分.1.date, inputs.承担市级目标

Empty cells are missing values; an item whose cells are all empty is
absent; a blank row is skipped. A row that cannot be a unit is refused at
its line or cell, never read as one: more cells than the header (an
unquoted `1,000`), a value under no column, no id, or a note or total in
the id column (`填表人：张三`, `合计`). Two columns that would hold the same
value (`a.x` and `indicators.a.x`, `a.1.x` and `a.1.x.y`) are refused.

In a workbook (read by `sheets.py`), a sheet without a `class` column
gives its rows the class it is named after; with one, a row whose class
contradicts a sheet named after a class is refused (by validation, which
knows the classes). An Excel error value (`#N/A`: a workbook's error cell,
or its text in a CSV) is refused by its cell wherever it is. Every sheet that holds cells
is read or refused, never skipped: a sheet without a header of field
paths is refused (unless named as instructions, `填表说明`), and so is a
hidden sheet with units. The document produced is validated by `data.py`
exactly like YAML.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from targetdsl.units.data import RULE_SECTIONS, SheetClass
from targetdsl.values import EXCEL_ERRORS, DataError, DataProblem, ErrorCell, Located, Records, ShownNumber

if TYPE_CHECKING:
    from targetdsl.units.sheets import Sheet

SECTIONS = {"inputs", "indicators", "bonuses", *RULE_SECTIONS.values()}
FIXED = ("id", "name", "class")
LABEL_ROW_MARK = "单位编号"  # a template's second header row (display names) starts with this; it is skipped
LABEL_ROW_MARK_ENGLISH = "unit id"  # …or, in a template made in English, with this
MAX_COLUMNS = 4096  # columns of a header; a template with every item and award has a few hundred
# What offices write under the units, in the id column: signatures, totals, dates, notes. Such a
# row is never a unit; it is refused by its cell, so that nobody is scored from it.
FOOTER = re.compile(
    r"合计|总计|小计|共计|平均|填表|制表|填报|审核|审批|负责人|联系人|电话|日期|备注|说明|^注|："
    r"|[0-9]{4} *年 *[0-9]{1,2} *月"
)  # …and a date line: 2004年1月5日
INSTRUCTIONS = re.compile(r"说明|instructions", re.IGNORECASE)  # a sheet of instructions, without data

Where = Callable[[int, int], str]  # (row position in the body, 0-based column) → "line 5" or "sheet 县区, cell B5"


def read_csv(path: Path, text: str) -> dict[str, Any]:
    rows = list(itertools.dropwhile(_blank, _csv_rows(str(path), io.StringIO(text, newline=""))))
    if not rows:
        raise DataError([DataProblem(str(path), None, None, "the file is empty")])
    (_, header), body = rows[0], rows[1:]
    below = _header_below([[c or "" for c in cells] for _, cells in rows])
    if "id" not in header and below is not None:
        raise DataError([DataProblem(str(path), None, f"line {rows[below][0]}", _ABOVE_HEADER, code="data.no-header")])
    lines = [line for line, _ in body]
    return document(
        str(path),
        [c or "" for c in header],
        [cells for _, cells in body],
        where=lambda position, column: _csv_place(lines[position], header, column),
    )


_ABOVE_HEADER = (
    "this row holds the field paths, but rows above it hold something else (a title?): delete "
    "the rows above, so that the field paths come first"
)


def _header_below(rows: list[list[str]]) -> int | None:
    """Which of the first rows after the first is a header (has an `id` column): a title typed above it."""
    return next((index for index, row in enumerate(rows[1:10], start=1) if "id" in row), None)


def _blank(row: tuple[int, list[str | None]]) -> bool:
    return all(cell is None for cell in row[1])


def _csv_place(line: int, header: list[str | None], column: int) -> str:
    name = header[column] if column < len(header) else None
    return f"line {line}, column `{name}`" if name else f"line {line}, cell {column + 1}"


# How Excel's General format shows a number of 12 digits or more, or below 0.0001, rounded to 6 significant
# digits (`1.23457E+11`, `3.16E+11`, `1E-05`): a CSV file Excel saved keeps what is shown
EXCEL_SHOWN = re.compile(r"\s*[+-]?[0-9](?:\.[0-9]{1,5})?E[+-][0-9]{2,}\s*")


def _cell(cell: str) -> str:
    """A CSV cell as read: marked when it is a number as Excel shows it rounded (validation judges it)."""
    if "E" in cell and EXCEL_SHOWN.fullmatch(cell):
        return ShownNumber(cell)
    return cell


def _csv_rows(file: str, lines: Iterable[str], first: int = 1) -> Iterator[tuple[int, list[str | None]]]:
    """(line where the row starts, its cells: empty ones None) for every row of a CSV text whose first
    line is line `first` of the file."""
    reader = csv.reader(lines)
    start = first
    try:
        for cells in reader:
            yield start, [_cell(cell) if cell.strip() != "" else None for cell in cells]
            start = reader.line_num + first
    except csv.Error as exc:
        message = (
            f"a cell longer than {csv.field_size_limit() // 1024} KB: is a quotation mark left open?"
            if "field limit" in str(exc)
            else f"not valid CSV ({exc})"
        )
        raise DataError([DataProblem(file, None, f"line {start}", message, code="data.bad-row")]) from None


def read_xlsx(path: Path, raw: bytes) -> dict[str, Any]:
    from targetdsl.units.sheets import column_letter, read_workbook

    file = str(path)
    units = Records()
    problems: list[DataProblem] = []
    refused: list[DataProblem] = []
    for sheet in read_workbook(path, raw):
        problems.extend(sheet.problems)
        numbers = sorted(sheet.cells)
        if not numbers:
            continue
        first = sheet.row(numbers[0])
        width = max(first)
        if width > MAX_COLUMNS:
            problems.append(
                DataProblem(
                    file,
                    None,
                    f"sheet {sheet.name}, cell {column_letter(width - 1)}{numbers[0]}",
                    f"a header of more than {MAX_COLUMNS:,} columns",
                    code="data.bad-header",
                )
            )
            continue
        header = [str(first.get(c, "")).strip() for c in range(1, width + 1)]
        if "id" not in header and not any("." in c for c in header):
            below = _header_below([[str(v).strip() for v in sheet.cells[n][1::2]] for n in numbers[:10]])
            if below is not None:
                problems.append(
                    DataProblem(
                        file, None, f"sheet {sheet.name}, row {numbers[below]}", _ABOVE_HEADER, code="data.no-header"
                    )
                )
            elif LABEL_ROW_MARK in header or LABEL_ROW_MARK_ENGLISH in header:
                problems.append(
                    DataProblem(
                        file,
                        None,
                        f"sheet {sheet.name}, row {numbers[0]}",
                        "this row holds "
                        f"the display names ({LABEL_ROW_MARK}, …), but the row of field paths "
                        "(id, class, 地区生产总值.actual, …) that goes above it is missing: copy "
                        "row 1 of the template back",
                        code="data.no-header",
                    )
                )
            elif not INSTRUCTIONS.search(sheet.name) and sheet.state == "visible":
                # (a hidden sheet without field paths is a workbook's machinery: the lists of its drop-downs)
                problems.append(
                    DataProblem(
                        file,
                        None,
                        f"sheet {sheet.name}",
                        "no row of field paths (id, class, "
                        "地区生产总值.actual, …) heads this sheet: if it holds units, copy the "
                        "template's row 1 above them; if not, delete the sheet or keep it in "
                        "another workbook",
                        code="data.no-header",
                    )
                )
            continue
        if sheet.state != "visible":
            problems.append(
                DataProblem(
                    file,
                    None,
                    f"sheet {sheet.name}",
                    f"the sheet is {sheet.state} and holds "
                    "rows of units nobody sees: unhide it (right-click a sheet tab, Unhide) to "
                    "check them, or delete it",
                    code="data.hidden-sheet",
                )
            )
            continue
        body_numbers = numbers[1:]
        if body_numbers and str(sheet.row(body_numbers[0]).get(1, "")).strip() in (
            LABEL_ROW_MARK,
            LABEL_ROW_MARK_ENGLISH,
        ):
            body_numbers = body_numbers[1:]
        try:
            read = document(
                file,
                header,
                _body(file, sheet, body_numbers, header, problems),
                default_class=sheet.name,
                at=f"sheet {sheet.name}, row {numbers[0]}",
                where=functools.partial(_cell_place, sheet.name, body_numbers),
            )
            units.join(read["units"])
        except DataError as exc:
            refused.extend(exc.problems)
    if problems or refused:
        # the workbook's own problems (formulas never calculated…) come first
        raise DataError(problems + refused + units.refused)
    return {"units": units}


def _body(
    file: str, sheet: Sheet, numbers: list[int], header: list[str], problems: list[DataProblem]
) -> Iterator[list[Any]]:
    """The rows under the header, one at a time, each as a list as wide as the header; each row is
    dropped from the sheet once read, so that the sheet's cells and the records are never all held
    twice. A value under no column header is a problem, at its cell."""
    from targetdsl.units.sheets import column_letter

    width = len(header)
    for number in numbers:
        flat = sheet.cells.pop(number)
        row: list[Any] = [None] * width
        for at in range(0, len(flat), 2):
            column = flat[at]
            if column > width or not header[column - 1]:
                problems.append(
                    DataProblem(
                        file,
                        None,
                        f"sheet {sheet.name}, cell {column_letter(column - 1)}{number}",
                        f"`{_shown(flat[at + 1])}` is under no column header: give the column "
                        "its field path in the header row, or clear the cell",
                        code="data.no-column",
                    )
                )
            else:
                row[column - 1] = flat[at + 1]
        yield row


def _cell_place(sheet: str, rows: list[int], position: int, column: int) -> str:
    from targetdsl.units.sheets import column_letter

    return f"sheet {sheet}, cell {column_letter(column)}{rows[position]}"


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def document(
    file: str,
    header: list[str],
    rows: Iterable[list[Any]],
    *,
    default_class: str | None = None,
    where: Where | None = None,
    at: str = "header",
) -> dict[str, Any]:
    """Rows under a header of column paths → `{"units": [...]}` in the YAML shape.

    Without a `class` column, units take `default_class` (a workbook's sheet
    is named after the class its rows belong to). Blank rows are skipped; a row
    that cannot be a unit (cells beyond the header, no id, a note or a total
    under the units) is refused at `where` it is.
    """
    columns = header_columns(file, header, default_class=default_class, at=at)
    place = where or (lambda position, column: f"row {position + 2}, column {column + 1}")
    problems: list[DataProblem] = []
    at_id = columns.index("id")
    positions: list[int] = []
    paths = _paths(columns)
    column_of = _column_of(columns, paths)

    def cell(index: int, field: str) -> str | None:
        column = column_of(field)
        if column is None and field_key(field) == "class":
            column = at_id  # the class is the sheet's name: the unit's row shows where (which sheet) it is
        return None if column is None else place(positions[index], column)

    units = Records(place=lambda index: place(positions[index], at_id), cell=cell)
    for position, row in enumerate(rows):
        unit = _row(file, columns, row, default_class, functools.partial(place, position), problems, paths)
        if unit:
            units.append(unit)
            positions.append(position)
    units.refused.extend(problems)
    return {"units": units}


def _row(
    file: str,
    columns: list[str],
    row: list[Any],
    default_class: str | None,
    where: Callable[[int], str],
    problems: list[DataProblem],
    paths: list[tuple[str, ...] | None] | None = None,
) -> dict[str, Any]:
    """One row's unit, or {} for a blank row, or {} and a problem for a row that is no unit."""
    filled = [index for index, value in enumerate(row) if value is not None]
    if not filled:
        return {}
    beyond = [index for index in filled if index >= len(columns)]
    if beyond:
        problems.append(
            DataProblem(
                file,
                None,
                where(beyond[0]),
                f"{len(row)} cells, but the header has "
                f"{len(columns)}: an unquoted comma (1,000) splits a value in two; put "
                "the value in quotation marks or write it without the comma",
                code="data.bad-row",
            )
        )
        return {}
    nameless = [index for index in filled if not columns[index]]
    if nameless:
        problems.append(
            DataProblem(
                file,
                None,
                where(nameless[0]),
                f"`{_shown(row[nameless[0]])}` is under no column header",
                code="data.no-column",
            )
        )
        return {}
    at = columns.index("id")
    unit_id = row[at] if at < len(row) else None
    if unit_id is None:
        shown = ", ".join(f"`{_shown(row[index])}`" for index in filled[:3])
        problems.append(
            DataProblem(
                file,
                None,
                where(at),
                f"a row with {shown} but no id: a total or a note? give the unit's id, or delete the row",
                code="data.not-a-unit",
            )
        )
        return {}
    failed = [index for index in filled if _is_error(row[index])]
    if failed:
        label = unit_id.strip() if isinstance(unit_id, str) and not _is_error(unit_id) else None
        for index in failed:
            problems.append(
                DataProblem(
                    file,
                    label,
                    where(index),
                    f"`{columns[index]}` holds Excel's error value {str(row[index]).strip()} (a formula "
                    "that failed, or a value pasted from one), not a value: correct the formula, or type "
                    "the value",
                    code="data.error-cell",
                )
            )
        return {}
    if isinstance(unit_id, str) and FOOTER.search(unit_id):
        problems.append(
            DataProblem(
                file,
                None,
                where(at),
                f"`{_shown(unit_id)}` is a note or a total, not a "
                "unit's id: delete the row (or keep notes on another sheet)",
                code="data.not-a-unit",
            )
        )
        return {}
    return record(columns, row, default_class, where, paths)


def _paths(columns: list[str]) -> list[tuple[str, ...] | None]:
    """Each column's path in the YAML shape (None for no column, or `id`, `name`, `class`): split once
    per header, not once per cell."""
    paths: list[tuple[str, ...] | None] = []
    for column in columns:
        if not column or column in FIXED:
            paths.append(None)
            continue
        path = column.split(".")
        paths.append(tuple(path if path[0] in SECTIONS else ["indicators", *path]))
    return paths


_POSITION = re.compile(r"\[([0-9]+)\]")


def field_key(field: str) -> str:
    """A field as validation names it (`indicators.项目[2].done`) in a column's terms (`indicators.项目.2.done`)."""
    return _POSITION.sub(r".\1", field)


def _is_error(value: Any) -> bool:
    """An Excel error value: a workbook's error cell, or its text in a CSV Excel saved (`#N/A`)."""
    return type(value) is ErrorCell or (type(value) is str and value[:1] == "#" and value.strip() in EXCEL_ERRORS)


def header_columns(file: str, header: list[str], *, default_class: str | None = None, at: str = "header") -> list[str]:
    """The column paths of a header row; DataError when a required column is missing or repeated,
    or when two columns would hold the same value (`a.x` and `indicators.a.x`, `a.x` and `a.x.y`)."""
    problems: list[DataProblem] = []
    columns = [c.strip() for c in header]
    required_columns = ("id",) if default_class is not None else ("id", "class")
    separator = next((c for c in ";\t|" if len(columns) == 1 and c in columns[0]), None)
    if separator is not None:
        shown = "tab" if separator == "\t" else f"`{separator}`"
        problems.append(
            DataProblem(
                file,
                None,
                at,
                f"the columns are separated by {shown}, not commas: save the file as “CSV UTF-8 (comma delimited)”",
                code="data.bad-header",
            )
        )
        raise DataError(problems)
    for required in required_columns:
        if required not in columns:
            problems.append(DataProblem(file, None, at, f"no `{required}` column", code="data.bad-header"))
    seen: set[str] = set()
    paths: dict[tuple[str, ...], str] = {}
    for column in columns:
        if column in EXCEL_ERRORS:
            problems.append(
                DataProblem(
                    file,
                    None,
                    at,
                    f"a column headed by Excel's error value {column}: give it its field path",
                    code="data.error-cell",
                )
            )
            continue
        if column and column in seen:
            problems.append(DataProblem(file, None, at, f"column `{column}` appears twice", code="data.bad-header"))
            continue
        seen.add(column)
        if not column or column in FIXED:
            continue
        path = column.split(".")
        if "" in path or any(p.isdigit() and (p.startswith("0") or not p.isascii()) for p in path):
            problems.append(
                DataProblem(
                    file,
                    None,
                    at,
                    f"column `{column}`: each part between dots is a name or a position from 1 (`项目.1.done`)",
                    code="data.bad-header",
                )
            )
            continue
        key = tuple(path if path[0] in SECTIONS else ["indicators", *path])
        if key in paths:
            problems.append(
                DataProblem(
                    file, None, at, f"columns `{paths[key]}` and `{column}` name the same value", code="data.bad-header"
                )
            )
        paths[key] = column
    for key, column in paths.items():
        for length in range(1, len(key)):
            inner = paths.get(key[:length])
            if inner is not None:
                problems.append(
                    DataProblem(
                        file,
                        None,
                        at,
                        f"columns `{inner}` and `{column}` cannot both hold values: `{column}` is inside `{inner}`",
                        code="data.bad-header",
                    )
                )
    if problems:
        raise DataError(problems)
    return columns


def record(
    columns: list[str],
    row: list[Any],
    default_class: str | None = None,
    where: Callable[[int], str] | None = None,
    paths: list[tuple[str, ...] | None] | None = None,
) -> dict[str, Any]:
    """One row → one unit's record in the YAML shape (empty when the row holds nothing). On a sheet
    (`default_class`, its name) with a class column, the class is a `SheetClass`: validation
    refuses a row whose class contradicts the sheet named after a class."""
    unit: dict[str, Any] = {}
    if paths is None:
        paths = _paths(columns)
    for index, (column, value) in enumerate(zip(columns, row, strict=False)):
        if value is None or not column:
            continue
        path = paths[index]
        if path is None:
            if column == "class" and default_class is not None and where is not None:
                unit[column] = SheetClass(default_class, value, where(index))
            else:
                unit[column] = value
            continue
        _place(unit, path, value)
    if unit and "class" not in unit and default_class is not None:
        unit["class"] = default_class
    for container in _containers(tuple(paths)):
        _listed(unit, container)
    return unit


def csv_records(path: Path | str, lines: Iterator[str], *, header: str | None = None, first: int = 1) -> Located:
    """The unit records of a CSV file, one row at a time (for streaming evaluation), each knowing the line
    and column of its fields. Rows that are no unit are reported together, in a DataError, after the last
    record. A part of a file (its lines from line `first` on, each row on a line of its own) is read under
    its file's `header` line."""
    file = str(path)
    rows = _csv_rows(file, lines, first)
    if header is None:
        found = next(itertools.dropwhile(_blank, rows), None)
        if found is None:
            raise DataError([DataProblem(file, None, None, "the file is empty")])
        cells = found[1]
    else:
        cells = next(_csv_rows(file, [header]))[1]
    columns = header_columns(file, [c or "" for c in cells])
    paths = _paths(columns)
    return Located(_csv_units(file, rows, columns, paths, cells), CsvPlaces(tuple(cells), _column_of(columns, paths)))


@attrs.frozen
class CsvPlaces:
    """Where a field of a CSV record is: `line 5, column `x``, from the record's line (picklable: the parts
    of an evaluation in processes carry it with their records)."""

    header: tuple[str | None, ...]
    column_of: ColumnOf

    def __call__(self, line: int, field: str) -> str | None:
        column = self.column_of(field)
        return None if column is None else _csv_place(line, list(self.header), column)


def _csv_units(
    file: str,
    rows: Iterator[tuple[int, list[str | None]]],
    columns: list[str],
    paths: list[tuple[str, ...] | None],
    cells: list[str | None],
) -> Iterator[tuple[dict[str, Any], int]]:
    problems: list[DataProblem] = []
    for line, row in rows:
        unit = _row(file, columns, row, None, functools.partial(_csv_place, line, cells), problems, paths)
        if unit:
            yield unit, line
    if problems:
        raise DataError(problems)


def _column_of(columns: list[str], paths: list[tuple[str, ...] | None]) -> ColumnOf:
    by_field = {".".join(path): index for index, path in enumerate(paths) if path is not None}
    by_field.update((column, index) for index, column in enumerate(columns) if column in FIXED)
    return ColumnOf(by_field)


@attrs.frozen
class ColumnOf:
    """The column of a field (`indicators.项目[2].done`), or for a field that spans columns (an item list,
    an item) the first of them: where the person filling in the row looks."""

    by_field: dict[str, int]

    def __call__(self, field: str) -> int | None:
        key = field_key(field)
        column = self.by_field.get(key)
        if column is None:
            column = next((at for name, at in self.by_field.items() if name.startswith(key + ".")), None)
        return column


def _place(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = target
    for key in path[:-1]:
        inner = node.get(key)
        if inner is None:
            inner = node[key] = {}
        elif not isinstance(inner, dict):
            return  # (header_columns refuses a column inside another's value: never reached)
        node = inner
    node[path[-1]] = value


@functools.lru_cache(maxsize=64)
def _containers(paths: tuple[tuple[str, ...] | None, ...]) -> list[tuple[str, ...]]:
    """The paths of the mappings that the header's numbered parts make lists (`项目` of `项目.1.done`),
    the deepest first, so that a list inside a list is made before the outer one."""
    found = {path[:at] for path in paths if path for at, part in enumerate(path) if part.isdigit()}
    return sorted(found, key=len, reverse=True)


def _listed(unit: dict[str, Any], container: tuple[str, ...]) -> None:
    """The mapping at `container` as a list, when all its keys are positions (1, 2, …), in their order."""
    node: Any = unit
    for key in container[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    inner = node.get(container[-1]) if isinstance(node, dict) else None
    if isinstance(inner, dict) and inner and all(k.isdigit() and int(k) >= 1 for k in inner):
        node[container[-1]] = [inner[k] for k in sorted(inner, key=int)]
