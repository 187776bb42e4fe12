"""Generated Python: the evaluator beside the reference interpreter, for evaluations that explain nothing.

The measures of a class that it can score unit by unit (indicators without
sub-items, assessor scores) are compiled into the source
of one Python function, the class kernel, compiled once per policy and
class, that scores every such measure of a unit in straight-line code:
inputs and `let`s become local variables, arithmetic runs on `Decimal`
operators under the policy's 34-digit context (`numeric.CONTEXT`, which
the engine makes current), and the function returns one flat tuple —
earned, available, completed, counted per measure. A class-wide function
(`efficacy(x)`, `rank(x)`, `peer_count()`) reads the class's values of its
argument, which the engine computes once per class before the kernel runs
(`Kernel.arguments`: the values the reference path would read) and passes in
(`ClassArguments`). Each argument is generated too, as a function of its own
that `Kernel.column` calls for every unit of the class (or of a stream's
batch); when one unit's value takes a declared turn, the whole argument is
left to the reference path, which skips what it skips. What the class kernel
leaves that needs nothing class-wide (an item's score, a measure reading
another's score, a rule's formula or condition, a data constraint) is
generated one expression at a time by the same expression writer
(`expression`).

Generated code covers the common case only and hands everything else back:
for the unusual turns it declares (a missing value, a given score, no band
matched, a value of another type, a decimal trap such as a division by
zero) it raises `Bail`, and the unit (the class kernel) or the expression
(`Expression`) is evaluated by the reference path (`measures.py` and
`interpreter.py`), which produces the same numbers or the located error.
A `let` is computed before what reads it rather than on first use; when
that matters (it failed, or it read a missing value), the reference path
decides, so laziness stays the reference semantics. The differential suite
runs both on every test case and on generated policies.

Policy text never becomes code: names, labels and literals are passed to
the generated function as constants (`k3`, `c5`), and local variables are
numbered, so the source is built only from this module's own fragments.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.evaluation.interpreter import (
    ARITHMETIC_ERRORS,
    EVERY_UNIT,
    Failure,
    Frame,
    NeedsPeerAverage,
    NotApplicable,
    evaluate,
)
from targetdsl.language import nodes as n
from targetdsl.language.bounds import FAR_ABOVE
from targetdsl.language.functions import FUNCTIONS, ClassValues, EmptyClassError, OverClass, TooWideError
from targetdsl.language.schema import ClassSpec, InputSpec, MeasureSpec, RuleSpec, Schema, references
from targetdsl.language.typecheck import walk
from targetdsl.numeric import CONTEXT, HUNDRED, MAGNITUDE, MODES, ONE, ZERO, plausible
from targetdsl.source import NO_SPAN, Span
from targetdsl.values import NOT_APPLICABLE, Marker, MeasureData, MeasureRows, RowLayout, Unit

# A unit's cells: per measure, earned (rounded as the policy says), available points, completed, counted.
Cells = tuple[Any, ...]
# The class's values of each class-wide call's argument, as `Kernel.arguments` orders them.
ClassArguments = tuple[ClassValues, ...]
WIDTH = 4  # values per measure in Cells


class Bail(Exception):
    """The kernel does not take this unit: score it by the reference path."""


# How deeply a user-defined function's expansion may nest in generated code: as deeply as an expression
# may be written (syntax.too-deep), which the generated source is known to hold.
MAX_APPLIED_DEPTH = 64

# How deeply a generated line may nest parentheses: Python's tokenizer refuses 200. Every operator of the
# generated code is parenthesised, so a line's parentheses are the depth of what it computes; an expression
# deeper than this (a deep user-defined function inside a deep expression) stays with the reference path.
MAX_PARENTHESES = 150


def _within_nesting(lines: list[str]) -> list[str]:
    """`lines`, or Unsupported when one nests more parentheses than Python compiles (generated lines hold no
    text literal: every parenthesis is the code's own)."""
    for line in lines:
        depth = deepest = 0
        for character in line:
            if character == "(":
                depth += 1
                deepest = max(deepest, depth)
            elif character == ")":
                depth -= 1
        if deepest > MAX_PARENTHESES:
            raise Unsupported(f"it nests more than {MAX_PARENTHESES} levels deep once generated")
    return lines


class Unsupported(Exception):
    """A construct the kernel does not generate: the measure stays on the reference path."""


@attrs.frozen
class Kernel:
    """The generated scorer of one class: its measures, the sums of the categories it covers, its vetoes."""

    measures: tuple[MeasureSpec, ...]  # in class order; positions in Cells are 4 × their index
    categories: dict[str, int]  # category → position of its earned, available, completed, counted sums
    vetoes: int | None  # position of one flag per veto rule of the class (None: vetoes are left to the engine)
    function: Callable[[Any, dict[str, Any], Mapping[str, Frame], str, dict[Any, Any], ClassArguments], Cells]
    source: str
    layout: RowLayout  # where the numbers its measures read stand in a unit's row (`MeasureRows`)
    row_of: Callable[[Mapping[str, MeasureData]], dict[int, Any]]  # those numbers of measures held as a dict
    # the argument of each class-wide call its measures make (`peer_count()`: EVERY_UNIT), with its measure:
    # the engine gives the class's values of each, in this order
    arguments: tuple[tuple[MeasureSpec, n.Expr], ...] = ()
    # each argument's value for a unit, generated as the measure's expressions are (called as `function`)
    argument_functions: tuple[Callable[..., Any], ...] = ()

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """Where each measure's cells start in Cells."""
        return {m.name: WIDTH * i for i, m in enumerate(self.measures)}

    def score(self, unit: Unit, frames: Mapping[str, Frame], classes: ClassArguments) -> Cells:
        """One unit's cells; raises Bail when the unit needs the reference path: a turn the generated code
        tests for (a missing value, a given score, no band, a result of another type), or a decimal trap
        (division by zero…), which the reference locates — or finds in a `let` it never needs. Any other
        exception is a defect of the kernel and propagates. `frames` gives units' frames (made on
        demand), for the policy's constants; `classes` the class's values of each of `arguments`."""
        measures = unit.measures
        try:
            if type(measures) is MeasureRows and measures.layout is self.layout:
                row: Any = measures.row  # the numbers as validation read them: no MeasureData made
            else:
                row = self.row_of(measures)
            return self.function(row, unit.values, frames, unit.id, unit.rules, classes)
        except ARITHMETIC_ERRORS as trap:
            raise Bail(type(trap).__name__) from None

    def column(self, units: Sequence[Unit], frames: Mapping[str, Frame], at: int) -> list[Decimal] | None:
        """The units' values of argument `at`, for the class-wide statistic that reads it; None when any
        unit's value takes a turn the generated code declares (a missing value, a failure, a decimal trap,
        a value that is no number): the reference path then reads the whole argument, and skips what it
        skips."""
        function = self.argument_functions[at]
        layout = self.layout
        values = []
        try:
            for unit in units:
                measures = unit.measures
                if type(measures) is MeasureRows and measures.layout is layout:
                    row: Any = measures.row
                else:
                    row = self.row_of(measures)
                value = function(row, unit.values, frames, unit.id, unit.rules)
                if value.__class__ is not Decimal:
                    return None
                values.append(value)
        except (Bail, *ARITHMETIC_ERRORS):
            return None
        return values


@attrs.frozen
class Survey:
    """What the kernel of a class takes and why it declines the rest, decided when it is built."""

    measures: tuple[str, ...]  # the measures it scores, in class order
    declined: dict[str, str]  # measure → why it stays with generated expressions or the reference path
    categories: tuple[str, ...]  # the categories it sums (all their measures are its own)
    vetoes: str | None  # why the vetoes are left to the engine; None when it tests them (or there are none)


def survey(schema: Schema, spec: ClassSpec, fraction: Decimal) -> Survey:
    """The kernel's decisions for `spec`, as `build` makes them, without compiling anything."""
    layout = _lay_out(schema, spec, fraction)
    if not layout.taken:  # no kernel at all: the engine tests the vetoes itself
        vetoes = "the class has no measure the kernel takes, so it has no kernel" if spec.rules_of("veto") else None
        return Survey((), dict(layout.declined), (), vetoes)
    return Survey(
        tuple(m.name for m in layout.taken),
        dict(layout.declined),
        tuple(layout.categories),
        layout.vetoes_declined if spec.rules_of("veto") else None,
    )


@attrs.define
class _Layout:
    writer: _Writer
    taken: list[MeasureSpec]
    declined: dict[str, str]
    outputs: list[str]
    categories: dict[str, int]
    vetoes: int | None
    vetoes_declined: str | None


def _lay_out(schema: Schema, spec: ClassSpec, fraction: Decimal, layout: RowLayout | None = None) -> _Layout:
    """The generated function's lines and outputs, and every construct declined, with its reason. The
    numbers its measures read are taken from a row in `layout`'s places (validation's), when it has a
    place for each of them; else in places of its own, in a row made from the unit's measures."""
    if layout is not None:
        laid = _lay_out(schema, spec, fraction)
        if laid.writer.reading.keys() <= layout.keys():
            return _lay_out_in(schema, spec, fraction, layout)
        return laid
    return _lay_out_in(schema, spec, fraction, None)


def _lay_out_in(schema: Schema, spec: ClassSpec, fraction: Decimal, layout: RowLayout | None) -> _Layout:
    writer = _Writer(schema, fraction, layout)
    writer.referenced = spec.referenced
    taken: list[MeasureSpec] = []
    declined: dict[str, str] = {}
    for measure in spec.measures():
        arguments = len(writer.arguments)
        try:
            lines = writer.measure(measure, len(taken))
        except Unsupported as reason:
            declined[measure.name] = str(reason)
            del writer.arguments[arguments:]  # a declined measure's class-wide calls are not the kernel's
            del writer.argument_lines[arguments:]
            continue
        writer.body.extend(lines)
        taken.append(measure)
    outputs = [f"e{i}, p{i}, d{i}, t{i}" for i in range(len(taken))]
    position = WIDTH * len(taken)
    categories: dict[str, int] = {}
    index = {m.name: i for i, m in enumerate(taken)}
    for category in spec.categories:
        if not category.measures or any(m.name not in index or m.adjustment for m in category.measures):
            continue  # an adjustment item is added to the subtotal apart from the weighted sum: the engine sums it
        members = [index[m.name] for m in category.measures]
        # Summed in the engine's order, from the same starting zero, so every digit is the same. The points
        # available are the same for every unit the kernel keeps (all its measures apply): summed once, here.
        available = ZERO
        for measure in category.measures:
            available = CONTEXT.add(available, measure.points)
        counting = [i for i in members if i in writer.counting]
        writer.body += _sum(f"se{position}", "ZERO", [f"e{i}" for i in members])
        for letter in ("d", "t"):
            writer.body += _sum(f"s{letter}{position}", "0", [f"{letter}{i}" for i in counting])
        outputs.append(f"se{position}, {writer.constant(available)}, sd{position}, st{position}")
        categories[category.name] = position
        position += WIDTH
    vetoes: int | None = None
    vetoes_declined: str | None = None
    try:
        flags = [writer.veto(rule, j) for j, rule in enumerate(spec.rules_of("veto"))]
    except Unsupported as reason:
        flags = []
        vetoes_declined = str(reason)
    else:
        vetoes = position
        for lines in flags:
            writer.body.extend(lines)
        outputs += [f"h{j}" for j in range(len(flags))]
    return _Layout(writer, taken, declined, outputs, categories, vetoes, vetoes_declined)


def build(schema: Schema, spec: ClassSpec, fraction: Decimal, rows: RowLayout | None = None) -> Kernel | None:
    """The kernel of `spec`'s measures that allow one, or None when none does; `rows`: where the numbers
    of the class's units stand in their rows, as validation read them (`MeasureRows.layout`)."""
    layout = _lay_out(schema, spec, fraction, rows)
    writer, taken, outputs, categories, vetoes = (
        layout.writer,
        layout.taken,
        layout.outputs,
        layout.categories,
        layout.vetoes,
    )
    if not taken:
        return None
    source = (
        "\n".join(
            [
                "def score(Y, UV, F, I, R, C):",
                *("    " + line for line in writer.prelude),
                *("    " + line for line in writer.body),
                f"    return ({', '.join(outputs)},)",
            ]
        )
        + "\n"
    )
    source += writer.row_of()
    for at, lines in enumerate(writer.argument_lines):  # each argument alone, with the names units read
        body = [*writer.prelude, *lines]
        source += "\n".join([f"def k{at}(Y, UV, F, I, R):", *("    " + line for line in body)]) + "\n"
    namespace = dict(writer.constants)
    exec(compile(source, "<targetdsl kernel>", "exec"), namespace)  # noqa: S102 (source built from fixed fragments)
    row_layout = rows if rows is not None and writer.layout is rows else {}
    return Kernel(
        tuple(taken),
        categories,
        vetoes,
        namespace["score"],
        source,
        row_layout,
        namespace["row_of"],
        tuple(writer.arguments),
        tuple(namespace[f"k{at}"] for at in range(len(writer.arguments))),
    )


@attrs.frozen
class Expression:
    """One expression of a measure's or a rule's scope as generated code, for an evaluation that builds
    no explanation: called with the scope's values (`points` too, for a measure) and the unit's frame, it
    gives what the reference interpreter gives. Its `let`s are computed before it, the names it reads of
    the unit (constants, unit inputs, `score(M)`) read from the frame first; a turn it declares — a
    missing value, a failure in a `let` or a function, a decimal trap, no band matched — hands the call to
    the reference interpreter, which gives the same value or the located error, lazily as written. Nothing
    else is caught."""

    function: Callable[[Mapping[str, Any], Frame], Any]
    expr: n.Expr
    lets: dict[str, n.Let]
    source: str

    def __call__(self, values: Mapping[str, Any], frame: Frame) -> Any:
        try:
            return self.function(values, frame)
        except (Bail, Failure, NotApplicable, NeedsPeerAverage, *ARITHMETIC_ERRORS):
            pass
        return evaluate(self.expr, Frame(dict(values), self.lets, parent=frame, explain=False))


def expression(lets: dict[str, n.Let], expr: n.Expr, names: frozenset[str], *, peers: bool = False) -> Expression:
    """`expr` (with the `lets` of its scope) generated; `names` are those its values hold (a measure's
    inputs and `points`, a rule's inputs). With `peers`, a class-wide function reads the class of the frame
    it is called with (`Frame.peer_values`): the caller gives a frame of the class (a measure's scorer
    does). Raises Unsupported for a class-wide function otherwise, here or in a `let` it reads, and for an
    expression that nests too deeply to compile: the reference interpreter takes that expression."""
    code = _Expressions()
    code.peers = peers
    scope = _Scope(code, dict.fromkeys(names), lets, None, "x")
    value = scope.expr(expr)
    body = _within_nesting([*code.prelude, *scope.reads, *scope.lets, f"return {value}"])
    source = "\n".join(["def value(v, FR):", *("    " + line for line in body)]) + "\n"
    namespace = dict(code.constants)
    exec(compile(source, "<targetdsl expression>", "exec"), namespace)  # noqa: S102 (source built from fixed fragments)
    return Expression(namespace["value"], expr, lets, source)


def _lookup(frame: Frame, name: str, span: Span) -> Any:
    """A name of the unit (a constant, a unit input) from its frame; missing, or failing, it hands the call
    back to the reference interpreter."""
    try:
        value = frame.lookup(name, span)
    except (Failure, NotApplicable, NeedsPeerAverage, *ARITHMETIC_ERRORS):
        raise Bail(name) from None
    if type(value) is Marker:
        raise Bail(name)
    return value


def _quantity(frame: Frame, reference: n.Reference) -> Any:
    """`score(M)` (or another quantity of the unit's result) from the unit's frame; not applicable, it
    hands the call back."""
    value = frame.quantity(reference)
    if value is NOT_APPLICABLE:
        raise Bail(f"{reference.quantity}({reference.target})")
    return value


# Terms per line of a generated sum, and arms of `bands` written as one conditional expression. Python's
# compiler recurses once per term of `a + b + …` and per arm of `x if … else y if … else …`: a category of
# thousands of indicators, or bands of thousands of arms, exceeded its limit. Sums are written in lines of
# SUM_TERMS terms, added left to right as before; longer bands go through BANDS, a loop over the arms.
SUM_TERMS = 64
INLINE_ARMS = 64


def _sum(target: str, start: str, terms: list[str]) -> list[str]:
    """Lines setting `target` to `start + terms[0] + terms[1] + …`, summed left to right as one line would."""
    lines = [f"{target} = {start}"]
    for first in range(0, len(terms), SUM_TERMS):
        lines.append(f"{target} = {target} + " + " + ".join(terms[first : first + SUM_TERMS]))
    return lines


def uses_peers(expressions: list[n.Expr]) -> bool:
    """Whether the expressions call a class-wide function (which reads every unit of the class)."""
    return any(
        isinstance(node, n.Call) and FUNCTIONS.get(node.function) is not None and FUNCTIONS[node.function].peer
        for expr in expressions
        for node in walk(expr)
    )


def interpolated(x: Decimal, points: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """Piecewise-linear through `points` (ascending), flat beyond the first and the last, as the
    reference interpreter computes `interpolate` (which also notes the segment it took)."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y0 + CONTEXT.divide((y1 - y0) * (x - x0), x1 - x0)
    return points[-1][1]


def _no_band() -> Any:
    raise Bail("no band matched")


def _bands(subject: Any, arms: tuple[tuple[Any, Any, Callable[[], Any]], ...]) -> Any:
    """The value of the first arm whose test holds, as the inline conditional gives it: each bound is
    computed when its arm is tested, and only the chosen arm's value is computed."""
    for test, bound, value in arms:
        if test is None or test(subject, bound()):
            return value()
    raise Bail("no band matched")


def _count(value: Any) -> int:
    """A tally's count; a value that is no plausible count (not whole, negative, too large) goes by the
    reference path, which reports it."""
    if value.__class__ is not Decimal or not plausible(value) or value < 0 or value != value.to_integral_value():
        raise Bail("count")
    return int(value)


def _peer(frame: Frame, call: n.Call, over_class: OverClass, own: Any) -> Any:
    """A class-wide function (`efficacy(x)`, `rank(x)`, `peer_count()`) as the reference computes it
    (`interpreter._peer_call`, without its note): the unit's own value against the class's values of the
    argument, which the frame's class gives (`Frame.peer_values`); no class, a value that is no number, an
    empty class or one too wide to average hands the call back."""
    peers = frame.peer_values()
    if peers is None:
        raise Bail(call.function)
    if not call.args:
        return over_class(peers(EVERY_UNIT), ONE)
    if own.__class__ is not Decimal:
        raise Bail(call.function)
    try:
        return over_class(peers(call.args[0]), own)
    except (EmptyClassError, TooWideError):
        raise Bail(call.function) from None


def _class_peer(values: ClassValues, over_class: OverClass, own: Any) -> Any:
    """A class-wide function in the class kernel, as `_peer` computes it, of the class's values the engine
    computed before the kernel ran (`own` None: `peer_count()`)."""
    if own is None:
        return over_class(values, ONE)
    if own.__class__ is not Decimal:
        raise Bail("class-wide function")
    try:
        return over_class(values, own)
    except (EmptyClassError, TooWideError):
        raise Bail("class-wide function") from None


def _constant(frames: Mapping[str, Frame], unit: str, name: str, span: Any) -> Any:
    """A unit's name in the class kernel, read as a generated expression reads it (`_lookup`)."""
    return _lookup(frames[unit], name, span)


ABSENT = Marker("absent")  # a name an expression reads that its values do not hold

HELPERS: dict[str, Any] = {
    "BAIL": Bail,
    "MARKER": Marker,
    "ABSENT": ABSENT,
    "ZERO": ZERO,
    "DECIMAL": Decimal,
    "INT": _count,
    "NO_BAND": _no_band,
    "BANDS": _bands,
    "INTERP": interpolated,
    "CONST": _constant,
    "LOOKUP": _lookup,
    "QUANTITY": _quantity,
    "PEER": _peer,
    "CLASS_PEER": _class_peer,
}

_COMPARE = {"==", "!=", ">=", ">", "<=", "<"}
_OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
_ARITHMETIC = {"+", "-", "*", "/"}


class _Code:
    """What the expressions of one generated function share: the constants they are passed (policy
    values never go into the text), the numbering of temporaries, and how a name that is neither an
    input nor a `let` of the scope is read."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = dict(HELPERS)
        self.prelude: list[str] = []  # names read once per call, before the body
        self.unit_names: dict[str, str] = {}
        self.temporaries = 0

    def constant(self, value: Any) -> str:
        name = f"c{len(self.constants)}"
        self.constants[name] = value
        return name

    def unit_name(self, name: str) -> str:
        raise NotImplementedError

    def reference(self, expr: n.Reference) -> str:
        """`score(M)`, `subtotal(C)`…: the class kernel reads none (the measures and rules that do are
        declined before their expressions are written)."""
        raise Unsupported(f"`{expr.quantity}({expr.target})` is not generated in the class kernel")

    def peer(self, expr: n.Call, own: str) -> str:
        """A class-wide function, `own` the unit's argument: the class kernel scores a unit alone."""
        raise Unsupported(f"the class-wide function {expr.function}() needs every unit of the class")


class _Writer(_Code):
    """Builds the source of a class's kernel."""

    def __init__(self, schema: Schema, fraction: Decimal, layout: RowLayout | None = None):
        super().__init__()
        self.schema = schema
        self.fraction = fraction
        self.layout: RowLayout = layout if layout is not None else {}
        self.reading: dict[tuple[str, str], tuple[int, str]] = {}  # (measure, name) → place, what it is
        self.next_place: int | None = None  # the next place of its own, past validation's and those given
        self.given: list[str] = []  # measures a score may be given for: a row of those is not made
        self.body: list[str] = []
        self.counting: set[int] = set()  # measures that count completed items
        self.referenced: frozenset[str] = frozenset()  # measures whose scores `score(…)` reads
        self.arguments: list[tuple[MeasureSpec, n.Expr]] = []  # class-wide calls' arguments (Kernel.arguments)
        self.argument_lines: list[list[str]] = []  # the lines computing each argument (`k{j}`), as `arguments`
        self.measuring: MeasureSpec | None = None  # the measure whose lines are being written

    def place(self, measure: str, name: str, kind: str) -> str:
        """`Y[i]`: the number `name` of `measure` (an input's value, or an assessor's score) in the row."""
        key = (measure, name)
        if key not in self.reading:
            at = self.layout.get(key)
            if at is None:  # a place of its own, past validation's (a row made by `row_of`)
                if self.next_place is None:
                    self.next_place = max(self.layout.values(), default=-1) + 1
                at, self.next_place = self.next_place, self.next_place + 1
            self.reading[key] = (at, kind)
        return f"Y[{self.reading[key][0]}]"

    def peer(self, expr: n.Call, own: str) -> str:
        """A class-wide function of a measure: the class's values of its argument are the kernel's `C[j]`."""
        if self.measuring is None:
            return super().peer(expr, own)
        measure, argument = self.measuring, expr.args[0] if expr.args else EVERY_UNIT
        at = len(self.arguments)
        self.arguments.append((measure, argument))
        scope = _Scope(self, measure.inputs, measure.lets, measure.points, f"k{at}")
        scope.row = functools.partial(self.place, measure.name, kind="value")
        self.measuring = None  # a class-wide call inside the argument: the checker refuses one
        try:
            value = scope.expr(argument)
        finally:
            self.measuring = measure
        self.argument_lines.append(_within_nesting([*scope.reads, *scope.lets, f"return {value}"]))
        over_class = FUNCTIONS[expr.function].over_class
        return f"CLASS_PEER(C[{at}], {self.constant(over_class)}, {own})"

    def row_of(self) -> str:
        """The source of `row_of(M)`: the numbers the kernel reads, from a unit's measures held as a dict
        (read from another source, or back from a spool); a measure given a score is the reference's."""
        lines = ["def row_of(M):"]
        for name in self.given:
            lines.append(f"    if M[{self.constant(name)}].given is not None: raise BAIL")
        pairs = []
        for (measure, name), (at, kind) in self.reading.items():
            if kind == "rating":
                pairs.append(f"{at}: M[{self.constant(measure)}].ratings.get({self.constant(name)}, ABSENT)")
            else:
                pairs.append(f"{at}: M[{self.constant(measure)}].values[{self.constant(name)}]")
        lines.append(f"    return {{{', '.join(pairs)}}}")
        return "\n".join(lines) + "\n"

    def measure(self, spec: MeasureSpec, index: int) -> list[str]:
        if spec.name in self.referenced:
            raise Unsupported("its score is read by another measure or rule (`score(…)`)")
        if spec.ballots:
            raise Unsupported("a list of ballots is counted ballot by ballot")
        if spec.kind == "assessed" and not spec.drop_extremes:
            return self.assessed(spec, index)
        if spec.kind == "assessed":
            raise Unsupported("`drop extremes` is not generated")
        if spec.kind != "indicator":
            raise Unsupported("a list of items is scored item by item")
        if spec.subitems:
            raise Unsupported("an indicator with sub-items is not generated")
        if spec.score is None:
            raise Unsupported("an indicator without a score of its own")
        if spec.reads:
            raise Unsupported(f"it reads the score of {', '.join(spec.reads)}, scored before it by the engine")
        expressions = [spec.score, *(let.expr for let in spec.lets.values())]
        expressions += [e for e in (spec.completed,) if e is not None]
        if spec.tally is not None:
            expressions += [spec.tally.done, spec.tally.total]
        missing = next((i.name for i in spec.inputs.values() if i.missing == "peer_avg"), None)
        if missing is not None:
            raise Unsupported(f"input {missing} is `missing peer_avg`: the score may be the class's average")
        if self.reads_class_average(expressions):
            # a unit input missing as `peer_avg` makes the measure score its class's average: every unit
            # of the class must be scored together, which a unit handed back alone would not be
            raise Unsupported("it reads a unit input `missing peer_avg`: the score may be the class's average")
        if self.fraction != 1 and any(i.prorated for i in spec.inputs.values()):
            raise Unsupported("a `prorated` input in a progress check is not generated")
        scope = _Scope(self, spec.inputs, spec.lets, spec.points, f"m{index}")
        scope.row = functools.partial(self.place, spec.name, kind="value")
        self.measuring = spec
        try:
            score = scope.expr(spec.score)
            if spec.tally is not None:
                done, total = f"INT({scope.expr(spec.tally.done)})", f"INT({scope.expr(spec.tally.total)})"
            elif spec.completed is not None:
                done, total = f"(1 if {scope.expr(spec.completed)} else 0)", "1"
            else:
                done, total = "0", "0"
        finally:
            self.measuring = None
        if spec.tally is not None or spec.completed is not None:
            self.counting.add(index)
        if spec.given_by:
            self.given.append(spec.name)
        lines = [*scope.reads, *scope.lets]
        lines.append(f"e{index} = {score}")
        lines.append(f"if e{index}.__class__ is not DECIMAL: raise BAIL")
        if "" in self.schema.unbounded(spec):  # far above its points, with no bound: the reference reports it
            lines.append(f"if e{index} > {self.constant(FAR_ABOVE * spec.points)}: raise BAIL")
        lines += self.rounded(index)
        lines.append(f"p{index} = {self.constant(spec.points)}")
        lines.append(f"d{index} = {done}")
        lines.append(f"t{index} = {total}")
        if spec.tally is not None:
            lines.append(f"if d{index} > t{index}: raise BAIL")  # more done than there are: the reference reports it
        return _within_nesting(lines)

    def veto(self, rule: RuleSpec, index: int) -> list[str]:
        when = rule.first(n.When)
        if when is None:
            return [f"h{index} = False"]
        if uses_peers([when.expr, *(let.expr for let in rule.lets.values())]):
            raise Unsupported(f"veto {rule.name} uses a class-wide function")
        if references(rule.expressions):
            raise Unsupported(f"veto {rule.name} reads a measure's score (`score(…)`)")
        read = next((r for e in rule.expressions for r in walk(e) if isinstance(r, n.Reference)), None)
        if read is not None:  # `subtotal(C)`, `bonus()`, `vetoed(V)`: decided by the engine after the scores
            raise Unsupported(f"veto {rule.name} reads `{read.quantity}({read.target})`, known after the scores")
        scope = _Scope(self, rule.inputs, rule.lets, None, f"r{index}")
        test = scope.expr(when.expr)
        return _within_nesting(
            [
                f"v = R[{self.constant((rule.kind, rule.name))}]",
                *scope.reads,
                *scope.lets,
                f"h{index} = {test}",
                f"if h{index}.__class__ is not bool: raise BAIL",
            ]
        )

    def assessed(self, spec: MeasureSpec, index: int) -> list[str]:
        lines = ["w = s = 0"]
        for rater in spec.raters:
            score, weight = self.place(spec.name, rater.assessor, "rating"), self.constant(rater.weight)
            lines.append(f"if {score} is not ABSENT: w += {weight}; s += {weight} * {score}")
        lines.append("if not w: raise BAIL")  # no assessor scores: not applicable
        lines.append(f"e{index} = {self.constant(spec.points)} * (s / w) / {self.constant(spec.scale)}")
        lines += self.rounded(index)
        lines += [f"p{index} = {self.constant(spec.points)}", f"d{index} = t{index} = 0"]
        return lines

    def rounded(self, index: int) -> list[str]:
        """The score's plausibility check (as `MeasureScorer.round_indicator`), then its rounding."""
        bound = Decimal(1).scaleb(MAGNITUDE + 1)
        lines = [f"if not {self.constant(-bound)} < e{index} < {self.constant(bound)}: raise BAIL"]
        rounding = self.schema.rounding
        if "indicator" not in rounding.stages:
            return lines
        exponent = self.constant(Decimal(1).scaleb(-rounding.places))
        mode = self.constant(MODES[rounding.mode])
        context = self.constant(CONTEXT)
        return [*lines, f"e{index} = e{index}.quantize({exponent}, rounding={mode}, context={context})"]

    def reads_class_average(self, expressions: list[n.Expr]) -> bool:
        """Whether the expressions read, directly or through consts, a unit input with `missing peer_avg`."""
        pending = [node.name for expr in expressions for node in walk(expr) if isinstance(node, n.Name)]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            unit_input = self.schema.unit_inputs.get(name)
            if unit_input is not None and unit_input.missing == "peer_avg":
                return True
            const = self.schema.consts.get(name)
            if const is not None:
                pending += [node.name for node in walk(const.expr) if isinstance(node, n.Name)]
        return False

    def unit_name(self, name: str) -> str:
        """A unit input or constant, read once per unit."""
        if name not in self.unit_names:
            local = f"u{len(self.unit_names)}"
            key = self.constant(name)
            if name in self.schema.unit_inputs:
                self.prelude.append(f"{local} = UV[{key}]")
                if self.schema.unit_inputs[name].missing in ("na", "peer_avg"):
                    self.prelude.append(f"if {local}.__class__ is MARKER: raise BAIL")
            elif name in self.schema.consts:
                span = self.constant(self.schema.consts[name].span)
                self.prelude.append(f"{local} = CONST(F, I, {key}, {span})")
            else:
                raise Unsupported(f"the name {name} is not an input, a let or a constant")
            self.unit_names[name] = local
        return self.unit_names[name]


class _Scope:
    """The names one measure's or rule's expressions see, as local variables of the generated function.
    An input is read from `v` (the kernel's measure or rule values, or the values an expression is called
    with); one that may be a marker (missing) hands the call back."""

    def __init__(
        self,
        writer: _Code,
        inputs: Mapping[str, InputSpec | None],
        lets: dict[str, n.Let],
        points: Decimal | None,
        prefix: str,
    ):
        self.writer = writer
        self.inputs = inputs
        self.lets_of = lets
        self.points = points
        self.prefix = prefix
        self.locals: dict[str, str] = {}
        self.row: Callable[[str], str] | None = None  # an input's place in the class kernel's row (`Y[i]`)
        self.reads: list[str] = []  # inputs, in the order first used
        self.lets: list[str] = []  # lets, each after the lets it uses
        self.pending: set[str] = set()
        self.count = 0

    def fresh(self) -> str:
        self.count += 1
        return f"{self.prefix}_{self.count}"

    def name(self, name: str) -> str:
        if name in self.locals:
            return self.locals[name]
        if name == "points" and self.points is not None:
            return self.writer.constant(self.points)
        if name in self.inputs:
            local = self.fresh()
            spec = self.inputs[name]
            if spec is None:  # an expression's values: any of them may be absent or a marker
                self.reads.append(f"{local} = v.get({self.writer.constant(name)}, ABSENT)")
                self.reads.append(f"if {local}.__class__ is MARKER: raise BAIL")
            else:
                read = self.row(name) if self.row is not None else f"v[{self.writer.constant(name)}]"
                self.reads.append(f"{local} = {read}")
                if spec.missing in ("na", "peer_avg"):
                    self.reads.append(f"if {local}.__class__ is MARKER: raise BAIL")
        elif name in self.lets_of:
            if name in self.pending:
                raise Unsupported(f"let {name} depends on itself")  # the checker rejects these: never generate one
            self.pending.add(name)
            value = self.expr(self.lets_of[name].expr)
            local = self.fresh()  # after the names the let reads have taken theirs
            self.lets.append(f"{local} = {value}")
        else:
            return self.writer.unit_name(name)
        self.locals[name] = local
        return local

    def expr(self, expr: n.Expr) -> str:  # noqa: C901 (one case per node type)
        constant = self.writer.constant
        match expr:
            case n.Number(value=value, unit=unit):
                return constant(value / HUNDRED if unit in ("percent", "pp") else value)
            case n.Boolean(value=flag):
                return "True" if flag else "False"
            case n.Date(value=day):
                return constant(day)
            case n.Name(name=name):
                return self.name(name)
            case n.Unary(op="not", operand=operand):
                return f"(not {self.expr(operand)})"
            case n.Unary(op="-", operand=operand):
                return f"(-{self.expr(operand)})"
            case n.Binary(op="and" | "or" as op, left=left, right=right):
                return f"({self.expr(left)} {op} {self.expr(right)})"
            case n.Binary(op=op, left=left, right=right) if op in _COMPARE or op in _ARITHMETIC:
                return f"({self.expr(left)} {op} {self.expr(right)})"
            case n.Conditional(test=test, then=then, otherwise=otherwise):
                return f"({self.expr(then)} if {self.expr(test)} else {self.expr(otherwise)})"
            case n.Applied(body=body) if expr.depth <= MAX_APPLIED_DEPTH:
                return self.expr(body)  # a user-defined function: its body in place, as the reference evaluates
            case n.Applied(function=function):
                raise Unsupported(f"function {function} nests too deeply once expanded to be generated")
            case n.Call(function="min" | "max" as function, args=(one, other)):
                # inline, and like the builtins: the first argument unless the second is strictly beyond it
                self.writer.temporaries += 1
                a, b = f"a{self.writer.temporaries}", f"b{self.writer.temporaries}"
                beyond = ">" if function == "min" else "<"
                return f"({b} if ({a} := {self.expr(one)}) {beyond} ({b} := {self.expr(other)}) else {a})"
            case n.Call(function=function, args=args) if FUNCTIONS[function].apply is not None:
                # the implementation the interpreter calls (functions.py), passed as a constant
                return f"{constant(FUNCTIONS[function].apply)}({', '.join(self.expr(a) for a in args)})"
            case n.Call(args=args):  # a class-wide function: its argument is the unit's own value
                return self.writer.peer(expr, self.expr(args[0]) if args else "None")
            case n.Reference():
                return self.writer.reference(expr)
            case n.Bands(subject=subject, arms=arms) if len(arms) > INLINE_ARMS:
                entries: list[str] = []
                for arm in arms:
                    gives = f"lambda: {self.expr(arm.value)}"
                    if arm.op == "" or arm.bound is None:
                        entries.append(f"(None, None, {gives})")
                        break
                    if arm.op not in _COMPARE:
                        raise Unsupported(f"a band `{arm.op}` is not generated")
                    entries.append(f"({constant(_OPERATORS[arm.op])}, lambda: {self.expr(arm.bound)}, {gives})")
                return f"BANDS({self.expr(subject)}, ({', '.join(entries)},))"
            case n.Bands(subject=subject, arms=arms):
                self.writer.temporaries += 1
                slot = f"b{self.writer.temporaries}"
                text, first = "", True
                for arm in arms:
                    gives = self.expr(arm.value)
                    if arm.op == "" or arm.bound is None:
                        # the subject is evaluated even when `otherwise` comes first, as the reference does
                        return f"({text}{gives})" if text else f"(({slot} := {self.expr(subject)}), {gives})[1]"
                    if arm.op not in _COMPARE:
                        raise Unsupported(f"a band `{arm.op}` is not generated")
                    tested = f"({slot} := {self.expr(subject)})" if first else slot
                    text += f"{gives} if {tested} {arm.op} {self.expr(arm.bound)} else "
                    first = False
                return f"({text}NO_BAND())"
            case n.Interpolate(subject=subject, anchors=anchors):
                points = ", ".join(f"({self.expr(a.at)}, {self.expr(a.value)})" for a in anchors)
                return f"INTERP({self.expr(subject)}, ({points},))"
        raise Unsupported(f"{type(expr).__name__.lower()} expressions are not generated")


class _Expressions(_Code):
    """Builds the source of one expression: the unit's names are read from the frame it is called with."""

    def unit_name(self, name: str) -> str:
        if name not in self.unit_names:
            local = f"u{len(self.unit_names)}"
            self.prelude.append(f"{local} = LOOKUP(FR, {self.constant(name)}, {self.constant(NO_SPAN)})")
            self.unit_names[name] = local
        return self.unit_names[name]

    def reference(self, expr: n.Reference) -> str:
        return f"QUANTITY(FR, {self.constant(expr)})"

    peers = False  # whether the frames it is called with belong to a class (`expression(peers=...)`)

    def peer(self, expr: n.Call, own: str) -> str:
        """A class-wide function, read of the class the frame it is called with belongs to (`PEER`)."""
        if not self.peers:
            return super().peer(expr, own)
        over_class = FUNCTIONS[expr.function].over_class
        return f"PEER(FR, {self.constant(expr)}, {self.constant(over_class)}, {own})"
