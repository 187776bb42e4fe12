"""Properties of the parser and checker over generated input."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.diagnostics import PolicyError
from targetdsl.language.parser import parse

# Fragments of the language, so that generated text reaches deep into the
# grammar instead of failing at the first character.
FRAGMENTS = [
    "policy",
    '"办法"',
    "{",
    "}",
    "year",
    "2003",
    "status",
    "draft",
    "class",
    "县区",
    "category",
    "定量",
    "indicator",
    "items",
    "subitem",
    "assessed",
    "points",
    "input",
    "x",
    ":",
    "number",
    "bool",
    "score",
    "let",
    "=",
    "if",
    "then",
    "else",
    "bands",
    "interpolate",
    "otherwise",
    ">=",
    "<",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    ",",
    "1.5",
    "30%",
    "2pp",
    "2004-01-15",
    "veto",
    "when",
    "effect",
    "cap",
    "grade",
    "no",
    "award",
    "grades",
    "to",
    "quota",
    "extends",
    "override",
    "remove",
    "#",
    "\n",
    "：",
    "“",
    "min",
    "rank",
    "true",
    "and",
    "not",
    "by",
    "weight",
    "periods",
    "through",
    "month",
]


@st.composite
def policy_like(draw: st.DrawFn) -> str:
    pieces = draw(
        st.lists(st.sampled_from(FRAGMENTS) | st.text(string.printable + "县区优秀", max_size=3), max_size=60)
    )
    return " ".join(pieces)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_parses_or_raises_policy_error(text: str) -> None:
    try:
        parse(text, "fuzz.tdsl")
    except PolicyError as exc:
        assert exc.diagnostics and all(d.code.startswith("syntax.") for d in exc.diagnostics)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_like())
def test_policy_like_text_checks_without_crashing(text: str) -> None:
    report = targetdsl.check_text(text, name="fuzz.tdsl")
    for diagnostic in report.diagnostics:
        assert diagnostic.message and diagnostic.code.split(".")[0] in {"syntax", "check", "extends", "load"}
    report.render()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["lianyungang-2002.tdsl"]), st.data())
def test_layout_does_not_change_the_tree(name: str, data: st.DataObject) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "policies" / name).read_text(encoding="utf-8")
    spaces = data.draw(st.sampled_from(["  ", "\n", "\t", "\u3000", " # 注释\n"]))
    relaid = text.replace(" {", spaces + "{").replace("\n", "\n" + data.draw(st.sampled_from(["", "    ", "\n"])))
    assert parse(relaid, "a.tdsl").file == parse(text, "b.tdsl").file
