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

Its modules: `program` (`main`: one command run, every way it ends an exit code), `arguments` (the
parser and each command's --help), `output` (the exit codes, and what is written where in the run's
language), `inputs` (what a command reads, checked before any work), and the commands' runners by
what they are for: `evaluating` (evaluate, explain, periods, report), `auditing` (diff and its sweeps,
verify) and `authoring` (check, fmt, test, plan, template, lsp).
"""

from targetdsl.cli.arguments import EXAMPLES, build_parser
from targetdsl.cli.output import (
    EXIT_BUG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    EXITS,
)
from targetdsl.cli.program import Terminated, main
from targetdsl.progress import ProgressBar

__all__ = [
    "EXAMPLES",
    "EXITS",
    "EXIT_BUG",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "ProgressBar",
    "Terminated",
    "build_parser",
    "main",
]
