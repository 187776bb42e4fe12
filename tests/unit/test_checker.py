import pytest

import targetdsl

BASE = """policy "t" { year 2003 status draft scale 100 }
class 县区 { 定量 60 其他 40 }
category 定量 { indicator 收入 points 1 { input x: number score points * x } }
category 其他 { assessed 评议 points 1 { scale 100 by 人大 weight 1 } }
assessor 人大 "市人大"
"""


def errors(extra: str, base: str = BASE) -> list[str]:
    return [d.code for d in targetdsl.check_text(base + extra).diagnostics if d.is_error]


def test_base_is_clean() -> None:
    assert targetdsl.check_text(BASE).diagnostics == ()


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ("优秀 >= 90 良好 80 to 90 合格 60 to 80 不合格 < 60", []),
        ("优秀 >= 90 其他 otherwise", []),
        ("优秀 > 90 良好 80 to 90 差 < 80", ["check.grade-gap"]),  # exactly 90 has no grade
        ("优秀 >= 90 良好 80 to 90 差 <= 80", ["check.grade-overlap"]),
        ("优秀 >= 90 良好 85 to 95 差 < 85", ["check.grade-overlap"]),
        ("优秀 >= 90 良好 80 to 85 差 < 80", ["check.grade-gap"]),
        ("优秀 >= 90 良好 80 to 90", ["check.grade-gap"]),
        ("良好 80 to 90 差 < 80", ["check.grade-gap"]),
        ("优秀 >= 90 其他 otherwise 又 otherwise", ["check.grade-overlap"]),
        ("优秀 >= 90 quota 0% 其他 otherwise", ["check.quota-range"]),
        ("优秀 >= 90 quota 30% round sideways 其他 otherwise", ["check.bad-value"]),
        ("优秀 >= 90 优秀 < 90", ["check.duplicate-name"]),
        ("优秀 == 90 其他 otherwise", ["check.bad-value"]),
    ],
)
def test_grade_bands(grades: str, expected: list[str]) -> None:
    assert errors(f"grades {{ {grades} }}") == expected


def test_points_must_add_up_to_the_scale() -> None:
    assert errors("", BASE.replace("scale 100", "scale 180", 1)) == ["check.points-mismatch"]
    assert errors("", BASE.replace("定量 60 其他 40", "定量 108 其他 72").replace("scale 100", "scale 180", 1)) == []
    assert errors("", BASE.replace("定量 60 其他 40", "定量 60% 其他 40%")) == []
    assert errors("", BASE.replace("定量 60 其他 40", "定量 60% 其他 40")) == ["check.points-mismatch"]
    assert errors("", BASE.replace("定量 60 其他 40", "定量 60 定量 40")) == ["check.duplicate-name"]


def test_veto_effects_name_existing_grades() -> None:
    veto = "veto 安全 for 县区 { input failed: bool when failed effect cap grade 良 }\n"
    assert errors(veto + "grades { 良好 >= 80 差 otherwise }") == ["check.unknown-name"]
    assert errors(veto.replace("良", "良好") + "grades { 良好 >= 80 差 otherwise }") == []
    assert errors(veto.replace("良", "良好")) == ["check.unknown-name"]  # no grades at all


def test_rule_statements() -> None:
    assert errors("veto v { input f: bool effect no award }") == ["check.missing-statement"]
    assert errors("veto v { input f: bool when f when f effect no award }") == ["check.duplicate-statement"]
    assert errors("bonus b { cap 5 }") == ["check.missing-statement"]
    assert errors("bonus b { level 省级 2 up to 1 }") == ["check.bad-value"]
    assert errors("bonus b { level 省级 2 carry over after 2010-01-01 }") == ["check.bad-value"]
    assert errors("deduction d { input n: count amount n * 0.5 cap 0 }") == ["check.bad-value"]
    assert errors("award a { money { 优秀 10 } reduce 120% when total < 60 }\ngrades { 优秀 >= 90 差 otherwise }") == [
        "check.bad-value"
    ]
    assert errors("award a { money { 优 10 } eligible when rank <= 3 }\ngrades { 优秀 >= 90 差 otherwise }") == [
        "check.unknown-name"
    ]
    assert errors("coefficient k { input f: number factor f on 定量指标 }") == ["check.unknown-name"]
    assert errors("coefficient k { input f: number factor f on 定量 }") == []
    assert errors("commendation c { input n: count when n }") == ["check.type-mismatch"]
    assert errors("veto v for 县 { input f: bool when f effect no award }") == ["check.unknown-name"]


def test_assessed_measures() -> None:
    base = BASE.replace("by 人大 weight 1", "by 人大 weight 1 by 政协 weight 1")
    assert errors("", base) == ["check.unknown-name"]
    assert errors('assessor 政协 "市政协"', base) == []
    assert errors('assessor 政协 "市政协"', base.replace("weight 1 }", "weight 1 drop extremes }")) == [
        "check.bad-value"
    ]
    assert errors("", BASE.replace("by 人大 weight 1", "")) == ["check.missing-statement"]
    # assessor scores are combined, never "given": the grammar has no place for it
    assert errors("", BASE.replace("by 人大 weight 1", "by 人大 weight 1 given by 政协")) == ["syntax.unexpected-token"]


def test_header_problems() -> None:
    assert errors("", BASE.replace("year 2003 ", "")) == ["check.missing-field"]
    assert errors("", BASE.replace("year 2003", "year 20003")) == ["check.bad-value"]
    assert errors("", BASE.replace("scale 100", "scale 100 rounding half_down 9 at totals", 1)) == [
        "check.bad-value",
        "check.bad-value",
        "check.bad-value",
    ]


def test_inputs() -> None:
    def measure(body: str) -> list[str]:
        return errors("", BASE.replace("input x: number score points * x", body))

    assert measure("input x: number missing sometimes score x") == ["check.bad-value"]
    assert measure("input x: bool missing zero score points") == ["check.type-mismatch"]
    assert measure("input x: number missing default true score x") == ["check.type-mismatch"]
    assert measure("input x: number range 5 to 1 score x") == ["check.bad-value"]
    assert measure("input x: percent prorated score x") == ["check.type-mismatch"]
    assert measure("input x: number input x: number score x") == ["check.duplicate-name"]


def test_periods_and_ties() -> None:
    assert errors("periods { 上半年 through month 6 weight 40% 全年 through month 12 }") == ["check.period-weights"]
    assert errors("periods { 全年 through month 13 }") == ["check.bad-value"]
    assert errors("ties total desc, 定量 asc, id") == []
    assert errors("ties total down, 定了") == ["check.bad-value", "check.unknown-name"]


def test_all_problems_are_reported_in_one_run() -> None:
    text = BASE.replace("score points * x", "score points * y") + "veto v { when z effect no award }\ngrades { }"
    assert errors(text, "") == ["check.unknown-name", "check.unknown-name", "check.grade-gap"]
    assert targetdsl.check_text(text).diagnostics[-1].span.line == 7


def test_subitems_and_items() -> None:
    base = BASE.replace(
        "indicator 收入 points 1 { input x: number score points * x }",
        "indicator 债务 points 1.5 { subitem 无新增 points 0.3 { input ok: bool score if ok then points else 0 } "
        "subitem 化解 points 1.2 { input paid: money input plan: money score points * min(paid / plan, 1) } }",
    )
    assert errors("", base) == []
    assert errors("", base.replace("subitem 化解", "subitem 无新增")) == ["check.duplicate-name"]
    assert errors(
        "",
        BASE.replace("indicator 收入 points 1 { input x: number score points * x }", "items 项目 { input x: number }"),
    ) == ["check.missing-statement"]
    assert errors(
        "",
        BASE.replace(
            "indicator 收入 points 1 { input x: number score points * x }",
            "indicator 收入 points 1 { input x: number }",
        ),
    ) == ["check.missing-statement"]
