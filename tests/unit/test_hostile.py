"""The hostile-input catalogue: policies and data that try to hurt the host
or the result. Each ends in a clear diagnostic or error naming the place,
or in a documented interpretation — never another exception or a hang.
See docs/security.md."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

import targetdsl
from targetdsl.language.formatter import format_policy

POLICY = """policy "数据" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 { indicator gdp points 1 { input target: number input actual: number score points * actual / target } }
"""


@pytest.mark.parametrize(
    "expression",
    [
        "+".join(["1"] * 20000),  # a very long chain on one very long line
        "not " * 5000 + "true",
        "-" * 5000 + "1",
        "max(" * 100 + "1" + ", 2)" * 100,
        "if true then " * 100 + "1" + " else 0" * 100,
    ],
)
def test_deep_expressions_end_in_a_diagnostic(expression: str) -> None:
    report = targetdsl.check_text(f"const k = {expression}\n")
    assert [d.code for d in report.diagnostics] == ["syntax.too-deep"]
    with pytest.raises(targetdsl.PolicyError):
        format_policy(f"const k = {expression}\n")


def test_deep_brackets_are_fine() -> None:
    report = targetdsl.check_text("const k = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    assert "syntax.too-deep" not in [d.code for d in report.diagnostics]


def test_names_and_labels_with_hostile_characters_round_trip() -> None:
    text = (
        'policy "a\\"b\\\\c\\nd\\t__import__(\'os\')" { year 2003 status draft }\n'
        'class __class__ "{{}}" { __dict__ 100 }\n'
        'category __dict__ { indicator __init__ "#not a comment" points 1 { input x: number score x } }\n'
    )
    report = targetdsl.check_text(text)
    assert report.errors == ()
    formatted = format_policy(text)
    assert format_policy(formatted) == formatted
    policy = targetdsl.parse_policy(text)
    assert policy.title == "a\"b\\c\nd\t__import__('os')"
    assessment = policy.evaluate([{"id": "x", "class": "__class__", "indicators": {"__init__": {"x": "1"}}}])
    assert assessment.units[0].total == 100


@pytest.fixture
def policy() -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY, name="数据.tdsl")


def unit(actual: object) -> dict[str, object]:
    return {"id": "A", "class": "县区", "indicators": {"gdp": {"target": "1", "actual": actual}}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "is not a finite number"),
        ("Infinity", "is not a finite number"),
        ("-inf", "is not a finite number"),
        ("1e999", "outside the range of plausible values"),
        ("1" * 41, "more than 40 characters"),
        ("", "missing value"),
        ("  ", "missing value"),
        ("１２３", None),  # full-width digits are the digits they show: 123
        ("١٢٣", "expected a number"),  # other scripts' digits are refused
        ("1,2,3", "only as a thousands separator"),  # not thousands: refused (1,200 is read as 1200)
        (True, "expected a number, found true"),
        ([1, 2], "expected a number, found a list"),
    ],
)
def test_hostile_values(policy: targetdsl.Policy, value: object, message: str | None) -> None:
    if message is None:
        hundred = {**unit(value), "indicators": {"gdp": {"target": "100", "actual": value}}}
        assert policy.evaluate([hundred]).units[0].measures[0].earned == Decimal("1.23")  # 1 × 123 / 100
        return
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate([unit(value)])
    (problem,) = caught.value.problems
    assert (problem.unit, problem.field) == ("A", "indicators.gdp.actual")
    assert message in problem.message


def test_negative_zero_is_zero(policy: targetdsl.Policy) -> None:
    earned = policy.evaluate([unit("-0")]).units[0].measures[0].earned
    assert earned == 0 and not earned.is_signed()


def test_yaml_alias_bomb_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    lines.append("units: []")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(targetdsl.DataError, match="aliases"):
        policy.evaluate(path)


def test_deeply_nested_data_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"units": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(targetdsl.DataError, match="nested too deeply"):
        policy.evaluate(path)


def test_yaml_with_a_byte_order_mark(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(
        "\ufeffunits:\n  - {id: A, class: 县区, indicators: {gdp: {target: 2, actual: 1}}}\n".encode("utf-8")
    )
    assert policy.evaluate(path).units[0].measures[0].earned == Decimal("0.5")


def test_yaml_cannot_construct_python_objects(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("units: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    with pytest.raises(targetdsl.DataError, match="invalid YAML"):
        policy.evaluate(path)


def test_json_constants_are_not_numbers(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "units.json"
    path.write_text(json.dumps({"units": [unit("0")]}).replace('"0"', "Infinity"), encoding="utf-8")
    with pytest.raises(targetdsl.DataError, match="not a finite number"):
        policy.evaluate(path)


def test_huge_data_file_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: nothing is written
    with pytest.raises(targetdsl.DataError, match="larger than 256 MB"):
        policy.evaluate(path)


def test_grammar_cache_is_never_read_from_a_shared_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from targetdsl.language.parser import cache_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    private = cache_file()
    assert private is not None and Path(private).parent == tmp_path / "targetdsl"
    (tmp_path / "targetdsl").chmod(0o777)  # another user could plant a pickle here
    assert cache_file() is None


def test_two_versions_of_the_grammar_are_cached_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # two installed versions (two environments, an upgrade) would otherwise rebuild one file in turn
    from targetdsl.language.parser import cache_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_file(grammar="start: A") != cache_file(grammar="start: B")
    assert cache_file(grammar="start: A") == cache_file(grammar="start: A")
