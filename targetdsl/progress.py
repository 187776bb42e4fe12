"""The progress line the command line shows on a terminal during long work.

One line for the whole job, redrawn in place: what is being read, then
`evaluating ███████░░░ 70% 7,000/10,000 units · 2,300 units/s · 0:01 left`.
A streamed evaluation passes over its units twice; that is one bar whose
count is units (`pass 2 of 2`), never "400,000/400,000 unit passes" for
200,000 units. Small runs show nothing, and nothing here is written
anywhere but the stream it is given (standard error, and only on a
terminal: the command line decides). It computes no result.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from targetdsl.outputs import visible_inline

REDRAW_SECONDS = 0.25  # at most four redraws a second, besides one per percent


class ProgressBar:
    """`progress(done, total)` for `Policy.evaluate` and `Policy.stream`, drawn on `stream`.

    `passes` is how many times the job goes over the units (a stream: 2); `total` counts unit passes,
    and the bar shows units. `clock` is for tests."""

    def __init__(
        self,
        stream: Any,
        minimum: int = 2000,
        noun: str = "units",
        *,
        passes: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stream = stream
        self.noun = noun
        self.minimum = minimum
        self.passes = passes
        self.clock = clock
        self.shown = -1
        self.started: float | None = None
        self.drawn_at = 0.0
        self.width = 0  # of the line last drawn: a shorter one is padded to cover it

    def reading(self, paths: Sequence[str]) -> None:
        """Say what is being read (a large workbook takes a while, and nothing else would show)."""
        sizes = [os.path.getsize(p) for p in paths if os.path.isfile(p)]
        what = visible_inline(paths[0]) if len(paths) == 1 else f"{len(paths)} paths"
        size = sum(sizes)
        self._draw(f"reading {what}" + (f" ({size / (1 << 20):,.1f} MB)" if size >= 1 << 20 else "") + " …")

    def __call__(self, done: int, total: int) -> None:
        if total < self.minimum * self.passes:
            return
        now = self.clock()
        if self.started is None:
            self.started = now
        percent = done * 100 // total
        if percent == self.shown and now - self.drawn_at < REDRAW_SECONDS and done < total:
            return
        self.shown, self.drawn_at = percent, now
        units = total // self.passes
        stage = max(done - 1, 0) * self.passes // total + 1  # the pass the unit just done belongs to
        count = done - (stage - 1) * units
        filled = percent // 5
        line = f"evaluating {'█' * filled}{'░' * (20 - filled)} {percent:3d}% {count:,}/{units:,} {self.noun}"
        if self.passes > 1:
            line += f" (pass {stage} of {self.passes})"
        elapsed = now - self.started
        if done and elapsed > 0:
            rate = done / elapsed
            line += f" · {rate:,.0f} {self.noun}/s"
            if done < total:
                line += f" · {_duration((total - done) / rate)} left"
        self._draw(line)

    def _draw(self, line: str) -> None:
        self.stream.write("\r" + line + " " * max(self.width - len(line), 0))
        self.width = len(line)
        self.stream.flush()

    def close(self) -> None:
        if self.width:
            if self.shown < 0:  # only "reading …" was shown: clear it
                self.stream.write("\r" + " " * self.width + "\r")
            else:
                self.stream.write("\n")
            self.stream.flush()
            self.width = 0


def _duration(seconds: float) -> str:
    """0:42, 12:05, 1:02:03."""
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    minutes, seconds_left = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds_left:02d}" if hours else f"{minutes}:{seconds_left:02d}"
