"""Adjustment items (加扣分项): an indicator of `points 0` whose score, of either sign, is added to its
category's subtotal as it is.

Checked (its formula cannot read its points of 0, nor be sub-items' or a given score; a category needs a
weighted measure), added apart from the weighted sum by the engine (the kernel scores the item but leaves
the category's sum to the engine), explained in the category's step, and the same on every path: fast,
reference, explained on demand, streamed in batches of one, in parts.
"""

import random
from decimal import Decimal
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.audit.explain import render_text
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language.formatter import format_policy
from targetdsl.scaling import stream as streaming

BASE_100 = """policy "加扣分" { year 2012 status draft }
class 乡镇 { 工作 80  评价 20 }
class 街道 { 工作 100 }
category 工作 "工作实绩" {
    indicator 经济 points 60 {
        input r: percent
        score points * min(r, 100%)
    }
    indicator 社会 points 40 {
        input s: number range 0 to 100
        score points * s / 100
    }
    indicator 重点工作 "完成市重点工作" points 0 {
        input tasks: count missing zero
        score min(1 * tasks, 5)
    }
    indicator 通报 "被通报" points 0 {
        input times: count missing zero
        score -2 * times
    }
}
category 评价 {
    indicator 满意度 points 100 {
        input s: number range 0 to 100
        score points * s / 100
    }
}
coefficient 难度 { input k: number missing default 1  factor k  on 工作 }
grades { 优秀 >= 90  良好 80 to 90  合格 otherwise }
"""


def policy_of(text: str) -> targetdsl.Policy:
    return targetdsl.parse_policy(text, name="adjust.tdsl")


def codes(text: str) -> list[tuple[str, int]]:
    report = targetdsl.check_text(text, name="adjust.tdsl")
    return [(d.code, d.span.line) for d in report.diagnostics if d.severity.value == "error"]


def units(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    made = []
    for i in range(count):
        unit_class = rng.choice(["乡镇", "街道"])
        indicators: dict[str, Any] = {
            "经济": {"r": f"{rng.randint(50, 130)}%"},
            "社会": {"s": rng.randint(0, 100)},
        }
        if rng.random() < 0.6:
            indicators["重点工作"] = {"tasks": rng.randint(0, 8)}
        if rng.random() < 0.5:
            indicators["通报"] = {"times": rng.randint(0, 4)}
        if unit_class == "乡镇":
            indicators["满意度"] = {"s": rng.randint(60, 100)}
        unit: dict[str, Any] = {"id": f"U{i:02}", "class": unit_class, "indicators": indicators}
        if rng.random() < 0.3:
            unit["coefficients"] = {"难度": {"k": rng.choice(["0.9", "1.1", "1.15"])}}
        made.append(unit)
    return made


def test_the_policy_checks_clean_and_keeps_its_meaning_in_both_keyword_languages() -> None:
    assert codes(BASE_100) == []
    chinese = format_policy(BASE_100, keywords=Language.CHINESE)
    assert "分值 0" in chinese
    english = format_policy(chinese, keywords=Language.ENGLISH)
    assert format_policy(english) == english
    assert policy_of(english).effective.declarations == policy_of(BASE_100).effective.declarations
    assert policy_of(chinese).effective.declarations == policy_of(BASE_100).effective.declarations


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("indicator 加 points 0 { input n: count  score points * n }", 6),  # reads its points of 0
        ("indicator 加 points 0 { input n: count  let p = points  score p * n }", 6),  # through a let
        ("indicator 加 points 0 { subitem a points 1 { score 1 } }", 6),  # sub-items scaled to 0
        ("indicator 加 points 0 { input ok: bool  score if ok then 1 else 0  given by a }", 6),
    ],
)
def test_an_adjustment_that_can_only_give_zero_is_refused(body: str, line: int) -> None:
    text = (
        'policy "p" { year 2012 status draft }\nassessor a "甲"\nclass c { q 100 }\ncategory q {\n'
        f"    indicator 基础 points 10 {{ score points }}\n    {body}\n}}\n"
    )
    assert codes(text) == [("check.adjustment", line)]


def test_a_category_of_adjustments_only_and_zero_points_elsewhere_are_refused() -> None:
    text = (
        'policy "p" { year 2012 status draft }\nclass c { q 90  r 10 }\n'
        "category q { indicator 基础 points 10 { score points } }\n"
        "category r {\n    indicator 加 points 0 { input n: count  score n }\n}\n"
    )
    assert codes(text) == [("check.adjustment", 4)]
    for zero in (
        "category q { indicator 基础 points 10 { subitem s points 0 { score 1 } } }",
        "category q { items 基础 points 0 { score 1 } }",
    ):
        text = 'policy "p" { year 2012 status draft }\nclass c { q 100 }\n' + zero + "\n"
        assert ("check.bad-value", 3) in codes(text), zero
    # beside measures weighted by shares, an adjustment needs no share
    shares = (
        'policy "p" { year 2012 status draft }\nclass c { q 100 }\ncategory q {\n'
        "    indicator a share 100% { score points }\n    indicator 加 points 0 { input n: count  score n }\n}\n"
    )
    assert codes(shares) == []
    result = policy_of(shares).evaluate([{"id": "u", "class": "c", "indicators": {"加": {"n": 3}}}])
    assert result.units[0].total == Decimal(103)


def test_the_adjustments_are_added_unscaled_before_the_coefficient_by_hand() -> None:
    data = [
        {
            "id": "A",
            "class": "乡镇",
            "indicators": {
                "经济": {"r": "100%"},
                "社会": {"s": 50},
                "重点工作": {"tasks": 9},
                "通报": {"times": 1},
                "满意度": {"s": 100},
            },
            "coefficients": {"难度": {"k": "1.1"}},
        },
        {"id": "B", "class": "街道", "indicators": {"经济": {"r": "50%"}, "社会": {"s": 0}, "通报": {"times": 3}}},
    ]
    result = policy_of(BASE_100).evaluate(data)
    a, b = result.unit("A"), result.unit("B")
    # A: 80 × (60 + 20) / 100 = 64; + 5 − 2 = 67; × 1.1 = 73.7; + 20 = 93.7
    assert a.total == Decimal("93.70")
    assert [c.subtotal for c in a.categories] == [Decimal("73.7"), Decimal(20)]
    # B: 100 × 30 / 100 = 30; − 6 = 24
    assert b.total == Decimal("24.00")
    text = render_text(a, 1)
    assert "(80 × 80 / 100 + adjustments 3) × coefficient 1.1" in text
    assert "完成市重点工作 = adjustment 5" in text
    assert "被通报 = adjustment -2" in text
    chinese = render_text(a, 1, language=Language.CHINESE)
    assert "（80 × 80 / 100 + 加扣分 3） × 系数 1.1" in chinese
    assert "完成市重点工作 = 加扣分 5" in chinese


def test_an_adjustment_whose_category_does_not_apply_is_an_error_for_the_unit() -> None:
    text = BASE_100.replace("input r: percent", "input r: percent missing na").replace(
        "input s: number range 0 to 100\n        score points * s / 100\n    }\n    indicator 重点工作",
        "input s: number range 0 to 100 missing na\n        score points * s / 100\n    }\n    indicator 重点工作",
    )
    policy = policy_of(text)
    data = [
        {"id": "A", "class": "街道", "indicators": {"重点工作": {"tasks": 2}}},
        {"id": "B", "class": "街道", "indicators": {"经济": {"r": "90%"}}},
    ]
    for explain in (False, True):
        with pytest.raises(targetdsl.EvaluationError) as caught:
            policy.evaluate(data, explain=explain)
        assert [(p.unit, p.where) for p in caught.value.problems] == [("A", "重点工作")]
        assert "no weighted measure of category `工作` applies" in str(caught.value.problems[0])
    # an adjustment of 0 beside a category that does not apply is no error: nothing is lost
    fine = policy.evaluate([{"id": "A", "class": "乡镇", "indicators": {"满意度": {"s": 80}}}])
    assert fine.units[0].total == Decimal("80.00")  # 评价 alone (16 of 20), reweighted to the scale


@pytest.mark.parametrize("seed", range(4))
def test_fast_reference_explained_streamed_and_partitioned_evaluations_agree(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "BATCH", 1)  # every unit a batch of its own
    policy = policy_of(BASE_100)
    data = units(13, seed)
    fast = policy.evaluate(data, explain=False).to_json()["units"]
    with by_reference():
        assert policy.evaluate(data).to_json()["units"] == fast
    on_demand = policy.evaluate(data)
    for unit in on_demand.units:
        assert unit.trace is not None  # its numbers are checked against the evaluation's
    assert on_demand.to_json()["units"] == fast
    key = lambda u: (u["unit_class"], u["rank"])  # noqa: E731
    with policy.stream(iter(data)) as streamed:
        assert sorted((unit_json(u) for u in streamed), key=key) == sorted(fast, key=key)
    with policy.stream(iter(data)) as streamed:
        ordered = [unit_json(u) for u in streamed]
    for parts in (1, 4, 13):
        assert [unit_json(u) for u in policy.evaluate_parts(data, parts=parts).results] == ordered


def test_the_kernel_scores_the_items_and_the_plan_says_why_the_engine_sums_the_category() -> None:
    steps = {s.quantity.name: s for c in policy_of(BASE_100).plan().classes for s in c.steps}
    assert steps["工作.重点工作.score"].evaluator.value == "kernel"
    assert steps["工作.重点工作.score"].quantity.detail.startswith("adjustment item, added to the subtotal as it is")
    reason = steps["category.工作"].reason or ""
    assert "adjustment items are added apart (重点工作, 通报)" in reason


def test_making_an_item_an_adjustment_is_a_change_an_auditor_sees() -> None:
    old = policy_of(BASE_100)
    new = policy_of(BASE_100.replace('indicator 通报 "被通报" points 0', 'indicator 通报 "被通报" points 5'))
    changes = diff_effective(old.effective, new.effective).changes
    found = [(c.group, c.what, c.old, c.new) for c in changes]
    assert found == [("category 工作", "indicator `通报`: points", "0", "5")]
