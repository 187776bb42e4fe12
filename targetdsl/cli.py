"""The `targetdsl` command line.

Exit codes: 0 success, 1 the policy (or data) has errors, 2 usage errors
(bad arguments, unreadable paths). Output is deterministic: files are
processed in the order given and diagnostics sorted by position.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from targetdsl import __version__
from targetdsl.api import Report, check_path

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
    check.add_argument("--root", metavar="DIR", help="refuse `extends` paths that leave this directory")
    check.set_defaults(run=run_check)
    return parser


def _missing_files(paths: Sequence[str]) -> int:
    missing = [p for p in paths if not os.path.isfile(p)]
    for path in missing:
        sys.stderr.write(f"targetdsl: error: {path}: no such file\n")
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
