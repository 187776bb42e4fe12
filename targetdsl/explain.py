"""Explanations: a unit's result traced back to rules and inputs, for people and tools.

The evaluator records a tree of `Step`s for every unit; this module renders
it as indented text (each number with the rule file:line that produced it,
the inputs used, intermediate values, caps and floors, the veto that
fired and why the grade is what it is) or as JSON.
"""

from __future__ import annotations

from typing import Any

from targetdsl.numeric import text
from targetdsl.outputs import visible_inline
from targetdsl.results import Step, UnitResult, to_json


def render_text(unit: UnitResult, class_size: int) -> str:
    lines = [
        f"{unit.name} ({unit.id}), class {unit.unit_class}",
        f"total {text(unit.total)}, grade {unit.grade or '—'}, rank {unit.rank} of {class_size}",
    ]
    if unit.vetoes:
        lines.append(
            "vetoed: " + "; ".join(f"{v.label or v.name} ({', '.join(v.effects)}) at {v.rule}" for v in unit.vetoes)
        )
    if unit.total != unit.raw_total:
        lines.append(f"raw total before the veto: {text(unit.raw_total)}")
    lines.append("")
    for step in unit.explanation:
        lines.extend(render_step(step, 0))
    # each line escaped on its own: a name or an item holding a newline cannot add a line of its own
    return "\n".join(visible_inline(line) for line in lines) + "\n"


def render_step(step: Step, depth: int) -> list[str]:
    indent = "  " * depth
    head = f"{indent}{step.what} = {step.value}"
    if step.rule:
        head += f"    [{step.rule}]"
    lines = [head]
    if step.inputs:
        lines.append(f"{indent}    inputs: " + ", ".join(f"{k} = {v}" for k, v in step.inputs))
    for note in step.notes:
        lines.append(f"{indent}    {note}")
    for child in step.children:
        lines.extend(render_step(child, depth + 1))
    return lines


def render_json(unit: UnitResult) -> dict[str, Any]:
    document: dict[str, Any] = to_json(unit)
    return document
