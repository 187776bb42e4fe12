"""A spreadsheet's header: the inputs that may be missing and that it has no column for, which every unit of
it would take the missing rule for without a word (`data.missing-column`)."""

from __future__ import annotations

from collections.abc import Callable

from targetdsl.language.schema import InputSpec, Schema
from targetdsl.units.fields import RULE_SECTIONS
from targetdsl.values import DataProblem


def _has_column(cell: Callable[[int, str], str | None], field: str) -> bool:
    """Whether the sheet whose first record's cells `cell` gives has a column for `field`."""
    return cell(0, field) is not None


def absent_columns(
    schema: Schema, has_column: Callable[[str], bool], file: str
) -> list[tuple[frozenset[str], DataProblem]]:
    """The inputs of `classes` that may be missing (`missing zero`, `default`, `na`) and that a spreadsheet
    has no column for: every unit of it would take the missing rule without a word — a new veto of this
    year, say, on a sheet made from last year's template, and nobody vetoed. Refused
    (`data.missing-column`), naming the field; a blank cell under the column is the rule at work. An item
    list is judged only where the sheet has columns for it (none is its own problem: no items listed).
    Each problem comes with the classes whose units give the field: it concerns a sheet of those."""
    found: dict[str, tuple[set[str], DataProblem]] = {}

    def check(name: str, field: str, spec: InputSpec) -> None:
        if spec.missing not in ("zero", "default", "na") or spec.last_year is not None:
            return
        if field in found:
            found[field][0].add(name)
            return
        if has_column(field):
            return
        rule = "default …" if spec.missing == "default" else spec.missing
        column = field.removeprefix("indicators.").replace("[1]", ".1")
        found[field] = (
            {name},
            DataProblem(
                file,
                None,
                field,
                f"the sheet has no column `{column}`: every unit in it would take `missing {rule}` without a word; "
                "add the column (this year's template has it) and leave its cells blank where that is meant",
                code="data.missing-column",
            ),
        )

    for name, spec in schema.classes.items():
        for input_name, input_spec in schema.unit_inputs.items():
            check(name, f"inputs.{input_name}", input_spec)
        for measure in spec.measures():
            field = f"indicators.{measure.name}"
            if measure.kind == "items":
                if has_column(field):
                    for input_name, input_spec in measure.inputs.items():
                        check(name, f"{field}[1].{input_name}", input_spec)
                continue
            for input_name, input_spec in measure.inputs.items():
                check(name, f"{field}.{input_name}", input_spec)
            for sub in measure.subitems:
                for input_name, input_spec in sub.inputs.items():
                    check(name, f"{field}.{sub.name}.{input_name}", input_spec)
        for rule in spec.rules:
            section = RULE_SECTIONS.get(rule.kind)
            if section is not None:
                for input_name, input_spec in rule.inputs.items():
                    check(name, f"{section}.{rule.name}.{input_name}", input_spec)
    return [(frozenset(needing), problem) for needing, problem in found.values()]
