"""The reference semantics of expressions: exact, traced, terminating.

`Frame` binds the names one expression can see (inputs, `let`s evaluated
lazily and once, constants, `points`, result names) for one unit. `Peers`
gives class-wide functions the same expression's values over the unit's
class. Evaluation records notes — caps that applied, the band that
matched, the interpolation segment — so every number can be explained.

Nothing here loops over policy-controlled structure without bound: the
checker has rejected cycles, nested class-wide calls and expressions that
nest too deeply through their lets and constants (`check.too-deep`), so
evaluation of an expression visits each node at most once per unit and
recurses a bounded depth.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow

import attrs

from targetdsl.diagnostics import TargetdslError
from targetdsl.evaluation import cover
from targetdsl.keywords import Language, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.functions import FUNCTIONS, ClassValues, EmptyClassError, OverClass, TooWideError
from targetdsl.messages import translate
from targetdsl.numeric import CONTEXT, HUNDRED, ONE, ZERO, show, text
from targetdsl.source import Span
from targetdsl.values import ERROR_WORDS, NOT_APPLICABLE, UNIT_WORDS, Marker, Value


class NotApplicable(Exception):
    """A `missing na` input was read: the measure drops out for this unit."""


class NeedsPeerAverage(Exception):
    """A `missing peer_avg` input was read: the measure scores the class average."""


@attrs.frozen
class EvaluationProblem:
    unit: str
    where: str
    message: str
    span: Span
    code: str | None = attrs.field(default=None, kw_only=True)  # a stable code (`eval.*`, docs/errors.md)

    def __str__(self) -> str:
        return self.render()

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        """`file:line:col: unit U: where: message`, the words in `language`."""
        # `veto 安全`, `total` are put in words; a measure is named as the policy names it (`value`, `score`)
        where = translate(self.where, language) if " " in self.where or self.where == "total" else self.where
        return f"{self.span}: {UNIT_WORDS[language]}{self.unit}: {where}: {translate(self.message, language)}"


class EvaluationError(TargetdslError):
    """Evaluation failed for some units (e.g. a division by zero); nothing is returned."""

    def __init__(self, problems: list[EvaluationProblem]):
        self.problems = tuple(problems)
        head = str(self.problems[0]) if self.problems else "evaluation failed"
        more = len(self.problems) - 1
        super().__init__(head + (f" (and {more} more problems)" if more > 0 else ""))

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        word = ERROR_WORDS[language]
        return "\n".join(
            f"{word}{'' if p.code is None else f'[{p.code}]'}: {p.render(language=language)}" for p in self.problems
        )


class Failure(Exception):
    """An expression cannot be evaluated for this unit; caught and reported by the engine."""

    def __init__(self, message: str, span: Span, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.code = code


Peers = Callable[[n.Expr], ClassValues]
EVERY_UNIT = n.Number(ONE)  # the expression `peer_count()` counts: one per unit of the class


class Frame:
    """The names visible to one expression for one unit."""

    def __init__(
        self,
        values: dict[str, Value],
        lets: dict[str, n.Let] | None = None,
        parent: Frame | None = None,
        peers: Peers | None = None,
        explain: bool = True,
        keywords: dict[str, Language] | None = None,
    ):
        self.values = values
        self.lets = lets or {}
        self.parent = parent
        self.peers = peers
        # each file's keyword language (a unit's frame; the others read their parent's): a note names a
        # built-in function as the file writes it, `最小(…)` in a file written with Chinese keywords
        self.keywords: dict[str, Language] = keywords if keywords is not None else parent.keywords if parent else {}
        self.computed: dict[str, Value] = {}
        self.used: dict[str, Value] = {}
        # A unit's frame: the quantities of its result referred to by `score(M)`, by (quantity, target),
        # filled by the engine as they are computed; None in every other frame.
        self.quantities: dict[tuple[str, str], Value] | None = None
        # Notes for the explanation (caps, bands, class statistics); None when no explanation is wanted.
        self.notes: list[str] | None = [] if explain else None

    def lookup(self, name: str, span: Span) -> Value:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.values:
                value = frame.values[name]
                self.used.setdefault(name, value)
                return value
            if name in frame.lets:
                if name not in frame.computed:
                    frame.computed[name] = evaluate(frame.lets[name].expr, frame)
                return frame.computed[name]
            frame = frame.parent
        raise Failure(f"`{name}` has no value", span)

    def quantity(self, reference: n.Reference) -> Value:
        """The value of `score(M)` for this frame's unit: a number, or NOT_APPLICABLE when M does not
        apply to the unit. One not computed yet is a defect of the evaluation order, never a zero."""
        frame: Frame | None = self
        while frame is not None:
            if frame.quantities is not None:
                key = (reference.quantity, reference.target)
                if key not in frame.quantities:
                    raise RuntimeError(f"`{reference.quantity}({reference.target})` was read before it was computed")
                value = frame.quantities[key]
                self.used.setdefault(f"{reference.quantity}({reference.target})", value)
                return value
            frame = frame.parent
        raise RuntimeError(f"`{reference.quantity}({reference.target})` was read outside a unit's evaluation")

    def peer_values(self) -> Peers | None:
        frame: Frame | None = self
        while frame is not None:
            if frame.peers is not None:
                return frame.peers
            frame = frame.parent
        return None


def evaluate(expr: n.Expr, frame: Frame) -> Value:
    try:
        return _evaluate(expr, frame)
    except ARITHMETIC_ERRORS as exc:
        raise arithmetic_failure(exc, expr) from None


ARITHMETIC_ERRORS = (DivisionByZero, InvalidOperation, Overflow)


def arithmetic_failure(exc: Exception, expr: n.Expr) -> Failure:
    """What the decimal context's traps mean for the author, located at the expression."""
    if isinstance(exc, DivisionByZero):
        return Failure(f"division by zero in {_describe(expr)}", expr.span)
    return Failure(f"the arithmetic in {_describe(expr)} has no finite result", expr.span)


def number(expr: n.Expr, frame: Frame) -> Decimal:
    value = evaluate(expr, frame)
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise Failure(f"expected a number, got {value!r}", expr.span)
    return value


def condition(expr: n.Expr, frame: Frame) -> bool:
    value = evaluate(expr, frame)
    if not isinstance(value, bool):
        raise Failure(f"expected true or false, got {value!r}", expr.span)
    return value


def _evaluate(expr: n.Expr, frame: Frame) -> Value:
    match expr:
        case n.Number(value=value, unit=unit):
            return value / HUNDRED if unit in ("percent", "pp") else value
        case n.Boolean(value=value) | n.Date(value=value):
            return value
        case n.Name(name=name, span=span):
            found = frame.lookup(name, span)
            if isinstance(found, Marker):
                if found is NOT_APPLICABLE:
                    raise NotApplicable(name)
                raise NeedsPeerAverage(name)
            return found
        case n.Unary(op="not", operand=operand):
            return not condition(operand, frame)
        case n.Unary(op="-", operand=operand):
            return CONTEXT.minus(number(operand, frame))
        case n.Binary(op="and", left=left, right=right):
            return condition(left, frame) and condition(right, frame)
        case n.Binary(op="or", left=left, right=right):
            return condition(left, frame) or condition(right, frame)
        case n.Binary(op=op, left=left, right=right):
            return _binary(op, evaluate(left, frame), evaluate(right, frame), expr)
        case n.Conditional(test=test, then=then, otherwise=otherwise):
            taken = condition(test, frame)
            cover.hit(expr.span, "if: then" if taken else "if: else")
            return evaluate(then if taken else otherwise, frame)
        case n.Call():
            return _call(expr, frame)
        case n.Applied(function=function, body=body):
            gave = evaluate(body, frame)
            if frame.notes is not None:  # the explanation names the function and what it gave
                frame.notes.append(f"{function}(…) = {_show(gave)} (line {expr.span.line})")
            return gave
        case n.Bands():
            return _bands(expr, frame)
        case n.Interpolate():
            return _interpolate(expr, frame)
        case n.Reference():
            found = frame.quantity(expr)
            if found is NOT_APPLICABLE:
                raise NotApplicable(f"{expr.quantity}({expr.target})")
            return found
    raise TypeError(f"not an expression: {expr!r}")


def _binary(op: str, left: Value, right: Value, expr: n.Binary) -> Value:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op in (">=", ">", "<=", "<"):
        if isinstance(left, datetime.date) != isinstance(right, datetime.date):
            raise Failure("cannot compare a date with a number", expr.span)
        a, b = left, right  # both Decimal or both date
        if op == ">=":
            return a >= b  # type: ignore[operator]
        if op == ">":
            return a > b  # type: ignore[operator]
        if op == "<=":
            return a <= b  # type: ignore[operator]
        return a < b  # type: ignore[operator]
    if not isinstance(left, Decimal) or not isinstance(right, Decimal):
        raise Failure(f"`{op}` needs numbers", expr.span)
    if op == "+":
        return CONTEXT.add(left, right)
    if op == "-":
        return CONTEXT.subtract(left, right)
    if op == "*":
        return CONTEXT.multiply(left, right)
    if right == ZERO:
        raise Failure(f"division by zero: {_describe(expr.right)} is 0", expr.span)
    return CONTEXT.divide(left, right)


def _limited(args: tuple[n.Expr, ...], frame: Frame) -> int:
    """Which argument of `min`/`max` is the value being capped or floored: the only one that is not
    a fixed number (`max(0, x)` and `max(x, 0)` alike), else by convention the first."""
    varying = [i for i, arg in enumerate(args) if not _fixed(arg, frame)]
    return varying[0] if len(varying) == 1 else 0


def _fixed(expr: n.Expr, frame: Frame) -> bool:
    """A limit written as a number: literals, `points`, consts of them, and arithmetic of these.
    Without recursion: a const may be defined by a long chain of others."""
    root = frame
    while root.parent is not None:
        root = root.parent
    pending, seen = [expr], set()
    while pending:
        match pending.pop():
            case n.Number():
                continue
            case n.Unary(operand=operand):
                pending.append(operand)
            case n.Binary(left=left, right=right):
                pending += [left, right]
            case n.Name(name="points"):
                continue
            case n.Name(name=name) if name not in seen and _const(name, frame) is not None:
                seen.add(name)
                pending.append(root.lets[name].expr)
            case n.Name(name=name) if name in seen:
                continue
            case _:
                return False
    return True


def _const(name: str, frame: Frame) -> n.Let | None:
    """The policy `const` that `name` means here (the outermost frame's lets), if it means one."""
    found: Frame | None = frame
    while found is not None:
        if name in found.values:
            return None
        if name in found.lets:
            return found.lets[name] if found.parent is None else None
        found = found.parent
    return None


def _call(expr: n.Call, frame: Frame) -> Value:
    function = FUNCTIONS.get(expr.function)
    if function is None:
        raise Failure(f"unknown function `{expr.function}`", expr.span)
    if function.over_class is not None:
        return _peer_call(expr, function.over_class, frame)
    assert function.apply is not None
    args = [number(a, frame) for a in expr.args]
    result = function.apply(*args)
    if frame.notes is not None:
        _note_limit(expr, args, result, frame, frame.notes)
    return result


def _note_limit(expr: n.Call, args: list[Decimal], result: Decimal, frame: Frame, notes: list[str]) -> None:
    """The explanation of a cap or a floor that applied (`min`, `max`, `clamp`)."""
    name, written = expr.function, _written(expr, frame)
    if name in ("min", "max"):
        value = args[_limited(expr.args, frame)]
        if value != result:
            line = expr.span.line
            notes.append(
                f"{written}(…) capped {text(value)} at {text(result)} (line {line})"
                if name == "min"
                else f"{written}(…) floored {text(value)} at {text(result)} (line {line})"
            )
    elif name == "clamp":
        value, low, high = args
        if value < low:
            notes.append(f"{written}(…) raised {text(value)} to the floor {text(low)} (line {expr.span.line})")
        elif value > high:
            notes.append(f"{written}(…) capped {text(value)} at {text(high)} (line {expr.span.line})")


def _written(expr: n.Call, frame: Frame) -> str:
    """A built-in function's name as the file of `expr` writes it (`min`, or `最小`)."""
    return keyword_set(frame.keywords.get(expr.span.file, Language.ENGLISH)).builtin("call", expr.function)


def _peer_call(expr: n.Call, over_class: OverClass, frame: Frame) -> Value:
    peers = frame.peer_values()
    if peers is None:
        raise Failure(f"`{expr.function}` needs the unit's class, which is not available here", expr.span)
    if not expr.args:  # peer_count(): one value per unit of the class
        return over_class(peers(EVERY_UNIT), ONE)
    own = number(expr.args[0], frame)
    values = peers(expr.args[0])
    try:
        result = over_class(values, own)
    except EmptyClassError:
        raise Failure(f"no unit in the class has a value for {_describe(expr.args[0])}", expr.span) from None
    except TooWideError:
        raise Failure(
            f"the values of {_describe(expr.args[0])} in the class are too far apart in size to average", expr.span
        ) from None
    if frame.notes is not None:
        ranking = getattr(peers, "ranking", None)  # the units of classes ranked together, not of one class
        low, high, line = show(values.low), show(values.high), expr.span.line  # type: ignore[arg-type]
        if ranking is not None:
            frame.notes.append(
                f"{_written(expr, frame)}: ranking {ranking} of {values.count}, min {low}, max {high} → "
                f"{show(result)} (line {line})"
            )
        else:
            frame.notes.append(
                f"{_written(expr, frame)}: class of {values.count}, min {low}, max {high} → "
                f"{show(result)} (line {line})"
            )
    return result


def _bands(expr: n.Bands, frame: Frame) -> Value:
    subject = evaluate(expr.subject, frame)
    for index, arm in enumerate(expr.arms):
        if arm.op == "" or arm.bound is None:
            if frame.notes is not None:
                frame.notes.append(f"bands: otherwise (line {arm.value.span.line})")
            cover.hit(expr.span, "band otherwise")
            return evaluate(arm.value, frame)
        bound = evaluate(arm.bound, frame)
        if _binary(arm.op, subject, bound, n.Binary(arm.op, expr.subject, arm.bound, span=arm.span)):
            if frame.notes is not None:
                frame.notes.append(f"bands: {_show(subject)} {arm.op} {_show(bound)} (line {arm.span.line})")
            cover.hit(expr.span, f"band {index + 1}")
            return evaluate(arm.value, frame)
    raise Failure("no band matched", expr.span)


def _interpolate(expr: n.Interpolate, frame: Frame) -> Value:
    x = number(expr.subject, frame)
    points = [(number(a.at, frame), number(a.value, frame)) for a in expr.anchors]
    if x <= points[0][0]:
        if frame.notes is not None:
            frame.notes.append(f"interpolate: {text(x)} at or below the first point → {text(points[0][1])}")
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            result = y0 + CONTEXT.divide((y1 - y0) * (x - x0), x1 - x0)
            if frame.notes is not None:
                frame.notes.append(f"interpolate: {show(x)} between {text(x0)} and {text(x1)} → {show(result)}")
            return result
    if frame.notes is not None:
        frame.notes.append(f"interpolate: {text(x)} at or above the last point → {text(points[-1][1])}")
    return points[-1][1]


def _show(value: Value) -> str:
    return show(value) if isinstance(value, Decimal) else str(value)


def _describe(expr: n.Expr) -> str:
    if isinstance(expr, n.Name):
        return f"`{expr.name}`"
    return f"the expression on line {expr.span.line}"
