"""A keyword run together with the word after it is refused, never split into two words silently."""

from __future__ import annotations

import pytest

import targetdsl

BASE = """policy "p" { year 2003 status draft }
class c { all 100 }
category all {
    indicator m points 100 { input x: number  input y: bool  score if y and x > 1 then x else 0 }
}
"""


def codes(text: str) -> list[str]:
    return [d.code for d in targetdsl.check_text(text, name="p.tdsl").diagnostics]


@pytest.mark.parametrize(
    ("written", "glued"),
    [
        ("score if", "scoreif"),  # a name where only keywords may stand (Lark's keyword test ran first)
        ("indicator m", "indicatorm"),
        ("points 100", "points100"),
        ("input x", "inputx"),
        ("y and x", "y andx"),
        ("then x", "thenx"),
        ("class c", "classc"),
    ],
)
def test_a_keyword_run_into_the_next_word_is_refused(written: str, glued: str) -> None:
    assert codes(BASE) == []
    text = BASE.replace(written, glued, 1)
    report = targetdsl.check_text(text, name="p.tdsl")
    assert [d.code for d in report.diagnostics] == ["syntax.glued-words"]
    diagnostic = report.diagnostics[0]
    assert f"`{glued.rsplit(maxsplit=1)[-1]}`" in diagnostic.message
    assert diagnostic.help and "space" in diagnostic.help


def test_a_number_glued_to_a_name_is_refused() -> None:
    assert codes(BASE.replace("x > 1", "x > 1e9")) == ["syntax.glued-words"]


def test_chinese_keywords_run_into_a_name_are_refused() -> None:
    text = targetdsl.format_policy(BASE, keywords=targetdsl.Language.CHINESE)
    assert codes(text) == []
    index = text.index(" m ")
    glued = text[:index] + text[index + 1 :]  # `指标 m` written `指标m`
    assert codes(glued) == ["syntax.glued-words"]


def test_names_numbers_and_operators_written_together_still_read() -> None:
    text = BASE.replace("x > 1 then x", "x>1 then x*2+min(x,1)")
    assert codes(text) == []
