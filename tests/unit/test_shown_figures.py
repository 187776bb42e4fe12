"""CSV and JSON Lines show a computed figure to the policy's places, by its mode, where it has more
decimals than that (a quotient's 34 digits); the total, the money and every figure of the API, of
JSON and of the explanations stay exact. Every path that writes them (in memory, streamed; in parts in
test_partition.py and test_stream_rows.py) writes the same bytes."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json
from targetdsl.numeric import EXACT, MODES, Shown, quantize, text
from targetdsl.office.tables import csv_line, jsonl_line, render_csv
from targetdsl.outputs import json_visible
from tests.fuzz.strategies import policies
from tests.unit.test_partition import case_options, cases

POLICY = """policy "shown" {{ year 2003 status draft rounding {mode} {places} at total }}
class county {{ quant 60 key 40 }}
category quant {{
  indicator ratio points 30 {{ input actual: number input target: number score points * min(actual / target, 1.2) }}
  indicator share points 30 {{ input done: count input subs: count score points * done / subs }}
}}
category key {{
  items k points 40 {{ input subs: count input done: count score points * done / subs }}
}}
bonus awards {{ level national 2.125 level city 1 cap 3 }}
grades {{ 优秀 >= 90  良好 75 to 90  合格 60 to 75  不合格 < 60 }}
"""


def records() -> list[dict[str, Any]]:
    made = []
    for i in range(9):
        made.append(
            {
                "id": f"C{i:02d}",
                "class": "county",
                "indicators": {
                    "ratio": {"actual": str(70 + 7 * i), "target": "91"},
                    "share": {"done": i % 4, "subs": 3 + i % 4},
                    "k": [{"name": "a", "subs": 3, "done": i % 3}, {"name": "b", "subs": 7, "done": i % 7}],
                },
                "bonuses": {"awards": [{"level": "national"}] * (i % 2)},
            }
        )
    return made


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15, places=None),
    st.integers(0, 6),
    st.sampled_from(sorted(MODES)),
)
def test_a_figure_is_rounded_only_where_it_has_more_decimals_than_the_policy(
    value: Decimal, places: int, mode: str
) -> None:
    shown = Shown(places, mode)
    written = text(value)
    decimals = len(written.partition(".")[2])
    expected = written if decimals <= places else text(quantize(value, places, mode))
    assert shown(value) == shown.of(written) == expected
    assert EXACT(value) == EXACT.of(written) == written
    assert Decimal(shown(value)) == quantize(value, places, mode)  # never another number than the rounded one


@pytest.mark.parametrize(
    ("value", "mode", "places", "expected"),
    [
        ("2.125", "half_up", 2, "2.13"),
        ("2.125", "half_even", 2, "2.12"),
        ("2.125", "down", 2, "2.12"),
        ("2.121", "up", 2, "2.13"),
        ("-2.125", "half_up", 2, "-2.13"),
        ("32.66666666666666666666666666666668", "half_up", 2, "32.67"),
        ("3.999", "half_up", 2, "4"),
        ("3", "half_up", 2, "3"),
        ("5.7", "half_up", 2, "5.7"),
        ("5.75", "half_up", 1, "5.8"),
        ("0.004", "half_up", 2, "0"),
    ],
)
def test_shown_by_mode_and_places(value: str, mode: str, places: int, expected: str) -> None:
    assert Shown(places, mode)(Decimal(value)) == expected


def evaluate(tmp_path: Path, mode: str = "half_up", places: int = 2) -> tuple[targetdsl.Policy, Path, Path]:
    rules = tmp_path / "p.tdsl"
    rules.write_text(POLICY.format(mode=mode, places=places), encoding="utf-8")
    data = tmp_path / "units.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records()), encoding="utf-8")
    return targetdsl.load_policy(rules), rules, data


def test_csv_shows_subtotals_bonus_and_deductions_at_the_policys_places_and_the_total_as_computed(
    tmp_path: Path,
) -> None:
    policy, rules, data = evaluate(tmp_path, "half_even", 1)
    assessment = policy.evaluate(data)
    out = tmp_path / "out.csv"
    assert main(["evaluate", str(rules), str(data), "-q", "--no-bom", "-o", str(out)]) == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    long = 0
    for unit in assessment.units:
        row = rows[unit.id]
        for category in unit.categories:
            exact = category.subtotal
            long += len(text(exact).partition(".")[2]) > 1
            assert Decimal(row[category.name]) == quantize(exact, 1, "half_even")
        assert Decimal(row["bonus"]) == quantize(unit.bonus, 1, "half_even")
        assert row["total"] == text(unit.total) and row["raw_total"] == text(unit.raw_total)
        assert (row["rank"], row["grade"]) == (str(unit.rank), unit.grade)
    assert long > 5  # the data do give subtotals with more decimals than the policy's one
    assert any(u.bonus == Decimal("2.125") for u in assessment.units) and "2.1" in {r["bonus"] for r in rows.values()}


def test_json_lines_show_the_figures_and_json_keeps_every_digit(tmp_path: Path) -> None:
    policy, rules, data = evaluate(tmp_path)
    assessment = policy.evaluate(data)
    lines, whole = tmp_path / "out.jsonl", tmp_path / "out.json"
    assert main(["evaluate", str(rules), str(data), "-q", "-o", str(lines)]) == 0
    assert main(["evaluate", str(rules), str(data), "-q", "-o", str(whole)]) == 0
    written = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    exact = json.loads(whole.read_text(encoding="utf-8"))["units"]
    assert exact == [unit_json(u) for u in assessment.units]  # JSON: the exact figures, as ever
    for unit, line, document in zip(assessment.units, written, exact, strict=True):
        assert line["total"] == document["total"] == text(unit.total)
        for category, shown in zip(unit.categories, line["categories"], strict=True):
            assert shown["subtotal"] == text(quantize(category.subtotal, 2, "half_up"))
            assert shown["earned"] == text(quantize(category.earned, 2, "half_up"))
            assert shown["points"] == text(category.points)  # the class's points: not computed
        for measure, shown in zip(unit.measures, line["measures"], strict=True):
            assert shown["earned"] == text(quantize(measure.earned, 2, "half_up"))
            for item, shown_item in zip(measure.items, shown["items"], strict=True):
                assert item.earned is not None and shown_item["earned"] == text(quantize(item.earned, 2, "half_up"))
        # nothing else differs from the exact document
        assert {k: v for k, v in line.items() if k not in ("categories", "measures", "bonus", "bonuses")} == {
            k: v for k, v in document.items() if k not in ("categories", "measures", "bonus", "bonuses")
        }
    assert any(len(c["subtotal"]) > 20 for u in exact for c in u["categories"])  # JSON has long ones


def test_every_path_writes_the_same_figures(tmp_path: Path) -> None:
    policy, rules, data = evaluate(tmp_path)
    assessment = policy.evaluate(data)
    categories = ["quant", "key"]
    for suffix, render, whole in (
        ("csv", csv_line, render_csv(assessment, shown=policy.shown).split("\n", 1)[1]),
        ("jsonl", jsonl_line, None),
    ):
        lines = "".join(render(u, categories, shown=policy.shown) for u in assessment.units)
        if whole is not None:
            assert lines == whole
        # streamed from JSON Lines (in parts, the same bytes: test_partition.py, test_stream_rows.py)
        streamed, in_memory = tmp_path / f"streamed.{suffix}", tmp_path / f"memory.{suffix}"
        assert main(["evaluate", str(rules), str(data), "-q", "--no-bom", "-o", str(streamed)]) == 0
        yaml_data = tmp_path / "units.yaml"
        yaml_data.write_text(json.dumps({"units": records()}), encoding="utf-8")
        assert main(["evaluate", str(rules), str(yaml_data), "-q", "--no-bom", "-o", str(in_memory)]) == 0
        written = streamed.read_text(encoding="utf-8")
        body = written.split("\n", 1)[1] if suffix == "csv" else written
        assert written == in_memory.read_text(encoding="utf-8") and body == lines


def generic_line(unit: Any, shown: Shown) -> str:
    """A JSON Lines line written by walking the unit's whole JSON, as `jsonl_line` must write it."""
    return json_visible(json.dumps(unit_json(unit, shown=shown), ensure_ascii=False)) + "\n"


@pytest.mark.parametrize(("name", "document", "run"), cases())
def test_a_json_line_is_the_units_json_whatever_the_case(name: str, document: dict[str, Any], run: Any) -> None:
    """Every case's units (items, sub-items, measures not applicable, given scores, vetoes, bonuses),
    exact and to the places of every mode."""
    policy = targetdsl.parse_policy(document["policy"], name=name)
    try:
        assessment = policy.evaluate(document["units"], explain=False, **case_options(document, run))
    except (targetdsl.DataError, targetdsl.EvaluationError):
        return
    for unit in assessment.units:
        for shown in (EXACT, policy.shown, Shown(1, "half_even"), Shown(0, "down")):
            assert jsonl_line(unit, shown=shown) == generic_line(unit, shown), (unit.id, shown)


@settings(max_examples=25, deadline=None)
@given(policies())
def test_a_json_line_is_the_units_json_whatever_the_policy(case: tuple[str, list[Any]]) -> None:
    text_, units = case
    policy = targetdsl.parse_policy(text_)
    try:
        assessment = policy.evaluate(units, explain=False)
    except (targetdsl.DataError, targetdsl.EvaluationError):
        return
    for unit in assessment.units:
        assert jsonl_line(unit, shown=policy.shown) == generic_line(unit, policy.shown)


def test_a_json_line_with_names_that_need_escapes() -> None:
    """Quotes, backslashes, CJK and characters beyond the BMP in names and labels: escaped as the whole JSON
    escapes them (the data refuse controls and bidirectional marks in names)."""
    label = "“实际/目标”比 <甲> &"
    text_ = POLICY.format(mode="half_up", places=2).replace(
        "indicator ratio points 30 {", f'indicator ratio "{label}" points 30 {{'
    )
    policy = targetdsl.parse_policy(text_)
    units = records()
    units[0]["name"] = tricky = 'a"b\\c 中 \U0001d538'  # a quote, a backslash, CJK, beyond the BMP
    seen = 0
    for unit in policy.evaluate(units, explain=False).units:
        line = jsonl_line(unit, shown=policy.shown)
        assert line == generic_line(unit, policy.shown)
        assert json.loads(line)["measures"][0]["label"] == label
        seen += json.loads(line)["name"] == tricky
    assert seen == 1
