"""A veto's effects are typed values (`VetoResult.actions`) carried from the engine through drafts,
standings and results; their words — the same in a policy, in results and in explanations — come from
one function (`nodes.effect_words`), and the outputs show what they always showed."""

import inspect
import json
import pickle

import pytest

import targetdsl
from targetdsl.evaluation import drafts, engine, results
from targetdsl.evaluation.results import VetoEffect, VetoResult
from targetdsl.language import formatter
from targetdsl.language.nodes import EffectKind, effect_words
from targetdsl.scaling import stream

POLICY = """policy "p" { year 2003 status draft }
class c { q 100 }
category q { indicator k points 100 { input x: number  score min(points, x) } }
veto forced "强制" { input hit: bool missing default false  when hit  effect grade 不合格 }
veto capped { input hit: bool missing default false  when hit  effect cap grade 良好, no award }
veto zeroed { input hit: bool missing default false  when hit  effect zero score }
grades {
    优秀 >= 90
    良好 80 to 90
    合格 60 to 80
    不合格 < 60
}
award 奖金 for c {
    money { 优秀 1000  良好 500  合格 100 }
}
"""


def unit(uid: str, x: str, *hits: str) -> dict[str, object]:
    return {
        "id": uid,
        "class": "c",
        "indicators": {"k": {"x": x}},
        "vetoes": {name: {"hit": True} for name in hits},
    }


UNITS = [
    unit("A", "95", "capped"),
    unit("B", "92"),
    unit("C", "85", "forced"),
    unit("D", "70", "zeroed"),
    unit("E", "99", "capped", "zeroed"),
]


def test_every_kind_has_its_words() -> None:
    assert [effect_words(kind, "良好") for kind in EffectKind] == [
        "grade 良好",
        "cap grade 良好",
        "no award",
        "zero score",
    ]


def test_the_formatter_writes_effects_with_the_same_words() -> None:
    text = formatter.format_policy(POLICY)
    assert "effect cap grade 良好, no award" in text and "effect zero score" in text


@pytest.mark.parametrize("explain", [True, False])
def test_fired_vetoes_carry_typed_effects_and_show_the_same_words(explain: bool) -> None:
    assessment = targetdsl.parse_policy(POLICY).evaluate(UNITS, explain=explain)
    a, b, c, d, e = (assessment.unit(uid) for uid in "ABCDE")
    assert a.vetoes[0].actions == (VetoEffect(EffectKind.CAP_GRADE, "良好"), VetoEffect(EffectKind.NO_AWARD))
    assert a.vetoes[0].effects == ("cap grade 良好", "no award")
    assert (a.grade, a.money, a.eligible) == ("良好", 0, False)
    assert b.vetoes == () and b.grade == "优秀"
    assert c.vetoes[0].actions == (VetoEffect(EffectKind.GRADE, "不合格"),) and c.grade == "不合格"
    assert d.vetoes[0].zeroes_score and d.total == 0 and d.raw_total == 70
    assert [v.name for v in e.vetoes] == ["capped", "zeroed"] and e.total == 0 and e.grade == "不合格"
    document = assessment.to_json()
    shown = {u["id"]: u["vetoes"] for u in document["units"]}
    assert shown["A"] == [
        {"name": "capped", "label": None, "effects": ["cap grade 良好", "no award"], "rule": shown["A"][0]["rule"]}
    ]
    assert shown["C"][0]["effects"] == ["grade 不合格"] and shown["C"][0]["label"] == "强制"
    json.dumps(document, ensure_ascii=False)
    if explain:
        assert any(s.what == "veto capped" and s.value == "cap grade 良好, no award" for s in a.explanation)
        assert a.grade_reason.endswith("; veto capped caps the grade at 良好")


def test_a_stream_keeps_the_typed_effects_of_its_standings() -> None:
    policy = targetdsl.parse_policy(POLICY)
    with policy.stream(UNITS) as streamed:
        got = {u.id: u for u in streamed}
    evaluated = policy.evaluate(UNITS, explain=False)
    for one in evaluated.units:
        assert got[one.id].vetoes == one.vetoes
        assert (got[one.id].grade, got[one.id].money, got[one.id].total) == (one.grade, one.money, one.total)


def test_a_veto_result_pickles_and_compares_by_its_typed_effects() -> None:
    veto = VetoResult("v", None, (VetoEffect(EffectKind.CAP_GRADE, "良好"),), "p.tdsl:3")
    assert pickle.loads(pickle.dumps(veto)) == veto
    assert veto != VetoResult("v", None, (VetoEffect(EffectKind.GRADE, "良好"),), "p.tdsl:3")
    assert str(veto.actions[0]) == "cap grade 良好"


def test_no_module_reads_an_effect_back_from_its_words() -> None:
    for module in (engine, drafts, results, stream):
        source = inspect.getsource(module)
        for words in ('"grade ', '"cap grade', '"no award"', '"zero score"'):
            assert f"startswith({words}" not in source and f"{words} in " not in source, (module.__name__, words)


@pytest.mark.parametrize("explain", [True, False])
def test_a_grade_reason_names_a_veto_by_its_label(explain: bool) -> None:
    """A veto with a label is shown by it everywhere — its step, the published cause — and so in the grade
    reason too, in both languages, and in the note under a class table; one without is named."""
    from targetdsl.keywords import Language
    from targetdsl.messages import translate_clauses
    from targetdsl.office.publication import edition
    from targetdsl.office.tables import class_table, grade_note

    policy = targetdsl.parse_policy(POLICY)
    assessment = policy.evaluate(UNITS, explain=explain)
    c, a = assessment.unit("C"), assessment.unit("A")
    assert c.grade_reason.endswith("; veto 强制 forces 不合格") and "forced" not in c.grade_reason
    assert translate_clauses(c.grade_reason, Language.CHINESE).endswith("一票否决 强制 将等次定为不合格")
    assert a.grade_reason.endswith("; veto capped caps the grade at 良好")  # no label: its name
    assert grade_note(c) == "veto 强制 forces 不合格"
    assert "强制" in class_table(assessment, "c", language=Language.CHINESE)
    assert edition(policy).grade_reasons(c) == ["强制一票否决：等次定为不合格"]
    with policy.stream(iter(UNITS)) as streamed:
        assert {u.id: u.grade_reason for u in streamed}["C"] == c.grade_reason
