"""What-if sweeps: many variants of a policy on the same units; per variant, who changes grade, rank or money.

The question a target office asks before adopting next year's weights. Each policy — the base and
every variant — is evaluated once over all the units by the partitioned evaluation (`partition.py`,
run in this process, by `--jobs` processes or on a Dask cluster), keeping of each unit only what a
sweep compares (`Placing`: rendered where the unit is finished, so that nothing else travels back),
and every variant is compared with the base unit by unit. Data are validated strictly for every
policy: a variant that reads inputs the data lack is refused as `evaluate` refuses it.

This module must not evaluate by itself: it is handed a function that does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.numeric import text
from targetdsl.outputs import visible_inline
from targetdsl.results import UnitResult


@attrs.frozen(slots=True)
class Placing:
    """What a sweep keeps of a unit's result."""

    id: str
    name: str
    unit_class: str
    total: Decimal
    rank: int
    grade: str | None
    money: Decimal | None


def placing(unit: UnitResult, categories: Sequence[str]) -> Placing:
    """A unit's placing (a `partition.Render`: a module-level function, so that it pickles)."""
    return Placing(unit.id, unit.name, unit.unit_class, unit.total, unit.rank, unit.grade, unit.money)


@attrs.frozen(slots=True)
class Change:
    """One unit whose grade, rank or money differs under a variant."""

    before: Placing
    after: Placing

    @property
    def grade(self) -> bool:
        return self.before.grade != self.after.grade

    @property
    def rank(self) -> bool:
        return self.before.rank != self.after.rank

    @property
    def money(self) -> bool:
        return self.before.money != self.after.money


@attrs.frozen
class Variant:
    """One variant against the base: the units it changes, in class and base rank order."""

    name: str
    units: int
    changes: tuple[Change, ...]

    @property
    def grades(self) -> int:
        return sum(c.grade for c in self.changes)

    @property
    def ranks(self) -> int:
        return sum(c.rank for c in self.changes)

    @property
    def money(self) -> int:
        return sum(c.money for c in self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "variant": self.name,
            "units": self.units,
            "grade_changes": self.grades,
            "rank_changes": self.ranks,
            "money_changes": self.money,
            "changes": [
                {
                    "id": c.before.id,
                    "name": c.before.name,
                    "class": c.before.unit_class,
                    "before": _placing_json(c.before),
                    "after": _placing_json(c.after),
                }
                for c in self.changes
            ],
        }


def _placing_json(placed: Placing) -> dict[str, Any]:
    money = None if placed.money is None else text(placed.money)
    return {"total": text(placed.total), "rank": placed.rank, "grade": placed.grade, "money": money}


def compare(name: str, base: Iterable[Placing], variant: Iterable[Placing]) -> Variant:
    """The units whose grade, rank or money differ, in the base's order. A unit only one side
    assessed cannot happen (both read the same data strictly) and is a defect."""
    after = {p.id: p for p in variant}
    changes = []
    count = 0
    for before in base:
        count += 1
        other = after.pop(before.id, None)
        if other is None:
            raise RuntimeError(f"unit {before.id} was assessed by the base policy only")
        if (before.grade, before.rank, before.money) != (other.grade, other.rank, other.money):
            changes.append(Change(before, other))
    if after:
        raise RuntimeError(f"unit {next(iter(after))} was assessed by variant {name} only")
    return Variant(name, count, tuple(changes))


def sweep(
    base: Any, variants: Sequence[tuple[str, Any]], evaluate: Callable[[Any], Iterable[Placing]]
) -> list[Variant]:
    """Every variant against the base; `evaluate` gives a policy's placings in class and rank order."""
    before = list(evaluate(base))
    return [compare(name, before, evaluate(policy)) for name, policy in variants]


def render_text(variants: Sequence[Variant], *, limit: int = 20) -> str:
    """A summary line per variant, then its first `limit` changes."""
    lines = []
    for variant in variants:
        lines.append(
            f"{visible_inline(variant.name)}: of {variant.units} units, {variant.grades} change grade, "
            f"{variant.ranks} change rank, {variant.money} change money"
        )
        for change in variant.changes[:limit]:
            b, a = change.before, change.after
            label = b.id if b.name == b.id else f"{b.id} ({b.name})"
            parts = []
            if change.grade:
                parts.append(f"grade {b.grade or '—'} → {a.grade or '—'}")
            if change.rank:
                parts.append(f"rank {b.rank} → {a.rank}")
            if change.money:
                parts.append(f"money {_money(b.money)} → {_money(a.money)}")
            lines.append(f"  {visible_inline(b.unit_class)} {visible_inline(label)}: " + ", ".join(parts))
        if len(variant.changes) > limit:
            lines.append(f"  … and {len(variant.changes) - limit} more (--format json lists every one)")
    return "\n".join(lines) + "\n"


def _money(value: Decimal | None) -> str:
    return "—" if value is None else text(value)
