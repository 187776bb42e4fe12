"""Computed bonuses, deductions and money, and the grade and quota forms of real methods (issue 14,
items 5 and 6): each form's text, checks, canonical layout, diff, plan and results."""

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
from targetdsl.office.publication import edition
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
        ("优秀 >= 90 quota 2 with ties", [99, 98, 98, 98, 97], 4),  # the 98s tied with place 2 share it
        ("优秀 >= 90 quota 2 with ties", [99, 99, 99, 97], 3),  # a tie at the last place kept, from above
        ("优秀 >= 90 quota 2", [99, 98, 98, 98, 97], 2),  # without: a head count, ties broken by id
        ("优秀 >= 90 quota 20% with ties", [95, 95, 70], 0),  # a quota of none shares nothing
        ("优秀 >= 90 quota 20% at least 1 with ties", [95, 95, 70], 2),
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


# ---------------------------------------------------------------- computed bonuses, deductions and money

COMPUTED = "bonus-computed-and-gated.yaml"
MONEY = "bonus-money-by-score.yaml"


@pytest.mark.parametrize("name", [COMPUTED, MONEY])
def test_computed_amounts_are_the_same_on_every_path(name: str) -> None:
    document = case(name)
    policy = targetdsl.parse_policy(document["policy"], name=name)
    fast = policy.evaluate(document["units"], explain=False)
    explained = policy.evaluate(document["units"])
    slow = reference(policy, document["units"])
    assert fast.to_json() == explained.to_json() == slow.to_json()
    for unit in explained.units:  # the explanation built on demand agrees with the fast numbers, step by step
        assert unit.explanation == slow.unit(unit.id).explanation
    with policy.stream(iter(document["units"])) as stream:
        assert [unit_json(u) for u in stream] == fast.to_json()["units"]


def steps(assessment: targetdsl.Assessment, unit: str, what: str) -> targetdsl.Step:
    return next(s for s in assessment.unit(unit).explanation if s.what == what)


def test_a_computed_bonus_explains_its_condition_formula_and_inputs() -> None:
    document = case(COMPUTED)
    assessment = targetdsl.parse_policy(document["policy"], name="p.tdsl").evaluate(document["units"])
    third = steps(assessment, "C", "bonus 月度排名前三加分")
    assert third.value == "0.1"
    assert third.notes[0] == "when growth >= 8%: holds"
    assert third.notes[1].endswith("= 0.1")
    assert dict(third.inputs) == {"growth": "8%", "place": "3"}
    held_back = steps(assessment, "B", "bonus 月度排名前三加分")
    assert (held_back.value, held_back.notes) == ("0", ("when growth >= 8%: does not hold",))
    capped = steps(assessment, "E", "deduction 越级上访")
    assert capped.value == "3" and "0.5 * batches = 4.5" in capped.notes and "capped at 3" in capped.notes
    assert dict(capped.inputs) == {"batches": "9"}
    assert steps(assessment, "C", "deduction 越级上访").notes == ("when batches > 2: does not hold",)


def test_computed_money_explains_what_it_read() -> None:
    document = case(MONEY)
    assessment = targetdsl.parse_policy(document["policy"], name="p.tdsl").evaluate(document["units"])
    paid = steps(assessment, "T2", "award 绩效奖金")
    assert (paid.value, paid.notes, paid.inputs) == (
        "12500",
        ("money 1000 * (total - 80) = 12500",),
        (("total", "92.5"),),
    )
    below = steps(assessment, "T5", "award 绩效奖金")
    assert below.value == "0" and below.notes[-1] == "below 0: pays 0"
    assert steps(assessment, "D1", "award 目标管理先进单位").value == "yes"
    assert steps(assessment, "D2", "award 目标管理先进单位").value == "no"


def test_an_award_without_money_is_won_or_not() -> None:
    document = case(MONEY)
    assessment = targetdsl.parse_policy(document["policy"], name="p.tdsl").evaluate(document["units"])
    won, lost = assessment.unit("D1"), assessment.unit("D2")
    assert (won.money, won.eligible, lost.money, lost.eligible) == (None, True, None, False)
    assert unit_json(won)["money"] is None and unit_json(won)["eligible"] is True
    # beside paying awards, an award without money adds nothing to the money
    assert assessment.unit("T1").money == 46000


def test_the_outputs_show_an_award_without_money_as_won_or_not(tmp_path: Path) -> None:
    from targetdsl.office.htmlreport import render
    from targetdsl.office.tables import class_table
    from targetdsl.office.workbook import write_xlsx
    from targetdsl.units.sheets import read_workbook

    document = case(MONEY)
    policy = targetdsl.parse_policy(document["policy"], name="p.tdsl")
    assessment = policy.evaluate(document["units"])
    table = class_table(assessment, "部门")
    assert "won" in table and "not eligible" in table and "award" in table
    assert "46,000" in class_table(assessment, "乡镇")
    path = tmp_path / "r.xlsx"
    write_xlsx(assessment, str(path), edition(policy, lang="zh"))
    sheets = {s.name: s for s in read_workbook(path, path.read_bytes())}
    header = sheets["部门"].cells[3]
    assert "可获奖" in header and "奖金（元）" not in header
    assert "是" in sheets["部门"].cells[4] and "否" in sheets["部门"].cells[5]
    assert "奖金（元）" in sheets["乡镇"].cells[3] and Decimal("46000") in sheets["乡镇"].cells[4]
    html = render(assessment, edition(policy, lang="zh"))
    department = html[html.index('data-class="部门"><thead>') :]
    department = department[: department.index("</table>")]
    assert "<th>可获奖</th>" in department and "奖金" not in department
    assert '<td class="words">是</td>' in department and '<td class="words">否</td>' in department


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("bonus b { level 省级 2 points place }", ["check.bonus-form"]),
        ("bonus b { level 省级 2 when place > 0 }", ["check.bonus-form"]),
        ("bonus b { points place carry over after 2013-01-15 }", ["check.bonus-form"]),
        ("bonus b { when place > 0 }", ["check.missing-statement"]),
        ("bonus b { points place > 1 }", ["check.type-mismatch"]),
        ("bonus b { points place when place }", ["check.type-mismatch"]),
        ("bonus b { points place / peer_max(place) }", []),  # a computed bonus may compare units
        ("bonus b { points 1 points place }", ["check.duplicate-statement"]),
        ("award a { money { 优秀 1 } money 2 * total }", ["check.duplicate-statement"]),
        ("award a { money 2 * total money 3 }", ["check.duplicate-statement"]),
        ("award a { money total > 90 }", ["check.type-mismatch"]),
        ("award a { money peer_max(place) }", []),  # and so may an award, once the class is ranked
        ("deduction d { amount place when place }", ["check.type-mismatch"]),
        ("deduction d { amount place when place > 1 when place > 2 }", ["check.duplicate-statement"]),
        ("award a { eligible when total > 90 }", []),
        ("bonus b { let x = place * 2 points x when place > 0 cap 1 }", []),
    ],
)
def test_computed_rules_are_checked(rules: str, expected: list[str]) -> None:
    text = (
        'policy "p" { year 2012 status draft }\nclass c { a 100 }\n'
        "category a { indicator s points 100 { input s: number score s } }\n"
        "input place: count missing zero\ngrades { 优秀 >= 90 合格 otherwise }\n"
        "commendation k { when place > 0 }\n" + rules + "\n"
    )
    assert codes(text) == expected


COMPUTED_TEXT = """policy "p" { year 2012 status draft }
class c { a 100 }
category a { indicator s points 100 { input s: number score s } }
input place: count missing zero
input growth: percent
bonus 月度前三 { let base = 0.5 points base * (4 - place) / 3 when growth >= 8% and place <= 3 cap 0.5 }
deduction d { input t: count missing zero amount t when t > 2 }
award m { money 1000 * total eligible when total > 80 }
award 目标奖 { eligible when not vetoed }
"""


def test_computed_rules_keep_their_layout_in_both_keyword_languages() -> None:
    english = format_policy(COMPUTED_TEXT)
    chinese = format_policy(english, keywords=Language.CHINESE)
    assert "分值 base * (4 - place) / 3" in chinese and "条件 growth >= 8% 且 place <= 3" in chinese
    assert "奖金 1000 * 总分" in chinese and "条件 t > 2" in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == english
    assert format_policy(english) == english
    assert (
        targetdsl.parse_policy(chinese, name="p.tdsl").effective
        == targetdsl.parse_policy(COMPUTED_TEXT, name="p.tdsl").effective
    )


@pytest.mark.parametrize(
    ("before", "after", "seen"),
    [
        ("when growth >= 8%", "when growth >= 7%", "condition"),
        ("points base * (4 - place) / 3", "points base * (5 - place) / 3", "computed points"),
        ("money 1000 * total", "money 900 * total", "award money"),
        ("money 1000 * total", "money { 优秀 1000 }", "award money"),
        ("amount t when t > 2", "amount t", "condition"),
    ],
)
def test_a_changed_formula_or_gate_is_a_change_an_auditor_sees(before: str, after: str, seen: str) -> None:
    changed = COMPUTED_TEXT.replace(before, after, 1)
    assert changed != COMPUTED_TEXT
    if "优秀" in after:
        changed += "grades { 优秀 >= 90 合格 otherwise }\n"
        original = COMPUTED_TEXT + "grades { 优秀 >= 90 合格 otherwise }\n"
    else:
        original = COMPUTED_TEXT
    difference = targetdsl.diff_policies(
        targetdsl.parse_policy(original, name="a.tdsl"), targetdsl.parse_policy(changed, name="b.tdsl")
    )
    assert not difference.equivalent
    assert seen in difference.render()


def quantity(shown: str, name: str) -> str:
    """One quantity's lines in a plan's text: its head and the lines indented under it."""
    lines = shown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"    {name}  "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("      ")), len(lines))
    return "\n".join(lines[start:end])


def test_the_plan_shows_what_a_computed_amount_depends_on() -> None:
    policy = targetdsl.parse_policy(COMPUTED_TEXT, name="p.tdsl")
    shown = render_text(plan(policy.schema, "p"), policy.schema.where)
    bonus = quantity(shown, "bonus.月度前三")
    assert "bonus.月度前三  bonus · generated expressions" in bonus
    assert "← bonus.月度前三.let.base, input.place, input.growth" in bonus
    assert "← deduction.d.input.t" in quantity(shown, "deduction.d")
    assert "← total" in quantity(shown, "award.m")
    assert "← award.m" in quantity(shown, "money")  # an award without money adds nothing to it
    assert "    awards  " not in shown  # no bonus counts awards
    # the generated expressions the plan announces are the ones the engine builds and calls
    units = [{"id": "A", "class": "c", "indicators": {"s": {"s": 90}}, "inputs": {"place": 1, "growth": 9}}]
    assert policy.evaluate(units, explain=False).unit("A").bonus == Decimal("0.5")
    built = [k for k, v in policy.schema.compiled.items() if k[:3] == ("rule", "bonus", "月度前三") and v is not None]
    assert len(built) == 2  # the formula and the condition


def test_a_failing_formula_names_the_unit_and_the_rule() -> None:
    text = COMPUTED_TEXT.replace("points base * (4 - place) / 3", "points base / place")
    policy = targetdsl.parse_policy(text, name="p.tdsl")
    units = [{"id": "A", "class": "c", "indicators": {"s": {"s": 90}}, "inputs": {"place": 0, "growth": 9}}]
    with pytest.raises(targetdsl.EvaluationError) as caught:
        policy.evaluate(units, explain=False)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and "A" in problems[0] and "bonus 月度前三" in problems[0]
    assert "division by zero" in problems[0]
    with pytest.raises(targetdsl.EvaluationError):
        reference(policy, units)


# ---------------------------------------------------------------- one cap over several bonuses or deductions

SHARED = "bonus-shared-cap.yaml"


def test_a_shared_cap_is_the_same_on_every_path_and_explained() -> None:
    document = case(SHARED)
    policy = targetdsl.parse_policy(document["policy"], name=SHARED)
    fast = policy.evaluate(document["units"], explain=False)
    slow = reference(policy, document["units"])
    assert fast.to_json() == slow.to_json()
    with policy.stream(iter(document["units"])) as stream:
        assert [unit_json(u) for u in stream] == fast.to_json()["units"]
    capped = steps(slow, "A", "limit 各项加分合计不超过 5 分")
    assert (capped.value, capped.notes) == ("5", ("获奖 5 + 招商 2 = 7, capped at 5",))
    assert steps(slow, "B", "limit 各项扣分合计最多扣 6 分").notes == ("批评 4 + 事故 3 = 7, capped at 6",)
    # each rule keeps its own points; the unit's bonus is the capped sum
    assert {b.name: b.points for b in slow.unit("A").bonuses} == {"获奖": 5, "招商": 2}
    assert slow.unit("A").bonus == 5


LIMITED = """policy "p" { year 2012 status draft }
class c { a 100 }
class d { a 100 }
category a { indicator s points 100 { input s: number score s } }
input n: count missing zero
bonus b1 { points n }
bonus b2 for c { points 2 * n }
deduction d1 { amount n }
%s
"""


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        ("limit l { on b1, b2 cap 3 }", []),
        ("limit l { on b1, d1 cap 3 }", ["check.limit-mixed"]),
        ("limit l { on b1, b3 cap 3 }", ["check.unknown-name"]),
        ("limit l { on b1, b1 cap 3 }", ["check.duplicate-name"]),
        ("limit l { on b1 }", ["check.missing-statement"]),
        ("limit l { cap 3 }", ["check.missing-statement"]),
        ("limit l { on b1 cap 0 }", ["check.bad-value"]),
        ("limit l for x { on b1 cap 3 }", ["check.unknown-name"]),
        ("deduction b1 { amount 1 }\nlimit l { on b1 cap 3 }", ["check.limit-mixed"]),
    ],
)
def test_a_shared_cap_is_checked(limit: str, expected: list[str]) -> None:
    assert codes(LIMITED % limit) == expected


def test_a_shared_cap_over_rules_of_another_class_caps_what_applies() -> None:
    policy = targetdsl.parse_policy(LIMITED % "limit l { on b1, b2 cap 3 }", name="p.tdsl")
    units = [
        {"id": "C", "class": "c", "indicators": {"s": {"s": 50}}, "inputs": {"n": 2}},  # 2 + 4 = 6 → 3
        {"id": "D", "class": "d", "indicators": {"s": {"s": 50}}, "inputs": {"n": 2}},  # b2 is not d's: 2
    ]
    assessment = policy.evaluate(units)
    assert (assessment.unit("C").bonus, assessment.unit("D").bonus) == (3, 2)
    assert (assessment.unit("C").total, assessment.unit("D").total) == (Decimal("51"), Decimal("50"))
    assert reference(policy, units).to_json() == assessment.to_json()


def test_a_shared_cap_keeps_its_layout_and_its_changes_are_seen() -> None:
    text = LIMITED % 'limit l "合计" { on b1, b2 cap 3 }'
    english = format_policy(text)
    chinese = format_policy(english, keywords=Language.CHINESE)
    assert '合计封顶 l "合计" {\n    作用于 b1, b2\n    封顶 3\n}' in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == english
    before = targetdsl.parse_policy(text, name="a.tdsl")
    for changed, seen in (("cap 3", "cap 4"), ("on b1, b2", "on b1")):
        after = targetdsl.parse_policy(text.replace(changed, seen), name="b.tdsl")
        difference = targetdsl.diff_policies(before, after)
        assert not difference.equivalent and seen in difference.render()
    shown = render_text(plan(before.schema, "p"), before.schema.where)
    assert "← bonus.b1, bonus.b2" in quantity(shown, "limit.l")
    assert "limit.l" in quantity(shown, "total")


def test_a_removed_or_overridden_limit_follows_the_extends_chain(tmp_path: Path) -> None:
    (tmp_path / "base.tdsl").write_text(LIMITED % "limit l { on b1, b2 cap 3 }", encoding="utf-8")
    (tmp_path / "loose.tdsl").write_text('extends "base.tdsl"\nremove limit l\n', encoding="utf-8")
    (tmp_path / "tight.tdsl").write_text(
        'extends "base.tdsl"\noverride limit l { on b1, b2 cap 1 }\n', encoding="utf-8"
    )
    units = [{"id": "C", "class": "c", "indicators": {"s": {"s": 50}}, "inputs": {"n": 2}}]
    assert targetdsl.load_policy(tmp_path / "loose.tdsl").evaluate(units).unit("C").bonus == 6
    assert targetdsl.load_policy(tmp_path / "tight.tdsl").evaluate(units).unit("C").bonus == 1


def test_tied_units_share_a_grade_and_say_why() -> None:
    assessment = graded("优秀 >= 90 quota 2 with ties", [99, 98, 98, 97])
    assert assessment.unit("U03").grade == "优秀"
    assert assessment.unit("U03").grade_reason.endswith("; tied with the last place of the 优秀 quota, it shares it")
    assert assessment.unit("U04").grade == "合格"
    text = GRADED % "优秀 >= 90 quota 20% round up at least 1 with ties"
    chinese = format_policy(text, keywords=Language.CHINESE)
    assert "名额 20% 取整 进一 不少于 1 含并列" in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == format_policy(text)
    before = targetdsl.parse_policy(GRADED % "优秀 >= 90 quota 2", name="a.tdsl")
    after = targetdsl.parse_policy(GRADED % "优秀 >= 90 quota 2 with ties", name="b.tdsl")
    assert "with ties" in targetdsl.diff_policies(before, after).render()
    shown = render_text(plan(after.schema, "p"), after.schema.where)
    assert "quotas 优秀 2 units with ties" in shown


def test_coverage_lists_the_conditions_and_limits_it_can_see_decided() -> None:
    from targetdsl.evaluation.cover import points

    document = case(SHARED)
    text = document["policy"] + "deduction 事故2 { amount 1 when projects > 9 }\n"
    found = {what for _, _, _, what in points(targetdsl.parse_policy(text, name="p.tdsl").effective)}
    assert {"limit 加分合计 applied", "limit 加分合计 not reached"} <= found
    assert {"deduction 事故2: applies", "deduction 事故2: does not apply"} <= found
