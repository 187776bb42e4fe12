"""Names, kinds and units of expressions.

Every expression has a kind: a plain number, a percentage, percentage
points, money, a boolean or a date. The rules keep authors from the
classic spreadsheet slips: adding money to a count, comparing a growth
difference in percentage points with a bare number (is `2` two points or
two percent?), a score that is not points. A scope maps names to kinds;
let-bindings are checked for cycles. This module reports diagnostics and
returns kinds; it never evaluates anything.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterator
from decimal import Decimal

import attrs

from targetdsl.diagnostics import Diagnostic, error
from targetdsl.keywords import BUILTINS, english_builtin
from targetdsl.language import nodes as n
from targetdsl.language.functions import FUNCTIONS
from targetdsl.source import NO_SPAN, Span


class Kind(enum.Enum):
    NUMBER = "number"
    LITERAL = "number literal"  # a bare number: adapts to number, percent or money
    PERCENT = "percent"
    PP = "percentage points"
    MONEY = "money"
    BOOL = "boolean"
    DATE = "date"
    ERROR = "error"  # already reported; suppresses follow-on diagnostics


INPUT_KINDS = {
    "number": Kind.NUMBER,
    "count": Kind.NUMBER,
    "score": Kind.NUMBER,
    "percent": Kind.PERCENT,
    "pp": Kind.PP,
    "money": Kind.MONEY,
    "bool": Kind.BOOL,
    "date": Kind.DATE,
}

NUMERIC = {Kind.NUMBER, Kind.LITERAL, Kind.PERCENT}

# Levels an expression may nest, counting each let or constant it uses as one level more than the
# expression it names. Every later stage (evaluation, explanation, the fast paths) recurses this deep, at
# most five Python frames a level: 128 keeps them well inside Python's default limit of 1,000 frames, and a
# chain of 50 steps `let a2 = a1 + 1` nests 100.
MAX_NESTING = 128

# What each reference word names, and the help of a reference written in another shape (`score(x + 1)`).
_REFERENCE_SHAPES = {
    "score": ("measure", "write e.g. `score(重要项目)`, naming an indicator, items or assessed measure"),
    "subtotal": ("category", "write e.g. `subtotal(经济发展)`, naming a category, or `subtotal()`"),
    "bonus": ("bonus", "write e.g. `bonus(获奖加分)`, naming a bonus, or `bonus()` for the whole bonus"),
    "deduction": ("deduction", "write e.g. `deduction(通报批评)`, naming a deduction, or `deduction()`"),
    "vetoed": ("veto", "write e.g. `vetoed(安全生产)`, naming a veto"),
}
# The unit's results an award or a commendation reads (`checker.RESULT_NAMES`), as built-in values.
RESULT_VALUES = frozenset(b.english for b in BUILTINS if "value" in b.reads) - {"points"}
MAX_PLACES = 15  # decimal places `round` may keep: as many as a value in the data may have


@attrs.define
class Scope:
    """Names visible to an expression and their kinds, plus pending lets."""

    names: dict[str, Kind]
    lets: dict[str, n.Let] = attrs.field(factory=dict)
    parent: Scope | None = None
    used: set[str] = attrs.field(factory=set)
    depths: dict[str, int] = attrs.field(factory=dict)  # how deeply each let nests, through the names it uses
    prorated: set[str] = attrs.field(factory=set)  # inputs scaled to a period's share of the year
    _resolving: list[str] = attrs.field(factory=list)

    def lookup(self, name: str) -> tuple[Kind, Scope] | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name], scope
            scope = scope.parent
        return None

    def depth(self, name: str) -> int:
        """How deeply the let or constant `name` nests (0 for an input or an unknown name)."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.depths:
                return scope.depths[name]
            if name in scope.names or name in scope.lets:
                return 0
            scope = scope.parent
        return 0

    def visible(self) -> Iterator[str]:
        scope: Scope | None = self
        while scope is not None:
            yield from scope.names
            scope = scope.parent


def suggest(name: str, candidates: Iterator[str] | list[str], place: str = "") -> str | None:
    """ "did you mean" the candidate closest to `name`; with `place` ("value", "call"), a built-in read there
    is a candidate in its Chinese form too (`最少` → `min`), and is named in English, which a message about
    a Chinese file writes in Chinese."""
    options = list(dict.fromkeys(candidates))
    if place and not name.isascii():
        options += [b.chinese for b in BUILTINS if place in b.reads and b.english in options]
    matches = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    return f"did you mean `{english_builtin(place, matches[0]) if place else matches[0]}`?" if matches else None


class ExpressionChecker:
    """Infers kinds for the expressions of one scope, reporting problems."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        # user-defined functions by name, as the checker found them: None for one it refused
        self.functions: dict[str, n.Function | None] = {}

    def resolve_lets(self, scope: Scope) -> None:
        """Give every let in `scope` a kind, in dependency order, reporting cycles and chains nested too deeply."""
        self._measure_lets(scope)
        for name in list(scope.lets):
            self._resolve_let(scope, name)

    def _measure_lets(self, scope: Scope) -> None:
        """Record how deeply each let nests, depth first without recursion. A let beyond MAX_NESTING is
        reported once (where the chain first goes too deep) and takes no further part, so that no later
        stage recurses through it. A name that closes a cycle counts 0 here; the cycle is reported later."""
        uses = {name: nesting(let.expr) for name, let in scope.lets.items()}
        depths = scope.depths
        for root in scope.lets:
            if root in depths:
                continue
            path, on_path, cursor = [root], {root}, {root: 0}
            while path:
                name = path[-1]
                names = uses[name][1]
                i = cursor[name]
                while i < len(names) and (
                    names[i][0] not in scope.lets or names[i][0] in depths or names[i][0] in on_path
                ):
                    i += 1
                cursor[name] = i + 1
                if i < len(names):
                    following = names[i][0]
                    path.append(following)
                    on_path.add(following)
                    cursor[following] = 0
                    continue
                path.pop()
                on_path.discard(name)
                own = uses[name][0]
                depth = max(
                    [own]
                    + [
                        level + (depths.get(used, 0) if used in scope.lets else scope.depth(used))
                        for used, level in names
                    ]
                )
                depths[name] = depth
                if depth > MAX_NESTING:
                    scope.names[name] = Kind.ERROR
                    if not any(depths.get(used, 0) > MAX_NESTING for used, _ in names if used in scope.lets):
                        self.diagnostics.append(too_deep(name, depth, scope.lets[name].span))

    def check_nesting(self, expr: n.Expr, scope: Scope, what: str, span: Span) -> bool:
        """Whether `expr` nests within MAX_NESTING counting the lets and constants it uses; else reported
        (unless a let it uses was already reported)."""
        own, names = nesting(expr)
        depth = max([own] + [level + scope.depth(used) for used, level in names])
        if depth > MAX_NESTING and all(scope.depth(used) <= MAX_NESTING for used, _ in names):
            self.diagnostics.append(too_deep(what, depth, _span(expr, span)))
            return False
        return depth <= MAX_NESTING

    def _resolve_let(self, scope: Scope, name: str) -> Kind:
        if name in scope.names:
            return scope.names[name]
        let = scope.lets[name]
        if name in scope._resolving:
            chain = scope._resolving[scope._resolving.index(name) :] + [name]
            self.diagnostics.append(
                error(
                    "check.cycle",
                    "definitions refer to each other in a cycle: " + " → ".join(chain),
                    let.span,
                    "break the cycle: one of these values must be computed from inputs alone",
                )
            )
            scope.names[name] = Kind.ERROR
            return Kind.ERROR
        scope._resolving.append(name)
        kind = self.infer(let.expr, scope)
        scope._resolving.pop()
        scope.names.setdefault(name, kind)
        return scope.names[name]

    def expect(self, expr: n.Expr, scope: Scope, wanted: Kind, what: str, fallback: Span = NO_SPAN) -> Kind:
        kind = self.infer(expr, scope)
        if kind is Kind.ERROR:
            return kind
        ok = kind is wanted or (wanted is Kind.NUMBER and kind in NUMERIC)
        if not ok:
            logical = {kind, wanted} & {Kind.BOOL, Kind.DATE}
            code = "check.type-mismatch" if logical else "check.unit-mismatch"
            help_text = None
            if wanted is Kind.NUMBER and kind is Kind.MONEY:
                help_text = "divide by another money value (e.g. `actual / target`) to get a ratio"
            elif wanted is Kind.NUMBER and kind is Kind.PP:
                help_text = "divide by a pp value (e.g. `gap / 1pp`) to count percentage points"
            elif wanted is Kind.PERCENT and kind is Kind.LITERAL:
                help_text = percent_help(expr)
            elif wanted is Kind.BOOL:
                help_text = "write a comparison such as `x >= target`"
            self.diagnostics.append(
                error(
                    code,
                    f"{what} must be {_article(wanted)}, but this is {_article(kind)}",
                    _span(expr, fallback),
                    help_text,
                )
            )
            return Kind.ERROR
        return kind

    def infer(self, expr: n.Expr, scope: Scope) -> Kind:
        match expr:
            case n.Number(unit=unit):
                return {"percent": Kind.PERCENT, "pp": Kind.PP}.get(unit, Kind.LITERAL)
            case n.Boolean():
                return Kind.BOOL
            case n.Date():
                return Kind.DATE
            case n.Name(name=name):
                return self._name(expr, name, scope)
            case n.Call() if expr.function in self.functions:
                return self._defined(expr, scope)
            case n.Call():
                return self._call(expr, scope)
            case n.Applied(body=body):
                return self.infer(body, scope)
            case n.Unary(op="not", operand=operand):
                self.expect(operand, scope, Kind.BOOL, "the operand of `not`")
                return Kind.BOOL
            case n.Unary(operand=operand):
                kind = self.infer(operand, scope)
                if kind in (Kind.BOOL, Kind.DATE):
                    self._mismatch(expr, f"cannot negate {_article(kind)}")
                    return Kind.ERROR
                return kind
            case n.Binary(op="and" | "or", left=left, right=right):
                self.expect(left, scope, Kind.BOOL, f"each side of `{expr.op}`")
                self.expect(right, scope, Kind.BOOL, f"each side of `{expr.op}`")
                return Kind.BOOL
            case n.Binary(op=op, left=left, right=right):
                return self._binary(expr, op, self.infer(left, scope), self.infer(right, scope))
            case n.Conditional(test=test, then=then, otherwise=otherwise):
                self.expect(test, scope, Kind.BOOL, "the condition after `if`")
                return self._join(expr, [self.infer(then, scope), self.infer(otherwise, scope)], "both branches")
            case n.Bands():
                return self._bands(expr, scope)
            case n.Interpolate():
                return self._interpolate(expr, scope)
            case n.Reference(quantity=quantity):
                # points, or whether a veto fired; that its target exists and may be read there is the checker's
                return Kind.BOOL if quantity == "vetoed" else Kind.NUMBER
        raise TypeError(f"not an expression: {expr!r}")

    # -- pieces

    def _name(self, expr: n.Name, name: str, scope: Scope) -> Kind:
        found = scope.lookup(name)
        if found is None:
            owner: Scope | None = scope
            while owner is not None:
                if name in owner.lets:
                    found = (self._resolve_let(owner, name), owner)
                    break
                owner = owner.parent
        if found is None:
            candidates = list(scope.visible())
            owner = scope
            while owner is not None:
                candidates.extend(owner.lets)
                owner = owner.parent
            english = english_builtin("value", name)
            if english != name:  # `score 分值 * 2` in a file written with English keywords
                help_text = f"`{name}` is written `{english}` in a file written with English keywords"
            elif name == "points":
                help_text = "`points` is read only in a measure: the points it is worth"
            elif name in RESULT_VALUES:
                help_text = f"`{name}` is a unit's result, read only in an award or a commendation"
            else:
                help_text = suggest(name, candidates, "value") or "declare it with `input`, `let` or `const` first"
            self.diagnostics.append(error("check.unknown-name", f"unknown name `{name}`", expr.span, help_text))
            return Kind.ERROR
        kind, owner = found
        owner.used.add(name)
        return kind

    # -- user-defined functions

    def _defined(self, expr: n.Call, scope: Scope) -> Kind:
        """A call of a user-defined function: its arity, then the kind of its body with the arguments in
        place of the parameters (a function is typed at each call, as its expansion evaluates)."""
        from targetdsl.language.expansion import ExpansionError, apply

        definition = self.functions[expr.function]
        kinds = [self.infer(arg, scope) for arg in expr.args]
        if definition is None or Kind.ERROR in kinds:
            return Kind.ERROR
        count, wanted = len(expr.args), len(definition.params)
        if count != wanted:
            self.diagnostics.append(
                error(
                    "check.arity",
                    f"`{expr.function}` takes {wanted} argument{'s' if wanted != 1 else ''}, not {count}",
                    expr.span,
                    f"function {expr.function}({', '.join(definition.params)})",
                )
            )
            return Kind.ERROR
        sound = {name: f for name, f in self.functions.items() if f is not None}
        try:
            applied = apply(expr, sound)
        except ExpansionError as exc:
            self.diagnostics.append(
                error(
                    "check.too-deep",
                    f"the call of `{expr.function}` is too large: {exc}",
                    expr.span,
                    "call fewer functions inside one another",
                )
            )
            return Kind.ERROR
        return self.infer(applied.body, scope)

    def _call(self, expr: n.Call, scope: Scope) -> Kind:
        if expr.function in n.REFERENCES:  # `score(1 + x)`, `score()`: not a reference's shape
            what, example = _REFERENCE_SHAPES[expr.function]
            self.diagnostics.append(
                error(
                    "check.bad-reference",
                    f"`{expr.function}(…)` takes the name of one {what}, not an expression",
                    expr.span,
                    example,
                )
            )
            return Kind.ERROR
        function = FUNCTIONS.get(expr.function)
        kinds = [self.infer(arg, scope) for arg in expr.args]
        if function is None:
            english = english_builtin("call", expr.function)
            if english != expr.function:  # `最小(a, b)` in a file written with English keywords
                help_text = f"`{expr.function}` is written `{english}` in a file written with English keywords"
            else:
                help_text = (
                    suggest(expr.function, list(FUNCTIONS), "call") or "see the list of functions in docs/language.md"
                )
            self.diagnostics.append(
                error("check.unknown-function", f"unknown function `{expr.function}`", expr.span, help_text)
            )
            return Kind.ERROR
        count = len(expr.args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            if function.max_args is None:
                wanted = f"at least {function.min_args}"
            elif function.min_args == function.max_args:
                wanted = str(function.min_args)
            else:
                wanted = f"{function.min_args} to {function.max_args}"
            self.diagnostics.append(
                error(
                    "check.arity",
                    f"`{expr.function}` takes {wanted} argument{'s' if wanted != '1' else ''}, not {count}",
                    expr.span,
                    function.summary,
                )
            )
            return Kind.ERROR
        if function.peer:
            for arg in expr.args:
                inner = _peer_call(arg, scope)
                if inner is not None:
                    self.diagnostics.append(
                        error(
                            "check.nested-peer",
                            f"`{inner.function}` inside `{expr.function}`: a class-wide "
                            "value cannot depend on another class-wide value",
                            _span(arg, expr.span),
                            "compute the argument from the unit's own inputs",
                        )
                    )
                    return Kind.ERROR
        if Kind.ERROR in kinds:
            return Kind.ERROR
        name = expr.function
        if name in ("rank", "rank_asc", "efficacy", "efficacy_reverse", "peer_count"):
            for arg, kind in zip(expr.args, kinds, strict=True):
                if kind in (Kind.BOOL, Kind.DATE):
                    self._mismatch(arg, f"`{name}` needs a number, not {_article(kind)}")
                    return Kind.ERROR
            return Kind.NUMBER
        if name == "round":
            places = expr.args[1]
            if not (isinstance(places, n.Number) and places.unit == "" and places.value == places.value.to_integral()):
                self._mismatch(places, "the places of `round` must be a whole number such as 2")
                return Kind.ERROR
            if places.value > MAX_PLACES:
                self.diagnostics.append(
                    error(
                        "check.bad-value",
                        f"`round` keeps 0 to {MAX_PLACES} decimal places, not {places.value}",
                        places.span,
                        "values in data have at most 15 decimal places",
                    )
                )
                return Kind.ERROR
            kinds = kinds[:1]
        if name == "clamp":
            return self._join(expr, kinds, "the arguments of `clamp`")
        return self._join(expr, kinds, f"the arguments of `{name}`", numeric=True)

    def _binary(self, expr: n.Binary, op: str, left: Kind, right: Kind) -> Kind:
        if Kind.ERROR in (left, right):
            return Kind.BOOL if op in COMPARISONS else Kind.ERROR
        result = combine(op, left, right)
        if result is None:
            help_text = None
            if Kind.PP in (left, right) and Kind.LITERAL in (left, right):
                help_text = "write percentage points with their unit, e.g. `2pp`"
            elif {left, right} == {Kind.PERCENT, Kind.LITERAL}:
                help_text = percent_help(expr.right if right is Kind.LITERAL else expr.left, op)
            elif {left, right} == {Kind.PP, Kind.PERCENT}:
                help_text = "subtract two percentages to get percentage points: `actual - target`"
            self.diagnostics.append(
                error(
                    "check.type-mismatch" if {left, right} & {Kind.BOOL, Kind.DATE} else "check.unit-mismatch",
                    f"cannot apply `{op}` to {_article(left)} and {_article(right)}",
                    expr.span,
                    help_text,
                )
            )
            return Kind.BOOL if op in COMPARISONS else Kind.ERROR
        return result

    def _join(self, expr: n.Expr, kinds: list[Kind], what: str, numeric: bool = False) -> Kind:
        if Kind.ERROR in kinds:
            return Kind.ERROR
        result = kinds[0]
        for kind in kinds[1:]:
            joined = join(result, kind)
            if joined is None:
                self._mismatch(
                    expr, f"{what} mix {_article(result)} and {_article(kind)}", _unit_help(result, kind, expr)
                )
                return Kind.ERROR
            result = joined
        if numeric and result in (Kind.BOOL, Kind.DATE):
            self._mismatch(expr, f"{what} must be numbers, not {_article(result)}")
            return Kind.ERROR
        return result

    def _bands(self, expr: n.Bands, scope: Scope) -> Kind:
        subject = self.infer(expr.subject, scope)
        values: list[Kind] = []
        otherwise_seen = False
        for index, arm in enumerate(expr.arms):
            if arm.op == "":
                if index != len(expr.arms) - 1:
                    self.diagnostics.append(
                        error(
                            "check.unreachable-band",
                            "arms after `otherwise` can never apply",
                            arm.span,
                            "put `otherwise` last",
                        )
                    )
                otherwise_seen = True
            elif arm.bound is not None:
                bound = self.infer(arm.bound, scope)
                if subject is not Kind.ERROR and bound is not Kind.ERROR and combine(arm.op, subject, bound) is None:
                    self._mismatch(
                        arm.bound,
                        f"cannot compare {_article(subject)} with {_article(bound)}",
                        _unit_help(subject, bound, arm.bound),
                    )
            values.append(self.infer(arm.value, scope))
        if not otherwise_seen:
            self.diagnostics.append(
                error(
                    "check.bands-no-otherwise",
                    "`bands` has no `otherwise` arm",
                    expr.span,
                    "add `otherwise: 0` (or the value for anything below the last band)",
                )
            )
        return self._join(expr, values, "the values of `bands`")

    def _interpolate(self, expr: n.Interpolate, scope: Scope) -> Kind:
        subject = self.infer(expr.subject, scope)
        previous: n.Anchor | None = None
        for anchor in expr.anchors:
            at_kind = self.infer(anchor.at, scope)
            if subject is not Kind.ERROR and combine("<", subject, at_kind) is None:
                self._mismatch(
                    anchor.at,
                    f"cannot compare {_article(subject)} with {_article(at_kind)}",
                    _unit_help(subject, at_kind, anchor.at),
                )
            if previous is not None and _as_ratio(anchor.at) <= _as_ratio(previous.at):
                self.diagnostics.append(
                    error(
                        "check.interpolate-order",
                        "interpolation points must increase strictly",
                        anchor.at.span,
                        f"this point is not above the previous one ({previous.at.value})",
                    )
                )
            previous = anchor
        if len(expr.anchors) < 2:
            self.diagnostics.append(
                error("check.interpolate-order", "`interpolate` needs at least two points", expr.span)
            )
        return self._join(expr, [self.infer(a.value, scope) for a in expr.anchors], "the values of `interpolate`")

    def _mismatch(self, expr: n.Expr, message: str, help_text: str | None = None) -> None:
        self.diagnostics.append(error("check.unit-mismatch", message, expr.span, help_text))


COMPARISONS = {">=", "<=", ">", "<", "==", "!="}


def percent_help(literal: n.Expr, op: str = "") -> str:
    """What to write instead of a bare number that meets a percentage."""
    value = literal.value if isinstance(literal, n.Number) and literal.value else None
    if op in ("+", "-"):
        return f"write `{value or 2}pp` (percentage points) or `{value or 2}%` with its unit"
    if value is None:
        return "write percentages with their unit, e.g. `80%`: a bare `80` beside a percentage would mean 8000%"
    return f"write `{value}%`: a bare `{value}` beside a percentage would mean {value * 100}%"


def _unit_help(subject: Kind, bound: Kind, expr: n.Expr) -> str | None:
    if {subject, bound} == {Kind.PERCENT, Kind.LITERAL}:
        return percent_help(expr)
    if {subject, bound} == {Kind.PP, Kind.LITERAL}:
        return "write percentage points with their unit, e.g. `2pp`"
    return None


def _as_ratio(number: n.Number) -> Decimal:
    return number.value / 100 if number.unit in ("percent", "pp") else number.value


def join(a: Kind, b: Kind) -> Kind | None:
    """The kind of a value that may be either `a` or `b`."""
    if a is b:
        return a
    if Kind.LITERAL in (a, b):
        # A bare number is not a percentage: a percentage is held as the fraction it is (80% is 0.8), so
        # a bare `80` beside one would be read as 8,000%. Write `80%`.
        other = b if a is Kind.LITERAL else a
        return other if other in (Kind.NUMBER, Kind.MONEY) else None
    if {a, b} == {Kind.NUMBER, Kind.PERCENT}:
        return Kind.NUMBER
    return None


def combine(op: str, a: Kind, b: Kind) -> Kind | None:
    """The kind of `a op b`, or None when the operation mixes units."""
    if op in COMPARISONS:
        if a is b:
            return Kind.BOOL if a is not Kind.BOOL or op in ("==", "!=") else None
        if {a, b} & {Kind.BOOL, Kind.DATE, Kind.PP}:
            return None
        return Kind.BOOL if join(a, b) is not None else None
    if Kind.BOOL in (a, b) or Kind.DATE in (a, b):
        return None
    if op in ("+", "-"):
        if a is Kind.PERCENT and b is Kind.PERCENT:
            return Kind.PP if op == "-" else Kind.PERCENT
        if a is Kind.PP and b is Kind.PP:
            return Kind.PP
        if a is Kind.PERCENT and b is Kind.PP or op == "+" and a is Kind.PP and b is Kind.PERCENT:
            return Kind.PERCENT
        if Kind.PP in (a, b):
            return None
        return join(a, b)
    if op == "*":
        if a in NUMERIC and b in NUMERIC:
            return Kind.LITERAL if a is b is Kind.LITERAL else Kind.NUMBER
        if a in NUMERIC:
            return b
        if b in NUMERIC:
            return a
        return None
    if op == "/":
        if a in NUMERIC and b in NUMERIC:
            return Kind.LITERAL if a is b is Kind.LITERAL else Kind.NUMBER
        if a is b:
            return Kind.NUMBER
        if b in NUMERIC:
            return a
        return None
    raise ValueError(op)


def _peer_call(expr: n.Expr, scope: Scope) -> n.Call | None:
    """A class-wide call inside `expr`, directly or through a `let`: the first in reading order, each
    let searched once (lets that share lets would otherwise be searched exponentially often)."""
    pending: list[tuple[Iterator[n.Expr], Scope]] = [(walk(expr), scope)]
    searched: set[int] = set()
    while pending:
        nodes, where = pending[-1]
        inner = next(nodes, None)
        if inner is None:
            pending.pop()
            continue
        if isinstance(inner, n.Call) and inner.function in FUNCTIONS and FUNCTIONS[inner.function].peer:
            return inner
        if isinstance(inner, n.Name):
            owner: Scope | None = where
            while owner is not None:
                let = owner.lets.get(inner.name)
                if let is not None:
                    if id(let) not in searched:
                        searched.add(id(let))
                        pending.append((walk(let.expr), owner))
                    break
                owner = owner.parent
    return None


def too_deep(what: str, depth: int, span: Span) -> Diagnostic:
    subject = f"`{what}`" if what.isidentifier() else what
    return error(
        "check.too-deep",
        f"{subject} nests {depth} levels deep, counting the lets and constants it uses (at most {MAX_NESTING})",
        span,
        f"compute it in fewer steps: each `let` or constant used counts one level more than its "
        f"expression, and a chain of about {MAX_NESTING // 2} steps is the most allowed",
    )


def nesting(expr: n.Expr) -> tuple[int, list[tuple[str, int]]]:
    """How deeply `expr` nests by itself (1 for a leaf), and every name it uses with the level it is at."""
    deepest = 0
    names: list[tuple[str, int]] = []
    pending = [(expr, 1)]
    while pending:
        node, level = pending.pop()
        deepest = max(deepest, level)
        if isinstance(node, n.Name):
            names.append((node.name, level))
        pending.extend((child, level + 1) for child in children(node))
    return deepest, names


def children(expr: n.Expr) -> list[n.Expr]:
    """The sub-expressions directly inside `expr`."""
    match expr:
        case n.Call(args=args):
            return list(args)
        case n.Applied(body=body):
            return [body]
        case n.Unary(operand=operand):
            return [operand]
        case n.Binary(left=left, right=right):
            return [left, right]
        case n.Conditional(test=test, then=then, otherwise=otherwise):
            return [test, then, otherwise]
        case n.Bands(subject=subject, arms=arms):
            return [subject, *(e for arm in arms for e in (arm.bound, arm.value) if e is not None)]
        case n.Interpolate(subject=subject, anchors=anchors):
            return [subject, *(e for anchor in anchors for e in (anchor.at, anchor.value))]
    return []


def walk(expr: n.Expr) -> Iterator[n.Expr]:
    """Every sub-expression of `expr`, itself included."""
    yield expr
    match expr:
        case n.Call(args=args):
            for arg in args:
                yield from walk(arg)
        case n.Applied(body=body):  # the body holds what the arguments read
            yield from walk(body)
        case n.Unary(operand=operand):
            yield from walk(operand)
        case n.Binary(left=left, right=right):
            yield from walk(left)
            yield from walk(right)
        case n.Conditional(test=test, then=then, otherwise=otherwise):
            yield from walk(test)
            yield from walk(then)
            yield from walk(otherwise)
        case n.Bands(subject=subject, arms=arms):
            yield from walk(subject)
            for arm in arms:
                if arm.bound is not None:
                    yield from walk(arm.bound)
                yield from walk(arm.value)
        case n.Interpolate(subject=subject, anchors=anchors):
            yield from walk(subject)
            for anchor in anchors:
                yield from walk(anchor.value)


def _span(expr: n.Expr, fallback: Span) -> Span:
    return expr.span if expr.span is not NO_SPAN else fallback


DESCRIPTIONS = {
    Kind.NUMBER: "a number",
    Kind.LITERAL: "a number",
    Kind.PERCENT: "a percentage",
    Kind.PP: "percentage points",
    Kind.MONEY: "money",
    Kind.BOOL: "a boolean (true or false)",
    Kind.DATE: "a date",
    Kind.ERROR: "an invalid value",
}


def _article(kind: Kind) -> str:
    return DESCRIPTIONS[kind]
