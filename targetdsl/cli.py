"""The `targetdsl` command line.

Exit codes: 0 success, 1 the policy (or data) has errors, 2 usage errors
(bad arguments, unreadable paths). Output is deterministic: files are
processed in the order given and diagnostics sorted by position.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from targetdsl import __version__, tester
from targetdsl.api import Report, check_path, diff_policies, impact, load_policy, verify_record
from targetdsl.data import DataError
from targetdsl.diagnostics import PolicyError
from targetdsl.explain import render_json, render_text
from targetdsl.files import FileProblem, FileReadError, open_regular, read_limited
from targetdsl.formatter import FormatError, format_policy
from targetdsl.inheritance import MAX_FILE_BYTES
from targetdsl.interpreter import EvaluationError
from targetdsl.record import RecordError, make_record
from targetdsl.results import Assessment, to_json, unit_json
from targetdsl.source import decode, first_surrogate, printable
from targetdsl.stream import STREAMED, unstreamable
from targetdsl.tables import csv_header, csv_row, render_assessment, render_csv, write_xlsx

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="targetdsl",
        description="Target-management assessment methods as checked policy files.",
    )
    parser.add_argument("--version", action="version", version=f"targetdsl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check",
        help="check policy files and report every problem",
        description="Parse, resolve `extends` and check each policy file. "
        "Exit 0 when clean (warnings allowed), 1 when any file has errors.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="policy files (.tdsl)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    _root_argument(check)
    check.set_defaults(run=run_check)

    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate a policy against unit data",
        description="Score every unit: each class ranked with its category subtotals, bonus, veto and grade, "
        "then the completion table. Exit 1 when the policy or the data has errors (all are listed).",
    )
    _evaluation_arguments(evaluate)
    evaluate.add_argument("--format", choices=("table", "json", "jsonl", "csv", "xlsx"), default="table",
                          help="output format (default: table; xlsx needs -o; jsonl is one unit's results per "
                          "line). csv and jsonl from .jsonl or .csv data are streamed: any number of units, in "
                          "bounded memory")
    evaluate.add_argument("--explain", action="store_true",
                          help="with --format json or jsonl: include every explanation")
    evaluate.add_argument("--ledger", metavar="FILE", help="also write the carry-over ledger for next year")
    evaluate.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    evaluate.add_argument("--record", metavar="FILE", help="also write a record that `targetdsl verify` re-checks")
    evaluate.set_defaults(run=run_evaluate)

    diff = commands.add_parser(
        "diff",
        help="semantic difference between two policies, and its impact on units",
        description="Compare the effective policies (after `extends`) in the domain's terms; layout, comments "
        "and declaration order are not changes. With --data, evaluate both on the same units and report "
        "who gains or loses. Exit 0 when equivalent, 1 when different, 2 on error.",
    )
    diff.add_argument("old", metavar="OLD", help="the earlier policy")
    diff.add_argument("new", metavar="NEW", help="the later policy")
    diff.add_argument("--data", metavar="UNITS", help="unit data to evaluate both policies on")
    diff.add_argument("--period", help="progress check for the impact report")
    diff.add_argument("--carry-in", metavar="LEDGER", help="carry-over ledger for the impact report")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    _root_argument(diff)
    diff.set_defaults(run=run_diff)

    verify = commands.add_parser(
        "verify",
        help="re-run a result record and confirm it byte for byte",
        description="Check the recorded policy and data files against their SHA-256, evaluate again, and "
        "compare the result. Exit 0 when verified, 1 when anything differs (each difference is listed).",
    )
    verify.add_argument("record", metavar="RECORD", help="a record written by `evaluate --record`")
    _root_argument(verify)
    verify.set_defaults(run=run_verify)

    test = commands.add_parser(
        "test",
        help="run the tests written beside policies (*.test.yaml)",
        description="Run every *.test.yaml under the given paths (default: the current directory). A failure "
        "shows expected against actual and the explanation of the actual value. Exit 1 when any test fails.",
    )
    test.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="test files or directories")
    test.add_argument("--format", choices=("text", "json", "junit"), default="text", help="output format")
    test.add_argument("--coverage", action="store_true",
                      help="report which rules, branches, bands and vetoes the tests exercised, and which not")
    _root_argument(test)
    test.set_defaults(run=run_test)

    periods = commands.add_parser(
        "periods",
        help="combine period results into the annual score by the policy's period weights",
        description="Evaluate each weighted period on its own data (targets pro-rated) and rank units on "
        "the weighted sum of their period totals.",
    )
    periods.add_argument("policy", metavar="POLICY", help="policy file (.tdsl)")
    periods.add_argument("data", nargs="+", metavar="PERIOD=DATA", help="each weighted period's unit data")
    periods.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    _root_argument(periods)
    periods.set_defaults(run=run_periods)

    report = commands.add_parser(
        "report",
        help="a self-contained HTML report with charts",
        description="Evaluate and write one static HTML page: summary figures, each class ranked with a chart "
        "of category subtotals, grade distribution, vetoes and causes, the completion table and every unit's "
        "explanation. It needs no network to view and prints on A4.",
    )
    _evaluation_arguments(report)
    report.add_argument("-o", "--output", metavar="FILE.html", required=True, help="the page to write")
    report.set_defaults(run=run_report)

    template = commands.add_parser(
        "template",
        help="generate an Excel data-entry workbook from a policy",
        description="One sheet per unit class, a row per unit, a column per declared input with its display "
        "name, type and allowed range (Excel data validation), locked header rows and an instructions sheet. "
        "A filled workbook is read by `targetdsl evaluate` as it is.",
    )
    template.add_argument("policy", metavar="POLICY", help="policy file (.tdsl)")
    template.add_argument("-o", "--output", metavar="FILE.xlsx", required=True, help="the workbook to write")
    template.add_argument("--class", dest="unit_class", metavar="C", help="only this unit class")
    template.add_argument("--rows", type=int, default=100, help="rows per sheet (default 100)")
    template.add_argument("--items", type=int, default=10, help="item slots per item list (default 10)")
    _root_argument(template)
    template.set_defaults(run=run_template)

    lsp = commands.add_parser(
        "lsp",
        help="run the language server over stdio (for editors)",
        description="A Language Server Protocol server over standard input and output: diagnostics, hover, "
        "go to definition, completion, formatting and an outline. See docs/editors.md.",
    )
    lsp.add_argument("--root", metavar="DIR", help="policies may extend files under DIR (default: the editor's "
                     "workspace folder holding the policy, else the policy's own directory)")
    lsp.set_defaults(run=run_lsp)

    fmt = commands.add_parser(
        "fmt",
        help="rewrite policy files in the canonical layout",
        description="Rewrite each file in the canonical layout, keeping every comment. The result is re-parsed "
        "and compared before anything is written. With --check or --diff nothing is written; exit 1 when a "
        "file is not formatted.",
    )
    fmt.add_argument("files", nargs="+", metavar="FILE", help="policy files (.tdsl)")
    fmt.add_argument("--check", action="store_true", help="only report files that are not formatted")
    fmt.add_argument("--diff", action="store_true", help="print what would change as a unified diff")
    fmt.set_defaults(run=run_fmt)

    explain = commands.add_parser(
        "explain",
        help="trace one unit's result back to rules and inputs",
        description="Every number of one unit's result with the rule (file:line) that produced it, the inputs "
        "used, intermediate values, caps, the veto that fired and why the grade is what it is.",
    )
    _evaluation_arguments(explain)
    explain.add_argument("unit", metavar="UNIT_ID", help="the unit's id")
    explain.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    explain.set_defaults(run=run_explain)
    return parser


def _evaluation_arguments(command: argparse.ArgumentParser) -> None:
    """POLICY DATA [--period P] [--carry-in LEDGER]: what every evaluating command takes."""
    command.add_argument("policy", metavar="POLICY", help="policy file (.tdsl)")
    command.add_argument("data", metavar="DATA", help="unit data (.yaml, .yml, .json, .jsonl, .csv or .xlsx)")
    command.add_argument("--period", help="progress check: a policy period, Q1–Q4, H1, H2 or YYYY-MM")
    command.add_argument("--carry-in", metavar="LEDGER", help="last year's carry-over ledger")
    _root_argument(command)


def _root_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", metavar="DIR", help="policies may extend files under DIR only (default: the "
                         "directory of the policy named, with everything below it)")


def _missing_files(paths: Sequence[str]) -> int:
    """Refuse, before any work, an input that is not a regular file (a pipe is not waited on)."""
    missing = 0
    for path in paths:
        try:
            open_regular(path).close()
        except FileReadError as exc:
            reason = "no such file" if exc.problem is FileProblem.MISSING else exc.reason
            sys.stderr.write(f"targetdsl: error: {printable(path)}: {reason}\n")
            missing += 1
    return EXIT_USAGE if missing else EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    if _missing_files(args.files):
        return EXIT_USAGE
    reports: list[tuple[str, Report]] = [(path, check_path(path, root=args.root)) for path in args.files]
    errors = sum(len(r.errors) for _, r in reports)
    warnings = sum(len(r.warnings) for _, r in reports)
    if args.format == "json":
        document = {
            "files": [
                {"file": path, "ok": report.ok, "diagnostics": [d.to_json() for d in report.diagnostics]}
                for path, report in reports
            ],
            "errors": errors,
            "warnings": warnings,
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        for _, report in reports:
            if report.diagnostics:
                sys.stdout.write(report.render() + "\n\n")
        noun = "file" if len(reports) == 1 else "files"
        sys.stdout.write(
            f"checked {len(reports)} {noun}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}\n"
        )
    return EXIT_FAILED if errors else EXIT_OK


def _assess(args: argparse.Namespace, *, explain: bool = True) -> Assessment | int:
    inputs = [args.policy, args.data] + ([args.carry_in] if args.carry_in else [])
    if _missing_files(inputs):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        try:
            return policy.evaluate(args.data, period=args.period, carried_in=args.carry_in, progress=bar,
                                   explain=explain)
        finally:
            if bar is not None:
                bar.close()
    except PolicyError as exc:
        sys.stdout.write(exc.render() + "\n")
    except (DataError, EvaluationError) as exc:
        sys.stdout.write(exc.render() + "\n")
    return EXIT_FAILED


class ProgressBar:
    """`evaluating ███████░░░ 7,000/10,000 units` on a terminal; silent for small runs."""

    def __init__(self, stream: Any, minimum: int = 2000, noun: str = "units"):
        self.stream = stream
        self.noun = noun
        self.minimum = minimum
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if total < self.minimum:
            return
        percent = done * 100 // total
        if percent == self.shown:
            return
        self.shown = percent
        filled = percent // 5
        self.stream.write(f"\revaluating {'█' * filled}{'░' * (20 - filled)} {done:,}/{total:,} {self.noun}")
        self.stream.flush()

    def close(self) -> None:
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)


def run_evaluate(args: argparse.Namespace) -> int:
    streamed = _evaluate_streamed(args)
    if streamed is not None:
        return streamed
    assessment = _assess(args, explain=args.format in ("json", "jsonl") and args.explain)
    if isinstance(assessment, int):
        return assessment
    if args.format == "xlsx":
        if not args.output:
            sys.stderr.write("targetdsl: error: --format xlsx writes a workbook; name it with -o FILE.xlsx\n")
            return EXIT_USAGE
        write_xlsx(assessment, args.output)
        text = None
    elif args.format == "json":
        text = json.dumps(assessment.to_json(explanations=args.explain), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "jsonl":
        text = "".join(json.dumps(unit_json(unit, explanations=args.explain), ensure_ascii=False) + "\n"
                       for unit in assessment.units)
    elif args.format == "csv":
        text = render_csv(assessment)
    else:
        text = render_assessment(assessment)
    if text is not None:
        _write(text, args.output)
    if args.ledger:
        _write(json.dumps(assessment.ledger_json(), ensure_ascii=False, indent=2) + "\n", args.ledger)
    if args.record:
        record = make_record(record_path=Path(args.record), policy_path=args.policy, data_path=args.data,
                             carry_in=args.carry_in, period=args.period, result=assessment.to_json())
        _write(json.dumps(record, ensure_ascii=False, indent=1) + "\n", args.record)
    return EXIT_OK


def _evaluate_streamed(args: argparse.Namespace) -> int | None:
    """csv or jsonl results from .jsonl or .csv data, streamed; None when this evaluation is done in memory
    instead (other formats, --record or --explain, or a policy that compares units across a class)."""
    if (args.format not in ("csv", "jsonl") or Path(args.data).suffix.lower() not in STREAMED or args.record
            or args.explain):
        return None
    inputs = [args.policy, args.data] + ([args.carry_in] if args.carry_in else [])
    if _missing_files(inputs):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
        if unstreamable(policy.schema) is not None:
            return None
        bar = ProgressBar(sys.stderr, noun="unit passes") if sys.stderr.isatty() else None
        try:
            with policy.stream(args.data, period=args.period, carried_in=args.carry_in, progress=bar) as results:
                output = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
                try:
                    if args.format == "csv":
                        categories = list(dict.fromkeys(c.name for name, spec in policy.schema.classes.items()
                                                        if results.standings[name] for c in spec.categories))
                        writer = csv.writer(output, lineterminator="\n")
                        writer.writerow(csv_header(categories))
                        for unit in results:
                            writer.writerow(csv_row(unit, categories))
                    else:
                        for unit in results:
                            output.write(json.dumps(unit_json(unit), ensure_ascii=False) + "\n")
                finally:
                    if output is not sys.stdout:
                        output.close()
                if args.ledger:
                    ledger = {"year": policy.schema.year, "carry_over": [to_json(entry) for entry in results.ledger]}
                    _write(json.dumps(ledger, ensure_ascii=False, indent=2) + "\n", args.ledger)
        finally:
            if bar is not None:
                bar.close()
    except PolicyError as exc:
        sys.stdout.write(exc.render() + "\n")
        return EXIT_FAILED
    except (DataError, EvaluationError) as exc:
        sys.stdout.write(exc.render() + "\n")
        return EXIT_FAILED
    return EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    inputs = [args.old, args.new] + [p for p in (args.data, args.carry_in) if p]
    if _missing_files(inputs):
        return EXIT_USAGE
    try:
        old, new = load_policy(args.old, root=args.root), load_policy(args.new, root=args.root)
        difference = diff_policies(old, new)
        effect = impact(old, new, args.data, period=args.period, carried_in=args.carry_in) if args.data else None
    except PolicyError as exc:
        sys.stdout.write(exc.render() + "\n")
        return EXIT_USAGE
    except (DataError, EvaluationError) as exc:
        sys.stdout.write(exc.render() + "\n")
        return EXIT_USAGE
    if args.format == "json":
        document = difference.to_json()
        if effect is not None:
            document["impact"] = effect.to_json()
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(difference.render())
        if effect is not None:
            sys.stdout.write("\n" + effect.render())
    return EXIT_OK if difference.equivalent else EXIT_FAILED


def run_verify(args: argparse.Namespace) -> int:
    if _missing_files([args.record]):
        return EXIT_USAGE
    try:
        outcome = verify_record(args.record, root=args.root)
    except RecordError as exc:
        sys.stderr.write(exc.render() + "\n")
        return EXIT_FAILED
    sys.stdout.write("\n".join(outcome) + "\n" if outcome else f"verified: {args.record} reproduces byte for byte\n")
    return EXIT_FAILED if outcome else EXIT_OK


def run_test(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not os.path.exists(p)]
    for path in missing:
        sys.stderr.write(f"targetdsl: error: {path}: no such file or directory\n")
    if missing:
        return EXIT_USAGE
    if not tester.discover(args.paths):
        sys.stderr.write("targetdsl: error: no *.test.yaml files found\n")
        return EXIT_USAGE
    outcome = tester.run(args.paths, coverage=args.coverage, root=args.root)
    if args.format == "json":
        sys.stdout.write(json.dumps(tester.render_json(outcome), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "junit":
        sys.stdout.write(tester.render_junit(outcome))
    else:
        sys.stdout.write(tester.render_text(outcome))
    return EXIT_FAILED if outcome.failed else EXIT_OK


def run_periods(args: argparse.Namespace) -> int:
    pairs = [item.partition("=") for item in args.data]
    bad = [item for item, (_, sep, path) in zip(args.data, pairs, strict=True) if not sep or not path]
    if bad:
        sys.stderr.write(f"targetdsl: error: write each period as PERIOD=DATA, not {bad[0]}\n")
        return EXIT_USAGE
    if _missing_files([args.policy] + [path for _, _, path in pairs]):
        return EXIT_USAGE
    try:
        combined = load_policy(args.policy, root=args.root).evaluate_periods({name: path for name, _, path in pairs})
    except PolicyError as exc:
        sys.stdout.write(exc.render() + "\n")
        return EXIT_FAILED
    except (DataError, EvaluationError) as exc:
        sys.stdout.write(exc.render() + "\n")
        return EXIT_FAILED
    if args.format == "json":
        sys.stdout.write(json.dumps(combined.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(combined.render())
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    from targetdsl.htmlreport import render

    assessment = _assess(args)
    if isinstance(assessment, int):
        return assessment
    _write(render(assessment), args.output)
    sys.stdout.write(f"wrote {args.output}\n")
    return EXIT_OK


def run_template(args: argparse.Namespace) -> int:
    from targetdsl.template import write

    if _missing_files([args.policy]):
        return EXIT_USAGE
    try:
        write(load_policy(args.policy, root=args.root), args.output, only=args.unit_class, rows=args.rows,
              items=args.items)
    except PolicyError as exc:
        sys.stdout.write(exc.render() + "\n")
        return EXIT_FAILED
    except ValueError as exc:
        sys.stderr.write(f"targetdsl: error: {exc}\n")
        return EXIT_USAGE
    sys.stdout.write(f"wrote {args.output}\n")
    return EXIT_OK


def run_lsp(args: argparse.Namespace) -> int:
    from targetdsl.lsp import main as serve

    serve(root=args.root)
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    assessment = _assess(args)
    if isinstance(assessment, int):
        return assessment
    try:
        unit = assessment.unit(args.unit)
    except KeyError:
        known = ", ".join(u.id for u in assessment.units[:10])
        sys.stderr.write(f"targetdsl: error: no unit `{args.unit}` in {args.data} (units: {known}, …)\n")
        return EXIT_USAGE
    if args.format == "json":
        sys.stdout.write(json.dumps(render_json(unit), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(unit, len(assessment.in_class(unit.unit_class))))
    return EXIT_OK


def run_fmt(args: argparse.Namespace) -> int:
    if _missing_files(args.files):
        return EXIT_USAGE
    unformatted = failed = 0
    for path in args.files:
        try:
            original = decode(read_limited(path, limit=MAX_FILE_BYTES))
            formatted = format_policy(original, name=path)
        except FileReadError as exc:
            sys.stdout.write(f"{path}: error: the file {exc.reason}\n")
            failed += 1
            continue
        except UnicodeDecodeError:
            sys.stdout.write(f"{path}: error: not UTF-8 text\n")
            failed += 1
            continue
        except PolicyError as exc:
            sys.stdout.write(exc.render() + "\n")
            failed += 1
            continue
        except FormatError as exc:
            sys.stdout.write(f"error: {exc}\n")
            failed += 1
            continue
        if formatted == original:
            continue
        unformatted += 1
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(
                original.splitlines(keepends=True), formatted.splitlines(keepends=True),
                fromfile=path, tofile=f"{path} (formatted)"))
        elif args.check:
            sys.stdout.write(f"{path}: not formatted\n")
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(formatted)
            sys.stdout.write(f"formatted {path}\n")
    if failed:
        return EXIT_FAILED
    return EXIT_FAILED if unformatted and (args.check or args.diff) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    unwritable = _not_text(args)
    if unwritable is not None:
        sys.stderr.write(f"targetdsl: error: the argument {printable(unwritable)} is not valid text (a file name "
                         "that is not UTF-8?); rename the file or give the name in UTF-8\n")
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except BrokenPipeError:
        return EXIT_OK


def _not_text(args: argparse.Namespace) -> str | None:
    """The first argument that is not valid Unicode text: a name of bytes that are not UTF-8 reaches
    Python as lone surrogates, which nothing can print or write, so it is refused before any work."""
    for value in vars(args).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and first_surrogate(item) is not None:
                return item
    return None


if __name__ == "__main__":
    sys.exit(main())
