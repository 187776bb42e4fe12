"""Last year's results as an input (issue 14, item 3): `input 上年名次: count from last year rank`, read
from the results file a previous evaluation wrote (`--last-year`, `last_year=`): the form's checks,
layout in both keyword languages and diff; the file's validation, each problem located; the results on
every path and from the command line."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.language.formatter import format_policy
from tests.support import reference, write

CASES = Path(__file__).parent.parent / "cases"
CASE = "ref-last-year-results.yaml"


def case() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((CASES / CASE).read_text(encoding="utf-8"))
    return document


def codes(text: str) -> list[str]:
    return [d.code for d in targetdsl.check_text(text, name="p.tdsl").diagnostics]


POLICY = """policy "p" { year 2023 status draft }
class 县区 { a 100 }
class 部门 { a 100 }
%s
category a { indicator s points 100 { input s: number score s } }
grades { 优秀 >= 90 合格 otherwise }
commendation 进位 { when 上年 - rank > 0 }
"""

RANK = "input 上年: count from last year rank"


def policy(declared: str = RANK) -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY % declared, name="p.tdsl")


def units(*scores: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [{"id": i, "class": c, "indicators": {"s": {"s": s}}} for i, c, s in scores]


THIS_YEAR = units(("A", "县区", 80), ("B", "县区", 90))
LAST_YEAR = {
    "year": 2022,
    "units": [
        {"id": "A", "unit_class": "县区", "rank": 1, "total": "95", "grade": "优秀"},
        {"id": "B", "unit_class": "县区", "rank": 2, "total": "85", "grade": "合格"},
    ],
}


def problems(run: Any) -> list[str]:
    with pytest.raises(targetdsl.DataError) as caught:
        run()
    return [str(p) for p in caught.value.problems]


# ---------------------------------------------------------------- the form: checks, layout, diff


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (RANK, []),
        ("input 上年: number from last year total", []),
        ("input 上年: {优秀: 1, 合格: 0} from last year grade missing default 合格", []),
        ("input 上年: count from last year place", ["check.last-year"]),  # no such result
        ("input 上年: percent from last year rank", ["check.last-year"]),  # a rank is a count
        ("input 上年: count from last year grade", ["check.last-year"]),  # a grade is a word
    ],
)
def test_an_input_from_last_year_reads_a_result_its_type_holds(declared: str, expected: list[str]) -> None:
    assert codes(POLICY % declared) == expected


def test_an_input_from_last_year_is_a_unit_input() -> None:
    text = POLICY % "input 上年: count" + (
        "veto v { input 去年: count from last year rank\n when 去年 > 3 and 上年 > 0\n effect no award }"
    )
    report = targetdsl.check_text(text, name="p.tdsl")
    assert [d.code for d in report.diagnostics] == ["check.last-year"]
    assert "not a unit input" in report.diagnostics[0].message


def test_a_misspelt_result_is_answered_with_the_nearest() -> None:
    (diagnostic,) = targetdsl.check_text(POLICY % "input 上年: count from last year rnak", name="p.tdsl").diagnostics
    assert diagnostic.message == "last year's results have no `rnak`"
    assert "rank" in (diagnostic.help or "")


def test_an_input_from_last_year_keeps_its_layout_in_both_keyword_languages() -> None:
    text = POLICY % (RANK + " missing default 0")
    chinese = format_policy(text, keywords=Language.CHINESE)
    assert "填报 上年: 个数 取上年 名次 缺报 默认 0" in chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == format_policy(text)
    assert format_policy(format_policy(text)) == format_policy(text)
    assert targetdsl.parse_policy(chinese, name="p.tdsl").effective == policy(RANK + " missing default 0").effective
    # what is read is said in either language in either file, and a word that is none is answered in the file's
    mixed = chinese.replace("取上年 名次", "取上年 rank")
    assert targetdsl.parse_policy(mixed, name="p.tdsl").effective == policy(RANK + " missing default 0").effective
    report = targetdsl.check_text(chinese.replace("取上年 名次", "取上年 名词"), name="p.tdsl")
    assert [d.help for d in report.errors] == ["did you mean `名次`?"]


def test_reading_last_year_instead_of_the_data_is_a_change_an_auditor_sees() -> None:
    typed = policy("input 上年: count")
    read = policy(RANK)
    changed = targetdsl.diff_policies(typed, read)
    assert not changed.equivalent
    assert "from last year rank" in changed.render()


# ---------------------------------------------------------------- results on every path


def test_last_years_results_score_places_gained_on_every_path() -> None:
    document = case()
    read = targetdsl.parse_policy(document["policy"], name=CASE)
    given = document["last_year"]
    fast = read.evaluate(document["units"], explain=False, last_year=given)
    explained = read.evaluate(document["units"], last_year=given)
    slow = reference(read, document["units"], last_year=given)
    assert fast.to_json() == explained.to_json() == slow.to_json()
    for unit in explained.units:
        assert unit.explanation == slow.unit(unit.id).explanation
    with read.stream(iter(document["units"]), last_year=given) as stream:
        assert [unit_json(u) for u in stream] == fast.to_json()["units"]
    for parts in (1, 4):
        done = read.evaluate_parts(document["units"], parts=parts, last_year=given)
        assert [unit_json(u) for u in done.results] == fast.to_json()["units"]


def test_a_commendation_explains_what_its_condition_read() -> None:
    """A commendation given shows the values its condition read: last year's rank beside this year's."""
    from targetdsl.audit.explain import render_text

    b = policy().evaluate(THIS_YEAR, last_year=LAST_YEAR).unit("B")
    assert b.commendations == ("进位",)
    step = next(s for s in b.explanation if s.what.startswith("commendation"))
    assert dict(step.inputs) == {"上年": "2", "rank": "1"}
    assert "commendation 进位 = yes    [p.tdsl:7:14]\n    inputs: 上年 = 2, rank = 1" in render_text(b, 2)
    # in a file written with Chinese keywords, the results read are named as the file names them
    chinese = format_policy(POLICY % RANK, name="p.tdsl", keywords=Language.CHINESE)
    b = targetdsl.parse_policy(chinese, name="p.tdsl").evaluate(THIS_YEAR, last_year=LAST_YEAR).unit("B")
    text = render_text(b, 2, language=Language.CHINESE)
    assert "嘉奖 进位 = 是" in text and "上年 = 2, 名次 = 1" in text


def test_an_assessment_is_last_years_results_as_its_file_is(tmp_path: Path) -> None:
    last = targetdsl.parse_policy(
        (POLICY % "").replace("2023", "2022").replace("commendation 进位 { when 上年 - rank > 0 }", ""), name="old.tdsl"
    ).evaluate(units(("A", "县区", 95), ("B", "县区", 85)))
    by_object = policy().evaluate(THIS_YEAR, last_year=last)
    path = tmp_path / "2022.json"
    path.write_text(json.dumps(last.to_json(), ensure_ascii=False), encoding="utf-8")
    assert policy().evaluate(THIS_YEAR, last_year=path).to_json() == by_object.to_json()
    assert by_object.unit("B").commendations == ("进位",)  # second last year, first now


def test_the_command_line_reads_the_file_evaluate_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(
        tmp_path,
        "2022.tdsl",
        (POLICY % "").replace("2023", "2022").replace("commendation 进位 { when 上年 - rank > 0 }", ""),
    )
    new = write(tmp_path, "2023.tdsl", POLICY % RANK)
    data_2022 = write(
        tmp_path,
        "2022.jsonl",
        "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units(("A", "县区", 95), ("B", "县区", 85))),
    )
    data_2023 = write(tmp_path, "2023.jsonl", "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in THIS_YEAR))
    assert main(["evaluate", str(old), str(data_2022), "--format", "jsonl", "-o", str(tmp_path / "r.jsonl"), "-q"]) == 0
    for jobs in ([], ["--jobs", "2"]):
        assert (
            main(
                [
                    "evaluate",
                    str(new),
                    str(data_2023),
                    "--last-year",
                    str(tmp_path / "r.jsonl"),
                    "--format",
                    "jsonl",
                    *jobs,
                ]
            )
            == 0
        )
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(u["id"], u["commendations"]) for u in lines] == [("B", ["进位"]), ("A", [])]
    assert main(["evaluate", str(new), str(data_2023)]) == 1
    assert "data.last-year" in capsys.readouterr().err


# ---------------------------------------------------------------- the file's problems, located


def test_none_given_is_refused_when_an_input_must_read_them() -> None:
    (problem,) = problems(lambda: policy().evaluate(THIS_YEAR))
    assert "the policy reads last year's results (上年) and none were given" in problem
    with_rule = policy(RANK + " missing default 0")
    assert with_rule.evaluate(THIS_YEAR).unit("A").commendations == ()  # a rule for the unit without one


def test_a_unit_without_a_result_last_year_is_named() -> None:
    given = {"year": 2022, "units": LAST_YEAR["units"][:1]}
    (problem,) = problems(lambda: policy().evaluate(THIS_YEAR, last_year=given))
    assert problem.startswith("<data>: unit B: inputs.上年: no rank last year for this unit")


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        (
            [{"id": "C", "unit_class": "县区", "rank": 3, "total": "80", "grade": None}],
            "<last year>: unit C: units[3]: a result last year for a unit that is not in this year's data",
        ),
        (
            [{"id": "A", "unit_class": "县区", "rank": 3, "total": "80", "grade": None}],
            "<last year>: unit A: units[3]: listed twice (also units[1])",
        ),
        (
            [{"id": "C", "unit_class": "县区", "rank": 0, "total": "80", "grade": None}],
            "<last year>: unit C: units[3]: a unit's result without its rank, a whole number from 1",
        ),
        (
            [{"id": "C", "unit_class": "县区", "rank": 3, "total": "many", "grade": None}],
            "<last year>: unit C: units[3]: a unit's result without its total",
        ),
        (
            [{"id": "C", "rank": 3, "total": "80", "grade": None}],
            "<last year>: unit C: units[3]: a unit's result without its class (`unit_class`)",
        ),
    ],
)
def test_a_bad_result_is_located(results: list[Any], expected: str) -> None:
    given = {"year": 2022, "units": [*LAST_YEAR["units"], *results]}
    assert problems(lambda: policy().evaluate(THIS_YEAR, last_year=given)) == [expected]


def test_a_result_of_another_class_is_refused() -> None:
    moved = units(("A", "部门", 80), ("B", "县区", 90))
    assert problems(lambda: policy().evaluate(moved, last_year=LAST_YEAR)) == [
        "<last year>: unit A: units[1]: last year's result is of class 县区, this year the unit is of class 部门"
    ]


def test_results_of_another_year_are_refused() -> None:
    assert problems(lambda: policy().evaluate(THIS_YEAR, last_year={**LAST_YEAR, "year": 2023})) == [
        "<last year>: year: these are the results of 2023, not of the year before 2023"
    ]


def test_the_data_may_not_give_what_last_year_gives() -> None:
    typed = [{**THIS_YEAR[0], "inputs": {"上年": 4}}, THIS_YEAR[1]]
    assert problems(lambda: policy().evaluate(typed, last_year=LAST_YEAR)) == [
        "<data>: unit A: inputs.上年: is read from last year's results (`from last year`), not from the data: "
        "remove it from the data"
    ]


def test_a_json_lines_file_names_the_line(tmp_path: Path) -> None:
    lines = [json.dumps(u, ensure_ascii=False) for u in LAST_YEAR["units"]] + [
        LAST_YEAR["units"][0] and json.dumps({"id": "A", "unit_class": "县区", "rank": 3, "total": "1"})
    ]
    path = write(tmp_path, "last.jsonl", "\n".join(lines) + "\n")
    assert problems(lambda: policy().evaluate(THIS_YEAR, last_year=path)) == [
        f"{path}: unit A: line 3: listed twice (also line 1)"
    ]
    other = write(tmp_path, "last.yaml", "units: []\n")
    (refused,) = problems(lambda: policy().evaluate(THIS_YEAR, last_year=other))
    assert "the .jsonl or .json file `targetdsl evaluate` wrote" in refused


def test_every_path_refuses_what_memory_refuses() -> None:
    given = {"year": 2022, "units": [*LAST_YEAR["units"], {"id": "Z", "unit_class": "县区", "rank": 3, "total": "1"}]}
    expected = problems(lambda: policy().evaluate(THIS_YEAR, last_year=given))
    assert problems(lambda: policy().stream(iter(THIS_YEAR), last_year=given)) == expected
    for parts in (1, 2):
        assert problems(lambda p=parts: policy().evaluate_parts(THIS_YEAR, parts=p, last_year=given)) == expected


# ---------------------------------------------------------------- records: `--record` with `--last-year`, `verify`


def test_a_record_made_with_last_years_results_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The record names last year's results file with its SHA-256, as it names the data; `verify` checks it
    and evaluates with it, byte for byte; a record without them is written as it always was."""
    old = write(
        tmp_path,
        "2022.tdsl",
        (POLICY % "").replace("2023", "2022").replace("commendation 进位 { when 上年 - rank > 0 }", ""),
    )
    new = write(tmp_path, "2023.tdsl", POLICY % RANK)
    data_2022 = write(tmp_path, "2022.yaml", json.dumps({"units": units(("A", "县区", 95), ("B", "县区", 85))}))
    data_2023 = write(tmp_path, "2023.yaml", json.dumps({"units": THIS_YEAR}, ensure_ascii=False))
    results = tmp_path / "results-2022.json"
    assert main(["evaluate", str(old), str(data_2022), "--format", "json", "-o", str(results), "-q"]) == 0
    record = tmp_path / "records" / "2023.json"
    record.parent.mkdir()
    args = ["evaluate", str(new), str(data_2023), "--last-year", str(results), "--format", "json", "-q"]
    assert main([*args, "--record", str(record)]) == 0
    written = json.loads(capsys.readouterr().out)
    document = json.loads(record.read_text(encoding="utf-8"))
    assert list(document) == ["record", "policy", "data", "carry_in", "last_year", "period", "result_sha256", "result"]
    assert document["last_year"]["path"] == "../results-2022.json"
    assert document["result"] == written
    assert [u["commendations"] for u in written["units"]] == [["进位"], []]  # B gained a place
    assert main(["verify", str(record)]) == 0
    assert "reproduces byte for byte" in capsys.readouterr().out
    assert targetdsl.verify_record(record) == []

    # last year's results changed, or gone: verify says which file, before evaluating anything
    results.write_text(results.read_text(encoding="utf-8").replace('"rank": 2', '"rank": 1', 1), encoding="utf-8")
    assert targetdsl.verify_record(record) == [
        "../results-2022.json: changed since the record was written (SHA-256 differs)"
    ]
    results.unlink()
    assert main(["verify", str(record)]) == 1
    assert "../results-2022.json: missing" in capsys.readouterr().out

    # without --last-year the record is as it was: no `last_year` field
    plain = tmp_path / "records" / "2022.json"
    assert main(["evaluate", str(old), str(data_2022), "--format", "json", "-q", "--record", str(plain)]) == 0
    capsys.readouterr()
    assert "last_year" not in json.loads(plain.read_text(encoding="utf-8"))
    assert targetdsl.verify_record(plain) == []


def test_a_record_whose_last_year_field_is_malformed_is_refused(tmp_path: Path) -> None:
    new = write(tmp_path, "2023.tdsl", POLICY % RANK)
    data = write(tmp_path, "2023.yaml", json.dumps({"units": THIS_YEAR}, ensure_ascii=False))
    last = write(tmp_path, "2022.json", json.dumps(LAST_YEAR, ensure_ascii=False))
    record = tmp_path / "r.json"
    assert main(["evaluate", str(new), str(data), "--last-year", str(last), "-q", "--record", str(record)]) == 0
    document = json.loads(record.read_text(encoding="utf-8"))
    document["last_year"] = {"path": "2022.json"}
    record.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(targetdsl.RecordError) as caught:
        targetdsl.verify_record(record)
    assert caught.value.code == "record.malformed" and "field `last_year.sha256` is missing" in str(caught.value)
