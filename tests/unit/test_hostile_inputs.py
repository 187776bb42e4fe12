"""Inputs an office (or an attacker) sends that used to be read silently wrong, or that crashed:
each is read as the person meant, or refused with a coded error naming file, line or sheet!cell,
unit and field. See docs/data.md ("What is refused") and docs/errors.md (`data.*`)."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

import targetdsl
from targetdsl.documents import parse_json, parse_yaml

POLICY = """policy "数据" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 {
    indicator gdp points 50 { input target: number input actual: number score points * min(actual / target, 1) }
    indicator 增速 points 50 {
        input target: percent input actual: percent score if actual >= target then points else 0
    }
}
"""


@pytest.fixture
def policy() -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY, name="数据.tdsl")


def refused(policy: targetdsl.Policy, data: object) -> list[targetdsl.DataProblem]:
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(data)
    return list(caught.value.problems)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def yaml_unit(gdp: str, rate: str = "{target: 5, actual: 6}", unit_id: str = "A") -> str:
    return f"units:\n  - id: {unit_id}\n    class: 县区\n    indicators:\n      gdp: {gdp}\n      增速: {rate}\n"


# ------------------------------------------------------------------ YAML 1.1 implicit types


@pytest.mark.parametrize("text", ["0110", "1:30", "0x5A", "0b1011010", "0o132", "1_000", "+.inf", ".NaN"])
def test_yaml_1_1_numbers_are_not_reinterpreted(tmp_path: Path, policy: targetdsl.Policy, text: str) -> None:
    """`0110` is not 72 (octal), `1:30` not 90 (base 60), `0x5A` not 90: the text as written; where it is
    not a plain number, it is refused."""
    path = write(tmp_path, "units.yaml", yaml_unit(f"{{target: 100, actual: {text}}}"))
    if text == "0110":
        assert policy.evaluate(path).units[0].measures[0].earned == 50  # 110 of 100, capped at 1
        assert parse_yaml("a: 0110")["a"] == "0110"
        return
    (problem,) = refused(policy, path)
    assert (problem.unit, problem.field) == ("A", "indicators.gdp.actual")


@pytest.mark.parametrize(("written", "read"), [("NO", "NO"), ("010", "010"), ("off", "off"), ("y", "y"),
                                                ("1.10", "1.10"), ("2003-01-05", "2003-01-05")])
def test_yaml_ids_are_the_text_typed(tmp_path: Path, policy: targetdsl.Policy, written: str, read: str) -> None:
    path = write(tmp_path, "units.yaml", yaml_unit("{target: 100, actual: 90}", unit_id=written))
    assert policy.evaluate(path).units[0].id == read


def test_yaml_booleans_are_yaml_1_2(policy: targetdsl.Policy) -> None:
    assert parse_yaml("[true, False, NO, yes, on, ~, null, '']") == [True, False, "NO", "yes", "on", None, None, ""]


# ------------------------------------------------------------------ duplicate keys


def test_yaml_duplicate_key_is_refused_with_its_line(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.yaml", yaml_unit("{target: 100,\n            actual: 50, actual: 150}"))
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.duplicate-key", "line 6")
    assert "`actual`" in problem.message


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = ("defaults: &d {target: 100, actual: 10}\nunits:\n"
            "  - {id: A, class: 县区, indicators: {gdp: {<<: *d, actual: 90}, 增速: {target: 5, actual: 6}}}\n")
    path = write(tmp_path, "units.yaml", text)
    with pytest.raises(targetdsl.DataError) as caught:  # `defaults` is not a data key; the merge itself is fine
        policy.evaluate(path)
    assert [p.field for p in caught.value.problems] == ["defaults"]


def test_json_duplicate_key_is_refused_with_its_line(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = ('{"units": [\n{"id": "A", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6},\n'
            '"gdp": {"target": 100,\n "actual": 50, "actual": 150}}}]}\n')
    (problem,) = refused(policy, write(tmp_path, "units.json", text))
    assert (problem.code, problem.field) == ("data.duplicate-key", "line 4")
    (problem,) = refused(policy, write(tmp_path, "units.jsonl", text.replace("\n", "") + "\n"))
    assert (problem.code, problem.field) == ("data.duplicate-key", "line 1")


def test_json_duplicate_key_in_a_streamed_file(tmp_path: Path, policy: targetdsl.Policy) -> None:
    line = '{"id": "A", "id": "B", "class": "县区"}\n'
    with pytest.raises(targetdsl.DataError, match="duplicate key `id`"):
        list(policy.stream(write(tmp_path, "units.jsonl", line)))


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(("value", "message"), [
    ("80,5", "only as a thousands separator"),     # a decimal comma: not 805
    ("1,2,3", "only as a thousands separator"),
    ("12,34", "only as a thousands separator"),
    (",100", "only as a thousands separator"),
    ("8_0", "expected a number"),                  # Python's Decimal would take it as 80
    ("1 000", "expected a number"),
    ("0x5A", "expected a number"),
    ("٣", "expected a number"),
    ("1e99999999999999999999", "outside the range"),
    ("9" * 35, "outside the range"),
    ("0." + "1" * 35, "more than 34 significant digits"),
])
def test_number_text_refused(policy: targetdsl.Policy, value: str, message: str) -> None:
    unit = {"id": "A", "class": "县区", "indicators": {"gdp": {"target": "100", "actual": value},
                                                       "增速": {"target": "5", "actual": "6"}}}
    (problem,) = refused(policy, [unit])
    assert problem.field == "indicators.gdp.actual" and message in problem.message


@pytest.mark.parametrize(("value", "read"), [("1,200", 1200), ("-1,234,567.5", Decimal("-1234567.5")),
                                             ("１，２００", 1200), (" 90 ", 90)])
def test_thousands_separators_are_read(policy: targetdsl.Policy, value: str, read: Decimal) -> None:
    unit = {"id": "A", "class": "县区", "indicators": {"gdp": {"target": "1", "actual": value},
                                                       "增速": {"target": "5", "actual": "6"}}}
    assert policy.load_units([unit])[0].measures["gdp"].values["actual"] == read


@pytest.mark.parametrize("digits", [35, 41, 100, 5000])
@pytest.mark.parametrize("suffix", [".json", ".yaml", ".jsonl"])
def test_integers_get_the_checks_of_text(tmp_path: Path, policy: targetdsl.Policy, digits: int, suffix: str) -> None:
    """A 5,000-digit integer was a ValueError (Python's int-text limit); a 100-digit one an InvalidOperation."""
    record = ('{"id": "A", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6}, '
              f'"gdp": {{"target": 100, "actual": {"9" * digits}}}}}}}')
    text = record + "\n" if suffix == ".jsonl" else '{"units": [' + record + "]}"
    (problem,) = refused(policy, write(tmp_path, "units" + suffix, text))
    assert problem.field == "indicators.gdp.actual"
    assert "outside the range" in problem.message or "more than 40" in problem.message


def test_python_integers_get_the_checks_of_text(policy: targetdsl.Policy) -> None:
    unit = {"id": "A", "class": "县区", "indicators": {"gdp": {"target": 100, "actual": 10 ** 5000},
                                                       "增速": {"target": 5, "actual": 10 ** 20}}}
    problems = refused(policy, [unit])
    assert [p.field for p in problems] == ["indicators.gdp.actual", "indicators.增速.actual"]


def test_json_huge_exponent(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = ('{"units": [{"id": "A", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6}, '
            '"gdp": {"target": 100, "actual": 1e99999999999999999999}}}]}')
    (problem,) = refused(policy, write(tmp_path, "units.json", text))
    assert problem.field == "indicators.gdp.actual" and "outside the range" in problem.message


@pytest.mark.parametrize("year", ["2003.9", "'2003.9'", "二〇〇三", "true", "20030"])
def test_year_must_be_a_whole_year(tmp_path: Path, policy: targetdsl.Policy, year: str) -> None:
    path = write(tmp_path, "units.yaml", f"year: {year}\n" + yaml_unit("{target: 100, actual: 90}"))
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.bad-year", "year")


def test_year_as_text_is_a_year(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.yaml", "year: '2003'\n" + yaml_unit("{target: 100, actual: 90}"))
    assert policy.evaluate(path).units[0].total == 95


def test_percent_text_is_the_percentage(policy: targetdsl.Policy) -> None:
    unit = {"id": "A", "class": "县区", "indicators": {"gdp": {"target": "100", "actual": "100"},
                                                       "增速": {"target": "11.5%", "actual": "11.4％"}}}
    assert policy.load_units([unit])[0].measures["增速"].values["target"] == Decimal("0.115")
    assert policy.evaluate([unit]).units[0].total == 50
    unit["indicators"]["gdp"]["actual"] = "90%"  # type: ignore[index]
    (problem,) = refused(policy, [unit])
    assert problem.field == "indicators.gdp.actual"


# ------------------------------------------------------------------ text


def test_json_lone_surrogate_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    text = ('{"units": [{"id": "A\\ud800", "class": "县区", "indicators": {"增速": {"target": 5, "actual": 6}, '
            '"gdp": {"target": 100, "actual": 90}}}]}')
    (problem,) = refused(policy, write(tmp_path, "units.json", text))
    assert (problem.code, problem.field) == ("data.bad-text", "line 1")
    # a pair is one character (😀), and an escaped backslash is no escape at all
    assert parse_json('["\\ud83d\\ude00", "\\\\ud800"]') == ["😀", "\\ud800"]


def test_yaml_lone_surrogate_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = write(tmp_path, "units.yaml", yaml_unit("{target: 100, actual: 90}", unit_id='"A\\ud800"'))
    (problem,) = refused(policy, path)
    assert (problem.code, problem.field) == ("data.bad-text", "line 2")


# ------------------------------------------------------------------ alias bombs


def bomb(top: str = "units") -> str:
    """Ten levels, each nine aliases of the one below: 81 aliases, 9**10 values once expanded."""
    names = "abcdefghi"
    lines = ["a: &a [" + ",".join(["x"] * 9) + "]"]
    lines += [f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i - 1]}"] * 9) + "]" for i in range(1, 9)]
    lines.append(f"{top}: [" + ",".join(["*i"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_refused_quickly(tmp_path: Path, policy: targetdsl.Policy) -> None:
    """464 bytes, 81 aliases, 9-way, 10 levels: 3.9 billion values once expanded. Under the old
    alias count (100) it passed."""
    text = bomb()
    assert len(text.encode()) < 500 and text.count("*") == 81
    started = time.perf_counter()
    (problem,) = refused(policy, write(tmp_path, "bomb.yaml", text))
    assert time.perf_counter() - started < 2
    assert problem.code == "data.alias-expansion"


def test_yaml_aliases_that_stay_small_are_fine(tmp_path: Path, policy: targetdsl.Policy) -> None:
    rate = "&r {target: 5, actual: 6}"
    units = "".join(f"  - {{id: U{i}, class: 县区, indicators: {{gdp: *g, 增速: *r}}}}\n" for i in range(300))
    path = write(tmp_path, "units.yaml", f"units:\n  - {{id: U, class: 县区, indicators: {{gdp: &g {{target: 1, "
                 f"actual: 1}}, 增速: {rate}}}}}\n{units}")
    assert len(policy.evaluate(path).units) == 301  # 600 aliases: the old count refused them


def test_yaml_recursive_alias_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    (problem,) = refused(policy, write(tmp_path, "units.yaml", "units: &u [*u]\n"))
    assert problem.code == "data.alias-expansion"


def test_test_files_and_ledgers_refuse_bombs(tmp_path: Path, policy: targetdsl.Policy) -> None:
    from targetdsl import tester

    write(tmp_path, "p.tdsl", POLICY)
    write(tmp_path, "p.test.yaml", "policy: p.tdsl\n" + bomb("tests"))
    started = time.perf_counter()
    outcome = tester.run([str(tmp_path)])
    assert time.perf_counter() - started < 5
    assert outcome.failed == 1 and "aliases" in str(outcome.results[0].error)
    ledger = write(tmp_path, "ledger.yaml", bomb("carry_over"))
    with pytest.raises(targetdsl.DataError, match="aliases"):
        policy.evaluate([], carried_in=ledger)
