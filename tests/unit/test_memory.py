"""Memory stays flat: nothing an evaluation makes outlives it, on every path a value can take.

Data that takes the slow paths of validation (missing values resolved by rule, dates, booleans
written `是`, numbers as text with a thousands separator) is evaluated again and again, in memory
and streamed; the memory still held afterwards must not grow with the number of evaluations or of
units. A raised exception kept between calls (its traceback pinning every frame and record it
passed through) is what this catches.
"""

import copy
import gc
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.units.documents import read_document

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "lianyungang-2003.tdsl"
UNITS = ROOT / "examples" / "lianyungang-2003" / "units.yaml"

SLOW = """policy "慢路径" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 {
    indicator 产值 points 60 {
        input target: number
        input actual: number missing zero
        score points * min(actual / target, 1)
    }
    indicator 验收 points 40 {
        input passed: bool missing default false
        input on: date missing default 2003-12-31
        score if passed and on <= 2003-12-31 then points else 0
    }
}
"""


def slow_unit(number: int) -> dict[str, Any]:
    """A unit whose every value leaves the quick converter for the full check."""
    return {
        "id": f"U{number:06d}",
        "name": f"单位{number}",
        "class": "县区",
        "indicators": {
            "产值": {"target": "1,000", "actual": None if number % 2 else f" {900 + number % 50} "},
            "验收": {"passed": "是" if number % 3 else "否", "on": "2003-06-30" if number % 5 else None},
        },
    }


def held_after(run: Any, times: int) -> int:
    """Bytes still allocated after `times` runs, counted from after the first (which warms caches)."""
    run()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(times):
            run()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()


def test_repeated_evaluations_hold_no_memory() -> None:
    policy = targetdsl.load_policy(POLICY)
    records = read_document(UNITS)
    slow = targetdsl.parse_policy(SLOW, name="slow.tdsl")
    units = [slow_unit(i) for i in range(300)]

    def evaluate() -> None:
        policy.evaluate(copy.deepcopy(records), explain=False)
        policy.evaluate(copy.deepcopy(records))
        slow.evaluate(units, explain=False)
        slow.evaluate(units)

    # under 50 KB a run, as four runs under 200 KB said: a run held by mistake keeps its units' records
    assert held_after(evaluate, 2) < 100_000


def test_slow_path_values_are_read_as_meant() -> None:
    policy = targetdsl.parse_policy(SLOW, name="slow.tdsl")
    result = policy.evaluate([slow_unit(4), slow_unit(3)], explain=False)
    scores = {u.id: u.total for u in result.units}
    assert scores == {"U000004": Decimal("94.24"), "U000003": 0}


def test_a_stream_of_slow_path_units_holds_memory_independent_of_its_length(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(SLOW, name="slow.tdsl")

    def stream(count: int) -> Any:
        path = tmp_path / f"{count}.jsonl"
        path.write_text(
            "".join(json.dumps(slow_unit(i), ensure_ascii=False) + "\n" for i in range(count)), encoding="utf-8"
        )

        def run() -> None:
            with policy.stream(path) as results:
                for _ in results:
                    pass

        return run

    small, large = held_after(stream(100), 2), held_after(stream(1_000), 2)
    # what a run keeps (caches: some 60 KB) does not grow with its units: 900 more, under 45 bytes each
    assert large < 200_000 and large - small < 40_000, (small, large)


def _ours(thing: Any) -> bool:
    """An object of the library's, or a frame or function of its code (a traceback kept in a cycle)."""
    if type(thing).__module__.startswith("targetdsl"):
        return True
    code = getattr(thing, "f_code", None) or getattr(thing, "__code__", None)
    return code is not None and "targetdsl" in code.co_filename


@pytest.mark.parametrize("explain", [False, True])
def test_an_evaluation_leaves_no_cycles_behind(explain: bool) -> None:
    """The cycle collector is paused while units are evaluated: whatever an evaluation makes must be freed
    by reference counting alone, or it waits for a full collection (everything it reaches with it).
    Only the library's own objects are looked for among what a collection finds: a test process may run
    other threads (a Dask cluster's) that leave garbage of their own meanwhile."""
    root = Path(__file__).resolve().parents[2]
    policy = targetdsl.load_policy(root / "policies" / "lianyungang-2003.tdsl")
    data = root / "examples" / "lianyungang-2003"
    policy.evaluate(data / "units.yaml", carried_in=data / "carried-in.yaml", explain=explain)  # caches built
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage, to be looked at
    try:
        assessment = policy.evaluate(data / "units.yaml", carried_in=data / "carried-in.yaml", explain=explain)
        assert all(unit.explanation for unit in assessment.units) == explain
        del assessment
        gc.collect()
        assert [type(o).__qualname__ for o in gc.garbage if _ours(o)] == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_a_pause_of_the_collector_moves_none_of_the_callers_objects() -> None:
    """The collector paused around an evaluation is enabled again as it was, with nothing frozen: an
    object the program made just before is not moved to the oldest generation with what was made
    meanwhile (at most one young collection, when the collector runs again, takes it a generation up)."""
    from targetdsl.evaluation.collector import collector_paused

    was = gc.isenabled()
    try:
        gc.collect()
        gc.enable()
        mine = [{"made": "by the program"}]
        with collector_paused():
            assert not gc.isenabled()
            made = [[index] for index in range(100_000)]
        assert gc.isenabled() and gc.get_freeze_count() == 0
        assert not any(o is mine for o in gc.get_objects(generation=2))
        del made
        gc.disable()
        with collector_paused():
            pass
        assert not gc.isenabled()  # a program that disabled it finds it disabled
    finally:
        (gc.enable if was else gc.disable)()


def test_an_evaluation_with_the_collector_disabled_leaves_the_callers_objects_where_they_were() -> None:
    policy = targetdsl.load_policy(POLICY)
    data = ROOT / "examples" / "lianyungang-2003"
    was = gc.isenabled()
    try:
        gc.collect()
        gc.disable()
        mine = [{"made": "by the program"}]
        policy.evaluate(data / "units.yaml", carried_in=data / "carried-in.yaml", explain=False)
        assert not gc.isenabled() and gc.get_freeze_count() == 0
        assert any(o is mine for o in gc.get_objects(generation=0))
    finally:
        (gc.enable if was else gc.disable)()
