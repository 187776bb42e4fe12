"""Pooled items (按子项总完成率计分): an `items` measure scored by the sub-items done across all of a unit's
items (their `tally`s summed), at the measure's own points, instead of item by item.

Checked (points of its own, a tally, no score), scored the same on every path, explained with each item's
part, written by the formatter in both keyword languages, shown by the diff, and its items take no points
of their own, in the data or in the template.
"""

from decimal import Decimal

import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.audit.explain import render_text
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language.formatter import format_policy
from targetdsl.office.template import columns

POOLED = """policy "合并计分" { year 2021 status draft }
class 县区 { 重点 100 }
category 重点 {
    indicator 增长 points 60 {
        input r: percent
        score points * min(r, 100%)
    }
    items 项目 "重点项目" points 40 pooled {
        input subs: count range 1 to 50
        input done: count range 0 to subs
        tally done of subs
    }
}
"""


def unit(uid: str, rate: str, items: list[dict[str, object]]) -> dict[str, object]:
    return {"id": uid, "class": "县区", "indicators": {"增长": {"r": rate}, "项目": items}}


UNITS = [
    unit("A", "90", [{"name": "一", "subs": 2, "done": 2}, {"name": "二", "subs": 8, "done": 1}]),
    unit("B", "100", [{"subs": 3, "done": 1}]),
    unit("C", "50", [{"subs": 1, "done": 1}, {"subs": 1, "done": 0}, {"subs": 2, "done": 2}]),
]


def policy_of(text: str = POOLED) -> targetdsl.Policy:
    return targetdsl.parse_policy(text, name="pooled.tdsl")


def measure(result: targetdsl.UnitResult, name: str) -> targetdsl.MeasureResult:
    return next(m for m in result.measures if m.name == name)


def test_the_score_is_the_share_of_all_sub_items_done() -> None:
    """A: 3 of 10 sub-items → 40 × 3/10 = 12 (item by item: 40 × (1 + 1/8)/2 = 22.5); B: 40 × 1/3;
    C: 3 of 4 → 30. The counts are the completion table's too."""
    results = {u.id: u for u in policy_of().evaluate(UNITS).units}
    assert measure(results["A"], "项目").earned == Decimal(12)
    assert measure(results["A"], "项目").points == Decimal(40)
    assert (measure(results["A"], "项目").completed, measure(results["A"], "项目").counted) == (3, 10)
    assert measure(results["B"], "项目").earned == Decimal("13." + "3" * 32)  # 40 / 3 in 34 digits
    assert measure(results["C"], "项目").earned == Decimal(30)
    assert results["A"].total == Decimal("66.00")
    assert results["B"].total == Decimal("73.33")
    assert results["C"].total == Decimal("60.00")


def test_each_item_shows_its_part_of_the_pooled_score() -> None:
    """An item's part: the measure's points in proportion to its sub-items, earned in proportion to
    those done; the parts add up to the measure's score."""
    result = next(u for u in policy_of().evaluate(UNITS, explain=True).units if u.id == "A")
    items = measure(result, "项目").items
    assert [(i.points, i.earned, i.completed, i.counted) for i in items] == [
        (Decimal(8), Decimal(8), 2, 2),
        (Decimal(32), Decimal(4), 1, 8),
    ]
    assert sum(i.earned or 0 for i in items) == measure(result, "项目").earned
    text = render_text(result, 3)
    assert "pooled: 3 of 10 sub-items done across the items, scaled to 40" in text
    assert "重点项目 #2 二 = 4 of 32" in text
    chinese = render_text(result, 3, language=Language.CHINESE)
    assert "合并计分：全部事项共 10 个子项，完成 3 个，折算为满分 40" in chinese
    assert "8 个子项完成 1 个" in chinese


def test_every_path_gives_the_same_numbers() -> None:
    """Closures, the reference path, explanations on demand, a stream and a partitioned evaluation."""
    policy = policy_of()
    fast = policy.evaluate(UNITS, explain=False).to_json()["units"]
    with by_reference():
        assert policy.evaluate(UNITS).to_json()["units"] == fast
    on_demand = policy.evaluate(UNITS)
    assert all(u.trace is not None for u in on_demand.units)
    assert on_demand.to_json()["units"] == fast
    with policy.stream(iter(UNITS)) as streamed:
        ordered = [unit_json(u) for u in streamed]
    assert ordered == fast
    for parts in (1, 2, 3):
        assert [unit_json(u) for u in policy.evaluate_parts(UNITS, parts=parts).results] == ordered


def test_no_item_applies_and_the_measure_is_not_applicable() -> None:
    """Items whose inputs are missing and count nothing: no sub-items to count, not a division by 0."""
    text = POOLED.replace("input done: count range 0 to subs", "input done: count range 0 to subs missing na")
    results = policy_of(text).evaluate([unit("A", "100", [{"subs": 2}])], explain=True).units
    pooled = measure(results[0], "项目")
    assert not pooled.applicable
    assert "no sub-items to count" in render_text(results[0], 1)


def test_an_item_of_pooled_items_has_no_points_of_its_own() -> None:
    """Points given to an item would silently weigh nothing: the data are refused, and the template has
    no column for them."""
    with pytest.raises(targetdsl.DataError) as raised:
        policy_of().evaluate([unit("A", "100", [{"subs": 2, "done": 1, "points": 3}])])
    assert "indicators.项目[1].points" in str(raised.value)
    policy = policy_of()
    paths = [c.path for c in columns(policy, policy.schema.classes["县区"], items=2, awards=0)]
    assert "项目.1.subs" in paths and "项目.1.points" not in paths
    weighted = policy_of(POOLED.replace(" pooled", "").replace("tally", "score points * done / subs\n tally"))
    paths = [c.path for c in columns(weighted, weighted.schema.classes["县区"], items=2, awards=0)]
    assert "项目.1.points" in paths


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("points 40 pooled", "pooled"), "pooled items `项目` have no points of their own"),
        (("tally done of subs", "score points * done / subs"), "items `项目` has no `tally`"),
        (
            ("tally done of subs", "tally done of subs\n        score points * done / subs"),
            "pooled items `项目` score by their `tally`; this `score` would never be read",
        ),
    ],
)
def test_a_pooled_measure_that_cannot_be_scored_is_refused(change: tuple[str, str], expected: str) -> None:
    report = targetdsl.check_text(POOLED.replace(*change), name="pooled.tdsl")
    assert expected in [d.message for d in report.errors]


def test_formatted_in_both_keyword_languages_and_diffed() -> None:
    chinese = format_policy(POOLED, keywords=Language.CHINESE)
    assert 'items 项目 "重点项目" points 40 pooled' in format_policy(POOLED)
    assert '事项 项目 "重点项目" 分值 40 合并计分 {' in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == format_policy(POOLED)
    assert policy_of(chinese).evaluate(UNITS).units[0].total == policy_of().evaluate(UNITS).units[0].total
    unpooled = POOLED.replace(" pooled", "").replace("tally done", "score points * done / subs\n tally done")
    changes = diff_effective(policy_of(unpooled).effective, policy_of().effective).changes
    assert any(c.kind == "added" and c.what == "items `项目`" and c.new == "pooled" for c in changes)
    assert not diff_effective(policy_of(chinese).effective, policy_of().effective).changes
