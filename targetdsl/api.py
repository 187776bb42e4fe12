"""The library's front door: load, parse and check policies.

`load_policy` and `parse_policy` return a checked, immutable `Policy` or
raise `PolicyError` carrying every diagnostic. `check_path` and
`check_text` never raise for a bad policy: they return a `Report` with
the diagnostics, which is what the command line and editors need.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Union

import attrs

from targetdsl import __version__
from targetdsl.audit.diff import PolicyDiff, diff_effective
from targetdsl.audit.impact import Impact, compare
from targetdsl.audit.record import (
    RECORD_VERSION,
    canonical_json,
    differences,
    read_record,
    sha256_file,
    sha256_policy_file,
    units_sha256,
)
from targetdsl.audit.sweep import Weights, weight_grid
from targetdsl.diagnostics import Diagnostic, PolicyError, render_all, sort_key
from targetdsl.evaluation.engine import Engine, PeriodError, period_months
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.evaluation.periods import OverPeriods, PeriodCombination, PeriodResult, combine, unweighted
from targetdsl.evaluation.plan import Plan
from targetdsl.evaluation.plan import plan as make_plan
from targetdsl.evaluation.results import Assessment, CarryOver, Provenance, to_json
from targetdsl.files import FileProblem, FileReadError, chunks, resolve
from targetdsl.keywords import Language
from targetdsl.language.checker import Stated, assumptions, check
from targetdsl.language.formatter import canonical_policy
from targetdsl.language.inheritance import Effective, Loaded, load_path, load_text
from targetdsl.language.parser import Comment
from targetdsl.language.schema import Schema
from targetdsl.language.schema import build as build_schema
from targetdsl.numeric import Shown, in_context
from targetdsl.scaling.cutting import Cut, chunks_of, files_cut, several
from targetdsl.scaling.parcels import Job, Parcel
from targetdsl.scaling.partition import InProcess, Outcome, Render
from targetdsl.scaling.partition import evaluate as evaluate_in_parts
from targetdsl.scaling.stream import Stream, file_records, stream_passes
from targetdsl.source import printable, sha256_text
from targetdsl.units.data import load_units
from targetdsl.units.documents import read_document
from targetdsl.units.gathering import gather
from targetdsl.units.lastyear import LastYear, LastYearSource, Result, load_last_year
from targetdsl.units.ledger import carried_again, carried_problems, load_ledger
from targetdsl.values import AwardWon, DataError, DataProblem, Unit

UnitsSource = Union[str, os.PathLike[str], Mapping[str, Any], Sequence[Any]]  # noqa: UP007
LedgerSource = Union[str, os.PathLike[str], Assessment, Sequence[CarryOver], Mapping[str, Any]]  # noqa: UP007


@attrs.frozen(slots=True)
class Report:
    """The outcome of checking one policy file: diagnostics and, when it
    checked cleanly (warnings allowed), the effective policy."""

    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str] = attrs.field(eq=False)
    comments: dict[str, tuple[Comment, ...]] = attrs.field(eq=False)
    effective: Effective | None = attrs.field(eq=False)

    @property
    def ok(self) -> bool:
        return self.effective is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        """Every diagnostic as text, in `language` (codes and locations are the same in every language)."""
        return render_all(self.diagnostics, self.sources, language=language)

    @property
    def assumptions(self) -> list[Stated]:
        """The policy's `assume` statements (none when it did not parse), in declaration order."""
        return assumptions(self.effective) if self.effective is not None else []


@attrs.frozen(slots=True)
class Policy:
    """A checked policy, ready to use. Immutable; safe to share.

    Compile once, evaluate many: the layout evaluation needs is built when
    the policy is loaded, and `evaluate` never parses or checks again.
    """

    effective: Effective
    warnings: tuple[Diagnostic, ...] = attrs.field(eq=False)
    sources: dict[str, str] = attrs.field(eq=False, repr=False)
    schema: Schema = attrs.field(eq=False, repr=False)
    sha256: str = attrs.field(eq=False)  # of the effective policy in canonical form
    # Each file of the `extends` chain, named relative to the policy's own directory, with the SHA-256 of its text.
    source_hashes: tuple[tuple[str, str], ...] = attrs.field(eq=False)

    @in_context
    def load_units(
        self,
        data: UnitsSource,
        *,
        name: str = "<data>",
        lenient: bool = False,
        ignored: list[DataProblem] | None = None,
        last_year: LastYear | None = None,
        only: frozenset[str] | None = None,
    ) -> list[Unit]:
        """Validate unit data (a YAML/JSON/CSV/XLSX path, a folder of such files, a list of paths, a
        document, or a list of unit mappings).

        Several files (a list, or the data files in a folder) are one set of units: a unit listed in two
        is refused with both places. Raises DataError listing every problem, each naming file, unit and
        field, and for a spreadsheet the sheet and cell that holds the value.
        With `lenient`, data this policy does not declare is ignored and listed in `ignored`. The inputs
        read from last year's results (`from last year rank`) are taken from `last_year`. With `only`,
        the data are a period's before the last of a policy weighting these measures over its periods:
        they give these measures and the unit inputs alone.
        """
        results = last_year.results if last_year is not None else None
        paths = data_paths(data)
        if paths is not None:
            return self._gathered(paths, lenient=lenient, ignored=ignored, last_year=results, only=only)
        if isinstance(data, (str, os.PathLike)):
            document = read_document(data)
            return load_units(
                self.schema,
                document,
                os.fspath(data),
                lenient=lenient,
                ignored=ignored,
                last_year=results,
                only=only,
            )
        if isinstance(data, list) and data and all(isinstance(u, Unit) for u in data):
            return list(data)
        return load_units(self.schema, data, name, lenient=lenient, ignored=ignored, last_year=results, only=only)

    def _gathered(
        self,
        paths: list[str | os.PathLike[str]],
        *,
        lenient: bool,
        ignored: list[DataProblem] | None,
        last_year: Mapping[str, Result] | None = None,
        only: frozenset[str] | None = None,
    ) -> list[Unit]:
        """The units of several files, or of the files in a folder: every file read and every unit
        validated before any problem is raised, each naming its own file (and sheet and cell)."""
        document, problems = gather(paths, year=None if lenient else self.schema.year)
        name = ", ".join(printable(os.fspath(p)) for p in paths)
        units: list[Unit] = []
        if document["units"] or not problems:
            try:
                units = load_units(
                    self.schema, document, name, lenient=lenient, ignored=ignored, last_year=last_year, only=only
                )
            except DataError as exc:
                problems += exc.problems
        if problems:
            raise DataError(problems)
        return units

    @in_context
    def evaluate(
        self,
        units: UnitsSource,
        *,
        period: str | None = None,
        carried_in: LedgerSource | None = None,
        progress: Callable[[int, int], None] | None = None,
        explain: bool = True,
        last_year: LastYearSource | None = None,
    ) -> Assessment:
        """Evaluate every unit: scores, vetoes, bonuses, grades, ranks, money, explanations.

        `period` (a policy period name, Q1–Q4, H1/H2 or YYYY-MM) pro-rates
        targets marked `prorated`; `carried_in` is last year's carry-over
        ledger (a path, an Assessment, or its `ledger`). Raises DataError
        for invalid data and EvaluationError if any unit cannot be scored;
        in either case nothing is returned. `progress(done, total)` is called as units finish.
        With `explain=False` no explanation trace is built; every other result is identical. Otherwise
        a class's explanations are built when the first of them (or of its measures) is read, and
        checked against the numbers they explain. `last_year` is last year's results (the .jsonl or .json
        file `evaluate` wrote, an Assessment, or its JSON), which the inputs declared `from last year`
        read.
        """
        previous = self._last_year(last_year)
        return self._evaluate(
            self.load_units(units, last_year=previous),
            period=period,
            carried_in=carried_in,
            progress=progress,
            explain=explain,
            last_year=previous,
        )

    def _evaluate(
        self,
        loaded: list[Unit],
        *,
        period: str | None,
        carried_in: LedgerSource | None,
        progress: Callable[[int, int], None] | None = None,
        explain: bool = True,
        year: int | None = None,
        last_year: LastYear | None = None,
        over_periods: OverPeriods | None = None,
    ) -> Assessment:
        ledger = self._carried_in(carried_in, year=year)
        if ledger:
            where = _ledger_name(carried_in)
            lost = carried_problems(self.schema, ledger, {unit.id: unit.unit_class for unit in loaded}, where)
            by_unit: dict[str, list[AwardWon]] = {}
            for unit_id, award in ledger:
                by_unit.setdefault(unit_id, []).append(award)
            for unit in loaded:
                if unit.awards and unit.id in by_unit:
                    lost += carried_again(unit, by_unit, where)
            if lost:
                raise DataError(lost)
        if over_periods is not None:  # weights per indicator: every unit in every period, in one class
            unmatched = over_periods.problems({unit.id: unit.unit_class for unit in loaded})
            if unmatched:
                raise DataError(unmatched)
        if last_year is not None:  # a result last year for a unit not in this year's data, or of another class
            unmatched = last_year.problems({unit.id: unit.unit_class for unit in loaded})
            if unmatched:
                raise DataError(unmatched)
        try:
            engine = Engine(
                self.schema, self.title, period=period, carried_in=ledger, progress=progress, explain=explain
            )
        except PeriodError as exc:
            raise DataError([DataProblem("<period>", None, None, str(exc))]) from None
        engine.over_periods = over_periods
        provenance = Provenance(
            __version__, self.sha256, self.source_hashes, partial(units_sha256, loaded), period, len(ledger)
        )
        return attrs.evolve(engine.run(loaded), provenance=provenance)

    @in_context
    def stream(
        self,
        units: str | os.PathLike[str] | Iterable[Mapping[str, Any]],
        *,
        period: str | None = None,
        carried_in: LedgerSource | None = None,
        progress: Callable[[int, int], None] | None = None,
        name: str = "<data>",
        last_year: LastYearSource | None = None,
        rows_only: bool = False,
    ) -> Stream:
        """Evaluate units read one at a time, for more units than fit in memory.

        `units` is a JSON Lines (.jsonl) or CSV file, or any iterable of unit mappings (a generator
        reading a database, say). Every unit is validated and scored before this returns, and every
        problem raised as DataError or EvaluationError, as `evaluate` does; only what ranking and
        quotas need stays in memory. Iterate the returned Stream for each unit's UnitResult, in the
        order `evaluate` gives them (class, then rank), identical to `evaluate(..., explain=False)`;
        its `rows()` gives the same units as a CSV row reads them (`office.tables.csv_row`), a unit whose
        class has no award and no commendation as what its scoring kept (`Brief`: nothing is scored
        again); its `ledger` and `completion` are known at once. Close it, or use it in a `with` block, to
        remove its spool file. Every policy streams; one whose measures compare units across their
        class (peer functions, `missing peer_avg`) reads the spool once or twice more.

        With `rows_only=True` the stream will be read by `rows()` alone (as `targetdsl evaluate` writes a
        CSV): where no unit is read back after it is scored (nothing compared across a class, no award or
        commendation), the validated units are not written to the spool at all, which saves the time and
        the disk space they take; iterating the stream or `explain` then raise ValueError.
        """
        return self._stream(
            units,
            period=period,
            carried_in=carried_in,
            progress=progress,
            name=name,
            last_year=last_year,
            rows_only=rows_only,
        )

    @in_context
    def stream_over_periods(
        self,
        data: Mapping[str, UnitsSource],
        *,
        carried_in: LedgerSource | None = None,
        progress: Callable[[int, int], None] | None = None,
        last_year: LastYearSource | None = None,
    ) -> Stream:
        """`evaluate_over_periods` with the last period's data streamed, as `stream` streams them (a JSON
        Lines or CSV file, or an iterable of unit mappings): results identical to
        `evaluate_over_periods(data, explain=False)`, and the same problems. The data of the periods before
        the last give the weighted measures alone: they are read whole, and the weighted measures' earlier
        scores kept for every unit (without their explanations).
        """
        previous = self._last_year(last_year)
        over, last = self._earlier_periods(data, explain=False, last_year=previous)
        return self._stream(
            data[last], period=last, carried_in=carried_in, progress=progress, last_year=previous, over_periods=over
        )

    def _stream(
        self,
        units: Any,
        *,
        period: str | None,
        carried_in: LedgerSource | None,
        progress: Callable[[int, int], None] | None,
        name: str = "<data>",
        last_year: LastYearSource | None = None,
        over_periods: OverPeriods | None = None,
        rows_only: bool = False,
    ) -> Stream:
        ledger = self._carried_in(carried_in)
        previous = self._last_year(last_year)
        expected = None
        if isinstance(units, (str, os.PathLike)):
            records, close = file_records(units)
            name = os.fspath(units)
            if progress is not None:
                expected = _count_records(units)
        else:
            records, close = iter(units), _nothing
        try:
            return Stream(
                self.schema,
                self.title,
                records,
                file=name,
                period=period,
                carried_in=ledger,
                ledger_file=_ledger_name(carried_in),
                progress=progress,
                expected=expected,
                last_year=previous,
                over_periods=over_periods,
                rows_only=rows_only,
            )
        except PeriodError as exc:
            raise DataError([DataProblem("<period>", None, None, str(exc))]) from None
        finally:
            close()

    def parcel(self) -> Parcel:
        """The policy as a task of a partitioned evaluation carries it to another process or machine."""
        names = tuple(sorted(self.schema.names.items()))
        return Parcel(self.effective, names, self.title, self.sha256, self.source_hashes)

    def evaluate_parts(
        self,
        units: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Iterable[Mapping[str, Any]],
        *,
        jobs: int = 1,
        parts: int | None = None,
        period: str | None = None,
        carried_in: LedgerSource | None = None,
        render: Render | None = None,
        progress: Callable[[int, int], None] | None = None,
        last_year: LastYearSource | None = None,
    ) -> Outcome:
        """Evaluate as `stream` does, the data cut into `parts` (by default `jobs`) run by `jobs` processes.

        `units` is a JSON Lines or CSV file (cut by byte ranges; a CSV file whose rows may span lines is
        read here and cut into runs of records, as `Outcome.notes` says), several of them or a folder of
        them (cut one after another), or an iterable of unit mappings (cut into runs of records). The
        results are those of one process — `stream`'s for one file, `evaluate`'s for several — in the
        same order, and so are the problems raised (DataError, EvaluationError), whatever the number of
        parts or processes: for several files, a problem is reported as one process reading them all
        reports it. `render`, a picklable function of a UnitResult and the categories of the classes
        assessed, is applied where each unit is finished (the results are then what it returns); one that
        reads only what a table row shows (with a true `rows`: `office.tables.CsvLine`) is given the row the
        first pass kept of a unit whose class has no award and no commendation, which is not scored again.
        `progress(done, total)` is called a few times a second with the units done over every pass
        (with `jobs` > 1).
        """
        return self._parts(
            units,
            jobs=jobs,
            parts=parts,
            period=period,
            carried_in=carried_in,
            render=render,
            progress=progress,
            last_year=last_year,
        )

    @in_context
    def evaluate_parts_over_periods(
        self,
        data: Mapping[str, Any],
        *,
        jobs: int = 1,
        parts: int | None = None,
        carried_in: LedgerSource | None = None,
        render: Render | None = None,
        progress: Callable[[int, int], None] | None = None,
        last_year: LastYearSource | None = None,
    ) -> Outcome:
        """`evaluate_over_periods` with the last period's data cut into parts, as `evaluate_parts` cuts them:
        results identical to `stream_over_periods` (and to `evaluate_over_periods(data, explain=False)`), and
        the same problems. The periods before the last are read whole, and the weighted measures' earlier
        scores go to every part."""
        previous = self._last_year(last_year)
        over, last = self._earlier_periods(data, explain=False, last_year=previous)
        return self._parts(
            data[last],
            jobs=jobs,
            parts=parts,
            period=last,
            carried_in=carried_in,
            render=render,
            progress=progress,
            last_year=previous,
            over_periods=over,
        )

    def _parts(
        self,
        units: Any,
        *,
        jobs: int,
        parts: int | None,
        period: str | None,
        carried_in: LedgerSource | None,
        render: Render | None,
        progress: Callable[[int, int], None] | None,
        last_year: LastYearSource | None = None,
        over_periods: OverPeriods | None = None,
    ) -> Outcome:
        ledger = self._carried_in(carried_in)
        previous = self._last_year(last_year)
        count = max(1, parts if parts is not None else jobs)
        cut, name, files = self._cut(units, count, period=period, carried_in=carried_in, last_year=last_year)
        job = Job(name, period, tuple(ledger), _ledger_name(carried_in), last_year=previous, over_periods=over_periods)
        try:
            if jobs <= 1:
                outcome = evaluate_in_parts(
                    self.parcel(), self.schema, job, cut.chunks, InProcess(), before=cut.before, render=render
                )
            else:
                outcome = self._in_processes(job, cut, jobs, render, progress)
        except (DataError, EvaluationError):
            if files is not None:  # reported as one process reports them, reading every file
                self._as_one_process(
                    files, period=period, carried_in=carried_in, last_year=last_year, over_periods=over_periods
                )
            raise
        outcome.notes = cut.notes
        return outcome

    def _cut(
        self,
        units: Any,
        count: int,
        *,
        period: str | None,
        carried_in: LedgerSource | None,
        last_year: LastYearSource | None = None,
    ) -> tuple[Cut, str, list[str | os.PathLike[str]] | None]:
        """The data cut into `count` parts, the name messages give them, and their files when several;
        the data's problems first, then the period's, as a stream reports them."""
        files = several(units)
        if files is None:
            name = printable(os.fspath(units)) if isinstance(units, (str, os.PathLike)) else "<data>"
            cut = chunks_of(units, name, count)
        elif not files.clean:  # a folder holding what is no data, a file given twice
            self._as_one_process(files.given, period=period, carried_in=carried_in, last_year=last_year)
            raise RuntimeError("one process reading the data files found nothing wrong where the cutting did")
        else:
            shown = [printable(f) for f in files.files]
            cut, name = files_cut(files.files, shown, count, named=True), ", ".join(shown)
        try:
            period_months(self.schema, period)
        except PeriodError as exc:
            raise DataError([DataProblem("<period>", None, None, str(exc))]) from None
        return cut, name, None if files is None else files.given

    def _in_processes(
        self, job: Job, cut: Cut, jobs: int, render: Render | None, progress: Callable[[int, int], None] | None
    ) -> Outcome:
        from targetdsl.scaling.pool import Pool, watched

        with Pool(jobs) as pool:
            job = attrs.evolve(job, spool_dir=pool.folder, counted=progress is not None)
            with watched(pool.folder, cut.count * stream_passes(self.schema), progress):
                return evaluate_in_parts(
                    self.parcel(), self.schema, job, cut.chunks, pool, before=cut.before, render=render
                )

    def _as_one_process(
        self,
        files: list[str | os.PathLike[str]],
        *,
        period: str | None,
        carried_in: LedgerSource | None,
        last_year: LastYearSource | None = None,
        over_periods: OverPeriods | None = None,
    ) -> None:
        """Raise several files' problems as one process reports them, reading them all and evaluating
        (nothing is raised when it finds none)."""
        if over_periods is None:
            self.evaluate(files, period=period, carried_in=carried_in, explain=False, last_year=last_year)
            return
        # the last period's, of a policy weighting measures over the periods
        previous = self._last_year(last_year)
        final = self.load_units(files, last_year=previous)
        self._evaluate(
            final, period=period, carried_in=carried_in, explain=False, last_year=previous, over_periods=over_periods
        )

    @in_context
    def evaluate_periods(self, data: Mapping[str, UnitsSource]) -> PeriodCombination:
        """Evaluate each weighted period on its own data and combine the totals by the policy's weights.

        `data` maps every period the policy weights, and nothing else, to that period's unit data.
        Raises DataError when a period is missing or unknown (before anything is evaluated), when a
        unit is missing from a period or changes class, or when the policy weights no periods.
        """
        weights = [(p.name, p.weight) for p in self.schema.periods if p.weight is not None]
        if not weights:
            raise DataError([DataProblem("<periods>", None, None, "the policy gives its periods no weights")])
        if self.schema.weighted:
            raise DataError(
                [
                    DataProblem(
                        "<periods>",
                        None,
                        None,
                        "the policy weights measures over its periods, not their totals: `evaluate_over_periods` "
                        "gives the year's result",
                    )
                ]
            )
        problems = unweighted(weights, data)
        if problems:  # before any period is evaluated
            raise DataError(problems)
        assessments = {name: self.evaluate(units, period=name) for name, units in data.items()}
        rounding = self.schema.rounding
        return combine(weights, assessments, places=rounding.places, mode=rounding.mode)

    @in_context
    def evaluate_over_periods(
        self,
        data: Mapping[str, UnitsSource],
        *,
        carried_in: LedgerSource | None = None,
        explain: bool = True,
        last_year: LastYearSource | None = None,
    ) -> Assessment:
        """Weights per indicator (`for M, …` in `periods`): the year's result, each measure the periods weight
        scored on every period's data and given the weighted sum of its period scores, everything else
        decided on the last period's data.

        `data` maps every period the policy weights, and nothing else, to that period's unit data; the
        data of a period before the last give the units, their inputs and the weighted measures alone.
        Raises DataError when a period is missing or unknown (before anything is evaluated), when a unit
        is missing from a period or changes class, or when the policy weights no measures over its periods.
        `carried_in` (last year's ledger) and `last_year` (last year's results) are as for `evaluate`: the
        ledger is the last period's, the results are read by every period's inputs `from last year`.
        """
        previous = self._last_year(last_year)
        over, last = self._earlier_periods(data, explain=explain, last_year=previous)
        final = self.load_units(data[last], last_year=previous)
        year = self._evaluate(
            final, period=last, carried_in=carried_in, explain=explain, last_year=previous, over_periods=over
        )
        return attrs.evolve(year, weighted=tuple(p.name for p in self.schema.periods if p.weight is not None))

    def _earlier_periods(
        self, data: Mapping[str, UnitsSource], *, explain: bool, last_year: LastYear | None
    ) -> tuple[OverPeriods, str]:
        """Weights per indicator: the weighted measures scored on the data of every period before the last,
        period after period (each period's problems raised at once), and the last period's name.

        Every path reads the periods in this order: the earlier periods (their data, then their scores),
        then the last period's data, then whether every unit is in every period (`OverPeriods.problems`),
        then the last period's evaluation."""
        weights = [(p.name, p.weight) for p in self.schema.periods if p.weight is not None]
        if not weights or not self.schema.weighted:
            raise DataError(
                [DataProblem("<periods>", None, None, "the policy weights no measures over its periods (`for …`)")]
            )
        problems = unweighted(weights, data)
        if problems:  # before any period is evaluated
            raise DataError(problems)
        only = frozenset(self.schema.weighted)
        (last, last_weight), earlier_periods = weights[-1], weights[:-1]
        earlier: dict[str, dict[str, list[PeriodResult]]] = {name: {} for name in only}
        members = []
        for name, weight in earlier_periods:
            units = self.load_units(data[name], only=only, last_year=last_year)
            members.append((name, tuple((unit.id, unit.unit_class) for unit in units)))
            engine = Engine(self.schema, self.title, period=name, carried_in=[], explain=True)
            engine.on_demand, engine.explain = False, True
            for spec in self.schema.classes.values():
                ranked = sorted((u for u in units if u.unit_class == spec.name), key=lambda u: u.id)
                for measure, results in engine.score_measures(spec, ranked, only, explain=explain).items():
                    for unit_id, result in results.items():
                        earlier[measure].setdefault(unit_id, []).append(PeriodResult(name, weight, result))
            if engine.problems:
                raise EvaluationError(sorted(engine.problems, key=lambda p: (p.unit, str(p.span))))
        scores = {m: {u: tuple(r) for u, r in by_unit.items()} for m, by_unit in earlier.items()}
        return OverPeriods(last, last_weight, scores, tuple(members)), last

    def _carried_in(self, source: LedgerSource | None, *, year: int | None = None) -> list[tuple[str, AwardWon]]:
        """Last year's ledger, checked; `year` is the assessment's when it is not the policy's."""
        if source is None:
            return []
        year = self.schema.year if year is None else year
        if isinstance(source, (str, os.PathLike)):
            return load_ledger(self.schema, read_document(source), os.fspath(source), year=year)
        if isinstance(source, Mapping):
            return load_ledger(self.schema, source, "<ledger>", year=year)
        # An assessment's ledger, or a bare list of its entries, is checked like a file: a bare list
        # is taken to be last year's, so an award dated in this year's late window is refused.
        document: Any = source  # anything else is refused by load_ledger: not a ledger
        if isinstance(source, Assessment):
            document = source.ledger_json()
        elif isinstance(source, (list, tuple)):
            document = {"year": None if year is None else year - 1, "carry_over": [to_json(entry) for entry in source]}
        return load_ledger(self.schema, document, "<ledger>", year=year)

    def _last_year(self, source: LastYearSource | None) -> LastYear | None:
        """Last year's results, checked; none given is an error when an input must read them (one declared
        `from last year` whose missing rule is `error`)."""
        if source is not None:
            return load_last_year(self.schema, source)
        needed = [
            name
            for name, spec in self.schema.unit_inputs.items()
            if spec.last_year is not None and spec.missing == "error"
        ]
        if needed:
            names = ", ".join(needed)
            raise DataError(
                [
                    DataProblem(
                        "<last year>",
                        None,
                        None,
                        f"the policy reads last year's results ({names}) and none were given: "
                        "give the results file last year's evaluation wrote (--last-year)",
                        code="data.last-year",
                    )
                ]
            )
        return None

    def plan(self, *, period: str | None = None, unit_class: str | None = None) -> Plan:
        """The policy lowered to named quantities, per class in evaluation order, each with the pass of a
        partitioned evaluation it belongs to and the evaluator that takes it when nothing is explained
        (with the reason a faster one declines it). Raises PeriodError for an unknown period and
        KeyError for an unknown class."""
        return make_plan(self.schema, self.title, period=period, only=unit_class)

    @property
    def title(self) -> str:
        return self.effective.header.title if self.effective.header else ""

    @property
    def year(self) -> int | None:
        header = self.effective.header
        return header.year.value if header and header.year else None

    @property
    def files(self) -> tuple[str, ...]:
        """The files of the `extends` chain, the root ancestor first."""
        return self.effective.files

    @property
    def shown(self) -> Shown:
        """How `targetdsl evaluate` writes computed figures in CSV and JSON Lines: to this policy's places,
        by its mode (`rounding`), where they have more decimals. Give it to `csv_line`, `jsonl_line`,
        `render_csv` or `unit_json` to write the same bytes."""
        rounding = self.schema.rounding
        return Shown(rounding.places, rounding.mode)


def data_paths(data: Any) -> list[str | os.PathLike[str]] | None:
    """The files to gather when `data` names several (a list of paths) or a folder; None otherwise."""
    if isinstance(data, (str, os.PathLike)):
        return [data] if os.path.isdir(data) else None
    if isinstance(data, (list, tuple)) and data and all(isinstance(p, (str, os.PathLike)) for p in data):
        return list(data)
    return None


def _report(loaded: Loaded) -> Report:
    diagnostics = list(loaded.diagnostics)
    if loaded.effective is not None:
        diagnostics.extend(check(loaded.effective))
    diagnostics.sort(key=sort_key)
    return Report(tuple(diagnostics), loaded.sources, loaded.comments, loaded.effective)


@in_context
def check_path(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Report:
    """Load and check a policy file (and the files it extends, none outside `root`: by default the
    policy's own directory)."""
    return _report(load_path(path, root=root))


@in_context
def check_text(
    text: str,
    *,
    name: str = "<policy>",
    base: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    opened: Mapping[Path, str] | None = None,
) -> Report:
    """Check policy text; `extends` paths are resolved against the directory `base`, and no
    extended file may lie outside `root` (by default `base` itself). `opened`: the text of files open
    in an editor, by resolved path, read instead of the disk when the policy extends them."""
    return _report(load_text(text, name, base=base, root=root, opened=opened))


def _policy(report: Report) -> Policy:
    if not report.ok or report.effective is None:
        raise PolicyError(report.diagnostics, report.sources)
    effective = report.effective
    files = [f for f in effective.files if f in report.sources]
    entry = Path(files[-1]) if files else None
    names = {f: _stable_name(f, entry) for f in files}
    hashes = tuple((names[f], sha256_text(report.sources[f])) for f in files)
    return Policy(
        effective,
        report.warnings,
        report.sources,
        build_schema(effective, names),
        sha256_text(canonical_policy(effective)),
        hashes,
    )


def _stable_name(file: str, entry: Path | None) -> str:
    """A source file's name that does not depend on the working directory: relative to the entry policy."""
    path = Path(file)
    if entry is None or not path.is_file() or not entry.is_file():
        return file
    return os.path.relpath(path.resolve(), entry.resolve().parent).replace(os.sep, "/")


@in_context
def load_policy(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Policy:
    """Load, resolve and check a policy file.

    No file of the `extends` chain may lie outside `root`, by default the directory of `path`
    (its whole tree): pass a wider `root` to extend policies elsewhere.
    Raises PolicyError (with every diagnostic) if the policy has errors.
    """
    return _policy(check_path(path, root=root))


@in_context
def load_referenced_policy(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Policy:
    """`load_policy` for a path read from another file (a test file, a record): the file must be a
    .tdsl policy, and one that is not is reported without quoting any of it."""
    return _policy(_report(load_path(path, root=root, referenced=True)))


@in_context
def parse_policy(
    text: str,
    *,
    name: str = "<policy>",
    base: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
) -> Policy:
    """Parse and check policy text (`base` and `root` as for `check_text`). Raises PolicyError if it has errors."""
    return _policy(check_text(text, name=name, base=base, root=root))


def weight_variants(base: Policy, grid: Sequence[Weights]) -> list[tuple[str, Policy]]:
    """The variants of `base` a grid of category weights gives (`sweep.weight_grid`: each class's candidate
    weights crossed with the other classes'), each named by its weights and checked as any policy: a
    variant whose weights do not add up is a PolicyError naming it. Raises GridError for a grid that names
    no class of the policy or gives a class the wrong number of weights."""
    variants = []
    for name, declarations in weight_grid(base.effective.declarations, grid):
        varied = attrs.evolve(base.effective, declarations=tuple(declarations))
        variants.append((name, parse_policy(canonical_policy(varied), name=name)))
    return variants


def _as_policy(policy: Policy | str | os.PathLike[str], root: str | os.PathLike[str] | None) -> Policy:
    return policy if isinstance(policy, Policy) else load_policy(policy, root=root)


@in_context
def diff_policies(
    old: Policy | str | os.PathLike[str],
    new: Policy | str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    keywords: Language = Language.ENGLISH,
) -> PolicyDiff:
    """The semantic difference between two policies (their effective forms, after `extends`);
    `root` as for `load_policy` when they are given as paths; the policy text the changes quote is
    printed with `keywords` (English, as JSON carries it, unless Chinese is asked for)."""
    return diff_effective(_as_policy(old, root).effective, _as_policy(new, root).effective, keywords=keywords)


def _ledger_name(source: LedgerSource | None) -> str:
    """How problems with carried-in awards name the ledger."""
    return os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<carry-in>"


@in_context
def impact(
    old: Policy | str | os.PathLike[str],
    new: Policy | str | os.PathLike[str],
    units: UnitsSource,
    *,
    period: str | None = None,
    carried_in: LedgerSource | None = None,
    root: str | os.PathLike[str] | None = None,
) -> Impact:
    """Evaluate both policies on the same units and compare unit by unit.

    Data that one version does not declare (e.g. an input the new version
    adds) is ignored for that version and listed in the result.
    """
    before, after = _as_policy(old, root), _as_policy(new, root)
    ignored_old: list[DataProblem] = []
    ignored_new: list[DataProblem] = []
    old_units = before.load_units(units, lenient=True, ignored=ignored_old)
    new_units = after.load_units(units, lenient=True, ignored=ignored_new)
    # One data set, one assessment year: the new version's (the old one is read leniently).
    year = after.schema.year
    old_assessment = before._evaluate(old_units, period=period, carried_in=carried_in, year=year)
    new_assessment = after._evaluate(new_units, period=period, carried_in=carried_in, year=year)
    return compare(
        old_assessment,
        new_assessment,
        old_top=before.schema.grades[0].name if before.schema.grades else None,
        new_top=after.schema.grades[0].name if after.schema.grades else None,
        ignored_by_old=ignored_old,
        ignored_by_new=ignored_new,
    )


@in_context
def verify_record(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> list[str]:
    """Re-run a result record; every way it fails to reproduce (empty when it verifies).

    Every file the record names is checked against its SHA-256 before anything is parsed, so a
    record cannot make anything but a recorded file be read as a policy or as data. `root` is as
    for `load_policy`; when given, every file the record names must lie under it too. Raises
    RecordError (a ValueError) naming the file and the field when the file is not a well-formed record.
    """
    record = read_record(path)
    if record["record"] != RECORD_VERSION:
        return [f"unknown record version {record['record']!r}"]
    base = resolve(path).parent
    data, carry, previous = record["data"], record["carry_in"], record.get("last_year")
    problems: list[str] = []
    try:
        allowed = None if root is None else resolve(root)
    except FileReadError as exc:
        return [f"the allowed directory `{printable(os.fspath(root or ''))}` {exc.reason}"]
    for entry in record["policy"]["files"]:
        problems.extend(_file_changes(entry, base, sha256_policy_file, allowed))
    for entry in [data, *([carry] if carry else []), *([previous] if previous else [])]:
        problems.extend(_file_changes(entry, base, sha256_file, allowed))
    if problems:
        return problems
    try:
        policy = load_referenced_policy(base / record["policy"]["path"], root=root)
        assessment = policy.evaluate(
            base / data["path"],
            period=record["period"],
            carried_in=base / carry["path"] if carry else None,
            last_year=base / previous["path"] if previous else None,
        )
    except (PolicyError, DataError, EvaluationError) as exc:
        return [f"the recorded evaluation no longer runs: {exc}"]
    if policy.sha256 != record["policy"]["sha256"]:
        problems.append("the effective policy differs from the recorded one (canonical SHA-256 differs)")
    if sha256_text(canonical_json(record["result"])) != record["result_sha256"]:
        problems.append("the recorded result does not match the record's own SHA-256: the record was edited")
    result = assessment.to_json()
    if canonical_json(result) != canonical_json(record["result"]):
        problems.append("the result differs from the recorded one:")
        problems.extend("  " + line for line in differences(record["result"], result))
    return problems


def _file_changes(entry: dict[str, str], base: Path, digest: Callable[[Path], str], allowed: Path | None) -> list[str]:
    shown = printable(entry["path"])
    try:
        if allowed is not None and not resolve(base / entry["path"]).is_relative_to(allowed):
            return [f"{shown}: lies outside the allowed directory `{printable(str(allowed))}`"]
        actual = digest(base / entry["path"])
    except FileReadError as exc:
        return [f"{shown}: missing" if exc.problem is FileProblem.MISSING else f"{shown}: {exc.reason}"]
    except UnicodeDecodeError:
        return [f"{shown}: changed since the record was written (no longer UTF-8 text)"]
    if actual != entry["sha256"]:
        return [f"{shown}: changed since the record was written (SHA-256 differs)"]
    return []


def _nothing() -> None:
    pass


def _count_records(path: str | os.PathLike[str]) -> int | None:
    """How many units a JSON Lines or CSV file holds, counted by lines (for a progress bar)."""
    try:
        lines = sum(block.count(b"\n") for block in chunks(path, limit=None))
    except FileReadError:
        return None
    return lines - 1 if Path(path).suffix.lower() == ".csv" else lines
