"""Every output an office reads names the units a policy commends (嘉奖): CSV (in memory, streamed and in
parts, the same bytes), the results workbook and the HTML report. A policy that declares no commendation
keeps its columns as they were."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import Assessment
from targetdsl.office import htmlreport
from targetdsl.office.publication import edition
from targetdsl.office.tables import render_csv
from targetdsl.office.workbook import FIRST_ROW, results_workbook
from targetdsl.outputs import workbook_bytes

ROOT = Path(__file__).resolve().parents[2]
COMMENDING = ROOT / "policies/lianyungang-2002.tdsl"
UNITS = ROOT / "examples/lianyungang-2002/units.yaml"
PLAIN = ROOT / "examples/scaling/county.tdsl"


@pytest.fixture(scope="module")
def evaluated() -> tuple[targetdsl.Policy, Assessment]:
    policy = targetdsl.load_policy(str(COMMENDING))
    return policy, policy.evaluate(str(UNITS))


def test_the_policy_commends_units_of_every_class(evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    _, assessment = evaluated
    assert set(assessment.commending) == set(assessment.classes)
    assert any(u.commendations for u in assessment.units) and any(not u.commendations for u in assessment.units)


def test_csv_names_each_units_commendations_last(evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    _, assessment = evaluated
    rows = list(csv.DictReader(io.StringIO(render_csv(assessment))))
    assert list(rows[0])[-1] == "commendations"
    assert len(rows) == len(assessment.units)
    for row, unit in zip(rows, assessment.units, strict=True):
        assert row["id"] == unit.id
        assert row["commendations"] == ";".join(unit.commendations)


def test_a_policy_without_commendations_keeps_its_csv_columns() -> None:
    policy = targetdsl.load_policy(str(PLAIN))
    assessment = policy.evaluate(str(ROOT / "examples/scaling/units.jsonl"))
    assert assessment.commending == ()
    header = next(csv.reader(io.StringIO(render_csv(assessment))))
    assert header[-2:] == ["items", "completed_items"]


def _jsonl(folder: Path) -> Path:
    """The example's units as JSON Lines, which `evaluate` streams (and cuts into parts with --jobs)."""
    units = yaml.safe_load(UNITS.read_text(encoding="utf-8"))["units"]
    path = folder / "units.jsonl"
    path.write_text("".join(json.dumps(u, ensure_ascii=False, default=str) + "\n" for u in units), encoding="utf-8")
    return path


@pytest.mark.parametrize("how", [[], ["--jobs", "2"]], ids=["streamed", "in parts"])
def test_streamed_and_partitioned_csv_are_the_in_memory_bytes(
    tmp_path: Path, evaluated: tuple[targetdsl.Policy, Assessment], how: list[str]
) -> None:
    _, assessment = evaluated
    out = tmp_path / "out.csv"
    assert main(["evaluate", str(COMMENDING), str(_jsonl(tmp_path)), "-o", str(out), "--quiet", *how]) == 0
    assert out.read_text(encoding="utf-8-sig") == render_csv(assessment)  # a file for Excel: with a BOM


def _sheet(book: Any, name: str) -> list[dict[str, Any]]:
    sheet = book[name]
    header = [c.value for c in sheet[FIRST_ROW - 1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=FIRST_ROW)]


def test_the_workbook_has_a_commendations_column(evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    policy, assessment = evaluated
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(results_workbook(assessment, edition(policy)))))
    for unit_class in assessment.classes:
        rows = _sheet(book, unit_class)
        units = assessment.in_class(unit_class)
        assert [r["嘉奖"] or "" for r in rows] == ["；".join(u.commendations) for u in units]


def test_the_report_has_a_commendations_column(evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    policy, assessment = evaluated
    html = htmlreport.render(assessment, edition(policy))
    assert html.count("<th>嘉奖</th>") == len(assessment.classes)
    commended = next(u for u in assessment.units if u.commendations)
    row = html[html.index(f'data-unit="{commended.id}"><td class="num">') :]  # its row of the ranking
    row = row[: row.index("</tr>")]
    assert row.endswith(f'<td class="words">{"；".join(commended.commendations)}</td>')
