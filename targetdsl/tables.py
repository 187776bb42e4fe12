"""Assessment results as text tables (aligned by terminal display width) and CSV.

Chinese names take two terminal columns per character; columns are padded
by display width so tables line up in a terminal. Names and ids come from
the data: the table shows their control characters as visible escapes, and
CSV cells never start a formula (`outputs`). This module only
formats: it computes nothing the Assessment does not already hold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from targetdsl.numeric import CONTEXT, HUNDRED, quantize, text
from targetdsl.outputs import csv_cell, visible_inline
from targetdsl.results import Assessment, UnitResult
from targetdsl.source import display_width


def two(value: Decimal) -> str:
    return format(quantize(value, 2), "f")


def rate(done: int, items: int) -> str:
    if items == 0:
        return "—"
    return format(quantize(CONTEXT.divide(Decimal(done) * HUNDRED, Decimal(items)), 1), "f") + "%"


def pad(cell: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(cell), 0)
    return gap + cell if right else cell + gap


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    headers = [visible_inline(h) for h in headers]
    rows = [[visible_inline(c) for c in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], display_width(cell))
    lines = ["  ".join(pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(pad(c, widths[i], i in right) for i, c in enumerate(row)).rstrip())
    return "\n".join(lines)


def yes_no(eligible: bool | None) -> str:
    """Eligibility in CSV: yes, no, or empty where the class has no award (as `money` is empty)."""
    return "" if eligible is None else "yes" if eligible else "no"


def award_cell(unit: UnitResult) -> str:
    """The money, or `not eligible`; `won` where the class's awards pay no money (目标奖: won or not)."""
    if unit.eligible is False:
        return "not eligible"
    if unit.money is None:
        return "won" if unit.eligible else "—"
    return money(unit.money)


def money(value: Decimal) -> str:
    """An amount of money as a reader reads it: 16,000.00."""
    return format(quantize(value, 2), ",f")


def grade_note(unit: UnitResult) -> str | None:
    """Why the grade is not the one the total's band gives (a quota, a veto), or None when it is: the
    grade reason past its first clause, which says only which band the total is in."""
    _, separator, rest = unit.grade_reason.partition("; ")
    return rest if separator and unit.grade is not None else None


def veto_cell(unit: UnitResult) -> str:
    return "、".join(v.label or v.name for v in unit.vetoes) or "—"


def class_table(assessment: Assessment, unit_class: str) -> str:
    """The class's units in rank order; each category headed with its points (`定量指标 (50)`), the award
    money where the class has an award, and under the table a note for each grade a quota or a veto
    changed from the one the total's band gives (marked `*`)."""
    units = assessment.in_class(unit_class)
    categories = [f"{c.label or c.name} ({text(c.points)})" for c in units[0].categories] if units else []
    awards = any(unit.eligible is not None for unit in units)  # the class has an award: its money is shown
    headers = ["rank", "unit", "total", *categories, "bonus", "veto", "grade", *(["award"] if awards else [])]
    rows = []
    for unit in units:
        rows.append(
            [
                str(unit.rank),
                unit.name,
                two(unit.total),
                *(two(c.subtotal) for c in unit.categories),
                two(unit.bonus),
                veto_cell(unit),
                (unit.grade or "—") + ("*" if grade_note(unit) else ""),
                *([award_cell(unit)] if awards else []),
            ]
        )
    right = {0, 2, *range(3, 3 + len(categories) + 1), *([6 + len(categories)] if awards else [])}
    # one line per cause, naming its units: a quota gives every unit below it the same reason
    noted: dict[str, list[str]] = {}
    for unit in units:
        note = grade_note(unit)
        if note is not None:
            noted.setdefault(note, []).append(unit.name)
    lines = [f"* {note}: {'、'.join(names)}" for note, names in noted.items()]
    return render_table(headers, rows, right) + "".join(f"\n{visible_inline(line)}" for line in lines)


def completion_table(assessment: Assessment) -> str:
    rows = [
        [row.unit_class, row.category, str(row.items), str(row.completed), rate(row.completed, row.items)]
        for row in assessment.completion
    ]
    rows.append(
        [
            "all",
            "",
            str(assessment.total_items),
            str(assessment.total_completed),
            rate(assessment.total_completed, assessment.total_items),
        ]
    )
    return render_table(["class", "part", "items", "completed", "rate"], rows, {2, 3, 4})


def render_assessment(assessment: Assessment) -> str:
    parts = [
        visible_inline(assessment.title)
        + (f" — period {visible_inline(assessment.period)}" if assessment.period else "")
    ]
    for unit_class in assessment.classes:
        units = assessment.in_class(unit_class)
        if not units:
            continue
        parts.append(f"\n{visible_inline(unit_class)} ({len(units)} units)\n" + class_table(assessment, unit_class))
    parts.append("\ncompletion\n" + completion_table(assessment))
    if assessment.ledger:
        rows = [
            [c.unit, c.bonus, c.level, c.name or "", c.date.isoformat() if c.date else ""] for c in assessment.ledger
        ]
        parts.append(
            "\ncarried over to next year\n" + render_table(["unit", "bonus", "level", "award", "date"], rows, set())
        )
    return "\n".join(parts) + "\n"


def render_csv(assessment: Assessment) -> str:
    """One row per unit: every category subtotal, bonus, deductions, veto, grade, rank, money."""
    categories: list[str] = []
    for unit in assessment.units:
        for category in unit.categories:
            if category.name not in categories:
                categories.append(category.name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in csv_header(categories)])
    for unit in assessment.units:
        writer.writerow(csv_row(unit, categories))
    return out.getvalue()


def csv_header(categories: Sequence[str]) -> list[str]:
    return [
        "class",
        "rank",
        "id",
        "name",
        "total",
        "raw_total",
        *categories,
        "bonus",
        "deductions",
        "vetoes",
        "grade",
        "eligible",
        "money",
        "items",
        "completed_items",
    ]


def csv_row(unit: UnitResult, categories: Sequence[str]) -> list[Any]:
    """The numbers as they are (a negative total stays a number); every name through `csv_cell`."""
    subtotals = [text(s) if (s := unit.subtotal(c)) is not None else "" for c in categories]
    return [
        csv_cell(unit.unit_class),
        unit.rank,
        csv_cell(unit.id),
        csv_cell(unit.name),
        text(unit.total),
        text(unit.raw_total),
        *subtotals,
        text(unit.bonus),
        text(unit.deductions),
        csv_cell(";".join(v.name for v in unit.vetoes)),
        csv_cell(unit.grade or ""),
        yes_no(unit.eligible),
        "" if unit.money is None else text(unit.money),
        unit.items,
        unit.completed_items,
    ]
