"""What the command line checks of its paths before doing any work.

An evaluation may take minutes; finding only then that `-o` names a missing
directory, or that the policy and the data were given the other way round,
wastes them and may leave some files written and others not. Each check here
raises `UsageError` (exit 2) with one line naming the path and what to do.
This module reads at most the first bytes of an input and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path

from targetdsl.files import FileReadError, open_regular

DATA_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv", ".xlsx", ".xls")
POLICY_SUFFIX = ".tdsl"
# evaluate's output format, by the extension of -o
FORMATS = {".txt": "table", ".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
# extensions that name something evaluate does not write
NOT_RESULTS = (".xls", ".xlsm", ".ods", ".tdsl", ".yaml", ".yml")
_POLICY_START = re.compile(r"\A(?:\s|#[^\n]*\n)*(?:policy|extends)\s+\"")


class UsageError(Exception):
    """A command given the wrong paths or options; its message is one line."""


def suffix(path: str) -> str:
    return Path(path).suffix.lower()


def special(path: str) -> bool:
    """An existing path that is not a regular file (/dev/null, a FIFO): written in place, never replaced."""
    return os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path)


def policy_text(path: str) -> bool:
    """Whether a file begins as a policy does (after comments): `policy "…"` or `extends "…"`."""
    try:
        with open_regular(path) as handle:  # a named pipe is never waited on
            head = handle.read(4096)
    except (FileReadError, OSError):
        return False
    return bool(_POLICY_START.match(head.decode("utf-8-sig", "replace")))


def refuse_empty(args: argparse.Namespace) -> None:
    """An empty path or option (`--carry-in "$LEDGER"` with the variable unset) is refused, never taken
    as "not given": a ledger or a period silently left out changes the scores."""
    command = getattr(args, "command", None)
    positional = (
        {"policy", "files", "paths", "old", "new", "unit"}
        | ({"data"} if command != "diff" else set())
        | ({"record"} if command == "verify" else set())
    )
    for name, value in vars(args).items():
        if value == "" or (isinstance(value, list) and "" in value):
            if name in positional:
                raise UsageError(f"{name.upper()}: empty; give {'a unit id' if name == 'unit' else 'a path'}")
            option = {"output": "-o", "unit_class": "--class"}.get(name, f"--{name.replace('_', '-')}")
            raise UsageError(f"{option}: empty; give a value or leave the option out")


def refuse_misplaced(policies: Sequence[str], data: Sequence[str] = ()) -> None:
    """Unit data given where a policy is expected, or a policy where data is: most often the two swapped.
    Paths that are no regular file are left to the check that says so."""
    policies = [path for path in policies if os.path.isfile(path)]
    data = [path for path in data if os.path.isfile(path)]
    for policy in policies:
        if suffix(policy) in DATA_SUFFIXES:
            swapped = [path for path in data if suffix(path) == POLICY_SUFFIX]
            if swapped:
                raise UsageError(
                    f"POLICY and DATA are swapped: {swapped[0]} is the policy and {policy} the unit "
                    "data; give the policy first"
                )
            raise UsageError(f"{policy} is unit data, not a policy (.tdsl): give the policy first")
    for path in data:
        if suffix(path) == POLICY_SUFFIX or (suffix(path) not in DATA_SUFFIXES and policy_text(path)):
            swapped = [p for p in policies if not policy_text(p)]
            if swapped:
                raise UsageError(
                    f"POLICY and DATA are swapped: {path} is the policy and {swapped[0]} the unit "
                    "data; give the policy first"
                )
            raise UsageError(f"{path} is a policy, not unit data (.yaml, .yml, .json, .jsonl, .csv or .xlsx)")


def refuse_unwritable(outputs: Sequence[tuple[str, str | None]], inputs: Sequence[str | None]) -> None:
    """Every output path before any work is done, so that a bad one costs nothing and leaves nothing
    half written: its directory exists and can be written, it is no directory, no input, and no other
    output. `outputs` are (option, path) pairs; a path of None is not written."""
    seen: dict[str, str] = {}
    for option, path in outputs:
        if path is None:
            continue
        real = os.path.realpath(path)  # where a symbolic link leads
        directory = os.path.dirname(real)
        if path.endswith(("/", os.sep)) or os.path.isdir(path):
            raise UsageError(f"{option} {path}: is a directory; name the file to write")
        if special(path):
            continue
        if not os.path.isdir(directory):
            raise UsageError(f"{option} {path}: no directory {directory}; create it first")
        if not os.access(directory, os.W_OK | os.X_OK):
            raise UsageError(f"{option} {path}: cannot write in {directory}")
        if os.path.exists(path) and not os.access(path, os.W_OK):
            raise UsageError(f"{option} {path}: the file is read-only")
        if any(
            source and os.path.exists(path) and os.path.exists(source) and os.path.samefile(path, source)
            for source in inputs
        ):
            raise UsageError(f"{option} {path}: is an input of this command; writing it would destroy it")
        if real in seen:
            raise UsageError(f"{option} {path}: {seen[real]} writes the same file")
        seen[real] = option


def refuse_suffix(option: str, path: str, suffixes: tuple[str, ...], what: str) -> None:
    if not special(path) and suffix(path) not in suffixes:
        raise UsageError(f"{option} {path}: {what} is written to a {' or '.join(suffixes)} file; name it so")


def output_format(given: str | None, output: str | None) -> str:
    """evaluate's format: as given, else from the extension of -o, else the table. A format that the
    extension contradicts is refused: a text table in `results.xlsx` opens as a broken workbook."""
    extension = suffix(output) if output and not special(output) else ""
    implied = FORMATS.get(extension)
    if extension in (".html", ".htm"):
        raise UsageError(f"-o {output}: evaluate does not write HTML; `targetdsl report POLICY DATA -o {output}` does")
    if extension in NOT_RESULTS:
        raise UsageError(f"-o {output}: evaluate writes a table (.txt), .csv, .json, .jsonl or .xlsx, not {extension}")
    if given is not None and implied is not None and implied != given:
        raise UsageError(f"--format {given} contradicts -o {output} ({implied}); change one of them")
    chosen = given or implied or "table"
    if chosen == "xlsx":
        if not output:
            raise UsageError("--format xlsx writes a workbook; name it with -o FILE.xlsx")
        refuse_suffix("-o", output, (".xlsx",), "a workbook")
    return chosen
