"""The values of a unit's inputs: numbers (exact decimals, as text, integers, decimals or floats that stand
for one), percentages (stored as fractions), dates, booleans, the words of an input read as numbers, and what
a missing value is by the input's rule; each reported naming its field. `_converter` reads the usual case of
an input in fewer steps, and leaves everything else to `value`."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from targetdsl.language import nodes as n
from targetdsl.language.schema import InputSpec
from targetdsl.numeric import CONTEXT, HUNDRED, PRECISION, ZERO
from targetdsl.units.fields import _shown_value, excerpt, nearest
from targetdsl.values import NOT_APPLICABLE, PEER_AVERAGE, DateText, PercentCell, ShownNumber, Value

if TYPE_CHECKING:
    from targetdsl.units.data import Validator


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")

# Spreadsheet cells spell booleans in words.
BOOLEAN_WORDS = {"true": True, "false": False, "yes": True, "no": False, "是": True, "否": False}

# A number as text: digits with an optional point and exponent; nothing Python's Decimal also takes
# (`8_0`, `Infinity`, other scripts' digits), no comma. `[0-9]`, because `\d` is any script's digits.
NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

# A number without an exponent: the usual case, read in fewer steps (one with an exponent is judged by
# Validator.number, which refuses a CSV cell holding a number as Excel shows it rounded: values.ShownNumber)
PLAIN_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")

# Commas are thousands separators only where they separate thousands: 1,200 and -1,234,567.50.
GROUPED_TEXT = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")

NOT_FINITE = {"nan", "snan", "inf", "infinity"}


def values(
    validator: Validator, raw: Mapping[str, Any], specs: Mapping[str, InputSpec], field: str, check_unknown: bool = True
) -> dict[str, Value]:
    if check_unknown and not raw.keys() <= specs.keys():
        for key in sorted(set(map(str, raw)) - set(specs)):
            validator.unknown(
                f"{field}.{key}",
                "unknown input; the policy declares " + (", ".join(sorted(specs)) or "no inputs here"),
                among=specs,
            )
    values: dict[str, Value] = {}
    converters = validator.converters
    for spec in specs.values():
        given = raw.get(spec.name)
        convert = converters.get(id(spec))
        if convert is None:
            convert = converters[id(spec)] = _converter(spec)
        quick = convert(given)
        if isinstance(quick, _Unusual):
            value = validator.value(spec, given, f"{field}.{spec.name}")
            if value is not None:
                values[spec.name] = value
        else:
            values[spec.name] = quick
    for spec in specs.values():
        if spec.low_input is not None or spec.high_input is not None:
            validator.bounded_by_inputs(spec, raw, values, field)
    return values


def bounded_by_inputs(
    validator: Validator, spec: InputSpec, raw: Mapping[str, Any], values: dict[str, Value], field: str
) -> None:
    """A range end that names another input (`range 0 to subs`): the value may not pass the
    other input's value. Both fields are named; a missing value on either side is left alone."""
    value = values.get(spec.name)
    if type(value) is not Decimal:
        return
    for other, above in ((spec.high_input, True), (spec.low_input, False)):
        if other is None:
            continue
        bound = values.get(other)
        if type(bound) is not Decimal or (value <= bound if above else value >= bound):
            continue
        given = raw.get(other)
        shown = (
            f"= {excerpt(given)}"
            if given is not None and str(given).strip()
            else f"(missing, so taken as {excerpt(bound * HUNDRED if spec.type in ('percent', 'pp') else bound)})"
        )
        validator.problem(
            f"{field}.{spec.name}",
            f"{excerpt(raw.get(spec.name))} is {'above' if above else 'below'} "
            f"{field}.{other} {shown}, the {'upper' if above else 'lower'} end of its range",
            code="data.out-of-range",
        )


def value(validator: Validator, spec: InputSpec, raw: Any, field: str) -> Value | None:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return validator.missing(spec, field)
    if spec.choices is not None:
        return validator.word(spec, spec.choices, raw, field)
    if spec.type in ("percent", "pp"):
        # `11.5%` (a cell formatted as a percentage, or the text) is 11.5 where the input is a percentage
        if isinstance(raw, PercentCell):
            raw = raw.shown
            if validator.percents is not None and spec.type == "percent":
                validator.percents.mark(field, validator.unit_label, raw)
        elif isinstance(raw, str) and raw.rstrip().endswith(("%", "％")):
            raw = raw.rstrip()[:-1]
            shown = _decimal(raw.strip()) if validator.percents is not None and spec.type == "percent" else None
            if shown is not None and validator.percents is not None:
                validator.percents.mark(field, validator.unit_label, shown)
    elif isinstance(raw, PercentCell):
        validator.problem(
            field,
            f"the cell shows {raw}, but `{spec.name}` is {_a(spec.type)}, not a percentage: "
            f"type the value itself ({_fraction(raw.shown)}) in a cell without the % format",
            code="data.percent-cell",
        )
        return None
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[raw.strip().lower()]
        validator.problem(field, f"expected true or false, found {_shown_value(raw)}", code="data.bad-value")
        return None
    if spec.type == "date":
        date = validator.date(raw, field)
        if date is not None and validator.year is not None and date.year != validator.year:
            validator.problem(
                field, f"{date} is outside the assessment year {validator.year}", code="data.date-outside-year"
            )
            return None
        return date
    number = validator.number(raw, field)
    if number is None:
        return None
    if spec.type == "count" and (number < 0 or number != number.to_integral_value()):
        validator.problem(field, f"expected a whole number of at least 0, found {excerpt(raw)}", code="data.bad-number")
        return None
    # Ranges are written as the data is: `range 0 to 100` on a percent input means 0 % to 100 %.
    if spec.low is not None and number < spec.low.value or (spec.high is not None and number > spec.high.value):
        low = spec.low.value if spec.low else "…"
        high = spec.high.value if spec.high else "…"
        validator.problem(field, f"{raw} is outside the declared range {low} to {high}", code="data.out-of-range")
        return None
    if spec.divisor and number < 0:
        validator.problem(
            field, f"{raw} is negative, and the formula divides by `{spec.name}`", code="data.out-of-range"
        )
        return None
    if spec.type in ("percent", "pp"):
        return CONTEXT.divide(number, HUNDRED)
    return number


def word(validator: Validator, spec: InputSpec, choices: dict[str, Decimal], raw: Any, field: str) -> Decimal | None:
    """An input of words: the number of the word the data give (spaces around it ignored); anything
    else — another word, a number, a percent cell — is refused, naming the words and the nearest one."""
    if isinstance(raw, PercentCell):
        raw = str(raw)
    if type(raw) is str and raw.strip() in choices:
        return choices[raw.strip()]
    given = raw.strip() if isinstance(raw, str) else str(raw)
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool) and given in choices:
        return choices[given]  # a word written in digits (`"1": 6`), which YAML or a cell reads as a number
    hint = nearest(given, choices)
    holding = [word for word in choices if given and (given in word or word in given)]
    if not hint and len(holding) == 1:  # `差` for `差（含）`: too short for a close match, but only one word has it
        hint = f"; did you mean `{holding[0]}`?"
    validator.problem(
        field,
        f"expected one of the words of `{spec.name}` ({', '.join(choices)}), found {_shown_value(raw)}" + hint,
        code="data.bad-value",
    )
    return None


def missing(validator: Validator, spec: InputSpec, field: str) -> Value | None:
    if spec.missing == "zero":
        return ZERO
    if spec.missing == "na":
        return NOT_APPLICABLE
    if spec.missing == "peer_avg":
        return PEER_AVERAGE
    if spec.missing == "default" and spec.default is not None:
        return literal(spec.default, spec.type)
    if spec.last_year is not None:  # read from last year's results, which have none for this unit
        validator.problem(
            field,
            f"no {spec.last_year} last year for this unit in last year's results: it is new, or declare "
            f"what `{spec.name}` is without one (`missing na`, `missing default …`)",
            code="data.last-year",
        )
        return None
    validator.problem(field, "missing value" + (f" ({spec.label})" if spec.label else ""), code="data.missing-value")
    return None


def number(validator: Validator, raw: Any, field: str) -> Decimal | None:
    if type(raw) is str and len(raw) <= PRECISION and PLAIN_TEXT.fullmatch(raw):
        # the common case, checked as below but in fewer steps
        number = _decimal(raw)
        if number is not None and -15 <= number.adjusted() <= 15:
            return CONTEXT.add(number, ZERO)
    if isinstance(raw, bool):
        validator.problem(field, f"expected a number, found {str(raw).lower()}", code="data.bad-number")
        return None
    if isinstance(raw, PercentCell):
        validator.problem(
            field,
            f"the cell shows {raw}, but this is not a percentage: type the value itself in a cell without the % format",
            code="data.percent-cell",
        )
        return None
    if isinstance(raw, int):
        # the same checks as the same digits written as text (a JSON or YAML integer, an Excel cell)
        if raw.bit_length() > 133:  # more than 40 digits; str() of a long int is itself limited
            validator.problem(field, "a number with more than 40 characters", code="data.bad-number")
            return None
        number = Decimal(raw)
    elif isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, str):
        # Full-width digits typed with a Chinese input method are the digits they show;
        # any other non-ASCII character (Arabic-Indic digits, …) is refused.
        text = raw.strip()
        if not text.isascii():
            text = text.translate(FULL_WIDTH_DIGITS)
        if "," in text:
            if not GROUPED_TEXT.fullmatch(text):
                validator.problem(
                    field,
                    f"`{excerpt(raw)}`: a comma is read only as a thousands separator "
                    "(1,200 or 1,234,567.5); write the number without it (a decimal point is `.`)",
                    code="data.bad-number",
                )
                return None
            text = text.replace(",", "")
        if len(text) > 40:
            validator.problem(field, "a number with more than 40 characters", code="data.bad-number")
            return None
        if not NUMBER_TEXT.fullmatch(text):
            if text.lower().lstrip("+-") in NOT_FINITE:
                validator.problem(field, f"`{raw}` is not a finite number", code="data.bad-number")
            else:
                validator.problem(field, f"expected a number, found `{raw}`", code="data.bad-number")
            return None
        parsed = _decimal(text)
        if parsed is None:  # an exponent beyond what a decimal can hold
            validator.problem(field, f"{raw} is outside the range of plausible values", code="data.bad-number")
            return None
        if isinstance(raw, ShownNumber) and (parsed.adjusted() >= 11 or parsed.adjusted() <= -5):
            if -15 <= parsed.adjusted() <= 15:
                validator.problem(
                    field,
                    f"`{excerpt(raw)}` is how Excel shows a number of 12 digits or more, or below 0.0001, "
                    "rounded to 6 significant digits, and a CSV file keeps only what is shown: format the "
                    "column as Number in Excel and save again, or write the number in full",
                    code="data.bad-number",
                )
                return None
        number = parsed
    elif isinstance(raw, float):
        parsed = float_decimal(raw)
        if parsed is None:
            validator.problem(
                field,
                f"{raw!r} is a binary float that is not a number of at most {FLOAT_DIGITS} significant digits "
                "(the result of a computation?): round it, or pass it as Decimal or text",
                code="data.bad-number",
            )
            return None
        number = parsed
    else:
        validator.problem(field, f"expected a number, found {_shown_value(raw)}", code="data.bad-number")
        return None
    if not number.is_finite():
        validator.problem(field, f"`{raw}` is not a finite number", code="data.bad-number")
        return None
    if not -15 <= number.adjusted() <= 15:
        validator.problem(field, f"{raw} is outside the range of plausible values", code="data.bad-number")
        return None
    if len(number.as_tuple().digits) > PRECISION:
        validator.problem(field, f"{raw} has more than {PRECISION} significant digits", code="data.bad-number")
        return None
    return CONTEXT.add(number, ZERO)  # exact: normalises -0 to 0, 1E+2 to 100


def date(validator: Validator, raw: Any, field: str) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    at = f" (line {raw.line})" if isinstance(raw, DateText) else ""
    parts = _date_parts(text)
    if parts is None:
        # Python would also take 20031120 or 2003-W47-4, which nobody types as a date; 12/05/2003 is
        # December 5 to some and May 12 to others
        validator.problem(
            field,
            f"expected a date such as 2003-12-05, 2003/12/05 or 2003年12月5日, found {_shown_value(raw)}{at}",
            code="data.bad-date",
        )
        return None
    try:
        return datetime.date(*parts)
    except ValueError:
        validator.problem(
            field, f"`{text}`{at} is not a day of the calendar: {_no_such_day(*parts)}", code="data.bad-date"
        )
        return None


# A date as people type it, the year first: 2003-12-05, 2003/12/5, 2003.12.05, 2003年12月5日 (digits
# typed full-width by a Chinese input method are the digits they show). Nothing else: not 20031120,
# not a week date, not 12/05/2003, whose order differs from one country to another.
DATE_TEXT = re.compile(
    r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?)",
    re.ASCII,
)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date typed in one of the usual forms, not yet checked against the calendar."""
    match = DATE_TEXT.fullmatch(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    year, _, month, day, chinese_month, chinese_day = match.groups()
    return int(year), int(month or chinese_month), int(day or chinese_day)


def _no_such_day(year: int, month: int, day: int) -> str:
    """Why a typed date is no day: `2004-02-30` → February 2004 has 29 days."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year < 1:
        return "there is no year 0"
    import calendar

    days = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {days} days" if day else "there is no day 0"


def literal(expr: n.Expr, type_name: str) -> Value:
    """The value of a literal default (`missing default 1`, `default true`)."""
    match expr:
        case n.Boolean(value=value):
            return value
        case n.Date(value=value):
            return value
        case n.Number(value=value, unit=unit):
            return (
                CONTEXT.divide(value, HUNDRED) if unit in ("percent", "pp") or type_name in ("percent", "pp") else value
            )
        case n.Unary(op="-", operand=n.Number(value=value, unit=unit)):
            # scaled like its number: `default -2%` is −0.02, not −2
            negative = CONTEXT.minus(value)
            scaled = unit in ("percent", "pp") or type_name in ("percent", "pp")
            return CONTEXT.divide(negative, HUNDRED) if scaled else negative
    raise ValueError(f"not a literal: {expr!r}")


class _Unusual:
    """The quick converter's answer for a value it leaves to `Validator.value` (missing, malformed,
    out of range…). A returned marker, never a raised exception: a shared exception instance raised
    again and again keeps a longer traceback each time, and with it every frame and record it saw."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNUSUAL"


UNUSUAL = _Unusual()


def _converter(spec: InputSpec) -> Callable[[Any], Value | _Unusual]:
    """`Validator.value` for the usual case of one input — a plain number as text, a JSON number, a
    boolean — giving the same value, in fewer steps; for anything else it returns UNUSUAL, and `value`
    decides (and reports the problem, if there is one)."""
    if spec.choices is not None:
        words = spec.choices

        def word(raw: Any) -> Value | _Unusual:
            # the word exactly as declared; spaces around it, and any problem, are `Validator.word`'s
            return words.get(raw, UNUSUAL) if type(raw) is str else UNUSUAL

        return word
    if spec.type == "bool":

        def boolean(raw: Any) -> Value | _Unusual:
            if raw is True or raw is False:
                return bool(raw)
            return UNUSUAL

        return boolean
    if spec.type == "date":

        def date(raw: Any) -> Value | _Unusual:
            return UNUSUAL

        return date
    low = spec.low.value if spec.low is not None else None
    high = spec.high.value if spec.high is not None else None
    whole = spec.type == "count"
    divisor = spec.divisor
    scaled = spec.type in ("percent", "pp")

    def number(raw: Any) -> Value | _Unusual:
        kind = type(raw)
        if kind is str:
            if len(raw) > PRECISION or not PLAIN_TEXT.fullmatch(raw):
                return UNUSUAL
            parsed = _decimal(raw)
            if parsed is None:
                return UNUSUAL
            value = parsed
        elif kind is Decimal:
            value = raw
            if value.is_finite() and len(value.as_tuple().digits) > PRECISION:
                return UNUSUAL
        elif kind is int:
            if raw.bit_length() > 113:  # beyond 34 digits: `number` says why
                return UNUSUAL
            value = Decimal(raw)
        elif kind is float:
            parsed = float_decimal(raw)
            if parsed is None:
                return UNUSUAL
            value = parsed
        else:
            return UNUSUAL
        if not value.is_finite() or not -15 <= value.adjusted() <= 15:
            return UNUSUAL
        value = CONTEXT.add(value, ZERO)
        if whole and (value < ZERO or value != value.to_integral_value()):
            return UNUSUAL
        if low is not None and value < low or high is not None and value > high or divisor and value < ZERO:
            return UNUSUAL
        return CONTEXT.divide(value, HUNDRED) if scaled else value

    return number


def _default_of(spec: InputSpec) -> Decimal | None:
    """An input's `missing default`, as validation holds it (a percentage as its fraction)."""
    if spec.default is None:
        return None
    value = literal(spec.default, spec.type)
    return value if type(value) is Decimal else None


FLOAT_DIGITS = 15  # every decimal of at most 15 significant digits is the one a binary float shows


def float_decimal(value: float) -> Decimal | None:
    """The decimal a Python float stands for, as written: `0.1` is 0.1, not 0.1000000000000000055…. A float's
    repr is the shortest decimal that reads back as it; with at most 15 significant digits that decimal is
    the one the program wrote (15 digits always survive a round trip through a binary float). A float with
    more (`0.1 + 0.2` is 0.30000000000000004), infinite or not a number is None: its decimal is not known."""
    if not math.isfinite(value):
        return None
    number = Decimal(repr(value))
    return number if len(number.as_tuple().digits) <= FLOAT_DIGITS else None


def _decimal(text: str) -> Decimal | None:
    """The decimal of a text that matched NUMBER_TEXT; None when its exponent is beyond any context."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _a(type_name: str) -> str:
    return {"count": "a count", "money": "an amount of money", "bool": "true or false", "date": "a date"}.get(
        type_name, f"a {type_name}"
    )


def _fraction(shown: Decimal) -> str:
    """What a percentage cell holds, written as the number it is: 11.5 % → 0.115."""
    return f"{CONTEXT.divide(shown, HUNDRED).normalize(CONTEXT):f}"
