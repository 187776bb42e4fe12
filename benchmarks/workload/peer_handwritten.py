"""The peer-relative WORKLOAD.md rules (`peer_policy.py`) written by hand in Python with exact Decimal
arithmetic, in a 34-digit context: two passes, the class's statistics first, then each unit."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from benchmarks.workload.handwritten import POINTS, TWO, key_other_bonus, quantitative
from benchmarks.workload.peer_policy import EFFICACY, RANKED, REVERSE

EXACT = Context(prec=34, rounding=ROUND_HALF_EVEN)
COMPARED = (*EFFICACY, *REVERSE, RANKED)


def ratio(record: dict[str, Any], name: str) -> Decimal:
    values = record["indicators"][name]
    return Decimal(values["actual"]) / Decimal(values["target"])


class Statistics:
    """Per compared indicator, the class's smallest and largest actual / target; and for the ranked
    one every value, sorted."""

    def __init__(self, records: Iterable[dict[str, Any]]):
        self.low: dict[str, Decimal] = {}
        self.high: dict[str, Decimal] = {}
        self.ranked: list[Decimal] = []
        self.count = 0
        with localcontext(EXACT):
            for record in records:
                self.count += 1
                for name in COMPARED:
                    value = ratio(record, name)
                    if name not in self.low or value < self.low[name]:
                        self.low[name] = value
                    if name not in self.high or value > self.high[name]:
                        self.high[name] = value
                self.ranked.append(ratio(record, RANKED))
        self.ranked.sort()

    def efficacy(self, name: str, value: Decimal, *, reverse: bool = False) -> Decimal:
        low, high = self.low[name], self.high[name]
        if low == high:
            return Decimal(100)
        return 60 + 40 * ((high - value) if reverse else (value - low)) / (high - low)

    def rank(self, value: Decimal) -> int:
        return 1 + len(self.ranked) - bisect.bisect_right(self.ranked, value)


def score(record: dict[str, Any], stats: Statistics) -> dict[str, Any]:
    with localcontext(EXACT):
        indicators = record["indicators"]
        quant = Decimal(0)
        for q in range(1, 21):
            name = f"q{q:02d}"
            if name in EFFICACY or name in REVERSE:
                quant += POINTS * stats.efficacy(name, ratio(record, name), reverse=name in REVERSE) / 100
                continue
            if name == RANKED:
                quant += POINTS if stats.rank(ratio(record, name)) * 5 <= stats.count else POINTS / 2
                continue
            quant += quantitative(q, indicators[name])
        key, other, bonus = key_other_bonus(record)
        total = (quant + key + other + bonus).quantize(TWO, rounding=ROUND_HALF_UP)
    vetoed = any(v["failed"] for v in record["vetoes"].values())
    return {
        "id": record["id"],
        "quant": quant,
        "key": key,
        "other": other,
        "bonus": bonus,
        "total": total,
        "vetoed": vetoed,
    }


def band(total: Decimal) -> str:
    if total >= 70:
        return "excellent"
    if total >= 65:
        return "good"
    if total >= 60:
        return "pass"
    return "fail"


def rank_and_grade(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rank by total (then id), grade by band (a veto forces fail), then at most a fifth of the class
    (rounded down) keeps excellent, in rank order; the rest of them get good."""
    results.sort(key=lambda r: r["id"])
    results.sort(key=lambda r: r["total"], reverse=True)
    allowed = len(results) * 20 // 100
    holders = 0
    for rank, result in enumerate(results, start=1):
        result["rank"] = rank
        grade = "fail" if result["vetoed"] else band(result["total"])
        if grade == "excellent":
            holders += 1
            if holders > allowed:
                grade = "good"
        result["grade"] = grade
    return results


def evaluate(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    stats = Statistics(records)
    return rank_and_grade([score(r, stats) for r in records])
