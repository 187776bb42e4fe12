"""Quantities that use other quantities: `score(M)` in measures and rules, class-wide functions over it.

The reference is parsed as its own node (never a name), checked (the measure exists, is scored wherever
it is read, no circle, no class-wide value over a measure that compares units itself), ordered by the
engine and the lowered graph, declined by the class kernel with a reason, read by generated expressions as by
the interpreter; in-memory, reference-path, explained and streamed evaluations agree field by field.
"""

import json
import random
from decimal import Decimal
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.lowering import lower
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language import nodes as n
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import parse
from targetdsl.numeric import show
from targetdsl.scaling import stream as streaming

HEAD = 'policy "引用" { year 2023 status draft }\n'

STAFFING = (
    HEAD
    + """
class 部门 { 编制管理 100 }
category 编制管理 {
    indicator 总量排名 points 20 {
        let 总量项得分 = score(编制总量) + score(领导职数)
        score bands rank(总量项得分) { <= 1: 20, <= 2: 19, <= 3: 18, otherwise: 16 }
        completed when score(编制总量) >= 15
    }
    indicator 编制总量 points 30 {
        input 核定: number
        input 实有: number
        score points * min(核定 / 实有, 1)
    }
    indicator 领导职数 points 50 {
        input 核定: number
        input 实配: number missing na
        score points * min(核定 / 实配, 1)
    }
}
veto 超编 {
    when score(编制总量) < 10
    effect cap grade 良好
}
deduction 超配 {
    amount if score(领导职数) < 25 then 2 else 0
}
commendation 先进 {
    when score(总量排名) >= 19
}
grades {
    优秀 >= 80
    良好 60 to 80
    合格 < 60
}
"""
)


def policy_of(text: str) -> targetdsl.Policy:
    return targetdsl.parse_policy(text, name="ref.tdsl")


def codes(text: str) -> list[tuple[str, int]]:
    report = targetdsl.check_text(text, name="ref.tdsl")
    return [(d.code, d.span.line) for d in report.diagnostics if d.severity.value == "error"]


def staffing_units(count: int, seed: int) -> list[dict[str, Any]]:
    """Units with varied data; some leave 实配 out (the measure does not apply to them)."""
    chance = random.Random(seed)
    units = []
    for index in range(count):
        staffed: dict[str, Any] = {"核定": chance.choice([3, 4, 5])}
        if chance.random() > 0.2:
            staffed["实配"] = chance.choice([3, 4, 5, 6])
        units.append(
            {
                "id": f"U{index:02d}",
                "class": "部门",
                "indicators": {
                    "编制总量": {"核定": 100, "实有": chance.choice([100, 110, 125, 200, 400])},
                    "领导职数": staffed,
                    "总量排名": {},
                },
            }
        )
    return units


# ------------------------------------------------------------------ parsing


def test_score_of_a_name_is_a_reference_not_a_call_or_a_name() -> None:
    category = parse(HEAD + "class c { q 100 } category q { indicator a points 1 { score score(b) } }", "t.tdsl")
    score = category.file.items[2].measures[0].body[0]  # type: ignore[union-attr]
    assert score.expr == n.Reference("score", "b")
    assert (score.expr.span.line, score.expr.span.column) == (2, 61)
    call = parse(HEAD + "class c { q 100 } category q { indicator a points 1 { score score(b, c) } }", "t.tdsl")
    assert isinstance(call.file.items[2].measures[0].body[0].expr, n.Call)  # type: ignore[union-attr]


def test_an_input_named_score_still_reads_as_a_name_beside_a_reference() -> None:
    text = (
        HEAD
        + "class c { q 100 }\ncategory q {\n"
        + "    indicator a points 10 { input score: number score points * score / 100 }\n"
        + "    indicator b points 10 { input x: number score min(points, x) + score(a) * 0 }\n}\n"
    )
    assert codes(text) == []
    result = policy_of(text).evaluate(
        [{"id": "u", "class": "c", "indicators": {"a": {"score": 50}, "b": {"x": 4}}}], explain=False
    )
    assert [m.earned for m in result.units[0].measures] == [Decimal(5), Decimal(4)]


def test_the_formatter_keeps_a_reference_in_both_keyword_languages() -> None:
    chinese = format_policy(STAFFING, keywords=Language.CHINESE)
    assert "得分(编制总量) + 得分(领导职数)" in chinese
    english = format_policy(chinese, keywords=Language.ENGLISH)
    assert format_policy(english) == english
    assert policy_of(english).effective.declarations == policy_of(chinese).effective.declarations
    assert policy_of(STAFFING).effective.declarations == policy_of(chinese).effective.declarations


# ------------------------------------------------------------------ checking


def test_the_staffing_policy_checks_clean() -> None:
    assert codes(STAFFING) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("score score(编制) / 2", ("check.unknown-name", "did you mean `编制总量`?")),
        ("score score(子) / 2", ("check.unknown-name", "read `score(带子项)`")),
        ("score score(编制总量 + 1) / 2", ("check.bad-reference", "naming an indicator")),
        ("score score() / 2", ("check.bad-reference", "naming an indicator")),
        ("score score(乙) / 2", ("check.quantity-cycle", "read the inputs")),
        ("score min(points, score(甲))", ("check.quantity-cycle", "a score cannot be computed from itself")),
        ("score points * efficacy(score(比较)) / 100", ("check.nested-peer", "take `efficacy`")),
        ("score points * rank(score(读比较)) / 100", ("check.nested-peer", "already compares units")),
        # through a `let` of its own: the same dependency, which a stream could not gather in one pass
        ("let s = score(比较) score points * efficacy(s) / 100", ("check.nested-peer", "already compares units")),
        ("let s = score(比较) * 2 let t = s + 1 score rank(t)", ("check.nested-peer", "take `rank`")),
    ],
)
def test_a_reference_that_cannot_be_read_is_refused(body: str, expected: tuple[str, str]) -> None:
    text = (
        HEAD
        + "class c { q 100 }\ncategory q {\n"
        + f"    indicator 甲 points 10 {{ {body} }}\n"
        + "    indicator 乙 points 10 { score score(甲) }\n"
        + "    indicator 编制总量 points 10 { input x: number score min(points, x) }\n"
        + "    indicator 比较 points 10 { input x: number score points * efficacy(x) / 100 }\n"
        + "    indicator 读比较 points 10 { score score(比较) }\n"
        + "    indicator 带子项 points 10 { subitem 子 points 1 { input y: number score min(points, y) } }\n}\n"
    )
    report = targetdsl.check_text(text, name="ref.tdsl")
    found = [(d.code, f"{d.message} {d.help}") for d in report.diagnostics if d.severity.value == "error"]
    assert any(code == expected[0] and expected[1] in help for code, help in found), found
    assert all(line == 4 for _, line in codes(text)), report.render()


def test_a_reference_where_the_measure_is_not_scored_is_refused() -> None:
    text = (
        HEAD
        + "class 县 { q 100 }\nclass 部门 { r 100 }\n"
        + "category q { indicator a points 1 { input x: number score min(points, x) } }\n"
        + "category r { indicator b points 1 { input x: number score min(points, x) } }\n"
        + "veto v { when score(a) < 1 effect no award }\n"
        + "veto w for 县 { when score(a) < 1 effect no award }\n"
        + "const k = score(a)\n"
        + "input u: number missing default score(a)\n"
    )
    found = codes(text)
    assert [c for c in found if c[0] == "check.reference-scope"] == [
        ("check.reference-scope", 6),
        ("check.reference-scope", 8),
        ("check.reference-scope", 9),
    ]
    assert set(found) <= {("check.reference-scope", 6), ("check.reference-scope", 8), ("check.reference-scope", 9)} | {
        ("check.bad-value", 9)  # a default is a value written out, too
    }
    message = targetdsl.check_text(text, name="ref.tdsl").render(language=Language.CHINESE)
    assert "不对类别 `部门` 计分" in message and "常量和填报项的默认值" in message


def test_a_measure_may_read_only_its_own_classes_measures_with_for() -> None:
    text = (
        HEAD
        + "class 县 { q 100 }\nclass 部门 { q 100 }\n"
        + "category q {\n"
        + "    indicator a points 1 for 县 { input x: number score min(points, x) }\n"
        + "    indicator b points 1 { input x: number score min(points, x) + score(a) }\n"
        + "    indicator c points 1 for 县 { score score(a) }\n}\n"
    )
    assert codes(text) == [("check.reference-scope", 6)]


# ------------------------------------------------------------------ evaluation


def test_the_scores_read_are_the_scores_shown() -> None:
    units = [u for u in staffing_units(12, seed=1) if "实配" in u["indicators"]["领导职数"]]
    result = policy_of(STAFFING).evaluate(units)
    measures = {u.id: {m.name: m.earned for m in u.measures} for u in result.units}
    sums = {unit: m["编制总量"] + m["领导职数"] for unit, m in measures.items()}
    for unit in result.units:
        place = 1 + sum(1 for other in sums.values() if other > sums[unit.id])  # ties share a rank
        assert measures[unit.id]["总量排名"] == {1: 20, 2: 19, 3: 18}.get(place, 16)
        assert ("超编" in [v.name for v in unit.vetoes]) == (measures[unit.id]["编制总量"] < 10)
        assert unit.deductions == (2 if measures[unit.id]["领导职数"] < 25 else 0)
        assert (unit.commendations == ("先进",)) == (measures[unit.id]["总量排名"] >= 19)


MEASURES_ONLY = STAFFING[: STAFFING.index("veto 超编")]


def test_a_measure_reading_a_measure_that_does_not_apply_does_not_apply_either() -> None:
    units = staffing_units(12, seed=4)
    missing = {u["id"] for u in units if "实配" not in u["indicators"]["领导职数"]}
    assert missing
    for explain in (False, True):
        result = policy_of(MEASURES_ONLY).evaluate(units, explain=explain)
        for unit in result.units:
            applies = {m.name: m.applicable for m in unit.measures}
            assert applies["总量排名"] == applies["领导职数"] == (unit.id not in missing)
    assert [unit_json(u) for u in policy_of(MEASURES_ONLY).evaluate(units, explain=False).units] == [
        unit_json(u) for u in policy_of(MEASURES_ONLY).evaluate(units).units
    ]


def test_a_rule_reading_a_measure_that_does_not_apply_is_an_error_for_the_unit() -> None:
    units = [u for u in staffing_units(6, seed=2) if "实配" in u["indicators"]["领导职数"]][:3]
    units[1]["indicators"]["领导职数"].pop("实配")
    name = units[1]["id"]
    for explain in (False, True):
        with pytest.raises(targetdsl.EvaluationError) as caught:
            policy_of(STAFFING).evaluate(units, explain=explain)
        assert [str(p) for p in caught.value.problems] == [
            f"ref.tdsl:25:11: unit {name}: deduction 超配: `score(领导职数)` does not apply to this unit, "
            "so deduction `超配` cannot be decided",
            f"ref.tdsl:28:14: unit {name}: commendation 先进: `score(总量排名)` does not apply to this unit, "
            "so commendation `先进` cannot be decided",
        ]
    assert "对该单位不适用" in caught.value.render(language=Language.CHINESE)


def test_a_measure_reads_a_score_declared_after_it() -> None:
    policy = policy_of(STAFFING)
    order = [m.name for m in policy.schema.classes["部门"].scoring_order()]
    assert order == ["编制总量", "领导职数", "总量排名"]


def test_explanations_show_each_score_read() -> None:
    units = [u for u in staffing_units(6, seed=3) if "实配" in u["indicators"]["领导职数"]]
    result = policy_of(STAFFING).evaluate(units)
    unit = result.units[0]
    step = next(m.step for m in unit.measures if m.name == "总量排名")
    read = dict(step.inputs)
    by_name = {m.name: m for m in unit.measures}
    assert set(read) == {"score(编制总量)", "score(领导职数)"}
    for name in ("编制总量", "领导职数"):
        assert read[f"score({name})"] == show(by_name[name].earned)  # as every value read is shown
    assert any("rank: class of" in note for note in step.notes)


def evaluations(policy: targetdsl.Policy, units: list[dict[str, Any]]) -> list[Any]:
    """The same units evaluated four ways, as JSON: fast, reference, explained on demand, streamed."""
    fast = [unit_json(u) for u in policy.evaluate(units, explain=False).units]
    with by_reference():
        reference = [unit_json(u) for u in policy.evaluate(units).units]
    on_demand = policy.evaluate(units)
    for unit in on_demand.units:
        assert unit.trace is not None  # checked against the numbers (results.Disagreement otherwise)
    explained = [unit_json(u) for u in on_demand.units]
    with policy.stream(iter(units)) as results:
        streamed = sorted((unit_json(u) for u in results), key=lambda u: (u["unit_class"], u["rank"]))
    ordered = sorted(fast, key=lambda u: (u["unit_class"], u["rank"]))
    return [
        ordered,
        sorted(reference, key=lambda u: (u["unit_class"], u["rank"])),
        sorted(explained, key=lambda u: (u["unit_class"], u["rank"])),
        streamed,
    ]


@pytest.mark.parametrize("seed", range(6))
def test_fast_reference_explained_and_streamed_evaluations_agree(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 3)  # every class scored in several parts
    units = [u for u in staffing_units(11, seed) if "实配" in u["indicators"]["领导职数"]]
    fast, reference, explained, streamed = evaluations(policy_of(STAFFING), units)
    assert fast == reference == explained == streamed


PEER_OVER_SCORE = (
    HEAD
    + """
class 乡镇 { 重要项目 60  其他 40 }
class 街道 { 重要项目 60  其他 40 }
category 重要项目 {
    items 项目 {
        input 进度: percent range 0 to 100
        score points * 进度
    }
    indicator 折算 points 10 {
        score points * score(项目) / peer_max(score(项目))
    }
}
category 其他 {
    indicator 其他工作 points 40 {
        input s: number range 0 to 100
        score points * s / 100
    }
}
commendation 先进 { when score(折算) >= 9 }
"""
)


def peer_units(count: int, seed: int) -> list[dict[str, Any]]:
    chance = random.Random(seed)
    return [
        {
            "id": f"T{index:02d}",
            "class": chance.choice(["乡镇", "街道"]),
            "indicators": {
                "项目": [
                    {"points": chance.choice([1, 2, 3]), "进度": chance.choice([0, 40, 75, 100])}
                    for _ in range(chance.randint(1, 4))
                ],
                "折算": {},
                "其他工作": {"s": chance.randint(0, 100)},
            },
        }
        for index in range(count)
    ]


@pytest.mark.parametrize("seed", range(6))
def test_a_class_wide_function_over_an_items_score_agrees_every_way(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 2)
    units = peer_units(9, seed)
    outcomes = []
    for way in range(4):
        try:
            outcomes.append(evaluations(policy_of(PEER_OVER_SCORE), units)[way])
        except targetdsl.EvaluationError as error:  # a class whose best project score is 0: same error every way
            outcomes.append(sorted(str(p) for p in error.problems))
    assert outcomes[0] == outcomes[1] == outcomes[2] == outcomes[3]


def test_a_class_wide_function_over_a_score_by_hand() -> None:
    units = [
        {"id": unit, "class": "乡镇", "indicators": {"项目": [item], "折算": {}, "其他工作": {"s": 0}}}
        for unit, item in (("a", {"points": 2, "进度": 100}), ("b", {"points": 4, "进度": 25}))
    ]
    result = policy_of(PEER_OVER_SCORE).evaluate(units, explain=False)
    by_id = {u.id: {m.name: m.earned for m in u.measures} for u in result.units}
    assert by_id["a"]["折算"] == Decimal(10)  # 2 of the best 2
    assert by_id["b"]["折算"] == Decimal(5)  # 1 of 2
    assert [u.commendations for u in sorted(result.units, key=lambda u: u.id)] == [("先进",), ()]


# ------------------------------------------------------------------ lowering, plan, diff


def test_the_lowered_graph_orders_a_score_after_the_scores_it_reads() -> None:
    policy = policy_of(STAFFING)
    graph = lower(policy.schema)["部门"]
    reader = graph.quantity("编制管理.总量排名.let.总量项得分")
    assert set(reader.dependencies) == {"编制管理.编制总量.score", "编制管理.领导职数.score"}
    assert "编制管理.编制总量.score" in graph.quantity("veto.超编").dependencies
    assert "编制管理.领导职数.score" in graph.quantity("deduction.超配").dependencies
    order = list(graph.order)
    assert order.index("编制管理.编制总量.score") < order.index("编制管理.总量排名.score")
    assert graph.phases["编制管理.总量排名.rank"].settle


def test_the_plan_says_why_the_kernel_leaves_readers_and_measures_read() -> None:
    made = policy_of(STAFFING).plan()
    why = {s.quantity.name: s.reason or "" for c in made.classes for s in c.steps}
    assert "its score is read by another measure or rule" in why["编制管理.编制总量.score"]
    reader = {s.quantity.name: s.reason or "" for c in policy_of(MEASURES_ONLY).plan().classes for s in c.steps}
    assert "kernel: it reads the score of 编制总量, 领导职数" in reader["编制管理.总量排名.score"]


def test_a_changed_reference_is_a_change_an_auditor_sees() -> None:
    old = policy_of(STAFFING)
    new = policy_of(STAFFING.replace("when score(编制总量) < 10", "when score(领导职数) < 10"))
    changes = diff_effective(old.effective, new.effective).changes
    assert [(c.group, c.kind) for c in changes] == [("veto 超编", "changed")]
    assert "score(领导职数)" in str(changes[0].new)
    assert diff_effective(old.effective, old.effective).changes == ()


# ------------------------------------------------------------------ class-wide functions in rules

COMPARING = (
    HEAD
    + """
class 县 { 经济 100 }
category 经济 {
    indicator 增长 points 60 {
        input 目标: number
        input 完成: number
        score points * min(完成 / 目标, 1.2)
    }
    indicator 效益 points 40 {
        input x: number
        score points * efficacy(x) / 100
    }
}
veto 末位 "增长得分末位" {
    when rank(score(增长)) == peer_count() and peer_count() >= 3
    effect cap grade 良好
}
deduction 低于平均 {
    input 事故: count missing zero
    let 差距 = peer_avg(score(增长)) - score(增长)
    amount if 差距 > 0 then min(差距 / 10, 3) else 0
}
coefficient 难度 {
    input 规模: number missing default 1
    factor 0.9 + 0.2 * (规模 - peer_min(规模)) / max(peer_max(规模) - peer_min(规模), 1)
    on 经济
}
grades {
    优秀 >= 90
    良好 70 to 90
    合格 < 70
}
"""
)


def comparing_units(count: int, seed: int) -> list[dict[str, Any]]:
    chance = random.Random(seed)
    units = []
    for index in range(count):
        unit: dict[str, Any] = {
            "id": f"X{index:02d}",
            "class": "县",
            "indicators": {
                "增长": {"目标": 100, "完成": chance.choice([60, 80, 95, 100, 130])},
                "效益": {"x": chance.choice([1, 2, 3, 5, 8])},
            },
        }
        if chance.random() < 0.7:
            unit["coefficients"] = {"难度": {"规模": chance.choice([1, 2, 3, 4])}}
        units.append(unit)
    return units


def test_vetoes_deductions_and_coefficients_may_compare_a_unit_with_its_class() -> None:
    assert codes(COMPARING) == []
    graph = lower(policy_of(COMPARING).schema)["县"]
    assert graph.quantity("veto.末位.rank").aggregate
    assert "veto.末位.rank" in graph.quantity("veto.末位").dependencies
    assert graph.phases["veto.末位"].number == 2  # after the class's scores are settled
    assert "coefficient.难度.peer_min" in graph.quantity("coefficient.难度").dependencies


def test_a_comparing_rule_by_hand() -> None:
    units = [
        {"id": "a", "class": "县", "indicators": {"增长": {"目标": 100, "完成": 100}, "效益": {"x": 10}}},
        {"id": "b", "class": "县", "indicators": {"增长": {"目标": 100, "完成": 80}, "效益": {"x": 5}}},
        {
            "id": "c",
            "class": "县",
            "indicators": {"增长": {"目标": 100, "完成": 50}, "效益": {"x": 0}},
            "coefficients": {"难度": {"规模": 3}},
        },
    ]
    result = {u.id: u for u in policy_of(COMPARING).evaluate(units, explain=False).units}
    # 增长: a 60, b 48, c 30 (mean 46); 效益 by efficacy over 0..10: a 40, b 32, c 24
    # 难度: 规模 a 1, b 1, c 3 → a, b 0.9; c 0.9 + 0.2 × 2 / 2 = 1.1
    assert result["a"].total == Decimal("90.00")  # 100 × 0.9, nothing deducted (above the mean)
    assert result["b"].total == Decimal("72.00")  # 80 × 0.9
    # c: 54 × 1.1 = 59.4, less min((46 − 30) / 10, 3) = 1.6 → 57.8; last of three: 一票否优
    assert result["c"].total == Decimal("57.80")
    assert [v.name for v in result["c"].vetoes] == ["末位"]
    assert not result["a"].vetoes and not result["b"].vetoes


@pytest.mark.parametrize("seed", range(6))
def test_comparing_rules_agree_every_way(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 2)
    units = comparing_units(9, seed)
    fast, reference, explained, streamed = evaluations(policy_of(COMPARING), units)
    assert fast == reference == explained == streamed


def test_a_rules_missing_value_has_no_class_average() -> None:
    text = COMPARING + "commendation 先进 { input x: number missing peer_avg when x > 2 }\n"
    assert codes(text) == [("check.peer-in-rule", text.count("\n"))]


# ------------------------------------------------------------------ subtotals, awards and commendations

MERIT = (
    HEAD
    + """
class 乡镇 { 经济 60  社会 40 }
class 街道 { 经济 40  社会 60 }
category 经济 {
    indicator 收入 points 30 {
        input 目标: number
        input 完成: number
        score points * min(完成 / 目标, 1.2)
    }
    indicator 投资 points 30 {
        input 完成率: percent
        score points * min(完成率, 100%)
    }
}
category 社会 {
    indicator 民生 points 40 {
        input 完成率: percent
        score points * min(完成率, 100%)
    }
}
veto 经济滑坡 {
    when subtotal(经济) < 20
    effect cap grade 良好
}
deduction 社会短板 {
    amount if subtotal(社会) < score(民生) / 2 then 1 else 0
}
commendation 经济先进 "经济专项先进" {
    let 经济名次 = rank(subtotal(经济))
    when 经济名次 <= 2 and not vetoed
}
award 进步奖 {
    money {
        优秀 10000
        良好 5000
    }
    eligible when total >= peer_avg(total)
    reduce 50% when rank(subtotal(社会)) > peer_count() / 2
}
grades {
    优秀 >= 85
    良好 70 to 85
    合格 < 70
}
"""
)


def merit_units(count: int, seed: int) -> list[dict[str, Any]]:
    chance = random.Random(seed)
    return [
        {
            "id": f"M{index:02d}",
            "class": chance.choice(["乡镇", "街道"]),
            "indicators": {
                "收入": {"目标": 100, "完成": chance.choice([20, 50, 90, 100, 130])},
                "投资": {"完成率": chance.choice([30, 60, 95, 100])},
                "民生": {"完成率": chance.choice([40, 70, 95, 100])},
            },
        }
        for index in range(count)
    ]


def test_subtotals_and_class_wide_awards_and_commendations_check_clean() -> None:
    assert codes(MERIT) == []
    graph = lower(policy_of(MERIT).schema)["乡镇"]
    assert "category.经济" in graph.quantity("veto.经济滑坡").dependencies
    statistic = graph.quantity("commendation.经济先进.rank")
    assert statistic.aggregate and "category.经济" in graph.quantity(f"{statistic.name}.argument").dependencies
    assert graph.phases["commendation.经济先进"].number > graph.phases["rank"].number  # decided once ranked


@pytest.mark.parametrize("seed", range(6))
def test_subtotals_awards_and_commendations_agree_every_way(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 2)
    units = merit_units(11, seed)
    fast, reference, explained, streamed = evaluations(policy_of(MERIT), units)
    assert fast == reference == explained == streamed


def test_the_economic_commendation_goes_to_the_top_two_subtotals_by_hand() -> None:
    units = merit_units(12, seed=7)
    result = policy_of(MERIT).evaluate(units)
    for unit_class in ("乡镇", "街道"):
        members = [u for u in result.units if u.unit_class == unit_class]
        subtotal = {u.id: next(c.subtotal for c in u.categories if c.name == "经济") for u in members}
        for unit in members:
            place = 1 + sum(1 for other in subtotal.values() if other > subtotal[unit.id])
            assert ("经济先进" in unit.commendations) == (place <= 2 and not unit.vetoes)
            assert bool(unit.vetoes) == (subtotal[unit.id] < 20)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("coefficient k { factor 1 + subtotal(经济) / 1000 on total }", "a coefficient cannot read"),
        ("veto v { when rank(subtotal(经济)) > 3 effect no award }", "cannot be compared across the class"),
        (
            "deduction d { let s = subtotal(经济) let r = rank(s) amount if r > 3 then 1 else 0 }",
            "cannot be compared across the class",
        ),
        ("commendation c { when subtotal(经济s) > 3 }", "no category is named `经济s`"),
    ],
)
def test_a_subtotal_read_where_it_is_not_known_is_refused(rule: str, message: str) -> None:
    text = MERIT + rule + "\n"
    report = targetdsl.check_text(text, name="ref.tdsl")
    errors = [d for d in report.diagnostics if d.severity.value == "error"]
    assert len(errors) == 1 and message in errors[0].message, report.render()
    assert "考核内容" in report.render(language=Language.CHINESE) or "小计" in report.render(language=Language.CHINESE)


def test_a_measure_cannot_read_a_subtotal() -> None:
    text = MERIT.replace(
        "score points * min(完成率, 100%)\n    }\n}\ncategory 社会",
        "score subtotal(社会) / 10\n    }\n}\ncategory 社会",
    )
    assert codes(text) == [("check.reference-scope", text[: text.index("subtotal(社会) / 10")].count("\n") + 1)]


def test_a_stream_counts_the_pass_that_gathers_its_awards_and_commendations(tmp_path: Any) -> None:
    units = merit_units(10, seed=3)
    path = tmp_path / "units.jsonl"
    path.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    with policy_of(MERIT).stream(path, progress=lambda done, total: calls.append((done, total))) as results:
        first = [unit_json(u) for u in results]
        counted = list(calls)
        assert [unit_json(u) for u in results] == first  # read again: gathered afresh, the same
    # scored, gathered for the awards and commendations once ranked, finished
    assert counted[-1] == (30, 30), counted
    assert all(a[0] <= b[0] for a, b in zip(counted, counted[1:], strict=False)), counted


def test_a_rules_explanation_shows_the_scores_it_read_and_the_class_statistics() -> None:
    units = [
        {"id": "a", "class": "县", "indicators": {"增长": {"目标": 100, "完成": 100}, "效益": {"x": 10}}},
        {"id": "b", "class": "县", "indicators": {"增长": {"目标": 100, "完成": 80}, "效益": {"x": 5}}},
        {"id": "c", "class": "县", "indicators": {"增长": {"目标": 100, "完成": 50}, "效益": {"x": 0}}},
    ]
    unit = policy_of(COMPARING).evaluate(units).unit("c")
    steps = {step.what: step for step in unit.trace.read(unit)}
    assert steps["deduction 低于平均"].inputs == (("score(增长)", "30"),)
    assert steps["deduction 低于平均"].notes == ("peer_avg: class of 3, min 30, max 60 → 46 (line 21)",)
    assert steps["veto 增长得分末位"].notes == ("rank: class of 3, min 30, max 60 → 3 (line 16)",)
