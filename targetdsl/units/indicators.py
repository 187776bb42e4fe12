"""A unit's indicators: each measure's inputs and sub-items, the items of an items measure, a score given
in place of the inputs, the assessors' scores and the ballots of an assessed measure."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from targetdsl.language.schema import ClassSpec, InputSpec, MeasureSpec
from targetdsl.numeric import HUNDRED, ZERO
from targetdsl.units.fields import RULE_SECTIONS, _mapping, _shown_value, excerpt
from targetdsl.values import GivenScore, Item, MeasureData

if TYPE_CHECKING:
    from targetdsl.units.data import Validator


ITEM_KEYS = {"name", "points", "given"}

# The words an invalid ballot (废票) is written with in a list of ballots.
INVALID_BALLOT = frozenset({"invalid", "废票", "无效", "无效票"})


def measures(validator: Validator, raw: Any, unit_class: ClassSpec) -> dict[str, MeasureData]:
    given = _mapping(raw, "indicators", validator)
    specs = {m.name: m for m in unit_class.measures()}
    if validator.only is not None:  # weights per indicator: an earlier period's data
        for name in sorted(set(map(str, given)) & set(specs) - validator.only):
            validator.problem(
                f"indicators.{name}",
                f"`{name}` is not weighted over the periods: it is scored on the last period's data alone; "
                "leave it out of this period's",
                code="data.unknown-field",
            )
        given = {k: v for k, v in given.items() if k not in specs or k in validator.only}
        specs = {k: v for k, v in specs.items() if k in validator.only}
    for name in sorted(set(map(str, given)) - set(specs)):
        hint = "" if validator.schema.measure(name) is None else f" (it does not apply to class {unit_class.name})"
        # a spreadsheet column `vetos.环境保护.failed` reads as the indicator `vetos`: the section is meant
        sections = (*RULE_SECTIONS.values(), "bonuses", "inputs")
        validator.unknown(f"indicators.{name}", f"unknown indicator{hint}", among=(*specs, *sections))
    result: dict[str, MeasureData] = {}
    for spec in specs.values():
        field = f"indicators.{spec.name}"
        result[spec.name] = validator.measure(spec, given.get(spec.name), field)
    return result


def measure(validator: Validator, spec: MeasureSpec, raw: Any, field: str) -> MeasureData:
    if spec.kind == "items":
        if raw is None or raw == []:
            # No items is missing data, as a missing value is: the measure would drop out and its points
            # go to the unit's other measures, so that a unit listing nothing could rank above one that
            # listed its work and failed some of it. Only the policy may say that a unit without items
            # is not assessed on the measure: `missing na` on an input of the items. Absent and empty
            # are one (a sheet cannot write an empty list).
            if not _items_may_be_missing(spec):
                validator.problem(
                    field,
                    "no items listed: list this unit's items, or, if a unit without items is not assessed "
                    "on this measure, declare `missing na` on an input of the items",
                    code="data.missing-value",
                )
            return MeasureData()
        if not isinstance(raw, list):
            validator.problem(field, "expected a list of items", code="data.bad-shape")
            return MeasureData()
        return MeasureData(items=tuple(validator.item(spec, r, i, f"{field}[{i}]") for i, r in enumerate(raw, 1)))
    if spec.kind == "assessed":
        if spec.ballots:  # each unit lists its own ballots
            return MeasureData(ballots=validator.ballots(spec, raw, field))
        return MeasureData(ratings=validator.ratings(spec, raw, field))
    mapping = _mapping(raw, field, validator)
    if spec.name not in validator.allowed:
        validator.allowed[spec.name] = (
            set(spec.inputs) | {s.name for s in spec.subitems} | ({"given"} if spec.given_by else set())
        )
    allowed = validator.allowed[spec.name]
    if not mapping.keys() <= allowed:
        for key in sorted(set(map(str, mapping)) - allowed):
            validator.unknown(
                f"{field}.{key}",
                f"unknown input; `{spec.name}` takes {', '.join(sorted(allowed)) or 'none'}",
                among=allowed,
            )
    # A given score needs no inputs, of the indicator or of its sub-items.
    given = validator.given(spec, mapping.get("given"), field) if "given" in mapping else None
    values = validator.values(mapping, _needed(spec, mapping, given), field, check_unknown=False)
    if spec.requires:
        validator.required(spec.requires, spec.inputs, values, field)
    if not spec.subitems:
        return MeasureData(values, given=given)
    subitems = {}
    for sub in spec.subitems:
        raw = _mapping(mapping.get(sub.name), f"{field}.{sub.name}", validator)
        subitems[sub.name] = validator.values(raw, _needed(sub, raw, given), f"{field}.{sub.name}")
        if sub.requires:
            validator.required(sub.requires, sub.inputs, subitems[sub.name], f"{field}.{sub.name}")
    return MeasureData(values=values, subitems=subitems, given=given)


def item(validator: Validator, spec: MeasureSpec, raw: Any, index: int, field: str) -> Item:
    mapping = _mapping(raw, field, validator)
    # pooled items weigh by their sub-items: an item has no points of its own to give
    allowed = set(spec.inputs) | (ITEM_KEYS - {"points"} if spec.node.pooled else ITEM_KEYS)
    for key in sorted(set(map(str, mapping)) - allowed):
        validator.unknown(
            f"{field}.{key}",
            f"unknown input; items of `{spec.name}` take {', '.join(sorted(allowed))}",
            among=allowed,
        )
    points = Decimal(1)
    if "points" in mapping:
        number = validator.number(mapping["points"], f"{field}.points")
        if number is not None and number <= 0:
            validator.problem(f"{field}.points", "an item's points must be positive", code="data.out-of-range")
        elif number is not None:
            points = number
    given = validator.given(spec, mapping.get("given"), field)
    values = validator.values(
        {k: v for k, v in mapping.items() if k in spec.inputs},
        _needed(spec, mapping, given),
        field,
        check_unknown=False,
    )
    if spec.requires:
        validator.required(spec.requires, spec.inputs, values, field)
    name = validator.text(mapping.get("name"), f"{field}.name")
    return Item(index, None if name is False else name, points, values, given)


def given(validator: Validator, spec: MeasureSpec, raw: Any, field: str) -> GivenScore | None:
    if raw is None:
        return None
    if not spec.given_by:
        validator.unknown(f"{field}.given", f"`{spec.name}` takes no given scores")
        return None
    mapping = _mapping(raw, f"{field}.given", validator)
    assessor = mapping.get("by")
    if assessor not in spec.given_by:
        validator.problem(
            f"{field}.given.by",
            f"scores are given only by {', '.join(spec.given_by)}, not {_shown_value(assessor)}",
            code="data.bad-value",
        )
        return None
    score = validator.number(mapping.get("score"), f"{field}.given.score")
    if score is None:
        return None
    if not ZERO <= score <= HUNDRED:
        validator.problem(f"{field}.given.score", f"a given score is out of 100, not {score}", code="data.out-of-range")
        return None
    return GivenScore(str(assessor), score)


def ratings(validator: Validator, spec: MeasureSpec, raw: Any, field: str) -> dict[str, Decimal]:
    mapping = _mapping(raw, field, validator)
    names = {r.assessor for r in spec.raters}
    for key in sorted(set(map(str, mapping)) - names):
        validator.unknown(
            f"{field}.{key}",
            f"`{key}` does not assess `{spec.name}`; its assessors are {', '.join(sorted(names))}",
            among=names,
        )
    ratings: dict[str, Decimal] = {}
    for rater in spec.raters:
        score = validator.rating(spec, mapping.get(rater.assessor), f"{field}.{rater.assessor}")
        if score is not None:
            ratings[rater.assessor] = score
    return ratings


def ballots(validator: Validator, spec: MeasureSpec, raw: Any, field: str) -> tuple[Decimal | None, ...]:
    """A unit's ballots (评分票), in order: each a score from 0 to the measure's scale, or an invalid
    ballot (`invalid`, `废票`, `无效`: counted, not scored); a blank is no ballot. At least one valid."""
    if raw is None:
        validator.problem(field, "missing: list this unit's ballots", code="data.missing-value")
        return ()
    if not isinstance(raw, list):
        validator.problem(field, "expected a list of ballots, each a score or `invalid`", code="data.bad-shape")
        return ()
    ballots: list[Decimal | None] = []
    refused = False
    for index, value in enumerate(raw, 1):
        at = f"{field}[{index}]"
        if value is None:
            continue  # a blank cell: no ballot
        if isinstance(value, str) and value.strip().lower() in INVALID_BALLOT:
            ballots.append(None)
            continue
        if isinstance(value, str) and not value.strip():
            continue
        if isinstance(value, str) and not any(c.isdigit() for c in value):  # a word, not a score
            validator.problem(
                at,
                f"`{excerpt(value)}` is not a ballot: write its score (0 to {spec.scale}), or 废票 (invalid)",
                code="data.bad-number",
            )
            refused = True
            continue
        score = validator.number(value, at)
        if score is None:
            refused = True
        elif not ZERO <= score <= spec.scale:
            validator.problem(at, f"ballot score {score} is outside 0 to {spec.scale}", code="data.out-of-range")
            refused = True
        else:
            ballots.append(score)
    if not refused and all(b is None for b in ballots):
        invalid = len(ballots)
        validator.problem(
            field,
            f"no valid ballot ({invalid} invalid): `{spec.name}` cannot be scored"
            if invalid
            else f"no ballot: `{spec.name}` cannot be scored",
            code="data.missing-value",
        )
    return tuple(ballots)


def rating(validator: Validator, spec: MeasureSpec, value: Any, field: str) -> Decimal | None:
    """One assessor's score, between 0 and the measure's scale."""
    if value is None:
        validator.problem(field, "missing assessor score", code="data.missing-value")
        return None
    score = validator.number(value, field)
    if score is None:
        return None
    if not ZERO <= score <= spec.scale:
        validator.problem(field, f"assessor score {score} is outside 0 to {spec.scale}", code="data.out-of-range")
        return None
    return score


def _items_may_be_missing(spec: MeasureSpec) -> bool:
    """Whether the policy says a unit without items is not assessed on an items measure: `missing na`
    on one of the items' inputs."""
    return any(input_spec.missing == "na" for input_spec in spec.inputs.values())


def _needed(spec: MeasureSpec, mapping: Mapping[str, Any], given: GivenScore | None) -> Mapping[str, InputSpec]:
    """The inputs to validate: all of them, or, when the score is given, only those the data give
    (a given score needs no inputs; those given still count completion, see measures.py)."""
    if given is None:
        return spec.inputs
    return {
        name: input_spec
        for name, input_spec in spec.inputs.items()
        if mapping.get(name) is not None and not (isinstance(mapping[name], str) and not mapping[name].strip())
    }
