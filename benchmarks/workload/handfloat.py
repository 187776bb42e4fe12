"""The WORKLOAD.md rules written by hand in Python with binary floats: the pure-Python speed limit.

It reads the same records (numbers as text) and is wrong wherever a value lies on a rounding boundary
that a float misses by its last bit: the benchmark counts those units instead of calling it identical.
"""

from __future__ import annotations

import math
from typing import Any

from benchmarks.workload.handwritten import grade

WEIGHTS = {"npc": 0.30, "cppcc": 0.20, "org": 0.15, "propaganda": 0.10, "discipline": 0.15, "leaders": 0.10}
LEVELS = {"national": 2.0, "provincial": 1.0, "city": 0.5}


def score(record: dict[str, Any]) -> dict[str, Any]:
    indicators = record["indicators"]
    quant = 0.0
    for q in range(1, 21):
        values = indicators[f"q{q:02d}"]
        target, actual = float(values["target"]), float(values["actual"])
        if q >= 17:
            ratio = 1.2 if actual == 0 else target / actual
        else:
            ratio = actual / target
        if ratio >= 0.6:
            quant += 2.5 * min(ratio, 1.2)
    key = 0.0
    for k in range(1, 11):
        values = indicators[f"k{k:02d}"]
        key += 4 * float(values["done"]) / float(values["subs"])
    other_scores = indicators["other"]
    other = 10 * sum(w * float(other_scores[a]) for a, w in WEIGHTS.items()) / 100
    bonus = min(sum(LEVELS[a["level"]] for a in record["bonuses"]["awards"]), 3.0)
    total = math.floor((quant + key + other + bonus) * 100 + 0.5) / 100
    vetoed = any(v["failed"] for v in record["vetoes"].values())
    return {
        "id": record["id"],
        "quant": quant,
        "key": key,
        "other": other,
        "bonus": bonus,
        "total": total,
        "vetoed": vetoed,
        "grade": grade(total, vetoed),
    }


def evaluate(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = [score(r) for r in records]
    results.sort(key=lambda r: (-r["total"], r["id"]))
    for rank, result in enumerate(results, start=1):
        result["rank"] = rank
    return results
