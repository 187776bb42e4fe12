"""Generated expressions (`kernel.expression`) against the reference interpreter, on inputs chosen to
make them part: lets failing where the reference never reads them, missing values, shadowed names,
`score(M)` of a measure that does not apply, bands, interpolation, dates, booleans, rules, data
constraints, the caller's decimal context, very large and very small numbers, deep expansions of
user-defined functions. Each test evaluates without an explanation (the generated code) and by the
reference path alone, and asserts the same results or the same problems; each also asserts that the
generated code was built, so that it is the generated path being compared."""

import decimal
import json
from decimal import Decimal
from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation import interpreter, kernel
from targetdsl.evaluation.measures import FastMeasure
from targetdsl.language import nodes as n
from targetdsl.numeric import CONTEXT
from tests.support import reference

HEAD = 'policy "p" { year 2003 status draft }\n'


def outcome(run: Any) -> tuple[str, Any]:
    """What an evaluation gave: its results as JSON, or the problems it was refused with."""
    try:
        return "ok", json.dumps(run().to_json(), sort_keys=True, default=str)
    except targetdsl.EvaluationError as caught:
        return "evaluation", [str(p) for p in caught.problems]
    except targetdsl.DataError as caught:
        return "data", [str(p) for p in caught.problems]


def generated(policy: targetdsl.Policy) -> int:
    """How many generated expressions (rule expressions, generated measures) the evaluation built."""
    return sum(
        isinstance(value, kernel.Expression) or isinstance(value, FastMeasure)
        for value in policy.schema.compiled.values()
    )


def same(text: str, units: list[dict[str, Any]], *, context: decimal.Context | None = None) -> tuple[str, Any]:
    """`text` evaluated without an explanation (in `context`, when given) and by the reference path: the
    same results, or the same problems; the generated code was built. Returns the outcome."""
    fast_policy = targetdsl.parse_policy(HEAD + text, name="p.tdsl")

    def fast() -> targetdsl.Assessment:
        if context is None:
            return fast_policy.evaluate(units, explain=False)
        with decimal.localcontext(context):
            return fast_policy.evaluate(units, explain=False)

    got = outcome(fast)
    assert generated(fast_policy) >= 1, "the generated path was not taken"
    expected = outcome(lambda: reference(targetdsl.parse_policy(HEAD + text, name="p.tdsl"), units))
    assert got == expected
    return got


def unit(uid: str, **fields: Any) -> dict[str, Any]:
    return {"id": uid, "class": "c", **fields}


# ---------------------------------------------------------------- lets the reference never reads


def test_items_a_let_failing_only_where_the_score_does_not_read_it() -> None:
    text = """class c { k 100 }
category k {
    items v {
        input a: number
        input b: number
        let r = a / b
        score if b == 0 then points else min(points, r)
        completed when b == 0 or r >= 1
    }
}
"""
    got = same(
        text, [unit("A", indicators={"v": [{"points": "3", "a": "1", "b": "0"}, {"points": "5", "a": "4", "b": "2"}]})]
    )
    assert got[0] == "ok"
    # b == 0 in every item: the score never reads the failing let, the completion never either
    got = same(
        text,
        [
            unit("A", indicators={"v": [{"a": "1", "b": "0"}, {"a": "0", "b": "0"}]}),
            unit("B", indicators={"v": [{"a": "1", "b": "1"}]}),
        ],
    )
    assert got[0] == "ok"


def test_items_a_failing_let_read_by_completion_only() -> None:
    text = """class c { k 100 }
category k {
    items v {
        input a: number
        input b: number
        let r = a / b
        score min(points, a)
        completed when r >= 1
    }
}
"""
    got = same(text, [unit("A", indicators={"v": [{"a": "1", "b": "1"}, {"a": "1", "b": "0"}]})])
    assert got[0] == "evaluation" and "division by zero" in got[1][0]


def test_a_let_reading_a_missing_na_input_in_a_branch_not_taken() -> None:
    text = """class c { k 100 }
input u: number missing na
category k {
    items v {
        input a: number
        input w: number missing na
        let s = w * 2 + u
        score if a > 0 then min(points, a) else min(points, s)
        completed when a > 0 or s > 1
    }
}
"""
    units = [
        unit("A", indicators={"v": [{"a": "1"}, {"a": "0", "w": "0.2"}, {"a": "0"}]}, inputs={"u": "0.5"}),
        unit("B", indicators={"v": [{"a": "1"}, {"a": "0", "w": "0.2"}]}),
    ]
    same(text, units)


def test_a_measure_reading_a_missing_peer_avg_input_through_a_let() -> None:
    text = """class c { k 100 }
category k {
    indicator m points 10 { input a: number score min(points, a) }
    indicator r points 10 {
        input x: number missing peer_avg
        input on: bool
        let y = x * 2
        score if on then min(points, y + score(m) / 10) else score(m) / 2
    }
}
"""
    units = [
        unit("A", indicators={"m": {"a": "4"}, "r": {"x": "1", "on": True}}),
        unit("B", indicators={"m": {"a": "6"}, "r": {"on": True}}),
        unit("C", indicators={"m": {"a": "8"}, "r": {"on": False}}),
    ]
    same(text, units)


# ---------------------------------------------------------------- score(M)


def test_score_of_a_measure_that_does_not_apply() -> None:
    text = """class c { k 100 }
category k {
    indicator m points 10 { input a: number missing na  score min(points, a) }
    indicator r points 10 {
        input flag: bool
        let s = score(m)
        score if flag then s else 5
        completed when not flag or s >= 5
    }
}
"""
    units = [
        unit("A", indicators={"m": {}, "r": {"flag": False}}),
        unit("B", indicators={"m": {}, "r": {"flag": True}}),
        unit("C", indicators={"m": {"a": "7"}, "r": {"flag": True}}),
    ]
    same(text, units)


def test_rules_reading_score_of_a_measure_that_does_not_apply() -> None:
    text = """class c { k 100 }
input h: bool missing default false
category k {
    indicator m points 50 { input a: number missing na  score min(points, a) }
    indicator o points 50 { input a: number  score min(points, a) }
}
deduction d { let s = score(m) amount if h then s / 10 else 1 }
veto v { when h and score(m) > 10  effect zero score }
"""
    units = [
        unit("A", indicators={"m": {}, "o": {"a": "30"}}),
        unit("B", indicators={"m": {"a": "20"}, "o": {"a": "30"}}, inputs={"h": True}),
    ]
    same(text, units)
    units.append(unit("C", indicators={"m": {}, "o": {"a": "30"}}, inputs={"h": True}))
    got = same(text, units)
    assert got[0] == "evaluation"


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ("bonus b { points max(0, score(m)) cap 5 }", "bonus `b`"),
        ("deduction d { when score(m) > 1 amount 1 }", "deduction `d`"),
        ("award w { money 10 * score(m) }", "award `w`"),
    ],
)
def test_a_computed_bonus_a_gated_deduction_and_money_reading_a_measure_that_does_not_apply(
    rule: str, named: str
) -> None:
    """Explained or not, the rule cannot be decided: an error for the unit naming the rule (it was an
    internal error where the explaining path read the score without the rule's guard)."""
    text = f"""class c {{ k 100 }}
category k {{
    indicator m points 50 {{ input a: number missing na  score min(points, a) }}
    indicator o points 50 {{ input a: number  score min(points, a) }}
}}
grades {{ good >= 50  poor < 50 }}
{rule}
"""
    got = same(text, [unit("A", indicators={"m": {}, "o": {"a": "30"}})])
    assert got[0] == "evaluation"
    assert f"`score(m)` does not apply to this unit, so {named} cannot be decided" in str(got[1])
    policy = targetdsl.parse_policy(HEAD + text, name="p.tdsl")
    with pytest.raises(targetdsl.EvaluationError, match="cannot be decided"):
        [u.explanation for u in policy.evaluate([unit("A", indicators={"m": {}, "o": {"a": "30"}})]).units]


# ---------------------------------------------------------------- names


def test_inputs_shadowing_constants_and_unit_inputs() -> None:
    """A measure's or a rule's input named like a constant or a unit input is the input; a constant
    reading a unit input of that name still reads the unit's (constants are the unit's)."""
    text = """class c { k 100 }
input a: number missing default 100
input g: number missing default 7
const K = 3
const L = K * g
category k {
    items v {
        input K: number
        let m = K + 1
        score min(points, K * m / L + a / 1000)
    }
    indicator w points 5 {
        input a: number
        score min(points, a + score(v) + L / 100)
    }
}
deduction d { input K: number missing zero  input g: number missing zero  let h = K / 2  amount h + g / 100 + L / 100 }
coefficient co { input g: number missing default 1  factor g * L / 21 on total }
"""
    units = [
        unit(
            "A",
            inputs={"g": "2"},
            indicators={"v": [{"K": "2"}, {"K": "0.5", "points": "2"}], "w": {"a": "1"}},
            deductions={"d": {"K": "3", "g": "5"}},
            coefficients={"co": {"g": "1.05"}},
        ),
        unit("B", indicators={"v": [{"K": "1"}], "w": {"a": "2"}}),
    ]
    same(text, units)


def test_names_like_the_generated_codes_own() -> None:
    text = """class c { k 100 }
input FR: number missing default 2
const v = 3
const ABSENT = 1
category k {
    items x_1 {
        input v: number
        input BAIL: number missing na
        input c1: number missing zero
        let a1 = v * ABSENT + c1
        let b1 = min(a1, FR)
        score min(points, if BAIL > 0 then b1 else a1)
    }
}
deduction MARKER { input LOOKUP: number missing zero  let u0 = LOOKUP / FR  amount min(u0, v) }
"""
    units = [
        unit(
            "A",
            indicators={"x_1": [{"v": "0.5", "BAIL": "1"}, {"v": "4", "c1": "1"}]},
            deductions={"MARKER": {"LOOKUP": "3"}},
        ),
        unit("B", inputs={"FR": "0.25"}, indicators={"x_1": [{"v": "0.5", "BAIL": "0"}]}),
    ]
    same(text, units)


def test_per_item_points_and_points_in_lets() -> None:
    text = """class c { k 100 }
category k {
    items v {
        input a: number
        let half = points / 2
        score bands a { >= 10: points, >= 5: half, otherwise: 0 }
        tally (if a >= 10 then 1 else 0) of 1
    }
}
"""
    units = [unit("A", indicators={"v": [{"a": "12", "points": "3"}, {"a": "6", "points": "0.5"}, {"a": "1"}]})]
    same(text, units)


# ---------------------------------------------------------------- expressions


def test_bands_interpolate_unary_minus_and_not() -> None:
    text = """class c { k 100 }
category k {
    items v {
        input a: percent
        input ok: bool
        let shifted = -(a - 50%)
        let step = bands shifted { > 0pp: -1, == 0pp: 0, otherwise: 1 }
        score clamp(interpolate a { 0%: 0, 50%: points / 3, 100%: points } + step, 0, points)
        completed when not ok and not (a < 60%)
    }
}
"""
    units = [
        unit(
            "A",
            indicators={
                "v": [
                    {"a": "-5", "ok": False},
                    {"a": "50", "ok": False},
                    {"a": "66.6666666666666666666666666666667", "ok": False},
                    {"a": "130", "ok": True},
                ]
            },
        )
    ]
    same(text, units)


def test_bands_of_more_arms_than_are_written_inline() -> None:
    arms = ", ".join(f">= {100 - i}: min(points, {i} / 7 + b)" for i in range(80))
    text = f"""class c {{ k 100 }}
category k {{
    items v {{
        input a: number
        input b: number
        let q = a / b
        score bands a {{ {arms}, otherwise: q }}
    }}
}}
"""
    units = [
        unit("A", indicators={"v": [{"a": "99.5", "b": "0.1"}, {"a": "40", "b": "0"}, {"a": "5", "b": "1000"}]}),
    ]
    got = same(text, units)
    assert got[0] == "ok"
    got = same(text, [unit("A", indicators={"v": [{"a": "5", "b": "0"}]})])
    assert got[0] == "evaluation" and "division by zero" in got[1][0]


def test_dates_compared_and_booleans_compared() -> None:
    text = """class c { k 100 }
input due: date missing default 2003-06-30
category k {
    items v {
        input done: date
        input late: bool missing default false
        score if done <= due and late == false then points else if done == 2003-12-31 then points / 2 else 0
        completed when (done < 2003-07-01) != late
    }
}
"""
    units = [
        unit(
            "A",
            indicators={"v": [{"done": "2003-06-30"}, {"done": "2003-12-31", "late": True}, {"done": "2003-07-01"}]},
        ),
        unit("B", inputs={"due": "2003-12-31"}, indicators={"v": [{"done": "2003-12-31"}]}),
    ]
    same(text, units)


def test_user_defined_functions_in_items_and_rules() -> None:
    text = """function share(x, y) = if y == 0 then 0 else x / y
function capped(x, top) = min(max(x, 0), top)
class c { k 100 }
category k {
    items v { input a: number input b: number  score capped(points * share(a, b), points) }
}
deduction d { input x: number missing zero input y: number missing zero  amount capped(share(x, y), 3) }
"""
    units = [
        unit(
            "A",
            indicators={"v": [{"a": "1", "b": "3"}, {"a": "1", "b": "0"}, {"a": "-1", "b": "3"}]},
            deductions={"d": {"x": "10", "y": "3"}},
        ),
        unit("B", indicators={"v": [{"a": "7", "b": "3"}]}, deductions={"d": {"x": "1", "y": "0"}}),
    ]
    same(text, units)


# ---------------------------------------------------------------- rules


RULES = """class c { k 100 }
input g: number missing zero
input p: number missing zero
input h: bool missing default false
const K = 3
category k { indicator m points 100 { input a: number  score min(points, a) } }
deduction d { input x: number missing zero  let y = 10 / x  amount if x > 0 then y else 0  when x >= 0 cap 5 }
deduction e { input z: number missing zero  let w = 1 / z  amount w }
coefficient co { input f: number missing default 1  factor f * K / 3 on total }
bonus b { let q = score(m) / p  points if p > 0 then q else 0  when g >= 0 and h == h cap 4 }
veto v { when h and score(m) > 50  effect zero score }
"""


def test_deductions_coefficients_computed_bonuses_and_vetoes() -> None:
    units = [
        unit(
            "A",
            inputs={"g": 1, "p": 30, "h": True},
            indicators={"m": {"a": 60}},
            deductions={"d": {"x": 0}, "e": {"z": "8"}},
            coefficients={"co": {"f": "1.1"}},
        ),
        unit("B", indicators={"m": {"a": 40}}, deductions={"d": {"x": 4}, "e": {"z": "3"}}),
        unit(
            "C",
            inputs={"g": "-1", "p": "7"},
            indicators={"m": {"a": "33.3"}},
            deductions={"d": {"x": "0.3"}, "e": {"z": "0.0001"}},
        ),
    ]
    assert same(RULES, units)[0] == "ok"


def test_rule_errors_are_the_references() -> None:
    units = [
        unit("A", inputs={"p": 30}, indicators={"m": {"a": 60}}, deductions={"e": {"z": "0"}}),
        unit(
            "B",
            inputs={"g": "-1"},
            indicators={"m": {"a": 60}},
            deductions={"d": {"x": "0"}, "e": {"z": "1"}},
            coefficients={"co": {"f": "0"}},
        ),
    ]
    got = same(RULES, units)
    assert got[0] == "evaluation" and "division by zero" in got[1][0]


def test_a_gated_deduction_whose_amount_fails_only_when_the_gate_holds() -> None:
    text = """class c { k 100 }
category k { indicator m points 100 { input a: number  score min(points, a) } }
deduction d { input x: number missing zero  input y: number missing zero  amount x / y  when y != 0 }
"""
    units = [
        unit("A", indicators={"m": {"a": 60}}, deductions={"d": {"x": 3, "y": 0}}),
        unit("B", indicators={"m": {"a": 60}}, deductions={"d": {"x": 3, "y": "1.5"}}),
    ]
    assert same(text, units)[0] == "ok"


# ---------------------------------------------------------------- numbers and the caller's context


SIZES = """class c { k 100 }
const tiny = 0.000000000000001
category k {
    items v {
        input a: number
        input b: number
        score min(points, a * b / 1000000000000000 + tiny * a + 1 / 3)
    }
}
deduction d { input x: number missing zero  amount x / 3 * tiny * 1000000000000000 }
"""


@pytest.mark.parametrize(
    "context", [None, decimal.Context(prec=6), decimal.Context(prec=6, rounding=decimal.ROUND_FLOOR, traps=[])]
)
def test_very_large_and_very_small_numbers_whatever_the_callers_context(context: decimal.Context | None) -> None:
    units = [
        unit(
            "A",
            indicators={"v": [{"a": "1E+15", "b": "0.000000000000001"}, {"a": "0.000000000000001", "b": "1E+15"}]},
            deductions={"d": {"x": "1"}},
        ),
        unit(
            "B", indicators={"v": [{"a": "999999999999999.9", "b": "0.9999999999999999"}]}, deductions={"d": {"x": "2"}}
        ),
    ]
    fast = same(SIZES, units, context=context)
    assert fast == same(SIZES, units)  # and the caller's context changes nothing


def test_a_division_by_zero_in_the_callers_context_without_traps() -> None:
    text = """class c { k 100 }
category k { items v { input a: number input b: number  score min(points, a / b) } }
"""
    context = decimal.Context(prec=6, traps=[])
    got = same(text, [unit("A", indicators={"v": [{"a": "1", "b": "0"}]})], context=context)
    assert got[0] == "evaluation" and "division by zero" in got[1][0]


# ---------------------------------------------------------------- data constraints


CONSTRAINED = """class c { k 100 }
category k {
    indicator m points 10 {
        input a: percent
        input b: number
        input d: number
        require a <= 12.34567890123456789012345678901%
        require b / d >= 0.5
        score min(points, b)
    }
}
"""


def constraint_verdicts(policy: targetdsl.Policy, values: dict[str, Decimal]) -> list[Any]:
    """Each `require` of measure m decided by the reference interpreter, in the policy's context."""
    spec = next(iter(policy.schema.classes["c"].measures()))
    verdicts: list[Any] = []
    with decimal.localcontext(CONTEXT):
        for require in spec.node.body:
            if isinstance(require, n.Require):
                try:
                    verdicts.append(interpreter.evaluate(require.expr, interpreter.Frame(dict(values), explain=False)))
                except interpreter.Failure as failure:
                    verdicts.append(failure.message)
    return verdicts


@pytest.mark.parametrize("context", [None, decimal.Context(prec=6)])
@pytest.mark.parametrize(
    ("a", "b", "d"),
    [
        ("12.3456789012345678901234567890", "1", "2"),
        ("12.345678901234567890123456789011", "1", "2"),
        ("1", "1", "0"),
        ("1", "1", "3"),
    ],
)
def test_constraints_decide_as_the_interpreter(context: decimal.Context | None, a: str, b: str, d: str) -> None:
    policy = targetdsl.parse_policy(HEAD + CONSTRAINED, name="p.tdsl")
    data = [unit("A", indicators={"m": {"a": a, "b": b, "d": d}})]
    with decimal.localcontext(context or decimal.getcontext()):
        try:
            policy.load_units(data)
            refused: list[str] = []
        except targetdsl.DataError as caught:
            refused = [str(p) for p in caught.problems]
    values = {"a": CONTEXT.divide(Decimal(a), 100), "b": Decimal(b), "d": Decimal(d)}
    verdicts = constraint_verdicts(policy, values)
    expected_refusals = [v for v in verdicts if v is not True]
    assert len(refused) == len(expected_refusals), (refused, verdicts)
    for verdict, problem in zip([v for v in verdicts if v is not True], refused, strict=True):
        if isinstance(verdict, str):  # the reference's failure is what the problem says
            assert verdict in problem


# ---------------------------------------------------------------- user-defined functions expanded deeply


def nested(inner: str, levels: int) -> str:
    for _ in range(levels):
        inner = f"min({inner}, 100)"
    return inner


DEEP = f"function f(x) = {nested('x', 55)}\n"


def test_items_calling_a_deeply_nested_function() -> None:
    """A body 56 levels deep inside a score 56 levels deep: within what the checker accepts (128 once
    expanded); the reference evaluates it."""
    text = (
        DEEP
        + f"""class c {{ k 100 }}
category k {{ items v {{ input a: number  score {nested("f(a)", 55)} }} }}
"""
    )
    policy = targetdsl.parse_policy(HEAD + text, name="p.tdsl")
    units = [unit("A", indicators={"v": [{"points": "3", "a": "1"}]})]
    expected = reference(targetdsl.parse_policy(HEAD + text, name="p.tdsl"), units).to_json()
    assert policy.evaluate(units, explain=False).to_json() == expected


def test_a_deduction_calling_a_deeply_nested_function() -> None:
    text = (
        DEEP
        + f"""class c {{ k 100 }}
category k {{ indicator m points 100 {{ input a: number  score min(points, a) }} }}
deduction d {{ input x: number missing zero  amount {nested("f(x)", 55)} }}
"""
    )
    policy = targetdsl.parse_policy(HEAD + text, name="p.tdsl")
    units = [unit("A", indicators={"m": {"a": 50}}, deductions={"d": {"x": 1}})]
    expected = reference(targetdsl.parse_policy(HEAD + text, name="p.tdsl"), units).to_json()
    assert policy.evaluate(units, explain=False).to_json() == expected


def test_a_constraint_calling_a_deeply_nested_function() -> None:
    text = (
        DEEP
        + f"""class c {{ k 100 }}
category k {{ indicator m points 100 {{ input a: number  require {nested("f(a)", 55)} >= 0  score min(points, a) }} }}
"""
    )
    policy = targetdsl.parse_policy(HEAD + text, name="p.tdsl")
    assert policy.load_units([unit("A", indicators={"m": {"a": 50}})])
    with pytest.raises(targetdsl.DataError, match="do not meet"):
        policy.load_units([unit("A", indicators={"m": {"a": -1}})])


def test_builtins_and_a_progress_period_with_prorated_items() -> None:
    text = """class c { k 100 }
category k {
    items v {
        input target: number prorated unless level
        input actual: number
        input level: bool missing default false
        let rate = actual / target
        score clamp(round(points * rate, 2) + floor(rate) - ceil(rate) + abs(-rate) - abs(rate), 0, points * 1.2)
        completed when rate >= 100%
    }
}
"""
    units = [
        unit(
            "A",
            indicators={
                "v": [
                    {"target": "7", "actual": "3"},
                    {"target": "3", "actual": "2.5", "level": True},
                    {"target": "0.3", "actual": "1"},
                ]
            },
        ),
        unit("B", indicators={"v": [{"target": "12", "actual": "1"}]}),
    ]
    for period in (None, "Q1", "H1"):
        policy = targetdsl.parse_policy(HEAD + text, name="p.tdsl")
        fast = outcome(lambda: policy.evaluate(units, explain=False, period=period))  # noqa: B023
        assert generated(policy) >= 1
        expected = outcome(lambda: reference(targetdsl.parse_policy(HEAD + text, name="p.tdsl"), units, period=period))  # noqa: B023
        assert fast == expected


def test_an_indicator_calling_a_deeply_nested_function_leaves_the_class_kernel_visibly() -> None:
    """The class kernel declines it when it is built, with the reason the plan shows; the measure is
    scored by the reference path, with the reference's result."""
    text = (
        DEEP
        + f"""class c {{ k 100 }}
category k {{ indicator m points 100 {{ input a: number  score {nested("f(a)", 55)} }} }}
"""
    )
    policy = targetdsl.parse_policy(HEAD + text, name="p.tdsl")
    units = [unit("A", indicators={"m": {"a": "1"}})]
    expected = reference(targetdsl.parse_policy(HEAD + text, name="p.tdsl"), units).to_json()
    assert policy.evaluate(units, explain=False).to_json() == expected
    steps = {s.quantity.name: s for s in policy.plan().classes[0].steps}
    assert "levels deep once generated" in (steps["k.m.score"].reason or "")
