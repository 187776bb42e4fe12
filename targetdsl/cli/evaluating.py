"""The commands that evaluate unit data: `evaluate` (in memory, streamed from .jsonl or .csv data in
bounded memory, or cut into parts for --jobs N and --engine dask; a table, JSON, JSON Lines, CSV or the
results workbook, with the carry-over ledger and a record), `explain` (one unit, from a stream when it
can), `periods` (the periods' totals combined by their weights, or the year's result of a policy
weighting measures over its periods) and `report` (the HTML report, or the score cards).

It must not compute anything the API does not: every figure comes from `Policy`."""

from __future__ import annotations

import argparse
import csv
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from targetdsl.api import Policy, load_policy
from targetdsl.audit.explain import render_json, render_text
from targetdsl.audit.record import make_record
from targetdsl.cli.inputs import _check_period, _data_paths, _missing_files, _units
from targetdsl.cli.output import (
    _LANGUAGE,
    _NOTE_WORDS,
    _WARNING_WORDS,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    _bom,
    _deliver,
    _emit,
    _error,
    _json,
    _progress,
    _report,
    _say,
    _write,
)
from targetdsl.diagnostics import PolicyError
from targetdsl.evaluation.engine import commending
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.evaluation.results import Assessment, UnitResult, unit_json
from targetdsl.invocation import UsageError, output_format, refuse_misplaced, refuse_suffix, refuse_unwritable
from targetdsl.office.publication import edition
from targetdsl.office.tables import (
    CsvLine,
    csv_header,
    csv_row,
    jsonl_line,
    period_table,
    render_assessment,
    render_csv,
)
from targetdsl.office.workbook import results_workbook
from targetdsl.outputs import csv_cell, visible, visible_inline, workbook_bytes, write_with
from targetdsl.scaling.cutting import UncutFileError
from targetdsl.scaling.cutting import several as cut_files
from targetdsl.scaling.parcels import LostPartError
from targetdsl.scaling.stream import STREAMED, stream_passes
from targetdsl.source import printable
from targetdsl.units.data import nearest
from targetdsl.values import DataError


def _assess(args: argparse.Namespace, *, explain: bool = True) -> Assessment | int:
    assessed = _assess_by_policy(args, explain=explain)
    return assessed if isinstance(assessed, int) else assessed[1]


def _assess_by_policy(args: argparse.Namespace, *, explain: bool = True) -> tuple[Policy, Assessment] | int:
    """The policy and its evaluation of the data, or the exit code after reporting why there is none."""
    refuse_misplaced([args.policy], _data_paths(args))
    if _missing_files([args.policy, *_data_paths(args)], folders=args.data):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
        _check_period([policy], args.period)
        _note_one_period(args, policy)
        bar = _progress(args)
        try:
            if bar is not None:
                bar.reading(args.data)
            return policy, policy.evaluate(
                _units(args),
                period=args.period,
                carried_in=args.carry_in,
                progress=bar,
                explain=explain,
                last_year=args.last_year,
            )
        finally:
            if bar is not None:
                bar.close()
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
    return EXIT_FAILED


def run_evaluate(args: argparse.Namespace) -> int:
    refuse_misplaced([args.policy], _data_paths(args))
    if args.record and (len(args.data) != 1 or os.path.isdir(args.data[0])):
        raise UsageError("--record records one data file: gather the units into one file, or leave --record out")
    args.format = output_format(args.format, args.output)
    if (args.office or args.date) and args.format != "xlsx":
        raise UsageError("--office and --date are printed on the results workbook: write it with -o FILE.xlsx")
    refuse_unwritable(
        [("-o", args.output), ("--ledger", args.ledger), ("--record", args.record)], [args.policy, *_data_paths(args)]
    )
    if args.jobs > 1 or args.engine == "dask" or args.scheduler:
        return _evaluate_in_parts(args)
    streamed = _evaluate_streamed(args)
    if streamed is not None:
        return streamed
    assessed = _assess_by_policy(args, explain=args.format in ("json", "jsonl") and args.explain)
    if isinstance(assessed, int):
        return assessed
    policy, assessment = assessed
    # everything is rendered before the first file is written: a failure leaves no file behind
    result: str | bytes
    language = _LANGUAGE.get()
    if args.format == "xlsx":
        issue = edition(policy, office=args.office, date=args.date, lang=language.value)
        result = workbook_bytes(results_workbook(assessment, issue))
    elif args.format == "json":
        result = _json(assessment.to_json(explanations=args.explain))
    elif args.format == "jsonl":
        shown = policy.shown
        result = "".join(
            _json(unit_json(unit, explanations=True, shown=shown), indent=None)
            if args.explain
            else jsonl_line(unit, shown=shown)
            for unit in assessment.units
        )
    elif args.format == "csv":
        result = _bom(args) + visible(render_csv(assessment, language=language, shown=policy.shown))
    else:
        result = visible(render_assessment(assessment, language=language))
    ledger = _json(assessment.ledger_json()) if args.ledger else None
    record = None
    if args.record:
        record = _json(
            make_record(
                record_path=Path(args.record),
                policy_path=args.policy,
                data_path=args.data[0],
                carry_in=args.carry_in,
                period=args.period,
                result=assessment.to_json(),
                last_year=args.last_year,
            ),
            indent=1,
        )
    if isinstance(result, bytes):
        write_with(args.output, lambda handle: handle.write(result))
    else:
        _write(result, args.output)
    for text, path in ((ledger, args.ledger), (record, args.record)):
        if text is not None:
            _write(text, path)
    return EXIT_OK


def _evaluate_streamed(args: argparse.Namespace) -> int | None:
    """csv or jsonl results from .jsonl or .csv data, streamed; None when this evaluation is done in memory
    instead (other formats, --record or --explain)."""
    if (
        args.format not in ("csv", "jsonl")
        or len(args.data) != 1
        or Path(args.data[0]).suffix.lower() not in STREAMED
        or args.record
        or args.explain
    ):
        return None
    inputs = [args.policy, *args.data] + [p for p in (args.carry_in, args.last_year) if p]
    if _missing_files(inputs):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
        _check_period([policy], args.period)
        _note_one_period(args, policy)
        bar = _progress(args, passes=stream_passes(policy.schema))
        try:
            with policy.stream(
                args.data[0],
                period=args.period,
                carried_in=args.carry_in,
                progress=bar,
                last_year=args.last_year,
                rows_only=args.format == "csv",  # a CSV is written from `rows()` alone
            ) as results:
                _deliver(
                    args, functools.partial(_emit_stream, args, policy, results), policy.schema.year, results.ledger
                )
        finally:
            if bar is not None:
                bar.close()
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    return EXIT_OK


def _evaluate_in_parts(args: argparse.Namespace) -> int:
    """--jobs N or --engine dask: the data cut into parts, evaluated by several processes or a cluster,
    written as one process writes them."""
    option = "--engine dask" if args.engine == "dask" else "--jobs"
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler is the address of a Dask scheduler: give --engine dask too")
    url = args.engine == "dask" and len(args.data) == 1 and "://" in args.data[0]
    several = len(args.data) > 1 or os.path.isdir(args.data[0])
    if (
        args.format not in ("csv", "jsonl")
        or (not several and Path(args.data[0]).suffix.lower() not in STREAMED)
        or args.record
        or args.explain
    ):
        raise UsageError(
            f"{option} writes csv or jsonl results (-o FILE.csv, FILE.jsonl or --format) from .jsonl or .csv data "
            "files (or a folder of them), without --record or --explain; leave it out for the others"
        )
    inputs = [args.policy] + ([] if url else args.data) + [p for p in (args.carry_in, args.last_year) if p]
    if _missing_files(inputs, folders=args.data):
        return EXIT_USAGE
    bar = None
    try:
        if several:  # before a cluster is started for nothing
            cut_files(_units(args))
        policy = load_policy(args.policy, root=args.root)
        _check_period([policy], args.period)
        _note_one_period(args, policy)
        render = _renderer(args, policy)
        if args.engine == "dask":
            from targetdsl.dask import evaluate_file, missing_extra

            if missing_extra() is not None:
                raise UsageError(str(missing_extra()))
            outcome = evaluate_file(
                policy,
                _units(args),
                scheduler=args.scheduler,
                workers=args.jobs,
                period=args.period,
                carried_in=args.carry_in,
                render=render,
                last_year=args.last_year,
            )
        else:
            bar = _progress(args, passes=stream_passes(policy.schema))
            outcome = policy.evaluate_parts(
                _units(args),
                jobs=args.jobs,
                period=args.period,
                carried_in=args.carry_in,
                render=render,
                progress=bar,
                last_year=args.last_year,
            )
    except UncutFileError as exc:
        raise UsageError(
            f"{option} reads .jsonl and .csv data files, not {printable(exc.file)}; leave {option} out to evaluate "
            "it in one process"
        ) from None
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    except LostPartError as exc:  # a worker or a spool file lost between passes: nothing written
        _error(str(exc))
        return EXIT_FAILED
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        for note in outcome.notes:
            sys.stderr.write(visible_inline(f"targetdsl: {_NOTE_WORDS[_LANGUAGE.get()]}{_say(note)}") + "\n")

    _deliver(args, functools.partial(_emit_outcome, args, policy, outcome), policy.schema.year, outcome.ledger)
    return EXIT_OK


def _commends(policy: Any) -> bool:
    """Whether the policy declares a commendation: then CSV has a column naming each unit's."""
    return bool(commending(policy.schema))


def _renderer(args: argparse.Namespace, policy: Any) -> Callable[..., str]:
    """How a part renders each unit it finishes: a CSV line (with the policy's columns), or a JSON line."""
    if args.format == "csv":
        return CsvLine(_LANGUAGE.get(), _commends(policy), policy.shown)
    return functools.partial(jsonl_line, shown=policy.shown)


def _emit_stream(args: argparse.Namespace, policy: Any, results: Any, output: Any) -> None:
    """A stream's results as csv (a column per category of the classes assessed) or jsonl."""
    if args.format == "csv":
        categories = list(
            dict.fromkeys(
                c.name
                for name, spec in policy.schema.classes.items()
                if results.standings[name]
                for c in spec.categories
            )
        )
        writer = csv.writer(output, lineterminator="\n")
        language = _LANGUAGE.get()
        commended = _commends(policy)
        writer.writerow(csv_cell(c) for c in csv_header(categories, language=language, commendations=commended))
        shown = policy.shown
        for unit in results.rows():  # what each row shows: kept from scoring where nothing else is decided
            writer.writerow(csv_row(unit, categories, language=language, commendations=commended, shown=shown))
    else:
        shown = policy.shown
        for unit in results:
            output.write(jsonl_line(unit, shown=shown))


def _emit_outcome(args: argparse.Namespace, policy: Any, outcome: Any, output: Any) -> None:
    """A partitioned evaluation's lines, rendered where each unit was finished, under csv's header."""
    if args.format == "csv":
        header = csv_header(outcome.categories, language=_LANGUAGE.get(), commendations=_commends(policy))
        csv.writer(output, lineterminator="\n").writerow(csv_cell(c) for c in header)
    for line in outcome.results:
        output.write(line)


def run_explain(args: argparse.Namespace) -> int:
    if len(args.data) == 1 and Path(args.data[0]).suffix.lower() in STREAMED:
        return _explain_streamed(args)
    assessment = _assess(args)
    if isinstance(assessment, int):
        return assessment
    try:
        unit = assessment.unit(args.unit)
    except KeyError:
        return _no_unit(args, [(u.id, u.name) for u in assessment.units])
    _show_explained(args, unit, assessment.ranked_with(unit.unit_class))
    return EXIT_OK


def _explain_streamed(args: argparse.Namespace) -> int:
    """One unit of a .jsonl or .csv file explained from a stream: memory bounded by the stream's, not by
    every unit's results, the rest of the units evaluated without explanations."""
    refuse_misplaced([args.policy], _data_paths(args))
    inputs = [args.policy, *args.data] + [p for p in (args.carry_in, args.last_year) if p]
    if _missing_files(inputs):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
        _check_period([policy], args.period)
        _note_one_period(args, policy)
        bar = _progress(args, passes=stream_passes(policy.schema))
        try:
            with policy.stream(
                args.data[0], period=args.period, carried_in=args.carry_in, progress=bar, last_year=args.last_year
            ) as results:
                try:
                    unit = results.explain(args.unit)
                except KeyError:
                    return _no_unit(args, [(unit_id, name) for unit_id, name, _ in results.units()])
                ranked_with = results.ranked_with(unit.unit_class)
        finally:
            if bar is not None:
                bar.close()
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    _show_explained(args, unit, ranked_with)
    return EXIT_OK


def _no_unit(args: argparse.Namespace, units: list[tuple[str, str]]) -> int:
    named = [unit_id for unit_id, name in units if name == args.unit]
    if named:
        hint = f"; {args.unit} is the name of unit {named[0]}: give its id"
    else:  # ids keep their case (c01 and C01 are two), but a reader means the one that exists
        hint = nearest(args.unit, [unit_id for unit_id, _ in units], cutoff=0.8)
    known = ", ".join(unit_id for unit_id, _ in units[:10])
    _error(f"no unit `{args.unit}` in {', '.join(args.data)}{hint} (units: {known}, …)")
    return EXIT_USAGE


def _show_explained(args: argparse.Namespace, unit: UnitResult, ranked_with: int) -> None:
    if args.format == "json":
        sys.stdout.write(_json(render_json(unit)))
    else:
        _emit(render_text(unit, ranked_with, language=_LANGUAGE.get()))


def run_periods(args: argparse.Namespace) -> int:
    pairs = [item.partition("=") for item in args.data]
    bad = [item for item, (name, sep, path) in zip(args.data, pairs, strict=True) if not (name and sep and path)]
    if bad:
        _error(f"write each period as PERIOD=DATA, not {bad[0]}")
        return EXIT_USAGE
    given: dict[str, str] = {}
    for name, _, path in pairs:
        if name in given:
            raise UsageError(f"period {name} given twice ({name}={given[name]}, {name}={path}): give each period once")
        given[name] = path
    read = [*given.values()] + [path for path in (args.carry_in, args.last_year) if path]
    refuse_misplaced([args.policy], read)
    args.format = output_format(args.format, args.output)
    if args.format == "xlsx":
        raise UsageError("periods writes a table, json, jsonl or csv; `targetdsl evaluate` writes a workbook")
    refuse_unwritable([("-o", args.output)], [args.policy, *read])
    if _missing_files([args.policy, *read], folders=list(given.values())):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
        weights = [(p.name, p.weight) for p in policy.schema.periods if p.weight is not None]
        if weights:
            unknown = [name for name in given if name not in dict(weights)]
            missing = [name for name, _ in weights if name not in given]
            if unknown or missing:
                if unknown:
                    problem = f"{unknown[0]}=…: the policy weights no period {unknown[0]}"
                else:
                    problem = f"no data given for the weighted period {missing[0]}"
                usage = " ".join(f"{name}=DATA" for name, _ in weights)
                raise UsageError(f"{problem}; give each weighted period once: {usage}")
        _same_files(given)
        if policy.schema.weighted:  # weights per indicator: the year's result
            return _over_periods(args, policy, given)
        if args.explain is not None:
            raise UsageError(
                "--explain: the policy weights the periods' totals; explain a unit of one period with "
                "`targetdsl explain POLICY DATA UNIT_ID --period PERIOD`"
            )
        if args.carry_in or args.last_year:
            raise UsageError(
                "--carry-in and --last-year go with the last period's data of a policy weighting measures over its "
                "periods (`for …` in `periods`); this policy weights the periods' totals"
            )
        if args.format in ("jsonl", "csv") or args.jobs > 1:
            raise UsageError(
                "--format jsonl, csv and --jobs give the year's result of a policy weighting measures over its "
                "periods (`for …` in `periods`); this policy weights the periods' totals: use table or json"
            )
        combined = policy.evaluate_periods(given)
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    if args.format == "json":
        _write(_json(combined.to_json()), args.output)
    else:
        _write(visible(period_table(combined, language=_LANGUAGE.get())), args.output)
    return EXIT_OK


def _over_periods(args: argparse.Namespace, policy: Any, given: dict[str, str]) -> int:
    """`periods` for a policy weighting measures over its periods: the year's result, as `evaluate` shows it,
    or one unit's explanation; jsonl and csv streamed (the last period's data a .jsonl or .csv file) or in
    parts (--jobs N), as `evaluate` writes them."""
    language = _LANGUAGE.get()
    if args.format in ("jsonl", "csv"):
        if args.explain is not None:
            raise UsageError("--explain shows one unit: give it with --format table or json")
        return _over_periods_lines(args, policy, given)
    if args.jobs > 1:
        raise UsageError("--jobs writes csv or jsonl results (-o FILE.csv, FILE.jsonl or --format)")
    assessment = policy.evaluate_over_periods(given, carried_in=args.carry_in, last_year=args.last_year)
    if args.explain is not None:
        try:
            unit = assessment.unit(args.explain)
        except KeyError:
            known = ", ".join(u.id for u in assessment.units[:10])
            raise UsageError(f"--explain: no unit `{args.explain}` in the data (units: {known}, …)") from None
        if args.format == "json":
            _write(_json(render_json(unit)), args.output)
        else:
            _write(visible(render_text(unit, assessment.ranked_with(unit.unit_class), language=language)), args.output)
    elif args.format == "json":
        _write(_json(assessment.to_json()), args.output)
    else:
        _write(visible(render_assessment(assessment, language=language)), args.output)
    return EXIT_OK


def _over_periods_lines(args: argparse.Namespace, policy: Any, given: dict[str, str]) -> int:
    """The year's result of a policy weighting measures over its periods as jsonl or csv: the last period's
    data streamed or cut into parts when they are .jsonl or .csv, else evaluated in memory; the same bytes."""
    language = _LANGUAGE.get()
    last = next(p.name for p in reversed(policy.schema.periods) if p.weight is not None)
    data = given[last]
    streamed = os.path.isdir(data) or Path(data).suffix.lower() in STREAMED
    if args.jobs > 1:
        if not streamed:
            raise UsageError(
                f"--jobs reads the last period's data ({last}) from .jsonl or .csv files (or a folder of them), "
                f"not {printable(data)}; leave --jobs out to evaluate it in one process"
            )
        render = _renderer(args, policy)
        outcome = policy.evaluate_parts_over_periods(
            given, jobs=args.jobs, render=render, carried_in=args.carry_in, last_year=args.last_year
        )
        _deliver(args, functools.partial(_emit_outcome, args, policy, outcome), policy.schema.year, ())
    elif streamed and not os.path.isdir(data):
        with policy.stream_over_periods(given, carried_in=args.carry_in, last_year=args.last_year) as results:
            _deliver(args, functools.partial(_emit_stream, args, policy, results), policy.schema.year, ())
    else:
        assessment = policy.evaluate_over_periods(
            given, explain=False, carried_in=args.carry_in, last_year=args.last_year
        )
        if args.format == "csv":
            _write(_bom(args) + visible(render_csv(assessment, language=language, shown=policy.shown)), args.output)
        else:
            lines = "".join(jsonl_line(unit, shown=policy.shown) for unit in assessment.units)
            _write(lines, args.output)
    return EXIT_OK


def _same_files(given: dict[str, str]) -> None:
    """A warning for two periods read from one file: most often a copy of the command line not edited."""
    seen: dict[tuple[int, int], str] = {}
    for name, path in given.items():
        status = os.stat(path)
        key = (status.st_dev, status.st_ino)
        if key in seen:
            sys.stderr.write(
                visible_inline(
                    f"targetdsl: {_WARNING_WORDS[_LANGUAGE.get()]}"
                    + _say(f"periods {seen[key]} and {name} read the same file {path}")
                )
                + "\n"
            )
        seen.setdefault(key, name)


def _note_one_period(args: argparse.Namespace, policy: Any) -> None:
    """A note (unless -q) when the policy weights measures over its periods: what an evaluation of one set
    of data gives is that period's result, not the year's, which `targetdsl periods` gives."""
    if not policy.schema.weighted or getattr(args, "quiet", False):
        return
    names = ", ".join(policy.schema.weighted)
    note = (
        f"the policy weights {names} over its periods: this is one period's evaluation of these data; "
        "`targetdsl periods POLICY PERIOD=DATA …` gives the year's result"
    )
    sys.stderr.write(visible_inline(f"targetdsl: {_NOTE_WORDS[_LANGUAGE.get()]}{_say(note)}") + "\n")


def run_report(args: argparse.Namespace) -> int:
    from targetdsl.office.htmlreport import render
    from targetdsl.office.scorecards import render_cards

    refuse_misplaced([args.policy], _data_paths(args))
    refuse_suffix("-o", args.output, (".html", ".htm"), "the report")
    refuse_unwritable([("-o", args.output)], [args.policy, *_data_paths(args)])
    assessed = _assess_by_policy(args)
    if isinstance(assessed, int):
        return assessed
    policy, assessment = assessed
    issue = edition(policy, office=args.office, date=args.date, lang=_LANGUAGE.get().value)
    _write(visible((render_cards if args.cards else render)(assessment, issue)), args.output)
    if not args.quiet:
        sys.stderr.write(_say(f"wrote {visible(args.output)}") + "\n")
    return EXIT_OK
