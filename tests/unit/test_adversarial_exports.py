"""What offices send: spreadsheets saved as CSV by Excel, and the ways such a file can hold a number that
is not the one typed. Each is read as typed or refused by its cell, never scored wrongly."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

import targetdsl
from targetdsl.cli import main
from tests.support import write

POLICY = """policy "导出" { year 2003 status draft }
class 县区 { 定量指标 100 }
category 定量指标 {
    indicator 地区生产总值 points 60 {
        input target: money
        input actual: money
        score points * min(actual / target, 120%)
    }
    indicator 增速 points 40 {
        input target: percent
        input actual: percent
        score if actual >= target then points else 0
    }
}
"""
HEADER = "id,class,地区生产总值.target,地区生产总值.actual,增速.target,增速.actual\n"


@pytest.mark.parametrize("rounded", ["3.16E+11", "1.23457E+11", "-2.5E+12", "1.23457E-05", " 1E+15"])
def test_a_number_excel_rounded_when_it_saved_the_csv_is_refused(tmp_path: Path, rounded: str) -> None:
    """Excel shows a number of 12 digits or more as `1.23457E+11` and saves a CSV as shown: 316,000,000,001
    would be read as 316,000,000,000. Refused by its line and column, in memory and streamed."""
    data = write(tmp_path, "u.csv", HEADER + f"C01,县区,{rounded},316000000001,8.5,9\nC02,县区,10,12,8,9\n")
    policy = targetdsl.parse_policy(POLICY, name="p.tdsl")
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(data)
    (problem,) = caught.value.problems
    assert (problem.unit, problem.field, problem.code) == ("C01", "indicators.地区生产总值.target", "data.bad-number")
    assert problem.cell == "line 2, column `地区生产总值.target`" and "Excel" in problem.message
    with pytest.raises(targetdsl.DataError) as streamed:
        policy.stream(data)
    assert [p.message for p in streamed.value.problems] == [problem.message]


def test_numbers_written_with_an_exponent_that_excel_does_not_round_are_read(tmp_path: Path) -> None:
    """A small exponent (1.5E+3), more digits than Excel shows (3.16000000001E+11), a YAML or JSON number:
    read as written."""
    data = write(
        tmp_path,
        "u.csv",
        HEADER + "C01,县区,1.5E+3,1500,8.5,9\nC02,县区,3.16000000001E+11,316000000001,8,9\n",
    )
    policy = targetdsl.parse_policy(POLICY, name="p.tdsl")
    assert [u.total for u in policy.evaluate(data).units] == [Decimal("100.00"), Decimal("100.00")]
    # a program's text (str of a Decimal, lower-case e), and a name that looks like such a number: as written
    other = write(tmp_path, "v.csv", "id,name," + HEADER[3:] + "C01,1.23457E+11,县区,4.4e+11,4.4e+11,8.5,9\n")
    assert [(u.name, u.total) for u in policy.evaluate(other).units] == [("1.23457E+11", Decimal("100.00"))]
    texts = [
        {
            "id": "A",
            "class": "县区",
            "indicators": {
                "地区生产总值": {"target": str(Decimal("1E+12")), "actual": "1E+12"},
                "增速": {"target": "1E-7", "actual": 1},
            },
        }
    ]
    assert policy.evaluate(texts).units[0].total == Decimal("100.00")
    document = {
        "units": [
            {
                "id": "C01",
                "class": "县区",
                "indicators": {
                    "地区生产总值": {"target": 3.16e11, "actual": 3.16e11},
                    "增速": {"target": 8, "actual": 9},
                },
            }
        ]
    }
    assert policy.evaluate(json.loads(json.dumps(document))).units[0].total == Decimal("100.00")


def test_the_usual_path_refuses_them_as_the_general_path_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past the first 200 records a class is read by generated code (intake.py): the same refusal."""
    rows = "".join(f"C{i:03d},县区,{100 + i},{110 + i},8,9\n" for i in range(300))
    rows += "C999,县区,1.23457E+11,123456789012,8,9\n"
    data = write(tmp_path, "u.csv", HEADER + rows)
    policy = write(tmp_path, "p.tdsl", POLICY)
    for extra in ([], ["--jobs", "2"]):
        assert main(["--lang", "en", "evaluate", str(policy), str(data), "-q", "--format", "csv", *extra]) == 1
        err = capsys.readouterr().err
        assert err.count("error[data.bad-number]") == 1 and "unit C999" in err and "Excel" in err, err
