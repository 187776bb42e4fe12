"""Bounded work and clean errors for hostile or merely extreme policies: class-wide functions cost
N log N over a class, not N²; chains of lets and constants are refused beyond a documented depth and
everything accepted evaluates, explains, formats and diffs; numbers beyond the decimal context end in
a located error, never a traceback. See docs/security.md."""

from __future__ import annotations

import inspect
import math
import random
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

import targetdsl
from targetdsl import interpreter
from targetdsl import nodes as n
from targetdsl.formatter import format_policy
from targetdsl.interpreter import ClassValues
from targetdsl.numeric import CONTEXT

PEERS = """policy "p" { year 2003 status draft }
class a { 定量 100 }
class b { 定量 100 }
category 定量 {
  indicator r points 10 { input x: number  score bands rank(x) { <= 3: 10, <= 10: 5, otherwise: 1 } }
  indicator ra points 10 { input x: number  score bands rank_asc(x) { <= 3: 10, otherwise: 1 } }
  indicator e points 10 { input x: number  score points * efficacy(x) / 100 }
  indicator m points 10 { input x: number missing peer_avg  score points * min(x / peer_avg(x), 1.2) }
  indicator c points 10 { input x: number  score points * (peer_max(x) - peer_min(x)) / (peer_max(x) + 1) }
}
"""


def peer_units(count: int, seed: int = 1) -> list[dict[str, Any]]:
    draw = random.Random(seed)
    units = []
    for i in range(count):
        x = str(draw.choice([draw.randint(1, 40), "7.0", "7.00", "7"]))  # ties, also between 7 and 7.00
        units.append({"id": f"U{i:04d}", "class": "ab"[i % 2],
                      "indicators": {k: {"x": x} for k in ("r", "ra", "e", "m", "c")}})
    return units


@pytest.mark.parametrize("explain", [True, False])
def test_class_statistics_are_computed_once_per_expression_and_class(monkeypatch: pytest.MonkeyPatch,
                                                                     explain: bool) -> None:
    built: list[int] = []
    original = ClassValues.of

    def counted(values: list[Decimal]) -> ClassValues:
        built.append(len(values))
        return original(values)

    monkeypatch.setattr(ClassValues, "of", staticmethod(counted))
    policy = targetdsl.parse_policy(PEERS)
    policy.evaluate(peer_units(120), explain=explain)
    # per class: rank(x), rank_asc(x), efficacy(x), peer_avg(x), and peer_max(x), peer_min(x) twice and once
    # in `c` — each distinct call site once, never once per unit
    assert len(built) == 2 * 7
    assert set(built) == {60}


class _Counted(tuple):  # type: ignore[type-arg]
    """A tuple that counts how often its items are read."""

    reads = 0

    def __getitem__(self, index: Any) -> Any:
        _Counted.reads += 1
        return tuple.__getitem__(self, index)

    def __iter__(self) -> Iterator[Any]:
        _Counted.reads += len(self)
        return tuple.__iter__(self)


def test_each_unit_reads_its_class_logarithmically(monkeypatch: pytest.MonkeyPatch) -> None:
    """rank and rank_asc bisect the sorted values; min, max and mean are read, not recomputed per unit.
    A quadratic implementation reads N values per unit (16,384 here); bisection about log₂ N."""
    original = ClassValues.of

    def counting(values: list[Decimal]) -> ClassValues:
        made = original(values)
        return ClassValues(made.count, _Counted(made.ordered), made.mean, made.low, made.high)

    monkeypatch.setattr(ClassValues, "of", staticmethod(counting))
    _Counted.reads = 0
    units = peer_units(256)
    for unit in units:
        unit["class"] = "a"
    targetdsl.parse_policy(PEERS).evaluate(units, explain=False)
    per_unit = _Counted.reads / len(units)
    assert 0 < per_unit <= 2 * (math.log2(len(units)) + 2)


def naive(name: str, own: Decimal, values: list[Decimal]) -> Decimal:
    """The definitions in docs/language.md, computed the slow way over the whole class."""
    low, high = min(values), max(values)
    if name == "rank":
        return Decimal(1 + sum(1 for v in values if v > own))
    if name == "rank_asc":
        return Decimal(1 + sum(1 for v in values if v < own))
    if name == "peer_avg":
        return CONTEXT.divide(sum(values, Decimal(0)), Decimal(len(values)))
    if name == "peer_min":
        return low
    if name == "peer_max":
        return high
    if high == low:
        return Decimal(100)
    if name == "efficacy":
        return 60 + CONTEXT.divide(40 * (own - low), high - low)
    return 60 + CONTEXT.divide(40 * (high - own), high - low)


@pytest.mark.parametrize("seed", range(20))
def test_class_statistics_equal_their_definitions_with_ties(seed: int) -> None:
    draw = random.Random(seed)
    pool = [Decimal("7"), Decimal("7.0"), Decimal("7.000"), Decimal("-0"), Decimal("0"),
            Decimal("1E+2"), Decimal("100.00"), Decimal("0.1234567890123456789012345678901234")]
    values = [draw.choice(pool) if draw.random() < 0.5 else Decimal(draw.randint(-50, 50)) / 7
              for _ in range(draw.randint(1, 40))]
    for name in ("rank", "rank_asc", "peer_avg", "peer_min", "peer_max", "efficacy", "efficacy_reverse"):
        call = n.Call(name, (n.Name("x"),))
        stats = ClassValues.of(values)
        for own in values:
            frame = interpreter.Frame({"x": own}, peers=lambda expr, s=stats: s, explain=False)
            got = interpreter.evaluate(call, frame)
            want = naive(name, own, values)
            assert got == want and str(got) == str(want), (name, own, values)


def test_peer_count_is_one_statistic_per_class(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    original = ClassValues.of
    monkeypatch.setattr(ClassValues, "of", staticmethod(lambda values: built.append(1) or original(values)))
    policy = targetdsl.parse_policy("""policy "p" { year 2003 status draft }
class a { 定量 100 }
category 定量 { indicator k points 10 { input x: number  score min(points, peer_count() + x * 0) } }
""")
    units = [{"id": f"U{i}", "class": "a", "indicators": {"k": {"x": "1"}}} for i in range(50)]
    assessment = policy.evaluate(units)
    assert {u.total for u in assessment.units} == {Decimal(100)}
    assert len(built) == 1


# -- chains of lets and constants

STEPS = {  # one step of a chain: how each let uses the one before
    "add": "{} + 1", "max": "max({}, 0)", "neg": "-{}", "abs": "abs({})", "round": "round({}, 2)",
    "clamp": "clamp({}, 0, 1)", "if": "if x > 0 then {} else 0", "bands": "bands {} {{ >= 1: 1, otherwise: 0 }}",
    "interpolate": "interpolate {} {{ 0: 0, 1: 1 }}", "rank": "{} + 1",
}


def chain_policy(shape: str, length: int) -> str:
    """A policy whose score is computed through `length` lets (or constants), each built on the last."""
    head = 'policy "p" { year 2003 status draft }\n'
    if shape == "const":
        consts = "".join(f"const k{i} = " + (f"k{i - 1} + 1" if i else "1") + "\n" for i in range(length))
        return (head + consts + "class c { 定量 100 }\ncategory 定量 {\n  indicator g points 10 {\n"
                f"    input x: number\n    score min(points, x * k{length - 1})\n  }}\n}}\n")
    if shape == "reversed":  # declared last-first: the checker meets each let before the ones it uses
        lets = "".join(f"    let v{i} = " + (f"max(v{i + 1}, 0)" if i < length - 1 else "x") + "\n"
                       for i in range(length))
        score = "v0"
    elif shape == "formula":  # a formula nested as deep as the grammar allows, then a chain after it
        deep = "max(" * 62 + "x" + ", 0)" * 62
        lets = f"    let v0 = {deep}\n" + "".join(f"    let v{i} = max(v{i - 1}, 0)\n" for i in range(1, length))
        score = f"v{length - 1}"
    else:
        step = STEPS[shape]
        lets = "".join(f"    let v{i} = " + (step.format(f"v{i - 1}") if i else "x") + "\n" for i in range(length))
        score = f"bands rank(v{length - 1}) {{ <= 1: points, otherwise: 0 }}" if shape == "rank" else f"v{length - 1}"
    veto = ""
    if shape == "add":  # the same chain in a rule's own lets
        rule_lets = "".join(f"    let w{i} = " + (f"w{i - 1} + 1" if i else "bad") + "\n" for i in range(length))
        veto = (f"veto v {{\n    input bad: number missing default 0\n{rule_lets}    when w{length - 1} < 0\n"
                "    effect zero score\n}\n")
    return (head + "class c { 定量 100 }\ncategory 定量 {\n  indicator g points 10 {\n    input x: number\n"
            f"{lets}    score min(points, {score})\n  }}\n}}\n{veto}")


def codes(text: str) -> list[str]:
    return [d.code for d in targetdsl.check_text(text).diagnostics if d.severity.value == "error"]


def longest_accepted(shape: str) -> int:
    low, high = 1, 200  # low is accepted, high is refused
    while high - low > 1:
        middle = (low + high) // 2
        if codes(chain_policy(shape, middle)):
            high = middle
        else:
            low = middle
    return low


def within_frames(limit: int, action: Callable[[], object]) -> object:
    """`action()` with at most `limit` Python frames above the caller's: the default limit of 1,000
    leaves a caller 250 frames when `limit` is 750."""
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + limit)
    try:
        return action()
    finally:
        sys.setrecursionlimit(saved)


@pytest.mark.parametrize("shape", [*STEPS, "const", "reversed", "formula"])
def test_the_deepest_chain_check_accepts_evaluates_explains_formats_and_diffs(shape: str) -> None:
    length = longest_accepted(shape)
    assert length >= (2 if shape == "formula" else 50)  # a chain of 50 steps is something authors write
    assert set(codes(chain_policy(shape, length + 1))) == {"check.too-deep"}
    text = chain_policy(shape, length)
    units = [{"id": f"U{i}", "class": "c", "indicators": {"g": {"x": str(i + 1)}}} for i in range(3)]

    def every_stage() -> None:
        policy = targetdsl.parse_policy(text)
        explained = policy.evaluate(units)
        assert policy.evaluate(units, explain=False).to_json() == explained.to_json()
        assert explained.units[0].measures[0].step.value.endswith("of 10")
        assert format_policy(format_policy(text)) == format_policy(text)
        assert targetdsl.diff_policies(policy, policy).equivalent
        changed = targetdsl.parse_policy(text.replace("score min(points,", "score min(points - 1,"))
        assert not targetdsl.diff_policies(policy, changed).equivalent
        fast_paths(policy, units)

    within_frames(750, every_stage)


def fast_paths(policy: targetdsl.Policy, units: list[dict[str, Any]]) -> None:
    """The generated kernel and the compiled closures, called directly (the engine may take another path)."""
    from targetdsl import kernel
    from targetdsl.measures import FastMeasure

    schema = policy.schema
    spec = schema.classes["c"]
    built = kernel.build(schema, spec, Decimal(1))
    loaded = policy.load_units(units)
    consts = {name: n.Let(name, const.expr) for name, const in schema.consts.items()}
    frames = {u.id: interpreter.Frame(dict(u.values), consts) for u in loaded}
    if built is not None:
        for unit in loaded:
            built.score(unit, frames)
    measure = next(iter(spec.measures()))
    fast = FastMeasure.build(measure)
    if fast is not None:
        for unit in loaded:
            fast.score({**unit.measures["g"].values, "points": measure.points}, frames[unit.id])


@pytest.mark.parametrize(("shape", "length"), [("add", 300), ("max", 500), ("reversed", 300), ("reversed", 5000),
                                               ("const", 300), ("const", 3000), ("rank", 300)])
def test_longer_chains_are_refused_with_a_located_diagnostic(shape: str, length: int) -> None:
    report = targetdsl.check_text(chain_policy(shape, length), name="p.tdsl")
    errors = [d for d in report.diagnostics if d.severity.value == "error"]
    assert {d.code for d in errors} == {"check.too-deep"}
    assert len(errors) <= 2  # once where a chain first goes too deep (the indicator's, and the rule's)
    assert "at most 128" in errors[0].message and errors[0].span.line > 1
    with pytest.raises(targetdsl.PolicyError):
        targetdsl.parse_policy(chain_policy(shape, length))


def test_a_long_cycle_is_refused_without_recursion() -> None:
    lets = "".join(f"    let v{i} = v{(i + 1) % 3000} + 1\n" for i in range(3000))
    text = ('policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
            f"  indicator g points 10 {{\n    input x: number\n{lets}    score v0 + x\n  }}\n}}\n")
    assert set(codes(text)) <= {"check.too-deep", "check.cycle"} and codes(text)


def test_lets_that_share_lets_are_searched_once() -> None:
    """`let a2 = a1 + a1` forty times: 2⁴⁰ paths to the input, 40 lets to search for class-wide calls."""
    lets = "".join(f"    let v{i} = " + (f"v{i - 1} + v{i - 1}" if i else "x") + "\n" for i in range(40))
    text = ('policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
            f"  indicator g points 10 {{\n    input x: number\n{lets}"
            "    score bands rank(v39) { <= 1: points, otherwise: 0 }\n  }\n}\n")
    assert codes(text) == []
    nested = text.replace("let v0 = x", "let v0 = peer_max(x)")
    assert codes(nested) == ["check.nested-peer"]
