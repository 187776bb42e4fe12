"""What a command reads, checked before any work: FILE arguments (a folder as every policy under it, `-`
as standard input, read once and within its size limit), an input that is not a regular file (refused
without waiting on a pipe), DATA and the other files an evaluation reads, and `--period`, which must
name a period of every policy given (a usage error, exit 2, before any data is read).

It must not parse or evaluate what it reads: it hands the paths and the text on."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from targetdsl.cli.output import EXIT_OK, EXIT_USAGE, _error
from targetdsl.evaluation.engine import PeriodError, period_months
from targetdsl.files import FileProblem, FileReadError, open_regular
from targetdsl.invocation import UsageError
from targetdsl.language.inheritance import MAX_FILE_BYTES
from targetdsl.source import decode, printable

STDIN = "-"  # as a FILE of check, fmt and test: standard input
STDIN_NAME = "<stdin>"  # how diagnostics name it


def policy_files(paths: Sequence[str]) -> list[str]:
    """FILE arguments as the files to read, each once: `-` as it is, a directory as every `.tdsl` file
    under it (sorted; hidden directories such as .git skipped), anything else as given. Standard
    input can be read once."""
    if paths.count(STDIN) > 1:
        raise UsageError("- (standard input) is given twice; it can be read once")
    files: list[str] = []
    for path in paths:
        if path == STDIN or not os.path.isdir(path):
            files.append(path)
            continue
        found = []
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            found += [os.path.join(folder, name) for name in names if name.endswith(".tdsl")]
        if not found:
            raise UsageError(f"{path}: no policy files (.tdsl) in this directory")
        files += sorted(found)
    return list(dict.fromkeys(files))


def _stdin_text(limit: int = MAX_FILE_BYTES) -> str:
    """Standard input as UTF-8 text, at most `limit` bytes; a usage error otherwise."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read(limit + 1) if stream is not None else sys.stdin.read(limit + 1).encode("utf-8")
    if len(raw) > limit:
        raise UsageError(f"standard input is larger than {limit // (1 << 20)} MB")
    try:
        return decode(raw)
    except UnicodeDecodeError:
        raise UsageError("standard input is not UTF-8 text") from None


def _missing_files(paths: Sequence[str], *, folders: Sequence[str] = ()) -> int:
    """Refuse, before any work, an input that is not a regular file (a pipe is not waited on), or,
    where one may be (`folders`), a folder."""
    missing = 0
    for path in paths:
        if path in folders and os.path.isdir(path):
            continue
        try:
            open_regular(path).close()
        except FileReadError as exc:
            reason = "no such file" if exc.problem is FileProblem.MISSING else exc.reason
            _error(f"{printable(path)}: {reason}")
            missing += 1
    return EXIT_USAGE if missing else EXIT_OK


def _data_paths(args: argparse.Namespace) -> list[str]:
    """DATA and, when given, the carry-over ledger and last year's results: the files an evaluation reads
    besides the policy."""
    return [*args.data] + [path for path in (args.carry_in, getattr(args, "last_year", None)) if path]


def _units(args: argparse.Namespace) -> str | list[str]:
    """DATA as the API takes it: one path (a file or a folder), or the list of several."""
    return args.data[0] if len(args.data) == 1 else list(args.data)


def _check_period(policies: Sequence[Any], period: str | None) -> None:
    """`--period` names a period of every policy given, before any data is read (exit 2, not 1)."""
    if period is None:
        return
    for policy in policies:
        try:
            period_months(policy.schema, period)
        except PeriodError as exc:
            raise UsageError(f"--period {period}: {exc}") from None
