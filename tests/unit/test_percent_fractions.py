"""Percentages given as fractions (8.5 % exported as 0.085): judged over a whole column of the data.

A bare 0.085 for a `percent` input is 0.085 %. When every value of a field is a bare number from -1 to 1
while the policy expects that percentage above 1 % (a constant it is compared with, its range, or a
percentage read with it given above 1 %), the data are refused (`data.percent-fraction`) naming the
field, with what to write; a value written with its sign, and a column of small values the policy gives
no scale to, are read as they are. Every path agrees: in memory, streamed, in parts."""

import json
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.keywords import Language
from tests.support import refused, write

BANDS = """policy "比率" { year 2003 status draft }
class c { q 100 }
category q {
    indicator 完成率 points 10 {
        input rate: percent
        score bands rate { >= 90%: points, >= 60%: points / 2, otherwise: 0 }
    }
}
"""

GROWTH = """policy "增速" { year 2003 status draft }
class c { q 100 }
category q {
    indicator 增速 points 10 {
        input target: percent
        input actual: percent
        score SCORE
    }
}
"""

ACCIDENTS = """policy "事故率" { year 2003 status draft }
class c { q 100 }
category q {
    indicator 事故率 points 10 {
        input rate: percent
        score if rate <= 0.05% then points else 0
    }
}
"""


def units(measure: str, values: list[dict[str, Any]]) -> dict[str, Any]:
    return {"units": [{"id": f"U{i}", "class": "c", "indicators": {measure: v}} for i, v in enumerate(values, 1)]}


def policy(text: str, score: str = "points * min(actual / target, 120%)") -> targetdsl.Policy:
    return targetdsl.parse_policy(text.replace("SCORE", score), name="p.tdsl")


def test_fractions_against_bands_above_one_percent_are_refused() -> None:
    """All three would score 0 in the bands of 90 % and 60 %: read as 0.95 %, 0.7 %, 0.5 %."""
    data = units("完成率", [{"rate": 0.95}, {"rate": "0.7"}, {"rate": 0.5}])
    (problem,) = refused(policy(BANDS), data)
    assert (problem.unit, problem.field, problem.code) == (None, "indicators.完成率.rate", "data.percent-fraction")
    assert "every one of its 3 values" in problem.message and "unit U1: 0.95" in problem.message
    assert "`90%`" in problem.message and "8.5 or 8.5%" in problem.message
    # one or two units say too little: a growth of 1 % is typed 1
    assert len(policy(BANDS).evaluate(units("完成率", [{"rate": 0.95}, {"rate": 1}])).units) == 2
    chinese = problem.render(language=Language.CHINESE)
    assert "every one" not in chinese and "indicators.完成率.rate" in chinese, chinese


@pytest.mark.parametrize(
    "values",
    [
        [{"rate": 95}, {"rate": "70"}, {"rate": 50}],  # as people type them
        [{"rate": "95%"}, {"rate": "0.7%"}, {"rate": "50%"}],  # with the sign: never in doubt
        [{"rate": "0.95%"}, {"rate": "0.7%"}, {"rate": "0.5%"}],  # truly below 1 %, said so
        [{"rate": 95}, {"rate": "0.7"}, {"rate": 0}],  # some above 1: the column is percents
        [{"rate": 0}, {"rate": 0}, {"rate": 0}],  # nothing but zeros says nothing
    ],
)
def test_percentages_as_people_write_them_are_read(values: list[dict[str, Any]]) -> None:
    assert len(policy(BANDS).evaluate(units("完成率", values)).units) == 3


def test_small_rates_the_policy_gives_no_larger_scale_are_read() -> None:
    """An accident rate compared with 0.05 %: 0.02 and 0.08 are percents, as written."""
    scored = policy(ACCIDENTS).evaluate(units("事故率", [{"rate": 0.02}, {"rate": 0.08}]))
    assert sorted(u.total for u in scored.units) == [0, 100]


def test_a_fraction_beside_a_percentage_of_the_same_formula_is_refused() -> None:
    """The target typed as 8.5, the actual exported as 0.092: read as 0.092 %, far below target."""
    data = units("增速", [{"target": 8.5, "actual": 0.092}, {"target": 9, "actual": "0.1"}, {"target": 7, "actual": 1}])
    (problem,) = refused(policy(GROWTH, "if actual >= target then points else 0"), data)
    assert problem.field == "indicators.增速.actual" and "`indicators.增速.target`" in problem.message
    # both as fractions: `actual >= target` reads the same either way, and nothing in the policy says more
    both = units(
        "增速", [{"target": 0.085, "actual": 0.092}, {"target": 0.09, "actual": 0.1}, {"target": 1, "actual": 1}]
    )
    scored = policy(GROWTH, "if actual >= target then points else 0").evaluate(both)
    assert [u.total for u in scored.units] == [100, 100, 100]
    # a cap of 120 % is a percentage above 1 %: both columns refused
    assert [p.field for p in refused(policy(GROWTH), both)] == ["indicators.增速.target", "indicators.增速.actual"]


def test_a_range_written_as_the_data_is_expects_percents() -> None:
    text = ACCIDENTS.replace("input rate: percent", "input rate: percent range 0 to 100")
    (problem,) = refused(policy(text), units("事故率", [{"rate": 0.02}, {"rate": 0.08}, {"rate": 0.1}]))
    assert "`range 0 to 100`" in problem.message


def test_items_and_rules_are_judged_by_their_columns() -> None:
    text = """policy "项" { year 2003 status draft }
class c { q 100 }
category q {
    items 任务 points 10 {
        input rate: percent
        score points * min(rate, 100%)
    }
}
veto 环保 {
    input share: percent missing default 100%
    when share < 60%
    effect zero score
}
"""
    data = {
        "units": [
            {"id": "A", "class": "c", "indicators": {"任务": [{"rate": 0.9}, {"rate": "0.5"}]}},
            {"id": "B", "class": "c", "indicators": {"任务": [{"rate": 0.4}]}, "vetoes": {"环保": {"share": 0.7}}},
            {"id": "C", "class": "c", "indicators": {"任务": [{"rate": 1}]}, "vetoes": {"环保": {"share": 0.9}}},
            {"id": "D", "class": "c", "indicators": {"任务": [{"rate": "50%"}]}, "vetoes": {"环保": {"share": 0.8}}},
        ]
    }
    found = refused(policy(text), data)
    assert [(p.field, "unit A: 0.9" in p.message) for p in found] == [
        ("indicators.任务[*].rate", True),
        ("vetoes.环保.share", False),
    ]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--lang", "en", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_path_refuses_a_column_of_fractions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy_file = write(tmp_path, "p.tdsl", BANDS)
    rates = [f"0.{i % 97 + 1}" for i in range(60)]
    records = [{"id": f"U{i:03d}", "class": "c", "indicators": {"完成率": {"rate": r}}} for i, r in enumerate(rates)]
    jsonl = write(tmp_path, "u.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    csv = write(tmp_path, "u.csv", "id,class,完成率.rate\n" + "".join(f"U{i:03d},c,{r}\n" for i, r in enumerate(rates)))
    for data in (jsonl, csv):
        for extra in ([], ["--jobs", "2"]):
            code, out, err = run_cli(["evaluate", str(policy_file), str(data), "-q", "--format", "csv", *extra], capsys)
            assert code == 1 and out == "", err
            assert "data.percent-fraction" in err and "indicators.完成率.rate" in err and "60 values" in err, err
        with pytest.raises(targetdsl.DataError) as caught:
            targetdsl.load_policy(policy_file).evaluate(data)
        assert [p.code for p in caught.value.problems] == ["data.percent-fraction"]
    # one unit typing 95 makes the column percents: read as written on every path
    records[30]["indicators"]["完成率"]["rate"] = "95"
    jsonl = write(tmp_path, "u.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    for extra in ([], ["--jobs", "2"]):
        assert run_cli(["evaluate", str(policy_file), str(jsonl), "-q", "--format", "csv", *extra], capsys)[0] == 0


SCORES = """policy "评议" { year 2003 status draft }
assessor 人大 "市人大"
assessor 政协 "市政协"
class c { q 100 }
category q {
    indicator 满意度 points 50 {
        input s: number range 0 to 100
        score points * s / 100
    }
    assessed 评议 points 50 {
        by 人大 weight 1
        by 政协 weight 1
    }
}
"""


def scored(s: object, a: object, b: object, uid: str) -> dict[str, Any]:
    return {"id": uid, "class": "c", "indicators": {"满意度": {"s": s}, "评议": {"人大": a, "政协": b}}}


def test_scores_out_of_100_given_as_fractions_are_refused() -> None:
    """A satisfaction score `range 0 to 100` and assessors' scores exported as 0.95 for 95: every unit would
    score under 1 % of the points."""
    data = {"units": [scored(0.95, 0.9, 0.88, "A"), scored(0.8, 0.85, 0.9, "B"), scored(0.91, 0.7, 1, "C")]}
    found = refused(targetdsl.parse_policy(SCORES, name="p.tdsl"), data)
    assert [(p.field, p.code) for p in found] == [
        ("indicators.满意度.s", "data.percent-fraction"),
        ("indicators.评议.人大", "data.percent-fraction"),
        ("indicators.评议.政协", "data.percent-fraction"),
    ]
    assert "unit A: 0.95" in found[0].message and "out of 100" in found[0].message
    assert "满分 100" in found[0].render(language=Language.CHINESE)
    # as typed: scores out of 100; and one unit of 0.5 among them is read as written
    typed = {"units": [scored(95, 90, 88, "A"), scored(0.5, 85, 90, "B"), scored(91, 70, 100, "C")]}
    assert len(targetdsl.parse_policy(SCORES, name="p.tdsl").evaluate(typed).units) == 3


@pytest.mark.parametrize("fractions", [True, False])
def test_scores_read_at_once_into_rows_are_judged_as_scores_read_value_by_value(fractions: bool) -> None:
    """Enough units for the usual path, whose units keep their numbers in a row: their columns are counted
    from the row, to the same problems (or none) as the values read one by one give."""
    from targetdsl.units.data import Validator
    from targetdsl.values import MeasureRows

    schema = targetdsl.parse_policy(SCORES, name="p.tdsl").schema
    shown = ("0.9", "0.85", "0.7") if fractions else ("90", "85", "70")
    units = [scored(*shown, uid=f"U{i:03d}") for i in range(250)]
    units[7] = scored("0", "0.1", "100" if not fractions else "0.2", uid="U007")
    seen = []
    for usual in (1, None):
        validator = Validator(schema, "data.yaml", usual_after=usual)
        read = validator.units({"units": units})
        assert (type(read[-1].measures) is MeasureRows) == (usual == 1)
        seen.append([(p.field, p.code, p.message) for p in validator.problems])
    assert seen[0] == seen[1]
    codes = {code for _, code, _ in seen[0]}
    assert codes == ({"data.percent-fraction"} if fractions else set())
