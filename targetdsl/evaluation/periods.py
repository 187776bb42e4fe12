"""Period results weighted into the annual score.

A policy may weight its periods (`一季度 through month 3 weight 15%` …).
Each period is evaluated on its own data with its targets pro-rated; a
unit's annual score is the weighted sum of its period totals, and units
are ranked within their class on it (ties by id). Every period the policy
weights must be given, once, and nothing else; a unit must appear in every
period, in the same class: a unit missing from one period is refused, never
left out of the ranking.

A policy may instead weight some measures over its periods (`for 地区生产总值, …` in `periods`:
weights per indicator): each of them is scored on every period's data and earns the weighted sum of
its period scores; everything else is decided on the last period's data, whose evaluation (with these
measures' scores combined, `OverPeriods`) is the year's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.evaluation.results import Assessment, MeasureResult, Step
from targetdsl.numeric import CONTEXT, HUNDRED, ZERO, in_context, quantize, show, text
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


# ------------------------------------------------------------ weights per indicator


@attrs.frozen
class PeriodResult:
    """A measure weighted over the periods: one unit's score in one period before the last."""

    period: str
    weight: Decimal  # %
    result: MeasureResult


@attrs.frozen
class OverPeriods:
    """What the last period's evaluation needs to combine the measures weighted over the periods: the
    last period and its weight, and each measure's earlier scores by unit id."""

    last: str
    weight: Decimal  # %
    earlier: dict[str, dict[str, tuple[PeriodResult, ...]]]  # measure → unit id → its earlier periods
    # each earlier period's units, (id, class) in the order of its data: a unit must be in every period
    members: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def problems(self, classes: Mapping[str, str]) -> list[DataProblem]:
        """The units of the periods before the last against those of the last (`classes`: id → class):
        a unit in one and not the other, or in another class, period after period. Checked once the last
        period's data are read (in memory, streamed or in parts) and before any result is given."""
        problems = []
        for period, units in self.members:
            problems += _period_members(period, self.last, units, classes)
        return problems

    def combine(
        self, measure: str, results: dict[str, MeasureResult], *, explain: bool, places: int | None, mode: str
    ) -> dict[str, MeasureResult]:
        """Each unit's score of `measure` as the weighted sum of its period scores, `Σ weight × earned /
        Σ weight` over the periods in which it applies (a period where it does not is left out, the others'
        weights taken in proportion, as a category reweights a measure that does not apply); not applicable
        when it applies in none. Rounded as a measure's score is, when the policy rounds them (`places`)."""
        combined = {}
        for unit_id, last in results.items():
            # a unit of the last period alone is refused before any result is given (`problems`)
            parts = (*self.earlier[measure].get(unit_id, ()), PeriodResult(self.last, self.weight, last))
            applying = [p for p in parts if p.result.applicable]
            if not applying:
                combined[unit_id] = attrs.evolve(last, step=_period_step(last, parts, None) if explain else last.step)
                continue
            weights = ZERO
            earned = ZERO
            for part in applying:  # in the policy's order of periods
                weights = CONTEXT.add(weights, part.weight)
                earned = CONTEXT.add(earned, CONTEXT.multiply(part.result.earned, part.weight))
            earned = CONTEXT.divide(earned, weights)
            if places is not None:
                earned = quantize(earned, places, mode)
            points = last.points if last.applicable else applying[-1].result.points
            combined[unit_id] = attrs.evolve(
                last,
                points=points,
                earned=earned,
                applicable=True,
                step=_period_step(last, parts, (earned, points, weights)) if explain else last.step,
            )
        return combined


def _period_step(
    last: MeasureResult, parts: tuple[PeriodResult, ...], outcome: tuple[Decimal, Decimal, Decimal] | None
) -> Step:
    """The explanation of a measure weighted over the periods: the sum, then each period's own step."""
    terms = " + ".join(f"{p.period} {show(p.result.earned)} × {text(p.weight)}%" for p in parts if p.result.applicable)
    if outcome is None:
        return attrs.evolve(
            last.step,
            value="not applicable",
            notes=("not applicable in any period",),
            inputs=(),
            children=tuple(attrs.evolve(p.result.step, what=p.period) for p in parts),
        )
    earned, points, weights = outcome
    notes = [f"weighted over the periods: {terms} = {show(earned)}"]
    if weights != HUNDRED:
        left_out = ", ".join(p.period for p in parts if not p.result.applicable)
        notes.append(f"not applicable in {left_out}: divided by the weights of the others, {text(weights)}%")
    return Step(
        last.step.what,
        f"{show(earned)} of {text(points)}",
        last.step.rule,
        tuple(notes),
        (),
        tuple(attrs.evolve(p.result.step, what=p.period) for p in parts),
    )


def _period_members(
    period: str, last: str, units: Sequence[tuple[str, str]], classes: Mapping[str, str]
) -> list[DataProblem]:
    """Weights per indicator: the units of a period before the last are those of the last, in the same classes."""
    problems = []
    ids = {unit_id for unit_id, _ in units}
    for unit_id, unit_class in units:
        if unit_id not in classes:
            problems.append(
                DataProblem(
                    "<periods>",
                    unit_id,
                    period,
                    f"the unit is in the data of {period} but not of {last}: a unit must be in every period",
                )
            )
        elif classes[unit_id] != unit_class:
            problems.append(
                DataProblem(
                    "<periods>",
                    unit_id,
                    period,
                    f"the unit is in class {unit_class} here but in {classes[unit_id]} in {last}: "
                    "it is ranked within one class",
                )
            )
    problems += [
        DataProblem("<periods>", unit_id, period, "the unit has no data for this period")
        for unit_id in sorted(set(classes) - ids)
    ]
    return problems
