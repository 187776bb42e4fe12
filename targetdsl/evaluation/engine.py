"""The assessment of many units: the order of steps is the contract.

For each class: measures → category subtotals → coefficients → bonus and
deductions → total → vetoes → rank → grades → quotas → eligibility and
money → commendations; then the carry-over ledger and the completion
table (docs/semantics.md). Every failure is collected; if any unit
cannot be evaluated, no result is returned.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from targetdsl.evaluation import cover
from targetdsl.evaluation.collector import collector_paused
from targetdsl.evaluation.drafts import NO_FACTORS, NO_GRADES, SUMS, Draft, Ranked, Standing, categories_of, measures_of
from targetdsl.evaluation.interpreter import (
    EvaluationError,
    EvaluationProblem,
    Failure,
    Frame,
    NeedsPeerAverage,
    NotApplicable,
    Peers,
    condition,
    evaluate,
    number,
)
from targetdsl.evaluation.kernel import WIDTH, Bail, Cells, ClassArguments, Kernel, Unsupported, expression, uses_peers
from targetdsl.evaluation.kernel import build as build_kernel
from targetdsl.evaluation.measures import MeasureFigures, MeasureScorer
from targetdsl.evaluation.periods import OverPeriods
from targetdsl.evaluation.results import (
    NO_TRACE,
    Assessment,
    BonusResult,
    Breakdown,
    CarryOver,
    CompletionRow,
    Disagreement,
    MeasureResult,
    SharedRanking,
    Step,
    Trace,
    UnitResult,
    VetoEffect,
    VetoResult,
    not_graded_reason,
)
from targetdsl.language import nodes as n
from targetdsl.language.functions import ClassValues
from targetdsl.language.nodes import EffectKind
from targetdsl.language.schema import ClassSpec, MeasureSpec, RuleSpec, Schema
from targetdsl.numeric import (
    CONTEXT,
    HUNDRED,
    ONE,
    ZERO,
    exact_sum,
    in_context,
    percent_of,
    plausible,
    quantize,
    show,
    text,
    whole,
)
from targetdsl.values import NOT_APPLICABLE, AwardWon, MeasureRows, Unit, Value

NO_VALUES: dict[str, Value] = {}  # a rule without inputs of its own (read, never written)
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


class Engine:
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

    def fail(self, unit: Unit, where: str, failure: Failure) -> None:
        self.problems.append(EvaluationProblem(unit.id, where, failure.message, failure.span, code=failure.code))

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
                self.explainer = OnDemand(self.schema, self.title, self.period, self.carried, classes)
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
                    kernel = self.kernel(spec, members)
                    if kernel is not None and measure.name in {m.name for m in kernel.measures}:  # all at once
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

    def rounded(self, value: Decimal, stage: str) -> Decimal:
        if stage in self.round_at:
            rounding = self.schema.rounding
            return quantize(value, rounding.places, rounding.mode)
        return value

    def assess_unit(
        self,
        spec: ClassSpec,
        unit: Unit,
        by_measure: dict[str, dict[str, MeasureResult]],
        cells: Cells | None,
        kernel: Kernel | None,
    ) -> Draft:
        steps: list[Step] = []
        self.noted = {}
        sums: list[Any] = []  # per category: SUMS values (see Draft)
        taken = kernel is not None and cells is not None
        positions = kernel.positions if taken else {}  # type: ignore[union-attr]
        summed = kernel.categories if taken else {}  # type: ignore[union-attr]
        factors = self.coefficients(spec, unit) if spec.rules_of("coefficient") else NO_FACTORS
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
        coefficient = factors.get("total", ONE)
        if coefficient != ONE:
            if self.explain:
                steps.append(
                    Step("coefficient on the total", text(coefficient), None, (f"{text(raw)} × {text(coefficient)}",))
                )
            raw = CONTEXT.multiply(raw, coefficient)
        self.keep(spec, unit, ("subtotal", ""), raw)  # `subtotal()`: the total before bonus and deductions
        traced: dict[str, Step] = {}  # computed bonuses and gated deductions explain themselves
        bonuses = self.bonuses(spec, unit, traced)
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
        limits = spec.rules_of("limit")
        if limits:
            bonus -= self.limited(limits, {b.name: b.points for b in bonuses}, steps)
        self.keep(spec, unit, ("bonus", ""), bonus)
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
        flags = (
            cells[kernel.vetoes :] if kernel is not None and cells is not None and kernel.vetoes is not None else None
        )
        vetoes = self.vetoes(spec, unit, flags)
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
        items = sum(sums[SUMS.counted :: SUMS.width])
        done = sum(sums[SUMS.completed :: SUMS.width])
        breakdown = Breakdown(
            categories_of, measures_of, (spec, sums, cells, positions, by_measure, unit.id), self.explainer, unit.id
        )
        return Draft(
            unit, sums, breakdown, total, reported, coefficient, bonus, deductions, vetoes, bonuses, steps, items, done
        )

    # ------------------------------------------------------- unit-level rules

    def rule_frame(self, rule: RuleSpec, unit: Unit, extra: dict[str, Value] | None = None) -> Frame:
        values = dict(unit.rules.get((rule.kind, rule.name), {}))
        values.update(extra or {})
        key = (rule.kind, rule.name)
        peers = self.finishing_peers.get(key) if rule.kind in FINISHING_RULES else self.rule_peers.get(key)
        return Frame(values, rule.lets, parent=self.frames[unit.id], peers=peers, explain=self.explain)

    def rule_number(self, rule: RuleSpec, expr: n.Expr, unit: Unit) -> Decimal:
        """A coefficient's or a deduction's value; refused, like every score, when it is not below 10¹⁶ in
        size (a deduction of 10⁴⁵ would make a total no assessment can have)."""
        with _applicable(rule):
            value = self.compiled_rule(rule, expr, unit)
            if type(value) is not Decimal:
                frame = self.rule_frame(rule, unit)
                value = number(expr, frame)
                self.note(rule, frame)
        if not plausible(value):
            raise Failure(
                f"the value {show(value)} is outside the range of plausible values (below 10¹⁶ in size)", expr.span
            )
        return value

    def rule_condition(self, rule: RuleSpec, expr: n.Expr, unit: Unit) -> bool:
        with _applicable(rule):
            value = self.compiled_rule(rule, expr, unit)
            if type(value) is bool:
                return value
            frame = self.rule_frame(rule, unit)
            decided = condition(expr, frame)
            self.note(rule, frame)
            return decided

    def note(self, rule: RuleSpec, frame: Frame) -> None:
        """What a rule read and the class statistics it took, for its step of the explanation."""
        if self.explain:
            self.noted[(rule.kind, rule.name)] = (tuple(frame.notes or ()), self.read(rule, frame.used.items()))

    def compiled_rule(self, rule: RuleSpec, expr: n.Expr, unit: Unit) -> object:
        """A rule expression's value by its generated code (`kernel.expression`), when there is no trace or
        coverage to keep; None when the reference interpreter gives it (the expression needs the class)."""
        if self.explain or cover.current.get() is not None:
            return None
        key = ("rule", rule.kind, rule.name, id(expr))
        if key not in self.schema.compiled:
            try:
                self.schema.compiled[key] = expression(rule.lets, expr, frozenset(rule.inputs))
            except Unsupported:
                self.schema.compiled[key] = None
        generated = self.schema.compiled[key]
        if generated is None:
            return None
        return generated(unit.rules.get((rule.kind, rule.name), NO_VALUES), self.frames[unit.id])

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

    def bonuses(self, spec: ClassSpec, unit: Unit, traced: dict[str, Step] | None = None) -> tuple[BonusResult, ...]:
        rules = spec.rules_of("bonus")
        if not rules:
            return ()
        computing = self.computes_bonus(spec)
        if not unit.awards and unit.id not in self.carried_in and not computing:
            if spec.results_read:
                for rule in rules:
                    self.keep(spec, unit, ("bonus", rule.name), ZERO)
            return tuple(self.nothing_won(rule) for rule in rules)
        decided: dict[str, BonusResult] = {}
        for rule in spec.decision_order("bonus"):  # a bonus after those it reads (`bonus(B)`)
            decided[rule.name] = self.bonus(rule, unit, computing, traced)
            self.keep(spec, unit, ("bonus", rule.name), decided[rule.name].points)
        return tuple(decided[rule.name] for rule in rules)

    def bonus(self, rule: RuleSpec, unit: Unit, computing: bool, traced: dict[str, Step] | None) -> BonusResult:
        """One bonus rule's points for the unit: its formula's, or the awards it counts by level."""
        recording = cover.current.get() is not None
        carried = [a for a in self.carried_in.get(unit.id, ()) if a.bonus == rule.name]
        if computing and isinstance(rule.first(n.BonusPoints), n.BonusPoints):
            return self.computed_bonus(rule, unit, traced, [a for a in carried if a.points is not None])
        won = [a for a in unit.awards if a.bonus == rule.name] + carried
        if not won:
            return self.nothing_won(rule)
        levels, cap, cutoff = self.bonus_rule(rule)
        counted: list[str] = []
        carried_out: list[str] = []
        by_level: dict[str, Decimal] = {}
        carried_points = ZERO  # points carried in from last year's ledger, counted as they are
        if len(won) > 1:
            won.sort(key=_award_order)
        for award in won:
            described = _award(award)
            if award.points is not None:
                carried_points += award.points
                counted.append(f"{described}: {text(award.points)} points carried in from last year")
                continue
            if cutoff is not None and not award.carried_in and award.date is not None and award.date > cutoff:
                cover.hit(rule.span, f"bonus {rule.name}: award carried over")
                carried_out.append(described)
                self.ledger.append(CarryOver(unit.id, rule.name, award.level, award.name, award.date))
                continue
            level = levels[award.level]
            if recording:
                cover.hit(level.span, f"award level {level.name} counted")
            by_level[award.level] = by_level.get(award.level, ZERO) + level.points
            counted.append(described + (" — carried in from last year" if award.carried_in else ""))
        points = ZERO
        for name, amount in by_level.items():
            limit = levels[name].limit
            points += min(amount, limit) if limit is not None else amount
        points += carried_points
        if cap is not None:
            points = min(points, cap)
        return BonusResult(rule.name, tuple(counted), tuple(carried_out), points)

    def bonus_rule(self, rule: RuleSpec) -> tuple[dict[str, n.Level], Decimal | None, datetime.date | None]:
        """A bonus rule's levels by name, its cap and its carry-over cutoff, read once per evaluation."""
        key = ("bonus", rule.name)
        if key not in self.schema.compiled:
            cap = rule.first(n.Cap)
            carry = rule.first(n.CarryOver)
            self.schema.compiled[key] = (
                {s.name: s for s in rule.all(n.Level)},
                cap.value if isinstance(cap, n.Cap) else None,
                carry.after if isinstance(carry, n.CarryOver) else None,
            )
        found: tuple[dict[str, n.Level], Decimal | None, datetime.date | None] = self.schema.compiled[key]
        return found

    def nothing_won(self, rule: RuleSpec) -> BonusResult:
        """The result of a bonus rule for a unit that won none of its awards (one object, shared)."""
        key = ("nothing", rule.name)
        if key not in self.schema.compiled:
            self.schema.compiled[key] = BonusResult(rule.name, (), (), ZERO)
        result: BonusResult = self.schema.compiled[key]
        return result

    def deduction(self, rule: RuleSpec, unit: Unit, traced: dict[str, Step] | None = None) -> Decimal:
        amount_stmt = rule.first(n.Amount)
        cap = rule.first(n.Cap)
        gate = rule.first(n.When)
        if isinstance(gate, n.When):  # a gated deduction: computed below, with its trace
            return self.computed_amount(rule, unit, amount_stmt, gate, traced)
        try:
            amount = self.rule_number(rule, amount_stmt.expr, unit) if isinstance(amount_stmt, n.Amount) else ZERO
        except Failure as failure:
            self.fail(unit, f"deduction {rule.name}", failure)
            return ZERO
        amount = max(amount, ZERO)
        if isinstance(cap, n.Cap):
            amount = min(amount, cap.value)
        return amount

    # -------------------------------------- a shared cap over several bonuses or deductions

    def limited(self, limits: tuple[RuleSpec, ...], amounts: dict[str, Decimal], steps: list[Step]) -> Decimal:
        """How much the shared caps (`limit`) over the rules in `amounts` take off their sum: each
        limit's excess over its cap, explained as a step."""
        excess = ZERO
        for rule in limits:
            over = rule.first(n.LimitOver)
            cap = rule.first(n.Cap)
            if not isinstance(over, n.LimitOver) or not isinstance(cap, n.Cap):
                continue
            if not any(name in amounts for name in over.names):
                continue  # a limit over the other kind (bonuses, deductions), or over rules of another class
            summed = sum((amounts.get(name, ZERO) for name in over.names), ZERO)
            cover.hit(rule.span, f"limit {rule.name} {'applied' if summed > cap.value else 'not reached'}")
            if summed > cap.value:
                excess += summed - cap.value
            if self.explain:
                parts = " + ".join(f"{name} {text(amounts.get(name, ZERO))}" for name in over.names)
                kept = min(summed, cap.value)
                note = f"{parts} = {text(summed)}" + (f", capped at {text(cap.value)}" if summed > cap.value else "")
                steps.append(
                    Step(f"limit {rule.label or rule.name}", text(kept), self.schema.where(rule.span), (note,))
                )
        return excess

    # -------------------------------------- computed bonuses, gated deductions

    def computes_bonus(self, spec: ClassSpec) -> bool:
        """Whether a bonus of the class computes its points (`points …`), read once per evaluation."""
        key = ("computes bonus", spec.name)
        if key not in self.schema.compiled:
            self.schema.compiled[key] = any(r.first(n.BonusPoints) is not None for r in spec.rules_of("bonus"))
        found: bool = self.schema.compiled[key]
        return found

    def computed_bonus(
        self, rule: RuleSpec, unit: Unit, traced: dict[str, Step] | None, carried: list[AwardWon]
    ) -> BonusResult:
        """A bonus computed by its formula, plus the points carried in for it from last year's ledger."""
        points = self.computed_amount(rule, unit, rule.first(n.BonusPoints), rule.first(n.When), traced, carried)
        counted = tuple(f"{_award(a)}: {text(a.points)} points carried in from last year" for a in carried if a.points)
        return BonusResult(rule.name, counted, (), points)

    def computed_amount(
        self,
        rule: RuleSpec,
        unit: Unit,
        formula: n.BonusPoints | n.Amount | None,
        gate: n.When | None,
        traced: dict[str, Step] | None,
        carried: list[AwardWon] = [],  # noqa: B006 (never changed)
    ) -> Decimal:
        """A computed bonus's points or a gated deduction's amount: nothing when its `when` does not hold,
        else its formula's value, never below 0, at most its `cap`. Explained as one step with the
        inputs and lets it read."""
        cap = rule.first(n.Cap)
        notes: list[str] = []
        frame = self.rule_frame(rule, unit) if self.explain else None
        try:
            with _applicable(rule):  # explained or not, `score(M)` of a measure that does not apply fails
                held = True
                if gate is not None:
                    held = (
                        condition(gate.expr, frame) if frame is not None else self.rule_condition(rule, gate.expr, unit)
                    )
                    cover.hit(gate.span, f"{rule.kind} {rule.name}: {'applies' if held else 'does not apply'}")
                    notes.append(f"when {self.schema.quote(gate.expr)}: {'holds' if held else 'does not hold'}")
                amount = ZERO
                if held and formula is not None:
                    amount = (
                        number(formula.expr, frame) if frame is not None else self.rule_number(rule, formula.expr, unit)
                    )
                    if not plausible(amount):
                        raise Failure(
                            f"the value {show(amount)} is outside the range of plausible values (below 10¹⁶ in size)",
                            formula.expr.span,
                        )
                    notes.append(f"{self.schema.quote(formula.expr)} = {text(amount)}")
                    if amount < ZERO:
                        notes.append("below 0: counts 0")
                        amount = ZERO
                for award in carried:  # earned last year: counted whether or not this year's `when` holds
                    assert award.points is not None
                    amount += award.points
                    notes.append(f"{_award(award)}: {text(award.points)} points carried in from last year")
                if isinstance(cap, n.Cap) and amount > cap.value:
                    notes.append(f"capped at {text(cap.value)}")
                    amount = cap.value
        except Failure as failure:
            self.fail(unit, f"{rule.kind} {rule.name}", failure)
            return ZERO
        if frame is not None and traced is not None:
            notes = [f"{name} = {_shown(value)}" for name, value in frame.computed.items()] + notes
            notes += frame.notes or []
            inputs = self.read(rule, frame.used.items())
            where = self.schema.where(rule.span)
            traced[rule.name] = Step(
                f"{rule.kind} {rule.label or rule.name}", text(amount), where, tuple(notes), inputs
            )
        return amount

    def read(self, rule: RuleSpec, used: Iterable[tuple[str, Value]]) -> tuple[tuple[str, str], ...]:
        """The values a rule read, for its step: each named as its file writes it (`名次` for `rank` in a
        file written with Chinese keywords), shown as the data wrote it."""
        declared = rule.inputs.keys() | rule.lets.keys() | self.schema.unit_inputs.keys()
        return tuple(
            (self.schema.written(name, rule.span, declared), _shown(value, self.input_type(rule, name)))
            for name, value in used
        )

    def input_type(self, rule: RuleSpec, name: str) -> str | None:
        spec = rule.inputs.get(name) or self.schema.unit_inputs.get(name)
        return spec.type if spec is not None else None

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

    def keep(self, spec: ClassSpec, unit: Unit, key: tuple[str, str], value: Value) -> None:
        """A quantity of the unit's result a rule of the class reads (`bonus(B)`, `vetoed(V)`, …), put in
        the unit's frame as soon as it is decided, before any rule that reads it."""
        if key in spec.results_read:
            quantities = self.frames[unit.id].quantities
            assert quantities is not None
            quantities[key] = value

    def fired(self, rule: RuleSpec, effects: n.Effects) -> VetoResult:
        actions = tuple(VetoEffect(e.kind, e.grade) for e in effects.effects)
        return VetoResult(rule.name, rule.label, actions, self.schema.where(rule.span))

    # ------------------------------------------------------ ranking, grades

    @in_context
    def rank(self, drafts: list[Ranked]) -> list[Ranked]:
        keys = list(self.schema.ties)
        if not any(k.key == "id" for k in keys):
            keys.append(n.TieKey("id", "asc"))

        if [(k.key, k.direction or "desc") for k in keys[:-1]] == [("total", "desc")] and (
            keys[-1].key,
            keys[-1].direction or "asc",
        ) == ("id", "asc"):
            # the usual order, by two stable sorts that make no key objects (a million units: no copies)
            ordered = sorted(drafts, key=lambda d: d.unit.id)
            ordered.sort(key=lambda d: d.total, reverse=True)  # stable: ids stay ascending among equal totals
            return ordered

        def sort_key(draft: Ranked) -> tuple[object, ...]:
            parts: list[object] = []
            for key in keys:
                descending = (key.direction or ("asc" if key.key in ("id", "name") else "desc")) == "desc"
                if key.key in ("total", "rank"):
                    value: object = draft.total
                elif key.key == "id":
                    value = draft.unit.id
                elif key.key == "name":
                    value = draft.unit.name
                else:
                    index = next(
                        (
                            i
                            for i, c in enumerate(self.schema.classes[draft.unit.unit_class].categories)
                            if c.name == key.key
                        ),
                        None,
                    )
                    value = draft.sums[SUMS.width * index + SUMS.subtotal] if index is not None else ZERO
                parts.append(_Descending(value) if descending else value)
            return tuple(parts)

        return sorted(drafts, key=sort_key)

    def reason(self, ranked: Draft | Standing) -> str:
        """Why a unit has its grade: the reason grading kept, or, when nothing but the total decided,
        the band the total is in."""
        if ranked.reason is not None:
            return ranked.reason
        if not self.schema.grades:
            return NO_GRADES
        return f"total {text(ranked.total)} is in band {self.bands[ranked.grade]}"  # type: ignore[index]

    @in_context
    def grade(self, ordered: list[Draft] | list[Standing]) -> None:
        """Grades by band, veto effects and quotas, in rank order. A unit's reason is left None when it
        would say only which band the total is in (`reason` says it when it is needed)."""
        ladder = [g.name for g in self.schema.grades]
        if not ladder:
            for draft in ordered:
                draft.grade, draft.reason = None, None
            return
        ungraded = self.schema.ungraded
        if ungraded:  # units not graded: ranked, given no grade, holding no quota place
            for draft in ordered:
                if draft.unit.unit_class in ungraded:
                    draft.grade = None
                    draft.reason = not_graded_reason(draft.unit.unit_class)
            ordered = [d for d in ordered if d.unit.unit_class not in ungraded]  # type: ignore[assignment]
        bands = self.bands
        for draft in ordered:
            total = draft.total
            band = next((g for g in self.schema.grades if in_band(g.band, total)), self.schema.grades[-1])
            grade, notes = band, ""
            for veto in draft.vetoes:
                for effect in veto.actions:
                    if effect.kind is EffectKind.GRADE:
                        forced = effect.grade
                        notes += f"; veto {veto.label or veto.name} forces {forced}"  # as results show a veto
                        grade = next(g for g in self.schema.grades if g.name == forced)
                    elif effect.kind is EffectKind.CAP_GRADE:
                        cap = effect.grade
                        if ladder.index(grade.name) < ladder.index(cap):  # type: ignore[arg-type]
                            notes += f"; veto {veto.label or veto.name} caps the grade at {cap}"
                            grade = next(g for g in self.schema.grades if g.name == cap)
            draft.grade = grade.name
            draft.reason = f"total {text(total)} is in band {bands[band.name]}{notes}" if notes else None
            cover.hit(grade.band.span, f"grade {grade.name} given")
        size = len(ordered)
        for index, spec in enumerate(self.schema.grades):
            band_spec = spec.band
            if band_spec.quota is None and band_spec.quota_count is None:
                continue
            allowed = head_count(band_spec, size)
            below = ladder[index + 1] if index + 1 < len(ladder) else spec.name
            # A unit whose veto withholds the award takes no place in a quota: it is passed over, and
            # the next unit in rank order has the place (in the last grade there is nowhere to pass it).
            last = below == spec.name
            holders = [d for d in ordered if d.grade == spec.name and (last or not _withheld(d))]
            passed_over = [] if last else [d for d in ordered if d.grade == spec.name and _withheld(d)]
            if band_spec.quota_ties and 0 < allowed < len(holders):
                # units tied with the last place kept share the grade: the quota is exceeded by them
                boundary = holders[allowed - 1].total
                while allowed < len(holders) and holders[allowed].total == boundary:
                    tied = holders[allowed]
                    base = tied.reason or self.reason(tied)
                    tied.reason = base + f"; tied with the last place of the {spec.name} quota, it shares it"
                    allowed += 1
            if holders[allowed:]:
                cover.hit(band_spec.span, f"grade {spec.name}: quota applied")
            below_band = next(g.band for g in self.schema.grades if g.name == below)
            for draft in passed_over:
                cover.hit(below_band.span, f"grade {below} given")
                base = draft.reason if draft.reason is not None else self.reason(draft)
                draft.grade = below
                draft.reason = base + (
                    f"; a veto withholds the award, so it takes no place in the {spec.name} quota and gets {below}"
                )
            for draft in holders[allowed:]:
                cover.hit(below_band.span, f"grade {below} given")
                base = draft.reason if draft.reason is not None else self.reason(draft)
                draft.grade = below
                draft.reason = (
                    base
                    + f"; {spec.name} is limited to {quota_words(band_spec, size, allowed)}, "
                    + (f"so ranked below the quota it gets {below}")
                )

    # ---------------------------------------------------- money, commendation

    @in_context
    def finish(self, spec: ClassSpec, draft: Draft, rank: int) -> UnitResult:
        unit = draft.unit
        steps = draft.steps
        vetoes = draft.vetoes
        context: dict[str, Value] = {}
        if spec.rules_of("award") or spec.rules_of("commendation"):
            context = result_context(draft, rank)
        reason = self.reason(draft)
        if self.explain:
            ranking = self.schema.ranking_of(spec.name)
            if ranking is None or ranking.span is None:
                steps.append(Step("rank in class", str(rank), None))
            else:  # ranked with other classes: the place in the shared ranking
                shared = f"ranking {ranking.name}: classes {', '.join(ranking.classes)}"
                steps.append(Step("rank in ranking", str(rank), self.schema.where(ranking.span), (shared,)))
            assumed = tuple(f"assumption: {said}" for said in self.schema.grades_assumed)
            shown = "not graded" if spec.name in self.schema.ungraded else draft.grade or "—"
            steps.append(Step("grade", shown, None, (reason, *assumed)))
        # Eligibility is each award's own: a unit an award's `eligible when` excludes may still be paid
        # another award. The unit is eligible when at least one award of its class admits it, and
        # neither (None) when its class has no award.
        eligible: bool | None = None
        withheld = any(v.withholds_award for v in vetoes)
        money: Decimal | None = None
        for rule in spec.rules_of("award"):
            rule_frame = self.rule_frame(rule, unit, context)
            notes: list[str] = []
            admitted = True
            try:
                eligible_stmt = rule.first(n.Eligible)
                if isinstance(eligible_stmt, n.Eligible) and not _decided(rule, eligible_stmt.expr, rule_frame):
                    cover.hit(eligible_stmt.span, "not eligible")
                    admitted = False
                    notes.append(f"not eligible (line {eligible_stmt.span.line})")
                if withheld:
                    admitted = False
                    notes.append("a veto withholds the award")
                amounts = rule.first(n.Money)
                formula = rule.first(n.MoneyFormula)
                base = ZERO
                if isinstance(amounts, n.Money):
                    base = next((a.amount for a in amounts.amounts if a.grade == draft.grade), ZERO)
                elif isinstance(formula, n.MoneyFormula) and admitted:
                    with _applicable(rule):
                        base = self.computed_money(formula, rule_frame, notes)
                reduction = ZERO
                for reduce in rule.all(n.Reduce):
                    if _decided(rule, reduce.expr, rule_frame):
                        cover.hit(reduce.span, "reduction applied")
                        reduction += reduce.percent
                        notes.append(f"reduced by {text(reduce.percent)}% (line {reduce.span.line})")
                amount = CONTEXT.multiply(base, max(ZERO, HUNDRED - reduction)) / HUNDRED if admitted else ZERO
                amount = self.rounded(amount, "money")
                if amount > ZERO or (admitted and not self.pays(rule)):
                    cover.hit(rule.span, f"award {rule.name} paid")
            except Failure as failure:
                self.fail(unit, f"award {rule.name}", failure)
                amount = ZERO
            eligible = bool(eligible) or admitted
            where = self.schema.where(rule.span)
            if not self.pays(rule):  # an award without money (目标奖): won or not
                steps.append(Step(f"award {rule.label or rule.name}", "yes" if admitted else "no", where, tuple(notes)))
                continue
            money = amount if money is None else money + amount
            read = rule_frame.used.items() if isinstance(rule.first(n.MoneyFormula), n.MoneyFormula) else ()
            inputs = self.read(rule, read)
            steps.append(Step(f"award {rule.label or rule.name}", text(amount), where, tuple(notes), inputs))
        commendations = []
        for rule in spec.rules_of("commendation"):
            when = rule.first(n.When)
            try:
                frame = self.rule_frame(rule, unit, context)
                with _applicable(rule):
                    given = isinstance(when, n.When) and condition(when.expr, frame)
                if given:
                    commendations.append(rule.name)
                    cover.hit(rule.span, f"commendation {rule.name} given")
                    # what its condition read: an input (上年名次 = 5), a `let`, the unit's rank or total
                    inputs = self.read(rule, frame.used.items())
                    where = self.schema.where(rule.span)
                    taken = tuple(frame.notes or ())  # the class statistics it took (rank(x) among …)
                    steps.append(Step(f"commendation {rule.label or rule.name}", "yes", where, taken, inputs))
            except Failure as failure:
                self.fail(unit, f"commendation {rule.name}", failure)
        return UnitResult(
            unit.id,
            unit.name,
            unit.unit_class,
            draft.breakdown,
            draft.raw,
            draft.coefficient,
            draft.bonus,
            draft.deductions,
            draft.total,
            tuple(vetoes),
            draft.grade,
            reason,
            rank,
            eligible,
            money,
            tuple(commendations),
            draft.items,
            draft.completed,
            tuple(draft.bonuses),
            Trace(tuple(steps)) if self.explain else Trace((), self.explainer, unit.id) if self.explainer else NO_TRACE,
        )

    # -------------------------------------------------- computed money, awards without money

    def pays(self, rule: RuleSpec) -> bool:
        """Whether an award pays money (by grade or by formula); one without is won or not (目标奖)."""
        return rule.first(n.Money) is not None or rule.first(n.MoneyFormula) is not None

    def computed_money(self, formula: n.MoneyFormula, frame: Frame, notes: list[str]) -> Decimal:
        """An award's money by its formula (of the total, the rank, inputs): never below 0."""
        amount = number(formula.expr, frame)
        if not plausible(amount):
            raise Failure(
                f"the value {show(amount)} is outside the range of plausible values (below 10¹⁶ in size)",
                formula.expr.span,
            )
        notes.append(f"money {self.schema.quote(formula.expr)} = {text(amount)}")
        if amount < ZERO:
            notes.append("below 0: pays 0")
            return ZERO
        return amount

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


@contextlib.contextmanager
def _applicable(rule: RuleSpec) -> Iterator[None]:
    """A rule reading the score of a measure that does not apply to the unit (`score(M)`, M `missing
    na`) cannot be decided: an error for the unit, never a silent zero."""
    try:
        yield
    except NotApplicable as missing:
        raise Failure(
            f"`{missing}` does not apply to this unit, so {rule.kind} `{rule.name}` cannot be decided", rule.span
        ) from None


# The rules that may compare a unit with its class (`rank`, `peer_max`, … in their expressions): those
# decided before the total, over the class's values after the measures; and those decided after the
# ranking, over the class's values with each unit's result so far (`total`, `rank`, …).
COMPARING_RULES = ("veto", "bonus", "deduction", "coefficient")
FINISHING_RULES = ("award", "commendation")


def result_context(draft: Draft, rank: int) -> dict[str, Value]:
    """The names an award or a commendation reads of the unit's result so far."""
    return {
        "total": draft.total,
        "rank": Decimal(rank),
        "items": Decimal(draft.items),
        "completed_items": Decimal(draft.completed),
        "vetoed": bool(draft.vetoes),
    }


def rule_key(rule: RuleSpec) -> str:
    """A rule's place among its class's figures (beside the measures, by name): its quantity's name in
    the lowered graph, `veto.安全`, which no measure's name can be."""
    return f"{rule.kind}.{rule.name}"


def rule_values(
    engine: Engine,
    rule: RuleSpec,
    units: list[Unit],
    expr: n.Expr,
    contexts: dict[str, dict[str, Value]] | None = None,
) -> Iterator[tuple[int, Decimal]]:
    """`expr`'s value in the rule for each of `units` that has one, with the unit's position (and, for an
    award or a commendation, the unit's result so far); a unit whose value cannot be computed is left
    out, as a measure's class-wide argument leaves it out (its own evaluation of the rule reports it)."""
    for at, unit in enumerate(units):
        try:
            value = evaluate(expr, engine.rule_frame(rule, unit, contexts[unit.id] if contexts else None))
        except (NotApplicable, NeedsPeerAverage, Failure):
            continue
        if isinstance(value, Decimal):
            yield at, value


class _RulePeers:
    """A rule's class-wide values over the whole class being scored, each argument evaluated in every
    unit's rule frame once; it reaches its engine weakly, as the frames do."""

    def __init__(
        self,
        engine: Engine,
        rule: RuleSpec,
        units: list[Unit],
        contexts: dict[str, dict[str, Value]] | None = None,
        frames: _Frames | None = None,
    ):
        self.engine = weakref.ref(engine)
        self.rule = rule
        self.units = units
        self.contexts = contexts
        self.frames = frames  # the class's own frames, when it may be read while another class is finished
        self.cache: dict[int, ClassValues] = {}

    def __call__(self, expr: n.Expr) -> ClassValues:
        key = id(expr)
        if key not in self.cache:
            engine = self.engine()
            if engine is None:
                raise RuntimeError("a rule's class was read after its evaluation ended")
            current = engine.frames
            if self.frames is not None:
                engine.frames = self.frames
            try:
                values = rule_values(engine, self.rule, self.units, expr, self.contexts)
                self.cache[key] = ClassValues.of([value for _, value in values])
            finally:
                engine.frames = current
        return self.cache[key]


def across_ranking(
    schema: Schema, name: str, peers: Mapping[str, Mapping[tuple[str, str], Peers]]
) -> dict[tuple[str, str], Peers]:
    """The class-wide values the awards and commendations of class `name` read (`peers`: each class's own,
    by rule): its class's, or, for a class ranked with others (`ranking`), those of every class of the
    ranking the rule applies to, merged in the ranking's order of classes. Decided once the ranking is
    known, such a rule compares the units ranked together, as its `rank` does; every path merges them
    in that order, so that each gives the same statistics."""
    own = peers.get(name, {})
    ranking = schema.ranking_of(name)
    if ranking is None:
        return dict(own)
    return {
        key: _Merged([peers[c][key] for c in ranking.classes if key in peers.get(c, {})], ranking.name) for key in own
    }


class _Merged:
    """One rule's class-wide values over several classes ranked together: each class's, merged in turn."""

    def __init__(self, parts: list[Peers], ranking: str):
        self.parts = parts
        self.ranking = ranking  # its name, which the explanation of a class-wide call gives
        self.cache: dict[int, ClassValues] = {}

    def __call__(self, expr: n.Expr) -> ClassValues:
        key = id(expr)
        if key not in self.cache:
            merged = self.parts[0](expr)
            for part in self.parts[1:]:
                merged = merged.merge(part(expr))
            self.cache[key] = merged
        return self.cache[key]


def _decided(rule: RuleSpec, expr: n.Expr, frame: Frame) -> bool:
    """A condition of an award, by the reference path."""
    with _applicable(rule):
        return condition(expr, frame)


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


class _Descending:
    """Wraps a value so that sorting puts larger values first."""

    __slots__ = ("value",)

    def __init__(self, value: object):
        self.value = value

    def __lt__(self, other: _Descending) -> bool:
        return self.value > other.value  # type: ignore[operator,no-any-return]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


def in_band(band: n.Band, total: Decimal) -> bool:
    """Whether `total` lies in a grade's band (what the engine grades by, and publications read)."""
    if band.op == ">=":
        return total >= band.low  # type: ignore[operator]
    if band.op == ">":
        return total > band.low  # type: ignore[operator]
    if band.op == "<":
        return total < band.high  # type: ignore[operator]
    if band.op == "<=":
        return total <= band.high  # type: ignore[operator]
    if band.op == "to":
        return band.low <= total < band.high  # type: ignore[operator]
    return band.op == "otherwise"


# ------------------------------------------------------------ quota forms


def head_count(band: n.Band, size: int) -> int:
    """How many units of a class of `size` a grade's quota keeps: a fixed head count (`quota 3`), or the
    share of the class rounded as the band says, raised to its `at least`."""
    if band.quota_count is not None:
        return int(band.quota_count)
    allowed = whole(percent_of(band.quota, size), band.quota_rounding or "down")  # type: ignore[arg-type]
    if band.quota_floor is not None:
        allowed = max(allowed, int(band.quota_floor))
    return allowed


def quota_words(band: n.Band, size: int, allowed: int) -> str:
    """What a quota allows, as a reason says it: `3 units`, `30% of 9 units = 2`, `20% of 3 units = 0,
    at least 1`."""
    if band.quota_count is not None:
        return f"{allowed} units"
    share = whole(percent_of(band.quota, size), band.quota_rounding or "down")  # type: ignore[arg-type]
    said = f"{text(band.quota)}% of {size} units = {share}"  # type: ignore[arg-type]
    return said if allowed == share else f"{said}, at least {allowed}"


def _shown(value: Value, kind: str | None = None) -> str:
    """A value a computed bonus, deduction or money read, for its explanation: percentages as the data
    wrote them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if kind in ("percent", "pp"):
            return show(value * HUNDRED) + ("%" if kind == "percent" else "pp")
        return show(value)
    return str(value)


def _band(band: n.Band) -> str:
    if band.op == "to":
        return f"{band.name} [{text(band.low)}, {text(band.high)})"  # type: ignore[arg-type]
    if band.op == "otherwise":
        return f"{band.name} (otherwise)"
    bound = band.low if band.low is not None else band.high
    return f"{band.name} ({band.op} {text(bound)})"  # type: ignore[arg-type]


def _withheld(ranked: Draft | Standing) -> bool:
    """Whether a veto with `no award` fired for the unit."""
    return any(v.withholds_award for v in ranked.vetoes)


def _award_order(award: AwardWon) -> tuple[datetime.date, str, str]:
    return award.date or datetime.date.min, award.level, award.name or ""


def _award(award: AwardWon) -> str:
    parts = ([award.level] if award.level else []) + ([award.date.isoformat()] if award.date else [])
    return f"{award.name or 'award'} ({', '.join(parts)})"


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
    ):
        self.schema, self.title, self.period, self.carried_in = schema, title, period, carried_in
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
            engine = Engine(self.schema, self.title, period=self.period, carried_in=self.carried_in, explain=True)
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
        engine = Engine(self.schema, self.title, period=self.period, carried_in=self.carried_in, explain=True)
        engine.on_demand, engine.explain = False, True
        with collector_paused(), decimal.localcontext(CONTEXT):
            (draft,) = engine.score_class(spec, [member])
            draft.grade, draft.reason = grade, reason
            result = engine.finish(spec, draft, rank)
        if engine.problems:
            raise Disagreement(f"the explaining path failed where the evaluation did not: {engine.problems[0]}")
        return result
