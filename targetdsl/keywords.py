"""The keywords of the policy language, in English and in Chinese: the one place they are defined.

Each keyword is a concept written as an English phrase (one or more words,
as the grammar spells them) and as one Chinese word a target office would
use. `grammars/policy.lark` is written with the English words; the Chinese
grammar is generated from it by `chinese_grammar`, phrase by phrase. The
formatter prints keywords through `KeywordSet.word`, the language server
completes and explains them from `KEYWORDS`, and tests hold the grammar
and the editor grammar to this table.

A file is written in one keyword language, the author's choice, found by
`detect`: the language of the file's first word. The other language's
keywords are not reserved in it, so a name such as `加分` keeps working in
a file written with English keywords.

Some words are read where the grammar takes a name but only a fixed set
of words fits: input types, `missing` rules, statuses, rounding modes and
stages, quota rounding and tie directions. They are `TERMS`, with an
English and a Chinese form each; either form is read in any file (the
transform keeps the English one in the tree), and the formatter writes
the file's language.

The built-in names and functions (`points`, `total`, `min`, `score(M)`, the
tie key `id`…) have a Chinese form too (`BUILTINS`: `分值`, `总分`, `最小`,
`得分(M)`, `单位编号`), read as the built-in only in a file written with
Chinese keywords, where the built-in is read (a value, a call, a key); the
checker refuses a name declared like one in such a policy.

This module knows words only; it must not import the parser or any later
stage.
"""

from __future__ import annotations

import enum
import re

import attrs


class Language(enum.Enum):
    ENGLISH = "en"
    CHINESE = "zh"


@attrs.frozen(slots=True)
class Keyword:
    concept: str  # the English phrase, words joined by one space: the key of the table
    english: tuple[str, ...]  # the words as the grammar spells them
    chinese: str  # one word
    meaning: str  # one line, for docs and hover
    declaration: bool = False  # starts a top-level declaration (`category`, `veto`, …)

    def written(self, language: Language) -> str:
        return " ".join(self.english) if language is Language.ENGLISH else self.chinese


def _k(english: str, chinese: str, meaning: str, *, declaration: bool = False) -> Keyword:
    return Keyword(english, tuple(english.split()), chinese, meaning, declaration)


KEYWORDS: tuple[Keyword, ...] = (
    # files and declarations
    _k("extends", "继承", "this file amends another policy file", declaration=True),
    _k("override", "覆盖", "replace an inherited declaration of the same name", declaration=True),
    _k("remove", "取消", "drop an inherited declaration", declaration=True),
    _k("policy", "考核办法", "the header: title, year, status, sources", declaration=True),
    _k("year", "年度", "the year the policy assesses"),
    _k("status", "状态", "draft or adopted"),
    _k("scale", "满分", "the full score (of the policy, or of assessors' scores)"),
    _k("rounding", "舍入", "how results are rounded"),
    _k("at", "用于", "the stages a rounding applies to"),
    _k("source", "依据", "the document the policy is taken from"),
    _k("class", "类别", "a class of assessed units and its category weights", declaration=True),
    _k("assessor", "评议方", "a body that gives scores (people's congress, CPPCC, …)", declaration=True),
    _k("category", "考核内容", "a category of measures, weighted per class", declaration=True),
    _k("const", "常量", "a named constant", declaration=True),
    _k("function", "函数", "a named formula with parameters, called like a built-in function", declaration=True),
    _k("input", "填报", "a value the unit's data supplies", declaration=True),
    # measures
    _k("indicator", "指标", "a measure every unit of the class has"),
    _k("items", "事项", "a measure whose items each unit lists itself"),
    _k("subitem", "子项", "a part of an indicator"),
    _k("assessed", "评议", "a measure scored by assessors"),
    _k("points", "分值", "the points a measure is worth"),
    _k("share", "占比", "a measure worth this share of its category's points in each class"),
    _k("pooled", "合并计分", "items scored by the sub-items done across all of them"),
    _k(
        "for",
        "适用",
        "the classes a measure or rule applies to; in `periods`, the measures the period weights apply to",
    ),
    _k("missing", "缺报", "what a missing value means"),
    _k("default", "默认", "the value taken when the data gives none"),
    _k("range", "范围", "the values the data may hold"),
    _k("to", "至", "the upper end of a range or band"),
    _k("prorated", "按进度", "a cumulative target pro-rated over a period"),
    _k("unless", "除非", "not pro-rated when this input is true: a rate, an intensity or a share"),
    _k(
        "from last year",
        "取上年",
        "the unit's own result last year (rank, total or grade), read from last year's results file",
    ),
    # cross-field constraints
    _k("require", "校验", "a condition the data must meet, checked when they are read"),
    _k("let", "设", "a named intermediate value"),
    _k("score", "得分", "the points earned"),
    _k("completed when", "完成条件", "when the item counts as completed"),
    _k("tally", "完成项数", "completed sub-items counted at once"),
    _k("of", "共", "the total a tally counts against"),
    _k("given by", "采信", "scores taken as given from these assessors"),
    _k("by", "由", "an assessor and the weight of its score"),
    _k("weight", "权重", "the weight of an assessor's score or of a period"),
    _k("drop extremes", "去极值", "discard the highest and lowest assessor score"),
    _k("above", "超过", "drop the extremes only when more than this many scores are counted"),
    _k("ballots", "评分票", "each unit lists its own ballots, each a score or invalid (民主测评)"),
    _k("assume", "假定", "an assumption: what the method's source leaves open, shown by check and explain"),
    # rules
    _k("veto", "一票否决", "a one-vote veto: a condition and its effects", declaration=True),
    _k("when", "条件", "the condition of a veto, commendation or reduction"),
    _k("effect", "处理", "what a veto does"),
    _k("grade", "定为", "the veto forces this grade"),
    _k("cap grade", "最高等次", "the veto caps the grade"),
    _k("no award", "不予奖励", "the veto withholds the award and a quota place"),
    _k("zero score", "得分清零", "the veto reports the total as 0"),
    _k("bonus", "加分", "bonus points by award level", declaration=True),
    _k("level", "级别", "an award level and its points"),
    _k("up to", "最多", "the most a level adds"),
    _k("cap", "封顶", "the most a bonus or deduction adds up to"),
    _k("carry over after", "结转截止日", "awards dated after this day count next year"),
    _k("deduction", "扣分", "points deducted", declaration=True),
    _k("amount", "扣减", "the points a deduction takes"),
    _k("award", "奖励", "award money by grade", declaration=True),
    _k("money", "奖金", "the money each grade receives"),
    _k("reduce", "下浮", "lower the award by a percentage"),
    _k("eligible when", "享受条件", "which units receive the award"),
    _k("coefficient", "系数", "a factor on the total or a category", declaration=True),
    _k("factor", "乘以", "the coefficient's value"),
    _k("on", "作用于", "what the coefficient multiplies"),
    _k("commendation", "嘉奖", "units named for meeting a condition", declaration=True),
    _k("limit", "合计封顶", "one cap over the sum of several bonuses or deductions", declaration=True),
    # grades and periods
    _k("grades", "等次", "the grade bands", declaration=True),
    _k("otherwise", "其余", "every other score"),
    _k("quota", "名额", "the most a grade may hold, as a share of the class"),
    _k("round", "取整", "how a quota's head count is rounded"),
    _k("at least", "不少于", "the fewest units a grade's quota keeps"),
    _k("with ties", "含并列", "units tied with a quota's last place share the grade"),
    _k("ties", "同分", "how units with equal totals are ordered", declaration=True),
    _k(
        "ranking",
        "统一排序",
        "classes ranked together: one rank, grade ladder and quotas across them",
        declaration=True,
    ),
    _k("not graded", "不定等次", "units of these classes are ranked but given no grade"),
    _k("periods", "考核期", "monthly, quarterly or half-year checks", declaration=True),
    _k("through month", "截至月", "the last month of a period"),
    _k("from month", "起始月", "the first month of a period whose data are its own months', not the year's to date"),
    # expressions
    _k("if", "如果", "a conditional value"),
    _k("then", "则", "the value when the condition holds"),
    _k("else", "否则", "the value when it does not"),
    _k("or", "或", "either condition"),
    _k("and", "且", "both conditions"),
    _k("not", "非", "the condition does not hold"),
    _k("true", "是", "yes"),
    _k("false", "否", "no"),
    _k("bands", "分档", "stepped bands: the first arm that holds"),
    _k("interpolate", "插值", "piecewise linear between anchors"),
)


@attrs.frozen(slots=True)
class Term:
    """A word read where the grammar takes a name but only a fixed set of words fits (an input's type)."""

    position: str  # which set: "type", "missing", "status", "rounding", "stage", "quota", "direction"
    english: str
    chinese: str
    meaning: str


def _t(position: str, english: str, chinese: str, meaning: str) -> Term:
    return Term(position, english, chinese, meaning)


TERMS: tuple[Term, ...] = (
    _t("type", "number", "数值", "any decimal"),
    _t("type", "count", "个数", "a whole number, at least 0"),
    _t("type", "score", "评分", "an assessor's score"),
    _t("type", "percent", "百分比", "a percentage: 8.5 in the data is 8.5%"),
    _t("type", "pp", "百分点", "percentage points"),
    _t("type", "money", "金额", "yuan"),
    _t("type", "bool", "是否", "true or false"),
    _t("type", "date", "日期", "YYYY-MM-DD"),
    _t("missing", "error", "报错", "a missing value is an error"),
    _t("missing", "zero", "计零", "a missing value counts as 0"),
    _t("missing", "na", "不适用", "the measure drops out and the category is reweighted"),
    _t("missing", "peer_avg", "同类平均", "the average of the class's units that have it"),
    _t("status", "draft", "征求意见稿", "issued for comment"),
    _t("status", "adopted", "正式", "adopted"),
    _t("rounding", "half_up", "四舍五入", "round half up"),
    _t("rounding", "half_even", "四舍六入", "round half to even"),
    _t("rounding", "down", "去尾", "round towards zero"),
    _t("rounding", "up", "进一", "round away from zero"),
    _t("stage", "indicator", "指标", "each measure's score"),
    _t("stage", "category", "考核内容", "each category's subtotal"),
    _t("stage", "total", "总分", "the total"),
    _t("stage", "money", "奖金", "the award money"),
    _t("quota", "down", "去尾", "round the head count down"),
    _t("quota", "up", "进一", "round the head count up (进一法)"),
    _t("quota", "half_up", "四舍五入", "round the head count half up"),
    _t("direction", "asc", "升序", "lowest first"),
    _t("direction", "desc", "降序", "highest first"),
    _t("last year", "rank", "名次", "the unit's rank in last year's results"),
    _t("last year", "total", "总分", "the unit's total in last year's results"),
    _t("last year", "grade", "等次", "the unit's grade in last year's results"),
)


@attrs.frozen(slots=True)
class Builtin:
    """A built-in name of expressions, in English and in Chinese: a value a body reads (`points`), a
    function or a reference called with parentheses (`min(…)`, `score(M)`), or a key of `ties` (`id`).

    The tree holds the English form. In a file written with Chinese keywords the Chinese form is read
    as the built-in where it is read (`reads`), and the formatter writes it there; in a file written
    with English keywords a Chinese form is a name like any other.
    """

    english: str
    chinese: str
    reads: frozenset[str]  # "value" (a bare name), "call" (a function or a reference), "key" (`ties`, `on`)
    meaning: str = ""  # what the value or key is; a function's or a reference's is said where it is defined


def _b(english: str, chinese: str, reads: str, meaning: str = "") -> Builtin:
    return Builtin(english, chinese, frozenset(reads.split()), meaning)


BUILTINS: tuple[Builtin, ...] = (
    # values: `points` in a measure, the unit's results in an award or a commendation
    _b("points", "分值", "value", "the points the measure is worth"),
    _b("total", "总分", "value key", "the unit's total"),
    _b("rank", "名次", "value call key", "the unit's rank in its class"),
    _b("items", "目标项数", "value", "how many items the unit has (the completion table)"),
    _b("completed_items", "完成项数", "value", "how many of the unit's items are completed"),
    _b("vetoed", "被否决", "value call", "whether any veto fired for the unit"),
    # keys units are ordered by when their totals are equal
    _b("id", "单位编号", "key", "the unit's id"),
    _b("name", "单位名称", "key", "the unit's name"),
    # functions
    _b("min", "最小", "call"),
    _b("max", "最大", "call"),
    _b("clamp", "限定", "call"),
    _b("abs", "绝对值", "call"),
    _b("round", "四舍五入", "call"),
    _b("floor", "向下取整", "call"),
    _b("ceil", "向上取整", "call"),
    _b("peer_min", "同类最小", "call"),
    _b("peer_max", "同类最大", "call"),
    _b("peer_avg", "同类平均", "call"),
    _b("peer_count", "同类单位数", "call"),
    _b("rank_asc", "升序名次", "call"),
    _b("efficacy", "功效系数", "call"),
    _b("efficacy_reverse", "逆向功效系数", "call"),
    # references to quantities of the unit's result: `score(重要项目)`
    _b("score", "得分", "call"),
    _b("subtotal", "小计", "call"),
    _b("bonus", "加分", "call"),
    _b("deduction", "扣分", "call"),
)

_BUILTIN_TO_ENGLISH: dict[tuple[str, str], str] = {(place, b.chinese): b.english for b in BUILTINS for place in b.reads}
_BUILTIN_TO_CHINESE: dict[tuple[str, str], str] = {(place, b.english): b.chinese for b in BUILTINS for place in b.reads}
BUILTIN_WORDS: frozenset[str] = frozenset(b.chinese for b in BUILTINS)  # the Chinese forms


def english_builtin(place: str, word: str) -> str:
    """A built-in's Chinese form read at `place` ("value", "call", "key"), in English (`最小` called →
    `min`); any other word unchanged."""
    return _BUILTIN_TO_ENGLISH.get((place, word), word)


def builtin_of(word: str) -> Builtin | None:
    """The built-in whose Chinese form `word` is, wherever it is read."""
    return next((b for b in BUILTINS if b.chinese == word), None)


_TERM_TO_ENGLISH: dict[tuple[str, str], str] = {(t.position, t.chinese): t.english for t in TERMS}
_TERM_TO_CHINESE: dict[tuple[str, str], str] = {(t.position, t.english): t.chinese for t in TERMS}

# The English terms, as editors complete and highlight them.
VOCABULARY: frozenset[str] = frozenset(t.english for t in TERMS)


def english_term(position: str, word: str) -> str:
    """A term in English (`金额` as a type → `money`); a word that is none is returned unchanged."""
    return _TERM_TO_ENGLISH.get((position, word), word)


BY_CONCEPT: dict[str, Keyword] = {k.concept: k for k in KEYWORDS}

# Every word that is a keyword, or the first word of one, in each language → its keyword.
_FIRST_WORDS: dict[Language, dict[str, Keyword]] = {
    Language.ENGLISH: {},
    Language.CHINESE: {k.chinese: k for k in KEYWORDS},
}
for _keyword in KEYWORDS:
    _FIRST_WORDS[Language.ENGLISH].setdefault(_keyword.english[0], _keyword)

WORDS: dict[Language, frozenset[str]] = {
    Language.ENGLISH: frozenset(word for k in KEYWORDS for word in k.english),
    Language.CHINESE: frozenset(k.chinese for k in KEYWORDS),
}

DECLARATION_WORDS: frozenset[str] = frozenset(
    word for k in KEYWORDS if k.declaration for word in (k.english[0], k.chinese)
)


@attrs.frozen(slots=True)
class KeywordSet:
    """The keywords of one language, as the formatter prints them."""

    language: Language

    def word(self, concept: str) -> str:
        """The keyword for `concept` (an English phrase from the table) in this language."""
        return BY_CONCEPT[concept].written(self.language)

    def builtin(self, place: str, english: str) -> str:
        """A built-in name read at `place` ("value", "call", "key") in this language; any other name
        unchanged."""
        if self.language is Language.ENGLISH:
            return english
        return _BUILTIN_TO_CHINESE.get((place, english), english)

    def term(self, position: str, english: str) -> str:
        """A term (an input type, a missing rule, …) in this language; a word that is none, unchanged."""
        if self.language is Language.ENGLISH:
            return english
        return _TERM_TO_CHINESE.get((position, english), english)


ENGLISH = KeywordSet(Language.ENGLISH)
CHINESE = KeywordSet(Language.CHINESE)


def keyword_set(language: Language) -> KeywordSet:
    return ENGLISH if language is Language.ENGLISH else CHINESE


def keyword_of(word: str, language: Language) -> Keyword | None:
    """The keyword `word` is (or begins) in `language`, if any."""
    return _FIRST_WORDS[language].get(word)


def english_word(word: str) -> str:
    """A one-word keyword in either language, in English (`类别` → `class`); other words unchanged."""
    keyword = _FIRST_WORDS[Language.CHINESE].get(word)
    if keyword is None or len(keyword.english) != 1:
        return word
    return keyword.english[0]


# A name as the grammar's NAME terminal reads it.
NAME_PATTERN = r"[A-Za-z_\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF][A-Za-z0-9_\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]*"

# The first word of a file: skip blank space, a byte-order mark and comments.
_FIRST_WORD = re.compile(r"(?:[\s\u3000\ufeff]+|#[^\n]*)*(" + NAME_PATTERN + ")")


def detect(text: str) -> Language:
    """The keyword language of a policy file: the language of its first word.

    When the first word is no keyword (a misspelt `考核方法`), the language
    with more keywords among the file's first words decides, so that the
    syntax error that follows speaks of the keywords the author used.
    """
    match = _FIRST_WORD.match(text)
    first = match.group(1) if match is not None else None
    if first in WORDS[Language.CHINESE]:
        return Language.CHINESE
    if first is None or first in WORDS[Language.ENGLISH]:
        return Language.ENGLISH
    counts = {Language.ENGLISH: 0, Language.CHINESE: 0}
    for word in _WORD.findall(_LABELS_AND_COMMENTS.sub(" ", text[:4000]))[:200]:
        for language in counts:
            counts[language] += word in WORDS[language]
    return Language.CHINESE if counts[Language.CHINESE] > counts[Language.ENGLISH] else Language.ENGLISH


_WORD = re.compile(NAME_PATTERN)
_LABELS_AND_COMMENTS = re.compile(r'"(?:\\.|[^"\\\n])*"|#[^\n]*')


# A run of quoted words in the grammar: `"completed" "when"`.
_LITERAL = re.compile(r'"([A-Za-z_]+)"')


def chinese_grammar(english: str) -> str:
    """The grammar with every keyword phrase replaced by its Chinese word.

    Longer phrases are replaced first, so `"cap" "grade"` becomes one word
    while `"cap"` alone becomes another. Each Chinese word is a terminal
    with an ASCII name (`_ZH_COMPLETED_WHEN`), or the named terminal the
    English grammar already has for it (`GRADES`): Lark names an anonymous
    terminal after its text, and leaves a terminal whose name is not upper
    case out of what an error says may come next. A word the table does
    not know is left in English; `tests/unit/test_keywords.py` proves there
    is none.
    """
    named = {word: name for name, word in _NAMED_TERMINAL.findall(english)}
    text = _NAMED_TERMINAL.sub(
        lambda m: f'{m[1]}: "{BY_CONCEPT[m[2]].chinese}"' if m[2] in BY_CONCEPT else m[0], english
    )
    definitions: list[str] = []
    for keyword in sorted(KEYWORDS, key=lambda k: -len(k.english)):
        quoted = " ".join(f'"{word}"' for word in keyword.english)
        terminal = named.get(keyword.concept) or "_ZH_" + keyword.concept.upper().replace(" ", "_")
        text, count = re.subn(r"(?<![A-Za-z_\"])" + re.escape(quoted) + r"(?![A-Za-z_])", terminal, text)
        if count and keyword.concept not in named:
            definitions.append(f'{terminal}: "{keyword.chinese}"')
    return text + "\n// Chinese keywords, from targetdsl/keywords.py\n" + "\n".join(definitions) + "\n"


# A terminal of the grammar defined as one keyword: `GRADES: "grades"`.
_NAMED_TERMINAL = re.compile(r'^([A-Z][A-Z_]*): "([a-z_]+)"$', re.M)


def grammar_words(grammar: str) -> list[str]:
    """Every quoted word in a grammar text (outside comments), in order."""
    words: list[str] = []
    for line in grammar.splitlines():
        code = line.split("//", 1)[0]
        words += _LITERAL.findall(code)
    return words


# Built-in functions whose names are also keywords or terms (`round(x, 2)`, `peer_avg(x)`): quoted alone,
# such a word is the function a message speaks of (`四舍五入`), not the keyword (`取整`)
# (`tests/unit/test_keywords.py` holds this to `functions.FUNCTIONS`).
FUNCTION_WORDS: frozenset[str] = frozenset({"round", "peer_avg", "rank"})

# The terms a keyword introduces: `status draft`, `missing zero`, `input x: money`.
_TERM_AFTER = {
    "status": "status",
    "missing": "missing",
    ":": "type",
    "rounding": "rounding",
    "round": "quota",
    "year": "last year",  # `from last year rank`
}
_QUOTED = re.compile(r"`([^`\n]+)`")
_PIECE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\s+|[^\sA-Za-z_]+")


def names_of(source: str) -> frozenset[str]:
    """The words a policy's text uses outside labels and comments: its names (and its keywords)."""
    return frozenset(_WORD.findall(_LABELS_AND_COMMENTS.sub(" ", source)))


def quoted_in(text: str, language: Language, names: frozenset[str] = frozenset()) -> str:
    """`text` (a message or help line, in either language) with the policy code it quotes in backticks
    written with `language`'s keywords: `status draft` → `状态 征求意见稿` for a file written in Chinese.
    A quote is rewritten only when every English word in it is a keyword, a term in its place or one of
    `names` (the file's own words, kept as they are: in a Chinese file `score` is a name) or a built-in
    (`min(x, 1)` → `最小(x, 1)`, `total` → `总分`; alone, a function's name is the function: `round` →
    `四舍五入`); a quote of anything else (`targetdsl verify`, a data field) is left as it is. A gloss that
    follows a quote and now repeats its last word (`完成条件`（完成条件）) is dropped."""
    if language is Language.ENGLISH or "`" not in text:
        return text

    def rewrite(match: re.Match[str]) -> str:
        written = _written(match.group(1), names)
        return match.group(0) if written is None else f"`{written}`"

    rewritten = _QUOTED.sub(rewrite, text)
    return re.sub(r"`((?:[^`\n]+ )?([^`\s]+))`（\2）", r"`\1`", rewritten)


def _written(code: str, names: frozenset[str]) -> str | None:
    """`code` with Chinese keywords, or None when it quotes something that is not policy code."""
    pieces = _PIECE.findall(code)
    words = [p for p in pieces if _WORD.fullmatch(p)]
    alone = len(words) == 1
    out: list[str] = []
    changed = False
    previous = ""  # the last word or punctuation before this piece, spaces aside
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if not _WORD.fullmatch(piece) or not piece.isascii():
            out.append(piece)
            previous = piece.strip() or previous
            index += 1
            continue
        keyword, length = _phrase_at(pieces, index)
        position = _TERM_AFTER.get(previous)
        term = _TERM_TO_CHINESE.get((position, piece)) if position else None
        called = index + 1 < len(pieces) and pieces[index + 1].startswith("(")
        # a built-in value anywhere; alone, a function or a key of `ties` too (`efficacy`, `id`)
        builtin = _BUILTIN_TO_CHINESE.get(("value", piece))
        if builtin is None and alone:
            builtin = _BUILTIN_TO_CHINESE.get(("call", piece)) or _BUILTIN_TO_CHINESE.get(("key", piece))
        if term is not None:
            out.append(term)
        elif piece in names:
            out.append(piece)
        elif called or (alone and piece in FUNCTION_WORDS):
            out.append(_BUILTIN_TO_CHINESE.get(("call", piece), piece))
        elif builtin is not None and ("value", piece) in _BUILTIN_TO_CHINESE and not _declares(pieces, index):
            # a word that is a keyword and a value (`items`: 事项, a list of items; 目标项数, how many a unit
            # has) is the keyword only where it declares something, before a name (`items 重点项目 …`,
            # `items …`); by itself or in an expression (`completed_items < items`) it is the value
            out.append(builtin)
        elif keyword is not None:
            out.append(keyword.chinese)
            index += length - 1
        elif builtin is not None:
            out.append(builtin)
        elif alone and len({t.chinese for t in TERMS if t.english == piece}) == 1:
            out.append(next(t.chinese for t in TERMS if t.english == piece))
        else:
            return None
        changed = changed or out[-1] != piece
        previous = keyword.concept.split()[-1] if keyword is not None and out[-1] == keyword.chinese else piece
        index += 1
    return "".join(out) if changed else None


def _declares(pieces: list[str], index: int) -> bool:
    """Whether the word at `pieces[index]` is followed by a space and a name (or `…`, a name left out)."""
    return (
        index + 2 < len(pieces)
        and pieces[index + 1].isspace()
        and (pieces[index + 2] == "…" or _WORD.fullmatch(pieces[index + 2]) is not None)
    )


def _phrase_at(pieces: list[str], index: int) -> tuple[Keyword | None, int]:
    """The longest English keyword phrase starting at `pieces[index]`, and how many pieces it spans."""
    best: tuple[Keyword | None, int] = (None, 0)
    for keyword in KEYWORDS:
        if keyword.english[0] != pieces[index]:
            continue
        span = 2 * len(keyword.english) - 1  # words with the spaces between them
        words = pieces[index : index + span : 2]
        gaps = pieces[index + 1 : index + span : 2]
        if tuple(words) == keyword.english and all(g.isspace() for g in gaps) and span > best[1]:
            best = (keyword, span)
    return best
