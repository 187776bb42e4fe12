"""Lark parse tree → AST (targetdsl.language.nodes), with a span on every node.

Runs inline in the LALR parser (Lark's `transformer=`), so no Lark tree is
ever built. Spans come from the first and last positioned child, which
avoids `propagate_positions` and its cost. This stage adds no meaning: it
neither resolves names nor checks values (the checker does); it only
decodes literals.
"""

from __future__ import annotations

import contextvars
import datetime
import re
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from lark import Token, Transformer

from targetdsl.keywords import CHINESE, Language, english_builtin, english_term, english_word
from targetdsl.language import nodes as n
from targetdsl.numeric import MAGNITUDE, PRECISION
from targetdsl.source import NO_SPAN, Span

current_file: contextvars.ContextVar[str] = contextvars.ContextVar("current_file", default="<policy>")


MAX_DEPTH = 64  # expressions nested deeper are refused: no real formula comes close


def _depth(*children: Any) -> int:
    return 1 + max((getattr(c, "depth", 1) for c in children if c is not None), default=0)


E = TypeVar("E", n.Binary, n.Unary, n.Call, n.Conditional, n.Bands, n.Interpolate)


def _deep(node: E, c: list[Any]) -> E:
    """`node`, unless it nests deeper than MAX_DEPTH (then an error at its first token)."""
    if node.depth > MAX_DEPTH:
        raise DepthError(
            f"this expression nests more than {MAX_DEPTH} levels deep",
            node.span,
            "split it into named steps with `let`",
        )
    return node


class LiteralError(Exception):
    """A token that lexed but does not denote a value (e.g. 2003-02-30)."""

    def __init__(self, message: str, token: Token, help: str | None = None):
        super().__init__(message)
        self.token = token
        self.help = help


class DepthError(Exception):
    """An expression nested beyond MAX_DEPTH."""

    def __init__(self, message: str, span: Span, help: str):
        super().__init__(message)
        self.span = span
        self.help = help


def token_span(token: Token, file: str | None = None) -> Span:
    return Span(
        file if file is not None else current_file.get(),
        token.line or 0,
        token.column or 0,
        token.end_line or 0,
        token.end_column or 0,
    )


def _first_span(items: Any) -> Span | None:
    for item in items:
        span = _span_of(item)
        if span is not None:
            return span
    return None


def _span_of(item: Any) -> Span | None:
    if isinstance(item, Token):
        return token_span(item)
    if isinstance(item, (list, tuple)):
        return _first_span(item)
    span = getattr(item, "span", None)
    return span if isinstance(span, Span) and span is not NO_SPAN else None


def span_of(children: list[Any]) -> Span:
    first = _first_span(children)
    last = _first_span(reversed(children))
    if first is None or last is None:
        return NO_SPAN
    return first.to(last)


@attrs.frozen
class Closing:
    """The `}` that ends a block: kept only so that the block's span ends there."""

    span: Span


@attrs.frozen
class _MeasureShare:
    """A measure's `share 35%`: the percentage of its category's points it is worth in each class."""

    percent: Decimal


@attrs.frozen
class _Prorated:
    """An input's `prorated` option, with the input that exempts a value from it (`unless level`)."""

    unless: n.Name | None


def _inner(c: list[Any]) -> list[Any]:
    return [x for x in c if not isinstance(x, Closing)]


def _label(token: Token | None) -> str | None:
    return None if token is None else unquote(token)


def unquote(token: Token) -> str:
    body = str(token)[1:-1]
    if "\\" not in body:
        return body
    out = []
    chars = iter(body)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            out.append({"n": "\n", "t": "\t"}.get(escaped, escaped))
        else:
            out.append(char)
    return "".join(out)


THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?(%|pp)?")
SEPARATORS = "thousands separators are not written in a policy: write 1000, not 1,000"
PLAUSIBLE = "numbers in a policy lie between 10⁻¹⁵ and 10¹⁶ and have at most 34 significant digits"


def _decimal(token: Token) -> Decimal:
    """The number a literal denotes; within the range data values may take, so that nothing in a policy
    needs more digits than the arithmetic carries (34) or more than Python turns into an integer."""
    text = str(token).rstrip("%").removesuffix("pp")
    if len(text) > 64:  # no plausible literal is longer; also keeps the digits out of the message
        raise LiteralError(f"`{text[:20]}…` ({len(text)} characters) is not a plausible number", token, PLAUSIBLE)
    if len(text) > 1 and text[0] == "0" and text[1].isdigit():
        # `min(v, 1,000)` lexes as the arguments 1 and 000: a number never starts with a 0 followed by
        # digits, so a thousands separator cannot silently split one number into two.
        raise LiteralError(
            f"`{text}` starts with a 0: numbers are written without leading zeros",
            token,
            f"write {Decimal(text)}; {SEPARATORS}",
        )
    value = Decimal(text)
    if value and not -MAGNITUDE <= value.adjusted() <= MAGNITUDE or len(value.as_tuple().digits) > PRECISION:
        raise LiteralError(f"`{text}` is outside the range of plausible values", token, PLAUSIBLE)
    return value


def _date(token: Token) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(token))
    except ValueError:
        raise LiteralError(f"`{token}` is not a calendar date", token, "write dates as YYYY-MM-DD") from None


def _integer(token: Token) -> int:
    if "." in str(token):
        raise LiteralError(f"expected a whole number, found `{token}`", token)
    return int(_decimal(token))


def _as_written(name: n.Name) -> str:
    """A name as the file writes it. `name` reads a built-in value's Chinese form as the built-in (`总分`
    as `total`), but the argument of a reference names a declaration (`得分(总分)`, a measure so named):
    a name whose span is not as long as it was written in its Chinese form (a built-in's two forms never
    have the same length, `tests/unit/test_keywords.py` holds it)."""
    span = name.span
    if span.line == span.end_line and span.end_column - span.column != len(name.name):
        return CHINESE.builtin("value", name.name)
    return name.name


def _names(children: list[Any]) -> tuple[str, ...]:
    return tuple(str(c) for c in children)


class ToNodes(Transformer[Token, Any]):
    """One method per grammar rule; each returns a node (or a plain value).

    For a file written with Chinese keywords, a built-in's Chinese form is read as the built-in where
    it is read (`分值` as the name `points`, `最小(…)` as `min(…)`, `同分 单位编号` as the key `id`): the
    tree holds the English form, its span what was written."""

    def __init__(self, language: Language = Language.ENGLISH) -> None:
        super().__init__()
        self.chinese = language is Language.CHINESE

    def builtin(self, place: str, token: Token) -> str:
        """The word of `token`, in English if it is a built-in's Chinese form read at `place`."""
        return english_builtin(place, str(token)) if self.chinese else str(token)

    def RBRACE(self, token: Token) -> Closing:  # noqa: N802 (called for the terminal of that name)
        return Closing(token_span(token))

    # -- file structure

    def start(self, c: list[Any]) -> n.PolicyFile:
        extends = c[0] if c and isinstance(c[0], n.Extends) else None
        items = tuple(c[1:] if extends else c)
        return n.PolicyFile(extends, items, span=span_of(c))

    def extends(self, c: list[Any]) -> n.Extends:
        return n.Extends(unquote(c[0]), span=span_of(c))

    def override(self, c: list[Any]) -> n.Override:
        return n.Override(c[0], span=span_of(c))

    def remove(self, c: list[Any]) -> n.Remove:
        kind, name = c
        return n.Remove(str(kind), None if name is None else str(name), span=span_of(c))

    def remove_kind(self, c: list[Any]) -> Token:
        token: Token = c[0]
        return token.update(value=english_word(str(token)))  # `取消 类别` removes a `class`

    # -- header

    def header(self, c: list[Any]) -> n.Header:
        span, c = span_of(c), _inner(c)
        title = unquote(c[0])
        fields: dict[str, Any] = {}
        sources: list[n.Source] = []
        assumed: list[n.Assumption] = []
        for item in c[1:]:
            if isinstance(item, n.Source):
                sources.append(item)
            elif isinstance(item, n.Assumption):
                assumed.append(item)
            elif isinstance(item, tuple):
                fields[item[0]] = item[1]
            else:
                fields[type(item).__name__.lower()] = item
        return n.Header(
            title,
            year=fields.get("year"),
            status=fields.get("status"),
            scale=fields.get("scale"),
            rounding=fields.get("rounding"),
            sources=tuple(sources),
            assumptions=tuple(assumed),
            span=span,
        )

    def year(self, c: list[Any]) -> n.Year:
        return n.Year(_integer(c[0]), span=span_of(c))

    def status(self, c: list[Any]) -> n.Status:
        return n.Status(english_term("status", str(c[0])), span=span_of(c))

    def scale(self, c: list[Any]) -> n.Scale:
        return n.Scale(_decimal(c[0]), span=span_of(c))

    def rounding(self, c: list[Any]) -> n.Rounding:
        mode, places, stages = c
        stage_names = tuple(english_term("stage", stage) for stage in _names(stages or []))
        return n.Rounding(english_term("rounding", str(mode)), _integer(places), stage_names, span=span_of(c))

    def source(self, c: list[Any]) -> n.Source:
        return n.Source(unquote(c[0]), span=span_of(c))

    # -- assumptions

    def assumption(self, c: list[Any]) -> n.Assumption:
        return n.Assumption(unquote(c[0]), span=span_of(c))

    def name_list(self, c: list[Any]) -> list[Token]:
        return c  # tokens, so that the statement using them keeps their positions

    # -- classes, assessors, categories

    def unit_class(self, c: list[Any]) -> n.UnitClass:
        span, c = span_of(c), _inner(c)
        return n.UnitClass(str(c[0]), _label(c[1]), tuple(c[2:]), span=span)

    def share(self, c: list[Any]) -> n.Share:
        name, amount = c
        return n.Share(str(name), _decimal(amount), amount.type == "PERCENT", span=span_of(c))

    def assessor(self, c: list[Any]) -> n.Assessor:
        return n.Assessor(str(c[0]), _label(c[1]), span=span_of(c))

    def category(self, c: list[Any]) -> n.Category:
        span, c = span_of(c), _inner(c)
        return n.Category(str(c[0]), _label(c[1]), tuple(c[2:]), span=span)

    def _build_measure(
        self, kind: str, c: list[Any], points: Any, classes: Any, body: list[Any], span: Span, pooled: bool = False
    ) -> n.Measure:
        share = points.percent if isinstance(points, _MeasureShare) else None
        if share is not None:
            points = None
        return n.Measure(
            kind, str(c[0]), _label(c[1]), points, tuple(classes or ()), tuple(body), share, pooled, span=span
        )

    def indicator(self, c: list[Any]) -> n.Measure:
        span, c = span_of(c), _inner(c)
        return self._build_measure("indicator", c, c[2], c[3], c[4:], span)

    def items(self, c: list[Any]) -> n.Measure:
        span, c = span_of(c), _inner(c)
        return self._build_measure("items", c, c[2], c[4], c[5:], span, pooled=c[3] is not None)

    def pooled(self, c: list[Any]) -> bool:
        return True

    def subitem(self, c: list[Any]) -> n.Measure:
        span, c = span_of(c), _inner(c)
        return self._build_measure("subitem", c, c[2], None, c[3:], span)

    def assessed(self, c: list[Any]) -> n.Measure:
        span, c = span_of(c), _inner(c)
        return self._build_measure("assessed", c, c[2], c[3], c[4:], span)

    def points(self, c: list[Any]) -> Decimal:
        return _decimal(c[0])

    # -- indicator weights as shares

    def points_share(self, c: list[Any]) -> _MeasureShare:
        return _MeasureShare(_decimal(c[0]))

    def for_classes(self, c: list[Any]) -> tuple[str, ...]:
        return _names(c[0])

    # -- statements

    def input(self, c: list[Any]) -> n.Input:
        name, label, type_, *options = c
        missing = next((o for o in options if isinstance(o, n.Missing)), None)
        bounds = next((o for o in options if isinstance(o, tuple)), (None, None))
        prorated = next((o for o in options if isinstance(o, _Prorated)), None)
        unless = prorated.unless if prorated is not None else None
        last_year = next((o for o in options if isinstance(o, n.LastYear)), None)
        if isinstance(type_, tuple):  # an input of words: a number, read from the word the data give
            return n.Input(
                str(name),
                _label(label),
                "number",
                missing,
                bounds[0],
                bounds[1],
                prorated is not None,
                choices=type_,
                prorated_unless=unless,
                last_year=last_year,
                span=span_of(c),
            )
        kind = english_term("type", str(type_))
        return n.Input(
            str(name),
            _label(label),
            kind,
            missing,
            bounds[0],
            bounds[1],
            prorated is not None,
            prorated_unless=unless,
            last_year=last_year,
            span=span_of(c),
        )

    def last_year(self, c: list[Any]) -> n.LastYear:
        return n.LastYear(english_term("last year", str(c[0])), span=span_of(c))

    # -- user-defined functions

    def function(self, c: list[Any]) -> n.Function:
        name, *params, expr = c
        return n.Function(str(name), tuple(str(p) for p in params if p is not None), expr, span=span_of(c))

    # -- cross-field constraints

    def require(self, c: list[Any]) -> n.Require:
        return n.Require(c[0], span=span_of(c))

    # -- inputs of words

    def choices(self, c: list[Any]) -> tuple[n.Choice, ...]:
        return tuple(choice for choice in c if isinstance(choice, n.Choice))

    def choice(self, c: list[Any]) -> n.Choice:
        word, value = c
        text = _label(word) if word.type == "STRING" else str(word)
        return n.Choice(text or "", value, span=span_of(c))

    def missing(self, c: list[Any]) -> n.Missing:
        value = c[0]
        if isinstance(value, Token):
            return n.Missing(english_term("missing", str(value)), span=span_of(c))
        return n.Missing("default", value, span=span_of(c))

    def range(self, c: list[Any]) -> tuple[n.Number | n.Name, n.Number | n.Name]:
        return (c[0], c[1])

    def bound_input(self, c: list[Any]) -> n.Name:
        return n.Name(str(c[0]), span=span_of(c))

    def prorated(self, c: list[Any]) -> _Prorated:
        return _Prorated(c[0])

    # -- pro-rating by kind

    def prorated_unless(self, c: list[Any]) -> n.Name:
        return n.Name(str(c[0]), span=span_of(c))

    def signed(self, c: list[Any]) -> n.Number:
        sign, token = c
        value = _decimal(token)
        unit = {"PERCENT": "percent", "POINTS_PP": "pp"}.get(token.type, "")
        return n.Number(-value if sign is not None else value, unit, span=span_of(c))

    def let(self, c: list[Any]) -> n.Let:
        return n.Let(str(c[0]), c[1], span=span_of(c))

    def score(self, c: list[Any]) -> n.Score:
        return n.Score(c[0], span=span_of(c))

    def completed(self, c: list[Any]) -> n.Completed:
        return n.Completed(c[0], span=span_of(c))

    def tally(self, c: list[Any]) -> n.Tally:
        return n.Tally(c[0], c[1], span=span_of(c))

    def given(self, c: list[Any]) -> n.Given:
        return n.Given(_names(c[0]), span=span_of(c))

    def rater(self, c: list[Any]) -> n.Rater:
        return n.Rater(str(c[0]), _decimal(c[1]), span=span_of(c))

    def drop_extremes(self, c: list[Any]) -> n.DropExtremes:
        above = c[0] if c else None
        if above is None:
            return n.DropExtremes(span=NO_SPAN)
        return n.DropExtremes(_decimal(above), span=span_of(c))

    def ballots(self, c: list[Any]) -> n.Ballots:
        return n.Ballots(span=span_of(c))

    # -- rules

    def _build_rule(self, kind: str, c: list[Any]) -> n.Rule:
        span, c = span_of(c), _inner(c)
        return n.Rule(kind, str(c[0]), _label(c[1]), tuple(c[2] or ()), tuple(c[3:]), span=span)

    def veto(self, c: list[Any]) -> n.Rule:
        return self._build_rule("veto", c)

    def bonus(self, c: list[Any]) -> n.Rule:
        return self._build_rule("bonus", c)

    def deduction(self, c: list[Any]) -> n.Rule:
        return self._build_rule("deduction", c)

    def award(self, c: list[Any]) -> n.Rule:
        return self._build_rule("award", c)

    def coefficient(self, c: list[Any]) -> n.Rule:
        return self._build_rule("coefficient", c)

    def commendation(self, c: list[Any]) -> n.Rule:
        return self._build_rule("commendation", c)

    # -- a shared cap over several bonuses or deductions

    def limit(self, c: list[Any]) -> n.Rule:
        return self._build_rule("limit", c)

    def limit_over(self, c: list[Any]) -> n.LimitOver:
        return n.LimitOver(tuple(str(t) for t in c[0]), span=span_of(c))

    def when(self, c: list[Any]) -> n.When:
        return n.When(c[0], span=span_of(c))

    def effects(self, c: list[Any]) -> n.Effects:
        return n.Effects(tuple(c), span=span_of(c))

    def force_grade(self, c: list[Any]) -> n.Effect:
        return n.Effect(n.EffectKind.GRADE, str(c[0]), span=span_of(c))

    def cap_grade(self, c: list[Any]) -> n.Effect:
        return n.Effect(n.EffectKind.CAP_GRADE, str(c[0]), span=span_of(c))

    def no_award(self, c: list[Any]) -> n.Effect:
        return n.Effect(n.EffectKind.NO_AWARD)

    def zero_score(self, c: list[Any]) -> n.Effect:
        return n.Effect(n.EffectKind.ZERO_SCORE)

    def level(self, c: list[Any]) -> n.Level:
        name, label, points, limit = c
        return n.Level(
            str(name),
            _label(label),
            _decimal(points),
            None if limit is None else _decimal(limit),
            span=span_of(c),
        )

    def cap(self, c: list[Any]) -> n.Cap:
        return n.Cap(_decimal(c[0]), span=span_of(c))

    def carry_over(self, c: list[Any]) -> n.CarryOver:
        return n.CarryOver(_date(c[0]), span=span_of(c))

    def amount(self, c: list[Any]) -> n.Amount:
        return n.Amount(c[0], span=span_of(c))

    # -- computed bonuses and money

    def bonus_points(self, c: list[Any]) -> n.BonusPoints:
        return n.BonusPoints(c[0], span=span_of(c))

    def money_formula(self, c: list[Any]) -> n.MoneyFormula:
        return n.MoneyFormula(c[1], span=span_of(c))

    def money(self, c: list[Any]) -> n.Money:
        span, c = span_of(c), _inner(c)
        return n.Money(tuple(c[1:]), span=span)

    def grade_money(self, c: list[Any]) -> n.GradeMoney:
        return n.GradeMoney(str(c[0]), _decimal(c[1]), span=span_of(c))

    def reduce(self, c: list[Any]) -> n.Reduce:
        return n.Reduce(_decimal(c[0]), c[1], span=span_of(c))

    def eligible(self, c: list[Any]) -> n.Eligible:
        return n.Eligible(c[0], span=span_of(c))

    def factor(self, c: list[Any]) -> n.Factor:
        return n.Factor(c[0], span=span_of(c))

    def applies(self, c: list[Any]) -> n.Applies:
        return n.Applies(self.builtin("key", c[0]), span=span_of(c))

    # -- grades, ties, periods, constants

    def grades(self, c: list[Any]) -> n.Grades:
        span, c = span_of(c), _inner(c)
        bands = tuple(item for item in c[1:] if isinstance(item, n.Band))
        assumed = tuple(item for item in c[1:] if isinstance(item, n.Assumption))
        ungraded = tuple(item for item in c[1:] if isinstance(item, n.NotGraded))
        return n.Grades(bands, assumed, ungraded, span=span)

    def not_graded(self, c: list[Any]) -> n.NotGraded:
        return n.NotGraded(_names(c[0]), span=span_of(c[0]))

    def band(self, c: list[Any]) -> n.Band:
        name, label, (op, low, high), quota = c
        share, rounding, floor, count, tied = quota if quota is not None else (None, None, None, None, False)
        return n.Band(str(name), _label(label), op, low, high, share, rounding, count, floor, tied, span=span_of(c))

    def bound(self, c: list[Any]) -> tuple[str, Decimal | None, Decimal | None]:
        op, value = c
        if str(op) in (">=", ">"):
            return (str(op), _decimal(value), None)
        return (str(op), None, _decimal(value))

    def between(self, c: list[Any]) -> tuple[str, Decimal, Decimal]:
        return ("to", _decimal(c[0]), _decimal(c[1]))

    def otherwise(self, c: list[Any]) -> tuple[str, None, None]:
        return ("otherwise", None, None)

    def quota(self, c: list[Any]) -> tuple[Decimal, str | None, Decimal | None, None, bool]:
        rounding = None if c[1] is None else english_term("quota", str(c[1]))
        return (_decimal(c[0]), rounding, c[2], None, c[3] is not None)

    # -- quota forms: a fixed head count, the fewest a share keeps

    def quota_count(self, c: list[Any]) -> tuple[None, None, None, Decimal, bool]:
        return (None, None, None, _decimal(c[0]), c[1] is not None)

    def quota_ties(self, c: list[Any]) -> bool:
        return True

    def quota_floor(self, c: list[Any]) -> Decimal:
        return _decimal(c[0])

    def ties(self, c: list[Any]) -> n.Ties:
        return n.Ties(tuple(c), span=span_of(c))

    def ranking(self, c: list[Any]) -> n.Ranking:
        return n.Ranking(str(c[0]), _label(c[1]), _names(c[2]), span=span_of([c[0], *c[2]]))

    def tie_key(self, c: list[Any]) -> n.TieKey:
        direction = None if c[1] is None else english_term("direction", str(c[1]))
        return n.TieKey(self.builtin("key", c[0]), direction, span=span_of(c))

    def periods(self, c: list[Any]) -> n.Periods:
        span, c = span_of(c), _inner(c)
        weighted = c[-1] if c and isinstance(c[-1], n.WeightedMeasures) else None
        return n.Periods(tuple(p for p in c[1:] if isinstance(p, n.Period)), weighted, span=span)

    def period_measures(self, c: list[Any]) -> n.WeightedMeasures:  # weights per indicator
        names = tuple(n.Name(str(t), span=token_span(t)) for t in c[0])
        return n.WeightedMeasures(names, span=span_of(c))

    def period(self, c: list[Any]) -> n.Period:
        name, label, start, through, weight = c
        return n.Period(
            str(name),
            _label(label),
            _integer(through),
            None if weight is None else _decimal(weight),
            start,
            span=span_of(c),
        )

    # -- non-cumulative periods

    def period_start(self, c: list[Any]) -> int:
        return _integer(c[0])

    def const(self, c: list[Any]) -> n.Const:
        return n.Const(str(c[0]), c[1], span=span_of(c))

    # -- expressions

    def conditional(self, c: list[Any]) -> n.Conditional:
        return _deep(n.Conditional(c[0], c[1], c[2], span=span_of(c), depth=_depth(c[0], c[1], c[2])), c)

    def or_op(self, c: list[Any]) -> n.Binary:
        return _deep(n.Binary("or", c[0], c[1], span=span_of(c), depth=_depth(c[0], c[1])), c)

    def and_op(self, c: list[Any]) -> n.Binary:
        return _deep(n.Binary("and", c[0], c[1], span=span_of(c), depth=_depth(c[0], c[1])), c)

    def not_op(self, c: list[Any]) -> n.Unary:
        return _deep(n.Unary("not", c[0], span=span_of(c), depth=_depth(c[0])), c)

    def compare(self, c: list[Any]) -> n.Binary:
        return _deep(n.Binary(str(c[1]), c[0], c[2], span=span_of(c), depth=_depth(c[0], c[2])), c)

    def arith(self, c: list[Any]) -> n.Binary:
        return _deep(n.Binary(str(c[1]), c[0], c[2], span=span_of(c), depth=_depth(c[0], c[2])), c)

    def negate(self, c: list[Any]) -> n.Unary:
        return _deep(n.Unary("-", c[1], span=span_of(c), depth=_depth(c[1])), c)

    def number(self, c: list[Any]) -> n.Number:
        return n.Number(_decimal(c[0]), span=span_of(c))

    def grouped(self, c: list[Any]) -> n.Number:
        text = str(c[0])
        apart = text.replace(",", ", ")
        two = (
            ""
            if re.search(r"(^|, )0[0-9]", apart)
            else f" (or, for separate arguments, a comma and a space: `{apart}`)"
        )
        if THOUSANDS.fullmatch(text):
            raise LiteralError(
                f"`{text}` is written with a thousands separator",
                c[0],
                f"thousands separators are not written in a policy: write {text.replace(',', '')}, not {text}{two}",
            )
        raise LiteralError(
            f"`{text}` has a comma between digits",
            c[0],
            f"numbers in a policy have no thousands separators and a decimal point, never a comma: "
            f"write the number itself{two}",
        )

    def percent(self, c: list[Any]) -> n.Number:
        return n.Number(_decimal(c[0]), "percent", span=span_of(c))

    def pp(self, c: list[Any]) -> n.Number:
        return n.Number(_decimal(c[0]), "pp", span=span_of(c))

    def date(self, c: list[Any]) -> n.Date:
        return n.Date(_date(c[0]), span=span_of(c))

    def true(self, c: list[Any]) -> n.Boolean:
        return n.Boolean(True, span=span_of(c))

    def false(self, c: list[Any]) -> n.Boolean:
        return n.Boolean(False, span=span_of(c))

    def name(self, c: list[Any]) -> n.Name:
        return n.Name(self.builtin("value", c[0]), span=span_of(c))

    def call(self, c: list[Any]) -> n.Call | n.Reference:
        token, *args = c
        function = self.builtin("call", token)
        real = tuple(a for a in args if a is not None)
        # A quantity reference (`score(重要项目)`) is written as a call whose one argument is a name; any
        # other shape stays a call, for the checker to explain.
        if function in n.REFERENCES and len(real) == 1 and isinstance(real[0], n.Name):
            return n.Reference(function, _as_written(real[0]), span=span_of(c))
        if function in n.WHOLE_REFERENCES and not real:  # `bonus()`: the unit's whole bonus
            return n.Reference(function, "", span=span_of(c))
        return _deep(n.Call(function, real, span=span_of(c), depth=_depth(*real)), c)

    def bands(self, c: list[Any]) -> n.Bands:
        span, (subject, *arms) = span_of(c), _inner(c)
        real = tuple(a for a in arms if a is not None)
        depth = _depth(subject, *(a.value for a in real), *(a.bound for a in real))
        return _deep(n.Bands(subject, real, span=span, depth=depth), c)

    def arm(self, c: list[Any]) -> n.Arm:
        return n.Arm(str(c[0]), c[1], c[2], span=span_of(c))

    def otherwise_arm(self, c: list[Any]) -> n.Arm:
        return n.Arm("", None, c[0], span=span_of(c))

    def interpolate(self, c: list[Any]) -> n.Interpolate:
        span, (subject, *anchors) = span_of(c), _inner(c)
        real = tuple(a for a in anchors if a is not None)
        depth = _depth(subject, *(a.value for a in real))
        return _deep(n.Interpolate(subject, real, span=span, depth=depth), c)

    def anchor(self, c: list[Any]) -> n.Anchor:
        return n.Anchor(c[0], c[1], span=span_of(c))
