"""The checker's passes over grades, ties and rankings.

Grade bands are named once and cover every score exactly once (or leave the rest to `otherwise`);
quotas are shares of a class, head counts or floors of whole units, rounded in a known way; a grade a
rule names is one of the bands. Ties are broken by known keys; a `ranking` names two classes or
more, each ranked in one ranking only; the classes not graded exist. These passes report; they rank
and grade no unit.
"""

from __future__ import annotations

from decimal import Decimal

from targetdsl.language import nodes as n
from targetdsl.language.checks_classes import check_classes_exist
from targetdsl.language.checks_state import Checker, figure
from targetdsl.language.typecheck import suggest
from targetdsl.source import Span

QUOTA_ROUNDING = ("down", "up", "half_up")
UNIT_NAMES = ("id", "name", "total", "rank")


def check_grades(checker: Checker) -> None:
    if checker.grades is None:
        return
    bands = checker.grades.bands
    if not bands:
        checker.report("check.grade-gap", "`grades` declares no grade", checker.grades.span)
        return
    names: set[str] = set()
    for band in bands:
        if band.name in names:
            checker.report("check.duplicate-name", f"grade `{band.name}` is declared twice", band.span)
        names.add(band.name)
        if band.op in ("==", "!="):
            checker.report(
                "check.bad-value",
                f"a grade band cannot be `{band.op}`",
                band.span,
                "write `>= 90`, `80 to 90`, `< 60` or `otherwise`",
            )
        if band.op == "to" and band.low is not None and band.high is not None and band.low >= band.high:
            checker.report("check.grade-overlap", "the band's lower bound is not below its upper bound", band.span)
        if band.quota is not None and not 0 < band.quota <= 100:
            checker.report(
                "check.quota-range",
                f"a quota of {figure(band.quota)}% is out of range",
                band.span,
                "a quota is a share of the class above 0% and at most 100%",
            )
        if band.quota_rounding is not None and band.quota_rounding not in QUOTA_ROUNDING:
            checker.report(
                "check.bad-value",
                f"unknown quota rounding `{band.quota_rounding}`",
                band.span,
                suggest(band.quota_rounding, list(QUOTA_ROUNDING)) or "quota rounding: " + ", ".join(QUOTA_ROUNDING),
            )
        check_quota_form(checker, band)
    check_coverage(checker, bands)


# -- quota forms: a fixed head count (`quota 3`), the fewest a share keeps (`at least 1`)


def check_quota_form(checker: Checker, band: n.Band) -> None:
    for count, form in ((band.quota_count, "quota"), (band.quota_floor, "at least")):
        if count is not None and (count < 1 or count != count.to_integral_value()):
            checker.report(
                "check.quota-count",
                f"a quota head count of {figure(count)} is not a whole number of 1 or more",
                band.span,
                f"`{form}` takes a whole number of units, such as `{form} 1`",
            )


def check_coverage(checker: Checker, bands: tuple[n.Band, ...]) -> None:
    """Bands must cover every score exactly once (or leave the rest to `otherwise`)."""
    otherwise = [b for b in bands if b.op == "otherwise"]
    if len(otherwise) > 1:
        checker.report("check.grade-overlap", "more than one grade is `otherwise`", otherwise[1].span)
    intervals: list[tuple[Decimal | None, bool, Decimal | None, bool, n.Band]] = []
    for band in bands:
        if band.op in (">=", ">"):
            intervals.append((band.low, band.op == ">=", None, False, band))
        elif band.op in ("<", "<="):
            intervals.append((None, False, band.high, band.op == "<=", band))
        elif band.op == "to" and band.low is not None and band.high is not None and band.low < band.high:
            intervals.append((band.low, True, band.high, False, band))
    intervals.sort(key=lambda i: (i[0] is not None, i[0] if i[0] is not None else 0, not i[1]))
    reach: tuple[Decimal | None, bool] | None = None  # covered up to (value, closed); value None = +inf
    reached_by: n.Band | None = None
    for low, low_closed, high, high_closed, band in intervals:
        if reach is None:
            if low is not None and not otherwise:
                checker.report(
                    "check.grade-gap",
                    f"scores below {figure(low)} get no grade",
                    band.span,
                    f"add e.g. `不合格 < {figure(low)}` or a grade `otherwise`",
                )
        else:
            end, end_closed = reach
            if end is None or low is None or low < end or (low == end and end_closed and low_closed):
                other = f"`{reached_by.name}`" if reached_by is not None else "another grade"
                checker.report(
                    "check.grade-overlap",
                    f"grade `{band.name}` overlaps {other}",
                    band.span,
                    "each score must fall in exactly one grade",
                )
            elif (low > end or not (end_closed or low_closed)) and not otherwise:
                checker.report(
                    "check.grade-gap",
                    f"scores from {figure(end)} to {figure(low)} get no grade",
                    band.span,
                    "make the bands meet, or add a grade `otherwise`",
                )
        if (
            reach is None
            or reach[0] is not None
            and (high is None or high > reach[0] or high == reach[0] and high_closed)
        ):
            reach = (high, high_closed)
            reached_by = band
    if reach is not None and reach[0] is not None and not otherwise:
        checker.report(
            "check.grade-gap",
            f"scores of {figure(reach[0])} and above get no grade",
            intervals[-1][4].span,
            f"add a grade `>= {figure(reach[0])}`",
        )


def check_grade_name(checker: Checker, name: str, span: Span) -> None:
    if checker.grades is None:
        checker.report("check.unknown-name", f"grade `{name}` is used but the policy declares no `grades`", span)
    elif name not in checker.grade_names:
        checker.report(
            "check.unknown-name",
            f"unknown grade `{name}`",
            span,
            suggest(name, list(checker.grade_names)) or "grades: " + ", ".join(sorted(checker.grade_names)),
        )


def check_ties(checker: Checker) -> None:
    ties = next((d for d in checker.policy.declarations if isinstance(d, n.Ties)), None)
    if ties is None:
        return
    known = [*UNIT_NAMES, *checker.categories]
    for key in ties.keys:
        if key.key not in known:
            checker.report(
                "check.unknown-name",
                f"cannot break ties by `{key.key}`",
                key.span,
                suggest(key.key, known, "key") or "tie keys: `total`, a category, `id`, `name`",
            )
        if key.direction not in (None, "asc", "desc"):
            checker.report("check.bad-value", f"unknown direction `{key.direction}`", key.span, "write `asc` or `desc`")


# -- rankings across classes (统一排序), classes not graded


def check_rankings(checker: Checker) -> None:
    ranked_in: dict[str, str] = {}
    for ranking in (d for d in checker.policy.declarations if isinstance(d, n.Ranking)):
        check_classes_exist(checker, ranking.classes, ranking.span)
        named: set[str] = set()
        for name in ranking.classes:
            if name in named:
                checker.report(
                    "check.ranking-overlap",
                    f"class `{name}` is named twice in ranking `{ranking.name}`",
                    ranking.span,
                    "name each class once",
                )
            elif name in ranked_in:
                checker.report(
                    "check.ranking-overlap",
                    f"class `{name}` is already ranked in ranking `{ranked_in[name]}`",
                    ranking.span,
                    "a class has one rank: name it in one ranking, or merge the two rankings",
                )
            named.add(name)
            ranked_in.setdefault(name, ranking.name)
        if len(named) == 1:
            checker.report(
                "check.ranking-single",
                f"ranking `{ranking.name}` names one class",
                ranking.span,
                "a class is ranked on its own without a `ranking`: name two classes or more, or remove it",
            )
    for ungraded in checker.grades.not_graded if checker.grades else ():
        check_classes_exist(checker, ungraded.classes, ungraded.span)
