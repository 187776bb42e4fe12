"""The built-in functions of the expression language: names, arity, and
whether they need the whole peer class (two-pass evaluation).

The checker reads this table to validate calls; the evaluator implements
the same names. Nothing here loops, recurses or touches the host.
"""

from __future__ import annotations

import attrs


@attrs.frozen(slots=True)
class Function:
    name: str
    min_args: int
    max_args: int | None
    peer: bool
    summary: str


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("min", 2, None, False, "the smallest of its arguments"),
        Function("max", 2, None, False, "the largest of its arguments"),
        Function("clamp", 3, 3, False, "clamp(x, low, high): x limited to [low, high]"),
        Function("abs", 1, 1, False, "the absolute value"),
        Function("round", 2, 2, False, "round(x, places): half-up to a whole number of places"),
        Function("floor", 1, 1, False, "the largest whole number not above x"),
        Function("ceil", 1, 1, False, "the smallest whole number not below x"),
        Function("peer_min", 1, 1, True, "the smallest value of x in the unit's class"),
        Function("peer_max", 1, 1, True, "the largest value of x in the unit's class"),
        Function("peer_avg", 1, 1, True, "the mean of x over the unit's class"),
        Function("peer_count", 0, 0, True, "the number of units in the class"),
        Function("rank", 1, 1, True, "1 for the highest x in the class, ties share a rank"),
        Function("rank_asc", 1, 1, True, "1 for the lowest x in the class, ties share a rank"),
        Function("efficacy", 1, 1, True, "60 + 40·(x − min)/(max − min) over the class (功效系数)"),
        Function("efficacy_reverse", 1, 1, True, "60 + 40·(max − x)/(max − min): lower is better"),
    )
}
