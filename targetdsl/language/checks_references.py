"""The checker's pass over quantity references: `score(M)`, `subtotal(C)`, `bonus(B)`,
`deduction(D)`, `vetoed(V)`, and the whole quantities `subtotal()`, `bonus()`, `deduction()`.

Each names a declaration that exists, is known by the time the reader is decided (a constant or an
input's default holds before any measure is scored) and applies in every class the reader does; no
measure reads its own score through others, no rules of one kind read each other in a circle, and
no class-wide function takes its values over a measure that itself compares units. Also the walks
over a body's statements and expressions that other passes share. The pass reports; it orders
nothing (the lowering does).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from targetdsl.language import nodes as n
from targetdsl.language.checks_state import Checker, find_circle
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.typecheck import suggest, walk


def check_references(checker: Checker) -> None:
    """`score(M)`: M is a measure that is scored wherever the expression reading it is; no measure
    reads its own score through others; a class-wide function does not take its values over a
    measure that itself compares units; constants and input defaults, which hold for the unit
    before anything is scored, read no measure's score."""
    measures: dict[str, tuple[n.Category, n.Measure]] = {}
    for category in checker.categories.values():
        for measure in category.measures:
            measures.setdefault(measure.name, (category, measure))
    subitems = {s.name: m.name for _, m in measures.values() for s in m.body if isinstance(s, n.Measure)}
    edges: dict[str, list[str]] = {name: [] for name in measures}
    first: dict[tuple[str, str], n.Reference] = {}
    comparing: dict[str, bool] = {}
    for name, (category, measure) in measures.items():
        classes = measure_classes(checker, category, measure)
        comparing[name] = any(class_wide_statement(checker, s) for s in measure_statements(measure))
        for expr, allowed in statement_expressions(measure.body):
            for ref in references_in(expr):
                if _result_reference(ref) and allowed:
                    refuse_result(checker, ref, f"measure `{name}`")
                    continue
                if ref.quantity == "subtotal":
                    refuse_subtotal(
                        checker,
                        ref,
                        f"a measure cannot read `subtotal({ref.target})`: a subtotal is summed from the scores",
                    )
                    continue
                if check_reference(checker, ref, allowed, classes, name, measures, subitems):
                    edges[name].append(ref.target)
                    first.setdefault((name, ref.target), ref)
    rule_edges: dict[str, list[tuple[str, n.Reference]]] = {}  # a rule → the rules of its kind it reads
    for rule in checker.rules:
        classes = set(rule.classes) if rule.classes else set(checker.classes)
        lets = _lets(rule.body)
        compared = {id(r) for e, _ in statement_expressions(rule.body) for r in _compared_references(e, lets)}
        for expr, allowed in statement_expressions(rule.body):
            for ref in references_in(expr):
                if _result_reference(ref) and allowed:
                    check_result_reference(checker, ref, rule, classes, id(ref) in compared, rule_edges)
                elif ref.quantity == "subtotal":
                    check_subtotal(checker, ref, rule, classes, id(ref) in compared)
                else:
                    check_reference(checker, ref, allowed, classes, rule.name, measures, subitems)
    before = [c.expr for c in checker.consts.values()]  # these hold before anything is scored
    before += [i.missing.default for i in checker.unit_inputs.values() if i.missing and i.missing.default]
    for expr in before:
        for ref in references_in(expr):
            check_reference(checker, ref, False, set(), "", measures, subitems)
    check_rule_circles(checker, rule_edges)
    circle = find_circle(edges)
    if circle:
        checker.report(
            "check.quantity-cycle",
            "these measures read each other's scores in a circle: " + " → ".join(circle),
            first[(circle[0], circle[1])].span,
            "a score cannot be computed from itself; read the inputs the other measure reads instead",
        )
        return
    # a measure compares units when it calls a class-wide function or reads the score of one that does
    pending = True
    while pending:
        pending = False
        for name, targets in edges.items():
            if not comparing[name] and any(comparing.get(t, False) for t in targets):
                comparing[name] = pending = True
    bodies = [m.body for _, m in measures.values()] + [r.body for r in checker.rules]
    for body in bodies:
        lets = _lets(body)
        for expr, _ in statement_expressions(body):
            for node in walk(expr):
                if not (isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer):
                    continue
                for arg in node.args:
                    for ref in _references_through(arg, lets):
                        if ref.quantity == "score" and comparing.get(ref.target, False):
                            checker.report(
                                "check.nested-peer",
                                f"`{node.function}` over `score({ref.target})`: `{ref.target}` already compares "
                                "units across the class, and a class-wide value cannot depend on another",
                                ref.span,
                                f"take `{node.function}` over what `{ref.target}` is computed from",
                            )


def check_reference(
    checker: Checker,
    ref: n.Reference,
    allowed: bool,
    classes: set[str],
    owner: str,
    measures: dict[str, tuple[n.Category, n.Measure]],
    subitems: dict[str, str],
) -> bool:
    """One `score(M)` read by `owner` (a measure's or rule's name) in `classes`; whether it names a
    measure that may be read there."""
    written = f"{ref.quantity}({ref.target})"
    if not allowed:
        checker.report(
            "check.reference-scope",
            f"`{written}` cannot be read here: a constant or an input's default holds before any measure is scored",
            ref.span,
            "read the score in a `let` of the measure or rule that needs it",
        )
        return False
    if ref.target not in measures:
        if ref.target in subitems:
            owner = subitems[ref.target]
            help_text = f"a sub-item's points are part of `{owner}`: read `score({owner})`"
        else:
            help_text = suggest(ref.target, list(measures)) or "name an indicator, items or assessed measure"
        checker.report("check.unknown-name", f"no measure is named `{ref.target}`", ref.span, help_text)
        return False
    category, measure = measures[ref.target]
    for class_name in sorted(classes - measure_classes(checker, category, measure)):
        checker.report(
            "check.reference-scope",
            f"`{ref.target}` is not scored for class `{class_name}`, where `{owner}` reads its score",
            ref.span,
            f"limit `{owner}` with `for` to the classes `{ref.target}` is scored for",
        )
        return False
    return True


def check_result_reference(
    checker: Checker,
    ref: n.Reference,
    rule: n.Rule,
    classes: set[str],
    compared: bool,
    edges: dict[str, list[tuple[str, n.Reference]]],
) -> None:
    """`subtotal()`, `bonus(B)`, `bonus()`, `deduction(D)`, `deduction()`, `vetoed(V)` in a rule: the
    rule is decided once the quantity is known (the engine's order: coefficients, bonuses, deductions,
    vetoes, then awards and commendations), it compares the quantity across the class only once the
    class is ranked, and what it names is a rule of that kind applying wherever the reader does. Rules
    of one kind reading each other are ordered by what they read; `check_rule_circles` refuses circles."""
    written = f"{ref.quantity}({ref.target})"
    if rule.kind not in _RESULT_READERS[ref.quantity]:
        refuse_result(checker, ref, f"{rule.kind} `{rule.name}`")
        return
    if compared and rule.kind not in ("award", "commendation"):
        checker.report(
            "check.reference-scope",
            f"`{written}` cannot be compared across the class in {rule.kind} `{rule.name}`: "
            "the class's values are not known before it is ranked",
            ref.span,
            "compare it in an award or a commendation, decided after the ranking",
        )
        return
    kind = _RESULT_KINDS[ref.quantity]
    if not ref.target:
        if kind == rule.kind:
            checker.report(
                "check.quantity-cycle",
                f"{rule.kind} `{rule.name}` reads `{written}`, the sum of every {kind}, its own included",
                ref.span,
                f"name the other {kind}s it depends on, e.g. `{ref.quantity}(…)`",
            )
        return
    targets = {r.name: r for r in checker.rules if r.kind == kind}
    target = targets.get(ref.target)
    if target is None:
        help_text = suggest(ref.target, list(targets)) or f"name a {kind} of the policy"
        checker.report("check.unknown-name", f"no {kind} is named `{ref.target}`", ref.span, help_text)
        return
    applies = set(target.classes) if target.classes else set(checker.classes)
    for class_name in sorted(classes - applies):
        checker.report(
            "check.reference-scope",
            f"{kind} `{ref.target}` does not apply to class `{class_name}`, where `{rule.name}` reads it",
            ref.span,
            f"limit `{rule.name}` with `for` to the classes `{ref.target}` applies to",
        )
        return
    if kind == rule.kind:
        edges.setdefault(rule.name, []).append((ref.target, ref))


def check_rule_circles(checker: Checker, edges: dict[str, list[tuple[str, n.Reference]]]) -> None:
    """Bonuses (deductions, vetoes) that read each other in a circle have no order to be decided in."""
    for kind in ("bonus", "deduction", "veto"):
        names = [r.name for r in checker.rules if r.kind == kind]
        graph = {name: [t for t, _ in edges.get(name, ())] for name in names}
        circle = find_circle(graph)
        if circle:
            first = next(ref for t, ref in edges[circle[0]] if t == circle[1])
            checker.report(
                "check.quantity-cycle",
                f"these {kind} rules read each other in a circle: " + " → ".join(circle),
                first.span,
                "a rule cannot be decided from itself; read what the other rule reads instead",
            )


def refuse_result(checker: Checker, ref: n.Reference, reader: str) -> None:
    """A quantity read where it is not known yet: a measure or a coefficient reads no bonus, a bonus no
    deduction, a deduction no veto."""
    written = f"{ref.quantity}({ref.target})"
    what = _RESULT_WHAT[ref.quantity]
    checker.report(
        "check.reference-scope",
        f"{reader} cannot read `{written}`: it is decided before {what}",
        ref.span,
        f"read `{written}` in {_RESULT_WHERE[ref.quantity]}",
    )


def check_subtotal(checker: Checker, ref: n.Reference, rule: n.Rule, classes: set[str], compared: bool) -> None:
    """`subtotal(C)` in a rule: C is a category weighted in every class the rule applies to, and the
    subtotals are known where the rule reads it."""
    if rule.kind == "coefficient":
        refuse_subtotal(
            checker,
            ref,
            f"a coefficient cannot read `subtotal({ref.target})`: a coefficient is applied to the subtotals",
        )
        return
    if compared and rule.kind not in ("award", "commendation"):  # a bonus, a veto, a deduction
        checker.report(
            "check.reference-scope",
            f"`subtotal({ref.target})` cannot be compared across the class in {rule.kind} `{rule.name}`: "
            "the class's subtotals are not known before its totals",
            ref.span,
            "compare subtotals in an award or a commendation, decided after the ranking",
        )
        return
    if ref.target not in checker.categories:
        help_text = suggest(ref.target, list(checker.categories)) or "name a category"
        checker.report("check.unknown-name", f"no category is named `{ref.target}`", ref.span, help_text)
        return
    for class_name in sorted(classes):
        unit_class = checker.classes.get(class_name)
        if unit_class is not None and ref.target not in {s.category for s in unit_class.shares}:
            checker.report(
                "check.reference-scope",
                f"`{ref.target}` is not scored for class `{class_name}`, where `{rule.name}` reads its score",
                ref.span,
                f"limit `{rule.name}` with `for` to the classes `{ref.target}` is scored for",
            )
            return


def refuse_subtotal(checker: Checker, ref: n.Reference, message: str) -> None:
    checker.report(
        "check.reference-scope",
        message,
        ref.span,
        "read a category's subtotal in a veto, a deduction, an award or a commendation",
    )


def measure_classes(checker: Checker, category: n.Category, measure: n.Measure) -> set[str]:
    """The classes a measure is scored for: its category is weighted in them, and its `for` names them."""
    return {
        name
        for name, unit_class in checker.classes.items()
        if category.name in {s.category for s in unit_class.shares} and (not measure.classes or name in measure.classes)
    }


def class_wide_statement(checker: Checker, statement: n.Statement) -> bool:
    if isinstance(statement, n.Input):
        return statement.missing is not None and statement.missing.rule == "peer_avg"
    return any(
        isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer
        for expr, _ in statement_expressions((statement,))
        for node in walk(expr)
    )


def measure_statements(measure: n.Measure) -> Iterator[n.Statement]:
    """A measure's statements and its sub-items'."""
    for statement in measure.body:
        if isinstance(statement, n.Measure):
            yield from measure_statements(statement)
        else:
            yield statement


def statement_expressions(body: Iterable[n.Statement]) -> Iterator[tuple[n.Expr, bool]]:
    """Every expression of a body (sub-items' included), and whether it may read a measure's score: an
    input's default is read with the data, before anything is scored."""
    for statement in body:
        match statement:
            case n.Measure():
                yield from statement_expressions(statement.body)
            case n.Input(missing=n.Missing(default=default)) if default is not None:
                yield default, False
            case n.Tally(done=done, total=total):
                yield done, True
                yield total, True
            case (
                n.Let()
                | n.Score()
                | n.Completed()
                | n.When()
                | n.Amount()
                | n.Reduce()
                | n.Eligible()
                | n.Factor()
                | n.BonusPoints()
                | n.MoneyFormula()
            ):
                yield statement.expr, True


def _compared_references(expr: n.Expr, lets: dict[str, n.Expr]) -> list[n.Reference]:
    """The references inside the arguments of class-wide calls in `expr`, following the rule's lets."""
    return [
        ref
        for node in walk(expr)
        if isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer
        for arg in node.args
        for ref in _references_through(arg, lets)
    ]


# The references to quantities of the unit's result beyond the measures and categories: the total before
# bonus and deductions (`subtotal()`), a bonus's or deduction's points (or the whole of them), a veto fired.
_RESULT_REFERENCES = frozenset({"bonus", "deduction", "vetoed"})
_RESULT_READERS = {
    "subtotal": ("bonus", "deduction", "veto", "award", "commendation"),
    "bonus": ("bonus", "deduction", "veto", "award", "commendation"),
    "deduction": ("deduction", "veto", "award", "commendation"),
    "vetoed": ("veto", "award", "commendation"),
}
_RESULT_KINDS = {"subtotal": "", "bonus": "bonus", "deduction": "deduction", "vetoed": "veto"}
_RESULT_WHAT = {
    "subtotal": "the subtotals are summed",
    "bonus": "the bonuses are counted",
    "deduction": "the deductions are taken",
    "vetoed": "any veto is tested",
}
_RESULT_WHERE = {
    "subtotal": "a bonus, a deduction, a veto, an award or a commendation",
    "bonus": "a bonus, a deduction, a veto, an award or a commendation",
    "deduction": "a deduction, a veto, an award or a commendation",
    "vetoed": "a veto, an award or a commendation",
}


def _result_reference(ref: n.Reference) -> bool:
    return ref.quantity in _RESULT_REFERENCES or (ref.quantity == "subtotal" and not ref.target)


def references_in(expr: n.Expr) -> list[n.Reference]:
    return [node for node in walk(expr) if isinstance(node, n.Reference)]


def _lets(body: Iterable[n.Statement]) -> dict[str, n.Expr]:
    """The `let`s of a body (a sub-item's included, as `statement_expressions` reads them), by name."""
    found: dict[str, n.Expr] = {}
    for statement in body:
        if isinstance(statement, n.Measure):
            found.update(_lets(statement.body))
        elif isinstance(statement, n.Let):
            found[statement.name] = statement.expr
    return found


def _references_through(expr: n.Expr, lets: dict[str, n.Expr]) -> list[n.Reference]:
    """The quantities `expr` reads (`score(M)`, …), directly or through the `let`s of its body it reads:
    what a class-wide call over it depends on."""
    found: list[n.Reference] = []
    pending, seen = [expr], set()
    while pending:
        current = pending.pop()
        for node in walk(current):
            if isinstance(node, n.Reference):
                found.append(node)
            elif isinstance(node, n.Name) and node.name in lets and node.name not in seen:
                seen.add(node.name)
                pending.append(lets[node.name])
    return found
