"""What a checked policy expects of each unit, laid out for data and evaluation.

From the effective policy this stage derives, per unit class, the
categories with their points, the measures that apply (with their inputs,
points, formulas), and the rules that apply (vetoes, bonuses, deductions,
awards, coefficients, commendations), plus the grade ladder from best to
worst. Data validation and the evaluator both read this layout; neither
walks the raw declarations again. It assumes a policy the checker passed.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from targetdsl.keywords import Language, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.inheritance import Effective
from targetdsl.language.typecheck import walk
from targetdsl.numeric import HUNDRED, ONE, in_context
from targetdsl.source import Span

T = TypeVar("T")

PEER_FUNCTIONS = frozenset(name for name, function in FUNCTIONS.items() if function.peer)
RULE_KINDS = ("veto", "bonus", "deduction", "award", "coefficient", "commendation")


@attrs.frozen
class InputSpec:
    name: str
    label: str | None
    type: str
    missing: str  # error, zero, na, peer_avg, default
    default: n.Expr | None
    low: n.Number | None  # a fixed range end
    high: n.Number | None
    prorated: bool
    divisor: bool  # a formula divides by it: negative values are refused
    span: Span
    # A range end that names another input of the same measure (`range 0 to subs`): checked once
    # both values are read (data.Validator.values).
    low_input: str | None = None
    high_input: str | None = None
    # An input of words (`{好: 10, 较好: 8}`): each word and the number it stands for; None for other inputs.
    choices: dict[str, Decimal] | None = None
    # pro-rating by kind: a bool input of the same measure; when true, this value is a level (a rate,
    # an intensity, a share) and is not pro-rated
    prorated_unless: str | None = None
    # last year's results as an input: the result it reads (rank, total, grade), from the results file
    # given with the data
    last_year: str | None = None


@attrs.frozen
class MeasureSpec:
    node: n.Measure
    category: str
    kind: str
    name: str
    label: str | None
    points: Decimal
    inputs: dict[str, InputSpec]
    lets: dict[str, n.Let]
    score: n.Expr | None
    completed: n.Expr | None
    tally: n.Tally | None
    given_by: tuple[str, ...]
    subitems: tuple[MeasureSpec, ...]
    raters: tuple[n.Rater, ...]
    scale: Decimal
    drop_extremes: bool
    # cross-field constraints over the inputs, checked when the data are read (for items: each item's)
    requires: tuple[n.Require, ...] = ()
    # an assessed measure whose units list their own ballots (`ballots`), and `drop extremes above n`
    ballots: bool = False
    drop_above: Decimal | None = None

    @property
    def span(self) -> Span:
        return self.node.span

    @property
    def adjustment(self) -> bool:
        """An adjustment item (加扣分项, `points 0`): its score, of either sign, is added to its category's
        subtotal as it is, after the weighted measures are scaled to the category's points."""
        return self.kind == "indicator" and self.points == 0

    @property
    def counted(self) -> bool:
        """Whether the measure appears in the completion table."""
        return self.completed is not None or self.tally is not None

    @property
    def expressions(self) -> list[n.Expr]:
        """Every expression it scores with, its sub-items' included."""
        found = [e for e in (self.score, self.completed) if e is not None]
        found += [let.expr for let in self.lets.values()]
        if self.tally is not None:
            found += [self.tally.done, self.tally.total]
        for sub in self.subitems:
            found += sub.expressions
        return found

    @property
    def reads(self) -> tuple[str, ...]:
        """The measures whose scores it reads (`score(M)`), in the order written."""
        return references(self.expressions)


def _compares(expressions: list[n.Expr]) -> bool:
    """Whether the expressions call a class-wide function."""
    return any(isinstance(node, n.Call) and node.function in PEER_FUNCTIONS for e in expressions for node in walk(e))


# The reference words that read a quantity of the unit's result decided by its rules, and the word that
# reads a rule of each kind (`bonus(B)`, `deduction(D)`, `vetoed(V)`).
RESULT_WORDS = frozenset({"subtotal", "bonus", "deduction", "vetoed"})
RESULT_WORDS_BY_KIND = {"bonus": "bonus", "deduction": "deduction", "veto": "vetoed"}


def references(expressions: list[n.Expr], quantity: str = "score") -> tuple[str, ...]:
    """The measures `score(M)` (or what another reference word) names in `expressions`, each once, in
    the order written."""
    return tuple(
        dict.fromkeys(
            r.target for e in expressions for r in walk(e) if isinstance(r, n.Reference) and r.quantity == quantity
        )
    )


@attrs.frozen
class CategorySpec:
    name: str
    label: str | None
    points: Decimal  # this class's points for the category
    measures: tuple[MeasureSpec, ...]
    span: Span


@attrs.frozen
class RuleSpec:
    node: n.Rule
    kind: str
    name: str
    label: str | None
    inputs: dict[str, InputSpec]
    lets: dict[str, n.Let]
    # Statements by type, looked up once per rule rather than once per unit.
    _statements: dict[type, tuple[Any, ...]] = attrs.field(factory=dict, eq=False, repr=False, init=False)

    @property
    def span(self) -> Span:
        return self.node.span

    @property
    def expressions(self) -> list[n.Expr]:
        """Every expression of the rule (its lets' included)."""
        found = [let.expr for let in self.lets.values()]
        for statement in self.node.body:
            expr = getattr(statement, "expr", None)
            if expr is not None and not isinstance(statement, n.Let):
                found.append(expr)
        return found

    def first(self, statement_type: type[T]) -> T | None:
        found = self.all(statement_type)
        return found[0] if found else None

    def all(self, statement_type: type[T]) -> tuple[T, ...]:
        found = self._statements.get(statement_type)
        if found is None:
            found = self._statements[statement_type] = tuple(s for s in self.node.body if isinstance(s, statement_type))
        return found


@attrs.frozen
class ClassSpec:
    name: str
    label: str | None
    categories: tuple[CategorySpec, ...]
    rules: tuple[RuleSpec, ...]
    span: Span
    _by_kind: dict[str, tuple[RuleSpec, ...]] = attrs.field(factory=dict, eq=False, repr=False, init=False)
    _order: list[MeasureSpec] = attrs.field(factory=list, eq=False, repr=False, init=False)  # scoring_order

    def measures(self) -> list[MeasureSpec]:
        return [m for c in self.categories for m in c.measures]

    def scoring_order(self) -> list[MeasureSpec]:
        """The measures in the order they are scored: each after the measures whose scores it reads
        (`score(M)`), otherwise in class order. The checker has refused circles and references to
        measures the class does not score."""
        if not self._order:
            measures = self.measures()
            by_name = {m.name: m for m in measures}
            placed: dict[str, MeasureSpec] = {}

            def place(measure: MeasureSpec) -> None:
                pending = [(measure, iter(measure.reads))]
                while pending:
                    current, reads = pending[-1]
                    following = next((t for t in reads if t in by_name and t not in placed), None)
                    if following is None:
                        pending.pop()
                        placed.setdefault(current.name, current)
                    elif all(following != m.name for m, _ in pending):
                        pending.append((by_name[following], iter(by_name[following].reads)))

            for measure in measures:
                place(measure)
            self._order.extend(placed.values())
        return list(self._order)

    @functools.cached_property
    def gathered_scores(self) -> frozenset[str]:
        """The measures a stream scores while it gathers the class's figures: those read (`score(M)`,
        directly or through the measures they read) by a measure or a rule that calls a class-wide
        function, unless they compare units themselves — the checker refuses a class-wide function over
        those (check.nested-peer), so no argument reads them."""
        readers = [m.expressions for m in self.measures()] + [r.expressions for r in self.rules]
        wanted = set(references([e for exprs in readers if _compares(exprs) for e in exprs]))
        by_name = {m.name: m for m in self.measures()}
        pending = list(wanted)
        while pending:
            for read in by_name[pending.pop()].reads:
                if read not in wanted:
                    wanted.add(read)
                    pending.append(read)
        return frozenset(name for name in wanted if not _compares(by_name[name].expressions))

    @functools.cached_property
    def subtotals_read(self) -> frozenset[str]:
        """The categories whose subtotals a rule of the class reads (`subtotal(C)`)."""
        return frozenset(references([e for r in self.rules for e in r.expressions], "subtotal"))

    @functools.cached_property
    def referenced(self) -> frozenset[str]:
        """The measures some measure or rule of the class reads the score of."""
        expressions = [e for m in self.measures() for e in m.expressions]
        expressions += [e for r in self.rules for e in r.expressions]
        return frozenset(references(expressions))

    @functools.cached_property
    def results_read(self) -> frozenset[tuple[str, str]]:
        """What a rule of the class reads of the unit's result beyond scores and subtotals, by (word,
        target): `subtotal()` ("subtotal", ""), `bonus(B)`, `bonus()`, `deduction(D)`, `deduction()`,
        `vetoed(V)`. The engine keeps these in the unit's frame as it decides them."""
        return frozenset(
            (r.quantity, r.target)
            for rule in self.rules
            for e in rule.expressions
            for r in walk(e)
            if isinstance(r, n.Reference) and r.quantity in RESULT_WORDS and (r.quantity != "subtotal" or not r.target)
        )

    def decision_order(self, kind: str) -> tuple[RuleSpec, ...]:
        """The bonuses (deductions, vetoes) of the class in the order they are decided: each after the rules
        of its kind it reads (`bonus(B)` in a bonus), otherwise in declaration order. The checker has
        refused circles."""
        key = f"order of {kind}"
        if key not in self._by_kind:
            rules = self.rules_of(kind)
            word = RESULT_WORDS_BY_KIND.get(kind)
            reads = {r.name: references(r.expressions, word) if word else () for r in rules}
            by_name = {r.name: r for r in rules}
            placed: dict[str, RuleSpec] = {}
            for rule in rules:
                pending = [(rule, iter(reads[rule.name]))]
                while pending:
                    current, following = pending[-1]
                    after = next((t for t in following if t in by_name and t not in placed), None)
                    if after is None:
                        pending.pop()
                        placed.setdefault(current.name, current)
                    elif all(after != r.name for r, _ in pending):
                        pending.append((by_name[after], iter(reads[after])))
            self._by_kind[key] = tuple(placed.values())
        return self._by_kind[key]

    def rules_of(self, kind: str) -> tuple[RuleSpec, ...]:
        if kind not in self._by_kind:
            self._by_kind[kind] = tuple(r for r in self.rules if r.kind == kind)
        return self._by_kind[kind]


@attrs.frozen
class GradeSpec:
    name: str
    label: str | None
    band: n.Band


@attrs.frozen
class RankingSpec:
    """Classes ranked together (分类评分、统一排序): one rank, grade ladder and quotas across them, in the
    order the classes are declared. A class no `ranking` names is ranked alone, under its own name."""

    name: str
    label: str | None
    classes: tuple[str, ...]
    span: Span | None = None  # None for a class ranked alone

    @property
    def shared(self) -> bool:
        return len(self.classes) > 1


@attrs.frozen
class Schema:
    classes: dict[str, ClassSpec]
    unit_inputs: dict[str, InputSpec]
    consts: dict[str, n.Const]
    grades: tuple[GradeSpec, ...]  # best first
    ties: tuple[n.TieKey, ...]
    periods: tuple[n.Period, ...]
    rounding: n.Rounding
    scale: Decimal
    year: int | None
    # Source file names as results show them: relative to the entry policy, whatever the working directory.
    names: dict[str, str] = attrs.field(factory=dict)
    # What the method's source leaves open about its grades (`assume` in `grades`): a grade's explanation says it
    grades_assumed: tuple[str, ...] = ()
    # Weights per indicator: the measures the period weights combine (`for …` in `periods`), in order
    weighted: tuple[str, ...] = ()
    # Each source file's keyword language, by the name its spans carry: expressions are quoted in it.
    keywords: dict[str, Language] = attrs.field(factory=dict)
    # Rankings across classes (`ranking`), and the classes whose units are ranked but not graded.
    rankings: tuple[RankingSpec, ...] = ()
    ungraded: dict[str, Span] = attrs.field(factory=dict)
    # What is built from the layout on first use, once per policy: each class's generated scorer and
    # validation path, each measure's and rule's generated expressions…, by a key naming what it is: ("kernel", class,
    # fraction), ("measure", name), ("intake",)…
    compiled: dict[tuple[Any, ...], Any] = attrs.field(factory=dict, eq=False, repr=False)
    # Each class's graph of named quantities (lowering.Graph), built on first use; plain data, it pickles.
    lowered: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    # whether a measure's (or its sub-items') score formulas have no upper bound, by measure name (bounds.py)
    unbounded_scores: dict[str, frozenset[str]] = attrs.field(factory=dict, eq=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without what was compiled (generated functions do not pickle): a copy in another
        process compiles again on first use, from the same layout."""
        state = {field.name: getattr(self, field.name) for field in attrs.fields(Schema)}
        state["compiled"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def unbounded(self, measure: MeasureSpec) -> frozenset[str]:
        """Which of a weighted measure's score formulas have no upper bound (bounds.py): "" for its own,
        a sub-item's name for the sub-item's; a score of theirs above its points is an error for the unit.
        None for an adjustment item (`points 0`), whose score is added as it is."""
        found = self.unbounded_scores.get(measure.name)
        if found is None:
            from targetdsl.language.bounds import bounded_above  # beside this module: it judges the formulas alone

            found = frozenset(
                "" if spec is measure else spec.name
                for spec in (measure, *measure.subitems)
                if spec.score is not None
                and not measure.adjustment
                and not bounded_above(spec.score, spec.inputs, spec.lets, self.unit_inputs, self.consts)
            )
            self.unbounded_scores[measure.name] = found
        return found

    def where(self, span: Span) -> str:
        """A rule's location for results and explanations: `file:line:col`, the file named stably."""
        return f"{self.names.get(span.file, span.file)}:{span.line}:{span.column}"

    def quote(self, expr: n.Expr) -> str:
        """`expr` on one line, in the keyword language of the file it is written in."""
        from targetdsl.language.formatter import one_line  # an output stage: needed only when an expression is quoted

        return one_line(expr, self.keywords.get(expr.span.file, Language.ENGLISH))

    def written(self, name: str, span: Span, declared: Collection[str] = ()) -> str:
        """A name an expression read, as the file at `span` writes it: a result or a reference (`rank`,
        `subtotal(经济)`) is `名次`, `小计(经济)` in a file written with Chinese keywords; a name the
        rule declares (`declared`: its inputs and lets, the unit inputs) stays as it is."""
        language = self.keywords.get(span.file, Language.ENGLISH)
        if language is Language.ENGLISH or name in declared:
            return name
        head, paren, rest = name.partition("(")
        return keyword_set(language).builtin("call" if paren else "value", head) + paren + rest

    def groups(self) -> list[RankingSpec]:
        """Every class's ranking, in the order of their first classes: a `ranking` across classes, or the
        class ranked alone."""
        shared = {c: r for r in self.rankings for c in r.classes}
        groups: list[RankingSpec] = []
        for name, spec in self.classes.items():
            ranking = shared.get(name)
            if ranking is None:
                groups.append(RankingSpec(name, spec.label, (name,)))
            elif ranking.classes[0] == name:
                groups.append(ranking)
        return groups

    def last_year_inputs(self) -> dict[str, str]:
        """The unit inputs read from last year's results (`from last year rank`): name → the result read."""
        return {name: spec.last_year for name, spec in self.unit_inputs.items() if spec.last_year is not None}

    def ranking_of(self, class_name: str) -> RankingSpec | None:
        """The ranking across classes that ranks `class_name`, or None when it is ranked alone."""
        return next((r for r in self.rankings if class_name in r.classes), None)

    def kept_class(self) -> frozenset[str]:
        """The classes whose units' standings must remember their class: ranked with another class (the
        ranked list is split back into classes) or not graded."""
        return frozenset(c for r in self.rankings for c in r.classes) | frozenset(self.ungraded)

    def measure(self, name: str) -> MeasureSpec | None:
        for unit_class in self.classes.values():
            for measure in unit_class.measures():
                if measure.name == name:
                    return measure
        return None


DEFAULT_ROUNDING = n.Rounding("half_up", 2, ("total",))
DEFAULT_TIES = (n.TieKey("total", "desc"), n.TieKey("id", "asc"))


@in_context
def build(effective: Effective, names: dict[str, str] | None = None) -> Schema:
    from targetdsl.language.expansion import expand

    effective = expand(effective)  # every call of a user-defined function, its body in place
    declarations = effective.declarations
    header = effective.header
    scale = header.scale.points if header and header.scale else HUNDRED
    categories = {d.name: d for d in declarations if isinstance(d, n.Category)}
    rules = [d for d in declarations if isinstance(d, n.Rule)]
    classes: dict[str, ClassSpec] = {}
    for unit_class in (d for d in declarations if isinstance(d, n.UnitClass)):
        category_specs = []
        for share in unit_class.shares:
            category = categories[share.category]
            points = scale * share.amount / HUNDRED if share.percent else share.amount
            measures = tuple(
                measure_spec(m, category.name, points * m.share / HUNDRED if m.share is not None else None)
                for m in category.measures
                if not m.classes or unit_class.name in m.classes
            )
            category_specs.append(CategorySpec(category.name, category.label, points, measures, category.span))
        class_rules = tuple(rule_spec(r) for r in rules if not r.classes or unit_class.name in r.classes)
        classes[unit_class.name] = ClassSpec(
            unit_class.name, unit_class.label, tuple(category_specs), class_rules, unit_class.span
        )
    unit_inputs = {d.name: input_spec(d, ()) for d in declarations if isinstance(d, n.Input)}
    consts = {d.name: d for d in declarations if isinstance(d, n.Const)}
    grades_node = next((d for d in declarations if isinstance(d, n.Grades)), None)
    ties_node = next((d for d in declarations if isinstance(d, n.Ties)), None)
    periods_node = next((d for d in declarations if isinstance(d, n.Periods)), None)
    order = list(classes)
    rankings = tuple(
        RankingSpec(d.name, d.label, tuple(sorted(d.classes, key=order.index)), d.span)
        for d in declarations
        if isinstance(d, n.Ranking)
    )
    ungraded = {c: g.span for g in (grades_node.not_graded if grades_node else ()) for c in g.classes}
    return Schema(
        classes=classes,
        unit_inputs=unit_inputs,
        consts=consts,
        grades=grade_ladder(grades_node.bands if grades_node else ()),
        grades_assumed=tuple(a.text for a in grades_node.assumptions) if grades_node else (),
        ties=ties_node.keys if ties_node else DEFAULT_TIES,
        periods=periods_node.periods if periods_node else (),
        weighted=tuple(m.name for m in periods_node.weighted.names) if periods_node and periods_node.weighted else (),
        rounding=header.rounding if header and header.rounding else DEFAULT_ROUNDING,
        scale=scale,
        year=header.year.value if header and header.year else None,
        names=dict(names or {}),
        keywords=dict(effective.keywords),
        rankings=rankings,
        ungraded=ungraded,
    )


def grade_ladder(bands: tuple[n.Band, ...]) -> tuple[GradeSpec, ...]:
    """Grades from best to worst: by lower bound, `otherwise` last."""

    def rank(band: n.Band) -> tuple[int, Decimal]:
        if band.op == "otherwise":
            return (2, Decimal(0))
        if band.low is None:  # `< x`: open below
            return (1, -(band.high or Decimal(0)))
        return (0, -band.low)

    return tuple(GradeSpec(b.name, b.label, b) for b in sorted(bands, key=rank))


def _divisors(expressions: list[n.Expr]) -> set[str]:
    names: set[str] = set()
    for expression in expressions:
        for node in walk(expression):
            if isinstance(node, n.Binary) and node.op == "/" and isinstance(node.right, n.Name):
                names.add(node.right.name)
    return names


def _expressions(body: tuple[n.Statement, ...]) -> list[n.Expr]:
    found: list[n.Expr] = []
    for statement in body:
        match statement:
            case (
                n.Let(expr=expr)
                | n.Score(expr=expr)
                | n.Completed(expr=expr)
                | n.When(expr=expr)
                | n.Amount(expr=expr)
                | n.Eligible(expr=expr)
                | n.Factor(expr=expr)
                | n.Reduce(expr=expr)
            ):
                found.append(expr)
            case n.Tally(done=done, total=total):
                found.extend((done, total))
    return found


def input_spec(node: n.Input, divisors: tuple[str, ...] | set[str]) -> InputSpec:
    missing = node.missing
    default = missing.default if missing else None
    choices = {choice.word: _choice_value(choice) for choice in node.choices} or None
    if choices is not None and isinstance(default, n.Name) and default.name in choices:
        # `missing default 一般`: the number the word stands for, as if the data held the word
        default = n.Number(choices[default.name], span=default.span)
    return InputSpec(
        name=node.name,
        label=node.label,
        type=node.type,
        missing=missing.rule if missing else "error",
        default=default,
        low=node.low if isinstance(node.low, n.Number) else None,
        high=node.high if isinstance(node.high, n.Number) else None,
        prorated=node.prorated,
        divisor=node.name in divisors,
        span=node.span,
        low_input=node.low.name if isinstance(node.low, n.Name) else None,
        high_input=node.high.name if isinstance(node.high, n.Name) else None,
        choices=choices,
        prorated_unless=node.prorated_unless.name if node.prorated_unless is not None else None,
        last_year=node.last_year.field if node.last_year is not None else None,
    )


def _choice_value(choice: n.Choice) -> Decimal:
    return choice.value.value


def measure_spec(measure: n.Measure, category: str, share_points: Decimal | None = None) -> MeasureSpec:
    """`share_points`: a measure with a `share` is worth that share of its category's points in the class
    being built (indicator weights as shares)."""
    body = measure.body
    divisors = _divisors(_expressions(body))
    subitems = tuple(measure_spec(s, category) for s in body if isinstance(s, n.Measure))
    scale = next((s.points for s in body if isinstance(s, n.Scale)), HUNDRED)
    given = next((s for s in body if isinstance(s, n.Given)), None)
    points = measure.points if share_points is None else share_points
    if points is None:
        points = sum((s.points for s in subitems), Decimal(0)) if subitems else ONE
    return MeasureSpec(
        node=measure,
        category=category,
        kind=measure.kind,
        name=measure.name,
        label=measure.label,
        points=points,
        inputs={s.name: input_spec(s, divisors) for s in body if isinstance(s, n.Input)},
        lets={s.name: s for s in body if isinstance(s, n.Let)},
        score=next((s.expr for s in body if isinstance(s, n.Score)), None),
        completed=next((s.expr for s in body if isinstance(s, n.Completed)), None),
        tally=next((s for s in body if isinstance(s, n.Tally)), None),
        given_by=given.assessors if given else (),
        subitems=subitems,
        raters=tuple(s for s in body if isinstance(s, n.Rater)),
        scale=scale,
        drop_extremes=any(isinstance(s, n.DropExtremes) for s in body),
        requires=tuple(s for s in body if isinstance(s, n.Require)),
        ballots=any(isinstance(s, n.Ballots) for s in body),
        drop_above=next((s.above for s in body if isinstance(s, n.DropExtremes)), None),
    )


def rule_spec(rule: n.Rule) -> RuleSpec:
    divisors = _divisors(_expressions(rule.body))
    return RuleSpec(
        node=rule,
        kind=rule.kind,
        name=rule.name,
        label=rule.label,
        inputs={s.name: input_spec(s, divisors) for s in rule.body if isinstance(s, n.Input)},
        lets={s.name: s for s in rule.body if isinstance(s, n.Let)},
    )
