"""The checker's passes over inputs and the scopes they are declared in.

The global scope holds the unit inputs and constants every unit has; a measure or a rule adds its
own inputs and lets. Each input is checked for its type, missing-value rule and default, range
(fixed, or ending at another input of its own body), pro-rating, words and last year's results;
each `require` for reading only the inputs beside it; and an input nothing reads is warned. Later
passes ask two questions of a scope here: which pro-rated input an expression reads, and which
class-wide values it depends on through lets and constants. These passes report; they never change
the policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from targetdsl.keywords import keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.checks_state import Checker, find_circle
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.typecheck import INPUT_KINDS, Kind, Scope, suggest, walk

MISSING_RULES = ("error", "zero", "na", "peer_avg")


# What an input may read of a unit's results last year (`from last year rank`), and the types that hold it
# (a grade is read as an input of words, checked apart).
LAST_YEAR_FIELDS = {"rank": ("count", "number"), "total": ("number", "score"), "grade": ()}


def build_global_scope(checker: Checker) -> Scope:
    scope = Scope({})
    for unit_input in checker.unit_inputs.values():
        check_input(checker, unit_input, scope)
        if unit_input.prorated:
            refuse_prorated(checker, unit_input, "a unit input")
    check_ranges(checker, list(checker.unit_inputs.values()))
    for const in checker.consts.values():
        # a const is computed for each unit alone (it may read unit inputs): there is no class there
        call = next(
            (
                node
                for node in walk(const.expr)
                if isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer
            ),
            None,
        )
        if call is not None:
            checker.report(
                "check.peer-in-const",
                f"`{call.function}` needs the unit's whole class, but const "
                f"`{const.name}` is computed for each unit alone",
                call.span,
                "compare units in an `indicator` (a `let` there may name the comparison)",
            )
    const_scope = Scope(
        {}, lets={c.name: n.Let(c.name, c.expr, span=c.span) for c in checker.consts.values()}, parent=scope
    )
    checker.expressions.resolve_lets(const_scope)
    for name, kind in const_scope.names.items():
        scope.names.setdefault(name, kind)
    scope.depths.update(const_scope.depths)
    return scope


def body_scope(
    checker: Checker, body: Iterable[n.Statement], parent: Scope, extra: dict[str, Kind] | None = None
) -> Scope:
    scope = Scope(dict(extra or {}), parent=parent)
    lets: dict[str, n.Let] = {}
    for statement in body:
        if isinstance(statement, n.Input):
            if statement.name in scope.names or statement.name in lets:
                checker.report("check.duplicate-name", f"`{statement.name}` is declared twice here", statement.span)
            check_input(checker, statement, scope)
        elif isinstance(statement, n.Let):
            if statement.name in scope.names or statement.name in lets:
                checker.report("check.duplicate-name", f"`{statement.name}` is declared twice here", statement.span)
                continue
            if parent.lookup(statement.name) is not None:
                # evaluation would find the let, the checker the constant: `let k = k + 1` never ended
                what = "a constant" if statement.name in checker.consts else "an input of every unit"
                checker.report(
                    "check.duplicate-name",
                    f"`{statement.name}` is already {what}; a `let` cannot take its name",
                    statement.span,
                    "give the let a name of its own",
                )
                continue
            lets[statement.name] = statement
    scope.lets = lets
    checker.expressions.resolve_lets(scope)
    check_ranges(checker, [s for s in body if isinstance(s, n.Input)])
    check_prorated_unless(checker, [s for s in body if isinstance(s, n.Input)], scope)
    return scope


def check_input(checker: Checker, declaration: n.Input, scope: Scope) -> None:
    kind = INPUT_KINDS.get(declaration.type)
    if kind is None:
        checker.report(
            "check.unknown-type",
            f"unknown input type `{declaration.type}`",
            declaration.span,
            checker.terms_hint("type", declaration.type, INPUT_KINDS, declaration.span, "types: "),
        )
        kind = Kind.ERROR
    scope.names[declaration.name] = kind
    if declaration.prorated:
        scope.prorated.add(declaration.name)
    missing = declaration.missing
    if declaration.choices:
        check_choices(checker, declaration)
    elif missing is not None:
        if missing.rule == "default" and missing.default is not None and not _literal(missing.default):
            # the data are read before anything is evaluated: a default is a value, not a formula
            checker.report(
                "check.bad-value",
                f"the default of `{declaration.name}` must be a literal value",
                missing.span,
                "write a number (`default 0`, `default -2%`), `true`/`false` or a date",
            )
        elif missing.rule == "default" and missing.default is not None and kind is not Kind.ERROR:
            checker.expressions.expect(
                missing.default, Scope({}), kind, f"the default of `{declaration.name}`", missing.span
            )
        elif missing.rule not in MISSING_RULES and missing.rule != "default":
            written = keyword_set(checker.policy.keyword_language(missing.span))
            checker.report(
                "check.bad-value",
                f"unknown missing-value rule `{missing.rule}`",
                missing.span,
                suggest(missing.rule, [written.term("missing", rule) for rule in MISSING_RULES])
                or "write `missing error`, `missing zero`, `missing na`, `missing peer_avg` "
                "or `missing default <value>`",
            )
        elif missing.rule == "zero" and kind in (Kind.BOOL, Kind.DATE):
            checker.report(
                "check.type-mismatch",
                f"`missing zero` does not fit a {declaration.type} input",
                missing.span,
                "use `missing default false` or `missing error`",
            )
    if declaration.low is not None and declaration.high is not None:
        if kind in (Kind.BOOL, Kind.DATE):
            checker.report("check.type-mismatch", f"a {declaration.type} input cannot have a range", declaration.span)
        elif (
            isinstance(declaration.low, n.Number)
            and isinstance(declaration.high, n.Number)
            and declaration.low.value > declaration.high.value
        ):
            checker.report("check.bad-value", "the range's low end is above its high end", declaration.low.span)
    if missing is not None and missing.rule == "default" and missing.default is not None:
        check_default(checker, declaration, missing.default)
    elif missing is not None and missing.rule == "zero" and kind not in (Kind.BOOL, Kind.DATE):
        zero = n.Number(Decimal(0), span=missing.span)
        check_default(checker, declaration, zero, f"`missing zero` takes `{declaration.name}` as 0, which")
    if declaration.prorated and kind not in (Kind.NUMBER, Kind.MONEY, Kind.ERROR):
        checker.report(
            "check.type-mismatch",
            f"only amounts can be pro-rated, not a {declaration.type}",
            declaration.span,
            "rates and percentages are not pro-rated over the year",
        )
    if declaration.last_year is not None:
        check_last_year(checker, declaration, declaration.last_year)


# -- last year's results as an input


def check_last_year(checker: Checker, declaration: n.Input, read: n.LastYear) -> None:
    """`from last year rank`: a unit input (never pro-rated, as no unit input is), of a type that holds what
    it reads."""
    if checker.unit_inputs.get(declaration.name) is not declaration:
        checker.report(
            "check.last-year",
            f"`{declaration.name}` reads last year's results but is not a unit input",
            read.span,
            "declare it at the top level, beside the unit's other inputs, and read it where it is needed",
        )
        return
    if read.field not in LAST_YEAR_FIELDS:
        checker.report(
            "check.last-year",
            f"last year's results have no `{read.field}`",
            read.span,
            checker.terms_hint("last year", read.field, LAST_YEAR_FIELDS, read.span, "last year's results give: "),
        )
        return
    wanted = LAST_YEAR_FIELDS[read.field]
    fits = bool(declaration.choices) if read.field == "grade" else declaration.type in wanted
    if not fits:
        checker.report(
            "check.last-year",
            f"last year's {read.field} does not fit the {declaration.type} input `{declaration.name}`",
            read.span,
            "a rank is a `count`, a total a `number`, a grade an input of words (`{优秀: 1, 良好: 0, 合格: 0}`)",
        )


# -- inputs of words


def check_choices(checker: Checker, declaration: n.Input) -> None:
    """An input of words (`{好: 10, 较好: 8}`): each word once, each a plain number; no range or pro-rating
    (the words are the range); a missing value is an error, zero, na, peer_avg or one of the words."""
    seen: set[str] = set()
    for choice in declaration.choices:
        if choice.word in seen:
            checker.report(
                "check.duplicate-name",
                f"the word `{choice.word}` is already one of `{declaration.name}`'s words",
                choice.span,
                "give each word once, with the number it stands for",
            )
        seen.add(choice.word)
        if choice.value.unit:
            shown = f"{choice.value.value}{'%' if choice.value.unit == 'percent' else 'pp'}"
            checker.report(
                "check.unit-mismatch",
                f"the word `{choice.word}` stands for {shown}; the words of an input stand for plain numbers",
                choice.value.span,
                "write the number without % or pp",
            )
    if declaration.low is not None or declaration.high is not None or declaration.prorated:
        checker.report(
            "check.type-mismatch",
            f"`{declaration.name}` holds one of its words, which has no range and is not pro-rated",
            declaration.span,
            "drop `range` and `prorated`: the data may hold only the words listed",
        )
    missing = declaration.missing
    if missing is None or missing.rule in ("error", "zero", "na", "peer_avg"):
        return
    words = [choice.word for choice in declaration.choices]
    default = missing.default
    if missing.rule != "default" or not isinstance(default, n.Name) or default.name not in words:
        shown = default.name if isinstance(default, n.Name) else ""
        checker.report(
            "check.bad-value",
            f"the default of `{declaration.name}` must be one of its words: {', '.join(words)}",
            missing.span,
            (suggest(shown, words) if shown else None) or "write `missing default <word>` with one of the words",
        )


def check_default(checker: Checker, declaration: n.Input, default: n.Expr, what: str = "") -> None:
    """A default is a value the data could have held: within a literal range, and a whole number of at
    least 0 for a count. (The data are not checked against their range once defaulted.) A range
    end naming another input is checked when the data are read."""
    written = _written(default)
    if written is None:
        return
    low, high = declaration.low, declaration.high
    if declaration.type == "count" and (written < 0 or written != written.to_integral_value()):
        checker.report(
            "check.bad-value",
            f"the default of `{declaration.name}` is {written}, but a count is a whole number of at least 0",
            default.span,
            "write a whole number such as `default 0`",
        )
    elif isinstance(low, n.Number) and written < low.value or isinstance(high, n.Number) and written > high.value:
        number = default.operand if isinstance(default, n.Unary) else default
        unit = {"percent": "%", "pp": "pp"}.get(number.unit if isinstance(number, n.Number) else "", "")
        subject = what or f"the default of `{declaration.name}` ({written}{unit})"
        ends = [end.value if isinstance(end, n.Number) else "…" for end in (low, high)]
        shown = f"{ends[0]} to {ends[1]}"
        checker.report(
            "check.bad-value",
            f"{subject} is outside its declared range {shown}",
            default.span,
            "a missing value is taken as the default: give one the data could have held",
        )


def refuse_prorated(checker: Checker, declaration: n.Input, what: str) -> None:
    """Only the inputs of indicators and items are pro-rated in a period; elsewhere the word would be
    taken at its word by the reader and silently ignored by evaluation."""
    checker.report(
        "check.bad-value",
        f"`{declaration.name}` is {what}, which is not pro-rated in a period: `prorated` applies "
        "to the inputs of indicators and items",
        declaration.span,
        "declare the pro-rated amount as an input of the indicator that scores it",
    )


# -- pro-rating by kind


def check_prorated_unless(checker: Checker, inputs: list[n.Input], scope: Scope) -> None:
    """`prorated unless level`: `level` is a yes/no input declared beside the pro-rated one, always
    known (missing as an error or a default: a level that may be absent would leave the kind of
    the value unknown), and not itself the pro-rated value."""
    by_name = {i.name: i for i in inputs}
    for declaration in inputs:
        unless = declaration.prorated_unless
        if unless is None:
            continue
        other = by_name.get(unless.name)
        if other is not None:
            scope.used.add(other.name)  # it decides the value read
        if other is None:
            checker.report(
                "check.unknown-name",
                f"`{unless.name}` is not an input declared beside `{declaration.name}`",
                unless.span,
                suggest(unless.name, [i.name for i in inputs if i is not declaration])
                or "`unless` names a yes/no input of the same measure that marks a rate, intensity or share",
            )
        elif other is declaration or INPUT_KINDS.get(other.type) is not Kind.BOOL:
            checker.report(
                "check.type-mismatch",
                f"`{declaration.name}` is pro-rated unless `{other.name}`, a {other.type} input",
                unless.span,
                "`unless` names a yes/no input (`input level: bool missing default false`)",
            )
        elif other.missing is not None and other.missing.rule not in ("error", "default"):
            checker.report(
                "check.bad-value",
                f"`{other.name}` decides whether `{declaration.name}` is pro-rated, so it cannot be "
                f"`missing {other.missing.rule}`",
                other.missing.span,
                "write `missing default false` (an amount unless the data say otherwise) or `missing error`",
            )


def check_ranges(checker: Checker, inputs: list[n.Input]) -> None:
    """Range ends that name another input (`range 0 to subs`): it is declared beside this one,
    holds the same kind of number, and no input bounds itself through others."""
    by_name = {i.name: i for i in inputs}
    bounds: dict[str, list[str]] = {}
    for declaration in inputs:
        for end in (declaration.low, declaration.high):
            if not isinstance(end, n.Name):
                continue
            other = by_name.get(end.name)
            kind = INPUT_KINDS.get(declaration.type)
            if kind in (None, Kind.BOOL, Kind.DATE):
                continue  # reported by check_input
            if other is None:
                checker.report(
                    "check.unknown-name",
                    f"`{end.name}` is not an input declared beside `{declaration.name}`",
                    end.span,
                    suggest(end.name, [i.name for i in inputs if i is not declaration])
                    or "a range end names another input of the same measure, sub-item or rule",
                )
            elif INPUT_KINDS.get(other.type) is not kind:
                checker.report(
                    "check.type-mismatch",
                    f"the range of `{declaration.name}` ({declaration.type}) "
                    f"ends at `{other.name}`, a {other.type} input",
                    end.span,
                    "a range end names an input holding the same kind of number",
                )
            else:
                bounds.setdefault(declaration.name, []).append(other.name)
    circle = find_circle(bounds)
    if circle:
        names = [f"`{name}`" for name in circle]
        if len(names) > 6:
            names = [*names[:3], f"… ({len(circle) - 1} inputs)", names[-1]]
        checker.report(
            "check.cycle",
            "the ranges of " + " → ".join(names) + " bound each other in a circle",
            by_name[circle[0]].span,
            "bound an input by a fixed number or by an input that has no such range",
        )


# -- cross-field constraints


def check_require(checker: Checker, statement: n.Require, scope: Scope, body: tuple[n.Statement, ...]) -> None:
    """`require <condition>`: checked when the data are read, before anything is computed, so it reads
    only the inputs declared beside it (no let, const, `points` or unit input) and nothing class-wide."""
    inputs = {s.name for s in body if isinstance(s, n.Input)}
    for node in walk(statement.expr):
        if isinstance(node, n.Name) and node.name not in inputs:
            checker.report(
                "check.constraint-scope",
                f"`require` reads `{node.name}`, which is not an input declared beside it",
                node.span,
                "a constraint is checked when the data are read: it compares the inputs of its measure, "
                "sub-item, item or rule",
            )
        elif isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer:
            checker.report(
                "check.constraint-scope",
                f"`require` uses `{node.function}`, which needs the unit's whole class",
                node.span,
                "a constraint is checked for each unit's data alone",
            )
    checker.expect(statement.expr, scope, Kind.BOOL, "a constraint", statement.span)


def check_unused(checker: Checker, scope: Scope, inputs: Iterable[n.Input], what: str) -> None:
    for declaration in inputs:
        if declaration.name not in scope.used:
            checker.warn(
                "check.unused-input",
                f"{what} `{declaration.name}` is never used",
                declaration.span,
                "use it in a rule, or delete it so units are not asked to supply it",
            )


def prorated_source(checker: Checker, expr: n.Expr, scope: Scope) -> str | None:
    """The pro-rated input `expr` reads, directly or through lets and constants, if any."""
    pending: list[tuple[n.Expr, Scope]] = [(expr, scope)]
    followed: set[str] = set()
    while pending:
        current, where = pending.pop()
        for node in walk(current):
            if not isinstance(node, n.Name) or node.name in followed:
                continue
            owner: Scope | None = where
            while owner is not None:
                if node.name in owner.lets:
                    followed.add(node.name)
                    pending.append((owner.lets[node.name].expr, owner))
                    break
                if node.name in owner.names:
                    if node.name in owner.prorated:
                        return node.name
                    if owner is checker.global_scope and node.name in checker.consts:
                        followed.add(node.name)
                        pending.append((checker.consts[node.name].expr, owner))
                    break
                owner = owner.parent
    return None


def class_wide(
    checker: Checker, expr: n.Expr, scope: Scope, seen: tuple[str, ...], via: n.Name | None, in_const: bool = False
) -> Iterator[tuple[n.Expr, n.Name | None]]:
    """Each class-wide call in `expr`, or name of a unit input missing as `peer_avg`, following
    `let`s and `const`s; with the name in the rule that leads to it, if any."""
    for node in walk(expr):
        if isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer:
            if not in_const:  # a const's own are reported at the const (check.peer-in-const)
                yield node, via
        elif isinstance(node, n.Name) and node.name not in seen:
            let = scope.lets.get(node.name)
            if let is not None:
                yield from class_wide(checker, let.expr, scope, (*seen, node.name), via or node, in_const)
            elif node.name in scope.names:
                continue  # the rule's own input or a result name
            elif node.name in checker.consts:
                yield from class_wide(
                    checker, checker.consts[node.name].expr, Scope({}), (*seen, node.name), via or node, True
                )
            elif node.name in checker.unit_inputs:
                missing = checker.unit_inputs[node.name].missing
                if missing is not None and missing.rule == "peer_avg":
                    yield node, via


def _literal(expr: n.Expr) -> bool:
    """A value written out (what data.literal reads): a number, maybe negative, a boolean or a date."""
    match expr:
        case n.Number() | n.Boolean() | n.Date():
            return True
        case n.Unary(op="-", operand=n.Number()):
            return True
    return False


def _written(expr: n.Expr) -> Decimal | None:
    """A literal default's number as the data would hold it (`80%` is 80, like the data), else None."""
    match expr:
        case n.Number(value=value):
            return value
        case n.Unary(op="-", operand=n.Number(value=value)):
            return -value
    return None
