"""Period results weighted into the annual score.

A policy may weight its periods (`一季度 through month 3 weight 15%` …).
Each period is evaluated on its own data with its targets pro-rated; a
unit's annual score is the weighted sum of its period totals, and units
are ranked within their class on it (ties by id). Every period the policy
weights must be given, and a unit must appear in every period.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from targetdsl.data import DataError, DataProblem
from targetdsl.numeric import CONTEXT, HUNDRED, ZERO, quantize, text
from targetdsl.results import Assessment
from targetdsl.tables import render_table, two


@attrs.frozen
class PeriodScore:
    id: str
    name: str
    unit_class: str
    totals: tuple[tuple[str, Decimal], ...]  # (period, total) in the policy's order
    score: Decimal
    rank: int


@attrs.frozen
class PeriodCombination:
    periods: tuple[tuple[str, Decimal], ...]  # (period, weight %)
    units: tuple[PeriodScore, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "periods": [{"period": p, "weight": text(w)} for p, w in self.periods],
            "units": [
                {
                    "id": u.id,
                    "name": u.name,
                    "class": u.unit_class,
                    "rank": u.rank,
                    "score": text(u.score),
                    "totals": {p: text(t) for p, t in u.totals},
                }
                for u in self.units
            ],
        }

    def render(self) -> str:
        headers = ["class", "rank", "unit", *(f"{p} ({text(w)}%)" for p, w in self.periods), "weighted"]
        rows = [[u.unit_class, str(u.rank), u.name, *(two(t) for _, t in u.totals), two(u.score)] for u in self.units]
        return render_table(headers, rows, {1, *range(3, 4 + len(self.periods))}) + "\n"


def combine(
    weights: list[tuple[str, Decimal]], assessments: dict[str, Assessment], *, places: int, mode: str
) -> PeriodCombination:
    problems = [
        DataProblem("<periods>", None, name, "no data given for this weighted period")
        for name, _ in weights
        if name not in assessments
    ]
    extra = [
        DataProblem("<periods>", None, name, "this period has no weight in the policy")
        for name in assessments
        if name not in dict(weights)
    ]
    if problems or extra:
        raise DataError(problems + extra)
    first = assessments[weights[0][0]]
    scores: list[PeriodScore] = []
    for unit in first.units:
        totals = []
        for name, _ in weights:
            try:
                totals.append((name, assessments[name].unit(unit.id).total))
            except KeyError:
                problems.append(DataProblem("<periods>", unit.id, name, "the unit has no data for this period"))
        if len(totals) != len(weights):
            continue
        score = sum(
            (CONTEXT.multiply(total, weight) for (_, total), (_, weight) in zip(totals, weights, strict=True)), ZERO
        )
        scores.append(
            PeriodScore(
                unit.id,
                unit.name,
                unit.unit_class,
                tuple(totals),
                quantize(CONTEXT.divide(score, HUNDRED), places, mode),
                0,
            )
        )
    if problems:
        raise DataError(problems)
    ranked: list[PeriodScore] = []
    for unit_class in first.classes:
        members = sorted((s for s in scores if s.unit_class == unit_class), key=lambda s: (-s.score, s.id))
        ranked.extend(attrs.evolve(s, rank=rank) for rank, s in enumerate(members, start=1))
    return PeriodCombination(tuple(weights), tuple(ranked))
