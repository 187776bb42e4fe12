"""Cross-field constraints (`require`): checked over the values a record gives, by the condition's generated
code (the interpreter's where the kernel declines it), before anything is scored."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from targetdsl.evaluation.interpreter import Failure
from targetdsl.keywords import Language, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.schema import InputSpec
from targetdsl.numeric import CONTEXT, HUNDRED
from targetdsl.values import Marker, Value

if TYPE_CHECKING:
    from targetdsl.units.data import Validator


def required(
    validator: Validator,
    requires: tuple[n.Require, ...],
    specs: Mapping[str, InputSpec],
    values: dict[str, Value],
    field: str,
) -> None:
    """Cross-field constraints (`require done <= subs`) over the values just read, each reported as
    `data.constraint` naming the fields and their values. A constraint reading a value that is missing
    (refused, not applicable, the class average) or was refused is not checked: the input's own rule
    decides that value. One the data make impossible to decide (a division by zero) is reported."""
    for require in requires:
        plan = validator.constraints.get(id(require))
        if plan is None:
            plan = validator.constraints[id(require)] = _constraint(require)
        names, holds_for, frame = plan
        if any(name not in values or isinstance(values[name], Marker) for name in names):
            continue
        try:
            holds = holds_for(values, frame)  # reads only `names`, and writes nothing (a constraint has no let)
            reason = None
        except Failure as failure:
            holds, reason = False, failure.message
        if holds is True:
            continue
        read = {name: values[name] for name in names}
        shown = ", ".join(f"{field}.{name} = {_value_text(value, specs[name])}" for name, value in read.items())
        # the condition as the policy says it, in the keywords of the file it is written in
        language = validator.schema.keywords.get(require.span.file, Language.ENGLISH)
        condition = f"{keyword_set(language).word('require')} {validator.schema.quote(require.expr)}"
        at = f"{field}.{names[0]}" if names else field  # the first field it names: in a workbook, its cell
        validator.problem(
            at,
            f"the data do not meet `{condition}` (line {require.span.line}): {shown}"
            if reason is None
            else f"`{condition}` (line {require.span.line}) cannot be decided ({reason}): {shown}",
            code="data.constraint",
        )


def _constraint(
    require: n.Require,
) -> tuple[tuple[str, ...], Callable[[dict[str, Any], Any], Any], Any]:
    """A constraint as validation checks it, built once per validation: the names it reads, its condition
    as generated code (`kernel.expression`, which the differential tests hold to the interpreter) called
    in the policy's decimal context, and the frame it is called with (never read: every name it reads is in
    the values it is given)."""
    from targetdsl.evaluation.interpreter import Frame, evaluate
    from targetdsl.evaluation.kernel import Unsupported, expression
    from targetdsl.language.typecheck import walk

    names = tuple(dict.fromkeys(node.name for node in walk(require.expr) if isinstance(node, n.Name)))
    try:
        generated: Callable[[dict[str, Any], Any], Any] = expression({}, require.expr, frozenset(names))
    except Unsupported:  # nothing the checker lets a constraint say; the reference would still decide it
        generated = lambda values, frame: evaluate(require.expr, Frame(dict(values), parent=frame, explain=False))  # noqa: E731

    def holds(values: dict[str, Any], frame: Any) -> Any:
        with decimal.localcontext(CONTEXT):
            return generated(values, frame)

    return names, holds, Frame({}, explain=False)


def _value_text(value: Value, spec: InputSpec) -> str:
    """A validated value as a constraint's message names it: numbers as the data wrote them (a percent
    input's 0.085 as 8.5), the word of an input of words, booleans and dates as written."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal):
        if spec.choices is not None:
            return next((word for word, number in spec.choices.items() if number == value), str(value))
        shown = CONTEXT.multiply(value, HUNDRED) if spec.type in ("percent", "pp") else value
        return format(shown.normalize(CONTEXT), "f")
    return str(value)
