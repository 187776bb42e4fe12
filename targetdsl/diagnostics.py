"""Diagnostics: the one type every stage uses to say what is wrong.

A diagnostic has a stable code (`syntax.unexpected-token`,
`check.unknown-name`, ...), a severity, a one-line lowercase message, a
span and an optional help line. Codes are listed, each with a failing
example and its fix, in docs/errors.md; a test keeps the two in step.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from targetdsl.keywords import VOCABULARY, WORDS, detect, names_of, quoted_in
from targetdsl.messages import Language, translate
from targetdsl.source import NO_SPAN, Span, display_width
from targetdsl.source import source_lines as lines_of


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span
    help: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "help": self.help,
        }


def error(code: str, message: str, span: Span, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, help)


def warning(code: str, message: str, span: Span, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, span, help)


class TargetdslError(Exception):
    """Base class of every error the library raises on purpose."""


class PolicyError(TargetdslError):
    """A policy could not be loaded: it has one or more error diagnostics.

    `diagnostics` holds every diagnostic found (warnings included), in
    source order; `sources` maps file names to their text for rendering.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: Mapping[str, str] | None = None):
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        summary = f"{first.span}: {first.message}" if first else "invalid policy"
        more = len(errors) - 1
        if more > 0:
            summary += f" (and {more} more error{'s' if more > 1 else ''})"
        super().__init__(summary)

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        return render_all(self.diagnostics, self.sources, language=language)


# A control character of the source (NUL, ESC, …) is shown as its picture (␀, ␛), one column wide like
# the character it stands for, so carets stay aligned and the line cannot drive the terminal.
CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    return (span.file, span.line, span.column, diagnostic.code)


# The words around a diagnostic's message, by language: the code and the location stay as they are.
SEVERITY_WORDS = {
    Language.ENGLISH: {Severity.ERROR: "error", Severity.WARNING: "warning"},
    Language.CHINESE: {Severity.ERROR: "错误", Severity.WARNING: "警告"},
}
HELP_WORDS = {Language.ENGLISH: "help: ", Language.CHINESE: "提示："}


def render(diagnostic: Diagnostic, sources: Mapping[str, str], *, language: Language = Language.ENGLISH) -> str:
    """Render one diagnostic the way compilers do: location, message,
    the source line with a caret underline (by display width), and help,
    the words in `language` (the code and location are the same in every language)."""
    span = diagnostic.span
    severity = SEVERITY_WORDS[language][diagnostic.severity]
    text = sources.get(span.file)
    head = f"{span}: {severity}[{diagnostic.code}]: {worded(diagnostic.message, language, text, sources.values())}"
    lines = [head]
    if text is not None and span is not NO_SPAN and span.line > 0:
        source_lines = lines_of(text)
        if span.line <= len(source_lines):
            line = source_lines[span.line - 1].replace("\t", " ").translate(CONTROL_PICTURES)
            gutter = str(span.line)
            pad = " " * len(gutter)
            start = max(span.column - 1, 0)
            if span.end_line == span.line and span.end_column > span.column:
                end = span.end_column - 1
            else:
                end = max(len(line), start + 1)
            end = max(min(end, len(line)), start + 1)
            caret_at = display_width(line[:start])
            caret_len = max(display_width(line[start:end]), 1)
            lines.append(f"{pad} |")
            lines.append(f"{gutter} | {line}")
            lines.append(f"{pad} | {' ' * caret_at}{'^' * caret_len}")
    if diagnostic.help:
        lines.append(f"  {HELP_WORDS[language]}{worded(diagnostic.help, language, text, sources.values())}")
    return "\n".join(lines)


def worded(text: str, language: Language, source: str | None, others: Iterable[str] = ()) -> str:
    """A diagnostic's message or help in `language`, the policy code it quotes written with the keywords
    of the file it is about (`source`: `status draft` is `状态 征求意见稿` in a file written in Chinese).
    A word any of the policy's files (`source`, `others`) uses as a name stays as it is."""
    said = translate(text, language)
    if source is None or "`" not in said:
        return said
    keywords, names = _file_words(source)
    for other in others:
        names |= _file_words(other)[1]
    return quoted_in(said, keywords, names)


@functools.lru_cache(maxsize=8)
def _file_words(source: str) -> tuple[Language, frozenset[str]]:
    """A file's keyword language, and the words it uses as names: not its own keywords and terms."""
    language = detect(source)
    own = WORDS[language] | (VOCABULARY if language is Language.ENGLISH else frozenset())
    return language, names_of(source) - own


def render_all(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], *, language: Language = Language.ENGLISH
) -> str:
    return "\n\n".join(render(d, sources, language=language) for d in diagnostics)
