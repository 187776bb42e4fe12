"""Reading unit data files: YAML, JSON, CSV and Excel → the raw document.

Numbers are read from their text as exact decimals, never through binary
floats. Hostile files end in a `DataError` naming the file: too large,
not UTF-8, invalid syntax, YAML aliases beyond a small limit, nesting too
deep to be unit data. What the document means is checked by `data.py`.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from targetdsl.data import DataError, DataProblem
from targetdsl.files import FileReadError, read_limited
from targetdsl.source import printable

MAX_DATA_BYTES = 256 * 1024 * 1024


MAX_ALIASES = 100


class _DecimalLoader(yaml.SafeLoader):
    """YAML without floats: decimals are read from their text. Aliases are
    limited, so a few lines cannot expand into a billion values."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (line {event.start_mark.line + 1}); "
                                     "write the values out instead of referring to them")
        return super().compose_node(parent, index)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("NaN")  # .inf / .nan: refused by validation


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def parse_yaml(text: str) -> Any:
    """YAML text → plain values, with every non-integer number as an exact Decimal."""
    return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 (a SafeLoader subclass)


def _refuse_constant(text: str) -> Any:
    return Decimal("NaN")


def read_document(path: str | os.PathLike[str]) -> Any:
    """The raw document of a YAML, JSON, JSON Lines, CSV or Excel data file. Raises DataError."""
    shown = printable(os.fspath(path))
    target = Path(path)
    try:
        raw = read_limited(target, limit=MAX_DATA_BYTES)
    except FileReadError as exc:
        raise DataError([DataProblem(shown, None, None, exc.reason)]) from None
    if target.suffix.lower() == ".xlsx":
        text = ""
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError([DataProblem(shown, None, None, "is not UTF-8 text; save it as UTF-8 (“CSV UTF-8” "
                                         "in Excel's Save As); GBK is not accepted")]) from None
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        from targetdsl.tabular import read_xlsx

        return read_xlsx(target, raw)
    try:
        if suffix == ".json":
            return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        if suffix in (".yaml", ".yml"):
            return parse_yaml(text)
        if suffix == ".jsonl":
            return {"units": _json_lines(text, shown)}
        if suffix == ".csv":
            from targetdsl.tabular import read_csv

            return read_csv(target, text)
    except json.JSONDecodeError as exc:
        raise DataError([DataProblem(shown, None, f"line {exc.lineno}", f"invalid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise DataError([DataProblem(shown, None, None, "the data is nested too deeply to be unit data")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError([DataProblem(shown, None, where, f"invalid YAML: {problem}")]) from None
    raise DataError([DataProblem(shown, None, None,
                                 f"unknown data format `{suffix}`; use .yaml, .yml, .json, .jsonl, .csv or .xlsx")])


def _json_lines(text: str, shown: str) -> list[Any]:
    """One unit per line (JSON Lines); every malformed line is reported."""
    records: list[Any] = []
    problems: list[DataProblem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line, parse_float=Decimal, parse_constant=_refuse_constant))
        except json.JSONDecodeError as exc:
            problems.append(DataProblem(shown, None, f"line {number}", f"invalid JSON: {exc.msg}"))
    if problems:
        raise DataError(problems)
    return records
