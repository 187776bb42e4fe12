"""Which evaluator takes each quantity of a policy, and why a faster one declines it.

There are two evaluators: the reference interpreter (`measures.py`,
`interpreter.py`), which explains, and generated code (`kernel.py`). For
evaluations that build no explanation, a measure is scored by the class's
kernel (one generated function for the measures of a class it takes) when
it takes it, else by generated code expression by expression
(`kernel.expression`, through `measures.FastMeasure`: items item by item, a
measure reading another's score), else by the reference path; vetoes go to
the kernel or to generated rule expressions; coefficients, deductions and
computed bonuses to generated rule expressions; the rest of the steps
(subtotals the kernel does not sum, bonus, total, rank, grades, awards,
money) are the engine's, on every path. Each of those decisions is made
when the policy is compiled, and this module asks the same code that makes
them (`kernel.survey`, `FastMeasure.attempt`, `kernel.expression`) — it
does not restate their rules. It lays them over
the lowered graph (`lowering.py`) in evaluation order, with the pass of a
partitioned evaluation each quantity belongs to.

A unit the kernel takes may still be handed back at run time for a turn the
kernel declares (`Bail`: a missing value, a given score…); the plan shows
the path of the common case. Nothing here evaluates a unit.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.evaluation.engine import period_months
from targetdsl.evaluation.kernel import Survey, Unsupported, expression, survey
from targetdsl.evaluation.lowering import Graph, Kind, Phase, Quantity, lower
from targetdsl.evaluation.measures import FastMeasure
from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, MeasureSpec, RuleSpec, Schema
from targetdsl.messages import Language, translate, translate_clauses
from targetdsl.numeric import CONTEXT


class Evaluator(enum.Enum):
    DATA = "data"  # read and validated, not computed
    KERNEL = "kernel"  # the class's generated function
    EXPRESSIONS = "generated expressions"  # generated code, expression by expression
    REFERENCE = "reference"


@attrs.frozen
class Step:
    quantity: Quantity
    phase: Phase
    evaluator: Evaluator
    reason: str | None = None  # why the faster evaluators decline it; None when none is meant to take it


@attrs.frozen
class ClassPlan:
    unit_class: str
    passes: int
    steps: tuple[Step, ...]  # in evaluation order


@attrs.frozen
class Plan:
    title: str
    period: str | None
    classes: tuple[ClassPlan, ...]


def plan(schema: Schema, title: str, *, period: str | None = None, only: str | None = None) -> Plan:
    """The plan of every class (or of `only`) for an evaluation of `period` (None: the whole year); an
    unknown period raises engine.PeriodError, an unknown class KeyError."""
    fraction = CONTEXT.divide(Decimal(period_months(schema, period)), Decimal(12))
    graphs = lower(schema)
    if only is not None and only not in graphs:
        raise KeyError(only)
    classes = tuple(
        _Planner(schema, schema.classes[name], fraction).run(graph)
        for name, graph in graphs.items()
        if only is None or name == only
    )
    return Plan(title, period, classes)


class _Planner:
    def __init__(self, schema: Schema, spec: ClassSpec, fraction: Decimal):
        self.schema = schema
        self.spec = spec
        self.survey: Survey = survey(schema, spec, fraction)
        self.measures: dict[str, tuple[Evaluator, str | None]] = {m.name: self.measure(m) for m in spec.measures()}
        self.rules = {f"{r.kind}.{r.name}": r for r in spec.rules}

    def run(self, graph: Graph) -> ClassPlan:
        steps = []
        for name in graph.order:
            quantity = graph.quantity(name)
            evaluator, reason = self.assign(quantity)
            steps.append(Step(quantity, graph.phases[name], evaluator, reason))
        return ClassPlan(graph.unit_class, graph.passes, tuple(steps))

    def measure(self, measure: MeasureSpec) -> tuple[Evaluator, str | None]:
        if measure.name in self.survey.measures:
            return Evaluator.KERNEL, None
        declined = f"kernel: {self.survey.declined[measure.name]}"
        built, why = FastMeasure.attempt(measure)
        if built is not None:
            return Evaluator.EXPRESSIONS, declined
        return Evaluator.REFERENCE, f"{declined}; generated expressions: {why}"

    def assign(self, quantity: Quantity) -> tuple[Evaluator, str | None]:
        kind = quantity.kind
        if kind is Kind.INPUT:
            return Evaluator.DATA, None
        if kind is Kind.CONST:
            return Evaluator.REFERENCE, "a constant is evaluated in the unit's frame, on first use"
        if kind is Kind.STATISTIC:
            ranking = self.schema.ranking_of(self.spec.name)
            if ranking is not None and quantity.owner.startswith(("award.", "commendation.")):
                return Evaluator.REFERENCE, (
                    f"across the ranking: computed once over every unit's value of {', '.join(ranking.classes)}"
                    f" (ranking {ranking.name})"
                )
            return Evaluator.REFERENCE, "class-wide: computed once per class over every unit's value"
        if kind is Kind.ARGUMENT:
            measured = self.measures.get(quantity.owner)
            if measured is not None and measured[0] is Evaluator.EXPRESSIONS:  # generated with its measure
                return Evaluator.EXPRESSIONS, "read for every unit of the class by the class-wide statistic"
            if measured is not None and measured[0] is Evaluator.KERNEL:  # for every unit, before it scores them
                return Evaluator.KERNEL, None
            return Evaluator.REFERENCE, "read for every unit of the class by the class-wide statistic"
        if quantity.owner in self.measures:
            return self.measures[quantity.owner]
        if kind is Kind.CATEGORY:
            if quantity.name.removeprefix("category.") in self.survey.categories:
                return Evaluator.KERNEL, None
            return Evaluator.REFERENCE, self.category(quantity.name.removeprefix("category."))
        rule = self.rules.get(quantity.owner)
        if rule is not None:
            return self.rule(rule)
        return Evaluator.REFERENCE, None  # the engine's step, the same on every path

    def category(self, name: str) -> str:
        if not self.survey.measures:
            return "summed by the engine: the class has no kernel"
        outside = [
            m.name
            for c in self.spec.categories
            if c.name == name
            for m in c.measures
            if m.name not in self.survey.measures
        ]
        adjustments = [m.name for c in self.spec.categories if c.name == name for m in c.measures if m.adjustment]
        if adjustments:
            return "summed by the engine: adjustment items are added apart (" + ", ".join(adjustments) + ")"
        if not outside:
            return "summed by the engine: the category has no measure"
        return "summed by the engine: not every measure is in the kernel (" + ", ".join(outside) + ")"

    def rule(self, rule: RuleSpec) -> tuple[Evaluator, str | None]:
        if rule.kind == "veto" and self.survey.measures and self.survey.vetoes is None:
            return Evaluator.KERNEL, None
        computed = rule.kind == "bonus" and rule.first(n.BonusPoints) is not None
        if rule.kind in ("bonus", "award", "commendation", "limit") and not computed:
            return Evaluator.REFERENCE, None  # the engine's, on every path
        statement: Any = {"veto": n.When, "coefficient": n.Factor, "deduction": n.Amount, "bonus": n.BonusPoints}
        found = rule.first(statement[rule.kind])
        declined = f"kernel: {self.survey.vetoes}" if rule.kind == "veto" else None
        if found is None:
            return Evaluator.REFERENCE, declined
        # a computed bonus's or a deduction's `when` is generated beside its formula
        gates = [s.expr for s in rule.all(n.When)] if rule.kind in ("bonus", "deduction") else []
        try:
            for expr in (found.expr, *gates):
                expression(rule.lets, expr, frozenset(rule.inputs))
        except Unsupported as reason:
            generated = f"generated expressions: {reason}"
            return Evaluator.REFERENCE, f"{declined}; {generated}" if declined else generated
        return Evaluator.EXPRESSIONS, declined


def to_json(made: Plan, where: Any) -> dict[str, Any]:
    """The plan as a JSON document; `where(span)` names a location (`Schema.where`)."""
    return {
        "policy": made.title,
        "period": made.period,
        "classes": [
            {
                "class": c.unit_class,
                "passes": c.passes,
                "quantities": [
                    {
                        "name": s.quantity.name,
                        "kind": s.quantity.kind.value,
                        "scope": s.quantity.scope.value,
                        "phase": str(s.phase),
                        "dependencies": list(s.quantity.dependencies),
                        "evaluator": s.evaluator.value,
                        "declined": s.reason,
                        "detail": s.quantity.detail,
                        "at": where(s.quantity.span),
                    }
                    for s in c.steps
                ],
            }
            for c in made.classes
        ],
    }


def render_text(made: Plan, where: Any, *, language: Language = Language.ENGLISH) -> str:
    """The plan for a reader: per class, each phase, each quantity with what it reads and who takes it,
    said in `language`; names, and the policy's own words (its expressions, types, keywords), as written."""

    def say(words: str) -> str:
        return translate(words, language)

    gap = " " if language is Language.ENGLISH else ""  # after "why:", not after "原因："
    lines = [say(f"plan of {made.title}" + (f", period {made.period}" if made.period else ", the whole year"))]
    for unit_class in made.classes:
        noun = "pass" if unit_class.passes == 1 else "passes"
        lines.append("")
        lines.append(say(f"class {unit_class.unit_class}: {unit_class.passes} {noun} over the units"))
        phase: Phase | None = None
        for step in unit_class.steps:
            if step.phase != phase:
                phase = step.phase
                what = "over the whole class" if phase.settle else "per unit"
                lines.append(f"  {say(f'{phase} ({what})')}")
            quantity = step.quantity
            kind, evaluator = say(quantity.kind.value), say(step.evaluator.value)
            lines.append(f"    {quantity.name}  {kind} · {evaluator} · {where(quantity.span)}")
            if quantity.detail:
                lines.append(f"      = {_detail(quantity.detail, language)}")
            if quantity.dependencies:
                lines.append(f"      ← {', '.join(quantity.dependencies)}")
            if step.reason:
                lines.append(f"      {say('why:')}{gap}{translate_clauses(step.reason, language)}")
    return "\n".join(lines) + "\n"


def _detail(detail: str, language: Language) -> str:
    """What a quantity is, in `language`: its words before the `: ` that introduces an expression
    (`indicator, 60 points: points * …`); the expression, a policy's own text, as it is."""
    if language is Language.ENGLISH:
        return detail
    head, colon, expression = detail.partition(": ")
    said = translate(head, language)
    return f"{said}：{expression}" if colon and said != head else translate(detail, language)
