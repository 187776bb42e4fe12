"""Every evaluation computes in the policy's decimal context, whatever the caller's: a fresh thread's
default context has 28 digits, a program may have set 50 digits and another rounding, or changed its own
context around the call. The results are the same bytes, and the caller's context is left as it was."""

import decimal
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.audit import explain
from targetdsl.evaluation.engine import Engine
from targetdsl.numeric import CONTEXT, text
from targetdsl.office import htmlreport

POLICY = """policy "p" { year 2003 status draft }
class a { 定量 60%  定性 40% }
category 定量 {
  indicator ratio points 30 {
    input actual: number
    input target: number prorated
    score points * min(actual / target, 1.3)
  }
  indicator peers points 20.123456789012345678901234567 {
    input x: number
    score min(points, points * efficacy(x / 7) / 100 + (x / 3 - peer_avg(x / 3)) / 11)
  }
  indicator share points 10 { input p: percent missing default 12.3456789012345678901234567% score points * p }
}
category 定性 {
  indicator q points 40 { input s: number  score points * s / 9 }
}
veto v { input flagged: bool missing default false  when flagged  effect cap grade 良好 }
grades {
  优秀 >= 90 quota 30%
  良好 75 to 90
  合格 60 to 75
  不合格 < 60
}
periods {
  一季度 through month 3 weight 40%
  上半年 through month 6 weight 60%
}
"""
# the same without class-wide functions, which a stream does not take
STREAMED = POLICY.replace("efficacy(x / 7) / 100 + (x / 3 - peer_avg(x / 3)) / 11", "x / 7 / 13")


def units() -> list[dict[str, Any]]:
    made = []
    for i in range(12):
        made.append(
            {
                "id": f"U{i:02d}",
                "class": "a",
                "indicators": {
                    "ratio": {"actual": str(97 + i * 13), "target": str(113 + i % 5)},
                    "peers": {"x": str(1 + i * 7 % 17)},
                    "share": {"p": str(50 + i)} if i % 3 else {},
                    "q": {"s": str(1 + i % 9)},
                },
                "vetoes": {"v": {"flagged": i == 4}},
            }
        )
    return made


def outputs(policy: targetdsl.Policy) -> str:
    """Everything a policy computes from the units, as JSON text: the evaluation with and without
    explanations, the stream, a unit's explanation, the periods combined."""
    data = units()
    explained = policy.evaluate(data)
    quick = policy.evaluate(data, explain=False)
    streaming = targetdsl.parse_policy(STREAMED)
    with streaming.stream(data) as stream:
        streamed = [targetdsl.evaluation.results.unit_json(u) for u in stream]
    streamed.append(streaming.evaluate(data, explain=False).to_json())
    periods = policy.evaluate_periods({"一季度": data, "上半年": data})
    engine = Engine(policy.schema, policy.title, period=None, carried_in=[], explain=False)
    drafts = engine.score_class(policy.schema.classes["a"], policy.load_units(data))
    changed = targetdsl.parse_policy(POLICY.replace("points * s / 9", "points * s / 9.7"))
    impact = targetdsl.impact(policy, changed, data)
    document = {
        "impact": [impact.to_json(), impact.render()],
        "report": htmlreport.render(explained),
        "explained": explained.to_json(explanations=True),
        "quick": quick.to_json(),
        "streamed": streamed,
        "explanation": [explain.render_json(u) for u in explained.units],
        "text": [explain.render_text(u, 12) for u in explained.units],
        "periods": periods.to_json(),
        "drafts": [(str(d.total), [str(v) for v in d.sums if isinstance(v, Decimal)]) for d in drafts],
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def context_state(context: decimal.Context) -> tuple[object, ...]:
    return (
        context.prec,
        context.rounding,
        context.Emin,
        context.Emax,
        context.capitals,
        context.clamp,
        tuple(sorted(str(t) for t, on in context.traps.items() if on)),
        tuple(sorted(str(f) for f, on in context.flags.items() if on)),
    )


def in_thread(
    work: Callable[[], str], prepare: Callable[[], None]
) -> tuple[str, tuple[object, ...], tuple[object, ...]]:
    found: dict[str, Any] = {}

    def run() -> None:
        try:
            prepare()
            before = context_state(decimal.getcontext())
            found["result"] = work()
            found["before"], found["after"] = before, context_state(decimal.getcontext())
        except BaseException as exc:  # re-raised in the test's thread
            found["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in found:
        raise found["error"]
    return found["result"], found["before"], found["after"]


@pytest.fixture(scope="module")
def reference() -> str:
    with decimal.localcontext(CONTEXT):  # the policy's own context: what every caller must get
        return outputs(targetdsl.parse_policy(POLICY))


def fresh() -> None:
    """A new thread's context: the decimal module's default, 28 digits."""


def wide() -> None:
    decimal.setcontext(decimal.Context(prec=50, rounding=decimal.ROUND_DOWN, traps=[]))


def narrow() -> None:
    decimal.setcontext(decimal.Context(prec=12, rounding=decimal.ROUND_CEILING, traps=[decimal.Inexact]))


@pytest.mark.parametrize("prepare", [fresh, wide, narrow], ids=["28 digits", "50 digits down", "12 digits ceiling"])
def test_a_thread_with_another_context_gets_the_same_bytes(reference: str, prepare: Callable[[], None]) -> None:
    result, before, after = in_thread(lambda: outputs(targetdsl.parse_policy(POLICY)), prepare)
    assert result == reference
    assert after == before


def test_a_policy_loaded_in_one_context_evaluates_alike_in_another(reference: str) -> None:
    with decimal.localcontext(decimal.Context(prec=9, rounding=decimal.ROUND_FLOOR)):
        policy = targetdsl.parse_policy(POLICY)
    result, before, after = in_thread(lambda: outputs(policy), wide)
    assert result == reference and after == before


def test_the_callers_local_context_is_left_as_it_was(reference: str) -> None:
    with decimal.localcontext() as mine:
        mine.prec = 40
        mine.rounding = decimal.ROUND_UP
        before = context_state(decimal.getcontext())
        assert outputs(targetdsl.parse_policy(POLICY)) == reference
        assert context_state(decimal.getcontext()) == before


def test_the_engine_scores_a_class_in_the_policy_context_when_called_alone() -> None:
    """A stream's first step called from a worker thread: the research found it computing at 28 digits."""
    policy = targetdsl.parse_policy(POLICY)
    loaded = policy.load_units(units())

    def drafts() -> str:
        engine = Engine(policy.schema, policy.title, period=None, carried_in=[], explain=False)
        made = engine.score_class(policy.schema.classes["a"], loaded)
        return repr([[str(v) for v in d.sums] for d in made])

    with decimal.localcontext(CONTEXT):
        expected = drafts()
    for prepare in (fresh, wide, narrow):
        assert in_thread(drafts, prepare)[0] == expected


@given(
    st.decimals(allow_nan=False, allow_infinity=False)
    | st.sampled_from([Decimal(s) for s in ("NaN", "-Infinity", "0E-10", "-0E+5", "1E-7", "1.000E-7", "123E+3")])
)
@settings(max_examples=500)
def test_a_decimal_is_written_as_the_f_format_writes_it_without_trailing_zeros(value: Decimal) -> None:
    """`text` takes `str` where it has no exponent, in whatever context the caller set (one writing `e`)."""
    plain = format(value, "f")
    expected = plain.rstrip("0").rstrip(".") if "." in plain else plain
    expected = "0" if expected == "-0" else expected
    assert text(value) == expected
    with decimal.localcontext() as small:
        small.capitals = 0
        assert text(value) == expected
