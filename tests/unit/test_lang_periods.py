"""Periods and shares in the language (issue 14, items 4, 7 and 9): pro-rating by kind first.

`prorated unless <input>`: a level (a rate, an intensity, a share) keeps its annual target in a
progress check, an amount's target is pro-rated. The seed policy's first-quarter run is the real
case: before, 城镇化率 stood at 491 % of a quarter of its annual target and 万元GDP能耗 scored 0.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.cli import main
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.lowering import lower
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language import nodes as n
from targetdsl.language.formatter import canonical_text, layout
from targetdsl.language.parser import parse
from targetdsl.numeric import CONTEXT
from targetdsl.units.documents import parse_yaml

ROOT = Path(__file__).resolve().parent.parent.parent
P2002 = ROOT / "policies/lianyungang-2002.tdsl"
D2002 = ROOT / "examples/lianyungang-2002/units.yaml"

LEVELS = """policy "levels" { year 2003 status draft }
class c { all 100 }
category all {
    items 定量 {
        input target: number prorated unless level
        input actual: number
        input level: bool missing default false
        score points * min(actual / target, 120%)
    }
}
periods { 一季度 through month 3 全年 through month 12 }
"""


def errors(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in targetdsl.check_text(text).diagnostics if d.is_error]


# ------------------------------------------------------------ pro-rating by kind


def test_the_option_parses_formats_and_round_trips_in_both_keyword_languages() -> None:
    parsed = parse(LEVELS)
    text = layout(parsed.file, parsed.comments, LEVELS)
    assert "input target: number prorated unless level" in text
    chinese = layout(parsed.file, parsed.comments, LEVELS, keywords=Language.CHINESE)
    assert "填报 target: 数值 按进度 除非 level" in chinese
    assert parse(chinese).file == parsed.file
    again = parse(chinese)
    assert layout(again.file, again.comments, chinese, keywords=Language.ENGLISH) == text
    assert canonical_text(parse(text).file) == canonical_text(parsed.file)
    category = parsed.file.items[2]
    assert isinstance(category, n.Category)
    target = category.measures[0].body[0]
    assert isinstance(target, n.Input) and target.prorated_unless is not None
    assert (target.prorated_unless.name, target.prorated_unless.span.line) == ("level", 5)


def test_a_word_unless_is_still_a_name_where_a_name_is_read() -> None:
    text = LEVELS.replace("level", "unless")
    assert errors(text) == []


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (("prorated unless level", "prorated unless levle"), ("check.unknown-name", 5)),
        (
            ("input level: bool missing default false", "input level: number missing default 0"),
            ("check.type-mismatch", 5),
        ),
        (("prorated unless level", "prorated unless target"), ("check.type-mismatch", 5)),
        (("input level: bool missing default false", "input level: bool missing na"), ("check.bad-value", 7)),
        (("input level: bool missing default false", "input level: bool missing peer_avg"), ("check.bad-value", 7)),
    ],
)
def test_the_input_named_is_a_yes_no_input_beside_it_that_is_always_known(
    change: tuple[str, str], found: tuple[str, int]
) -> None:
    text = LEVELS.replace(*change)
    assert found in errors(text)


def test_unless_on_an_input_that_is_not_pro_rated_elsewhere_is_refused_as_prorated_is() -> None:
    text = LEVELS + "input u: number prorated unless level\n"
    assert ("check.bad-value", 12) in errors(text)


def test_the_level_input_counts_as_used() -> None:
    assert not [d for d in targetdsl.check_text(LEVELS).diagnostics if d.code == "check.unused-input"]


def test_a_change_of_the_option_is_a_change_an_auditor_sees() -> None:
    old = targetdsl.parse_policy(LEVELS, name="old.tdsl")
    for new_text in (
        LEVELS.replace(" unless level", ""),
        LEVELS.replace(
            "input level: bool missing default false",
            "input level: bool missing default false\n        input rate: bool missing default false",
        ).replace("unless level", "unless rate"),
    ):
        new = targetdsl.parse_policy(new_text, name="new.tdsl")
        found = [(c.group, c.kind, c.what) for c in diff_effective(old.effective, new.effective).changes]
        assert ("category all", "changed", "items `定量`: input `target`") in found, found


def test_the_plan_shows_the_input_the_pro_rating_depends_on() -> None:
    policy = targetdsl.parse_policy(LEVELS, name="levels.tdsl")
    target = lower(policy.schema)["c"].quantity("all.定量.input.target")
    assert target.dependencies == ("all.定量.input.level",)
    assert "prorated unless level" in (target.detail or "")


UNITS: list[dict[str, Any]] = [
    {
        "id": "A",
        "class": "c",
        "indicators": {
            "定量": [
                {"target": 400, "actual": 110},
                {"target": 50, "actual": 48, "level": True},
                {"target": "0.8", "actual": "0.9", "level": True},
            ]
        },
    },
    {"id": "B", "class": "c", "indicators": {"定量": [{"target": 40, "actual": 9, "level": False}]}},
]


@pytest.mark.parametrize("period", [None, "一季度", "Q2", "2003-05"])
def test_fast_reference_and_streamed_evaluations_agree(period: str | None) -> None:
    policy = targetdsl.parse_policy(LEVELS, name="levels.tdsl")
    with by_reference():
        traced = policy.evaluate(UNITS, period=period)
    fast = policy.evaluate(UNITS, period=period, explain=False)
    assert fast.to_json() == traced.to_json()
    with policy.stream(iter(UNITS), period=period) as results:
        streamed = sorted((unit_json(u) for u in results), key=lambda u: str(u["id"]))
    assert streamed == sorted((unit_json(u) for u in fast.units), key=lambda u: str(u["id"]))


def test_by_hand_in_the_first_quarter() -> None:
    policy = targetdsl.parse_policy(LEVELS, name="levels.tdsl")
    a = policy.evaluate(UNITS, period="一季度").unit("A")
    items = [i.earned for i in a.measures[0].items]  # type: ignore[union-attr]
    # 110 / (400 × 3/12) = 1.1; the rate 48 / 50 = 0.96 (not 48 / 12.5); 0.9 / 0.8 = 1.125
    assert items == [Decimal("1.1"), Decimal("0.96"), Decimal("1.125")]
    b = policy.evaluate(UNITS, period="一季度").unit("B")
    assert b.measures[0].earned == Decimal("0.9")  # an amount, said so: 9 / (40 × 3/12)


# ------------------------------------------------------------ the seed policy's progress check


def item_rates(assessment: targetdsl.Assessment, unit_id: str) -> dict[str, Decimal]:
    unit = assessment.unit(unit_id)
    measure = next(m for m in unit.measures if m.name == "定量任务")
    return {str(i.name): i.earned for i in measure.items}  # type: ignore[union-attr]


def test_the_seed_first_quarter_scores_levels_against_their_annual_targets() -> None:
    policy = targetdsl.load_policy(P2002)
    quarter = policy.evaluate(D2002, period="一季度", explain=False)
    earned = item_rates(quarter, "C01")
    # 赣榆县: 城镇化率 579.28 / 472.37 = 1.226 → capped at 120 % (pro-rated: 579.28 / 118.09 = 491 %)
    assert earned["城镇化率"] == Decimal("1.2")
    # 万元GDP能耗 (lower is better): 323.96 / 296.59 = 1.0922…, not 80.99 / 296.59 = 27 % → 0
    assert earned["万元GDP能耗"] == CONTEXT.divide(Decimal("323.96"), Decimal("296.59"))
    # 人口自然增长率: 100.39 / 96.29; 森林覆盖率: 354.77 / 299.36
    assert earned["人口自然增长率"] == CONTEXT.divide(Decimal("100.39"), Decimal("96.29"))
    assert earned["森林覆盖率"] == CONTEXT.divide(Decimal("354.77"), Decimal("299.36"))
    # an amount is still pro-rated: 地区生产总值 282.32 / (318.44 × 3/12) = 3.55 → capped at 1.2
    assert earned["地区生产总值"] == Decimal("1.2")
    # the county's total: 40 × Σ / 28 items; the four levels add 2.1199… points of 28 → +3.03
    assert quarter.unit("C01").total == Decimal("103.90")


def test_the_explanation_says_how_each_target_was_taken_in_the_period() -> None:
    policy = targetdsl.load_policy(P2002)
    with by_reference():
        unit = policy.evaluate(D2002, period="一季度").unit("C01")
    measure = next(m for m in unit.measures if m.name == "定量任务")
    notes = {str(i.name): i.step.notes for i in measure.items}
    assert "target pro-rated to the period: 318.44 × 3/12 = 79.61" in notes["地区生产总值"]
    assert "target not pro-rated: level is true (a level keeps its value)" in notes["城镇化率"]
    year = policy.evaluate(D2002, explain=True).unit("C01")
    items = next(m for m in year.measures if m.name == "定量任务").items
    assert not [note for i in items for note in i.step.notes if "pro-rated" in note]  # the year is the year


def test_the_seed_year_is_unchanged_by_the_levels() -> None:
    policy = targetdsl.load_policy(P2002)
    year = policy.evaluate(D2002, explain=False)
    assert year.unit("C01").total == Decimal("100.63")


# ------------------------------------------------------------ indicator weights as shares

SHARES = (ROOT / "tests/cases/share-category-points.yaml").read_text(encoding="utf-8")
SHARED = parse_yaml(SHARES)


def test_a_share_parses_formats_and_round_trips_in_both_keyword_languages() -> None:
    text = SHARED["policy"]
    parsed = parse(text)
    english = layout(parsed.file, parsed.comments, text)
    assert 'indicator E1 "地区生产总值增速" share 35% {' in english
    chinese = layout(parsed.file, parsed.comments, text, keywords=Language.CHINESE)
    assert '指标 E1 "地区生产总值增速" 占比 35% {' in chinese
    assert parse(chinese).file == parsed.file
    again = parse(chinese)
    assert layout(again.file, again.comments, chinese, keywords=Language.ENGLISH) == english


def test_share_is_still_a_name_where_a_name_is_read() -> None:
    text = SHARED["policy"].replace("input ok: bool", "input share: bool").replace("if ok", "if share")
    assert errors(text) == []


def test_each_measures_points_are_its_share_of_the_category_in_the_units_class() -> None:
    policy = targetdsl.parse_policy(SHARED["policy"], name="shares.tdsl")
    assessment = policy.evaluate(SHARED["units"])
    points = {(u.id, m.name): m.points for u in assessment.units for m in u.measures}
    assert points == {
        ("A", "E1"): Decimal(175),
        ("A", "E2"): Decimal(325),
        ("A", "S1"): Decimal(200),
        ("A", "S2"): Decimal(300),
        ("B", "E1"): Decimal(140),
        ("B", "E2"): Decimal(260),
        ("B", "S1"): Decimal(240),
        ("B", "S2"): Decimal(360),
    }
    step = next(m for m in assessment.unit("B").measures if m.name == "E1").step
    assert "35% of category 经济: 140 points" in step.notes


def test_shares_stream_and_explain_as_they_evaluate() -> None:
    policy = targetdsl.parse_policy(SHARED["policy"], name="shares.tdsl")
    with by_reference():
        traced = policy.evaluate(SHARED["units"])
    fast = policy.evaluate(SHARED["units"], explain=False)
    assert fast.to_json() == traced.to_json()
    with policy.stream(iter(SHARED["units"])) as results:
        streamed = sorted((unit_json(u) for u in results), key=lambda u: str(u["id"]))
    assert streamed == sorted((unit_json(u) for u in fast.units), key=lambda u: str(u["id"]))


def test_the_plan_shows_a_measures_share_and_its_points_in_the_class() -> None:
    policy = targetdsl.parse_policy(SHARED["policy"], name="shares.tdsl")
    graphs = lower(policy.schema)
    assert graphs["县"].quantity("经济.E1.score").detail.startswith("indicator, 175 points (35% of category 经济)")
    assert graphs["区"].quantity("经济.E1.score").detail.startswith("indicator, 140 points (35% of category 经济)")


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (("share 65%", "share 60%"), ("check.points-mismatch", 5)),
        (
            ('indicator E2 "一般公共预算收入" share 65%', 'indicator E2 "一般公共预算收入" points 10'),
            ("check.points-mismatch", 11),
        ),
        (("share 40%", "share 0%"), ("check.bad-value", 18)),
        (("share 40%", "share 140%"), ("check.bad-value", 18)),
        (("score if ok then points else 0", "subitem x share 5% { score 1 }"), ("check.bad-value", 20)),
    ],
)
def test_shares_are_parts_of_the_category_adding_up_to_100(change: tuple[str, str], found: tuple[str, int]) -> None:
    text = SHARED["policy"].replace(*change)
    assert found in errors(text)


def test_shares_are_checked_per_class_for_measures_of_some_classes() -> None:
    text = SHARED["policy"].replace(
        'indicator E2 "一般公共预算收入" share 65%', 'indicator E2 "一般公共预算收入" share 65% for 县'
    )
    assert errors(text) == [("check.points-mismatch", 5)]  # in 区, E1 alone is 35%


def test_a_change_of_share_is_a_change_an_auditor_sees() -> None:
    old = targetdsl.parse_policy(SHARED["policy"], name="old.tdsl")
    text = SHARED["policy"].replace("share 35%", "share 30%").replace("share 65%", "share 70%")
    new = targetdsl.parse_policy(text, name="new.tdsl")
    found = {(c.group, c.kind, c.what, c.old, c.new) for c in diff_effective(old.effective, new.effective).changes}
    assert ("category 经济", "changed", "indicator `E1`: share", "35%", "30%") in found
    assert ("category 经济", "changed", "indicator `E2`: share", "65%", "70%") in found
    text = SHARED["policy"].replace("share 35%", "points 35").replace("share 65%", "points 65")
    fixed = targetdsl.parse_policy(text, name="new.tdsl")
    found = {(c.what, c.old, c.new) for c in diff_effective(old.effective, fixed.effective).changes}
    assert ("indicator `E1`: points", None, "35") in found, found
    assert ("indicator `E1`: share", "35%", None) in found, found


# ------------------------------------------------------------ non-cumulative periods

QUARTERS = parse_yaml((ROOT / "tests/cases/period-quarters.yaml").read_text(encoding="utf-8"))


def test_a_period_start_parses_formats_and_round_trips_in_both_keyword_languages() -> None:
    text = QUARTERS["policy"]
    parsed = parse(text)
    english = layout(parsed.file, parsed.comments, text)
    assert "二季度 from month 4 through month 6 weight 25%" in english
    chinese = layout(parsed.file, parsed.comments, text, keywords=Language.CHINESE)
    assert "二季度 起始月 4 截至月 6 权重 25%" in chinese
    assert parse(chinese).file == parsed.file
    again = parse(chinese)
    assert layout(again.file, again.comments, chinese, keywords=Language.ENGLISH) == english


@pytest.mark.parametrize("start", ["0", "7", "13"])
def test_a_period_starts_in_a_month_from_1_to_its_last(start: str) -> None:
    text = QUARTERS["policy"].replace("from month 4 through month 6", f"from month {start} through month 6")
    assert ("check.bad-value", 12) in errors(text)


def test_a_change_of_start_is_a_change_an_auditor_sees() -> None:
    old = targetdsl.parse_policy(QUARTERS["policy"], name="old.tdsl")
    new = targetdsl.parse_policy(QUARTERS["policy"].replace("二季度 from month 4 ", "二季度 "), name="new.tdsl")
    found = [(c.group, c.kind, c.what, c.old, c.new) for c in diff_effective(old.effective, new.effective).changes]
    assert found == [
        (
            "periods",
            "changed",
            "period 二季度",
            "二季度 from month 4 through month 6 weight 25%",
            "二季度 through month 6 weight 25%",
        )
    ]


def quarter(actual: int) -> list[dict[str, Any]]:
    return [{"id": "A", "class": "c", "indicators": {"投资": {"target": 120, "actual": actual}}}]


def test_quarters_on_their_own_figures_weighted_15_25_25_35() -> None:
    policy = targetdsl.parse_policy(QUARTERS["policy"], name="quarters.tdsl")
    combined = policy.evaluate_periods(
        {"一季度": quarter(24), "二季度": quarter(27), "三季度": quarter(33), "四季度": quarter(30)}
    )
    # each quarter's target is 120 × 3/12 = 30: 24/30 → 80, 27/30 → 90, 33/30 capped → 100, 30/30 → 100;
    # 15% × 80 + 25% × 90 + 25% × 100 + 35% × 100 = 12 + 22.5 + 25 + 35 = 94.50
    (unit,) = combined.units
    assert unit.totals == (
        ("一季度", Decimal("80.00")),
        ("二季度", Decimal("90.00")),
        ("三季度", Decimal("100.00")),
        ("四季度", Decimal("100.00")),
    )
    assert unit.score == Decimal("94.50")


def test_a_quarter_streams_as_it_evaluates() -> None:
    policy = targetdsl.parse_policy(QUARTERS["policy"], name="quarters.tdsl")
    units = quarter(27) + [{"id": "B", "class": "c", "indicators": {"投资": {"target": 80, "actual": 19}}}]
    fast = policy.evaluate(units, period="三季度", explain=False)
    with policy.stream(iter(units), period="三季度") as results:
        streamed = [unit_json(u) for u in results]
    assert streamed == [unit_json(u) for u in fast.units]
    assert fast.unit("B").total == Decimal("95.00")  # 19 / (80 × 3/12 = 20)


# ------------------------------------------------------------ assumptions

ASSUMED = """policy "a" { year 2003 status draft }
class c { all 100 }
category all {
    indicator x points 10 {
        input v: number
        score points * min(v, 1)
        assume "over-completion is not counted"
    }
}
veto 安全 {
    input failed: bool missing default false
    when failed
    effect cap grade 良好, no award
    assume "一票否优: the speech does not say whether the veto forces the lowest grade"
}
grades {
    优秀 >= 90
    良好 otherwise
}
"""


def test_an_assumption_parses_formats_and_round_trips_in_both_keyword_languages() -> None:
    parsed = parse(ASSUMED)
    english = layout(parsed.file, parsed.comments, ASSUMED)
    assert '        assume "over-completion is not counted"\n' in english
    chinese = layout(parsed.file, parsed.comments, ASSUMED, keywords=Language.CHINESE)
    assert '    假定 "over-completion is not counted"' in chinese
    again = parse(chinese)
    assert again.file == parsed.file
    assert layout(again.file, again.comments, chinese, keywords=Language.ENGLISH) == english


def test_check_lists_every_assumption_with_its_place_and_owner(capsys: pytest.CaptureFixture[str]) -> None:
    report = targetdsl.check_text(ASSUMED, name="a.tdsl")
    assert [(s.owner, s.assumption.text, s.assumption.span.line) for s in report.assumptions] == [
        ("indicator x", "over-completion is not counted", 7),
        ("veto 安全", "一票否优: the speech does not say whether the veto forces the lowest grade", 14),
    ]
    assert report.diagnostics == ()


def test_the_seed_vetoes_state_their_effect_as_an_assumption(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(P2002)]) == 0
    out = capsys.readouterr().out
    assert out.count(": assumption in veto ") == 5
    assert "一票否优" in out and out.endswith("checked 1 file: 0 errors, 0 warnings\n")
    assert main(["check", "--format", "json", str(P2002)]) == 0
    (document,) = json.loads(capsys.readouterr().out)["files"]
    assert [a["in"] for a in document["assumptions"]] == [
        "veto 计划生育",
        "veto 社会治安",
        "veto 环境保护",
        "veto 利用外资",
        "veto 安全生产",
    ]


def test_an_explanation_shows_the_assumption_under_its_measure_and_the_fired_veto() -> None:
    policy = targetdsl.parse_policy(ASSUMED, name="a.tdsl")
    units = [{"id": "A", "class": "c", "indicators": {"x": {"v": "0.95"}}, "vetoes": {"安全": {"failed": True}}}]
    unit = policy.evaluate(units).unit("A")
    text = "\n".join(str(step) for step in unit.explanation)
    notes = [note for step in _steps(unit.explanation) for note in step.notes]
    assert "assumption: over-completion is not counted" in notes, text
    assert "assumption: 一票否优: the speech does not say whether the veto forces the lowest grade" in notes
    with by_reference():
        traced = policy.evaluate(units)
    assert traced.to_json() == policy.evaluate(units, explain=False).to_json()


def _steps(steps: Any) -> Any:
    for step in steps:
        yield step
        yield from _steps(step.children)


def test_an_assumption_made_withdrawn_or_reworded_is_a_change_an_auditor_sees() -> None:
    old = targetdsl.parse_policy(ASSUMED, name="old.tdsl")
    new = targetdsl.parse_policy(ASSUMED.replace("over-completion is not counted", "no cap"), name="new.tdsl")
    found = {(c.group, c.kind, c.what) for c in diff_effective(old.effective, new.effective).changes}
    assert found == {
        ("category all", "removed", "indicator `x`: assumption “over-completion is not counted”"),
        ("category all", "added", "indicator `x`: assumption “no cap”"),
    }


def test_a_given_item_needs_no_sub_item_counts() -> None:
    """The 2003 method: an item the people's congress scores carries its given score, not `subs`/`done`."""
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2003.tdsl")
    data = parse_yaml((ROOT / "examples/lianyungang-2003/units.yaml").read_text(encoding="utf-8"))
    county = next(u for u in data["units"] if u["id"] == "C01")
    county["indicators"]["重点项目"] = [{"name": "人大专项", "given": {"by": "人大", "score": 90}}]
    result = policy.evaluate([county], explain=False).unit("C01")
    measure = next(m for m in result.measures if m.name == "重点项目")
    assert (measure.earned, measure.points) == (Decimal("0.9"), Decimal(1))


def test_the_html_report_lists_the_methods_assumptions(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    data = ROOT / "examples/lianyungang-2003/units.yaml"
    ledger = ROOT / "examples/lianyungang-2003/carried-in.yaml"
    policy = ROOT / "policies/lianyungang-2003.tdsl"
    args = ["report", str(policy), str(data), "--carry-in", str(ledger), "-o", str(out), "-q", "--lang", "zh"]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    assert '<div id="assumptions"><p class="meta">本办法的假定</p>' in html
    # what each belongs to in the report's language: no English keyword on a Chinese page
    assert html.count("<li>一票否决 ") == 5 and "按一票否优处理" in html and "<li>veto " not in html
    assert main([*args[:-2], "--lang", "en"]) == 0
    assert out.read_text(encoding="utf-8").count("<li>veto ") == 5


# ------------------------------------------------------------ weights per indicator

BY_MEASURE = """policy "季度" { year 2024 status draft }
class 县 { 经济 100 }
category 经济 {
    indicator GDP "地区生产总值" points 60 {
        input target: number prorated
        input actual: number
        score points * min(actual / target, 120%)
    }
    indicator 能耗 points 40 {
        input rate: number
        score if rate <= 1 then points else 0
    }
}
periods {
    一季度 through month 3 weight 15%
    上半年 through month 6 weight 25%
    前三季度 through month 9 weight 25%
    全年 through month 12 weight 35%
    for GDP
}
"""


def gdp(a: str, b: str) -> dict[str, Any]:
    return {
        "units": [
            {"id": "A", "name": "甲", "class": "县", "indicators": {"GDP": {"target": 400, "actual": a}}},
            {"id": "B", "name": "乙", "class": "县", "indicators": {"GDP": {"target": 400, "actual": b}}},
        ]
    }


YEAR = {
    "units": [
        {
            "id": "A",
            "name": "甲",
            "class": "县",
            "indicators": {"GDP": {"target": 400, "actual": 400}, "能耗": {"rate": "0.9"}},
        },
        {
            "id": "B",
            "name": "乙",
            "class": "县",
            "indicators": {"GDP": {"target": 400, "actual": 380}, "能耗": {"rate": "1.1"}},
        },
    ]
}
BY_PERIOD = {"一季度": gdp("100", "90"), "上半年": gdp("180", "200"), "前三季度": gdp("285", "300"), "全年": YEAR}


def test_a_measure_weighted_over_the_periods_by_hand() -> None:
    policy = targetdsl.parse_policy(BY_MEASURE, name="q.tdsl")
    year = policy.evaluate_over_periods(BY_PERIOD)
    # A: 60 × (100/100) · 15% + 60 × (180/200) · 25% + 60 × (285/300) · 25% + 60 × (400/400) · 35%
    #    = 9 + 13.5 + 14.25 + 21 = 57.75; 能耗 on the year's data alone: 40
    a, b = year.unit("A"), year.unit("B")
    assert [m.earned for m in a.measures] == [Decimal("57.75"), Decimal("40")]
    assert a.total == Decimal("97.75") and a.rank == 1
    # B: 54 · 15% + 60 · 25% + 60 · 25% + 57 · 35% = 8.1 + 15 + 15 + 19.95 = 58.05; 能耗 0
    assert b.total == Decimal("58.05") and b.rank == 2
    note = "weighted over the periods: 一季度 60 × 15% + 上半年 54 × 25% + 前三季度 57 × 25% + 全年 60 × 35% = 57.75"
    assert note in a.measures[0].step.notes
    assert [s.what for s in a.measures[0].step.children] == ["一季度", "上半年", "前三季度", "全年"]
    fast = policy.evaluate_over_periods(BY_PERIOD, explain=False)
    assert fast.to_json() == year.to_json()


def test_an_earlier_period_gives_the_weighted_measures_alone() -> None:
    policy = targetdsl.parse_policy(BY_MEASURE, name="q.tdsl")
    given = dict(BY_PERIOD, 一季度=YEAR)
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate_over_periods(given)
    assert "`能耗` is not weighted over the periods" in str(caught.value)
    with pytest.raises(targetdsl.DataError):
        policy.evaluate_periods(BY_PERIOD)  # the totals are not what the policy weights


def test_the_measures_weighted_parse_format_and_round_trip_in_both_keyword_languages() -> None:
    parsed = parse(BY_MEASURE, "q.tdsl")
    english = canonical_text(parsed.file)
    chinese = layout(parsed.file, parsed.comments, BY_MEASURE, keywords=Language.CHINESE)
    assert "    适用 GDP\n" in chinese
    assert parse(chinese).file == parsed.file
    assert "    for GDP\n" in english


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (("for GDP", "for GDQ"), ("check.unknown-name", 19)),
        (("for GDP", "for GDP, GDP"), ("check.duplicate-name", 19)),
        (("then points", "then score(GDP)"), ("check.reference-scope", 11)),
    ],
)
def test_the_measures_weighted_are_checked(change: tuple[str, str], found: tuple[str, int]) -> None:
    text = BY_MEASURE.replace(*change)
    if "score(GDP)" in text:
        text = text.replace("for GDP", "for GDP, 能耗")
    assert found in errors(text)
    unweighted = BY_MEASURE.replace(" weight 15%", "").replace(" weight 25%", "").replace(" weight 35%", "")
    assert ("check.period-weights", 19) in errors(unweighted)


def test_a_change_of_the_measures_weighted_is_a_change_an_auditor_sees() -> None:
    old = targetdsl.parse_policy(BY_MEASURE, name="old.tdsl")
    new = targetdsl.parse_policy(BY_MEASURE.replace("for GDP", "for GDP, 能耗"), name="new.tdsl")
    found = [(c.group, c.kind, c.what, c.old, c.new) for c in diff_effective(old.effective, new.effective).changes]
    assert found == [("periods", "changed", "periods for", "for GDP", "for GDP, 能耗")]
