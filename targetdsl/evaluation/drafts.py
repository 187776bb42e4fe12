"""A unit between scoring and the class-wide steps, the smaller standing a stream keeps, and a
unit's category and measure results built from what its draft kept.

The engine scores each unit into a `Draft` (its totals, category values,
vetoes, bonuses and lazily built breakdown); ranking and grading read and
write the same few names on a draft or on a `Standing`, the few hundred
bytes a streamed evaluation keeps per unit until its rank is known.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

import attrs

from targetdsl.evaluation.kernel import Cells
from targetdsl.evaluation.results import (
    NO_STEP,
    BonusResult,
    Breakdown,
    CategoryResult,
    MeasureResult,
    Step,
    VetoResult,
)
from targetdsl.language.schema import ClassSpec, MeasureSpec
from targetdsl.numeric import CONTEXT
from targetdsl.values import Unit


class SUMS:
    """Where a category's values sit in Draft.sums, from the category's start."""

    earned, available, subtotal, applicable, counted, completed = range(6)
    width = 6


class Standing:
    """What ranking and grading need of a unit, and no more: a streamed evaluation keeps one per unit
    (see stream.py), so it is small. It answers to the same names as a Draft. A total with at most
    two decimals (the usual rounding) is kept as a whole number of hundredths, which compares the same;
    what is rare (vetoes, subtotals that break ties, a reason beyond the band) is kept only when there
    is some."""

    __slots__ = ("id", "name", "_total", "index", "grade", "_rest")

    def __init__(
        self,
        unit_id: str,
        name: str,
        unit_class: str,
        total: Decimal,
        vetoes: tuple[VetoResult, ...],
        sums: dict[int, Decimal],
        index: int,
        keep_class: bool = False,
    ):
        self.id, self.name, self.index = unit_id, name, index
        hundredths = total.scaleb(2, CONTEXT)
        self._total: int | Decimal = int(hundredths) if hundredths == hundredths.to_integral_value() else total
        self.grade: str | None = None
        # unit class, vetoes, tie-breaking subtotals, reason: None when there are no vetoes, no subtotals
        # (the class is kept too when the ranking or the grading needs it: a ranking across classes, a class
        # not graded)
        self._rest: list[Any] | None = [unit_class, vetoes, sums, None] if vetoes or sums or keep_class else None

    @property
    def total(self) -> Decimal:
        total = self._total
        return total if type(total) is Decimal else Decimal(total).scaleb(-2, CONTEXT)

    @property
    def unit(self) -> Standing:
        return self

    @property
    def unit_class(self) -> str:
        return self._rest[0] if self._rest is not None else ""

    @property
    def vetoes(self) -> tuple[VetoResult, ...]:
        return self._rest[1] if self._rest is not None else ()

    @property
    def sums(self) -> dict[int, Decimal]:
        return self._rest[2] if self._rest is not None else NO_SUMS

    @property
    def reason(self) -> str | None:
        return self._rest[3] if self._rest is not None else None

    @reason.setter
    def reason(self, reason: str | None) -> None:
        if self._rest is None and reason is not None:
            self._rest = ["", (), NO_SUMS, None]
        if self._rest is not None:
            self._rest[3] = reason


NO_SUMS: dict[int, Decimal] = {}
NO_FACTORS: dict[str, Decimal] = {}  # a class without coefficients (read, never written)
NO_GRADES = "the policy declares no grades"
Ranked = TypeVar("Ranked", "Draft", Standing)


@attrs.define
class Draft:
    """A unit between scoring and the class-wide steps (rank, grades, quotas)."""

    unit: Unit
    sums: list[Any]  # per category of the class, SUMS.width values: see SUMS
    breakdown: Breakdown
    raw: Decimal
    total: Decimal
    coefficient: Decimal
    bonus: Decimal
    deductions: Decimal
    vetoes: tuple[VetoResult, ...]
    bonuses: tuple[BonusResult, ...]
    steps: list[Step]
    items: int
    completed: int
    grade: str | None = None
    reason: str | None = None  # None: only the band decided (Engine.reason)


def categories_of(
    spec: ClassSpec,
    sums: list[Any],
    cells: Cells | None,
    positions: dict[str, int],
    by_measure: dict[str, dict[str, MeasureResult]],
    unit_id: str,
) -> tuple[CategoryResult, ...]:
    """A unit's category results, from what assess_unit kept."""
    categories = []
    for index, category in enumerate(spec.categories):
        at = SUMS.width * index
        categories.append(
            CategoryResult(
                category.name,
                category.label,
                category.points,
                sums[at + SUMS.earned],
                sums[at + SUMS.available],
                sums[at + SUMS.subtotal],
                sums[at + SUMS.applicable],
            )
        )
    return tuple(categories)


def measures_of(
    spec: ClassSpec,
    sums: list[Any],
    cells: Cells | None,
    positions: dict[str, int],
    by_measure: dict[str, dict[str, MeasureResult]],
    unit_id: str,
) -> tuple[MeasureResult, ...]:
    """A unit's measure results: the kernel's cells, or the reference path's results."""
    return tuple(
        _cell_result(m, cells, positions[m.name])
        if cells is not None and m.name in positions
        else by_measure[m.name][unit_id]
        for m in spec.measures()
    )


def _cell_result(spec: MeasureSpec, cells: Cells, at: int) -> MeasureResult:
    """A measure's result from the kernel's cells (always applicable: other outcomes take the reference path)."""
    return MeasureResult(
        spec.name,
        spec.label,
        spec.category,
        spec.kind,
        cells[at + 1],
        cells[at],
        True,
        cells[at + 2],
        cells[at + 3],
        (),
        NO_STEP,
    )
