"""Explanations built on demand: an evaluation that keeps no trace explains a unit when its explanation
is first read, by an engine that explains (the reference path)."""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING

from targetdsl.evaluation.collector import collector_paused
from targetdsl.evaluation.drafts import Draft
from targetdsl.evaluation.kernel import uses_peers
from targetdsl.evaluation.periods import OverPeriods
from targetdsl.evaluation.results import Disagreement, UnitResult
from targetdsl.language.schema import ClassSpec, Schema
from targetdsl.numeric import CONTEXT
from targetdsl.values import AwardWon, Unit

if TYPE_CHECKING:
    from targetdsl.evaluation.engine import Engine


class OnDemand:
    """The explanations of one ranking's units (a class, or classes ranked together), built when read by an
    engine that explains (the reference path), in the policy's decimal context. Each unit's explanation is
    then checked against the numbers it explains (results.Trace, results.Breakdown).

    Where nothing a unit is scored by compares it with other units (no class statistic in its class's
    lowered graph: no peer function, no class average; only its rank and grade are the ranking's), the first
    units read are explained alone: scored by the reference path, then finished with the rank and grade
    the evaluation gave them, as a stream finishes a unit (`targetdsl explain` of one unit among 100,000
    need not explain the 99,999 others). Past `ALONE` units, or for a ranking whose units compare, the
    whole ranking is evaluated again once."""

    ALONE = 16  # units explained one by one before the whole ranking is explained at once

    def __init__(
        self,
        schema: Schema,
        title: str,
        period: str | None,
        carried_in: list[tuple[str, AwardWon]],
        classes: list[tuple[ClassSpec, list[Unit]]],
        engine: type[Engine],
    ):
        self.schema, self.title, self.period, self.carried_in = schema, title, period, carried_in
        self.engine = engine  # the engine that evaluated them, made again to explain them
        self.classes = classes
        self.results: dict[str, UnitResult] | None = None
        self.over_periods: OverPeriods | None = None  # as the evaluation explained had them
        # each unit's rank, grade and the reason grading kept, as the evaluation decided them (`placed`)
        self.places: dict[str, tuple[int, str | None, str | None]] = {}
        self.alone: dict[str, UnitResult] = {}

    def placed(self, ordered: list[Draft], ranks: dict[str, int]) -> None:
        """The evaluation's ranks and grades, kept to finish a unit explained alone."""
        if self._comparing():
            return
        for draft in ordered:
            self.places[draft.unit.id] = (ranks[draft.unit.id], draft.grade, draft.reason)

    def _comparing(self) -> bool:
        """Whether a unit's scores depend on other units of its class (a class statistic in the graph)."""
        from targetdsl.evaluation.lowering import Kind, lower

        graphs = lower(self.schema)
        return (
            self.over_periods is not None
            or any(q.kind is Kind.STATISTIC for spec, _ in self.classes for q in graphs[spec.name].quantities)
            or any(uses_peers(rule.expressions) for spec, _ in self.classes for rule in spec.rules)
        )

    def reference(self, unit: str) -> UnitResult:
        if self.results is None:
            if unit in self.alone:
                return self.alone[unit]
            if unit in self.places and len(self.alone) < self.ALONE:
                self.alone[unit] = self._alone(unit)
                return self.alone[unit]
            engine = self.engine(self.schema, self.title, period=self.period, carried_in=self.carried_in, explain=True)
            engine.on_demand, engine.explain = False, True
            engine.over_periods = self.over_periods
            with collector_paused(), decimal.localcontext(CONTEXT):
                done = engine.assess_ranking(self.classes)
            if engine.problems:
                raise Disagreement(f"the explaining path failed where the evaluation did not: {engine.problems[0]}")
            self.results = {r.id: r for results, _ in done.values() for r in results}
            self.classes, self.places, self.alone = [], {}, {}
        return self.results[unit]

    def _alone(self, unit: str) -> UnitResult:
        """One unit explained by itself: scored, given the evaluation's rank and grade, finished."""
        spec, member = next((spec, u) for spec, members in self.classes for u in members if u.id == unit)
        rank, grade, reason = self.places[unit]
        engine = self.engine(self.schema, self.title, period=self.period, carried_in=self.carried_in, explain=True)
        engine.on_demand, engine.explain = False, True
        with collector_paused(), decimal.localcontext(CONTEXT):
            (draft,) = engine.score_class(spec, [member])
            draft.grade, draft.reason = grade, reason
            result = engine.finish(spec, draft, rank)
        if engine.problems:
            raise Disagreement(f"the explaining path failed where the evaluation did not: {engine.problems[0]}")
        return result
