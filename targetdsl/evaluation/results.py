"""What an evaluation returns: immutable, JSON-serialisable, deterministic.

Numbers stay `Decimal` in the API and are written to JSON as strings, so
no consumer ever sees a float. Units come in policy class order, then by
rank; everything else in policy order.

A fired veto's effects are typed values (`VetoResult.actions`: `VetoEffect`
— kind and grade); `VetoResult.effects` gives them as the words results
have always shown (`cap grade 良好`, `no award`), worded in one place
(`nodes.effect_words`), and JSON keeps writing those words.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

import attrs

from targetdsl.language.nodes import EffectKind, effect_words
from targetdsl.numeric import EXACT, Shown, text


@attrs.frozen
class Step:
    """One line of an explanation: what was computed, its value, and the rule (file:line) behind it."""

    what: str
    value: str
    rule: str | None = None
    notes: tuple[str, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()
    children: tuple[Step, ...] = ()


def not_graded_reason(unit_class: str) -> str:
    """The grade reason of a unit of a class ranked without a grade: what results keep, and read back."""
    return f"class {unit_class} is not graded"


NO_STEP = Step("", "")  # what results carry in place of explanations when none were asked for


@attrs.frozen
class ItemResult:
    index: int
    name: str | None
    points: Decimal
    earned: Decimal | None
    completed: int
    counted: int
    step: Step


@attrs.frozen
class MeasureResult:
    name: str
    label: str | None
    category: str
    kind: str
    points: Decimal  # available points (0 when not applicable)
    earned: Decimal  # points earned (0 when not applicable)
    applicable: bool
    completed: int
    counted: int
    items: tuple[ItemResult, ...]
    step: Step


@attrs.frozen
class CategoryResult:
    name: str
    label: str | None
    points: Decimal  # the class's points for this category
    earned: Decimal  # Σ earned of its measures
    available: Decimal  # Σ available points of its measures
    subtotal: Decimal
    applicable: bool


@attrs.frozen
class VetoEffect:
    """One effect of a fired veto: what it does, and the grade it forces or caps at."""

    kind: EffectKind
    grade: str | None = None

    def __str__(self) -> str:
        return effect_words(self.kind, self.grade)


@attrs.frozen
class VetoResult:
    name: str
    label: str | None
    actions: tuple[VetoEffect, ...]  # the effects, typed
    rule: str

    @property
    def effects(self) -> tuple[str, ...]:
        """The effects in words, as results show them: `grade 不合格`, `cap grade 良好`, `no award`, `zero score`."""
        return tuple(str(action) for action in self.actions)

    @property
    def zeroes_score(self) -> bool:
        return any(action.kind is EffectKind.ZERO_SCORE for action in self.actions)

    @property
    def withholds_award(self) -> bool:
        return any(action.kind is EffectKind.NO_AWARD for action in self.actions)

    def json_value(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "effects": list(self.effects), "rule": self.rule}


@attrs.frozen
class BonusResult:
    name: str
    counted: tuple[str, ...]  # "name (level, date)"
    carried_out: tuple[str, ...]
    points: Decimal


class Explainer(Protocol):
    """Explains, on first read, the units of one class evaluated without a trace (ondemand.OnDemand)."""

    def reference(self, unit: str) -> UnitResult:
        """The unit's result as the explaining path computes it, with every step."""
        ...


class Disagreement(RuntimeError):
    """The explaining path computed another number than the evaluation it explains: a defect of
    targetdsl, never of the policy or the data. Nothing is explained with numbers that differ."""


class Breakdown:
    """A unit's category and measure results. An evaluation without explanations builds each only
    when first read: most uses of its results never look below the totals. When explanations were
    asked for but not yet built (`Explainer`), the measures, which carry their steps, come from the
    explaining path, checked against the ones computed here."""

    __slots__ = ("_categories", "_measures", "_args", "_built_categories", "_built_measures", "_explainer", "_unit")

    def __init__(
        self,
        categories: Callable[..., tuple[CategoryResult, ...]],
        measures: Callable[..., tuple[MeasureResult, ...]],
        args: tuple[Any, ...],
        explainer: Explainer | None = None,
        unit: str = "",
    ):
        self._categories = categories
        self._measures = measures
        self._args = args
        self._built_categories: tuple[CategoryResult, ...] | None = None
        self._built_measures: tuple[MeasureResult, ...] | None = None
        self._explainer = explainer
        self._unit = unit

    @property
    def categories(self) -> tuple[CategoryResult, ...]:
        if self._built_categories is None:
            self._built_categories = self._categories(*self._args)
        return self._built_categories

    @property
    def measures(self) -> tuple[MeasureResult, ...]:
        if self._built_measures is None:
            computed = self._measures(*self._args)
            if self._explainer is not None:
                explained = self._explainer.reference(self._unit).measures
                if _stepless(explained) != _stepless(computed):
                    raise Disagreement(f"unit {self._unit}: the explained measures differ from the ones computed")
                computed = explained
                self._explainer = None
            self._built_measures = computed
        return self._built_measures

    def adopt(self, explained: tuple[MeasureResult, ...]) -> None:
        """The explained measures, checked against the computed ones by the caller (`Trace.read`), kept as
        the measures (nothing left to check when they are read)."""
        self._built_measures, self._explainer = explained, None

    def computed(self) -> tuple[MeasureResult, ...]:
        """The measures without building their explanations: read when no explanation is shown."""
        if self._built_measures is not None:
            return self._built_measures
        return self._measures(*self._args)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Breakdown) and self.categories == other.categories and self.measures == other.measures

    def __hash__(self) -> int:
        return hash((self.categories, self.measures))

    def __repr__(self) -> str:
        return f"Breakdown({self.categories!r}, {self.measures!r})"


@attrs.frozen
class UnitResult:
    id: str
    name: str
    unit_class: str
    breakdown: Breakdown = attrs.field(repr=False)  # read as `categories` and `measures`
    raw_total: Decimal  # the sum before veto effects (kept when a veto zeroes the score)
    coefficient: Decimal
    bonus: Decimal
    deductions: Decimal
    total: Decimal  # the reported total
    vetoes: tuple[VetoResult, ...]
    grade: str | None
    grade_reason: str
    rank: int
    eligible: bool | None  # admitted to at least one award of its class; None: the class has no award
    money: Decimal | None
    commendations: tuple[str, ...]
    items: int
    completed_items: int
    bonuses: tuple[BonusResult, ...]
    trace: Trace = attrs.field(repr=False)  # read as `explanation`

    @property
    def explanation(self) -> tuple[Step, ...]:
        """The unit's steps, from its total down to each measure (empty when none were asked for)."""
        return self.trace.read(self)

    @property
    def categories(self) -> tuple[CategoryResult, ...]:
        return self.breakdown.categories

    @property
    def measures(self) -> tuple[MeasureResult, ...]:
        return self.breakdown.measures

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    @property
    def not_graded(self) -> bool:
        """Whether the unit's class is ranked without a grade (`not graded for …`)."""
        return self.grade is None and self.grade_reason == not_graded_reason(self.unit_class)

    def json_value(self, *, explanations: bool = True, measures: bool = True) -> dict[str, Any]:
        """The unit's JSON (`measures=False`: an empty list in place of its measures, for a writer that
        writes them itself)."""
        document: dict[str, Any] = {}
        for field in attrs.fields(UnitResult):
            if field.name == "breakdown":
                document["categories"] = to_json(self.categories)
                if not measures:
                    document["measures"] = []
                elif explanations:
                    document["measures"] = to_json(self.measures)
                else:  # as their JSON reads once the steps are dropped, without writing the steps first
                    document["measures"] = [_stepless_json(m) for m in self.breakdown.computed()]
            elif field.name == "trace":
                if explanations:
                    document["explanation"] = to_json(self.explanation)
            else:
                document[field.name] = to_json(getattr(self, field.name))
        return document if explanations else _drop_explanations(document)

    def subtotal(self, category: str) -> Decimal | None:
        for result in self.categories:
            if result.name == category:
                return result.subtotal
        return None


@attrs.frozen
class CarryOver:
    """An award presented after the cutoff: it counts in next year's assessment."""

    unit: str
    bonus: str
    level: str
    name: str | None
    date: datetime.date | None


@attrs.frozen
class CompletionRow:
    unit_class: str
    category: str
    items: int
    completed: int


@attrs.frozen
class Provenance:
    """What a result was computed from. Carried by every Assessment."""

    targetdsl: str
    policy_sha256: str
    sources: tuple[tuple[str, str], ...]  # (file, sha256 of its text)
    digest: Callable[[], str] = attrs.field(eq=False, repr=False)  # computes the units' SHA-256
    period: str | None
    carried_in: int  # number of carried-in awards
    _cache: dict[str, str] = attrs.field(factory=dict, eq=False, repr=False, init=False)

    @property
    def units_sha256(self) -> str:
        """The SHA-256 of the validated unit data: computed when first asked for (it costs as much as
        a third of an evaluation without explanations), then kept."""
        if "units" not in self._cache:
            self._cache["units"] = self.digest()
        return self._cache["units"]

    def json_value(self) -> dict[str, Any]:
        return {
            "targetdsl": self.targetdsl,
            "policy_sha256": self.policy_sha256,
            "sources": [{"file": f, "sha256": h} for f, h in self.sources],
            "units_sha256": self.units_sha256,
            "period": self.period,
            "carried_in": self.carried_in,
        }


@attrs.frozen
class SharedRanking:
    """Classes ranked together (`ranking 全市 for 县区, 市直部门`): their units' ranks are of one ranking."""

    name: str
    label: str | None
    classes: tuple[str, ...]


@attrs.frozen
class Assessment:
    title: str
    year: int | None
    period: str | None
    classes: tuple[str, ...]
    units: tuple[UnitResult, ...]
    ledger: tuple[CarryOver, ...]
    completion: tuple[CompletionRow, ...]
    provenance: Provenance | None = None
    rankings: tuple[SharedRanking, ...] = ()  # only those across classes; in JSON only when there are some
    # the year's result of a policy weighting measures over its periods (`targetdsl periods`): the periods
    # weighted, its `period` being the last one, whose data decided the rest; not in JSON
    weighted: tuple[str, ...] = ()
    # the classes whose policy declares a commendation (嘉奖): their tables have a column naming each
    # unit's, given or not (CSV has it when any class does); not in JSON, whose units list theirs
    commending: tuple[str, ...] = ()

    def period_shown(self, *, chinese: bool = False) -> str | None:
        """What the result is of, for a title: its period, or, for the year's result weighting measures
        over the periods, the year and the periods weighted (not the last period's name alone)."""
        if self.weighted:
            if chinese:
                return f"全年，{'、'.join(self.weighted)}加权"
            return f"the year, {', '.join(self.weighted)} weighted"
        return self.period

    def ranking_of(self, unit_class: str) -> SharedRanking | None:
        """The ranking across classes `unit_class` is ranked in, or None when it is ranked alone."""
        return next((r for r in self.rankings if unit_class in r.classes), None)

    def unit(self, unit_id: str) -> UnitResult:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)

    def in_class(self, unit_class: str) -> tuple[UnitResult, ...]:
        return tuple(u for u in self.units if u.unit_class == unit_class)

    def ranked_with(self, unit_class: str) -> int:
        """How many units a unit of `unit_class` is ranked among: its class's, or those of every class of
        its ranking across classes (a rank 3 of 7, not of its class's 3)."""
        shared = self.ranking_of(unit_class)
        classes = (unit_class,) if shared is None else shared.classes
        return sum(1 for u in self.units if u.unit_class in classes)

    @property
    def total_items(self) -> int:
        return sum(row.items for row in self.completion)

    @property
    def total_completed(self) -> int:
        return sum(row.completed for row in self.completion)

    def to_json(self, *, explanations: bool = False) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for field in attrs.fields(Assessment):
            value = getattr(self, field.name)
            if field.name == "units":
                document["units"] = [unit.json_value(explanations=explanations) for unit in value]
            elif field.name == "rankings" and not value:  # the JSON of a policy without them, as it always was
                continue
            elif field.name in ("weighted", "commending"):  # said in titles and tables; the units say the rest
                continue
            else:
                document[field.name] = to_json(value)
        return document

    def ledger_json(self) -> dict[str, Any]:
        return {"year": self.year, "carry_over": [to_json(entry) for entry in self.ledger]}


def unit_json(
    unit: UnitResult, *, explanations: bool = False, shown: Shown = EXACT, measures: bool = True
) -> dict[str, Any]:
    """One unit's results as in `Assessment.to_json()["units"]`; with `shown` (`Policy.shown`), its computed
    figures as JSON Lines shows them: each measure's, item's and category's earned points, each subtotal,
    bonus and the deductions to the policy's places (the explanation's steps stay exact). `measures=False`:
    an empty list in place of the measures (`shown_measure` writes each as it would be)."""
    document = unit.json_value(explanations=explanations, measures=measures)
    if shown.places is not None:
        show = shown.of
        for category in document["categories"]:
            category["earned"], category["subtotal"] = show(category["earned"]), show(category["subtotal"])
        for measure in document["measures"]:
            _show_measure(measure, show)
        for bonus in document["bonuses"]:
            bonus["points"] = show(bonus["points"])
        document["bonus"], document["deductions"] = show(document["bonus"]), show(document["deductions"])
    return document


def shown_measure(measure: MeasureResult, shown: Shown) -> dict[str, Any]:
    """One measure's JSON without its steps as `unit_json` writes it, given `shown`."""
    document = _stepless_json(measure)
    if shown.places is not None:
        _show_measure(document, shown.of)
    return document


def _show_measure(measure: dict[str, Any], show: Callable[[str], str]) -> None:
    measure["earned"] = show(measure["earned"])
    for item in measure["items"]:
        if item["earned"] is not None:
            item["earned"] = show(item["earned"])


class Trace:
    """A unit's explanation: its steps, given when it was evaluated (or none, when none were asked
    for), or built when first read by the unit's `Explainer`, after checking that the explaining path
    computed every number of the unit as the evaluation did (else `Disagreement`)."""

    __slots__ = ("_steps", "_explainer", "_unit")

    def __init__(self, steps: tuple[Step, ...] = (), explainer: Explainer | None = None, unit: str = ""):
        self._steps = steps
        self._explainer = explainer
        self._unit = unit

    def read(self, result: UnitResult) -> tuple[Step, ...]:
        if self._explainer is not None:
            reference = self._explainer.reference(self._unit)
            computed = result.breakdown.computed()
            if computed is reference.measures:  # the unit's measures are the explained ones, already checked
                if _numbers(reference, ()) != _numbers(result, ()):
                    raise Disagreement(f"unit {self._unit}: the explaining path computed other results")
            elif _numbers(reference, reference.measures) != _numbers(result, computed):
                raise Disagreement(f"unit {self._unit}: the explaining path computed other results")
            else:  # checked with the rest: the unit's measures are the explained ones from now on
                result.breakdown.adopt(reference.measures)
            self._steps = reference.trace.read(reference)
            self._explainer = None
        return self._steps

    def _built(self) -> tuple[Step, ...]:
        if self._explainer is not None:
            reference = self._explainer.reference(self._unit)
            self._steps = reference.trace.read(reference)
            self._explainer = None
        return self._steps

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Trace) and self._built() == other._built()

    def __hash__(self) -> int:
        return hash(self._built())

    def __repr__(self) -> str:
        return f"Trace({self._built()!r})"


NO_TRACE = Trace()
_UNIT_FIELDS = tuple(f.name for f in attrs.fields(UnitResult) if f.name not in ("breakdown", "trace"))
_MEASURE_FIELDS = tuple(f.name for f in attrs.fields(MeasureResult) if f.name not in ("items", "step"))
_ITEM_FIELDS = tuple(f.name for f in attrs.fields(ItemResult) if f.name != "step")
_CATEGORY_FIELDS = tuple(f.name for f in attrs.fields(CategoryResult))


def _stepless(measures: tuple[MeasureResult, ...]) -> tuple[Any, ...]:
    """Measures as compared between the two paths: every field but their explanations, with each value's
    type (as their JSON would tell an integer from a decimal), read without building anything."""
    seen: list[Any] = []
    for measure in measures:
        values = _MEASURE_VALUES(measure)
        seen.append((values, tuple(map(type, values))))
        for item in measure.items:
            values = _ITEM_VALUES(item)
            seen.append((values, tuple(map(type, values))))
        seen.append(len(measure.items))
    return tuple(seen)


_MEASURE_VALUES = operator.attrgetter(*_MEASURE_FIELDS)
_ITEM_VALUES = operator.attrgetter(*_ITEM_FIELDS)


def _numbers(unit: UnitResult, measures: tuple[MeasureResult, ...]) -> tuple[Any, ...]:
    """What the evaluation and the path explaining it must agree on: the unit's JSON without its
    explanations (`json_value(explanations=False)`), compared without building it."""
    return (
        tuple((type(v), v) for v in map(unit.__getattribute__, _UNIT_FIELDS)),
        tuple(tuple((type(v), v) for v in map(c.__getattribute__, _CATEGORY_FIELDS)) for c in unit.categories),
        _stepless(measures),
    )


_MEASURE_JSON = tuple(f.name for f in attrs.fields(MeasureResult) if f.name != "step")
if _MEASURE_JSON != (*_MEASURE_FIELDS, "items"):
    raise ImportError("MeasureResult's fields are no longer in the order its JSON is written in")


def _plain(value: Any) -> Any:
    """`to_json` of a field that holds a text, a whole number, a truth value, None or a decimal."""
    return text(value) if value.__class__ is Decimal else value


def _stepless_json(measure: MeasureResult) -> dict[str, Any]:
    """A measure's JSON without its explanation: `to_json(measure)` with each "step" dropped. Each field
    is a plain value (a text, a number, a truth value, None, a decimal) but its items, each of plain
    values too but their step."""
    document = dict(zip(_MEASURE_FIELDS, map(_plain, _MEASURE_VALUES(measure)), strict=True))
    # last, as to_json writes it (the order of the fields: `items` the last but the step)
    document["items"] = [
        dict(zip(_ITEM_FIELDS, map(_plain, _ITEM_VALUES(item)), strict=True)) for item in measure.items
    ]
    return document


def _drop_explanations(unit: dict[str, Any]) -> dict[str, Any]:
    unit.pop("explanation", None)
    for measure in unit["measures"]:
        measure.pop("step", None)
        for item in measure["items"]:
            item.pop("step", None)
    return unit


# the field names of each attrs class without a json_value of its own, as `to_json` meets them
_RECORD_FIELDS: dict[type, tuple[str, ...]] = {}


def to_json(value: Any) -> Any:
    """attrs results → plain JSON values; decimals as exact strings."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is Decimal:
        return text(value)
    if kind is tuple or kind is list:
        return [to_json(v) for v in value]
    names = _RECORD_FIELDS.get(kind)
    if names is not None:  # an attrs class without json_value of its own, seen before
        return {name: to_json(getattr(value, name)) for name in names}
    return _to_json(value)


def _to_json(value: Any) -> Any:
    """`to_json` for any other value (what the exact types above are not: subclasses included)."""
    if hasattr(value, "json_value"):
        return value.json_value()
    if attrs.has(type(value)):
        names = _RECORD_FIELDS[type(value)] = tuple(field.name for field in attrs.fields(type(value)))
        return {name: to_json(getattr(value, name)) for name in names}
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    raise TypeError(f"cannot serialise {type(value).__name__}")
