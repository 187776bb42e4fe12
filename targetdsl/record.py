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

from targetdsl import nodes as n
from targetdsl.data import Unit
from targetdsl.formatter import Printer
from targetdsl.inheritance import Effective
from targetdsl.numeric import text
from targetdsl.results import to_json

RECORD_VERSION = 1


def sha256_text(text: str) -> str:
    # surrogatepass: a lone surrogate in a name (JSON data may spell one) is hashed, not a crash;
    # for every other text this is plain UTF-8
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def canonical_policy(effective: Effective) -> str:
    """The effective policy as canonical text: declarations sorted by kind and name, no comments."""
    printer = Printer()
    if effective.header is not None:
        printer.declaration(effective.header, "")
    for declaration in sorted(effective.declarations, key=n.declaration_key):
        printer.declaration(declaration, "")
    return "\n".join("    " * line.depth + line.text for line in printer.lines) + "\n"


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
    if kind is Unit:
        fields = {a.name: getattr(value, a.name) for a in attrs.fields(Unit)}
        fields["rules"] = {f"{rule_kind}/{name}": inputs for (rule_kind, name), inputs in value.rules.items()}
        return fields
    if attrs.has(kind):
        return {a.name: getattr(value, a.name) for a in attrs.fields(kind)}
    return to_json(value)



def relative(path: str | os.PathLike[str], base: Path) -> str:
    return os.path.relpath(Path(path).resolve(), base.resolve()).replace(os.sep, "/")


def make_record(*, record_path: Path, policy_path: str, data_path: str, carry_in: str | None,
                period: str | None, result: dict[str, Any]) -> dict[str, Any]:
    base = record_path.resolve().parent
    policy_dir = Path(policy_path).resolve().parent
    files = [{"file": policy_dir / f["file"], "sha256": f["sha256"]} for f in result["provenance"]["sources"]]
    return {
        "record": RECORD_VERSION,
        "policy": {"path": relative(policy_path, base), "sha256": result["provenance"]["policy_sha256"],
                   "files": [{"path": relative(f["file"], base), "sha256": f["sha256"]} for f in files]},
        "data": {"path": relative(data_path, base), "sha256": sha256_file(data_path)},
        "carry_in": None if carry_in is None else {"path": relative(carry_in, base), "sha256": sha256_file(carry_in)},
        "period": period,
        "result_sha256": sha256_text(canonical_json(result)),
        "result": result,
    }


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
