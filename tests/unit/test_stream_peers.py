"""Streaming policies that compare units across their class (peer functions, `missing peer_avg`).

The stream gathers each class's figures before scoring (see stream.py); these tests hold it to the
in-memory evaluation field by field — results, ledger, completion and errors — over every case and
docs example that compares units, generated policies and data, batches that split a class, records
given as an iterable, as JSON Lines and as CSV, and the command line's bytes.
"""

import csv
import gc
import json
import random
import re
from collections.abc import Iterator
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.schema import InputSpec
from targetdsl.numeric import CONTEXT
from targetdsl.scaling import stream as streaming
from targetdsl.units.documents import parse_yaml
from targetdsl.values import Unit
from tests.fuzz.strategies import expressions, policies
from tests.support import case_documents

ROOT = Path(__file__).resolve().parents[2]
PEER_CALL = re.compile(r"\b(" + "|".join(name for name, f in FUNCTIONS.items() if f.peer) + r")\(|missing peer_avg")
TDSL = re.compile(r"```tdsl\n(.*?)```", re.S)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few units, so that every class is scored in several parts."""
    monkeypatch.setattr(streaming, "BATCH", 3)


def outcome(run: Any) -> Any:
    """What an evaluation gives: every result, the ledger and the completion; or its error and problems."""
    try:
        return run()
    except (targetdsl.DataError, targetdsl.EvaluationError) as exc:
        return type(exc).__name__, [str(p) for p in exc.problems]


def in_memory(policy: targetdsl.Policy, units: Any, **options: Any) -> Any:
    assessment = policy.evaluate(units, explain=False, **options)
    whole = assessment.to_json()
    return whole["units"], whole["ledger"], whole["completion"]


def streamed(policy: targetdsl.Policy, units: Any, **options: Any) -> Any:
    with policy.stream(units, **options) as results:
        first = [unit_json(u) for u in results]
        assert [unit_json(u) for u in results] == first  # read again from the spool
        whole = targetdsl.Assessment(
            "", None, None, (), (), results.ledger, results.completion
        ).to_json()  # the ledger and completion as `to_json` writes them
        return first, whole["ledger"], whole["completion"]


def assert_streams_alike(policy: targetdsl.Policy, units: list[Any], **options: Any) -> Any:
    expected = outcome(lambda: in_memory(policy, units, **options))
    assert outcome(lambda: streamed(policy, iter(units), **options)) == expected
    return expected


def flat(record: Any, prefix: str = "") -> dict[str, Any]:
    """A record as CSV columns: nested keys joined by dots, list positions from 1."""
    cells: dict[str, Any] = {}
    items = enumerate(record, 1) if isinstance(record, list) else record.items()
    for key, value in items:
        name = f"{prefix}{key}"
        if isinstance(value, (dict, list)):
            cells.update(flat(value, name + "."))
        else:
            cells[name] = value
    return cells


def write_files(directory: Path, units: list[Any]) -> tuple[Path, Path]:
    jsonl, table = directory / "units.jsonl", directory / "units.csv"
    jsonl.write_text("".join(json.dumps(u, ensure_ascii=False, default=str) + "\n" for u in units), encoding="utf-8")
    rows = [flat(u) for u in units]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return jsonl, table


def assert_files_stream_alike(policy: targetdsl.Policy, directory: Path, units: list[Any]) -> None:
    """From a JSON Lines file and from a CSV file, the stream gives what `evaluate` of the same file gives."""
    for path in write_files(directory, units):
        expected = outcome(lambda p=path: in_memory(policy, p))  # type: ignore[misc]
        assert outcome(lambda p=path: streamed(policy, p)) == expected, path.name  # type: ignore[misc]


# -- data for any policy


def value(spec: InputSpec, rng: random.Random, year: int | None) -> Any:
    """A value of `spec`'s type, within its fixed range; ties on purpose (few distinct values), now
    and then with extra zeros (2.0 and 2.00 compare equal but print differently)."""
    if spec.type == "bool":
        return rng.choice([True, False])
    if spec.type == "date":
        return f"{year or 2003}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    low = spec.low.value if spec.low is not None else Decimal(0)
    high = spec.high.value if spec.high is not None else low + 50
    if spec.type == "count":
        return str(rng.randint(int(low), int(high)))
    number = low + (high - low) * Decimal(rng.randint(1 if spec.divisor else 0, 8)) / 8
    return format(number, "f") + rng.choice(["", "", "0"] if "." in format(number, "f") else ["", "", ".00"])


def records_for(policy: targetdsl.Policy, count: int, seed: int) -> list[dict[str, Any]]:
    """Units for every class of `policy`, in no particular order of id, each input present or missing."""
    rng = random.Random(seed)
    schema = policy.schema
    ids = rng.sample(range(10_000), count)
    units = []
    for number in ids:
        name = rng.choice(list(schema.classes))
        indicators: dict[str, Any] = {}
        for measure in schema.classes[name].measures():
            if measure.kind != "indicator" or measure.subitems:
                continue
            indicators[measure.name] = {
                spec.name: value(spec, rng, schema.year)
                for spec in measure.inputs.values()
                if spec.missing == "error" or rng.random() < 0.8
            }
        unit: dict[str, Any] = {"id": f"U{number:04d}", "class": name, "indicators": indicators}
        inputs = {
            s.name: value(s, rng, schema.year)
            for s in schema.unit_inputs.values()
            # last year's results are read from them, not the data; a value without a missing rule is given
            if (s.missing == "error" or rng.random() < 0.7) and s.last_year is None
        }
        if inputs:
            unit["inputs"] = inputs
        units.append(unit)
    return units


# -- every case and docs example that compares units


def peer_cases() -> Iterator[Any]:
    for path, document in case_documents():
        if not PEER_CALL.search(document["policy"]):
            continue
        for index, run in enumerate(document.get("cases") or [{}]):
            yield pytest.param(document, run, id=f"{path.stem}[{index}]")


def peer_examples() -> Iterator[Any]:
    """Each docs policy example that compares units and checks by itself or after its page's first block."""
    for page in sorted((ROOT / "docs").glob("*.md")):
        blocks = TDSL.findall(page.read_text(encoding="utf-8"))
        for index, body in enumerate(blocks):
            if not PEER_CALL.search(body):
                continue
            for text in (body, blocks[0] + body):
                if not targetdsl.check_text(text, name=page.name, base=ROOT / "policies").errors:
                    yield pytest.param(text, id=f"{page.name}:{index}")
                    break


def test_cases_and_examples_that_compare_units_are_found() -> None:
    assert len(list(peer_cases())) >= 3
    assert len(list(peer_examples())) >= 1


@pytest.mark.parametrize(("document", "run"), list(peer_cases()))
def test_every_case_comparing_units_streams_as_in_memory(
    document: dict[str, Any], run: dict[str, Any], tmp_path: Path
) -> None:
    policy = targetdsl.parse_policy(document["policy"], name="case.tdsl")
    options = {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }
    assert_streams_alike(policy, document["units"], **options)
    if not any(options.values()):
        assert_files_stream_alike(policy, tmp_path, document["units"])
    for seed in range(3):  # and on larger data, the classes split across batches
        assert_streams_alike(policy, records_for(policy, 40, seed), **options)


@pytest.mark.parametrize("text", list(peer_examples()))
def test_every_docs_example_comparing_units_streams_as_in_memory(text: str, tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(text, name="example.tdsl")
    for seed in range(3):
        units = records_for(policy, 30, seed)
        result = assert_streams_alike(policy, units, last_year=last_year_for(policy, units))
        assert isinstance(result[0], list), result  # the data are good: results are compared, not only errors
    if not policy.schema.last_year_inputs():
        assert_files_stream_alike(policy, tmp_path, records_for(policy, 25, 7))


def last_year_for(policy: targetdsl.Policy, units: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Last year's results for `units`, for a policy with inputs `from last year`: each unit ranked in
    the reverse of the order given, with a total, in its own class."""
    if not policy.schema.last_year_inputs():
        return None
    year = (policy.schema.year or 2024) - 1
    ranked = list(reversed(units))
    return {
        "year": year,
        "units": [
            {"id": u["id"], "unit_class": u["class"], "rank": place, "total": str(100 - place % 50)}
            for place, u in enumerate(ranked, 1)
        ],
    }


# -- generated policies


PEER_TERMS = ["efficacy", "efficacy_reverse", "rank", "rank_asc", "peer_min", "peer_max", "peer_avg", "peer_count"]


@st.composite
def peer_policies(draw: st.DrawFn) -> tuple[str, int, int]:
    """A policy whose indicators compare units across their class (any class-wide function over any
    expression, inputs that may be missing as na, zero or the class average), two classes, a quota;
    with the number and seed of its units."""
    lines = [
        'policy "同类比较" { year 2003 status draft rounding '
        + draw(st.sampled_from(["half_up 2 at total", "half_even 1 at indicator, total", "down 0 at category"]))
        + " }",
        "class 甲类 { k0 60 k1 40 }",
        "class 乙类 { k0 100 }",
        "input 规模: number missing " + draw(st.sampled_from(["default 1", "peer_avg", "zero"])),
        "const 倍数 = 规模 + 1",
    ]
    for category in ("k0", "k1"):
        body = []
        for j in range(draw(st.integers(1, 3))):
            inputs = draw(st.lists(st.sampled_from(["x", "y", "增长"]), min_size=1, max_size=2, unique=True))
            declared = " ".join(
                f"input {name}: number missing {draw(st.sampled_from(['na', 'peer_avg', 'zero', 'error']))}"
                for name in inputs
            )
            scope = [*inputs, "倍数", "points"]
            term = draw(st.sampled_from(PEER_TERMS))
            argument = draw(expressions(scope))
            call = "peer_count()" if term == "peer_count" else f"{term}({argument})"
            score = draw(
                st.sampled_from(
                    [
                        "{call}",
                        "points * {call} / 100",
                        "{call} + {other}",
                        "bands {call} {{ >= 80: points, >= 2: points / 2, otherwise: 0 }}",
                        "min({call}, {other})",
                    ]
                )
            ).format(call=call, other=draw(expressions(scope)))
            let = f"let 中 = {draw(expressions(scope))} " if draw(st.booleans()) else ""
            body.append(
                f"indicator {category}_{j} points {draw(st.integers(1, 20))} {{ {declared} {let}score {score} }}"
            )
        lines.append(f"category {category} {{ " + " ".join(body) + " }")
    lines.append("grades { 优 >= 80 quota 20% 良 50 to 80 差 otherwise }")
    return "\n".join(lines) + "\n", draw(st.integers(0, 30)), draw(st.integers(0, 10**6))


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(peer_policies())
def test_generated_peer_policies_stream_as_in_memory(case: tuple[str, int, int]) -> None:
    text, count, seed = case
    report = targetdsl.check_text(text)
    if report.errors:  # e.g. a class-wide function nested in another through a let
        return
    policy = targetdsl.parse_policy(text)
    assert_streams_alike(policy, records_for(policy, count, seed))


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(peer_policies())
def test_many_generated_peer_policies_stream_as_in_memory(case: tuple[str, int, int]) -> None:
    test_generated_peer_policies_stream_as_in_memory.hypothesis.inner_test(case)  # type: ignore[attr-defined]


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(policies())
def test_generated_policies_stream_as_in_memory(case: tuple[str, list[dict[str, Any]]]) -> None:
    """The general generator's policies (`missing peer_avg` among others), on its own data."""
    text, units = case
    assert_streams_alike(targetdsl.parse_policy(text), units)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(policies())
def test_many_generated_policies_stream_as_in_memory(case: tuple[str, list[dict[str, Any]]]) -> None:
    test_generated_policies_stream_as_in_memory.hypothesis.inner_test(case)  # type: ignore[attr-defined]


# -- errors, the command line, progress


DIVIDES = """policy "p" { year 2003 status draft }
class c { k 100 }
category k {
    indicator a points 100 {
        input x: number
        input y: number missing na
        score points * efficacy(x / y) / 100
    }
    indicator b points 10 { input z: number missing peer_avg score min(rank(z), points) }
}
grades { 优 >= 90 quota 20% 良 60 to 90 差 otherwise }
"""


def test_a_problem_in_a_class_wide_argument_is_reported_as_in_memory() -> None:
    policy = targetdsl.parse_policy(DIVIDES, name="p.tdsl")
    units = [
        {"id": f"U{i:02d}", "class": "c", "indicators": {"a": {"x": str(i), "y": str(i % 4)}, "b": {"z": str(i % 5)}}}
        for i in range(20, 0, -1)
    ]
    error, problems = assert_streams_alike(policy, units)
    assert error == "EvaluationError" and len(problems) == 5, problems
    assert all("division by zero" in p and ": a: " in p for p in problems), problems
    # without the zeros, the units whose `y` is missing drop out of the class figures and the measure
    for unit in units:
        if unit["indicators"]["a"]["y"] == "0":
            del unit["indicators"]["a"]["y"]
    results, _, _ = assert_streams_alike(policy, units)
    grades = [r["grade"] for r in results]
    assert len(results) == 20 and 0 < grades.count("优") <= 4, grades  # the quota: at most 20%


def test_the_command_line_streams_a_peer_policy_to_the_same_bytes(tmp_path: Path) -> None:
    (tmp_path / "p.tdsl").write_text(DIVIDES, encoding="utf-8")
    policy = targetdsl.parse_policy(DIVIDES, name="p.tdsl")
    units = [
        {"id": f"U{i:03d}", "class": "c", "indicators": {"a": {"x": str(i % 7), "y": "3"}, "b": {"z": str(i % 9)}}}
        for i in random.Random(5).sample(range(200), 50)
    ]
    for unit in units[::6]:
        del unit["indicators"]["b"]["z"]  # scores the class average
    for data in write_files(tmp_path, units):
        for form in ("csv", "jsonl"):
            streamed_out, in_memory_out = tmp_path / f"s.{form}", tmp_path / f"m.{form}"
            command = ["evaluate", str(tmp_path / "p.tdsl"), str(data), "--format", form]
            assert main([*command, "-o", str(streamed_out)]) == 0
            # --record needs the whole data: the same evaluation, in memory
            assert main([*command, "-o", str(in_memory_out), "--record", str(tmp_path / "r.json")]) == 0
            assert streamed_out.read_bytes() == in_memory_out.read_bytes(), (data.name, form)
    rows = list(csv.DictReader((tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()))
    assert [r["id"] for r in rows] == [u.id for u in policy.evaluate(units).units]


def test_progress_counts_every_pass_of_a_peer_policy(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(DIVIDES, name="p.tdsl")
    units = [
        {"id": f"U{i}", "class": "c", "indicators": {"a": {"x": str(i), "y": "1"}, "b": {"z": str(i)}}}
        for i in range(10)
    ]
    jsonl, _ = write_files(tmp_path, units)
    for missing, passes in ((False, 4), (True, 4)):
        if missing:
            del units[3]["indicators"]["b"]["z"]
            jsonl, _ = write_files(tmp_path, units)
        calls: list[tuple[int, int]] = []
        with policy.stream(jsonl, progress=lambda done, total, calls=calls: calls.append((done, total))) as results:
            list(results)
        # gathered, scored, (scored again with the class average known, or counted done), finished
        assert calls[-1] == (10 * passes, 10 * passes), calls
        assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False)), calls


def test_class_figures_are_taken_in_class_order_not_the_order_read() -> None:
    """The in-memory evaluation reads a class in id order: the first of equal smallest values (2.0,
    2.00) and a 34-digit sum whose last digit depends on the order. The stream reads the units in
    the file's order, split across batches, and must settle its figures in class order."""
    policy = targetdsl.parse_policy(
        """policy "p" { year 2003 status draft }
class c { k 100 }
category k { indicator a points 1000000 { input x: number score peer_min(x) * 1 + peer_avg(x / 7) } }
""",
        name="p.tdsl",
    )
    read = [("U5", "2.00"), ("U3", "2.0"), ("U4", "1234567.891"), ("U1", "3.3"), ("U2", "98765.4321")]
    with localcontext(CONTEXT):
        sevenths = {i: Decimal(x) / 7 for i, x in read}
        assert sum(sevenths.values(), Decimal(0)) != sum((sevenths[i] for i in sorted(sevenths)), Decimal(0))
    units = [{"id": i, "class": "c", "indicators": {"a": {"x": x}}} for i, x in read]
    results, _, _ = assert_streams_alike(policy, units)
    assert len({r["measures"][0]["earned"] for r in results}) == 1


def test_a_stream_of_a_peer_policy_keeps_no_unit_of_an_earlier_batch() -> None:
    """Scoring by the reference path makes frames that read their class through their scorer; the cycle
    collector is paused meanwhile, so such a cycle left behind would keep every batch until the end."""
    policy = targetdsl.parse_policy(DIVIDES, name="p.tdsl")
    units = [
        {"id": f"kept{i:03d}", "class": "c", "indicators": {"a": {"x": str(i), "y": "2"}, "b": {"z": str(i % 9)}}}
        for i in range(60)
    ]
    with policy.stream(iter(units)) as results:
        # garbage not yet collected included
        alive = sum(isinstance(o, Unit) and o.id.startswith("kept") for o in gc.get_objects())
        assert alive <= 2 * streaming.BATCH, alive  # the last batch of each pass so far
        assert len(list(results)) == 60


def test_a_spooled_unit_keeps_its_missing_value_markers() -> None:
    """The spool holds validated units: a value missing as `na` or `peer_avg` is read back as the very
    marker the evaluator tests by identity."""
    import pickle

    from targetdsl.values import NOT_APPLICABLE, PEER_AVERAGE

    again = pickle.loads(pickle.dumps([NOT_APPLICABLE, PEER_AVERAGE]))
    assert again[0] is NOT_APPLICABLE and again[1] is PEER_AVERAGE


def test_carried_awards_and_periods_stream_as_in_memory() -> None:
    """A peer policy streamed with last year's ledger (good, naming a unit not in the data, or an award
    also in the data) and for a period that pro-rates the compared input."""
    document = parse_yaml((ROOT / "tests" / "cases" / "bonus-carry-over.yaml").read_text(encoding="utf-8"))
    policy = targetdsl.parse_policy(document["policy"].replace("score s }", "score efficacy(s) }"))
    units = document["units"]
    for index, unit in enumerate(units):
        unit["indicators"]["s"]["s"] = 50 + 10 * index
    ledger = document["carried_in"]
    _, carried_over, _ = assert_streams_alike(policy, units, carried_in=ledger)
    assert [c["unit"] for c in carried_over] == ["C"]
    for extra in (
        {"unit": "Z", "bonus": "获奖", "level": "省级", "name": "x", "date": "2003-01-20"},
        {"unit": "A", "bonus": "获奖", "level": "省级", "name": "p1", "date": "2003-03-01"},
    ):
        error, _ = assert_streams_alike(
            policy, units, carried_in={**ledger, "carry_over": [*ledger["carry_over"], extra]}
        )
        assert error == "DataError"
    periods = targetdsl.parse_policy("""policy "periods" { year 2003 status draft }
class c { all 100 }
category all {
    indicator 投资 points 10 {
        input target: money prorated
        input actual: money
        score points * efficacy(actual / target) / 100 + rank(target) / 10
    }
}
periods { 上半年 through month 6 全年 through month 12 }
""")
    units = [
        {"id": f"U{i}", "class": "c", "indicators": {"投资": {"target": str(100 + 7 * i), "actual": str(40 + 3 * i)}}}
        for i in range(11, 0, -1)
    ]
    for period in (None, "上半年", "2003-05"):
        assert isinstance(assert_streams_alike(periods, units, period=period)[0], list)


def test_spooled_units_read_back_equal_to_what_was_written() -> None:
    """A stream pickles each validated unit to its spool and reads it back in every later pass: the unit
    read back is the same, decimals with their exponents, markers as the module's own instances."""
    import pickle

    from benchmarks.workload import generate, policy
    from targetdsl.values import NOT_APPLICABLE, PEER_AVERAGE

    units = targetdsl.parse_policy(policy.text(), name="w.tdsl").load_units(generate.units(20))
    again = pickle.loads(pickle.dumps(units))
    assert again == units and repr(again) == repr(units)
    markers = pickle.loads(pickle.dumps([NOT_APPLICABLE, PEER_AVERAGE]))
    assert markers[0] is NOT_APPLICABLE and markers[1] is PEER_AVERAGE
