"""The generated kernel: what it takes, what it hands back, and that policy text never becomes code."""

import decimal
import keyword
import re

import pytest

import targetdsl
from benchmarks.workload import generate, policy
from targetdsl.evaluation import kernel
from targetdsl.numeric import CONTEXT
from tests.support import reference as by_reference_path

HOSTILE = """policy "p" { year 2003 status draft rounding half_up 2 at indicator, total }
class c { __import__ 100 }
input exec: number missing default 1
const BAIL = 1.2
category __import__ {
    indicator os points 10 {
        input M: number
        input F: number missing na
        let UV = M / F
        score min(UV * BAIL * exec, points)
    }
    indicator 系统 points 5 {
        input 甲: number
        score bands 甲 { >= 10: points, >= 5: 3, otherwise: 0 }
    }
}
grades { good >= 10 other otherwise }
"""

UNITS = [
    {"id": "A", "class": "c", "indicators": {"os": {"M": "8", "F": "4"}, "系统": {"甲": "6"}}},
    {"id": "B", "class": "c", "inputs": {"exec": "2"}, "indicators": {"os": {"M": "3"}, "系统": {"甲": "12"}}},
    {"id": "C", "class": "c", "indicators": {"os": {"M": "1", "F": "3"}, "系统": {"甲": "1"}}},
]

ALLOWED = {
    "score",
    "M",
    "UV",
    "F",
    "I",
    "C",
    "CLASS_PEER",
    "R",
    "ZERO",
    "m",
    "v",
    "r",
    "w",
    "s",
    "values",
    "given",
    "ratings",
    "quantize",
    "rounding",
    "context",
    "__class__",
    "BAIL",
    "MARKER",
    "DECIMAL",
    "MIN",
    "MAX",
    "ABS",
    "INT",
    "CLAMP",
    "NO_BAND",
    "INTERP",
    "CONST",
    "ROUND",
    "FLOOR",
    "CEIL",
    "Y",
    "row_of",
    "ABSENT",
}
NUMBERED = re.compile(r"(?:[cekpdtuilbmrha]|s[epdt])\d+(_\d+)?$")


def kernel_of(text: str) -> kernel.Kernel:
    compiled = targetdsl.parse_policy(text, name="p.tdsl")
    schema = compiled.schema
    built = kernel.build(schema, next(iter(schema.classes.values())), decimal.Decimal(1))
    assert built is not None
    return built


def test_policy_names_never_become_code() -> None:
    built = kernel_of(HOSTILE)
    assert [m.name for m in built.measures] == ["os", "系统"]
    assert "'" not in built.source and '"' not in built.source  # no literal of any kind
    for word in re.findall(r"[^\W\d]\w*", built.source):
        assert keyword.iskeyword(word) or word in ALLOWED or NUMBERED.match(word), word


def test_the_kernel_gives_the_reference_results_including_units_it_hands_back() -> None:
    compiled = targetdsl.parse_policy(HOSTILE, name="p.tdsl")
    fast = compiled.evaluate(UNITS, explain=False)
    assert fast.to_json() == by_reference_path(compiled, UNITS).to_json()
    b = fast.unit("B")  # F is missing: `os` does not apply; the reference path scored B
    assert [m.applicable for m in b.measures] == [False, True]
    assert fast.unit("A").measures[0].earned == decimal.Decimal("2.40")  # 8 / 4 × 1.2 × 1, below the cap


def test_division_by_zero_is_reported_as_the_reference_reports_it() -> None:
    compiled = targetdsl.parse_policy(HOSTILE, name="p.tdsl")
    units = [{"id": "Z", "class": "c", "indicators": {"os": {"M": "1", "F": "0"}, "系统": {"甲": "1"}}}]
    errors = []
    for explain in (True, False):
        try:
            compiled.evaluate(units, explain=explain)
        except targetdsl.EvaluationError as error:
            errors.append(error.problems)
    assert len(errors) == 2 and errors[0] == errors[1]
    assert "division by zero" in errors[0][0].message


def test_every_workload_measure_is_in_the_kernel() -> None:
    built = kernel_of(policy.text())
    assert len(built.measures) == 31
    compiled = targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    units = compiled.load_units(generate.units(50))
    assert compiled.evaluate(units, explain=False).to_json() == by_reference_path(compiled, units).to_json()


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    compiled = targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    units = compiled.load_units(generate.units(20))
    expected = by_reference_path(compiled, units).to_json()
    with decimal.localcontext(decimal.Context(prec=6, rounding=decimal.ROUND_DOWN)):
        assert by_reference_path(compiled, units).to_json() == expected
        assert compiled.evaluate(units, explain=False).to_json() == expected


def test_every_name_has_its_own_local() -> None:
    """A let and the inputs it reads keep apart, whichever is read first and whatever is read after."""
    text = """policy "p" { year 2003 status draft }
class c { k 100 }
category k {
    indicator a points 10 {
        input x: number
        input y: number
        let r = y / x
        let q = r * x + y
        score if r > 1 then r + q + x + y else q - r - x - y
    }
}
"""
    compiled = targetdsl.parse_policy(text, name="p.tdsl")
    units = [
        {"id": str(i), "class": "c", "indicators": {"a": {"x": str(x), "y": str(y)}}}
        for i, (x, y) in enumerate([(2, 3), (5, 1), (4, 4)])
    ]
    fast = compiled.evaluate(units, explain=False)
    assert fast.to_json() == by_reference_path(compiled, units).to_json()
    # x = 2, y = 3: r = 1.5, q = 6, r > 1: r + q + x + y = 12.5
    assert fast.unit("0").measures[0].earned == decimal.Decimal("12.5")


# ---------------------------------------------------------------- expressions generated one by one

ITEMS = """policy "p" { year 2003 status draft }
class c { __import__ 60 FR 40 }
input LOOKUP: number missing na
const ABSENT = 2
category __import__ {
    items v {
        input x_1: number
        input QUANTITY: number missing na
        let u0 = x_1 / QUANTITY
        score if x_1 > 0 then min(points, u0 * ABSENT + LOOKUP) else 0
        completed when x_1 >= QUANTITY
    }
}
category FR {
    indicator 甲 points 40 {
        input a: number
        score min(points, a + score(v) / 10)
    }
}
deduction 扣 { input d: number missing zero  amount d / LOOKUP  when d > 0 }
"""
ITEM_UNITS = [
    {
        "id": "A",
        "class": "c",
        "inputs": {"LOOKUP": "1"},
        "indicators": {
            "v": [{"points": "10", "x_1": "3", "QUANTITY": "2"}, {"points": "10", "x_1": "0", "QUANTITY": "0"}],
            "甲": {"a": "30"},
        },
        "deductions": {"扣": {"d": "1"}},
    },
    {  # LOOKUP missing: the score is not applicable through the unit's input, item by item
        "id": "B",
        "class": "c",
        "indicators": {
            "v": [{"points": "10", "x_1": "1", "QUANTITY": "4"}, {"points": "10", "x_1": "2"}],
            "甲": {"a": "38"},
        },
    },
    {  # QUANTITY 0 with x_1 > 0: a division by zero the reference reports, located
        "id": "C",
        "class": "c",
        "inputs": {"LOOKUP": "1"},
        "indicators": {"v": [{"points": "10", "x_1": "1", "QUANTITY": "0"}], "甲": {"a": "1"}},
    },
]
EXPRESSION_ALLOWED = {"value", "v", "FR", "get", "ABSENT", "LOOKUP", "QUANTITY", "__class__", "MARKER", "BAIL"}
EXPRESSION_NUMBERED = re.compile(r"(?:[cuab]\d+|x_\d+)$")


def generated_sources(compiled: targetdsl.Policy) -> list[str]:
    return [
        e.source
        for value in compiled.schema.compiled.values()
        for e in (
            [value]
            if isinstance(value, kernel.Expression)
            else [value.score_expression, value.completed]
            if hasattr(value, "score_expression")
            else []
        )
        if e is not None
    ]


def test_policy_names_never_become_code_in_a_generated_expression() -> None:
    compiled = targetdsl.parse_policy(ITEMS, name="p.tdsl")
    compiled.evaluate(ITEM_UNITS[:2], explain=False)
    sources = generated_sources(compiled)
    assert len(sources) >= 4  # the items' score and completion, 甲's score, the deduction's amount and `when`
    for source in sources:
        assert "'" not in source and '"' not in source
        for word in re.findall(r"[^\W\d]\w*", source):
            assert keyword.iskeyword(word) or word in EXPRESSION_ALLOWED or EXPRESSION_NUMBERED.match(word), word


def test_generated_expressions_give_the_reference_results_and_errors() -> None:
    compiled = targetdsl.parse_policy(ITEMS, name="p.tdsl")
    fast = compiled.evaluate(ITEM_UNITS[:2], explain=False)
    assert fast.to_json() == by_reference_path(compiled, ITEM_UNITS[:2]).to_json()
    a = fast.unit("A")  # item 1: min(10, 3/2 × 2 + 1) = 4; item 2: x_1 = 0 → 0; 甲: min(40, 30 + 4/10)
    assert [i.earned for i in a.measures[0].items] == [decimal.Decimal(4), decimal.Decimal(0)]
    assert a.measures[1].earned == decimal.Decimal("30.4") and a.deductions == decimal.Decimal(1)
    assert not fast.unit("B").measures[0].applicable  # LOOKUP missing (na) in every item
    errors = []
    for explain in (True, False):
        with pytest.raises(targetdsl.EvaluationError) as caught:
            compiled.evaluate(ITEM_UNITS, explain=explain)
        errors.append(caught.value.problems)
    assert errors[0] == errors[1] and "division by zero" in errors[0][0].message


def test_a_generated_expression_hands_declared_turns_to_the_reference() -> None:
    """The generated function itself bails on a missing value or a trap; the Expression answers by the
    reference interpreter, lazily: an unused let failing changes nothing."""
    from targetdsl.evaluation import interpreter
    from targetdsl.language import nodes as n
    from targetdsl.values import NOT_APPLICABLE

    compiled = targetdsl.parse_policy(ITEMS, name="p.tdsl")
    spec = next(m for m in compiled.schema.classes["c"].measures() if m.name == "v")
    assert spec.score is not None
    made = kernel.expression(spec.lets, spec.score, frozenset([*spec.inputs, "points"]))
    unit = interpreter.Frame({"LOOKUP": decimal.Decimal(1), "ABSENT": decimal.Decimal(2)}, explain=False)
    values = {"x_1": decimal.Decimal(0), "QUANTITY": decimal.Decimal(0), "points": decimal.Decimal(10)}
    with decimal.localcontext(targetdsl.numeric.CONTEXT):
        with pytest.raises(interpreter.ARITHMETIC_ERRORS):  # the let, computed first, divides 0 by 0...
            made.function(values, unit)
        assert made(values, unit) == 0  # ...but the score never reads it when x_1 is 0
        with pytest.raises(kernel.Bail):
            made.function({**values, "QUANTITY": NOT_APPLICABLE}, unit)
        with pytest.raises(interpreter.NotApplicable):  # the reference's own answer: not applicable
            made({"x_1": decimal.Decimal(1), "QUANTITY": NOT_APPLICABLE, "points": decimal.Decimal(10)}, unit)
        with pytest.raises(kernel.Unsupported, match="class-wide function efficacy"):
            kernel.expression({}, n.Call("efficacy", (n.Name("x_1"),)), frozenset({"x_1"}))


COMPARING = """policy "p" { year 2003 status draft }
class c { k 100 }
category k {
    indicator a points 10 {
        input target: number
        input actual: number
        let rate = actual / target
        score points * efficacy(rate) / 100
    }
    indicator b points 10 {
        input x: number missing na
        score if rank(x) * 2 <= peer_count() then points else points / 2
    }
    indicator c points 10 {
        input y: number missing na
        score y
    }
}
grades { A >= 15 B otherwise }
"""


def comparing_units(count: int) -> list[dict[str, object]]:
    """Units of one class, every third without `y` (the kernel hands those back: `c` is not applicable)
    and every fifth without `x` (no value of `rank(x)`'s argument: the class's values skip it)."""
    units: list[dict[str, object]] = []
    for i in range(count):
        indicators: dict[str, object] = {"a": {"target": str(50 + i % 7), "actual": str(40 + (i * 13) % 29)}}
        indicators["b"] = {"x": str((i * 7) % 11)} if i % 5 else {}
        indicators["c"] = {"y": str(i % 9)} if i % 3 else {}
        units.append({"id": f"U{i:03d}", "class": "c", "indicators": indicators})
    return units


def test_a_comparing_measure_in_the_kernel_reads_the_whole_class() -> None:
    """The class kernel scores `efficacy` and `rank` with the class's values of their arguments; a unit
    it hands back is scored by the reference path against the whole class too, not against the other
    units handed back: every path gives the reference's results."""
    compiled = targetdsl.parse_policy(COMPARING, name="p.tdsl")
    built = kernel_of(COMPARING)
    assert [m.name for m in built.measures] == ["a", "b", "c"]
    assert [(m.name, type(a).__name__) for m, a in built.arguments] == [("a", "Name"), ("b", "Name"), ("b", "Number")]
    units = comparing_units(40)
    loaded = compiled.load_units(units)
    with decimal.localcontext(CONTEXT):  # the policy's context, which the engine makes current
        rates = built.column(loaded, {}, 0)  # every unit has a rate: the kernel computes them all
        assert built.column(loaded, {}, 1) is None  # some units have no x: the reference reads it, skips them
    given = [u["indicators"]["a"] for u in units]  # type: ignore[index]
    assert rates == [CONTEXT.divide(decimal.Decimal(a["actual"]), decimal.Decimal(a["target"])) for a in given]
    expected = by_reference_path(compiled, units)
    fast = compiled.evaluate(units, explain=False)
    assert fast.to_json() == expected.to_json()
    handed_back = fast.unit("U000")  # no `y`: scored by the reference path, efficacy over all 40 units
    assert handed_back.measures[0].earned == expected.unit("U000").measures[0].earned
    wanted = [unit.json_value(explanations=False) for unit in expected.units]
    with compiled.stream(units) as streamed:
        assert [unit.json_value(explanations=False) for unit in streamed] == wanted
    parted = compiled.evaluate_parts(units, parts=3)
    assert [unit.json_value(explanations=False) for unit in parted.results] == wanted
