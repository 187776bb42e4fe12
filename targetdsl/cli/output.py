"""What a command writes, where, and how it ends: the exit codes (one contract for every command, and
what 1 means for each), the language of the run's messages (set by `main`, for that call only), errors,
warnings and notes on standard error, results on standard output or written whole to the file `-o`
names (the CSV byte order mark, a stream's results as they are finished, the carry-over ledger), the
progress line on a terminal. Everything is escaped on its way out (`outputs`).

It must not decide what is written: the commands' runners do, and it says it."""

from __future__ import annotations

import argparse
import contextvars
import io
import json
import sys
from collections.abc import Callable, Iterable
from typing import IO, Any

from targetdsl.diagnostics import PolicyError
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.evaluation.results import to_json
from targetdsl.invocation import special
from targetdsl.keywords import Language
from targetdsl.messages import translate
from targetdsl.outputs import json_visible, visible, visible_inline, write_text, write_with
from targetdsl.progress import ProgressBar
from targetdsl.values import DataError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

# What the one contract means for each command, shown at the end of its --help.
EXITS = {
    "check": "a file has errors",
    "evaluate": "the policy, the data or the ledger has errors (all are listed; nothing is written)",
    "diff": "the policies differ, or one has errors",
    "verify": "the record does not reproduce, or is not a record",
    "test": "a test fails or a policy has errors",
    "periods": "the policy or a period's data has errors",
    "report": "the policy, the data or the ledger has errors (nothing is written)",
    "template": "the policy has errors (nothing is written)",
    "lsp": "never (the server runs until the editor closes it)",
    "fmt": "a file is not formatted (with --check or --diff); a file that cannot be read or parsed exits 2",
    "explain": "the policy, the data or the ledger has errors",
    "plan": "the policy has errors",
}


# The language of this run's messages: set by `main` from `--lang` or the locale, for that call only.
_LANGUAGE: contextvars.ContextVar[Language] = contextvars.ContextVar("language", default=Language.ENGLISH)
_ERROR_WORDS = {Language.ENGLISH: "error: ", Language.CHINESE: "错误："}
_WARNING_WORDS = {Language.ENGLISH: "warning: ", Language.CHINESE: "警告："}
_NOTE_WORDS = {Language.ENGLISH: "note: ", Language.CHINESE: "说明："}


def _say(text: str) -> str:
    """A message of the command line in this run's language."""
    return translate(text, _LANGUAGE.get())


def _error(message: str) -> None:
    sys.stderr.write(f"targetdsl: {_ERROR_WORDS[_LANGUAGE.get()]}{visible_inline(_say(message))}\n")


def _report(problem: PolicyError | DataError | EvaluationError) -> None:
    """A policy's or the data's errors, rendered, on standard error. Each data or evaluation problem is one
    line, escaped on its own: a unit id holding a newline cannot add an error line of its own."""
    language = _LANGUAGE.get()
    if isinstance(problem, DataError) and problem.problems:
        sys.stderr.write(
            "".join(visible_inline(DataError([p]).render(language=language)) + "\n" for p in problem.problems)
        )
    elif isinstance(problem, EvaluationError) and problem.problems:
        sys.stderr.write(
            "".join(visible_inline(EvaluationError([p]).render(language=language)) + "\n" for p in problem.problems)
        )
    else:
        sys.stderr.write(visible(problem.render(language=language)) + "\n")


def _emit(text: str) -> None:
    """Text results (tables, explanations, diffs) on standard output, with nothing a terminal acts on."""
    sys.stdout.write(visible(text))


def _json(document: Any, *, indent: int | None = 2) -> str:
    return json_visible(json.dumps(document, ensure_ascii=False, indent=indent)) + "\n"


def _progress(args: argparse.Namespace, *, passes: int = 1) -> ProgressBar | None:
    """The progress line, on a terminal only, unless -q."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        return None
    return ProgressBar(sys.stderr, passes=passes)


def _write(text: str, output: str | None) -> None:
    """Already escaped text to standard output, or written whole to `output`."""
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)


BOM = "\ufeff"


def _bom(args: argparse.Namespace) -> str:
    """The byte order mark CSV begins with: as --bom or --no-bom say, else for a .csv file (opened in
    Excel, which reads UTF-8 without it as the system's code page: GBK on a Chinese Windows) and not on
    standard output (read by programs, to which a BOM is a stray character in the first field)."""
    if args.format != "csv":
        return ""
    wanted = args.bom if args.bom is not None else args.output is not None and not special(args.output)
    return BOM if wanted else ""


def _deliver(args: argparse.Namespace, emit: Callable[[Any], None], year: int | None, ledger: Iterable[Any]) -> None:
    """Results written as they are finished, to standard output or the file `-o` names (whole, or not
    at all), then the carry-over ledger `--ledger` asks for."""
    if args.output is None:
        sys.stdout.write(_bom(args))
        emit(_VisibleText(sys.stdout))
    else:
        write_with(args.output, lambda raw: _as_text(raw, emit, _bom(args)))
    if args.ledger:
        _write(_json({"year": year, "carry_over": [to_json(entry) for entry in ledger]}), args.ledger)


class _VisibleText:
    """A text stream that escapes whatever it is given (csv.writer and the jsonl lines write to it)."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(visible(text))


def _as_text(raw: IO[bytes], emit: Callable[[Any], None], start: str = "") -> None:
    text = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", newline="")
    try:
        text.write(start)
        emit(_VisibleText(text))
        text.flush()
    finally:
        text.detach()
