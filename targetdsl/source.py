"""Source text and positions.

Every stage reports positions as a `Span` into a `Source`. Lines and
columns are 1-based and count code points (as an editor's cursor does);
`display_width` converts to terminal columns, where a Chinese character
takes two. This module knows nothing about the language itself.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import attrs


@attrs.frozen(slots=True)
class Span:
    """A region of one source file: start and end line/column, 1-based."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def to(self, other: Span) -> Span:
        """The span from the start of `self` to the end of `other`."""
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)


NO_SPAN = Span("<none>", 0, 0, 0, 0)


@attrs.frozen(slots=True)
class Source:
    """The text of one policy file and the name it is reported under."""

    name: str
    text: str

    def line_text(self, line: int) -> str:
        lines = source_lines(self.text)
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return ""


def decode(data: bytes) -> str:
    """Decode a policy file: UTF-8, with or without a byte-order mark.

    Raises UnicodeDecodeError for anything else; the loader turns that into
    a diagnostic naming the file.
    """
    return data.decode("utf-8-sig")


def printable(text: str) -> str:
    """A name made safe to show: a control character (NUL, ESC, …) shows as `\\x1b`, a byte of a
    file name that was not UTF-8 as `\\xff`, any other lone surrogate as `\\ud800` — so a name can
    neither break the output's encoding nor drive the terminal."""
    if text.isprintable():
        return text
    shown: list[str] = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # how Python carries a file name's byte that is not UTF-8
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            shown.append(f"\\u{code:04x}")
        elif unicodedata.category(char) == "Cc":
            shown.append(f"\\x{code:02x}")
        else:
            shown.append(char)
    return "".join(shown)


def first_surrogate(text: str) -> tuple[int, int] | None:
    """Line and column (1-based) of the first lone surrogate in `text`, or None.

    A surrogate is half of a UTF-16 pair, not a character: no UTF-8 file holds one, but text
    handed over by an editor or a program can.
    """
    match = SURROGATE.search(text)
    if match is None:
        return None
    start = match.start()
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, start - line_start + 1


SURROGATE = re.compile("[\ud800-\udfff]")


def source_lines(text: str) -> list[str]:
    """The lines of `text` as the parser counts them: only `\n` ends a line.

    (`str.splitlines` also breaks at form feeds, vertical tabs and other
    separators, which would shift every position after them.)
    """
    return [line.removesuffix("\r") for line in text.split("\n")]


def display_width(text: str) -> int:
    """Terminal columns `text` occupies: wide East Asian characters count 2."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def sha256_text(text: str) -> str:
    """The SHA-256 of a text, as records and parcels name a policy or a file by it."""
    # surrogatepass: a lone surrogate in a name (JSON data may spell one) is hashed, not a crash;
    # for every other text this is plain UTF-8
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
