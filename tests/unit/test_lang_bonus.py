"""Computed bonuses, deductions and money, and the grade and quota forms of real methods (issue 14,
items 5 and 6): each form's text, checks, canonical layout, diff, plan and results."""

from pathlib import Path
from typing import Any

import pytest
import yaml

import targetdsl
from targetdsl.formatter import format_policy
from targetdsl.keywords import Language
from targetdsl.plan import plan, render_text
from targetdsl.publication import edition
from tests.support import reference

CASES = Path(__file__).parent.parent / "cases"


def case(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    return document


def codes(text: str) -> list[str]:
    return [d.code for d in targetdsl.check_text(text, name="p.tdsl").diagnostics]


GRADED = """policy "p" { year 2012 status draft }
class c { a 100 }
category a { indicator s points 100 { input s: number score s } }
grades {
    %s
    合格 otherwise
}
"""


def graded(band: str, totals: list[int]) -> targetdsl.Assessment:
    policy = targetdsl.parse_policy(GRADED % band, name="p.tdsl")
    units = [{"id": f"U{i:02}", "class": "c", "indicators": {"s": {"s": t}}} for i, t in enumerate(totals, 1)]
    return policy.evaluate(units)


# ---------------------------------------------------------------- quota head counts


@pytest.mark.parametrize(
    ("band", "totals", "kept"),
    [
        ("优秀 >= 90 quota 20% at least 1", [95, 92, 91], 1),  # 20% of 3 = 0.6 → 0, at least 1
        ("优秀 >= 90 quota 20% at least 1", [95] * 10, 2),  # 20% of 10 = 2: the floor does nothing
        ("优秀 >= 90 quota 20% round up at least 2", [95] * 6, 2),  # 1.2 up = 2
        ("优秀 >= 90 quota 20% at least 5", [95, 92, 70], 2),  # at least 5, but only 2 are in the band
        ("优秀 >= 90 quota 2", [99, 98, 97, 96, 95], 2),  # a fixed top-N
        ("优秀 >= 90 quota 2", [99, 60, 50], 1),  # top-N holds no one the band does not give
        ("优秀 >= 90 quota 9", [99, 98], 2),
    ],
)
def test_a_quota_keeps_its_head_count_in_rank_order(band: str, totals: list[int], kept: int) -> None:
    assessment = graded(band, totals)
    best = [u for u in assessment.units if u.grade == "优秀"]
    assert len(best) == kept
    assert all(u.rank <= kept for u in best)
    assert reference(targetdsl.parse_policy(GRADED % band, name="p.tdsl"), _units(totals)).to_json() == (
        assessment.to_json()
    )


def _units(totals: list[int]) -> list[dict[str, Any]]:
    return [{"id": f"U{i:02}", "class": "c", "indicators": {"s": {"s": t}}} for i, t in enumerate(totals, 1)]


def test_a_quota_reason_says_which_form_limited_the_grade() -> None:
    floor = graded("优秀 >= 90 quota 20% at least 1", [95, 92, 91])
    assert floor.unit("U02").grade_reason.endswith(
        "优秀 is limited to 20% of 3 units = 0, at least 1, so ranked below the quota it gets 合格"
    )
    fixed = graded("优秀 >= 90 quota 2", [99, 98, 97])
    assert fixed.unit("U03").grade_reason.endswith("优秀 is limited to 2 units, so ranked below the quota it gets 合格")


def test_the_published_reason_names_the_head_count() -> None:
    document = case("grades-quota-head-counts.yaml")
    policy = targetdsl.parse_policy(document["policy"], name="p.tdsl")
    assessment = policy.evaluate(document["units"])
    chinese, english = edition(policy, lang="zh"), edition(policy, lang="en")
    assert chinese.grade_reasons(assessment.unit("X2")) == ["优秀名额限 20%（不少于 1 个），按名次评为良好"]
    assert chinese.grade_reasons(assessment.unit("Q06")) == ["良好名额限 3 个，按名次评为合格"]
    assert english.grade_reasons(assessment.unit("Q06")) == ["良好 is limited to 3 units; by rank, 合格"]


def test_quota_forms_keep_their_layout_in_both_keyword_languages() -> None:
    text = GRADED % "优秀 >= 90 quota 20% round up at least 1\n    良好 80 to 90 quota 3"
    chinese = format_policy(text, keywords=Language.CHINESE)
    assert "优秀 >= 90 名额 20% 取整 进一 不少于 1" in chinese
    assert "良好 80 至 90 名额 3" in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == format_policy(text)
    assert format_policy(format_policy(text)) == format_policy(text)
    english = targetdsl.parse_policy(text, name="p.tdsl")
    assert targetdsl.parse_policy(chinese, name="p.tdsl").effective == english.effective


def test_a_word_of_the_quota_forms_stays_a_name_elsewhere() -> None:
    text = GRADED % "优秀 >= 90 quota 2"
    text = text.replace("input s: number score s", "input least: number score least")
    text = text.replace('"s": {"s"', '"s": {"least"')
    assert codes(text) == []


@pytest.mark.parametrize(
    "band",
    [
        "优秀 >= 90 quota 0",
        "优秀 >= 90 quota 2.5",
        "优秀 >= 90 quota 20% at least 0",
        "优秀 >= 90 quota 20% at least 1.5",
    ],
)
def test_a_head_count_is_a_whole_number_of_units(band: str) -> None:
    assert codes(GRADED % band) == ["check.quota-count"]


def test_a_changed_quota_form_is_a_change_an_auditor_sees() -> None:
    before = targetdsl.parse_policy(GRADED % "优秀 >= 90 quota 20%", name="a.tdsl")
    after = targetdsl.parse_policy(GRADED % "优秀 >= 90 quota 20% at least 1", name="b.tdsl")
    fixed = targetdsl.parse_policy(GRADED % "优秀 >= 90 quota 2", name="c.tdsl")
    changed = targetdsl.diff_policies(before, after)
    assert not changed.equivalent
    assert "at least 1" in changed.render()
    assert "quota 2" in targetdsl.diff_policies(after, fixed).render()
    assert targetdsl.diff_policies(fixed, fixed).equivalent


def test_the_plan_shows_the_quota_forms() -> None:
    policy = targetdsl.parse_policy(
        GRADED % "优秀 >= 90 quota 20% at least 1\n    良好 80 to 90 quota 3", name="p.tdsl"
    )
    shown = render_text(plan(policy.schema, "p"), policy.schema.where)
    assert "quotas 优秀 20% at least 1, 良好 3 units" in shown
