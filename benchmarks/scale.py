"""One process, `--jobs 2` and a Dask LocalCluster of two workers on the same file, side by side.

Usage: python -m benchmarks.scale [--units N] [--peers | --workload] [--jobs 2]

Each contender is `targetdsl evaluate POLICY units.jsonl -o out.csv` in a child process, from the same
JSON Lines file (the benchmark workload, generated), validation included: wall time, CPU time (every
process of the evaluation, the workers included), and peak resident memory of the main process and of
the largest other process (a worker), sampled ten times a second. The outputs must be byte-identical
to the one-process output, which is itself checked against the hand-written rules (bonus, total,
veto, grade and rank).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.workload import generate, peer_policy, policy
from benchmarks.workload.run import FIELDS, csv_outcome, outcome, reference, verdict

ROOT = Path(__file__).resolve().parent.parent


def measured(command: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds, peak MB of the main process and of the largest other one."""
    import psutil  # distributed's dependency: the dask extra brings it

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    peaks: dict[int, float] = {}
    main = psutil.Process(child.pid)
    while child.poll() is None:
        try:
            processes = [main, *main.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for process in processes:
            try:
                peaks[process.pid] = max(peaks.get(process.pid, 0.0), process.memory_info().rss / 1e6)
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.1)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {child.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    others = [mb for pid, mb in peaks.items() if pid != child.pid]
    return wall, cpu, peaks.get(child.pid, 0.0), max(others, default=0.0)


def compare(count: int, *, peers: bool, jobs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="targetdsl-scale-") as folder:
        data, rules = Path(folder, "units.jsonl"), Path(folder, "workload.tdsl")
        rules.write_text(peer_policy.text() if peers else policy.text(), encoding="utf-8")
        generate.write_jsonl(str(data), count)
        base = [sys.executable, "-m", "targetdsl", "evaluate", str(rules), str(data), "-q", "-o"]
        contenders = [
            ("one process", []),
            (f"--jobs {jobs}", ["--jobs", str(jobs)]),
            (f"Dask LocalCluster, {jobs} workers", ["--engine", "dask", "--jobs", str(jobs)]),
        ]
        name = "the peer-relative policy" if peers else "the workload policy"
        print(f"\n{count:,} units by {name}, JSON Lines in, CSV out ({data.stat().st_size / 1e6:,.0f} MB of data)")
        columns = ("wall s", 8), ("CPU s", 8), ("units/s", 9), ("× one", 6), ("main MB", 8), ("worker MB", 9)
        print(f"{'contender':<32} " + " ".join(f"{name:>{width}}" for name, width in columns) + "  output")
        first: bytes | None = None
        one_wall = 0.0
        for label, options in contenders:
            output = Path(folder, f"out-{len(label)}.csv")
            # the grammar's parse tables are cached on disk: built before the clock starts, not by the first
            subprocess.run([*base[:3], "check", str(rules)], cwd=ROOT, check=True, capture_output=True)
            wall, cpu, main_mb, worker_mb = measured([*base, str(output), *options])
            got = output.read_bytes()
            if first is None:
                first, one_wall = got, wall
                checked = check(output, count, peers=peers)
            else:
                checked = "identical" if got == first else "MISMATCH: differs from one process"
            print(
                f"{label:<32} {wall:>8.1f} {cpu:>8.1f} {count / wall:>9,.0f} {one_wall / wall:>6.2f} "
                f"{main_mb:>8,.0f} {worker_mb:>9,.0f}  {checked}"
            )


def check(output: Path, count: int, *, peers: bool) -> str:
    got = csv_outcome(output)
    want = {key: value[3:] for key, value in outcome(reference(count, peers=peers)).items()}
    return "bonus, total, veto, grade, rank " + verdict(got, want, FIELDS[3:])


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--units", type=int, default=10_000, help="units (default 10,000)")
    options.add_argument("--jobs", type=int, default=2, help="processes and Dask workers (default 2)")
    which = options.add_mutually_exclusive_group()
    which.add_argument("--peers", action="store_true", help="only the peer-relative policy")
    which.add_argument("--workload", action="store_true", help="only the workload policy")
    args = options.parse_args()
    if not args.peers:
        compare(args.units, peers=False, jobs=args.jobs)
    if not args.workload:
        compare(args.units, peers=True, jobs=args.jobs)


if __name__ == "__main__":
    main()
