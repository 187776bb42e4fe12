"""Ballots (评分票): an `assessed` measure whose units list their own ballots, a variable number of them,
each a score or an invalid ballot; `drop extremes above n` drops one highest and one lowest only when
more than n scores are counted.

Parsed and formatted in both keyword languages, checked, validated with every problem named by field or
cell (an empty list, all invalid, a score outside the scale), read from YAML, CSV and the workbook the
template writes, explained, left by the kernel to the reference path, and the same on every path: fast,
reference, explained, streamed in batches of one, in parts, and through the usual intake path.
"""

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.audit.explain import render_text
from targetdsl.cli import main
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language import nodes as n
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import parse
from targetdsl.scaling import stream as streaming
from targetdsl.values import DataError

POLICY = """policy "民主测评" { year 2023 status draft }
assessor 人大 "市人大"
assessor 政协 "市政协"
class 乡镇 { 实绩 80  测评 20 }
category 实绩 { indicator 工作 points 100 { input s: number range 0 to 100  score points * s / 100 } }
category 测评 {
    assessed 民主测评 "民主测评" points 60 {
        ballots
        drop extremes above 5
    }
    assessed 评议 points 40 {
        scale 10
        by 人大 weight 1
        by 政协 weight 1
    }
}
"""


def policy_of(text: str = POLICY) -> targetdsl.Policy:
    return targetdsl.parse_policy(text, name="ballots.tdsl")


def errors(text: str) -> list[tuple[str, str]]:
    report = targetdsl.check_text(text, name="ballots.tdsl")
    return [(d.code, d.message) for d in report.diagnostics if d.severity.value == "error"]


def unit(unit_id: str, ballots: Any, s: int = 90) -> dict[str, Any]:
    return {
        "id": unit_id,
        "class": "乡镇",
        "indicators": {"工作": {"s": s}, "民主测评": ballots, "评议": {"人大": 8, "政协": 9}},
    }


def test_the_statements_parse_format_and_convert_in_both_keyword_languages() -> None:
    parsed = parse(POLICY, "b.tdsl")
    measure = parsed.file.items[5].measures[0]  # type: ignore[union-attr]
    assert [type(s) for s in measure.body] == [n.Ballots, n.DropExtremes]
    assert measure.body[1] == n.DropExtremes(Decimal(5))
    chinese = format_policy(POLICY, keywords=Language.CHINESE)
    assert "评分票" in chinese and "去极值 超过 5" in chinese
    english = format_policy(chinese, keywords=Language.ENGLISH)
    assert "ballots" in english and "drop extremes above 5" in english
    assert format_policy(english) == english
    assert policy_of(chinese).effective.declarations == policy_of(POLICY).effective.declarations


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("ballots drop extremes above 1", "`drop extremes above 1`: a whole number of at least 2"),
        ("ballots drop extremes above 5.5", "`drop extremes above 5.5`: a whole number of at least 2"),
        ("ballots by 人大 weight 1", "assessed `x` takes ballots and assessors"),
        ("by 人大 weight 1 by 政协 weight 1 drop extremes above 2", "never drops a score: `x` has 2 assessors"),
        ("ballots ballots", "a second `ballots` in assessed `x`"),
    ],
)
def test_a_misused_ballot_statement_is_refused(body: str, message: str) -> None:
    text = POLICY.replace(
        "    assessed 评议 points 40 {", f"    assessed x points 1 {{ {body} }}\n    assessed 评议 points 40 {{"
    )
    found = errors(text)
    assert len(found) == 1 and message in found[0][1], found


def test_extremes_are_dropped_only_above_the_threshold_with_ties_and_invalid_ballots_by_hand() -> None:
    data = [
        unit("A", [90, 80, 85, 95, 70, 88, "废票"]),  # 6 valid: 95 and 70 dropped → 85.75
        unit("B", [90, 80, 85, 95, 70]),  # 5: all kept → 84
        unit("C", ["100"]),  # one rater
        unit("D", [90, 90, 60, 60, 80, 80]),  # ties: one 90, one 60 dropped → 77.5
        unit("E", [100, "invalid", None, " 无效 ", 80]),  # a blank is no ballot; 2 valid → 90
    ]
    result = policy_of().evaluate(data)
    scores = {u.id: next(m.earned for m in u.measures if m.name == "民主测评") for u in result.units}
    assert scores == {
        "A": Decimal("51.45"),
        "B": Decimal("50.4"),
        "C": Decimal(60),
        "D": Decimal("46.5"),
        "E": Decimal(54),
    }
    a = result.unit("A")
    # 实绩 72; 测评 20 × (51.45 + 40 × 8.5 / 10) / 100 = 20 × 85.45 / 100 = 17.09
    assert a.total == Decimal("89.09")
    text = render_text(a, 5)
    assert "valid ballots: 90, 80, 85, 95, 70, 88" in text
    assert "6 valid ballots, 1 invalid" in text and "dropped the highest (95) and the lowest (70)" in text
    b = render_text(result.unit("B"), 5, language=Language.CHINESE)
    assert "保留最高分和最低分：5 个分数，未超过 5 个" in b and "有效票 5 张，废票 0 张" in b


@pytest.mark.parametrize(
    ("ballots", "code", "message"),
    [
        (None, "data.missing-value", "indicators.民主测评: missing: list this unit's ballots"),
        ([], "data.missing-value", "indicators.民主测评: no ballot: `民主测评` cannot be scored"),
        (["废票", "invalid"], "data.missing-value", "no valid ballot (2 invalid)"),
        ([90, 101], "data.out-of-range", "indicators.民主测评[2]: ballot score 101 is outside 0 to 100"),
        ([90, "九十"], "data.bad-number", "indicators.民主测评[2]: `九十` is not a ballot: write its score (0 to 100)"),
        ([90, "9O"], "data.bad-number", "indicators.民主测评[2]: expected a number, found `9O`"),
        ({"a": 90}, "data.bad-shape", "expected a list of ballots"),
        ([90, True], "data.bad-number", "expected a number, found true"),
    ],
)
def test_ballots_that_cannot_be_scored_are_refused(ballots: Any, code: str, message: str) -> None:
    data = [unit("A", ballots)]
    if ballots is None:
        del data[0]["indicators"]["民主测评"]
    with pytest.raises(DataError) as caught:
        policy_of().evaluate(data)
    found = [(p.code, str(p)) for p in caught.value.problems]
    assert len(found) == 1 and found[0][0] == code and message in found[0][1], found


def test_a_threshold_applies_to_declared_assessors_too() -> None:
    text = POLICY.replace("        by 政协 weight 1\n", "        by 政协 weight 1\n        drop extremes above 1\n")
    found = errors(text)
    assert [c for c, _ in found] == ["check.bad-value"]
    assert "`drop extremes above 1`: a whole number of at least 2" in found[0][1]


def test_a_csv_and_the_template_s_workbook_are_read_with_problems_located_by_cell(tmp_path: Path) -> None:
    policy_path = tmp_path / "p.tdsl"
    policy_path.write_text(POLICY, encoding="utf-8")
    csv = tmp_path / "units.csv"
    csv.write_text(
        "id,class,工作.s,民主测评.1,民主测评.2,民主测评.3,评议.人大,评议.政协\n"
        "A,乡镇,90,90,,废票,8,9\n"
        "B,乡镇,90,abc,80,,8,9\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        policy_of().evaluate(targetdsl.parse_policy(POLICY).load_units(csv))
    assert [str(p) for p in caught.value.problems] == [
        f"{csv}: line 3, column `民主测评.1`: unit B: indicators.民主测评[1]: "
        "`abc` is not a ballot: write its score (0 to 100), or 废票 (invalid)"
    ]
    workbook = tmp_path / "template.xlsx"
    assert main(["template", str(policy_path), "-o", str(workbook), "--items", "民主测评=7", "--lang", "zh"]) == 0
    book = openpyxl.load_workbook(workbook)
    sheet = book["乡镇"]
    header = [c.value for c in sheet[1]]
    assert [h for h in header if str(h).startswith("民主测评.")] == [f"民主测评.{i}" for i in range(1, 8)]
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "custom"]
    assert formulas and '"废票"' in formulas[0]
    values = {"id": "A", "工作.s": 90, "评议.人大": 8, "评议.政协": 9}
    values |= {f"民主测评.{i}": v for i, v in enumerate([90, 80, 85, 95, 70, 88, "废票"], 1)}
    for path, value in values.items():
        sheet.cell(row=3, column=header.index(path) + 1, value=value)
    book.save(workbook)
    result = policy_of().evaluate(targetdsl.parse_policy(POLICY).load_units(workbook))
    assert next(m.earned for m in result.units[0].measures if m.name == "民主测评") == Decimal("51.45")


def random_units(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    made = []
    for i in range(count):
        ballots: list[Any] = [rng.randint(40, 100) for _ in range(rng.randint(1, 9))]
        for _ in range(rng.randint(0, 2)):
            ballots.insert(rng.randint(0, len(ballots)), rng.choice(["废票", "invalid"]))
        made.append(unit(f"U{i:03}", ballots, rng.randint(50, 100)))
    return made


@pytest.mark.parametrize("seed", range(3))
def test_every_path_agrees(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "BATCH", 1)
    policy = policy_of()
    data = random_units(14, seed)
    fast = policy.evaluate(data, explain=False).to_json()["units"]
    with by_reference():
        assert policy.evaluate(data).to_json()["units"] == fast
    on_demand = policy.evaluate(data)
    for result in on_demand.units:
        assert result.trace is not None
    with policy.stream(iter(data)) as streamed:
        ordered = [unit_json(u) for u in streamed]
    assert ordered == fast
    for parts in (1, 3, 14):
        assert [unit_json(u) for u in policy.evaluate_parts(data, parts=parts).results] == ordered


def test_the_usual_intake_path_reads_ballots_as_the_validator_does() -> None:
    policy = policy_of()
    data = random_units(450, 7)  # past the records after which the usual path is built
    loaded = policy.load_units(data)
    assert [u.measures["民主测评"].ballots for u in loaded] == [
        tuple(None if isinstance(b, str) else Decimal(b) for b in u["indicators"]["民主测评"]) for u in data
    ]


def test_the_kernel_leaves_ballots_to_the_reference_path_and_says_why() -> None:
    steps = {s.quantity.name: s for c in policy_of().plan().classes for s in c.steps}
    assert steps["测评.民主测评.score"].evaluator.value != "kernel"
    assert "a list of ballots is counted ballot by ballot" in (steps["测评.民主测评.score"].reason or "")
    assert steps["测评.评议.score"].evaluator.value == "kernel"
    assert "测评.民主测评.ballots" in steps["测评.民主测评.score"].quantity.dependencies


def test_a_changed_threshold_is_a_change_an_auditor_sees() -> None:
    old, new = policy_of(), policy_of(POLICY.replace("drop extremes above 5", "drop extremes above 7"))
    changes = diff_effective(old.effective, new.effective).changes
    assert [(c.what, c.old, c.new) for c in changes] == [
        ("assessed `民主测评`: drop extremes", "drop extremes above 5", "drop extremes above 7")
    ]


def test_the_template_sizes_a_list_of_ballots_from_last_years_data(tmp_path: Path) -> None:
    """`--items-from`: as many ballot slots as last year's longest list of ballots, and a fifth more."""
    policy_path = tmp_path / "p.tdsl"
    policy_path.write_text(POLICY, encoding="utf-8")
    last = tmp_path / "last.yaml"
    ballots = ", ".join(["90"] * 10)
    last.write_text(f"units:\n  - {{id: A, class: 乡镇, indicators: {{民主测评: [{ballots}]}}}}\n", encoding="utf-8")
    workbook = tmp_path / "template.xlsx"
    assert main(["template", str(policy_path), "-o", str(workbook), "--items-from", str(last)]) == 0
    header = [c.value for c in openpyxl.load_workbook(workbook)["乡镇"][1]]
    assert len([h for h in header if str(h).startswith("民主测评.")]) == 12
