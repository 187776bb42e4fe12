"""Evaluating more units than fit in memory: passes over a spool on disk.

A unit's rank, and a grade under a quota, depend on every other unit's
total, but not on its data. Pass 1 reads the records one at a time (JSON
Lines or CSV, or any iterable of mappings), validates and scores them in
batches, writes each validated unit to a private spool file (so that no
pass after the first parses or validates it again), and keeps per unit
only its standing: total, id, what tie-breaking and vetoes need, where its
unit lies in the spool. Every problem in the data or in the evaluation
is collected and raised (DataError, EvaluationError) before any result is
given. Ranks, grades and quotas are then settled per class. The last pass
reads the units back in class and rank order, in batches, scores them
again (the same inputs give the same numbers; this is checked) and
finishes each unit — money, commendations — yielding complete
`UnitResult`s one by one, in the order `Policy.evaluate` gives them.
What a table row shows of a unit whose class has no award and no
commendation is known as soon as it is scored, but for its rank and grade:
pass 1 keeps it in a second spool (`briefed`), and `Stream.rows` reads it
back in that order (a `Brief`) instead of reading the unit and scoring it
again.

A measure that compares units across the class while scoring (peer
functions) needs class-wide figures first: pass 1 then scores nothing, but
evaluates for each unit only the arguments of the class-wide functions
(`measures.MeasureFigures`), settled per class in class order once every
unit is read; a scoring pass over the spool follows with the figures fixed.
A unit that scores its class's average (`missing peer_avg`) needs the
other units' points: they are gathered while scoring, and when some unit
did score the average, the units are scored once more with it known.

Memory is therefore bounded by the standings (a few hundred bytes a unit),
one batch, and the figures: nothing per unit for an argument only min, max,
efficacy or a count read; one value (a Decimal, about 110 bytes) per unit
for an argument a rank reads; that and the unit's id for one `peer_avg`
reads, or for a measure that may score the class average.
"""

from __future__ import annotations

import array
import datetime
import decimal
import io
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import attrs

from targetdsl.evaluation.collector import collector_paused
from targetdsl.evaluation.drafts import NO_SUMS, ROW_SEPARATOR, SUMS, Brief, Draft, Standing, briefed, briefed_class
from targetdsl.evaluation.engine import (
    COMPARING_RULES,
    FINISHING_RULES,
    Engine,
    across_ranking,
    result_context,
    rule_key,
    rule_values,
)
from targetdsl.evaluation.interpreter import EVERY_UNIT, EvaluationError, Peers
from targetdsl.evaluation.measures import MeasureFigures
from targetdsl.evaluation.periods import OverPeriods
from targetdsl.evaluation.results import CarryOver, CompletionRow, UnitResult
from targetdsl.files import FileReadError, open_regular
from targetdsl.language import nodes as n
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.schema import ClassSpec, Schema
from targetdsl.language.typecheck import walk
from targetdsl.numeric import CONTEXT
from targetdsl.source import printable
from targetdsl.units.data import Validator, no_units
from targetdsl.units.documents import json_problem, not_utf8, parse_json, wrong_format
from targetdsl.units.intake import RowShape, row_shape
from targetdsl.units.lastyear import LastYear
from targetdsl.units.ledger import carried_again, carried_problems
from targetdsl.values import AwardWon, DataError, DataProblem, Located, MeasureRows, Unit

BATCH = 500  # units scored together: large enough to amortise, small enough to stay in memory
STREAMED = (".jsonl", ".csv")  # unit data files that can be read one unit at a time
MAX_LINE_BYTES = 1 << 20  # one unit's line; a stream has no size limit, but each unit is read whole


def stream_passes(schema: Schema, figures: dict[str, dict[str, MeasureFigures]] | None = None) -> int:
    """How many times a stream goes over its units: read and score, finish; with peer functions, a pass
    to gather each class's figures first; with a class average a unit may score, one more; with an award
    or a commendation comparing units, one more after the ranking."""
    figures = class_figures(schema) if figures is None else figures
    compares = any(f.arguments for measures in figures.values() for f in measures.values())
    averages = any(f.averaged for measures in figures.values() for f in measures.values())
    return 2 + compares + averages + finishes_compare(finishing_figures(schema))


def finishing_figures(schema: Schema) -> dict[str, dict[str, MeasureFigures]]:
    """What a stream gathers of each ranked class before finishing any of its units: the arguments of the
    class-wide functions of its awards and commendations, by rule (`engine.rule_key`)."""
    figures: dict[str, dict[str, MeasureFigures]] = {}
    for name, spec in schema.classes.items():
        figures[name] = {}
        for rule in spec.rules:
            if rule.kind in FINISHING_RULES:
                found = _rule_figures(rule.expressions)
                if found is not None:
                    figures[name][rule_key(rule)] = found
    return figures


def reads_units_back(schema: Schema) -> bool:
    """Whether an evaluation whose results are written as table rows (`Stream.rows`, a render that reads
    rows) reads a unit back once it is scored: to score it again (a class compares units or may score its
    average), to gather what its awards and commendations compare, or to finish a unit of a class with an
    award or a commendation. When it does not, the validated units need not be spooled at all."""
    figures = class_figures(schema)
    return (
        any(f.arguments or f.averaged for measures in figures.values() for f in measures.values())
        or finishes_compare(finishing_figures(schema))
        or not all(briefed_class(spec) for spec in schema.classes.values())
    )


def finishes_compare(figures: dict[str, dict[str, MeasureFigures]]) -> bool:
    return any(rules for rules in figures.values())


def _rule_figures(expressions: list[n.Expr]) -> MeasureFigures | None:
    """The figures of a rule's class-wide calls; None when it makes none."""
    arguments: dict[int, n.Expr] = {}
    readers: dict[int, set[str]] = {}
    for call in _class_wide_calls(expressions):
        argument = EVERY_UNIT if call.function == "peer_count" else call.args[0]
        arguments[id(argument)] = argument
        readers.setdefault(id(argument), set()).add(call.function)
    if not arguments:
        return None
    return MeasureFigures(tuple(arguments.values()), {k: frozenset(v) for k, v in readers.items()}, False)


def class_figures(schema: Schema) -> dict[str, dict[str, MeasureFigures]]:
    """What a stream gathers of each class before scoring any of its units: the arguments of every
    class-wide function of each measure, and the earned points of a measure whose missing value may
    score the class average (a unit input with `missing peer_avg` may be read by any measure)."""
    averaged_anywhere = any(i.missing == "peer_avg" for i in schema.unit_inputs.values())
    figures: dict[str, dict[str, MeasureFigures]] = {}
    for name, spec in schema.classes.items():
        figures[name] = {}
        for measure in spec.measures():
            arguments: dict[int, n.Expr] = {}
            readers: dict[int, set[str]] = {}
            averaged = averaged_anywhere
            for scope in (measure, *measure.subitems):
                expressions = [e for e in (scope.score, scope.completed) if e is not None]
                expressions += [let.expr for let in scope.lets.values()]
                if scope.tally is not None:
                    expressions += [scope.tally.done, scope.tally.total]
                for call in _class_wide_calls(expressions):
                    argument = EVERY_UNIT if call.function == "peer_count" else call.args[0]
                    arguments[id(argument)] = argument
                    readers.setdefault(id(argument), set()).add(call.function)
                averaged = averaged or any(i.missing == "peer_avg" for i in scope.inputs.values())
            figures[name][measure.name] = MeasureFigures(
                tuple(arguments.values()), {k: frozenset(v) for k, v in readers.items()}, averaged
            )
        for rule in spec.rules:  # a veto, deduction or coefficient comparing the unit with its class
            if rule.kind in COMPARING_RULES:
                found = _rule_figures(rule.expressions)
                if found is not None:
                    figures[name][rule_key(rule)] = found
    return figures


def _class_wide_calls(expressions: list[n.Expr]) -> Iterator[n.Call]:
    pending = list(expressions)
    while pending:
        for node in walk(pending.pop()):
            if isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer:
                yield node
            elif isinstance(node, n.Interpolate):  # an anchor's position is evaluated too
                pending += [anchor.at for anchor in node.anchors]


def file_records(path: str | os.PathLike[str]) -> tuple[Iterator[Any], Callable[[], None]]:
    """The records of a JSON Lines or CSV file, read one at a time; and a function that closes the file."""
    target = Path(path)
    shown = printable(os.fspath(path))
    suffix = target.suffix.lower()
    if suffix not in STREAMED:
        raise DataError([DataProblem(shown, None, None, f"cannot stream `{suffix}` data; use .jsonl or .csv")])
    try:
        binary = open_regular(target)  # a stream has no size limit, but it must be a regular file
    except FileReadError as exc:
        raise DataError([DataProblem(shown, None, None, exc.reason)]) from None
    head = binary.peek(8)[:8] if isinstance(binary, io.BufferedReader) else b""
    refusal = wrong_format(head, suffix, shown)  # an Excel workbook named .csv, UTF-16 text…
    if refusal is not None:
        binary.close()
        raise refusal
    handle: IO[Any] = binary if suffix == ".jsonl" else io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    if suffix == ".jsonl":
        return json_lines(handle, shown), handle.close
    from targetdsl.units.tabular import csv_records

    return csv_records(target, _text_lines(handle, shown)), handle.close


def _text_lines(handle: IO[str], shown: str) -> Iterator[str]:
    try:
        yield from handle
    except UnicodeDecodeError:
        raise not_utf8(shown, ".csv") from None  # only CSV files are read as text lines


def json_lines(lines: Iterable[bytes], shown: str, first_line: int = 1) -> Located:
    """The records of JSON Lines, the first of `lines` being line `first_line` of the file, each knowing
    its line; a line that is no record is reported by its number, all of them together once every line
    is read."""
    return Located(_json_records(lines, shown, first_line), _json_place)


def _json_place(line: int, field: str) -> str:
    return f"line {line}"


def _json_records(lines: Iterable[bytes], shown: str, first_line: int) -> Iterator[tuple[Any, int]]:
    problems: list[DataProblem] = []
    for number, read in enumerate(lines, start=first_line):
        line = read[3:] if number == 1 and read.startswith(b"\xef\xbb\xbf") else read
        if not line.strip():
            continue
        if len(line) > MAX_LINE_BYTES:
            problems.append(DataProblem(shown, None, f"line {number}", "a line longer than 1 MB"))
            continue
        try:
            record = parse_json(line.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(DataProblem(shown, None, f"line {number}", "is not UTF-8 text"))
            continue
        except json.JSONDecodeError as exc:
            problems.append(json_problem(shown, number, exc))
            continue
        except RecursionError:
            problems.append(DataProblem(shown, None, f"line {number}", "nested too deeply"))
            continue
        yield record, number
    if problems:
        raise DataError(problems)


@attrs.frozen
class Seen:
    """A unit not (yet) scored: one whose data has a problem, never scored, or one read while a class's
    figures are gathered. Its id takes part in the duplicate check."""

    id: str
    name: str
    index: int
    unit_class: str = ""


def duplicates(everyone: list[Standing | Seen], file: str) -> list[DataProblem]:
    """Units that share an id, found by sorting the standings (no table of ids is kept meanwhile), each
    named with the place in the data (`index`) of the first unit of its id."""
    everyone.sort(key=lambda s: s.id)
    problems = []
    first = None
    for standing in everyone:
        if first is None or standing.id != first.id:
            first = standing
            continue
        earlier, later = sorted((first, standing), key=lambda s: s.index)
        first = earlier
        label = later.id if later.name == later.id else f"{later.id} ({later.name})"
        problems.append(
            DataProblem(
                file,
                label,
                "id",
                f"duplicate unit id (also unit #{earlier.index + 1} in the file)",
                code="data.duplicate-unit",
            )
        )
    return problems


def standing(draft: Draft, index: int, keys: list[int], classed: bool = False) -> Standing:
    """What a stream keeps of a scored unit: `keys` are the category positions tie-breaking reads; `classed`,
    whether its class is kept (ranked with other classes, or not graded). A class without a category the
    ties read has fewer sums than another: only the positions its own sums have are kept, and its class
    with them, for the ranking to find that the category is not the class's (it counts as 0 there)."""
    width = len(draft.sums)
    kept = {
        SUMS.width * i + SUMS.subtotal: draft.sums[SUMS.width * i + SUMS.subtotal]
        for i in keys
        if SUMS.width * i + SUMS.subtotal < width
    }
    return Standing(
        draft.unit.id,
        draft.unit.name,
        draft.unit.unit_class,
        draft.total,
        tuple(draft.vetoes) if draft.vetoes else (),
        kept or NO_SUMS,
        index,
        classed or bool(keys),
    )


def tie_categories(schema: Schema) -> list[int]:
    """The category positions tie-breaking reads (the same in every class that has them), kept per unit."""
    wanted = {k.key for k in schema.ties} - {"total", "rank", "id", "name"}
    positions: set[int] = set()
    for spec in schema.classes.values():
        positions |= {i for i, c in enumerate(spec.categories) if c.name in wanted}
    return sorted(positions)


class Stream:
    """An evaluation streamed from records. Iterate it for every unit's result, in class order, then
    by rank; `ledger` and `completion` are known once it is made. Close it (or use `with`) to remove
    the spool; iterating again reads the spool again."""

    def __init__(
        self,
        schema: Schema,
        title: str,
        records: Iterable[Any],
        *,
        file: str,
        period: str | None,
        carried_in: list[tuple[str, AwardWon]],
        progress: Callable[[int, int], None] | None = None,
        expected: int | None = None,
        ledger_file: str = "<carry-in>",
        last_year: LastYear | None = None,
        over_periods: OverPeriods | None = None,
        rows_only: bool = False,
    ):
        self.last_year = last_year
        # weights per indicator: the earlier periods' scores of the measures weighted over the periods, and
        # their units (this stream is the last period's evaluation)
        self.over_periods = over_periods
        self.schema = schema
        self.title = title
        self.year = schema.year
        self.period = period
        self.classes = tuple(schema.classes)
        self.carried_in = carried_in
        self.carried_twice: list[DataProblem] = []  # awards both in the data and carried in
        self.ledger_file = ledger_file
        self.progress = progress
        self.spool: IO[bytes] = tempfile.TemporaryFile(prefix="targetdsl-")  # noqa: SIM115 (closed by close())
        self.standings: dict[str, list[Standing]] = {name: [] for name in schema.classes}
        self.unscored: list[Seen] = []  # units with a problem in their data: kept to find duplicate ids
        self.seen: list[Seen] = []  # units read while the figures are gathered (before any is scored)
        self.figures = class_figures(schema)
        self.compares = any(f.arguments for measures in self.figures.values() for f in measures.values())
        self.finishing = finishing_figures(schema)  # gathered after the ranking, before any unit is finished
        self._passes = stream_passes(schema, self.figures)  # over every unit; a pass not needed is counted done
        # the validated units are spooled unless the stream is read by `rows` alone and nothing reads them back
        self.keeps_units = not rows_only or reads_units_back(schema)
        self.offsets = array.array("q", [0])  # where each spooled unit starts (and the last ends)
        # what a table row shows of each unit of a class without awards and commendations, as its last scoring
        # gave it (`briefed`), for `rows` to write without scoring it again: where it starts in `briefs`, by
        # the unit's index (-1: none kept), and its length
        self.briefs: IO[bytes] = tempfile.TemporaryFile(prefix="targetdsl-")  # noqa: SIM115 (closed by close())
        self.brief_at = array.array("q")
        self.brief_length = array.array("L")
        self.brief_end = 0  # where the next row goes: pass 1 only appends to `briefs` (and reads nothing back)
        self.shapes: dict[str, RowShape | None] = {}  # how validation keeps each class's measures in a row
        self.counts: dict[str, list[int]] = {
            name: [0] * (2 * len(spec.categories)) for name, spec in schema.classes.items()
        }
        self.ledger: tuple[CarryOver, ...] = ()
        self.completion: tuple[CompletionRow, ...] = ()
        self.count = 0
        self._expected = expected
        self._done = 0
        self._keys = tie_categories(schema)
        self._classed = schema.kept_class()
        # each class's places in its ranking, beside its standings in rank order (shared with other classes
        # when a `ranking` names it)
        self.ranks: dict[str, Sequence[int]] = {}
        try:
            with collector_paused(), _decimal_context():
                self._first_pass(records, file)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.spool.close()
        self.briefs.close()

    # -- pass 1: validate, score, keep standings

    def _engine(self) -> Engine:
        engine = Engine(self.schema, self.title, period=self.period, carried_in=self.carried_in, explain=False)
        engine.figures = self.figures
        engine.over_periods = self.over_periods
        return engine

    def _first_pass(self, records: Iterable[Any], file: str) -> None:
        validator = Validator(self.schema, file, last_year=self.last_year.results if self.last_year else None)
        self.engine = self._engine()
        batch: list[tuple[Unit, int]] = []
        try:
            for index, record in enumerate(records, start=1):
                known = len(validator.problems)
                unit = validator.unit(record, index)
                valid = unit is not None and len(validator.problems) == known
                if not valid and isinstance(records, Located):
                    validator.place(records.cell, known)
                # Every record has its place in the spool, so that a unit's index there is its place in the
                # data: a unit spooled as validated (read back, it is not validated again), a record with a
                # problem as nothing (never read back: the data are refused).
                blob = spooled(unit) if valid and unit is not None and self.keeps_units else b""
                self.spool.write(blob)
                self.offsets.append(self.offsets[-1] + len(blob))
                if unit is not None and valid:
                    batch.append((unit, index - 1))
                elif unit is not None:  # not scored (its values are incomplete), but its id still counts
                    self.unscored.append(Seen(unit.id, unit.name, index - 1))
                if len(batch) >= BATCH:
                    self._take(batch)
                    batch = []
        except DataError as exc:  # the reader's own problems (malformed lines) join the validator's
            validator.problems.extend(exc.problems)
        self._take(batch)
        del batch
        validator.problems += self._duplicates(file)
        if isinstance(records, Located):  # a CSV file: the columns its header lacks
            located = records
            validator.problems += validator.column_problems(
                lambda field: located.place(located.at, field) is not None, validator.classes_read, file
            )
        validator.problems += validator.percent_problems()
        if self.carried_in:
            wanted = {unit_id for unit_id, _ in self.carried_in}
            classes = {s.id: name for name, standings in self.standings.items() for s in standings if s.id in wanted}
            classes.update((s.id, s.unit_class) for s in self.seen if s.id in wanted)
            validator.problems += carried_problems(self.schema, self.carried_in, classes, self.ledger_file)
            validator.problems += self.carried_twice
        if self.over_periods is not None and not validator.problems:
            # every unit in every period, in one class (once the data are good, as `evaluate_over_periods`
            # reports them)
            every = {s.id: name for name, kept in self.standings.items() for s in kept}
            every.update((s.id, s.unit_class) for s in self.seen)
            validator.problems += self.over_periods.problems(every)
        if self.last_year is not None and not validator.problems:
            # a result last year for a unit not in this year's data, or of another class (once the data are
            # good, as `Policy.evaluate` reports them)
            results = self.last_year.results
            present: dict[str, str | None] = {u.id: None for u in self.unscored if u.id in results}
            present.update((s.id, name) for name, kept in self.standings.items() for s in kept if s.id in results)
            present.update((s.id, s.unit_class) for s in self.seen if s.id in results)
            validator.problems += self.last_year.problems(present)
        if not validator.problems and not any(self.standings.values()) and not self.seen:
            validator.problems.append(no_units(file))
        if validator.problems:
            raise DataError(validator.problems)
        if self.compares:  # the class-wide figures are known: every unit is scored with them
            for measures in self.figures.values():
                for figures in measures.values():
                    figures.settle_peers()
            self.seen = []
            self._rescore()
        pending = False
        for measures in self.figures.values():
            for figures in measures.values():
                pending = pending or figures.pending > 0
                if figures.averaged:
                    figures.settle_average()
        if pending:  # some units scored their class's average, known only now: they are scored again
            self._rescore()
        elif any(f.averaged for measures in self.figures.values() for f in measures.values()):
            self._tick(sum(len(s) for s in self.standings.values()))
        if self.engine.problems:
            raise EvaluationError(sorted(self.engine.problems, key=lambda p: (p.unit, str(p.span))))
        self.count = sum(len(s) for s in self.standings.values())
        self.ledger = tuple(
            sorted(self.engine.ledger, key=lambda c: (c.unit, c.bonus, c.date or datetime.date.min, c.name or ""))
        )
        rows = []
        for ranking in self.schema.groups():
            ordered = self.engine.rank([s for name in ranking.classes for s in self.standings[name]])
            self.engine.grade(ordered)
            if not ranking.shared:
                self.standings[ranking.name] = ordered
                self.ranks[ranking.name] = range(1, len(ordered) + 1)
                continue
            # ranked with other classes: each class in its shared rank order, with its places
            places: dict[str, array.array[int]] = {}
            for name in ranking.classes:
                self.standings[name], places[name] = [], array.array("q")
            for rank, kept in enumerate(ordered, 1):
                self.standings[kept.unit_class].append(kept)
                places[kept.unit_class].append(rank)
            self.ranks.update(places)
        for name, spec in self.schema.classes.items():
            ordered = self.standings[name]
            counts = self.counts[name]
            if ordered:
                rows += [
                    CompletionRow(name, category.name, counts[2 * i], counts[2 * i + 1])
                    for i, category in enumerate(spec.categories)
                    if any(m.counted for m in category.measures)
                ]
        self.completion = tuple(rows)

    def _duplicates(self, file: str) -> list[DataProblem]:
        everyone: list[Standing | Seen] = [s for standings in self.standings.values() for s in standings]
        return duplicates([*everyone, *self.unscored, *self.seen], file)

    def _take(self, batch: list[tuple[Unit, int]]) -> None:
        """Pass 1 for some units: scored at once, or, when their class's figures are still to be
        gathered, their share of the figures taken and the unit kept only as seen."""
        carried = self.engine.carried_in
        for unit, _ in batch:
            if carried and unit.awards and unit.id in carried:
                self.carried_twice += carried_again(unit, carried, self.ledger_file)
        if not self.compares:
            self._score(batch)
            return
        by_class: dict[str, list[Unit]] = {}
        for unit, index in batch:
            by_class.setdefault(unit.unit_class, []).append(unit)
            self.seen.append(Seen(unit.id, unit.name, index, unit.unit_class))
        for name, units in by_class.items():
            self.engine.gather(self.schema.classes[name], units)
        self._tick(len(batch))

    def _rescore(self) -> None:
        """Score every unit again from the spool, in the order read, with the class figures now known."""
        self.engine = self._engine()
        self.standings = {name: [] for name in self.schema.classes}
        self.counts = {name: [0] * (2 * len(spec.categories)) for name, spec in self.schema.classes.items()}
        self.spool.seek(0)
        self.briefs.seek(0)  # every unit is scored again: what an earlier scoring kept is not read
        self.briefs.truncate()
        self.brief_at, self.brief_length, self.brief_end = array.array("q"), array.array("L"), 0
        batch: list[tuple[Unit, int]] = []
        for index in range(len(self.offsets) - 1):
            batch.append((self._unit(self.spool.read(self.offsets[index + 1] - self.offsets[index])), index))
            if len(batch) >= BATCH:
                self._score(batch)
                batch = []
        self._score(batch)

    def _score(self, batch: list[tuple[Unit, int]]) -> None:
        by_class: dict[str, list[tuple[Unit, int]]] = {}
        for entry in batch:
            by_class.setdefault(entry[0].unit_class, []).append(entry)
        for name, entries in by_class.items():
            spec = self.schema.classes[name]
            drafts = self.engine.score_class(spec, [unit for unit, _ in entries])
            counts = self.counts[name]
            brief = briefed_class(spec)
            for draft, (_, index) in zip(drafts, entries, strict=True):
                self.standings[name].append(standing(draft, index, self._keys, name in self._classed))
                if brief:
                    self._brief(spec, draft, index)
                for i in range(len(spec.categories)):
                    counts[2 * i] += draft.sums[SUMS.width * i + SUMS.counted]
                    counts[2 * i + 1] += draft.sums[SUMS.width * i + SUMS.completed]
        self._tick(len(batch))

    def _brief(self, spec: ClassSpec, draft: Draft, index: int) -> None:
        missing = index + 1 - len(self.brief_at)
        if missing > 0:
            self.brief_at.extend([-1] * missing)
            self.brief_length.extend([0] * missing)
        blob = briefed(spec, draft)
        self.brief_at[index], self.brief_length[index] = self.brief_end, len(blob)
        self.brief_end += self.briefs.write(blob)

    def _tick(self, done: int) -> None:
        self._done += done
        if self.progress is not None and self._expected is not None:
            total = self._passes * self._expected
            self.progress(min(self._done, total), total)

    # -- pass 2: read back in rank order, finish

    def __iter__(self) -> Iterator[UnitResult]:
        self._needs_units("iterated for its results")
        return self._results(briefly=False)  # type: ignore[return-value]  # briefly=False: UnitResults only

    def _needs_units(self, what: str) -> None:
        if not self.keeps_units:
            raise ValueError(
                f"this stream cannot be {what}: it was made with rows_only=True and kept no units; "
                "read it with rows(), or make it without rows_only"
            )

    def rows(self) -> Iterator[UnitResult | Brief]:
        """Each unit in the order iterating gives them, as a table row reads it (`office.tables.csv_row`):
        a unit of a class without awards and commendations as the `Brief` its scoring kept (its figures,
        given its rank and grade: nothing is read back or scored again), any other unit as its `UnitResult`."""
        return self._results(briefly=True)

    def _results(self, *, briefly: bool) -> Iterator[UnitResult | Brief]:
        engine = self._engine()
        self._done = (self._passes - 1 - finishes_compare(self.finishing)) * self.count
        gathered: dict[str, dict[tuple[str, str], Peers]] = {}  # each class's, by rule
        for name, spec in self.schema.classes.items():
            ordered = self.standings[name]
            if briefly and briefed_class(spec):
                for start in range(0, len(ordered), BATCH):
                    ranks = self.ranks[name][start : start + BATCH]
                    rows = [
                        self._brief_of(s, name, rank, engine)
                        for s, rank in zip(ordered[start : start + BATCH], ranks, strict=True)
                    ]
                    self._tick(len(rows))
                    yield from rows
                continue
            if self.finishing[name]:  # gathered afresh each time the stream is read
                ranking = self.schema.ranking_of(name)
                # a class ranked with others: every class of the ranking gathered before any is finished
                for other in ranking.classes if ranking is not None else (name,):
                    if self.finishing[other] and other not in gathered:
                        gathered[other] = self._gather_finishing(
                            engine,
                            self.schema.classes[other],
                            finishing_figures(self.schema)[other],
                            self.standings[other],
                        )
                engine.finishing_peers = across_ranking(self.schema, name, gathered)
            for start in range(0, len(ordered), BATCH):
                # computed in the policy's context; yielded outside it, so the caller's context is its own
                ranks = self.ranks[name][start : start + BATCH]
                yield from self._finish(engine, spec, ordered[start : start + BATCH], ranks)

    def _brief_of(self, standing: Standing, name: str, rank: int, engine: Engine) -> Brief:
        index = standing.index
        if index >= len(self.brief_at) or self.brief_at[index] < 0:
            raise RuntimeError(f"unit {standing.id} was scored without its row being kept")
        self.briefs.seek(self.brief_at[index])
        blob = self.briefs.read(self.brief_length[index])
        with _decimal_context():
            brief = Brief(blob, name, rank, standing.grade, engine.reason(standing))
        if brief.id != standing.id:
            raise RuntimeError(f"the row kept for unit {standing.id} is another unit's")
        return brief

    def _finish(
        self, engine: Engine, spec: ClassSpec, standings: list[Standing], ranks: Sequence[int]
    ) -> list[UnitResult]:
        with collector_paused(), _decimal_context():
            units = [self._read(s) for s in standings]
            drafts = engine.score_class(spec, units)
            results = []
            for rank, draft, standing in zip(ranks, drafts, standings, strict=True):
                if draft.total != standing.total or draft.unit.id != standing.id:
                    raise RuntimeError(f"unit {standing.id} scored differently in the second pass")
                draft.grade, draft.reason = standing.grade, standing.reason
                results.append(engine.finish(spec, draft, rank))
        if engine.problems:
            raise EvaluationError(engine.problems)
        self._tick(len(results))
        return results

    # -- one unit explained

    def units(self) -> Iterator[tuple[str, str, str]]:
        """Every unit scored, as (id, name, class), in class order, then by rank."""
        for name in self.schema.classes:
            for kept in self.standings[name]:
                yield kept.id, kept.name, name

    def ranked_with(self, unit_class: str) -> int:
        """How many units a unit of `unit_class` is ranked among (its class's, or its ranking's)."""
        ranking = self.schema.ranking_of(unit_class)
        classes = (unit_class,) if ranking is None else ranking.classes
        return sum(len(self.standings[name]) for name in classes)

    def explain(self, unit_id: str) -> UnitResult:
        """One unit's result with its explanation, as `Policy.evaluate` explains it: read back from the
        spool, scored by the reference path with the class figures this stream settled, finished with the
        rank and grade it was given, and checked against the result iterating the stream gives it (a
        `results.Disagreement` otherwise). KeyError when no unit has that id."""
        from targetdsl.evaluation.results import Disagreement, _numbers

        found = next(
            (
                (name, at)
                for name in self.schema.classes
                for at, s in enumerate(self.standings[name])
                if s.id == unit_id
            ),
            None,
        )
        if found is None:
            raise KeyError(unit_id)
        self._needs_units("asked to explain a unit")
        name, at = found
        spec, kept, rank = self.schema.classes[name], self.standings[name][at], self.ranks[name][at]
        plain = self._engine()
        if self.finishing[name]:  # what the class's awards and commendations compare, over the ranking
            ranking = self.schema.ranking_of(name)
            gathered = {
                other: self._gather_finishing(
                    plain, self.schema.classes[other], finishing_figures(self.schema)[other], self.standings[other]
                )
                for other in (ranking.classes if ranking is not None else (name,))
                if self.finishing[other]
            }
            plain.finishing_peers = across_ranking(self.schema, name, gathered)
        (computed,) = self._finish(plain, spec, [kept], [rank])
        engine = Engine(self.schema, self.title, period=self.period, carried_in=self.carried_in, explain=True)
        engine.on_demand, engine.explain = False, True
        engine.figures, engine.over_periods = self.figures, self.over_periods
        engine.finishing_peers = plain.finishing_peers
        with collector_paused(), _decimal_context():
            (draft,) = engine.score_class(spec, [self._read(kept)])
            draft.grade, draft.reason = kept.grade, kept.reason
            explained = engine.finish(spec, draft, rank)
        if engine.problems:
            raise Disagreement(f"the explaining path failed where the evaluation did not: {engine.problems[0]}")
        if _numbers(explained, explained.measures) != _numbers(computed, computed.breakdown.computed()):
            raise Disagreement(f"unit {unit_id}: the explanation's numbers differ from the ones computed")
        return explained

    def _gather_finishing(
        self, engine: Engine, spec: ClassSpec, figures: dict[str, MeasureFigures], ordered: list[Standing]
    ) -> dict[tuple[str, str], Peers]:
        """The class-wide values a class's awards and commendations read, over the class ranked, by rule:
        each unit read back and scored again, its result so far (total, rank) as finishing it gives it."""
        rules = [r for r in spec.rules if rule_key(r) in figures]
        with collector_paused(), _decimal_context():
            for start in range(0, len(ordered), BATCH):
                standings = ordered[start : start + BATCH]
                units = [self._read(s) for s in standings]
                drafts = engine.score_class(spec, units)
                ranks = self.ranks[spec.name][start : start + BATCH]
                contexts = {d.unit.id: result_context(d, rank) for rank, d in zip(ranks, drafts, strict=True)}
                for rule in rules:
                    gathered = figures[rule_key(rule)]
                    values: dict[int, list[Decimal | None]] = {}
                    for expr in gathered.arguments:
                        column = values[id(expr)] = [None] * len(units)
                        for at, value in rule_values(engine, rule, units, expr, contexts):
                            column[at] = value
                    gathered.gather([u.id for u in units], values)
                self._tick(len(units))
            peers: dict[tuple[str, str], Peers] = {}
            for rule in rules:
                gathered = figures[rule_key(rule)]
                gathered.settle_peers()
                peers[(rule.kind, rule.name)] = gathered.class_values
        return peers

    def _read(self, standing: Standing) -> Unit:
        at = self.offsets[standing.index]
        self.spool.seek(at)
        return self._unit(self.spool.read(self.offsets[standing.index + 1] - at))

    def _unit(self, blob: bytes) -> Unit:
        return unspooled(blob, self.shape, "the spool no longer holds the units read in the first pass")

    def shape(self, unit_class: str) -> RowShape | None:
        if unit_class not in self.shapes:
            self.shapes[unit_class] = row_shape(self.schema, unit_class)
        return self.shapes[unit_class]


def spooled(unit: Unit) -> bytes:
    """A validated unit as a spool keeps it: pickled; the numbers of measures still in the row validation
    read them into (`MeasureRows`: every one a `Decimal`) as their text, one string, which gives each back
    exactly (its digits and exponent) at a fraction of what pickling the decimals one by one costs."""
    measures = unit.measures
    if type(measures) is MeasureRows:
        numbers = ROW_SEPARATOR.join(map(str, measures.row))
        fields = (unit.id, unit.name, unit.unit_class, unit.values, numbers, unit.rules, unit.awards)
        return pickle.dumps(fields, pickle.HIGHEST_PROTOCOL)
    return pickle.dumps(unit, pickle.HIGHEST_PROTOCOL)


def unspooled(blob: bytes, shape: Callable[[str], RowShape | None], lost: str) -> Unit:
    """The unit `spooled` wrote; `shape` gives how validation keeps a class's measures in a row. A spool
    that holds anything else is `lost` (a RuntimeError: never a unit read wrongly), nothing included (the
    place of a unit not spooled)."""
    if not blob:
        raise RuntimeError(lost)
    value = pickle.loads(blob)  # noqa: S301 (a private spool, written by `spooled` in this evaluation)
    if type(value) is tuple and len(value) == 7:
        unit_id, name, unit_class, values, numbers, rules, awards = value
        kept = shape(unit_class)
        row = tuple(map(Decimal, numbers.split(ROW_SEPARATOR))) if numbers else ()
        if kept is None or len(row) != kept[2]:
            raise RuntimeError(lost)
        return Unit(unit_id, name, unit_class, values, MeasureRows(row, kept[0], kept[1]), rules, awards)
    if not isinstance(value, Unit):
        raise RuntimeError(lost)
    return value


def _decimal_context() -> Any:
    return decimal.localcontext(CONTEXT)
