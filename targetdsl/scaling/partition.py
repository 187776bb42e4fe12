"""A partitioned evaluation: a stream's passes run on parts of the data, wherever, combined in one place.

The data are cut into parts (`cutting.py`: byte ranges of JSON Lines or CSV files, or runs of records),
each holding records that follow one another in the data. Every part goes through the passes `stream.py` makes over
the whole data — read and validate, then score (or, for a policy that compares units across a class,
gather the class figures first and score once they are settled), then finish — and between the passes
one place (the driver) combines what the parts found: the class figures (`measures.MeasureFigures`,
merged part after part, so they are those of the whole class), the standings every rank, grade and
quota is decided from, the duplicate ids across parts, every problem in the order one process reports
them. The finished units are merged in class and rank order. The result is that of `Policy.stream`,
byte for byte, whatever the number of parts and wherever they ran: a part is numbered by the records
before it (`first`), so every message names the unit and line a single run names.

What runs a part is an engine's business (`Runner`): here, one process (`InProcess`); a pool of
processes (`--jobs N`, `pool.py`); a Dask cluster (`targetdsl.dask`). A task receives the policy as a
`Parcel` — its checked tree, every span included so that messages name the policy's own lines, and the
SHA-256 of its canonical text, checked when the worker rebuilds it — never a compiled policy (compiled
kernels are code made in one process), and runs in the policy's decimal context.

This module must not read any file but the data part it is given, nor know which engine runs it.
"""

from __future__ import annotations

import array
import contextlib
import datetime
import decimal
import functools
import heapq
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Protocol, cast

import attrs

from targetdsl.evaluation.collector import collector_paused
from targetdsl.evaluation.drafts import SUMS, Brief, Standing, briefed, briefed_class
from targetdsl.evaluation.engine import Engine, across_ranking, result_context, rule_key, rule_values
from targetdsl.evaluation.interpreter import EvaluationError, EvaluationProblem, Peers
from targetdsl.evaluation.measures import MeasureFigures, _Extremes
from targetdsl.evaluation.results import CarryOver, CompletionRow, UnitResult
from targetdsl.language.functions import ClassValues
from targetdsl.language.schema import ClassSpec, Schema
from targetdsl.numeric import CONTEXT
from targetdsl.scaling.cutting import Chunk, Records
from targetdsl.scaling.parcels import (
    NOTHING_SETTLED,
    Finished,
    Gathered,
    Job,
    Parcel,
    Part,
    Place,
    Places,
    ReadBack,
    Settled,
    Summary,
    Tally,
    Written,
    close_spool,
    open_spool,
    summary,
)
from targetdsl.scaling.stream import (
    BATCH,
    Seen,
    class_figures,
    duplicates,
    finishes_compare,
    finishing_figures,
    reads_units_back,
    spooled,
    standing,
    tie_categories,
)
from targetdsl.units.data import Validator, no_units
from targetdsl.units.intake import row_shape
from targetdsl.units.ledger import carried_again, carried_problems
from targetdsl.units.percentages import Columns, reasons
from targetdsl.values import DataError, DataProblem, Located, Unit

# -- the policy as it travels


# -- what a part found, and what the driver needs of it


# -- the class figures, portable


def _figures(schema: Schema, settled: Settled) -> dict[str, dict[str, MeasureFigures]]:
    figures = class_figures(schema)
    for name, measures in figures.items():
        for measure, figure in measures.items():
            peers = settled.peers.get(name, {}).get(measure)
            if peers is not None:
                figure.peers = {id(expr): values for expr, values in zip(figure.arguments, peers, strict=True)}
            figure.average = settled.averages.get(name, {}).get(measure)
    return figures


def _portable(figures: dict[str, dict[str, MeasureFigures]]) -> dict[str, dict[str, Gathered]]:
    return {
        name: {
            measure: Gathered(
                f.ids,
                [f.values.get(id(expr)) for expr in f.arguments],
                [f.extremes.get(id(expr)) for expr in f.arguments],
                f.earned,
                f.pending,
            )
            for measure, f in measures.items()
        }
        for name, measures in figures.items()
    }


def _merge_extremes(into: _Extremes, later: _Extremes) -> None:
    """`later`'s units added to `into`'s, as if `into` had read them one by one after its own."""
    into.count += later.count
    into.total = CONTEXT.add(into.total, later.total)
    if later.low is not None and (
        into.low is None or later.low < into.low or (later.low == into.low and later.low_id < into.low_id)
    ):
        into.low, into.low_id = later.low, later.low_id
    if later.high is not None and (
        into.high is None or later.high > into.high or (later.high == into.high and later.high_id < into.high_id)
    ):
        into.high, into.high_id = later.high, later.high_id
    into.values += later.values


def _combined(schema: Schema, summaries: list[Summary]) -> dict[str, dict[str, MeasureFigures]]:
    """The parts' gathered figures as one stream would have gathered them, reading the parts in order."""
    figures = class_figures(schema)
    for name, measures in figures.items():
        for measure, figure in measures.items():
            for part in summaries:
                _take(figure, part.figures[name][measure])
    return figures


def _take(figure: MeasureFigures, gathered: Gathered) -> None:
    """A part's share of a class's figures added to `figure`, as if one stream had read it after the
    parts before it."""
    figure.ids += gathered.ids
    for expr, values, extremes in zip(figure.arguments, gathered.values, gathered.extremes, strict=True):
        if values is not None:
            figure.values.setdefault(id(expr), []).extend(values)
        if extremes is not None:
            _merge_extremes(figure.extremes[id(expr)], extremes)
    figure.earned += gathered.earned
    figure.pending += gathered.pending


# -- the passes, as tasks


def read_part(parcel: Parcel, job: Job, chunk: Chunk, number: int, first: int, compares: bool) -> Part:
    """Pass 1: read, validate and spool a part's records, numbered from `first`; score them, or, when the
    policy compares units across a class, gather their share of the class figures."""
    schema = parcel.schema()
    with collector_paused(), decimal.localcontext(CONTEXT):
        shown = chunk.shown or job.file
        validator = Validator(schema, shown, last_year=job.last_year.results if job.last_year else None)
        engine = _engine(parcel, job, NOTHING_SETTLED)
        carried = engine.carried_in
        spool, offsets, mark = open_spool(job)
        keep = not job.rows_only or reads_units_back(schema)
        scoring = _Scoring(schema, engine, compares)
        scoring.keep_rows_in(job.spool_dir)
        batch: list[tuple[Unit, int]] = []
        unscored: list[Seen] = []
        twice: list[DataProblem] = []
        reader: list[DataProblem] = []
        count = 0
        records, close = chunk.read(shown)
        tally = Tally(job, number, fresh=True)
        try:
            for index, record in enumerate(records, start=first + 1):
                count += 1
                known = len(validator.problems)
                unit = validator.unit(record, index)
                valid = unit is not None and len(validator.problems) == known
                if not valid and isinstance(records, Located):
                    validator.place(records.cell, known)
                blob = spooled(unit) if valid and unit is not None and keep else b""
                spool.write(blob)
                offsets.append(offsets[-1] + len(blob))
                if unit is not None and valid:
                    batch.append((unit, index - 1))
                    if carried and unit.awards and unit.id in carried:
                        twice += carried_again(unit, carried, job.ledger_file)
                elif unit is not None:
                    unscored.append(Seen(unit.id, unit.name, index - 1))
                if len(batch) >= BATCH:  # as a stream takes them: a batch at a time, none kept after
                    scoring.take(batch)
                    tally.add(len(batch))
                    batch = []
        except DataError as exc:
            reader = list(exc.problems)
        finally:
            close()
        scoring.take(batch)
        tally.add(len(batch))
        briefs, lengths, end = scoring.append_briefs(spool, offsets[-1], first)
        found = Summary(
            number, first, count, len(reader), validator.problems, reader, twice, unscored, [], {}, {}, {}, [], []
        )
        found.percents = validator.percents
        found.classes_read = validator.classes_read
        if isinstance(records, Located):
            located = records
            found.missing_columns = validator.absent_columns(
                lambda field: located.place(located.at, field) is not None, job.file
            )
        scoring.into(found)
        return Part(close_spool(spool, job), offsets, found, mark, briefs, lengths, end)


def score_part(parcel: Parcel, job: Job, part: Part, settled: Settled) -> Part:
    """A scoring pass over a part's spool with the class figures settled."""
    schema = parcel.schema()
    with collector_paused(), decimal.localcontext(CONTEXT):
        engine = _engine(parcel, job, settled)
        found = attrs.evolve(part.summary, standings={}, counts={}, figures={}, failures=[], ledger=[], seen=[])
        scoring = _Scoring(schema, engine, compares=False)
        scoring.keep_rows_in(job.spool_dir)
        tally = Tally(job, part.summary.number)
        batch: list[tuple[Unit, int]] = []
        for entry in part.units(functools.partial(row_shape, schema)):
            batch.append(entry)
            if len(batch) >= BATCH:
                scoring.take(batch)
                tally.add(len(batch))
                batch = []
        scoring.take(batch)
        tally.add(len(batch))
        scoring.into(found)
        # the rows of this scoring, after what the spool holds (the rows of an earlier one, scored before the
        # class figures or the class average were known, are left unread)
        start = part.offsets[-1] if part.end is None else part.end
        if isinstance(part.spool, bytes):
            buffer = io.BytesIO(part.spool)
            buffer.seek(start)
            briefs, lengths, end = scoring.append_briefs(buffer, start, part.summary.first)
            spool: bytes | str = buffer.getvalue()
        else:
            part._data()  # the part's own file, as its first pass left it (else LostPartError)
            with open(part.spool, "ab") as handle:
                briefs, lengths, end = scoring.append_briefs(handle, start, part.summary.first)
            spool = part.spool
        return attrs.evolve(part, spool=spool, summary=found, briefs=briefs, brief_lengths=lengths, end=end or start)


def finish_part(
    parcel: Parcel,
    job: Job,
    part: Part,
    settled: Settled,
    places: Places,
    render: Render | None = None,
    categories: tuple[str, ...] = (),
    into: str | None = None,
) -> Finished:
    """The last pass: a part's units scored again, given their rank and grade, and finished; kept, or,
    given a folder the driver reads (`into`), written to a file of it as they are finished. A `render` that
    reads only what a table row shows (`rows`: `office.tables.CsvLine`) is given the row the first pass
    kept of a unit whose class has no award and no commendation (`drafts.Brief`), which is not scored again."""
    schema = parcel.schema()
    classes = list(schema.classes)
    done = Finished([], [])
    data = part._data()
    shape = functools.partial(row_shape, schema)
    tally = Tally(job, part.summary.number)
    with contextlib.ExitStack() as stack, collector_paused(), decimal.localcontext(CONTEXT):
        results: Any = done.results
        if into is not None:
            descriptor, done.file = tempfile.mkstemp(dir=into, prefix="finished-")
            results = Written(stack.enter_context(os.fdopen(descriptor, "wb")))
        engine = _engine(parcel, job, settled)
        peers: dict[int, dict[tuple[str, str], Any]] = {}  # by class position
        rows = render is not None and getattr(render, "rows", False)
        for batch in places.in_order():
            by_class: dict[int, list[Place]] = {}
            for place in batch:
                by_class.setdefault(place.order, []).append(place)
            for order, members in by_class.items():
                spec = schema.classes[classes[order]]
                kept = [part.brief(data, p.index) if rows else None for p in members]
                again = [p for p, blob in zip(members, kept, strict=True) if blob is None]
                drafts = iter(engine.score_class(spec, [part.unit(data, p.index, shape) for p in again]))
                if settled.finishing:  # after score_class, which a class's comparing rules do not outlive
                    engine.finishing_peers = peers.setdefault(order, _finishing_peers(schema, spec, settled))
                for place, blob in zip(members, kept, strict=True):
                    if blob is not None:
                        assert render is not None
                        brief = Brief(blob, spec.name, place.rank, place.grade, place.reason)
                        brief.grade_reason = engine.reason(brief)
                        # a render that says it reads rows reads a brief as it reads a result
                        results.append((order, place.seat, cast(Any, render)(brief, categories)))
                        continue
                    draft = next(drafts)
                    draft.grade, draft.reason = place.grade, place.reason
                    known = len(engine.problems)
                    result = engine.finish(spec, draft, place.rank)
                    done.failures += [(order, place.seat, p) for p in engine.problems[known:]]
                    results.append((order, place.seat, result if render is None else render(result, categories)))
            tally.add(len(batch))
    return done


def gather_finishing_part(
    parcel: Parcel, job: Job, part: Part, settled: Settled, places: Places
) -> dict[str, dict[str, Gathered]]:
    """Between the ranking and the last pass, for a policy whose awards or commendations compare units:
    a part's units scored again and given their rank, and their values of those rules' class-wide
    arguments gathered (`stream.finishing_figures`), as a stream gathers them over the ranked class."""
    schema = parcel.schema()
    classes = list(schema.classes)
    figures = finishing_figures(schema)
    data = part._data()
    shape = functools.partial(row_shape, schema)
    tally = Tally(job, part.summary.number)
    with collector_paused(), decimal.localcontext(CONTEXT):
        engine = _engine(parcel, job, settled)
        for batch in places.in_order():
            by_class: dict[int, list[Place]] = {}
            for place in batch:
                by_class.setdefault(place.order, []).append(place)
            for order, members in by_class.items():
                name = classes[order]
                if not figures[name]:
                    continue
                spec = schema.classes[name]
                units = [part.unit(data, p.index, shape) for p in members]
                drafts = engine.score_class(spec, units)
                contexts = {d.unit.id: result_context(d, p.rank) for d, p in zip(drafts, members, strict=True)}
                for rule in spec.rules:
                    gathered = figures[name].get(rule_key(rule))
                    if gathered is None:
                        continue
                    values: dict[int, list[decimal.Decimal | None]] = {}
                    for expr in gathered.arguments:
                        column = values[id(expr)] = [None] * len(units)
                        for at, value in rule_values(engine, rule, units, expr, contexts):
                            column[at] = value
                    gathered.gather([u.id for u in units], values)
            tally.add(sum(len(members) for members in by_class.values()))
    return _portable(figures)


def _combined_finishing(schema: Schema, gathered: list[dict[str, dict[str, Gathered]]]) -> Settled | None:
    """The parts' finishing figures merged and settled, by argument position; None when none is needed."""
    figures = finishing_figures(schema)
    if not finishes_compare(figures):
        return None
    settled: dict[str, dict[str, list[ClassValues] | None]] = {}
    for name, rules in figures.items():
        for key, figure in rules.items():
            for part in gathered:
                _take(figure, part[name][key])
            figure.settle_peers()
            assert figure.peers is not None
            settled.setdefault(name, {})[key] = [figure.peers[id(expr)] for expr in figure.arguments]
    return Settled({}, {}, settled)


def _finishing_peers(schema: Schema, spec: ClassSpec, settled: Settled) -> dict[tuple[str, str], Any]:
    """`Engine.finishing_peers` for one class: each comparing award's or commendation's class values,
    keyed by this process's own expressions; for a class ranked with others, merged over the classes of
    its ranking (`engine.across_ranking`)."""
    ranking = schema.ranking_of(spec.name)
    names = ranking.classes if ranking is not None else (spec.name,)
    return across_ranking(schema, spec.name, {name: _class_finishing_peers(schema, name, settled) for name in names})


def _class_finishing_peers(schema: Schema, name: str, settled: Settled) -> dict[tuple[str, str], Peers]:
    """One class's own values of its comparing awards and commendations, by rule."""
    peers: dict[tuple[str, str], Peers] = {}
    figures = finishing_figures(schema)[name]
    for rule in schema.classes[name].rules:
        key = rule_key(rule)
        values = settled.finishing.get(name, {}).get(key)
        if key in figures and values is not None:
            figure = figures[key]
            figure.peers = {id(expr): v for expr, v in zip(figure.arguments, values, strict=True)}
            peers[(rule.kind, rule.name)] = figure.class_values
    return peers


def _engine(parcel: Parcel, job: Job, settled: Settled) -> Engine:
    schema = parcel.schema()
    engine = Engine(schema, parcel.title, period=job.period, carried_in=list(job.carried_in), explain=False)
    engine.figures = _figures(schema, settled)
    engine.over_periods = job.over_periods
    return engine


class _Scoring:
    """A part's units taken a batch at a time: scored (their standings and completion counts kept), or,
    when the class figures are still to be gathered, their share of the figures taken."""

    def __init__(self, schema: Schema, engine: Engine, compares: bool):
        self.schema, self.engine, self.compares = schema, engine, compares
        self.keys = tie_categories(schema)
        self.classed = schema.kept_class()
        self.standings: dict[str, list[Standing]] = {name: [] for name in schema.classes}
        self.counts = {name: [0] * (2 * len(spec.categories)) for name, spec in schema.classes.items()}
        self.seen: list[Seen] = []
        # each scored unit's row (`drafts.briefed`), as scored, until they follow the units in the part's spool:
        # in memory, or in a file beside the spool (`keep_rows_in`), so that a part holds no row in memory
        self.briefs: IO[bytes] = io.BytesIO()
        self.kept: list[tuple[int, int]] = []  # where each unit's row is in `briefs`: (its index, its length)

    def take(self, batch: list[tuple[Unit, int]]) -> None:
        if self.compares:  # in the order read, as a stream keeps them (the duplicate check reads this order)
            self.seen += [Seen(unit.id, unit.name, index, unit.unit_class) for unit, index in batch]
        by_class: dict[str, list[tuple[Unit, int]]] = {}
        for entry in batch:
            by_class.setdefault(entry[0].unit_class, []).append(entry)
        for name, entries in by_class.items():
            spec = self.schema.classes[name]
            if self.compares:
                self.engine.gather(spec, [unit for unit, _ in entries])
                continue
            drafts = self.engine.score_class(spec, [unit for unit, _ in entries])
            counts = self.counts[name]
            brief = briefed_class(spec)
            for draft, (_, index) in zip(drafts, entries, strict=True):
                self.standings[name].append(standing(draft, index, self.keys, name in self.classed))
                if brief:
                    blob = briefed(spec, draft)
                    self.briefs.write(blob)
                    self.kept.append((index, len(blob)))
                for i in range(len(spec.categories)):
                    counts[2 * i] += draft.sums[SUMS.width * i + SUMS.counted]
                    counts[2 * i + 1] += draft.sums[SUMS.width * i + SUMS.completed]

    def append_briefs(
        self, spool: IO[bytes], start: int, first: int
    ) -> tuple[array.array[int] | None, array.array[int] | None, int | None]:
        """The rows kept, written to the part's spool after its units (which end at `start`): where each
        unit's starts and its length, by its place in the part (the data's index less `first`), and the
        spool's length with them; None for each when none was kept."""
        if not self.kept:
            self.briefs.close()
            self.briefs = io.BytesIO()
            return None, None, None
        count = max(index for index, _ in self.kept) - first + 1
        at, lengths = array.array("q", [-1]) * count, array.array("L", [0]) * count
        offset = start
        for index, length in self.kept:
            at[index - first], lengths[index - first] = offset, length
            offset += length
        self.briefs.seek(0)
        shutil.copyfileobj(self.briefs, spool)
        self.briefs.close()
        self.briefs, self.kept = io.BytesIO(), []
        return at, lengths, offset

    def keep_rows_in(self, folder: str | None) -> None:
        """The rows kept in a temporary file of `folder` (the part's spool folder), when it has one."""
        if folder is not None:
            self.briefs = tempfile.TemporaryFile(dir=folder, prefix="rows-")  # noqa: SIM115 (closed when appended)

    def into(self, found: Summary) -> None:
        found.figures = _portable(self.engine.figures or {})
        if self.compares:  # nothing scored: only what the duplicate check reads
            found.seen = self.seen
            return
        found.standings, found.counts = self.standings, self.counts
        found.failures = list(self.engine.problems)
        found.ledger = list(self.engine.ledger)


# -- the driver

Render = Callable[[UnitResult, Sequence[str]], Any]  # a unit's result, the categories of the classes assessed


class Runner(Protocol):
    """Runs the tasks of one pass, one per part, somewhere; what it returns for each stays opaque to the
    driver but for `summaries` and `gather`. A runner whose tasks write files this process can read (its
    processes are of this machine) says so with a true `same_machine`: the finished units then come back
    as files."""

    same_machine: bool

    def map(self, task: Callable[..., Any], *arguments: Sequence[Any]) -> list[Any]: ...

    def summaries(self, parts: list[Any]) -> list[Summary]: ...

    def gather(self, handles: list[Any]) -> list[Any]: ...

    def share(self, value: Any, beside: Any = None) -> Any:
        """`value` where the tasks given it run: beside one part (a part's own places), else everywhere."""


class InProcess:
    """Every task in this process, one after another."""

    same_machine = False  # the finished units are kept: they are here already

    def map(self, task: Callable[..., Any], *arguments: Sequence[Any]) -> list[Any]:
        return [task(*given) for given in zip(*arguments, strict=True)]

    def summaries(self, parts: list[Any]) -> list[Summary]:
        return [summary(part) for part in parts]

    def gather(self, handles: list[Any]) -> list[Any]:
        return list(handles)

    def share(self, value: Any, beside: Any = None) -> Any:
        return value


@attrs.define
class Outcome:
    """A partitioned evaluation's results: `results` in class then rank order (UnitResults, or what
    `render` made of each), the carry-over ledger, the completion table, the classes that have units."""

    results: Iterator[Any]
    ledger: tuple[CarryOver, ...]
    completion: tuple[CompletionRow, ...]
    assessed: tuple[str, ...]
    categories: tuple[str, ...]  # of the classes assessed, as the CSV's header names them
    count: int
    notes: tuple[str, ...] = ()  # how the data were cut, where it was not as asked (`cutting.Cut.notes`)


def evaluate(
    parcel: Parcel,
    schema: Schema,
    job: Job,
    chunks: Sequence[Chunk],
    runner: Runner,
    *,
    before: Sequence[int] | None = None,
    render: Render | None = None,
) -> Outcome:
    """Evaluate the data cut into `chunks` (in the order of the data), each part's tasks run by `runner`.

    `before`: the records before each chunk when known without reading it (a chunk of lines counts its
    non-blank lines); otherwise every part is read once, counted, and numbered from the counts. Raises
    DataError or EvaluationError with exactly the problems, in exactly the order, one stream reports.
    """
    if render is not None and getattr(render, "rows", False):
        job = attrs.evolve(job, rows_only=True)
    return finish(rank(parcel, schema, job, chunks, runner, before=before), runner, render=render)


@attrs.define
class Ranked:
    """An evaluation in parts with every class ranked and graded, its parts still to be finished: what
    `finish` (or an engine's own last pass, such as a Dask bag's) needs."""

    shipped: Any  # the parcel, as the runner shares it
    job: Job
    parts: list[Any]  # as the runner holds them
    settled: Settled
    places: list[Places]  # per part, its units' places
    ledger: tuple[CarryOver, ...]
    completion: tuple[CompletionRow, ...]
    assessed: tuple[str, ...]
    categories: tuple[str, ...]
    count: int

    def outcome(self, results: Any) -> Outcome:
        return Outcome(results, self.ledger, self.completion, self.assessed, self.categories, self.count)


def finish(ranked: Ranked, runner: Runner, *, render: Render | None = None) -> Outcome:
    """The last pass: every part finished where it is, the results merged in class and rank order.

    Processes of this machine (`Runner.same_machine`) write their finished units to files of a private
    folder, which the results read as they are taken, then remove: neither a worker nor this process
    holds every result at once, nor are they sent back through a pipe."""
    shared = runner.share(ranked.settled)
    places = [runner.share(entries, part) for entries, part in zip(ranked.places, ranked.parts, strict=True)]
    folder = tempfile.mkdtemp(prefix="targetdsl-finished-") if runner.same_machine else None
    try:
        finished: list[Finished] = runner.gather(
            runner.map(
                finish_part,
                [ranked.shipped] * len(ranked.parts),
                [ranked.job] * len(ranked.parts),
                ranked.parts,
                [shared] * len(ranked.parts),
                places,  # each sent once, beside its part, not inside every task
                [render] * len(ranked.parts),
                [ranked.categories] * len(ranked.parts),
                [folder] * len(ranked.parts),
            )
        )
        refuse_finishing([f.failures for f in finished])
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if folder is not None:
        return ranked.outcome(ReadBack(folder, [f.file for f in finished if f.file is not None]))
    merged = heapq.merge(*(f.results for f in finished), key=lambda entry: (entry[0], entry[1]))
    return ranked.outcome(result for _, _, result in merged)


def rank(
    parcel: Parcel,
    schema: Schema,
    job: Job,
    chunks: Sequence[Chunk],
    runner: Runner,
    *,
    before: Sequence[int] | None = None,
) -> Ranked:
    """Every pass but the last: the parts read, scored and refused as one stream refuses its data, and
    every class ranked and graded. Raises as `evaluate` does."""
    figures = class_figures(schema)
    compares = any(f.arguments for measures in figures.values() for f in measures.values())
    averaged = any(f.averaged for measures in figures.values() for f in measures.values())
    shipped = runner.share(parcel)
    numbers = list(range(len(chunks)))
    firsts = list(before) if before is not None else _counted(runner, shipped, job, chunks)
    parts = runner.map(
        read_part, [shipped] * len(chunks), [job] * len(chunks), chunks, numbers, firsts, [compares] * len(chunks)
    )
    found = runner.summaries(parts)
    # A part's records were counted as its lines (the non-blank ones); a line a reader refused, or a CSV
    # row of nothing, is no record: the parts after it were numbered too far; they are read again.
    again, renumbered, first = [], [], 0
    for i, read in enumerate(found):
        if read.first != first:
            again.append(i)
            renumbered.append(first)
        first += read.count
    if again:
        redone = runner.map(
            read_part,
            [shipped] * len(again),
            [job] * len(again),
            [chunks[i] for i in again],
            again,
            renumbered,
            [compares] * len(again),
        )
        for i, part, redone_summary in zip(again, redone, runner.summaries(redone), strict=True):
            parts[i], found[i] = part, redone_summary
    _refuse(schema, job, found)
    settled = NOTHING_SETTLED
    if compares:
        combined = _combined(schema, found)
        for measures in combined.values():
            for figure in measures.values():
                figure.settle_peers()
        settled = Settled(_peers(combined), {})
        parts, found = _rescore(runner, shipped, job, parts, settled)
    if averaged:
        combined = _combined(schema, found)
        pending = any(f.pending for measures in combined.values() for f in measures.values())
        for measures in combined.values():
            for figure in measures.values():
                if figure.averaged:
                    figure.settle_average()
        settled = Settled(settled.peers, {c: {m: f.average for m, f in ms.items()} for c, ms in combined.items()})
        if pending:
            parts, found = _rescore(runner, shipped, job, parts, settled)
        else:  # a pass a stream counts done
            Tally(job, "skipped").add(sum(s.count for s in found))
    failures = [p for s in found for p in s.failures]
    if failures:
        raise EvaluationError(sorted(failures, key=lambda p: (p.unit, str(p.span))))
    ledger = tuple(
        sorted(
            (c for s in found for c in s.ledger),
            key=lambda c: (c.unit, c.bonus, c.date or datetime.date.min, c.name or ""),
        )
    )
    places = [Places() for _ in parts]
    owner = [0] * (sum(s.count for s in found) + 1)
    for i, s in enumerate(found):
        owner[s.first : s.first + s.count] = [i] * s.count
    rows = []
    assessed = []
    grader = Engine(schema, parcel.title, period=job.period, carried_in=list(job.carried_in), explain=False)
    count = 0
    positions = {name: order for order, name in enumerate(schema.classes)}
    with decimal.localcontext(CONTEXT):
        for ranking in schema.groups():  # a class, or classes ranked together (their places shared)
            standings = [st for name in ranking.classes for s in found for st in s.standings[name]]
            ranked = grader.rank(standings)
            grader.grade(ranked)
            seats = dict.fromkeys(ranking.classes, 0)
            for rank, st in enumerate(ranked, start=1):
                name = st.unit_class if ranking.shared else ranking.name
                seats[name] += 1
                places[owner[st.index]].add(st.index, positions[name], rank, st.grade, st.reason, seats[name])
        for name, spec in schema.classes.items():
            count_of = sum(len(s.standings[name]) for s in found)
            if not count_of:
                continue
            assessed.append(name)
            count += count_of
            counts = [sum(column) for column in zip(*(s.counts[name] for s in found), strict=True)]
            rows += [
                CompletionRow(name, category.name, counts[2 * i], counts[2 * i + 1])
                for i, category in enumerate(spec.categories)
                if any(m.counted for m in category.measures)
            ]
    categories = tuple(dict.fromkeys(c.name for name in assessed for c in schema.classes[name].categories))
    parts = [_bare(p) for p in parts]  # their summaries read: what the last passes are sent
    if finishes_compare(finishing_figures(schema)):  # awards or commendations compare units: one more pass
        finishing = _combined_finishing(
            schema,
            runner.gather(
                runner.map(
                    gather_finishing_part,
                    [shipped] * len(parts),
                    [job] * len(parts),
                    parts,
                    [runner.share(settled)] * len(parts),
                    [runner.share(entries, part) for entries, part in zip(places, parts, strict=True)],
                )
            ),
        )
        if finishing is not None:
            settled = attrs.evolve(settled, finishing=finishing.finishing)
    return Ranked(shipped, job, parts, settled, places, ledger, tuple(rows), tuple(assessed), categories, count)


def _counted(runner: Runner, shipped: Any, job: Job, chunks: Sequence[Chunk]) -> list[int]:
    counts = runner.gather(runner.map(count_records, [job] * len(chunks), chunks))
    firsts, first = [], 0
    for counted in counts:
        firsts.append(first)
        first += counted
    return firsts


def count_records(job: Job, chunk: Chunk) -> int:
    if isinstance(chunk, Records):
        return len(chunk.records)
    records, close = chunk.read(chunk.shown or job.file)
    counted = 0
    try:
        for _ in records:
            counted += 1
    except DataError:
        pass
    finally:
        close()
    return counted


def _rescore(
    runner: Runner, shipped: Any, job: Job, parts: list[Any], settled: Settled
) -> tuple[list[Any], list[Summary]]:
    shared = runner.share(settled)  # a rank's values are one per unit: sent once, not inside every task
    rescored = runner.map(
        score_part, [shipped] * len(parts), [job] * len(parts), [_bare(p) for p in parts], [shared] * len(parts)
    )
    return rescored, runner.summaries(rescored)


def _bare(part: Any) -> Any:
    """A part as the driver sends it to a later pass: without what the driver has read of its summary
    (a standing per unit, the figures), which a later pass makes afresh; sent back to a process, they
    would double its memory for nothing (some 300 MB for a part of 500,000 units). A part held elsewhere
    (a Dask future) is left as it is."""
    if not isinstance(part, Part):
        return part
    summary = attrs.evolve(part.summary, standings={}, counts={}, figures={}, failures=[], ledger=[], seen=[])
    return attrs.evolve(part, summary=summary)


def _peers(figures: dict[str, dict[str, MeasureFigures]]) -> dict[str, dict[str, list[ClassValues] | None]]:
    return {
        name: {
            measure: [f.class_values(expr) for expr in f.arguments] if f.arguments else None
            for measure, f in measures.items()
        }
        for name, measures in figures.items()
    }


def _refuse(schema: Schema, job: Job, found: list[Summary]) -> None:
    """Every problem of the data, in the order one stream reports them; raised when there is any."""
    problems = [p for s in found for p in s.problems]
    problems += [p for s in found for p in s.reader]
    # class by class, each in the order of the data, as one stream keeps them
    everyone: list[Standing | Seen] = [st for name in schema.classes for s in found for st in s.standings.get(name, ())]
    everyone += [u for s in found for u in s.unscored]
    seen = [u for s in found for u in s.seen]
    problems += duplicates([*everyone, *seen], job.file)
    read = set().union(*(s.classes_read for s in found))
    missing = next((s.missing_columns for s in found if s.missing_columns), [])  # each part finds the same
    problems += [problem for needing, problem in missing if needing & read]
    tallied = [s.percents for s in found if s.percents is not None]
    if tallied:  # every part's columns, in the order of the data
        merged = Columns(tallied[0].places)
        for columns in tallied:
            merged.merge(columns)
        problems += merged.problems(job.file, reasons(schema))
    if job.carried_in:
        wanted = {unit_id for unit_id, _ in job.carried_in}
        classes = {
            st.id: name for s in found for name, standings in s.standings.items() for st in standings if st.id in wanted
        }
        classes.update((u.id, u.unit_class) for u in seen if u.id in wanted)
        problems += carried_problems(schema, list(job.carried_in), classes, job.ledger_file)
        problems += [p for s in found for p in s.carried_twice]
    if job.over_periods is not None and not problems:
        # every unit in every period, in one class (once the data are good, as one stream reports it)
        every = {st.id: name for s in found for name, standings in s.standings.items() for st in standings}
        every.update((u.id, u.unit_class) for s in found for u in s.seen)
        problems += job.over_periods.problems(every)
    if job.last_year is not None and not problems:
        # a result last year for a unit not in this year's data, or of another class (once the data are good,
        # as `Policy.evaluate` reports them)
        results = job.last_year.results
        present: dict[str, str | None] = {u.id: None for s in found for u in s.unscored if u.id in results}
        present.update(
            (st.id, name)
            for s in found
            for name, standings in s.standings.items()
            for st in standings
            if st.id in results
        )
        present.update((u.id, u.unit_class) for s in found for u in s.seen if u.id in results)
        problems += job.last_year.problems(present)
    if not problems and not any(s.standings.get(name) for s in found for name in schema.classes) and not seen:
        problems.append(no_units(job.file))
    if problems:
        raise DataError(problems)


def refuse_finishing(failed: Sequence[list[tuple[int, int, EvaluationProblem]]]) -> None:
    """Problems the parts met while finishing (each part's `Finished.failures`): raised as those of the
    first batch a stream finishes that has any."""
    failures = sorted((f for part in failed for f in part), key=lambda f: (f[0], f[1]))
    if failures:
        order, seat, _ = failures[0]
        batch = (seat - 1) // BATCH
        raise EvaluationError([p for o, s, p in failures if o == order and (s - 1) // BATCH == batch])
