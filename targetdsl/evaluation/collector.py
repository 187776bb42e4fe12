"""The cycle collector paused while units are validated and evaluated."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while many objects and no cycles are made (validating or
    evaluating units): a full collection every time the long-lived objects grow by a quarter would
    traverse every unit and result made so far, again and again.

    The collector is left as it was found: enabled again at the end when it was enabled, nothing
    collected, frozen or moved between generations, so the objects of the program calling are
    untouched (what was made here is collected as the program's own objects are, from then on)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
