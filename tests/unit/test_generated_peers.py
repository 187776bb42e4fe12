"""A measure comparing units, scored by generated expressions: its class-wide function reads the class's
values through the scorer as the reference does, and those values are its generated argument's for every
unit. Held to the reference path on the turns where they could part: an argument failing for some units
(skipped by both), a missing value, an empty class, nested class-wide calls, `peer_count()`, a stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation.measures import FastMeasure
from targetdsl.evaluation.results import unit_json
from tests.support import reference

POLICY = """policy "peers" { year 2003 status draft }
class c { k 100 }
category k {
    indicator eff points 40 {
        input target: number
        input actual: number missing na
        let rate = actual / target
        score points * efficacy(rate) / 100
    }
    indicator ranked points 30 {
        input x: number
        score if rank(x) * 2 <= peer_count() then points else points / 2
    }
    indicator above points 30 {
        input y: number
        score if y >= peer_avg(y) then points else points * y / max(peer_max(y), 1)
    }
}
"""


def units(count: int) -> list[dict[str, Any]]:
    found = []
    for i in range(count):
        found.append(
            {
                "id": f"U{i:03d}",
                "class": "c",
                "indicators": {
                    "eff": {"target": str(50 + i % 7), "actual": str(30 + (i * 13) % 41)},
                    "ranked": {"x": str((i * 7) % 11)},
                    "above": {"y": str((i * 5) % 9)},
                },
            }
        )
    return found


def test_a_measure_comparing_units_is_generated() -> None:
    policy = targetdsl.parse_policy(POLICY, name="p.tdsl")
    for measure in policy.schema.classes["c"].measures():
        built, why = FastMeasure.attempt(measure)
        assert built is not None and built.arguments, (measure.name, why)


def _same(policy: targetdsl.Policy, data: list[dict[str, Any]]) -> None:
    fast = policy.evaluate(data, explain=False)
    slow = reference(policy, data)
    assert fast.to_json() == slow.to_json()


def test_generated_and_reference_agree_on_every_turn() -> None:
    policy = targetdsl.parse_policy(POLICY, name="p.tdsl")
    data = units(40)
    _same(policy, data)
    del data[5]["indicators"]["eff"]["actual"]  # missing: left out of the class, the measure does not apply
    _same(policy, data)
    data[3]["indicators"]["eff"]["target"] = "0"  # the argument fails for one unit: both refuse it alike
    with pytest.raises(targetdsl.EvaluationError) as fast:
        policy.evaluate(data, explain=False)
    with pytest.raises(targetdsl.EvaluationError) as slow:
        reference(policy, data)
    assert fast.value.problems == slow.value.problems
    assert [p.unit for p in fast.value.problems] == ["U003"]


def test_one_unit_and_an_empty_argument_class() -> None:
    policy = targetdsl.parse_policy(POLICY, name="p.tdsl")
    _same(policy, units(1))
    alone = units(2)
    for record in alone:
        del record["indicators"]["eff"]["actual"]  # no unit has a value: efficacy has an empty class
    _same(policy, alone)


def test_a_stream_gathers_the_arguments_by_generated_code(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(POLICY, name="p.tdsl")
    data = units(300)  # past the count after which validation's usual path is taken
    path = tmp_path / "units.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    with policy.stream(path) as results:
        streamed = [unit_json(u) for u in results]
    assert streamed == [unit_json(u) for u in reference(policy, data).units]
