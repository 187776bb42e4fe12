"""The WORKLOAD.md rules as a GoRules ZEN decision graph (`pip install '.[bench]'` installs zen-engine).

One expression node computes every score from the record as given (numbers
as text, converted with `number()`); ZEN computes in decimal arithmetic.
The ranking is done here, as the hand-written implementation does it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from benchmarks.workload.policy import VETOES, WEIGHTS

LEVELS = {"national": "2", "provincial": "1", "city": "0.5"}


def available() -> bool:
    try:
        import zen  # noqa: F401
    except ImportError:
        return False
    return True


def expressions() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for q in range(1, 21):
        values = f"indicators.q{q:02d}"
        target, actual = f"number({values}.target)", f"number({values}.actual)"
        ratio = f"({actual} == 0 ? 1.2 : {target} / {actual})" if q >= 17 else f"{actual} / {target}"
        rows.append((f"r{q:02d}", ratio))
    rows.append(("quant", " + ".join(f"($.r{q:02d} < 0.6 ? 0 : 2.5 * min([$.r{q:02d}, 1.2]))" for q in range(1, 21))))
    rows.append(
        (
            "key",
            " + ".join(
                f"4 * number(indicators.k{k:02d}.done) / number(indicators.k{k:02d}.subs)" for k in range(1, 11)
            ),
        )
    )
    mean = " + ".join(f"{Decimal(w) / 100} * number(indicators.other.{name})" for name, w in WEIGHTS.items())
    rows.append(("other", f"10 * ({mean}) / 100"))
    level = " : ".join(f'#.level == "{name}" ? {points}' for name, points in LEVELS.items()) + " : 0"
    rows.append(("bonus", f"min([sum(map(bonuses.awards, {level})), 3])"))
    rows.append(("total", "round($.quant + $.key + $.other + $.bonus, 2)"))
    rows.append(("vetoed", " or ".join(f"vetoes.{name}.failed" for name in VETOES)))
    rows.append(
        (
            "grade",
            '$.vetoed ? "fail" : ($.total >= 95 ? "excellent" : ($.total >= 85 ? "good" : '
            '($.total >= 70 ? "pass" : "fail")))',
        )
    )
    return rows


def graph() -> dict[str, Any]:
    content = {
        "expressions": [{"id": str(i), "key": key, "value": value} for i, (key, value) in enumerate(expressions())]
    }
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "unit", "position": {"x": 0, "y": 0}},
            {
                "id": "score",
                "type": "expressionNode",
                "name": "score",
                "position": {"x": 1, "y": 0},
                "content": content,
            },
            {"id": "out", "type": "outputNode", "name": "result", "position": {"x": 2, "y": 0}},
        ],
        "edges": [
            {"id": "a", "sourceId": "in", "targetId": "score", "type": "edge"},
            {"id": "b", "sourceId": "score", "targetId": "out", "type": "edge"},
        ],
    }


def decision() -> Any:
    import zen

    return zen.ZenEngine().create_decision(json.dumps(graph()))


def evaluate(records: list[dict[str, Any]], compiled: Any) -> list[dict[str, Any]]:
    """Every unit's total, grade and rank. The binding returns numbers as binary floats: a total,
    rounded to cents by ZEN, is read back as the shortest decimal that denotes it."""
    results = []
    for record in records:
        output = compiled.evaluate(record)["result"]
        results.append({"id": record["id"], "total": Decimal(repr(output["total"])), "grade": output["grade"]})
    results.sort(key=lambda r: (-r["total"], r["id"]))
    for rank, result in enumerate(results, start=1):
        result["rank"] = rank
    return results
