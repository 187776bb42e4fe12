"""The one place that defines arithmetic and rounding.

Every score is a `Decimal`. Quotients carry 34 significant digits (IEEE
decimal128 precision); nothing is rounded except where the policy's
rounding regime says so, by the mode it names. Division by zero, overflow
and invalid operations raise instead of producing NaN or infinity.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.DivisionByZero, decimal.InvalidOperation, decimal.Overflow],
)

PRECISION = CONTEXT.prec  # significant digits a value in the data may have

MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def quantize(value: Decimal, places: int, mode: str = "half_up") -> Decimal:
    """`value` rounded to `places` decimals by the named mode (四舍五入 = half_up)."""
    exponent = Decimal(1).scaleb(-places)
    return value.quantize(exponent, rounding=MODES[mode], context=CONTEXT)


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
    plain = format(value, "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return "0" if plain == "-0" else plain


def show(value: Decimal, places: int = 6) -> str:
    """A decimal for people: exact when short, else cut to `places` decimals with an ellipsis."""
    exact = text(value)
    decimals = exact.partition(".")[2]
    if len(decimals) <= places:
        return exact
    return format(value.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_DOWN), "f") + "…"
