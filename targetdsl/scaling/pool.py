"""`--jobs N`: the tasks of a partitioned evaluation on a pool of processes of this machine.

Each part's units wait between passes in a spool file of a private folder (removed when the pool
closes), so that only summaries travel back to this process. The processes are started fresh
(`spawn`): nothing of this process — a compiled kernel, a decimal context, a lock held by a thread —
is inherited; every task rebuilds the policy from its parcel (once per process) and enters its
decimal context itself (`partition.py`).

This module must not decide anything about the evaluation: it only runs what partition.py asks.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from targetdsl.scaling.parcels import Summary, summary, tallied

LOOK_SECONDS = 0.25  # how often the progress line looks at the parts' tallies


def _leave_interrupts() -> None:
    """In a worker of the pool (a process of its own): Ctrl-C is the main process's to handle — it stops
    the pool — and must not print a worker's traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Pool:
    """A pool of `jobs` processes as a `partition.Runner`; use it in a `with` block."""

    same_machine = True  # the finished units come back as files (`partition.finish`)

    def __init__(self, jobs: int):
        self.executor = ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_leave_interrupts
        )
        self._folder = tempfile.TemporaryDirectory(prefix="targetdsl-parts-")
        self.folder = self._folder.name

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self._folder.cleanup()

    def map(self, task: Callable[..., Any], *arguments: Sequence[Any]) -> list[Any]:
        return list(self.executor.map(task, *arguments))

    def summaries(self, parts: list[Any]) -> list[Summary]:
        return [summary(part) for part in parts]

    def gather(self, handles: list[Any]) -> list[Any]:
        return list(handles)

    def share(self, value: Any, beside: Any = None) -> Any:
        return value


@contextlib.contextmanager
def watched(folder: str, total: int, progress: Callable[[int, int], None] | None) -> Iterator[None]:
    """`progress(done, total)` a few times a second while the block runs, from the tallies the parts of
    a counted job keep in `folder` (`parcels.Tally`); and once more, all done, when it ends well."""
    if progress is None or total <= 0:
        yield
        return
    stop = threading.Event()

    def look() -> None:
        while not stop.wait(LOOK_SECONDS):
            progress(min(tallied(folder), total), total)

    watcher = threading.Thread(target=look, name="targetdsl-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
    progress(total, total)
