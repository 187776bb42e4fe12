"""The checker's passes over classes and their points.

Each class lists known categories once, with points that add up to the policy's scale (or
percentages that add up to 100 %); every category is part of a class. A measure's `share` is a part
of its category's points: the measures of a category with shares all have one, adding up to 100 %
in each class; a category of adjustment items alone weighs nothing. Also whether the classes a
declaration names exist. These passes report; they compute no points.
"""

from __future__ import annotations

from decimal import Decimal

from targetdsl.language import nodes as n
from targetdsl.language.checks_state import Checker, figure, file_start
from targetdsl.language.typecheck import suggest
from targetdsl.source import Span


def check_classes(checker: Checker) -> None:
    if not checker.classes:
        files = checker.policy.files
        where = checker.policy.header.span if checker.policy.header else file_start(files)
        checker.report(
            "check.no-classes",
            "the policy declares no unit class",
            where,
            'declare at least one, e.g. `class 县区 "县区" { 定量指标 100 }`',
        )
    used: set[str] = set()
    for unit_class in checker.classes.values():
        seen: dict[str, n.Share] = {}
        for share in unit_class.shares:
            if share.category in seen:
                checker.report(
                    "check.duplicate-name",
                    f"category `{share.category}` is listed twice in class `{unit_class.name}`",
                    share.span,
                )
            seen[share.category] = share
            if share.category not in checker.categories:
                checker.report(
                    "check.unknown-name",
                    f"unknown category `{share.category}`",
                    share.span,
                    suggest(share.category, list(checker.categories)) or "declare it with `category`",
                )
            used.add(share.category)
            if share.amount <= 0:
                checker.report("check.bad-value", "a category's points must be positive", share.span)
        check_points(checker, unit_class)
    for category in checker.categories.values():
        if category.name not in used:
            checker.warn(
                "check.unused-category",
                f"category `{category.name}` is not part of any class",
                category.span,
                "list it with its points in a `class`, or delete it",
            )


def check_points(checker: Checker, unit_class: n.UnitClass) -> None:
    shares = unit_class.shares
    if not shares:
        checker.report(
            "check.points-mismatch",
            f"class `{unit_class.name}` gives no category any points",
            unit_class.span,
            "list each category with its points, e.g. `quantitative 50`",
        )
        return
    percents = [s for s in shares if s.percent]
    if percents and len(percents) != len(shares):
        checker.report(
            "check.points-mismatch",
            f"class `{unit_class.name}` mixes points and percentages",
            percents[0].span,
            "give every category points, or every category a percentage",
        )
        return
    total = sum((s.amount for s in shares), Decimal(0))
    if percents:
        if total != 100:
            checker.report(
                "check.points-mismatch",
                f"the weights of class `{unit_class.name}` add up to {figure(total)}%, not 100%",
                unit_class.span,
                _ratio(shares),
            )
    elif total != checker.scale:
        checker.report(
            "check.points-mismatch",
            f"the points of class `{unit_class.name}` add up to {figure(total)}, "
            f"not the policy's scale of {figure(checker.scale)}",
            unit_class.span,
            _ratio(shares) + "; change a category's points or the header's `scale`",
        )


def check_share_value(checker: Checker, measure: n.Measure) -> None:
    """`share P%` is a part of the category's points: above 0 and at most 100 %, and only for a measure
    of a category (a sub-item's weight is its points within its indicator)."""
    assert measure.share is not None
    if measure.kind == "subitem":
        checker.report(
            "check.bad-value",
            f"sub-item `{measure.name}` has a share: a sub-item is weighted by its points within its indicator",
            measure.span,
            "write `points` on the sub-item; a share applies to a measure of a category",
        )
    elif not 0 < measure.share <= 100:
        checker.report(
            "check.bad-value",
            f"the share of `{measure.name}` is {figure(measure.share)}%: a share lies above 0% and at most 100%",
            measure.span,
        )


def check_measure_shares(checker: Checker) -> None:
    """In each class, the measures of a category that has shares all have one, and their shares add up
    to 100 %: a share is a part of the category's points, so a measure with fixed points beside them, or
    shares adding up to another total, would make `35%` mean something else once reweighted."""
    for unit_class in checker.classes.values():
        for weight in unit_class.shares:
            category = checker.categories.get(weight.category)
            if category is None:
                continue
            applicable = [m for m in category.measures if not m.classes or unit_class.name in m.classes]
            if applicable and all(_adjustment(m) for m in applicable):
                checker.report(
                    "check.adjustment",
                    f"category `{category.name}` has only adjustment items (`points 0`) in class "
                    f"`{unit_class.name}`: its {figure(weight.amount)} points weigh nothing",
                    category.span,
                    "put the adjustment items in a category with weighted measures, "
                    "or write them as `bonus` and `deduction` rules",
                )
                continue
            shared = [m for m in applicable if m.share is not None]
            if not shared:
                continue
            fixed = [m for m in applicable if m.share is None and not _adjustment(m)]
            if fixed:
                checker.report(
                    "check.points-mismatch",
                    f"category `{category.name}` gives `{shared[0].name}` a share but `{fixed[0].name}` "
                    f"points, in class `{unit_class.name}`",
                    fixed[0].span,
                    "give every measure of the category a share (`share 20%`), or every one points",
                )
                continue
            total = sum((m.share for m in shared if m.share is not None), Decimal(0))
            if total != 100:
                checker.report(
                    "check.points-mismatch",
                    f"the shares of category `{category.name}` add up to {figure(total)}%, not 100%, "
                    f"in class `{unit_class.name}`",
                    category.span,
                    ", ".join(f"{m.name} {figure(m.share)}%" for m in shared if m.share is not None),
                )


def check_classes_exist(checker: Checker, classes: tuple[str, ...], span: Span) -> None:
    for name in classes:
        if name not in checker.classes:
            checker.report(
                "check.unknown-name",
                f"unknown class `{name}`",
                span,
                suggest(name, list(checker.classes)) or "declare it with `class`",
            )


def _ratio(shares: tuple[n.Share, ...]) -> str:
    return "the categories are " + " : ".join(
        f"{s.category} {figure(s.amount)}{'%' if s.percent else ''}" for s in shares
    )


def _adjustment(measure: n.Measure) -> bool:
    """An adjustment item (加扣分项): an indicator of `points 0`, whose score is added as it is."""
    return measure.kind == "indicator" and measure.points is not None and measure.points == 0
