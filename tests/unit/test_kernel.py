"""The generated kernel: what it takes, what it hands back, and that policy text never becomes code."""

import decimal
import keyword
import re

import targetdsl
from benchmarks.workload import generate, policy
from targetdsl import kernel
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
