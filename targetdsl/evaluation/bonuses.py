"""A unit's bonus and deductions, decided before its total: bonuses counted by award level (each
level's limit, the rule's cap, awards dated after the carry-over cutoff carried to next year's ledger,
points carried in from last year's) or computed by a formula behind its `when`; deductions, gated by
`when` or not; and the shared caps (`limit`) over several of them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from targetdsl.evaluation import cover
from targetdsl.evaluation.interpreter import Failure, condition, number
from targetdsl.evaluation.results import BonusResult, CarryOver, Step
from targetdsl.evaluation.rules import RuleReader, _applicable, _shown, plausible_value
from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, RuleSpec
from targetdsl.numeric import ZERO, text
from targetdsl.values import AwardWon, Unit


class Bonuses(RuleReader):
    """The bonus and deductions of a unit, as the engine assesses it (`Engine.assess_unit`)."""

    carried_in: dict[str, list[AwardWon]]  # last year's awards and points, by unit
    ledger: list[CarryOver]  # the awards carried over to next year

    def bonuses(self, spec: ClassSpec, unit: Unit, traced: dict[str, Step] | None = None) -> tuple[BonusResult, ...]:
        rules = spec.rules_of("bonus")
        if not rules:
            return ()
        computing = self.computes_bonus(spec)
        if not unit.awards and unit.id not in self.carried_in and not computing:
            if spec.results_read:
                for rule in rules:
                    self.keep(spec, unit, ("bonus", rule.name), ZERO)
            return tuple(self.nothing_won(rule) for rule in rules)
        decided: dict[str, BonusResult] = {}
        for rule in spec.decision_order("bonus"):  # a bonus after those it reads (`bonus(B)`)
            decided[rule.name] = self.bonus(rule, unit, computing, traced)
            self.keep(spec, unit, ("bonus", rule.name), decided[rule.name].points)
        return tuple(decided[rule.name] for rule in rules)

    def bonus(self, rule: RuleSpec, unit: Unit, computing: bool, traced: dict[str, Step] | None) -> BonusResult:
        """One bonus rule's points for the unit: its formula's, or the awards it counts by level."""
        recording = cover.current.get() is not None
        carried = [a for a in self.carried_in.get(unit.id, ()) if a.bonus == rule.name]
        if computing and isinstance(rule.first(n.BonusPoints), n.BonusPoints):
            return self.computed_bonus(rule, unit, traced, [a for a in carried if a.points is not None])
        won = [a for a in unit.awards if a.bonus == rule.name] + carried
        if not won:
            return self.nothing_won(rule)
        levels, cap, cutoff = self.bonus_rule(rule)
        counted: list[str] = []
        carried_out: list[str] = []
        by_level: dict[str, Decimal] = {}
        carried_points = ZERO  # points carried in from last year's ledger, counted as they are
        if len(won) > 1:
            won.sort(key=_award_order)
        for award in won:
            described = _award(award)
            if award.points is not None:
                carried_points += award.points
                counted.append(f"{described}: {text(award.points)} points carried in from last year")
                continue
            if cutoff is not None and not award.carried_in and award.date is not None and award.date > cutoff:
                cover.hit(rule.span, f"bonus {rule.name}: award carried over")
                carried_out.append(described)
                self.ledger.append(CarryOver(unit.id, rule.name, award.level, award.name, award.date))
                continue
            level = levels[award.level]
            if recording:
                cover.hit(level.span, f"award level {level.name} counted")
            by_level[award.level] = by_level.get(award.level, ZERO) + level.points
            counted.append(described + (" — carried in from last year" if award.carried_in else ""))
        points = ZERO
        for name, amount in by_level.items():
            limit = levels[name].limit
            points += min(amount, limit) if limit is not None else amount
        points += carried_points
        if cap is not None:
            points = min(points, cap)
        return BonusResult(rule.name, tuple(counted), tuple(carried_out), points)

    def bonus_rule(self, rule: RuleSpec) -> tuple[dict[str, n.Level], Decimal | None, datetime.date | None]:
        """A bonus rule's levels by name, its cap and its carry-over cutoff, read once per evaluation."""
        key = ("bonus", rule.name)
        if key not in self.schema.compiled:
            cap = rule.first(n.Cap)
            carry = rule.first(n.CarryOver)
            self.schema.compiled[key] = (
                {s.name: s for s in rule.all(n.Level)},
                cap.value if isinstance(cap, n.Cap) else None,
                carry.after if isinstance(carry, n.CarryOver) else None,
            )
        found: tuple[dict[str, n.Level], Decimal | None, datetime.date | None] = self.schema.compiled[key]
        return found

    def nothing_won(self, rule: RuleSpec) -> BonusResult:
        """The result of a bonus rule for a unit that won none of its awards (one object, shared)."""
        key = ("nothing", rule.name)
        if key not in self.schema.compiled:
            self.schema.compiled[key] = BonusResult(rule.name, (), (), ZERO)
        result: BonusResult = self.schema.compiled[key]
        return result

    def deduction(self, rule: RuleSpec, unit: Unit, traced: dict[str, Step] | None = None) -> Decimal:
        amount_stmt = rule.first(n.Amount)
        cap = rule.first(n.Cap)
        gate = rule.first(n.When)
        if isinstance(gate, n.When):  # a gated deduction: computed below, with its trace
            return self.computed_amount(rule, unit, amount_stmt, gate, traced)
        try:
            amount = self.rule_number(rule, amount_stmt.expr, unit) if isinstance(amount_stmt, n.Amount) else ZERO
        except Failure as failure:
            self.fail(unit, f"deduction {rule.name}", failure)
            return ZERO
        amount = max(amount, ZERO)
        if isinstance(cap, n.Cap):
            amount = min(amount, cap.value)
        return amount

    # -------------------------------------- a shared cap over several bonuses or deductions

    def limited(self, limits: tuple[RuleSpec, ...], amounts: dict[str, Decimal], steps: list[Step]) -> Decimal:
        """How much the shared caps (`limit`) over the rules in `amounts` take off their sum: each
        limit's excess over its cap, explained as a step."""
        excess = ZERO
        for rule in limits:
            over = rule.first(n.LimitOver)
            cap = rule.first(n.Cap)
            if not isinstance(over, n.LimitOver) or not isinstance(cap, n.Cap):
                continue
            if not any(name in amounts for name in over.names):
                continue  # a limit over the other kind (bonuses, deductions), or over rules of another class
            summed = sum((amounts.get(name, ZERO) for name in over.names), ZERO)
            cover.hit(rule.span, f"limit {rule.name} {'applied' if summed > cap.value else 'not reached'}")
            if summed > cap.value:
                excess += summed - cap.value
            if self.explain:
                parts = " + ".join(f"{name} {text(amounts.get(name, ZERO))}" for name in over.names)
                kept = min(summed, cap.value)
                note = f"{parts} = {text(summed)}" + (f", capped at {text(cap.value)}" if summed > cap.value else "")
                steps.append(
                    Step(f"limit {rule.label or rule.name}", text(kept), self.schema.where(rule.span), (note,))
                )
        return excess

    # -------------------------------------- computed bonuses, gated deductions

    def computes_bonus(self, spec: ClassSpec) -> bool:
        """Whether a bonus of the class computes its points (`points …`), read once per evaluation."""
        key = ("computes bonus", spec.name)
        if key not in self.schema.compiled:
            self.schema.compiled[key] = any(r.first(n.BonusPoints) is not None for r in spec.rules_of("bonus"))
        found: bool = self.schema.compiled[key]
        return found

    def computed_bonus(
        self, rule: RuleSpec, unit: Unit, traced: dict[str, Step] | None, carried: list[AwardWon]
    ) -> BonusResult:
        """A bonus computed by its formula, plus the points carried in for it from last year's ledger."""
        points = self.computed_amount(rule, unit, rule.first(n.BonusPoints), rule.first(n.When), traced, carried)
        counted = tuple(f"{_award(a)}: {text(a.points)} points carried in from last year" for a in carried if a.points)
        return BonusResult(rule.name, counted, (), points)

    def computed_amount(
        self,
        rule: RuleSpec,
        unit: Unit,
        formula: n.BonusPoints | n.Amount | None,
        gate: n.When | None,
        traced: dict[str, Step] | None,
        carried: list[AwardWon] = [],  # noqa: B006 (never changed)
    ) -> Decimal:
        """A computed bonus's points or a gated deduction's amount: nothing when its `when` does not hold,
        else its formula's value, never below 0, at most its `cap`. Explained as one step with the
        inputs and lets it read."""
        cap = rule.first(n.Cap)
        notes: list[str] = []
        frame = self.rule_frame(rule, unit) if self.explain else None
        try:
            with _applicable(rule):  # explained or not, `score(M)` of a measure that does not apply fails
                held = True
                if gate is not None:
                    held = (
                        condition(gate.expr, frame) if frame is not None else self.rule_condition(rule, gate.expr, unit)
                    )
                    cover.hit(gate.span, f"{rule.kind} {rule.name}: {'applies' if held else 'does not apply'}")
                    notes.append(f"when {self.schema.quote(gate.expr)}: {'holds' if held else 'does not hold'}")
                amount = ZERO
                if held and formula is not None:
                    amount = (
                        plausible_value(number(formula.expr, frame), formula.expr)
                        if frame is not None
                        else self.rule_number(rule, formula.expr, unit)
                    )
                    notes.append(f"{self.schema.quote(formula.expr)} = {text(amount)}")
                    if amount < ZERO:
                        notes.append("below 0: counts 0")
                        amount = ZERO
                for award in carried:  # earned last year: counted whether or not this year's `when` holds
                    assert award.points is not None
                    amount += award.points
                    notes.append(f"{_award(award)}: {text(award.points)} points carried in from last year")
                if isinstance(cap, n.Cap) and amount > cap.value:
                    notes.append(f"capped at {text(cap.value)}")
                    amount = cap.value
        except Failure as failure:
            self.fail(unit, f"{rule.kind} {rule.name}", failure)
            return ZERO
        if frame is not None and traced is not None:
            notes = [f"{name} = {_shown(value)}" for name, value in frame.computed.items()] + notes
            notes += frame.notes or []
            inputs = self.read(rule, frame.used.items())
            where = self.schema.where(rule.span)
            traced[rule.name] = Step(
                f"{rule.kind} {rule.label or rule.name}", text(amount), where, tuple(notes), inputs
            )
        return amount


def _award_order(award: AwardWon) -> tuple[datetime.date, str, str]:
    return award.date or datetime.date.min, award.level, award.name or ""


def _award(award: AwardWon) -> str:
    parts = ([award.level] if award.level else []) + ([award.date.isoformat()] if award.date else [])
    return f"{award.name or 'award'} ({', '.join(parts)})"
