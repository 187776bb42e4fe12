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

import itertools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from targetdsl.evaluation.results import UnitResult
from targetdsl.language import nodes as n
from targetdsl.numeric import text
from targetdsl.outputs import visible_inline


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


class GridError(ValueError):
    """A grid of weights that names no class of the policy, or gives a class the wrong number of weights."""


# One class's candidate weights: its name and, per candidate, a weight for each of its categories in order.
Weights = tuple[str, tuple[tuple[Decimal, ...], ...]]


def parse_weights(written: str) -> Weights:
    """`县区=40:50:10,50:40:10`: a class and its candidate weights, one per category in the order the class
    declares them."""
    name, equals, rest = written.partition("=")
    if not equals or not name.strip() or not rest.strip():
        raise GridError(f"expected CLASS=A:B[:C…][,A:B…], got {written!r}")
    candidates = []
    for candidate in rest.split(","):
        try:
            weights = tuple(Decimal(part.strip()) for part in candidate.split(":"))
        except InvalidOperation:
            raise GridError(f"expected weights such as 40:50:10 for class {name.strip()}, got {candidate!r}") from None
        if any(not w.is_finite() or w < 0 for w in weights):
            raise GridError(f"a weight is a number, 0 or more: {candidate!r} for class {name.strip()}")
        candidates.append(weights)
    return name.strip(), tuple(candidates)


def weight_grid(declarations: Sequence[n.Declaration], grid: Sequence[Weights]) -> list[tuple[str, list[Any]]]:
    """Every combination of the classes' candidate weights (each class's candidates, crossed with the
    other classes'), as a name (`县区 40:50:10; 市直 50:40:10`) and the declarations with those weights in
    place of the classes' own. The checker then judges each variant as any policy (weights that do not add
    up to the scale are its errors)."""
    if not grid:
        return []
    classes = {d.name: d for d in declarations if isinstance(d, n.UnitClass)}
    seen: set[str] = set()
    for name, candidates in grid:
        unit_class = classes.get(name)
        if unit_class is None:
            raise GridError(f"no class `{name}` in the base policy (classes: {', '.join(classes)})")
        if name in seen:
            raise GridError(f"the weights of class `{name}` are given twice: list its candidates once, by commas")
        seen.add(name)
        categories = [share.category for share in unit_class.shares]
        for candidate in candidates:
            if len(candidate) != len(categories):
                raise GridError(
                    f"class `{name}` weighs {len(categories)} categories ({':'.join(categories)}), "
                    f"not {len(candidate)}: {':'.join(text(w) for w in candidate)}"
                )
    variants = []
    for combination in itertools.product(*(candidates for _, candidates in grid)):
        chosen = {name: weights for (name, _), weights in zip(grid, combination, strict=True)}
        changed = [
            attrs.evolve(
                d,
                shares=tuple(
                    attrs.evolve(share, amount=weight) for share, weight in zip(d.shares, chosen[d.name], strict=True)
                ),
            )
            if isinstance(d, n.UnitClass) and d.name in chosen
            else d
            for d in declarations
        ]
        name = "; ".join(f"{cls} {':'.join(text(w) for w in weights)}" for cls, weights in chosen.items())
        variants.append((name, changed))
    return variants


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
