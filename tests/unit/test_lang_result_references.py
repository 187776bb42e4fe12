"""Rules that read more of the unit's result: `subtotal()` (the total before bonus and deductions),
`bonus(B)`/`bonus()`, `deduction(D)`/`deduction()` and `vetoed(V)`.

Parsed as references (never names or calls), checked (read only where decided, compared across the class
only after the ranking, naming a rule of the kind that applies wherever the reader does, no circle),
decided in the order the references give, declined by the kernel with a reason, explained with the values
read; fast, reference, explained, streamed (batches of one) and partitioned evaluations agree.
"""

import random
from decimal import Decimal
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language import nodes as n
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import parse
from targetdsl.scaling import stream as streaming

POLICY = """policy "引用结果" { year 2023 status draft }
class 县 { 经济 100 }
class 区 { 经济 100 }
category 经济 {
    indicator 增长 points 100 {
        input s: number
        score points * s / 100
    }
}
input 创新项目: count missing zero
input 事故: bool missing default false
bonus 达标 { points if subtotal() >= 90 and bonus(创新) > 0 then 1 else 0 }
bonus 创新 { points 0.5 * 创新项目  cap 3 }
limit 加分合计 { on 达标, 创新  cap 3.5 }
deduction 加重 { amount if bonus() > 0 and deduction(通报) > 0 then 1 else 0 }
deduction 通报 { input times: count missing zero  amount 2 * times }
veto 连带 { when vetoed(安全) and deduction() >= 3  effect cap grade 合格 }
veto 安全 { when 事故  effect no award }
grades { 优秀 >= 90  良好 80 to 90  合格 otherwise }
award 奖金 { money 100 * subtotal() + 500 * bonus(创新)  eligible when not vetoed(安全) }
commendation 先进 { when rank(subtotal() + bonus()) <= 2 and deduction() == 0 }
"""


def policy_of(text: str) -> targetdsl.Policy:
    return targetdsl.parse_policy(text, name="result.tdsl")


def errors(text: str) -> list[tuple[str, int, str]]:
    report = targetdsl.check_text(text, name="result.tdsl")
    return [(d.code, d.span.line, d.message) for d in report.diagnostics if d.severity.value == "error"]


def units(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    made = []
    for i in range(count):
        unit: dict[str, Any] = {
            "id": f"U{i:02}",
            "class": rng.choice(["县", "区"]),
            "inputs": {"创新项目": rng.randint(0, 8), "事故": rng.random() < 0.3},
            "indicators": {"增长": {"s": rng.choice([70, 85, 88, 90, 92, 95, 100])}},
        }
        if rng.random() < 0.5:
            unit["deductions"] = {"通报": {"times": rng.randint(0, 3)}}
        made.append(unit)
    return made


def test_the_words_are_references_with_or_without_a_target() -> None:
    text = 'policy "p" { year 2023 status draft }\nclass c { q 100 }\ncategory q { indicator a points 1 { score 1 } }\n'
    parsed = parse(text + "bonus b { points bonus(x) + bonus() + subtotal() }\n", "t.tdsl")
    formula = parsed.file.items[-1].body[0].expr  # type: ignore[union-attr]
    found = [e for e in (formula.left.left, formula.left.right, formula.right)]
    assert found == [n.Reference("bonus", "x"), n.Reference("bonus", ""), n.Reference("subtotal", "")]
    call = parse(text + "veto v { when vetoed() effect no award }\n", "t.tdsl")
    assert isinstance(call.file.items[-1].body[0].expr, n.Call)  # type: ignore[union-attr]


def test_the_policy_checks_clean_and_formats_in_both_keyword_languages() -> None:
    assert errors(POLICY) == []
    chinese = format_policy(POLICY, keywords=Language.CHINESE)
    assert "小计() >= 90 且 加分(创新) > 0" in chinese and "被否决(安全)" in chinese
    english = format_policy(chinese, keywords=Language.ENGLISH)
    assert format_policy(english) == english
    assert policy_of(english).effective.declarations == policy_of(POLICY).effective.declarations
    assert policy_of(chinese).effective.declarations == policy_of(POLICY).effective.declarations


HEAD = 'policy "p" { year 2023 status draft }\nclass 县 { q 100 }\nclass 区 { q 100 }\n'
MEASURE = "category q { indicator a points 100 { input s: number  score s } }\n"


@pytest.mark.parametrize(
    ("rules", "code", "message"),
    [
        (
            "category r { indicator b points 1 { score bonus() } }",
            "check.reference-scope",
            "measure `b` cannot read `bonus()`: it is decided before the bonuses are counted",
        ),
        (
            "coefficient k { factor 1 + subtotal() * 0 }",
            "check.reference-scope",
            "coefficient `k` cannot read `subtotal()`: it is decided before the subtotals are summed",
        ),
        (
            "bonus b { points deduction() }",
            "check.reference-scope",
            "bonus `b` cannot read `deduction()`: it is decided before the deductions are taken",
        ),
        (
            "veto v { when 1 > 2 effect no award } deduction d { amount if vetoed(v) then 1 else 0 }",
            "check.reference-scope",
            "deduction `d` cannot read `vetoed(v)`: it is decided before any veto is tested",
        ),
        ("const c = bonus()", "check.reference-scope", "`bonus()` cannot be read here"),
        (
            "bonus b { points 1 } deduction d { amount rank(bonus(b)) }",
            "check.reference-scope",
            "`bonus(b)` cannot be compared across the class in deduction `d`",
        ),
        (
            "bonus b for 县 { points 1 } deduction d { amount bonus(b) }",
            "check.reference-scope",
            "bonus `b` does not apply to class `区`, where `d` reads it",
        ),
        ("deduction d { amount bonus(乙) }", "check.unknown-name", "no bonus is named `乙`"),
        ("veto v { when vetoed(w) effect no award }", "check.unknown-name", "no veto is named `w`"),
        (
            "bonus b { points bonus(c) } bonus c { points bonus(b) }",
            "check.quantity-cycle",
            "these bonus rules read each other in a circle: b → c → b",
        ),
        (
            "bonus b { points 1 + bonus() }",
            "check.quantity-cycle",
            "bonus `b` reads `bonus()`, the sum of every bonus, its own included",
        ),
        (
            "deduction d { amount deduction() }",
            "check.quantity-cycle",
            "deduction `d` reads `deduction()`, the sum of every deduction, its own included",
        ),
        (
            "veto v { when vetoed(v) effect no award }",
            "check.quantity-cycle",
            "these veto rules read each other in a circle: v → v",
        ),
        ("veto v { when vetoed() effect no award }", "check.bad-reference", "`vetoed(…)` takes the name of one veto"),
        ("bonus b { points bonus(b, b) }", "check.bad-reference", "`bonus(…)` takes the name of one bonus"),
    ],
)
def test_a_result_read_where_it_cannot_be_is_refused(rules: str, code: str, message: str) -> None:
    found = errors(HEAD + MEASURE + rules + "\n")
    assert [c for c, _, _ in found] == [code], found
    assert message in found[0][2]


def test_rules_are_decided_in_the_order_the_references_give_by_hand() -> None:
    data = [
        {"id": "A", "class": "县", "inputs": {"创新项目": 8}, "indicators": {"增长": {"s": 95}}},
        {
            "id": "B",
            "class": "县",
            "inputs": {"创新项目": 2, "事故": True},
            "indicators": {"增长": {"s": 92}},
            "deductions": {"通报": {"times": 1}},
        },
    ]
    result = policy_of(POLICY).evaluate(data)
    a, b = result.unit("A"), result.unit("B")
    # A: 创新 3, 达标 1, limited to 3.5; 95 + 3.5; money 9500 + 1500
    assert (a.total, a.bonus, a.money, a.commendations) == (Decimal("98.5"), Decimal("3.5"), Decimal(11000), ("先进",))
    # B: 创新 1, 达标 1; 通报 2 and 加重 1; 安全 and 连带 fire, declared order kept in the results
    assert (b.total, b.deductions, b.grade) == (Decimal(91), Decimal(3), "合格")
    assert [v.name for v in b.vetoes] == ["连带", "安全"]
    step = next(s for s in b.explanation if s.what == "veto 连带")
    assert dict(step.inputs) == {"vetoed(安全)": "true", "deduction()": "3"}
    bonus = next(s for s in b.explanation if s.what == "bonus 达标")
    assert dict(bonus.inputs) == {"subtotal()": "92", "bonus(创新)": "1"}


def test_the_kernel_leaves_a_reading_veto_to_the_engine_and_the_plan_orders_it() -> None:
    made = policy_of(POLICY).plan()
    steps = {s.quantity.name: s for c in made.classes if c.unit_class == "县" for s in c.steps}
    assert "veto 连带 reads `vetoed(安全)`, known after the scores" in (steps["veto.连带"].reason or "")
    assert "veto.安全" in steps["veto.连带"].quantity.dependencies
    assert {"bonus.达标", "bonus.创新", "limit.加分合计"} <= set(steps["deduction.加重"].quantity.dependencies)
    assert "category.经济" in steps["bonus.达标"].quantity.dependencies
    order = [s.quantity.name for c in made.classes if c.unit_class == "县" for s in c.steps]
    assert order.index("bonus.创新") < order.index("bonus.达标")
    assert order.index("veto.安全") < order.index("veto.连带")


@pytest.mark.parametrize("seed", range(4))
def test_fast_reference_explained_streamed_and_partitioned_evaluations_agree(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "BATCH", 1)
    policy = policy_of(POLICY)
    data = units(12, seed)
    fast = policy.evaluate(data, explain=False).to_json()["units"]
    with by_reference():
        assert policy.evaluate(data).to_json()["units"] == fast
    on_demand = policy.evaluate(data)
    for unit in on_demand.units:
        assert unit.trace is not None
    assert on_demand.to_json()["units"] == fast
    with policy.stream(iter(data)) as streamed:
        ordered = [unit_json(u) for u in streamed]

    def key(u: dict[str, Any]) -> tuple[str, int]:
        return u["unit_class"], u["rank"]

    assert sorted(ordered, key=key) == sorted(fast, key=key)
    for parts in (1, 3, 12):
        assert [unit_json(u) for u in policy.evaluate_parts(data, parts=parts).results] == ordered


def test_a_changed_reference_is_a_change_an_auditor_sees() -> None:
    old = policy_of(POLICY)
    new = policy_of(POLICY.replace("when vetoed(安全) and", "when not vetoed(安全) and"))
    changes = diff_effective(old.effective, new.effective).changes
    assert [(c.group, c.kind) for c in changes] == [("veto 连带", "changed")]


def test_a_bonus_comparing_subtotals_across_the_class_is_refused_not_a_crash() -> None:
    found = errors(HEAD + MEASURE + "bonus b { points if rank(subtotal(q)) == 1 then 1 else 0 }\n")
    assert [c for c, _, _ in found] == ["check.reference-scope"]
    assert "cannot be compared across the class in bonus `b`" in found[0][2]


KERNEL_VETOES = """policy "p" { year 2023 status draft }
class 县 { 经济 100 }
category 经济 { indicator 增长 points 100 { input s: number  score points * s / 100 } }
input 事故: bool missing default false
veto 安全 { when 事故  effect no award }
veto 环保 { input bad: bool missing default false  when bad  effect cap grade 良好 }
grades { 优秀 >= 90  良好 80 to 90  合格 otherwise }
award 奖 { money if vetoed(环保) then 500 else 1000  eligible when not vetoed(安全) }
commendation 清白 { when not vetoed(环保) and not vetoed(安全) }
"""


def test_awards_read_the_vetoes_the_kernel_decided(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 1)
    policy = policy_of(KERNEL_VETOES)
    steps = {s.quantity.name: s for c in policy.plan().classes for s in c.steps}
    assert steps["veto.安全"].evaluator.value == "kernel" and steps["veto.环保"].evaluator.value == "kernel"
    data = [
        {"id": "A", "class": "县", "indicators": {"增长": {"s": 95}}},
        {"id": "B", "class": "县", "inputs": {"事故": True}, "indicators": {"增长": {"s": 92}}},
        {"id": "C", "class": "县", "indicators": {"增长": {"s": 85}}, "vetoes": {"环保": {"bad": True}}},
    ]
    fast = policy.evaluate(data, explain=False)
    assert [(u.id, u.money, u.commendations) for u in fast.units] == [
        ("A", Decimal(1000), ("清白",)),
        ("B", Decimal(0), ()),
        ("C", Decimal(500), ()),
    ]
    with by_reference():
        assert policy.evaluate(data).to_json() == fast.to_json()
    with policy.stream(iter(data)) as streamed:
        assert [unit_json(u) for u in streamed] == fast.to_json()["units"]


@pytest.mark.parametrize("word", ["score", "subtotal", "bonus", "deduction", "vetoed"])
def test_a_function_named_as_a_reference_is_refused(word: str) -> None:
    found = errors(HEAD + MEASURE + f"function {word}(x) = x * 2\n")
    assert ("check.duplicate-name", 5, f"`{word}(…)` reads a quantity of the unit's result") in found
