"""A score far above its points: over-completion goes as far as the formula states, never as far as a
mistyped target takes it.

`points * actual / target` with a target typed 0.01 made a 10-point indicator worth 30000 and the unit
first, with exit 0. A formula with no upper bound (bounds.py) may pass its points up to twice (a unit that
did 150 % of its target); beyond, the unit's evaluation fails (`eval.unbounded-score`), naming the unit,
the measure and its line, on every path. A formula that states its bound (`min(…, 120%)`) is never
refused: its over-completion is the policy's."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.engine import by_reference
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.keywords import Language
from targetdsl.language import nodes as n
from targetdsl.language.bounds import bounded_above
from targetdsl.language.schema import InputSpec
from targetdsl.source import Span
from tests.support import write

POLICY = """policy "超额" { year 2003 status draft }
class c { q 100 }
category q {
    indicator 投资 points 10 {
        input target: money
        input actual: money
        score SCORE
    }
    indicator 其他 points 90 {
        input ok: bool
        score if ok then points else 0
    }
}
"""


def policy(score: str = "points * actual / target") -> targetdsl.Policy:
    return targetdsl.parse_policy(POLICY.replace("SCORE", score), name="p.tdsl")


def units(target: str) -> list[dict[str, Any]]:
    return [
        {"id": "A", "class": "c", "indicators": {"投资": {"target": target, "actual": "30"}, "其他": {"ok": False}}},
        {"id": "B", "class": "c", "indicators": {"投资": {"target": "30", "actual": "30"}, "其他": {"ok": True}}},
    ]


def outcome(run: Any) -> Any:
    try:
        return [(u.id, u.total) for u in run().units]
    except EvaluationError as error:
        return [(p.unit, p.where, p.code, p.message) for p in error.problems]


def test_a_mistyped_target_is_refused_on_every_path() -> None:
    data = units("0.01")
    found = outcome(lambda: policy().evaluate(data, explain=False))  # the generated kernel hands it back
    assert found == [
        (
            "A",
            "投资",
            "eval.unbounded-score",
            "the score 30000 is more than twice its 10 points, and the formula sets no upper bound: check this "
            "unit's inputs, or cap the formula (`min(…, points)`, `points * min(actual / target, 120%)`)",
        )
    ]
    with by_reference():
        assert outcome(lambda: policy().evaluate(data)) == found
    assert outcome(lambda: policy().evaluate(data, explain=True)) == found
    with pytest.raises(EvaluationError) as caught:
        policy().evaluate(data)
    rendered = caught.value.render(language=Language.CHINESE)
    assert "错误[eval.unbounded-score]" in rendered and "超过其分值 10 的两倍" in rendered, rendered
    with pytest.raises(EvaluationError) as streamed:
        policy().stream(iter(data))
    assert [(p.unit, p.code) for p in streamed.value.problems] == [("A", "eval.unbounded-score")]


def test_over_completion_within_twice_the_points_or_a_stated_bound_is_scored() -> None:
    """150 % of target scores 15 of 10; a cap of 120 % states the bound, whatever the data."""
    assert outcome(lambda: policy().evaluate(units("20"), explain=False)) == [
        ("B", Decimal("100.00")),
        ("A", Decimal("15.00")),
    ]
    capped = policy("points * min(actual / target, 120%)")
    for explain in (False, True):
        assert outcome(lambda e=explain: capped.evaluate(units("0.01"), explain=e)) == [  # type: ignore[misc]
            ("B", Decimal("100.00")),
            ("A", Decimal("12.00")),
        ]


def test_items_and_sub_items_are_held_to_their_own_points() -> None:
    text = """policy "项" { year 2003 status draft }
class c { q 100 }
category q {
    items 任务 { input v: number score points * v }
    indicator 综合 points 10 {
        subitem 甲 points 4 { input v: number score v }
        subitem 乙 points 6 { input ok: bool score if ok then points else 0 }
    }
}
"""
    policy = targetdsl.parse_policy(text, name="p.tdsl")
    unit = {
        "id": "A",
        "class": "c",
        "indicators": {"任务": [{"v": 1}, {"v": 3, "points": 2}], "综合": {"甲": {"v": 9}, "乙": {"ok": True}}},
    }
    for explain in (False, True):
        with pytest.raises(EvaluationError) as caught:
            policy.evaluate([unit], explain=explain)
        assert [p.message.split(": the score")[0] for p in caught.value.problems] == ["item 2", "sub-item 甲"]
        assert {p.code for p in caught.value.problems} == {"eval.unbounded-score"}


def test_the_command_line_says_the_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.tdsl", POLICY.replace("SCORE", "points * actual / target"))
    data = write(tmp_path, "u.jsonl", "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units("0.01")))
    for extra in ([], ["--format", "csv"], ["--format", "csv", "--jobs", "2"]):
        assert main(["--lang", "en", "evaluate", str(path), str(data), "-q", *extra]) == 1
        err = capsys.readouterr().err
        assert "error[eval.unbounded-score]: " in err and "p.tdsl:4:15: unit A: 投资: the score 30000" in err, err


def spec(name: str, kind: str = "number", low: str | None = None, high: str | None = None) -> InputSpec:
    number = lambda v: None if v is None else n.Number(Decimal(v))  # noqa: E731
    return InputSpec(name, None, kind, "error", None, number(low), number(high), False, False, Span("p", 1, 1, 1, 1))


def expression(text: str) -> n.Expr:
    policy = targetdsl.parse_policy(
        f'policy "p" {{ year 2003 status draft }}\nclass c {{ q 100 }}\ncategory q {{ indicator m points 10 {{\n'
        f"input a: number\ninput b: number\nscore {text} }} }}\n"
    )
    measure = policy.schema.classes["c"].categories[0].measures[0]
    assert measure.score is not None
    return measure.score


@pytest.mark.parametrize(
    ("formula", "bounded"),
    [
        ("points * a / b", False),
        ("points * min(a / b, 120%)", True),
        ("points + min(0.2 * max(0, a / b - 1) * 100, 10)", True),
        ("if a >= b then points else points * b / a", False),
        ("bands a { >= 90: points, >= 60: points / 2, otherwise: 0 }", True),
        ("interpolate a { 60: 0, 100: points }", True),
        ("clamp(a, 0, points)", True),
        ("points * efficacy(a) / 100", True),
        ("rank(a)", False),
        ("-a", False),
        ("min(a, points) - b", False),
    ],
)
def test_bounds_of_formulas(formula: str, bounded: bool) -> None:
    inputs = {"a": spec("a"), "b": spec("b")}
    assert bounded_above(expression(formula), inputs, {}, {}, {}) is bounded


def test_an_input_range_bounds_a_formula() -> None:
    inputs = {"a": spec("a", low="0", high="150"), "b": spec("b", low="1", high="10")}
    assert bounded_above(expression("points * a / b"), inputs, {}, {}, {})
    inputs["b"] = spec("b", low="0", high="10")  # a divisor that may be 0
    assert not bounded_above(expression("points * a / b"), inputs, {}, {}, {})
