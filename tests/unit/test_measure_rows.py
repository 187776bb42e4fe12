"""A unit's measures kept in the row validation read them into (`MeasureRows`): the same mapping as the
dict of `MeasureData` it stands for, in every way a program or a record sees it; the class kernel reads
its numbers in the row, making no `MeasureData`; and what the kernel scores from a row is what it scores
from the same measures held as a dict."""

from __future__ import annotations

import functools
import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import targetdsl
from benchmarks.workload import generate, policy
from targetdsl.audit.record import units_sha256
from targetdsl.evaluation.results import unit_json
from targetdsl.scaling.stream import spooled, unspooled
from targetdsl.units.data import Validator
from targetdsl.units.intake import row_shape
from targetdsl.values import MeasureData, MeasureRows, Unit

PERCENT = """policy "percent" { year 2003 status draft }
class c { all 100 }
category all {
    indicator x points 100 {
        input rate: percent
        score points * min(rate, 100%)
    }
}
"""


def read(text: str, records: list[dict[str, Any]]) -> list[Unit]:
    """The records validated with the usual path taken from the first record on."""
    validator = Validator(targetdsl.parse_policy(text, name="p.tdsl").schema, "data.yaml", usual_after=1)
    units = validator.units(records)
    assert validator.problems == []
    return units


def as_dicts(units: list[Unit]) -> list[Unit]:
    return [attrs.evolve(u, measures=dict(u.measures)) for u in units]


def test_a_plain_class_keeps_its_measures_in_a_row() -> None:
    units = read(policy.text(), generate.units(30))
    assert all(type(u.measures) is MeasureRows for u in units)
    assert all(not u.measures._made for u in units)  # nothing made yet


def test_a_row_is_the_dict_it_stands_for() -> None:
    unit = read(policy.text(), generate.units(3))[1]
    rows = unit.measures
    assert isinstance(rows, MeasureRows)
    plain = dict(rows)
    assert all(type(m) is MeasureData for m in plain.values())
    assert rows == plain and plain == rows and not rows != plain
    assert list(rows) == list(plain) and len(rows) == len(plain) == 31
    assert rows.get("q01") == plain["q01"] and rows.get("nothing") is None and "other" in rows
    assert repr(rows) == repr(plain)
    back = pickle.loads(pickle.dumps(unit))
    assert type(back.measures) is dict and back == unit and unit == back
    for measure, key in rows.layout:  # every number in its place
        data = plain[measure]
        assert rows.row[rows.layout[(measure, key)]] is (data.ratings or data.values)[key]


def test_a_record_digests_a_row_as_its_dict() -> None:
    units = read(policy.text(), generate.units(20))
    assert units_sha256(units) == units_sha256(as_dicts(units))


def test_the_kernel_reads_the_row_and_makes_no_measure() -> None:
    compiled = targetdsl.parse_policy(policy.text(), name="w.tdsl")
    units = read(policy.text(), generate.units(40))
    assessment = compiled.evaluate(units, explain=False)
    assert len(assessment.units) == 40
    assert all(not u.measures._made for u in units)  # type: ignore[attr-defined]


def test_a_row_and_a_dict_give_the_same_results() -> None:
    compiled = targetdsl.parse_policy(policy.text(), name="w.tdsl")
    records = generate.units(60)
    records[5]["indicators"]["q03"]["actual"] = "0"  # a ratio the kernel hands to the reference
    units = read(policy.text(), records)
    from_rows = compiled.evaluate(units, explain=False)
    from_dicts = compiled.evaluate(as_dicts(units), explain=False)
    assert from_rows.to_json() == from_dicts.to_json()
    explained = compiled.evaluate(units)  # the explanations read the measures: made then, the same
    assert explained.to_json(explanations=True) == compiled.evaluate(as_dicts(units)).to_json(explanations=True)


def test_a_percent_input_keeps_its_measures_in_a_dict() -> None:
    units = read(PERCENT, [{"id": f"U{i}", "class": "c", "indicators": {"x": {"rate": "87.5"}}} for i in range(3)])
    assert all(type(u.measures) is dict for u in units)
    result = targetdsl.parse_policy(PERCENT, name="p.tdsl").evaluate(units, explain=False)
    assert [u.total for u in result.units] == [Decimal("87.5")] * 3


def test_a_spool_gives_back_every_number_exactly() -> None:
    schema = targetdsl.parse_policy(policy.text(), name="w.tdsl").schema
    records = generate.units(4)
    forms = ["1.50", "0", "100", "0.000001", "123456789012345.6", "7.00"]  # digits and exponents as written
    for record, form in zip(records, forms, strict=False):
        record["indicators"]["q01"]["target"] = form
    validator = Validator(schema, "data.yaml", usual_after=1)
    units = validator.units(records)
    for unit in units:
        assert isinstance(unit.measures, MeasureRows)
        assert all(type(x) is Decimal for x in unit.measures.row)
        back = unspooled(spooled(unit), functools.partial(row_shape, schema), "lost")
        assert type(back.measures) is MeasureRows and back == unit
        assert [x.as_tuple() for x in back.measures.row] == [x.as_tuple() for x in unit.measures.row]
    plain = as_dicts(units)[0]
    assert unspooled(spooled(plain), functools.partial(row_shape, schema), "lost") == plain


def test_a_spool_that_does_not_fit_the_policy_is_lost() -> None:
    schema = targetdsl.parse_policy(policy.text(), name="w.tdsl").schema
    unit = read(policy.text(), generate.units(1))[0]
    blob = spooled(unit)
    with pytest.raises(RuntimeError, match="lost"):
        unspooled(blob, lambda unit_class: None, "lost")  # the class keeps no row
    shape = row_shape(schema, "county")
    assert shape is not None
    with pytest.raises(RuntimeError, match="lost"):
        unspooled(blob, lambda unit_class: (shape[0], shape[1], shape[2] + 1), "lost")  # another width
    with pytest.raises(RuntimeError, match="lost"):
        unspooled(pickle.dumps(["not", "a", "unit"]), lambda unit_class: shape, "lost")
    with pytest.raises(RuntimeError, match="lost"):
        unspooled(b"", lambda unit_class: shape, "lost")  # the place of a unit that was not spooled


def test_a_streamed_evaluation_reads_rows_back(tmp_path: Path) -> None:
    compiled = targetdsl.parse_policy(policy.text(), name="w.tdsl")
    records = generate.units(250)  # past the count after which the usual path is taken
    path = tmp_path / "units.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with compiled.stream(path) as results:
        streamed = [unit_json(u) for u in results]
    assert streamed == [unit_json(u) for u in compiled.evaluate(records, explain=False).units]
