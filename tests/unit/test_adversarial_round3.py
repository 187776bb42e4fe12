"""An adversary's third pass: small policies and data written by hand from the docs, each result worked
out by hand, held on every path (evaluate, explained, reference, stream, parts)."""

from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation.results import unit_json
from tests.support import reference


def every_path(text: str, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    policy = targetdsl.parse_policy(text, name="p.tdsl")
    fast = policy.evaluate(units, explain=False).to_json()["units"]
    assert policy.evaluate(units).to_json()["units"] == fast
    assert reference(policy, units).to_json()["units"] == fast
    with policy.stream(iter(units)) as stream:
        assert [unit_json(u) for u in stream] == fast
    for parts in (1, 2, 3):
        done = policy.evaluate_parts(units, parts=parts)
        assert [unit_json(u) for u in done.results] == fast
    return list(fast)


TIES_BY_A_CATEGORY_ONE_CLASS_LACKS = """policy "p" { year 2023 status draft }
class 县区 { a 60 b 40 }
class 部门 { a 100 }
category a { indicator s points 100 { input s: number score s } }
category b { indicator s2 points 100 { input s: number score s } }
%s
grades {
    优秀 "优秀" >= 90 quota 1
    合格 "合格" otherwise
}
ties total desc, b desc, id desc
"""

UNITS = [
    {"id": "A", "class": "县区", "indicators": {"s": {"s": 90}, "s2": {"s": 100}}},  # 54 + 40 = 94, b 40
    {"id": "B", "class": "部门", "indicators": {"s": {"s": 94}}},  # 94, no category b: 0 there
    {"id": "Z", "class": "县区", "indicators": {"s": {"s": 100}, "s2": {"s": 85}}},  # 60 + 34 = 94, b 34
]


@pytest.mark.parametrize("ranking", ["ranking 全市 for 县区, 部门", ""])
def test_ties_by_a_category_one_class_lacks_are_broken_alike_on_every_path(ranking: str) -> None:
    # A stream and a part kept the tie-breaking subtotals by the positions of one class's categories
    # and read a shorter class's sums past their end (IndexError, exit 3).
    results = every_path(TIES_BY_A_CATEGORY_ONE_CLASS_LACKS % ranking, UNITS)
    got = {u["id"]: (u["rank"], u["total"], u["grade"]) for u in results}
    if ranking:  # all 94: b 40 (A) > b 34 (Z) > no b (B); quota 1 goes to A
        assert got == {"A": (1, "94", "优秀"), "Z": (2, "94", "合格"), "B": (3, "94", "合格")}
    else:  # 部门 alone: B first of one
        assert got == {"A": (1, "94", "优秀"), "Z": (2, "94", "合格"), "B": (1, "94", "优秀")}


RESULT_REFERENCES_ACROSS_A_RANKING = """policy "p" { year 2023 status draft }
class 县区 { a 100 }
class 部门 { a 100 }
category a { indicator s points 100 { input s: number score s } }
input 创新项目: count missing zero
input 安全事故: bool missing default false
bonus 创新 { points 0.5 * 创新项目 cap 3 }
bonus 达标 { points if subtotal() >= 90 and bonus(创新) > 0 then 1 else 0 }
bonus 前列 { points bands rank(score(s)) { <= 1: 2, otherwise: 0 } }
limit 加分合计 { on 创新, 达标, 前列 cap 3.5 }
deduction 通报 { input times: count missing zero amount 2 * times }
veto 安全生产 { when 安全事故 effect no award }
veto 连带 { when vetoed(安全生产) and deduction() >= 3 effect cap grade 合格 }
ranking 全市 for 县区, 部门
grades {
    优秀 "优秀" >= 90 quota 40% at least 1
    良好 "良好" 80 to 90
    合格 "合格" < 80
}
award 奖金 { money 100 * subtotal() eligible when not vetoed(安全生产) }
award 名次 { money bands rank { <= 2: 1000, otherwise: 0 } }
commendation 先进 { when rank(subtotal()) <= 2 and deduction() == 0 }
"""


def test_result_references_limits_and_a_ranking_across_classes_agree_with_the_arithmetic() -> None:
    units = [
        {"id": "A", "class": "县区", "indicators": {"s": {"s": 91}}, "inputs": {"创新项目": 8}},
        {
            "id": "B",
            "class": "县区",
            "indicators": {"s": {"s": 88.5}},
            "inputs": {"创新项目": 1, "安全事故": True},
            "deductions": {"通报": {"times": 2}},
        },
        {"id": "C", "class": "部门", "indicators": {"s": {"s": 89.5}}, "inputs": {"创新项目": 2}},
        {"id": "D", "class": "部门", "indicators": {"s": {"s": 92}}, "deductions": {"通报": {"times": 1}}},
        {"id": "E", "class": "县区", "indicators": {"s": {"s": 80}}},
    ]
    results = {u["id"]: u for u in every_path(RESULT_REFERENCES_ACROSS_A_RANKING, units)}
    got = {i: (u["rank"], u["total"], u["bonus"], u["deductions"], u["grade"], u["money"]) for i, u in results.items()}
    assert got == {
        # 创新 min(0.5 × 8, 3) = 3, 达标 91 ≥ 90 → 1, 前列 first of 县区 by s → 2: 6 capped at 3.5 → 94.5;
        # 100 × 91 + 1000 (rank 1 of 5)
        "A": (1, "94.5", "3.5", "0", "优秀", "10100"),
        # 前列 first of 部门 → 2; 通报 2 → 92; 9200 + 1000
        "D": (2, "92", "2", "2", "优秀", "10200"),
        # 创新 1, 达标 89.5 < 90 → 0: 90.5, but 40% of 5 = 2 places are taken → 良好; 8950
        "C": (3, "90.5", "1", "0", "良好", "8950"),
        # 88.5 + 0.5 − 4 = 85; vetoed and deducted 4 ≥ 3 → capped at 合格; no award → 0
        "B": (4, "85", "0.5", "4", "合格", "0"),
        "E": (5, "80", "0", "0", "良好", "8000"),
    }
    # a commendation, decided after the ranking, compares the units ranked together: rank(subtotal()) over
    # all five (D 92, A 91, C 89.5, B 88.5, E 80), the first two without a deduction: A (D was deducted)
    assert {i for i, u in results.items() if u["commendations"]} == {"A"}
