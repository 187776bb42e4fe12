"""The fast path is taken where it should be, and a defect in it is never hidden.

Evaluations without explanations score measures by generated code (kernel.py): a class's kernel, and
expressions generated one by one (items, rules). Each declines a construct when it is built, visibly,
and a unit at run time only for the turns it declares (`Bail`). These tests fail if the real policies or the benchmark's
stop taking the fast path, or if an exception inside it is quietly answered by the reference path.
"""

import collections
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from benchmarks.workload import generate
from benchmarks.workload import policy as workload
from targetdsl.evaluation import kernel
from targetdsl.evaluation.measures import FastMeasure
from tests.support import reference as by_reference_path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = {
    "lianyungang-2002": ("examples/lianyungang-2002/units.yaml", None),
    "lianyungang-2003": ("examples/lianyungang-2003/units.yaml", "examples/lianyungang-2003/carried-in.yaml"),
}


def seed(name: str) -> targetdsl.Policy:
    return targetdsl.load_policy(ROOT / "policies" / f"{name}.tdsl")


def benchmark() -> targetdsl.Policy:
    return targetdsl.parse_policy(workload.text(), name="workload.tdsl")


def every_policy() -> list[tuple[str, targetdsl.Policy]]:
    return [*((name, seed(name)) for name in SEEDS), ("benchmark", benchmark())]


@pytest.mark.parametrize("name", [*SEEDS, "benchmark"])
def test_every_measure_and_veto_of_the_real_policies_is_compiled(name: str) -> None:
    policy = dict(every_policy())[name]
    schema = policy.schema
    for spec in schema.classes.values():
        built = kernel.build(schema, spec, targetdsl.numeric.ONE)
        assert built is not None, spec.name
        assert built.vetoes is not None or not spec.rules_of("veto"), f"{spec.name}: vetoes left to the engine"
        for measure in spec.measures():
            # what the kernel leaves (lists of items) generated expressions take
            assert measure in built.measures or FastMeasure.build(measure) is not None, (spec.name, measure.name)
        for kind in ("coefficient", "deduction", "bonus", "award", "commendation"):
            for rule in spec.rules_of(kind):
                for statement in rule.node.body:
                    expr = getattr(statement, "expr", None)
                    if expr is not None:  # raises Unsupported if the rule left the fast path
                        kernel.expression(rule.lets, expr, frozenset(rule.inputs))


def counting_kernel(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    score = kernel.Kernel.score

    def counted(self: kernel.Kernel, unit: Any, frames: Any, classes: Any) -> Any:
        try:
            cells = score(self, unit, frames, classes)
        except kernel.Bail:
            counts["declined"] += 1
            raise
        counts["taken"] += 1
        return cells

    monkeypatch.setattr(kernel.Kernel, "score", counted)
    return counts


@pytest.mark.parametrize("name", list(SEEDS))
def test_the_example_units_take_the_kernel(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    counts = counting_kernel(monkeypatch)
    data, carried = SEEDS[name]
    seed(name).evaluate(ROOT / data, carried_in=ROOT / carried if carried else None, explain=False)
    assert counts == {"taken": 75}


def test_the_benchmark_units_take_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = counting_kernel(monkeypatch)
    benchmark().evaluate(generate.units(300), explain=False)
    assert counts == {"taken": 300}


class Defect(Exception):
    """Stands for a bug in a fast path."""


def broken(*args: Any, **kwargs: Any) -> Any:
    raise Defect("a fast path went wrong")


def test_a_defect_in_the_kernel_is_not_answered_by_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = benchmark()
    monkeypatch.setattr(kernel.Kernel, "score", broken)
    with pytest.raises(Defect):
        policy.evaluate(generate.units(5), explain=False)


def test_a_defect_in_a_generated_expression_is_not_answered_by_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = seed("lianyungang-2003")
    monkeypatch.setattr(FastMeasure, "score", broken)
    with pytest.raises(Defect):
        policy.evaluate(ROOT / SEEDS["lianyungang-2003"][0], explain=False)


def test_a_kernel_declining_a_unit_gives_the_reference_result() -> None:
    """A declared decline (here a division by zero in a let the score never reads) is scored by the
    reference path, with the reference's result."""
    text = """policy "p" { year 2003 status draft }
class c { k 100 }
category k {
    indicator a points 100 {
        input target: number
        input actual: number
        let unused = actual / target
        score if target > 0 then points * actual / target else points
    }
}
"""
    policy = targetdsl.parse_policy(text, name="p.tdsl")
    units = [
        {"id": "A", "class": "c", "indicators": {"a": {"target": "0", "actual": "3"}}},
        {"id": "B", "class": "c", "indicators": {"a": {"target": "4", "actual": "3"}}},
    ]
    fast, reference = policy.evaluate(units, explain=False), by_reference_path(policy, units)
    assert [(u.id, u.total, u.grade) for u in fast.units] == [(u.id, u.total, u.grade) for u in reference.units]
    assert [u.total for u in fast.units] == [100, 75]
