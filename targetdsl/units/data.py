"""Unit data in: read YAML or JSON, validate against the policy, type every value.

A data document lists the assessed units; each names its class and gives
the inputs the policy declares (see docs/data.md). Validation reports
**every** problem at once, each naming the file, the unit and the field;
if there is any, nothing is evaluated. Numbers are read as exact decimals
(never through floats), percentages and percentage points are stored as
fractions (8.5 → 0.085), and missing values are resolved by the rule the
policy declares for them.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

import attrs

from targetdsl.evaluation.collector import collector_paused
from targetdsl.evaluation.interpreter import Failure
from targetdsl.keywords import Language, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, InputSpec, MeasureSpec, RuleSpec, Schema
from targetdsl.numeric import CONTEXT, HUNDRED, PRECISION, ZERO
from targetdsl.units.intake import Intake, intakes
from targetdsl.units.percentages import Columns, columns, reasons

if TYPE_CHECKING:  # lastyear.py reads results with this module's helpers: imported for types only
    from targetdsl.units.lastyear import Result

from targetdsl.values import (
    NOT_APPLICABLE,
    PEER_AVERAGE,
    AwardWon,
    DataError,
    DataProblem,
    DateText,
    GivenScore,
    Item,
    Marker,
    MeasureData,
    PercentCell,
    Records,
    ShownNumber,
    Unit,
    Value,
)

# --------------------------------------------------------------- validating


UNIT_KEYS = {
    "id",
    "name",
    "class",
    "inputs",
    "indicators",
    "vetoes",
    "bonuses",
    "deductions",
    "awards",
    "coefficients",
    "commendations",
}
RULE_SECTIONS = {
    "veto": "vetoes",
    "deduction": "deductions",
    "award": "awards",
    "coefficient": "coefficients",
    "commendation": "commendations",
}
ITEM_KEYS = {"name", "points", "given"}
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")
# Spreadsheet cells spell booleans in words.
BOOLEAN_WORDS = {"true": True, "false": False, "yes": True, "no": False, "是": True, "否": False}
# A number as text: digits with an optional point and exponent; nothing Python's Decimal also takes
# (`8_0`, `Infinity`, other scripts' digits), no comma. `[0-9]`, because `\d` is any script's digits.
NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# A number without an exponent: the usual case, read in fewer steps (one with an exponent is judged by
# Validator.number, which refuses a CSV cell holding a number as Excel shows it rounded: values.ShownNumber)
PLAIN_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
# Commas are thousands separators only where they separate thousands: 1,200 and -1,234,567.50.
GROUPED_TEXT = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
NOT_FINITE = {"nan", "snan", "inf", "infinity"}
LINE_BREAKS = str.maketrans("\n\r\t", "   ")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


USUAL_AFTER = 200  # records read by the general path before the usual path is built (see Validator)


class Validator:
    """Turns a raw document into typed units, collecting every problem."""

    def __init__(
        self,
        schema: Schema,
        file: str,
        *,
        lenient: bool = False,
        usual_after: int | None = USUAL_AFTER,
        last_year: Mapping[str, Result] | None = None,
        only: frozenset[str] | None = None,
    ):
        self.schema = schema
        # last year's results by unit id (lastyear.Result), and the unit inputs read from them
        self.last_year = last_year
        self.from_last_year = schema.last_year_inputs()
        self.file = file
        self.lenient = lenient
        # weights per indicator: an earlier period's data give only the measures weighted over the periods
        # (and the unit inputs), read by the general path alone; None for the data of a whole evaluation
        self.only = only
        if only is not None:
            usual_after = None
        self.problems: list[DataProblem] = []
        self.ignored: list[DataProblem] = []
        self.unit_label: str | None = None
        self.year = schema.year  # the assessment year dates are checked against
        self.allowed: dict[str, set[str]] = {}  # keys each measure takes, by measure name
        self.levels: dict[str, list[str]] = {}  # the levels of each bonus, by bonus name
        # the usual case of `value`, by id of InputSpec
        self.converters: dict[int, Callable[[Any], Value | _Unusual]] = {}
        # each cross-field constraint's names and compiled condition, by the constraint (`_constraint`)
        self.constraints: dict[int, tuple[tuple[str, ...], Callable[[dict[str, Any], Any], Any], Any]] = {}
        # the usual shape of a record, read by a function per class (intake.py), once `usual_after` records
        # have been read: building it costs what validating a couple of hundred records saves (None: never,
        # to test it against the general path)
        self.usual: dict[str, Intake] = {}
        self.usual_after = usual_after
        self.read = 0
        # the percent inputs' columns, judged once every unit is read (a fraction for a percentage)
        self.percents: Columns | None = columns(schema, _default_of)
        self.classes_read: set[str] = set()  # the classes of the units read

    def problem(self, field: str | None, message: str, *, code: str | None = None) -> None:
        self.problems.append(DataProblem(self.file, self.unit_label, field, message, code=code))

    def unknown(self, field: str | None, message: str, *, among: Iterable[str] = ()) -> None:
        """Data the policy does not ask for: an error, or (lenient, when comparing
        two policies on one data set) noted and ignored. `among` are the names that would have been
        known there: the nearest to the one given is suggested (a misspelt column or key)."""
        if field is not None:
            message += nearest(field.rsplit(".", 1)[-1], among)
        problem = DataProblem(self.file, self.unit_label, field, message, code="data.unknown-field")
        (self.ignored if self.lenient else self.problems).append(problem)

    def units(self, document: Any) -> list[Unit]:
        if isinstance(document, Mapping):
            records = document.get("units")
            year = document.get("year")
            data_year = _year(year)
            if year is not None and data_year is None:
                self.problem("year", f"expected a year such as 2003, found `{excerpt(year)}`", code="data.bad-year")
            elif data_year is not None and self.year is not None and data_year != self.year:
                if self.lenient:
                    # comparing policy versions on one year's data: that year's dates are the ones to check
                    self.unknown("year", f"the data is for {year}, the policy for {self.year}")
                    self.year = data_year
                else:
                    self.problem("year", f"the data is for {year}, the policy for {self.year}", code="data.bad-year")
            unknown = set(document) - {"units", "year", "title"}
            for key in sorted(map(str, unknown)):
                self.unknown(
                    key, "unknown top-level key (expected `units`, `year`, `title`)", among=("units", "year", "title")
                )
        else:
            records = document
        if not isinstance(records, list):
            self.problem("units", "expected a list of units", code="data.bad-shape")
            return []
        units: list[Unit] = []
        seen: dict[str, int] = {}
        placed = records if isinstance(records, Records) else None
        place = placed.place if placed is not None else None
        file = self.file
        gathered = placed is not None and any(s.file is not None for s in placed.segments)
        classes: list[str | None] = []  # each record's class, as read (None: no unit)
        for index, record in enumerate(records, start=1):
            before = len(self.problems)
            if gathered and placed is not None:
                self.file = placed.file(index - 1) or file
            unit = self.unit(record, index)
            classes.append(unit.unit_class if unit is not None else None)
            if placed is not None and len(self.problems) > before:
                self.locate(placed, index - 1, before)
            if unit is None:
                continue
            if unit.id in seen:
                self.unit_label = unit.id
                first = seen[unit.id]
                here, there = (place(index - 1), place(first - 1)) if place is not None else (None, None)
                if here is None or there is None:
                    here, there = f"unit #{index}", f"unit #{first}"
                alike = "".join(
                    f" (`{typed}` reads as `{unit.id}`)"
                    for typed in dict.fromkeys((_typed_id(records[first - 1]), _typed_id(record)))
                    if typed is not None and typed != unit.id
                )
                self.problem(
                    "id",
                    f"duplicate unit id{alike}: {here} and {there} both give `{unit.id}`; "
                    "each unit is listed once, under its own id",
                    code="data.duplicate-unit",
                )
                continue
            seen[unit.id] = index
            units.append(unit)
        self.unit_label = None
        self.file = file
        if placed is not None:  # the rows that are no unit, as a stream reports them: after the units
            self.problems.extend(placed.refused)
            self.problems += self.sheet_problems(placed, classes, file)
        self.problems += self.percent_problems()
        return units

    def sheet_problems(self, records: Records, classes: list[str | None], file: str) -> list[DataProblem]:
        """`column_problems` for each sheet or file of spreadsheet records (each returned workbook that
        lacks a column is named; a sheet split in parts of one file, once)."""
        found: list[DataProblem] = []
        for at, segment in enumerate(records.segments):
            end = records.segments[at + 1].start if at + 1 < len(records.segments) else len(records)
            cell = segment.cell
            if cell is None or end <= segment.start:
                continue
            read = [c for c in classes[segment.start : end] if c is not None]
            found += self.column_problems(functools.partial(_has_column, cell), read, segment.file or file)
        return list(dict.fromkeys(found))

    def locate(self, records: Records, index: int, since: int) -> None:
        """Give the problems found in a spreadsheet's row from `since` on the cell of their field."""
        self.place(functools.partial(records.cell, index), since)

    def place(self, cell: Callable[[str], str | None], since: int) -> None:
        """Give the problems found in one record from `since` on the place of their field, `cell(field)`:
        its cell in a spreadsheet, its line and column in a CSV file, its line in JSON Lines."""
        for at in range(since, len(self.problems)):
            problem = self.problems[at]
            if problem.field is not None and problem.cell is None:
                where = cell(problem.field)
                if where is not None:
                    self.problems[at] = attrs.evolve(problem, cell=where)

    def unit(self, record: Any, index: int) -> Unit | None:
        """One record validated: its unit (None after a problem that leaves none), its percent values counted."""
        unit = self.read_unit(record, index)
        if unit is not None:
            self.classes_read.add(unit.unit_class)
            if self.percents is not None:
                self.percents.take(unit, self.unit_label or unit.id)
        return unit

    def column_problems(
        self, has_column: Callable[[str], bool], classes: Iterable[str], file: str
    ) -> list[DataProblem]:
        """The inputs a spreadsheet has no column for (`has_column`, by field), among those units of
        `classes` give: see `absent_columns`. None when comparing policies on another version's data
        (lenient) or reading an earlier period's data."""
        read = set(classes)
        return [problem for needing, problem in self.absent_columns(has_column, file) if needing & read]

    def absent_columns(self, has_column: Callable[[str], bool], file: str) -> list[tuple[frozenset[str], DataProblem]]:
        """`absent_columns` for this validation: none when comparing policies on another version's data
        (lenient) or reading an earlier period's data."""
        if self.lenient or self.only is not None:
            return []
        return absent_columns(self.schema, has_column, file)

    def percent_problems(self) -> list[DataProblem]:
        """Once every unit is read: the percent inputs whose every value looks like a fraction."""
        return [] if self.percents is None else self.percents.problems(self.file, reasons(self.schema))

    def read_unit(self, record: Any, index: int) -> Unit | None:
        self.read += 1
        if self.from_last_year and type(record) is dict:
            record = self.with_last_year(record)
        if self.read == self.usual_after:
            self.usual = intakes(self.schema)
        if type(record) is dict:
            unit_class = record.get("class")
            usual = self.usual.get(unit_class) if type(unit_class) is str else None
            if usual is not None:
                problems, ignored = len(self.problems), len(self.ignored)
                unit = usual(self, record)
                if unit is not None:
                    return unit
                # declined: what it reported is reported again, in order, by the general path
                del self.problems[problems:], self.ignored[ignored:]
        self.unit_label = f"#{index}"
        if not isinstance(record, Mapping):
            self.problem(None, "expected a mapping with id, name, class and inputs", code="data.bad-shape")
            return None
        raw_id = record.get("id")
        typed_id = text_of(raw_id)
        if typed_id is None:
            long = type(raw_id) is Decimal and raw_id.is_finite() and raw_id.adjusted() >= 15
            message = (
                f"`{raw_id}` is a number too long to be an id (Excel shows long numbers so, and drops digits "
                "after the 15th): format the column as Text and type the id again"
                if long
                else f"expected the unit's id as text, found {_shown_value(raw_id)}"
            )
            self.problem("id", message, code="data.bad-text")
            return None
        if typed_id.strip() == "":
            self.problem("id", "missing unit id", code="data.missing-value")
            return None
        raw_name = record.get("name")
        typed_name = text_of(raw_name) if raw_name is not None else typed_id
        if typed_name is None:
            self.unit_label = typed_id.strip()
            self.problem(
                "name", f"expected the unit's name as text, found {_shown_value(raw_name)}", code="data.bad-text"
            )
            return None
        for key, text in (("id", typed_id), ("name", typed_name)):
            why = _invisible(text)
            if why is not None:
                self.unit_label = ascii(typed_id.strip())
                self.problem(key, f"{why} in the {key}: retype it", code="data.bad-text")
                return None
        unit_id = identifier(typed_id)
        name = typed_name if typed_name.strip() else unit_id  # as typed: outputs show it as it is
        self.unit_label = unit_id if name == unit_id else f"{unit_id} ({name})"
        for key in sorted(set(map(str, record)) - UNIT_KEYS):
            self.unknown(key, f"unknown key; expected one of {', '.join(sorted(UNIT_KEYS))}", among=UNIT_KEYS)
        unit_class = self.unit_class(record.get("class"))
        if unit_class is None:
            return None
        values = self.values(_mapping(record.get("inputs"), "inputs", self), self.schema.unit_inputs, "inputs")
        measures = self.measures(record.get("indicators"), unit_class)
        if self.only is not None:  # an earlier period of a policy weighting some measures over the periods
            for section in (*RULE_SECTIONS.values(), "bonuses"):
                if record.get(section):
                    self.problem(
                        section,
                        f"`{section}` are decided on the last period's data alone; leave them out of this period's",
                        code="data.unknown-field",
                    )
            return Unit(unit_id, name, unit_class.name, values, measures, {}, ())
        rules: dict[tuple[str, str], dict[str, Value]] = {}
        for kind, section in RULE_SECTIONS.items():
            given = _mapping(record.get(section), section, self)
            specs = {r.name: r for r in unit_class.rules_of(kind)}
            for name in sorted(set(map(str, given)) - set(specs)):
                self.unknown(f"{section}.{name}", f"no {kind} `{name}` applies to class {unit_class.name}", among=specs)
            for spec in specs.values():
                raw = _mapping(given.get(spec.name), f"{section}.{spec.name}", self)
                rules[(kind, spec.name)] = self.values(raw, spec.inputs, f"{section}.{spec.name}")
                if spec.all(n.Require):
                    self.required(spec.all(n.Require), spec.inputs, rules[(kind, spec.name)], f"{section}.{spec.name}")
        awards = self.awards(record.get("bonuses"), unit_class)
        return Unit(unit_id, name, unit_class.name, values, measures, rules, awards)

    def with_last_year(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record with the unit's results last year where the inputs read from them go (`from last
        year rank`), as if the data gave them; a unit without a result last year leaves them missing, for
        their `missing` rule. The data may not give them themselves."""
        typed = text_of(record.get("id"))
        inputs = record.get("inputs")
        if typed is None or not typed.strip() or not isinstance(inputs, Mapping | None):
            return record  # the general path reports what is wrong
        unit_id = identifier(typed)
        inputs = inputs or {}
        for name in self.from_last_year:
            if name in inputs:
                self.unit_label = unit_id
                self.problem(
                    f"inputs.{name}",
                    "is read from last year's results (`from last year`), not from the data: remove it from the data",
                    code="data.last-year",
                )
        result = self.last_year.get(unit_id) if self.last_year is not None else None
        given = {k: v for k, v in inputs.items() if k not in self.from_last_year}
        if result is not None:
            for name, field in self.from_last_year.items():
                value = result.value(field)
                if value is not None:
                    given[name] = value
        return {**record, "inputs": given}

    def unit_class(self, raw: Any) -> ClassSpec | None:
        """The class a record names, trimmed like an id (a sheet named `县区 ` is class 县区)."""
        known = ", ".join(self.schema.classes)
        if isinstance(raw, SheetClass):
            column = text_of(raw.column)
            sheet = identifier(raw.sheet)
            if sheet in self.schema.classes and (column is None or identifier(column) not in ("", sheet)):
                self.problem(
                    "class",
                    f"{raw.where}: the class column says {_shown_value(raw.column)}, but the row is on sheet "
                    f"{raw.sheet.strip()}, which is the class {sheet}: move the row to its class's sheet, "
                    "or correct the class",
                    code="data.unknown-class",
                )
                return None
            raw = raw.sheet if column is not None and not column.strip() else raw.column
        text = text_of(raw)
        if raw is None or text is None or not text.strip():
            shown = (
                "missing class" if raw is None or text is not None else f"expected a class, found {_shown_value(raw)}"
            )
            self.problem("class", f"{shown}; the policy's classes are {known}", code="data.unknown-class")
            return None
        unit_class = self.schema.classes.get(identifier(text))
        if unit_class is None:
            self.problem(
                "class",
                f"unknown class `{excerpt(text.strip())}`; the policy's classes are {known}"
                + nearest(identifier(text), self.schema.classes),
                code="data.unknown-class",
            )
        return unit_class

    # -- measures

    def measures(self, raw: Any, unit_class: ClassSpec) -> dict[str, MeasureData]:
        given = _mapping(raw, "indicators", self)
        specs = {m.name: m for m in unit_class.measures()}
        if self.only is not None:  # weights per indicator: an earlier period's data
            for name in sorted(set(map(str, given)) & set(specs) - self.only):
                self.problem(
                    f"indicators.{name}",
                    f"`{name}` is not weighted over the periods: it is scored on the last period's data alone; "
                    "leave it out of this period's",
                    code="data.unknown-field",
                )
            given = {k: v for k, v in given.items() if k not in specs or k in self.only}
            specs = {k: v for k, v in specs.items() if k in self.only}
        for name in sorted(set(map(str, given)) - set(specs)):
            hint = "" if self.schema.measure(name) is None else f" (it does not apply to class {unit_class.name})"
            # a spreadsheet column `vetos.环境保护.failed` reads as the indicator `vetos`: the section is meant
            sections = (*RULE_SECTIONS.values(), "bonuses", "inputs")
            self.unknown(f"indicators.{name}", f"unknown indicator{hint}", among=(*specs, *sections))
        result: dict[str, MeasureData] = {}
        for spec in specs.values():
            field = f"indicators.{spec.name}"
            result[spec.name] = self.measure(spec, given.get(spec.name), field)
        return result

    def measure(self, spec: MeasureSpec, raw: Any, field: str) -> MeasureData:
        if spec.kind == "items":
            if raw is None or raw == []:
                # No items is missing data, as a missing value is: the measure would drop out and its points
                # go to the unit's other measures, so that a unit listing nothing could rank above one that
                # listed its work and failed some of it. Only the policy may say that a unit without items
                # is not assessed on the measure: `missing na` on an input of the items. Absent and empty
                # are one (a sheet cannot write an empty list).
                if not _items_may_be_missing(spec):
                    self.problem(
                        field,
                        "no items listed: list this unit's items, or, if a unit without items is not assessed "
                        "on this measure, declare `missing na` on an input of the items",
                        code="data.missing-value",
                    )
                return MeasureData()
            if not isinstance(raw, list):
                self.problem(field, "expected a list of items", code="data.bad-shape")
                return MeasureData()
            return MeasureData(items=tuple(self.item(spec, r, i, f"{field}[{i}]") for i, r in enumerate(raw, 1)))
        if spec.kind == "assessed":
            if spec.ballots:  # each unit lists its own ballots
                return MeasureData(ballots=self.ballots(spec, raw, field))
            return MeasureData(ratings=self.ratings(spec, raw, field))
        mapping = _mapping(raw, field, self)
        if spec.name not in self.allowed:
            self.allowed[spec.name] = (
                set(spec.inputs) | {s.name for s in spec.subitems} | ({"given"} if spec.given_by else set())
            )
        allowed = self.allowed[spec.name]
        if not mapping.keys() <= allowed:
            for key in sorted(set(map(str, mapping)) - allowed):
                self.unknown(
                    f"{field}.{key}",
                    f"unknown input; `{spec.name}` takes {', '.join(sorted(allowed)) or 'none'}",
                    among=allowed,
                )
        # A given score needs no inputs, of the indicator or of its sub-items.
        given = self.given(spec, mapping.get("given"), field) if "given" in mapping else None
        values = self.values(mapping, _needed(spec, mapping, given), field, check_unknown=False)
        if spec.requires:
            self.required(spec.requires, spec.inputs, values, field)
        if not spec.subitems:
            return MeasureData(values, given=given)
        subitems = {}
        for sub in spec.subitems:
            raw = _mapping(mapping.get(sub.name), f"{field}.{sub.name}", self)
            subitems[sub.name] = self.values(raw, _needed(sub, raw, given), f"{field}.{sub.name}")
            if sub.requires:
                self.required(sub.requires, sub.inputs, subitems[sub.name], f"{field}.{sub.name}")
        return MeasureData(values=values, subitems=subitems, given=given)

    def item(self, spec: MeasureSpec, raw: Any, index: int, field: str) -> Item:
        mapping = _mapping(raw, field, self)
        # pooled items weigh by their sub-items: an item has no points of its own to give
        allowed = set(spec.inputs) | (ITEM_KEYS - {"points"} if spec.node.pooled else ITEM_KEYS)
        for key in sorted(set(map(str, mapping)) - allowed):
            self.unknown(
                f"{field}.{key}",
                f"unknown input; items of `{spec.name}` take {', '.join(sorted(allowed))}",
                among=allowed,
            )
        points = Decimal(1)
        if "points" in mapping:
            number = self.number(mapping["points"], f"{field}.points")
            if number is not None and number <= 0:
                self.problem(f"{field}.points", "an item's points must be positive", code="data.out-of-range")
            elif number is not None:
                points = number
        given = self.given(spec, mapping.get("given"), field)
        values = self.values(
            {k: v for k, v in mapping.items() if k in spec.inputs},
            _needed(spec, mapping, given),
            field,
            check_unknown=False,
        )
        if spec.requires:
            self.required(spec.requires, spec.inputs, values, field)
        name = self.text(mapping.get("name"), f"{field}.name")
        return Item(index, None if name is False else name, points, values, given)

    def text(self, raw: Any, field: str) -> str | None | Literal[False]:
        """A name (of an item, of an award) as text, None when there is none; False after a problem."""
        if raw is None:
            return None
        text = text_of(raw)
        if text is None:
            self.problem(field, f"expected a name, found {_shown_value(raw)}", code="data.bad-text")
            return False
        # a line break within a cell (Alt+Enter in Excel) is part of a long item's name; other invisible
        # characters are not
        why = _invisible(text.translate(LINE_BREAKS))
        if why is not None:
            self.problem(field, f"{why} in the name: retype it", code="data.bad-text")
            return False
        return text.strip() or None

    def given(self, spec: MeasureSpec, raw: Any, field: str) -> GivenScore | None:
        if raw is None:
            return None
        if not spec.given_by:
            self.unknown(f"{field}.given", f"`{spec.name}` takes no given scores")
            return None
        mapping = _mapping(raw, f"{field}.given", self)
        assessor = mapping.get("by")
        if assessor not in spec.given_by:
            self.problem(
                f"{field}.given.by",
                f"scores are given only by {', '.join(spec.given_by)}, not {_shown_value(assessor)}",
                code="data.bad-value",
            )
            return None
        score = self.number(mapping.get("score"), f"{field}.given.score")
        if score is None:
            return None
        if not ZERO <= score <= HUNDRED:
            self.problem(f"{field}.given.score", f"a given score is out of 100, not {score}", code="data.out-of-range")
            return None
        return GivenScore(str(assessor), score)

    def ratings(self, spec: MeasureSpec, raw: Any, field: str) -> dict[str, Decimal]:
        mapping = _mapping(raw, field, self)
        names = {r.assessor for r in spec.raters}
        for key in sorted(set(map(str, mapping)) - names):
            self.unknown(
                f"{field}.{key}",
                f"`{key}` does not assess `{spec.name}`; its assessors are {', '.join(sorted(names))}",
                among=names,
            )
        ratings: dict[str, Decimal] = {}
        for rater in spec.raters:
            score = self.rating(spec, mapping.get(rater.assessor), f"{field}.{rater.assessor}")
            if score is not None:
                ratings[rater.assessor] = score
        return ratings

    def ballots(self, spec: MeasureSpec, raw: Any, field: str) -> tuple[Decimal | None, ...]:
        """A unit's ballots (评分票), in order: each a score from 0 to the measure's scale, or an invalid
        ballot (`invalid`, `废票`, `无效`: counted, not scored); a blank is no ballot. At least one valid."""
        if raw is None:
            self.problem(field, "missing: list this unit's ballots", code="data.missing-value")
            return ()
        if not isinstance(raw, list):
            self.problem(field, "expected a list of ballots, each a score or `invalid`", code="data.bad-shape")
            return ()
        ballots: list[Decimal | None] = []
        refused = False
        for index, value in enumerate(raw, 1):
            at = f"{field}[{index}]"
            if value is None:
                continue  # a blank cell: no ballot
            if isinstance(value, str) and value.strip().lower() in INVALID_BALLOT:
                ballots.append(None)
                continue
            if isinstance(value, str) and not value.strip():
                continue
            if isinstance(value, str) and not any(c.isdigit() for c in value):  # a word, not a score
                self.problem(
                    at,
                    f"`{excerpt(value)}` is not a ballot: write its score (0 to {spec.scale}), or 废票 (invalid)",
                    code="data.bad-number",
                )
                refused = True
                continue
            score = self.number(value, at)
            if score is None:
                refused = True
            elif not ZERO <= score <= spec.scale:
                self.problem(at, f"ballot score {score} is outside 0 to {spec.scale}", code="data.out-of-range")
                refused = True
            else:
                ballots.append(score)
        if not refused and all(b is None for b in ballots):
            invalid = len(ballots)
            self.problem(
                field,
                f"no valid ballot ({invalid} invalid): `{spec.name}` cannot be scored"
                if invalid
                else f"no ballot: `{spec.name}` cannot be scored",
                code="data.missing-value",
            )
        return tuple(ballots)

    def rating(self, spec: MeasureSpec, value: Any, field: str) -> Decimal | None:
        """One assessor's score, between 0 and the measure's scale."""
        if value is None:
            self.problem(field, "missing assessor score", code="data.missing-value")
            return None
        score = self.number(value, field)
        if score is None:
            return None
        if not ZERO <= score <= spec.scale:
            self.problem(field, f"assessor score {score} is outside 0 to {spec.scale}", code="data.out-of-range")
            return None
        return score

    # -- awards won

    def awards(self, raw: Any, unit_class: ClassSpec) -> tuple[AwardWon, ...]:
        given = _mapping(raw, "bonuses", self)
        specs = {r.name: r for r in unit_class.rules_of("bonus")}
        for name in sorted(set(map(str, given)) - set(specs)):
            self.unknown(f"bonuses.{name}", f"no bonus `{name}` applies to class {unit_class.name}", among=specs)
        awards: list[AwardWon] = []
        for spec in specs.values():
            entries = given.get(spec.name)
            if entries is None:
                continue
            if not isinstance(entries, list):
                self.problem(f"bonuses.{spec.name}", "expected a list of awards won", code="data.bad-shape")
                continue
            listed: list[tuple[AwardWon, str]] = []
            for index, entry in enumerate(entries, start=1):
                field = f"bonuses.{spec.name}[{index}]"
                award = self.award(spec, entry, field)
                if award is None:
                    continue
                twin = next((other for won, other in listed if same_award(won, award)), None)
                if twin is not None:
                    self.problem(
                        field,
                        f"the same award as {twin} ({award.level}, {award.name or 'no name'}, "
                        f"{award.date or 'no date'}): each award is listed once",
                        code="data.duplicate-award",
                    )
                    continue
                listed.append((award, field))
                awards.append(award)
        return tuple(awards)

    def award(self, spec: RuleSpec, raw: Any, field: str, carried_in: bool = False) -> AwardWon | None:
        mapping = _mapping(raw, field, self)
        for key in sorted(set(map(str, mapping)) - {"name", "level", "date"}):
            self.problem(f"{field}.{key}", "unknown key; an award has name, level and date", code="data.unknown-field")
        levels = self.levels.get(spec.name)
        if levels is None:
            levels = self.levels[spec.name] = [s.name for s in spec.all(n.Level)]
        level_text = text_of(mapping.get("level"))
        level = None if level_text is None else identifier(level_text)
        if level not in levels:
            shown = "missing award level" if not level else f"unknown award level `{excerpt(level)}`"
            self.problem(f"{field}.level", f"{shown}; levels are {', '.join(levels)}", code="data.unknown-level")
            return None
        date = None
        if mapping.get("date") is not None:
            date = self.date(mapping["date"], f"{field}.date")
            if date is None:
                return None
            year = self.year
            if date is not None and year is not None and not carried_in and not year <= date.year <= year + 1:
                self.problem(
                    f"{field}.date",
                    f"{date} is outside the assessment year {year} "
                    f"(and the following year, when late awards are presented)",
                    code="data.date-outside-year",
                )
                return None
        elif spec.first(n.CarryOver) is not None:
            self.problem(
                f"{field}.date",
                "missing: this bonus carries late awards over, so each award needs a date",
                code="data.missing-value",
            )
            return None
        name = self.text(mapping.get("name"), f"{field}.name")
        if name is False:
            return None
        return AwardWon(spec.name, level, name, date, carried_in)

    # -- values

    def values(
        self, raw: Mapping[str, Any], specs: Mapping[str, InputSpec], field: str, check_unknown: bool = True
    ) -> dict[str, Value]:
        if check_unknown and not raw.keys() <= specs.keys():
            for key in sorted(set(map(str, raw)) - set(specs)):
                self.unknown(
                    f"{field}.{key}",
                    "unknown input; the policy declares " + (", ".join(sorted(specs)) or "no inputs here"),
                    among=specs,
                )
        values: dict[str, Value] = {}
        converters = self.converters
        for spec in specs.values():
            given = raw.get(spec.name)
            convert = converters.get(id(spec))
            if convert is None:
                convert = converters[id(spec)] = _converter(spec)
            quick = convert(given)
            if isinstance(quick, _Unusual):
                value = self.value(spec, given, f"{field}.{spec.name}")
                if value is not None:
                    values[spec.name] = value
            else:
                values[spec.name] = quick
        for spec in specs.values():
            if spec.low_input is not None or spec.high_input is not None:
                self.bounded_by_inputs(spec, raw, values, field)
        return values

    def bounded_by_inputs(self, spec: InputSpec, raw: Mapping[str, Any], values: dict[str, Value], field: str) -> None:
        """A range end that names another input (`range 0 to subs`): the value may not pass the
        other input's value. Both fields are named; a missing value on either side is left alone."""
        value = values.get(spec.name)
        if type(value) is not Decimal:
            return
        for other, above in ((spec.high_input, True), (spec.low_input, False)):
            if other is None:
                continue
            bound = values.get(other)
            if type(bound) is not Decimal or (value <= bound if above else value >= bound):
                continue
            given = raw.get(other)
            shown = (
                f"= {excerpt(given)}"
                if given is not None and str(given).strip()
                else f"(missing, so taken as {excerpt(bound * HUNDRED if spec.type in ('percent', 'pp') else bound)})"
            )
            self.problem(
                f"{field}.{spec.name}",
                f"{excerpt(raw.get(spec.name))} is {'above' if above else 'below'} "
                f"{field}.{other} {shown}, the {'upper' if above else 'lower'} end of its range",
                code="data.out-of-range",
            )

    def required(
        self, requires: tuple[n.Require, ...], specs: Mapping[str, InputSpec], values: dict[str, Value], field: str
    ) -> None:
        """Cross-field constraints (`require done <= subs`) over the values just read, each reported as
        `data.constraint` naming the fields and their values. A constraint reading a value that is missing
        (refused, not applicable, the class average) or was refused is not checked: the input's own rule
        decides that value. One the data make impossible to decide (a division by zero) is reported."""
        for require in requires:
            plan = self.constraints.get(id(require))
            if plan is None:
                plan = self.constraints[id(require)] = _constraint(require)
            names, holds_for, frame = plan
            if any(name not in values or isinstance(values[name], Marker) for name in names):
                continue
            try:
                holds = holds_for(values, frame)  # reads only `names`, and writes nothing (a constraint has no let)
                reason = None
            except Failure as failure:
                holds, reason = False, failure.message
            if holds is True:
                continue
            read = {name: values[name] for name in names}
            shown = ", ".join(f"{field}.{name} = {_value_text(value, specs[name])}" for name, value in read.items())
            # the condition as the policy says it, in the keywords of the file it is written in
            language = self.schema.keywords.get(require.span.file, Language.ENGLISH)
            condition = f"{keyword_set(language).word('require')} {self.schema.quote(require.expr)}"
            at = f"{field}.{names[0]}" if names else field  # the first field it names: in a workbook, its cell
            self.problem(
                at,
                f"the data do not meet `{condition}` (line {require.span.line}): {shown}"
                if reason is None
                else f"`{condition}` (line {require.span.line}) cannot be decided ({reason}): {shown}",
                code="data.constraint",
            )

    def value(self, spec: InputSpec, raw: Any, field: str) -> Value | None:
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return self.missing(spec, field)
        if spec.choices is not None:
            return self.word(spec, spec.choices, raw, field)
        if spec.type in ("percent", "pp"):
            # `11.5%` (a cell formatted as a percentage, or the text) is 11.5 where the input is a percentage
            if isinstance(raw, PercentCell):
                raw = raw.shown
                if self.percents is not None and spec.type == "percent":
                    self.percents.mark(field, self.unit_label, raw)
            elif isinstance(raw, str) and raw.rstrip().endswith(("%", "％")):
                raw = raw.rstrip()[:-1]
                shown = _decimal(raw.strip()) if self.percents is not None and spec.type == "percent" else None
                if shown is not None and self.percents is not None:
                    self.percents.mark(field, self.unit_label, shown)
        elif isinstance(raw, PercentCell):
            self.problem(
                field,
                f"the cell shows {raw}, but `{spec.name}` is {_a(spec.type)}, not a percentage: "
                f"type the value itself ({_fraction(raw.shown)}) in a cell without the % format",
                code="data.percent-cell",
            )
            return None
        if spec.type == "bool":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in BOOLEAN_WORDS:
                return BOOLEAN_WORDS[raw.strip().lower()]
            self.problem(field, f"expected true or false, found {_shown_value(raw)}", code="data.bad-value")
            return None
        if spec.type == "date":
            date = self.date(raw, field)
            if date is not None and self.year is not None and date.year != self.year:
                self.problem(field, f"{date} is outside the assessment year {self.year}", code="data.date-outside-year")
                return None
            return date
        number = self.number(raw, field)
        if number is None:
            return None
        if spec.type == "count" and (number < 0 or number != number.to_integral_value()):
            self.problem(field, f"expected a whole number of at least 0, found {excerpt(raw)}", code="data.bad-number")
            return None
        # Ranges are written as the data is: `range 0 to 100` on a percent input means 0 % to 100 %.
        if spec.low is not None and number < spec.low.value or (spec.high is not None and number > spec.high.value):
            low = spec.low.value if spec.low else "…"
            high = spec.high.value if spec.high else "…"
            self.problem(field, f"{raw} is outside the declared range {low} to {high}", code="data.out-of-range")
            return None
        if spec.divisor and number < 0:
            self.problem(
                field, f"{raw} is negative, and the formula divides by `{spec.name}`", code="data.out-of-range"
            )
            return None
        if spec.type in ("percent", "pp"):
            return CONTEXT.divide(number, HUNDRED)
        return number

    def word(self, spec: InputSpec, choices: dict[str, Decimal], raw: Any, field: str) -> Decimal | None:
        """An input of words: the number of the word the data give (spaces around it ignored); anything
        else — another word, a number, a percent cell — is refused, naming the words and the nearest one."""
        if isinstance(raw, PercentCell):
            raw = str(raw)
        if type(raw) is str and raw.strip() in choices:
            return choices[raw.strip()]
        given = raw.strip() if isinstance(raw, str) else str(raw)
        if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool) and given in choices:
            return choices[given]  # a word written in digits (`"1": 6`), which YAML or a cell reads as a number
        hint = nearest(given, choices)
        holding = [word for word in choices if given and (given in word or word in given)]
        if not hint and len(holding) == 1:  # `差` for `差（含）`: too short for a close match, but only one word has it
            hint = f"; did you mean `{holding[0]}`?"
        self.problem(
            field,
            f"expected one of the words of `{spec.name}` ({', '.join(choices)}), found {_shown_value(raw)}" + hint,
            code="data.bad-value",
        )
        return None

    def missing(self, spec: InputSpec, field: str) -> Value | None:
        if spec.missing == "zero":
            return ZERO
        if spec.missing == "na":
            return NOT_APPLICABLE
        if spec.missing == "peer_avg":
            return PEER_AVERAGE
        if spec.missing == "default" and spec.default is not None:
            return literal(spec.default, spec.type)
        if spec.last_year is not None:  # read from last year's results, which have none for this unit
            self.problem(
                field,
                f"no {spec.last_year} last year for this unit in last year's results: it is new, or declare "
                f"what `{spec.name}` is without one (`missing na`, `missing default …`)",
                code="data.last-year",
            )
            return None
        self.problem(field, "missing value" + (f" ({spec.label})" if spec.label else ""), code="data.missing-value")
        return None

    def number(self, raw: Any, field: str) -> Decimal | None:
        if type(raw) is str and len(raw) <= PRECISION and PLAIN_TEXT.fullmatch(raw):
            # the common case, checked as below but in fewer steps
            number = _decimal(raw)
            if number is not None and -15 <= number.adjusted() <= 15:
                return CONTEXT.add(number, ZERO)
        if isinstance(raw, bool):
            self.problem(field, f"expected a number, found {str(raw).lower()}", code="data.bad-number")
            return None
        if isinstance(raw, PercentCell):
            self.problem(
                field,
                f"the cell shows {raw}, but this is not a percentage: type the value itself "
                f"in a cell without the % format",
                code="data.percent-cell",
            )
            return None
        if isinstance(raw, int):
            # the same checks as the same digits written as text (a JSON or YAML integer, an Excel cell)
            if raw.bit_length() > 133:  # more than 40 digits; str() of a long int is itself limited
                self.problem(field, "a number with more than 40 characters", code="data.bad-number")
                return None
            number = Decimal(raw)
        elif isinstance(raw, Decimal):
            number = raw
        elif isinstance(raw, str):
            # Full-width digits typed with a Chinese input method are the digits they show;
            # any other non-ASCII character (Arabic-Indic digits, …) is refused.
            text = raw.strip()
            if not text.isascii():
                text = text.translate(FULL_WIDTH_DIGITS)
            if "," in text:
                if not GROUPED_TEXT.fullmatch(text):
                    self.problem(
                        field,
                        f"`{excerpt(raw)}`: a comma is read only as a thousands separator "
                        "(1,200 or 1,234,567.5); write the number without it (a decimal point is `.`)",
                        code="data.bad-number",
                    )
                    return None
                text = text.replace(",", "")
            if len(text) > 40:
                self.problem(field, "a number with more than 40 characters", code="data.bad-number")
                return None
            if not NUMBER_TEXT.fullmatch(text):
                if text.lower().lstrip("+-") in NOT_FINITE:
                    self.problem(field, f"`{raw}` is not a finite number", code="data.bad-number")
                else:
                    self.problem(field, f"expected a number, found `{raw}`", code="data.bad-number")
                return None
            parsed = _decimal(text)
            if parsed is None:  # an exponent beyond what a decimal can hold
                self.problem(field, f"{raw} is outside the range of plausible values", code="data.bad-number")
                return None
            if isinstance(raw, ShownNumber) and (parsed.adjusted() >= 11 or parsed.adjusted() <= -5):
                if -15 <= parsed.adjusted() <= 15:
                    self.problem(
                        field,
                        f"`{excerpt(raw)}` is how Excel shows a number of 12 digits or more, or below 0.0001, "
                        "rounded to 6 significant digits, and a CSV file keeps only what is shown: format the "
                        "column as Number in Excel and save again, or write the number in full",
                        code="data.bad-number",
                    )
                    return None
            number = parsed
        elif isinstance(raw, float):
            parsed = float_decimal(raw)
            if parsed is None:
                self.problem(
                    field,
                    f"{raw!r} is a binary float that is not a number of at most {FLOAT_DIGITS} significant digits "
                    "(the result of a computation?): round it, or pass it as Decimal or text",
                    code="data.bad-number",
                )
                return None
            number = parsed
        else:
            self.problem(field, f"expected a number, found {_shown_value(raw)}", code="data.bad-number")
            return None
        if not number.is_finite():
            self.problem(field, f"`{raw}` is not a finite number", code="data.bad-number")
            return None
        if not -15 <= number.adjusted() <= 15:
            self.problem(field, f"{raw} is outside the range of plausible values", code="data.bad-number")
            return None
        if len(number.as_tuple().digits) > PRECISION:
            self.problem(field, f"{raw} has more than {PRECISION} significant digits", code="data.bad-number")
            return None
        return CONTEXT.add(number, ZERO)  # exact: normalises -0 to 0, 1E+2 to 100

    def date(self, raw: Any, field: str) -> datetime.date | None:
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        text = raw.strip() if isinstance(raw, str) else ""
        at = f" (line {raw.line})" if isinstance(raw, DateText) else ""
        parts = _date_parts(text)
        if parts is None:
            # Python would also take 20031120 or 2003-W47-4, which nobody types as a date; 12/05/2003 is
            # December 5 to some and May 12 to others
            self.problem(
                field,
                f"expected a date such as 2003-12-05, 2003/12/05 or 2003年12月5日, found {_shown_value(raw)}{at}",
                code="data.bad-date",
            )
            return None
        try:
            return datetime.date(*parts)
        except ValueError:
            self.problem(
                field, f"`{text}`{at} is not a day of the calendar: {_no_such_day(*parts)}", code="data.bad-date"
            )
            return None


# A date as people type it, the year first: 2003-12-05, 2003/12/5, 2003.12.05, 2003年12月5日 (digits
# typed full-width by a Chinese input method are the digits they show). Nothing else: not 20031120,
# not a week date, not 12/05/2003, whose order differs from one country to another.
DATE_TEXT = re.compile(
    r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?)",
    re.ASCII,
)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date typed in one of the usual forms, not yet checked against the calendar."""
    match = DATE_TEXT.fullmatch(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    year, _, month, day, chinese_month, chinese_day = match.groups()
    return int(year), int(month or chinese_month), int(day or chinese_day)


def nearest(name: str, known: Iterable[str], *, cutoff: float = 0.5) -> str:
    """`; did you mean `增速`?` when a known name is close to `name` (a misspelling, a character typed
    with the wrong input method, another case), else nothing. Ids are short and alike (C01, C10):
    for them a higher `cutoff` keeps the hint from naming another unit."""
    import difflib

    names = [str(k) for k in known]
    same = [k for k in names if k.casefold() == name.casefold()]
    close = same or difflib.get_close_matches(name, names, n=1, cutoff=cutoff)
    return f"; did you mean `{close[0]}`?" if close and close[0] != name else ""


def _no_such_day(year: int, month: int, day: int) -> str:
    """Why a typed date is no day: `2004-02-30` → February 2004 has 29 days."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year < 1:
        return "there is no year 0"
    import calendar

    days = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {days} days" if day else "there is no day 0"


def literal(expr: n.Expr, type_name: str) -> Value:
    """The value of a literal default (`missing default 1`, `default true`)."""
    match expr:
        case n.Boolean(value=value):
            return value
        case n.Date(value=value):
            return value
        case n.Number(value=value, unit=unit):
            return (
                CONTEXT.divide(value, HUNDRED) if unit in ("percent", "pp") or type_name in ("percent", "pp") else value
            )
        case n.Unary(op="-", operand=n.Number(value=value, unit=unit)):
            # scaled like its number: `default -2%` is −0.02, not −2
            negative = CONTEXT.minus(value)
            scaled = unit in ("percent", "pp") or type_name in ("percent", "pp")
            return CONTEXT.divide(negative, HUNDRED) if scaled else negative
    raise ValueError(f"not a literal: {expr!r}")


class _Unusual:
    """The quick converter's answer for a value it leaves to `Validator.value` (missing, malformed,
    out of range…). A returned marker, never a raised exception: a shared exception instance raised
    again and again keeps a longer traceback each time, and with it every frame and record it saw."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNUSUAL"


UNUSUAL = _Unusual()


def _converter(spec: InputSpec) -> Callable[[Any], Value | _Unusual]:
    """`Validator.value` for the usual case of one input — a plain number as text, a JSON number, a
    boolean — giving the same value, in fewer steps; for anything else it returns UNUSUAL, and `value`
    decides (and reports the problem, if there is one)."""
    if spec.choices is not None:
        words = spec.choices

        def word(raw: Any) -> Value | _Unusual:
            # the word exactly as declared; spaces around it, and any problem, are `Validator.word`'s
            return words.get(raw, UNUSUAL) if type(raw) is str else UNUSUAL

        return word
    if spec.type == "bool":

        def boolean(raw: Any) -> Value | _Unusual:
            if raw is True or raw is False:
                return bool(raw)
            return UNUSUAL

        return boolean
    if spec.type == "date":

        def date(raw: Any) -> Value | _Unusual:
            return UNUSUAL

        return date
    low = spec.low.value if spec.low is not None else None
    high = spec.high.value if spec.high is not None else None
    whole = spec.type == "count"
    divisor = spec.divisor
    scaled = spec.type in ("percent", "pp")

    def number(raw: Any) -> Value | _Unusual:
        kind = type(raw)
        if kind is str:
            if len(raw) > PRECISION or not PLAIN_TEXT.fullmatch(raw):
                return UNUSUAL
            parsed = _decimal(raw)
            if parsed is None:
                return UNUSUAL
            value = parsed
        elif kind is Decimal:
            value = raw
            if value.is_finite() and len(value.as_tuple().digits) > PRECISION:
                return UNUSUAL
        elif kind is int:
            if raw.bit_length() > 113:  # beyond 34 digits: `number` says why
                return UNUSUAL
            value = Decimal(raw)
        elif kind is float:
            parsed = float_decimal(raw)
            if parsed is None:
                return UNUSUAL
            value = parsed
        else:
            return UNUSUAL
        if not value.is_finite() or not -15 <= value.adjusted() <= 15:
            return UNUSUAL
        value = CONTEXT.add(value, ZERO)
        if whole and (value < ZERO or value != value.to_integral_value()):
            return UNUSUAL
        if low is not None and value < low or high is not None and value > high or divisor and value < ZERO:
            return UNUSUAL
        return CONTEXT.divide(value, HUNDRED) if scaled else value

    return number


def _has_column(cell: Callable[[int, str], str | None], field: str) -> bool:
    """Whether the sheet whose first record's cells `cell` gives has a column for `field`."""
    return cell(0, field) is not None


def absent_columns(
    schema: Schema, has_column: Callable[[str], bool], file: str
) -> list[tuple[frozenset[str], DataProblem]]:
    """The inputs of `classes` that may be missing (`missing zero`, `default`, `na`) and that a spreadsheet
    has no column for: every unit of it would take the missing rule without a word — a new veto of this
    year, say, on a sheet made from last year's template, and nobody vetoed. Refused
    (`data.missing-column`), naming the field; a blank cell under the column is the rule at work. An item
    list is judged only where the sheet has columns for it (none is its own problem: no items listed).
    Each problem comes with the classes whose units give the field: it concerns a sheet of those."""
    found: dict[str, tuple[set[str], DataProblem]] = {}

    def check(name: str, field: str, spec: InputSpec) -> None:
        if spec.missing not in ("zero", "default", "na") or spec.last_year is not None:
            return
        if field in found:
            found[field][0].add(name)
            return
        if has_column(field):
            return
        rule = "default …" if spec.missing == "default" else spec.missing
        column = field.removeprefix("indicators.").replace("[1]", ".1")
        found[field] = (
            {name},
            DataProblem(
                file,
                None,
                field,
                f"the sheet has no column `{column}`: every unit in it would take `missing {rule}` without a word; "
                "add the column (this year's template has it) and leave its cells blank where that is meant",
                code="data.missing-column",
            ),
        )

    for name, spec in schema.classes.items():
        for input_name, input_spec in schema.unit_inputs.items():
            check(name, f"inputs.{input_name}", input_spec)
        for measure in spec.measures():
            field = f"indicators.{measure.name}"
            if measure.kind == "items":
                if has_column(field):
                    for input_name, input_spec in measure.inputs.items():
                        check(name, f"{field}[1].{input_name}", input_spec)
                continue
            for input_name, input_spec in measure.inputs.items():
                check(name, f"{field}.{input_name}", input_spec)
            for sub in measure.subitems:
                for input_name, input_spec in sub.inputs.items():
                    check(name, f"{field}.{sub.name}.{input_name}", input_spec)
        for rule in spec.rules:
            section = RULE_SECTIONS.get(rule.kind)
            if section is not None:
                for input_name, input_spec in rule.inputs.items():
                    check(name, f"{section}.{rule.name}.{input_name}", input_spec)
    return [(frozenset(needing), problem) for needing, problem in found.values()]


def _default_of(spec: InputSpec) -> Decimal | None:
    """An input's `missing default`, as validation holds it (a percentage as its fraction)."""
    if spec.default is None:
        return None
    value = literal(spec.default, spec.type)
    return value if type(value) is Decimal else None


def _items_may_be_missing(spec: MeasureSpec) -> bool:
    """Whether the policy says a unit without items is not assessed on an items measure: `missing na`
    on one of the items' inputs."""
    return any(input_spec.missing == "na" for input_spec in spec.inputs.values())


def _needed(spec: MeasureSpec, mapping: Mapping[str, Any], given: GivenScore | None) -> Mapping[str, InputSpec]:
    """The inputs to validate: all of them, or, when the score is given, only those the data give
    (a given score needs no inputs; those given still count completion, see measures.py)."""
    if given is None:
        return spec.inputs
    return {
        name: input_spec
        for name, input_spec in spec.inputs.items()
        if mapping.get(name) is not None and not (isinstance(mapping[name], str) and not mapping[name].strip())
    }


FLOAT_DIGITS = 15  # every decimal of at most 15 significant digits is the one a binary float shows


def float_decimal(value: float) -> Decimal | None:
    """The decimal a Python float stands for, as written: `0.1` is 0.1, not 0.1000000000000000055…. A float's
    repr is the shortest decimal that reads back as it; with at most 15 significant digits that decimal is
    the one the program wrote (15 digits always survive a round trip through a binary float). A float with
    more (`0.1 + 0.2` is 0.30000000000000004), infinite or not a number is None: its decimal is not known."""
    if not math.isfinite(value):
        return None
    number = Decimal(repr(value))
    return number if len(number.as_tuple().digits) <= FLOAT_DIGITS else None


def _decimal(text: str) -> Decimal | None:
    """The decimal of a text that matched NUMBER_TEXT; None when its exponent is beyond any context."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@attrs.frozen
class SheetClass:
    """A workbook row's class where its sheet has a `class` column with a value: the sheet's name and the
    cell's value, which must agree when the sheet is named after a class (`where` is the cell)."""

    sheet: str
    column: Any
    where: str


# Characters that show nothing (zero-width spaces and joiners, direction marks and overrides, the BOM,
# soft hyphens, variation selectors, Hangul fillers): `C01` followed by one of them looks like `C01`.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000e0000-\U000e0fff]"
)


def identifier(text: str) -> str:
    """An id (or a class, a level) as a person reads it: trimmed of spaces (also non-breaking and
    ideographic ones), and full-width forms the characters they show (NFKC: `Ｃ０１` is `C01`).
    Case and leading zeros stay: `c01` and `001` are other texts to a reader too."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def award_name(name: str | None) -> str:
    """An award's name as compared: without spaces, full-width forms read as what they show."""
    if name is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def same_award(one: AwardWon, other: AwardWon) -> bool:
    """Two entries of a unit's awards that are one award: the same bonus and level, the same name, and
    the same date (or either undated). Listed twice, it would count twice. Entries without a name are
    never taken for one another: two provincial awards may be won on one day."""
    return (
        (one.bonus, one.level) == (other.bonus, other.level)
        and one.name is not None
        and other.name is not None
        and award_name(one.name) == award_name(other.name)
        and (one.date is None or other.date is None or one.date == other.date)
    )


# The words an invalid ballot (废票) is written with in a list of ballots.
INVALID_BALLOT = frozenset({"invalid", "废票", "无效", "无效票"})


def text_of(value: Any) -> str | None:
    """A value that may be a name or an id, as its text: text, a whole or plain decimal number as
    written, a date; None for anything else (a list, a mapping, true/false, a float from Python)."""
    kind = type(value)
    if isinstance(value, str) or kind is int:
        return str(value)
    if kind is Decimal and value.is_finite() and "E" not in str(value):
        return str(value)
    if kind is datetime.date:
        return str(value.isoformat())
    return None


def _typed_id(record: Any) -> str | None:
    text = text_of(record.get("id")) if isinstance(record, Mapping) else None
    return None if text is None else text.strip()


def _invisible(text: str) -> str | None:
    """Why a text (an id, a name) cannot be read as it shows, or None."""
    control = CONTROL.search(text)
    if control is not None:
        # `C01\x00` is not `C01`, and ESC sequences rewrite a terminal's lines;
        # half a character (a lone surrogate) cannot even be written to a file
        kind = "half of a character" if "\ud800" <= control[0] <= "\udfff" else "a control character"
        return f"{kind} (U+{ord(control[0]):04X})"
    if not text.isascii():
        hidden = INVISIBLE.search(text)
        if hidden is not None:
            return f"an invisible character (U+{ord(hidden[0]):04X} {unicodedata.name(hidden[0], '')})".replace(
                " )", ")"
            )
    return None


def _constraint(
    require: n.Require,
) -> tuple[tuple[str, ...], Callable[[dict[str, Any], Any], Any], Any]:
    """A constraint as validation checks it, built once per validation: the names it reads, its condition
    as generated code (`kernel.expression`, which the differential tests hold to the interpreter) called
    in the policy's decimal context, and the frame it is called with (never read: every name it reads is in
    the values it is given)."""
    from targetdsl.evaluation.interpreter import Frame, evaluate
    from targetdsl.evaluation.kernel import Unsupported, expression
    from targetdsl.language.typecheck import walk

    names = tuple(dict.fromkeys(node.name for node in walk(require.expr) if isinstance(node, n.Name)))
    try:
        generated: Callable[[dict[str, Any], Any], Any] = expression({}, require.expr, frozenset(names))
    except Unsupported:  # nothing the checker lets a constraint say; the reference would still decide it
        generated = lambda values, frame: evaluate(require.expr, Frame(dict(values), parent=frame, explain=False))  # noqa: E731

    def holds(values: dict[str, Any], frame: Any) -> Any:
        with decimal.localcontext(CONTEXT):
            return generated(values, frame)

    return names, holds, Frame({}, explain=False)


def _value_text(value: Value, spec: InputSpec) -> str:
    """A validated value as a constraint's message names it: numbers as the data wrote them (a percent
    input's 0.085 as 8.5), the word of an input of words, booleans and dates as written."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal):
        if spec.choices is not None:
            return next((word for word, number in spec.choices.items() if number == value), str(value))
        shown = CONTEXT.multiply(value, HUNDRED) if spec.type in ("percent", "pp") else value
        return format(shown.normalize(CONTEXT), "f")
    return str(value)


def _shown_value(value: Any) -> str:
    """A value as a message names it: text and numbers quoted as written, anything else in words."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Mapping):
        return "a mapping of names to values"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, (bytes, bytearray)):
        return "bytes (give text)"
    if isinstance(value, float):
        return f"the binary float {value!r}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (str, int, Decimal, PercentCell)):
        return f"`{excerpt(value)}`"
    return "a value that is neither text nor a number"


def _year(value: Any) -> int | None:
    """A document's `year` as written: a whole number (2003, "2003"), never 2003.9 read as 2003."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 9999 else None
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() and 1 <= value <= 9999 else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}", value.strip()):
        return int(value)
    return None


def excerpt(value: Any) -> str:
    """A value as a message quotes it: at most 40 characters."""
    if isinstance(value, int) and value.bit_length() > 133:
        return "a number with more than 40 digits"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _a(type_name: str) -> str:
    return {"count": "a count", "money": "an amount of money", "bool": "true or false", "date": "a date"}.get(
        type_name, f"a {type_name}"
    )


def _fraction(shown: Decimal) -> str:
    """What a percentage cell holds, written as the number it is: 11.5 % → 0.115."""
    return f"{CONTEXT.divide(shown, HUNDRED).normalize(CONTEXT):f}"


def _mapping(raw: Any, field: str, validator: Validator) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        validator.problem(field, "expected a mapping of names to values", code="data.bad-shape")
        return {}
    # Keys that are not text (a YAML `1:`) match no name; they are reported as unknown, by their text.
    return raw if type(raw) is dict else dict(raw)


def no_units(file: str) -> DataProblem:
    """The data hold no unit at all: an empty file, or a workbook whose sheets have nothing under their
    headers. An assessment of nobody is never what was meant (a blank template, the wrong file)."""
    return DataProblem(
        file,
        None,
        "units",
        "no units: the file lists none (a blank template, or the wrong file?); fill in the units to assess",
        code="data.no-units",
    )


def load_units(
    schema: Schema,
    document: Any,
    file: str,
    *,
    lenient: bool = False,
    ignored: list[DataProblem] | None = None,
    last_year: Mapping[str, Result] | None = None,
    only: frozenset[str] | None = None,
) -> list[Unit]:
    """Validate a raw document; raise DataError listing every problem.

    With `lenient`, data the policy does not declare is ignored (and listed
    in `ignored`) instead of refused: for evaluating two versions of a policy
    on data written for one of them. With `only`, the data are an earlier
    period's of a policy weighting these measures over the periods: they give
    these measures and the unit inputs, nothing else.
    """
    validator = Validator(schema, file, lenient=lenient, last_year=last_year, only=only)
    with collector_paused():
        units = validator.units(document)
    if not units and not validator.problems:
        validator.problems.append(no_units(file))
    if validator.problems:
        raise DataError(validator.problems)
    if ignored is not None:
        ignored.extend(validator.ignored)
    return units
