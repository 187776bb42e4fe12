"""Rankings across classes (分类评分、统一排序) and units not graded (issue 14, items 3 and 6): each
form's text, checks, canonical layout in both keyword languages, diff, plan, explanation and results
on every path."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import targetdsl
from targetdsl.evaluation.plan import plan, render_text
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language.formatter import format_policy
from targetdsl.scaling import stream as streaming
from tests.support import reference

CASES = Path(__file__).parent.parent / "cases"
RANKING = "ranking-across-classes.yaml"


def case(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    return document


def codes(text: str) -> list[str]:
    return [d.code for d in targetdsl.check_text(text, name="p.tdsl").diagnostics]


CLASSES = """policy "p" { year 2023 status draft }
class 县区 { a 100 }
class 部门 { a 100 }
class 园区 { a 100 }
category a { indicator s points 100 { input s: number score s } }
%s
"""


# ---------------------------------------------------------------- ranking across classes: checks


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("ranking 全市 for 县区, 部门", []),
        ("ranking 全市 for 县区, 部门, 园区", []),
        ("ranking 全市 for 县区, 部门\nranking 城区 for 园区, 县区", ["check.ranking-overlap"]),
        ("ranking 全市 for 县区, 部门, 县区", ["check.ranking-overlap"]),
        ("ranking 全市 for 县区", ["check.ranking-single"]),
        ("ranking 全市 for 县区, 街道", ["check.unknown-name"]),
        ("ranking 全市 for 县区, 部门\nranking 全市 for 园区, 县区", ["check.duplicate-name"]),
    ],
)
def test_a_ranking_names_two_known_classes_or_more_each_ranked_once(declared: str, expected: list[str]) -> None:
    assert codes(CLASSES % declared) == expected


def test_an_unknown_class_is_named_with_the_nearest_one() -> None:
    report = targetdsl.check_text(CLASSES % "ranking 全市 for 县区, 部们", name="p.tdsl")
    (diagnostic,) = report.diagnostics
    assert diagnostic.message == "unknown class `部们`"
    assert "部门" in (diagnostic.help or "")


# ---------------------------------------------------------------- ranking across classes: results


def test_a_ranking_gives_one_rank_and_one_quota_across_its_classes() -> None:
    document = case(RANKING)
    policy = targetdsl.parse_policy(document["policy"], name=RANKING)
    assessment = policy.evaluate(document["units"])
    # results stay class by class, each class in the order of the shared rank
    assert [(u.id, u.unit_class, u.rank) for u in assessment.units] == [
        ("A", "县区", 1),
        ("B", "县区", 3),
        ("C", "县区", 5),
        ("D", "市直部门", 2),
        ("E", "市直部门", 4),
        ("F", "开发区", 1),
    ]
    assert assessment.unit("D").grade_reason.endswith(
        "优秀 is limited to 20% of 5 units = 1, so ranked below the quota it gets 良好"
    )


def test_without_the_ranking_each_class_is_ranked_alone() -> None:
    document = case(RANKING)
    text = document["policy"].replace('ranking 全市 "全市统一排序" for 县区, 市直部门\n', "")
    assessment = targetdsl.parse_policy(text, name="p.tdsl").evaluate(document["units"])
    assert (assessment.unit("D").rank, assessment.unit("D").grade) == (1, "优秀")
    assert assessment.unit("B").rank == 2


def test_a_ranking_is_the_same_on_every_path() -> None:
    document = case(RANKING)
    policy = targetdsl.parse_policy(document["policy"], name=RANKING)
    fast = policy.evaluate(document["units"], explain=False)
    explained = policy.evaluate(document["units"])
    slow = reference(policy, document["units"])
    assert fast.to_json() == explained.to_json() == slow.to_json()
    for unit in explained.units:  # explanations built on demand, for the whole ranking
        assert unit.explanation == slow.unit(unit.id).explanation
    with policy.stream(iter(document["units"])) as stream:
        assert [unit_json(u) for u in stream] == fast.to_json()["units"]
    for parts in (1, 2, 5):
        done = policy.evaluate_parts(document["units"], parts=parts)
        assert [unit_json(u) for u in done.results] == fast.to_json()["units"]


COMPARING = """policy "p" { year 2021 status draft }
class 甲 { a 60 b 40 }
class 乙 { a 50 b 50 }
class 丙 { a 100 }
ranking 全省 for 甲, 乙
category a { indicator s points 100 { input s: number score s } }
category b { indicator t points 100 { input s: number score s } }
input 上年: count missing default 0
commendation 进步 { let 上升 = 上年 - rank when 上升 > 0 and rank(上升) <= 1 }
commendation 专项 { when rank(subtotal(a)) <= 1 }
commendation 乙类最佳 for 乙 { when total == peer_max(total) }
award 奖金 { money 1000 * total / peer_max(total) }
"""

COMPARED = [
    {"id": "A", "class": "甲", "inputs": {"上年": 4}, "indicators": {"s": {"s": 90}, "t": {"s": 80}}},  # 86, 2nd
    {"id": "B", "class": "甲", "inputs": {"上年": 1}, "indicators": {"s": {"s": 80}, "t": {"s": 70}}},  # 76, 3rd
    {"id": "C", "class": "乙", "inputs": {"上年": 2}, "indicators": {"s": {"s": 95}, "t": {"s": 95}}},  # 95, 1st
    {"id": "D", "class": "乙", "inputs": {"上年": 3}, "indicators": {"s": {"s": 60}, "t": {"s": 70}}},  # 65, 4th
    {"id": "E", "class": "丙", "inputs": {"上年": 3}, "indicators": {"s": {"s": 50}}},  # ranked alone
]


def test_awards_and_commendations_compare_the_units_ranked_together_on_every_path(monkeypatch: Any) -> None:
    """After the ranking, a class-wide function compares the units of the ranking, as `rank` does: the
    unit that rose most of the four (A: 4th → 2nd; C, 2nd → 1st, rose most of its class only), the best 类 a subtotal of
    the four (A: 60 × 90% = 54 against C's 50 × 95% = 47.5), money against the best total of the four
    (C's 95); a rule of one class (乙类最佳) compares what it applies to; a class ranked alone, its own."""
    policy = targetdsl.parse_policy(COMPARING, name="p.tdsl")
    fast = policy.evaluate(COMPARED, explain=False)
    got = {u.id: (u.rank, u.commendations, u.money) for u in fast.units}
    assert got["A"][:2] == (2, ("进步", "专项"))
    assert got["C"][:2] == (1, ("乙类最佳",))
    assert got["B"][1] == () and got["D"][1] == ()
    assert got["E"][:2] == (1, ("进步", "专项"))  # alone in its class: it compares with itself
    # 1000 × 86 / 95 and 1000 × 65 / 95: against C's 95, not against 甲's best (A's own 86)
    assert [round(got[u][2], 4) for u in "ABCD"] == [Decimal(x) for x in ("905.2632", "800", "1000", "684.2105")]
    explained = policy.evaluate(COMPARED)
    slow = reference(policy, COMPARED)
    assert fast.to_json() == explained.to_json() == slow.to_json()
    step = next(s for s in explained.unit("A").explanation if s.what == "commendation 进步")
    assert step.notes == ("rank: ranking 全省 of 4, min -2, max 2 → 1 (line 9)",)  # the 4 units ranked together
    with policy.stream(iter(COMPARED)) as stream:
        assert [unit_json(u) for u in stream] == fast.to_json()["units"]
    monkeypatch.setattr(streaming, "BATCH", 1)
    with policy.stream(iter(COMPARED)) as stream:
        assert [unit_json(u) for u in stream] == fast.to_json()["units"]
    for parts in (1, 2, 5):
        done = policy.evaluate_parts(COMPARED, parts=parts)
        assert [unit_json(u) for u in done.results] == fast.to_json()["units"]
    shown = render_text(plan(policy.schema, "p"), policy.schema.where)
    assert "why: across the ranking: computed once over every unit's value of 甲, 乙 (ranking 全省)" in shown
    assert "why: class-wide: computed once per class over every unit's value" in shown  # 丙, ranked alone


def test_the_explanation_names_the_shared_rank_and_its_ranking() -> None:
    document = case(RANKING)
    assessment = targetdsl.parse_policy(document["policy"], name=RANKING).evaluate(document["units"])
    step = next(s for s in assessment.unit("D").explanation if s.what == "rank in ranking")
    assert (step.value, step.notes) == ("2", ("ranking 全市: classes 县区, 市直部门",))
    assert step.rule is not None and step.rule.startswith(f"{RANKING}:")
    alone = next(s for s in assessment.unit("F").explanation if s.what.startswith("rank in"))
    assert (alone.what, alone.value) == ("rank in class", "1")


def test_the_plan_shows_the_rank_across_the_ranking() -> None:
    document = case(RANKING)
    policy = targetdsl.parse_policy(document["policy"], name="p.tdsl")
    shown = render_text(plan(policy.schema, "p"), policy.schema.where)
    assert "ordered by total desc, id asc, across 县区, 市直部门 (ranking 全市)" in shown


def test_a_ranking_keeps_its_layout_in_both_keyword_languages() -> None:
    text = CLASSES % 'ranking 全市 "全市统一排序" for 县区, 部门'
    chinese = format_policy(text, keywords=Language.CHINESE)
    assert '统一排序 全市 "全市统一排序" 适用 县区, 部门' in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == format_policy(text)
    assert format_policy(format_policy(text)) == format_policy(text)
    english = targetdsl.parse_policy(text, name="p.tdsl")
    assert targetdsl.parse_policy(chinese, name="p.tdsl").effective == english.effective


def test_a_class_ranked_with_another_is_a_change_an_auditor_sees() -> None:
    before = targetdsl.parse_policy(CLASSES % "ranking 全市 for 县区, 部门", name="a.tdsl")
    after = targetdsl.parse_policy(CLASSES % "ranking 全市 for 县区, 部门, 园区", name="b.tdsl")
    reordered = targetdsl.parse_policy(CLASSES % "ranking 全市 for 部门, 县区", name="c.tdsl")
    changed = targetdsl.diff_policies(before, after)
    assert not changed.equivalent
    assert "ranking 全市 for 县区, 部门, 园区" in changed.render()
    assert targetdsl.diff_policies(before, reordered).equivalent  # the same classes ranked together
    alone = targetdsl.parse_policy(CLASSES % "", name="d.tdsl")
    assert "ranking" in targetdsl.diff_policies(alone, before).render()


# ---------------------------------------------------------------- units not graded

NOT_GRADED = "grades-not-graded.yaml"


def not_graded() -> tuple[targetdsl.Policy, targetdsl.Assessment]:
    document = case(NOT_GRADED)
    policy = targetdsl.parse_policy(document["policy"], name=NOT_GRADED)
    return policy, policy.evaluate(document["units"])


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("not graded for 部门", []),
        ("not graded for 部门, 园区", []),
        ("not graded for 街道", ["check.unknown-name"]),
    ],
)
def test_classes_not_graded_are_known_classes(statement: str, expected: list[str]) -> None:
    text = CLASSES % f"grades {{\n    {statement}\n    优秀 >= 90\n    合格 otherwise\n}}"
    assert codes(text) == expected


def test_a_unit_not_graded_is_ranked_and_holds_no_quota_place() -> None:
    _, assessment = not_graded()
    new = assessment.unit("N")
    assert (new.rank, new.grade, new.not_graded) == (1, None, True)
    assert not assessment.unit("A").not_graded
    assert assessment.unit("B").grade_reason.endswith(
        "优秀 is limited to 50% of 3 units = 1, so ranked below the quota it gets 合格"
    )
    grade = next(s for s in new.explanation if s.what == "grade")
    assert (grade.value, grade.notes[0]) == ("not graded", "class 新设 is not graded")


def test_a_unit_not_graded_is_the_same_on_every_path() -> None:
    document = case(NOT_GRADED)
    policy, explained = not_graded()
    fast = policy.evaluate(document["units"], explain=False)
    slow = reference(policy, document["units"])
    assert fast.to_json() == explained.to_json() == slow.to_json()
    for unit in explained.units:
        assert unit.explanation == slow.unit(unit.id).explanation
    with policy.stream(iter(document["units"])) as stream:
        assert [unit_json(u) for u in stream] == fast.to_json()["units"]
    for parts in (1, 3):
        done = policy.evaluate_parts(document["units"], parts=parts)
        assert [unit_json(u) for u in done.results] == fast.to_json()["units"]


def test_tables_workbook_and_report_say_not_graded(tmp_path: Path) -> None:
    from targetdsl.office.htmlreport import render as render_report
    from targetdsl.office.publication import edition
    from targetdsl.office.tables import class_table
    from targetdsl.office.workbook import results_workbook

    policy, assessment = not_graded()
    assert "not graded" in class_table(assessment, "新设")
    assert "不定等次" in class_table(assessment, "新设", language=Language.CHINESE)
    chinese = edition(policy, lang="zh")
    new = assessment.unit("N")
    assert chinese.grade_cell(new) == "不定等次"
    assert chinese.grade_reasons(new) == ["新设不定等次"]
    assert edition(policy, lang="en").grade_reasons(new) == ["新设 is not graded"]
    book = results_workbook(assessment, chinese)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert "不定等次" in cells
    assert "不定等次" in render_report(assessment, chinese)


def test_classes_not_graded_keep_their_layout_and_a_change_is_seen() -> None:
    text = CLASSES % "grades {\n    not graded for 部门\n    优秀 >= 90\n    合格 otherwise\n}"
    chinese = format_policy(text, keywords=Language.CHINESE)
    assert "不定等次 适用 部门" in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == format_policy(text)
    assert format_policy(format_policy(text)) == format_policy(text)
    before = targetdsl.parse_policy(text, name="a.tdsl")
    after = targetdsl.parse_policy(text.replace("for 部门", "for 部门, 园区"), name="b.tdsl")
    changed = targetdsl.diff_policies(before, after)
    assert not changed.equivalent
    assert "not graded: 部门 → 园区, 部门" in changed.render()
    shown = render_text(plan(before.schema, "p"), before.schema.where)
    assert "not graded" in shown


def test_a_table_says_its_ranks_are_of_the_ranking_across_classes() -> None:
    """A class's table under a shared ranking shows ranks 1, 3, 5 of 5: the line above it says whose."""
    from targetdsl.office.tables import render_assessment

    root = Path(__file__).resolve().parents[2]
    case = yaml.safe_load((root / "tests" / "cases" / "ranking-across-classes.yaml").read_text(encoding="utf-8"))
    assessment = targetdsl.parse_policy(case["policy"], name="r.tdsl").evaluate(case["units"])
    assert [r.name for r in assessment.rankings] == ["全市"]
    english, chinese = render_assessment(assessment), render_assessment(assessment, language=Language.CHINESE)
    assert english.count("ranked in 全市统一排序 (县区, 市直部门: 5 units)") == 2
    assert chinese.count("名次为全市统一排序（县区、市直部门，共 5 个单位）") == 2
    assert "开发区 (1 unit" in english and english.count("ranked in") == 2  # a class ranked alone: no line
    assert assessment.to_json()["rankings"] == [
        {"name": "全市", "label": "全市统一排序", "classes": ["县区", "市直部门"]}
    ]
