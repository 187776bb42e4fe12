"""The guard against percentages given as fractions, judged over a whole column of the data.

A `percent` input reads a bare number as the percent (8.5 is 8.5 %), as people type it; an office whose
database exports 8.5 % as the fraction 0.085 would have it read as 0.085 %. No single value tells which
is meant (0.085 % may be a real accident rate), but a column does: when every value a field is given in
the data is a bare number from -1 to 1 (at least three of them not 0), while the policy expects that percentage
above 1 % — it compares it with a percentage above 1 % (`bands rate { >= 90%: … }`, `range 0 to 100`,
`min(actual / target, 120%)`), or a percentage it is read with (`actual / target`) is given above 1 %, or
the field itself is given above 1 % where a value carries its % sign —, the data are refused
(`data.percent-fraction`), naming the field, with what to write. A value written with its sign (`0.085%`,
a cell formatted as a percentage) is never in doubt and never refused; nor is a column of small values
the policy gives no scale to (`actual >= target` reads the same either way).

`Columns` is what a validator gathers, one unit at a time (a count per field, not the values), and what
the parts of a partitioned evaluation merge, in data order; `problems` judges it once every unit is read.
This module must not read data files or decide any value: it only counts what validation has read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.language import nodes as n
from targetdsl.language.schema import InputSpec, MeasureSpec, RuleSpec, Schema
from targetdsl.language.typecheck import walk
from targetdsl.numeric import CONTEXT, HUNDRED, ONE, ZERO, text
from targetdsl.values import DataProblem, MeasureRows, RowLayout, Unit

# The sections of a record that hold the inputs of rules, by the kind of rule (as data.RULE_SECTIONS).
_SECTIONS = {
    "veto": "vetoes",
    "deduction": "deductions",
    "award": "awards",
    "coefficient": "coefficients",
    "commendation": "commendations",
}
# A column is judged from this many bare values from -1 to 1 (not 0) on: one or two units giving 1 for a
# growth rate say too little to refuse them (a class is 9 counties, 48 departments)
AT_LEAST = 3
ONE_PERCENT = Decimal("0.01")  # as validation holds a percent input: 1 % is 0.01
_POSITION = re.compile(r"\[\d+\]")


@attrs.frozen
class Reason:
    """Why a field's values are expected above 1 %: the policy's constants for it (`range 0 to 100`,
    `90%`), and the fields of the percentages it is read with."""

    constants: tuple[str, ...]
    related: tuple[str, ...]


@attrs.define
class Column:
    """One field's values over the data: how many are from -1 % to 1 % (not 0) and how many beyond, and
    how many of each were written with a % sign; the first unit giving a bare value from -1 to 1."""

    small: int = 0
    large: int = 0
    marked_small: int = 0
    marked_large: int = 0
    example: tuple[str, Decimal] | None = None

    def merge(self, later: Column) -> None:
        self.small += later.small
        self.large += later.large
        self.marked_small += later.marked_small
        self.marked_large += later.marked_large
        if self.example is None:
            self.example = later.example


# Where a percent input's values are in a validated unit: (field, default, the path — unit inputs, a
# measure's, its items', a sub-item's, a rule's, an assessor's ratings, the ballots, the given scores —,
# and None for a percentage, or the scale of a score out of it: a number input `range 0 to 100`, an
# assessor's score, a ballot, a given score).
_Place = tuple[str, Decimal | None, tuple[str, ...], Decimal | None]
# A place a unit's row holds (`MeasureRows`): the field, its default, its index in the row, its scale.
_InRow = tuple[str, Decimal | None, int, Decimal | None]


@attrs.define
class Columns:
    """The percent inputs' columns over the data, by field (`indicators.增速.actual`, an item's as
    `indicators.项目[*].rate`); picklable, so that the parts of an evaluation send theirs to be merged."""

    places: dict[str, tuple[_Place, ...]]  # by class
    columns: dict[str, Column] = attrs.field(factory=dict)
    marked: set[tuple[str | None, str]] = attrs.field(factory=set)  # (unit, field) written with a % sign
    # by class: the places a unit's row holds (with the row's layout they were found in), and the rest
    _in_rows: dict[str, tuple[RowLayout, tuple[_InRow, ...], tuple[_Place, ...]]] = attrs.field(
        factory=dict, eq=False, repr=False
    )

    def take(self, unit: Unit, label: str) -> None:
        """Count a validated unit's percent values (`label`: the unit as problems name it)."""
        places = self.places.get(unit.unit_class, ())
        if not places:
            return
        measures = unit.measures
        if type(measures) is MeasureRows:  # the values its row holds read by their place in it
            in_row, places = self._row_places(unit.unit_class, places, measures.layout)
            row = measures.row
            columns = self.columns
            for field, default, at, scale in in_row:
                value = row[at]
                if type(value) is not Decimal or value in (ZERO, default):
                    continue
                column = columns.get(field)
                if column is not None and abs(value) > (ONE_PERCENT if scale is None else ONE):
                    column.large += 1  # the usual value, counted at once; any other as every value is
                else:
                    self._count(unit, label, field, default, scale, value)
        for field, default, path, scale in places:
            for value in _values(unit, path):
                self._count(unit, label, field, default, scale, value)

    def _count(self, unit: Unit, label: str, field: str, default: Decimal | None, scale: Any, value: Any) -> None:
        if type(value) is not Decimal or value in (ZERO, default):
            return  # missing (0, a default, not applicable, the class average): nothing typed
        column = self.columns.get(field)
        if column is None:
            column = self.columns[field] = Column()
        if abs(value) <= (ONE_PERCENT if scale is None else ONE):
            column.small += 1
            if column.example is None and (label, field) not in self.marked:
                column.example = (unit.id, CONTEXT.multiply(value, HUNDRED) if scale is None else value)
        else:
            column.large += 1

    def _row_places(
        self, unit_class: str, places: tuple[_Place, ...], layout: RowLayout
    ) -> tuple[tuple[_InRow, ...], tuple[_Place, ...]]:
        """The places of `unit_class` a row in `layout` holds (a measure's input, an assessor's score), with
        their index in it, and the places it does not; found once per class and layout."""
        found = self._in_rows.get(unit_class)
        if found is None or found[0] is not layout:
            in_row: list[_InRow] = []
            rest: list[_Place] = []
            for place in places:
                field, default, path, scale = place
                at = layout.get((path[1], path[2])) if path[0] in ("measure", "rating") else None
                if at is None:
                    rest.append(place)
                else:
                    in_row.append((field, default, at, scale))
            found = self._in_rows[unit_class] = (layout, tuple(in_row), tuple(rest))
        return found[1], found[2]

    def mark(self, field: str, label: str | None, shown: Decimal) -> None:
        """A value written with its % sign (`8.5%`, a percentage cell): what it means is never in doubt."""
        key = _POSITION.sub("[*]", field)
        column = self.columns.get(key)
        if column is None:
            column = self.columns[key] = Column()
        if shown == ZERO:
            return
        if abs(shown) <= 1:
            column.marked_small += 1
            self.marked.add((label, key))
        else:
            column.marked_large += 1

    def merge(self, later: Columns) -> None:
        """`later`'s columns added to these: the parts of the data in their order."""
        for field, column in later.columns.items():
            mine = self.columns.get(field)
            if mine is None:
                self.columns[field] = mine = Column()
            mine.merge(column)

    def problems(self, file: str, reasons: dict[str, Reason]) -> list[DataProblem]:
        """A problem for each field whose every bare value is from -1 to 1 while a percentage above 1 % is
        expected of it, in the order of the policy's fields."""
        found = []
        for field, reason in reasons.items():
            column = self.columns.get(field)
            if column is None:
                continue
            bare_small = column.small - column.marked_small
            bare_large = column.large - column.marked_large
            if bare_small < AT_LEAST or bare_large > 0 or column.example is None:
                continue
            unit, value = column.example
            start = f"every one of its {bare_small} values is a bare number from -1 to 1 (unit {unit}: {text(value)})"
            if reason.constants:
                why = f"yet the policy compares it with percentages above 1 % ({', '.join(reason.constants)})"
            else:
                larger = [f for f in reason.related if self._large(f)] or ([field] if column.marked_large else [])
                if not larger:
                    continue
                why = f"yet `{larger[0]}` gives percentages above 1 %"
            found.append(
                DataProblem(
                    file,
                    None,
                    field,
                    f"{start}, {why}: a fraction (0.085 for 8.5 %) is read as that percent (0.085 %); "
                    "write percentages as the percent, 8.5 or 8.5%, and one truly below 1 % with its sign, 0.085%",
                    code="data.percent-fraction",
                )
            )
        scales = {field: scale for places in self.places.values() for field, _, _, scale in places if scale}
        for field, scale in scales.items():
            column = self.columns.get(field)
            if column is None or column.example is None or column.small < AT_LEAST or column.large > 0:
                continue
            unit, value = column.example
            found.append(
                DataProblem(
                    file,
                    None,
                    field,
                    f"every one of its {column.small} values is a number from -1 to 1 (unit {unit}: {text(value)}), "
                    f"yet it is a score out of {text(scale)}: a fraction (0.95 for 95 %) is read as that many points "
                    f"out of {text(scale)}; write it out of {text(scale)}",
                    code="data.percent-fraction",
                )
            )
        return found

    def _large(self, field: str) -> bool:
        column = self.columns.get(field)
        return column is not None and column.large > 0


def columns(schema: Schema, default_of: Callable[[InputSpec], Decimal | None]) -> Columns | None:
    """An empty tally of the policy's percent inputs, None when it has none."""
    places: dict[str, tuple[_Place, ...]] = {}
    for name in schema.classes:
        found: list[_Place] = []
        for field, _, input_spec, path in _inputs(schema, name):
            found.append((field, default_of(input_spec) if input_spec.missing == "default" else None, path, None))
        found += _scored(schema, name, default_of)
        if found:
            places[name] = tuple(found)
    return Columns(places) if places else None


def reasons(schema: Schema) -> dict[str, Reason]:
    """Why each percent input's values are expected above 1 %, by field, in the policy's order."""
    found: dict[str, Reason] = {}
    for name in schema.classes:
        for field, owner, spec, _ in _inputs(schema, name):
            if field in found:
                continue
            constants = list(_declared(spec))
            related: list[str] = []
            for expr in _expressions(owner, schema):
                names, literals = _read(expr, owner)
                if spec.name not in names:
                    continue
                constants += [c for c in literals if c not in constants]
                related += [
                    f
                    for other, f in _percent_fields(owner, field)
                    if other != spec.name and other in names and f not in related
                ]
            found[field] = Reason(tuple(constants[:3]), tuple(related))
    return found


_Owner = MeasureSpec | RuleSpec | None  # None: the unit inputs
OUT_OF = Decimal(100)  # a number input `range … to 100` is a score or a rate out of 100
SCALE_AT_LEAST = Decimal(10)  # an assessed measure's scale from which a fraction is told from a score


def _scored(schema: Schema, class_name: str, default_of: Callable[[InputSpec], Decimal | None]) -> list[_Place]:
    """The places of the scores out of a scale a unit of the class gives: number inputs `range … to 100`
    (a satisfaction score, a rate written as a number), assessors' scores and ballots, given scores."""
    spec = schema.classes[class_name]
    found: list[_Place] = []

    def numbers(inputs: dict[str, InputSpec], prefix: str, path: tuple[str, ...]) -> None:
        for name, input_spec in inputs.items():
            high = input_spec.high.value if input_spec.high is not None else None
            low = input_spec.low.value if input_spec.low is not None else None
            if input_spec.type == "number" and high == OUT_OF and (low is None or low >= 0):
                default = default_of(input_spec) if input_spec.missing == "default" else None
                found.append((f"{prefix}.{name}", default, (*path, name), OUT_OF))

    numbers(schema.unit_inputs, "inputs", ("unit",))
    for measure in spec.measures():
        field = f"indicators.{measure.name}"
        if measure.kind == "items":
            numbers(measure.inputs, f"{field}[*]", ("items", measure.name))
        else:
            numbers(measure.inputs, field, ("measure", measure.name))
        for sub in measure.subitems:
            numbers(sub.inputs, f"{field}.{sub.name}", ("sub", measure.name, sub.name))
        if measure.kind == "assessed" and measure.scale >= SCALE_AT_LEAST:
            if measure.ballots:
                found.append((f"{field}[*]", None, ("ballots", measure.name), measure.scale))
            for rater in measure.raters:
                found.append(
                    (f"{field}.{rater.assessor}", None, ("rating", measure.name, rater.assessor), measure.scale)
                )
        if measure.given_by:
            given = f"{field}[*].given.score" if measure.kind == "items" else f"{field}.given.score"
            found.append((given, None, ("given", measure.name), OUT_OF))
    for rule in spec.rules:
        section = _SECTIONS.get(rule.kind)
        if section is not None:
            numbers(rule.inputs, f"{section}.{rule.name}", ("rule", rule.kind, rule.name))
    return found


def _inputs(schema: Schema, class_name: str) -> Iterator[tuple[str, _Owner, InputSpec, tuple[str, ...]]]:
    """Each percent input a unit of the class gives: its field, owner, spec and path in a unit."""
    spec = schema.classes[class_name]
    for name, input_spec in schema.unit_inputs.items():
        if input_spec.type == "percent":
            yield f"inputs.{name}", None, input_spec, ("unit", name)
    for measure in spec.measures():
        items = measure.kind == "items"
        for name, input_spec in measure.inputs.items():
            if input_spec.type == "percent":
                field = f"indicators.{measure.name}{'[*]' if items else ''}.{name}"
                yield field, measure, input_spec, ("items" if items else "measure", measure.name, name)
        for sub in measure.subitems:
            for name, input_spec in sub.inputs.items():
                if input_spec.type == "percent":
                    field = f"indicators.{measure.name}.{sub.name}.{name}"
                    yield field, sub, input_spec, ("sub", measure.name, sub.name, name)
    for rule in spec.rules:
        section = _SECTIONS.get(rule.kind)
        if section is None:
            continue
        for name, input_spec in rule.inputs.items():
            if input_spec.type == "percent":
                yield f"{section}.{rule.name}.{name}", rule, input_spec, ("rule", rule.kind, rule.name, name)


def _percent_fields(owner: _Owner, field: str) -> Iterator[tuple[str, str]]:
    """The other percent inputs beside the one at `field`: (name, field)."""
    if owner is None:
        return
    prefix = field.rsplit(".", 1)[0]
    for name, spec in owner.inputs.items():
        if spec.type == "percent":
            yield name, f"{prefix}.{name}"


def _declared(spec: InputSpec) -> Iterator[str]:
    """The input's own constants beyond 1 % (its range is written as the data are: 100 is 100 %)."""
    low = spec.low.value if spec.low is not None else None
    high = spec.high.value if spec.high is not None else None
    if (low is not None and abs(low) > 1) or (high is not None and abs(high) > 1):
        yield f"`range {'…' if low is None else text(low)} to {'…' if high is None else text(high)}`"


def _expressions(owner: _Owner, schema: Schema) -> list[n.Expr]:
    if owner is None:  # a unit input is read anywhere
        found: list[n.Expr] = []
        for spec in schema.classes.values():
            for measure in spec.measures():
                found += measure.expressions
            for rule in spec.rules:
                found += rule.expressions
        return found
    found = list(owner.expressions)
    if isinstance(owner, MeasureSpec):
        found += [r.expr for r in owner.requires]
    return found


def _read(expr: n.Expr, owner: _Owner) -> tuple[set[str], list[str]]:
    """The names an expression reads, through the lets it names, and its percentages beyond 1 %."""
    lets = owner.lets if owner is not None else {}
    names: set[str] = set()
    literals: list[str] = []
    pending, done = [expr], set()
    while pending:
        current = pending.pop()
        for node in walk(current):
            if isinstance(node, n.Name):
                names.add(node.name)
                let = lets.get(node.name)
                if let is not None and node.name not in done:
                    done.add(node.name)
                    pending.append(let.expr)
            elif isinstance(node, n.Number) and node.unit in ("percent", "pp") and abs(node.value) > 1:
                shown = f"`{text(node.value)}{'%' if node.unit == 'percent' else 'pp'}`"
                if shown not in literals:
                    literals.append(shown)
    return names, literals


def _values(unit: Unit, path: tuple[str, ...]) -> Iterable[object]:
    """The values at a percent input's path in a validated unit (an item list's: one per item)."""
    kind = path[0]
    if kind == "unit":
        return (unit.values.get(path[1]),)
    if kind == "rule":
        return (unit.rules.get((path[1], path[2]), {}).get(path[3]),)
    measures = unit.measures
    if type(measures) is MeasureRows and kind in ("measure", "rating"):  # read in its row: nothing made
        at = measures.layout.get((path[1], path[2]))
        if at is not None:
            return (measures.row[at],)
    data = measures.get(path[1])
    if data is None:
        return ()
    if kind == "measure":
        return (data.values.get(path[2]),)
    if kind == "items":
        return (item.values.get(path[2]) for item in data.items)
    if kind == "rating":
        return (data.ratings.get(path[2]),)
    if kind == "ballots":
        return data.ballots
    if kind == "given":
        given = [data.given] if data.given is not None else [i.given for i in data.items if i.given is not None]
        return (g.score for g in given if g is not None)
    return (data.subitems.get(path[2], {}).get(path[3]),)
