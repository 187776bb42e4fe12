"""User-defined functions expanded into the expressions that call them.

`function 得票率(赞成, 总数) = 赞成 / 总数` names a formula; a call `得票率(a, b)` stands for its body
with each parameter replaced by the argument's expression. The checker types a call through its
expansion (`apply`), and the schema is built from the effective policy with every call expanded
(`expand`), each into an `n.Applied` node that keeps the function's name and arguments: every
evaluator (the interpreter, which notes the function's value in the explanation, and the generated
code) evaluates the body as written, and the lowered graph sees the inputs the arguments read.

A function reads only its parameters and calls no class-wide function and, directly or through
others, never itself (the checker refuses each); `apply` bounds how large and how deep an expansion
may grow, so that a chain of functions each calling the next twice cannot grow without bound.

This module rewrites nodes only; it must not judge names or kinds (the checker does).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

import attrs

from targetdsl.language import nodes as n
from targetdsl.language.inheritance import Effective

# The most nodes one call may expand into, and the deepest it may nest: beyond them the policy is
# refused (`check.too-deep`) rather than evaluated.
MAX_NODES = 20_000
MAX_DEPTH = 128


EXPRESSIONS = typing.get_args(n.Expr)  # the node classes an expression is made of


class ExpansionError(Exception):
    """A call whose expansion would be too large or nest too deeply."""


def functions_of(effective: Effective) -> dict[str, n.Function]:
    return {d.name: d for d in effective.declarations if isinstance(d, n.Function)}


def apply(call: n.Call, functions: Mapping[str, n.Function]) -> n.Applied:
    """`call` of a user-defined function, expanded (its arguments expanded too)."""
    expander = _Expander(functions)
    expanded = expander.rewrite(call, {})
    assert isinstance(expanded, n.Applied)
    return expanded


def expand(effective: Effective) -> Effective:
    """The effective policy with every call of a user-defined function expanded (the policy has passed
    the checker: each call has the function's arity and no function calls itself)."""
    functions = functions_of(effective)
    if not functions:
        return effective
    expander = _Expander(functions)
    declarations = tuple(expander.declaration(d) for d in effective.declarations)
    return attrs.evolve(effective, declarations=declarations)


class _Expander:
    def __init__(self, functions: Mapping[str, n.Function]):
        self.functions = functions
        self.nodes = 0  # the terms of the outermost call being expanded: each call is bounded alone
        self.inside = 0

    def declaration(self, declaration: n.Declaration) -> n.Declaration:
        match declaration:
            case n.Category(measures=measures):
                return attrs.evolve(declaration, measures=tuple(self.measure(m) for m in measures))
            case n.Rule(body=body):
                return attrs.evolve(declaration, body=tuple(self.statement(s) for s in body))
            case n.Const(expr=expr):
                return attrs.evolve(declaration, expr=self.top(expr))
        return declaration

    def measure(self, measure: n.Measure) -> n.Measure:
        return attrs.evolve(measure, body=tuple(self.statement(s) for s in measure.body))

    def statement(self, statement: n.Statement) -> n.Statement:
        """Every expression a statement holds, whatever the statement (`score`, `tally`, `when`, a
        construct added later): a call left unexpanded would reach an evaluator that knows none."""
        if isinstance(statement, n.Measure):
            return self.measure(statement)
        changes: dict[str, Any] = {
            field.name: self.top(value)
            for field in attrs.fields(type(statement))
            if isinstance(value := getattr(statement, field.name), EXPRESSIONS)
        }
        return attrs.evolve(statement, **changes) if changes else statement

    def top(self, expr: n.Expr) -> n.Expr:
        return self.rewrite(expr, {})

    def rewrite(self, expr: n.Expr, bound: Mapping[str, n.Expr]) -> n.Expr:
        if self.inside:
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise ExpansionError(f"its expansion exceeds {MAX_NODES} terms")
        match expr:
            case n.Name(name=name) if name in bound:
                return bound[name]
            case n.Number() | n.Boolean() | n.Date() | n.Name() | n.Reference():
                return expr
            case n.Call(function=function, args=args):
                expanded = tuple(self.rewrite(a, bound) for a in args)
                definition = self.functions.get(function)
                if definition is None:
                    return attrs.evolve(expr, args=expanded, depth=_deepest(expanded) + 1)
                if not self.inside:
                    self.nodes = 0
                self.inside += 1
                try:
                    body = self.rewrite(definition.expr, dict(zip(definition.params, expanded, strict=True)))
                finally:
                    self.inside -= 1
                depth = max(body.depth if hasattr(body, "depth") else 1, _deepest(expanded)) + 1
                if depth > MAX_DEPTH:
                    raise ExpansionError(f"it nests more than {MAX_DEPTH} levels once expanded")
                return n.Applied(function, expanded, body, span=expr.span, depth=depth)
            case n.Unary(operand=operand):
                operand = self.rewrite(operand, bound)
                return attrs.evolve(expr, operand=operand, depth=_deepest((operand,)) + 1)
            case n.Binary(left=left, right=right):
                sides = (self.rewrite(left, bound), self.rewrite(right, bound))
                return attrs.evolve(expr, left=sides[0], right=sides[1], depth=_deepest(sides) + 1)
            case n.Conditional(test=test, then=then, otherwise=otherwise):
                parts = (self.rewrite(test, bound), self.rewrite(then, bound), self.rewrite(otherwise, bound))
                return attrs.evolve(expr, test=parts[0], then=parts[1], otherwise=parts[2], depth=_deepest(parts) + 1)
            case n.Bands(subject=subject, arms=arms):
                new_subject = self.rewrite(subject, bound)
                new_arms = tuple(
                    attrs.evolve(
                        arm,
                        bound=None if arm.bound is None else self.rewrite(arm.bound, bound),
                        value=self.rewrite(arm.value, bound),
                    )
                    for arm in arms
                )
                terms = (new_subject, *(e for arm in new_arms for e in (arm.bound, arm.value) if e is not None))
                return attrs.evolve(expr, subject=new_subject, arms=new_arms, depth=_deepest(terms) + 1)
            case n.Interpolate(subject=subject, anchors=anchors):
                new_subject = self.rewrite(subject, bound)
                new_anchors = tuple(attrs.evolve(a, value=self.rewrite(a.value, bound)) for a in anchors)
                ends = (new_subject, *(a.value for a in new_anchors))
                return attrs.evolve(expr, subject=new_subject, anchors=new_anchors, depth=_deepest(ends) + 1)
            case n.Applied():
                return expr
        raise TypeError(f"not an expression: {expr!r}")


def _deepest(exprs: tuple[n.Expr | None, ...]) -> int:
    return max((getattr(e, "depth", 1) for e in exprs if e is not None), default=0)
