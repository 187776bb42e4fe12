"""An adversary's third pass: small policies and data written by hand from the docs, each result worked
out by hand, held on every path (evaluate, explained, reference, stream, parts)."""

from typing import Any

import pytest

import targetdsl
from targetdsl.results import unit_json
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
