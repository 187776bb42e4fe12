"""A unit finished once its class is ranked and graded: its rank and grade explained, each award
(eligibility, money by grade or by formula, reductions; an award without money won or not) and each
commendation decided, and its `UnitResult` made."""

from __future__ import annotations

from decimal import Decimal

from targetdsl.evaluation import cover
from targetdsl.evaluation.drafts import Draft
from targetdsl.evaluation.grading import Grading
from targetdsl.evaluation.interpreter import Failure, Frame, condition, number
from targetdsl.evaluation.ondemand import OnDemand
from targetdsl.evaluation.results import NO_TRACE, Step, Trace, UnitResult
from targetdsl.evaluation.rules import RuleReader, _applicable, _decided, plausible_value, result_context
from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, RuleSpec
from targetdsl.numeric import CONTEXT, HUNDRED, ZERO, in_context, text
from targetdsl.values import Value


class Finishing(Grading, RuleReader):
    """The last steps of a unit's assessment, in its class's rank order (`Engine.assess_ranking`)."""

    explainer: OnDemand | None  # explains the units on first read, when the evaluation keeps no trace

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
        amount = plausible_value(number(formula.expr, frame), formula.expr)
        notes.append(f"money {self.schema.quote(formula.expr)} = {text(amount)}")
        if amount < ZERO:
            notes.append("below 0: pays 0")
            return ZERO
        return amount
