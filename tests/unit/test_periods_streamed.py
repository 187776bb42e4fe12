"""Weights per indicator (`for …` in `periods`) on every path: the year's result streamed
(`Policy.stream_over_periods`), in parts (`Policy.evaluate_parts_over_periods`, `periods --jobs N`) and in
memory (`Policy.evaluate_over_periods`) — the same results, byte for byte on the command line, and the
same problems in the same order."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json
from targetdsl.units.documents import parse_yaml
from tests.support import case_documents

ROOT = Path(__file__).resolve().parents[2]


def over_cases() -> list[Any]:
    params = []
    for path, document in case_documents():
        if "periods" in document:
            params.append(pytest.param(path.name, document, id=path.stem))
    return params


def outcome(run: Any) -> Any:
    try:
        return run()
    except (targetdsl.DataError, targetdsl.EvaluationError) as exc:
        return type(exc).__name__, [str(p) for p in exc.problems]


def every_path(policy: targetdsl.Policy, periods: dict[str, Any], parts: tuple[int, ...] = (1, 2, 3)) -> Any:
    """The year's result in memory, streamed and in parts: each the same, or the same problems."""

    def in_memory() -> Any:
        return policy.evaluate_over_periods(periods, explain=False).to_json()["units"]

    def streamed() -> Any:
        with policy.stream_over_periods(periods) as results:
            return [unit_json(u) for u in results]

    def in_parts(count: int) -> Any:
        return [unit_json(u) for u in policy.evaluate_parts_over_periods(periods, parts=count).results]

    expected = outcome(in_memory)
    assert outcome(streamed) == expected
    for count in parts:
        assert outcome(lambda c=count: in_parts(c)) == expected, count  # type: ignore[misc]
    return expected


@pytest.mark.parametrize(("name", "document"), over_cases())
def test_every_case_weighting_measures_over_periods_streams_and_runs_in_parts(
    name: str, document: dict[str, Any]
) -> None:
    policy = targetdsl.parse_policy(document["policy"], name=name)
    units = every_path(policy, document["periods"])
    assert isinstance(units, list) and units


PEERS = """policy "比较" { year 2024 status draft }
class 县 { 经济 100 }
category 经济 {
    indicator 增长 points 60 {
        input target: number prorated
        input actual: number missing peer_avg
        score points * efficacy(actual / target) / 100
    }
    indicator 位次 points 40 {
        input x: number
        score if rank(x) <= 2 then points else points / 2
    }
}
periods {
    一季度 through month 3 weight 20%
    上半年 through month 6 weight 30%
    全年 through month 12 weight 50%
    for 增长
}
grades {
    优秀 >= 80 quota 30%
    合格 otherwise
}
"""


def peer_periods(count: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    periods: dict[str, list[dict[str, Any]]] = {}
    for name, share in (("一季度", 3), ("上半年", 6), ("全年", 12)):
        units = []
        for i in range(count):
            growth: dict[str, Any] = {"target": 120}
            if rng.random() > 0.15:
                growth["actual"] = str(rng.randint(share * 6, share * 12))
            unit: dict[str, Any] = {
                "id": f"U{i:03d}",
                "name": f"单位{i}",
                "class": "县",
                "indicators": {"增长": growth},
            }
            if name == "全年":
                unit["indicators"]["位次"] = {"x": rng.randint(1, 50)}
            units.append(unit)
        periods[name] = units
    return periods


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_weighted_measure_comparing_units_across_the_class_streams_as_it_evaluates(seed: int) -> None:
    """The weighted measure reads its class in each period (efficacy, peer averages); the other, the year's
    class (rank): gathered over the whole class in a stream and across parts."""
    policy = targetdsl.parse_policy(PEERS, name="peers.tdsl")
    units = every_path(policy, peer_periods(23, seed), parts=(1, 4, 7))
    assert len(units) == 23


CASE = parse_yaml((ROOT / "tests/cases/period-weights-per-indicator.yaml").read_text(encoding="utf-8"))


def changed(period: str, change: Any) -> dict[str, Any]:
    periods = json.loads(json.dumps(CASE["periods"], default=str))
    change(periods[period])
    return periods


@pytest.mark.parametrize(
    ("periods", "found"),
    [
        (changed("上半年", lambda units: units.pop(1)), "unit B: 上半年: the unit has no data for this period"),
        (changed("全年", lambda units: units.pop(1)), "the unit is in the data of 一季度 but not of 全年"),
        (
            changed("一季度", lambda units: units.append(dict(units[0], id="D"))),
            "unit D: 一季度: the unit is in the data of 一季度 but not of 全年",
        ),
        (changed("全年", lambda units: units[0].update({"class": "市"})), "unknown class `市`"),
        (changed("前三季度", lambda units: units[0]["indicators"].pop("能耗")), "能耗"),
    ],
)
def test_every_path_reports_the_same_problems(periods: dict[str, Any], found: str) -> None:
    policy = targetdsl.parse_policy(CASE["policy"], name="q.tdsl")
    kind, problems = every_path(policy, periods)
    assert kind == "DataError" and any(found in p for p in problems), problems


def test_an_earlier_periods_scores_failing_is_reported_on_every_path() -> None:
    policy = targetdsl.parse_policy(CASE["policy"], name="q.tdsl")
    periods = changed("上半年", lambda units: units[2]["indicators"]["地区生产总值"].update({"target": 0}))
    kind, problems = every_path(policy, periods)
    assert kind == "EvaluationError" and "division by zero" in problems[0], problems


# -- the command line: periods --format jsonl or csv, streamed and with --jobs 2, writes what memory writes


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(["--lang", "en", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_periods(tmp: Path, periods: dict[str, list[Any]]) -> tuple[list[str], list[str]]:
    """Each period as a YAML document (read in memory) and as JSON Lines (streamed, cut into parts)."""
    whole, lines = [], []
    for name, units in periods.items():
        (tmp / f"{name}.yaml").write_text(json.dumps({"units": units}, ensure_ascii=False, default=str), "utf-8")
        rows = "".join(json.dumps(u, ensure_ascii=False, default=str) + "\n" for u in units)
        (tmp / f"{name}.jsonl").write_text(rows, encoding="utf-8")
        whole.append(f"{name}={tmp / name}.yaml")
        lines.append(f"{name}={tmp / name}.jsonl")
    return whole, lines


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_periods_writes_the_same_bytes_in_memory_streamed_and_with_jobs(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "p.tdsl"
    policy.write_text(PEERS, encoding="utf-8")
    whole, lines = write_periods(tmp_path, peer_periods(40, 9))
    outputs = []
    for data, extra in ((whole, []), (lines, []), (lines, ["--jobs", "2"])):
        out = tmp_path / f"out-{len(outputs)}.{fmt}"
        code, _, err = run_cli(["periods", str(policy), *data, "-o", str(out), *extra], capsys)
        assert (code, err) == (0, ""), err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].decode("utf-8-sig").splitlines()) == 40 + (fmt == "csv")
    code, out, _ = run_cli(["periods", str(policy), *lines, "--format", fmt], capsys)
    assert code == 0 and out.encode() == outputs[0].removeprefix("\ufeff".encode())


def test_the_year_by_hand_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.tdsl"
    policy.write_text(CASE["policy"], encoding="utf-8")
    _, lines = write_periods(tmp_path, CASE["periods"])
    code, out, _ = run_cli(["periods", str(policy), *lines, "--format", "jsonl", "--jobs", "2"], capsys)
    assert code == 0
    totals = [(u["id"], Decimal(u["total"]), u["rank"]) for u in map(json.loads, out.splitlines())]
    assert totals == [("A", Decimal("92.85"), 1), ("C", Decimal("88.35"), 2), ("B", Decimal("86.75"), 3)]


def test_what_periods_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.tdsl"
    policy.write_text(CASE["policy"], encoding="utf-8")
    whole, lines = write_periods(tmp_path, CASE["periods"])
    code, _, err = run_cli(["periods", str(policy), *whole, "--format", "jsonl", "--jobs", "2"], capsys)
    assert code == 2 and "--jobs reads the last period's data (全年) from .jsonl or .csv files" in err
    code, _, err = run_cli(["periods", str(policy), *lines, "--jobs", "2"], capsys)
    assert code == 2 and "--jobs writes csv or jsonl results" in err
    code, _, err = run_cli(["periods", str(policy), *lines, "--format", "csv", "--explain", "A"], capsys)
    assert code == 2 and "--explain shows one unit" in err
    code, _, err = run_cli(["periods", str(policy), *lines, "-o", str(tmp_path / "r.xlsx")], capsys)
    assert code == 2 and "periods writes a table, json, jsonl or csv" in err
    totals = ROOT / "tests/cases/period-quarters.yaml"
    quarters = tmp_path / "q.tdsl"
    quarters.write_text(parse_yaml(totals.read_text(encoding="utf-8"))["policy"], encoding="utf-8")
    code, _, err = run_cli(
        [
            "periods",
            str(quarters),
            *(f"{q}={lines[0].split('=')[1]}" for q in ("一季度", "二季度", "三季度", "四季度")),
            "--format",
            "csv",
        ],
        capsys,
    )
    assert code == 2 and "this policy weights the periods' totals" in err


LAST_YEAR_POLICY = """policy "进步" { year 2024 status draft }
class 县 { 经济 100 }
input 上年总分 "上年度总分": number from last year total missing default 0
input 上年名次 "上年度名次": count from last year rank missing default 0
category 经济 {
    indicator 增长 points 60 {
        input target: number prorated
        input actual: number
        score points * min(actual / target, 1)
    }
    indicator 进步 points 40 {
        input x: number
        score if 上年总分 > 0 and x >= 上年总分 then points else points / 2
    }
}
periods {
    上半年 through month 6 weight 40%
    全年 through month 12 weight 60%
    for 增长, 进步
}
commendation 进位 { when 上年名次 > 0 and 上年名次 - rank >= 1 }
"""
RESULTS_2023 = {
    "year": 2023,
    "units": [
        {"id": "A", "unit_class": "县", "rank": 1, "total": "90", "grade": None},
        {"id": "B", "unit_class": "县", "rank": 2, "total": "80", "grade": None},
        {"id": "C", "unit_class": "县", "rank": 3, "total": "70", "grade": None},
    ],
}


def progress_units(actuals: tuple[int, int, int], xs: tuple[int, int, int]) -> list[dict[str, Any]]:
    return [
        {"id": i, "class": "县", "indicators": {"增长": {"target": 100, "actual": a}, "进步": {"x": x}}}
        for i, a, x in zip("ABC", actuals, xs, strict=True)
    ]


def test_last_years_results_are_read_by_every_period_on_every_path() -> None:
    """A weighted measure reads last year's total in the earlier period too (not the input's default), and
    the year's rank is compared with last year's."""
    policy = targetdsl.parse_policy(LAST_YEAR_POLICY, name="p.tdsl")
    periods = {
        "上半年": progress_units((40, 50, 50), (85, 81, 75)),
        "全年": progress_units((100, 95, 100), (92, 82, 71)),
    }
    year = policy.evaluate_over_periods(periods, last_year=RESULTS_2023)
    # 增长 (H1 target 50): A 48 · 40% + 60 · 60% = 55.2; B 60 · 40% + 57 · 60% = 58.2; C 60
    # 进步 (last year's total 90, 80, 70): A 85 < 90 → 20, 92 → 40: 8 + 24 = 32; B and C 40 in both: 40
    # totals A 87.2, B 98.2, C 100: C rose from 3rd to 1st
    assert [(u.id, u.total, u.rank, u.commendations) for u in year.units] == [
        ("C", Decimal("100.00"), 1, ("进位",)),
        ("B", Decimal("98.20"), 2, ()),
        ("A", Decimal("87.20"), 3, ()),
    ]
    expected = year.to_json()["units"]
    with policy.stream_over_periods(periods, last_year=RESULTS_2023) as results:
        assert [unit_json(u) for u in results] == expected
    for count in (1, 2):
        parts = policy.evaluate_parts_over_periods(periods, parts=count, last_year=RESULTS_2023)
        assert [unit_json(u) for u in parts.results] == expected
    # a result for a unit in no period's data: the same problem on every path
    extra = dict(RESULTS_2023, units=[*RESULTS_2023["units"], {"id": "Z", "unit_class": "县", "rank": 4, "total": "1"}])
    found = outcome(lambda: policy.evaluate_over_periods(periods, last_year=extra, explain=False))
    assert found[0] == "DataError" and "Z" in found[1][0], found

    def streamed() -> Any:
        with policy.stream_over_periods(periods, last_year=extra) as results:
            return [unit_json(u) for u in results]

    assert outcome(streamed) == found
    parts_found = outcome(lambda: policy.evaluate_parts_over_periods(periods, parts=2, last_year=extra).results)
    assert parts_found == found


def test_periods_takes_last_years_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.tdsl"
    policy.write_text(LAST_YEAR_POLICY, encoding="utf-8")
    periods = {
        "上半年": progress_units((40, 50, 50), (85, 81, 75)),
        "全年": progress_units((100, 95, 100), (92, 82, 71)),
    }
    _, lines = write_periods(tmp_path, periods)
    results = tmp_path / "2023.json"
    results.write_text(json.dumps(RESULTS_2023, ensure_ascii=False), encoding="utf-8")
    outputs = set()
    for extra in ([], ["--jobs", "2"]):
        code, out, err = run_cli(
            ["periods", str(policy), *lines, "--last-year", str(results), "--format", "csv", *extra], capsys
        )
        assert (code, err) == (0, "")
        outputs.add(out)
    (out,) = outputs
    rows = [row.split(",")[2:5] for row in out.splitlines()[1:]]
    assert rows == [["C", "C", "100"], ["B", "B", "98.2"], ["A", "A", "87.2"]]
    code, _, err = run_cli(["periods", str(policy), *lines], capsys)
    assert code == 0  # without them each unit has none: missing default 0
    quarters = tmp_path / "q.tdsl"
    quarters.write_text(
        parse_yaml((ROOT / "tests/cases/period-quarters.yaml").read_text(encoding="utf-8"))["policy"], "utf-8"
    )
    data = lines[0].split("=")[1]
    given = [f"{q}={data}" for q in ("一季度", "二季度", "三季度", "四季度")]
    code, _, err = run_cli(["periods", str(quarters), *given, "--last-year", str(results)], capsys)
    assert code == 2 and "--carry-in and --last-year go with the last period's data" in err


def test_evaluating_one_periods_data_says_it_is_not_the_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaluate` of a policy weighting measures over its periods gives one period's own result, on every path:
    a note says so, and names the command that gives the year's (none with -q)."""
    policy = tmp_path / "p.tdsl"
    policy.write_text(CASE["policy"], encoding="utf-8")
    _, lines = write_periods(tmp_path, CASE["periods"])
    year = lines[-1].split("=")[1]
    note = "note: the policy weights 地区生产总值, 财政收入, 能耗 over its periods: this is one period's evaluation"
    for extra in ([], ["--format", "jsonl"], ["--format", "jsonl", "--jobs", "2"]):
        code, out, err = run_cli(["evaluate", str(policy), year, *extra], capsys)
        assert code == 0 and out and note in err, err
        code, out, err = run_cli(["evaluate", str(policy), year, "-q", *extra], capsys)
        assert (code, err) == (0, "")
