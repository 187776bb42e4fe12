"""Period results weighted into the annual score.

A policy may weight its periods (`一季度 through month 3 weight 15%` …).
Each period is evaluated on its own data with its targets pro-rated; a
unit's annual score is the weighted sum of its period totals, and units
are ranked within their class on it (ties by id). Every period the policy
weights must be given, once, and nothing else; a unit must appear in every
period, in the same class: a unit missing from one period is refused, never
left out of the ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.messages import Language
from targetdsl.numeric import CONTEXT, HUNDRED, ZERO, in_context, quantize, text
from targetdsl.results import Assessment
from targetdsl.tables import render_table, two
from targetdsl.values import DataError, DataProblem


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

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        words = ["class", "rank", "unit", "weighted"]
        if language is Language.CHINESE:
            words = ["类别", "名次", "单位", "加权得分"]
        headers = [*words[:3], *(f"{p} ({text(w)}%)" for p, w in self.periods), words[3]]
        rows = [[u.unit_class, str(u.rank), u.name, *(two(t) for _, t in u.totals), two(u.score)] for u in self.units]
        return render_table(headers, rows, {1, *range(3, 4 + len(self.periods))}) + "\n"


def unweighted(weights: Sequence[tuple[str, Decimal]], names: Iterable[str]) -> list[DataProblem]:
    """The periods given that the policy does not weight, and the weighted periods not given: checked
    before any period is evaluated."""
    names = list(names)
    weighted = ", ".join(name for name, _ in weights)
    return [
        DataProblem(
            "<periods>", None, name, f"this period has no weight in the policy; its weighted periods are {weighted}"
        )
        for name in names
        if name not in dict(weights)
    ] + [
        DataProblem("<periods>", None, name, "no data given for this weighted period")
        for name, _ in weights
        if name not in names
    ]


@in_context
def combine(
    weights: list[tuple[str, Decimal]], assessments: dict[str, Assessment], *, places: int, mode: str
) -> PeriodCombination:
    problems = unweighted(weights, assessments)
    if problems:
        raise DataError(problems)
    first = assessments[weights[0][0]]
    known = {unit.id for unit in first.units}
    for name, _ in weights[1:]:
        problems += [
            DataProblem(
                "<periods>",
                unit.id,
                weights[0][0],
                f"the unit is in the data of {name} but not of this period: a unit must be in every period",
            )
            for unit in assessments[name].units
            if unit.id not in known
        ]
    scores: list[PeriodScore] = []
    for unit in first.units:
        totals = []
        for name, _ in weights:
            try:
                other = assessments[name].unit(unit.id)
            except KeyError:
                problems.append(DataProblem("<periods>", unit.id, name, "the unit has no data for this period"))
                continue
            if other.unit_class != unit.unit_class:
                problems.append(
                    DataProblem(
                        "<periods>",
                        unit.id,
                        name,
                        f"the unit is in class {other.unit_class} here but in {unit.unit_class} in "
                        f"{weights[0][0]}: it is ranked within one class",
                    )
                )
                continue
            totals.append((name, other.total))
        if len(totals) != len(weights):
            continue
        score = ZERO
        for (_, total), (_, weight) in zip(totals, weights, strict=True):
            score = CONTEXT.add(score, CONTEXT.multiply(total, weight))  # in the policy's order of periods
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
