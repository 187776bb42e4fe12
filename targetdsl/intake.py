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

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from targetdsl import nodes as n
from targetdsl.numeric import CONTEXT, HUNDRED, PRECISION, ZERO
from targetdsl.schema import ClassSpec, InputSpec, MeasureSpec, Schema
from targetdsl.values import MeasureData, Unit

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
    from targetdsl.data import identifier

    key = ("intake",)
    if key not in schema.compiled:
        schema.compiled[key] = {
            name: build(schema, spec)
            for name, spec in schema.classes.items()
            if identifier(name) == name and _inputs(schema, spec) <= MAX_INPUTS
        }
    table: dict[str, Intake] = schema.compiled[key]
    return table


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
        from targetdsl import data

        self.constants: dict[str, Any] = {
            "STR": str,
            "DICT": dict,
            "EMPTY": {},
            "UNUSUAL": data.UNUSUAL,
            "UNIT": Unit,
            "MEASURE": MeasureData,
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
        from targetdsl.data import RULE_SECTIONS

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
        self.values(1, section, "UV", schema.unit_inputs, "inputs")
        names = self.constant(frozenset(m.name for m in spec.measures()))
        self.emit(
            1,
            'I = R.get("indicators")',
            "if I is None: I = EMPTY",
            "elif I.__class__ is not DICT: return None",
            f"if not I.keys() <= {names}: return None",
            "M = {}",
        )
        for measure in spec.measures():
            self.measure(measure)
        self.emit(1, "RL = {}")
        for kind, name in RULE_SECTIONS.items():
            rules = spec.rules_of(kind)
            given = self.temporary("g")
            self.emit(
                1,
                f"{given} = R.get({self.constant(name)})",
                f"if {given} is None: {given} = EMPTY",
                f"elif {given}.__class__ is not DICT: return None",
                f"if not {given}.keys() <= {self.constant(frozenset(r.name for r in rules))}: return None",
            )
            for rule in rules:
                field = f"{name}.{rule.name}"
                raw = self.section(1, f"{given}.get({self.constant(rule.name)})", rule.inputs)
                values = self.temporary("r")
                self.values(1, raw, values, rule.inputs, field)
                self.required(1, rule.all(n.Require), rule.inputs, values, field)
                self.emit(1, f"RL[{self.constant((kind, rule.name))}] = {values}")
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

    def values(self, indent: int, mapping: str, target: str, inputs: dict[str, InputSpec], field: str) -> None:
        """Lines setting `target` to what `Validator.values` gives for `mapping` (its keys already checked)."""
        from targetdsl.data import _converter

        self.emit(indent, f"{target} = {{}}")
        for spec in inputs.values():
            name = self.constant(spec.name)
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

    def ratings(self, spec: MeasureSpec, name: str, measure: str, field: str) -> None:
        """Lines setting M[name] for assessor scores: a mapping of the measure's assessors only (else
        Validator.measure reads it), each score a number from 0 to the scale (else Validator.rating)."""
        assessors = self.constant(frozenset(r.assessor for r in spec.raters))
        scale = self.constant(spec.scale)
        self.emit(
            1,
            "if m is None: m = EMPTY",
            f"if not (m.__class__ is DICT and m.keys() <= {assessors}):",
            f"    M[{name}] = V.measure({measure}, m, {self.constant(field)})",
            "else:",
            "    rt = {}",
        )
        for rater in spec.raters:
            assessor = self.constant(rater.assessor)
            self.emit(
                2,
                f"x = m.get({assessor})",
                *self.number(),
                f"if y is None or not ZERO <= y <= {scale}:",
                f"    y = V.rating({measure}, x, {self.constant(f'{field}.{rater.assessor}')})",
                f"if y is not None: rt[{assessor}] = y",
            )
        self.emit(2, f"M[{name}] = MEASURE(ratings=rt)")

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

    def measure(self, spec: MeasureSpec) -> None:
        """Lines setting M[name]: inline for a plain indicator in its usual shape, else by Validator.measure."""
        field = f"indicators.{spec.name}"
        name, shown, measure = self.constant(spec.name), self.constant(field), self.constant(spec)
        general = f"M[{name}] = V.measure({measure}, m, {shown})"
        self.emit(1, f"m = I.get({name})")
        if spec.kind == "assessed" and not spec.ballots:
            self.ratings(spec, name, measure, field)
            return
        if spec.kind != "indicator":
            self.emit(1, general)
            return
        allowed = set(spec.inputs) | {s.name for s in spec.subitems} | ({"given"} if spec.given_by else set())
        usual = f"m.__class__ is DICT and m.keys() <= {self.constant(frozenset(allowed))}"
        if spec.given_by:
            usual += ' and "given" not in m'
        parts = []
        for sub in spec.subitems:
            part = self.temporary("p")
            parts.append((sub, part))
            usual += (
                f" and (({part} := m.get({self.constant(sub.name)})) is None"
                f" or {part}.__class__ is DICT and {part}.keys() <= {self.constant(frozenset(sub.inputs))})"
            )
        self.emit(1, "if m is None: m = EMPTY", f"if not ({usual}):", f"    {general}", "else:")
        values = self.temporary("v")
        self.values(2, "m", values, spec.inputs, field)
        self.required(2, spec.requires, spec.inputs, values, field)
        if not spec.subitems:
            self.emit(2, f"M[{name}] = MEASURE({values})")
            return
        subitems = self.temporary("si")
        self.emit(2, f"{subitems} = {{}}")
        for sub, part in parts:
            self.emit(2, f"if {part} is None: {part} = EMPTY")
            target = self.temporary("v")
            self.values(2, part, target, sub.inputs, f"{field}.{sub.name}")
            self.required(2, sub.requires, sub.inputs, target, f"{field}.{sub.name}")
            self.emit(2, f"{subitems}[{self.constant(sub.name)}] = {target}")
        self.emit(2, f"M[{name}] = MEASURE(values={values}, subitems={subitems})")
