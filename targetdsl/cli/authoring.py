"""The commands a policy author runs on the policy itself: `check` (every problem, and the assumptions
the policies state), `fmt` (the canonical layout, or what would change), `test` (the `*.test.yaml`
beside the policies), `plan` (which evaluator takes each quantity), `template` (the data-entry
workbook) and `lsp` (the language server).

It must not check, lay out or test by itself: it calls the API and `authoring`."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from targetdsl.api import Policy, Report, check_path, check_text, load_policy
from targetdsl.authoring import tester
from targetdsl.cli.inputs import STDIN, STDIN_NAME, _check_period, _missing_files, _stdin_text, policy_files
from targetdsl.cli.output import (
    _ERROR_WORDS,
    _LANGUAGE,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    _emit,
    _error,
    _json,
    _report,
    _say,
)
from targetdsl.diagnostics import PolicyError
from targetdsl.files import FileReadError, read_limited
from targetdsl.invocation import UsageError, refuse_misplaced, refuse_suffix, refuse_unwritable
from targetdsl.keywords import Language
from targetdsl.language.checker import Stated
from targetdsl.language.formatter import FormatError, format_policy
from targetdsl.language.inheritance import MAX_FILE_BYTES
from targetdsl.outputs import visible, visible_inline, write_text
from targetdsl.source import decode
from targetdsl.values import DataError

if TYPE_CHECKING:
    from targetdsl.office.template import Listed


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
