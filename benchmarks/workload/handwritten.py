"""The WORKLOAD.md rules written by hand in Python with exact Decimal arithmetic."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TWO = Decimal("0.01")
WEIGHTS = {
    "npc": Decimal("0.30"),
    "cppcc": Decimal("0.20"),
    "org": Decimal("0.15"),
    "propaganda": Decimal("0.10"),
    "discipline": Decimal("0.15"),
    "leaders": Decimal("0.10"),
}
LEVELS = {"national": Decimal(2), "provincial": Decimal(1), "city": Decimal("0.5")}
CAP, FLOOR, POINTS = Decimal("1.2"), Decimal("0.6"), Decimal("2.5")


def quantitative(q: int, values: dict[str, Any]) -> Decimal:
    """Indicator q's points: a ratio to its target, nothing below 0.6, capped at 1.2."""
    target, actual = Decimal(values["target"]), Decimal(values["actual"])
    if q >= 17:
        ratio = CAP if actual == 0 else target / actual
    else:
        ratio = actual / target
    return POINTS * min(ratio, CAP) if ratio >= FLOOR else Decimal(0)


def key_other_bonus(record: dict[str, Any]) -> tuple[Decimal, Decimal, Decimal]:
    indicators = record["indicators"]
    key = Decimal(0)
    for k in range(1, 11):
        values = indicators[f"k{k:02d}"]
        key += 4 * Decimal(values["done"]) / Decimal(values["subs"])
    other_scores = indicators["other"]
    mean = sum((WEIGHTS[a] * Decimal(other_scores[a]) for a in WEIGHTS), Decimal(0))
    other = 10 * mean / 100
    bonus = min(sum((LEVELS[a["level"]] for a in record["bonuses"]["awards"]), Decimal(0)), Decimal(3))
    return key, other, bonus


def grade(total: Any, vetoed: bool) -> str:
    """The grade: a veto fails the unit, else the total's band (decimals or floats alike)."""
    if vetoed:
        return "fail"
    if total >= 95:
        return "excellent"
    if total >= 85:
        return "good"
    if total >= 70:
        return "pass"
    return "fail"


def score(record: dict[str, Any]) -> dict[str, Any]:
    indicators = record["indicators"]
    quant = Decimal(0)
    for q in range(1, 21):
        quant += quantitative(q, indicators[f"q{q:02d}"])
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
        "grade": grade(total, vetoed),
    }


def evaluate(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    results = [score(r) for r in records]
    results.sort(key=lambda r: (-r["total"], r["id"]))
    for rank, result in enumerate(results, start=1):
        result["rank"] = rank
    return results
