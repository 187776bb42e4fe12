"""The one place that defines arithmetic and rounding.

Every score is a `Decimal`. Quotients carry 34 significant digits (IEEE
decimal128 precision); nothing is rounded except where the policy's
rounding regime says so, by the mode it names. Division by zero, overflow
and invalid operations raise instead of producing NaN or infinity; the
evaluators turn them into errors located at the expression. Values in
data, literals in policies and measure scores are plausible: below 10¹⁶
in size, so rounding them to the policy's places never runs out of digits.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import NamedTuple, ParamSpec, TypeVar

CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.DivisionByZero, decimal.InvalidOperation, decimal.Overflow],
)

PRECISION = CONTEXT.prec  # significant digits a value in the data may have
MAGNITUDE = 15  # the largest power of ten in a plausible value: data, policy literals, measure scores

MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}  # the policy's words for the decimal module's rounding modes

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


_STEPS: dict[int, Decimal] = {}  # 10^-places, by places


def quantize(value: Decimal, places: int, mode: str = "half_up") -> Decimal:
    """`value` rounded to `places` decimals by the named mode (四舍五入 = half_up), exactly.

    A value too large to show `places` decimals within 34 significant digits (10³² at 2 places) has no
    digits there to round (at most the last one carries): it is rounded with the digits it needs instead
    of raising. Where such a value is a mistake (a measure's score) the caller refuses it first (`plausible`).
    """
    exponent = _STEPS.get(places)
    if exponent is None:
        exponent = _STEPS[places] = Decimal(1).scaleb(-places)
    rounding = MODES[mode]
    try:
        return value.quantize(exponent, rounding=rounding, context=CONTEXT)
    except decimal.InvalidOperation:
        if not value.is_finite():
            raise
    wide = CONTEXT.copy()
    wide.prec = value.adjusted() + places + 2
    return value.quantize(exponent, rounding=rounding, context=wide)


def plausible(value: Decimal) -> bool:
    """Whether `value` is smaller than 10¹⁶ in size, as every value in data and policies is."""
    return not value or value.adjusted() <= MAGNITUDE


def whole(value: Decimal, mode: str) -> int:
    """`value` rounded to a whole number: quota head counts (down, up = 进一法, half_up = 四舍五入)."""
    return int(quantize(value, 0, mode))


def normalize(value: Decimal) -> Decimal:
    """The same number without trailing zeros in the exponent (2.50 → 2.5, 100 → 100)."""
    if value == value.to_integral_value():
        return value.quantize(ONE, context=CONTEXT)
    return value.normalize(CONTEXT)


def text(value: Decimal) -> str:
    """A decimal as plain text without trailing zeros, never in exponent notation (2.50 → 2.5)."""
    plain = str(value)  # the same as format(value, "f") without an exponent, in less than half the time
    if "E" in plain or "e" in plain:  # `e` where the caller's context writes it small (capitals=0)
        plain = format(value, "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return "0" if plain == "-0" else plain


class Shown(NamedTuple):
    """How CSV and JSON Lines show a computed figure (a measure's or a category's score, a bonus, the
    deductions): to the policy's places, by its mode, when it has more decimals than that (the 34 digits of
    a quotient); as it is when it has no more (`3` stays `3`). The figures themselves stay exact: the API,
    JSON, explanations and the workbook's exact sheet give every digit. `Shown(None)` shows them exact."""

    places: int | None
    mode: str = "half_up"

    def __call__(self, value: Decimal) -> str:
        plain = text(value)
        if self.places is None:
            return plain
        point = plain.find(".")
        if point < 0 or len(plain) - point - 1 <= self.places:
            return plain
        return text(quantize(value, self.places, self.mode))

    def of(self, written: str) -> str:
        """A figure already written as text (`text`'s form) shown as `__call__` shows its value."""
        point = written.find(".")
        if self.places is None or point < 0 or len(written) - point - 1 <= self.places:
            return written
        return text(quantize(Decimal(written), self.places, self.mode))


EXACT = Shown(None)


def show(value: Decimal, places: int = 6) -> str:
    """A decimal for people: exact when short, else cut to `places` decimals with an ellipsis; a number
    with more whole digits than the arithmetic carries in exponent notation (1E+7680), exact and short."""
    if value and value.adjusted() >= PRECISION:
        return str(value.normalize(CONTEXT))
    exact = text(value)
    decimals = exact.partition(".")[2]
    if len(decimals) <= places:
        return exact
    return format(quantize(value, places, "down"), "f") + "…"


SUM_DIGITS = 10_000  # the widest exact sum: values further apart in size than this are refused


class SumTooWideError(ArithmeticError):
    """Values too far apart in size (more than SUM_DIGITS digits between the largest and the smallest
    digit) to be summed exactly: no plausible policy makes them."""


def exact_sum(values: Iterable[Decimal], start: Decimal = ZERO) -> Decimal:
    """`start` plus every value, exactly: no digit rounded away, so the same digits and exponent whatever
    the order of the values and however they are split and the parts added (a sum in 34 digits depends
    on the order: 100,000 quotients summed in 8 parts end in another digit than summed in one).

    Added first in a wide context that traps any rounding; the few sums that need more digits are redone
    with exactly the digits they need (from the largest value's first digit to the smallest's last).
    """
    terms = values if isinstance(values, (list, tuple)) else list(values)
    try:
        return _add_all(_WIDE, terms, start)
    except decimal.Rounded:
        pass
    count = len(terms) + 1
    every = [start, *terms]
    high = max(t.adjusted() for t in every if t) if any(every) else 0
    low = min(int(t.as_tuple().exponent) for t in every)  # finite: the context traps the rest
    digits = high - low + len(str(count)) + 2
    if digits > SUM_DIGITS:
        raise SumTooWideError(f"the values span {digits} digits")
    context = _WIDE.copy()
    context.prec = digits
    return _add_all(context, terms, start)


def _add_all(context: decimal.Context, terms: Iterable[Decimal], start: Decimal) -> Decimal:
    add = context.add
    total = start
    for term in terms:
        total = add(total, term)
    return total


_WIDE = decimal.Context(
    prec=3 * PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=CONTEXT.Emin,
    Emax=CONTEXT.Emax,
    traps=[decimal.Rounded, decimal.DivisionByZero, decimal.InvalidOperation, decimal.Overflow],
)


def percent_of(percent: Decimal, count: int) -> Decimal:
    """`percent`% of `count`, exactly: a quota's head count before it is rounded to a whole number by the
    policy's mode. Taken in 34 digits, 0.0999000999…% of 1,001 units came to 1 rounded down, not 0."""
    return _WIDE.multiply(percent, Decimal(count)).scaleb(-2, context=_WIDE)


def average(total: Decimal, count: int) -> Decimal:
    """An exact sum of `count` values divided by the count, rounded once in the policy's context."""
    return CONTEXT.divide(total, Decimal(count))


Result = TypeVar("Result")
Parameters = ParamSpec("Parameters")


def in_context(function: Callable[Parameters, Result]) -> Callable[Parameters, Result]:
    """`function` run in the policy's decimal context, whatever the caller's (a thread's default context
    has 28 digits): every operator on decimals inside it computes as the policy says, and the caller's
    context is as it was afterwards."""

    @functools.wraps(function)
    def entered(*args: Parameters.args, **kwargs: Parameters.kwargs) -> Result:
        with decimal.localcontext(CONTEXT):
            return function(*args, **kwargs)

    return entered
