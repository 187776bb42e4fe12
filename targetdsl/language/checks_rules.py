"""The checker's pass over rules: vetoes, bonuses, deductions, limits, awards, coefficients and
commendations.

Each statement's expression is of the kind it needs and reads the rule's own inputs, the unit's
inputs and constants, and the result names its kind may read (`RESULT_NAMES`); a bonus counts award
levels or computes its points, not both; a limit caps bonuses or deductions, each named once; a rule
is decided for each unit alone, so it reads nothing class-wide through an input missing as the
class average; a carry-over cutoff lies after the policy's year. The pass reports; it decides no
rule.
"""

from __future__ import annotations

import datetime
import os

from targetdsl.language import nodes as n
from targetdsl.language.checks_classes import check_classes_exist
from targetdsl.language.checks_grades import check_grade_name
from targetdsl.language.checks_inputs import body_scope, check_require, check_unused, class_wide, refuse_prorated
from targetdsl.language.checks_measures import check_statements
from targetdsl.language.checks_state import Checker, span_of
from targetdsl.language.typecheck import Kind, Scope, suggest
from targetdsl.source import Span

# Names a rule body can read besides its own inputs, by rule kind.
RESULT_NAMES: dict[str, dict[str, Kind]] = {
    "award": {
        "total": Kind.NUMBER,
        "rank": Kind.NUMBER,
        "items": Kind.NUMBER,
        "completed_items": Kind.NUMBER,
        "vetoed": Kind.BOOL,
    },
    "commendation": {"total": Kind.NUMBER, "rank": Kind.NUMBER, "vetoed": Kind.BOOL},
}


def check_rule(checker: Checker, rule: n.Rule) -> None:
    check_statements(checker, rule.kind, rule.name, rule.body, rule.span)
    check_classes_exist(checker, rule.classes, rule.span)
    scope = body_scope(checker, rule.body, checker.global_scope, RESULT_NAMES.get(rule.kind))
    for statement in rule.body:
        if isinstance(statement, n.Input) and statement.prorated:
            refuse_prorated(checker, statement, f"an input of {rule.kind} `{rule.name}`")
    expect = checker.expect
    levels: set[str] = set()
    for statement in rule.body:
        match statement:
            case n.When(expr=expr):
                expect(expr, scope, Kind.BOOL, "the condition", statement.span)
            case n.Require():
                check_require(checker, statement, scope, rule.body)
            case n.Effects(effects=effects):
                for effect in effects:
                    if effect.grade is not None:
                        check_grade_name(checker, effect.grade, statement.span)
            case n.Level():
                if statement.name in levels:
                    checker.report(
                        "check.duplicate-name", f"award level `{statement.name}` is declared twice", statement.span
                    )
                levels.add(statement.name)
                if statement.points <= 0 or (statement.limit is not None and statement.limit < statement.points):
                    checker.report(
                        "check.bad-value",
                        "a level's points must be positive and its limit at least its points",
                        statement.span,
                    )
            case n.Cap(value=value) if value <= 0:
                checker.report("check.bad-value", "a cap must be positive", statement.span)
            case n.CarryOver(after=after):
                check_cutoff(checker, after, statement.span)
            case n.Amount(expr=expr):
                expect(expr, scope, Kind.NUMBER, "a deduction", statement.span)
            case n.Money(amounts=amounts):
                for amount in amounts:
                    check_grade_name(checker, amount.grade, amount.span)
                    if amount.amount < 0:
                        checker.report("check.bad-value", "an award amount cannot be negative", amount.span)
            case n.LimitOver():
                check_limit(checker, rule, statement)
            case n.BonusPoints(expr=expr):
                expect(expr, scope, Kind.NUMBER, "a bonus's points", statement.span)
            case n.MoneyFormula(expr=expr):
                expect(expr, scope, Kind.NUMBER, "the award money", statement.span)
            case n.Reduce(percent=percent, expr=expr):
                if not 0 < percent <= 100:
                    checker.report("check.bad-value", "a reduction is more than 0% and at most 100%", statement.span)
                expect(expr, scope, Kind.BOOL, "the condition of `reduce`", statement.span)
            case n.Eligible(expr=expr):
                expect(expr, scope, Kind.BOOL, "the condition of `eligible`", statement.span)
            case n.Factor(expr=expr):
                expect(expr, scope, Kind.NUMBER, "a coefficient", statement.span)
            case n.Applies(target=target):
                if target != "total" and target not in checker.categories:
                    checker.report(
                        "check.unknown-name",
                        f"a coefficient applies to `total` or a category, not `{target}`",
                        statement.span,
                        suggest(target, ["total", *checker.categories], "key"),
                    )
    check_per_unit(checker, rule, scope)
    if rule.kind == "bonus":
        check_bonus_form(checker, rule, levels)
    check_unused(checker, scope, [s for s in rule.body if isinstance(s, n.Input)], "input")


# -- a shared cap: over bonuses only, or deductions only, each named once


def check_limit(checker: Checker, rule: n.Rule, over: n.LimitOver) -> None:
    kinds = {r.name: r.kind for r in checker.rules if r.kind in ("bonus", "deduction")}
    both = {r.name for r in checker.rules if r.kind == "bonus"} & {
        r.name for r in checker.rules if r.kind == "deduction"
    }
    seen: set[str] = set()
    for name in over.names:
        if name in seen:
            checker.report("check.duplicate-name", f"`{name}` is named twice in limit `{rule.name}`", over.span)
        seen.add(name)
        if name not in kinds:
            checker.report(
                "check.unknown-name",
                f"limit `{rule.name}` caps `{name}`, which is no bonus or deduction",
                over.span,
                suggest(name, list(kinds)) or "bonuses and deductions: " + ", ".join(sorted(kinds)),
            )
    found = {kinds[name] for name in over.names if name in kinds}
    if len(found) > 1 or any(name in both for name in over.names):
        checker.report(
            "check.limit-mixed",
            f"limit `{rule.name}` caps bonuses and deductions together",
            over.span,
            "a limit caps the sum of bonuses, or the sum of deductions: make it two limits",
        )


# -- computed bonuses: award levels, or points computed by a formula, gated by `when`


def check_bonus_form(checker: Checker, rule: n.Rule, levels: set[str]) -> None:
    computed = [s for s in rule.body if isinstance(s, n.BonusPoints | n.When)]
    if not levels and not any(isinstance(s, n.BonusPoints) for s in computed):
        checker.report(
            "check.missing-statement",
            f"bonus `{rule.name}` has no award level",
            rule.span,
            'add e.g. `level provincial "省级" 2`, or compute the bonus with `points …`',
        )
    elif levels and computed:
        checker.report(
            "check.bonus-form",
            f"bonus `{rule.name}` both counts award levels and computes its points",
            span_of(computed[0], rule.span),
            "a bonus counts the awards won by level, or computes `points` (with a `when`): make them two bonuses",
        )
    carry = next((s for s in rule.body if isinstance(s, n.CarryOver)), None)
    if carry is not None and not levels:
        checker.report(
            "check.bonus-form",
            f"bonus `{rule.name}` carries awards over but counts none",
            carry.span,
            "`carry over after` belongs to a bonus that counts award levels: delete it here",
        )


def check_per_unit(checker: Checker, rule: n.Rule, scope: Scope) -> None:
    """A rule is decided for each unit alone: a class-wide function, or a value missing and
    replaced by the class average, has no class to read there. Refused here, or it would fail
    for every unit at run time."""
    reported: set[tuple[int, int, str]] = set()

    def refuse(what: str, span: Span, through: str | None) -> None:
        if (span.line, span.column, span.file) in reported:
            return
        reported.add((span.line, span.column, span.file))
        via = f" (through `{through}`)" if through else ""
        checker.report(
            "check.peer-in-rule",
            f"{what}{via} needs the unit's whole class, but {rule.kind} `{rule.name}` is decided for each unit alone",
            span,
            "give the input `missing zero` or a `missing default`; to compare with the class, say so: `peer_avg(x)`",
        )

    expressions: list[n.Expr] = []
    for statement in rule.body:
        if isinstance(statement, n.Input) and statement.missing is not None:
            if statement.missing.rule == "peer_avg":
                refuse(f"`missing peer_avg` for `{statement.name}`", span_of(statement.missing, statement.span), None)
        expression = getattr(statement, "expr", None)
        if expression is not None and not isinstance(statement, n.Let):  # a let counts where it is used
            expressions.append(expression)
    for expression in expressions:
        for node, via in class_wide(checker, expression, scope, (), None):
            if isinstance(node, n.Call):
                continue  # decided over the class's values (docs/semantics.md, steps 1 and 10)
            what = (
                f"`{node.function}`"
                if isinstance(node, n.Call)
                else f"unit input `{getattr(node, 'name', '')}` (missing: the class average)"
            )
            if via is None:
                refuse(what, node.span, None)
            else:
                refuse(what, via.span, via.name)


def check_cutoff(checker: Checker, after: datetime.date, span: Span) -> None:
    """The carry-over cutoff lies from the last day of the policy's year to the end of the next. One
    inside the year may be meant (a method whose award season closes in November) and is warned when
    written in this file; inherited from another file, or outside both years, it is an error: an
    earlier one (last year's, say) would carry a whole year of awards over."""
    header = checker.policy.header
    year = header.year.value if header and header.year else None
    if year is None or datetime.date(year, 12, 31) <= after <= datetime.date(year + 1, 12, 31):
        return
    inherited = span.file != checker.policy.files[-1]
    where = f", inherited from `{os.path.basename(span.file)}`," if inherited else ""
    fix = f"awards dated after the cutoff count next year, so a {year} policy needs a cutoff such as {year + 1}-01-15"
    if after.year == year and not inherited:
        checker.warn(
            "check.early-cutoff",
            f"the carry-over cutoff {after} lies inside {year}: every award dated after it counts in {year + 1}",
            span,
            f"if the award season closes before the year ends, keep it; otherwise {fix[0].lower()}{fix[1:]}",
        )
        return
    checker.report(
        "check.bad-value",
        f"the carry-over cutoff {after}{where} is not between the end of {year} and the end of {year + 1}",
        span,
        fix + (f": override the bonus in this file with its own `carry over after {year + 1}-…`" if inherited else ""),
    )
