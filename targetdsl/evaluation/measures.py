"""Scoring measures: indicators, items, sub-items and assessor scores.

For one measure and one class of units, this stage computes each unit's
earned and available points, its completion counts and a trace step.
Class-wide functions (rank, efficacy, peer averages) see the same
measure's values across the class; `missing peer_avg` is resolved after
every unit has been scored. A class scored in parts (a stream) reads these
class-wide figures from `MeasureFigures`, gathered over the whole class
first, instead of from the part. The engine combines measures into
categories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.evaluation import cover
from targetdsl.evaluation.interpreter import (
    EVERY_UNIT,
    Failure,
    Frame,
    NeedsPeerAverage,
    NotApplicable,
    condition,
    evaluate,
    number,
)
from targetdsl.evaluation.kernel import Expression, Unsupported, expression, uses_peers
from targetdsl.evaluation.results import NO_STEP, ItemResult, MeasureResult, Step
from targetdsl.language import nodes as n
from targetdsl.language.bounds import FAR_ABOVE
from targetdsl.language.functions import FUNCTIONS, ClassValues
from targetdsl.language.schema import InputSpec, MeasureSpec
from targetdsl.language.typecheck import walk
from targetdsl.numeric import CONTEXT, HUNDRED, ONE, ZERO, plausible, quantize, show, text
from targetdsl.source import NO_SPAN, Span
from targetdsl.values import NOT_APPLICABLE, PEER_AVERAGE, GivenScore, Item, MeasureData, Unit, Value

NO_DATA = MeasureData()  # a unit that gave nothing for a measure


@attrs.define(slots=True)
class _Extremes:
    """One class-wide argument that no `peer_avg` reads, gathered as the units come, keeping no id: how
    many units have a value, the first smallest and the first largest in class order (by id, as
    `min` and `max` over the class pick among equal values such as 2.0 and 2.00), and, for a rank,
    every value (sorted once settled)."""

    ranked: bool
    count: int = 0
    total: Decimal = ZERO  # in the order read: no function reading this argument reads the mean
    low: Decimal | None = None
    low_id: str = ""
    high: Decimal | None = None
    high_id: str = ""
    values: list[Decimal] = attrs.field(factory=list)

    def add(self, unit_id: str, value: Decimal) -> None:
        self.count += 1
        self.total = CONTEXT.add(self.total, value)
        low, high = self.low, self.high
        if low is None or value < low or (value == low and unit_id < self.low_id):
            self.low, self.low_id = value, unit_id
        if high is None or value > high or (value == high and unit_id < self.high_id):
            self.high, self.high_id = value, unit_id
        if self.ranked:
            self.values.append(value)

    def settle(self) -> ClassValues:
        if not self.count:
            return ClassValues.of([])
        mean = CONTEXT.divide(self.total, Decimal(self.count))
        return ClassValues(self.count, tuple(sorted(self.values)), mean, self.low, self.high)


@attrs.define
class MeasureFigures:
    """One measure's class-wide figures for a class scored in parts, as a stream scores it.

    The in-memory evaluation computes them over the class's units in class order (by id). A stream
    gathers the same inputs unit by unit, in any order (`gather`), then settles them: the values of
    each class-wide function's argument (`arguments`; a unit where the argument has no value is
    skipped, as `MeasureScorer.peer_values` skips it), and the earned points of the units that did
    not score the class average (`missing peer_avg`). Once settled, a part of the class is scored
    with exactly the numbers the whole class would give.

    What is kept per unit depends on what reads the argument (`readers`): for `peer_avg`, whose mean
    sums in class order, every value with its unit's id, put in class order when settled; for a
    rank, every value; for the rest (min, max, efficacy, count) nothing: see `_Extremes`.
    """

    arguments: tuple[n.Expr, ...]  # the arguments of the measure's class-wide calls (peer_count: EVERY_UNIT)
    readers: dict[int, frozenset[str]]  # by id(argument): the class-wide functions that read it
    averaged: bool  # a unit may score the class average: the earned points are gathered
    ids: list[str] = attrs.field(factory=list)  # the units gathered, in the order they came (for `values`)
    values: dict[int, list[Decimal | None]] = attrs.field(factory=dict)  # by id(argument), as `ids`
    extremes: dict[int, _Extremes] = attrs.field(factory=dict)  # by id(argument), those no peer_avg reads
    earned: list[tuple[str, Decimal]] = attrs.field(factory=list)  # units with points of their own
    pending: int = 0  # units that scored the class average while it was not known
    peers: dict[int, ClassValues] | None = None  # settled: each argument's values over the class
    average: tuple[int, Decimal | None] | None = None  # settled: how many units had points, their mean

    def __attrs_post_init__(self) -> None:
        for expr in self.arguments:
            readers = self.readers[id(expr)]
            if "peer_avg" not in readers:
                self.extremes[id(expr)] = _Extremes(bool(readers & {"rank", "rank_asc"}))

    def gather(self, ids: list[str], values: dict[int, list[Decimal | None]]) -> None:
        """Some units' values of every argument (`MeasureScorer.gather`)."""
        in_order = False
        for key, column in values.items():
            extremes = self.extremes.get(key)
            if extremes is None:
                self.values.setdefault(key, []).extend(column)
                in_order = True
                continue
            for unit_id, value in zip(ids, column, strict=True):
                if value is not None:
                    extremes.add(unit_id, value)
        if in_order:
            self.ids += ids

    def settle_peers(self) -> None:
        order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        peers = {}
        for expr in self.arguments:
            extremes = self.extremes.get(id(expr))
            if extremes is not None:
                peers[id(expr)] = extremes.settle()
                continue
            column = self.values.get(id(expr), [])
            peers[id(expr)] = ClassValues.of([v for v in (column[i] for i in order) if v is not None])
        self.peers = peers
        self.ids, self.values, self.extremes = [], {}, {}

    def settle_average(self) -> None:
        have = [value for _, value in sorted(self.earned, key=lambda pair: pair[0])]
        # the arithmetic of `MeasureScorer.fill_peer_averages`, over the whole class
        self.average = len(have), ClassValues.of(have).mean if have else None
        self.earned = []

    def class_values(self, expr: n.Expr) -> ClassValues:
        if self.peers is None or id(expr) not in self.peers:
            raise RuntimeError("a class-wide function was read before its class's values were gathered")
        return self.peers[id(expr)]


@attrs.define
class Scored:
    """One unit's outcome for one measure, before peer averages are filled in."""

    earned: Decimal | None  # None: not applicable or waiting for the peer average
    available: Decimal
    completed: int = 0
    counted: int = 0
    pending_peer: bool = False
    items: list[ItemResult] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    inputs: dict[str, Value] = attrs.field(factory=dict)
    lets: dict[str, Value] = attrs.field(factory=dict)
    children: list[Step] = attrs.field(factory=list)


class MeasureScorer:
    """Scores one measure for every unit of one class."""

    def __init__(
        self,
        spec: MeasureSpec,
        units: list[Unit],
        unit_frames: dict[str, Frame],
        fraction: Decimal,
        rounding: n.Rounding,
        fail: Callable[[Unit, str, Failure], None],
    ):
        self.spec = spec
        self.units = units
        self.unit_frames = unit_frames
        self.fraction = fraction  # share of the year elapsed, for pro-rated inputs
        self.rounding = rounding
        self.fail = fail
        self.frames: dict[str, Frame] = {}
        self._peer_cache: dict[int, ClassValues] = {}
        self.where: Callable[[Span], str] = str
        self.explain = True
        self.fast: FastMeasure | None = None
        self.figures: MeasureFigures | None = None  # the class's figures, when these units are a part of it
        # the scorer of every unit of the class, when these units are some of them (the others scored by
        # the class kernel): class-wide functions read its values
        self.whole: MeasureScorer | None = None
        # a class-wide call's argument for every one of these units at once, by the class kernel (`Kernel.column`),
        # or None: then read unit by unit
        self.columns: Callable[[n.Expr], list[Decimal] | None] | None = None
        # the score formulas with no upper bound ("" the measure's own, a sub-item's name): Schema.unbounded
        self.unbounded: frozenset[str] = frozenset()

    def use_compiled(self, cache: dict[tuple[Any, ...], Any]) -> None:
        """Take the compiled path (no explanation) when the measure allows it."""
        key = ("measure", self.spec.name)
        if key not in cache:
            cache[key] = FastMeasure.build(self.spec)
        self.fast = cache[key]

    def run(self) -> dict[str, MeasureResult]:
        if self.spec.kind == "indicator" and self.fast is None:
            self.make_frames()
        scored: dict[str, Scored] = {}
        for unit in self.units:
            data = unit.measures.get(self.spec.name, NO_DATA)
            try:
                scored[unit.id] = self.score_unit(unit, data)
            except Failure as failure:
                self.fail(unit, self.spec.name, failure)
                scored[unit.id] = Scored(None, ZERO)
        self.fill_peer_averages(scored)
        self.frames = {}  # each frame reads its class through this scorer: no cycle may outlive the run (the
        # cycle collector is paused while units are evaluated, and a stream would keep every batch)
        return {unit_id: self.result(s) for unit_id, s in scored.items()}

    def gather(self, figures: MeasureFigures) -> None:
        """Pass 1 of a stream: these units' values of the measure's class-wide arguments, for `figures`."""
        if self.spec.kind == "indicator" and (self.fast is None or self.fast.arguments is None):
            self.make_frames()  # as `run` makes them (other kinds read none; generated arguments need none)
        values: dict[int, list[Decimal | None]] = {}
        for expr in figures.arguments:
            column = values[id(expr)] = [None] * len(self.units)
            for at, value in self.peer_values(expr):
                column[at] = value
        figures.gather([unit.id for unit in self.units], values)
        self.frames = {}  # as in `run`

    # -- frames

    def make_frames(self) -> None:
        """Every frame exists before any is scored: class-wide functions read them all."""
        for unit in self.units:
            data = unit.measures.get(self.spec.name, NO_DATA)
            self.frames[unit.id] = self.frame(unit, data.values, self.spec.points, self.spec)

    def frame(self, unit: Unit, values: dict[str, Value], points: Decimal, spec: MeasureSpec) -> Frame:
        bound = {name: self.prorate(spec.inputs.get(name), value, values) for name, value in values.items()}
        bound["points"] = points
        frame = Frame(bound, spec.lets, parent=self.unit_frames[unit.id], peers=self.peers, explain=self.explain)
        if frame.notes is not None and self.fraction != 1:
            frame.notes.extend(self.prorating(spec, values, bound))
        return frame

    def prorating(self, spec: MeasureSpec, values: dict[str, Value], bound: dict[str, Value]) -> list[str]:
        """What a progress check did to each pro-rated input: the year's value scaled to the months the
        period covers, or, for a level (`prorated unless level`), kept as it is."""
        notes = []
        months = CONTEXT.multiply(self.fraction, Decimal(12)).to_integral_value()  # a whole number of months
        for name, value in values.items():
            input_spec = spec.inputs.get(name)
            if input_spec is None or not input_spec.prorated or not isinstance(value, Decimal):
                continue
            scaled = bound[name]
            if input_spec.prorated_unless is not None and values.get(input_spec.prorated_unless) is True:
                notes.append(f"{name} not pro-rated: {input_spec.prorated_unless} is true (a level keeps its value)")
            elif isinstance(scaled, Decimal):
                notes.append(f"{name} pro-rated to the period: {text(value)} × {months}/12 = {show(scaled)}")
        return notes

    def prorate(self, spec: InputSpec | None, value: Value, values: dict[str, Value]) -> Value:
        if spec is not None and spec.prorated and isinstance(value, Decimal) and self.fraction != 1:
            if spec.prorated_unless is not None and values.get(spec.prorated_unless) is True:
                return value  # a level (rate, intensity, share): the period's value is the year's
            return CONTEXT.multiply(value, self.fraction)
        return value

    def peers(self, expr: n.Expr) -> ClassValues:
        """`expr`'s values over the class, evaluated, summed and sorted once per expression."""
        if self.figures is not None:
            return self.figures.class_values(expr)
        if self.whole is not None:  # these units are some of the class: its values are the whole class's
            return self.whole.peers(expr)
        key = id(expr)
        if key not in self._peer_cache:
            self._peer_cache[key] = ClassValues.of([value for _, value in self.peer_values(expr)])
        return self._peer_cache[key]

    def peer_values(self, expr: n.Expr) -> Iterator[tuple[int, Decimal]]:
        """`expr`'s value for each unit of these frames that has one, with the frame's position (with no
        frames made, for a generated measure: each unit's, by its generated argument)."""
        if self.columns is not None:
            column = self.columns(expr)
            if column is not None:  # every unit has a value: the class kernel computed them
                yield from enumerate(column)
                return
        if not self.frames and self.spec.kind == "indicator":
            arguments = self.fast.arguments if self.fast is not None else None
            generated = arguments.get(id(expr)) if arguments is not None else None
            if generated is not None:
                yield from self.generated_values(generated)
                return
            self.make_frames()  # an argument it has no code for: read of the frames, as the reference reads it
        for at, frame in enumerate(self.frames.values()):
            try:
                value = evaluate(expr, frame)
            except (NotApplicable, NeedsPeerAverage, Failure):
                continue
            if isinstance(value, Decimal):
                yield at, value

    def generated_values(self, argument: Expression) -> Iterator[tuple[int, Decimal]]:
        """A class-wide argument's value for each unit that has one, by its generated code, read as
        `peer_values` reads it of the units' frames: the same values, names and class."""
        spec = self.spec
        for at, unit in enumerate(self.units):
            data = unit.measures.get(spec.name, NO_DATA)
            frame = Frame({}, parent=self.unit_frames[unit.id], peers=self.peers, explain=False)
            try:
                value = argument(self.env(data.values, spec.points), frame)
            except (NotApplicable, NeedsPeerAverage, Failure):
                continue
            if isinstance(value, Decimal):
                yield at, value

    # -- scoring

    def score_unit(self, unit: Unit, data: MeasureData) -> Scored:
        spec = self.spec
        if self.fast is not None and spec.kind == "indicator":
            return self.score_fast(unit, data, self.fast)
        if spec.kind == "items":
            return self.score_items(unit, data)
        if spec.kind == "assessed":
            return self.score_assessed(data)
        return self.score_indicator(unit, data, self.frames[unit.id])

    def score_fast(self, unit: Unit, data: MeasureData, fast: FastMeasure) -> Scored:
        """The compiled path for an indicator: the outcome of score_indicator, without a trace."""
        spec = self.spec
        unit_frame = self.unit_frames[unit.id]
        if fast.arguments is not None:  # its class-wide calls read the class through this scorer
            unit_frame = Frame({}, parent=unit_frame, peers=self.peers, explain=False)
        env = self.env(data.values, spec.points)
        try:
            if data.given is not None:
                earned = self.given_points(spec.points, data.given)
            else:
                earned = self.within_points(fast.score(env, unit_frame), spec.points, spec)
            done, total = (
                fast.completion(env, unit_frame)
                if self.counted_by_inputs(data.values, data.given)
                else self.given_completion(data.given)
            )
        except NotApplicable:
            return Scored(None, ZERO)
        except NeedsPeerAverage:
            return Scored(None, spec.points, pending_peer=True)
        return Scored(self.round_indicator(earned), spec.points, done, total)

    def env(self, values: dict[str, Value], points: Decimal) -> dict[str, Any]:
        inputs = self.spec.inputs
        bound: dict[str, Any] = {name: self.prorate(inputs.get(name), value, values) for name, value in values.items()}
        bound["points"] = points
        return bound

    def score_indicator(self, unit: Unit, data: MeasureData, frame: Frame) -> Scored:
        spec = self.spec
        children: list[Step] = []
        sub_earned = ZERO
        sub_points = ZERO
        completed = counted = 0
        passed_over = False
        for sub in spec.subitems:
            sub_values = data.subitems.get(sub.name, {})
            if data.given is not None and not sub_values.keys() >= sub.inputs.keys():
                # the indicator's score is given: a sub-item the data leave out is not scored
                passed_over = True
                children.append(Step(sub.label or sub.name, "not scored: the score is given", self.where(sub.span)))
                continue
            sub_frame = self.frame(unit, sub_values, sub.points, sub)
            try:
                earned = number(sub.score, sub_frame) if sub.score is not None else ZERO
                self.within_points(earned, sub.points, sub)
                if not plausible(earned):
                    raise Failure(
                        f"sub-item {sub.name}: the score {show(earned)} is outside the range of plausible "
                        "values (below 10¹⁶ in size): check this unit's inputs",
                        sub.span,
                    )
                done, total = self.completion(sub, sub_frame)
            except NotApplicable:
                children.append(Step(sub.label or sub.name, "not applicable", self.where(sub.span)))
                continue
            cover.hit(sub.span, f"subitem {sub.name} scored")
            completed += done
            counted += total
            sub_earned += earned
            sub_points += sub.points
            children.append(self.step(sub, earned, sub_frame))
        try:
            if data.given is not None:
                earned = self.given_points(spec.points, data.given)
                notes = [f"score given by {data.given.assessor}: {text(data.given.score)} of 100"]
            elif spec.score is not None:
                earned = self.within_points(number(spec.score, frame), spec.points, spec)
                notes = []
            elif sub_points == ZERO:
                return Scored(None, ZERO, children=children, notes=["no applicable sub-item"])
            else:
                earned = CONTEXT.divide(CONTEXT.multiply(sub_earned, spec.points), sub_points)
                notes = [f"sum of sub-items {text(sub_earned)} of {text(sub_points)}, scaled to {text(spec.points)}"]
            done, total = (
                self.completion(spec, frame)
                if self.counted_by_inputs(data.values, data.given)
                else self.given_completion(data.given)
            )
            if passed_over and counted + total == 0 and data.given is not None:
                done, total = (1 if data.given.score == HUNDRED else 0), 1  # counted once, as a given item
        except NotApplicable as missing:
            return Scored(None, ZERO, notes=[f"not applicable: `{missing}` is missing"], inputs=dict(frame.used))
        except NeedsPeerAverage as missing:
            return Scored(
                None,
                spec.points,
                pending_peer=True,
                inputs=dict(frame.used),
                notes=[f"`{missing}` is missing: scored the class average"],
            )
        return Scored(
            self.round_indicator(earned),
            spec.points,
            completed + done,
            counted + total,
            notes=notes + (frame.notes or []),
            inputs=dict(frame.used),
            lets=dict(frame.computed),
            children=children,
        )

    def score_items(self, unit: Unit, data: MeasureData) -> Scored:
        spec = self.spec
        if not data.items:  # the data validated it: the policy says a unit without items is not assessed
            return Scored(None, ZERO, notes=["no items listed: not applicable (`missing na`)"])
        earned_total = available = ZERO
        completed = counted = 0
        results: list[ItemResult] = []
        for item in data.items:
            try:
                earned, done, total, step = self.score_item(unit, item)
            except NotApplicable as missing:
                step = (
                    NO_STEP
                    if not self.explain
                    else Step(
                        self.item_label(item), "not applicable", self.where(spec.span), (f"`{missing}` is missing",)
                    )
                )
                results.append(ItemResult(item.index, item.name, ZERO, None, 0, 0, step))
                continue
            except NeedsPeerAverage as missing:
                raise Failure(
                    f"item {item.index}: `{missing}` is missing, and a peer average is not defined "
                    "for individual items",
                    spec.span,
                ) from None
            except Failure as failure:
                raise Failure(
                    f"item {item.index}{f' ({item.name})' if item.name else ''}: {failure.message}",
                    failure.span,
                    code=failure.code,
                ) from None
            earned_total += earned
            available += item.points
            completed += done
            counted += total
            results.append(ItemResult(item.index, item.name, item.points, earned, done, total, step))
        if spec.node.pooled:
            return self.pooled(results, completed, counted)
        if available == ZERO:
            return Scored(None, ZERO, items=results, notes=["no applicable items"])
        if spec.node.points is not None or spec.node.share is not None:
            # an items measure weighted among indicators: the items' share of their points, at its own points
            scaled = self.round_indicator(CONTEXT.divide(CONTEXT.multiply(earned_total, spec.points), available))
            note = f"items {text(earned_total)} of {text(available)}, scaled to {text(spec.points)}"
            return Scored(scaled, spec.points, completed, counted, items=results, notes=[note])
        return Scored(earned_total, available, completed, counted, items=results)

    def pooled(self, results: list[ItemResult], completed: int, counted: int) -> Scored:
        """Pooled items: the measure's points × the sub-items done across the items ÷ all of them. Each
        item is shown with its part of that: its points, the measure's in proportion to its sub-items,
        earned in proportion to those it did (the parts add up to the score before it is rounded)."""
        spec = self.spec
        if counted == 0:
            return Scored(None, ZERO, items=results, notes=["no sub-items to count"])
        whole, done = Decimal(counted), Decimal(completed)
        shared: list[ItemResult] = []
        for item in results:
            if item.earned is None:  # not applicable: no part
                shared.append(item)
                continue
            points = CONTEXT.divide(CONTEXT.multiply(spec.points, Decimal(item.counted)), whole)
            earned = CONTEXT.divide(CONTEXT.multiply(spec.points, Decimal(item.completed)), whole)
            step = item.step
            if self.explain:
                notes = (*step.notes, f"{item.completed} of {item.counted} sub-items done")
                step = attrs.evolve(step, value=f"{show(earned)} of {show(points)}", notes=notes)
            shared.append(attrs.evolve(item, points=points, earned=earned, step=step))
        score = self.round_indicator(CONTEXT.divide(CONTEXT.multiply(spec.points, done), whole))
        note = f"pooled: {completed} of {counted} sub-items done across the items, scaled to {text(spec.points)}"
        return Scored(score, spec.points, completed, counted, items=shared, notes=[note])

    def score_item(self, unit: Unit, item: Item) -> tuple[Decimal, int, int, Step]:
        """One item's earned points, completion and trace step: compiled when possible, else interpreted."""
        spec = self.spec
        if self.fast is not None:
            env = self.env(item.values, item.points)
            unit_frame = self.unit_frames[unit.id]
            earned = (
                self.given_points(item.points, item.given)
                if item.given is not None
                else self.within_points(self.fast.score(env, unit_frame), item.points, spec)
            )
            done, total = (
                self.fast.completion(env, unit_frame)
                if self.counted_by_inputs(item.values, item.given)
                else self.given_completion(item.given)
            )
            return self.round_indicator(earned), done, total, NO_STEP
        frame = self.frame(unit, item.values, item.points, spec)
        if item.given is not None:
            earned = self.given_points(item.points, item.given)
            if frame.notes is not None:
                frame.notes.append(f"score given by {item.given.assessor}: {text(item.given.score)} of 100")
        else:
            earned = (
                self.within_points(number(spec.score, frame), item.points, spec) if spec.score is not None else ZERO
            )
        earned = self.round_indicator(earned)
        if self.counted_by_inputs(item.values, item.given):
            done, total = self.completion(spec, frame)
        else:
            done, total = self.given_completion(item.given)
            if frame.notes is not None and total:
                frame.notes.append(
                    "counted as one item, "
                    + ("completed: full marks" if done else "not completed: the given score is below 100")
                )
        return earned, done, total, self.step(spec, earned, frame, label=self.item_label(item), points=item.points)

    def score_assessed(self, data: MeasureData) -> Scored:
        spec = self.spec
        notes: list[str] = []
        if spec.ballots:  # each unit's own ballots, equally weighted; invalid ones counted, not scored
            valid = [b for b in data.ballots if b is not None]
            invalid = len(data.ballots) - len(valid)
            notes.append("valid ballots: " + ", ".join(text(b) for b in valid))
            notes.append(f"{len(valid)} valid ballots, {invalid} invalid")
            ratings = [(f"#{i}", ONE, b) for i, b in enumerate(valid, 1)]
        else:
            ratings = [
                (r.assessor, r.weight, data.ratings[r.assessor]) for r in spec.raters if r.assessor in data.ratings
            ]
        given: dict[str, Value] = {} if spec.ballots else {a: s for a, _, s in ratings}  # all, dropped ones too
        threshold = spec.drop_above
        if spec.drop_extremes and threshold is not None and len(ratings) <= threshold:
            notes.append(f"kept the highest and the lowest: {len(ratings)} scores, not more than {text(threshold)}")
        elif spec.drop_extremes and len(ratings) >= 3:
            high = max(range(len(ratings)), key=lambda i: (ratings[i][2], -i))
            low = min(range(len(ratings)), key=lambda i: (ratings[i][2], i))
            if spec.ballots:
                notes.append(f"dropped the highest ({text(ratings[high][2])}) and the lowest ({text(ratings[low][2])})")
            else:
                notes.append(
                    f"dropped the highest ({ratings[high][0]} {text(ratings[high][2])}) and the lowest "
                    f"({ratings[low][0]} {text(ratings[low][2])})"
                )
            ratings = [r for i, r in enumerate(ratings) if i not in (high, low)]
        weight = sum((w for _, w, _ in ratings), ZERO)
        if weight == ZERO:
            return Scored(None, ZERO, notes=["no assessor scores"])
        mean = CONTEXT.divide(sum((w * s for _, w, s in ratings), ZERO), weight)
        earned = CONTEXT.divide(CONTEXT.multiply(spec.points, mean), spec.scale)
        notes.append(f"weighted mean {text(quantize(mean, 4))} of {text(spec.scale)}")
        return Scored(self.round_indicator(earned), spec.points, notes=notes, inputs=given)

    def counted_by_inputs(self, values: dict[str, Value], given: GivenScore | None) -> bool:
        """Whether completion is counted from the inputs (`tally`, `completed when`): always, unless
        the score is given and the data leave out some input (a given score needs none)."""
        return given is None or values.keys() >= self.spec.inputs.keys()

    def given_completion(self, given: GivenScore | None) -> tuple[int, int]:
        """Completion of a given score without its inputs: one item, completed with full marks (100)."""
        if given is None or (self.spec.tally is None and self.spec.completed is None):
            return 0, 0
        return (1 if given.score == HUNDRED else 0), 1

    def given_points(self, points: Decimal, given: GivenScore) -> Decimal:
        return CONTEXT.divide(CONTEXT.multiply(points, given.score), HUNDRED)

    def completion(self, spec: MeasureSpec, frame: Frame) -> tuple[int, int]:
        if spec.tally is not None:
            return tallied(number(spec.tally.done, frame), number(spec.tally.total, frame), spec.tally.span)
        if spec.completed is not None:
            return (1 if condition(spec.completed, frame) else 0), 1
        return 0, 0

    def within_points(self, earned: Decimal, points: Decimal, spec: MeasureSpec) -> Decimal:
        """A score its formula computed, refused when it is more than twice its points and the formula has no
        upper bound (`points * actual / target`, with a target mistyped as 0.01): over-completion goes as
        far as a formula states (`min(…, 120%)`), or, where it states nothing, to no more than twice the
        points (a unit that did 250 % of its target is rare enough to be checked). Plausible sizes only
        (`round_indicator` says why beyond)."""
        key = "" if spec is self.spec else spec.name
        if key in self.unbounded and earned > FAR_ABOVE * points and plausible(earned):
            failure = Failure(
                f"the score {show(earned)} is more than twice its {show(points)} points, and the formula "
                "sets no upper bound: check this unit's inputs, or cap the formula (`min(…, points)`, "
                "`points * min(actual / target, 120%)`)",
                spec.span,
                code="eval.unbounded-score",
            )
            if key:
                raise Failure(f"sub-item {spec.name}: {failure.message}", spec.span, code=failure.code)
            raise failure
        return earned

    def round_indicator(self, value: Decimal) -> Decimal:
        """A measure's score, rounded where the policy says; refused when it is not below 10¹⁶ in size, as
        no value in data or policies is (a mistyped target of 0.000000000000001, say): the sums and roundings
        after it then stay within the 34 significant digits of the arithmetic."""
        if not plausible(value):
            raise Failure(
                f"the score {show(value)} is outside the range of plausible values (below 10¹⁶ in size): "
                "check this unit's inputs",
                self.spec.span,
            )
        if "indicator" in self.rounding.stages:
            return quantize(value, self.rounding.places, self.rounding.mode)
        return value

    def fill_peer_averages(self, scored: dict[str, Scored]) -> None:
        """Units whose `missing peer_avg` input was missing score the class average: computed once."""
        pending = [outcome for outcome in scored.values() if outcome.pending_peer]
        figures = self.figures
        if figures is not None and figures.averaged and figures.average is None:
            # a part of the class: its points are gathered, and the average is known once all are
            figures.earned += [(k, s.earned) for k, s in scored.items() if s.earned is not None and not s.pending_peer]
            figures.pending += len(pending)
            return
        if not pending:
            return
        if figures is not None:
            if figures.average is None:
                raise RuntimeError(f"`{self.spec.name}` scored a class average its stream did not gather")
            count, average = figures.average
        else:
            have = [s.earned for s in scored.values() if s.earned is not None and not s.pending_peer]
            count, average = len(have), ClassValues.of(have).mean if have else None
        if count and average is None:  # scores of sizes too far apart to sum exactly (10⁻⁹⁹⁸⁵ beside 10¹⁵)
            by_id = {unit.id: unit for unit in self.units}
            for unit_id, outcome in scored.items():
                if outcome.pending_peer:
                    outcome.pending_peer = False
                    outcome.available = ZERO
                    failure = Failure("the class's scores are too far apart in size to average", self.spec.span)
                    self.fail(by_id[unit_id], self.spec.name, failure)
            return
        earned = self.round_indicator(average) if average is not None else None  # the mean of plausible values
        for outcome in pending:
            outcome.pending_peer = False
            if average is None:
                outcome.available = ZERO
                outcome.notes.append("no unit in the class has a value: not applicable")
                continue
            outcome.earned = earned
            outcome.notes.append(f"class average of {count} units: {text(average)}")

    # -- results

    def item_label(self, item: Item) -> str:
        return f"{self.spec.label or self.spec.name} #{item.index}" + (f" {item.name}" if item.name else "")

    def step(
        self,
        spec: MeasureSpec,
        earned: Decimal,
        frame: Frame,
        *,
        label: str | None = None,
        points: Decimal | None = None,
    ) -> Step:
        if not self.explain:
            return NO_STEP
        notes = [f"{name} = {_show(value)}" for name, value in frame.computed.items()] + (frame.notes or [])
        return Step(
            label or spec.label or spec.name,
            f"{show(earned)} of {text(points if points is not None else spec.points)}",
            self.where(spec.span),
            tuple(notes),
            tuple((k, _show(v, spec.inputs.get(k))) for k, v in frame.used.items() if k != "points"),
        )

    def result(self, outcome: Scored) -> MeasureResult:
        spec = self.spec
        applicable = outcome.earned is not None
        if applicable:
            cover.hit(spec.span, f"{spec.kind} {spec.name} scored")
        earned = outcome.earned if outcome.earned is not None else ZERO
        available = outcome.available if applicable else ZERO
        step = NO_STEP
        if self.explain:
            value = f"{show(earned)} of {text(available)}" if applicable else "not applicable"
            if applicable and spec.adjustment:  # 加扣分项: no points of its own
                value = f"adjustment {show(earned)}"
            notes = [f"{name} = {_show(v)}" for name, v in outcome.lets.items()] + outcome.notes
            if spec.node.share is not None:  # indicator weights as shares
                notes.insert(0, f"{text(spec.node.share)}% of category {spec.category}: {text(spec.points)} points")
            notes += [f"assumption: {s.text}" for s in spec.node.body if isinstance(s, n.Assumption)]  # assumptions
            step = Step(
                spec.label or spec.name,
                value,
                self.where(spec.span),
                tuple(notes),
                tuple((k, _show(v, spec.inputs.get(k))) for k, v in outcome.inputs.items() if k != "points"),
                tuple(outcome.children) + tuple(i.step for i in outcome.items),
            )
        return MeasureResult(
            spec.name,
            spec.label,
            spec.category,
            spec.kind,
            available,
            earned,
            applicable,
            outcome.completed,
            outcome.counted,
            tuple(outcome.items),
            step,
        )


@attrs.frozen
class FastMeasure:
    """A measure's expressions as generated code (`kernel.expression`), for a measure the class kernel
    does not take: items (called item by item), a measure reading another's score. What the measure
    does with them (the score's bound, a tally's counts) is what the reference path does."""

    score_expression: Expression
    completed: Expression | None
    tally: tuple[Expression, Expression] | None
    tally_span: Span = NO_SPAN
    # a measure comparing units: each class-wide call's argument (`peer_count`: EVERY_UNIT), by node id
    arguments: dict[int, Expression] | None = None

    @staticmethod
    def build(spec: MeasureSpec) -> FastMeasure | None:
        """None when the measure needs the interpreter: sub-items, assessors, class-wide functions."""
        return FastMeasure.attempt(spec)[0]

    @staticmethod
    def attempt(spec: MeasureSpec) -> tuple[FastMeasure | None, str]:
        """The generated measure, or None and why it is declined (`targetdsl plan` shows it)."""
        if spec.kind not in ("indicator", "items"):
            return None, f"an {spec.kind} measure is scored by the reference path"
        if spec.subitems:
            return None, "sub-items are scored by the reference path"
        if spec.score is None:
            return None, "no score of its own"
        expressions = [spec.score, *(let.expr for let in spec.lets.values())]
        expressions += [e for e in (spec.completed,) if e is not None]
        if spec.tally is not None:
            expressions += [spec.tally.done, spec.tally.total]
        peers = uses_peers(expressions)
        if peers and spec.kind != "indicator":
            return None, "a class-wide function reads the class's values item by item"
        names = frozenset([*spec.inputs, "points"])

        def generated(expr: n.Expr) -> Expression:
            return expression(spec.lets, expr, names, peers=peers)

        try:
            built = FastMeasure(
                generated(spec.score),
                generated(spec.completed) if spec.completed is not None else None,
                (generated(spec.tally.done), generated(spec.tally.total)) if spec.tally else None,
                spec.tally.span if spec.tally else NO_SPAN,
                # the arguments of its class-wide calls, which the class's values are made of
                {id(a): generated(a) for a in _class_arguments(expressions)} if peers else None,
            )
        except Unsupported as reason:
            return None, str(reason)
        return built, ""

    def score(self, env: dict[str, Any], frame: Frame) -> Decimal:
        value = self.score_expression(env, frame)
        if type(value) is not Decimal:
            raise Failure(f"expected a number, got {value!r}", NO_SPAN)
        return value

    def completion(self, env: dict[str, Any], frame: Frame) -> tuple[int, int]:
        if self.tally is not None:
            done, total = self.tally[0](env, frame), self.tally[1](env, frame)
            if type(done) is not Decimal or type(total) is not Decimal:
                raise Failure("expected a number in `tally`", self.tally_span)
            return tallied(done, total, self.tally_span)
        if self.completed is not None:
            outcome = self.completed(env, frame)
            if type(outcome) is not bool:
                raise Failure(f"expected true or false, got {outcome!r}", NO_SPAN)
            return (1 if outcome else 0), 1
        return 0, 0


def _class_arguments(expressions: list[n.Expr]) -> list[n.Expr]:
    """The argument of every class-wide call in the expressions (`peer_count()`: EVERY_UNIT, one per unit)."""
    found: list[n.Expr] = []
    for expr in expressions:
        for node in walk(expr):
            if isinstance(node, n.Call) and FUNCTIONS[node.function].peer:
                found.append(node.args[0] if node.args else EVERY_UNIT)
    return found


def tallied(done: Decimal, total: Decimal, span: Span) -> tuple[int, int]:
    """A tally's counts: whole numbers of items, at least 0, done at most total — never truncated (2.5
    items done is a mistake in the data or the policy, not 2) and never beyond the range of plausible
    values, where an integer would be too long to print."""
    for value in (done, total):
        if not plausible(value):
            raise Failure(
                f"the count {show(value)} is outside the range of plausible values (below 10¹⁶ in size)", span
            )
        if value < 0 or value != value.to_integral_value():
            raise Failure(f"a tally counts whole items, at least 0; got {show(value)}", span)
    if done > total:
        raise Failure(f"a tally cannot count more items done ({show(done)}) than there are ({show(total)})", span)
    return int(done), int(total)


def _show(value: Value, spec: InputSpec | None = None) -> str:
    """An input or intermediate value for an explanation; percentages shown as the data wrote them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if spec is not None and spec.type in ("percent", "pp"):
            return show(value * HUNDRED) + ("%" if spec.type == "percent" else "pp")
        if spec is not None and spec.choices is not None:
            # an input of words: the word the number stands for, when only one does (`较好 (8)`)
            words = [word for word, number in spec.choices.items() if number == value]
            if len(words) == 1:
                return f"{words[0]} ({show(value)})"
        return show(value)
    if value is NOT_APPLICABLE or value is PEER_AVERAGE:
        return "missing"
    return str(value)
