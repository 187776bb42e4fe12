"""Side by side, in one run: units per second on the WORKLOAD.md rules, every result verified.

Contenders: a hand-written exact-Decimal implementation (the reference),
targetdsl's compiled evaluator (without and with validating the records),
targetdsl's interpreter (explanations on: the reference semantics), and
GoRules ZEN when installed (`pip install '.[bench]'`). Every contender's
total, grade and rank of every unit are checked against the reference.
Then parse + check per 1,000 policy lines and, with --stream N, a streamed
`targetdsl evaluate` of N units from a JSON Lines file: time and peak memory.
Data is generated beforehand and not timed; setup is reported separately.

Run from the repository root:
    python -m benchmarks.workload.run --units 10000 100000 --stream 1000000
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import targetdsl
from benchmarks import parse_check
from benchmarks.workload import generate, handwritten, policy, zen

ROOT = Path(__file__).resolve().parent.parent.parent
Outcome = dict[str, tuple[Decimal, str, int]]  # id → (total, grade, rank)


def timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def outcome(results: list[dict[str, Any]]) -> Outcome:
    return {r["id"]: (r["total"], r["grade"], r["rank"]) for r in results}


def assessed(assessment: targetdsl.Assessment) -> Outcome:
    return {u.id: (u.total, u.grade or "", u.rank) for u in assessment.units}


def verdict(got: Outcome, want: Outcome) -> str:
    wrong = sum(1 for key, value in want.items() if got.get(key) != value) + len(set(got) - set(want))
    return "identical" if not wrong else f"{wrong} MISMATCHES"


def side_by_side(sizes: list[int], runs: int) -> None:
    started = time.perf_counter()
    compiled = targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    setup = {"targetdsl": time.perf_counter() - started}
    if zen.available():
        started = time.perf_counter()
        decision = zen.decision()
        setup["zen-engine"] = time.perf_counter() - started
    print(
        "setup: "
        + ", ".join(f"{name} {1000 * seconds:.0f} ms" for name, seconds in setup.items())
        + " (parse, check / build the rules; not in the figures below)"
    )
    rows: dict[str, list[str]] = {}
    for count in sizes:
        records = generate.units(count)
        hand_s, reference = timed(functools.partial(handwritten.evaluate, records), runs)
        want = outcome(reference)
        load_s, units = timed(functools.partial(compiled.load_units, records), runs)
        fast_s, fast = timed(functools.partial(compiled.evaluate, units, explain=False), runs)
        traced_s, traced = timed(functools.partial(compiled.evaluate, units), 1)
        measured = {
            "hand-written Python, exact Decimal": (hand_s, "reference"),
            "targetdsl compiled": (fast_s, verdict(assessed(fast), want)),
            "targetdsl compiled, validating the records": (load_s + fast_s, verdict(assessed(fast), want)),
            "targetdsl interpreter, with explanations (1 run)": (traced_s, verdict(assessed(traced), want)),
        }
        if zen.available():
            zen_s, zen_results = timed(functools.partial(zen.evaluate, records, decision), runs)
            measured["zen-engine (GoRules ZEN)"] = (zen_s, verdict(outcome(zen_results), want))
        for name, (seconds, check) in measured.items():
            rows.setdefault(name, []).append(f"{count / seconds:>9,.0f}  {hand_s / seconds:5.2f}×  {check:<10}")
        del records, units, fast, traced
    width = max(len(name) for name in rows)
    print(
        f"\n{'units per second (median of ' + str(runs) + ' runs)':<{width}}  "
        + "  ".join(f"{'N = ' + format(c, ','):<28}" for c in sizes)
    )
    print(f"{'':<{width}}  " + "  ".join(f"{'u/s':>9}  {'× hand':>6}  {'results':<10}" for _ in sizes))
    for name, cells in rows.items():
        print(f"{name:<{width}}  " + "  ".join(cells))
    if not zen.available():
        print("zen-engine: not installed (pip install '.[bench]' to add it)")


def parse_and_check(lines: int = 1000, runs: int = 9) -> None:
    text = parse_check.generate(lines)
    targetdsl.check_text(text, name="bench.tdsl")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        targetdsl.check_text(text, name="bench.tdsl")
        timings.append(time.perf_counter() - started)
    per_k = statistics.median(timings) * 1000 * 1000 / text.count("\n")
    print(
        f"\nparse + check: {per_k:.0f} ms per 1,000 policy lines (median of {runs}, a {text.count(chr(10))}-line "
        "policy)"
    )


def streamed(count: int) -> None:
    """`targetdsl evaluate` streaming `count` units from JSON Lines to CSV, in a child process whose peak
    memory is measured; its ranks, totals and grades are checked against the hand-written rules."""
    with tempfile.TemporaryDirectory(prefix="targetdsl-bench-") as folder:
        data, rules, output = Path(folder, "units.jsonl"), Path(folder, "workload.tdsl"), Path(folder, "out.csv")
        rules.write_text(policy.text(), encoding="utf-8")
        generate.write_jsonl(str(data), count)
        peak = Path(folder, "peak.txt")
        command = [
            sys.executable,
            "-m",
            "benchmarks.peak",
            str(peak),
            "targetdsl",
            "evaluate",
            str(rules),
            str(data),
            "--format",
            "csv",
            "-o",
            str(output),
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.perf_counter() - started
        peak_mb = float(peak.read_text(encoding="utf-8"))
        with open(output, encoding="utf-8", newline="") as handle:
            got = {row["id"]: (Decimal(row["total"]), row["grade"], int(row["rank"])) for row in csv.DictReader(handle)}
        want = outcome(_hand_written_stream(data))
        print(
            f"\nstreamed evaluation of {count:,} units (JSON Lines in, CSV out, validation included): "
            f"{seconds:.0f} s, {count / seconds:,.0f} units/s, peak memory {peak_mb:,.0f} MB, "
            f"{data.stat().st_size / 1e6:,.0f} MB of data; results {verdict(got, want)}"
        )


def _hand_written_stream(path: Path) -> list[dict[str, Any]]:
    results = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            result = handwritten.score(json.loads(line))
            results.append({"id": result["id"], "total": result["total"], "grade": result["grade"]})
    results.sort(key=lambda r: (-r["total"], r["id"]))
    for rank, result in enumerate(results, start=1):
        result["rank"] = rank
    return results


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--units", type=int, nargs="+", default=[10_000], help="sizes (default 10,000)")
    options.add_argument("--runs", type=int, default=3, help="runs per size; the median is shown")
    options.add_argument("--stream", type=int, metavar="N", help="also stream N units through the command line")
    args = options.parse_args()
    side_by_side(args.units, args.runs)
    parse_and_check()
    if args.stream:
        streamed(args.stream)


if __name__ == "__main__":
    main()
