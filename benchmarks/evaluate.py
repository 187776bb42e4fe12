"""Evaluation throughput: the 2003 example scaled to N synthetic units.

Copies the 75 example units of examples/lianyungang-2003 round-robin into N
units with fresh ids (each county carries about 40 scored items), then
times validation and evaluation separately and prints units per second.
Run: python benchmarks/evaluate.py [--units 100000]
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import targetdsl
from targetdsl.units.documents import parse_yaml

ROOT = Path(__file__).resolve().parent.parent


def synthetic(count: int) -> dict[str, object]:
    example = parse_yaml((ROOT / "examples/lianyungang-2003/units.yaml").read_text(encoding="utf-8"))
    base = example["units"]
    units = []
    for index in range(count):
        unit = copy.deepcopy(base[index % len(base)])
        unit["id"] = f"S{index:07d}"
        units.append(unit)
    return {"year": 2003, "units": units}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--units", type=int, default=10_000, help="number of units (default 10,000)")
    args = options.parse_args()

    started = time.perf_counter()
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2003.tdsl")
    load_s = time.perf_counter() - started
    document = synthetic(args.units)

    started = time.perf_counter()
    units = policy.load_units(document)
    validate_s = time.perf_counter() - started

    started = time.perf_counter()
    assessment = policy.evaluate(units)
    evaluate_s = time.perf_counter() - started

    started = time.perf_counter()
    policy.evaluate(units, explain=False)
    fast_s = time.perf_counter() - started

    items = sum(u.items for u in assessment.units)
    print(f"policy load + check: {load_s * 1000:.0f} ms")
    print(f"units: {args.units:,} ({items:,} counted items)")
    print(f"validation: {validate_s:.2f} s, {args.units / validate_s:,.0f} units/s")
    print(f"evaluation: {evaluate_s:.2f} s, {args.units / evaluate_s:,.0f} units/s (with explanations)")
    print(f"evaluation: {fast_s:.2f} s, {args.units / fast_s:,.0f} units/s (no trace, compiled expressions)")
    print(f"together:   {args.units / (validate_s + evaluate_s):,.0f} units/s")


if __name__ == "__main__":
    main()
