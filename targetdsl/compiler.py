"""Expressions lowered once into Python closures: the fast path.

Each expression becomes a closure over a plain dict of the measure's
values (inputs and `points`); `let`s are compiled too and memoised in that
dict on first use, so they stay lazy exactly as in the interpreter;
constants and unit inputs are read from the unit's frame. The closures
keep no notes and report no coverage: they serve evaluations that build
no explanation. `interpreter.py` stays the reference semantics — the same
errors (`Failure`, `NotApplicable`, `NeedsPeerAverage`), the same
arithmetic — and the test suite runs both on every case and on generated
policies. No source code is generated, so names and labels never become
code.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from targetdsl import nodes as n
from targetdsl.functions import FUNCTIONS
from targetdsl.interpreter import (
    ARITHMETIC_ERRORS,
    Failure,
    Frame,
    NeedsPeerAverage,
    NotApplicable,
    _describe,
    arithmetic_failure,
)
from targetdsl.numeric import CONTEXT, HUNDRED, ZERO
from targetdsl.source import Span
from targetdsl.values import NOT_APPLICABLE, Marker

Env = dict[str, Any]
Closure = Callable[[Env, Frame], Any]  # values are Decimal, bool or date

_MEMO = "\0let:"  # prefix of memoised let values in an env; cannot collide with a name


class Uncompilable(Exception):
    """An expression the fast path does not take (class-wide functions): use the interpreter."""


def uses_peers(expressions: list[n.Expr]) -> bool:
    from targetdsl.typecheck import walk

    return any(
        isinstance(node, n.Call) and FUNCTIONS.get(node.function) is not None and FUNCTIONS[node.function].peer
        for expr in expressions
        for node in walk(expr)
    )


def compile_rule(lets: dict[str, n.Let], expr: n.Expr) -> Closure:
    """A rule's expression as a closure, declined (Uncompilable) when it or one of the rule's lets calls a
    class-wide function: lets are compiled when first read, so the decision is taken here, once."""
    for let in lets.values():
        for node in walk_calls(let.expr):
            if FUNCTIONS[node.function].peer:
                raise Uncompilable(node.function)
    return Compiler(lets).compile(expr)


def walk_calls(expr: n.Expr) -> list[n.Call]:
    from targetdsl.typecheck import walk

    return [node for node in walk(expr) if isinstance(node, n.Call) and node.function in FUNCTIONS]


class Compiler:
    """Compiles the expressions of one scope (a measure's inputs and lets)."""

    def __init__(self, lets: dict[str, n.Let]):
        self.lets = lets
        self.compiled_lets: dict[str, Closure] = {}

    def compile(self, expr: n.Expr) -> Closure:
        function = self._compile(expr)

        def guarded(env: Env, frame: Frame) -> Any:
            try:
                return function(env, frame)
            except ARITHMETIC_ERRORS as exc:
                raise arithmetic_failure(exc, expr) from None

        return guarded

    def _let(self, name: str) -> Closure:
        if name not in self.compiled_lets:
            self.compiled_lets[name] = self._compile(self.lets[name].expr)
        return self.compiled_lets[name]

    def _compile(self, expr: n.Expr) -> Closure:  # noqa: C901 (one case per node type)
        match expr:
            case n.Number(value=value, unit=unit):
                constant = value / HUNDRED if unit in ("percent", "pp") else value
                return lambda env, frame: constant
            case n.Boolean(value=flag):
                return lambda env, frame: flag
            case n.Date(value=day):
                return lambda env, frame: day
            case n.Name(name=name, span=span):
                return self._name(name, span)
            case n.Unary(op="not", operand=operand):
                inner = self._condition(operand)
                return lambda env, frame: not inner(env, frame)
            case n.Unary(operand=operand):
                value_of = self._number(operand)
                return lambda env, frame: CONTEXT.minus(value_of(env, frame))
            case n.Binary(op="and", left=left, right=right):
                a, b = self._condition(left), self._condition(right)
                return lambda env, frame: a(env, frame) and b(env, frame)
            case n.Binary(op="or", left=left, right=right):
                a, b = self._condition(left), self._condition(right)
                return lambda env, frame: a(env, frame) or b(env, frame)
            case n.Binary():
                return self._binary(expr)
            case n.Conditional(test=test, then=then, otherwise=otherwise):
                condition, yes, no = self._condition(test), self._compile(then), self._compile(otherwise)
                return lambda env, frame: yes(env, frame) if condition(env, frame) else no(env, frame)
            case n.Call():
                return self._call(expr)
            case n.Applied(body=body):  # a user-defined function: its body, as the interpreter evaluates it
                return self._compile(body)
            case n.Bands():
                return self._bands(expr)
            case n.Interpolate():
                return self._interpolate(expr)
            case n.Reference():
                return self._reference(expr)
        raise TypeError(f"not an expression: {expr!r}")

    def _name(self, name: str, span: Span) -> Closure:
        if name in self.lets:
            key = _MEMO + name

            def let_value(env: Env, frame: Frame) -> Any:
                if key not in env:
                    env[key] = self._let(name)(env, frame)
                return env[key]

            return let_value

        def lookup(env: Env, frame: Frame) -> Any:
            value = env[name] if name in env else frame.lookup(name, span)
            if type(value) is Marker:
                if value is NOT_APPLICABLE:
                    raise NotApplicable(name)
                raise NeedsPeerAverage(name)
            return value

        return lookup

    @staticmethod
    def _reference(expr: n.Reference) -> Closure:
        """`score(M)`: read from the unit's frame, as the interpreter reads it."""

        def quantity(env: Env, frame: Frame) -> Any:
            value = frame.quantity(expr)
            if value is NOT_APPLICABLE:
                raise NotApplicable(f"{expr.quantity}({expr.target})")
            return value

        return quantity

    def _number(self, expr: n.Expr) -> Closure:
        function = self._compile(expr)

        def number(env: Env, frame: Frame) -> Any:
            value = function(env, frame)
            if type(value) is not Decimal:
                raise Failure(f"expected a number, got {value!r}", expr.span)
            return value

        return number

    def _condition(self, expr: n.Expr) -> Closure:
        function = self._compile(expr)

        def condition(env: Env, frame: Frame) -> Any:
            value = function(env, frame)
            if type(value) is not bool:
                raise Failure(f"expected true or false, got {value!r}", expr.span)
            return value

        return condition

    def _binary(self, expr: n.Binary) -> Closure:
        op = expr.op
        a, b = self._compile(expr.left), self._compile(expr.right)
        if op in ("==", "!="):
            equal = op == "=="
            return lambda env, frame: (a(env, frame) == b(env, frame)) is equal
        if op in (">=", ">", "<=", "<"):
            compare = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}[op]

            def comparison(env: Env, frame: Frame) -> Any:
                left, right = a(env, frame), b(env, frame)
                if isinstance(left, datetime.date) != isinstance(right, datetime.date):
                    raise Failure("cannot compare a date with a number", expr.span)
                return bool(compare(left, right))

            return comparison
        operation = {"+": CONTEXT.add, "-": CONTEXT.subtract, "*": CONTEXT.multiply}.get(op)

        def arithmetic(env: Env, frame: Frame) -> Any:
            left, right = a(env, frame), b(env, frame)
            if type(left) is not Decimal or type(right) is not Decimal:
                raise Failure(f"`{op}` needs numbers", expr.span)
            if operation is not None:
                return operation(left, right)
            if right == ZERO:
                raise Failure(f"division by zero: {_describe(expr.right)} is 0", expr.span)
            return CONTEXT.divide(left, right)

        return arithmetic

    def _call(self, expr: n.Call) -> Closure:
        function = FUNCTIONS[expr.function]
        apply = function.apply
        if apply is None:  # class-wide: the interpreter reads the class
            raise Uncompilable(expr.function)
        args = [self._number(a) for a in expr.args]
        if len(args) == 1:
            (only,) = args
            return lambda env, frame: apply(only(env, frame))
        if len(args) == 2:
            first, second = args
            return lambda env, frame: apply(first(env, frame), second(env, frame))
        return lambda env, frame: apply(*[f(env, frame) for f in args])

    def _bands(self, expr: n.Bands) -> Closure:
        subject = self._compile(expr.subject)
        slot = f"\0subject{id(expr)}"  # each bands keeps its subject apart, even when nested
        arms: list[tuple[Closure | None, Closure]] = []
        for arm in expr.arms:
            if arm.op == "" or arm.bound is None:
                arms.append((None, self._compile(arm.value)))
            else:
                test = self._binary(n.Binary(arm.op, n.Name(slot), arm.bound, span=arm.span))
                arms.append((test, self._compile(arm.value)))

        def bands(env: Env, frame: Frame) -> Any:
            env[slot] = subject(env, frame)
            for test, value in arms:
                if test is None or test(env, frame):
                    return value(env, frame)
            raise Failure("no band matched", expr.span)

        return bands

    def _interpolate(self, expr: n.Interpolate) -> Closure:
        subject = self._number(expr.subject)
        anchors = [(self._number(a.at), self._number(a.value)) for a in expr.anchors]

        def interpolate(env: Env, frame: Frame) -> Any:
            return interpolated(subject(env, frame), [(at(env, frame), value(env, frame)) for at, value in anchors])

        return interpolate


def interpolated(x: Decimal, points: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """Piecewise-linear through `points` (ascending), flat beyond the first and the last."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y0 + CONTEXT.divide((y1 - y0) * (x - x0), x1 - x0)
    return points[-1][1]
