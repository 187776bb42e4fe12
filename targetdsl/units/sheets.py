"""Reading an Excel workbook (.xlsx): the cells of every sheet, as Excel shows them, within bounds.

An .xlsx file is a zip of XML parts. This module reads them itself (the zip, then each part with
expat, streamed) instead of through openpyxl's read-only mode, because that mode trusts what the
file says about itself: a `<dimension>` smaller than the data dropped columns and rows, and one
value at XFD1048576 made it walk seventeen billion empty cells. Here only the cells present are
kept, the parts may inflate to MAX_INFLATED bytes in all (a 413 KB workbook can inflate to
1.25 GB), and at most MAX_CELLS cells hold values.

Cells are read as Excel displays them: a number to 15 significant digits (the double
99.999999999999986 is 100), a date-formatted number as a date, a percent-formatted number as a
`PercentCell` (0.115 shown as 11.5 %: validation decides what it means for the input it fills),
a formula by its last calculated value (one never calculated is refused), an error value
(`#DIV/0!`) as an `ErrorCell`, which `tabular.py` refuses by its cell wherever it is. What the
rows mean is `tabular.py`'s concern.
"""

from __future__ import annotations

import datetime
import io
import math
import posixpath
import re
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar
from xml.parsers import expat

import attrs

from targetdsl.numeric import CONTEXT
from targetdsl.values import DataError, DataProblem, ErrorCell, PercentCell

MAX_INFLATED = 128 * 1024 * 1024  # all the parts of a workbook, uncompressed
MAX_CELLS = 2_000_000  # cells holding a value, in all sheets
MAX_COLUMN = 16384  # XFD, Excel's last column
MAX_ROW = 1048576
MAX_SHARED_NUMBERS = 4096  # distinct number texts whose values are shared between cells, per sheet
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Built-in formats have no numFmt element. 27–36 and 50–58 are the East Asian locales' dates and
# times (Chinese Excel writes `yyyy"年"m"月"d"日"` as 31): without them a date would be read as 37945.
BUILTIN_DATES = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, *range(27, 37), *range(50, 59)}
BUILTIN_PERCENTS = {9, 10}


@attrs.define
class Sheet:
    name: str
    state: str  # visible, hidden or veryHidden
    # row → its cells with a value, flat and in column order: (column, value, column, value, …), both
    # from 1. A tuple costs a quarter of a dict per row: a workbook of 100,000 rows is held compactly.
    cells: dict[int, tuple[Any, ...]]
    problems: list[DataProblem]

    def row(self, number: int) -> dict[int, Any]:
        """One row's cells, column → value (for the few rows read by column: the header)."""
        flat = self.cells.get(number, ())
        return dict(zip(flat[::2], flat[1::2], strict=True))


class _Refused(Exception):
    """The workbook cannot be read; the message says why."""


def read_workbook(path: Path, raw: bytes) -> list[Sheet]:
    """Every sheet of the workbook whose bytes `raw` were read from `path` (by `files.py`), in tab order.
    Raises DataError for a damaged or oversized file."""
    shown = str(path)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return _Workbook(archive, shown).sheets()
    except _Refused as exc:
        raise DataError([DataProblem(shown, None, None, str(exc), code="data.bad-workbook")]) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        ValueError,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
        expat.ExpatError,
    ) as exc:
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise DataError(
            [
                DataProblem(
                    shown,
                    None,
                    None,
                    f"not a readable .xlsx workbook ({detail}); open it in "
                    "Excel and save it again as an Excel Workbook (.xlsx)",
                    code="data.bad-workbook",
                )
            ]
        ) from None


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, shown: str):
        self.archive = archive
        self.shown = shown
        inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_INFLATED:
            raise _Refused(
                f"the workbook inflates to {inflated // 2**20:,} MB, more than unit data can need "
                f"({MAX_INFLATED // 2**20} MB); save the sheets with data in a new workbook"
            )
        self.names = set(archive.namelist())
        self.cells = 0

    def sheets(self) -> list[Sheet]:
        # Parts are found by their relations' types, as the package names them (Excel: xl/workbook.xml).
        package = self._read("_rels/.rels", _Relations("")) if "_rels/.rels" in self.names else _Relations("")
        workbook = package.part("officeDocument") or "xl/workbook.xml"
        folder, _, base = workbook.rpartition("/")
        book = self._read(workbook, _WorkbookPart())
        relations = self._read(f"{folder}/_rels/{base}.rels", _Relations(folder))
        strings_part = relations.part("sharedStrings")
        styles_part = relations.part("styles")
        strings = self._read(strings_part, _SharedStrings()).strings if strings_part in self.names else []
        styles = self._read(styles_part, _Styles()) if styles_part in self.names else _Styles()
        sheets: list[Sheet] = []
        for name, state, relation in book.sheets:
            part = relations.targets.get(relation)
            if part is None:
                raise _Refused(f"sheet {name} has no part in the workbook")
            reader = self._read(part, _SheetPart(name, self.shown, strings, styles, book.date1904, self))
            sheets.append(Sheet(name, state, reader.cells, reader.problems))
        return sheets

    def _read(self, name: str, part: P) -> P:
        if name not in self.names:
            raise _Refused(f"the workbook has no `{name}`: not an Excel workbook")
        try:
            return _parse(self.archive.open(name), part)
        except expat.ExpatError as exc:
            raise _Refused(
                f"`{name}` in the workbook is damaged XML ({expat.errors.messages[exc.code]}, line "
                f"{exc.lineno}, column {exc.offset + 1})"
            ) from None

    def count_cell(self) -> None:
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise _Refused(f"more than {MAX_CELLS:,} cells hold values: more than unit data can need")


class _Part:
    """Handlers for one XML part, by local name (namespaces differ between transitional and strict files)."""

    def start(self, local: str, attributes: dict[str, str]) -> None:
        pass

    def end(self, local: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


P = TypeVar("P", bound=_Part)


def _parse(stream: IO[bytes], part: P) -> P:
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_: Any) -> None:
        raise _Refused("the workbook's XML declares a document type (entities): Excel never writes one")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    names: dict[str, str] = {}  # an element's name → its local name: a few names, millions of elements

    def local(name: str) -> str:
        found = names.get(name)
        if found is None:
            found = names[name] = name.rpartition(" ")[2]
        return found

    start, end = part.start, part.end
    parser.StartElementHandler = lambda name, attributes: start(local(name), attributes)
    parser.EndElementHandler = lambda name: end(local(name))
    parser.CharacterDataHandler = part.text
    parser.buffer_text = True
    with stream:
        parser.ParseFile(stream)
    return part


def _attribute(attributes: dict[str, str], local: str) -> str | None:
    for key, value in attributes.items():
        if key.rpartition(" ")[2] == local:
            return value
    return None


class _WorkbookPart(_Part):
    def __init__(self) -> None:
        self.sheets: list[tuple[str, str, str]] = []
        self.date1904 = False

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "sheet":
            self.sheets.append(
                (attributes.get("name", "?"), attributes.get("state", "visible"), _attribute(attributes, "id") or "")
            )
        elif local == "workbookPr":
            self.date1904 = attributes.get("date1904", "0") in ("1", "true")


class _Relations(_Part):
    """A part's relations: each target as a zip member name (targets are relative to `folder`, the
    folder of the part they belong to, or absolute from the package root)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.targets: dict[str, str] = {}
        self.types: dict[str, str] = {}  # the last part of a relation's type → its target

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "Relationship":
            target = attributes.get("Target", "")
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(self.folder, target))
            )
            self.targets[attributes.get("Id", "")] = name
            self.types[attributes.get("Type", "").rpartition("/")[2]] = name

    def part(self, kind: str) -> str | None:
        return self.types.get(kind)


class _SharedStrings(_Part):
    def __init__(self) -> None:
        self.strings: list[str] = []
        self.parts: list[str] | None = None
        self.collecting = False
        self.phonetic = 0

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "si":
            self.parts = []
        elif local == "rPh":
            self.phonetic += 1  # a reading aid (furigana, pinyin) shown above the text, not the text
        elif local == "t" and self.parts is not None and not self.phonetic:
            self.collecting = True

    def end(self, local: str) -> None:
        if local == "si" and self.parts is not None:
            self.strings.append(_unescape("".join(self.parts)))
            self.parts = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "t":
            self.collecting = False

    def text(self, data: str) -> None:
        if self.collecting and self.parts is not None:
            self.parts.append(data)


class _Styles(_Part):
    """Each cell style's number format, as a kind: a date, a percentage, or a plain number."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.style_formats: list[int] = []
        self.in_cell_styles = False

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "numFmt":
            self.formats[_whole(attributes.get("numFmtId"))] = attributes.get("formatCode", "")
        elif local == "cellXfs":
            self.in_cell_styles = True
        elif local == "xf" and self.in_cell_styles:
            self.style_formats.append(_whole(attributes.get("numFmtId")))

    def end(self, local: str) -> None:
        if local == "cellXfs":
            self.in_cell_styles = False

    def kind(self, style: int) -> str:
        from openpyxl.styles.numbers import is_date_format

        number_format = self.style_formats[style] if 0 <= style < len(self.style_formats) else 0
        code = self.formats.get(number_format)
        if code is None:
            return (
                "date"
                if number_format in BUILTIN_DATES
                else "percent"
                if number_format in BUILTIN_PERCENTS
                else "number"
            )
        if is_date_format(code):
            return "date"
        # a % outside quotes and brackets: the value is shown multiplied by 100
        return "percent" if "%" in re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code) else "number"


def _whole(text: str | None) -> int:
    return int(text) if text is not None and text.isdigit() and len(text) < 10 else -1


class _SheetPart(_Part):
    def __init__(self, name: str, shown: str, strings: list[str], styles: _Styles, date1904: bool, book: _Workbook):
        self.name = name
        self.shown = shown
        self.strings = strings
        self.styles = styles
        self.kinds: dict[int, str] = {}
        self.numbers: dict[str, Decimal] = {}  # a number cell's text → its value, shared between cells
        self.date1904 = date1904
        self.book = book
        self.cells: dict[int, Any] = {}  # row → flat tuple (a list while the row is read)
        self.problems: list[DataProblem] = []
        self.row = 0
        self.column = 0
        self.cell: tuple[int, int, str, int] | None = None  # row, column, type, style
        self.formula = False
        self.value: list[str] | None = None
        self.inline: list[str] | None = None
        self.collecting: list[str] | None = None
        self.phonetic = 0

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "row":
            self.row = _whole(attributes.get("r")) if "r" in attributes else self.row + 1
            self.column = 0
            if not 1 <= self.row <= MAX_ROW:
                raise _Refused(f"sheet {self.name}: a row numbered `{attributes.get('r')}`")
        elif local == "c":
            reference = attributes.get("r")
            if reference is None:
                row, column = self.row, self.column + 1
            else:
                row, column = _reference(reference, self.name)
            self.column = column
            self.cell = (row, column, attributes.get("t", "n"), _whole(attributes.get("s", "0")))
            self.formula = False
            self.value = self.inline = None
        elif self.cell is None:
            return
        elif local == "f":
            self.formula = True
        elif local == "v":
            self.value = self.collecting = []
        elif local == "is":
            self.inline = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t" and self.inline is not None and not self.phonetic:
            self.collecting = self.inline

    def end(self, local: str) -> None:
        if local in ("v", "t"):
            self.collecting = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c" and self.cell is not None:
            self._finish(*self.cell)
            self.cell = None
        elif local == "row" and type(self.cells.get(self.row)) is list:
            self.cells[self.row] = tuple(self.cells[self.row])
        elif local == "sheetData":
            for number, cells in self.cells.items():
                if type(cells) is list:
                    self.cells[number] = tuple(cells)

    def text(self, data: str) -> None:
        if self.collecting is not None:
            self.collecting.append(data)

    def _finish(self, row: int, column: int, kind: str, style: int) -> None:
        where = f"sheet {self.name}, cell {column_letter(column - 1)}{row}"
        raw = None if self.value is None else "".join(self.value)
        value: Any
        if kind == "inlineStr":
            value = _unescape("".join(self.inline or []))
        elif raw is None or (raw == "" and kind != "str"):
            if self.formula:
                self.problems.append(
                    DataProblem(
                        self.shown,
                        None,
                        where,
                        "a formula with no calculated value; open "
                        "and save the workbook in Excel so its values are stored",
                        code="data.bad-cell",
                    )
                )
            return
        elif kind == "s":
            index = _whole(raw.strip())
            if not 0 <= index < len(self.strings):
                self.problems.append(
                    DataProblem(
                        self.shown, None, where, "refers to a text the workbook does not hold", code="data.bad-cell"
                    )
                )
                return
            value = self.strings[index]
        elif kind == "str":
            value = _unescape(raw)
        elif kind == "e":
            value = ErrorCell(raw.strip() or "#VALUE!")
        elif kind == "b":
            value = raw.strip() in ("1", "true")
        elif kind == "d":
            try:
                value = datetime.date.fromisoformat(raw.strip()[:10])
            except ValueError:
                self.problems.append(
                    DataProblem(self.shown, None, where, f"`{raw[:40]}` is not a date", code="data.bad-cell")
                )
                return
        else:
            value = self._number(raw, style, where)
            if value is None:
                return
        if isinstance(value, str) and value.strip() == "":
            return
        self.book.count_cell()
        cells = self.cells.get(row)
        if cells is None:
            self.cells[row] = [column, value]
            return
        if type(cells) is not list:
            cells = self.cells[row] = list(cells)  # a cell out of its row's place: rare
        if column <= cells[-2]:
            if column in cells[::2]:
                raise _Refused(f"sheet {self.name}: cell {column_letter(column - 1)}{row} is written twice")
            pairs = sorted([*zip(cells[::2], cells[1::2], strict=True), (column, value)], key=lambda p: p[0])
            cells[:] = [part for pair in pairs for part in pair]
            return
        cells += (column, value)

    def _number(self, raw: str, style: int, where: str) -> Any:
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.problems.append(
                DataProblem(
                    self.shown, None, where, f"`{raw[:40]}` is not a number Excel can hold", code="data.bad-cell"
                )
            )
            return None
        kind = self.kinds.get(style)
        if kind is None:
            kind = self.kinds[style] = self.styles.kind(style)
        if kind == "date":
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

            try:
                moment = from_excel(number, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900)
            except (ValueError, OverflowError):
                moment = None
            if isinstance(moment, datetime.datetime):
                return moment.date()
            self.problems.append(
                DataProblem(self.shown, None, where, f"{raw[:40]} is not a date Excel can show", code="data.bad-cell")
            )
            return None
        if kind == "number":
            # the same few values (0, 1, 100) fill most cells: one Decimal for each, not one per cell
            known = self.numbers.get(raw)
            if known is None:
                known = Decimal(format(number, ".15g"))  # what Excel displays: 15 significant digits
                if len(self.numbers) < MAX_SHARED_NUMBERS:
                    self.numbers[raw] = known
            return known
        shown = Decimal(format(number, ".15g"))
        if kind == "percent":
            return PercentCell(shown.scaleb(2, CONTEXT))
        return shown


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as `_x000D_`; `_x005F_` escapes an underscore."""
    if "_x" not in text:
        return text
    return ESCAPED.sub(lambda match: chr(int(match[1], 16)), text)


def _reference(reference: str, sheet: str) -> tuple[int, int]:
    match = CELL_REFERENCE.fullmatch(reference.strip().replace("$", ""))
    if match is None:
        raise _Refused(f"sheet {sheet}: a cell named `{reference[:20]}`")
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - 64
    row = int(match[2])
    if not (1 <= column <= MAX_COLUMN and 1 <= row <= MAX_ROW):
        raise _Refused(f"sheet {sheet}: a cell `{reference}` outside Excel's sheet")
    return row, column


def column_letter(index: int) -> str:
    """The letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
