"""A unit between scoring and the class-wide steps, the smaller standing a stream keeps, and a
unit's category and measure results built from what its draft kept.

The engine scores each unit into a `Draft` (its totals, category values,
vetoes, bonuses and lazily built breakdown); ranking and grading read and
write the same few names on a draft or on a `Standing`, the few hundred
bytes a streamed evaluation keeps per unit until its rank is known. What a
table row shows of a unit whose class has no award and no commendation is
known once it is scored: a stream or a part keeps it (`briefed`) and gives it
back as a `Brief` in rank order, without scoring the unit again.
"""

from __future__ import annotations

import pickle
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


# Between the numbers of a row, as a spool writes them: no number's text holds it.
ROW_SEPARATOR = "\x00"


class Brief:
    """What a table row shows of a unit of a class without awards and commendations (`scaling.stream.Stream.rows`): its
    id, name, class, rank, grade and reason, totals, subtotals, bonus, deductions, vetoes and item counts,
    under the names a `UnitResult` gives them; no money, no eligibility, no commendation (its class has
    none). Its categories and measures are not kept: read the stream's `UnitResult`s for them."""

    __slots__ = (
        "id",
        "name",
        "unit_class",
        "rank",
        "grade",
        "grade_reason",
        "total",
        "raw_total",
        "bonus",
        "deductions",
        "vetoes",
        "items",
        "completed_items",
        "_subtotals",
    )
    eligible = None
    money = None
    commendations: tuple[str, ...] = ()

    def __init__(self, blob: bytes, unit_class: str, rank: int, grade: str | None, reason: str | None):
        """The unit `briefed` wrote in `blob`, given its class, rank, grade and the reason grading kept
        (None: the band its total is in, which `grade_reason` then says)."""
        fields = pickle.loads(blob)  # noqa: S301 (a private spool, written by `briefed` in this evaluation)
        self.id, self.name, numbers, subtotals, self.vetoes, self.items, self.completed_items = fields
        self.total, self.raw_total, self.bonus, self.deductions = map(Decimal, numbers.split(ROW_SEPARATOR))
        self._subtotals = {name: Decimal(value) for name, value in subtotals}
        self.unit_class, self.rank, self.grade = unit_class, rank, grade
        self.grade_reason = reason

    @property
    def reason(self) -> str | None:
        """The reason grading kept, before `grade_reason` is given (what `Grading.reason` reads)."""
        return self.grade_reason

    def subtotal(self, category: str) -> Decimal | None:
        return self._subtotals.get(category)


def briefed_class(spec: ClassSpec) -> bool:
    """Whether a class's units are finished by their rank and grade alone (no award, no commendation): what
    a table row shows of them is known once they are scored (`Brief`)."""
    return not spec.rules_of("award") and not spec.rules_of("commendation")


def briefed(spec: ClassSpec, draft: Draft) -> bytes:
    """What `Brief` reads of a scored unit of `spec`, as the stream keeps it: its decimals as their text
    (which gives each back exactly: its digits and exponent)."""
    subtotals = tuple(
        (category.name, str(draft.sums[SUMS.width * i + SUMS.subtotal])) for i, category in enumerate(spec.categories)
    )
    numbers = ROW_SEPARATOR.join(map(str, (draft.total, draft.raw, draft.bonus, draft.deductions)))
    fields = (draft.unit.id, draft.unit.name, numbers, subtotals, draft.vetoes, draft.items, draft.completed)
    return pickle.dumps(fields, pickle.HIGHEST_PROTOCOL)
