"""Opening input files: regular files only, never more than a limit.

Every file targetdsl reads — a policy and its `extends` chain, unit data,
carry-over ledgers, `*.test.yaml` files, result records — is opened here.
A path naming a directory, a device (`/dev/zero`, `/dev/urandom`), a named
pipe or a socket is refused before a byte is read: the path is looked up
first, and opened without blocking (a FIFO with no writer would otherwise
wait for ever) and looked at again through the open descriptor, so a file
swapped in between is caught too. The size limit is enforced while
reading — at most `limit + 1` bytes are ever read — because `stat` says 0
for `/proc` files and devices.

This module knows nothing about what the files mean; callers turn a
`FileReadError` into their own diagnostic or data problem, naming the file.
"""

from __future__ import annotations

import enum
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from targetdsl.diagnostics import TargetdslError

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes the controlling terminal
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
CHUNK = 1 << 20


class FileProblem(enum.Enum):
    """Why a file was not read."""

    MISSING = "missing"
    NOT_A_FILE = "not-a-file"
    TOO_LARGE = "too-large"
    LINK_LOOP = "link-loop"
    BAD_NAME = "bad-name"
    UNREADABLE = "unreadable"


class FileReadError(TargetdslError):
    """A file that was not read; `reason` completes a sentence that starts with its name."""

    def __init__(self, problem: FileProblem, reason: str):
        super().__init__(reason)
        self.problem = problem
        self.reason = reason


def size_text(limit: int) -> str:
    """A byte limit as people say it: `8 MB`, `512 KB`."""
    if limit >= 1 << 20 and limit % (1 << 20) == 0:
        return f"{limit >> 20} MB"
    if limit >= 1 << 10 and limit % (1 << 10) == 0:
        return f"{limit >> 10} KB"
    return f"{limit} bytes"


def encoded(path: str | os.PathLike[str]) -> bytes:
    """The path as the operating system receives it; a name that cannot be one is refused.

    A NUL character ends a name in every system call, so `a\\0b` would open `a`;
    a lone surrogate that is not an undecodable byte escaped by Python has no
    bytes at all.
    """
    try:
        raw = os.fsencode(path)
    except UnicodeError:
        raise FileReadError(
            FileProblem.BAD_NAME, "has a name that is not valid text (it holds a lone surrogate, half of a UTF-16 pair)"
        ) from None
    if b"\0" in raw:
        raise FileReadError(FileProblem.BAD_NAME, "has a NUL character in its name")
    return raw


def resolve(path: str | os.PathLike[str]) -> Path:
    """The absolute path with every symbolic link followed; refuses bad names and link loops."""
    encoded(path)
    try:
        return Path(path).resolve()
    except RuntimeError:  # Python before 3.13 reports a symbolic link loop this way
        raise FileReadError(FileProblem.LINK_LOOP, "is a symbolic link that leads back to itself (a loop)") from None
    except OSError as exc:
        raise _refusal(exc) from None


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading in binary; anything else is refused with FileReadError."""
    raw = encoded(path)
    try:
        _require_regular(os.stat(raw).st_mode)
        descriptor = os.open(raw, _OPEN_FLAGS)
    except OSError as exc:
        raise _refusal(exc) from None
    try:
        _require_regular(os.fstat(descriptor).st_mode)  # what was opened, not what the name named a moment ago
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_limited(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """The whole content of a regular file of at most `limit` bytes."""
    with open_regular(path) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _refusal(exc) from None
    if len(data) > limit:
        raise FileReadError(FileProblem.TOO_LARGE, f"is larger than {size_text(limit)}")
    return data


def chunks(path: str | os.PathLike[str], *, limit: int | None) -> Iterator[bytes]:
    """The content of a regular file in blocks, refused once more than `limit` bytes were read
    (a regular file always ends, so None sets no limit)."""
    with open_regular(path) as handle:
        total = 0
        while True:
            try:
                block = handle.read(CHUNK)
            except OSError as exc:
                raise _refusal(exc) from None
            if not block:
                return
            total += len(block)
            if limit is not None and total > limit:
                raise FileReadError(FileProblem.TOO_LARGE, f"is larger than {size_text(limit)}")
            yield block


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        kind = "is a directory"
    elif stat.S_ISFIFO(mode):
        kind = "is a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "is a device"
    elif stat.S_ISSOCK(mode):
        kind = "is a socket"
    else:
        kind = "is a special file"
    raise FileReadError(FileProblem.NOT_A_FILE, f"{kind}, not a regular file")


def _refusal(exc: OSError) -> FileReadError:
    if exc.errno == errno.ENOENT:
        return FileReadError(FileProblem.MISSING, "does not exist")
    if exc.errno == errno.ELOOP:
        return FileReadError(FileProblem.LINK_LOOP, "is a symbolic link that leads back to itself (a loop)")
    if exc.errno == errno.ENOTDIR:
        return FileReadError(FileProblem.MISSING, "does not exist (a part of its path is not a directory)")
    if exc.errno == errno.ENAMETOOLONG:
        return FileReadError(FileProblem.BAD_NAME, "has a name too long for the file system")
    if exc.errno == errno.EISDIR:
        return FileReadError(FileProblem.NOT_A_FILE, "is a directory, not a regular file")
    return FileReadError(FileProblem.UNREADABLE, f"cannot be read ({exc.strerror or exc})")
