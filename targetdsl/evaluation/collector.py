"""The cycle collector paused while units are validated and evaluated."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while many objects and no cycles are made (validating or
    evaluating units): a collection pass every few hundred objects would cost a third of the time.

    What is made here (the units, the results) is long-lived: at the end it joins the oldest
    generation directly (`gc.freeze` then `gc.unfreeze`, which also leaves the objects the caller
    had there), instead of being traversed by a young collection first; that would cost a tenth of
    an evaluation. A program that freezes objects itself is left to do so: then only the pause."""
    collecting = gc.isenabled()
    promote = collecting and gc.get_freeze_count() == 0
    gc.disable()
    try:
        yield
    finally:
        if promote:
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()
