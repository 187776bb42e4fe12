"""Side by side, in one run: units per second on the WORKLOAD.md rules.

Contenders: targetdsl (validation + evaluation, with and without counting
validation) and a hand-written exact-Decimal implementation of the same
rules. Every contender's totals, grades and ranks are checked identical.
Run from the repository root:  python -m benchmarks.workload.run --units 10000 100000
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

import targetdsl
from benchmarks.workload import generate, handwritten, policy


def timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--units", type=int, nargs="+", default=[10_000], help="sizes (default 10,000)")
    options.add_argument("--runs", type=int, default=3, help="runs per size; the median is shown")
    args = options.parse_args()

    started = time.perf_counter()
    compiled = targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    print(f"setup: policy parse + check {1000 * (time.perf_counter() - started):.0f} ms")
    for count in args.units:
        records = generate.units(count)
        hand_s, expected = timed(functools.partial(handwritten.evaluate, records), args.runs)
        load_s, units = timed(functools.partial(compiled.load_units, records), args.runs)
        eval_s, assessment = timed(functools.partial(compiled.evaluate, units), args.runs)
        fast_s, fast = timed(functools.partial(compiled.evaluate, units, explain=False), args.runs)
        assert fast.to_json() == assessment.to_json(), "explain=False changed a result"
        got = {u.id: (u.total, u.grade, u.rank) for u in assessment.units}
        want = {r["id"]: (r["total"], r["grade"], r["rank"]) for r in expected}
        mismatches = sum(1 for k in want if got[k] != want[k])
        print(f"\nN = {count:,} ({'identical results' if not mismatches else f'{mismatches} MISMATCHES'})")
        print(f"  hand-written Decimal        {count / hand_s:>10,.0f} units/s")
        print(f"  targetdsl evaluate          {count / eval_s:>10,.0f} units/s  "
              f"({hand_s / eval_s:.2f}× hand-written; with explanations)")
        print(f"  targetdsl evaluate, no trace{count / fast_s:>10,.0f} units/s  ({hand_s / fast_s:.2f}× hand-written)")
        print(f"  targetdsl validate+evaluate {count / (load_s + eval_s):>10,.0f} units/s")


if __name__ == "__main__":
    main()
