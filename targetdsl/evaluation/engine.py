"""The assessment of many units: the order of steps is the contract.

For each class: measures → category subtotals → coefficients → bonus and
deductions → total → vetoes → rank → grades → quotas → eligibility and
money → commendations; then the carry-over ledger and the completion
table (docs/semantics.md). Every failure is collected; if any unit
cannot be evaluated, no result is returned.

`Engine` coordinates the steps; its parts are modules of their own: a
unit's rules read (rules.py), bonus and deductions (bonuses.py), rank,
grades and quotas (grading.py), a unit finished (finishing.py), and the
explanations built on demand (ondemand.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import weakref
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from targetdsl.evaluation import cover
from targetdsl.evaluation.bonuses import Bonuses
from targetdsl.evaluation.collector import collector_paused
from targetdsl.evaluation.drafts import NO_FACTORS, SUMS, Draft, categories_of, measures_of
from targetdsl.evaluation.finishing import Finishing
from targetdsl.evaluation.grading import _band, head_count, in_band, quota_words
from targetdsl.evaluation.interpreter import EvaluationError, EvaluationProblem, Failure, Frame, Peers
from targetdsl.evaluation.kernel import WIDTH, Bail, Cells, ClassArguments, Kernel, uses_peers
from targetdsl.evaluation.kernel import build as build_kernel
from targetdsl.evaluation.measures import MeasureFigures, MeasureScorer
from targetdsl.evaluation.ondemand import OnDemand
from targetdsl.evaluation.periods import OverPeriods
from targetdsl.evaluation.results import (
    Assessment,
    BonusResult,
    Breakdown,
    CarryOver,
    CompletionRow,
    MeasureResult,
    SharedRanking,
    Step,
    UnitResult,
    VetoEffect,
    VetoResult,
)
from targetdsl.evaluation.rules import (
    COMPARING_RULES,
    FINISHING_RULES,
    _RulePeers,
    across_ranking,
    result_context,
    rule_key,
    rule_values,
)
from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, MeasureSpec, RuleSpec, Schema
from targetdsl.numeric import CONTEXT, ONE, ZERO, exact_sum, in_context, plausible, show, text
from targetdsl.values import NOT_APPLICABLE, AwardWon, MeasureRows, Unit

# Engine's surface, with what the modules of its parts hold that other modules import from here
__all__ = [
    "COMPARING_RULES",
    "FINISHING_RULES",
    "QUARTERS",
    "Engine",
    "OnDemand",
    "PeriodError",
    "across_ranking",
    "by_reference",
    "commending",
    "head_count",
    "in_band",
    "period_months",
    "quota_words",
    "record_scores",
    "result_context",
    "rule_key",
    "rule_values",
]

QUARTERS = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}


class PeriodError(ValueError):
    pass


def period_months(schema: Schema, period: str | None) -> int:
    """The months `period`'s data cover, which pro-rated inputs are scaled by: the months elapsed at its
    end for a policy period name, Q1–Q4, H1/H2 or YYYY-MM; a policy period `from month` m covers its own
    months only (non-cumulative: a quarter's data are that quarter's)."""
    if period is None:
        return 12
    for declared in schema.periods:
        if declared.name == period:
            return declared.through - (declared.start - 1 if declared.start is not None else 0)
    if period.upper() in QUARTERS:
        return QUARTERS[period.upper()]
    year, _, month = period.partition("-")
    if year.isdecimal() and month.isdecimal() and 1 <= int(month) <= 12:  # int() takes no "²"
        if schema.year is not None and int(year) != schema.year:
            raise PeriodError(f"period {period} is not in the policy's year {schema.year}")
        return int(month)
    names = ", ".join([p.name for p in schema.periods] + list(QUARTERS) + ["YYYY-MM"])
    raise PeriodError(f"unknown period `{period}`; use one of {names}")


_REFERENCE: contextvars.ContextVar[bool] = contextvars.ContextVar("reference", default=False)


@contextlib.contextmanager
def by_reference() -> Iterator[None]:
    """Evaluations asked for explanations build them as they go, by the reference path alone, instead of
    on first read: what the differential tests compare the fast path with."""
    token = _REFERENCE.set(True)
    try:
        yield
    finally:
        _REFERENCE.reset(token)


class Engine(Bonuses, Finishing):
    """One assessment, which coordinates its parts: each class scored (its measures, by the kernel or the
    reference path; categories and the total per unit, `assess_unit`; bonus and deductions,
    `bonuses.Bonuses`; vetoes), each ranking ranked and graded (`grading.Grading`), each unit finished in
    rank order (`finishing.Finishing`), and the completion table."""

    frames: _Frames  # the frames of the units of the class being scored

    def __init__(
        self,
        schema: Schema,
        title: str,
        *,
        period: str | None,
        carried_in: list[tuple[str, AwardWon]],
        progress: Callable[[int, int], None] | None = None,
        explain: bool = True,
    ):
        self.schema = schema
        # Explanations asked for are built when first read (OnDemand), by an engine that explains, for the
        # class of the unit read; this one computes without a trace. Coverage is recorded as it goes.
        self.on_demand = explain and cover.current.get() is None and not _REFERENCE.get()
        self.explain = explain and not self.on_demand
        self.carried = carried_in
        self.explainer: OnDemand | None = None
        # Constants are evaluated per unit (they may read unit inputs), lazily, like `let`s.
        self.consts = {c.name: n.Let(c.name, c.expr, span=c.span) for c in schema.consts.values()}
        self.progress = progress
        self.done = 0
        self.count = 0
        self.title = title
        self.period = period
        self.months = period_months(schema, period)
        self.fraction = CONTEXT.divide(Decimal(self.months), Decimal(12))
        self.carried_in: dict[str, list[AwardWon]] = {}
        for unit_id, award in carried_in:
            self.carried_in.setdefault(unit_id, []).append(award)
        self.problems: list[EvaluationProblem] = []
        self.ledger: list[CarryOver] = []
        self.frames = _Frames(self, [])
        self.bands = {g.name: _band(g.band) for g in schema.grades}  # each grade's band, as reasons name it
        self.round_at = schema.rounding.stages
        # A class scored in parts (a stream): each measure's class-wide figures, by class and measure,
        # gathered over the whole class first; None when each class is scored whole.
        self.figures: dict[str, dict[str, MeasureFigures]] | None = None
        # The class-wide values a veto, deduction or coefficient of the class being scored reads, by rule.
        self.rule_peers: dict[tuple[str, str], Peers] = {}
        # Those an award or commendation reads, over the class once it is ranked (set by whoever ranks it).
        self.finishing_peers: dict[tuple[str, str], Peers] = {}
        # For the explanation of the unit being assessed: each rule's notes and what it read, by rule.
        self.noted: dict[tuple[str, str], tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {}
        # Weights per indicator: the earlier periods' scores of the measures weighted over the periods, which
        # this evaluation of the last period combines with its own (None: every measure is this period's).
        self.over_periods: OverPeriods | None = None

    def run(self, units: list[Unit]) -> Assessment:
        # Every operator on decimals below runs in the policy's context, whatever the caller's is.
        with collector_paused(), decimal.localcontext(CONTEXT):
            return self._run(units)

    def _run(self, units: list[Unit]) -> Assessment:
        by_class: dict[str, tuple[list[UnitResult], list[CompletionRow]]] = {}
        self.count = len(units)
        for ranking in self.schema.groups():
            classes = [
                (self.schema.classes[name], sorted((u for u in units if u.unit_class == name), key=lambda u: u.id))
                for name in ranking.classes
            ]
            if self.on_demand:
                self.explainer = OnDemand(self.schema, self.title, self.period, self.carried, classes, Engine)
                self.explainer.over_periods = self.over_periods
            by_class.update(self.assess_ranking(classes))
        if self.problems:
            raise EvaluationError(sorted(self.problems, key=lambda p: (p.unit, str(p.span))))
        self.ledger.sort(key=lambda c: (c.unit, c.bonus, c.date or datetime.date.min, c.name or ""))
        results: list[UnitResult] = []
        completion: list[CompletionRow] = []
        for name in self.schema.classes:  # in class order, each class in rank order
            class_results, rows = by_class.get(name, ([], []))
            results.extend(class_results)
            completion.extend(rows)
        return Assessment(
            self.title,
            self.schema.year,
            self.period,
            tuple(self.schema.classes),
            tuple(results),
            tuple(self.ledger),
            tuple(completion),
            rankings=tuple(SharedRanking(r.name, r.label, r.classes) for r in self.schema.rankings),
            commending=commending(self.schema),
        )

    # ------------------------------------------------------------ one class

    def assess_class(self, spec: ClassSpec, members: list[Unit]) -> tuple[list[UnitResult], list[CompletionRow]]:
        return self.assess_ranking([(spec, members)]).get(spec.name, ([], []))

    def assess_ranking(
        self, classes: list[tuple[ClassSpec, list[Unit]]]
    ) -> dict[str, tuple[list[UnitResult], list[CompletionRow]]]:
        """The classes of one ranking (one class, or several ranked together): each scored, then ranked and
        graded together, then each finished in rank order with its place in the shared ranking."""
        scored: dict[str, tuple[list[Draft], _Frames]] = {}
        for spec, members in classes:
            if members:
                scored[spec.name] = (self.score_class(spec, members), self.frames)
        ordered = self.rank([d for drafts, _ in scored.values() for d in drafts])
        self.grade(ordered)
        ranks = {draft.unit.id: rank for rank, draft in enumerate(ordered, 1)}
        if self.explainer is not None:
            self.explainer.placed(ordered, ranks)
        done: dict[str, tuple[list[UnitResult], list[CompletionRow]]] = {}
        # the class-wide values each class's awards and commendations read, over the class ranked (read
        # in its own frames, whichever class is being finished), merged across a ranking of classes
        peers: dict[str, dict[tuple[str, str], Peers]] = {}
        for spec, members in classes:
            if spec.name in scored:
                drafts, frames = scored[spec.name]
                contexts = {draft.unit.id: result_context(draft, ranks[draft.unit.id]) for draft in drafts}
                peers[spec.name] = {
                    (rule.kind, rule.name): _RulePeers(self, rule, members, contexts, frames)
                    for rule in spec.rules
                    if rule.kind in FINISHING_RULES and uses_peers(rule.expressions)
                }
        for spec, _ in classes:
            if spec.name not in scored:
                continue
            drafts, self.frames = scored[spec.name]  # the frames its scoring filled, which its rules read
            in_order = sorted(drafts, key=lambda d: ranks[d.unit.id])
            self.finishing_peers = across_ranking(self.schema, spec.name, peers)
            finished = []
            for draft in in_order:
                finished.append(self.finish(spec, draft, ranks[draft.unit.id]))
                self.done += 1
                if self.progress is not None:
                    self.progress(self.done, self.count)
            done[spec.name] = (finished, self.completion(spec, drafts))
        return done

    @in_context
    def score_class(self, spec: ClassSpec, members: list[Unit]) -> list[Draft]:
        """Measures, categories, bonus, deductions, total and vetoes of some units of one class: every step
        that needs no other unit (unless a measure compares units across the class, then all of them)."""
        frames = self.frames = _Frames(self, members)
        kernel = self.kernel(spec, members)
        cells: dict[str, Cells] = {}
        by_reference = members
        whole: dict[str, MeasureScorer] = {}  # a kernel's measure comparing units: its scorer of the class
        if kernel is not None:
            classes: ClassArguments = ()
            for measure, argument in kernel.arguments:  # the class's values its class-wide calls read
                if measure.name not in whole:
                    whole[measure.name] = self.scorer(spec, measure, members)
                    whole[measure.name].columns = self.columns(kernel, measure, members)
                classes += (whole[measure.name].peers(argument),)
            by_reference = []
            for unit in members:
                try:
                    cells[unit.id] = kernel.score(unit, frames, classes)
                except Bail:  # a turn the kernel declares it does not take (see kernel.py)
                    by_reference.append(unit)
        in_kernel = {m.name for m in kernel.measures} if kernel is not None else set()
        by_measure: dict[str, dict[str, MeasureResult]] = {}
        referenced = spec.referenced
        for measure in spec.scoring_order():  # a measure after those whose scores it reads
            scored = by_reference if measure.name in in_kernel else members
            if not scored:
                continue
            scorer = self.scorer(spec, measure, scored)
            scorer.whole = whole.get(measure.name)  # the units the kernel handed back compare with the class
            by_measure[measure.name] = scorer.run()
            if self.over_periods is not None and measure.name in self.over_periods.earlier:
                rounding = self.schema.rounding
                by_measure[measure.name] = self.over_periods.combine(
                    measure.name,
                    by_measure[measure.name],
                    explain=self.explain,
                    places=rounding.places if "indicator" in rounding.stages else None,
                    mode=rounding.mode,
                )
            if measure.name in referenced:
                record_scores(frames, measure.name, by_measure[measure.name])
        for scorer in whole.values():
            scorer.frames = {}  # as `MeasureScorer.run` lets its frames go: no cycle may outlive the scoring
        self.rule_peers = {}
        for rule in spec.rules:
            if rule.kind in COMPARING_RULES and uses_peers(rule.expressions):
                if self.figures is not None:
                    self.rule_peers[(rule.kind, rule.name)] = self.figures[spec.name][rule_key(rule)].class_values
                else:
                    self.rule_peers[(rule.kind, rule.name)] = _RulePeers(self, rule, members)
        return [self.assess_unit(spec, unit, by_measure, cells.get(unit.id), kernel) for unit in members]

    def columns(
        self, kernel: Kernel, measure: MeasureSpec, units: list[Unit]
    ) -> Callable[[n.Expr], list[Decimal] | None]:
        """The units' values of each class-wide call's argument in `measure`, by the class kernel: for a
        class-wide statistic, which a unit's value that takes a declared turn leaves to the reference."""
        at = {id(argument): i for i, (owner, argument) in enumerate(kernel.arguments) if owner.name == measure.name}
        frames = self.frames

        def column(expr: n.Expr) -> list[Decimal] | None:
            i = at.get(id(expr))
            return None if i is None else kernel.column(units, frames, i)

        return column

    def scorer(self, spec: ClassSpec, measure: MeasureSpec, units: list[Unit]) -> MeasureScorer:
        """The scorer of one measure for some units of a class scored now (`frames`)."""
        scorer = MeasureScorer(measure, units, self.frames, self.fraction, self.schema.rounding, self.fail)
        scorer.unbounded = self.schema.unbounded(measure)
        scorer.where = self.schema.where
        scorer.explain = self.explain
        if self.figures is not None:
            scorer.figures = self.figures[spec.name][measure.name]
        if not self.explain:
            scorer.use_compiled(self.schema.compiled)
        return scorer

    def score_measures(
        self, spec: ClassSpec, members: list[Unit], names: frozenset[str], *, explain: bool = True
    ) -> dict[str, dict[str, MeasureResult]]:
        """Weights per indicator: the scores of the measures `names` of one class in a period before the last,
        by the reference path, explained (the last period's evaluation shows them under each measure) unless
        nothing will be (a stream, parts): the same numbers, without their steps."""
        with collector_paused(), decimal.localcontext(CONTEXT):
            frames = self.frames = _Frames(self, members)
            scored: dict[str, dict[str, MeasureResult]] = {}
            for measure in spec.scoring_order():
                if measure.name not in names:
                    continue
                scorer = MeasureScorer(measure, members, frames, self.fraction, self.schema.rounding, self.fail)
                scorer.unbounded = self.schema.unbounded(measure)
                scorer.where = self.schema.where
                scorer.explain = explain
                scored[measure.name] = scorer.run()
            return scored

    def gather(self, spec: ClassSpec, members: list[Unit]) -> None:
        """Pass 1 of a stream: some units' values of the arguments of each class-wide function, into
        `figures`; nothing is scored (a value that cannot be computed is skipped, as the whole class
        skips it: the unit's own evaluation reports it when it is scored)."""
        assert self.figures is not None
        frames = self.frames = _Frames(self, members)
        referenced = spec.gathered_scores
        kernel = self.kernel(spec, members)  # a measure of the kernel's: its arguments all at once, by the kernel
        in_kernel = {m.name for m in kernel.measures} if kernel is not None else set()
        for measure in spec.scoring_order():
            figures = self.figures[spec.name][measure.name]
            if measure.name in referenced:
                # a class-wide argument may read this measure's score (`peer_max(score(M))`): scored here
                # for these units alone, by the reference path, which the checker allows only for a measure
                # that compares no units itself; a failure is reported when the unit is scored
                scorer = MeasureScorer(measure, members, frames, self.fraction, self.schema.rounding, _ignore)
                scorer.unbounded = self.schema.unbounded(measure)
                scorer.explain = False
                record_scores(frames, measure.name, scorer.run())
            if figures.arguments:
                scorer = MeasureScorer(measure, members, frames, self.fraction, self.schema.rounding, self.fail)
                scorer.unbounded = self.schema.unbounded(measure)
                scorer.explain = self.explain
                if not self.explain:
                    scorer.use_compiled(self.schema.compiled)  # its arguments by generated code
                    if kernel is not None and measure.name in in_kernel:
                        scorer.columns = self.columns(kernel, measure, members)
                scorer.gather(figures)
        self.rule_peers = {}
        for rule in spec.rules:
            gathered = self.figures[spec.name].get(rule_key(rule))
            if gathered is None or not gathered.arguments:
                continue
            values: dict[int, list[Decimal | None]] = {}
            for expr in gathered.arguments:
                column = values[id(expr)] = [None] * len(members)
                for at, value in rule_values(self, rule, members, expr):
                    column[at] = value
            gathered.gather([unit.id for unit in members], values)

    def kernel(self, spec: ClassSpec, members: list[Unit]) -> Kernel | None:
        """The class's generated scorer, for evaluations that keep no trace and record no coverage, and
        combine no measure's scores over the periods (the kernel sums categories from its own scores).
        It reads the numbers of the members' rows where validation left them (`MeasureRows`)."""
        if self.explain or cover.current.get() is not None or self.over_periods is not None:
            return None
        rows = next((m.measures.layout for m in members if type(m.measures) is MeasureRows), None)
        # a kernel holds the layout it reads: while it is kept, no other layout can have its id
        key = ("kernel", spec.name, self.fraction, None if rows is None else id(rows))
        if key not in self.schema.compiled:
            self.schema.compiled[key] = build_kernel(self.schema, spec, self.fraction, rows)
        kernel: Kernel | None = self.schema.compiled[key]
        return kernel

    def unit_frame(self, unit: Unit) -> Frame:
        frame = Frame(dict(unit.values), self.consts, explain=self.explain, keywords=self.schema.keywords)
        frame.quantities = {}  # `score(M)`, as the measures are scored (record_scores)
        return frame

    def assess_unit(
        self,
        spec: ClassSpec,
        unit: Unit,
        by_measure: dict[str, dict[str, MeasureResult]],
        cells: Cells | None,
        kernel: Kernel | None,
    ) -> Draft:
        """A unit's draft: its category subtotals, total, bonus, deductions and vetoes, with their steps."""
        steps: list[Step] = []
        self.noted = {}
        sums: list[Any] = []  # per category: SUMS values (see Draft)
        taken = kernel is not None and cells is not None
        positions = kernel.positions if taken else {}  # type: ignore[union-attr]
        summed = kernel.categories if taken else {}  # type: ignore[union-attr]
        factors = self.coefficients(spec, unit) if spec.rules_of("coefficient") else NO_FACTORS
        raw = self.subtotals(spec, unit, by_measure, cells, positions, summed, factors, sums, steps)
        coefficient = factors.get("total", ONE)
        raw = self.on_total(raw, coefficient, steps)
        self.keep(spec, unit, ("subtotal", ""), raw)  # `subtotal()`: the total before bonus and deductions
        traced: dict[str, Step] = {}  # computed bonuses and gated deductions explain themselves
        bonuses = self.bonuses(spec, unit, traced)
        limits = spec.rules_of("limit")
        bonus = self.bonus_points(spec, unit, bonuses, limits, traced, steps)
        deductions = self.deductions(spec, unit, limits, traced, steps)
        total = self.unit_total(spec, unit, raw, bonus, deductions, steps)
        flags = (
            cells[kernel.vetoes :] if kernel is not None and cells is not None and kernel.vetoes is not None else None
        )
        vetoes = self.vetoes(spec, unit, flags)
        reported = self.reported(spec, total, vetoes, steps)
        items = sum(sums[SUMS.counted :: SUMS.width])
        done = sum(sums[SUMS.completed :: SUMS.width])
        breakdown = Breakdown(
            categories_of, measures_of, (spec, sums, cells, positions, by_measure, unit.id), self.explainer, unit.id
        )
        return Draft(
            unit, sums, breakdown, total, reported, coefficient, bonus, deductions, vetoes, bonuses, steps, items, done
        )

    # ------------------------------------------- a unit's categories, total, bonus and deductions

    def subtotals(
        self,
        spec: ClassSpec,
        unit: Unit,
        by_measure: dict[str, dict[str, MeasureResult]],
        cells: Cells | None,
        positions: dict[str, int],
        summed: dict[str, int],
        factors: dict[str, Decimal],
        sums: list[Any],
        steps: list[Step],
    ) -> Decimal:
        """The sum of the unit's category subtotals (each kept in `sums`), reweighted when categories do not apply."""
        raw = applicable_points = all_points = ZERO
        round_categories = "category" in self.round_at
        subtotals_read = spec.subtotals_read
        for category in spec.categories:
            adjusted: list[tuple[MeasureSpec, Decimal]] = []  # adjustment items that apply, with their scores
            if category.name in summed:  # summed by the kernel
                at = summed[category.name]
                earned, available, completed, counted = cells[at : at + WIDTH]  # type: ignore[index]
            else:
                earned = available = ZERO
                counted = completed = 0
                for measure in category.measures:
                    if measure.name in positions:
                        at = positions[measure.name]
                        if measure.adjustment:
                            adjusted.append((measure, cells[at]))  # type: ignore[index]
                        else:
                            earned += cells[at]  # type: ignore[index]
                            available += cells[at + 1]  # type: ignore[index]
                        completed += cells[at + 2]  # type: ignore[index]
                        counted += cells[at + 3]  # type: ignore[index]
                        continue
                    measured = by_measure[measure.name][unit.id]
                    if measured.applicable:
                        if measure.adjustment:
                            adjusted.append((measure, measured.earned))
                        else:
                            earned += measured.earned
                            available += measured.points
                    completed += measured.completed
                    counted += measured.counted
            applicable = available > ZERO
            subtotal = CONTEXT.divide(CONTEXT.multiply(category.points, earned), available) if applicable else ZERO
            adjustment = ZERO
            if adjusted:  # adjustment items (`points 0`): added as they are, weighed by nothing
                adjustment = exact_sum([amount for _, amount in adjusted])
                if not applicable and adjustment != ZERO:
                    self.fail(
                        unit,
                        adjusted[0][0].name,
                        Failure(
                            f"adjustment item `{adjusted[0][0].name}` scored {show(adjusted[0][1])}, but no weighted "
                            f"measure of category `{category.name}` applies to the unit: the adjustment has no "
                            "subtotal to be added to",
                            adjusted[0][0].span,
                        ),
                    )
                subtotal = CONTEXT.add(subtotal, adjustment)
            factor = factors.get(category.name, ONE)
            if factor != ONE:
                subtotal = CONTEXT.multiply(subtotal, factor)
            if round_categories:
                subtotal = self.rounded(subtotal, "category")
            if category.name in subtotals_read:  # `subtotal(C)` in a rule of the class
                quantities = self.frames[unit.id].quantities
                assert quantities is not None
                quantities[("subtotal", category.name)] = subtotal if applicable else NOT_APPLICABLE
            sums += (earned, available, subtotal, applicable, counted, completed)
            raw += subtotal
            all_points += category.points
            if applicable:
                applicable_points += category.points
            if self.explain:
                how = (
                    f"{text(category.points)} × {show(earned)} / {text(available)}"
                    if applicable
                    else "no applicable measure"
                )
                if adjusted:
                    how = f"{how} + adjustments {show(adjustment)}"
                    if factor != ONE:
                        how = f"({how})"
                if factor != ONE:
                    how += f" × coefficient {text(factor)}"
                children = tuple(by_measure[m.name][unit.id].step for m in category.measures)
                steps.append(
                    Step(
                        f"category {category.label or category.name}",
                        text(subtotal),
                        self.schema.where(category.span),
                        (how,),
                        (),
                        children,
                    )
                )
        return self.reweighted(raw, applicable_points, all_points, steps)

    def reweighted(self, raw: Decimal, applicable_points: Decimal, all_points: Decimal, steps: list[Step]) -> Decimal:
        """The subtotals' sum scaled up to the full scale when some categories do not apply to the unit."""
        if ZERO < applicable_points < all_points:
            scaled = CONTEXT.divide(CONTEXT.multiply(raw, self.schema.scale), applicable_points)
            if self.explain:
                steps.append(
                    Step(
                        "reweighted for categories that do not apply",
                        text(scaled),
                        None,
                        (f"{text(raw)} × {text(self.schema.scale)} / {text(applicable_points)}",),
                    )
                )
            raw = scaled
        return raw

    def on_total(self, raw: Decimal, coefficient: Decimal, steps: list[Step]) -> Decimal:
        """The unit's total before bonus and deductions, multiplied by the coefficient on the total."""
        if coefficient != ONE:
            if self.explain:
                steps.append(
                    Step("coefficient on the total", text(coefficient), None, (f"{text(raw)} × {text(coefficient)}",))
                )
            raw = CONTEXT.multiply(raw, coefficient)
        return raw

    def bonus_points(
        self,
        spec: ClassSpec,
        unit: Unit,
        bonuses: tuple[BonusResult, ...],
        limits: tuple[RuleSpec, ...],
        traced: dict[str, Step],
        steps: list[Step],
    ) -> Decimal:
        """The unit's bonus: the points of its bonuses, each with its step, less what the limits hold back."""
        bonus = sum((b.points for b in bonuses), ZERO)
        for result, rule in zip(bonuses, spec.rules_of("bonus"), strict=True) if self.explain else ():
            if rule.name in traced:
                steps.append(traced[rule.name])
                continue
            notes = [f"counted: {c}" for c in result.counted] + [
                f"carried to next year: {c}" for c in result.carried_out
            ]
            steps.append(
                Step(
                    f"bonus {rule.label or rule.name}", text(result.points), self.schema.where(rule.span), tuple(notes)
                )
            )
        if limits:
            bonus -= self.limited(limits, {b.name: b.points for b in bonuses}, steps)
        self.keep(spec, unit, ("bonus", ""), bonus)
        return bonus

    def deductions(
        self,
        spec: ClassSpec,
        unit: Unit,
        limits: tuple[RuleSpec, ...],
        traced: dict[str, Step],
        steps: list[Step],
    ) -> Decimal:
        """The unit's deductions: each deduction rule's amount, with its step, less what the limits hold back."""
        deductions = ZERO
        deducted: dict[str, Decimal] = {}
        for rule in spec.decision_order("deduction"):  # a deduction after those it reads (`deduction(D)`)
            deducted[rule.name] = self.deduction(rule, unit, traced)
            self.keep(spec, unit, ("deduction", rule.name), deducted[rule.name])
        for rule in spec.rules_of("deduction"):
            amount = deducted[rule.name]
            deductions += amount
            if self.explain:
                found, used = self.noted.get(("deduction", rule.name), ((), ()))
                where = self.schema.where(rule.span)
                steps.append(
                    traced.pop(rule.name)  # a gated or computed deduction: its step holds what it read
                    if rule.name in traced
                    else Step(f"deduction {rule.label or rule.name}", text(amount), where, found, used)
                )
        if limits:
            deductions -= self.limited(limits, deducted, steps)
        self.keep(spec, unit, ("deduction", ""), deductions)
        return deductions

    def unit_total(
        self, spec: ClassSpec, unit: Unit, raw: Decimal, bonus: Decimal, deductions: Decimal, steps: list[Step]
    ) -> Decimal:
        """The unit's total, rounded: its total before bonus and deductions, plus the bonus, less the deductions."""
        total = self.rounded(CONTEXT.subtract(CONTEXT.add(raw, bonus), deductions), "total")
        if not plausible(total):  # coefficients multiply: each plausible, the product may not be
            self.fail(
                unit,
                "total",
                Failure(
                    f"the total {show(total)} is outside the range of plausible values (below 10¹⁶ in size)", spec.span
                ),
            )
        if self.explain:
            steps.append(
                Step(
                    "total", text(total), None, (f"{text(raw)} + bonus {text(bonus)} − deductions {text(deductions)}",)
                )
            )
        return total

    def reported(self, spec: ClassSpec, total: Decimal, vetoes: tuple[VetoResult, ...], steps: list[Step]) -> Decimal:
        """The total the unit reports (zero when a veto zeroes its score), after the steps of its vetoes."""
        reported = ZERO if any(v.zeroes_score for v in vetoes) else total
        if self.explain:
            for veto in vetoes:
                rule = next(r for r in spec.rules_of("veto") if r.name == veto.name)
                stated = tuple(f"assumption: {a.text}" for a in rule.all(n.Assumption))  # assumptions
                found, used = self.noted.get(("veto", veto.name), ((), ()))
                steps.append(
                    Step(f"veto {veto.label or veto.name}", ", ".join(veto.effects), veto.rule, found + stated, used)
                )
        if reported != total and self.explain:
            steps.append(
                Step(
                    "reported total",
                    text(reported),
                    None,
                    (f"a veto zeroes the score; raw total {text(total)} is kept",),
                )
            )
        return reported

    # ------------------------------------------- unit-level rules: coefficients, vetoes

    def coefficients(self, spec: ClassSpec, unit: Unit) -> dict[str, Decimal]:
        factors: dict[str, Decimal] = {}
        for rule in spec.rules_of("coefficient"):
            factor = rule.first(n.Factor)
            applies = rule.first(n.Applies)
            target = applies.target if isinstance(applies, n.Applies) else "total"
            try:
                value = self.rule_number(rule, factor.expr, unit) if isinstance(factor, n.Factor) else ONE
            except Failure as failure:
                self.fail(unit, f"coefficient {rule.name}", failure)
                value = ONE
            factors[target] = CONTEXT.multiply(factors.get(target, ONE), value)
        return factors

    def vetoes(self, spec: ClassSpec, unit: Unit, flags: Cells | None = None) -> tuple[VetoResult, ...]:
        """The vetoes that fired; `flags` are the kernel's findings, when it evaluated the conditions."""
        rules = spec.rules_of("veto")
        if flags is not None:  # the kernel decided every veto: none reads another (`vetoed(V)`)
            if spec.results_read:
                for index, rule in enumerate(rules):
                    self.keep(spec, unit, ("vetoed", rule.name), bool(flags[index]))
            if not any(flags):
                return ()
        fired: dict[str, VetoResult] = {}
        for index, rule in enumerate(rules if flags is not None else spec.decision_order("veto")):
            if flags is not None:
                if flags[index]:
                    effects = rule.first(n.Effects)
                    if isinstance(effects, n.Effects):
                        fired[rule.name] = self.fired(rule, effects)
                continue
            when = rule.first(n.When)
            effects = rule.first(n.Effects)
            try:
                hit = self.rule_condition(rule, when.expr, unit) if isinstance(when, n.When) else False
            except Failure as failure:
                self.fail(unit, f"veto {rule.name}", failure)
                hit = False
            else:
                cover.hit(rule.span, f"veto {rule.name} {'fired' if hit else 'did not fire'}")
            self.keep(spec, unit, ("vetoed", rule.name), hit)
            if hit and isinstance(effects, n.Effects):
                fired[rule.name] = self.fired(rule, effects)
        return tuple(fired[rule.name] for rule in rules if rule.name in fired)

    def fired(self, rule: RuleSpec, effects: n.Effects) -> VetoResult:
        actions = tuple(VetoEffect(e.kind, e.grade) for e in effects.effects)
        return VetoResult(rule.name, rule.label, actions, self.schema.where(rule.span))

    # ------------------------------------------------------ completion

    def completion(self, spec: ClassSpec, drafts: list[Draft]) -> list[CompletionRow]:
        rows = []
        for index, category in enumerate(spec.categories):
            if not any(m.counted for m in category.measures):
                continue
            items = sum(d.sums[SUMS.width * index + SUMS.counted] for d in drafts)
            done = sum(d.sums[SUMS.width * index + SUMS.completed] for d in drafts)
            rows.append(CompletionRow(spec.name, category.name, items, done))
        return rows


def commending(schema: Schema) -> tuple[str, ...]:
    """The classes that declare a commendation, in policy order."""
    return tuple(name for name, spec in schema.classes.items() if spec.rules_of("commendation"))


def record_scores(frames: dict[str, Frame], measure: str, results: dict[str, MeasureResult]) -> None:
    """A measure's earned points in its units' frames, where `score(measure)` reads them; a unit the
    measure does not apply to reads it as not applicable."""
    key = ("score", measure)
    for unit_id, result in results.items():
        quantities = frames[unit_id].quantities
        assert quantities is not None
        quantities[key] = result.earned if result.applicable else NOT_APPLICABLE


def _ignore(unit: Unit, where: str, failure: Failure) -> None:
    """Failures while a stream gathers: the unit's own scoring reports them."""


class _Frames(dict[str, Frame]):
    """The frames of one class's units, each made when first needed: the kernel seldom needs one. It
    reaches its engine weakly: the engine holds it, and a cycle would keep the class's units (and, while
    the cycle collector is paused, everything they reach) until a full collection."""

    def __init__(self, engine: Engine, units: list[Unit]):
        super().__init__()
        self.engine = weakref.ref(engine)
        self.units = {u.id: u for u in units}

    def __missing__(self, unit_id: str) -> Frame:
        engine = self.engine()
        if engine is None:  # frames are read only while their engine evaluates
            raise RuntimeError("a unit's frame was asked for after its evaluation ended")
        frame = self[unit_id] = engine.unit_frame(self.units[unit_id])
        return frame
