"""The abstract syntax tree: frozen attrs classes named after language concepts.

Nodes are immutable and compare by meaning: every node's `span` is excluded
from equality and hashing, so the same policy laid out differently yields
equal trees. Derived facts (resolved names, units, the effective policy
after `extends`) live in later stages, never in nodes. This module imports
nothing from the parser: no Lark type appears here.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Union

import attrs

from targetdsl.source import NO_SPAN, Span


def _span() -> Span:
    return attrs.field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


def _depth() -> int:
    """How deeply an expression nests (1 for a leaf); set by the parser, no part of equality."""
    return attrs.field(default=1, eq=False, repr=False, kw_only=True)


# ---------------------------------------------------------------- expressions


@attrs.frozen
class Number:
    """A decimal literal; `unit` is "" (plain), "percent" (`5%`) or "pp" (`2pp`)."""

    value: Decimal
    unit: str = ""
    span: Span = _span()


@attrs.frozen
class Boolean:
    value: bool
    span: Span = _span()


@attrs.frozen
class Date:
    value: datetime.date
    span: Span = _span()


@attrs.frozen
class Name:
    name: str
    span: Span = _span()


@attrs.frozen
class Call:
    function: str
    args: tuple[Expr, ...]
    span: Span = _span()
    depth: int = _depth()


@attrs.frozen
class Unary:
    """`-x` (op "-") or `not x` (op "not")."""

    op: str
    operand: Expr
    span: Span = _span()
    depth: int = _depth()


@attrs.frozen
class Binary:
    """Arithmetic (+ - * /), comparison (>= <= == != > <) and logic (and or)."""

    op: str
    left: Expr
    right: Expr
    span: Span = _span()
    depth: int = _depth()


@attrs.frozen
class Conditional:
    test: Expr
    then: Expr
    otherwise: Expr
    span: Span = _span()
    depth: int = _depth()


@attrs.frozen
class Arm:
    """One arm of `bands`: `op bound: value`; op "" marks `otherwise`."""

    op: str
    bound: Expr | None
    value: Expr
    span: Span = _span()


@attrs.frozen
class Bands:
    """Stepped scoring: the first arm whose comparison holds gives the value."""

    subject: Expr
    arms: tuple[Arm, ...]
    span: Span = _span()
    depth: int = _depth()


@attrs.frozen
class Anchor:
    at: Number
    value: Expr
    span: Span = _span()


@attrs.frozen
class Interpolate:
    """Piecewise-linear between anchors, flat beyond the first and last."""

    subject: Expr
    anchors: tuple[Anchor, ...]
    span: Span = _span()
    depth: int = _depth()


# -------------------------------------------------- quantity references

# The quantities of a unit's result an expression may name, written like a call with a name as the one
# argument (`score(重要项目)`): the one table the parser, the checker, the lowering and the editor read. A
# reference names a declaration, so it can never be taken for an input, a `let` or a constant: `score` is
# no name an expression could mean otherwise, and its argument is looked up among the measures alone.
REFERENCES: dict[str, str] = {
    "score": "the points a measure earned for the unit (after the `indicator` rounding), e.g. `score(重要项目)`",
    "subtotal": "a category's subtotal for the unit, as its results show it, e.g. `subtotal(经济发展)`; "
    "`subtotal()`: the total before bonus and deductions",
    "bonus": "the points a bonus gave the unit (its own cap applied), e.g. `bonus(获奖加分)`; "
    "`bonus()`: the unit's whole bonus, after every `limit`",
    "deduction": "the points a deduction took from the unit (its own cap applied), e.g. `deduction(通报批评)`; "
    "`deduction()`: the unit's whole deductions, after every `limit`",
    "vetoed": "whether a veto fired for the unit, e.g. `vetoed(安全生产)`",
}

# The reference words that may also be written with nothing in the parentheses, for the unit's whole
# quantity: `subtotal()` (the total before bonus and deductions), `bonus()`, `deduction()`.
WHOLE_REFERENCES = frozenset({"subtotal", "bonus", "deduction"})


@attrs.frozen
class Reference:
    """`score(M)`, `subtotal(C)`, `bonus(B)`, `vetoed(V)`…: a quantity of the unit's result computed elsewhere
    in the policy (`quantity` is a word of REFERENCES, `target` the declaration's name, or "" for the unit's
    whole quantity: `subtotal()`, `bonus()`, `deduction()`)."""

    quantity: str
    target: str
    span: Span = _span()


# ------------------------------------------------------ user-defined functions


@attrs.frozen
class Applied:
    """A call of a user-defined function with its body, each parameter replaced by its argument
    (expansion.py builds it for evaluation; the parser never does). It evaluates as its body does."""

    function: str
    args: tuple[Expr, ...]
    body: Expr
    span: Span = _span()
    depth: int = _depth()


Expr = Union[Number, Boolean, Date, Name, Call, Unary, Binary, Conditional, Bands, Interpolate, Reference, Applied]  # noqa: UP007

# ------------------------------------------------------- shared statements


@attrs.frozen
class Missing:
    """What a missing input value means: error, zero, na, peer_avg or a default."""

    rule: str
    default: Expr | None = None
    span: Span = _span()


# ------------------------------------------------------- enumerated inputs


@attrs.frozen
class Choice:
    """One word an input of words may hold and the number it stands for (`较好: 8`)."""

    word: str
    value: Number
    span: Span = _span()


@attrs.frozen
class Input:
    name: str
    label: str | None
    type: str
    missing: Missing | None = None
    # A range end is a number, or the name of another input of the same measure (`range 0 to subs`).
    low: Number | Name | None = None
    high: Number | Name | None = None
    prorated: bool = False
    # An input of words (`{好: 10, 较好: 8}`): its type is "number", the number of the word the data give.
    choices: tuple[Choice, ...] = ()
    # pro-rating by kind (`prorated unless level`): a bool input of the same measure that, when true,
    # marks this value as a level (a rate, an intensity, a share), which a period does not pro-rate
    prorated_unless: Name | None = None
    # last year's results as an input (`from last year rank`): read from the results file given with
    # the data, not from the data
    last_year: LastYear | None = None
    span: Span = _span()


@attrs.frozen
class LastYear:
    """`from last year rank`: which of the unit's own results last year (rank, total, grade) an input is."""

    field: str
    span: Span = _span()


@attrs.frozen
class Require:
    """A condition over the inputs declared beside it that a unit's data must meet (`require done <= subs`)."""

    expr: Expr
    span: Span = _span()


@attrs.frozen
class Let:
    name: str
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Score:
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Completed:
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Tally:
    done: Expr
    total: Expr
    span: Span = _span()


@attrs.frozen
class Given:
    assessors: tuple[str, ...]
    span: Span = _span()


@attrs.frozen
class Rater:
    assessor: str
    weight: Decimal
    span: Span = _span()


@attrs.frozen
class DropExtremes:
    """`drop extremes`: the highest and the lowest score are left out (with `above n`, only when more than
    n scores are counted; else when there are at least three)."""

    above: Decimal | None = None
    span: Span = _span()


@attrs.frozen
class Ballots:
    """`ballots` in an `assessed` measure: each unit gives its own list of ballots (评分票), each a score or
    an invalid ballot, averaged with equal weights in place of declared assessors."""

    span: Span = _span()


@attrs.frozen
class When:
    expr: Expr
    span: Span = _span()


class EffectKind(enum.StrEnum):
    """What a veto does (docs/language.md, one-vote veto)."""

    GRADE = "grade"  # forces the grade
    CAP_GRADE = "cap_grade"  # the grade is at most this one
    NO_AWARD = "no_award"  # no money, no place in a quota
    ZERO_SCORE = "zero_score"  # the total is reported as 0


def effect_words(kind: EffectKind, grade: str | None) -> str:
    """How an effect is written, the one place: in a policy (`effect cap grade 良好, no award`) and in
    results and explanations alike (`grade 不合格`, `cap grade 良好`, `no award`, `zero score`)."""
    if kind is EffectKind.GRADE:
        return f"grade {grade}"
    if kind is EffectKind.CAP_GRADE:
        return f"cap grade {grade}"
    return "no award" if kind is EffectKind.NO_AWARD else "zero score"


@attrs.frozen
class Effect:
    """A veto's effect, with the grade it forces or caps at."""

    kind: EffectKind
    grade: str | None = None
    span: Span = _span()

    @property
    def words(self) -> str:
        return effect_words(self.kind, self.grade)


@attrs.frozen
class Effects:
    effects: tuple[Effect, ...]
    span: Span = _span()


@attrs.frozen
class Level:
    name: str
    label: str | None
    points: Decimal
    limit: Decimal | None = None
    span: Span = _span()


@attrs.frozen
class Cap:
    value: Decimal
    span: Span = _span()


@attrs.frozen
class CarryOver:
    after: datetime.date
    span: Span = _span()


@attrs.frozen
class Amount:
    expr: Expr
    span: Span = _span()


@attrs.frozen
class GradeMoney:
    grade: str
    amount: Decimal
    span: Span = _span()


@attrs.frozen
class Money:
    amounts: tuple[GradeMoney, ...]
    span: Span = _span()


# computed bonuses and money: a bonus's points (`points bands place {…}`) and an award's money
# (`money 20000 * total / 100`) as expressions


@attrs.frozen
class BonusPoints:
    expr: Expr
    span: Span = _span()


@attrs.frozen
class MoneyFormula:
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Reduce:
    percent: Decimal
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Eligible:
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Factor:
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Applies:
    """A coefficient's target: `on total` or `on <category>`."""

    target: str
    span: Span = _span()


@attrs.frozen
class LimitOver:
    """The bonuses, or the deductions, a shared cap (`limit`) applies to together."""

    names: tuple[str, ...]
    span: Span = _span()


Statement = Union[  # noqa: UP007 (holds forward references)
    Input,
    Require,
    Let,
    Score,
    Completed,
    Tally,
    Given,
    Rater,
    DropExtremes,
    Ballots,
    When,
    Effects,
    Level,
    Cap,
    CarryOver,
    Amount,
    Money,
    Reduce,
    Eligible,
    Factor,
    Applies,
    BonusPoints,
    MoneyFormula,
    LimitOver,
    "Measure",
    "Scale",
    "Assumption",
]

# ------------------------------------------------------------ assumptions


@attrs.frozen
class Assumption:
    """`assume "…"`: what the method's source leaves open and the policy decided, in words; it changes no
    number, and `check` and explanations show it."""

    text: str
    span: Span = _span()


# ----------------------------------------------------------------- header


@attrs.frozen
class Scale:
    points: Decimal
    span: Span = _span()


@attrs.frozen
class Rounding:
    mode: str
    places: int
    stages: tuple[str, ...] = ()
    span: Span = _span()


@attrs.frozen
class Year:
    value: int
    span: Span = _span()


@attrs.frozen
class Status:
    value: str
    span: Span = _span()


@attrs.frozen
class Source:
    """`source "…"`: a document the policy is based on."""

    text: str
    span: Span = _span()


@attrs.frozen
class Header:
    """`policy "title" { year … status … scale … rounding … source … }`."""

    title: str
    year: Year | None = None
    status: Status | None = None
    scale: Scale | None = None
    rounding: Rounding | None = None
    sources: tuple[Source, ...] = ()
    assumptions: tuple[Assumption, ...] = ()  # what the method's source leaves open (`assume "…"`)
    span: Span = _span()


# ------------------------------------------------------------ declarations


@attrs.frozen
class Share:
    """A class's points (or percentage weight) for one category."""

    category: str
    amount: Decimal
    percent: bool = False
    span: Span = _span()


@attrs.frozen
class UnitClass:
    name: str
    label: str | None
    shares: tuple[Share, ...]
    span: Span = _span()


@attrs.frozen
class Assessor:
    name: str
    label: str | None
    span: Span = _span()


@attrs.frozen
class Measure:
    """A scored item inside a category.

    kind is "indicator" (every unit of the class has it), "items" (each unit
    lists its own items of this form in its data), "assessed" (assessors'
    scores combined by weight) or "subitem" (a part of an indicator).
    """

    kind: str
    name: str
    label: str | None
    points: Decimal | None
    classes: tuple[str, ...]
    body: tuple[Statement, ...]
    # indicator weights as shares (`share 35%`): the measure is worth this percentage of its category's
    # points in each class, instead of fixed `points`
    share: Decimal | None = None
    # pooled items (`items 项目 points 40 pooled`): scored by the sub-items done across all of a unit's
    # items, points × Σ done ÷ Σ of their `tally`, not item by item
    pooled: bool = False
    span: Span = _span()


@attrs.frozen
class Category:
    name: str
    label: str | None
    measures: tuple[Measure, ...]
    span: Span = _span()


@attrs.frozen
class Rule:
    """A unit-level rule: veto, bonus, deduction, award, coefficient or commendation.

    Which statements a body may hold depends on `kind`; the grammar enforces it.
    """

    kind: str
    name: str
    label: str | None
    classes: tuple[str, ...]
    body: tuple[Statement, ...]
    span: Span = _span()


@attrs.frozen
class Band:
    """A grade band: `op` is ">=", ">", "<", "<=", "to" (low to high) or "otherwise"."""

    name: str
    label: str | None
    op: str
    low: Decimal | None
    high: Decimal | None
    quota: Decimal | None = None
    quota_rounding: str | None = None
    # quota forms: a fixed head count (`quota 3`, top-N) instead of a share, and the fewest units a
    # share keeps (`quota 20% at least 1`)
    quota_count: Decimal | None = None
    quota_floor: Decimal | None = None
    quota_ties: bool = False  # units tied with the last place the quota keeps share the grade
    span: Span = _span()


@attrs.frozen
class NotGraded:
    """`not graded for 新设单位`: units of these classes are assessed and ranked but given no grade."""

    classes: tuple[str, ...]
    span: Span = _span()


@attrs.frozen
class Grades:
    bands: tuple[Band, ...]
    assumptions: tuple[Assumption, ...] = ()  # what the method's source leaves open about its grades
    # classes ranked but given no grade (units not graded: they hold no quota place)
    not_graded: tuple[NotGraded, ...] = ()
    span: Span = _span()


@attrs.frozen
class TieKey:
    key: str
    direction: str | None = None
    span: Span = _span()


@attrs.frozen
class Ties:
    keys: tuple[TieKey, ...]
    span: Span = _span()


@attrs.frozen
class Ranking:
    """`ranking 全市 for 县区, 市直部门` (分类评分、统一排序): classes scored with their own weights and
    ranked together, sharing one rank, grade ladder and quotas."""

    name: str
    label: str | None
    classes: tuple[str, ...]
    span: Span = _span()


@attrs.frozen
class Period:
    name: str
    label: str | None
    through: int
    weight: Decimal | None = None
    # non-cumulative periods (`from month 4 through month 6`): the first month the period's data cover;
    # None for a period from the start of the year (its data are the year's to date)
    start: int | None = None
    span: Span = _span()


@attrs.frozen
class WeightedMeasures:
    """`for 地区生产总值, 固定资产投资` in `periods`: the measures whose scores the period weights
    combine; every other measure is scored on the last period's data alone."""

    names: tuple[Name, ...]
    span: Span = _span()


@attrs.frozen
class Periods:
    periods: tuple[Period, ...]
    # weights per indicator: None when the weights combine the periods' totals
    weighted: WeightedMeasures | None = None
    span: Span = _span()


@attrs.frozen
class Const:
    name: str
    expr: Expr
    span: Span = _span()


@attrs.frozen
class Function:
    """`function name(a, b) = expr`: a named formula over its parameters (no recursion)."""

    name: str
    params: tuple[str, ...]
    expr: Expr
    span: Span = _span()


Declaration = Union[  # noqa: UP007
    Header, UnitClass, Assessor, Category, Rule, Grades, Ties, Ranking, Periods, Const, Input, Function
]


@attrs.frozen
class Override:
    declaration: Declaration
    span: Span = _span()


@attrs.frozen
class Remove:
    kind: str
    name: str | None
    span: Span = _span()


@attrs.frozen
class Extends:
    path: str
    span: Span = _span()


@attrs.frozen
class PolicyFile:
    """One parsed file, before `extends` is resolved."""

    extends: Extends | None
    items: tuple[Declaration | Override | Remove, ...]
    span: Span = _span()


def declaration_key(declaration: Declaration) -> tuple[str, str]:
    """The identity a declaration overrides or removes: (kind, name).

    Singletons (header, grades, ties, periods) use their kind as name.
    """
    match declaration:
        case Header():
            return ("policy", "policy")
        case UnitClass(name=name):
            return ("class", name)
        case Assessor(name=name):
            return ("assessor", name)
        case Category(name=name):
            return ("category", name)
        case Rule(kind=kind, name=name):
            return (kind, name)
        case Grades():
            return ("grades", "grades")
        case Ties():
            return ("ties", "ties")
        case Ranking(name=name):
            return ("ranking", name)
        case Periods():
            return ("periods", "periods")
        case Const(name=name):
            return ("const", name)
        case Input(name=name):
            return ("input", name)
        case Function(name=name):
            return ("function", name)
    raise TypeError(f"not a declaration: {declaration!r}")


SINGLETONS = frozenset({"policy", "grades", "ties", "periods"})
