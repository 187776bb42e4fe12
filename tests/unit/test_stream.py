"""Streaming evaluation: files read one unit at a time, every problem reported, results as in memory."""

import csv
import decimal
import io
import json
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from benchmarks.workload import generate, policy
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json

PEERS = """policy "p" { year 2003 status draft }
class c { k 100 }
category k {
    indicator a points 100 {
        input x: number
        score efficacy(x) * points / 100
    }
}
"""


def workload() -> targetdsl.Policy:
    return targetdsl.parse_policy(policy.text(), name="workload.tdsl")


def write_jsonl(path: Path, records: list[Any]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def flat(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A record as CSV columns: nested keys joined by dots, list positions from 1."""
    cells: dict[str, Any] = {}
    items = enumerate(record, 1) if isinstance(record, list) else record.items()
    for key, value in items:
        name = f"{prefix}{key}"
        if isinstance(value, (dict, list)):
            cells.update(flat(value, name + "."))  # type: ignore[arg-type]
        else:
            cells[name] = value
    return cells


def test_a_jsonl_file_streams_to_the_in_memory_results(tmp_path: Path) -> None:
    records = generate.units(300)
    write_jsonl(tmp_path / "units.jsonl", records)
    compiled = workload()
    calls: list[tuple[int, int]] = []
    with compiled.stream(tmp_path / "units.jsonl", progress=lambda done, total: calls.append((done, total))) as s:
        streamed = [unit_json(u) for u in s]
    assert streamed == compiled.evaluate(records, explain=False).to_json()["units"]
    assert calls[-1] == (600, 600) and all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))


def test_every_problem_in_a_stream_is_reported_with_its_line_unit_and_field(tmp_path: Path) -> None:
    records = generate.units(5)
    records[2]["indicators"]["q01"]["actual"] = "lots"
    records[4]["id"] = records[0]["id"]
    lines = [json.dumps(r) for r in records]
    lines.insert(3, '{"id": "broken", ')
    (tmp_path / "units.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        workload().stream(tmp_path / "units.jsonl")
    problems = [str(p) for p in caught.value.problems]
    assert any("line 4" in p and "invalid JSON" in p for p in problems), problems
    assert any("units.jsonl: line 3: unit U000003: indicators.q01.actual" in p for p in problems), problems
    assert any("U000001" in p and "duplicate unit id" in p for p in problems), problems


@pytest.mark.parametrize("streamed", [True, False])
def test_a_problem_in_a_csv_or_jsonl_file_names_its_line_and_column(tmp_path: Path, streamed: bool) -> None:
    """Read whole or streamed, a value's problem names where it is: the line (and in CSV the column)."""
    records = generate.units(4)
    records[1]["indicators"]["q02"]["target"] = "0x10"
    records[3]["indicators"]["other"]["npc"] = "一百"
    write_jsonl(tmp_path / "units.jsonl", records)
    rows = [flat(r) for r in records]
    with (tmp_path / "units.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)
    for name, first, second in [
        ("units.jsonl", "line 2", "line 4"),
        ("units.csv", "line 3, column `indicators.q02.target`", "line 5, column `indicators.other.npc`"),
    ]:
        with pytest.raises(targetdsl.DataError) as caught:
            if streamed:
                workload().stream(tmp_path / name)
            else:
                workload().evaluate(tmp_path / name)
        problems = [(p.cell, p.unit, p.field) for p in caught.value.problems]
        assert problems == [
            (first, "U000002", "indicators.q02.target"),
            (second, "U000004", "indicators.other.npc"),
        ], (name, problems)
        rendered = caught.value.problems[0].render(language=targetdsl.Language.CHINESE)
        assert (f"{name}: 第 2 行: 单位" if name.endswith("jsonl") else f"{name}: 第 3 行 `") in rendered, rendered


def test_a_policy_comparing_units_across_the_class_streams(tmp_path: Path) -> None:
    compiled = targetdsl.parse_policy(PEERS, name="p.tdsl")
    records = [{"id": u, "class": "c", "indicators": {"a": {"x": x}}} for u, x in (("A", "1"), ("B", "3"), ("C", "2"))]
    with compiled.stream(iter(records)) as streamed:
        assert [(u.id, u.rank, u.total) for u in streamed] == [("B", 1, 100), ("C", 2, 80), ("A", 3, 60)]
    (tmp_path / "p.tdsl").write_text(PEERS, encoding="utf-8")
    write_jsonl(tmp_path / "u.jsonl", records)
    assert (
        main(
            [
                "evaluate",
                str(tmp_path / "p.tdsl"),
                str(tmp_path / "u.jsonl"),
                "--format",
                "csv",
                "-o",
                str(tmp_path / "out.csv"),
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert [(r["id"], r["rank"], r["total"]) for r in rows] == [("B", "1", "100"), ("C", "2", "80"), ("A", "3", "60")]


def test_streamed_command_output_is_the_in_memory_output(tmp_path: Path) -> None:
    (tmp_path / "w.tdsl").write_text(policy.text(), encoding="utf-8")
    records = generate.units(200)
    write_jsonl(tmp_path / "u.jsonl", records)
    columns = list(dict.fromkeys(k for r in records for k in flat(r)))
    with open(tmp_path / "u.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(flat(r) for r in records)
    outputs = {}
    for data in ("u.jsonl", "u.csv"):
        for form in ("csv", "jsonl"):
            streamed, in_memory = tmp_path / f"s-{data}.{form}", tmp_path / f"m-{data}.{form}"
            assert (
                main(
                    ["evaluate", str(tmp_path / "w.tdsl"), str(tmp_path / data), "--format", form, "-o", str(streamed)]
                )
                == 0
            )
            # --record needs the whole data: the same evaluation, in memory
            assert (
                main(
                    [
                        "evaluate",
                        str(tmp_path / "w.tdsl"),
                        str(tmp_path / data),
                        "--format",
                        form,
                        "-o",
                        str(in_memory),
                        "--record",
                        str(tmp_path / "r.json"),
                    ]
                )
                == 0
            )
            assert streamed.read_bytes() == in_memory.read_bytes()
            outputs[data, form] = streamed.read_bytes()
    assert outputs["u.jsonl", "csv"] == outputs["u.csv", "csv"]
    assert len(outputs["u.jsonl", "jsonl"].splitlines()) == 200


def test_only_line_formats_stream() -> None:
    with pytest.raises(targetdsl.DataError, match=r"cannot stream `\.yaml` data"):
        workload().stream("units.yaml")


def test_jsonl_with_explanations_is_evaluated_in_memory(tmp_path: Path) -> None:
    (tmp_path / "w.tdsl").write_text(policy.text(), encoding="utf-8")
    write_jsonl(tmp_path / "u.jsonl", generate.units(20))
    assert (
        main(
            [
                "evaluate",
                str(tmp_path / "w.tdsl"),
                str(tmp_path / "u.jsonl"),
                "--format",
                "jsonl",
                "--explain",
                "-o",
                str(tmp_path / "out.jsonl"),
            ]
        )
        == 0
    )
    units = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(units) == 20 and all(u["explanation"] for u in units)
    assert [u["rank"] for u in units] == list(range(1, 21))


def test_the_callers_decimal_context_is_its_own_between_results() -> None:
    compiled = workload()
    with compiled.stream(iter(generate.units(30))) as stream:
        contexts = [decimal.getcontext().prec for _ in stream]
    assert set(contexts) == {decimal.getcontext().prec}
