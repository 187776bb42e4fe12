"""The WORKLOAD.md data: deterministic unit records (seed 2003), numbers as text."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

ASSESSORS = ("npc", "cppcc", "org", "propaganda", "discipline", "leaders")
VETOES = ("family_planning", "public_security", "environment", "foreign_capital", "safety")
LEVELS = ("national", "provincial", "city")


def units(count: int, seed: int = 2003) -> list[dict[str, Any]]:
    return list(records(count, seed))


def records(count: int, seed: int = 2003) -> Iterator[dict[str, Any]]:
    """The same units as `units`, one at a time (for files larger than memory)."""
    rng = random.Random(seed)
    for index in range(1, count + 1):
        indicators: dict[str, Any] = {}
        for q in range(1, 21):
            target = round(rng.uniform(50, 500), 2)
            actual = round(target * rng.uniform(0.4, 1.4), 2)
            indicators[f"q{q:02d}"] = {"target": f"{target:.2f}", "actual": f"{actual:.2f}"}
        for k in range(1, 11):
            subs = rng.randint(1, 3)
            indicators[f"k{k:02d}"] = {"subs": subs, "done": rng.randint(0, subs)}
        indicators["other"] = {a: f"{rng.uniform(0, 100):.2f}" for a in ASSESSORS}
        awards = [{"level": rng.choice(LEVELS)} for _ in range(rng.randint(0, 4))]
        vetoes = {v: {"failed": rng.random() < 0.02} for v in VETOES}
        yield {
            "id": f"U{index:07d}" if count > 999_999 else f"U{index:06d}",
            "class": "county",
            "indicators": indicators,
            "bonuses": {"awards": awards},
            "vetoes": vetoes,
        }


FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def as_an_office_writes(record: dict[str, Any]) -> dict[str, Any]:
    """The same unit as an office's export writes it, meaning the same: numbers padded with spaces or in
    full-width digits, counts as text, vetoes as 是/否 (validation reads such records at once, as it reads
    each of their values), and an assessor's score left out where the policy cannot take that (none here)."""
    indicators: dict[str, Any] = {}
    for name, values in record["indicators"].items():
        written = {}
        for key, value in values.items():
            text = str(value)
            written[key] = text.translate(FULL_WIDTH) if len(text) % 2 else f" {text} "
        indicators[name] = written
    vetoes = {name: {"failed": "是" if v["failed"] else "否"} for name, v in record["vetoes"].items()}
    return {**record, "indicators": indicators, "vetoes": vetoes}


def write_jsonl(path: str, count: int, seed: int = 2003, *, office: bool = False) -> None:
    """`count` units as JSON Lines; with `office`, every value written as an office's export writes it."""
    with open(path, "w", encoding="utf-8") as handle:
        for record in records(count, seed):
            handle.write(json.dumps(as_an_office_writes(record) if office else record, ensure_ascii=False) + "\n")
