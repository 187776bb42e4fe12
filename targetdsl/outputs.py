"""What reaches a reader: text made safe for a terminal, cells made safe for a spreadsheet, files
written whole.

Names and ids come from the units' own data, so they may hold anything: an ESC sequence that
rewrites the terminal line above, a bidirectional override, a lone surrogate that cannot be
encoded, or `=HYPERLINK(…)` that a spreadsheet would run as a formula. Every output the command
line writes passes through here. This module only renders and writes; it computes no result.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import IO, Any

from targetdsl.numeric import quantize
from targetdsl.source import display_width

# Characters a terminal acts on or a reader cannot see: C0 controls (tab and newline are kept in
# running text), DEL, C1 controls; the invisible format characters (soft hyphen, zero-width
# spaces and joiners, word joiner, byte-order mark, tag characters), with which a name can pass
# for another; the bidirectional marks, embeddings, overrides and isolates (a reordered line can
# show one unit's figures beside another's name); the line and paragraph separators; and lone
# surrogates, which no UTF-8 output can hold.
_INVISIBLE = (
    "\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
)
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_INVISIBLE}]")
# In a table cell or a one-line message a newline or tab would start a fake row or shift columns.
_UNSAFE_INLINE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")
# What JSON does not escape by itself: the same set less the C0 controls.
_UNSAFE_IN_JSON = re.compile(f"[{_INVISIBLE}]")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection); the
# full-width forms too, in case a spreadsheet or an input method turns them into their ASCII twins.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Excel's limit on the characters of one cell: a longer text makes it "repair" the workbook.
CELL_LIMIT = 32_767
# Every workbook carries this as its creation and modification time, and every zip entry the
# earliest date a zip can hold, so the same results give the same bytes.
FIXED_TIME = "1980-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every control character, bidirectional control and lone surrogate written out as
    a visible escape (`\\x1b`, `\\u202e`, `\\ud800`); newlines and tabs stay."""
    return _UNSAFE.sub(_escape, text)


def visible_inline(text: str) -> str:
    """`visible`, and newlines and tabs escaped too: for one table cell or one line of a message."""
    return _UNSAFE_INLINE.sub(_escape, text)


def json_visible(document: str) -> str:
    """A JSON text whose strings hold DEL, C1 or bidirectional controls or lone surrogates, with those
    written as JSON escapes: the same value, nothing a terminal acts on, valid UTF-8."""
    if document.isascii() and "\x7f" not in document:  # DEL is the one such character in ASCII
        return document  # (the pattern reads a few thousand characters a line slowly: ~10 ns each)
    return _UNSAFE_IN_JSON.sub(_json_escape, document)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # JSON spells a character beyond the BMP as a pair
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula (leading spaces are skipped by some)."""
    return text.lstrip(" \u3000").startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A text cell for CSV: visible escapes, and a leading `'` when a spreadsheet would take it for a
    formula. Numbers are passed through (they are written by the caller, never from a name)."""
    if not isinstance(value, str):
        return value
    value = visible(value)
    return "'" + value if formula_like(value) else value


def sheet_text(value: str) -> str:
    """A text cell for a workbook: visible escapes (XML cannot hold C0 controls or lone surrogates),
    cut with `…` at Excel's limit."""
    value = visible(value)
    return value if len(value) <= CELL_LIMIT else value[: CELL_LIMIT - 1] + "…"


def text_only(sheet: Any) -> None:
    """Every text cell stays text: openpyxl writes a string starting with `=` as a formula, and Excel
    would run `=HYPERLINK(…)` from a unit's name. Such cells are stored as strings with Excel's quote
    prefix, which also keeps them text when someone edits the cell."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and (cell.data_type == "f" or formula_like(cell.value)):
                cell.data_type = "s"
                cell.quotePrefix = True


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` as UTF-8 to `path` whole or not at all."""
    write_with(path, lambda handle: handle.write(text.encode("utf-8", "backslashreplace")))


def write_with(path: str | os.PathLike[str], fill: Callable[[IO[bytes]], object]) -> None:
    """Let `fill` write a temporary file in `path`'s directory, then move it onto `path` in one step:
    a reader never sees half a file, and a failure or Ctrl-C leaves `path` as it was."""
    target = os.path.realpath(path)  # through a symbolic link, as open() would: the link stays
    if os.path.exists(target) and not os.path.isfile(target):  # /dev/null, /dev/stdout, a FIFO: never replaced
        with open(target, "wb") as device:
            fill(device)
        return
    temporary, handle = _temporary_beside(target)
    try:
        with handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before it takes the name: a crash leaves the old file, not an empty one
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)  # a replaced file keeps its mode
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _temporary_beside(target: str) -> tuple[str, IO[bytes]]:
    """A new file next to `target`, created with the mode any new file gets (0666 less the umask,
    which the system applies: reading the umask would mean changing it)."""
    directory = os.path.dirname(target) or "."
    while True:
        name = os.path.join(directory, f".targetdsl-{secrets.token_hex(6)}.part")
        try:
            descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        return name, os.fdopen(descriptor, "wb")


def workbook_bytes(book: Any) -> bytes:
    """An openpyxl workbook as .xlsx bytes that depend only on its content: fixed document times,
    fixed zip entry dates and attributes."""
    saved = io.BytesIO()
    book.save(saved)
    saved.seek(0)
    result = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>" + FIXED_TIME.encode() + rb"\g<2>", data)
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return result.getvalue()


def save_workbook(book: Any, path: str | os.PathLike[str]) -> None:
    """Save an openpyxl workbook reproducibly and atomically."""
    data = workbook_bytes(book)
    write_with(path, lambda handle: handle.write(data))


def two(value: Decimal) -> str:
    """A figure with two decimals, as the tables print it."""
    return format(quantize(value, 2), "f")


def pad(cell: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(cell), 0)
    return gap + cell if right else cell + gap


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """A text table aligned by display width (CJK takes two columns), the columns in `right` aligned right."""
    headers = [visible_inline(h) for h in headers]
    rows = [[visible_inline(c) for c in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], display_width(cell))
    lines = ["  ".join(pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(pad(c, widths[i], i in right) for i, c in enumerate(row)).rstrip())
    return "\n".join(lines)
