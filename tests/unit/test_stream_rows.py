"""`Stream.rows`: what a table row shows of each unit, kept when the unit was scored (a `Brief`, for a
class without awards and commendations), against the stream's `UnitResult`s, field by field and as the
CSV bytes `csv_row` writes: every case, generated policies (peer functions, quotas, `missing peer_avg`,
which score the units again after the first pass), small batches, the shipped policies. And the same rows
kept by the parts of an evaluation in parts, rendered by `CsvLine`, in memory and in spool files."""

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.evaluation.drafts import Brief
from targetdsl.numeric import EXACT
from targetdsl.office.tables import CsvLine, csv_line, csv_row, jsonl_line
from targetdsl.scaling import partition, stream
from tests.fuzz.strategies import policies
from tests.unit.test_partition import QUOTAS, case_options, cases, quota_units
from tests.unit.test_stream_peers import peer_policies, records_for

ROOT = Path(__file__).resolve().parents[2]
# every field a brief gives (those a class without awards and commendations never has included)
FIELDS = (*(name for name in Brief.__slots__ if not name.startswith("_")), "eligible", "money", "commendations")


def rows_alike(policy: targetdsl.Policy, units: Any, **options: Any) -> int:
    """Checks a stream's rows against its results; how many rows were briefs (0 when the data are refused)."""
    try:
        with policy.stream(units, **options) as results:
            every = list(results)
            rows = list(results.rows())
            again = list(results.rows())  # read again, as a stream is
    except (targetdsl.DataError, targetdsl.EvaluationError):
        return 0
    assert [type(r) for r in rows] == [type(r) for r in again]
    categories = list(dict.fromkeys(c.name for spec in policy.schema.classes.values() for c in spec.categories))
    briefs = 0
    assert len(rows) == len(every)
    for row, result in zip(rows, every, strict=True):
        if isinstance(row, Brief):
            briefs += 1
            for name in FIELDS:
                value, expected = getattr(row, name), getattr(result, name)
                assert (type(value), value) == (type(expected), expected), (row.id, name)
            for category in categories:
                assert row.subtotal(category) == result.subtotal(category), (row.id, category)
        else:
            assert row == result
        for shown in (EXACT, policy.shown):
            assert csv_row(row, categories, shown=shown) == csv_row(result, categories, shown=shown)
    alone_alike(policy, units, [csv_row(r, categories, shown=policy.shown) for r in every], categories, **options)
    for parts in (1, 3):  # the rows the parts keep (in memory here), rendered where they are finished
        done = policy.evaluate_parts(units, parts=parts, render=CsvLine(shown=policy.shown), **options)
        assert list(done.results) == [csv_line(r, done.categories, shown=policy.shown) for r in every]
    return briefs


def alone_alike(policy: targetdsl.Policy, units: Any, lines: list[Any], categories: list[str], **options: Any) -> None:
    """A stream made to be read by `rows` alone writes the same rows; where nothing reads a unit back after
    it is scored, it spools none, and it refuses to be iterated or to explain."""
    with policy.stream(units, rows_only=True, **options) as alone:
        assert [csv_row(r, categories, shown=policy.shown) for r in alone.rows()] == lines
        alone.spool.seek(0, 2)
        if not alone.keeps_units:
            assert alone.spool.tell() == 0
            with pytest.raises(ValueError, match="rows_only"):
                list(alone)
            for unit_id, _name, _class in alone.units():
                with pytest.raises(ValueError, match="rows_only"):
                    alone.explain(unit_id)
                break


@pytest.mark.parametrize(("name", "document", "run"), cases())
def test_every_case_rows_are_its_results(name: str, document: dict[str, Any], run: dict[str, Any]) -> None:
    policy = targetdsl.parse_policy(document["policy"], name=name)
    rows_alike(policy, document["units"], **case_options(document, run))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(peer_policies(), st.integers(1, 40))
def test_generated_peer_policies_rows_are_their_results(case: tuple[str, int, int], batch: int) -> None:
    text, count, seed = case
    if targetdsl.check_text(text).errors:
        return
    policy = targetdsl.parse_policy(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stream, "BATCH", batch)  # scored, and rows read back, in batches of any size
        rows_alike(policy, records_for(policy, count, seed))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(policies())
def test_generated_policies_rows_are_their_results(case: tuple[str, list[Any]]) -> None:
    text, units = case
    rows_alike(targetdsl.parse_policy(text), units)


def test_a_policy_with_quotas_and_a_class_average_rows_are_its_results(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "BATCH", 7)
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    assert rows_alike(policy, quota_units(120, seed=5)) == 120  # every unit a brief: no award, no commendation


@pytest.mark.parametrize("year", ["2002", "2003"])
def test_the_shipped_policies_rows_are_their_results(year: str) -> None:
    policy = targetdsl.load_policy(ROOT / "policies" / f"lianyungang-{year}.tdsl")
    rows_alike(policy, ROOT / "examples" / f"lianyungang-{year}" / "units.yaml")


AWARDED = """policy "p" { year 2003 status draft }
class a { 经济 100 }
class b { 经济 100 }
category 经济 { indicator x points 100 { input v: number score points * min(v / 10, 1) } }
award 目标奖 for b { money { 优秀 1000 } }
veto 安全 { input failed: bool missing default false  when failed  effect zero score }
grades { 优秀 >= 60  不合格 < 60 }
"""
PLAIN = AWARDED.replace("award 目标奖 for b { money { 优秀 1000 } }", "")  # no unit read back once scored


def awarded_units(count: int) -> list[dict[str, Any]]:
    """Units of both classes of AWARDED; every fourth vetoed (reported 0, its total before the veto kept)."""
    units: list[dict[str, Any]] = []
    for c in "ab":
        for i in range(1, count + 1):
            units.append({"id": f"{c}{i}", "class": c, "indicators": {"x": {"v": str(i % 13)}}})
            if i % 4 == 0:
                units[-1]["vetoes"] = {"安全": {"failed": True}}
    return units


def test_a_stream_read_by_rows_alone_spools_units_only_when_it_reads_them_back() -> None:
    plain = targetdsl.parse_policy(PLAIN)
    with plain.stream(awarded_units(30), rows_only=True) as results:
        assert not results.keeps_units
        assert sum(1 for _ in results.rows()) == 60
    with plain.stream(awarded_units(30)) as results:  # iterated or explained: every unit spooled
        assert results.keeps_units
    for policy, units in (
        (targetdsl.parse_policy(AWARDED), awarded_units(30)),  # an award: class b's units are finished again
        (targetdsl.parse_policy(QUOTAS, name="quotas.tdsl"), quota_units(40, seed=3)),  # scored again
    ):
        with policy.stream(units, rows_only=True) as results:
            assert results.keeps_units
            assert sum(1 for _ in results.rows()) == len(units)


def test_parts_rendering_rows_spool_units_only_when_they_read_them_back(monkeypatch: pytest.MonkeyPatch) -> None:
    spooled: list[str] = []
    real = partition.spooled

    def counted(unit: Any) -> bytes:
        spooled.append(unit.id)
        return real(unit)

    monkeypatch.setattr(partition, "spooled", counted)
    plain = targetdsl.parse_policy(PLAIN)
    units = awarded_units(20)
    with plain.stream(units) as results:
        wanted = [csv_line(r, ["经济"], shown=plain.shown) for r in results]
    done = plain.evaluate_parts(units, parts=3, render=CsvLine(shown=plain.shown))
    assert list(done.results) == wanted and spooled == []  # rows alone: nothing read back, nothing spooled
    plain.evaluate_parts(units, parts=3, render=functools.partial(jsonl_line, shown=plain.shown))
    assert len(spooled) == 40  # a JSON line is finished from the unit, read back
    spooled.clear()
    targetdsl.parse_policy(AWARDED).evaluate_parts(units, parts=3, render=CsvLine())
    assert len(spooled) == 40  # class b's units, with an award, are finished from the unit


def test_a_class_with_an_award_is_read_as_its_results() -> None:
    policy = targetdsl.parse_policy(AWARDED)
    units = awarded_units(8)
    assert rows_alike(policy, units) == 8  # class a's; class b's units are their results, money and all
    with policy.stream(units) as results:
        assert [type(r).__name__ for r in results.rows()] == ["Brief"] * 8 + ["UnitResult"] * 8


@attrs.frozen
class Marked(CsvLine):
    """A CSV line marked with what it was made from: the row a pass kept (B) or a unit scored again (U)."""

    def __call__(self, unit: Any, categories: Sequence[str]) -> str:
        return ("B" if isinstance(unit, Brief) else "U") + super().__call__(unit, categories)


@pytest.mark.parametrize("kind", ["first pass", "a scoring pass after it", "nothing read back"])
def test_parts_in_processes_write_the_rows_they_kept(kind: str, tmp_path: Path) -> None:
    """In files beside each part's spool: the rows its first pass kept, or those of the pass that scores a
    policy comparing units (efficacy, a rank, the class average) once the class figures are known."""
    if kind == "first pass":
        policy, units = targetdsl.parse_policy(AWARDED), awarded_units(150)
    elif kind == "nothing read back":  # no unit spooled: every line from its row
        policy = targetdsl.parse_policy(PLAIN)
        units = awarded_units(150)
    else:
        policy, units = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl"), quota_units(300, seed=9)
    data = tmp_path / "units.jsonl"
    data.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), "utf-8")
    with policy.stream(data) as results:
        every = list(results)
    render = Marked(shown=policy.shown)
    done = policy.evaluate_parts(data, jobs=2, parts=3, render=render)  # each part's rows in its spool file
    lines = list(done.results)
    assert [line[1:] for line in lines] == [csv_line(r, done.categories, shown=policy.shown) for r in every]
    # every unit of a class without an award from its kept row; the others scored again
    assert [line[0] for line in lines] == ["B" if r.unit_class != "b" or kind != "first pass" else "U" for r in every]
