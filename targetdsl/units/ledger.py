"""The carry-over ledger in: last year's late awards, checked before they count this year.

A ledger is what the previous year's assessment wrote (`--ledger`): its
`year` must be the policy's year − 1 (a year's own ledger fed back would
count its late awards twice), every entry is there once, dated in the
ledger's year or the next, for a unit in the data whose class has the
bonus, and not also listed in this year's data. Each problem is a coded
`DataProblem` naming the ledger file and the entry. Values are validated
by `data.Validator`, as unit data is.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from targetdsl.language.schema import Schema
from targetdsl.units.data import Validator, award_name, excerpt, identifier, nearest, text_of
from targetdsl.values import AwardWon, DataError, DataProblem, Unit


def load_ledger(schema: Schema, document: Any, file: str, *, year: int | None = None) -> list[tuple[str, AwardWon]]:
    """Awards carried in from last year's ledger, as (unit id, award). Raises DataError.

    The ledger must be the one the previous year's assessment wrote: its
    `year` is the policy's year − 1 (a year's own ledger fed back would
    count its late awards twice), every award appears once, and every award
    is dated in the ledger's year or the following one, when late awards are
    presented. `year` is the assessment's year, when not the policy's (one
    data set evaluated by two versions of a policy).
    """
    validator = Validator(schema, file)
    if not isinstance(document, Mapping):
        raise DataError(
            [
                DataProblem(
                    file,
                    None,
                    None,
                    "expected a ledger: a mapping with `year` and `carry_over`",
                    code="data.ledger-shape",
                )
            ]
        )
    for key in sorted(map(str, set(map(str, document)) - {"year", "carry_over"})):
        validator.problem(key, "unknown top-level key (a ledger has `year` and `carry_over`)", code="data.ledger-shape")
    year = _ledger_year(document.get("year"), schema.year if year is None else year, validator)
    entries = document.get("carry_over")
    if not isinstance(entries, list):
        validator.problem("carry_over", "expected a list of carried-over awards", code="data.ledger-shape")
        raise DataError(validator.problems)
    result: list[tuple[str, AwardWon]] = []
    bonuses = {r.name: r for c in schema.classes.values() for r in c.rules_of("bonus")}
    seen: dict[tuple[str, str, str, str, datetime.date | None], str] = {}
    for index, entry in enumerate(entries, start=1):
        field = f"carry_over[{index}]"
        validator.unit_label = None
        if not isinstance(entry, Mapping) or "unit" not in entry or "bonus" not in entry:
            validator.problem(field, "each entry needs unit, bonus, level, name and date", code="data.ledger-shape")
            continue
        unit_id = identifier(text_of(entry["unit"]) or "")
        if not unit_id:
            validator.problem(f"{field}.unit", "missing unit id", code="data.ledger-shape")
            continue
        validator.unit_label = unit_id
        spec = bonuses.get(str(entry["bonus"]))
        if spec is None:
            validator.problem(
                f"{field}.bonus", f"the policy has no bonus `{excerpt(entry['bonus'])}`", code="data.carried-lost"
            )
            continue
        details = {k: v for k, v in entry.items() if k not in ("unit", "bonus")}
        if details.get("date") is None:
            validator.problem(
                f"{field}.date", "missing: an award is carried over because of its date", code="data.ledger-date"
            )
            continue
        if "points" in details:  # points carried in (上年度结转加分), not an award counted by its level
            award = _carried_points(validator, details, field, spec.name)
        else:
            award = validator.award(spec, details, field, carried_in=True)
        if award is None or award.date is None:
            continue
        if year is not None and not year <= award.date.year <= year + 1:
            validator.problem(
                f"{field}.date",
                f"{award.date} cannot be an award of the ledger's year {year}: "
                f"late awards are dated in {year} or {year + 1}",
                code="data.ledger-date",
            )
            continue
        identity = (unit_id, award.bonus, award.level or f"{award.points} points", award_name(award.name), award.date)
        if identity in seen:
            validator.problem(
                field,
                f"the same award as {seen[identity]}: each award is carried over once",
                code="data.ledger-duplicate",
            )
            continue
        seen[identity] = field
        result.append((unit_id, award))
    if validator.problems:
        raise DataError(validator.problems)
    return result


def _carried_points(validator: Validator, details: Mapping[str, Any], field: str, bonus: str) -> AwardWon | None:
    """An entry carrying points rather than an award (`{unit, bonus, name, points, date}`): points earned
    last year under the bonus and counted this year, added to what the bonus counts before its cap.
    Named (the name says what earned them), above 0 and exact, dated as an award is."""
    found = len(validator.problems)
    for key in sorted(set(map(str, details)) - {"name", "points", "date"}):
        validator.problem(
            f"{field}.{key}",
            "an entry carries points or an award's level, not both"
            if key == "level"
            else "unknown key; carried points have unit, bonus, name, points and date",
            code="data.ledger-shape",
        )
    points = validator.number(details["points"], f"{field}.points")
    if points is not None and points <= 0:
        validator.problem(
            f"{field}.points",
            f"{points} points cannot be carried in: carried points are above 0",
            code="data.out-of-range",
        )
    date = validator.date(details["date"], f"{field}.date")
    name = validator.text(details.get("name"), f"{field}.name")
    if name is None:
        validator.problem(f"{field}.name", "missing: say what earned the points carried in", code="data.ledger-shape")
    if len(validator.problems) > found or points is None or date is None or not name:
        return None
    return AwardWon(bonus, "", name, date, True, points)


def carried_again(
    unit: Unit, carried: Mapping[str, list[AwardWon]], ledger_file: str = "<carry-in>"
) -> list[DataProblem]:
    """Awards a unit's data list that are also carried in from last year's ledger: the same bonus,
    level and date, and the same name where both give one. Counted twice, they would double the
    bonus; each is refused."""
    problems: list[DataProblem] = []
    for award in carried.get(unit.id, ()):
        for own in unit.awards:
            if (own.bonus, own.level, own.date) == (award.bonus, award.level, award.date) and (
                own.name is None or award.name is None or award_name(own.name) == award_name(award.name)
            ):
                problems.append(
                    DataProblem(
                        ledger_file,
                        unit.id,
                        f"bonuses.{own.bonus}",
                        f"the award {own.name or ''} of {own.date} is also carried in from last "
                        "year's ledger: list it in one of them",
                        code="data.carried-twice",
                    )
                )
    return problems


def carried_problems(
    schema: Schema, ledger: list[tuple[str, AwardWon]], classes: Mapping[str, str], ledger_file: str = "<carry-in>"
) -> list[DataProblem]:
    """Awards carried in that would be lost without a word: for a unit that is not in the data
    (`classes` maps the assessed units' ids to their classes), or under a bonus its class lacks."""
    problems: list[DataProblem] = []
    for unit_id in sorted({unit_id for unit_id, _ in ledger if unit_id not in classes}):
        message = "an award is carried in for this unit, which is not in the data"
        message += nearest(unit_id, classes, cutoff=0.8)
        problems.append(
            DataProblem(
                ledger_file,
                unit_id,
                "carry_over",
                message,
                code="data.carried-lost",
            )
        )
    lacking = sorted(
        {
            (unit_id, award.bonus)
            for unit_id, award in ledger
            if unit_id in classes
            and award.bonus not in {r.name for r in schema.classes[classes[unit_id]].rules_of("bonus")}
        }
    )
    for unit_id, bonus in lacking:
        problems.append(
            DataProblem(
                ledger_file,
                unit_id,
                "carry_over",
                f"an award is carried in under bonus `{bonus}`, which does not apply to class {classes[unit_id]}",
                code="data.carried-lost",
            )
        )
    return problems


def _ledger_year(raw: Any, policy_year: int | None, validator: Validator) -> int | None:
    """The ledger's year, checked to be the year before the policy's; None after a problem."""
    if raw is None:
        validator.problem("year", "missing: the year whose assessment wrote this ledger", code="data.ledger-year")
        return None
    if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value() and 1000 <= raw <= 9999:
        raw = int(raw)  # 2002 given from Python as a Decimal
    if isinstance(raw, int) and not isinstance(raw, bool) and 1000 <= raw <= 9999:
        year = raw
    elif isinstance(raw, str) and re.fullmatch(r"[0-9]{4}", raw.strip()):
        year = int(raw.strip())
    else:
        # An integer over 4,300 digits cannot even be turned into text: say what it is instead.
        shown = "a number out of range" if isinstance(raw, int) and abs(raw) > 9999 else f"`{str(raw)[:40]}`"
        validator.problem("year", f"expected a year such as 2002, found {shown}", code="data.ledger-year")
        return None
    if policy_year is not None and year != policy_year - 1:
        if year == policy_year:
            why = "it is this year's own ledger: its late awards count next year, not again now"
        else:
            why = f"a {policy_year} assessment takes the {policy_year - 1} ledger"
        validator.problem("year", f"the ledger is for {year}; {why}", code="data.ledger-year")
        return None
    return year
