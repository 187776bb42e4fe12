from decimal import Decimal
from pathlib import Path

import pytest

import targetdsl
from targetdsl.units.documents import parse_yaml, read_document

POLICY = """policy "数据" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 {
    indicator gdp points 1 { input target: number input actual: number score points * actual / target }
    indicator rate points 1 { input growth: percent score if growth >= 10% then points else 0 }
}
"""


@pytest.fixture
def policy() -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY, name="数据.tdsl")


def test_yaml_numbers_are_exact_decimals() -> None:
    document = parse_yaml("a: 0.1\nb: 3\nc: 1_000.5\nd: .nan\n")
    assert document["a"] == Decimal("0.1") and isinstance(document["a"], Decimal)
    assert document["b"] == 3
    assert document["c"] == "1_000.5"  # YAML 1.2: text, which validation refuses as a number
    assert document["d"].is_nan()


def test_json_numbers_are_exact_and_nan_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.json"
    path.write_text(
        '{"units": [{"id": "A", "class": "县区", "indicators": {"gdp": {"target": 0.3, '
        '"actual": NaN}, "rate": {"growth": 12.5}}}]}',
        encoding="utf-8",
    )
    assert read_document(path)["units"][0]["indicators"]["gdp"]["target"] == Decimal("0.3")
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(path)
    assert [p.field for p in caught.value.problems] == ["indicators.gdp.actual"]


def test_percent_inputs_are_fractions(policy: targetdsl.Policy) -> None:
    units = [{"id": "A", "class": "县区", "indicators": {"gdp": {"target": 1, "actual": 1}, "rate": {"growth": "10"}}}]
    assessment = policy.evaluate(units)
    assert assessment.unit("A").measures[1].earned == 1  # 10 means 10 %, and 10% >= 10%


def test_python_floats_are_the_decimals_they_show(policy: targetdsl.Policy) -> None:
    """A program may pass floats: 0.1 is 0.1 (its repr), not 0.1000000000000000055…."""
    as_floats = [
        {"id": "A", "class": "县区", "indicators": {"gdp": {"target": 0.3, "actual": 0.1}, "rate": {"growth": 7.5}}}
    ]
    as_text = [
        {
            "id": "A",
            "class": "县区",
            "indicators": {"gdp": {"target": "0.3", "actual": "0.1"}, "rate": {"growth": "7.5"}},
        }
    ]
    assert policy.evaluate(as_floats).to_json() == policy.evaluate(as_text).to_json()
    assert policy.load_units(as_floats)[0].measures["gdp"].values == {
        "target": Decimal("0.3"),
        "actual": Decimal("0.1"),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0.1 + 0.2, "0.30000000000000004 is a binary float that is not a number of at most 15 significant digits"),
        (1 / 3, "0.3333333333333333 is a binary float that is not a number of at most 15"),
        (float("nan"), "nan is a binary float that is not a number"),
        (float("inf"), "inf is a binary float that is not a number"),
        (1e16, "outside the range of plausible values"),
        (True, "expected a number, found true"),
    ],
)
def test_python_floats_that_are_no_written_decimal_are_refused(
    policy: targetdsl.Policy, value: object, message: str
) -> None:
    units = [{"id": "A", "class": "县区", "indicators": {"gdp": {"target": value, "actual": 1}, "rate": {"growth": 1}}}]
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(units)
    problem = caught.value.problems[0]
    assert (problem.field, problem.code) == ("indicators.gdp.target", "data.bad-number")
    assert message in problem.message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e999", "outside the range of plausible values"),
        ("9" * 50, "more than 40 characters"),
        ("-0", None),
        ("", "missing value"),
    ],
)
def test_hostile_numbers(policy: targetdsl.Policy, value: str, message: str | None) -> None:
    units = [
        {"id": "A", "class": "县区", "indicators": {"gdp": {"target": "1", "actual": value}, "rate": {"growth": "1"}}}
    ]
    if message is None:
        assert policy.evaluate(units).unit("A").measures[0].earned == 0
        return
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(units)
    assert message in caught.value.problems[0].message


def test_unreadable_and_unknown_formats(tmp_path: Path, policy: targetdsl.Policy) -> None:
    with pytest.raises(targetdsl.DataError, match="absent.yaml: does not exist"):
        policy.evaluate(tmp_path / "absent.yaml")
    other = tmp_path / "units.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(targetdsl.DataError, match="unknown data format"):
        policy.evaluate(other)
    broken = tmp_path / "units.yaml"
    broken.write_text("units: [\n", encoding="utf-8")
    with pytest.raises(targetdsl.DataError, match="invalid YAML"):
        policy.evaluate(broken)


def test_evaluation_does_not_depend_on_input_order(policy: targetdsl.Policy) -> None:
    units = [
        {
            "id": f"U{i}",
            "class": "县区",
            "indicators": {"gdp": {"target": "10", "actual": str(i % 4 + 7)}, "rate": {"growth": "9"}},
        }
        for i in range(8)
    ]
    forward = policy.evaluate(units).to_json(explanations=True)
    backward = policy.evaluate(list(reversed(units))).to_json(explanations=True)
    assert forward == backward


def test_carried_in_awards_for_unknown_units_are_refused() -> None:
    ledger_policy = targetdsl.parse_policy(POLICY + "bonus 获奖 { level 省级 2 }\n", name="l.tdsl")
    units = [
        {"id": "A", "class": "县区", "indicators": {"gdp": {"target": "1", "actual": "1"}, "rate": {"growth": "1"}}}
    ]
    ledger = {"year": 2002, "carry_over": [{"unit": "Z", "bonus": "获奖", "level": "省级", "date": "2003-01-02"}]}
    with pytest.raises(targetdsl.DataError) as caught:
        ledger_policy.evaluate(units, carried_in=ledger)
    assert caught.value.problems[0].unit == "Z"


def test_json_lines(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.jsonl"
    path.write_text(
        '{"id": "A", "class": "县区", "indicators": {"gdp": {"target": 2, "actual": 1}, '
        '"rate": {"growth": 12.5}}}\n\n'
        '{"id": "B", "class": "县区", "indicators": {"gdp": {"target": 4, "actual": 1}, '
        '"rate": {"growth": 1}}}\n',
        encoding="utf-8",
    )
    assessment = policy.evaluate(path)
    assert [u.id for u in assessment.units] == ["A", "B"]
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "A"}\n{oops\n{"id": "B"}\n[\n', encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(broken)
    assert [p.field for p in caught.value.problems] == ["line 2", "line 4"]


@pytest.mark.parametrize(
    ("name", "content"), [("units.yaml", "units: []\n"), ("units.jsonl", ""), ("units.csv", "id,name,class\n")]
)
def test_data_without_units_is_refused(tmp_path: Path, policy: targetdsl.Policy, name: str, content: str) -> None:
    """An empty file or a blank template evaluated to an empty result with exit 0."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(path)
    assert caught.value.problems[0].code == "data.no-units"
    if name != "units.yaml":
        with pytest.raises(targetdsl.DataError, match="no units"):
            policy.stream(path)
