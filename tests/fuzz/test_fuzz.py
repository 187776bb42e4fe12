"""Fuzzing: generated valid policies and mutated shipped policies.

The default suite runs a short version; `pytest -m slow tests/fuzz` runs
the long one. Zero exceptions other than the library's documented types
(PolicyError, DataError, EvaluationError) are allowed.
"""

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.evaluation.engine import by_reference
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import parse
from tests.fuzz.strategies import policies

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "policies").glob("*.tdsl"))]
TOKENS = [
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "=",
    ">=",
    "-",
    "*",
    "/",
    "%",
    "1",
    "0",
    '"',
    "#",
    "\n",
    "：",
    "if",
    "then",
    "else",
    "score",
    "points",
    "class",
    "veto",
    "bands",
    "override",
    "remove",
    "1e9",
    "\u3000",
]

SHORT = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))


def exercise_policy(text: str, units: list[dict[str, object]]) -> None:
    report = targetdsl.check_text(text, name="gen.tdsl")
    assert report.errors == (), report.render() + "\n" + text
    policy = targetdsl.parse_policy(text, name="gen.tdsl")
    formatted = format_policy(text)
    assert format_policy(formatted) == formatted
    assert parse(formatted).file == parse(text).file
    assert diff_effective(policy.effective, policy.effective).equivalent
    first = outcome(lambda: policy.evaluate(units).to_json(explanations=True))
    second = outcome(lambda: policy.evaluate(list(reversed(units))).to_json(explanations=True))
    if isinstance(first, tuple) or isinstance(second, tuple):  # errors are listed in the data's order
        assert first[0] == second[0]  # type: ignore[index]
    else:
        assert first == second
    # The fast path (generated kernel, generated expressions) gives the reference's results, or its errors.
    with by_reference():
        explained = outcome(lambda: policy.evaluate(units).to_json(explanations=True))
        reference = outcome(lambda: policy.evaluate(units).to_json())
    # Explanations built on first read are the reference's (or the evaluation's error).
    assert outcome(lambda: policy.evaluate(units).to_json(explanations=True)) == explained, text
    assert outcome(lambda: policy.evaluate(units, explain=False).to_json()) == reference, text


def outcome(run: Callable[[], object]) -> object:
    """A result, or the documented error it raised (type and message)."""
    try:
        return run()
    except (targetdsl.DataError, targetdsl.EvaluationError) as error:
        return type(error).__name__, str(error)


def exercise_mutation(seed: int, count: int) -> None:
    rng = random.Random(seed)
    text = rng.choice(SHIPPED)
    for _ in range(count):
        position = rng.randrange(len(text) + 1)
        action = rng.randrange(4)
        if action == 0:
            text = text[:position] + text[position + rng.randrange(1, 20) :]
        elif action == 1:
            text = text[:position] + rng.choice(TOKENS) + text[position:]
        elif action == 2:
            lines = text.splitlines(keepends=True)
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                text = "".join(lines)
        else:
            text = text[:position] + text[position : position + rng.randrange(1, 30)] * 2 + text[position:]
    report = targetdsl.check_text(text, name="mutant.tdsl", base=ROOT / "policies")
    report.render()
    try:
        formatted = format_policy(text)
    except targetdsl.PolicyError:
        return
    assert parse(formatted).file == parse(text).file
    assert format_policy(formatted) == formatted


@SHORT
@given(policies())
def test_generated_policies(case: tuple[str, list[dict[str, object]]]) -> None:
    exercise_policy(*case)


@SHORT
@given(st.integers(0, 2**32), st.integers(1, 8))
def test_mutated_policies(seed: int, count: int) -> None:
    exercise_mutation(seed, count)


@pytest.mark.slow
@LONG
@given(policies())
def test_generated_policies_long(case: tuple[str, list[dict[str, object]]]) -> None:
    exercise_policy(*case)


@pytest.mark.slow
@LONG
@given(st.integers(0, 2**32), st.integers(1, 8))
def test_mutated_policies_long(seed: int, count: int) -> None:
    exercise_mutation(seed, count)
