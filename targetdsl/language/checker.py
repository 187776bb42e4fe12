"""The checker: validates an effective policy and collects every diagnostic.

It runs named passes over the resolved declarations, in order: header, names and functions, unit
inputs and constants, classes and points, measures, shares, rules, grades, ties, rankings, periods,
inherited dates, quantity references, unused inputs. It returns all diagnostics in one go, sorted
by position. Each pass lives in a `checks_*` module and works on one shared `Checker`
(`checks_state`); expression names and units are delegated to `typecheck`. Beside it, the
assumptions a policy states (`assumptions`). The checker never changes the policy and never
evaluates it.
"""

from __future__ import annotations

import attrs

from targetdsl.diagnostics import Diagnostic, sort_key
from targetdsl.language import nodes as n
from targetdsl.language.checks_classes import check_classes, check_measure_shares
from targetdsl.language.checks_grades import QUOTA_ROUNDING, UNIT_NAMES, check_grades, check_rankings, check_ties
from targetdsl.language.checks_header import (
    ROUNDING_MODES,
    ROUNDING_STAGES,
    STATUSES,
    check_builtin_names,
    check_functions,
    check_header,
)
from targetdsl.language.checks_inputs import LAST_YEAR_FIELDS, MISSING_RULES, build_global_scope, check_unused
from targetdsl.language.checks_measures import AT_MOST_ONCE, REQUIRED, STATEMENT_WORDS, check_categories
from targetdsl.language.checks_periods import check_inherited_dates, check_periods
from targetdsl.language.checks_references import check_references
from targetdsl.language.checks_rules import RESULT_NAMES, check_rule
from targetdsl.language.checks_state import Checker
from targetdsl.language.inheritance import Effective
from targetdsl.numeric import in_context

__all__ = [
    "AT_MOST_ONCE",
    "LAST_YEAR_FIELDS",
    "MISSING_RULES",
    "QUOTA_ROUNDING",
    "REQUIRED",
    "RESULT_NAMES",
    "ROUNDING_MODES",
    "ROUNDING_STAGES",
    "STATEMENT_WORDS",
    "STATUSES",
    "UNIT_NAMES",
    "Checker",
    "Stated",
    "assumptions",
    "check",
]


@in_context
def check(effective: Effective) -> list[Diagnostic]:
    """Every diagnostic for `effective`, errors and warnings, in source order."""
    checker = Checker(effective)
    check_header(checker)
    check_builtin_names(checker)
    check_functions(checker)
    checker.global_scope = build_global_scope(checker)
    check_classes(checker)
    check_categories(checker)
    check_measure_shares(checker)
    for rule in checker.rules:
        check_rule(checker, rule)
    check_grades(checker)
    check_ties(checker)
    check_rankings(checker)
    check_periods(checker)
    check_inherited_dates(checker)
    check_references(checker)
    check_unused(checker, checker.global_scope, checker.unit_inputs.values(), "unit input")
    return sorted(checker.diagnostics, key=sort_key)


# ------------------------------------------------------------ assumptions


@attrs.frozen
class Stated:
    """An assumption the policy states, with what it belongs to (`veto 安全`, `indicator 增速`)."""

    owner: str
    assumption: n.Assumption


def assumptions(effective: Effective) -> list[Stated]:
    """Every `assume` of the effective policy, in declaration order: what `check` lists, so that a reader
    sees each decision the method's source left open."""
    found: list[Stated] = []

    def body(owner: str, statements: tuple[object, ...]) -> None:
        for statement in statements:
            if isinstance(statement, n.Assumption):
                found.append(Stated(owner, statement))
            elif isinstance(statement, n.Measure):
                body(f"{statement.kind} {statement.name}", statement.body)

    if effective.header is not None:
        body("policy", effective.header.assumptions)
    for declaration in effective.declarations:
        if isinstance(declaration, n.Category):
            for measure in declaration.measures:
                body(f"{measure.kind} {measure.name}", measure.body)
        elif isinstance(declaration, n.Rule):
            body(f"{declaration.kind} {declaration.name}", declaration.body)
        elif isinstance(declaration, n.Grades):
            body("grades", declaration.assumptions)
    return found
