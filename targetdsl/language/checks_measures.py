"""The checker's passes over categories and their measures.

Indicators, items (item by item or pooled), sub-items and assessed measures: names unique in the
policy, points, the classes they apply to, and each statement's expression of the kind it needs;
the statements a declaration of each kind (a rule's too) must have once or may have at most once;
adjustment items (`points 0`); no class-wide value where units' items differ, and no tally of a
pro-rated count; assessors, their weights, ballots and the extremes dropped. These passes report;
they evaluate nothing.
"""

from __future__ import annotations

from collections import Counter

from targetdsl.language import nodes as n
from targetdsl.language.checks_classes import check_classes_exist, check_share_value
from targetdsl.language.checks_inputs import body_scope, check_require, check_unused, class_wide, prorated_source
from targetdsl.language.checks_references import statement_expressions
from targetdsl.language.checks_state import Checker, figure, span_of
from targetdsl.language.typecheck import Kind, Scope, suggest, walk
from targetdsl.source import Span

# Which statements each declaration kind must have exactly once (required)
# or may have at most once (optional).
REQUIRED: dict[str, tuple[type, ...]] = {
    "indicator": (),
    "items": (n.Score,),
    "subitem": (n.Score,),
    "assessed": (),
    "veto": (n.When, n.Effects),
    "bonus": (),
    "deduction": (n.Amount,),
    "award": (),  # an award without `money` is an outcome without money (目标奖: yes or no)
    "coefficient": (n.Factor,),
    "commendation": (n.When,),
    "limit": (n.Cap, n.LimitOver),
}


AT_MOST_ONCE = (
    n.Score,
    n.Completed,
    n.Tally,
    n.Given,
    n.When,
    n.Effects,
    n.Cap,
    n.CarryOver,
    n.Amount,
    n.Money,
    n.Eligible,
    n.Factor,
    n.Applies,
    n.Scale,
    n.DropExtremes,
    n.Ballots,
    n.BonusPoints,
    n.MoneyFormula,
    n.LimitOver,
)


STATEMENT_WORDS = {
    n.Score: "score",
    n.Completed: "completed when",
    n.Tally: "tally",
    n.Given: "given by",
    n.When: "when",
    n.Effects: "effect",
    n.Cap: "cap",
    n.CarryOver: "carry over after",
    n.Amount: "amount",
    n.Money: "money",
    n.Eligible: "eligible when",
    n.Factor: "factor",
    n.Applies: "on",
    n.Scale: "scale",
    n.DropExtremes: "drop extremes",
    n.Ballots: "ballots",
    n.BonusPoints: "points",
    n.MoneyFormula: "money",
    n.LimitOver: "on",
}


def check_categories(checker: Checker) -> None:
    seen: dict[str, n.Measure] = {}
    for category in checker.categories.values():
        if not category.measures:
            checker.report(
                "check.empty-category",
                f"category `{category.name}` has nothing to score",
                category.span,
                "add an `indicator …`, `items …` or `assessed …` block",
            )
        for measure in category.measures:
            if measure.name in seen:
                checker.report(
                    "check.duplicate-name",
                    f"`{measure.name}` is declared twice",
                    measure.span,
                    f"the first is at {seen[measure.name].span}; "
                    "indicator names must be unique in a policy (units' data refer to them)",
                )
            seen[measure.name] = measure
            check_measure(checker, measure, category)


def check_measure(checker: Checker, measure: n.Measure, category: n.Category, parent: Scope | None = None) -> None:
    check_statements(checker, measure.kind, measure.name, measure.body, measure.span, pooled=measure.pooled)
    if measure.pooled:
        check_pooled(checker, measure)
    if measure.points is not None and measure.points <= 0:
        if measure.points == 0 and measure.kind == "indicator":
            check_adjustment(checker, measure)
        else:
            checker.report("check.bad-value", "points must be positive", measure.span)
    if measure.share is not None:
        check_share_value(checker, measure)
    check_classes_exist(checker, measure.classes, measure.span)
    for class_name in measure.classes:
        unit_class = checker.classes.get(class_name)
        if unit_class is not None and category.name not in {s.category for s in unit_class.shares}:
            checker.report(
                "check.class-category",
                f"class `{class_name}` does not include category "
                f"`{category.name}`, so this indicator never applies to it",
                measure.span,
            )
    scope = body_scope(checker, measure.body, parent or checker.global_scope, {"points": Kind.NUMBER})
    subitems = [s for s in measure.body if isinstance(s, n.Measure)]
    if measure.kind == "indicator" and not subitems and not any(isinstance(s, n.Score) for s in measure.body):
        checker.report(
            "check.missing-statement",
            f"indicator `{measure.name}` has no `score`",
            measure.span,
            "add `score <expression>`, or sub-items whose scores add up",
        )
    names: set[str] = set()
    for sub in subitems:
        if sub.name in names:
            checker.report("check.duplicate-name", f"sub-item `{sub.name}` is declared twice", sub.span)
        names.add(sub.name)
        check_measure(checker, sub, category, checker.global_scope)
    for statement in measure.body:
        check_measure_statement(checker, statement, scope, measure)
    if measure.kind in ("items", "subitem"):
        check_no_peer(checker, measure, scope)
    if measure.kind == "assessed":
        check_assessed(checker, measure)
    check_unused(checker, scope, [s for s in measure.body if isinstance(s, n.Input)], "input")


def check_measure_statement(checker: Checker, statement: n.Statement, scope: Scope, measure: n.Measure) -> None:
    expect = checker.expect
    match statement:
        case n.Score(expr=expr):
            expect(expr, scope, Kind.NUMBER, "a score", statement.span)
        case n.Completed(expr=expr):
            expect(expr, scope, Kind.BOOL, "`completed when`", statement.span)
        case n.Tally(done=done, total=total):
            expect(done, scope, Kind.NUMBER, "the completed count", statement.span)
            expect(total, scope, Kind.NUMBER, "the item count", statement.span)
            for expr in (done, total):
                source = prorated_source(checker, expr, scope)
                if source is not None:
                    checker.report(
                        "check.prorated-tally",
                        f"`tally` counts whole items, but `{source}` is pro-rated: in a period "
                        "it becomes a fraction of an item (2 × 0.25 = 0.5)",
                        span_of(expr, statement.span),
                        f"drop `prorated` from `{source}`, or score the share with a formula "
                        "(`score points * done / subs`) instead of a tally",
                    )
        case n.Given(assessors=names):
            check_assessors(checker, names, statement.span)
        case n.Require():
            check_require(checker, statement, scope, measure.body)


def check_statements(
    checker: Checker, kind: str, name: str, body: tuple[n.Statement, ...], span: Span, *, pooled: bool = False
) -> None:
    counts = Counter(type(s) for s in body)
    seen: set[type] = set()
    for statement in body:
        if type(statement) in AT_MOST_ONCE and type(statement) in seen:
            word = STATEMENT_WORDS[type(statement)]
            checker.report(
                "check.duplicate-statement",
                f"a second `{word}` in {kind} `{name}`",
                span_of(statement, span),
                "keep one; a rule must say one thing once",
            )
        elif isinstance(statement, n.MoneyFormula | n.Money) and ({n.Money, n.MoneyFormula} & seen):
            checker.report(
                "check.duplicate-statement",
                f"a second `money` in {kind} `{name}`",
                span_of(statement, span),
                "an award's money is a table by grade or a formula, not both",
            )
        seen.add(type(statement))
    # pooled items score by their tallies, so a tally is what they need (check_pooled), not a score
    for required in (n.Tally,) if pooled else REQUIRED.get(kind, ()):
        if required not in counts:
            word = STATEMENT_WORDS[required]
            checker.report(
                "check.missing-statement", f"{kind} `{name}` has no `{word}`", span, f"add a `{word}` statement"
            )


def check_pooled(checker: Checker, measure: n.Measure) -> None:
    """Pooled items earn their points × the sub-items done across the items ÷ all of them: they need
    points of their own to scale, and a score of each item would never be read."""
    if measure.points is None and measure.share is None:
        checker.report(
            "check.pooled",
            f"pooled items `{measure.name}` have no points of their own",
            measure.span,
            f"write the points the items are worth together: `items {measure.name} points 40 pooled`",
        )
    for statement in measure.body:
        if isinstance(statement, n.Score):
            checker.report(
                "check.pooled",
                f"pooled items `{measure.name}` score by their `tally`; this `score` would never be read",
                span_of(statement, measure.span),
                "remove the `score`, or remove `pooled` to score item by item",
            )


def check_adjustment(checker: Checker, measure: n.Measure) -> None:
    """An indicator with `points 0` is an adjustment item (加扣分项): its score, of either sign, is added
    to its category's subtotal as it is, weighed by nothing. So it has a score of its own (not sub-items'
    or a given one, which are shares of its points), and no formula of it reads `points`, which is 0."""
    if any(isinstance(s, n.Measure) for s in measure.body):
        why = "its sub-items' points would be scaled to 0"
    elif any(isinstance(s, n.Given) for s in measure.body):
        why = "a score given out of 100 is a share of its points, 0"
    else:
        read = next((r for e, _ in statement_expressions(measure.body) for r in _names(e) if r == "points"), None)
        if read is None:
            return
        why = "its formula reads `points`, which is 0"
    checker.report(
        "check.adjustment",
        f"`{measure.name}` has `points 0`, an adjustment item, but {why}",
        measure.span,
        "score the adjustment in points of the total (`score 1 * tasks`, `score -2 * times`), "
        "or give the indicator positive points",
    )


def check_no_peer(checker: Checker, measure: n.Measure, scope: Scope) -> None:
    """Class-wide functions compare units; an item list differs per unit, so they are refused there.
    So is a missing value replaced by the class average: that is taken of whole indicators."""
    for statement in measure.body:
        missing = statement.missing if isinstance(statement, n.Input) else None
        if isinstance(statement, n.Input) and missing is not None and missing.rule == "peer_avg":
            checker.report(
                "check.peer-in-items",
                f"`missing peer_avg` for `{statement.name}`: the class average "
                f"is taken of whole indicators, not of {measure.kind} `{measure.name}`",
                span_of(missing, statement.span),
                "use `missing zero`, `na` or a default here",
            )
            return
    for statement in measure.body:
        expressions = [
            getattr(statement, "expr", None),
            getattr(statement, "done", None),
            getattr(statement, "total", None),
        ]
        for expression in expressions:
            if expression is None or isinstance(statement, n.Let):  # a let counts where it is used
                continue
            for node, via in class_wide(checker, expression, scope, (), None):
                what = (
                    f"`{node.function}` compares units of the class"
                    if isinstance(node, n.Call)
                    else f"unit input `{getattr(node, 'name', '')}` is missing as the class average"
                )
                through = f" (through `{via.name}`)" if via is not None else ""
                checker.report(
                    "check.peer-in-items",
                    f"{what}{through}, but {measure.kind} `{measure.name}` differs from unit to unit",
                    (via or node).span,
                    "use class-wide functions in an `indicator` that every unit has",
                )
                return


def check_assessed(checker: Checker, measure: n.Measure) -> None:
    raters = [s for s in measure.body if isinstance(s, n.Rater)]
    ballots = next((s for s in measure.body if isinstance(s, n.Ballots)), None)
    drop = next((s for s in measure.body if isinstance(s, n.DropExtremes)), None)
    if drop is not None and drop.above is not None and (drop.above != int(drop.above) or drop.above < 2):
        checker.report(
            "check.bad-value",
            f"`drop extremes above {figure(drop.above)}`: a whole number of at least 2 "
            "(the highest and the lowest are dropped, and one score at least is kept)",
            drop.span,
        )
    if ballots is not None:  # each unit lists its own ballots: no assessor is declared
        if raters:
            checker.report(
                "check.bad-value",
                f"assessed `{measure.name}` takes ballots and assessors: a unit's ballots are not any assessor's score",
                raters[0].span,
                "delete the `by` lines, or `ballots`",
            )
        check_scale(checker, measure)
        return
    if drop is not None and drop.above is not None and len(raters) <= drop.above:
        checker.report(
            "check.bad-value",
            f"`drop extremes above {figure(drop.above)}` never drops a score: `{measure.name}` has "
            f"{len(raters)} assessors",
            drop.span,
            "lower the number, or list each unit's ballots (`ballots`)",
        )
    if not raters:
        checker.report(
            "check.missing-statement",
            f"assessed `{measure.name}` names no assessor",
            measure.span,
            "add `by <assessor> weight <w>` lines",
        )
    seen: set[str] = set()
    for rater in raters:
        check_assessors(checker, (rater.assessor,), rater.span)
        if rater.assessor in seen:
            checker.report("check.duplicate-name", f"assessor `{rater.assessor}` is listed twice", rater.span)
        seen.add(rater.assessor)
        if rater.weight <= 0:
            checker.report("check.bad-value", "an assessor's weight must be positive", rater.span)
    if drop is not None and drop.above is None and len(raters) < 3:
        checker.report(
            "check.bad-value", "dropping the highest and lowest score needs at least three assessors", measure.span
        )
    check_scale(checker, measure)


def check_scale(checker: Checker, measure: n.Measure) -> None:
    for statement in measure.body:
        if isinstance(statement, n.Scale) and statement.points <= 0:
            checker.report("check.bad-value", "the assessors' scale must be positive", statement.span)


def check_assessors(checker: Checker, names: tuple[str, ...], span: Span) -> None:
    for name in names:
        if name not in checker.assessors:
            checker.report(
                "check.unknown-name",
                f"unknown assessor `{name}`",
                span,
                suggest(name, list(checker.assessors)) or f'declare it with `assessor {name} "…"`',
            )


def _names(expr: n.Expr) -> list[str]:
    return [node.name for node in walk(expr) if isinstance(node, n.Name)]
