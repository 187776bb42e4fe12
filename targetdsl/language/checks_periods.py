"""The checker's passes over the policy's calendar.

Periods end in increasing months and are weighted all or none, their weights adding up to 100 %;
the measures weighted over them (`for …` in `periods`) are measures with points of their own that
read no measure's score. A date inherited from an earlier year's file and falling before this
policy's year is likely that year's deadline, and is warned. These passes report; they compute no
period.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal

import attrs

from targetdsl.language import nodes as n
from targetdsl.language.checks_references import references_in, statement_expressions
from targetdsl.language.checks_state import Checker, figure
from targetdsl.language.typecheck import suggest


def check_periods(checker: Checker) -> None:
    periods = next((d for d in checker.policy.declarations if isinstance(d, n.Periods)), None)
    if periods is None:
        return
    previous = 0
    names: set[str] = set()
    for period in periods.periods:
        if period.name in names:
            checker.report("check.duplicate-name", f"period `{period.name}` is declared twice", period.span)
        names.add(period.name)
        if not 1 <= period.through <= 12:
            checker.report("check.bad-value", f"month {period.through} does not exist", period.span)
        elif period.start is not None and not 1 <= period.start <= period.through:
            # non-cumulative periods
            checker.report(
                "check.bad-value",
                f"period `{period.name}` runs from month {period.start} through month {period.through}",
                period.span,
                "a period starts in a month from 1 to its last month",
            )
        elif period.through <= previous:
            checker.report("check.period-order", "periods must end in increasing months", period.span)
        previous = max(previous, period.through)
    weights = [p.weight for p in periods.periods if p.weight is not None]
    if weights and len(weights) != len(periods.periods):
        checker.report(
            "check.period-weights",
            "some periods have a weight and others do not",
            periods.span,
            "weight every period, or none",
        )
    elif weights and sum(weights, Decimal(0)) != 100:
        checker.report(
            "check.period-weights",
            f"period weights add up to {figure(sum(weights, Decimal(0)))}%, not 100%",
            periods.span,
        )
    if periods.weighted is not None:
        check_weighted_measures(checker, periods.weighted, has_weights=bool(weights))


def check_weighted_measures(checker: Checker, weighted: n.WeightedMeasures, *, has_weights: bool) -> None:
    """Weights per indicator (`for M, …` in `periods`): the periods have weights; each name is a measure,
    named once, with points of its own (its score in every period is a share of the same points), that
    reads no measure's score (the measures it could read are not scored in the earlier periods, or are
    themselves combined)."""
    if not has_weights:
        checker.report(
            "check.period-weights",
            "`for` names the measures the period weights apply to, but no period has a weight",
            weighted.span,
            "weight every period, adding up to 100%: `一季度 through month 3 weight 15%`",
        )
    measures = {m.name: m for category in checker.categories.values() for m in category.measures}
    seen: set[str] = set()
    for name in weighted.names:
        if name.name in seen:
            checker.report("check.duplicate-name", f"`{name.name}` is weighted over the periods twice", name.span)
            continue
        seen.add(name.name)
        measure = measures.get(name.name)
        if measure is None:
            checker.report(
                "check.unknown-name",
                f"the periods weight `{name.name}`, which is no measure",
                name.span,
                suggest(name.name, list(measures)) or "name indicators, items or assessed measures",
            )
            continue
        if measure.kind == "items" and measure.points is None and measure.share is None:
            checker.report(
                "check.bad-value",
                f"items `{measure.name}` is weighted over the periods but has no points of its own",
                name.span,
                "its items may differ from period to period: give the list its points, "
                f"`items {measure.name} points 20 {{`, so that every period scores a share of the same points",
            )
        read = next(
            (r for e, _ in statement_expressions(measure.body) for r in references_in(e) if r.quantity == "score"),
            None,
        )
        if read is not None:
            checker.report(
                "check.reference-scope",
                f"`{measure.name}` is weighted over the periods and reads `score({read.target})`",
                read.span,
                "a measure weighted over the periods is scored in each period on its own inputs: "
                "read the inputs the other measure reads instead",
            )


def check_inherited_dates(checker: Checker) -> None:
    """A date written in last year's file and inherited into this year's is likely a deadline of that
    year (`completed when finished <= 2003-06-30` in a 2004 policy): warn where one predates the year."""
    header = checker.policy.header
    year = header.year.value if header and header.year else None
    if year is None or len(checker.policy.files) < 2:
        return
    for declaration in checker.policy.declarations:
        origin = declaration.span.file
        if origin == checker.policy.files[-1]:
            continue
        key = " ".join(n.declaration_key(declaration))
        for date in _dates(declaration):
            if date.value.year < year:
                checker.warn(
                    "check.inherited-date",
                    f"the date {date.value}, inherited from `{os.path.basename(origin)}`, "
                    f"is before this policy's year {year}",
                    date.span,
                    f"if it is a deadline of the earlier year, override `{key}` in this file with this year's date",
                )


def _dates(node: object) -> Iterator[n.Date]:
    """Every date literal inside a declaration."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, n.Date):
            yield current
        elif isinstance(current, tuple):
            pending.extend(current)
        elif attrs.has(type(current)):
            pending.extend(getattr(current, field.name) for field in attrs.fields(type(current)))  # type: ignore[arg-type]
