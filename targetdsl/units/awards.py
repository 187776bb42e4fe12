"""Awards won: a unit's bonuses listed by level, name and date, each award once (`same_award`); the carry-over
ledger reads its entries by `award` too."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from targetdsl.language import nodes as n
from targetdsl.language.schema import ClassSpec, RuleSpec
from targetdsl.units.fields import _mapping, excerpt, identifier, text_of
from targetdsl.values import AwardWon

if TYPE_CHECKING:
    from targetdsl.units.data import Validator


def awards(validator: Validator, raw: Any, unit_class: ClassSpec) -> tuple[AwardWon, ...]:
    given = _mapping(raw, "bonuses", validator)
    specs = {r.name: r for r in unit_class.rules_of("bonus")}
    for name in sorted(set(map(str, given)) - set(specs)):
        validator.unknown(f"bonuses.{name}", f"no bonus `{name}` applies to class {unit_class.name}", among=specs)
    awards: list[AwardWon] = []
    for spec in specs.values():
        entries = given.get(spec.name)
        if entries is None:
            continue
        if not isinstance(entries, list):
            validator.problem(f"bonuses.{spec.name}", "expected a list of awards won", code="data.bad-shape")
            continue
        listed: list[tuple[AwardWon, str]] = []
        for index, entry in enumerate(entries, start=1):
            field = f"bonuses.{spec.name}[{index}]"
            award = validator.award(spec, entry, field)
            if award is None:
                continue
            twin = next((other for won, other in listed if same_award(won, award)), None)
            if twin is not None:
                validator.problem(
                    field,
                    f"the same award as {twin} ({award.level}, {award.name or 'no name'}, "
                    f"{award.date or 'no date'}): each award is listed once",
                    code="data.duplicate-award",
                )
                continue
            listed.append((award, field))
            awards.append(award)
    return tuple(awards)


def award(validator: Validator, spec: RuleSpec, raw: Any, field: str, carried_in: bool = False) -> AwardWon | None:
    mapping = _mapping(raw, field, validator)
    for key in sorted(set(map(str, mapping)) - {"name", "level", "date"}):
        validator.problem(f"{field}.{key}", "unknown key; an award has name, level and date", code="data.unknown-field")
    levels = validator.levels.get(spec.name)
    if levels is None:
        levels = validator.levels[spec.name] = [s.name for s in spec.all(n.Level)]
    level_text = text_of(mapping.get("level"))
    level = None if level_text is None else identifier(level_text)
    if level not in levels:
        shown = "missing award level" if not level else f"unknown award level `{excerpt(level)}`"
        validator.problem(f"{field}.level", f"{shown}; levels are {', '.join(levels)}", code="data.unknown-level")
        return None
    date = None
    if mapping.get("date") is not None:
        date = validator.date(mapping["date"], f"{field}.date")
        if date is None:
            return None
        year = validator.year
        if date is not None and year is not None and not carried_in and not year <= date.year <= year + 1:
            validator.problem(
                f"{field}.date",
                f"{date} is outside the assessment year {year} "
                f"(and the following year, when late awards are presented)",
                code="data.date-outside-year",
            )
            return None
    elif spec.first(n.CarryOver) is not None:
        validator.problem(
            f"{field}.date",
            "missing: this bonus carries late awards over, so each award needs a date",
            code="data.missing-value",
        )
        return None
    name = validator.text(mapping.get("name"), f"{field}.name")
    if name is False:
        return None
    return AwardWon(spec.name, level, name, date, carried_in)


def award_name(name: str | None) -> str:
    """An award's name as compared: without spaces, full-width forms read as what they show."""
    if name is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def same_award(one: AwardWon, other: AwardWon) -> bool:
    """Two entries of a unit's awards that are one award: the same bonus and level, the same name, and
    the same date (or either undated). Listed twice, it would count twice. Entries without a name are
    never taken for one another: two provincial awards may be won on one day."""
    return (
        (one.bonus, one.level) == (other.bonus, other.level)
        and one.name is not None
        and other.name is not None
        and award_name(one.name) == award_name(other.name)
        and (one.date is None or other.date is None or one.date == other.date)
    )
