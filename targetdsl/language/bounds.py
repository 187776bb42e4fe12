"""Whether a score formula has an upper bound: the values it can take, from its inputs' types and ranges,
its literals, consts and lets, by interval arithmetic.

A measure's score may pass its points where the formula says how far (over-completion: `points *
min(actual / target, 120%)`, `points + min(0.2 * pp_over, 10)`); a formula with no upper bound
(`points * actual / target`) passes them only as far as the data take it — a target mistyped as 0.01
makes a 10-point indicator worth 30000. So a score more than twice its points from a formula without an
upper bound is an error for the unit (measures.py, kernel.py), and one within a bound the formula states
is the over-completion the policy allows. The bound is judged once per formula, conservatively: what it
cannot bound (a reference to another score, a division by a value that may be 0) is unbounded.
This module must not evaluate anything for a unit.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from targetdsl.language import nodes as n

if TYPE_CHECKING:  # schema.py asks this module; the type alone is read from it
    from targetdsl.language.schema import InputSpec

# Interval arithmetic over decimals with infinities: no trap, as ∞ − ∞ and 0 × ∞ are decided below.
_CONTEXT = decimal.Context(prec=34, traps=[])
INFINITY = Decimal("Infinity")
_ANY = (-INFINITY, INFINITY)
_BOOL = (Decimal(0), Decimal(1))
# A score whose formula has no upper bound may pass its points by this factor at most: further is an error for
# the unit (`eval.unbounded-score`, MeasureScorer.within_points; the kernel hands such a unit back)
FAR_ABOVE = Decimal(2)

Interval = tuple[Decimal, Decimal]  # the lowest and highest value, either may be infinite


def bounded_above(
    expr: n.Expr,
    inputs: Mapping[str, InputSpec],
    lets: Mapping[str, n.Let],
    unit_inputs: Mapping[str, InputSpec],
    consts: Mapping[str, n.Const],
) -> bool:
    """Whether `expr` (a score, `points` any finite number) cannot exceed some finite value."""
    return _Bounds(inputs, lets, unit_inputs, consts).of(expr)[1] < INFINITY


class _Bounds:
    def __init__(
        self,
        inputs: Mapping[str, InputSpec],
        lets: Mapping[str, n.Let],
        unit_inputs: Mapping[str, InputSpec],
        consts: Mapping[str, n.Const],
    ):
        self.inputs, self.lets, self.unit_inputs, self.consts = inputs, lets, unit_inputs, consts
        self.known: dict[str, Interval] = {"points": (Decimal(1), Decimal(1))}  # any finite points bound alike
        self.visiting: set[str] = set()

    def name(self, name: str) -> Interval:
        found = self.known.get(name)
        if found is not None:
            return found
        if name in self.visiting:  # the checker refuses circles; never unbounded by accident here
            return _ANY
        self.visiting.add(name)
        if name in self.inputs:
            found = _input(self.inputs[name])
        elif name in self.lets:
            found = self.of(self.lets[name].expr)
        elif name in self.unit_inputs:
            found = _input(self.unit_inputs[name])
        elif name in self.consts:
            found = self.of(self.consts[name].expr)
        else:
            found = _ANY  # a result name (`total`, `rank`) or anything this module does not know
        self.visiting.discard(name)
        self.known[name] = found
        return found

    def of(self, expr: n.Expr) -> Interval:
        match expr:
            case n.Number(value=value, unit=unit):
                scaled = _CONTEXT.divide(value, 100) if unit in ("percent", "pp") else value
                return scaled, scaled
            case n.Boolean():
                return _BOOL
            case n.Name(name=name):
                return self.name(name)
            case n.Applied(body=body):
                return self.of(body)
            case n.Unary(op="-", operand=operand):
                low, high = self.of(operand)
                return _CONTEXT.minus(high), _CONTEXT.minus(low)
            case n.Binary(op=op, left=left, right=right) if op in ("+", "-", "*", "/"):
                return _arithmetic(op, self.of(left), self.of(right))
            case n.Conditional(then=then, otherwise=otherwise):
                return _union(self.of(then), self.of(otherwise))
            case n.Bands(arms=arms):
                values = [self.of(arm.value) for arm in arms]
                if not any(arm.op == "" for arm in arms):  # no `otherwise`: the checker requires one
                    return _ANY
                return _hull(values)
            case n.Interpolate(anchors=anchors):
                return _hull([self.of(anchor.value) for anchor in anchors])
            case n.Call(function=function, args=args):
                return self.call(function, [self.of(a) for a in args])
        return _BOOL if isinstance(expr, (n.Unary, n.Binary)) else _ANY  # `not`, comparisons, logic

    def call(self, function: str, args: list[Interval]) -> Interval:
        if function == "min" and args:
            return min(a[0] for a in args), min(a[1] for a in args)
        if function == "max" and args:
            return max(a[0] for a in args), max(a[1] for a in args)
        if function == "clamp" and len(args) == 3:  # min(max(x, low), high)
            (x_low, x_high), (floor_low, floor_high), (ceiling_low, ceiling_high) = args
            raised = max(x_low, floor_low), max(x_high, floor_high)
            return min(raised[0], ceiling_low), min(raised[1], ceiling_high)
        if function == "abs" and len(args) == 1:
            low, high = args[0]
            top = max(abs(low), abs(high))
            return (Decimal(0) if low <= 0 <= high else min(abs(low), abs(high))), top
        if function in ("round", "floor", "ceil") and args:
            low, high = args[0]
            return _CONTEXT.subtract(low, 1), _CONTEXT.add(high, 1)
        if function in ("peer_min", "peer_max", "peer_avg") and len(args) == 1:
            return args[0]  # within the values of the class
        if function in ("efficacy", "efficacy_reverse"):
            return Decimal(60), Decimal(100)
        if function in ("rank", "rank_asc", "peer_count"):
            return Decimal(1), INFINITY
        return _ANY


def _input(spec: InputSpec) -> Interval:
    """What an input can hold: its words, its range, at least 0 for a count, a fraction for a percentage."""
    if spec.choices is not None:
        return min(spec.choices.values()), max(spec.choices.values())
    if spec.type == "bool":
        return _BOOL
    if spec.type not in ("number", "count", "money", "percent", "pp"):
        return _ANY
    scale = 100 if spec.type in ("percent", "pp") else 1
    low = _CONTEXT.divide(spec.low.value, scale) if spec.low is not None else -INFINITY
    high = _CONTEXT.divide(spec.high.value, scale) if spec.high is not None else INFINITY
    if spec.type == "count":
        low = max(low, Decimal(0))
    return low, high


def _multiply(a: Decimal, b: Decimal) -> Decimal:
    if a == 0 or b == 0:  # 0 × ∞ is 0 here: an interval's end that is 0 stays 0 whatever it multiplies
        return Decimal(0)
    return _CONTEXT.multiply(a, b)


def _arithmetic(op: str, left: Interval, right: Interval) -> Interval:
    (a, b), (c, d) = left, right
    if op == "+":
        return _CONTEXT.add(a, c), _CONTEXT.add(b, d)
    if op == "-":
        return _CONTEXT.subtract(a, d), _CONTEXT.subtract(b, c)
    if op == "/":
        if c <= 0 <= d:  # the divisor may be 0, or come as near it as it likes
            return _ANY
        c, d = _CONTEXT.divide(1, d), _CONTEXT.divide(1, c)
    products = [_multiply(x, y) for x in (a, b) for y in (c, d)]
    return min(products), max(products)


def _union(a: Interval, b: Interval) -> Interval:
    return min(a[0], b[0]), max(a[1], b[1])


def _hull(values: list[Interval]) -> Interval:
    if not values:
        return _ANY
    low, high = values[0]
    for value in values[1:]:
        low, high = _union((low, high), value)
    return low, high
