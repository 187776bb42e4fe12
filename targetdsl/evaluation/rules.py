"""A unit's rules read in its frame, and what the parts of an assessment share while reading them.

`RuleReader` is the base of the engine's parts that decide rules (`bonuses.Bonuses`,
`finishing.Finishing`, and through them `engine.Engine`): the state they share (the schema, the frames of
the class being scored, the problems found), and a rule's frame, number and condition for a unit, by its
generated code or by the reference interpreter, with what it read for its step of the explanation. Beside
it, the class-wide values a rule compares a unit with (`_RulePeers`, merged across a ranking by
`across_ranking`) and the unit's result so far that awards and commendations read (`result_context`).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from targetdsl.evaluation import cover
from targetdsl.evaluation.drafts import Draft
from targetdsl.evaluation.interpreter import (
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
from targetdsl.evaluation.kernel import Unsupported, expression
from targetdsl.language import nodes as n
from targetdsl.language.functions import ClassValues
from targetdsl.language.schema import ClassSpec, RuleSpec, Schema
from targetdsl.numeric import HUNDRED, plausible, quantize, show
from targetdsl.values import Unit, Value

NO_VALUES: dict[str, Value] = {}  # a rule without inputs of its own (read, never written)

# The rules that may compare a unit with its class (`rank`, `peer_max`, … in their expressions): those
# decided before the total, over the class's values after the measures; and those decided after the
# ranking, over the class's values with each unit's result so far (`total`, `rank`, …).
COMPARING_RULES = ("veto", "bonus", "deduction", "coefficient")
FINISHING_RULES = ("award", "commendation")


class RuleReader:
    """What the parts of one assessment share: the policy, the frames of the units of the class being
    scored, the rules' class-wide values, the problems found; and the reading of a unit's rules in them."""

    schema: Schema
    explain: bool
    round_at: tuple[str, ...]  # the stages the policy rounds at
    problems: list[EvaluationProblem]
    frames: dict[str, Frame]
    rule_peers: dict[tuple[str, str], Peers]
    finishing_peers: dict[tuple[str, str], Peers]
    noted: dict[tuple[str, str], tuple[tuple[str, ...], tuple[tuple[str, str], ...]]]

    def fail(self, unit: Unit, where: str, failure: Failure) -> None:
        self.problems.append(EvaluationProblem(unit.id, where, failure.message, failure.span, code=failure.code))

    def rounded(self, value: Decimal, stage: str) -> Decimal:
        if stage in self.round_at:
            rounding = self.schema.rounding
            return quantize(value, rounding.places, rounding.mode)
        return value

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
        return plausible_value(value, expr)

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

    def keep(self, spec: ClassSpec, unit: Unit, key: tuple[str, str], value: Value) -> None:
        """A quantity of the unit's result a rule of the class reads (`bonus(B)`, `vetoed(V)`, …), put in
        the unit's frame as soon as it is decided, before any rule that reads it."""
        if key in spec.results_read:
            quantities = self.frames[unit.id].quantities
            assert quantities is not None
            quantities[key] = value


def plausible_value(value: Decimal, expr: n.Expr) -> Decimal:
    """A rule's value (a coefficient, a deduction, a bonus, money), refused at `expr` when it is not below
    10¹⁶ in size, as every score is."""
    if not plausible(value):
        raise Failure(
            f"the value {show(value)} is outside the range of plausible values (below 10¹⁶ in size)", expr.span
        )
    return value


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


def _decided(rule: RuleSpec, expr: n.Expr, frame: Frame) -> bool:
    """A condition of an award, by the reference path."""
    with _applicable(rule):
        return condition(expr, frame)


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
    engine: RuleReader,
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
        engine: RuleReader,
        rule: RuleSpec,
        units: list[Unit],
        contexts: dict[str, dict[str, Value]] | None = None,
        frames: dict[str, Frame] | None = None,
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
