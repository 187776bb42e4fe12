"""The built-in functions of the expression language, declared and implemented once: name, arity,
whether they read the unit's whole class, and what they compute.

The checker reads this table to validate calls; the reference interpreter and the generated code both
call the implementations here, so what `round` does with a negative number,
the order of `clamp`'s arguments or `efficacy` when every unit is equal is written once. A function of
the unit's own values (`apply`) takes the arguments' values; a class-wide one (`over_class`) takes the
class's statistics (`ClassValues`, built once per expression and class) and the unit's own value.
Implementations compute in the policy's context (`numeric.CONTEXT`) and raise only the decimal traps,
which the evaluators locate at the call. Nothing here loops over policy structure, recurses or
touches the host.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import attrs

from targetdsl.numeric import CONTEXT, HUNDRED, ZERO, SumTooWideError, average, exact_sum, quantize


@attrs.frozen(slots=True)
class ClassValues:
    """One expression's values over a unit's class and the statistics class-wide functions read.

    Built once per expression and class (`of`): the values are summed exactly and sorted once, so each
    unit's `rank` is a bisection and its min, max and mean are read, not recomputed — a class of N units
    costs N log N, not N². The sum is exact (`numeric.exact_sum`), so the mean — that sum divided by the
    count, rounded once in the policy's context — is the same whatever the order of the units, and the
    statistics of parts of a class `merge` into those of the whole, digit for digit.
    """

    count: int
    ordered: tuple[Decimal, ...]  # ascending
    mean: Decimal | None  # the exact sum divided by the count; None: the values are too far apart to sum
    low: Decimal | None  # the first smallest and the first largest in class order: among equal values
    high: Decimal | None  # (2.0 and 2.00) the same one as min() and max() would pick
    total: Decimal | None = None  # the exact sum (None as for the mean)

    @classmethod
    def of(cls, values: list[Decimal]) -> ClassValues:
        if not values:
            return cls(0, (), ZERO, None, None, ZERO)
        try:
            total: Decimal | None = exact_sum(values)
        except SumTooWideError:
            total = None
        return cls.made(len(values), tuple(sorted(values)), total, min(values), max(values))

    @classmethod
    def made(
        cls, count: int, ordered: tuple[Decimal, ...], total: Decimal | None, low: Decimal, high: Decimal
    ) -> ClassValues:
        return cls(count, ordered, average(total, count) if total is not None else None, low, high, total)

    def merge(self, later: ClassValues) -> ClassValues:
        """The statistics of this part of a class followed, in class order, by `later`'s units."""
        if not later.count:
            return self
        if not self.count:
            return later
        assert self.low is not None and self.high is not None and later.low is not None and later.high is not None
        try:
            total = (
                exact_sum((later.total,), self.total) if self.total is not None and later.total is not None else None
            )
        except SumTooWideError:
            total = None
        return ClassValues.made(
            self.count + later.count,
            tuple(heapq.merge(self.ordered, later.ordered)),
            total,
            later.low if later.low < self.low else self.low,  # on a tie the earlier one, as min() picks
            later.high if later.high > self.high else self.high,
        )

    def above(self, value: Decimal) -> int:
        """How many values are greater than `value`."""
        return self.count - bisect.bisect_right(self.ordered, value)

    def below(self, value: Decimal) -> int:
        """How many values are less than `value`."""
        return bisect.bisect_left(self.ordered, value)


class EmptyClassError(Exception):
    """A class-wide function over a class in which no unit has a value (the evaluator says where)."""


class TooWideError(Exception):
    """`peer_avg` over values too far apart in size to be summed exactly (the evaluator says where)."""


Plain = Callable[..., Decimal]  # the arguments' values → the result
OverClass = Callable[[ClassValues, Decimal], Decimal]  # the class's statistics, the unit's own value → the result


@attrs.frozen(slots=True)
class Function:
    name: str
    min_args: int
    max_args: int | None
    summary: str
    apply: Plain | None = None  # a function of the unit's own values
    over_class: OverClass | None = None  # a class-wide function: needs the whole class (two passes)

    @property
    def peer(self) -> bool:
        return self.over_class is not None


def smallest(*values: Decimal) -> Decimal:
    """The first of the smallest values: `min(2.0, 2.00)` is 2.0."""
    return min(values)


def largest(*values: Decimal) -> Decimal:
    """The first of the largest values."""
    return max(values)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """`value` limited to [low, high]; with low above high, low wins below it and high above it."""
    return low if value < low else high if value > high else value


def absolute(value: Decimal) -> Decimal:
    return CONTEXT.abs(value)


def rounded(value: Decimal, places: Decimal) -> Decimal:
    """Half-up (四舍五入, away from zero on a tie: round(-2.5, 0) is -3) to a whole number of places. The
    checker admits only places written as a whole number, 0 or more; given others, the places are taken
    toward zero (2.9 places are 2) and may be negative (round(1250, -2) is 1.3E+3)."""
    return quantize(value, int(places), "half_up")


def floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR, context=CONTEXT)


def ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING, context=CONTEXT)


def _bounds(values: ClassValues) -> tuple[Decimal, Decimal]:
    if values.low is None or values.high is None:
        raise EmptyClassError
    return values.low, values.high


def peer_min(values: ClassValues, own: Decimal) -> Decimal:
    return _bounds(values)[0]


def peer_max(values: ClassValues, own: Decimal) -> Decimal:
    return _bounds(values)[1]


def peer_avg(values: ClassValues, own: Decimal) -> Decimal:
    _bounds(values)
    if values.mean is None:
        raise TooWideError
    return values.mean


def peer_count(values: ClassValues, own: Decimal) -> Decimal:
    return Decimal(values.count)


def rank(values: ClassValues, own: Decimal) -> Decimal:
    _bounds(values)
    return Decimal(1 + values.above(own))


def rank_asc(values: ClassValues, own: Decimal) -> Decimal:
    _bounds(values)
    return Decimal(1 + values.below(own))


def efficacy(values: ClassValues, own: Decimal) -> Decimal:
    """功效系数: 60 at the class's lowest value, 100 at its highest; 100 for every unit when all are equal."""
    low, high = _bounds(values)
    if high == low:
        return HUNDRED
    return CONTEXT.add(
        60, CONTEXT.divide(CONTEXT.multiply(40, CONTEXT.subtract(own, low)), CONTEXT.subtract(high, low))
    )


def efficacy_reverse(values: ClassValues, own: Decimal) -> Decimal:
    """功效系数 where lower is better: 100 at the lowest value, 60 at the highest."""
    low, high = _bounds(values)
    if high == low:
        return HUNDRED
    return CONTEXT.add(
        60, CONTEXT.divide(CONTEXT.multiply(40, CONTEXT.subtract(high, own)), CONTEXT.subtract(high, low))
    )


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("min", 2, None, "the smallest of its arguments", apply=smallest),
        Function("max", 2, None, "the largest of its arguments", apply=largest),
        Function("clamp", 3, 3, "clamp(x, low, high): x limited to [low, high]", apply=clamp),
        Function("abs", 1, 1, "the absolute value", apply=absolute),
        Function("round", 2, 2, "round(x, places): half-up to a whole number of places", apply=rounded),
        Function("floor", 1, 1, "the largest whole number not above x", apply=floor),
        Function("ceil", 1, 1, "the smallest whole number not below x", apply=ceil),
        Function("peer_min", 1, 1, "the smallest value of x in the unit's class", over_class=peer_min),
        Function("peer_max", 1, 1, "the largest value of x in the unit's class", over_class=peer_max),
        Function("peer_avg", 1, 1, "the mean of x over the unit's class", over_class=peer_avg),
        Function("peer_count", 0, 0, "the number of units in the class", over_class=peer_count),
        Function("rank", 1, 1, "1 for the highest x in the class, ties share a rank", over_class=rank),
        Function("rank_asc", 1, 1, "1 for the lowest x in the class, ties share a rank", over_class=rank_asc),
        Function("efficacy", 1, 1, "60 + 40·(x − min)/(max − min) over the class (功效系数)", over_class=efficacy),
        Function(
            "efficacy_reverse", 1, 1, "60 + 40·(max − x)/(max − min): lower is better", over_class=efficacy_reverse
        ),
    )
}
