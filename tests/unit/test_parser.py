from decimal import Decimal

import pytest

from targetdsl.diagnostics import PolicyError
from targetdsl.language import nodes as n
from targetdsl.language.parser import parse, unclosed_brace
from tests.support import GRAMMARS_CHECKED, grammars_digest, lalr_conflicts


def only(text: str) -> object:
    items = parse(text, "t.tdsl").file.items
    assert len(items) == 1
    return items[0]


def expr(text: str) -> n.Expr:
    const = only(f"const k = {text}")
    assert isinstance(const, n.Const)
    return const.expr


def test_header_fields() -> None:
    header = only(
        'policy "办法" { year 2003 status draft scale 180 rounding half_up 2 at indicator, total '
        'source "甲" source "乙" }'
    )
    assert header == n.Header(
        "办法",
        n.Year(2003),
        n.Status("draft"),
        n.Scale(Decimal(180)),
        n.Rounding("half_up", 2, ("indicator", "total")),
        (n.Source("甲"), n.Source("乙")),
    )


def test_spans_point_at_source_and_do_not_affect_equality() -> None:
    first = only("const 上限 = 1.2")
    second = only("\n\n   const   上限 =\n 1.2   # comment")
    assert first == second
    assert isinstance(second, n.Const)
    assert (second.span.line, second.span.column) == (3, 12)
    assert (second.expr.span.line, second.expr.span.column) == (4, 2)


def test_arithmetic_is_left_associative_with_precedence() -> None:
    assert expr("5 - 3 - 1") == n.Binary(
        "-", n.Binary("-", n.Number(Decimal(5)), n.Number(Decimal(3))), n.Number(Decimal(1))
    )
    assert expr("1 + 2 * 3") == n.Binary(
        "+", n.Number(Decimal(1)), n.Binary("*", n.Number(Decimal(2)), n.Number(Decimal(3)))
    )


def test_logic_binds_looser_than_comparison() -> None:
    parsed = expr("not a >= 1 and b or c")
    assert parsed == n.Binary(
        "or",
        n.Binary("and", n.Unary("not", n.Binary(">=", n.Name("a"), n.Number(Decimal(1)))), n.Name("b")),
        n.Name("c"),
    )


def test_literals_with_units() -> None:
    assert expr("30%") == n.Number(Decimal(30), "percent")
    assert expr("2.5pp") == n.Number(Decimal("2.5"), "pp")
    assert expr("-1") == n.Unary("-", n.Number(Decimal(1)))
    assert isinstance(expr("2004-01-15"), n.Date)
    assert expr("true") == n.Boolean(True)


def test_bands_and_interpolate() -> None:
    bands = expr("bands x { >= 1: 10, >= 0.8: 6, otherwise: 0 }")
    assert isinstance(bands, n.Bands)
    assert [a.op for a in bands.arms] == [">=", ">=", ""]
    interpolate = expr("interpolate x { 0.6: 0, 1: 10, }")
    assert isinstance(interpolate, n.Interpolate)
    assert [a.at.value for a in interpolate.anchors] == [Decimal("0.6"), Decimal(1)]


def test_conditional_and_calls() -> None:
    parsed = expr("if a then max(b, c, 1) else peer_count()")
    assert parsed == n.Conditional(
        n.Name("a"), n.Call("max", (n.Name("b"), n.Name("c"), n.Number(Decimal(1)))), n.Call("peer_count", ())
    )


def test_keywords_are_names_where_no_keyword_fits() -> None:
    category = only("category c { indicator score points 1 { input score: number score score } }")
    assert isinstance(category, n.Category)
    assert category.measures[0].name == "score"
    assert n.Score(n.Name("score")) in category.measures[0].body


def test_comments_are_collected_with_positions() -> None:
    parsed = parse("# 文件头\nconst k = 1  # 行尾\n", "t.tdsl")
    assert [(c.text, c.span.line, c.span.column) for c in parsed.comments] == [("# 文件头", 1, 1), ("# 行尾", 2, 14)]


def test_rules_and_declarations_parse() -> None:
    text = """
    veto 安全 for 县区 { input failed: bool missing default false when failed effect grade 不合格, zero score }
    bonus 获奖 for 县区 { level 省级 "省级" 2 up to 4 cap 5 carry over after 2004-01-15 }
    deduction 批评 { input times: count missing zero amount 2 * times cap 10 }
    award 奖金 { money { 优秀 100 } reduce 20% when completed_items < items eligible when true }
    coefficient 难度 { input k: number range 0.8 to 1.2 missing default 1 factor k on total }
    commendation 嘉奖 { input n: count when n > 0 }
    grades { 优秀 >= 90 quota 30% round up 良好 80 to 90 差 otherwise }
    ties total desc, id
    periods { 上半年 "上半年" through month 6 weight 40% 全年 through month 12 weight 60% }
    remove veto 环保
    override const k = 2
    """
    items = parse(text, "t.tdsl").file.items
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Rule"] * 6 + ["Grades", "Ties", "Periods", "Remove", "Override"]
    veto = items[0]
    assert isinstance(veto, n.Rule)
    assert n.Effects((n.Effect("grade", "不合格"), n.Effect("zero_score"))) in veto.body
    grades = items[6]
    assert isinstance(grades, n.Grades)
    assert grades.bands[0] == n.Band("优秀", None, ">=", Decimal(90), None, Decimal(30), "up")
    assert items[9] == n.Remove("veto", "环保")


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("class 县区 { 定量：40 }", "syntax.full-width-punctuation", 1, 14),
        ('policy "t { }', "syntax.unclosed-string", 1, 8),
        ("const k = 1 +", "syntax.unexpected-end", 1, 14),
        ("const k = 1 @ 2", "syntax.unexpected-character", 1, 13),
        ("class 县区 {\n  定量 40\n", "syntax.unclosed-brace", 1, 10),
        ("policy x", "syntax.unexpected-token", 1, 8),
        ("bonus b { carry over after 2003-13-01 }", "syntax.bad-literal", 1, 28),
        ("grades { 优秀 >= 90.5.1 }", "syntax.unexpected-character", 1, 20),
    ],
)
def test_syntax_errors(text: str, code: str, line: int, column: int) -> None:
    with pytest.raises(PolicyError) as caught:
        parse(text, "t.tdsl")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == (code, line, column)
    assert diagnostic.help


def test_unexpected_keyword_suggests_the_close_one() -> None:
    with pytest.raises(PolicyError) as caught:
        parse("category c { indicator x { input a: number scroe a } }", "t.tdsl")
    assert "did you mean `score`?" in (caught.value.diagnostics[0].help or "")


def test_unclosed_brace_uses_indentation() -> None:
    text = "category a {\n    items b {\n        score 1\n}\nclass c { a 100 }\n"
    assert unclosed_brace(text) == (2, 13)
    with pytest.raises(PolicyError) as caught:
        parse(text, "t.tdsl")
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("syntax.unclosed-brace", 2, 13)


def test_grammar_is_conflict_free() -> None:
    from targetdsl.language.parser import grammar_text

    lalr_conflicts(grammar_text())  # raises on any shift/reduce conflict


def test_the_grammars_are_the_ones_built_strictly() -> None:
    """The strict build (no conflict, no two terminals that collide, both languages) takes half a minute
    and runs with the slow tests; the grammars must be the ones it last passed."""
    assert grammars_digest() == GRAMMARS_CHECKED, (
        "the grammar changed since it was last built with strict=True: run "
        "`pytest -m slow -k strict -s tests/unit/test_parser.py`, then set "
        f"GRAMMARS_CHECKED in tests/support.py to {grammars_digest()}"
    )


@pytest.mark.slow
def test_the_grammars_build_strictly() -> None:
    from lark import Lark

    from targetdsl.keywords import Language
    from targetdsl.language.parser import grammar_text

    for language in (Language.ENGLISH, Language.CHINESE):
        Lark(grammar_text(language), parser="lalr", strict=True)  # conflicts, and terminals that collide
    print(f"GRAMMARS_CHECKED = {grammars_digest()!r}")


def test_an_input_inside_a_block_that_takes_none_is_out_of_place_not_an_unclosed_brace() -> None:
    """A bonus reads the unit's inputs declared at the top level: `input` written inside it is said to be
    out of place, with where to declare it, not taken for the start of a declaration after a lost `}`."""
    text = (
        'policy "p" { year 2003 status draft }\nclass c { k 100 }\n'
        "category k {\n    indicator a points 100 {\n        input x: number\n"
        "        score points * min(x, 1)\n    }\n}\n"
        "bonus 创新 {\n    input n: count\n    points 0.5 * n\n}\n"
    )
    with pytest.raises(PolicyError) as caught:
        parse(text, "b.tdsl")
    (found,) = caught.value.diagnostics
    assert (found.code, found.span.line, found.span.column) == ("syntax.unexpected-token", 10, 5)
    assert found.help is not None and "declare the input at the top level" in found.help
    unclosed = text.replace("        score points * min(x, 1)\n    }\n}\n", "        score points * min(x, 1)\n    }\n")
    with pytest.raises(PolicyError) as caught:
        parse(unclosed, "b.tdsl")
    assert caught.value.diagnostics[0].code == "syntax.unclosed-brace"
