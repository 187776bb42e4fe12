"""Source text and positions.

Every stage reports positions as a `Span` into a `Source`. Lines and
columns are 1-based and count code points (as an editor's cursor does);
`display_width` converts to terminal columns, where a Chinese character
takes two. This module knows nothing about the language itself.
"""

from __future__ import annotations

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
