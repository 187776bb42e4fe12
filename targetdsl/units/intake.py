"""The validator's usual path, generated per class: a record as a data file most often gives it, typed
in straight-line code.

`data.Validator.unit` reads a record through a dozen methods — `values`, `measures`, `measure`,
`_mapping` — each general enough for every shape the data may take. Most records take the same turns:
a mapping with an id, a name and a class, sections that are mappings with only the names the policy
declares, numbers as text or as numbers. For each class, this module writes one function that takes
exactly those turns in the same order, with the section and input names as constants, and calls the
validator's own methods for everything else:

- each input goes through the same quick converter `Validator.values` uses, and, when that leaves it
  (a missing value, a malformed number, a date, a percent cell…), through `Validator.value`, which
  reports the problem exactly as the general path does;
- a measure that is not a plain indicator, or whose data holds a given score, a key the measure does
  not take or a section that is no mapping, is read by `Validator.measure` itself;
- the unit's awards are read by `Validator.awards`.

A record whose shape it does not take (an id that is not text, a key that is not a unit's, a section
that is no mapping, a rule the class lacks) is declined: the function returns None, everything it
reported is taken back, and `Validator.unit` reads the record from the start. The function therefore
gives the same unit and the same problems, in the same order, as the general path; the differential
tests (`tests/unit/test_intake.py`) hold it to that.

Policy text never becomes code: names and fields are passed as constants (`k3`), and the source is
built from this module's own fragments only.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, InputSpec, MeasureSpec, RuleSpec, Schema
from targetdsl.numeric import CONTEXT, HUNDRED, PRECISION, ZERO
from targetdsl.values import AwardWon, MeasureData, MeasureRows, RowLayout, RowParts, Unit

PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")  # digits, and a point
# Beyond this many values a record, the function's compilation (about 16 lines and 0.45 ms a value) would cost
# more than the validation it saves for any likely number of units: such a class is read by the general path.
MAX_INPUTS = 2000
RULE_KINDS = ("veto", "deduction", "award", "coefficient", "commendation")
NUMBERS = ("number", "count", "money", "percent", "pp")  # the input types read as decimals

# A class's function: (validator, record) → the unit, or None when the record takes the general path.
Intake = Callable[[Any, dict[str, Any]], Unit | None]


def intakes(schema: Schema) -> dict[str, Intake]:
    """Each class's function, by the class name a record gives exactly (built once per policy)."""
    from targetdsl.units.data import identifier

    key = ("intake",)
    if key not in schema.compiled:
        schema.compiled[key] = {
            name: build(schema, spec)
            for name, spec in schema.classes.items()
            if identifier(name) == name and _inputs(schema, spec) <= MAX_INPUTS
        }
    table: dict[str, Intake] = schema.compiled[key]
    return table


RowShape = tuple[RowLayout, RowParts, int]


def row_shape(schema: Schema, unit_class: str) -> RowShape | None:
    """How validation keeps the measures of a unit of `unit_class` in a row (`MeasureRows`): each number's
    place, how each measure is made, how many numbers; None when it keeps them in a dict."""
    function = intakes(schema).get(unit_class)
    if function is None or getattr(function, "layout", None) is None:
        return None
    return function.layout, function.parts, function.width  # type: ignore[attr-defined]


def _inputs(schema: Schema, spec: ClassSpec) -> int:
    """How many values a record of the class gives at most: what the function's length grows with."""
    count = len(schema.unit_inputs) + sum(len(r.inputs) for kind in RULE_KINDS for r in spec.rules_of(kind))
    for measure in spec.measures():
        count += len(measure.inputs) + len(measure.raters) + sum(len(s.inputs) for s in measure.subitems)
    return count


def build(schema: Schema, spec: ClassSpec) -> Intake:
    writer = _Writer()
    return writer.function(schema, spec)


class _Writer:
    """Builds one class's function; names and specs go into `constants`, never into the text."""

    def __init__(self) -> None:
        from targetdsl.units import data

        self.constants: dict[str, Any] = {
            "STR": str,
            "DICT": dict,
            "EMPTY": {},
            "UNUSUAL": data.UNUSUAL,
            "UNIT": Unit,
            "MEASURE": MeasureData,
            "ROWS": MeasureRows,
            "UNIT_KEYS": frozenset(data.UNIT_KEYS),
            "INVISIBLE": data._invisible,
            "IDENTIFIER": data.identifier,
            "PRECISION": PRECISION,
            "MATCH": data.PLAIN_TEXT.fullmatch,
            "PLAIN": PLAIN_NUMBER.fullmatch,
            "DECIMAL_OF": data._decimal,
            "ADD": CONTEXT.add,
            "ZERO": ZERO,
            "INT": int,
            "FLOAT": float,
            "FLOAT_DECIMAL": data.float_decimal,
            "DECIMAL": Decimal,
            "MAGNITUDE": 10**16,
            "DIVIDE": CONTEXT.divide,
            "HUNDRED": HUNDRED,
        }
        self.lines: list[str] = []
        self.temporaries = 0
        self.readers: Readers | None = None  # the block's readers (`_Bulk`), when it has one
        self.layout: RowLayout | None = None  # where each measure's numbers stand in the row (`MeasureRows`)
        self.parts: RowParts = {}  # how each measure is made of the row
        self.width = 0  # how many numbers the row holds

    def constant(self, value: Any) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def temporary(self, prefix: str) -> str:
        self.temporaries += 1
        return f"{prefix}{self.temporaries}"

    def emit(self, indent: int, *lines: str) -> None:
        self.lines.extend("    " * indent + line for line in lines)

    def function(self, schema: Schema, spec: ClassSpec) -> Intake:
        from targetdsl.units.data import RULE_SECTIONS

        self.emit(
            1,
            # the id and the name, as Validator.unit reads them when both are text
            'i = R.get("id")',
            "if i.__class__ is not STR or not i.strip(): return None",
            'nm = R.get("name")',
            "if nm is None: nm = i",
            "elif nm.__class__ is not STR: return None",
            "if INVISIBLE(i) is not None or INVISIBLE(nm) is not None: return None",
            "u = IDENTIFIER(i)",
            "if not nm.strip(): nm = u",
            'V.unit_label = u if nm == u else u + " (" + nm + ")"',
            "if not R.keys() <= UNIT_KEYS: return None",
        )
        section = self.section(1, 'R.get("inputs")', schema.unit_inputs)
        names = self.constant(frozenset(m.name for m in spec.measures()))
        self.emit(
            1,
            'I = R.get("indicators")',
            "if I is None: I = EMPTY",
            "elif I.__class__ is not DICT: return None",
            f"if not I.keys() <= {names}: return None",
        )
        # every section of rules taken as it is or declined before anything is read: a decline takes back
        # what was reported, so where it happens changes nothing
        rules: list[tuple[str, RuleSpec, str, str]] = []
        for kind, name in RULE_SECTIONS.items():
            given = self.temporary("g")
            self.emit(
                1,
                f"{given} = R.get({self.constant(name)})",
                f"if {given} is None: {given} = EMPTY",
                f"elif {given}.__class__ is not DICT: return None",
                f"if not {given}.keys() <= {self.constant(frozenset(r.name for r in spec.rules_of(kind)))}: "
                "return None",
            )
            for rule in spec.rules_of(kind):
                raw = self.section(1, f"{given}.get({self.constant(rule.name)})", rule.inputs)
                rules.append((kind, rule, raw, f"{name}.{rule.name}"))
        _Bulk(self).block(schema, spec, section, rules)
        # the value-by-value path: a record the block above did not take
        self.values(1, section, "UV", schema.unit_inputs, "inputs")
        self.emit(1, "M = {}")
        for measure in spec.measures():
            self.measure(1, measure)
        self.rules(1, rules, {})
        self.emit(
            1,
            f'A = V.awards(R.get("bonuses"), {self.constant(spec)})',
            f"return UNIT(u, nm, {self.constant(spec.name)}, UV, M, RL, A)",
        )
        source = "def intake(V, R):\n" + "\n".join(self.lines) + "\n"
        namespace = dict(self.constants)
        exec(compile(source, "<targetdsl intake>", "exec"), namespace)  # noqa: S102 (built from fixed fragments)
        function: Intake = namespace["intake"]
        function.source = source  # type: ignore[attr-defined]
        function.readers = self.readers  # type: ignore[attr-defined]
        function.layout = self.layout  # type: ignore[attr-defined]
        function.parts = self.parts  # type: ignore[attr-defined]
        function.width = self.width  # type: ignore[attr-defined]
        return function

    def section(self, indent: int, read: str, inputs: dict[str, InputSpec]) -> str:
        """Lines reading a mapping of inputs that must hold only the names declared (else: decline)."""
        mapping = self.temporary("s")
        self.emit(
            indent,
            f"{mapping} = {read}",
            f"if {mapping} is None: {mapping} = EMPTY",
            f"elif {mapping}.__class__ is not DICT or not {mapping}.keys() <= {self.constant(frozenset(inputs))}: "
            "return None",
        )
        return mapping

    def values(
        self,
        indent: int,
        mapping: str,
        target: str,
        inputs: dict[str, InputSpec],
        field: str,
        slots: dict[str, str] | None = None,
    ) -> None:
        """Lines setting `target` to what `Validator.values` gives for `mapping` (its keys already checked);
        an input in `slots` is already read, checked and converted: the expression there gives it."""
        from targetdsl.units.data import _converter

        if slots and all(spec.name in slots for spec in inputs.values()):
            pairs = ", ".join(f"{self.constant(name)}: {slots[name]}" for name in inputs)
            self.emit(indent, f"{target} = {{{pairs}}}")
        else:
            self.emit(indent, f"{target} = {{}}")
            for spec in inputs.values():
                name = self.constant(spec.name)
                if slots and spec.name in slots:
                    self.emit(indent, f"{target}[{name}] = {slots[spec.name]}")
                    continue
                convert = self.constant(_converter(spec))
                self.emit(indent, f"x = {mapping}.get({name})")
                if spec.choices is not None:
                    # an input of words: the data's word through the validator's own converter, never as a number
                    self.emit(indent, f"y = {convert}(x)")
                elif spec.type in NUMBERS:
                    # the converter's usual cases written out: a number as text, an integer, within the plausible
                    # size; then its checks (whole, range, divisor) and the scaling of a percentage
                    self.emit(indent, *self.number(), f"if y is None: y = {convert}(x)")
                    failing = self.failing(spec)
                    if failing:
                        self.emit(indent, f"elif {failing}: y = UNUSUAL")
                    if spec.type in ("percent", "pp"):
                        self.emit(indent, "else: y = DIVIDE(y, HUNDRED)")
                elif spec.type == "bool":
                    self.emit(indent, f"y = x if x is True or x is False else {convert}(x)")
                else:
                    self.emit(indent, f"y = {convert}(x)")
                self.emit(
                    indent,
                    "if y is UNUSUAL:",
                    f"    y = V.value({self.constant(spec)}, x, {self.constant(f'{field}.{spec.name}')})",
                    f"    if y is not None: {target}[{name}] = y",
                    f"else: {target}[{name}] = y",
                )
        for spec in inputs.values():
            if spec.low_input is not None or spec.high_input is not None:
                self.emit(
                    indent,
                    f"V.bounded_by_inputs({self.constant(spec)}, {mapping}, {target}, {self.constant(field)})",
                )

    def required(
        self, indent: int, requires: tuple[n.Require, ...], inputs: dict[str, InputSpec], values: str, field: str
    ) -> None:
        """The line checking cross-field constraints once the values are read: the validator's own method."""
        if requires:
            self.emit(
                indent,
                f"V.required({self.constant(requires)}, {self.constant(inputs)}, {values}, {self.constant(field)})",
            )

    def rules(self, indent: int, rules: list[tuple[str, RuleSpec, str, str]], slots: dict[str, dict[str, str]]) -> None:
        """Lines setting RL: each rule's inputs, from the mappings `function` took (slots by mapping)."""
        self.emit(indent, "RL = {}")
        for kind, rule, raw, field in rules:
            values = self.temporary("r")
            self.values(indent, raw, values, rule.inputs, field, slots.get(raw))
            self.required(indent, rule.all(n.Require), rule.inputs, values, field)
            self.emit(indent, f"RL[{self.constant((kind, rule.name))}] = {values}")

    def failing(self, spec: InputSpec) -> str:
        """The condition under which the converter leaves a number to `Validator.value`, as it tests it."""
        tests = []
        if spec.type == "count":
            tests.append("y < ZERO or y != y.to_integral_value()")
        if spec.low is not None:
            tests.append(f"y < {self.constant(spec.low.value)}")
        if spec.high is not None:
            tests.append(f"y > {self.constant(spec.high.value)}")
        if spec.divisor:
            tests.append("y < ZERO")
        return " or ".join(tests)

    def ratings(self, indent: int, spec: MeasureSpec, name: str, measure: str, field: str) -> None:
        """Lines setting M[name] for assessor scores: a mapping of the measure's assessors only (else
        Validator.measure reads it), each score a number from 0 to the scale (else Validator.rating)."""
        assessors = self.constant(frozenset(r.assessor for r in spec.raters))
        scale = self.constant(spec.scale)
        self.emit(
            indent,
            "if m is None: m = EMPTY",
            f"if not (m.__class__ is DICT and m.keys() <= {assessors}):",
            f"    M[{name}] = V.measure({measure}, m, {self.constant(field)})",
            "else:",
            "    rt = {}",
        )
        for rater in spec.raters:
            assessor = self.constant(rater.assessor)
            self.emit(
                indent + 1,
                f"x = m.get({assessor})",
                *self.number(),
                f"if y is None or not ZERO <= y <= {scale}:",
                f"    y = V.rating({measure}, x, {self.constant(f'{field}.{rater.assessor}')})",
                f"if y is not None: rt[{assessor}] = y",
            )
        self.emit(indent + 1, f"M[{name}] = MEASURE(ratings=rt)")

    @staticmethod
    def number() -> tuple[str, ...]:
        """Lines setting y to a number as text, an integer or a float within the plausible size, as
        `Validator.number` reads it, or to None for anything else."""
        return (
            # an unsigned number without exponent of at most 16 characters is a Decimal as it is: the sum
            # with zero that `Validator.number` adds changes nothing, and its size is plausible
            "if x.__class__ is STR and len(x) <= 16 and PLAIN(x) is not None: y = DECIMAL(x)",
            "elif x.__class__ is STR and len(x) <= PRECISION and MATCH(x) is not None "
            "and (y := DECIMAL_OF(x)) is not None and -15 <= y.adjusted() <= 15: y = ADD(y, ZERO)",
            "elif x.__class__ is INT and -MAGNITUDE < x < MAGNITUDE: y = DECIMAL(x)",
            "elif x.__class__ is FLOAT and (y := FLOAT_DECIMAL(x)) is not None and -15 <= y.adjusted() <= 15:",
            "    y = ADD(y, ZERO)",
            "else: y = None",
        )

    def usual(self, spec: MeasureSpec, mapping: str) -> tuple[str, list[tuple[MeasureSpec, str]]]:
        """The condition under which an indicator's data take the usual shape (a mapping of its inputs and
        sub-items, no given score), and the temporaries its sub-items' mappings are read into."""
        allowed = set(spec.inputs) | {s.name for s in spec.subitems} | ({"given"} if spec.given_by else set())
        usual = f"{mapping}.__class__ is DICT and {mapping}.keys() <= {self.constant(frozenset(allowed))}"
        if spec.given_by:
            usual += f' and "given" not in {mapping}'
        parts = []
        for sub in spec.subitems:
            part = self.temporary("p")
            parts.append((sub, part))
            usual += (
                f" and (({part} := {mapping}.get({self.constant(sub.name)})) is None"
                f" or {part}.__class__ is DICT and {part}.keys() <= {self.constant(frozenset(sub.inputs))})"
            )
        return usual, parts

    def measure(self, indent: int, spec: MeasureSpec) -> None:
        """Lines setting M[name]: inline for a plain indicator in its usual shape, else by Validator.measure."""
        field = f"indicators.{spec.name}"
        name, shown, measure = self.constant(spec.name), self.constant(field), self.constant(spec)
        general = f"M[{name}] = V.measure({measure}, m, {shown})"
        self.emit(indent, f"m = I.get({name})")
        if spec.kind == "assessed" and not spec.ballots:
            self.ratings(indent, spec, name, measure, field)
            return
        if spec.kind != "indicator":
            self.emit(indent, general)
            return
        usual, parts = self.usual(spec, "m")
        self.emit(indent, "if m is None: m = EMPTY", f"if not ({usual}):", f"    {general}", "else:")
        self.indicator(indent + 1, spec, name, "m", parts, {})

    def indicator(
        self,
        indent: int,
        spec: MeasureSpec,
        name: str,
        mapping: str,
        parts: list[tuple[MeasureSpec, str]],
        slots: dict[str, dict[str, str]],
    ) -> None:
        """Lines setting M[name] from an indicator's data in the usual shape (`mapping`, its sub-items' `parts`)."""
        field = f"indicators.{spec.name}"
        values = self.temporary("v")
        self.values(indent, mapping, values, spec.inputs, field, slots.get(mapping))
        self.required(indent, spec.requires, spec.inputs, values, field)
        if not spec.subitems:
            self.emit(indent, f"M[{name}] = MEASURE({values})")
            return
        subitems = self.temporary("si")
        self.emit(indent, f"{subitems} = {{}}")
        for sub, part in parts:
            self.emit(indent, f"if {part} is None: {part} = EMPTY")
            target = self.temporary("v")
            self.values(indent, part, target, sub.inputs, f"{field}.{sub.name}", slots.get(part))
            self.required(indent, sub.requires, sub.inputs, target, f"{field}.{sub.name}")
            self.emit(indent, f"{subitems}[{self.constant(sub.name)}] = {target}")
        self.emit(indent, f"M[{name}] = MEASURE(values={values}, subitems={subitems})")


class _Bulk:
    """The block that reads a record in its most usual form at once: every number of the record as text of
    digits (and a point), an integer or a float, none missing. The block first gathers them (declining, by
    `break`, at any other shape), has them checked and converted together by a `Reader` (one pattern over
    the joined texts, the integers' range by min and max, every text by one `Decimal` call), tests the
    declared bounds, then builds the unit as the value-by-value lines would; nothing is reported before
    the last `break`, and what is not a plain number (a word, a truth value, a date, another kind of
    measure) is read by the value-by-value lines themselves, in the same order."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.gathered: list[str] = []  # the expression reading each slot's raw value
        self.kinds: list[str] = []  # each slot's kind of number (see `reader`)
        self.slots: dict[str, dict[str, str]] = {}  # mapping → input name → the expression of its value
        self.places: dict[str, dict[str, int]] = {}  # mapping → input name → its index in `ys`, unscaled
        self.checks: list[str] = []  # conditions on the converted values that send the record on

    def slot(self, mapping: str, spec: InputSpec, kind: str | None = None) -> None:
        """Gathers the input `spec` of `mapping` when it is a plain number (not words, not bounded by
        another input's value)."""
        if spec.choices is not None or spec.type not in NUMBERS:
            return
        if spec.low_input is not None or spec.high_input is not None:
            return
        w = self.writer
        index = len(self.gathered)
        self.gathered.append(f"{mapping}.get({w.constant(spec.name)})")
        if kind is None:
            kind = "count" if spec.type == "count" else "nonnegative" if spec.divisor else "number"
        self.kinds.append(kind)
        value = f"ys[{index}]"
        if spec.low is not None:
            self.checks.append(f"{value} < {w.constant(spec.low.value)}")
        if spec.high is not None:
            self.checks.append(f"{value} > {w.constant(spec.high.value)}")
        self.slots.setdefault(mapping, {})[spec.name] = (
            f"DIVIDE({value}, HUNDRED)" if spec.type in ("percent", "pp") else value
        )
        if spec.type not in ("percent", "pp"):
            self.places.setdefault(mapping, {})[spec.name] = index

    def block(self, schema: Schema, spec: ClassSpec, section: str, rules: list[tuple[str, RuleSpec, str, str]]) -> None:
        w = self.writer
        main = w.lines
        gather: list[str] = []
        w.lines = gather
        for unit_input in schema.unit_inputs.values():
            self.slot(section, unit_input)
        measures: dict[str, tuple[str, list[tuple[MeasureSpec, str]]]] = {}
        for measure in spec.measures():
            if measure.kind == "assessed" and not measure.ballots:
                mapping = w.temporary("m")
                assessors = w.constant(frozenset(r.assessor for r in measure.raters))
                w.emit(
                    2,
                    f"{mapping} = I.get({w.constant(measure.name)})",
                    f"if {mapping}.__class__ is not DICT or not {mapping}.keys() <= {assessors}: break",
                )
                for rater in measure.raters:
                    self.gathered.append(f"{mapping}.get({w.constant(rater.assessor)})")
                    self.kinds.append("nonnegative")
                    value = f"ys[{len(self.gathered) - 1}]"
                    self.checks.append(f"{value} > {w.constant(measure.scale)}")
                    self.slots.setdefault(mapping, {})[rater.assessor] = value
                    self.places.setdefault(mapping, {})[rater.assessor] = len(self.gathered) - 1
                measures[measure.name] = (mapping, [])
            elif measure.kind == "indicator":
                mapping = w.temporary("m")
                w.emit(2, f"{mapping} = I.get({w.constant(measure.name)})", f"if {mapping} is None: {mapping} = EMPTY")
                usual, parts = w.usual(measure, mapping)
                w.emit(2, f"if not ({usual}): break")
                for input_spec in measure.inputs.values():
                    self.slot(mapping, input_spec)
                for sub, part in parts:
                    w.emit(2, f"if {part} is None: {part} = EMPTY")
                    for input_spec in sub.inputs.values():
                        self.slot(part, input_spec)
                measures[measure.name] = (mapping, parts)
        for _kind, rule, raw, _field in rules:
            for input_spec in rule.inputs.values():
                self.slot(raw, input_spec)
        w.lines = main
        if not self.gathered:
            return  # nothing to read at once: the value-by-value lines are all there is
        w.readers = Readers(tuple(self.kinds))
        reading = w.constant(w.readers)
        awards = w.constant(awards_reader(spec))
        # the usual record, read at once; `break` leaves it to the lines after the loop
        w.emit(1, "while True:")
        w.lines.extend(gather)
        w.emit(
            2,
            f"ys = {reading}.read(({', '.join(self.gathered)},))",
            "if ys is None: break",
            *(f"if {check}: break" for check in self.checks),
            f'A = {awards}(R.get("bonuses"))',
            "if A is None: break",
        )
        w.values(2, section, "UV", schema.unit_inputs, "inputs", self.slots.get(section))
        shaped = self.layout(spec, measures)
        if shaped is None:
            self.measures(2, spec, measures)
        else:  # every measure made of the row alone: made when first read (`MeasureRows`)
            w.layout, w.parts = shaped
            w.width = len(self.gathered)
            w.emit(2, f"M = ROWS(ys, {w.constant(w.layout)}, {w.constant(w.parts)})")
        w.rules(2, rules, self.slots)
        w.emit(2, f"return UNIT(u, nm, {w.constant(spec.name)}, UV, M, RL, A)")

    def measures(
        self, indent: int, spec: ClassSpec, measures: dict[str, tuple[str, list[tuple[MeasureSpec, str]]]]
    ) -> None:
        """Lines setting M, the measures of the usual record, as the value-by-value lines would."""
        w = self.writer
        w.emit(indent, "M = {}")
        for measure in spec.measures():
            if measure.name not in measures:
                w.measure(indent, measure)
                continue
            mapping, parts = measures[measure.name]
            name = w.constant(measure.name)
            if measure.kind == "assessed":
                ratings = self.slots.get(mapping, {})
                pairs = ", ".join(f"{w.constant(rater)}: {value}" for rater, value in ratings.items())
                w.emit(indent, f"M[{name}] = MEASURE(ratings={{{pairs}}})")
            else:
                w.indicator(indent, measure, name, mapping, parts, self.slots)

    def layout(
        self, spec: ClassSpec, measures: dict[str, tuple[str, list[tuple[MeasureSpec, str]]]]
    ) -> tuple[RowLayout, RowParts] | None:
        """Where each measure's numbers stand in `ys`, and how each measure is made of them, when the
        measures are made of them alone (assessor scores; indicators without sub-items, constraints or
        percentages, every input a gathered number), as the lines reading the record make them; else None,
        and the measures are made as the record is read."""
        layout: RowLayout = {}
        made: RowParts = {}
        for measure in spec.measures():
            if measure.name not in measures:
                return None
            mapping, parts = measures[measure.name]
            places = self.places.get(mapping, {})
            if measure.kind == "assessed":
                names = [rater.assessor for rater in measure.raters]
            elif parts or measure.requires:
                return None
            else:
                names = list(measure.inputs)
            if not all(name in places for name in names):
                return None
            layout.update({(measure.name, name): places[name] for name in names})
            made[measure.name] = (measure.kind == "assessed", tuple((name, places[name]) for name in names))
        return layout, made


# What a gathered value may be written as to be read at once, by the kind of its slot: "number" (any plain
# number within the plausible size), "nonnegative" (not below 0), "count" (a whole number, not below 0).
# A text: digits and a point, at most 16 characters (the value-by-value lines' first branch); a float: its
# repr, at most 16 characters with its point (so at most 15 digits: the decimal the program wrote), no
# exponent, not -0.0 (which the value-by-value lines read as 0.0).
SEPARATOR = "\x00"
_SHORT = r"(?=[0-9.]{1,16}(?:\x00|\Z))"
_TEXT = {
    "number": _SHORT + r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)",
    "nonnegative": _SHORT + r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)",
    "count": r"[0-9]{1,16}",
}
_FLOAT = {
    "number": r"(?!-0\.0(?:\x00|\Z))-?" + _SHORT + r"[0-9]+\.[0-9]+",
    "nonnegative": _SHORT + r"[0-9]+\.[0-9]+",
    "count": r"[0-9]{1,14}\.0",
}
MAX_SHAPES = 64  # the kinds of records (which value is text, integer, float) a class's `Readers` remembers
Read = Callable[[tuple[Any, ...]], tuple[Decimal, ...] | None]


class Readers:
    """A class's readers of the gathered values, one per shape of record (the type of each value), made on
    first sight: a record of another shape (a value missing, a truth value, a Decimal) gets none."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self.kinds = kinds
        self.by_shape: dict[tuple[type, ...], Read] = {}

    def read(self, raw: tuple[Any, ...]) -> tuple[Decimal, ...] | None:
        shape = tuple(map(type, raw))
        read = self.by_shape.get(shape)
        if read is None:
            read = reader(self.kinds, shape)
            if len(self.by_shape) < MAX_SHAPES:
                self.by_shape[shape] = read
        return read(raw)


def _never(raw: tuple[Any, ...]) -> None:
    return None


def _picker(indexes: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    if len(indexes) == 1:
        (only,) = indexes
        return lambda raw: (raw[only],)
    return operator.itemgetter(*indexes)


def reader(kinds: tuple[str, ...], shape: tuple[type, ...]) -> Read:
    """The function that checks and converts a record's gathered values of this shape exactly as the
    value-by-value lines would read them, or gives None (the record is then read value by value): its
    texts and its floats' reprs matched by one pattern (joined by a character no piece matches; texts
    an office's export pads with spaces or writes in full-width digits matched, and read, as the validator
    reads them: stripped, in ASCII digits), its
    integers' range taken by min and max, its decimals (from YAML or a workbook) checked and made exact
    in the policy's context as the validator's converter does, and every value made a `Decimal` by one
    call."""
    if not set(shape) <= {str, int, float, Decimal}:
        return _never
    texts = [i for i, kind in enumerate(shape) if kind is str]
    floats = [i for i, kind in enumerate(shape) if kind is float]
    integers = [i for i, kind in enumerate(shape) if kind is int]
    unsigned = [i for i in integers if kinds[i] != "number"]
    decimals = [(i, kinds[i]) for i, kind in enumerate(shape) if kind is Decimal]
    pieces = [_TEXT[kinds[i]] for i in texts] + [_FLOAT[kinds[i]] for i in floats]
    pattern = re.compile(SEPARATOR.join(pieces)).fullmatch if pieces else None
    pick_texts = _picker(texts) if texts else lambda raw: ()
    pick_floats = _picker(floats) if floats else None
    pick_integers = _picker(integers) if integers else None
    pick_unsigned = _picker(unsigned) if unsigned else None
    join = SEPARATOR.join
    magnitude = 10**16
    add = CONTEXT.add
    from targetdsl.units.data import FULL_WIDTH_DIGITS

    def as_read(texts: tuple[Any, ...]) -> list[str] | None:
        """The texts as `Validator.number` reads a number's text first — spaces around it dropped,
        full-width digits and point as ASCII (an office's export) —, or None when that changes none."""
        found = []
        for text in texts:
            plain = text.strip()
            if not plain.isascii():
                plain = plain.translate(FULL_WIDTH_DIGITS)
            found.append(plain)
        return found if found != list(texts) else None

    def read(raw: tuple[Any, ...]) -> tuple[Decimal, ...] | None:
        written: tuple[Any, ...] | list[Any] = raw
        if pattern is not None:  # texts or floats to match
            given = pick_texts(raw)
            shown = list(map(repr, pick_floats(raw))) if pick_floats is not None else []
            if pattern(join((*given, *shown))) is None:
                plain = as_read(given)  # then matched as the validator reads them, or not at all
                if plain is None or pattern(join((*plain, *shown))) is None:
                    return None
                changed = list(raw)
                for i, text in zip(texts, plain, strict=True):
                    changed[i] = text
                written = changed
            if shown:
                changed = list(written)
                for i, text in zip(floats, shown, strict=True):
                    changed[i] = text
                written = changed
        if pick_integers is not None:
            chosen = pick_integers(raw)
            if not (-magnitude < min(chosen) and max(chosen) < magnitude):
                return None
            if pick_unsigned is not None and min(pick_unsigned(raw)) < 0:
                return None
        if decimals:
            if written is raw:
                written = list(raw)
            for i, kind in decimals:
                number: Decimal = raw[i]
                if not number.is_finite() or not -15 <= number.adjusted() <= 15:
                    return None
                if len(number.as_tuple().digits) > PRECISION:
                    return None
                number = add(number, ZERO)
                if kind != "number" and number < ZERO:
                    return None
                if kind == "count" and number != number.to_integral_value():
                    return None
                written[i] = number  # type: ignore[index]
        return tuple(map(Decimal, written))

    return read


def awards_reader(spec: ClassSpec) -> Callable[[Any], tuple[AwardWon, ...] | None]:
    """A unit's awards in their most usual form — for each bonus counted by level and carrying nothing over,
    a list of `{level: …}` with a level exactly as the policy names it — read as `Validator.awards` reads
    them (no name, no date: never the same award twice), or None for anything else."""
    from targetdsl.units.data import identifier

    bonuses = []
    for rule in spec.rules_of("bonus"):
        # a level the data name exactly as declared, which reading it as a person would (`identifier`) keeps
        levels = frozenset(level.name for level in rule.all(n.Level) if identifier(level.name) == level.name)
        bonuses.append((rule.name, levels, rule.first(n.CarryOver) is None))
    names = frozenset(name for name, _levels, _usual in bonuses)

    def read(raw: Any) -> tuple[AwardWon, ...] | None:
        if raw is None:
            return ()
        if raw.__class__ is not dict or not raw.keys() <= names:
            return None
        won = []
        for name, levels, usual in bonuses:
            entries = raw.get(name)
            if entries is None:
                continue
            if entries.__class__ is not list or not usual:
                return None
            for entry in entries:
                if entry.__class__ is not dict or len(entry) != 1:
                    return None
                level = entry.get("level")
                if level.__class__ is not str or level not in levels:
                    return None
                won.append(AwardWon(name, level, None, None, False))
        return tuple(won)

    return read
