import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import targetdsl
from targetdsl.numeric import CONTEXT
from targetdsl.units.tabular import document

POLICY = """policy "表格" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 {
    indicator gdp points 1 { input target: number input actual: number score points * min(actual / target, 1.2) }
    items 项目 { input done: bool score if done then points else 0 completed when done }
}
input 承担: bool missing default true
bonus 获奖 { level 省级 2 }
"""


@pytest.fixture
def policy() -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY, name="表格.tdsl")


def test_columns_become_the_yaml_shape() -> None:
    header = ["id", "class", "gdp.target", "项目.1.done", "项目.2.done", "inputs.承担", "bonuses.获奖.1.level"]
    built = document("t.csv", header, [["A", "县区", "10", "true", None, "否", "省级"]])
    assert built == {
        "units": [
            {
                "id": "A",
                "class": "县区",
                "indicators": {"gdp": {"target": "10"}, "项目": [{"done": "true"}]},
                "inputs": {"承担": "否"},
                "bonuses": {"获奖": [{"level": "省级"}]},
            }
        ]
    }


def test_csv(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        'id,class,gdp.target,gdp.actual,项目.1.done,项目.2.done,inputs.承担\nA,县区,"1,000",1100,true,false,\n'
        "B,县区,100,50,是,,\n",
        encoding="utf-8-sig",
    )
    assessment = policy.evaluate(path)
    a, b = assessment.unit("A"), assessment.unit("B")
    assert a.measures[0].earned == Decimal("1.1") and a.items == 2 and a.completed_items == 1
    assert b.measures[0].earned == Decimal("0.5") and b.items == 1


def test_csv_in_gbk_is_refused_with_advice(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes("id,class\nA,县区\n".encode("gbk"))
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(path)
    assert "UTF-8" in str(caught.value.problems[0])


def test_header_problems(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.csv"
    path.write_text("id,gdp.target,gdp.target\nA,1,2\n", encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(path)
    messages = [p.message for p in caught.value.problems]
    assert messages == ["no `class` column", "column `gdp.target` appears twice"]


def workbook(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "县区"
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.xlsx"
    workbook(
        path,
        [
            ["id", "class", "gdp.target", "gdp.actual", "项目.1.done", "bonuses.获奖.1.level", "inputs.承担"],
            ["A", "县区", 31.6, 33.1, True, "省级", None],
            ["B", "县区", 10, 9, False, None, None],
        ],
    )
    assessment = policy.evaluate(path)
    # Excel's double 31.6 is read as the decimal 31.6, not 31.60000000000000142…
    assert assessment.unit("A").measures[0].earned == CONTEXT.divide(Decimal("33.1"), Decimal("31.6"))
    assert assessment.unit("A").bonus == 2
    assert assessment.unit("B").completed_items == 0


def test_a_total_row_does_not_hide_the_other_problems_of_the_file(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """One run names every problem: a total under the units and a bad value above it, read whole or
    streamed, in a CSV file, a workbook, or a folder of them."""
    rows: list[list[object]] = [
        ["id", "class", "gdp.target", "gdp.actual", "项目.1.done", "inputs.承担"],
        ["A", "县区", "100", "abc", "是", None],
        ["B", "县区", "100", "90", "否", None],
        ["合计", None, "200", None, None, None],
    ]
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "a.csv").write_text("\n".join(",".join("" if c is None else str(c) for c in r) for r in rows), "utf-8")
    workbook(folder / "b.xlsx", [[{"A": "C", "B": "D"}.get(str(c), c) for c in r] for r in rows])
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(folder / "a.csv")
    assert [(p.code, p.cell or p.field) for p in caught.value.problems] == [
        ("data.bad-number", "line 2, column `gdp.actual`"),
        ("data.not-a-unit", "line 4, column `id`"),
    ]
    with pytest.raises(targetdsl.DataError) as streamed:
        policy.stream(folder / "a.csv")
    assert [str(p) for p in streamed.value.problems] == [str(p) for p in caught.value.problems]
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(folder / "b.xlsx")
    assert [(p.code, p.cell or p.field) for p in caught.value.problems] == [
        ("data.bad-number", "sheet 县区, cell D2"),
        ("data.not-a-unit", "sheet 县区, cell A4"),
    ]
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(folder)
    codes = sorted((p.code, p.unit) for p in caught.value.problems)
    assert codes == [
        ("data.bad-number", "A"),
        ("data.bad-number", "C"),
        ("data.not-a-unit", None),
        ("data.not-a-unit", None),
    ]


def test_xlsx_error_cells_and_uncalculated_formulas(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.xlsx"
    workbook(
        path,
        [
            ["id", "class", "gdp.target", "gdp.actual", "项目.1.done"],
            ["A", "县区", "#DIV/0!", "=B2*2", True],
            ["B", "县区", datetime.datetime(2003, 5, 1), 9, True],
        ],
    )
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(path)
    problems = [str(p) for p in caught.value.problems]
    assert any("cell D2" in p and "formula" in p for p in problems)
    # an error cell is refused by its cell, like the formula never calculated, before values are checked
    assert any("unit A: sheet 县区, cell C2: `gdp.target` holds Excel's error value #DIV/0!" in p for p in problems)
    assert len(problems) == 2


def test_xlsx_values_are_checked_like_yaml(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.xlsx"
    workbook(
        path,
        [
            ["id", "class", "gdp.target", "gdp.actual", "项目.1.done"],
            ["A", "县区", "ninety", 5, True],
            ["B", "县区", datetime.datetime(2003, 5, 1), 9, True],
        ],
    )
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(path)
    problems = [str(p) for p in caught.value.problems]
    assert any("unit A: indicators.gdp.target: expected a number, found `ninety`" in p for p in problems)
    assert any("unit B: indicators.gdp.target: expected a number, found the date 2003-05-01" in p for p in problems)


@pytest.mark.parametrize(
    ("suffix", "advice"),
    [
        (".csv", "“CSV UTF-8” in Excel's Save As"),
        (".jsonl", "the editor's or exporter's encoding"),
        (".yaml", "the editor's or exporter's encoding"),
    ],
)
def test_the_advice_for_text_that_is_not_utf8_fits_the_file(
    tmp_path: Path, policy: targetdsl.Policy, suffix: str, advice: str
) -> None:
    path = tmp_path / f"units{suffix}"
    path.write_bytes("id: 县区\n".encode("gbk"))
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(path)
    assert advice in str(caught.value.problems[0]), caught.value.problems[0]


def test_a_sheet_without_the_column_of_an_input_that_may_be_missing_is_refused(
    tmp_path: Path, policy: targetdsl.Policy
) -> None:
    """`承担` (missing default true) has no column: every unit would take the default without a word — a
    sheet made from last year's template, say. Refused naming the field, read whole or streamed, in a CSV
    file or a workbook; a blank cell under the column is the default at work."""
    rows: list[list[object]] = [["id", "class", "gdp.target", "gdp.actual", "项目.1.done"], ["A", "县区", 1, 1, "是"]]
    (tmp_path / "u.csv").write_text("\n".join(",".join(map(str, r)) for r in rows), "utf-8")
    workbook(tmp_path / "u.xlsx", rows)
    for path in (tmp_path / "u.csv", tmp_path / "u.xlsx"):
        with pytest.raises(targetdsl.DataError) as caught:
            policy.evaluate(path)
        assert [(p.code, p.field) for p in caught.value.problems] == [("data.missing-column", "inputs.承担")]
        assert "`inputs.承担`" in caught.value.problems[0].message
    with pytest.raises(targetdsl.DataError) as streamed:
        policy.stream(tmp_path / "u.csv")
    assert [p.code for p in streamed.value.problems] == ["data.missing-column"]
    with pytest.raises(targetdsl.DataError) as parted:
        policy.evaluate_parts(tmp_path / "u.csv", parts=2)
    assert [p.code for p in parted.value.problems] == ["data.missing-column"]
    rows[0].append("inputs.承担")
    rows[1].append(None)
    workbook(tmp_path / "v.xlsx", rows)
    assert policy.evaluate(tmp_path / "v.xlsx").units[0].total == 100
