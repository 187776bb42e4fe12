"""What travels between the driver of a partitioned evaluation and its parts, and where parts wait.

A task receives the policy as a `Parcel` and what to read as a `Job`; a part comes back as a `Part` (its
standings, its class figures as `Gathered`, every problem, its validated units waiting in a `SpoolFile`
on the worker), summed up for the driver as a `Summary`; the driver sends back what it `Settled` and
each unit's place as `Places` (columns, not an object a unit); a finished part is `Finished`, its lines
in a file of a private folder that the driver merges (`ReadBack`), removed once read, given up or
dropped. Nothing here reads data or runs a pass (partition.py does).
"""

from __future__ import annotations

import array
import decimal
import heapq
import io
import os
import pickle
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from typing import IO, Any

import attrs

from targetdsl.diagnostics import TargetdslError
from targetdsl.evaluation.drafts import Standing
from targetdsl.evaluation.interpreter import EvaluationProblem
from targetdsl.evaluation.measures import _Extremes
from targetdsl.evaluation.periods import OverPeriods
from targetdsl.evaluation.results import CarryOver
from targetdsl.files import FileReadError, open_regular
from targetdsl.language.formatter import canonical_policy
from targetdsl.language.functions import ClassValues
from targetdsl.language.inheritance import Effective
from targetdsl.language.schema import Schema
from targetdsl.language.schema import build as build_schema
from targetdsl.scaling.stream import (
    BATCH,
    Seen,
    unspooled,
)
from targetdsl.source import sha256_text
from targetdsl.units.intake import RowShape
from targetdsl.units.lastyear import LastYear
from targetdsl.units.percentages import Columns
from targetdsl.values import AwardWon, DataProblem, Unit


@attrs.frozen
class Parcel:
    """A checked policy on its way to a worker: its effective tree (with spans), the stable names of its
    files, its title, the SHA-256 of its canonical text, which the rebuilt policy must have, and the SHA-256
    of each of its files' text."""

    effective: Effective
    names: tuple[tuple[str, str], ...]
    title: str
    sha256: str
    # Two policies of one canonical text may still differ where the canonical text does not look: the
    # order of their classes (the class positions every part and the driver share) and the places their
    # explanations cite. Their files' own texts tell them apart.
    sources: tuple[tuple[str, str], ...]

    def schema(self) -> Schema:
        """The policy's schema, rebuilt once per process (kernels compiled in it stay in it)."""
        key = (self.sha256, self.names, self.sources)
        built = _REBUILT.get(key)
        if built is None:
            if sha256_text(canonical_policy(self.effective)) != self.sha256:
                raise RuntimeError("the policy arrived changed: its canonical text has another SHA-256")
            built = _REBUILT[key] = build_schema(self.effective, dict(self.names))
        return built


_REBUILT: dict[tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], Schema] = {}


@attrs.frozen
class Job:
    """What every part of one evaluation shares besides the policy."""

    file: str  # the data as messages name them
    period: str | None
    carried_in: tuple[tuple[str, AwardWon], ...]
    ledger_file: str
    spool_dir: str | None = None  # parts keep their units in a file there, else in memory
    counted: bool = False  # parts count the units they are done with in files there (`Tally`)
    last_year: LastYear | None = None  # last year's results, which inputs `from last year` read
    # weights per indicator: the earlier periods' scores of the measures weighted over them (the data are
    # the last period's)
    over_periods: OverPeriods | None = None
    # the last pass renders table rows (`office.tables.CsvLine`): a part spools no unit where the policy
    # reads none back (`stream.reads_units_back`)
    rows_only: bool = False


class Tally:
    """The units a part is done with, over every pass, in a file of the job's spool folder, for a
    progress line (`tallied` adds them up): a file per part, so that no two processes write one file,
    and a part's tasks never run at once. Nothing when the job is not counted."""

    def __init__(self, job: Job, number: int | str, *, fresh: bool = False):
        self.path = None
        if job.counted and job.spool_dir is not None:
            self.path = os.path.join(job.spool_dir, f"{TALLY}{number}")
            if fresh:  # a part read again (renumbered) counts its first pass once
                self._write(0)

    def add(self, count: int) -> None:
        if self.path is not None and count:
            self._write(self._read() + count)

    def _read(self) -> int:
        assert self.path is not None
        try:
            with open_regular(self.path) as handle:
                return int.from_bytes(handle.read(8), "little")
        except FileReadError:  # not written yet
            return 0

    def _write(self, count: int) -> None:
        assert self.path is not None
        with open(self.path, "wb") as handle:
            handle.write(count.to_bytes(8, "little"))


TALLY = "done-"


def tallied(folder: str) -> int:
    """The units every part of a counted job is done with, over every pass, so far."""
    done = 0
    for entry in os.scandir(folder):
        if entry.name.startswith(TALLY):
            try:
                with open_regular(entry.path) as handle:
                    done += int.from_bytes(handle.read(8), "little")
            except (FileReadError, OSError):  # written at this moment: counted at the next look
                continue
    return done


@attrs.define
class Gathered:
    """One measure's class figures as a part gathered them, by the position of each argument (the
    expressions themselves differ from process to process)."""

    ids: list[str]
    values: list[list[Any] | None]
    extremes: list[_Extremes | None]
    earned: list[tuple[str, decimal.Decimal]]
    pending: int


@attrs.define
class Summary:
    """What the driver reads of a part after a pass."""

    number: int
    first: int  # records before this part in the data
    count: int  # records in it
    rejected: int  # lines the reader refused (no record: the records after it are numbered one less)
    problems: list[DataProblem]  # the validator's, in record order
    reader: list[DataProblem]  # the reader's (malformed lines), reported after every record's
    carried_twice: list[DataProblem]
    unscored: list[Seen]
    seen: list[Seen]
    standings: dict[str, list[Standing]]
    counts: dict[str, list[int]]
    figures: dict[str, dict[str, Gathered]]
    failures: list[EvaluationProblem]
    ledger: list[CarryOver]
    # the percent inputs' columns in this part (data.Validator.percents), merged in the driver
    percents: Columns | None = None
    # the inputs its CSV header has no column for, with the classes giving each (data.absent_columns: every
    # part of one file finds the same), and the classes of the units it read
    missing_columns: list[tuple[frozenset[str], DataProblem]] = attrs.field(factory=list)
    classes_read: set[str] = attrs.field(factory=set)


@attrs.define
class Part:
    """A part of the data after a pass: its validated units (pickled, one after another, in a spool in
    memory or in a file) and its summary. A spool file starts with a mark of its own (`mark`), which the
    part checks whenever it reads the file back."""

    spool: bytes | str
    offsets: array.array[int]
    summary: Summary
    mark: bytes = b""
    # what a table row shows of each unit of a class without awards and commendations, as the first pass
    # scored it (`drafts.briefed`), after the units in the spool: where each starts, by the unit's place in
    # the part (-1: none), and its length; the spool's length with them
    briefs: array.array[int] | None = None
    brief_lengths: array.array[int] | None = None
    end: int | None = None

    def units(self, shape: Callable[[str], RowShape | None]) -> Iterator[tuple[Unit, int]]:
        """Every unit with its place in the data (`shape`: how validation keeps a class's measures in a row)."""
        data = self._data()
        first = self.summary.first
        for index in range(len(self.offsets) - 1):
            start, end = self.offsets[index], self.offsets[index + 1]
            if end > start:
                yield _unit(data[start:end], shape), first + index

    def unit(self, data: bytes | SpoolFile, index: int, shape: Callable[[str], RowShape | None]) -> Unit:
        local = index - self.summary.first
        return _unit(data[self.offsets[local] : self.offsets[local + 1]], shape)

    def brief(self, data: bytes | SpoolFile, index: int) -> bytes | None:
        """The row the first pass kept of the unit at `index` of the data (`drafts.Brief`), or None."""
        local = index - self.summary.first
        if self.briefs is None or self.brief_lengths is None or local >= len(self.briefs) or self.briefs[local] < 0:
            return None
        at = self.briefs[local]
        return data[at : at + self.brief_lengths[local]]

    def _data(self) -> bytes | SpoolFile:
        if isinstance(self.spool, bytes):
            return self.spool
        return SpoolFile(self.spool, self.mark, self.offsets[-1] if self.end is None else self.end, self.summary.number)


class LostPartError(TargetdslError):
    """A part's units are not where its first pass left them: its spool file removed or changed, or the
    worker that holds it gone. The evaluation stops: it never finishes without them."""


class SpoolFile:
    """A part's spool file, read back a unit at a time (`spool[start:end]`). Not mapped into memory:
    every page of a mapping read would count as the process's own memory, a part of 500,000 units then
    holding some 1.8 GB of it by the end of the last pass, where reading holds one unit. Opened, it must
    be the file the part wrote: its mark first, and its length."""

    def __init__(self, path: str, mark: bytes, size: int, number: int):
        self.handle = None
        lost = f"part {number}'s units are no longer where its first pass left them: {path}"
        try:
            self.handle = open_regular(path)  # the part's own spool file, written by read_part
        except FileReadError:
            raise LostPartError(f"{lost} is gone; evaluate again") from None
        if self.handle.read(len(mark)) != mark or os.fstat(self.handle.fileno()).st_size != size:
            raise LostPartError(f"{lost} was changed; evaluate again")

    def __getitem__(self, window: slice) -> bytes:
        assert self.handle is not None
        self.handle.seek(window.start)
        return self.handle.read(window.stop - window.start)

    def __del__(self) -> None:
        handle = getattr(self, "handle", None)  # None when the file could not be opened
        if handle is not None:
            handle.close()


def _unit(blob: bytes, shape: Callable[[str], RowShape | None]) -> Unit:
    return unspooled(blob, shape, "a part's spool no longer holds the units read in its first pass")


def summary(part: Part) -> Summary:
    return part.summary


@attrs.frozen
class Settled:
    """The class figures every part scores with: per class and measure, each argument's values over
    the class (by position) and the class average (`missing peer_avg`)."""

    peers: dict[str, dict[str, list[ClassValues] | None]]
    averages: dict[str, dict[str, tuple[int, decimal.Decimal | None] | None]]
    # per class and rule, each argument's values over the class ranked: what an award or a commendation
    # that compares units reads (gathered after the ranking, before any unit is finished)
    finishing: dict[str, dict[str, list[ClassValues] | None]] = attrs.field(factory=dict)


NOTHING_SETTLED = Settled({}, {})


@attrs.frozen
class Place:
    """A unit's place once its class is ranked: class position, rank, grade and its reason, and its seat:
    its place among the results of its class (its rank, unless its class is ranked with others)."""

    index: int
    order: int
    rank: int
    grade: str | None
    reason: str | None
    seat: int


class Places:
    """A part's units' places, a few numbers a unit (a `Place` object would take some 190 bytes, and
    a million of them, in the driver and again in the workers they are sent to): each field a column,
    the grades and reasons, which few units differ in, as numbers into a table of them."""

    def __init__(self) -> None:
        self.columns = [array.array("q") for _ in range(5)]  # index, order, rank, seat, (grade, reason)
        self.words: list[tuple[str | None, str | None]] = []
        self._codes: dict[tuple[str | None, str | None], int] = {}

    def add(self, index: int, order: int, rank: int, grade: str | None, reason: str | None, seat: int) -> None:
        code = self._codes.setdefault((grade, reason), len(self.words))
        if code == len(self.words):
            self.words.append((grade, reason))
        for column, value in zip(self.columns, (index, order, rank, seat, code), strict=True):
            column.append(value)

    def __len__(self) -> int:
        return len(self.columns[0])

    @property
    def orders(self) -> array.array[int]:
        """Each unit's class position."""
        return self.columns[1]

    def __iter__(self) -> Iterator[Place]:
        return (self._place(i) for i in range(len(self)))

    def in_order(self) -> Iterator[list[Place]]:
        """Every place by class position then rank, a batch at a time."""
        _, orders, ranks, _, _ = self.columns
        ordered = sorted(range(len(self)), key=lambda i: (orders[i], ranks[i]))
        for start in range(0, len(ordered), BATCH):
            yield [self._place(i) for i in ordered[start : start + BATCH]]

    def _place(self, i: int) -> Place:
        index, order, rank, seat, code = (column[i] for column in self.columns)
        grade, reason = self.words[code]
        return Place(index, order, rank, grade, reason, seat)

    def __getstate__(self) -> tuple[list[array.array[int]], list[tuple[str | None, str | None]]]:
        return self.columns, self.words

    def __setstate__(self, state: tuple[list[array.array[int]], list[tuple[str | None, str | None]]]) -> None:
        self.columns, self.words = state
        self._codes = {pair: code for code, pair in enumerate(self.words)}


@attrs.define
class Finished:
    """A part's units finished: (class position, seat, result or rendered line), in that order, kept in
    `results` or, when the driver reads the workers' files, written one pickle after another to `file`;
    and the problems finishing met, each with its unit's class position and seat (`Place.seat`)."""

    results: list[tuple[int, int, Any]]
    failures: list[tuple[int, int, EvaluationProblem]]
    file: str | None = None


class Written:
    """A part's finished units written to its file as they come, each entry a pickle of its own."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle

    def append(self, entry: tuple[int, int, Any]) -> None:
        self.handle.write(pickle.dumps(entry, pickle.HIGHEST_PROTOCOL))


class ReadBack:
    """The results the parts wrote to their files, merged in class and rank order as they are read. The
    folder is removed once they have all been read, when the reading is given up (`close`), or when
    nothing refers to the results any more."""

    def __init__(self, folder: str, files: list[str]):
        self.handles: list[IO[bytes]] = []
        self._done = weakref.finalize(self, _removed, self.handles, folder)
        for path in files:
            self.handles.append(open_regular(path))  # a file finish_part wrote to this evaluation's folder
        merged = heapq.merge(*(_entries(h) for h in self.handles), key=lambda entry: (entry[0], entry[1]))
        self.merged = (result for _, _, result in merged)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return next(self.merged)
        except StopIteration:
            self.close()
            raise

    def close(self) -> None:
        self._done()


def _removed(handles: list[IO[bytes]], folder: str) -> None:
    for handle in handles:
        handle.close()
    shutil.rmtree(folder, ignore_errors=True)


def _entries(handle: IO[bytes]) -> Iterator[tuple[int, int, Any]]:
    while True:
        try:
            yield pickle.load(handle)  # noqa: S301 (written by finish_part, in this evaluation's folder)
        except EOFError:
            return


def open_spool(job: Job) -> tuple[IO[bytes], array.array[int], bytes]:
    if job.spool_dir is None:
        return io.BytesIO(), array.array("q", [0]), b""
    spool = tempfile.NamedTemporaryFile(dir=job.spool_dir, prefix="part-", delete=False)  # noqa: SIM115
    mark = os.urandom(MARK)  # this file's own: a file put in its place is told apart
    spool.write(mark)
    return spool, array.array("q", [MARK]), mark


MARK = 16  # bytes of a spool file's mark


def close_spool(spool: IO[bytes], job: Job) -> bytes | str:
    if isinstance(spool, io.BytesIO):
        return spool.getvalue()
    spool.close()
    return str(spool.name)


def spool_folder() -> tempfile.TemporaryDirectory[str]:
    """A private folder for the parts' spools when they are run by processes of this machine."""
    return tempfile.TemporaryDirectory(prefix="targetdsl-parts-")
