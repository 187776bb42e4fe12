"""Unit data from spreadsheets: CSV and Excel (.xlsx) rows → the data document.

One row per unit. Columns `id`, `name` and `class`, then one column per
input, named by its path as in the YAML form, where the `indicators.`
prefix may be left out and list positions are 1-based numbers:

    id, name, class, 地区生产总值.target, 地区生产总值.actual, 满意度.人大,
    重点项目.1.subs, 重点项目.1.done, vetoes.环境保护.failed,
    bonuses.获奖加分.1.level, bonuses.获奖加分.1.date, inputs.承担市级目标

Empty cells are missing values; an item whose cells are all empty is
absent. In a workbook, a sheet without a `class` column gives its rows the
class it is named after; a sheet whose first row names no `id` column and
no input path (a template's instructions) holds no data. The document produced is validated by `data.py` exactly like
YAML. Excel numbers are binary doubles: each is read as the shortest
decimal that denotes it (what Excel displays). Formulas are read by their
last calculated value; a formula never calculated is refused.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from targetdsl.data import RULE_SECTIONS, DataError, DataProblem

SECTIONS = {"inputs", "indicators", "bonuses", *RULE_SECTIONS.values()}
FIXED = ("id", "name", "class")
LABEL_ROW_MARK = "单位编号"  # a template's second header row (display names) starts with this; it is skipped


def read_csv(path: Path, text: str) -> dict[str, Any]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise DataError([DataProblem(str(path), None, None, "the file is empty")])
    header, body = rows[0], rows[1:]
    return document(str(path), header, [[cell if cell.strip() != "" else None for cell in row] for row in body])


def read_xlsx(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency, present in every install
        raise DataError([DataProblem(str(path), None, None, "reading .xlsx needs openpyxl")]) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError([DataProblem(str(path), None, None, f"not a readable .xlsx workbook ({exc})")]) from None
    formulas = _formula_cells(raw)
    units: list[Any] = []
    problems: list[DataProblem] = []
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        rows = [r for r in rows if any(c is not None and str(c).strip() != "" for c in r)]
        if not rows:
            continue
        header = ["" if c is None else str(c).strip() for c in rows[0]]
        if "id" not in header and not any("." in c for c in header):
            continue  # not a data sheet (a template's instructions, a chart): nothing to read
        body: list[list[Any]] = []
        for row_index, row in enumerate(rows[1:], start=2):
            cells: list[Any] = []
            for column, cell in enumerate(row):
                where = f"sheet {sheet.title}, cell {_column_letter(column)}{row_index}"
                if cell is None and (sheet.title, row_index, column) in formulas:
                    problems.append(DataProblem(str(path), None, where,
                                                "a formula with no calculated value; open and save the workbook "
                                                "in Excel so its values are stored"))
                cells.append(_cell(cell))
            body.append(cells)
        if body and body[0] and str(body[0][0] or "").strip() == LABEL_ROW_MARK:
            body = body[1:]
        try:
            units.extend(document(f"{path} (sheet {sheet.title})", header, body,
                                  default_class=sheet.title)["units"])
        except DataError as exc:
            problems.extend(exc.problems)
    book.close()
    if problems:
        raise DataError(problems)
    return {"units": units}


def _formula_cells(raw: bytes) -> set[tuple[str, int, int]]:
    """(sheet, row, column) of every formula cell, to tell 'empty' from 'never calculated'."""
    import openpyxl

    found: set[tuple[str, int, int]] = set()
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    for sheet in book.worksheets:
        for row_index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            for column, cell in enumerate(row):
                if isinstance(cell, str) and cell.startswith("="):
                    found.add((sheet.title, row_index, column))
    book.close()
    return found


def _cell(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return value if value.strip() != "" else None
    return value


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def document(file: str, header: list[str], rows: list[list[Any]], *,
             default_class: str | None = None) -> dict[str, Any]:
    """Rows under a header of column paths → `{"units": [...]}` in the YAML shape.

    Without a `class` column, units take `default_class` (a workbook's sheet
    is named after the class its rows belong to).
    """
    columns = header_columns(file, header, default_class=default_class)
    units = [unit for unit in (record(columns, row, default_class) for row in rows) if unit]
    return {"units": units}


def header_columns(file: str, header: list[str], *, default_class: str | None = None) -> list[str]:
    """The column paths of a header row; DataError when a required column is missing or repeated."""
    problems: list[DataProblem] = []
    columns = [c.strip() for c in header]
    required_columns = ("id",) if default_class is not None else ("id", "class")
    for required in required_columns:
        if required not in columns:
            problems.append(DataProblem(file, None, "header", f"no `{required}` column"))
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            problems.append(DataProblem(file, None, "header", f"column `{column}` appears twice"))
        seen.add(column)
    if problems:
        raise DataError(problems)
    return columns


def record(columns: list[str], row: list[Any], default_class: str | None = None) -> dict[str, Any]:
    """One row → one unit's record in the YAML shape (empty when the row holds nothing)."""
    unit: dict[str, Any] = {}
    for column, value in zip(columns, row, strict=False):
        if not column or value is None:
            continue
        if column in FIXED:
            unit[column] = value
            continue
        path = column.split(".")
        if path[0] not in SECTIONS:
            path = ["indicators", *path]
        _place(unit, path, value)
    if unit and "class" not in unit and default_class is not None:
        unit["class"] = default_class
    return _lists(unit) if unit else unit


def csv_records(path: Path, lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """The unit records of a CSV file, one row at a time (for streaming evaluation)."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise DataError([DataProblem(str(path), None, None, "the file is empty")])
    columns = header_columns(str(path), header)
    for row in reader:
        unit = record(columns, [cell if cell.strip() != "" else None for cell in row])
        if unit:
            yield unit


def _place(target: dict[str, Any], path: list[str], value: Any) -> None:
    node = target
    for key in path[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            return
    node[path[-1]] = value


def _lists(node: Any) -> Any:
    """Mappings whose keys are all 1-based numbers become lists (items, awards)."""
    if not isinstance(node, dict):
        return node
    converted = {k: _lists(v) for k, v in node.items()}
    if converted and all(isinstance(k, str) and k.isdigit() and int(k) >= 1 for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted
