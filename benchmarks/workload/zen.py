"""The WORKLOAD.md rules as a GoRules ZEN decision graph (`pip install '.[bench]'` installs zen-engine).

ZEN at its best: one expression node computes every score, evaluated by
`ZenEngine.evaluate` (about twice as fast as `ZenDecision.evaluate`) on
numeric inputs. The records arrive with numbers as text, as they do for
every contender; turning them into numbers is part of ZEN's time. ZEN
computes in decimal arithmetic but hands numbers back as binary floats,
read back here as the shortest decimal that denotes them. The ranking is
done here, as the hand-written implementation does it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from benchmarks.workload.policy import VETOES, WEIGHTS

LEVELS = {"national": "2", "provincial": "1", "city": "0.5"}


def available() -> bool:
    try:
        # zen-engine is typed, but optional: without the bench extra mypy must not fail on it
        import zen  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def expressions(numeric: bool = True) -> list[tuple[str, str]]:
    """The scores as ZEN expressions, on inputs that are numbers (or, with `numeric` false, on the
    records' text, converted by ZEN's `number()`)."""

    def number(path: str) -> str:
        return path if numeric else f"number({path})"

    rows: list[tuple[str, str]] = []
    for q in range(1, 21):
        values = f"indicators.q{q:02d}"
        target, actual = number(f"{values}.target"), number(f"{values}.actual")
        ratio = f"({actual} == 0 ? 1.2 : {target} / {actual})" if q >= 17 else f"{actual} / {target}"
        rows.append((f"r{q:02d}", ratio))
    rows.append(("quant", " + ".join(f"($.r{q:02d} < 0.6 ? 0 : 2.5 * min([$.r{q:02d}, 1.2]))" for q in range(1, 21))))
    rows.append(
        (
            "key",
            " + ".join(f"4 * indicators.k{k:02d}.done / indicators.k{k:02d}.subs" for k in range(1, 11)),
        )
    )
    mean = " + ".join(f"{Decimal(w) / 100} * {number(f'indicators.other.{name}')}" for name, w in WEIGHTS.items())
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


def graph(numeric: bool = True) -> dict[str, Any]:
    content = {
        "expressions": [
            {"id": str(i), "key": key, "value": value} for i, (key, value) in enumerate(expressions(numeric))
        ]
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


def engine() -> Any:
    """A ZenEngine that loads the graphs by key (`numeric`, `text`) once and keeps them."""
    import zen  # type: ignore[import-not-found, unused-ignore]  # optional, as in available()

    graphs = {"numeric": json.dumps(graph(True)), "text": json.dumps(graph(False))}
    return zen.ZenEngine({"loader": lambda key: graphs[key]})


def numeric(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its numbers as numbers: what ZEN's expressions compute on."""
    indicators = {
        name: {key: float(value) for key, value in values.items()} for name, values in record["indicators"].items()
    }
    return {**record, "indicators": indicators}


FIELDS = ("quant", "key", "other", "bonus", "total")


def evaluate(records: list[dict[str, Any]], rules: Any, *, convert: bool = True) -> list[dict[str, Any]]:
    """Every unit's subtotals, bonus, total, veto, grade and rank: the records' numbers turned into
    numbers here (`convert`), or given as text to ZEN's `number()`. Whichever is faster is ZEN's best."""
    results: list[dict[str, Any]] = []
    for record in records:
        if convert:
            output = rules.evaluate("numeric", numeric(record))["result"]
        else:
            output = rules.evaluate("text", record)["result"]
        result: dict[str, Any] = {name: Decimal(repr(output[name])) for name in FIELDS}
        result.update(id=record["id"], vetoed=output["vetoed"], grade=output["grade"])
        results.append(result)
    results.sort(key=lambda r: (-r["total"], r["id"]))
    for rank, result in enumerate(results, start=1):
        result["rank"] = rank
    return results
