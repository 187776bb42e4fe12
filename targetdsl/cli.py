"""The `targetdsl` command line.

Exit codes, the same for every command: 0 success; 1 the inputs have errors
(or `diff` found differences, a test failed, a file is not formatted); 2 usage
(bad arguments, unreadable inputs, an output path that cannot be written);
3 an internal error, which is a bug (or out of memory); 130 interrupted
(Ctrl-C), 143 terminated (SIGTERM). Results alone
go to standard output (the diagnostics of `check`, the failures of `test` and
the differences of `diff` are results), every other error and warning to
standard error. Output
paths are checked before any work, files are written whole or not at all,
and nothing from a name or id reaches the terminal or a spreadsheet
unescaped (`outputs`). Output is deterministic: files are processed in the
order given and diagnostics sorted by position.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import csv
import difflib
import functools
import io
import json
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from targetdsl import __version__
from targetdsl.api import (
    Policy,
    Report,
    check_path,
    check_text,
    diff_policies,
    impact,
    load_policy,
    verify_record,
    weight_variants,
)
from targetdsl.audit.explain import render_json, render_text
from targetdsl.audit.record import RecordError, make_record
from targetdsl.audit.sweep import GridError, parse_weights, placing, sweep
from targetdsl.audit.sweep import render_text as render_sweep
from targetdsl.authoring import tester
from targetdsl.diagnostics import PolicyError
from targetdsl.evaluation.engine import PeriodError, commending, period_months
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.evaluation.results import Assessment, UnitResult, to_json, unit_json
from targetdsl.files import FileProblem, FileReadError, open_regular, read_limited
from targetdsl.invocation import (
    UsageError,
    output_format,
    refuse_empty,
    refuse_misplaced,
    refuse_suffix,
    refuse_unwritable,
    special,
)
from targetdsl.keywords import Language
from targetdsl.language.checker import Stated
from targetdsl.language.formatter import FormatError, format_policy
from targetdsl.language.inheritance import MAX_FILE_BYTES
from targetdsl.messages import choose, from_locale, translate
from targetdsl.office.publication import edition
from targetdsl.office.tables import (
    csv_header,
    csv_line,
    csv_row,
    jsonl_line,
    period_table,
    render_assessment,
    render_csv,
)
from targetdsl.outputs import csv_cell, json_visible, visible, visible_inline, workbook_bytes, write_text, write_with
from targetdsl.progress import ProgressBar
from targetdsl.scaling.cutting import UncutFileError
from targetdsl.scaling.cutting import several as cut_files
from targetdsl.scaling.parcels import LostPartError
from targetdsl.scaling.stream import STREAMED, stream_passes
from targetdsl.source import decode, display_width, first_surrogate, printable
from targetdsl.units.data import nearest
from targetdsl.values import DataError

if TYPE_CHECKING:
    from targetdsl.office.template import Listed
from targetdsl.office.workbook import results_workbook

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

# What the one contract means for each command, shown at the end of its --help.
EXITS = {
    "check": "a file has errors",
    "evaluate": "the policy, the data or the ledger has errors (all are listed; nothing is written)",
    "diff": "the policies differ, or one has errors",
    "verify": "the record does not reproduce, or is not a record",
    "test": "a test fails or a policy has errors",
    "periods": "the policy or a period's data has errors",
    "report": "the policy, the data or the ledger has errors (nothing is written)",
    "template": "the policy has errors (nothing is written)",
    "lsp": "never (the server runs until the editor closes it)",
    "fmt": "a file is not formatted (with --check or --diff); a file that cannot be read or parsed exits 2",
    "explain": "the policy, the data or the ledger has errors",
    "plan": "the policy has errors",
}


# Two or three command lines for each command's --help, as an office or a policy author types them.
EXAMPLES = {
    "check": [
        "targetdsl check policies/lianyungang-2003.tdsl",
        "targetdsl check policies/ --format json      # every .tdsl under the directory",
        "cat draft.tdsl | targetdsl check -           # standard input; extends relative to here",
    ],
    "evaluate": [
        "targetdsl evaluate policy.tdsl units.yaml",
        "targetdsl evaluate policy.tdsl returned/ -o results.xlsx --office 市目标办   # the returned workbooks",
        "targetdsl evaluate policy.tdsl units.yaml --carry-in ledger-2002.json -o results.csv --bom",
        "targetdsl evaluate policy.tdsl units.yaml --format json --explain",
    ],
    "diff": [
        "targetdsl diff policies/lianyungang-2002.tdsl policies/lianyungang-2003.tdsl",
        "targetdsl diff old.tdsl new.tdsl --data units.yaml   # who gains, who loses",
        "targetdsl diff base.tdsl w1.tdsl w2.tdsl --data units.jsonl --jobs 2   # a sweep of variants",
        "targetdsl diff base.tdsl --weights 县区=40:50:10,50:40:10,30:60:10 --data units.jsonl   # a weight grid",
    ],
    "verify": ["targetdsl evaluate policy.tdsl units.yaml --record record.json", "targetdsl verify record.json"],
    "test": [
        "targetdsl test                              # every *.test.yaml under the current directory",
        "targetdsl test policies/ --coverage",
        "targetdsl test - < policy.test.yaml --format junit",
    ],
    "periods": [
        "targetdsl periods policy.tdsl H1=units-h1.yaml H2=units-h2.yaml",
        "targetdsl periods policy.tdsl 上半年=h1.xlsx 下半年=h2.xlsx --format json",
    ],
    "report": [
        "targetdsl report policy.tdsl units.yaml -o report.html",
        "targetdsl report policy.tdsl returned/ --carry-in ledger-2002.json -o report.html",
    ],
    "template": [
        "targetdsl template policy.tdsl -o units.xlsx",
        "targetdsl template policy.tdsl -o counties.xlsx --class 县区 --rows 20 --items 定量任务=30",
        "targetdsl template policy-2004.tdsl -o units-2004.xlsx --items-from returned-2003/",
    ],
    "lsp": [
        "targetdsl lsp                               # started by the editor (docs/editors.md)",
        "targetdsl lsp --root ~/policies             # extends may reach any file under ~/policies",
    ],
    "fmt": [
        "targetdsl fmt policies/",
        "targetdsl fmt --check policies/             # exit 1: a file would change; 2: one cannot be parsed",
        "targetdsl fmt - < draft.tdsl > formatted.tdsl",
    ],
    "explain": [
        "targetdsl explain policy.tdsl units.yaml C04",
        "targetdsl explain policy.tdsl returned/ C04 --format json",
    ],
    "plan": ["targetdsl plan policy.tdsl", "targetdsl plan policy.tdsl --class 县区 --period Q1 --format json"],
}


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps each paragraph of a description or epilog on its own, and keeps example lines (indented
    by two spaces) as they are written, their comments aside; every word in this run's language (a
    Chinese text is wrapped by display width: it has no spaces to break at)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.split("\n\n"):
            if paragraph.startswith("  "):
                paragraphs.append("\n".join(indent + _example(line) for line in paragraph.splitlines()))
                continue
            said = _say(paragraph)
            if _LANGUAGE.get() is Language.ENGLISH:
                paragraphs.append(super()._fill_text(said, width, indent))
            else:
                paragraphs.append("\n".join(indent + line for line in _wrap_wide(said, width - len(indent))))
        return "\n\n".join(paragraphs)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return super()._split_lines(text, width) if _LANGUAGE.get() is Language.ENGLISH else _wrap_wide(text, width)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return _say(action.help) if action.help else action.help

    def start_section(self, heading: str | None) -> None:
        super().start_section(_say(heading) if heading else heading)

    def format_help(self) -> str:
        text = super().format_help()
        if _LANGUAGE.get() is Language.ENGLISH:
            return text
        return re.sub(r"^(\S[^\n:]*):\n", r"\1：\n", text, flags=re.M)  # a heading ends in a full-width colon

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, _say("usage: ") if prefix is None else prefix)


def _example(line: str) -> str:
    """An example line of a --help, its comment (after `# `) in this run's language."""
    command, mark, comment = line.partition("# ")
    return f"{command}{mark}{_say(comment)}" if mark else line


# Punctuation a Chinese line never starts with: it stays at the end of the line before, a column over;
_NO_LINE_START = frozenset("，。、；：？！）】》」』”’")
_NO_LINE_END = frozenset("（【《「『“‘")  # and one it never ends with: it goes with what it opens


def _wrap_wide(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, a wide (CJK) character counting two; broken between
    wide characters or at a space, never inside a run of ASCII nor before closing punctuation."""
    text = " ".join(text.split())
    lines: list[str] = []
    line, used = "", 0
    for piece in re.findall(r"[\x21-\x7e]+|\s+|.", text):
        size = display_width(piece)
        if used + size > width and line.strip() and piece not in _NO_LINE_START:
            carried = line[-1] if line[-1] in _NO_LINE_END and line[:-1].strip() else ""  # `（` opens the next line
            lines.append(line[: len(line) - len(carried)].rstrip())
            line, used = carried, display_width(carried)
            if piece.isspace():
                continue
        line += piece
        used += size
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _exits(command: str) -> str:
    examples = "examples:\n\n" + "\n".join(f"  {line}" for line in EXAMPLES[command]) + "\n\n"
    return examples + (
        f"exit status: 0 success; 1 {EXITS[command]}; 2 usage error (bad arguments, unreadable input, "
        "an output path that cannot be written); 3 internal error (a bug: please report it); 130 interrupted "
        "(143 terminated). "
        "Results go to standard output, errors and warnings to standard error."
    )


class _Parser(argparse.ArgumentParser):
    """argparse's own complaints (a missing argument, an unknown option) in this run's language."""

    def error(self, message: str) -> NoReturn:
        language = _LANGUAGE.get()
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {_ERROR_WORDS[language]}{translate(message, language)}\n")


class _CommandParser(_Parser):
    """A command's parser: its --help keeps the examples as written; its complaints in the run's language."""

    def __init__(self, *args: Any, **options: Any):
        options.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **options)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="targetdsl",
        description="Target-management assessment methods as checked policy files.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"targetdsl {__version__}")
    _language_argument(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser)

    check = commands.add_parser(
        "check",
        epilog=_exits("check"),
        help="check policy files and report every problem",
        description="Parse, resolve `extends` and check each policy file. "
        "Exit 0 when clean (warnings allowed), 1 when any file has errors. The diagnostics are this command's "
        "result: they go to standard output.",
    )
    check.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="policy files (.tdsl), directories (every .tdsl under them) or - (stdin)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    _root_argument(check)
    check.set_defaults(run=run_check)

    evaluate = commands.add_parser(
        "evaluate",
        epilog=_exits("evaluate"),
        help="evaluate a policy against unit data",
        description="Score every unit: each class ranked with its category subtotals, bonus, veto and grade, "
        "then the completion table. Exit 1 when the policy or the data has errors (all are listed).",
    )
    _evaluation_arguments(evaluate)
    evaluate.add_argument(
        "--format",
        choices=("table", "json", "jsonl", "csv", "xlsx"),
        help="output format (default: from the extension of -o, else table; xlsx needs -o; jsonl "
        "is one unit's results per line). csv and jsonl from .jsonl or .csv data are streamed: any "
        "number of units, in bounded memory",
    )
    evaluate.add_argument(
        "--explain", action="store_true", help="with --format json or jsonl: include every explanation"
    )
    evaluate.add_argument(
        "--bom",
        action=argparse.BooleanOptionalAction,
        help="CSV: begin with a UTF-8 byte order mark, which Excel on a Chinese Windows needs to read the file "
        "as UTF-8 (default: on when -o writes a .csv file, off on standard output)",
    )
    evaluate.add_argument(
        "--office", metavar="NAME", help="the issuing office, printed under the title of the results workbook (.xlsx)"
    )
    evaluate.add_argument(
        "--date", metavar="DATE", help="the date printed under the workbook's title, as given (never today's)"
    )
    evaluate.add_argument("--ledger", metavar="FILE", help="also write the carry-over ledger for next year")
    evaluate.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output; its extension picks the format",
    )
    evaluate.add_argument("--record", metavar="FILE", help="also write a record that `targetdsl verify` re-checks")
    evaluate.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        default=1,
        help="evaluate in N processes of this machine (csv or jsonl results from .jsonl or .csv files or a folder); "
        "the result is the same, byte for byte (default: 1)",
    )
    evaluate.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="dask: evaluate on a Dask cluster (needs the dask extra: pip install 'targetdsl[dask]'); "
        "csv or jsonl results from .jsonl or .csv files, a folder or a URL; the same result (default: local)",
    )
    evaluate.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler's address (tcp://host:8786); default: a cluster on this "
        "machine with --jobs workers",
    )
    evaluate.set_defaults(run=run_evaluate)

    diff = commands.add_parser(
        "diff",
        epilog=_exits("diff"),
        help="semantic difference between two policies, and its impact on units",
        description="Compare the effective policies (after `extends`) in the domain's terms; layout, comments "
        "and declaration order are not changes. With --data, evaluate both on the same units and report "
        "who gains or loses. Several NEW policies (variants), or a grid of OLD's category weights (--weights), "
        "with --data sweep: each is evaluated on the same .jsonl or .csv units and compared with OLD, listing who "
        "changes grade, rank or money (--jobs N processes, or --engine dask). "
        "Exit 0 when equivalent, 1 when different, 2 on error.",
    )
    diff.add_argument("old", metavar="OLD", help="the earlier policy (of a sweep: the base)")
    diff.add_argument("new", metavar="NEW", nargs="*", help="the later policy; several: variants to sweep")
    diff.add_argument(
        "--weights",
        metavar="CLASS=A:B[,A:B…]",
        action="append",
        default=[],
        help="a sweep of OLD's category weights: a class's candidate weights, one per category in the order "
        "the class lists them (县区=40:50:10,50:40:10); repeated for other classes, every combination is a "
        "variant",
    )
    diff.add_argument(
        "--data", metavar="UNITS", help="unit data (a file or a folder of them) to evaluate both policies on"
    )
    diff.add_argument("--period", help="progress check for the impact report")
    diff.add_argument("--carry-in", metavar="LEDGER", help="carry-over ledger for the impact report")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    diff.add_argument("--jobs", metavar="N", type=_jobs, default=1, help="a sweep: evaluate each policy in N processes")
    diff.add_argument(
        "--engine", choices=("local", "dask"), default="local", help="a sweep: dask evaluates on a Dask cluster"
    )
    diff.add_argument("--scheduler", metavar="ADDRESS", help="a sweep with --engine dask: the scheduler's address")
    _root_argument(diff)
    diff.set_defaults(run=run_diff)

    verify = commands.add_parser(
        "verify",
        epilog=_exits("verify"),
        help="re-run a result record and confirm it byte for byte",
        description="Check the recorded policy and data files against their SHA-256, evaluate again, and "
        "compare the result. Exit 0 when verified, 1 when anything differs (each difference is listed).",
    )
    verify.add_argument("record", metavar="RECORD", help="a record written by `evaluate --record`")
    _root_argument(verify)
    verify.set_defaults(run=run_verify)

    test = commands.add_parser(
        "test",
        epilog=_exits("test"),
        help="run the tests written beside policies (*.test.yaml)",
        description="Run every *.test.yaml under the given paths (default: the current directory). A failure "
        "shows expected against actual and the explanation of the actual value. Exit 1 when any test fails.",
    )
    test.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="test files, directories or - (a test file on stdin)"
    )
    test.add_argument("--format", choices=("text", "json", "junit"), default="text", help="output format")
    test.add_argument(
        "--coverage",
        action="store_true",
        help="report which rules, branches, bands and vetoes the tests exercised, and which not",
    )
    _root_argument(test)
    test.set_defaults(run=run_test)

    periods = commands.add_parser(
        "periods",
        epilog=_exits("periods"),
        help="combine period results into the annual score by the policy's period weights",
        description="Evaluate each weighted period on its own data (targets pro-rated) and rank units on "
        "the weighted sum of their period totals; when the policy weights measures over its periods (`for …` in "
        "`periods`), give each of those measures the weighted sum of its period scores and decide the rest on the "
        "last period's data: the year's result.",
    )
    periods.add_argument("policy", metavar="POLICY", help="policy file (.tdsl)")
    periods.add_argument("data", nargs="+", metavar="PERIOD=DATA", help="each weighted period's unit data")
    periods.add_argument(
        "--format",
        choices=("table", "json", "jsonl", "csv"),
        help="output format (default: from the extension of -o, else table); jsonl and csv give the year's "
        "result of a policy weighting measures over its periods, streamed when the last period's data are a "
        ".jsonl or .csv file",
    )
    periods.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output; its extension picks the format",
    )
    periods.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        default=1,
        help="with --format jsonl or csv: evaluate the last period in N processes of this machine (its data a "
        ".jsonl or .csv file or a folder of them); the result is the same, byte for byte (default: 1)",
    )
    periods.add_argument(
        "--carry-in", metavar="LEDGER", help="last year's carry-over ledger (with the last period's data)"
    )
    periods.add_argument(
        "--last-year",
        metavar="RESULTS",
        help="last year's results (the .jsonl or .json file evaluate wrote), read by inputs `from last year`",
    )
    periods.add_argument(
        "--explain",
        metavar="UNIT_ID",
        help="explain this unit's result, each measure weighted over the periods period by period",
    )
    _root_argument(periods)
    periods.set_defaults(run=run_periods, ledger=None, bom=None)

    report = commands.add_parser(
        "report",
        epilog=_exits("report"),
        help="a self-contained HTML report with charts",
        description="Evaluate and write one static HTML page: the policy's status (and the office and date "
        "given), summary figures, each class ranked with a bar per unit as long as its total (categories, "
        "bonus, deductions), grades in the policy's order, vetoes and causes, the completion table and every "
        "unit's explanation. It needs no network to view and prints on A4. With --cards: a score card per unit, "
        "one A4 page each.",
    )
    _evaluation_arguments(report)
    report.add_argument("-o", "--output", metavar="FILE.html", required=True, help="the page to write")
    report.add_argument(
        "--cards", action="store_true", help="write a score card (成绩单) per unit instead, one A4 page each"
    )
    report.add_argument("--office", metavar="NAME", help="the issuing office, printed on the first page")
    report.add_argument(
        "--date", metavar="DATE", help="the date printed on the first page, as given (default: none, never today's)"
    )
    report.set_defaults(run=run_report)

    template = commands.add_parser(
        "template",
        epilog=_exits("template"),
        help="generate an Excel data-entry workbook from a policy",
        description="One sheet per unit class, a row per unit, a column per declared input with its display "
        "name, type and allowed range (Excel data validation), locked header rows and an instructions sheet. "
        "A filled workbook is read by `targetdsl evaluate` as it is.",
    )
    template.add_argument("policy", metavar="POLICY", help="policy file (.tdsl)")
    template.add_argument("-o", "--output", metavar="FILE.xlsx", required=True, help="the workbook to write")
    template.add_argument("--class", dest="unit_class", metavar="C", help="only this unit class")
    template.add_argument("--rows", type=int, default=100, help="rows per sheet, 1 to 5,000 (default 100)")
    template.add_argument(
        "--items",
        action="append",
        default=[],
        metavar="N|LIST=N",
        help="item slots: N for every item list, LIST=N for one (repeat it: --items 10 --items 定量任务=30); "
        "1 to 200, default 10",
    )
    template.add_argument(
        "--items-from",
        action="append",
        default=[],
        metavar="DATA",
        help="last year's data (files, or a folder of returned workbooks): each item list gets the slots its "
        "longest list there needs, and room for a fifth more (at least 2); --items LIST=N still decides a list",
    )
    template.add_argument("-q", "--quiet", action="store_true", help="no notes on standard error")
    _root_argument(template)
    template.set_defaults(run=run_template)

    lsp = commands.add_parser(
        "lsp",
        epilog=_exits("lsp"),
        help="run the language server over stdio (for editors)",
        description="A Language Server Protocol server over standard input and output: diagnostics, hover, "
        "go to definition, completion, formatting and an outline. See docs/editors.md.",
    )
    lsp.add_argument(
        "--root",
        metavar="DIR",
        help="policies may extend files under DIR (default: the editor's "
        "workspace folder holding the policy, else the policy's own directory)",
    )
    lsp.set_defaults(run=run_lsp)

    fmt = commands.add_parser(
        "fmt",
        epilog=_exits("fmt"),
        help="rewrite policy files in the canonical layout",
        description="Rewrite each file in the canonical layout, keeping every comment. The result is re-parsed "
        "and compared before anything is written. With --check or --diff nothing is written; exit 1 when a "
        "file is not formatted.",
    )
    fmt.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="policy files (.tdsl), directories (every .tdsl under them) or - (read standard input, write the "
        "formatted text to standard output)",
    )
    fmt.add_argument("--check", action="store_true", help="only report files that are not formatted")
    fmt.add_argument("--diff", action="store_true", help="print what would change as a unified diff")
    fmt.add_argument(
        "--keywords",
        choices=["zh", "en"],
        help="write the keywords in Chinese (zh) or English (en); by default each file keeps its own",
    )
    fmt.set_defaults(run=run_fmt)

    explain = commands.add_parser(
        "explain",
        epilog=_exits("explain"),
        help="trace one unit's result back to rules and inputs",
        description="Every number of one unit's result with the rule (file:line) that produced it, the inputs "
        "used, intermediate values, caps, the veto that fired and why the grade is what it is.",
    )
    _evaluation_arguments(explain)
    explain.add_argument("unit", metavar="UNIT_ID", help="the unit's id")
    explain.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    explain.set_defaults(run=run_explain)

    plan = commands.add_parser(
        "plan",
        epilog=_exits("plan"),
        help="show the policy's quantities in evaluation order and which evaluator takes each",
        description="Lower the policy to its named quantities and print them per class in evaluation order: "
        "what each depends on, the pass of a partitioned evaluation it belongs to (per unit, or settled over "
        "the whole class), and which evaluator takes it when nothing is explained — the class's generated kernel, "
        "generated expressions or the reference path — with the reason a faster one declines it.",
    )
    plan.add_argument("policy", metavar="POLICY", help="policy file (.tdsl)")
    plan.add_argument("--class", dest="unit_class", metavar="C", help="only this unit class")
    plan.add_argument("--period", help="a progress check: a policy period, Q1–Q4, H1, H2 or YYYY-MM")
    plan.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    _root_argument(plan)
    plan.set_defaults(run=run_plan)
    for command in commands.choices.values():
        _language_argument(command)
    return parser


def _jobs(given: str) -> int:
    try:
        jobs = int(given)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= 1024:
        raise argparse.ArgumentTypeError(f"{given} is not a number of processes from 1 to 1024")
    return jobs


def _language_argument(command: argparse.ArgumentParser) -> None:
    # SUPPRESS: a subcommand's default would otherwise undo `targetdsl --lang zh check …`
    command.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help="the language of messages: zh (Chinese) or en (English); default: the locale's "
        "(LC_ALL, LC_MESSAGES, LANG starting with zh: Chinese; otherwise English)",
    )


def _evaluation_arguments(command: argparse.ArgumentParser) -> None:
    """POLICY DATA [--period P] [--carry-in LEDGER]: what every evaluating command takes."""
    command.add_argument("policy", metavar="POLICY", help="policy file (.tdsl)")
    command.add_argument(
        "data",
        nargs="+",
        metavar="DATA",
        help="unit data (.yaml, .yml, .json, .jsonl, .csv or .xlsx), or a folder of such files; several files "
        "(the workbooks returned by the units) are evaluated together, a unit listed twice refused with both places",
    )
    command.add_argument("--period", help="progress check: a policy period, Q1–Q4, H1, H2 or YYYY-MM")
    command.add_argument("--carry-in", metavar="LEDGER", help="last year's carry-over ledger")
    command.add_argument(
        "--last-year",
        metavar="RESULTS",
        help="last year's results (the .jsonl or .json file evaluate wrote), read by inputs `from last year`",
    )
    command.add_argument(
        "-q", "--quiet", action="store_true", help="no progress line and no `wrote FILE` note on standard error"
    )
    _root_argument(command)


def _root_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--root",
        metavar="DIR",
        help="policies may extend files under DIR only (default: the "
        "directory of the policy named, with everything below it)",
    )


STDIN = "-"  # as a FILE of check, fmt and test: standard input
STDIN_NAME = "<stdin>"  # how diagnostics name it


def policy_files(paths: Sequence[str]) -> list[str]:
    """FILE arguments as the files to read, each once: `-` as it is, a directory as every `.tdsl` file
    under it (sorted; hidden directories such as .git skipped), anything else as given. Standard
    input can be read once."""
    if paths.count(STDIN) > 1:
        raise UsageError("- (standard input) is given twice; it can be read once")
    files: list[str] = []
    for path in paths:
        if path == STDIN or not os.path.isdir(path):
            files.append(path)
            continue
        found = []
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            found += [os.path.join(folder, name) for name in names if name.endswith(".tdsl")]
        if not found:
            raise UsageError(f"{path}: no policy files (.tdsl) in this directory")
        files += sorted(found)
    return list(dict.fromkeys(files))


def _stdin_text(limit: int = MAX_FILE_BYTES) -> str:
    """Standard input as UTF-8 text, at most `limit` bytes; a usage error otherwise."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read(limit + 1) if stream is not None else sys.stdin.read(limit + 1).encode("utf-8")
    if len(raw) > limit:
        raise UsageError(f"standard input is larger than {limit // (1 << 20)} MB")
    try:
        return decode(raw)
    except UnicodeDecodeError:
        raise UsageError("standard input is not UTF-8 text") from None


def _missing_files(paths: Sequence[str], *, folders: Sequence[str] = ()) -> int:
    """Refuse, before any work, an input that is not a regular file (a pipe is not waited on), or,
    where one may be (`folders`), a folder."""
    missing = 0
    for path in paths:
        if path in folders and os.path.isdir(path):
            continue
        try:
            open_regular(path).close()
        except FileReadError as exc:
            reason = "no such file" if exc.problem is FileProblem.MISSING else exc.reason
            _error(f"{printable(path)}: {reason}")
            missing += 1
    return EXIT_USAGE if missing else EXIT_OK


# The language of this run's messages: set by `main` from `--lang` or the locale, for that call only.
_LANGUAGE: contextvars.ContextVar[Language] = contextvars.ContextVar("language", default=Language.ENGLISH)
_ERROR_WORDS = {Language.ENGLISH: "error: ", Language.CHINESE: "错误："}
_WARNING_WORDS = {Language.ENGLISH: "warning: ", Language.CHINESE: "警告："}
_NOTE_WORDS = {Language.ENGLISH: "note: ", Language.CHINESE: "说明："}


def _say(text: str) -> str:
    """A message of the command line in this run's language."""
    return translate(text, _LANGUAGE.get())


def _error(message: str) -> None:
    sys.stderr.write(f"targetdsl: {_ERROR_WORDS[_LANGUAGE.get()]}{visible_inline(_say(message))}\n")


def _report(problem: PolicyError | DataError | EvaluationError) -> None:
    """A policy's or the data's errors, rendered, on standard error. Each data or evaluation problem is one
    line, escaped on its own: a unit id holding a newline cannot add an error line of its own."""
    language = _LANGUAGE.get()
    if isinstance(problem, DataError) and problem.problems:
        sys.stderr.write(
            "".join(visible_inline(DataError([p]).render(language=language)) + "\n" for p in problem.problems)
        )
    elif isinstance(problem, EvaluationError) and problem.problems:
        sys.stderr.write(
            "".join(visible_inline(EvaluationError([p]).render(language=language)) + "\n" for p in problem.problems)
        )
    else:
        sys.stderr.write(visible(problem.render(language=language)) + "\n")


def _emit(text: str) -> None:
    """Text results (tables, explanations, diffs) on standard output, with nothing a terminal acts on."""
    sys.stdout.write(visible(text))


def _json(document: Any, *, indent: int | None = 2) -> str:
    return json_visible(json.dumps(document, ensure_ascii=False, indent=indent)) + "\n"


def run_check(args: argparse.Namespace) -> int:
    files = policy_files(args.files)
    if _missing_files([path for path in files if path != STDIN]):
        return EXIT_USAGE
    reports: list[tuple[str, Report]] = [
        (STDIN_NAME, check_text(_stdin_text(), name=STDIN_NAME, base=os.getcwd(), root=args.root))
        if path == STDIN
        else (path, check_path(path, root=args.root))
        for path in files
    ]
    errors = sum(len(r.errors) for _, r in reports)
    warnings = sum(len(r.warnings) for _, r in reports)
    if args.format == "json":
        document = {
            "files": [
                {
                    "file": path,
                    "ok": report.ok,
                    "diagnostics": [d.to_json() for d in report.diagnostics],
                    "assumptions": [_assumption_json(stated) for stated in report.assumptions],
                }
                for path, report in reports
            ],
            "errors": errors,
            "warnings": warnings,
        }
        sys.stdout.write(_json(document))
    else:
        shown: set[tuple[str, int, int, str]] = set()
        for _, report in reports:
            if report.diagnostics:
                _emit(report.render(language=_LANGUAGE.get()) + "\n\n")
            for stated in report.assumptions:  # what the method's source left open, decided by the policy
                where = stated.assumption.span
                place = (where.file, where.line, where.column, stated.owner)
                if place in shown:  # stated once in a policy several checked files extend
                    continue
                shown.add(place)
                said = _say(f"{where.file}:{where.line}:{where.column}: assumption in {stated.owner}:")
                _emit(f"{said}{'' if said.endswith('：') else ' '}{stated.assumption.text}\n")
        noun = "file" if len(reports) == 1 else "files"
        summary = (
            f"checked {len(reports)} {noun}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        )
        sys.stdout.write(_say(summary) + "\n")
    return EXIT_FAILED if errors else EXIT_OK


def _assumption_json(stated: Stated) -> dict[str, Any]:
    where = stated.assumption.span
    return {
        "file": where.file,
        "line": where.line,
        "column": where.column,
        "in": stated.owner,
        "text": stated.assumption.text,
    }


def _data_paths(args: argparse.Namespace) -> list[str]:
    """DATA and, when given, the carry-over ledger and last year's results: the files an evaluation reads
    besides the policy."""
    return [*args.data] + [path for path in (args.carry_in, getattr(args, "last_year", None)) if path]


def _units(args: argparse.Namespace) -> str | list[str]:
    """DATA as the API takes it: one path (a file or a folder), or the list of several."""
    return args.data[0] if len(args.data) == 1 else list(args.data)


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


def _progress(args: argparse.Namespace, *, passes: int = 1) -> ProgressBar | None:
    """The progress line, on a terminal only, unless -q."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        return None
    return ProgressBar(sys.stderr, passes=passes)


def _write(text: str, output: str | None) -> None:
    """Already escaped text to standard output, or written whole to `output`."""
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)


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
        result = "".join(_json(unit_json(unit, explanations=args.explain), indent=None) for unit in assessment.units)
    elif args.format == "csv":
        result = _bom(args) + visible(render_csv(assessment, language=language))
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


BOM = "\ufeff"


def _bom(args: argparse.Namespace) -> str:
    """The byte order mark CSV begins with: as --bom or --no-bom say, else for a .csv file (opened in
    Excel, which reads UTF-8 without it as the system's code page: GBK on a Chinese Windows) and not on
    standard output (read by programs, to which a BOM is a stray character in the first field)."""
    if args.format != "csv":
        return ""
    wanted = args.bom if args.bom is not None else args.output is not None and not special(args.output)
    return BOM if wanted else ""


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
                args.data[0], period=args.period, carried_in=args.carry_in, progress=bar, last_year=args.last_year
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
        return functools.partial(csv_line, language=_LANGUAGE.get(), commendations=_commends(policy))
    return jsonl_line


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
        for unit in results:
            writer.writerow(csv_row(unit, categories, language=language, commendations=commended))
    else:
        for unit in results:
            output.write(_json(unit_json(unit), indent=None))


def _emit_outcome(args: argparse.Namespace, policy: Any, outcome: Any, output: Any) -> None:
    """A partitioned evaluation's lines, rendered where each unit was finished, under csv's header."""
    if args.format == "csv":
        header = csv_header(outcome.categories, language=_LANGUAGE.get(), commendations=_commends(policy))
        csv.writer(output, lineterminator="\n").writerow(csv_cell(c) for c in header)
    for line in outcome.results:
        output.write(line)


def _deliver(args: argparse.Namespace, emit: Callable[[Any], None], year: int | None, ledger: Iterable[Any]) -> None:
    """Results written as they are finished, to standard output or the file `-o` names (whole, or not
    at all), then the carry-over ledger `--ledger` asks for."""
    if args.output is None:
        sys.stdout.write(_bom(args))
        emit(_VisibleText(sys.stdout))
    else:
        write_with(args.output, lambda raw: _as_text(raw, emit, _bom(args)))
    if args.ledger:
        _write(_json({"year": year, "carry_over": [to_json(entry) for entry in ledger]}), args.ledger)


class _VisibleText:
    """A text stream that escapes whatever it is given (csv.writer and the jsonl lines write to it)."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(visible(text))


def _as_text(raw: IO[bytes], emit: Callable[[Any], None], start: str = "") -> None:
    text = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", newline="")
    try:
        text.write(start)
        emit(_VisibleText(text))
        text.flush()
    finally:
        text.detach()


def run_diff(args: argparse.Namespace) -> int:
    if not args.new and not args.weights:
        raise UsageError("give the later policy NEW (several for a sweep), or --weights for a sweep of OLD's weights")
    if len(args.new) > 1 or args.weights or args.jobs > 1 or args.engine == "dask" or args.scheduler:
        return _sweep(args)
    args.new = args.new[0]
    if not args.data and (args.period or args.carry_in):
        option = "--period" if args.period else "--carry-in"
        raise UsageError(f"{option} is for the impact on units: give the units with --data, or leave {option} out")
    inputs = [args.old, args.new] + [p for p in (args.data, args.carry_in) if p]
    refuse_misplaced([args.old, args.new], [p for p in (args.data, args.carry_in) if p])
    if _missing_files(inputs, folders=[args.data] if args.data else []):
        return EXIT_USAGE
    try:
        old, new = load_policy(args.old, root=args.root), load_policy(args.new, root=args.root)
        _check_period([old, new], args.period)
        difference = diff_policies(old, new)
        if args.format != "json" and _LANGUAGE.get() is Language.CHINESE:
            # the text quotes the policies with Chinese keywords; JSON keeps the English
            difference = diff_policies(old, new, keywords=Language.CHINESE)
        effect = impact(old, new, args.data, period=args.period, carried_in=args.carry_in) if args.data else None
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    if args.format == "json":
        document = difference.to_json()
        if effect is not None:
            document["impact"] = effect.to_json()
        sys.stdout.write(_json(document))
    else:
        _emit(difference.render(language=_LANGUAGE.get()))
        if effect is not None:
            _emit("\n" + effect.render(language=_LANGUAGE.get()))
    return EXIT_OK if difference.equivalent else EXIT_FAILED


def _sweep(args: argparse.Namespace) -> int:
    """diff OLD NEW… --data UNITS: every variant against the base, unit by unit."""
    if not args.data or Path(args.data).suffix.lower() not in STREAMED:
        raise UsageError(
            "a sweep (several NEW policies, --jobs or --engine) evaluates one .jsonl or .csv file given with --data"
        )
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler is the address of a Dask scheduler: give --engine dask too")
    inputs = [args.old, *args.new, args.data] + ([args.carry_in] if args.carry_in else [])
    refuse_misplaced([args.old, *args.new], [p for p in (args.data, args.carry_in) if p])
    if _missing_files(inputs):
        return EXIT_USAGE
    try:
        base = load_policy(args.old, root=args.root)
        variants = [(name, load_policy(name, root=args.root)) for name in args.new]
        if args.weights:
            try:
                variants += weight_variants(base, [parse_weights(w) for w in args.weights])
            except GridError as exc:
                raise UsageError(f"--weights: {exc}") from None
        _check_period([base, *(policy for _, policy in variants)], args.period)
        with contextlib.ExitStack() as stack:
            if args.engine == "dask":
                from targetdsl import dask as on_dask

                if on_dask.missing_extra() is not None:
                    raise UsageError(str(on_dask.missing_extra()))
                client = stack.enter_context(on_dask.connected(args.scheduler, args.jobs))

                def evaluate(policy: Policy) -> Any:
                    return on_dask.evaluate(
                        policy, args.data, client=client, period=args.period, carried_in=args.carry_in, render=placing
                    ).results

            else:

                def evaluate(policy: Policy) -> Any:
                    return policy.evaluate_parts(
                        args.data, jobs=args.jobs, period=args.period, carried_in=args.carry_in, render=placing
                    ).results

            found = sweep(base, variants, evaluate)
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    except LostPartError as exc:
        _error(str(exc))
        return EXIT_FAILED
    if args.format == "json":
        sys.stdout.write(_json({"base": args.old, "variants": [v.to_json() for v in found]}))
    else:
        _emit(render_sweep(found))
    return EXIT_FAILED if any(v.changes for v in found) else EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    if _missing_files([args.record]):
        return EXIT_USAGE
    try:
        outcome = verify_record(args.record, root=args.root)
    except RecordError as exc:
        sys.stderr.write(visible_inline(exc.render(language=_LANGUAGE.get())) + "\n")
        return EXIT_FAILED
    if outcome:
        # each line said alone, its indentation kept (the differences are indented under their heading)
        _emit("".join(line[: len(line) - len(line.lstrip())] + _say(line.lstrip()) + "\n" for line in outcome))
    else:
        _emit(_say(f"verified: {args.record} reproduces byte for byte") + "\n")
    return EXIT_FAILED if outcome else EXIT_OK


def run_test(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if p != STDIN and not os.path.exists(p)]
    for path in missing:
        _error(f"{path}: no such file or directory")
    if missing:
        return EXIT_USAGE
    stdin = _stdin_text(limit=tester.MAX_TEST_BYTES) if STDIN in args.paths else None
    if not tester.discover(args.paths) and stdin is None:
        _error("no *.test.yaml files found")
        return EXIT_USAGE
    outcome = tester.run(args.paths, coverage=args.coverage, root=args.root, stdin=stdin)
    if args.format == "json":
        sys.stdout.write(_json(tester.render_json(outcome)))
    elif args.format == "junit":
        _emit(tester.render_junit(outcome))
    else:
        _emit(tester.render_text(outcome, language=_LANGUAGE.get()))
    return EXIT_FAILED if outcome.failed else EXIT_OK


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
            _write(_bom(args) + visible(render_csv(assessment, language=language)), args.output)
        else:
            lines = "".join(_json(unit_json(unit), indent=None) for unit in assessment.units)
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


def _check_period(policies: Sequence[Any], period: str | None) -> None:
    """`--period` names a period of every policy given, before any data is read (exit 2, not 1)."""
    if period is None:
        return
    for policy in policies:
        try:
            period_months(policy.schema, period)
        except PeriodError as exc:
            raise UsageError(f"--period {period}: {exc}") from None


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


def run_template(args: argparse.Namespace) -> int:
    from targetdsl.office.template import write

    refuse_misplaced([args.policy])
    if _missing_files([args.policy]):
        return EXIT_USAGE
    refuse_suffix("-o", args.output, (".xlsx",), "the workbook")
    refuse_unwritable([("-o", args.output)], [args.policy])
    items, slots = _item_slots(args.items)
    counts = [items, *slots.values()]
    if not 1 <= args.rows <= MAX_TEMPLATE_ROWS or not all(1 <= count <= MAX_TEMPLATE_ITEMS for count in counts):
        _error(f"--rows is 1 to {MAX_TEMPLATE_ROWS:,} and --items 1 to {MAX_TEMPLATE_ITEMS}")
        return EXIT_USAGE
    if _missing_files(args.items_from, folders=args.items_from):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
        listed = _items_listed(policy, args.items_from) if args.items_from else None
        write(
            policy,
            args.output,
            only=args.unit_class,
            rows=args.rows,
            items=items,
            slots=slots,
            listed=listed,
            language=_LANGUAGE.get(),
        )
    except (PolicyError, DataError) as exc:
        _report(exc)
        return EXIT_FAILED
    except ValueError as exc:
        _error(str(exc))
        return EXIT_USAGE
    if not args.quiet:
        for (unit_class, name), found in sorted((listed or {}).items()):
            if name in slots or (args.unit_class is not None and unit_class != args.unit_class):
                continue
            shown = min(found.slots, MAX_TEMPLATE_ITEMS)
            sys.stderr.write(
                _say(
                    f"{name} of {unit_class}: {shown} item slots; the longest list last year had {found.count} "
                    f"items, unit {visible_inline(found.unit)} in {visible_inline(found.file)}"
                )
                + "\n"
            )
        sys.stderr.write(_say(f"wrote {visible(args.output)}") + "\n")
    return EXIT_OK


def _items_listed(policy: Policy, paths: Sequence[str]) -> dict[tuple[str, str], Listed]:
    """The longest item lists of last year's data (`--items-from`); DataError if a file cannot be read."""
    from targetdsl.office.template import listed_items
    from targetdsl.units.gathering import gather

    document, problems = gather(paths)
    if problems:
        raise DataError(problems)
    return listed_items(policy, document)


def _item_slots(given: Sequence[str]) -> tuple[int, dict[str, int]]:
    """`--items 12 --items 定量任务=30` → 12 slots for every list, 30 for 定量任务; nothing given: 10."""
    default = 10
    named: dict[str, int] = {}
    for text in given:
        name, equals, count = text.rpartition("=")
        try:
            number = int(count)
        except ValueError:
            raise UsageError(f"--items {text}: give a number of slots, N or LIST=N (--items 定量任务=30)") from None
        if equals and name.strip():
            named[name.strip()] = number
        else:
            default = number
    return default, named


# A template sheet has a row per unit and a column per item slot: more is never an office's intent,
# and Excel stops at 1,048,576 rows and 16,384 columns.
MAX_TEMPLATE_ROWS = 5_000
MAX_TEMPLATE_ITEMS = 200


def run_lsp(args: argparse.Namespace) -> int:
    from targetdsl.authoring.lsp import main as serve

    serve(root=args.root, language=_LANGUAGE.get())
    return EXIT_OK


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


def run_plan(args: argparse.Namespace) -> int:
    from targetdsl.evaluation.plan import render_text, to_json

    refuse_misplaced([args.policy])
    if _missing_files([args.policy]):
        return EXIT_USAGE
    try:
        policy = load_policy(args.policy, root=args.root)
    except PolicyError as exc:
        _report(exc)
        return EXIT_FAILED
    _check_period([policy], args.period)
    if args.unit_class is not None and args.unit_class not in policy.schema.classes:
        known = ", ".join(policy.schema.classes)
        raise UsageError(f"--class {args.unit_class}: the policy has no such class (classes: {known})")
    made = policy.plan(period=args.period, unit_class=args.unit_class)
    if args.format == "json":
        sys.stdout.write(_json(to_json(made, policy.schema.where)))
    else:
        _emit(render_text(made, policy.schema.where, language=_LANGUAGE.get()))
    return EXIT_OK


def run_fmt(args: argparse.Namespace) -> int:
    files = policy_files(args.files)
    if _missing_files([path for path in files if path != STDIN]):
        return EXIT_USAGE
    if not (args.check or args.diff):  # found before any file is rewritten, not after half of them
        refuse_unwritable([("fmt", path) for path in files if path != STDIN], [])
    unformatted = failed = 0
    for given in files:
        path = STDIN_NAME if given == STDIN else given
        try:
            original = _stdin_text() if given == STDIN else decode(read_limited(path, limit=MAX_FILE_BYTES))
            keywords = None if args.keywords is None else Language(args.keywords)
            formatted = format_policy(original, name=path, keywords=keywords)
        except FileReadError as exc:
            sys.stdout.write(f"{path}: {_ERROR_WORDS[_LANGUAGE.get()]}{_say(f'the file {exc.reason}')}\n")
            failed += 1
            continue
        except UnicodeDecodeError:
            sys.stderr.write(f"{visible(path)}: {_ERROR_WORDS[_LANGUAGE.get()]}{_say('not UTF-8 text')}\n")
            failed += 1
            continue
        except PolicyError as exc:
            _report(exc)
            failed += 1
            continue
        except FormatError as exc:
            sys.stderr.write(f"{_ERROR_WORDS[_LANGUAGE.get()]}{visible(_say(str(exc)))}\n")
            failed += 1
            continue
        if given == STDIN and not (args.check or args.diff):
            _emit(formatted)  # a filter: the text in, the formatted text out, formatted or not
            continue
        if formatted == original:
            continue
        unformatted += 1
        if args.diff:
            _emit(
                "".join(
                    difflib.unified_diff(
                        original.splitlines(keepends=True),
                        formatted.splitlines(keepends=True),
                        fromfile=path,
                        tofile=f"{path} (formatted)",
                    )
                )
            )
        elif args.check:
            _emit(_say(f"{path}: not formatted") + "\n")
        else:
            write_text(path, formatted)
            _emit(_say(f"formatted {path}") + "\n")
    if failed:
        return EXIT_USAGE  # as black and ruff: 2 when a file cannot be read or parsed, 1 when one would change
    return EXIT_FAILED if unformatted and (args.check or args.diff) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every way it can end is one of the documented exit codes. Messages are in the
    language `--lang` names, else the locale's (English when it names none)."""
    token = _LANGUAGE.set(from_locale(os.environ))
    try:
        return _main(argv)
    finally:
        _LANGUAGE.reset(token)


def _given_language(argv: Sequence[str]) -> str | None:
    """`--lang` as given, read before the arguments are parsed: argparse's own complaints follow it."""
    for index, argument in enumerate(argv):
        if argument.startswith("--lang="):
            return argument.partition("=")[2]
        if argument == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def _main(argv: Sequence[str] | None) -> int:
    given = _given_language(sys.argv[1:] if argv is None else argv)
    if given in ("zh", "en"):
        _LANGUAGE.set(Language(given))
    if argv is None:
        _tolerant_streams()
        with contextlib.suppress(ValueError):  # ValueError: not the main thread
            signal.signal(signal.SIGTERM, _terminate)  # the program's, never the library's
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        _LANGUAGE.set(choose(getattr(args, "lang", None), os.environ))
        refuse_empty(args)
        unwritable = _not_text(args)
        if unwritable is not None:
            raise UsageError(
                f"the argument {printable(unwritable)} is not valid text (a file name that is not "
                "UTF-8?); rename the file or give the name in UTF-8"
            )
        return int(args.run(args))
    except UsageError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except (KeyboardInterrupt, Terminated) as exc:
        code = EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else EXIT_TERMINATED
        sys.stderr.write(f"targetdsl: {_say('interrupted' if code == EXIT_INTERRUPTED else 'terminated')}\n")
        if argv is None:
            # Run as the program: leave at once (partial files were removed on the way here). A normal
            # exit would free every unit's result one object at a time: seconds for a large file.
            _leave(code)
        return code
    except MemoryError:
        _error(
            "out of memory; for many units give .jsonl or .csv data with --format csv or jsonl, which "
            "evaluate in bounded memory"
        )
        return EXIT_BUG
    except BrokenPipeError:
        # the reader went away (`| head`): nothing more to say, and nothing to flush at exit either
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, and a code that says "bug"
        _error(f"internal error: {type(exc).__name__}: {exc}")
        sys.stderr.write(
            _say(
                "this is a bug in targetdsl, not in your files: please report it with the command "
                "you ran (set TARGETDSL_TRACEBACK=1 to see where it happened)"
            )
            + "\n"
        )
        if os.environ.get("TARGETDSL_TRACEBACK"):
            traceback.print_exc()
        return EXIT_BUG


class Terminated(BaseException):
    """SIGTERM, raised where the program was, so that partial files are removed on the way out."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _tolerant_streams() -> None:
    """A terminal that cannot show a character (a Latin-1 or GBK console) gets an escape for it, not a
    crash half way through the results."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def _leave(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


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
