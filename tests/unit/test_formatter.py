import functools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.cli import main
from targetdsl.keywords import Language
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import parse

ROOT = Path(__file__).resolve().parent.parent.parent
POLICIES = sorted((ROOT / "policies").glob("*.tdsl"))


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_shipped_policies_are_formatted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_policy(text, name=path.name) == text


def test_canonical_layout() -> None:
    messy = (
        'policy "t"{year 2003 status draft}\nclass c{q 100}\ncategory q{indicator i points 1{input x:number '
        "score if x>0 then (if x>1 then 1 else x) else 0 completed when not(x<1)}}\n"
        "grades{优秀>=90 其他 otherwise}\n"
    )
    assert (
        format_policy(messy)
        == """policy "t" {
    year 2003
    status draft
}

class c {
    q 100
}

category q {
    indicator i points 1 {
        input x: number
        score if x > 0 then (if x > 1 then 1 else x) else 0
        completed when not x < 1
    }
}

grades {
    优秀 >= 90
    其他 otherwise
}
"""
    )


def test_precedence_keeps_the_tree() -> None:
    for source in [
        "a - (b - c)",
        "(a + b) * c",
        "-(a + b)",
        "not (a and b)",
        "(a or b) and c",
        "a / (b * c)",
        "(if a then b else c) + 1",
        "min(a, b) - -c",
        "(a > b) == (c > d)",
    ]:
        text = f"const k = {source}\n"
        formatted = format_policy(text)
        assert parse(formatted).file == parse(text).file, (source, formatted)


def test_comments_stay_where_they_were() -> None:
    text = """# 文件头
policy "t" { year 2003 status draft }  # 头部

class c {
    # 类别前
    q 100   # 行尾
    # 块尾
}
# 文件尾
"""
    # a comment after a one-line block follows the block's last line
    assert (
        format_policy(text)
        == """# 文件头
policy "t" {
    year 2003
    status draft
}  # 头部

class c {
    # 类别前
    q 100  # 行尾
    # 块尾
}
# 文件尾
"""
    )


def test_bands_are_laid_out_one_arm_per_line() -> None:
    text = "const k = bands x { >= 1: 10, otherwise: 0 }  # 档\n"
    assert format_policy(text) == "const k = bands x {\n    >= 1: 10,\n    otherwise: 0,\n}  # 档\n"


def test_assessors_stay_together_and_blank_lines_survive() -> None:
    text = 'assessor a "甲"\nassessor b "乙"\n\nassessor c "丙"\nconst k = 1\n'
    assert format_policy(text) == 'assessor a "甲"\nassessor b "乙"\n\nassessor c "丙"\n\nconst k = 1\n'


def test_syntax_errors_are_reported_not_formatted() -> None:
    with pytest.raises(targetdsl.PolicyError):
        format_policy("class {")


def without_comments_or_blank_lines(text: str) -> str:
    lines = text.splitlines()
    for comment in reversed(parse(text).comments):
        line = comment.span.line - 1
        lines[line] = lines[line][: comment.span.column - 1]
    return "\n".join(line.rstrip() for line in lines if line.strip()) + "\n"


@functools.cache
def laid_out_plainly() -> tuple[str, str]:
    """The first policy without comments or blank lines, and its formatted text: the same in every example."""
    original = without_comments_or_blank_lines(POLICIES[0].read_text(encoding="utf-8"))
    return original, format_policy(original)


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_formatting_ignores_layout(data: st.DataObject) -> None:
    """Re-spacing and re-breaking a policy (no blank lines added) formats to the same text."""
    original, formatted = laid_out_plainly()
    lines = [line.strip() for line in original.splitlines()]
    relaid = []
    for line in lines:
        spaced = re.sub(r" +", lambda _: data.draw(st.sampled_from([" ", "  ", "\t", " \u3000"])), line)
        relaid.append(data.draw(st.sampled_from(["", "  ", "        "])) + spaced)
    text = "\n".join(relaid) + "\n"
    assert format_policy(text) == formatted
    assert format_policy(formatted) == formatted


def test_fmt_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.tdsl"
    path.write_text('policy "t" { year 2003 status draft }\n', encoding="utf-8")
    assert main(["fmt", "--check", str(path)]) == 1
    assert "not formatted" in capsys.readouterr().out
    assert main(["fmt", "--diff", str(path)]) == 1
    assert "+    year 2003" in capsys.readouterr().out
    assert main(["fmt", str(path)]) == 0
    assert path.read_text(encoding="utf-8").startswith('policy "t" {\n')
    assert main(["fmt", "--check", str(path)]) == 0
    broken = tmp_path / "b.tdsl"
    broken.write_text("class {", encoding="utf-8")
    assert main(["fmt", str(broken)]) == 2  # cannot be parsed: 2, as black and ruff; 1 is "would reformat"
    assert broken.read_text(encoding="utf-8") == "class {"


def _builtin_expressions() -> st.SearchStrategy[str]:
    """Expressions over the built-ins, written in English: values, functions and references."""
    from targetdsl.language.functions import FUNCTIONS

    leaves = st.sampled_from(["x", "1", "points", "total", "rank", "items", "completed_items", "vetoed"])
    calls = sorted(f for f in FUNCTIONS if f not in ("peer_count", "round"))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "*", "-"]), inner).map(" ".join),
            st.tuples(st.sampled_from(calls), inner, inner).map(lambda c: f"{c[0]}({c[1]}, {c[2]})"),
            st.sampled_from(["score(总分)", "subtotal(丙)", "bonus()", "deduction(扣)", "peer_count()"]),
            inner.map(lambda e: f"round({e}, 2)"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(_builtin_expressions())
def test_builtins_read_alike_in_both_keyword_languages(expression: str) -> None:
    """Written with Chinese keywords, every built-in is written in its Chinese form and read back as the
    same built-in; a measure named `总分` keeps its name inside a reference."""
    text = (
        'policy "p" {\n    year 2003\n    status draft\n}\n\nclass c {\n    丙 100\n}\n\n'
        "category 丙 {\n    indicator 总分 points 10 {\n        input x: number\n        score x\n    }\n}\n\n"
        f"deduction 扣 {{\n    amount 1\n}}\n\naward a {{\n    money {expression}\n}}\n"
    )
    english = parse(text).file
    chinese = format_policy(text, keywords=Language.CHINESE)
    assert parse(chinese).file == english
    english_words = r"\b(points|total|rank|items|completed_items|vetoed|min|max|clamp|efficacy|score|bonus)\b"
    assert not re.search(english_words, chinese)
    assert format_policy(chinese, keywords=Language.ENGLISH) == format_policy(text)
    assert "得分(总分)" in chinese or "score(" not in expression
