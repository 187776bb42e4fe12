"""The impact of a policy change on real units: both versions, the same data.

Each unit's total, grade, rank and veto before and after, sorted by the
size of the effect, and a summary: how many units change grade, who
enters or leaves the top grade. Data written for one version may carry
inputs the other does not declare; those are ignored for that version and
listed, never silently.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from targetdsl.evaluation.results import Assessment, UnitResult
from targetdsl.messages import Language, translate
from targetdsl.numeric import CONTEXT, average, exact_sum, text
from targetdsl.outputs import render_table, two
from targetdsl.values import DataProblem


@attrs.frozen
class UnitImpact:
    id: str
    name: str
    unit_class: str
    old_total: Decimal
    new_total: Decimal
    old_grade: str | None
    new_grade: str | None
    old_rank: int
    new_rank: int
    old_vetoes: tuple[str, ...]
    new_vetoes: tuple[str, ...]

    @property
    def delta(self) -> Decimal:
        return CONTEXT.subtract(self.new_total, self.old_total)


@attrs.frozen
class Impact:
    units: tuple[UnitImpact, ...]
    old_top: str | None
    new_top: str | None
    ignored_by_old: tuple[DataProblem, ...]
    ignored_by_new: tuple[DataProblem, ...]

    @property
    def grade_changes(self) -> tuple[UnitImpact, ...]:
        return tuple(u for u in self.units if u.old_grade != u.new_grade)

    @property
    def entered_top(self) -> tuple[UnitImpact, ...]:
        return tuple(u for u in self.units if u.new_grade == self.new_top and u.old_grade != self.old_top)

    @property
    def left_top(self) -> tuple[UnitImpact, ...]:
        return tuple(u for u in self.units if u.old_grade == self.old_top and u.new_grade != self.new_top)

    def to_json(self) -> dict[str, Any]:
        return {
            "units": [
                {
                    "id": u.id,
                    "name": u.name,
                    "class": u.unit_class,
                    "old_total": text(u.old_total),
                    "new_total": text(u.new_total),
                    "delta": text(u.delta),
                    "old_grade": u.old_grade,
                    "new_grade": u.new_grade,
                    "old_rank": u.old_rank,
                    "new_rank": u.new_rank,
                    "old_vetoes": list(u.old_vetoes),
                    "new_vetoes": list(u.new_vetoes),
                }
                for u in self.units
            ],
            "summary": {
                "units": len(self.units),
                "grade_changes": len(self.grade_changes),
                "entered_top_grade": [u.id for u in self.entered_top],
                "left_top_grade": [u.id for u in self.left_top],
            },
            "ignored_by_old": [str(p) for p in self.ignored_by_old],
            "ignored_by_new": [str(p) for p in self.ignored_by_new],
        }

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        def say(words: str) -> str:
            return translate(words, language)

        rows = []
        for unit in self.units:
            sign = "+" if unit.delta > 0 else ""
            rows.append(
                [
                    unit.name,
                    unit.unit_class,
                    two(unit.old_total),
                    two(unit.new_total),
                    sign + two(unit.delta),
                    _arrow(unit.old_grade or "—", unit.new_grade or "—"),
                    _arrow(str(unit.old_rank), str(unit.new_rank)),
                    _arrow("、".join(unit.old_vetoes) or "—", "、".join(unit.new_vetoes) or "—"),
                ]
            )
        headers = ["unit", "class", "before", "after", "change", "grade", "rank", "veto"]
        if language is Language.CHINESE:
            headers = ["单位", "类别", "调整前", "调整后", "变化", "等次", "名次", "一票否决"]
        table = render_table(headers, rows, {2, 3, 4})
        gains = sum(1 for u in self.units if u.delta > 0)
        losses = sum(1 for u in self.units if u.delta < 0)
        lines = [
            say(
                f"impact on {len(self.units)} units: {gains} gain, {losses} lose, "
                f"{len(self.units) - gains - losses} unchanged; {len(self.grade_changes)} change grade"
            ),
        ]
        for unit_class in dict.fromkeys(u.unit_class for u in self.units):
            members = [u for u in self.units if u.unit_class == unit_class]
            mean = average(exact_sum(u.delta for u in members), len(members))
            up = sum(1 for u in members if u.delta > 0)
            down = sum(1 for u in members if u.delta < 0)
            lines.append(
                "  "
                + say(
                    f"{unit_class}: {len(members)} units, mean change {'+' if mean > 0 else ''}{two(mean)}, "
                    f"{up} gain, {down} lose"
                )
            )
        names = "、".join(u.name for u in self.entered_top)
        if self.entered_top:
            lines.append(say(f"enter {self.new_top}: {names}"))
        names = "、".join(u.name for u in self.left_top)
        if self.left_top:
            lines.append(say(f"leave {self.old_top}: {names}"))
        lines += ["", table]
        for label, ignored in (("the old policy", self.ignored_by_old), ("the new policy", self.ignored_by_new)):
            if ignored:
                lines.append("\n" + say(f"data {label} does not declare (ignored for it): {len(ignored)} values, e.g."))
                lines.extend(f"  {p.render(language=language)}" for p in ignored[:5])
        return "\n".join(lines) + "\n"


def _arrow(before: str, after: str) -> str:
    return before if before == after else f"{before} → {after}"


def compare(
    old: Assessment,
    new: Assessment,
    *,
    old_top: str | None,
    new_top: str | None,
    ignored_by_old: list[DataProblem],
    ignored_by_new: list[DataProblem],
) -> Impact:
    old_units = {u.id: u for u in old.units}
    impacts = []
    for unit in new.units:
        before: UnitResult | None = old_units.get(unit.id)
        if before is None:
            continue
        impacts.append(
            UnitImpact(
                unit.id,
                unit.name,
                unit.unit_class,
                before.total,
                unit.total,
                before.grade,
                unit.grade,
                before.rank,
                unit.rank,
                tuple(v.name for v in before.vetoes),
                tuple(v.name for v in unit.vetoes),
            )
        )
    impacts.sort(key=lambda u: (-abs(u.delta), u.unit_class, u.id))
    return Impact(tuple(impacts), old_top, new_top, tuple(ignored_by_old), tuple(ignored_by_new))
