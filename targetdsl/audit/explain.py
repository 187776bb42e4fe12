"""Explanations: a unit's result traced back to rules and inputs, for people and tools.

The evaluator records a tree of `Step`s for every unit; this module renders
it as indented text (each number with the rule file:line that produced it,
the inputs used, intermediate values, caps and floors, the veto that
fired and why the grade is what it is) or as JSON.

A step's wording is recorded in English; the text rendering puts it into the reader's language
through the catalog (`messages.translate`), at the time it is shown: the steps' own wording (the
top-level steps', their values and every note), never a name. A step below the top level is named
after a measure, a sub-item or an item of the policy or the data, and its name is shown as it is.
JSON stays in English, whatever the language (tools read it).
"""

from __future__ import annotations

from typing import Any

from targetdsl.evaluation.results import Step, UnitResult, VetoResult, to_json
from targetdsl.messages import Language, translate, translate_clauses
from targetdsl.numeric import text
from targetdsl.outputs import visible_inline


def render_text(unit: UnitResult, ranked_with: int, *, language: Language = Language.ENGLISH) -> str:
    def say(words: str) -> str:
        return translate(words, language)

    lines = [
        say(f"{unit.name} ({unit.id}), class {unit.unit_class}"),
        say(f"total {text(unit.total)}, grade {unit.grade or '—'}, rank {unit.rank} of {ranked_with}"),
    ]
    if unit.vetoes:
        joiner = "; " if language is Language.ENGLISH else "；"
        causes = joiner.join(say(f"{v.label or v.name} ({', '.join(v.effects)}) at {v.rule}") for v in unit.vetoes)
        lines.append(say("vetoed: {vetoes}").replace("{vetoes}", causes))
    if unit.total != unit.raw_total:
        lines.append(say(f"raw total before the veto: {text(unit.raw_total)}"))
    lines.append("")
    effects = {", ".join(v.effects): _effects(v, language) for v in unit.vetoes}
    for step in unit.explanation:
        lines.extend(render_step(step, 0, language=language, effects=effects))
    # each line escaped on its own: a name or an item holding a newline cannot add a line of its own
    return "\n".join(visible_inline(line) for line in lines) + "\n"


def _effects(veto: VetoResult, language: Language) -> str:
    """A veto step's value: its effects, each in the reader's words."""
    if language is Language.ENGLISH:
        return ", ".join(veto.effects)
    return "，".join(translate(effect, language) for effect in veto.effects)


def render_step(
    step: Step,
    depth: int,
    *,
    language: Language = Language.ENGLISH,
    effects: dict[str, str] | None = None,
    wording: bool = True,
) -> list[str]:
    """A step and its children as indented lines. At the top level a step's `what` is wording (`category
    经济发展`, `rank in class`); below it, the name of a measure, sub-item or item, shown as it is (and at
    the top level too when `wording` is false: a measure's step shown alone)."""
    indent = "  " * depth
    what = translate(step.what, language) if depth == 0 and wording else step.what
    if depth == 0 and effects and step.value in effects:
        value = effects[step.value]
    elif depth == 0 and step.what == "grade":
        value = step.value  # a grade's name
    else:
        value = translate(step.value, language)
    head = f"{indent}{what} = {value}"
    if step.rule:
        head += f"    [{step.rule}]"
    lines = [head]
    if step.inputs:
        shown = ", ".join(f"{k} = {translate(v, language) if v in _WORDS else v}" for k, v in step.inputs)
        lines.append(f"{indent}    {translate('inputs: {inputs}', language).replace('{inputs}', shown)}")
    for note in step.notes:
        # the grade's note is its reason: clauses joined by "; ", each said alone
        lines.append(
            f"{indent}    {translate_clauses(note, language) if step.what == 'grade' else translate(note, language)}"
        )
    for child in step.children:
        lines.extend(render_step(child, depth + 1, language=language, effects=effects))
    return lines


_WORDS = frozenset({"true", "false", "missing"})  # an input's value in words (measures._show)


def render_json(unit: UnitResult) -> dict[str, Any]:
    document: dict[str, Any] = to_json(unit)
    return document
