"""Rank, grades and quotas over a ranking (one class, or the classes a `ranking` names): the order by
the policy's tie keys, the grade by band and veto effects, each quota (a share or a head count, ties
sharing the last place, a unit whose veto withholds the award passed over), and the reason each unit
has its grade; the bands and quota forms publications read as well (`in_band`, `head_count`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from targetdsl.evaluation import cover
from targetdsl.evaluation.drafts import NO_GRADES, SUMS, Draft, Ranked, Standing
from targetdsl.evaluation.results import not_graded_reason
from targetdsl.language import nodes as n
from targetdsl.language.nodes import EffectKind
from targetdsl.language.schema import Schema
from targetdsl.numeric import ZERO, in_context, percent_of, text, whole


class Graded(Protocol):
    """What the reason for a grade reads of a unit: a draft, a standing, a row kept of it."""

    @property
    def reason(self) -> str | None: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def grade(self) -> str | None: ...


class Grading:
    """The ranking and grading of an assessment's units (drafts, or a stream's standings)."""

    schema: Schema
    bands: dict[str, str]  # each grade's band, as reasons name it

    @in_context
    def rank(self, drafts: list[Ranked]) -> list[Ranked]:
        keys = list(self.schema.ties)
        if not any(k.key == "id" for k in keys):
            keys.append(n.TieKey("id", "asc"))

        if [(k.key, k.direction or "desc") for k in keys[:-1]] == [("total", "desc")] and (
            keys[-1].key,
            keys[-1].direction or "asc",
        ) == ("id", "asc"):
            # the usual order, by two stable sorts that make no key objects (a million units: no copies)
            ordered = sorted(drafts, key=lambda d: d.unit.id)
            ordered.sort(key=lambda d: d.total, reverse=True)  # stable: ids stay ascending among equal totals
            return ordered

        def sort_key(draft: Ranked) -> tuple[object, ...]:
            parts: list[object] = []
            for key in keys:
                descending = (key.direction or ("asc" if key.key in ("id", "name") else "desc")) == "desc"
                if key.key in ("total", "rank"):
                    value: object = draft.total
                elif key.key == "id":
                    value = draft.unit.id
                elif key.key == "name":
                    value = draft.unit.name
                else:
                    index = next(
                        (
                            i
                            for i, c in enumerate(self.schema.classes[draft.unit.unit_class].categories)
                            if c.name == key.key
                        ),
                        None,
                    )
                    value = draft.sums[SUMS.width * index + SUMS.subtotal] if index is not None else ZERO
                parts.append(_Descending(value) if descending else value)
            return tuple(parts)

        return sorted(drafts, key=sort_key)

    def reason(self, ranked: Graded) -> str:
        """Why a unit has its grade: the reason grading kept, or, when nothing but the total decided,
        the band the total is in."""
        if ranked.reason is not None:
            return ranked.reason
        if not self.schema.grades:
            return NO_GRADES
        return f"total {text(ranked.total)} is in band {self.bands[ranked.grade]}"  # type: ignore[index]

    @in_context
    def grade(self, ordered: list[Draft] | list[Standing]) -> None:
        """Grades by band, veto effects and quotas, in rank order. A unit's reason is left None when it
        would say only which band the total is in (`reason` says it when it is needed)."""
        ladder = [g.name for g in self.schema.grades]
        if not ladder:
            for draft in ordered:
                draft.grade, draft.reason = None, None
            return
        ungraded = self.schema.ungraded
        if ungraded:  # units not graded: ranked, given no grade, holding no quota place
            for draft in ordered:
                if draft.unit.unit_class in ungraded:
                    draft.grade = None
                    draft.reason = not_graded_reason(draft.unit.unit_class)
            ordered = [d for d in ordered if d.unit.unit_class not in ungraded]  # type: ignore[assignment]
        bands = self.bands
        for draft in ordered:
            total = draft.total
            band = next((g for g in self.schema.grades if in_band(g.band, total)), self.schema.grades[-1])
            grade, notes = band, ""
            for veto in draft.vetoes:
                for effect in veto.actions:
                    if effect.kind is EffectKind.GRADE:
                        forced = effect.grade
                        notes += f"; veto {veto.label or veto.name} forces {forced}"  # as results show a veto
                        grade = next(g for g in self.schema.grades if g.name == forced)
                    elif effect.kind is EffectKind.CAP_GRADE:
                        cap = effect.grade
                        if ladder.index(grade.name) < ladder.index(cap):  # type: ignore[arg-type]
                            notes += f"; veto {veto.label or veto.name} caps the grade at {cap}"
                            grade = next(g for g in self.schema.grades if g.name == cap)
            draft.grade = grade.name
            draft.reason = f"total {text(total)} is in band {bands[band.name]}{notes}" if notes else None
            cover.hit(grade.band.span, f"grade {grade.name} given")
        size = len(ordered)
        for index, spec in enumerate(self.schema.grades):
            band_spec = spec.band
            if band_spec.quota is None and band_spec.quota_count is None:
                continue
            allowed = head_count(band_spec, size)
            below = ladder[index + 1] if index + 1 < len(ladder) else spec.name
            # A unit whose veto withholds the award takes no place in a quota: it is passed over, and
            # the next unit in rank order has the place (in the last grade there is nowhere to pass it).
            last = below == spec.name
            holders = [d for d in ordered if d.grade == spec.name and (last or not _withheld(d))]
            passed_over = [] if last else [d for d in ordered if d.grade == spec.name and _withheld(d)]
            if band_spec.quota_ties and 0 < allowed < len(holders):
                # units tied with the last place kept share the grade: the quota is exceeded by them
                boundary = holders[allowed - 1].total
                while allowed < len(holders) and holders[allowed].total == boundary:
                    tied = holders[allowed]
                    base = tied.reason or self.reason(tied)
                    tied.reason = base + f"; tied with the last place of the {spec.name} quota, it shares it"
                    allowed += 1
            if holders[allowed:]:
                cover.hit(band_spec.span, f"grade {spec.name}: quota applied")
            below_band = next(g.band for g in self.schema.grades if g.name == below)
            for draft in passed_over:
                cover.hit(below_band.span, f"grade {below} given")
                base = draft.reason if draft.reason is not None else self.reason(draft)
                draft.grade = below
                draft.reason = base + (
                    f"; a veto withholds the award, so it takes no place in the {spec.name} quota and gets {below}"
                )
            for draft in holders[allowed:]:
                cover.hit(below_band.span, f"grade {below} given")
                base = draft.reason if draft.reason is not None else self.reason(draft)
                draft.grade = below
                draft.reason = (
                    base
                    + f"; {spec.name} is limited to {quota_words(band_spec, size, allowed)}, "
                    + (f"so ranked below the quota it gets {below}")
                )


class _Descending:
    """Wraps a value so that sorting puts larger values first."""

    __slots__ = ("value",)

    def __init__(self, value: object):
        self.value = value

    def __lt__(self, other: _Descending) -> bool:
        return self.value > other.value  # type: ignore[operator,no-any-return]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


def in_band(band: n.Band, total: Decimal) -> bool:
    """Whether `total` lies in a grade's band (what the engine grades by, and publications read)."""
    if band.op == ">=":
        return total >= band.low  # type: ignore[operator]
    if band.op == ">":
        return total > band.low  # type: ignore[operator]
    if band.op == "<":
        return total < band.high  # type: ignore[operator]
    if band.op == "<=":
        return total <= band.high  # type: ignore[operator]
    if band.op == "to":
        return band.low <= total < band.high  # type: ignore[operator]
    return band.op == "otherwise"


# ------------------------------------------------------------ quota forms


def head_count(band: n.Band, size: int) -> int:
    """How many units of a class of `size` a grade's quota keeps: a fixed head count (`quota 3`), or the
    share of the class rounded as the band says, raised to its `at least`."""
    if band.quota_count is not None:
        return int(band.quota_count)
    allowed = whole(percent_of(band.quota, size), band.quota_rounding or "down")  # type: ignore[arg-type]
    if band.quota_floor is not None:
        allowed = max(allowed, int(band.quota_floor))
    return allowed


def quota_words(band: n.Band, size: int, allowed: int) -> str:
    """What a quota allows, as a reason says it: `3 units`, `30% of 9 units = 2`, `20% of 3 units = 0,
    at least 1`."""
    if band.quota_count is not None:
        return f"{allowed} units"
    share = whole(percent_of(band.quota, size), band.quota_rounding or "down")  # type: ignore[arg-type]
    said = f"{text(band.quota)}% of {size} units = {share}"  # type: ignore[arg-type]
    return said if allowed == share else f"{said}, at least {allowed}"


def _band(band: n.Band) -> str:
    if band.op == "to":
        return f"{band.name} [{text(band.low)}, {text(band.high)})"  # type: ignore[arg-type]
    if band.op == "otherwise":
        return f"{band.name} (otherwise)"
    bound = band.low if band.low is not None else band.high
    return f"{band.name} ({band.op} {text(bound)})"  # type: ignore[arg-type]


def _withheld(ranked: Draft | Standing) -> bool:
    """Whether a veto with `no award` fired for the unit."""
    return any(v.withholds_award for v in ranked.vetoes)
