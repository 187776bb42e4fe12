"""An `items` measure whose unit lists no items: missing data, refused naming the unit and the field,
unless the policy says what a unit without items means (`missing na` on an input of the items: the
measure does not apply to it). Dropping the measure silently gave its points to the unit's other
measures, so that a unit listing nothing could rank above units that listed their work and failed
some of it. Every path agrees: in memory, a stream of JSON Lines or CSV, and `--jobs 2`."""

import json
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.explain import render_text
from targetdsl.cli import main
from tests.support import refused, write

POLICY = """policy "事项" { year 2003 status draft }
class 县区 { 重点 100 }
category 重点 {
    indicator 增长 points 60 {
        input r: percent
        score points * min(r, 100%)
    }
    items 项目 "重点项目" POINTS {
        input subs: count range 1 to 50
        input done: count range 0 to subs MISSING
        score points * done / subs
        tally done of subs
    }
}
"""


def policy_of(points: str = "points 40", missing: str = "") -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY.replace("POINTS", points).replace("MISSING", missing), name="p.tdsl")


def unit(uid: str, rate: str, items: list[dict[str, object]] | None) -> dict[str, Any]:
    indicators: dict[str, Any] = {"增长": {"r": rate}}
    if items is not None:
        indicators["项目"] = items
    return {"id": uid, "class": "县区", "indicators": indicators}


UNITS = [
    unit("A", "100", [{"subs": 2, "done": 1}]),
    unit("B", "100", []),
]


@pytest.mark.parametrize("points", ["points 40", ""])
def test_an_empty_list_is_missing_data(points: str) -> None:
    """With points of its own or not, pooled or not: B's empty list would have made it first with 100."""
    problems = refused(policy_of(points), {"units": UNITS})
    assert [(p.unit, p.field, p.code) for p in problems] == [("B", "indicators.项目", "data.missing-value")]
    assert "no items listed" in problems[0].message and "missing na" in problems[0].message
    chinese = problems[0].render(language=targetdsl.Language.CHINESE)
    assert "no items" not in chinese and "项目" in chinese


def test_an_empty_pooled_list_is_missing_data() -> None:
    text = POLICY.replace("POINTS", "points 40 pooled").replace("MISSING", "").replace("score points * done / subs", "")
    problems = refused(targetdsl.parse_policy(text, name="p.tdsl"), {"units": UNITS})
    assert [(p.unit, p.field, p.code) for p in problems] == [("B", "indicators.项目", "data.missing-value")]


def test_an_absent_list_says_to_list_the_items() -> None:
    problems = refused(policy_of(), {"units": [UNITS[0], unit("B", "100", None)]})
    assert [(p.unit, p.field, p.code) for p in problems] == [("B", "indicators.项目", "data.missing-value")]
    assert "empty list" not in problems[0].message


def test_a_policy_that_says_missing_items_do_not_apply() -> None:
    """`missing na` on an input of the items: a unit without items is not assessed on the measure,
    empty or absent (a sheet cannot tell them apart), and the explanation says so."""
    policy = policy_of(missing="missing na")
    for b in (unit("B", "90", []), unit("B", "90", None)):
        assessment = policy.evaluate({"units": [UNITS[0], b]}, explain=True)
        result = assessment.unit("B")
        measure = next(m for m in result.measures if m.name == "项目")
        assert not measure.applicable and result.total == 90
        assert "no items listed" in render_text(result, 1)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--lang", "en", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_path_refuses_an_empty_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = write(tmp_path, "p.tdsl", POLICY.replace("POINTS", "points 40").replace("MISSING", ""))
    units = [unit(f"U{i:03d}", "90", [{"subs": 2, "done": i % 3}]) for i in range(40)]
    units[17]["indicators"]["项目"] = []
    jsonl = write(tmp_path, "units.jsonl", "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units))
    # the same units as a sheet: U017 has no item cells (a sheet cannot write an empty list)
    rows = ["id,class,增长.r,项目.1.subs,项目.1.done"]
    rows += [f"{u['id']},县区,90,{'' if i == 17 else '2'},{'' if i == 17 else i % 3}" for i, u in enumerate(units)]
    csv = write(tmp_path, "units.csv", "\n".join(rows) + "\n")
    for data, extra in ((jsonl, []), (jsonl, ["--jobs", "2"]), (csv, []), (csv, ["--jobs", "2"])):
        for output in ("csv", "jsonl"):
            code, out, err = run_cli(["evaluate", str(policy), str(data), "-q", "--format", output, *extra], capsys)
            assert code == 1 and out == "", (data, extra, err)
            assert "unit U017: indicators.项目" in err and "data.missing-value" in err, err
    # in memory too
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(policy).evaluate(jsonl)
    assert [p.unit for p in caught.value.problems] == ["U017"]
