"""The constructs of the language used together: a computed bonus that compares units (`rank` over
another measure's score), user-defined functions in computed points and money, each evaluated by hand
and the same on every path (fast, reference, explained on demand, streamed in small batches)."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation.results import unit_json
from targetdsl.scaling import stream as streaming
from tests.unit.test_lang_references import evaluations

TOP_THREE = """policy "月度前三" { year 2003 status draft }

class 县区 { 经济 100 }

input growth "增速": percent

function 折算(x, base) = x / base * 10

category 经济 {
    indicator G points 100 {
        input target: number
        input actual: number
        score points * min(actual / target, 1)
    }
}

bonus 前三 "月度排名前三加分" {
    points bands rank(score(G)) { == 1: 0.5, == 2: 0.3, == 3: 0.1, otherwise: 0 }
    when growth >= 8%
}

award 奖金 {
    money 1000 * 折算(total, 100)
}

grades {
    优秀 >= 90
    合格 otherwise
}
"""


def unit(uid: str, growth: str, actual: str) -> dict[str, Any]:
    return {
        "id": uid,
        "name": uid,
        "class": "县区",
        "inputs": {"growth": growth},
        "indicators": {"G": {"target": "100", "actual": actual}},
    }


def test_the_months_top_three_by_a_measures_rank_gated_by_growth() -> None:
    # hand computed: G ranks B (100) 1st, A (95) 2nd, C (90) 3rd, D (80) 4th; B's growth 5% < 8%: no bonus
    policy = targetdsl.parse_policy(TOP_THREE, name="top.tdsl")
    units = [unit("A", "9", "95"), unit("B", "5", "100"), unit("C", "10", "90"), unit("D", "10", "80")]
    results = {u.id: u for u in policy.evaluate(units).units}
    assert {k: (r.bonus, r.total) for k, r in results.items()} == {
        "A": (Decimal("0.3"), Decimal("95.30")),
        "B": (Decimal("0"), Decimal("100.00")),
        "C": (Decimal("0.1"), Decimal("90.10")),
        "D": (Decimal("0"), Decimal("80.00")),
    }
    # money 1000 × (total / 100 × 10): A 953.0 × 10 = 9530
    assert results["A"].money == Decimal("9530")
    step = next(s for s in results["A"].explanation if s.what.startswith("bonus"))
    assert any(note.startswith("rank: class of 4") for note in step.notes), step.notes


@pytest.mark.parametrize("seed", range(4))
def test_a_bonus_comparing_units_is_the_same_on_every_path(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 3)  # the class scored in several parts
    draw = random.Random(seed)
    units = [
        unit(f"U{i:02}", str(draw.choice([5, 8, 9, 12])), str(draw.choice([70, 80, 90, 95, 100, 104])))
        for i in range(11)
    ]
    fast, reference, explained, streamed = evaluations(targetdsl.parse_policy(TOP_THREE, name="top.tdsl"), units)
    assert fast == reference == explained == streamed


SHARE_OF_BEST = TOP_THREE.replace(
    "    money 1000 * 折算(total, 100)\n", "    money 10000 * total / peer_max(total)\n"
).replace(
    "    points bands rank(score(G)) { == 1: 0.5, == 2: 0.3, == 3: 0.1, otherwise: 0 }\n",
    "    points growth / peer_max(growth)\n",
)


def test_money_as_a_share_of_the_best_total_and_a_bonus_as_a_share_of_the_best_growth() -> None:
    policy = targetdsl.parse_policy(SHARE_OF_BEST, name="share.tdsl")
    units = [unit("A", "9", "95"), unit("B", "12", "100"), unit("C", "10", "90")]
    results = {u.id: u for u in policy.evaluate(units).units}
    # bonus: growth / best growth (12%), gated by growth >= 8%: A 0.75, B 1, C 0.8333… (the 34-digit quotient)
    assert results["B"].bonus == Decimal("1")
    assert results["A"].bonus == Decimal("0.75")
    # totals (two decimals): A 95.75, B 101.00, C 90.83; money 10000 × total / 101.00
    assert results["B"].money == Decimal("10000")
    assert results["A"].money.quantize(Decimal("0.01")) == Decimal("9480.20")


@pytest.mark.parametrize("seed", range(3))
def test_shares_of_the_best_are_the_same_on_every_path(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 2)
    draw = random.Random(seed)
    units = [unit(f"U{i:02}", str(draw.choice([8, 9, 12])), str(draw.choice([80, 90, 100]))) for i in range(7)]
    fast, reference, explained, streamed = evaluations(targetdsl.parse_policy(SHARE_OF_BEST, name="s.tdsl"), units)
    assert fast == reference == explained == streamed


@pytest.mark.parametrize("policy_text", [TOP_THREE, SHARE_OF_BEST], ids=["bonus-by-rank", "money-by-best-total"])
def test_an_evaluation_in_parts_equals_one_stream(policy_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules that compare units, before the total (a bonus) or once the class is ranked (an award's
    money): evaluated in 1, 3 and 5 parts, in this process and on two processes, as one stream."""
    monkeypatch.setattr(streaming, "BATCH", 2)
    draw = random.Random(7)
    units = [unit(f"U{i:02}", str(draw.choice([8, 9, 12])), str(draw.choice([80, 90, 100]))) for i in range(9)]
    policy = targetdsl.parse_policy(policy_text, name="p.tdsl")
    with policy.stream(iter(units)) as results:
        streamed = [unit_json(u) for u in results]
    for parts in (1, 3, 5):
        assert [unit_json(u) for u in policy.evaluate_parts(units, parts=parts).results] == streamed, parts
    assert [unit_json(u) for u in policy.evaluate_parts(units, jobs=2, parts=3).results] == streamed
