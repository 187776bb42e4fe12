"""Data-driven evaluation cases (tests/cases/*.yaml): a policy, units and
the expected results, worked out by hand in each file's comments.

A case whose policy weights measures over its periods (`for …` in `periods`) gives each period's units
under `periods`; a run with `over_periods: true` evaluates them all into the year's result
(`Policy.evaluate_over_periods`), the others evaluate `units` as any case does."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.results import unit_json
from tests.support import case_documents

CASES = Path(__file__).parent / "cases"


def runs() -> list[Any]:
    params = []
    for path, document in case_documents():
        for index, run in enumerate(document.get("cases") or [{"expect": document["expect"]}]):
            params.append(pytest.param(path, document, run, id=f"{path.stem}[{index}]"))
    return params


def decimal(value: Any) -> Decimal:
    return Decimal(str(value))


@pytest.mark.parametrize(("path", "document", "run"), runs())
def test_case(path: Path, document: dict[str, Any], run: dict[str, Any]) -> None:
    policy = targetdsl.parse_policy(document["policy"], name=path.name)
    expect = run["expect"]
    options = {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }
    for key, error in (("data_errors", targetdsl.DataError), ("evaluation_errors", targetdsl.EvaluationError)):
        if key in expect:
            with pytest.raises(error) as caught:
                policy.evaluate(document["units"], **options)
            problems = [str(p) for p in caught.value.problems]  # type: ignore[attr-defined]
            for expected in expect[key]:
                assert any(expected in p for p in problems), f"{expected!r} not in {problems}"
            assert len(problems) == len(expect[key]), problems
            return
    if run.get("over_periods"):
        assessment = policy.evaluate_over_periods(document["periods"], carried_in=document.get("carried_in"))
    else:
        assessment = policy.evaluate(document["units"], **options)
    for unit_id, fields in expect.get("units", {}).items():
        unit = assessment.unit(unit_id)
        for field, wanted in fields.items():
            check_field(unit, field, wanted)
    if "ledger" in expect:
        ledger = [
            {
                "unit": c.unit,
                "bonus": c.bonus,
                "level": c.level,
                "name": c.name,
                "date": c.date.isoformat() if c.date else None,
            }
            for c in assessment.ledger
        ]
        assert ledger == expect["ledger"]
    if "completion" in expect:
        rows = [[r.unit_class, r.category, r.items, r.completed] for r in assessment.completion]
        assert rows == expect["completion"]


def check_field(unit: targetdsl.UnitResult, field: str, wanted: Any) -> None:
    if field == "measures":
        for name, value in wanted.items():
            measure = next(m for m in unit.measures if m.name == name)
            if value is None:
                assert not measure.applicable, f"{unit.id}.{name} should not apply"
            else:
                assert measure.applicable and measure.earned == decimal(value), (unit.id, name, measure.earned)
    elif field == "vetoes":
        assert [v.name for v in unit.vetoes] == wanted
    elif field == "commendations":
        assert list(unit.commendations) == wanted
    elif field in ("grade", "grade_reason", "rank", "eligible", "items", "completed_items"):
        assert getattr(unit, field) == wanted, (unit.id, field, getattr(unit, field))
    else:
        actual = getattr(unit, field)
        assert actual is not None and actual == decimal(wanted), (unit.id, field, actual)


@pytest.mark.parametrize(("path", "document", "run"), runs())
def test_without_explanations_results_are_identical(path: Path, document: dict[str, Any], run: dict[str, Any]) -> None:
    """The fast path that builds no explanation trace changes no result, and reports the same errors."""
    if "data_errors" in run["expect"]:
        return
    policy = targetdsl.parse_policy(document["policy"], name=path.name)
    options = {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }
    if "evaluation_errors" in run["expect"]:
        with pytest.raises(targetdsl.EvaluationError) as traced_error, by_reference():
            policy.evaluate(document["units"], **options)
        with pytest.raises(targetdsl.EvaluationError) as fast_error:
            policy.evaluate(document["units"], explain=False, **options)
        assert fast_error.value.problems == traced_error.value.problems
        return
    if run.get("over_periods"):
        with by_reference():
            traced = policy.evaluate_over_periods(document["periods"], carried_in=document.get("carried_in"))
        fast = policy.evaluate_over_periods(document["periods"], carried_in=document.get("carried_in"), explain=False)
        assert fast.to_json() == traced.to_json()
        assert all(unit.explanation == () for unit in fast.units)
        return
    with by_reference():
        traced = policy.evaluate(document["units"], **options)
    fast = policy.evaluate(document["units"], explain=False, **options)
    assert fast.to_json() == traced.to_json()
    assert all(unit.explanation == () for unit in fast.units)
    # explanations built on first read are the reference's, for the same numbers
    on_demand = policy.evaluate(document["units"], **options)
    assert on_demand.to_json(explanations=True) == traced.to_json(explanations=True)


@pytest.mark.parametrize(("path", "document", "run"), runs())
def test_streamed_results_are_identical(path: Path, document: dict[str, Any], run: dict[str, Any]) -> None:
    """Streaming (passes over a spool) gives the in-memory results, ledger and completion, or the same errors:
    every policy streams, those comparing units across their class included."""
    policy = targetdsl.parse_policy(document["policy"], name=path.name)
    options = {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }
    units = document["units"]
    if run.get("over_periods"):
        return  # streamed and in parts: tests/unit/test_periods_streamed.py
    for key, error in (("data_errors", targetdsl.DataError), ("evaluation_errors", targetdsl.EvaluationError)):
        if key in run["expect"]:
            with pytest.raises(error) as caught:
                policy.stream(iter(units), **options)
            problems = [str(p) for p in caught.value.problems]  # type: ignore[attr-defined]
            for expected in run["expect"][key]:
                assert any(expected in p for p in problems), f"{expected!r} not in {problems}"
            return
    assessment = policy.evaluate(units, explain=False, **options)
    with policy.stream(iter(units), **options) as stream:
        assert [unit_json(u) for u in stream] == assessment.to_json()["units"]
        assert stream.ledger == assessment.ledger
        assert stream.completion == assessment.completion
        assert [unit_json(u) for u in stream] == assessment.to_json()["units"]  # again: the spool is kept


@pytest.mark.parametrize(("path", "document", "run"), runs())
def test_a_unit_explained_from_a_stream_is_explained_as_in_memory(
    path: Path, document: dict[str, Any], run: dict[str, Any]
) -> None:
    """`Stream.explain` (what `targetdsl explain` does with a .jsonl or .csv file): every unit's explanation
    and numbers as `Policy.evaluate` gives them, peer functions, rankings across classes, awards comparing
    units and last year's results included."""
    if "data_errors" in run["expect"] or "evaluation_errors" in run["expect"] or run.get("over_periods"):
        return
    policy = targetdsl.parse_policy(document["policy"], name=path.name)
    options = {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }
    assessment = policy.evaluate(document["units"], **options)
    with policy.stream(iter(document["units"]), **options) as stream:
        for unit in assessment.units:
            explained = stream.explain(unit.id)
            assert unit_json(explained, explanations=True) == unit_json(unit, explanations=True)
            assert stream.ranked_with(unit.unit_class) == assessment.ranked_with(unit.unit_class)
        with pytest.raises(KeyError):
            stream.explain("no such unit")
