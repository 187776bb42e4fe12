"""Unit data in: read YAML or JSON, validate against the policy, type every value.

A data document lists the assessed units; each names its class and gives
the inputs the policy declares (see docs/data.md). Validation reports
**every** problem at once, each naming the file, the unit and the field;
if there is any, nothing is evaluated. Numbers are read as exact decimals
(never through floats), percentages and percentage points are stored as
fractions (8.5 → 0.085), and missing values are resolved by the rule the
policy declares for them.

This module holds the `Validator` and a record's shape (id, name, class, sections); the functions
that read the rest are in the modules beside it, and the names other modules read are gathered here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from targetdsl.evaluation.collector import collector_paused
from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, Schema
from targetdsl.units import awards as awarding
from targetdsl.units import constraints, indicators, scalars
from targetdsl.units.awards import award_name
from targetdsl.units.fields import (
    RULE_SECTIONS,
    UNIT_KEYS,
    _mapping,
    _shown_value,
    excerpt,
    identifier,
    nearest,
    text_of,
)
from targetdsl.units.headers import _has_column, absent_columns
from targetdsl.units.intake import Intake, intakes
from targetdsl.units.percentages import Columns, columns, reasons
from targetdsl.units.scalars import (
    FULL_WIDTH_DIGITS,
    NUMBER_TEXT,
    PLAIN_TEXT,
    UNUSUAL,
    _converter,
    _decimal,
    _default_of,
    _Unusual,
    float_decimal,
)

if TYPE_CHECKING:  # lastyear.py reads results with this module's helpers: imported for types only
    from targetdsl.units.lastyear import Result

from targetdsl.values import DataError, DataProblem, Records, Unit, Value

# What other modules read here: the validator, and the helpers of its parts they share with it (the
# function intake.py writes for a class reads some of them).
__all__ = [
    "FULL_WIDTH_DIGITS",
    "NUMBER_TEXT",
    "PLAIN_TEXT",
    "RULE_SECTIONS",
    "UNIT_KEYS",
    "UNUSUAL",
    "USUAL_AFTER",
    "SheetClass",
    "Validator",
    "_converter",
    "_decimal",
    "_invisible",
    "award_name",
    "excerpt",
    "float_decimal",
    "identifier",
    "load_units",
    "nearest",
    "no_units",
    "text_of",
]

# --------------------------------------------------------------- validating


LINE_BREAKS = str.maketrans("\n\r\t", "   ")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


USUAL_AFTER = 200  # records read by the general path before the usual path is built (see Validator)


class Validator:
    """Turns a raw document into typed units, collecting every problem. It reads a record's shape here; its
    values, indicators, awards and constraints are read by the functions of `scalars.py`, `indicators.py`,
    `awards.py` and `constraints.py`, which are its methods (see the end of the class)."""

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

    # a section's values, and each value (scalars.py)
    values = scalars.values
    bounded_by_inputs = scalars.bounded_by_inputs
    value = scalars.value
    word = scalars.word
    missing = scalars.missing
    number = scalars.number
    date = scalars.date

    # the indicators (indicators.py)
    measures = indicators.measures
    measure = indicators.measure
    item = indicators.item
    given = indicators.given
    ratings = indicators.ratings
    ballots = indicators.ballots
    rating = indicators.rating

    # awards won (awards.py)
    awards = awarding.awards
    award = awarding.award

    # cross-field constraints (constraints.py)
    required = constraints.required


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
