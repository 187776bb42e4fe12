"""Unit data gathered from several files: the workbooks an office gets back.

An office sends one template to its units and gets one workbook back from
each; `gather` reads them all (each file given, and every data file in each
folder given) into one document, whose records remember the file, sheet and
cell they came from, so that validation names them: a unit listed in two
workbooks is reported with both places, a value with its workbook and cell.

Nothing in a folder is passed by silently, except what is never data: hidden
files and the lock files Excel and WPS leave beside an open workbook
(`~$units.xlsx`). Anything else that is not a data file (a `.docx`, a PDF,
a folder inside) is refused by its name, as is a file given twice. A file
that holds no unit is refused too: one blank workbook among 75 is a unit
that returned the template unfilled. This module reads and joins; it judges
no value (data.py does).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from targetdsl.source import printable
from targetdsl.units.documents import read_document
from targetdsl.values import DataError, DataProblem, Records

# What a folder of returned data may hold: the data files `targetdsl evaluate` reads, and the old
# formats it refuses with advice (`.xls`, WPS `.et`) — listed so that one is never passed by.
DATA_FILES = (".yaml", ".yml", ".json", ".jsonl", ".csv", ".xlsx", ".xlsm", ".xls", ".et")
LOCK_FILE = "~$"  # Excel's and WPS's owner file beside an open workbook: a few bytes, never data


def expand(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[str], list[DataProblem]]:
    """The data files the paths name, in order: a file as given, a folder as the data files in it
    sorted by name (not its sub-folders). Entries of a folder that cannot be data are problems."""
    files: list[str] = []
    problems: list[DataProblem] = []
    for path in paths:
        shown = printable(os.fspath(path))
        if not os.path.isdir(path):
            files.append(os.fspath(path))
            continue
        entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        found, before = 0, len(problems)
        for entry in entries:
            if entry.name.startswith((".", LOCK_FILE)):
                continue
            inside = os.path.join(os.fspath(path), entry.name)
            if entry.is_dir():
                problems.append(
                    DataProblem(
                        printable(inside),
                        None,
                        None,
                        "a folder inside the data folder: its files are not read; give it as DATA too, or move it out",
                        code="data.wrong-format",
                    )
                )
            elif Path(entry.name).suffix.lower() in DATA_FILES:
                files.append(inside)
                found += 1
            else:
                problems.append(
                    DataProblem(
                        printable(inside),
                        None,
                        None,
                        "not a data file (.yaml, .yml, .json, .jsonl, .csv or .xlsx) in the data folder: move it out "
                        "of the folder, or save it as an Excel Workbook (.xlsx)",
                        code="data.wrong-format",
                    )
                )
        if not found and len(problems) == before:
            message = "the folder holds no data file (.yaml, .json, .csv, .xlsx…)"
            problems.append(DataProblem(shown, None, None, message, code="data.no-units"))
    return files, problems


def gather(
    paths: Sequence[str | os.PathLike[str]], *, year: int | None = None
) -> tuple[dict[str, Any], list[DataProblem]]:
    """One document of the units of every file the paths name, and the problems found reading them
    (every file is read, whatever the others hold). Each record knows its file and its place in it.
    A file's `year` is checked against `year` (the policy's) where there is one, so that the file that
    differs is named, not the 74 that agree; else against the first file that gives one."""
    files, problems = expand(paths)
    units = Records()
    document: dict[str, Any] = {"units": units}
    seen: dict[tuple[int, int], str] = {}
    first: tuple[str, Any] | None = None
    for file in files:
        shown = printable(file)
        try:
            status = os.stat(file)
        except OSError:
            status = None
        if status is not None:
            key = (status.st_dev, status.st_ino)
            if key in seen:
                problems.append(
                    DataProblem(
                        shown,
                        None,
                        None,
                        f"the same file as {seen[key]}: each file is read once; give it once",
                        code="data.same-file",
                    )
                )
                continue
            seen[key] = shown
        try:
            read = read_document(file)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        records = read.get("units") if isinstance(read, Mapping) else read
        if not isinstance(records, list):
            # not unit data (a ledger, a test file dropped in the folder): it adds nothing but this problem
            message = "not unit data: it holds no list of `units` (a ledger, a test file?); move it out of the data"
            problems.append(DataProblem(shown, None, "units", message, code="data.bad-shape"))
            continue
        if isinstance(read, Mapping):
            for key, value in read.items():
                if key == "units":
                    continue
                if key == "year":
                    against = ("the policy", year) if year is not None else first
                    if against is not None and str(value) != str(against[1]):
                        problems.append(
                            DataProblem(
                                shown,
                                None,
                                "year",
                                f"the data is for {value}, {against[0]} for {against[1]}: every file is one year's",
                                code="data.bad-year",
                            )
                        )
                        continue
                    first = first or (shown, value)
                document.setdefault(key, value)
        if not records and not (isinstance(records, Records) and records.refused):
            problems.append(
                DataProblem(
                    shown,
                    None,
                    None,
                    "no units: the file lists none (a blank template?); fill in its units, or leave the file out",
                    code="data.no-units",
                )
            )
            continue
        units.join(records if isinstance(records, Records) else Records(records), file=shown)
    return document, problems
