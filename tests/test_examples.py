"""The example data reproduce the speech's published figures, and the 2003
example exercises what the 2003 method changed."""

import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.units.ledger import load_ledger

ROOT = Path(__file__).resolve().parent.parent
P2002 = ROOT / "policies/lianyungang-2002.tdsl"
P2003 = ROOT / "policies/lianyungang-2003.tdsl"
D2002 = ROOT / "examples/lianyungang-2002/units.yaml"
D2003 = ROOT / "examples/lianyungang-2003/units.yaml"
LEDGER = ROOT / "examples/lianyungang-2003/carried-in.yaml"

# The table in the 2003 speech (see ../DOMAIN.md): class, part, items, completed.
PUBLISHED = [
    ("县区", "定量指标", 252, 206),
    ("县区", "重点工作", 119, 116),
    ("市直部门", "常规工作", 288, 286),
    ("市直部门", "定量指标", 239, 223),
    ("驻连部省属单位", "常规工作", 108, 108),
    ("驻连部省属单位", "定量指标", 71, 65),
]


@pytest.fixture(scope="module")
def assessment_2002() -> targetdsl.Assessment:
    return targetdsl.load_policy(P2002).evaluate(D2002)


@pytest.fixture(scope="module")
def assessment_2003() -> targetdsl.Assessment:
    return targetdsl.load_policy(P2003).evaluate(D2003, carried_in=LEDGER)


def test_the_published_completion_table_is_reproduced(assessment_2002: targetdsl.Assessment) -> None:
    rows = sorted((r.unit_class, r.category, r.items, r.completed) for r in assessment_2002.completion)
    assert rows == sorted(PUBLISHED)
    assert (assessment_2002.total_items, assessment_2002.total_completed) == (1077, 1004)
    counts = {c: len(assessment_2002.in_class(c)) for c in assessment_2002.classes}
    assert counts == {"县区": 9, "市直部门": 48, "驻连部省属单位": 18}


def test_seventy_three_units_are_commended(assessment_2002: targetdsl.Assessment) -> None:
    assert sum(1 for u in assessment_2002.units if "重要事项" in u.commendations) == 73


def test_readme_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(P2002), str(D2002)]) == 0
    out = capsys.readouterr().out
    assert "县区 (9 units)" in out and "市直部门 (48 units)" in out and "驻连部省属单位 (18 units)" in out
    completion = out[out.index("completion") :]
    for unit_class, _, items, done in PUBLISHED:
        assert any(
            line.split()[:1] == [unit_class] and f" {items} " in line and f" {done} " in line
            for line in completion.splitlines()
        )
    assert "all" in completion and "1077" in completion and "1004" in completion and "93.2%" in completion


def test_2003_example_covers_the_new_rules(assessment_2003: targetdsl.Assessment) -> None:
    vetoed = assessment_2003.unit("C04")
    assert [v.name for v in vetoed.vetoes] == ["环境保护"]
    assert vetoed.money == 0 and not vetoed.eligible
    assert [(c.unit, c.name) for c in assessment_2003.ledger] == [("C02", "全国科技进步先进县")]
    no_targets = assessment_2003.unit("D45")
    assert not no_targets.eligible and no_targets.money == 0
    carried = assessment_2003.unit("C05")
    assert any("carried in" in c for b in carried.bonuses for c in b.counted)
    given = assessment_2003.unit("C01")
    key = next(m for m in given.measures if m.name == "重点项目")
    assert key.items[0].earned == Decimal("0.95")


def test_2003_weights_apply(assessment_2003: targetdsl.Assessment) -> None:
    county = assessment_2003.unit("C01")
    assert [c.points for c in county.categories] == [40, 50, 10]
    department = assessment_2003.unit("D01")
    assert [c.points for c in department.categories] == [20, 60, 20]


def test_explain_the_vetoed_county(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(P2003), str(D2003), "C04", "--carry-in", str(LEDGER)]) == 0
    out = capsys.readouterr().out
    assert "vetoed: 环境保护" in out
    assert "lianyungang-2002.tdsl:136" in out  # the veto's rule
    assert "caps the grade at 良好" in out
    assert "a veto withholds the award" in out
    assert "inputs: " in out


def test_evaluate_json_and_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.json"
    assert (
        main(
            ["evaluate", str(P2003), str(D2003), "--carry-in", str(LEDGER), "--format", "json", "--ledger", str(ledger)]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert len(document["units"]) == 75
    assert document["units"][0]["rank"] == 1
    assert isinstance(document["units"][0]["total"], str)  # exact decimals as text
    carried = json.loads(ledger.read_text(encoding="utf-8"))
    assert carried["carry_over"][0]["unit"] == "C02"
    # next year's assessment takes this ledger as its carry-in; this year's refuses it (double counting)
    policy = targetdsl.load_policy(P2003)
    assert load_ledger(attrs.evolve(policy.schema, year=2004), carried, str(ledger))[0][0] == "C02"
    with pytest.raises(targetdsl.DataError, match="this year's own ledger"):
        policy.evaluate(D2003, carried_in=ledger)


def test_evaluate_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for _ in range(2):
        main(["evaluate", str(P2003), str(D2003), "--format", "json", "--explain"])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_the_generator_reproduces_the_committed_examples(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", ROOT / "examples/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for path in tmp_path.rglob("*.yaml"):
        committed = ROOT / "examples" / path.relative_to(tmp_path)
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), committed


def test_data_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "units.yaml"
    data.write_text("units:\n  - {id: X, class: 乡镇}\n", encoding="utf-8")
    assert main(["evaluate", str(P2002), str(data)]) == 1
    captured = capsys.readouterr()
    assert "units.yaml: unit X: class: unknown class `乡镇`" in captured.err and captured.out == ""


def test_evaluate_xlsx_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    out = tmp_path / "results.xlsx"
    assert main(["evaluate", str(P2002), str(D2002), "--format", "xlsx", "-o", str(out), "--lang", "zh"]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["县区", "市直部门", "驻连部省属单位", "完成情况", "明细", "精确值"]
    departments = book["市直部门"]
    assert departments.max_row == 3 + 48  # title, subtitle, header, a row per department
    assert departments.page_setup.orientation == "landscape" and departments.print_title_rows == "$3:$3"
    assert departments["D4"].number_format == "0.00"
    assert list(book["完成情况"].iter_rows(values_only=True))[-1][:4] == ("合计", None, 1077, 1004)
    assert book["明细"].max_row > 75
    assert main(["evaluate", str(P2002), str(D2002), "--format", "xlsx"]) == 2
    capsys.readouterr()
    assert main(["evaluate", str(P2002), str(D2002), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("class,rank,id,name,total,raw_total")
    assert len(lines) == 76


QUARTERS = ROOT / "examples/quarters"


def test_four_quarters_95_percent_and_the_leadership_evaluation_5_percent() -> None:
    """Quarter results plus another component: the quarterly measures (95 points) weighted 25 % in each
    quarter, each quarter on its own figures, and the leadership's evaluation (5 points) given once."""
    policy = targetdsl.load_policy(QUARTERS / "policy.tdsl")
    data = {name: QUARTERS / f"q{n}.yaml" for n, name in enumerate(("一季度", "二季度", "三季度", "四季度"), 1)}
    year = policy.evaluate_over_periods(data)
    # 甲镇: each quarter's revenue target is 200 × 3/12 = 50: 45 → 45, 50 → 50, 55 → 50 (capped), 40 → 40;
    #   (45 + 50 + 50 + 40) × 25% = 46.25. Projects 3/4, 4/4, 2/4, 4/4 of 45: (33.75 + 45 + 22.5 + 45) × 25%
    #   = 36.5625. The quarters' own results (of 95): 78.75, 95, 72.5, 85, whose mean is 82.8125.
    #   Evaluation 90 of 100 → 4.5. Total 87.3125 → 87.31.
    # 乙镇: target 160 × 3/12 = 40: 36 → 45, 30 → 37.5, 44 → 50, 38 → 47.5: 180 × 25% = 45. Projects 4/5, 5/5,
    #   5/5, 3/5 of 45: (36 + 45 + 45 + 27) × 25% = 38.25. Evaluation 70 → 3.5. Total 86.75.
    t1, t2 = year.unit("T1"), year.unit("T2")
    assert [(m.name, m.earned) for m in t1.measures] == [
        ("财政收入", Decimal("46.25")),
        ("项目推进", Decimal("36.5625")),
        ("班子评价", Decimal("4.5")),
    ]
    assert [c.earned for c in t1.categories] == [Decimal("82.8125"), Decimal("4.5")]
    assert (t1.total, t1.rank) == (Decimal("87.31"), 1)
    assert [m.earned for m in t2.measures] == [Decimal("45"), Decimal("38.25"), Decimal("3.5")]
    assert (t2.total, t2.rank) == (Decimal("86.75"), 2)
    # the quarterly part alone would rank 乙镇 first (83.25 against 82.8125): the evaluation decides
    assert policy.evaluate_over_periods(data, explain=False).to_json() == year.to_json()


PROGRESS = ROOT / "examples/progress"


def test_last_years_results_are_what_last_years_evaluation_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results-2023.jsonl"
    args = ["evaluate", str(PROGRESS / "2023.tdsl"), str(PROGRESS / "2023.yaml"), "--format", "jsonl", "-q"]
    assert main([*args, "-o", str(out)]) == 0
    assert out.read_bytes() == (PROGRESS / "results-2023.jsonl").read_bytes()


def test_places_gained_in_a_ranking_across_classes() -> None:
    """Counties and departments scored by their own weights and ranked in one list; 2024 commends the
    units that rose two places or more in it."""
    policy = targetdsl.load_policy(PROGRESS / "2024.tdsl")
    year = policy.evaluate(PROGRESS / "2024.yaml", last_year=PROGRESS / "results-2023.jsonl")
    # 2023, one list: 发改委 D1 50 + 44 = 94, 东县 C1 57 + 36 = 93, 交通局 D3 46 + 45 = 91, 西县 C2 54 + 32 = 86,
    #   南区 C3 48 + 34 = 82, 财政局 D2 42.5 + 35 = 77.5
    # 2024: C2 60 + 38 = 98, D2 48 + 46 = 94, C3 57 + 36 = 93, D4 40 + 50 = 90 (new), C1 54 + 34 = 88,
    #   D3 44 + 42 = 86, D1 45 + 40 = 85. Places gained: C2 4 → 1, D2 6 → 2, C3 5 → 3 (two or more);
    #   C1 2 → 5, D3 3 → 6, D1 1 → 7 lost places; D4 has no rank last year (missing default 0)
    ranks = {u.id: (u.total, u.rank, u.commendations) for u in year.units}
    assert ranks == {
        "C2": (Decimal("98.00"), 1, ("进位",)),
        "D2": (Decimal("94.00"), 2, ("进位",)),
        "C3": (Decimal("93.00"), 3, ("进位",)),
        "D4": (Decimal("90.00"), 4, ()),
        "C1": (Decimal("88.00"), 5, ()),
        "D3": (Decimal("86.00"), 6, ()),
        "D1": (Decimal("85.00"), 7, ()),
    }
    # 优秀 quota 2 of the one list: C2 and D2; C3 and D4 (≥ 90) fall to 良好
    assert [u.grade for u in year.in_class("县区")] == ["优秀", "良好", "良好"]
    assert [u.grade for u in year.in_class("市直部门")] == ["优秀", "良好", "良好", "良好"]
    assert year.ranked_with("县区") == year.ranked_with("市直部门") == 7  # an explanation's `rank 3 of 7`


def test_the_tutorial_shows_the_quarters_policy_as_it_is() -> None:
    tutorial = (ROOT / "docs/tutorial.md").read_text(encoding="utf-8")
    assert "```tdsl\n" + (QUARTERS / "policy.tdsl").read_text(encoding="utf-8") + "```" in tutorial


def test_the_chinese_tutorial_shows_the_quarters_policy_in_chinese_keywords() -> None:
    """The same policy, keyword for keyword: its tree is the English file's."""
    from targetdsl.language.parser import parse

    tutorial = (ROOT / "docs/tutorial.zh-CN.md").read_text(encoding="utf-8")
    block = tutorial[tutorial.index("```tdsl\n# 四个季度占 95%") + len("```tdsl\n") :]
    block = block[: block.index("```")]
    english = parse((QUARTERS / "policy.tdsl").read_text(encoding="utf-8"), "policy.tdsl").file
    assert parse(block, "tutorial.zh-CN.md").file == english


SHANDONG = ROOT / "examples/shandong-2021"


def test_shandong_2021_is_the_hand_worked_case() -> None:
    """The tutorial's Shandong 2021 county evaluation, on its figures and last year's results, gives the results
    worked out by hand in tests/cases/method-shandong-2021-counties.yaml (the same method, labelled)."""
    from targetdsl.units.documents import parse_yaml

    document = parse_yaml((ROOT / "tests/cases/method-shandong-2021-counties.yaml").read_text(encoding="utf-8"))
    policy = targetdsl.load_policy(SHANDONG / "2021.tdsl")
    year = policy.evaluate(SHANDONG / "2021.yaml", last_year=SHANDONG / "results-2020.json")
    for unit_id, wanted in document["expect"]["units"].items():
        unit = year.unit(unit_id)
        assert (unit.rank, unit.total, list(unit.commendations)) == (
            wanted["rank"],
            Decimal(wanted["total"]),
            wanted["commendations"],
        )


def test_the_years_result_over_the_periods_is_titled_as_the_year_not_its_last_period(tmp_path: Path) -> None:
    """The year's result of measures weighted over the quarters is no result of 四季度: its table, workbook
    and report say the year and the periods weighted; JSON keeps `period` (the last period's data decided
    the rest)."""
    from targetdsl.keywords import Language
    from targetdsl.office.publication import Edition
    from targetdsl.office.tables import render_assessment

    policy = targetdsl.load_policy(QUARTERS / "policy.tdsl")
    data = {name: QUARTERS / f"q{n}.yaml" for n, name in enumerate(("一季度", "二季度", "三季度", "四季度"), 1)}
    year = policy.evaluate_over_periods(data, explain=False)
    assert year.weighted == ("一季度", "二季度", "三季度", "四季度") and year.to_json()["period"] == "四季度"
    assert render_assessment(year).startswith("乡镇季度考核办法 — the year, 一季度, 二季度, 三季度, 四季度 weighted\n")
    chinese = render_assessment(year, language=Language.CHINESE)
    assert chinese.startswith("乡镇季度考核办法（全年，一季度、二季度、三季度、四季度加权）\n")
    assert "期间：全年，一季度、二季度、三季度、四季度加权" in Edition(lang="zh").heading(year)
    quarter = policy.evaluate(data["四季度"], period="四季度", explain=False)
    assert quarter.weighted == () and render_assessment(quarter).startswith("乡镇季度考核办法 — period 四季度\n")


def test_the_table_lists_who_each_commendation_names_in_the_order_of_the_shared_rank() -> None:
    from targetdsl.keywords import Language
    from targetdsl.office.tables import render_assessment

    policy = targetdsl.load_policy(SHANDONG / "2021.tdsl")
    year = policy.evaluate(SHANDONG / "2021.yaml", last_year=SHANDONG / "results-2020.json", explain=False)
    english = render_assessment(year)
    assert "\ncommendations\n先进县 (3 units): 甲县, 庚县, 丁市\n进步县 (2 units): 戊市, 丙县\n" in english
    chinese = render_assessment(year, language=Language.CHINESE)
    assert "\n嘉奖\n先进县（3 个单位）：甲县、庚县、丁市\n进步县（2 个单位）：戊市、丙县\n" in chinese
