"""Explanations asked for are built when first read, per class, by the reference path, and checked
against the numbers they explain."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import targetdsl
from targetdsl.evaluation import cover, engine, kernel, results
from targetdsl.evaluation.results import NO_STEP, Disagreement, _numbers
from tests.support import reference
from tests.unit.test_partition import case_options, cases

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "lianyungang-2003.tdsl"
UNITS = ROOT / "examples" / "lianyungang-2003" / "units.yaml"
CARRIED = ROOT / "examples" / "lianyungang-2003" / "carried-in.yaml"


def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rankings the explaining path evaluates whole (each a class, or the classes ranked together), in
    order, and each unit it explains alone (`unit U`)."""
    runs: list[str] = []
    real, alone = engine.OnDemand.reference, engine.OnDemand._alone

    def reference(self: engine.OnDemand, unit: str) -> Any:
        before = self.results
        found = real(self, unit)
        if before is None and self.results is not None:
            runs.append(", ".join(sorted({r.unit_class for r in self.results.values()})))
        return found

    def explained_alone(self: engine.OnDemand, unit: str) -> Any:
        runs.append(f"unit {unit}")
        return alone(self, unit)

    monkeypatch.setattr(engine.OnDemand, "reference", reference)
    monkeypatch.setattr(engine.OnDemand, "_alone", explained_alone)
    return runs


def test_nothing_is_explained_until_read_then_a_unit_alone_or_its_class_once(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = counted(monkeypatch)
    policy = targetdsl.load_policy(POLICY)
    assessment = policy.evaluate(UNITS, carried_in=CARRIED)
    assert [(u.total, u.grade, u.categories[0].subtotal) for u in assessment.units]  # numbers read…
    assert assessment.to_json()["units"]  # …and written without explanations
    assert runs == []
    counties, departments = (assessment.in_class(name) for name in assessment.classes[:2])
    # the first units read are explained alone (nothing in this policy compares units while scoring)…
    assert counties[0].explanation
    assert counties[-1].measures[0].step.what
    assert runs == [f"unit {counties[0].id}", f"unit {counties[-1].id}"]
    # …then, past a few, the whole class once
    runs.clear()
    assert all(u.explanation for u in departments)
    alone = min(len(departments), engine.OnDemand.ALONE)
    assert runs[:alone] == [f"unit {u.id}" for u in departments[:alone]]
    assert runs[alone:] == ([departments[0].unit_class] if len(departments) > alone else [])


@pytest.mark.parametrize("alone", [0, 3, 1000])
def test_units_explained_alone_and_with_their_class_are_explained_alike(
    alone: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many units are explained alone before their class is, every explanation is the reference's."""
    monkeypatch.setattr(engine.OnDemand, "ALONE", alone)
    policy = targetdsl.load_policy(POLICY)
    expected = reference(policy, UNITS, carried_in=CARRIED).to_json(explanations=True)
    assert policy.evaluate(UNITS, carried_in=CARRIED).to_json(explanations=True) == expected


def test_a_class_whose_units_compare_is_explained_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A peer function makes a unit's score depend on its class: its explanation comes from the class."""
    runs = counted(monkeypatch)
    text = (
        'policy "p" { year 2003 status draft }\nclass c { all 100 }\ncategory all {\n'
        "    indicator x points 100 {\n        input v: number\n        score points * efficacy(v) / 100\n    }\n}\n"
    )
    policy = targetdsl.parse_policy(text, name="p.tdsl")
    units = [{"id": f"U{i}", "class": "c", "indicators": {"x": {"v": str(i)}}} for i in range(1, 6)]
    assessment = policy.evaluate(units)
    assert assessment.units[0].explanation
    assert runs == ["c"]
    assert assessment.to_json(explanations=True) == reference(policy, units).to_json(explanations=True)


def test_explanations_read_later_are_the_reference_paths() -> None:
    policy = targetdsl.load_policy(POLICY)
    expected = reference(policy, UNITS, carried_in=CARRIED).to_json(explanations=True)
    assert policy.evaluate(UNITS, carried_in=CARRIED).to_json(explanations=True) == expected


def test_an_explanation_that_would_explain_other_numbers_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A defect that made the fast path compute another number shows when the unit is explained."""
    real = kernel.Kernel.score

    def off_by_one(self: kernel.Kernel, unit: Any, frames: Any, classes: Any) -> Any:
        cells = real(self, unit, frames, classes)
        return (cells[0] + 1, *cells[1:])

    monkeypatch.setattr(kernel.Kernel, "score", off_by_one)
    policy = targetdsl.load_policy(POLICY)
    assessment = policy.evaluate(UNITS, carried_in=CARRIED)
    with pytest.raises(Disagreement, match="C0"):
        assessment.in_class(assessment.classes[0])[0].explanation  # noqa: B018
    with pytest.raises(Disagreement):
        assessment.in_class(assessment.classes[0])[1].measures  # noqa: B018


@pytest.mark.parametrize("first", ["explanation", "measures"])
def test_a_units_measures_are_checked_against_the_explaining_path_once(
    first: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in either order, a unit's explanation and measures compare its measures with the explaining
    path's once (a pair of walks), and the measures read are the explained ones."""
    walks: list[int] = []
    real = results._stepless

    def counted(measures: Any) -> Any:
        walks.append(len(measures))
        return real(measures)

    monkeypatch.setattr(results, "_stepless", counted)
    unit = targetdsl.load_policy(POLICY).evaluate(UNITS, carried_in=CARRIED).units[0]
    second = "measures" if first == "explanation" else "explanation"
    getattr(unit, first)
    getattr(unit, second)
    assert len([w for w in walks if w]) == 2  # the computed measures and the explained ones, walked once each
    assert unit.explanation and all(m.step.what for m in unit.measures)


def test_coverage_is_recorded_by_the_explaining_path_as_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = counted(monkeypatch)
    token = cover.current.set(cover.Recorder())
    try:
        assessment = targetdsl.load_policy(POLICY).evaluate(UNITS, carried_in=CARRIED)
        hits = cover.current.get()
    finally:
        cover.current.reset(token)
    assert hits is not None and hits.hits
    assert all(u.explanation for u in assessment.units)
    assert runs == []


def test_an_assessment_pickles_before_its_explanations_are_read() -> None:
    policy = targetdsl.load_policy(POLICY)
    assessment = policy.evaluate(UNITS, carried_in=CARRIED)
    copied = pickle.loads(pickle.dumps(assessment))
    assert copied.to_json(explanations=True) == assessment.to_json(explanations=True)


def test_no_explanation_when_none_was_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = counted(monkeypatch)
    assessment = targetdsl.load_policy(POLICY).evaluate(UNITS, carried_in=CARRIED, explain=False)
    assert all(u.explanation == () for u in assessment.units)
    assert all(m.step.what == "" for u in assessment.units for m in u.measures)
    assert runs == []


def test_the_comparison_with_the_explaining_path_is_as_strict_as_the_json() -> None:
    """The two paths are compared field by field without building their JSON, but no less strictly: an
    integer where the other has a decimal (JSON `3` against `"3"`) or a step-less field that differs is a
    difference; only the explanations are left out."""
    unit = reference(targetdsl.load_policy(POLICY), UNITS, carried_in=CARRIED).units[0]
    same = _numbers(unit, unit.measures)
    measures = tuple(attrs.evolve(m, step=NO_STEP) for m in unit.measures)
    assert _numbers(unit, measures) == same
    assert unit.json_value(explanations=False) == attrs.evolve(unit).json_value(explanations=False)
    whole = Decimal(int(unit.total))
    as_integer = attrs.evolve(unit, total=int(whole))
    assert _numbers(attrs.evolve(unit, total=whole), measures) != _numbers(as_integer, measures)
    changed = (attrs.evolve(measures[0], earned=measures[0].earned + 1), *measures[1:])
    assert _numbers(unit, changed) != same


def test_an_assessed_measure_is_explained_with_every_score_it_was_given() -> None:
    """The highest and the lowest are dropped from the mean, not from what the explanation says was given."""
    text = """policy "p" { year 2003 status draft }
assessor 人大
assessor 政协
assessor 组织部
class c { k 100 }
category k {
    assessed 满意度 points 100 {
        by 人大 weight 1
        by 政协 weight 1
        by 组织部 weight 1
        drop extremes
    }
}
"""
    units = [{"id": "A", "class": "c", "indicators": {"满意度": {"人大": 92, "政协": 88, "组织部": 95}}}]
    for explained in (targetdsl.parse_policy(text).evaluate(units), reference(targetdsl.parse_policy(text), units)):
        (measure,) = explained.unit("A").measures
        assert measure.earned == Decimal("92")
        assert dict(measure.step.inputs) == {"人大": "92", "政协": "88", "组织部": "95"}


@pytest.mark.parametrize(("name", "document", "run"), cases())
def test_a_units_json_without_explanations_is_its_json_with_them_left_out(
    name: str, document: dict[str, Any], run: dict[str, Any]
) -> None:
    """Written without building the explanations, a unit's JSON is its JSON with every step dropped: the same
    values, types and order of keys (the bytes), whatever its measures, items and results hold."""
    policy = targetdsl.parse_policy(document["policy"], name=name)
    try:
        assessment = policy.evaluate(document["units"], **case_options(document, run))
    except (targetdsl.DataError, targetdsl.EvaluationError):
        return
    with policy.stream(document["units"], **case_options(document, run)) as results:
        streamed = {u.id: u for u in results}
    for unit in assessment.units:
        plain = json.dumps(unit.json_value(explanations=False))  # first: written before any is built
        assert json.dumps(streamed[unit.id].json_value(explanations=False)) == plain
        whole = unit.json_value()
        whole.pop("explanation")
        for measure in whole["measures"]:
            measure.pop("step")
            for item in measure["items"]:
                item.pop("step")
        assert plain == json.dumps(whole)
        assert json.dumps(unit.json_value(explanations=False)) == plain  # and once they are built
