"""Bounded work and clean errors for hostile or merely extreme policies: class-wide functions cost
N log N over a class, not N²; chains of lets and constants are refused beyond a documented depth and
everything accepted evaluates, explains, formats and diffs; numbers beyond the decimal context end in
a located error, never a traceback. See docs/security.md."""

from __future__ import annotations

import decimal
import functools
import inspect
import math
import random
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation import interpreter
from targetdsl.language import nodes as n
from targetdsl.language.formatter import format_policy
from targetdsl.language.functions import ClassValues
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
        units.append(
            {"id": f"U{i:04d}", "class": "ab"[i % 2], "indicators": {k: {"x": x} for k in ("r", "ra", "e", "m", "c")}}
        )
    return units


@pytest.mark.parametrize("explain", [True, False])
def test_class_statistics_are_computed_once_per_expression_and_class(
    monkeypatch: pytest.MonkeyPatch, explain: bool
) -> None:
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
    Scanning the class reads 512 values a unit here (rank and rank_asc over 256); bisecting, about 18."""
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
    assert 0 < per_unit <= 4 * (math.log2(len(units)) + 2)  # two bisections a unit, 9 reads each


def naive(name: str, own: Decimal, values: list[Decimal]) -> Decimal:
    """The definitions in docs/language.md, computed the slow way over the whole class."""
    low, high = min(values), max(values)
    if name == "rank":
        return Decimal(1 + sum(1 for v in values if v > own))
    if name == "rank_asc":
        return Decimal(1 + sum(1 for v in values if v < own))
    if name == "peer_avg":  # the exact sum (a context too wide to round), divided once
        wide = decimal.Context(prec=10_000, Emin=-999_999, Emax=999_999, traps=[decimal.Rounded])
        return CONTEXT.divide(functools.reduce(wide.add, values, Decimal(0)), Decimal(len(values)))
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
    pool = [
        Decimal("7"),
        Decimal("7.0"),
        Decimal("7.000"),
        Decimal("-0"),
        Decimal("0"),
        Decimal("1E+2"),
        Decimal("100.00"),
        Decimal("0.1234567890123456789012345678901234"),
    ]
    values = [
        draw.choice(pool) if draw.random() < 0.5 else Decimal(draw.randint(-50, 50)) / 7
        for _ in range(draw.randint(1, 40))
    ]
    for name in ("rank", "rank_asc", "peer_avg", "peer_min", "peer_max", "efficacy", "efficacy_reverse"):
        call = n.Call(name, (n.Name("x"),))
        stats = ClassValues.of(values)
        for own in values:
            frame = interpreter.Frame({"x": own}, peers=lambda expr, s=stats: s, explain=False)
            got = interpreter.evaluate(call, frame)
            with decimal.localcontext(CONTEXT):  # the definitions, computed as a policy computes
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
    "add": "{} + 1",
    "max": "max({}, 0)",
    "neg": "-{}",
    "abs": "abs({})",
    "round": "round({}, 2)",
    "clamp": "clamp({}, 0, 1)",
    "if": "if x > 0 then {} else 0",
    "bands": "bands {} {{ >= 1: 1, otherwise: 0 }}",
    "interpolate": "interpolate {} {{ 0: 0, 1: 1 }}",
    "rank": "{} + 1",
}


def chain_policy(shape: str, length: int) -> str:
    """A policy whose score is computed through `length` lets (or constants), each built on the last."""
    head = 'policy "p" { year 2003 status draft }\n'
    if shape == "const":
        consts = "".join(f"const k{i} = " + (f"k{i - 1} + 1" if i else "1") + "\n" for i in range(length))
        return (
            head + consts + "class c { 定量 100 }\ncategory 定量 {\n  indicator g points 10 {\n"
            f"    input x: number\n    score min(points, x * k{length - 1})\n  }}\n}}\n"
        )
    if shape == "reversed":  # declared last-first: the checker meets each let before the ones it uses
        lets = "".join(
            f"    let v{i} = " + (f"max(v{i + 1}, 0)" if i < length - 1 else "x") + "\n" for i in range(length)
        )
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
        veto = (
            f"veto v {{\n    input bad: number missing default 0\n{rule_lets}    when w{length - 1} < 0\n"
            "    effect zero score\n}\n"
        )
    return (
        head + "class c { 定量 100 }\ncategory 定量 {\n  indicator g points 10 {\n    input x: number\n"
        f"{lets}    score min(points, {score})\n  }}\n}}\n{veto}"
    )


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


def raise_failure(unit: Any, measure: str, failure: Exception) -> None:
    raise failure


def fast_paths(policy: targetdsl.Policy, units: list[dict[str, Any]]) -> None:
    """The generated kernel and the generated expressions, called directly (the engine may take another
    path)."""
    from targetdsl.evaluation import kernel
    from targetdsl.evaluation.measures import FastMeasure, MeasureScorer

    schema = policy.schema
    spec = schema.classes["c"]
    built = kernel.build(schema, spec, Decimal(1))
    loaded = policy.load_units(units)
    consts = {name: n.Let(name, const.expr) for name, const in schema.consts.items()}
    frames = {u.id: interpreter.Frame(dict(u.values), consts) for u in loaded}
    if built is not None:
        # the class's values of each class-wide call's argument, as the engine gives them to the kernel
        classes = tuple(
            MeasureScorer(owner, loaded, frames, Decimal(1), schema.rounding, raise_failure).peers(argument)
            for owner, argument in built.arguments
        )
        for at in range(len(built.arguments)):
            built.column(loaded, frames, at)
        for unit in loaded:
            built.score(unit, frames, classes)
    measure = next(iter(spec.measures()))
    fast = FastMeasure.build(measure)
    if fast is not None and fast.arguments is None:
        for unit in loaded:
            fast.score({**unit.measures["g"].values, "points": measure.points}, frames[unit.id])
    elif fast is not None:  # it compares units: it reads its class through a scorer, as the engine runs it
        scorer = MeasureScorer(measure, loaded, frames, Decimal(1), schema.rounding, raise_failure)
        scorer.fast = fast
        for unit in loaded:
            scorer.score_fast(unit, unit.measures["g"], fast)


@pytest.mark.parametrize(
    ("shape", "length"),
    [("add", 300), ("max", 500), ("reversed", 300), ("reversed", 5000), ("const", 300), ("const", 3000), ("rank", 300)],
)
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
    text = (
        'policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
        f"  indicator g points 10 {{\n    input x: number\n{lets}    score v0 + x\n  }}\n}}\n"
    )
    assert set(codes(text)) <= {"check.too-deep", "check.cycle"} and codes(text)


def test_lets_that_share_lets_are_searched_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`let a2 = a1 + a1` sixteen times: 2¹⁶ paths to the input, sixteen lets to search for a class-wide
    call inside `rank(…)` (forty such lets never finished checking)."""
    from targetdsl.language import typecheck

    walked: list[object] = []
    original = typecheck.walk

    def counted(expr: n.Expr) -> Iterator[n.Expr]:
        walked.append(expr)
        return original(expr)

    monkeypatch.setattr(typecheck, "walk", counted)
    lets = "".join(f"    let v{i} = " + (f"v{i - 1} + v{i - 1}" if i else "x") + "\n" for i in range(16))
    text = (
        'policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
        f"  indicator g points 10 {{\n    input x: number\n{lets}"
        "    score bands rank(v15) { <= 1: points, otherwise: 0 }\n  }\n}\n"
    )
    assert codes(text) == []
    assert len(walked) <= 200  # a few nodes a let; searching every path walks 2¹⁶ × 3
    nested = text.replace("let v0 = x", "let v0 = peer_max(x)")
    assert codes(nested) == ["check.nested-peer"]


# -- numbers beyond the arithmetic

HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f'policy "p" {{ year 1{HUGE} status draft }}\n', "syntax.bad-literal"),  # int() of 5,001 digits raised
        (f'policy "p" {{ year 2003 status draft rounding half_up {HUGE} }}\n', "syntax.bad-literal"),
        (f"const k = {HUGE}\n", "syntax.bad-literal"),
        (f"const k = 0.{HUGE}\n", "syntax.bad-literal"),
        (f"const k = {HUGE}%\n", "syntax.bad-literal"),
        ("const k = 10000000000000000\n", "syntax.bad-literal"),  # 10¹⁶: beyond what data may hold
        ("const k = 0.0000000000000001\n", "syntax.bad-literal"),  # 10⁻¹⁶
        ("const k = 1.0000000000000000000000000000000001\n", "syntax.bad-literal"),  # 35 significant digits
        (f"category 定量 {{ indicator g points {HUGE} {{ input x: number score x }} }}\n", "syntax.bad-literal"),
        ("category 定量 { indicator g points 1 { input x: number score round(x, 100000000) } }\n", "check.bad-value"),
    ],
)
def test_numbers_beyond_the_arithmetic_end_in_a_diagnostic(text: str, code: str) -> None:
    report = targetdsl.check_text(text, name="p.tdsl")
    assert code in [d.code for d in report.diagnostics]
    assert all(len(d.message) < 200 for d in report.diagnostics)  # the digits are not echoed
    with pytest.raises(targetdsl.PolicyError):
        format_policy(text) if code.startswith("syntax") else targetdsl.parse_policy(text)


@pytest.mark.parametrize(
    "text",
    [
        "const k = 9999999999999999\n",
        "const k = 0.000000000000001\n",
        "const k = 1.000000000000000000000000000000001\n",
        "const k = 0.000\n",
    ],
)
def test_numbers_within_the_range_are_literals(text: str) -> None:
    assert "syntax.bad-literal" not in [d.code for d in targetdsl.check_text(text).diagnostics]


def ratio_policy(
    rounding: str = "rounding half_up 2 at indicator, total", kind: str = "indicator g points 10", extra: str = ""
) -> str:
    return (
        f'policy "p" {{ year 2003 status draft {rounding} }}\nclass c {{ 定量 100 }}\n'
        f"category 定量 {{\n  {kind} {{\n    input target: number\n    input actual: number\n"
        f"    score points * actual / target\n{extra}  }}\n}}\n"
    )


TINY_TARGET = {"target": "0.000000000000001", "actual": "1000000000000000"}


@pytest.mark.parametrize("explain", [True, False])
@pytest.mark.parametrize(
    "rounding",
    ["rounding half_up 2 at indicator, total", "rounding half_up 2 at category", "rounding down 6 at total", ""],
)
def test_a_score_beyond_plausible_values_is_an_error_naming_unit_measure_and_line(rounding: str, explain: bool) -> None:
    """target 0.000000000000001, actual 1000000000000000: the score is 10³¹ points, which rounding at
    two places could not even hold in 34 digits (a traceback from `quantize`)."""
    units = [
        {"id": "A", "class": "c", "indicators": {"g": TINY_TARGET}},
        {"id": "B", "class": "c", "indicators": {"g": {"target": "100", "actual": "80"}}},
    ]
    with pytest.raises(targetdsl.EvaluationError) as caught:
        targetdsl.parse_policy(ratio_policy(rounding), name="p.tdsl").evaluate(units, explain=explain)
    (problem,) = caught.value.problems
    assert (problem.unit, problem.where, problem.span.file, problem.span.line) == ("A", "g", "p.tdsl", 4)
    assert "outside the range of plausible values" in problem.message


@pytest.mark.parametrize("explain", [True, False])
def test_an_item_score_beyond_plausible_values_is_an_error(explain: bool) -> None:
    units = [{"id": "A", "class": "c", "indicators": {"g": [{"points": 5, **TINY_TARGET}]}}]
    with pytest.raises(targetdsl.EvaluationError) as caught:
        targetdsl.parse_policy(ratio_policy(kind="items g")).evaluate(units, explain=explain)
    assert caught.value.problems[0].message.startswith("item 1: the score 5000000000000000000000000000000 ")


def test_a_sub_item_score_beyond_plausible_values_is_an_error() -> None:
    text = (
        'policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
        "  indicator g points 10 {\n    subitem s points 1 {\n      input target: number\n"
        "      input actual: number\n      score points * actual / target\n    }\n  }\n}\n"
    )
    units = [{"id": "A", "class": "c", "indicators": {"g": {"s": TINY_TARGET}}}]
    with pytest.raises(targetdsl.EvaluationError) as caught:
        targetdsl.parse_policy(text).evaluate(units)
    assert "sub-item s: the score" in caught.value.problems[0].message


@pytest.mark.parametrize("explain", [True, False])
def test_a_count_beyond_plausible_values_is_an_error(explain: bool) -> None:
    """A tally of 10⁷⁶⁸⁰ became an integer too long to print (ValueError from int → str)."""
    lets = "".join(f"    let v{i} = " + (f"v{i - 1} * v{i - 1}" if i else "x") + "\n" for i in range(10))
    text = (
        'policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
        f"  indicator g points 10 {{\n    input x: number\n{lets}    score points\n    tally v9 of v9\n  }}\n}}\n"
    )
    units = [{"id": "A", "class": "c", "indicators": {"g": {"x": "1000000000000000"}}}]
    with pytest.raises(targetdsl.EvaluationError) as caught:
        targetdsl.parse_policy(text).evaluate(units, explain=explain)
    assert caught.value.problems[0].message.startswith("the count 1E+7680 is outside")


def kernel_and_unit(text: str, data: dict[str, Any]) -> tuple[Any, Any, dict[str, interpreter.Frame]]:
    from targetdsl.evaluation import kernel

    policy = targetdsl.parse_policy(text)
    built = kernel.build(policy.schema, policy.schema.classes["c"], Decimal(1))
    assert built is not None
    (unit,) = policy.load_units([{"id": "A", "class": "c", "indicators": {"g": data}}])
    return built, unit, {"A": interpreter.Frame(dict(unit.values))}


@pytest.mark.parametrize(
    ("extra", "data"),
    [
        ("", TINY_TARGET),  # a score beyond plausible values
        ("", {"target": "0", "actual": "1"}),  # division by zero
        ("", {"target": "0", "actual": "0"}),  # 0 / 0, an invalid operation
        ("    tally 1 of actual * actual * actual\n", {"target": "1000000000000000", "actual": "1000000000000000"}),
    ],
)
def test_the_kernel_hands_arithmetic_surprises_back_as_declared(extra: str, data: dict[str, str]) -> None:
    """The kernel signals `Bail` (the unit goes by the reference path, which reports the located error),
    never a bare decimal signal that only a catch-all would turn into the right outcome."""
    from targetdsl.evaluation.kernel import Bail

    built, unit, frames = kernel_and_unit(ratio_policy(extra=extra), data)
    with pytest.raises(Bail):
        built.score(unit, frames, ())
    ok, ok_unit, ok_frames = kernel_and_unit(ratio_policy(extra=extra), {"target": "4", "actual": "2"})
    assert ok.score(ok_unit, ok_frames, ())[0] == Decimal(5)


@pytest.mark.parametrize("data", [TINY_TARGET, {"target": "0", "actual": "1"}, {"target": "0", "actual": "0"}])
def test_generated_expressions_report_located_failures(data: dict[str, str]) -> None:
    from targetdsl.evaluation.measures import FastMeasure, MeasureScorer

    policy = targetdsl.parse_policy(ratio_policy(), name="p.tdsl")
    spec = next(iter(policy.schema.classes["c"].measures()))
    fast = FastMeasure.build(spec)
    assert fast is not None
    (unit,) = policy.load_units([{"id": "A", "class": "c", "indicators": {"g": data}}])
    problems: list[tuple[str, Any]] = []
    scorer = MeasureScorer(
        spec,
        [unit],
        {"A": interpreter.Frame(dict(unit.values))},
        Decimal(1),
        policy.schema.rounding,
        lambda u, where, failure: problems.append((where, failure)),
    )
    scorer.explain = False
    scorer.fast = fast
    scorer.run()
    ((where, failure),) = problems
    assert where == "g" and failure.span.file == "p.tdsl" and failure.span.line in (4, 7)


def test_overflow_in_an_expression_is_an_error_on_every_path() -> None:
    """10¹⁵ squared nineteen times passes 10⁹⁹⁹⁹⁹⁹, the context's largest exponent."""
    lets = "".join(f"    let v{i} = " + (f"v{i - 1} * v{i - 1}" if i else "x") + "\n" for i in range(20))
    text = (
        'policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
        f"  indicator g points 10 {{\n    input x: number\n{lets}    score if v19 > 0 then points else 0\n"
        "  }\n}\n"
    )
    units = [{"id": "A", "class": "c", "indicators": {"g": {"x": "1000000000000000"}}}]
    for explain in (True, False):
        with pytest.raises(targetdsl.EvaluationError) as caught:
            targetdsl.parse_policy(text).evaluate(units, explain=explain)
        assert "has no finite result" in caught.value.problems[0].message


def test_rounding_a_value_with_more_digits_than_the_places_allow_is_exact() -> None:
    """Totals past 10³² cannot keep two decimals in 34 digits; they have none to round, so the rounding
    is exact instead of `InvalidOperation` (a category of a measure worth 10⁻¹⁵ of its points, say)."""
    from targetdsl.numeric import quantize, show

    for raw, places in [
        ("1E+31", 2),
        ("9999999999999999999999999999999.995", 2),
        ("-1E+40", 6),
        ("123456789012345678901234567890123.4", 2),
        ("1E+999990", 0),
    ]:
        value = Decimal(raw)
        exact = value.quantize(Decimal(1).scaleb(-places), context=decimal.Context(prec=1_000_100, Emax=999_999))
        assert quantize(value, places, "half_up") == exact
    assert show(Decimal("1E+7680")) == "1E+7680"
    assert show(Decimal("1234567890123456789012345.1234567")) == "1234567890123456789012345.123456…"
    text = (
        'policy "p" { year 2003 status draft rounding half_up 2 at category, total }\nclass c { 定量 100 }\n'
        "category 定量 { indicator g points 0.000000000000001 { input x: number score min(x, 9999999999999999) } }\n"
    )
    units = [{"id": "A", "class": "c", "indicators": {"g": {"x": "9999999999999999"}}}]
    for explain in (True, False):  # the category rounds exactly; the total is then beyond plausible values
        with pytest.raises(targetdsl.EvaluationError) as caught:
            targetdsl.parse_policy(text).evaluate(units, explain=explain)
        assert caught.value.problems[0].message.startswith("the total 999999999999999900000000000000000 is outside")


def test_the_class_average_for_missing_values_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`missing peer_avg`: the class average was recomputed for every unit missing the value (N²)."""
    from targetdsl.evaluation import measures

    divisions: list[object] = []
    original = ClassValues.of

    def counted(values: list[Decimal]) -> ClassValues:
        divisions.append(len(values))
        return original(values)

    monkeypatch.setattr(measures.ClassValues, "of", staticmethod(counted))
    policy = targetdsl.parse_policy("""policy "p" { year 2003 status draft }
class c { 定量 100 }
category 定量 { indicator m points 10 { input x: number missing peer_avg  score min(points, x) } }
""")
    units = [
        {"id": f"U{i}", "class": "c", "indicators": {"m": {"x": str(i % 10)} if i % 2 else {}}} for i in range(400)
    ]
    for explain in (True, False):
        divisions.clear()
        assessment = policy.evaluate(units, explain=explain)
        assert assessment.unit("U0").measures[0].earned == Decimal("5.00")  # (1+3+5+7+9) / 5
        # once by the evaluation, and, for explained measures read, once by the path that explains them
        assert len(divisions) == (2 if explain else 1)


@pytest.mark.parametrize("declaration", ["const k = 2", "input k: number missing default 2"])
def test_a_let_cannot_take_the_name_of_a_constant_or_unit_input(declaration: str) -> None:
    """`let k = k + 1` read the constant when checked and itself when evaluated: endless recursion."""
    text = (
        f'policy "p" {{ year 2003 status draft }}\n{declaration}\nclass c {{ 定量 100 }}\n'
        "category 定量 { indicator g points 10 { input x: number\n    let k = k + 1\n"
        "    score min(points, x * k) } }\n"
    )
    report = targetdsl.check_text(text)
    assert [(d.code, d.span.line) for d in report.errors] == [("check.duplicate-name", 5)]


@pytest.mark.parametrize("explain", [True, False])
@pytest.mark.parametrize(
    ("done", "total", "message"),
    [
        ("2.5", "4", "a tally counts whole items, at least 0; got 2.5"),
        ("-1", "4", "a tally counts whole items, at least 0; got -1"),
        ("3", "2.5", "a tally counts whole items, at least 0; got 2.5"),
        ("5", "4", "a tally cannot count more items done (5) than there are (4)"),
    ],
)
def test_a_tally_is_never_truncated(explain: bool, done: str, total: str, message: str) -> None:
    """`tally 2.5 of 4` was read as 2 of 4 with exit 0; 5 of 4 as 125 % complete."""
    text = (
        'policy "p" { year 2003 status draft }\nclass c { 定量 100 }\ncategory 定量 {\n'
        "  indicator g points 10 {\n    input d: number\n    input t: number\n    score points\n"
        "    tally d of t\n  }\n}\n"
    )
    units = [
        {"id": "A", "class": "c", "indicators": {"g": {"d": done, "t": total}}},
        {"id": "B", "class": "c", "indicators": {"g": {"d": "1", "t": "4"}}},
    ]
    with pytest.raises(targetdsl.EvaluationError) as caught:
        targetdsl.parse_policy(text).evaluate(units, explain=explain)
    assert [(p.unit, p.message) for p in caught.value.problems] == [("A", message)]


RULES = """policy "p" {{ year 2003 status draft }}
class c {{ 定量 100 }}
category 定量 {{ indicator g points 100 {{ input x: number score points }} }}
{rule}
"""


@pytest.mark.parametrize("explain", [True, False])
@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("deduction d {\n    input v: number\n    amount v * v * v\n}", "the value 1E+45 is "),
        (
            "coefficient k for c {\n    input v: number\n    factor v * v\n    on total\n}",
            "the value 1000000000000000000000000000000 is ",
        ),
        ("coefficient k for c {\n    input v: number\n    factor v\n    on total\n}", "the total "),
    ],
)
def test_a_rule_value_or_total_beyond_plausible_values_is_an_error(explain: bool, rule: str, message: str) -> None:
    """A deduction `v * v * v` with v = 10¹⁵ gave a total of about −10⁴⁵ with exit 0."""
    kind, name = rule.split()[:2]
    units = [{"id": "A", "class": "c", "indicators": {"g": {"x": "1"}}, f"{kind}s": {name: {"v": "1000000000000000"}}}]
    policy = targetdsl.parse_policy(RULES.format(rule=rule))
    with pytest.raises(targetdsl.EvaluationError) as caught:
        policy.evaluate(units, explain=explain)
    (problem,) = caught.value.problems
    assert problem.unit == "A" and problem.message.startswith(message), problem.message
