"""What every part of validation shares: the sections of a record, a section read as a mapping, and the
data's texts read as a person reads them (an id, a class, a level) and quoted in messages."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from targetdsl.values import PercentCell

if TYPE_CHECKING:
    from targetdsl.units.data import Validator


UNIT_KEYS = {
    "id",
    "name",
    "class",
    "inputs",
    "indicators",
    "vetoes",
    "bonuses",
    "deductions",
    "awards",
    "coefficients",
    "commendations",
}

RULE_SECTIONS = {
    "veto": "vetoes",
    "deduction": "deductions",
    "award": "awards",
    "coefficient": "coefficients",
    "commendation": "commendations",
}


def identifier(text: str) -> str:
    """An id (or a class, a level) as a person reads it: trimmed of spaces (also non-breaking and
    ideographic ones), and full-width forms the characters they show (NFKC: `Ｃ０１` is `C01`).
    Case and leading zeros stay: `c01` and `001` are other texts to a reader too."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def text_of(value: Any) -> str | None:
    """A value that may be a name or an id, as its text: text, a whole or plain decimal number as
    written, a date; None for anything else (a list, a mapping, true/false, a float from Python)."""
    kind = type(value)
    if isinstance(value, str) or kind is int:
        return str(value)
    if kind is Decimal and value.is_finite() and "E" not in str(value):
        return str(value)
    if kind is datetime.date:
        return str(value.isoformat())
    return None


def nearest(name: str, known: Iterable[str], *, cutoff: float = 0.5) -> str:
    """`; did you mean `增速`?` when a known name is close to `name` (a misspelling, a character typed
    with the wrong input method, another case), else nothing. Ids are short and alike (C01, C10):
    for them a higher `cutoff` keeps the hint from naming another unit."""
    import difflib

    names = [str(k) for k in known]
    same = [k for k in names if k.casefold() == name.casefold()]
    close = same or difflib.get_close_matches(name, names, n=1, cutoff=cutoff)
    return f"; did you mean `{close[0]}`?" if close and close[0] != name else ""


def excerpt(value: Any) -> str:
    """A value as a message quotes it: at most 40 characters."""
    if isinstance(value, int) and value.bit_length() > 133:
        return "a number with more than 40 digits"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _shown_value(value: Any) -> str:
    """A value as a message names it: text and numbers quoted as written, anything else in words."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Mapping):
        return "a mapping of names to values"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, (bytes, bytearray)):
        return "bytes (give text)"
    if isinstance(value, float):
        return f"the binary float {value!r}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (str, int, Decimal, PercentCell)):
        return f"`{excerpt(value)}`"
    return "a value that is neither text nor a number"


def _mapping(raw: Any, field: str, validator: Validator) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        validator.problem(field, "expected a mapping of names to values", code="data.bad-shape")
        return {}
    # Keys that are not text (a YAML `1:`) match no name; they are reported as unknown, by their text.
    return raw if type(raw) is dict else dict(raw)
