"""A checked policy lowered to a graph of named quantities, per unit class.

Each class becomes a `Graph`: every quantity a unit's result is made of —
inputs, constants, `let`s, item and measure scores, completion, category
subtotals, coefficients, bonuses (with the awards carried in), deductions,
the total, vetoes, rank, grade, awards, money, commendations — as a
`Quantity` with a stable name (`quant.q01.score`, `category.quant`,
`total`, `veto.safety`, `rank`), its kind, the names it depends on and the
policy span it comes from. Quantities that need the whole class (a peer
statistic over its argument, the rank, a grade with quotas, the completion
table) are aggregate nodes over the class scope; everything else is per
unit.

The evaluation order is derived from the graph (a topological order, ties
broken by declaration order), and so are the passes a partitioned or
streamed evaluation needs: per-unit quantities up to the first aggregate
(pass 1), the aggregates settled over the class, the quantities after them
(pass 2), and so on. A cycle cannot arise from a policy the checker passed
(it rejects `let`/`const` cycles); if one ever appears, the graph says so
with a located error rather than choosing an order.

This module describes evaluation; it evaluates nothing and does not decide
which evaluator takes a quantity (`plan.py` does).
"""

from __future__ import annotations

import enum
import heapq

import attrs

from targetdsl.diagnostics import PolicyError, error
from targetdsl.keywords import KeywordSet, Language, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.schema import ClassSpec, InputSpec, MeasureSpec, RuleSpec, Schema
from targetdsl.numeric import text
from targetdsl.source import NO_SPAN, Span


class Kind(enum.Enum):
    """What a quantity is."""

    INPUT = "input"
    CONST = "const"
    LET = "let"
    ARGUMENT = "argument"  # the per-unit value a class statistic is taken over
    STATISTIC = "statistic"  # a class-wide statistic (peer_avg, rank, efficacy, …)
    SCORE = "score"
    COMPLETION = "completion"
    CATEGORY = "category"
    COEFFICIENT = "coefficient"
    BONUS = "bonus"
    DEDUCTION = "deduction"
    LIMIT = "limit"  # a shared cap over several bonuses or deductions
    TOTAL = "total"
    VETO = "veto"
    REPORTED = "reported"
    RANK = "rank"
    GRADE = "grade"
    AWARD = "award"
    MONEY = "money"
    COMMENDATION = "commendation"
    ITEMS = "items"
    TABLE = "completion table"


class Scope(enum.Enum):
    """Per unit, or an aggregate over all units of the class."""

    UNIT = "unit"
    CLASS = "class"


@attrs.frozen
class Quantity:
    name: str
    kind: Kind
    dependencies: tuple[str, ...]
    span: Span = attrs.field(eq=False)
    scope: Scope = Scope.UNIT
    detail: str = ""  # what it is, in the policy's words: `efficacy(actual / target)`, `score given by …`
    owner: str = ""  # the measure (by name) or rule (`veto.safety`) it belongs to; "" for the unit's own

    @property
    def aggregate(self) -> bool:
        return self.scope is Scope.CLASS


@attrs.frozen
class Phase:
    """Where a quantity is computed in a partitioned evaluation: in per-unit pass `number`, or (settle)
    over the whole class after pass `number`, before the next."""

    number: int
    settle: bool = False

    def __str__(self) -> str:
        return f"settle {self.number}" if self.settle else f"pass {self.number}"


@attrs.frozen
class Graph:
    """One class's quantities: declared order, evaluation order and phases."""

    unit_class: str
    quantities: tuple[Quantity, ...]  # in declaration order
    order: tuple[str, ...]  # evaluation order: every quantity after all it depends on
    phases: dict[str, Phase]

    _by_name: dict[str, Quantity] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {q.name: q for q in self.quantities})

    def quantity(self, name: str) -> Quantity:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def passes(self) -> int:
        """How many per-unit passes a partitioned evaluation of this class needs."""
        return max((p.number for p in self.phases.values() if not p.settle), default=1)

    def in_phase(self, phase: Phase) -> tuple[str, ...]:
        return tuple(name for name in self.order if self.phases[name] == phase)


def lower(schema: Schema) -> dict[str, Graph]:
    """Every class's graph, built once per policy and kept with the schema (it pickles with it)."""
    if not schema.lowered:
        for name, spec in schema.classes.items():
            schema.lowered[name] = graph(_Lowering(schema, spec).run(), name)
    return schema.lowered


def graph(quantities: list[Quantity], unit_class: str) -> Graph:
    """The graph of `quantities` (declaration order); raises PolicyError (`check.quantity-cycle`) when
    they depend on each other in a circle. Two quantities of one name, or a dependency that names none,
    is a defect of the lowering (ValueError)."""
    by_name: dict[str, int] = {}
    for index, quantity in enumerate(quantities):
        if quantity.name in by_name:
            raise ValueError(f"two quantities are named {quantity.name}")
        by_name[quantity.name] = index
    for quantity in quantities:
        for dependency in quantity.dependencies:
            if dependency not in by_name:
                raise ValueError(f"{quantity.name} depends on {dependency}, which is not a quantity")
    ordered = _topological(quantities, by_name)
    phases: dict[str, Phase] = {}
    for name in ordered:
        quantity = quantities[by_name[name]]
        number = 1
        for dependency in quantity.dependencies:
            before = phases[dependency]
            if before.settle and not quantity.aggregate:
                number = max(number, before.number + 1)  # a per-unit quantity after a settle: the next pass
            else:
                number = max(number, before.number)
        phases[name] = Phase(number, settle=quantity.aggregate)
    # Phase by phase (no quantity depends on a later phase, so the order stays topological): each pass
    # of a partitioned evaluation reads as one block.
    order = tuple(sorted(ordered, key=lambda name: (phases[name].number, phases[name].settle)))
    return Graph(unit_class, tuple(quantities), order, phases)


def _topological(quantities: list[Quantity], by_name: dict[str, int]) -> tuple[str, ...]:
    """Kahn's algorithm; among quantities that are ready, the one declared first goes first."""
    waiting = [len(set(q.dependencies)) for q in quantities]
    users: dict[int, list[int]] = {}
    for index, quantity in enumerate(quantities):
        for dependency in set(quantity.dependencies):
            users.setdefault(by_name[dependency], []).append(index)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        index = heapq.heappop(ready)
        order.append(quantities[index].name)
        for user in users.get(index, ()):
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    if len(order) < len(quantities):
        raise _cycle(quantities, by_name, set(order))
    return tuple(order)


def _cycle(quantities: list[Quantity], by_name: dict[str, int], ordered: set[str]) -> PolicyError:
    """The located error for the first circle among the quantities left unordered."""
    left = [q for q in quantities if q.name not in ordered]
    path: list[str] = [left[0].name]
    seen = {left[0].name: 0}
    while True:
        current = quantities[by_name[path[-1]]]
        following = next(d for d in current.dependencies if d not in ordered)
        if following in seen:
            circle = [*path[seen[following] :], following]
            break
        seen[following] = len(path)
        path.append(following)
    first = quantities[by_name[circle[0]]]
    return PolicyError(
        [
            error(
                "check.quantity-cycle",
                "these quantities depend on each other in a circle: " + " → ".join(circle),
                first.span,
                "a quantity cannot be computed from itself; break the circle",
            )
        ]
    )


def reads(expr: n.Expr) -> list[n.Name | n.Call | n.Reference]:
    """The names `expr` reads and the class-wide calls in it, in source order; a class-wide call's
    argument belongs to its statistic, not to the expression that uses the statistic."""
    found: list[n.Name | n.Call | n.Reference] = []
    _reads(expr, found)
    return found


def _reads(expr: n.Expr, found: list[n.Name | n.Call | n.Reference]) -> None:
    match expr:
        case n.Name() | n.Reference():
            found.append(expr)
        case n.Applied(body=body):  # a user-defined function reads what its body (the arguments in place) reads
            _reads(body, found)
        case n.Call(function=function, args=args):
            if FUNCTIONS[function].peer:
                found.append(expr)
                return
            for arg in args:
                _reads(arg, found)
        case n.Unary(operand=operand):
            _reads(operand, found)
        case n.Binary(left=left, right=right):
            _reads(left, found)
            _reads(right, found)
        case n.Conditional(test=test, then=then, otherwise=otherwise):
            _reads(test, found)
            _reads(then, found)
            _reads(otherwise, found)
        case n.Bands(subject=subject, arms=arms):
            _reads(subject, found)
            for arm in arms:
                if arm.bound is not None:
                    _reads(arm.bound, found)
                _reads(arm.value, found)
        case n.Interpolate(subject=subject, anchors=anchors):
            _reads(subject, found)
            for anchor in anchors:
                _reads(anchor.value, found)


# The words a quantity's name is built with. A category (the first part of a measure's quantities) or a
# sub-item named with one of them is written in backticks (`veto`.n.input.x), so that no two quantities
# can have one name: a name in the language has no backtick.
STRUCTURE = frozenset(
    {"input", "const", "category", "veto", "bonus", "deduction", "award", "coefficient", "commendation", "limit"}
    | {"let", "score", "completion", "given", "ratings", "scored", "class_average", "argument"}
    | {name for name, function in FUNCTIONS.items() if function.peer}
)


def part(name: str) -> str:
    """A category's or sub-item's name as a part of a quantity's name."""
    return f"`{name}`" if name in STRUCTURE else name


# Names a rule's expressions may read besides its own inputs and lets: awards and commendations see the
# unit's result so far (docs/semantics.md, step 10).
RESULT_NAMES = {"total": "total", "rank": "rank", "items": "items", "completed_items": "items"}


class _Lowering:
    """Builds one class's quantities in declaration order."""

    def __init__(self, schema: Schema, spec: ClassSpec):
        self.schema = schema
        self.spec = spec
        self.quantities: list[Quantity] = []
        self.names: set[str] = set()
        self.calls: dict[str, int] = {}  # class-wide calls per measure and function, to number them
        self.owner = ""  # the measure or rule being lowered
        # `score(M)` reads this quantity: each measure's score, by the measure's name
        self.scores = {m.name: f"{part(c.name)}.{m.name}.score" for c in spec.categories for m in c.measures}

    def add(self, quantity: Quantity) -> str:
        quantity = attrs.evolve(quantity, dependencies=tuple(dict.fromkeys(quantity.dependencies)), owner=self.owner)
        self.quantities.append(quantity)
        self.names.add(quantity.name)
        return quantity.name

    def run(self) -> list[Quantity]:
        schema, spec = self.schema, self.spec
        for unit_input in schema.unit_inputs.values():
            default = unit_input.default
            self.add(
                Quantity(
                    f"input.{unit_input.name}",
                    Kind.INPUT,
                    tuple(self.unit_names(default)) if default is not None else (),
                    unit_input.span,
                    detail=self.input_words(unit_input, unit_input.span, missing=True),
                )
            )
        for const in schema.consts.values():
            self.add(Quantity(f"const.{const.name}", Kind.CONST, tuple(self.unit_names(const.expr)), const.span))
        categories: dict[str, list[str]] = {c.name: [] for c in spec.categories}
        completions: list[str] = []
        for category in spec.categories:
            for measure in category.measures:
                self.owner = measure.name
                score, completion = self.measure(measure, part(category.name))
                self.owner = ""
                categories[category.name].append(score)
                if completion is not None:
                    completions.append(completion)
        factors: dict[str, list[str]] = {}
        for rule in spec.rules_of("coefficient"):
            factor = rule.first(n.Factor)
            applies = rule.first(n.Applies)
            target = applies.target if isinstance(applies, n.Applies) else "total"
            name = self.rule(rule, [factor.expr] if isinstance(factor, n.Factor) else [], Kind.COEFFICIENT)
            factors.setdefault(target, []).append(name)
        subtotals = []
        for category in spec.categories:
            subtotals.append(
                self.add(
                    Quantity(
                        f"category.{category.name}",
                        Kind.CATEGORY,
                        (*categories[category.name], *factors.get(category.name, ())),
                        category.span,
                        detail=f"{category.points} points",
                    )
                )
            )
        if completions:
            self.add(Quantity("items", Kind.ITEMS, tuple(completions), spec.span, detail="items and completed items"))
        bonuses = self.bonuses()
        deductions = []
        for rule in spec.rules_of("deduction"):
            amount = rule.first(n.Amount)
            expressions = [amount.expr] if isinstance(amount, n.Amount) else []
            expressions += [s.expr for s in rule.all(n.When)]  # a gated deduction reads its condition too
            deductions.append(self.rule(rule, expressions, Kind.DEDUCTION))
        limits = self.limits(bonuses + deductions)
        total = self.add(
            Quantity(
                "total",
                Kind.TOTAL,
                (*subtotals, *factors.get("total", ()), *bonuses, *deductions, *limits),
                spec.span,
                detail="subtotals, reweighted when a category does not apply, + bonus − deductions",
            )
        )
        vetoes = self.vetoes()
        ranked = total
        zeroing = [name for name, effects in vetoes if "zero_score" in effects]
        if zeroing:
            ranked = self.add(Quantity("reported", Kind.REPORTED, (total, *zeroing), spec.span, detail="zero score"))
        keys = [ranked]
        for key in schema.ties:
            if key.key in categories and f"category.{key.key}" not in keys:
                keys.append(f"category.{key.key}")
        ranking = schema.ranking_of(spec.name)
        across = f", across {', '.join(ranking.classes)} (ranking {ranking.name})" if ranking is not None else ""
        self.add(Quantity("rank", Kind.RANK, tuple(keys), spec.span, Scope.CLASS, self.ties() + across))
        if spec.name in schema.ungraded:  # ranked, given no grade
            self.add(Quantity("grade", Kind.GRADE, (), schema.ungraded[spec.name], detail="not graded"))
        elif schema.grades:
            self.grade(ranked, vetoes)
        awards = [self.award(rule, vetoes) for rule in spec.rules_of("award")]
        # an award without money (目标奖) is won or not: it adds nothing to the money
        paying = [name for name, rule in zip(awards, spec.rules_of("award"), strict=True) if _pays(rule)]
        if paying:
            self.add(Quantity("money", Kind.MONEY, tuple(paying), spec.span, detail="the sum of the awards"))
        for rule in spec.rules_of("commendation"):
            when = rule.first(n.When)
            self.rule(rule, [when.expr] if isinstance(when, n.When) else [], Kind.COMMENDATION, vetoes)
        if completions:
            self.add(
                Quantity("completion", Kind.TABLE, tuple(completions), spec.span, Scope.CLASS, "per category, summed")
            )
        return self.quantities

    # ------------------------------------------------------------ measures

    def measure(self, measure: MeasureSpec, prefix: str, *, nested: bool = False) -> tuple[str, str | None]:
        """The quantities of one measure (and its sub-items); its score's and completion's names."""
        base = f"{prefix}.{part(measure.name) if nested else measure.name}"
        local: dict[str, str] = {}
        for name in measure.inputs:
            local[name] = f"{base}.input.{name}"
        for name in measure.lets:
            local[name] = f"{base}.let.{name}"
        for name, spec in measure.inputs.items():
            default = self.expression_names(spec.default, local, base) if spec.default is not None else []
            if spec.prorated_unless is not None and spec.prorated_unless in local:  # pro-rating by kind
                default.append(local[spec.prorated_unless])
            detail = self.input_words(
                spec, spec.span, per_item=measure.kind == "items", unless=spec.prorated_unless in local
            )
            self.add(Quantity(local[name], Kind.INPUT, tuple(default), spec.span, detail=detail))
        for name, let in measure.lets.items():
            self.add(Quantity(local[name], Kind.LET, tuple(self.expression_names(let.expr, local, base)), let.span))
        depends: list[str] = []
        if measure.given_by:
            depends.append(
                self.add(
                    Quantity(
                        f"{base}.given",
                        Kind.INPUT,
                        (),
                        measure.span,
                        detail="score given by " + ", ".join(measure.given_by),
                    )
                )
            )
        if measure.ballots:  # each unit's own list of ballots
            depends.append(
                self.add(
                    Quantity(
                        f"{base}.ballots", Kind.INPUT, (), measure.span, detail="the unit's ballots, equally weighted"
                    )
                )
            )
        if measure.raters:
            depends.append(
                self.add(
                    Quantity(
                        f"{base}.ratings",
                        Kind.INPUT,
                        (),
                        measure.span,
                        detail="scored by " + ", ".join(r.assessor for r in measure.raters),
                    )
                )
            )
        for sub in measure.subitems:
            depends.append(self.measure(sub, base, nested=True)[0])
        if measure.score is not None:
            depends += self.expression_names(measure.score, local, base)
        kind = keyword_set(self.schema.keywords.get(measure.span.file, Language.ENGLISH)).word(measure.kind)
        detail = f"{kind}, {measure.points} points" if measure.kind != "items" else f"{kind}, points each"
        if measure.kind == "items" and (measure.node.points is not None or measure.node.share is not None):
            detail = f"{kind}, scaled to {measure.points} points"  # an items measure weighted among indicators
            if measure.node.pooled:  # pooled items
                detail = f"{kind}, pooled: the sub-items done across the items, scaled to {measure.points} points"
        if measure.adjustment:
            detail = "adjustment item, added to the subtotal as it is"
        if measure.node.share is not None:  # indicator weights as shares
            detail += f" ({text(measure.node.share)}% of category {measure.category})"
        if measure.score is not None:
            detail += ": " + self.schema.quote(measure.score)
        averaged = self.class_average(measure)
        name = f"{base}.score"
        if averaged:
            # a unit whose input is missing as `peer_avg` earns the mean of the units scored normally
            scored = self.add(Quantity(f"{base}.scored", Kind.SCORE, _unique(depends), measure.span, detail=detail))
            mean = self.add(
                Quantity(
                    f"{base}.class_average",
                    Kind.STATISTIC,
                    (scored,),
                    measure.span,
                    Scope.CLASS,
                    "mean earned points of the units scored normally (missing peer_avg)",
                )
            )
            self.add(Quantity(name, Kind.SCORE, (scored, mean), measure.span, detail="scored, or the class average"))
        else:
            self.add(Quantity(name, Kind.SCORE, _unique(depends), measure.span, detail=detail))
        completion = None
        if measure.counted:
            expressions = [e for e in (measure.completed,) if e is not None]
            if measure.tally is not None:
                expressions += [measure.tally.done, measure.tally.total]
            counted: list[str] = [d for d in depends if d.endswith(".given")]
            for expr in expressions:
                counted += self.expression_names(expr, local, base)
            completion = self.add(
                Quantity(
                    f"{base}.completion",
                    Kind.COMPLETION,
                    _unique(counted),
                    measure.tally.span if measure.tally is not None else measure.span,
                    detail=self.words(measure.span).word("tally" if measure.tally is not None else "completed when"),
                )
            )
        elif measure.subitems and any(s.counted for s in measure.subitems):
            completion = self.add(
                Quantity(
                    f"{base}.completion",
                    Kind.COMPLETION,
                    tuple(f"{base}.{part(s.name)}.completion" for s in measure.subitems if s.counted),
                    measure.span,
                    detail="its sub-items'",
                )
            )
        return name, completion

    def words(self, span: Span) -> KeywordSet:
        """The keywords of the file `span` is in: the plan quotes the policy in them."""
        return keyword_set(self.schema.keywords.get(span.file, Language.ENGLISH))

    def input_words(
        self, spec: InputSpec, span: Span, *, missing: bool = False, per_item: bool = False, unless: bool = False
    ) -> str:
        """An input as the policy declares it: `number, prorated`, `数值, 缺报 计零`."""
        kw = self.words(span)
        words = [kw.term("type", spec.type) + (" per item" if per_item else "")]
        if missing:
            rule = kw.term("missing", spec.missing) if spec.missing != "default" else kw.word("default")
            words.append(f"{kw.word('missing')} {rule}")
        if spec.prorated:
            words.append(kw.word("prorated") + (f" {kw.word('unless')} {spec.prorated_unless}" if unless else ""))
        return ", ".join(words)

    def class_average(self, measure: MeasureSpec) -> bool:
        """Whether the measure may score its class's average: an input of its own, or a unit input it
        reads (directly or through constants), is missing as `peer_avg`."""
        if any(i.missing == "peer_avg" for i in measure.inputs.values()):
            return True
        expressions = [e for e in (measure.score, measure.completed) if e is not None]
        expressions += [let.expr for let in measure.lets.values()]
        pending = [name for expr in expressions for name in _all_names(expr)]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen or name in measure.inputs or name in measure.lets:
                continue
            seen.add(name)
            unit_input = self.schema.unit_inputs.get(name)
            if unit_input is not None and unit_input.missing == "peer_avg":
                return True
            const = self.schema.consts.get(name)
            if const is not None:
                pending += _all_names(const.expr)
        return False

    def expression_names(self, expr: n.Expr, local: dict[str, str], base: str) -> list[str]:
        """The quantities `expr` depends on in a measure's scope; each class-wide call becomes a statistic
        (with the per-unit argument it is taken over) added here."""
        found: list[str] = []
        for read in reads(expr):
            if isinstance(read, n.Name):
                found += self.resolve(read.name, local)
                continue
            if isinstance(read, n.Reference):  # the checker has made sure the class computes it
                found += self.reference(read)
                continue
            argument: list[str] = []
            detail = self.schema.quote(read)
            name = f"{base}.{read.function}"
            self.calls[name] = count = self.calls.get(name, 0) + 1
            if count > 1:
                name += f"#{count}"
            if read.args:
                argument_depends = self.expression_names(read.args[0], local, base)
                argument.append(
                    self.add(
                        Quantity(
                            f"{name}.argument",
                            Kind.ARGUMENT,
                            _unique(argument_depends),
                            read.args[0].span,
                            detail=self.schema.quote(read.args[0]),
                        )
                    )
                )
            found.append(self.add(Quantity(name, Kind.STATISTIC, tuple(argument), read.span, Scope.CLASS, detail)))
            found += argument  # the unit's own value too: its rank, its place between the class's ends
        return found

    def reference(self, read: n.Reference) -> list[str]:
        """The quantities a reference reads: a measure's score, a category's subtotal, a rule's quantity
        (`bonus.获奖`, `veto.安全`), or for the unit's whole bonus (deductions, total before them) every
        quantity it is summed from."""
        spec = self.spec
        match read.quantity, read.target:
            case "score", target:
                return [self.scores[target]]
            case "subtotal", "":
                return [f"category.{c.name}" for c in spec.categories] + [
                    f"coefficient.{r.name}" for r in spec.rules_of("coefficient") if _on_total(r)
                ]
            case "subtotal", target:
                return [f"category.{target}"]
            case ("bonus" | "deduction") as kind, "":
                return [f"{kind}.{r.name}" for r in spec.rules_of(kind)] + [
                    f"limit.{r.name}" for r in spec.rules_of("limit") if _limits(r, spec.rules_of(kind))
                ]
            case "vetoed", target:
                return [f"veto.{target}"]
            case kind, target:
                return [f"{kind}.{target}"]

    def resolve(self, name: str, local: dict[str, str]) -> list[str]:
        if name in local:
            return [local[name]]
        return self.unit_names_of(name)

    def unit_names_of(self, name: str) -> list[str]:
        if name in self.schema.unit_inputs:
            return [f"input.{name}"]
        if name in self.schema.consts:
            return [f"const.{name}"]
        return []  # `points` (a constant of the measure), or a name only the checker could explain

    def unit_names(self, expr: n.Expr) -> list[str]:
        return [q for read in reads(expr) if isinstance(read, n.Name) for q in self.unit_names_of(read.name)]

    # ------------------------------------------------------------ rules

    def rule(
        self,
        rule: RuleSpec,
        expressions: list[n.Expr],
        kind: Kind,
        vetoes: list[tuple[str, set[str]]] | None = None,
        extra: tuple[str, ...] = (),
    ) -> str:
        """A rule's quantity (`veto.safety`), with its inputs and lets."""
        base = self.owner = f"{rule.kind}.{rule.name}"
        local = {name: f"{base}.input.{name}" for name in rule.inputs}
        local.update({name: f"{base}.let.{name}" for name in rule.lets})
        if vetoes is not None:  # awards and commendations see the result so far
            for word, quantity in RESULT_NAMES.items():
                if quantity in self.names and word not in local:
                    local[word] = quantity
            if vetoes and "vetoed" not in local:
                local["vetoed"] = "\0vetoed"
        for name, spec in rule.inputs.items():
            default = self.rule_names(spec.default, local, vetoes) if spec.default is not None else []
            self.add(
                Quantity(local[name], Kind.INPUT, tuple(default), spec.span, detail=self.input_words(spec, spec.span))
            )
        for name, let in rule.lets.items():
            self.add(Quantity(local[name], Kind.LET, tuple(self.rule_names(let.expr, local, vetoes)), let.span))
        depends: list[str] = list(extra)
        for expr in expressions:
            depends += self.rule_names(expr, local, vetoes)
        detail = "; ".join(self.schema.quote(e) for e in expressions)
        name = self.add(Quantity(base, kind, _unique(depends), rule.span, detail=detail))
        self.owner = ""
        return name

    def rule_names(self, expr: n.Expr, local: dict[str, str], vetoes: list[tuple[str, set[str]]] | None) -> list[str]:
        found: list[str] = []
        for name in self.expression_names(expr, local, self.owner):  # a class-wide call: `veto.末位.rank`
            if name == "\0vetoed":
                found += [veto for veto, _ in vetoes or ()]
            else:
                found.append(name)
        return found

    def bonuses(self) -> list[str]:
        rules = self.spec.rules_of("bonus")
        if not rules:
            return []
        if all(rule.first(n.BonusPoints) is not None for rule in rules):  # every bonus computed: no awards read
            return [self.computed_bonus(rule) for rule in rules]
        awards = self.add(
            Quantity("awards", Kind.INPUT, (), self.spec.span, detail="the unit's awards, and those carried in")
        )
        names = []
        for rule in rules:
            if rule.first(n.BonusPoints) is not None:  # computed: from its formula and its `when`
                names.append(self.computed_bonus(rule))
                continue
            cap = rule.first(n.Cap)
            detail = ", ".join(
                [f"{level.name} {level.points}" for level in rule.all(n.Level)]
                + ([f"{self.words(cap.span).word('cap')} {cap.value}"] if isinstance(cap, n.Cap) else [])
            )
            names.append(self.add(Quantity(f"bonus.{rule.name}", Kind.BONUS, (awards,), rule.span, detail=detail)))
        return names

    # -- shared caps

    def limits(self, capped: list[str]) -> list[str]:
        """Each shared cap (`limit.加分合计`), over the bonuses or deductions of the class it names."""
        names = []
        for rule in self.spec.rules_of("limit"):
            over = rule.first(n.LimitOver)
            cap = rule.first(n.Cap)
            kinds = ("bonus", "deduction")
            reads = [f"{k}.{name}" for name in (over.names if isinstance(over, n.LimitOver) else ()) for k in kinds]
            depends = tuple(q for q in reads if q in capped)
            detail = f"the sum capped at {cap.value}" if isinstance(cap, n.Cap) else "the sum capped"
            names.append(self.add(Quantity(f"limit.{rule.name}", Kind.LIMIT, depends, rule.span, detail=detail)))
        return names

    # -- computed bonuses

    def computed_bonus(self, rule: RuleSpec) -> str:
        """A bonus whose points a formula computes: a rule quantity reading the formula's and the
        condition's names (`bonus.月度前三`)."""
        formula = rule.first(n.BonusPoints)
        expressions = [formula.expr] if isinstance(formula, n.BonusPoints) else []
        expressions += [s.expr for s in rule.all(n.When)]
        return self.rule(rule, expressions, Kind.BONUS)

    def vetoes(self) -> list[tuple[str, set[str]]]:
        found = []
        for rule in self.spec.rules_of("veto"):
            when = rule.first(n.When)
            effects = rule.first(n.Effects)
            kinds = {str(e.kind) for e in effects.effects} if isinstance(effects, n.Effects) else set()
            name = self.rule(rule, [when.expr] if isinstance(when, n.When) else [], Kind.VETO)
            found.append((name, kinds))
        return found

    def ties(self) -> str:
        keys = [
            self.words(k.span).builtin("key", k.key)
            + (f" {self.words(k.span).term('direction', k.direction)}" if k.direction else "")
            for k in self.schema.ties
        ]
        last = self.words(self.schema.ties[-1].span if self.schema.ties else NO_SPAN).builtin("key", "id")
        return "ordered by " + ", ".join(keys) + ("" if any(k.key == "id" for k in self.schema.ties) else f", {last}")

    def grade(self, ranked: str, vetoes: list[tuple[str, set[str]]]) -> None:
        depends = [ranked] + [name for name, kinds in vetoes if kinds & {"grade", "cap_grade"}]
        quotas = [g for g in self.schema.grades if g.band.quota is not None or g.band.quota_count is not None]
        if quotas:
            # a quota keeps a head count of the class in rank order; a `no award` veto gives up its place
            depends += ["rank"] + [name for name, kinds in vetoes if "no_award" in kinds]
            shown = ", ".join(f"{g.name} {_quota(g.band, self.words(g.band.span))}" for g in quotas)
            detail = "bands, veto effects, quotas " + shown
            self.add(Quantity("grade", Kind.GRADE, _unique(depends), quotas[0].band.span, Scope.CLASS, detail))
        else:
            span = self.schema.grades[0].band.span
            self.add(Quantity("grade", Kind.GRADE, _unique(depends), span, detail="bands and veto effects"))

    def award(self, rule: RuleSpec, vetoes: list[tuple[str, set[str]]]) -> str:
        expressions = [s.expr for s in rule.all(n.Eligible)] + [s.expr for s in rule.all(n.Reduce)]
        expressions += [s.expr for s in rule.all(n.MoneyFormula)]  # computed money
        extra = ["grade"] if "grade" in self.names else []
        extra += [name for name, kinds in vetoes if "no_award" in kinds]
        return self.rule(rule, expressions, Kind.AWARD, vetoes, tuple(extra))


def _on_total(rule: RuleSpec) -> bool:
    """Whether a coefficient multiplies the total (`on total`, the default), not one category."""
    applies = rule.first(n.Applies)
    return not isinstance(applies, n.Applies) or applies.target == "total"


def _limits(rule: RuleSpec, over: tuple[RuleSpec, ...]) -> bool:
    """Whether a `limit` caps some of the rules `over`."""
    names = rule.first(n.LimitOver)
    return isinstance(names, n.LimitOver) and any(r.name in names.names for r in over)


def _all_names(expr: n.Expr) -> list[str]:
    from targetdsl.language.typecheck import walk

    return [node.name for node in walk(expr) if isinstance(node, n.Name)]


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _quota(band: n.Band, kw: KeywordSet) -> str:
    """A quota as the plan shows it, in the file's keywords: `30%`, `20% at least 1`, `3 units`."""
    tied = f" {kw.word('with ties')}" if band.quota_ties else ""
    if band.quota_count is not None:
        return f"{band.quota_count} units{tied}"
    floor = f" {kw.word('at least')} {band.quota_floor}" if band.quota_floor is not None else ""
    return f"{band.quota}%{floor}{tied}"


def _pays(rule: RuleSpec) -> bool:
    """Whether an award pays money, by grade or by formula."""
    return rule.first(n.Money) is not None or rule.first(n.MoneyFormula) is not None
