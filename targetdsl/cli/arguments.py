"""The command line's arguments and help: `build_parser` (every command, its options and the runner it
calls), each command's --help with its examples and what its exit status means, every word in the
run's language (a Chinese text wrapped by display width), argparse's own complaints too.

It must not do a command's work: an argument is checked here only as far as its type (`--jobs`), the
rest by the runner."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from targetdsl import __version__
from targetdsl.cli.auditing import run_diff, run_verify
from targetdsl.cli.authoring import run_check, run_fmt, run_lsp, run_plan, run_template, run_test
from targetdsl.cli.evaluating import run_evaluate, run_explain, run_periods, run_report
from targetdsl.cli.output import _ERROR_WORDS, _LANGUAGE, EXIT_USAGE, EXITS, _say
from targetdsl.keywords import Language
from targetdsl.messages import translate
from targetdsl.source import display_width

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
