"""`main`: one command run from its arguments to its exit code. The language of its messages (`--lang`,
read before the arguments are parsed, else the locale's), SIGTERM turned into an exception while it runs
as the program (never when called as a function), and every way a command can end — a usage error,
Ctrl-C, out of memory, a closed pipe, a file that cannot be written, a bug — one line on standard error
and one of the documented exit codes.

It must not know what a command does: it parses the arguments and calls the runner they name."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import traceback
from collections.abc import Sequence

from targetdsl.cli.arguments import build_parser
from targetdsl.cli.output import (
    _LANGUAGE,
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    _error,
    _say,
)
from targetdsl.invocation import UsageError, refuse_empty
from targetdsl.keywords import Language
from targetdsl.messages import choose, from_locale
from targetdsl.source import first_surrogate, printable


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
