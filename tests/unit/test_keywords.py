"""The keyword table is the one list of keywords: the grammar, the formatter,
the language server and the editor grammar agree with it, in both languages."""

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.diagnostics import PolicyError
from targetdsl.keywords import (
    BUILTINS,
    BY_CONCEPT,
    KEYWORDS,
    NAME_PATTERN,
    TERMS,
    VOCABULARY,
    WORDS,
    Language,
    chinese_grammar,
    detect,
    grammar_words,
)
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import grammar_text, parse
from tests.support import lalr_conflicts

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_grammar_keyword_is_in_the_table_and_every_table_keyword_in_the_grammar() -> None:
    grammar = grammar_text()
    words = grammar_words(grammar)
    table = {word for k in KEYWORDS for word in k.english}
    assert set(words) - table == set(), "keywords of the grammar missing from targetdsl/keywords.py"
    assert table - set(words) == set(), "keywords of the table the grammar does not use"
    for keyword in KEYWORDS:  # a phrase stands in the grammar as written, word after word
        quoted = " ".join(f'"{w}"' for w in keyword.english)
        assert quoted in grammar, keyword.concept


def test_the_chinese_grammar_has_no_english_keyword_left() -> None:
    chinese = grammar_text(Language.CHINESE)
    assert grammar_words(chinese) == []
    for keyword in KEYWORDS:
        assert f'"{keyword.chinese}"' in chinese, keyword.concept


def test_the_chinese_grammar_is_lalr_without_conflicts() -> None:
    lalr_conflicts(grammar_text(Language.CHINESE))  # its terminals: tests/unit/test_parser.py, strictly


def test_the_table_is_one_to_one() -> None:
    concepts = [k.concept for k in KEYWORDS]
    chinese = [k.chinese for k in KEYWORDS]
    assert len(set(concepts)) == len(concepts)
    assert len(set(chinese)) == len(chinese)
    for keyword in KEYWORDS:
        assert re.fullmatch(NAME_PATTERN, keyword.chinese), keyword  # lexed like a name, so never glued in a name
        assert not keyword.chinese.isascii()
        assert keyword.meaning and keyword.meaning == keyword.meaning.strip()
    assert not WORDS[Language.ENGLISH] & WORDS[Language.CHINESE]
    assert not VOCABULARY & WORDS[Language.CHINESE]


def test_every_term_has_one_chinese_form_per_position() -> None:
    positions = {t.position for t in TERMS}
    for position in positions:
        terms = [t for t in TERMS if t.position == position]
        assert len({t.english for t in terms}) == len({t.chinese for t in terms}) == len(terms), position
    for term in TERMS:
        assert re.fullmatch(NAME_PATTERN, term.chinese) and not term.chinese.isascii(), term
    from targetdsl.language.checker import MISSING_RULES, QUOTA_ROUNDING, ROUNDING_MODES, ROUNDING_STAGES, STATUSES
    from targetdsl.language.typecheck import INPUT_KINDS

    def english(position: str) -> set[str]:
        return {t.english for t in TERMS if t.position == position}

    assert english("type") == set(INPUT_KINDS)
    assert english("missing") == set(MISSING_RULES)
    assert english("status") == set(STATUSES)
    assert english("rounding") == set(ROUNDING_MODES)
    assert english("stage") == set(ROUNDING_STAGES)
    assert english("quota") == set(QUOTA_ROUNDING)
    assert english("direction") == {"asc", "desc"}


def test_terms_are_read_in_either_language_and_written_in_the_file_language() -> None:
    chinese = (
        '考核办法 "x" {\n    年度 2003\n    状态 征求意见稿\n    舍入 四舍五入 2 用于 考核内容, 总分\n}\n\n'
        "类别 县区 {\n    甲 100\n}\n\n"
        '考核内容 甲 {\n    指标 乙 分值 10 {\n        填报 x "完成值": 金额 缺报 计零 范围 0 至 100\n'
        "        填报 y: 百分比 缺报 同类平均\n        得分 如果 x > 0 则 分值 否则 0\n    }\n}\n\n"
        "等次 {\n    优秀 >= 90 名额 30% 取整 进一\n    合格 其余\n}\n\n同分 总分 降序, 甲 升序\n"
    )
    english = (
        'policy "x" {\n    year 2003\n    status draft\n    rounding half_up 2 at category, total\n}\n\n'
        "class 县区 {\n    甲 100\n}\n\n"
        'category 甲 {\n    indicator 乙 points 10 {\n        input x "完成值": money missing zero range 0 to 100\n'
        "        input y: percent missing peer_avg\n        score if x > 0 then points else 0\n    }\n}\n\n"
        "grades {\n    优秀 >= 90 quota 30% round up\n    合格 otherwise\n}\n\nties total desc, 甲 asc\n"
    )
    assert parse(chinese).file == parse(english).file
    assert format_policy(chinese) == chinese
    assert format_policy(english, keywords=Language.CHINESE) == chinese
    assert format_policy(chinese, keywords=Language.ENGLISH) == english
    assert targetdsl.check_text(chinese, name="zh.tdsl").errors == ()


def test_a_phrase_becomes_one_word_and_its_parts_stay_apart() -> None:
    grammar = 'GRADES: "grades"\nx: "cap" "grade" NAME | "grade" NAME | "up" "to" NUMBER | "to" | "grades"\n'
    rules, definitions = chinese_grammar(grammar).split("\n// Chinese keywords, from targetdsl/keywords.py\n")
    assert rules == 'GRADES: "等次"\nx: _ZH_CAP_GRADE NAME | _ZH_GRADE NAME | _ZH_UP_TO NUMBER | _ZH_TO | GRADES\n'
    assert sorted(definitions.split("\n")) == [
        "",
        '_ZH_CAP_GRADE: "最高等次"',
        '_ZH_GRADE: "定为"',
        '_ZH_TO: "至"',
        '_ZH_UP_TO: "最多"',
    ]


def test_an_error_lists_the_chinese_keywords_that_may_come() -> None:
    rendered = diagnostic('考核方法 "x" {\n    年度 2003\n}\n')
    # the first ten, in the order of their characters, then `…`: `一票否决` sorts first whatever keywords are added
    assert "`考核办法`" in rendered and "`一票否决`" in rendered and "…" in rendered, rendered


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("", Language.ENGLISH),
        ("# 注释\n", Language.ENGLISH),
        ('policy "x" {}', Language.ENGLISH),
        ('考核办法 "x" {}', Language.CHINESE),
        ('\ufeff  # 说明\n\n# 另一行\n继承 "a.tdsl"', Language.CHINESE),
        ("\u3000常量 上限 = 1", Language.CHINESE),
        ("加分项 x", Language.ENGLISH),  # a name that begins like a keyword is not one
        ("category 加分 {}", Language.ENGLISH),
        # a first word that is no keyword: the keywords that follow decide
        ('考核方法 "x" {\n    年度 2003\n    状态 征求意见稿\n}\n类别 县区 { 甲 100 }', Language.CHINESE),
        ('polcy "x" {\n    year 2003\n}\ncategory 指标 {}  # 指标 考核内容', Language.ENGLISH),
    ],
)
def test_a_file_keyword_language_is_its_first_word(text: str, language: Language) -> None:
    assert detect(text) is language


ENGLISH_WITH_CHINESE_KEYWORDS_AS_NAMES = """\
policy "名字与中文关键字相同" {
    year 2003
    status draft
}

class 县区 {
    加分 100
}

input 一票否决 "本单位有否决事项": bool missing default false

category 加分 "加分事项" {
    indicator 等次 points 10 {
        input 得分: number
        let 名额 = 得分 * 2
        score min(名额, points)
        completed when 得分 > 0
    }
}

veto 扣分 {
    when 一票否决
    effect cap grade 良好
}

grades {
    优秀 >= 90
    良好 otherwise
}
"""


def test_chinese_keywords_are_free_names_in_a_file_written_in_english() -> None:
    report = targetdsl.check_text(ENGLISH_WITH_CHINESE_KEYWORDS_AS_NAMES, name="en.tdsl")
    assert report.errors == (), report.render()
    assert format_policy(ENGLISH_WITH_CHINESE_KEYWORDS_AS_NAMES) == ENGLISH_WITH_CHINESE_KEYWORDS_AS_NAMES
    # the same names still work with Chinese keywords: none stands where its keyword may
    chinese = format_policy(ENGLISH_WITH_CHINESE_KEYWORDS_AS_NAMES, keywords=Language.CHINESE)
    assert "\n填报 一票否决 " in chinese
    assert parse(chinese).file == parse(ENGLISH_WITH_CHINESE_KEYWORDS_AS_NAMES).file
    assert targetdsl.check_text(chinese, name="zh.tdsl").errors == ()


def test_english_keywords_are_free_names_in_a_file_written_in_chinese() -> None:
    text = (
        '考核办法 "x" {\n    年度 2003\n    状态 draft\n}\n\n类别 class {\n    score 100\n}\n\n'
        "考核内容 score {\n    指标 indicator 分值 5 {\n        填报 veto: number\n        得分 veto\n    }\n}\n\n"
        "等次 {\n    grades 其余\n}\n"
    )
    assert parse(text).file.items[2].name == "score"  # type: ignore[attr-defined]
    assert targetdsl.check_text(text, name="zh.tdsl").errors == ()


def codes(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse(text, "p.tdsl")
    return [d.code for d in caught.value.diagnostics]


def diagnostic(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse(text, "p.tdsl")
    return caught.value.render()


@pytest.mark.parametrize(
    ("text", "keyword", "ours"),
    [
        ('考核办法 "x" {\n    year 2003\n}\n', "year", "年度"),
        ("考核内容 甲 {\n    indicator 乙 {\n        得分 1\n    }\n}\n", "indicator", "指标"),
        ("常量 上限 = if 1 > 2 then 1 else 2\n", "if", "如果"),
        ("常量 上限 = 是 and 否\n", "and", "且"),
        ("category 甲 {\n    指标 乙 {\n        score 1\n    }\n}\n", "指标", "indicator"),
        ("const 上限 = 如果 1 > 2 则 1 否则 2\n", "如果", "if"),
        ("category 甲 {\n    indicator 乙 {\n        completed when 1 > 2 且 2 > 1\n    }\n}\n", "且", "and"),
    ],
)
def test_a_keyword_of_the_other_language_is_named_with_its_twin(text: str, keyword: str, ours: str) -> None:
    rendered = diagnostic(text)
    assert "error[syntax.mixed-keywords]" in rendered, rendered
    assert f"`{keyword}` is a keyword of the other language" in rendered
    assert f"write `{ours}` for `{keyword}`" in rendered


def test_a_chinese_keyword_joined_to_a_name_is_pointed_out() -> None:
    rendered = diagnostic("考核内容 甲 {\n    指标 乙 {\n        得分 如果完成 则 1 否则 0\n    }\n}\n")
    assert "write a space after the keyword: `如果 完成`" in rendered, rendered
    rendered = diagnostic("常量 上限 = 分档x { >= 1: 1, 其余: 0 }\n")
    assert "write a space after the keyword: `分档 x`" in rendered, rendered


def test_a_misspelt_first_keyword_is_named_with_the_chinese_keywords() -> None:
    rendered = diagnostic('考核方法 "x" {\n    年度 2003\n}\n')
    assert "did you mean `考核办法`?" in rendered, rendered


def test_an_unclosed_brace_is_found_before_a_chinese_declaration() -> None:
    rendered = diagnostic("考核内容 甲 {\n    指标 乙 {\n        得分 1\n\n一票否决 丙 {\n    条件 是\n}\n")
    assert "syntax.unclosed-brace" in rendered, rendered


def test_remove_names_the_declaration_kind_in_english_in_the_tree() -> None:
    parsed = parse('继承 "a.tdsl"\n\n取消 类别 县区\n取消 等次\n')
    kinds = [item.kind for item in parsed.file.items]  # type: ignore[attr-defined]
    assert kinds == ["class", "grades"]
    assert format_policy('继承 "a.tdsl"\n\n取消 类别 县区\n', keywords=Language.ENGLISH) == (
        'extends "a.tdsl"\n\nremove class 县区\n'
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "input 是: bool\n\ncategory 甲 {\n    indicator 乙 points 1 {\n        score if 是 then 1 else 0\n"
            "    }\n}\n\ngrades {\n    优秀 >= 90\n    合格 otherwise\n}\n",
            "是",
        ),
        (
            "category 甲 {\n    indicator 乙 points 1 {\n        score 1\n    }\n}\n\n"
            "grades {\n    优秀 >= 90\n    名额 otherwise\n}\n",
            "名额",
        ),
    ],
)
def test_a_conversion_that_would_read_a_name_as_a_keyword_is_refused(text: str, name: str) -> None:
    """`是` would read back as `true`, and a grade named 名额 as a quota: the
    conversion stops and names the name to rename; nothing changes meaning."""
    text = 'policy "x" {\n    year 2003\n    status draft\n}\n\nclass 县区 {\n    甲 100\n}\n\n' + text
    assert targetdsl.check_text(text, name="en.tdsl").errors == ()
    with pytest.raises(PolicyError) as caught:
        format_policy(text, name="en.tdsl", keywords=Language.CHINESE)
    (found,) = caught.value.diagnostics
    assert found.code == "fmt.keyword-name"
    assert f"`{name}`" in found.message
    line = text.splitlines()[found.span.line - 1]
    assert line[found.span.column - 1 :].startswith(name)


@pytest.mark.parametrize("path", sorted((ROOT / "tests/cases").rglob("*.yaml")), ids=lambda p: p.name)
def test_every_case_policy_converts_both_ways_without_changing_meaning(path: Path) -> None:
    """Every policy of the data-driven cases (all with Chinese names) is
    written with Chinese keywords and back: the tree is the same, the
    formatting idempotent in both languages."""
    from targetdsl.units.documents import parse_yaml

    document = parse_yaml(path.read_text(encoding="utf-8"))
    policies = [document.get("policy")] + [c.get("policy") for c in document.get("cases", []) or []]
    for text in (p for p in policies if isinstance(p, str)):
        try:
            english = format_policy(text, name=path.name)
        except PolicyError:
            continue  # a case about a broken policy
        chinese = format_policy(english, name=path.name, keywords=Language.CHINESE)
        assert parse(chinese).language is Language.CHINESE
        assert parse(chinese).file == parse(english).file
        assert format_policy(chinese, name=path.name) == chinese
        assert format_policy(chinese, name=path.name, keywords=Language.ENGLISH) == english


def test_the_editor_grammar_highlights_every_keyword_in_both_languages() -> None:
    grammar = json.loads((ROOT / "editors/vscode/syntaxes/targetdsl.tmLanguage.json").read_text(encoding="utf-8"))
    patterns = json.dumps(grammar["repository"]["keyword"], ensure_ascii=False)
    patterns += json.dumps(grammar["repository"]["declaration"], ensure_ascii=False)
    alternatives: set[str] = set()
    for group in re.findall(r"\\\\b\(([^)]*)\)", patterns):
        alternatives |= set(group.split("|"))
    keywords = {word for k in KEYWORDS for word in k.english} | {k.chinese for k in KEYWORDS}
    assert keywords - alternatives == set(), "keywords the editor does not highlight"
    terms = {t.chinese for t in TERMS}
    assert terms - {"指标", "考核内容", "总分", "奖金"} - alternatives == set(), "terms the editor does not highlight"
    assert alternatives - keywords - VOCABULARY - terms == set(), "highlighted words that are no keyword"


def test_the_language_reference_lists_every_keyword() -> None:
    text = (ROOT / "docs/language.md").read_text(encoding="utf-8")
    for keyword in KEYWORDS:
        assert f"| `{keyword.concept}` | `{keyword.chinese}` | {keyword.meaning} |" in text, keyword.concept
    for term in TERMS:
        assert f"| `{term.english}` | `{term.chinese}` | {term.meaning} |" in text, term
    assert BY_CONCEPT["veto"].chinese == "一票否决"


# Fragments of both keyword languages, names spelled like keywords and terms included.
FRAGMENTS = [k.chinese for k in KEYWORDS] + [w for k in KEYWORDS for w in k.english] + [t.chinese for t in TERMS]
FRAGMENTS += ['"办法"', "{", "}", ":", "=", ",", ">=", "<", "+", "*", "(", ")", "1.5", "30%", "2pp", "2004-01-15"]
FRAGMENTS += ["县区", "定量", "x", "points", "min", "#", "\n", "：", "如果完成", "分档x"]
FRAGMENTS += [b.chinese for b in BUILTINS] + ["total", "score", "rank", "id"]  # built-ins, in both forms


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=50))
def test_mixed_fragments_parse_or_raise_a_policy_error(pieces: list[str]) -> None:
    """Whatever mix of the two languages is typed, the parser answers with a tree or diagnostics."""
    text = " ".join(pieces)
    try:
        parsed = parse(text, "p.tdsl")
    except PolicyError as exc:
        assert exc.diagnostics and exc.render()
        return
    for language in Language:
        try:
            converted = format_policy(text, keywords=language)
        except PolicyError as exc:  # a name spelled like a keyword of `language`
            assert [d.code for d in exc.diagnostics] == ["fmt.keyword-name"]
            continue
        empty = not parsed.file.items and parsed.file.extends is None  # no keyword to tell the language by
        assert parse(converted).language is language or empty
        assert parse(converted).file == parsed.file
        assert format_policy(converted) == converted


@functools.cache
def parsed_2002() -> tuple[str, Any, Any]:
    """The 2002 policy in Chinese, and what it and the English one parse to: the same in every example."""
    original = (ROOT / "policies/lianyungang-2002.zh.tdsl").read_text(encoding="utf-8")
    english = (ROOT / "policies/lianyungang-2002.tdsl").read_text(encoding="utf-8")
    return original, parse(original).file, parse(english).file


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_a_chinese_policy_formats_the_same_however_it_is_laid_out(data: st.DataObject) -> None:
    original, chinese, english = parsed_2002()
    code = "\n".join(line.split("#", 1)[0].strip() for line in original.splitlines() if line.split("#", 1)[0].strip())
    relaid = re.sub(r" +", lambda _: data.draw(st.sampled_from([" ", "  ", "\t", "\u3000"])), code) + "\n"
    formatted = format_policy(relaid)
    assert formatted == format_policy(formatted)
    assert parse(formatted).file == chinese
    assert parse(format_policy(formatted, keywords=Language.ENGLISH)).file == english


def test_the_chinese_form_of_a_builtin_in_a_file_written_in_english_names_the_english_one() -> None:
    text = (
        'policy "x" {\n    year 2003\n    status draft\n}\n\nclass 县区 {\n    甲 100\n}\n\n'
        "category 甲 {\n    indicator 乙 points 10 {\n        score 分值 * 最小(0.5, 1)\n    }\n}\n"
    )
    found = targetdsl.check_text(text, name="p.tdsl").errors
    assert [(d.code, d.help) for d in found] == [
        ("check.unknown-name", "`分值` is written `points` in a file written with English keywords"),
        ("check.unknown-function", "`最小` is written `min` in a file written with English keywords"),
    ]


def test_the_builtins_are_the_languages_own_each_with_one_chinese_form() -> None:
    from targetdsl.keywords import BUILTINS
    from targetdsl.language.checker import RESULT_NAMES, UNIT_NAMES
    from targetdsl.language.functions import FUNCTIONS
    from targetdsl.language.nodes import REFERENCES

    def read(place: str) -> set[str]:
        return {b.english for b in BUILTINS if place in b.reads}

    assert read("value") == {"points"} | {name for names in RESULT_NAMES.values() for name in names}
    assert read("call") == set(FUNCTIONS) | set(REFERENCES)
    assert read("key") == set(UNIT_NAMES)
    assert {b.reads for b in BUILTINS} <= {
        frozenset(p.split()) for p in ("value", "call", "key", "value key", "value call", "value call key")
    }
    for place in ("value", "call", "key"):
        chinese = [b.chinese for b in BUILTINS if place in b.reads]
        assert len(set(chinese)) == len(chinese), place
    assert len({b.english for b in BUILTINS}) == len({b.chinese for b in BUILTINS}) == len(BUILTINS)
    for builtin in BUILTINS:
        assert re.fullmatch(NAME_PATTERN, builtin.chinese) and not builtin.chinese.isascii(), builtin
        # a reference's argument is told from a value by the length of what was written (transform._as_written)
        assert "value" not in builtin.reads or len(builtin.chinese) != len(builtin.english), builtin
        assert builtin.meaning or "call" in builtin.reads, builtin
        # a keyword is a built-in's Chinese form only where the keyword means that very thing
        keyword = BY_CONCEPT.get(builtin.english)
        assert builtin.chinese not in WORDS[Language.CHINESE] or builtin.chinese in (
            keyword.chinese if keyword else "",
            BY_CONCEPT["tally"].chinese,  # `完成项数`: the completed items the tally counts, and a unit's count
        ), builtin
        assert builtin.chinese not in VOCABULARY


CHINESE_BUILTINS = (
    '考核办法 "x" {\n    年度 2003\n    状态 征求意见稿\n}\n\n类别 县区 {\n    甲 100\n}\n\n'
    "考核内容 甲 {\n    指标 总分 分值 10 {\n        填报 x: 数值\n"
    "        得分 限定(分值 * 最小(x, 1.2), 0, 最大(绝对值(x), 四舍五入(x, 2)))\n    }\n"
    "    指标 乙 分值 10 {\n        填报 y: 数值\n"
    "        得分 如果 得分(总分) > 0 则 向下取整(y) + 向上取整(y) 否则 同类最小(y) + 同类最大(y)\n"
    "    }\n    指标 丙 分值 10 {\n        填报 z: 数值\n"
    "        得分 同类平均(z) + 同类单位数() + 名次(z) + 升序名次(z) + 功效系数(z) + 逆向功效系数(z)\n    }\n}\n\n"
    "一票否决 安全 {\n    填报 failed: 是否\n    条件 failed\n    处理 不予奖励\n}\n\n"
    "加分 奖项 {\n    分值 1\n    条件 是\n}\n\n扣分 通报 {\n    扣减 1\n}\n\n"
    "奖励 奖 {\n    奖金 {\n        优秀 100\n    }\n"
    "    下浮 20% 条件 完成项数 < 目标项数 或 被否决 或 被否决(安全)"
    " 或 加分() + 扣分(通报) > 名次 + 总分 + 小计(甲)\n}\n\n"
    "系数 系 {\n    乘以 1\n    作用于 总分\n}\n\n"
    "等次 {\n    优秀 >= 90\n    合格 其余\n}\n\n同分 总分 降序, 名次, 单位编号, 单位名称 降序\n"
)


def test_a_policy_written_only_in_chinese_reads_the_builtins_as_the_english_one_does() -> None:
    english = format_policy(CHINESE_BUILTINS, keywords=Language.ENGLISH)
    for word in (
        "score clamp(points * min(x, 1.2), 0, max(abs(x), round(x, 2)))",
        "clamp(",
        "abs(x)",
        "round(x, 2)",
        "score(总分)",
        "subtotal(甲)",
        "floor(y) + ceil(y)",
        "peer_min(y) + peer_max(y)",
        "peer_avg(z) + peer_count() + rank(z)",
        "rank_asc(z) + efficacy(z) + efficacy_reverse(z)",
        "completed_items < items or vetoed",
        "vetoed(安全)",
        "bonus() + deduction(通报) > rank + total + subtotal(甲)",
        "on total",
        "ties total desc, rank, id, name desc",
    ):
        assert word in english, word
    assert parse(english).file == parse(CHINESE_BUILTINS).file  # so `diff` between the two is empty
    assert format_policy(CHINESE_BUILTINS) == CHINESE_BUILTINS
    assert format_policy(english, keywords=Language.CHINESE) == CHINESE_BUILTINS
    assert targetdsl.check_text(CHINESE_BUILTINS, name="zh.tdsl").errors == ()
    en, zh = targetdsl.parse_policy(english, name="en.tdsl"), targetdsl.parse_policy(CHINESE_BUILTINS, name="zh.tdsl")
    assert not targetdsl.diff_policies(en, zh).changes
    # the English forms keep working in a file written with Chinese keywords; `fmt` writes the Chinese ones
    mixed = CHINESE_BUILTINS.replace("分值 * 最小(x", "points * min(x").replace("同分 总分", "同分 total")
    assert parse(mixed).file == parse(CHINESE_BUILTINS).file
    assert format_policy(mixed) == CHINESE_BUILTINS


def test_a_builtins_chinese_form_is_what_the_spans_point_at() -> None:
    parsed = parse(CHINESE_BUILTINS, "zh.tdsl")
    lines = CHINESE_BUILTINS.splitlines()
    measure = parsed.file.items[2].measures[0]
    score = measure.body[1].expr
    points = score.args[0].left
    shown = lines[points.span.line - 1][points.span.column - 1 : points.span.end_column - 1]
    assert (points.name, shown) == ("points", "分值")
    call = score.args[0].right
    assert call.function == "min"
    assert lines[call.span.line - 1][call.span.column - 1 :].startswith("最小(x, 1.2)")


def test_a_name_declared_like_a_builtin_in_a_chinese_file_is_refused_where_it_is_declared() -> None:
    text = CHINESE_BUILTINS.replace("填报 x: 数值", "填报 x: 数值\n        设 名次 = x").replace(
        "类别 县区 {", "常量 被否决 = 1\n\n函数 最小(a) = a\n\n函数 f(分值) = 分值\n\n类别 县区 {"
    )
    found = [(d.code, d.span.line, d.span.column) for d in targetdsl.check_text(text, name="zh.tdsl").errors]
    assert ("check.builtin-name", 6, 4) in found  # 常量 被否决
    assert ("check.builtin-name", 8, 4) in found  # 函数 最小
    assert ("check.builtin-name", 10, 4) in found  # 函数 f(分值): the parameter
    assert sum(code == "check.builtin-name" for code, _, _ in found) == 4  # and 设 名次
    # written with English keywords, the same names are plain names
    english = format_policy(CHINESE_BUILTINS, keywords=Language.ENGLISH).replace(
        "input x: number", "input x: number\n        let 名次 = x\n        let 最小 = 名次"
    )
    assert "check.builtin-name" not in [d.code for d in targetdsl.check_text(english, name="en.tdsl").errors]


def test_a_conversion_that_would_read_a_name_as_a_builtin_is_refused() -> None:
    text = (
        'policy "x" {\n    year 2003\n    status draft\n}\n\nclass 县区 {\n    甲 100\n}\n\n'
        "category 甲 {\n    indicator 乙 points 10 {\n        input 最小: number\n        input 总分: number\n"
        "        score points * 最小 * 总分\n    }\n}\n"
    )
    with pytest.raises(PolicyError) as refused:
        format_policy(text, name="p.tdsl", keywords=Language.CHINESE)
    (found,) = refused.value.diagnostics
    assert found.code == "fmt.keyword-name"
    assert "`总分` is spelled like the built-in name `总分`" in found.message
    assert (found.span.line, found.span.column) == (13, 15)  # `最小` is read as a name there too: kept


def test_function_words_are_the_functions_spelled_like_keywords() -> None:
    from targetdsl.keywords import FUNCTION_WORDS, VOCABULARY
    from targetdsl.language.functions import FUNCTIONS

    assert set(FUNCTION_WORDS) == set(FUNCTIONS) & (WORDS[Language.ENGLISH] | VOCABULARY)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("加上 `status draft`（征求意见）或 `status adopted`", "加上 `状态 征求意见稿`（征求意见）或 `状态 正式`"),
        ("请先用 `input`、`let` 或 `const` 声明它", "请先用 `填报`、`设` 或 `常量` 声明它"),
        ("写 `completed when`（完成条件）", "写 `完成条件`"),
        ("`input level: bool missing default false`", "`填报 level: 是否 缺报 默认 否`"),
        ("`score points * done / subs`", "`得分 points * done / subs`"),  # the file writes `points`
        ("`score score(甲) * min(done, 1)`", "`得分 得分(甲) * 最小(done, 1)`"),
        ("read only in an award: `total`, `completed_items`", "read only in an award: `总分`, `完成项数`"),
        ("`efficacy` needs a number", "`功效系数` needs a number"),
        ("tie keys: `total`, a category, `id`, `name`", "tie keys: `总分`, a category, `单位编号`, `单位名称`"),
        ("`round` keeps 0 to 2 decimal places", "`四舍五入` keeps 0 to 2 decimal places"),  # the function
        ("`quota 30% round up`", "`名额 30% 取整 进一`"),
        ("`peer_avg(done)`", "`同类平均(done)`"),
        ("`override category 经济 …`", "`覆盖 考核内容 经济 …`"),
        ("the header's `scale`", "the header's `满分`"),
        # `items` is a keyword (事项, before a name) and a unit's result (目标项数): by itself or in an
        # expression, the result
        ("unknown name `items`", "unknown name `目标项数`"),
        ("`reduce 20% when completed_items < items`", "`下浮 20% 条件 完成项数 < 目标项数`"),
        ("`min(items, 3)`", "`最小(目标项数, 3)`"),
        ("`items 重点项目 points 40 pooled`", "`事项 重点项目 points 40 合并计分`"),  # `points`: a name here
        ("add an `indicator …`, `items …` or `assessed …` block", "add an `指标 …`, `事项 …` or `评议 …` block"),
        # not policy code, or a name the file uses: as it is
        ("`targetdsl verify`", "`targetdsl verify`"),
        ("did you mean `level`?", "did you mean `level`?"),  # `level` is a keyword, and a name of this file
    ],
)
def test_quoted_code_is_written_in_the_files_keywords(text: str, written: str) -> None:
    from targetdsl.keywords import quoted_in

    names = frozenset({"points", "done", "subs", "level"})
    assert quoted_in(text, Language.CHINESE, names) == written
    assert quoted_in(text, Language.ENGLISH, names) == text


def test_a_name_of_another_file_of_the_policy_is_kept() -> None:
    """A help about a Chinese child may quote a name its parent declares (`level`, an input): kept, not
    taken for the keyword `级别`; an English parent's keywords are no names."""
    from targetdsl.diagnostics import worded
    from targetdsl.messages import Language as Said

    child = '继承 "parent.tdsl"\n\n考核办法 "x" {\n    年度 2003\n}\n'
    parent = '考核办法 "p" {\n    年度 2003\n}\n\n填报 level: 是否\n'
    english = 'policy "p" {\n    year 2003\n}\n\ninput flag: bool missing default false\n'
    assert worded("did you mean `level`?", Said.ENGLISH, child) == "did you mean `级别`?"
    assert worded("did you mean `level`?", Said.ENGLISH, child, [child, parent]) == "did you mean `level`?"
    assert worded("add `missing default`", Said.ENGLISH, child, [child, english]) == "add `缺报 默认`"


def test_both_language_references_list_every_builtin() -> None:
    from targetdsl.keywords import BUILTINS

    english = (ROOT / "docs/language.md").read_text(encoding="utf-8")
    chinese = (ROOT / "docs/language.zh-CN.md").read_text(encoding="utf-8")
    for builtin in BUILTINS:
        assert f"| `{builtin.english}` | `{builtin.chinese}` | " in english, builtin
        assert f"| `{builtin.chinese}` | `{builtin.english}` | " in chinese, builtin


def test_a_name_declared_like_a_builtin_in_an_english_parent_is_refused_for_a_chinese_child(tmp_path: Path) -> None:
    """The child, written with Chinese keywords, would read `总分` as the unit's total: the parent's constant
    of that name is refused where it is declared; alone, the parent is a sound English policy. A measure's
    own `let` is read only where the measure is written, so the parent keeps it."""
    parent = tmp_path / "parent.tdsl"
    parent.write_text(
        'policy "p" {\n    year 2003\n    status draft\n}\n\nclass 县区 {\n    甲 100\n}\n\nconst 总分 = 1\n\n'
        "category 甲 {\n    indicator 乙 points 10 {\n        let 名次 = 2\n"
        "        score points * 总分 * 名次\n    }\n}\n",
        encoding="utf-8",
    )
    child = tmp_path / "child.tdsl"
    child.write_text('继承 "parent.tdsl"\n\n考核办法 "c" {\n    年度 2004\n}\n', encoding="utf-8")
    assert targetdsl.check_path(parent).errors == ()
    found = [(d.code, Path(d.span.file).name, d.span.line) for d in targetdsl.check_path(child).errors]
    assert ("check.builtin-name", "parent.tdsl", 10) in found
    # the measure's own `let 名次` is read only in the parent, written with English keywords: kept
    assert [code for code, _, _ in found].count("check.builtin-name") == 1


def test_a_result_read_outside_an_award_is_named_as_the_file_writes_it() -> None:
    """`目标项数` read in a veto of a file written in Chinese: the problem quotes `目标项数`, in both
    languages, never the keyword `事项` that `items` also is."""
    text = (
        '考核办法 "测" { 年度 2003 状态 征求意见稿 }\n类别 县区 { 重点 100 }\n'
        "考核内容 重点 {\n    指标 增长 分值 10 {\n        填报 r: 数值\n        得分 分值 * r\n    }\n}\n"
        "一票否决 安全 {\n    条件 目标项数 > 0\n    处理 得分清零\n}\n"
    )
    report = targetdsl.check_text(text, name="p.tdsl")
    for language in (Language.CHINESE, Language.ENGLISH):
        rendered = report.render(language=language)
        assert "`目标项数`" in rendered and "`事项`" not in rendered, rendered
