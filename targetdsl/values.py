"""The runtime value model: what validated unit data is made of, and how a data problem is said.

A unit's inputs are `Value`s — exact `Decimal`s, booleans, dates, or a
`Marker` for a missing value the evaluator resolves (not applicable, the
peer average). Readers mark what only validation can judge (a
percent-formatted cell, an impossible date, an Excel error value), and
every problem found in data is a `DataProblem`, raised together in one
`DataError`. This module reads nothing and validates nothing: `data.py`
does, for the readers in `documents.py`, `tabular.py` and `sheets.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.diagnostics import TargetdslError
from targetdsl.keywords import Language
from targetdsl.messages import translate
from targetdsl.numeric import CONTEXT


class Marker:
    """A missing value the evaluator resolves: not applicable, or the peer average."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def json_value(self) -> str:
        return self.name.lower()

    def __reduce__(self) -> str:
        return self.name  # pickled as the module's own instance (a stream spools validated units)


NOT_APPLICABLE = Marker("NOT_APPLICABLE")
PEER_AVERAGE = Marker("PEER_AVERAGE")

Value = Decimal | bool | datetime.date | Marker


@attrs.frozen
class PercentCell:
    """A spreadsheet cell formatted as a percentage: `shown` is what Excel displays (11.5 for a cell
    typed `11.5%`, which Excel stores as 0.115). Only validation knows whether the input it fills is
    a percentage (then it is 11.5) or not (then it is refused, with what to type)."""

    shown: Decimal

    def __str__(self) -> str:
        return f"{self.shown.normalize(CONTEXT):f}%"  # 300%, never 3E+2%


class DateText(str):
    """A YAML date the calendar does not have (`2004-02-30`), kept as the text typed, with its line:
    where a date is meant validation refuses it (`data.bad-date`); elsewhere (a name) it is text."""

    line: int

    def __new__(cls, text: str, line: int) -> DateText:
        self = super().__new__(cls, text)
        self.line = line
        return self

    def __getnewargs__(self) -> tuple[str, int]:  # type: ignore[override]
        return str(self), self.line  # pickled (a streamed record's spool) with its line


class ShownNumber(str):
    """A CSV cell in the form Excel's General format shows a number of 12 digits or more, or below 0.0001
    (`1.23457E+11`: at most 6 significant digits), which a CSV file Excel saved keeps as shown: digits
    beyond the sixth may be lost. Where a number is meant, validation refuses it (`data.bad-number`);
    elsewhere (a name) it is the text it is."""

    __slots__ = ()


class Records(list[Any]):
    """Unit records that know where each one was read (`line 5`, `sheet 县区, cell A7`), for the problems
    that point at a whole unit (a duplicate id), and, from a spreadsheet, the cell of each field (for
    every problem with a value). Records gathered from several files know each one's file. A plain
    list of records has no places. A place is made only when asked for, from what the reader keeps
    anyway (line or row numbers)."""

    def __init__(
        self,
        records: Iterable[Any] = (),
        *,
        place: Callable[[int], str] | None = None,
        cell: Callable[[int, str], str | None] | None = None,
    ):
        super().__init__(records)
        # the records from `start` on: where each was read, the cell of a field, the file (when gathered)
        self.segments: list[Segment] = [] if place is None else [Segment(0, place, cell, None)]
        # the rows read that are no unit (a total, a note, a row wider than the header): reported with the
        # problems validation finds in the units, so that one run names every problem of the file
        self.refused: list[DataProblem] = []

    def _segment(self, index: int) -> Segment | None:
        for segment in reversed(self.segments):
            if index >= segment.start:
                return segment
        return None

    def place(self, index: int) -> str | None:
        """Where the record at `index` (from 0) was read, or None when not known; gathered from several
        files, the place starts with the file."""
        segment = self._segment(index)
        if segment is None:
            return None
        where = segment.place(index - segment.start)
        return where if segment.file is None else f"{segment.file}, {where}"

    def cell(self, index: int, field: str) -> str | None:
        """The cell that holds `field` (`indicators.项目[2].done`) of the record at `index`, when the
        record is a spreadsheet's row with a column for it."""
        segment = self._segment(index)
        if segment is None or segment.cell is None:
            return None
        return segment.cell(index - segment.start, field)

    def file(self, index: int) -> str | None:
        """The file the record at `index` was read from, when the records were gathered from several."""
        segment = self._segment(index)
        return None if segment is None else segment.file

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (list(self),)  # pickled as the records alone: the places are the reader's

    def join(self, other: Records, *, file: str | None = None) -> None:
        """Append `other`'s records, keeping their places; `file` names the file they were read from."""
        start = len(self)
        self.extend(other)
        self.refused.extend(other.refused)
        if file is not None and not other.segments:
            self.segments.append(Segment(start, lambda index: f"unit #{index + 1}", None, file))
        self.segments.extend(
            Segment(start + s.start, s.place, s.cell, file if file is not None else s.file) for s in other.segments
        )


class Located(Iterator[Any]):
    """Records read one at a time (a stream of JSON Lines or CSV), knowing where the one given last was
    read: `cell(field)` is the place of its field (`line 5, column `x`` in a CSV file, `line 5` in JSON
    Lines), for the problems found in it, as `Records.cell` is for records read whole."""

    def __init__(self, records: Iterator[tuple[Any, int]], place: Callable[[int, str], str | None]) -> None:
        self._records = records
        self._place = place
        self._at = 0

    def __iter__(self) -> Located:
        return self

    def __next__(self) -> Any:
        record, self._at = next(self._records)
        return record

    def cell(self, field: str) -> str | None:
        return self._place(self._at, field)

    @property
    def at(self) -> int:
        """Where the record given last was read (its line)."""
        return self._at

    @property
    def place(self) -> Callable[[int, str], str | None]:
        return self._place


@attrs.frozen
class Segment:
    """Consecutive records read from one place: the first's index, and how to say where each was read."""

    start: int
    place: Callable[[int], str]
    cell: Callable[[int, str], str | None] | None
    file: str | None


@attrs.frozen
class ErrorCell:
    """A spreadsheet cell holding one of Excel's error values (`#DIV/0!`, `#REF!`, `#N/A`): the
    result of a failed formula, never a value. Refused by its cell wherever it is (tabular.py)."""

    text: str

    def __str__(self) -> str:
        return self.text


# Excel's error values; a CSV saved by Excel writes an error cell as this text.
EXCEL_ERRORS = frozenset(
    "#NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A #GETTING_DATA #SPILL! #CALC! #FIELD! #BLOCKED! "
    "#CONNECT! #BUSY! #UNKNOWN! #EXTERNAL!".split()
)


@attrs.frozen
class DataProblem:
    file: str
    unit: str | None
    field: str | None
    message: str
    code: str | None = attrs.field(default=None, kw_only=True)  # a stable code (`data.*`, docs/errors.md)
    # the spreadsheet cell that holds the value (`sheet 县区, cell CG3`), when read from one
    cell: str | None = attrs.field(default=None, kw_only=True)

    def __str__(self) -> str:
        return self.render()

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        """`file: unit U: field: message`, the words in `language` (file, unit and field as they are)."""
        where = [self.file]
        if self.cell is not None:
            where.append(translate(self.cell, language))  # `sheet 县区, cell C2` in words
        if self.unit is not None:
            unit = self.unit
            if language is Language.CHINESE and unit.endswith(")") and " (" in unit:  # `C04 (灌南县)`
                identifier, name = unit[:-1].split(" (", 1)
                unit = f"{identifier}（{name}）"
            where.append(f"{UNIT_WORDS[language]}{unit}")
        if self.field is not None:
            # a place in a file is put in words (`line 3`, `sheet 县区, cell C2`); a field path is shown as the
            # data names it, whatever it means in English (`id`, `class`)
            place = self.field.startswith(("line ", "sheet "))
            where.append(translate(self.field, language) if place else self.field)
        return ": ".join(where) + f": {translate(self.message, language)}"


# The words that frame a problem's line: the unit's id, the file and the field are shown as they are.
UNIT_WORDS = {Language.ENGLISH: "unit ", Language.CHINESE: "单位 "}
ERROR_WORDS = {Language.ENGLISH: "error", Language.CHINESE: "错误"}


class DataError(TargetdslError):
    """Unit data that cannot be evaluated; `problems` lists every one found."""

    def __init__(self, problems: Iterable[DataProblem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        head = str(self.problems[0]) if self.problems else "invalid data"
        super().__init__(head if count == 1 else f"{head} (and {count - 1} more problems)")

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        """One line a problem, in `language`; the codes are the same in every language."""
        word = ERROR_WORDS[language]
        return "\n".join(
            f"{word}[{p.code}]: {p.render(language=language)}" if p.code else f"{word}: {p.render(language=language)}"
            for p in self.problems
        )


# The units a stream spools are pickled, and read back by each later pass: each value class pickles as
# its constructor and fields, not through attrs' state of each slot (a third of a stream's time).


@attrs.frozen
class GivenScore:
    assessor: str
    score: Decimal  # out of 100

    def __reduce__(self) -> tuple[Any, ...]:
        return GivenScore, (self.assessor, self.score)


@attrs.frozen
class Item:
    index: int
    name: str | None
    points: Decimal
    values: dict[str, Value]
    given: GivenScore | None

    def __reduce__(self) -> tuple[Any, ...]:
        return Item, (self.index, self.name, self.points, self.values, self.given)


class _NoEntries(dict[str, Any]):
    """The one empty mapping every measure's data share where they hold no values, sub-items or ratings:
    read only (a unit's data never change once read), pickled and copied as itself. A unit of the workload
    holds 31 measures: two fresh empty dicts each cost 4 KB a unit and 62 allocations."""

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a unit's data are read only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only

    def __reduce__(self) -> str:
        return "NO_ENTRIES"


NO_ENTRIES: dict[str, Any] = _NoEntries()


@attrs.define(hash=False)
class MeasureData:
    """One measure's data for one unit, as validation read it. Not frozen (a unit holds dozens of these,
    and a frozen class's constructor costs three times a plain one's), but never changed once read:
    like every value of a `Unit`, it is read only."""

    values: dict[str, Value] = NO_ENTRIES
    items: tuple[Item, ...] = ()
    subitems: dict[str, dict[str, Value]] = NO_ENTRIES
    ratings: dict[str, Decimal] = NO_ENTRIES
    given: GivenScore | None = None
    # an assessed measure's ballots (`ballots`, 评分票) in the order given: a score, or None for an
    # invalid ballot (废票)
    ballots: tuple[Decimal | None, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return MeasureData, (self.values, self.items, self.subitems, self.ratings, self.given, self.ballots)


# Where each number of a row stands: (measure, input or assessor) → its index in the row.
RowLayout = dict[tuple[str, str], int]
# How each measure is made of a row: whether its numbers are assessors' scores (else inputs' values), and
# each one's name and index, in the order validation reads them.
RowParts = dict[str, tuple[bool, tuple[tuple[str, int], ...]]]


class MeasureRows(Mapping[str, MeasureData]):
    """A unit's measures as validation read them from a record in its usual form: every measure's numbers
    in one row (in `layout`'s places), a measure's `MeasureData` made (`parts`) only when it is first read.
    An evaluation that reads the row itself (the class kernel) makes none: a unit holds one tuple instead
    of a dictionary and a `MeasureData` per measure. It is what `dict(self)` is: equal to it, pickled as
    it. Its numbers are `Decimal`s: validation's usual path converts every one."""

    __slots__ = ("_made", "layout", "parts", "row")

    def __init__(self, row: tuple[Any, ...], layout: RowLayout, parts: RowParts):
        self.row = row
        self.layout = layout
        self.parts = parts
        self._made: dict[str, MeasureData] = {}

    def _make(self, name: str) -> MeasureData:
        made = self._made.get(name)
        if made is None:
            ratings, numbers = self.parts[name]
            row = self.row
            values = {key: row[at] for key, at in numbers}
            made = self._made[name] = MeasureData(ratings=values) if ratings else MeasureData(values)
        return made

    def _measures(self) -> dict[str, MeasureData]:
        return {name: self._make(name) for name in self.parts}

    def __getitem__(self, name: str) -> MeasureData:
        return self._make(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    def __contains__(self, name: object) -> bool:
        return name in self.parts

    def get(self, name: str, default: Any = None) -> Any:
        return self._make(name) if name in self.parts else default

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return self._measures() == (other if isinstance(other, dict) else dict(other))

    __hash__ = None  # type: ignore[assignment]  # unhashable, as the dict it stands for

    def __repr__(self) -> str:
        return repr(self._measures())

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (list(self._measures().items()),)


@attrs.frozen
class AwardWon:
    bonus: str
    level: str  # "" for points carried in
    name: str | None
    date: datetime.date | None
    carried_in: bool = False
    # Points carried in from last year's ledger (上年度结转加分): counted as they are under `bonus`, with
    # no level; None for an award counted by its level.
    points: Decimal | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return AwardWon, (self.bonus, self.level, self.name, self.date, self.carried_in, self.points)


@attrs.frozen
class Unit:
    id: str
    name: str
    unit_class: str
    values: dict[str, Value]
    measures: Mapping[str, MeasureData]  # a dict, or the row it is made from (`MeasureRows`)
    rules: dict[tuple[str, str], dict[str, Value]]
    awards: tuple[AwardWon, ...]

    def __reduce__(self) -> tuple[Any, ...]:
        return Unit, (self.id, self.name, self.unit_class, self.values, self.measures, self.rules, self.awards)
