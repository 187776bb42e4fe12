"""Reproducible result records: what was evaluated, with what, and what came out.

A record names the policy and data files (relative to the record), the
SHA-256 of each policy source file, of the effective policy in canonical
form (so reformatting or reordering declarations does not change it), of
the data file and of the validated units, the library version, the
period and carry-in, and the result itself. `verify` re-runs it and
confirms the result byte for byte, or says exactly what differs.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from targetdsl.diagnostics import HELP_WORDS, TargetdslError
from targetdsl.evaluation.results import to_json
from targetdsl.files import FileReadError, chunks, read_limited
from targetdsl.keywords import Language
from targetdsl.language.inheritance import MAX_FILE_BYTES
from targetdsl.messages import translate
from targetdsl.numeric import text
from targetdsl.source import decode, printable, sha256_text
from targetdsl.units.documents import MAX_DATA_BYTES
from targetdsl.values import ERROR_WORDS, AwardWon, MeasureData, MeasureRows, Unit

RECORD_VERSION = 1
MAX_RECORD_BYTES = 256 * 1024 * 1024
SHA256_HEX = frozenset("0123456789abcdef")


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a data file's bytes, read in blocks. Raises FileReadError."""
    digest = hashlib.sha256()
    for block in chunks(path, limit=MAX_DATA_BYTES):
        digest.update(block)
    return digest.hexdigest()


def sha256_policy_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 a policy file's text is recorded under (as loaded: UTF-8, no byte-order mark).

    Raises FileReadError, or UnicodeDecodeError for a file that is not UTF-8.
    """
    return sha256_text(decode(read_limited(path, limit=MAX_FILE_BYTES)))


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def units_sha256(units: list[Unit]) -> str:
    """A digest of the validated unit data, independent of the file format it came in."""
    ordered = sorted(units, key=lambda u: u.id)
    encoded = json.dumps(ordered, default=_encode, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256_text(encoded)


def _encode(value: Any) -> Any:
    """What the JSON encoder cannot write itself: validated data's own types."""
    kind = type(value)
    if kind is Decimal:
        return text(value)
    if kind is datetime.date:
        return value.isoformat()
    if kind is MeasureRows:  # a unit's measures, still in their row: the dict they stand for
        return dict(value)
    if kind is Unit:
        fields = {a.name: getattr(value, a.name) for a in attrs.fields(Unit)}
        fields["rules"] = {f"{rule_kind}/{name}": inputs for (rule_kind, name), inputs in value.rules.items()}
        return fields
    # Fields added since records were first made are written only when they hold something, so that the
    # digest of data without them is what it was: an award's carried points, a measure's ballots.
    if kind is AwardWon and value.points is None:
        return {a.name: getattr(value, a.name) for a in attrs.fields(kind) if a.name != "points"}
    if kind is MeasureData and not value.ballots:
        return {a.name: getattr(value, a.name) for a in attrs.fields(kind) if a.name != "ballots"}
    if attrs.has(kind):
        return {a.name: getattr(value, a.name) for a in attrs.fields(kind)}
    return to_json(value)


def relative(path: str | os.PathLike[str], base: Path) -> str:
    return os.path.relpath(Path(path).resolve(), base.resolve()).replace(os.sep, "/")


def make_record(
    *,
    record_path: Path,
    policy_path: str,
    data_path: str,
    carry_in: str | None,
    period: str | None,
    result: dict[str, Any],
    last_year: str | None = None,
) -> dict[str, Any]:
    """A record of one evaluation: each file it read, relative to the record, with its SHA-256, and the result.
    Last year's results (`--last-year`), which inputs `from last year` read, are a file it read too: named
    only when given, so that a record without them is what it always was."""
    base = record_path.resolve().parent
    policy_dir = Path(policy_path).resolve().parent
    files = [{"file": policy_dir / f["file"], "sha256": f["sha256"]} for f in result["provenance"]["sources"]]
    record = {
        "record": RECORD_VERSION,
        "policy": {
            "path": relative(policy_path, base),
            "sha256": result["provenance"]["policy_sha256"],
            "files": [{"path": relative(f["file"], base), "sha256": f["sha256"]} for f in files],
        },
        "data": {"path": relative(data_path, base), "sha256": sha256_file(data_path)},
        "carry_in": None if carry_in is None else {"path": relative(carry_in, base), "sha256": sha256_file(carry_in)},
    }
    if last_year is not None:
        record["last_year"] = {"path": relative(last_year, base), "sha256": sha256_file(last_year)}
    return record | {
        "period": period,
        "result_sha256": sha256_text(canonical_json(result)),
        "result": result,
    }


class RecordError(TargetdslError, ValueError):
    """A file that is not a readable result record: `code` is `record.unreadable` (not a regular
    file, too large, not UTF-8, not JSON) or `record.malformed` (a field missing or of the wrong
    type, named by its path in the record)."""

    def __init__(self, code: str, file: str, message: str, help: str | None = None):
        super().__init__(f"{file}: {message}")
        self.code = code
        self.file = file
        self.message = message
        self.help = help

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        text = f"{self.file}: {ERROR_WORDS[language]}[{self.code}]: {translate(self.message, language)}"
        return text + (f"\n  {HELP_WORDS[language]}{translate(self.help, language)}" if self.help else "")


def read_record(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A result record, every field checked for presence and type. Raises RecordError."""
    shown = printable(os.fspath(path))
    try:
        raw = read_limited(path, limit=MAX_RECORD_BYTES)
    except FileReadError as exc:
        raise RecordError("record.unreadable", shown, f"the record {exc.reason}") from None
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise RecordError(
            "record.unreadable",
            shown,
            f"the record is not UTF-8 text (byte {exc.start + 1})",
            "records are written by `targetdsl evaluate --record`; write it again",
        ) from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            "record.unreadable",
            shown,
            f"the record is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            "records are written by `targetdsl evaluate --record`; write it again",
        ) from None
    except (ValueError, RecursionError) as exc:
        message = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise RecordError("record.unreadable", shown, f"the record is not valid JSON: {message}") from None
    _check_fields(document, shown)
    return document  # type: ignore[no-any-return]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key `{printable(key)}` appears twice in one object")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a JSON number")


_FILE_FIELDS = {"path": str, "sha256": str}
_RECORD_FIELDS: dict[str, Any] = {
    "record": int,
    "policy": {"path": str, "sha256": str, "files": [_FILE_FIELDS]},
    "data": _FILE_FIELDS,
    "carry_in": (None, _FILE_FIELDS),
    "period": (None, str),
    "result_sha256": str,
    "result": dict,
}
_OPTIONAL_FIELDS: dict[str, Any] = {"last_year": _FILE_FIELDS}  # present only when the evaluation read them
_TYPE_NAMES = {int: "a whole number", str: "a string", dict: "an object", list: "a list"}


def _check_fields(document: Any, shown: str) -> None:
    def fail(where: str, problem: str) -> RecordError:
        return RecordError(
            "record.malformed",
            shown,
            f"field `{where.removeprefix('$.')}` {problem}",
            "records are written by `targetdsl evaluate --record`; do not edit them by hand",
        )

    def walk(value: Any, shape: Any, where: str) -> None:
        if isinstance(shape, tuple):  # (None, shape): null allowed
            if value is not None:
                walk(value, shape[1], where)
            return
        if isinstance(shape, dict):
            if not isinstance(value, dict):
                raise fail(where, f"must be an object, not {_json_kind(value)}")
            for key, inner in shape.items():
                if key not in value:
                    raise fail(f"{where}.{key}", "is missing")
                walk(value[key], inner, f"{where}.{key}")
            return
        if isinstance(shape, list):
            if not isinstance(value, list):
                raise fail(where, f"must be a list, not {_json_kind(value)}")
            for index, item in enumerate(value):
                walk(item, shape[0], f"{where}[{index}]")
            return
        if type(value) is not shape:  # `true` is not a version number
            raise fail(where, f"must be {_TYPE_NAMES[shape]}, not {_json_kind(value)}")
        if where.endswith("sha256") and not (len(value) == 64 and set(value) <= SHA256_HEX):
            raise fail(where, "must be a SHA-256: 64 lowercase hexadecimal digits")
        if where.endswith("path") and (not value or "\0" in value):
            raise fail(where, "must name a file")

    if not isinstance(document, dict):
        raise RecordError(
            "record.malformed",
            shown,
            f"the record must be a JSON object, not {_json_kind(document)}",
            "records are written by `targetdsl evaluate --record`",
        )
    walk(document, {"record": int}, "$")
    if document["record"] != RECORD_VERSION:
        return  # another version's fields are its own; `verify` says which version it is
    walk(document, _RECORD_FIELDS, "$")
    for key, shape in _OPTIONAL_FIELDS.items():
        if key in document:
            walk(document[key], shape, f"$.{key}")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def differences(expected: Any, actual: Any, path: str = "$", limit: int = 20) -> list[str]:
    """Where two JSON values differ, as `path: expected → actual` lines."""
    found: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in list(a) + [k for k in b if k not in a]:
                if key not in b:
                    found.append(f"{where}.{key}: recorded, now missing")
                elif key not in a:
                    found.append(f"{where}.{key}: not recorded, now present")
                else:
                    walk(a[key], b[key], f"{where}.{key}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                found.append(f"{where}: {len(a)} entries recorded, {len(b)} now")
            for index, (x, y) in enumerate(zip(a, b, strict=False)):
                walk(x, y, f"{where}[{index}]")
        elif a != b:
            found.append(f"{where}: {json.dumps(a, ensure_ascii=False)} → {json.dumps(b, ensure_ascii=False)}")

    walk(expected, actual, path)
    return found
