"""Run `python -m MODULE ARGS...` and write its peak resident memory, in MB, to a file: its own, then,
on a second line, the largest of the processes it started and waited for (0 when none).

Usage: python -m benchmarks.peak OUT_FILE MODULE ARGS...
The first figure is the process's own high-water mark (VmHWM in /proc/self/status, which starts afresh
when the process is started), not inherited from a large parent process as ru_maxrss can be. The second
is the children's `ru_maxrss`: the workers of `--jobs N` are started afresh (spawned), so it is theirs.
"""

from __future__ import annotations

import resource
import runpy
import sys
from pathlib import Path


def peak_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    out, module = sys.argv[1], sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        Path(out).write_text(f"{peak_mb():.1f}\n{children:.1f}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
