"""The formatter: one canonical layout for every policy, comments kept in place.

`canonical_lines` prints a parsed file in the canonical layout, each
output line remembering the source line it came from. `format_policy`
then puts every comment back next to the code it was written beside
(own-line comments before the next line of code, trailing comments after
the line they followed), keeps single blank lines the author left inside
blocks, separates top-level declarations by one blank line — and finally
re-parses its own output and refuses (`FormatError`) unless the tree and
the comments are unchanged. Formatting never changes meaning.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from targetdsl.diagnostics import Diagnostic, PolicyError, TargetdslError, error
from targetdsl.keywords import BUILTINS, ENGLISH, NAME_PATTERN, WORDS, KeywordSet, Language, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.inheritance import Effective
from targetdsl.language.parser import Comment, parse
from targetdsl.source import NO_SPAN, Span, display_width
from targetdsl.source import source_lines as lines_of

INDENT = "    "

# Expression precedence, loosest first.
CONDITIONAL, OR, AND, NOT, COMPARE, SUM, PRODUCT, UNARY, ATOM = range(9)
BINARY = {"or": OR, "and": AND, "+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT}
COMPARISONS = {">=", "<=", ">", "<", "==", "!="}


class FormatError(TargetdslError):
    """The formatter's output would not mean the same as its input (a bug; nothing is written)."""


@attrs.define
class Line:
    depth: int
    text: str
    origin: int  # the source line it came from
    closing: bool = False  # a line that is only `}`
    opening: bool = False  # a line that ends with `{`
    top: bool = False  # starts a top-level declaration
    kind: str = ""  # for top-level lines: the declaration kind
    single: bool = False  # a top-level declaration that fits on one line


# ---------------------------------------------------------------- expressions

Doc = list[tuple[int, str, int]]  # (extra depth, text, origin) — the first line is inline


def _join(left: Doc, sep: str, right: Doc) -> Doc:
    depth, text, origin = left[-1]
    return left[:-1] + [(depth, text + sep + right[0][1], origin)] + right[1:]


def _wrap(doc: Doc, before: str, after: str) -> Doc:
    doc = list(doc)
    depth, text, origin = doc[0]
    doc[0] = (depth, before + text, origin)
    depth, text, origin = doc[-1]
    doc[-1] = (depth, text + after, origin)
    return doc


def _precedence(expr: n.Expr) -> int:
    match expr:
        case n.Conditional():
            return CONDITIONAL
        case n.Binary(op=op):
            return COMPARE if op in COMPARISONS else BINARY[op]
        case n.Unary(op="not"):
            return NOT
        case n.Unary():
            return UNARY
    return ATOM


def number(value: Decimal, unit: str = "") -> str:
    return format(value, "f") + {"percent": "%", "pp": "pp"}.get(unit, "")


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def expression(expr: n.Expr, minimum: int = CONDITIONAL, kw: KeywordSet = ENGLISH) -> Doc:
    """`expr` printed with `kw`'s keywords, parenthesised if its precedence is below `minimum`."""
    doc = _expression(expr, kw)
    if _precedence(expr) < minimum:
        return _wrap(doc, "(", ")")
    return doc


def one_line(expr: n.Expr, language: Language = Language.ENGLISH) -> str:
    """`expr` on one line, written with `language`'s keywords: how a message or an explanation quotes it."""
    return " ".join(text.strip() for _, text, _ in expression(expr, kw=keyword_set(language)))


def _expression(expr: n.Expr, kw: KeywordSet) -> Doc:
    line = expr.span.line
    word = kw.word
    match expr:
        case n.Number(value=value, unit=unit):
            return [(0, number(value, unit), line)]
        case n.Boolean(value=value):
            return [(0, word("true") if value else word("false"), line)]
        case n.Date(value=value):
            return [(0, value.isoformat(), line)]
        case n.Name(name=name):
            return [(0, kw.builtin("value", name), line)]
        case n.Reference(quantity=quantity, target=target):
            return [(0, f"{kw.builtin('call', quantity)}({target})", line)]
        case n.Call(function=function, args=args) | n.Applied(function=function, args=args):
            # an expanded call of a user-defined function (a plan, an explanation) reads as it was written
            written = function if isinstance(expr, n.Applied) else kw.builtin("call", function)
            doc: Doc = [(0, written + "(", line)]
            for index, arg in enumerate(args):
                doc = _join(doc, ", " if index else "", expression(arg, kw=kw))
            return _join(doc, "", [(0, ")", line)])
        case n.Unary(op="not", operand=operand):
            return _wrap(expression(operand, NOT, kw), word("not") + " ", "")
        case n.Unary(operand=operand):
            return _wrap(expression(operand, UNARY, kw), "-", "")
        case n.Binary(op=op, left=left, right=right):
            if op in COMPARISONS:
                return _join(expression(left, SUM, kw), f" {op} ", expression(right, SUM, kw))
            level = BINARY[op]
            shown = word(op) if op in ("and", "or") else op
            return _join(expression(left, level, kw), f" {shown} ", expression(right, level + 1, kw))
        case n.Conditional(test=test, then=then, otherwise=otherwise):
            # A conditional inside `if` or `then` is bracketed for the reader; `else if` chains read as they are.
            test_doc = _wrap(expression(test, OR, kw), word("if") + " ", "")
            doc = _join(test_doc, f" {word('then')} ", expression(then, OR, kw))
            return _join(doc, f" {word('else')} ", expression(otherwise, kw=kw))
        case n.Bands(subject=subject, arms=arms):
            doc = _join(_wrap(expression(subject, kw=kw), word("bands") + " ", ""), " {", [(0, "", line)])
            for arm in arms:
                head = word("otherwise") if arm.op == "" or arm.bound is None else f"{arm.op} "
                body: Doc = [(0, head, arm.span.line)]
                if arm.bound is not None and arm.op != "":
                    body = _join(body, "", expression(arm.bound, kw=kw))
                body = _join(_join(body, ": ", expression(arm.value, kw=kw)), ",", [(0, "", 0)])
                doc += [(depth + 1, text, origin) for depth, text, origin in body]
            return doc + [(0, "}", expr.span.end_line)]
        case n.Interpolate(subject=subject, anchors=anchors):
            doc = _join(_wrap(expression(subject, kw=kw), word("interpolate") + " ", ""), " { ", [(0, "", line)])
            for index, anchor in enumerate(anchors):
                at: Doc = [(0, number(anchor.at.value, anchor.at.unit), line)]
                point = _join(at, ": ", expression(anchor.value, kw=kw))
                doc = _join(doc, ", " if index else "", point)
            return _join(doc, " }", [(0, "", line)])
    raise TypeError(f"not an expression: {expr!r}")


# ----------------------------------------------------------------- printer


class Printer:
    def __init__(self, kw: KeywordSet = ENGLISH) -> None:
        self.lines: list[Line] = []
        self.kw = kw

    def word(self, concept: str) -> str:
        return self.kw.word(concept)

    def expression(self, expr: n.Expr) -> Doc:
        return expression(expr, kw=self.kw)

    def emit(self, depth: int, text: str, origin: int, **flags: bool | str) -> Line:
        # A statement made only of keywords (`drop extremes`) has no position: it follows its predecessor.
        line = Line(depth, text, origin or self._previous_origin(), **flags)  # type: ignore[arg-type]
        self.lines.append(line)
        return line

    def doc(self, depth: int, prefix: str, doc: Doc, origin: int, **flags: bool | str) -> None:
        """A statement whose expression may span several lines (bands)."""
        first = True
        for extra, text, line_origin in _wrap(doc, prefix, ""):
            if first:
                self.emit(depth, text, origin, **flags)
                first = False
            else:
                self.emit(depth + extra, text, line_origin or origin, closing=text == "}")

    def block(self, depth: int, head: str, node_span: Span, body: list[object], **flags: bool | str) -> None:
        self.emit(depth, head + " {", node_span.line, opening=True, **flags)
        for statement in body:
            self.statement(depth + 1, statement)
        self.emit(depth, "}", node_span.end_line, closing=True)

    # -- top level

    def file(self, policy_file: n.PolicyFile) -> None:
        if policy_file.extends is not None:
            self.emit(
                0,
                f"{self.word('extends')} {quote(policy_file.extends.path)}",
                policy_file.extends.span.line,
                top=True,
                kind="extends",
                single=True,
            )
        for item in policy_file.items:
            self.top_level(item)

    def top_level(self, item: object) -> None:
        start = len(self.lines)
        prefix = ""
        declaration = item
        if isinstance(item, n.Override):
            prefix, declaration = self.word("override") + " ", item.declaration
        if isinstance(declaration, n.Remove):
            name = f" {declaration.name}" if declaration.name and declaration.name != declaration.kind else ""
            self.emit(0, f"{self.word('remove')} {self.word(declaration.kind)}{name}", declaration.span.line)
        else:
            self.declaration(declaration, prefix)
        first = self.lines[start]
        first.top = True
        first.kind = type(declaration).__name__ + (":" + prefix if prefix else "")
        first.single = len(self.lines) - start == 1

    def declaration(self, declaration: object, prefix: str) -> None:
        match declaration:
            case n.Header():
                self.header(declaration, prefix)
            case n.UnitClass(name=name, label=label, shares=shares):
                self.block(0, f"{prefix}{self.word('class')} {name}{_label(label)}", declaration.span, list(shares))
            case n.Assessor(name=name, label=label):
                self.emit(0, f"{prefix}{self.word('assessor')} {name}{_label(label)}", declaration.span.line)
            case n.Category(name=name, label=label, measures=measures):
                self.block(
                    0, f"{prefix}{self.word('category')} {name}{_label(label)}", declaration.span, list(measures)
                )
            case n.Rule():
                self.rule(0, declaration, prefix)
            case n.Grades(bands=bands, assumptions=assumed, not_graded=ungraded):
                self.block(0, f"{prefix}{self.word('grades')}", declaration.span, [*assumed, *ungraded, *bands])
            case n.Ties(keys=keys):
                self.emit(
                    0,
                    f"{prefix}{self.word('ties')} " + ", ".join(_tie(k, self.kw) for k in keys),
                    declaration.span.line,
                )
            case n.Ranking(name=name, label=label, classes=classes):  # ranking across classes
                self.emit(
                    0,
                    f"{prefix}{self.word('ranking')} {name}{_label(label)}{_for(classes, self.kw)}",
                    declaration.span.line,
                )
            case n.Periods(periods=periods, weighted=weighted):
                body: list[object] = [*periods, *([weighted] if weighted is not None else [])]
                self.block(0, f"{prefix}{self.word('periods')}", declaration.span, body)
            case n.Const(name=name, expr=expr):
                self.doc(0, f"{prefix}{self.word('const')} {name} = ", self.expression(expr), declaration.span.line)
            case n.Function(name=name, params=params, expr=expr):  # a user-defined function
                head = f"{prefix}{self.word('function')} {name}({', '.join(params)}) = "
                self.doc(0, head, self.expression(expr), declaration.span.line)
            case n.Input():
                self.input(0, declaration, prefix)
            case _:
                raise TypeError(f"not a declaration: {declaration!r}")

    def header(self, header: n.Header, prefix: str) -> None:
        self.emit(0, f"{prefix}{self.word('policy')} {quote(header.title)} {{", header.span.line, opening=True)
        if header.year is not None:
            self.emit(1, f"{self.word('year')} {header.year.value}", header.year.span.line)
        if header.status is not None:
            self.emit(
                1, f"{self.word('status')} {self.kw.term('status', header.status.value)}", header.status.span.line
            )
        if header.scale is not None:
            self.emit(1, f"{self.word('scale')} {number(header.scale.points)}", header.scale.span.line)
        if header.rounding is not None:
            rounding = header.rounding
            stage_names = ", ".join(self.kw.term("stage", stage) for stage in rounding.stages)
            stages = f" {self.word('at')} {stage_names}" if rounding.stages else ""
            mode = self.kw.term("rounding", rounding.mode)
            self.emit(1, f"{self.word('rounding')} {mode} {rounding.places}{stages}", rounding.span.line)
        last = max(
            (f.span.line for f in (header.year, header.status, header.scale, header.rounding) if f),
            default=header.span.line,
        )
        for source in header.sources:
            self.emit(1, f"{self.word('source')} {quote(source.text)}", source.span.line or last)
        for assumption in header.assumptions:
            self.statement(1, assumption)
        self.emit(0, "}", header.span.end_line, closing=True)

    def rule(self, depth: int, rule: n.Rule, prefix: str) -> None:
        head = f"{prefix}{self.word(rule.kind)} {rule.name}{_label(rule.label)}{_for(rule.classes, self.kw)}"
        self.block(depth, head, rule.span, list(rule.body))

    def measure(self, depth: int, measure: n.Measure) -> None:
        points = f" {self.word('points')} {number(measure.points)}" if measure.points is not None else ""
        if measure.share is not None:  # indicator weights as shares
            points = f" {self.word('share')} {number(measure.share)}%"
        if measure.pooled:  # pooled items
            points += f" {self.word('pooled')}"
        head = (
            f"{self.word(measure.kind)} {measure.name}{_label(measure.label)}{points}{_for(measure.classes, self.kw)}"
        )
        self.block(depth, head, measure.span, list(measure.body))

    def input(self, depth: int, node: n.Input, prefix: str = "") -> None:
        kind = _choices(node.choices) if node.choices else self.kw.term("type", node.type)
        text = f"{prefix}{self.word('input')} {node.name}{_label(node.label)}: {kind}"
        if node.last_year is not None:  # last year's results as an input
            text += f" {self.word('from last year')} {self.kw.term('last year', node.last_year.field)}"
        doc: Doc = [(0, text, node.span.line)]
        if node.missing is not None:
            if node.missing.rule == "default" and node.missing.default is not None:
                doc = _join(
                    doc, f" {self.word('missing')} {self.word('default')} ", self.expression(node.missing.default)
                )
            else:
                doc = _join(doc, f" {self.word('missing')} {self.kw.term('missing', node.missing.rule)}", [(0, "", 0)])
        if node.low is not None and node.high is not None:
            doc = _join(
                doc,
                f" {self.word('range')} {_range_end(node.low)} {self.word('to')} {_range_end(node.high)}",
                [(0, "", 0)],
            )
        if node.prorated:
            doc = _join(doc, " " + self.word("prorated"), [(0, "", 0)])
        if node.prorated_unless is not None:  # pro-rating by kind
            doc = _join(doc, f" {self.word('unless')} {node.prorated_unless.name}", [(0, "", 0)])
        self.doc(depth, "", doc, node.span.line)

    def statement(self, depth: int, statement: object) -> None:
        line = getattr(statement, "span", NO_SPAN).line
        match statement:
            case n.Measure():
                self.measure(depth, statement)
            case n.Input():
                self.input(depth, statement)
            case n.Let(name=name, expr=expr):
                self.doc(depth, f"{self.word('let')} {name} = ", self.expression(expr), line)
            case n.Score(expr=expr):
                self.doc(depth, self.word("score") + " ", self.expression(expr), line)
            case n.Completed(expr=expr):
                self.doc(depth, self.word("completed when") + " ", self.expression(expr), line)
            case n.Tally(done=done, total=total):
                self.doc(
                    depth,
                    self.word("tally") + " ",
                    _join(self.expression(done), f" {self.word('of')} ", self.expression(total)),
                    line,
                )
            case n.Given(assessors=assessors):
                self.emit(depth, self.word("given by") + " " + ", ".join(assessors), line)
            case n.Assumption(text=said):  # assumptions
                self.emit(depth, f"{self.word('assume')} {quote(said)}", line)
            case n.Rater(assessor=assessor, weight=weight):
                self.emit(depth, f"{self.word('by')} {assessor} {self.word('weight')} {number(weight)}", line)
            case n.DropExtremes(above=None):
                self.emit(depth, self.word("drop extremes"), self._previous_origin())
            case n.DropExtremes(above=above):  # only with more than `above` scores
                assert above is not None
                self.emit(depth, f"{self.word('drop extremes')} {self.word('above')} {number(above)}", line)
            case n.Ballots():  # each unit lists its own ballots
                self.emit(depth, self.word("ballots"), line)
            case n.Scale(points=points):
                self.emit(depth, f"{self.word('scale')} {number(points)}", line)
            case n.When(expr=expr):
                self.doc(depth, self.word("when") + " ", self.expression(expr), line)
            case n.Require(expr=expr):  # a cross-field constraint
                self.doc(depth, self.word("require") + " ", self.expression(expr), line)
            case n.Effects(effects=effects):
                self.emit(depth, self.word("effect") + " " + ", ".join(_effect(e, self.kw) for e in effects), line)
            case n.Level(name=name, label=label, points=points, limit=limit):
                up_to = f" {self.word('up to')} {number(limit)}" if limit is not None else ""
                self.emit(depth, f"{self.word('level')} {name}{_label(label)} {number(points)}{up_to}", line)
            case n.Cap(value=value):
                self.emit(depth, f"{self.word('cap')} {number(value)}", line)
            case n.CarryOver(after=after):
                self.emit(depth, f"{self.word('carry over after')} {after.isoformat()}", line)
            case n.Amount(expr=expr):
                self.doc(depth, self.word("amount") + " ", self.expression(expr), line)
            case n.Money(amounts=amounts):
                self.block(depth, self.word("money"), statement.span, list(amounts))
            case n.GradeMoney(grade=grade, amount=amount):
                self.emit(depth, f"{grade} {number(amount)}", line)
            # computed bonuses and money
            case n.BonusPoints(expr=expr):
                self.doc(depth, self.word("points") + " ", self.expression(expr), line)
            case n.MoneyFormula(expr=expr):
                self.doc(depth, self.word("money") + " ", self.expression(expr), line)
            # a shared cap
            case n.LimitOver(names=names):
                self.emit(depth, f"{self.word('on')} " + ", ".join(names), line)
            case n.Reduce(percent=percent, expr=expr):
                self.doc(
                    depth,
                    f"{self.word('reduce')} {number(percent, 'percent')} {self.word('when')} ",
                    self.expression(expr),
                    line,
                )
            case n.Eligible(expr=expr):
                self.doc(depth, self.word("eligible when") + " ", self.expression(expr), line)
            case n.Factor(expr=expr):
                self.doc(depth, self.word("factor") + " ", self.expression(expr), line)
            case n.Applies(target=target):
                self.emit(depth, f"{self.word('on')} {self.kw.builtin('key', target)}", line)
            case n.Share(category=category, amount=amount, percent=percent):
                self.emit(depth, f"{category} {number(amount, 'percent' if percent else '')}", line)
            case n.Band():
                self.emit(depth, _band(statement, self.kw), line)
            case n.NotGraded(classes=classes):  # units not graded
                self.emit(depth, f"{self.word('not graded')}{_for(classes, self.kw)}", line)
            case n.Period(name=name, label=label, through=through, weight=weight, start=start):
                weighted = f" {self.word('weight')} {number(weight, 'percent')}" if weight is not None else ""
                # non-cumulative periods
                begins = f" {self.word('from month')} {start}" if start is not None else ""
                self.emit(
                    depth, f"{name}{_label(label)}{begins} {self.word('through month')} {through}{weighted}", line
                )
            case n.WeightedMeasures(names=names):  # weights per indicator
                self.emit(depth, f"{self.word('for')} " + ", ".join(name.name for name in names), line)
            case _:
                raise TypeError(f"not a statement: {statement!r}")

    def _previous_origin(self) -> int:
        return self.lines[-1].origin if self.lines else 0


def _label(label: str | None) -> str:
    return f" {quote(label)}" if label is not None else ""


# -- inputs of words


_PLAIN_WORD = re.compile(NAME_PATTERN)


def _choices(choices: tuple[n.Choice, ...]) -> str:
    """`{好: 10, 较好: 8}`: a word that is no plain name, or is spelled like a keyword, is quoted."""
    keywords = WORDS[Language.ENGLISH] | WORDS[Language.CHINESE]
    words = [
        (c.word if _PLAIN_WORD.fullmatch(c.word) and c.word not in keywords else quote(c.word))
        + f": {number(c.value.value, c.value.unit)}"
        for c in choices
    ]
    return "{" + ", ".join(words) + "}"


def _for(classes: tuple[str, ...], kw: KeywordSet) -> str:
    return f" {kw.word('for')} {', '.join(classes)}" if classes else ""


def _tie(key: n.TieKey, kw: KeywordSet) -> str:
    return kw.builtin("key", key.key) + (f" {kw.term('direction', key.direction)}" if key.direction else "")


def _effect(effect: n.Effect, kw: KeywordSet) -> str:
    """An effect in the file's keyword language (results word it in English: nodes.effect_words)."""
    return {
        "grade": f"{kw.word('grade')} {effect.grade}",
        "cap_grade": f"{kw.word('cap grade')} {effect.grade}",
        "no_award": kw.word("no award"),
        "zero_score": kw.word("zero score"),
    }[effect.kind]


def _band(band: n.Band, kw: KeywordSet) -> str:
    if band.op == "to":
        rule = f"{number(band.low)} {kw.word('to')} {number(band.high)}"  # type: ignore[arg-type]
    elif band.op == "otherwise":
        rule = kw.word("otherwise")
    else:
        bound = band.low if band.op in (">=", ">") else band.high
        rule = f"{band.op} {number(bound)}"  # type: ignore[arg-type]
    quota = ""
    if band.quota is not None:
        quota = f" {kw.word('quota')} {number(band.quota, 'percent')}" + (
            f" {kw.word('round')} {kw.term('quota', band.quota_rounding)}" if band.quota_rounding else ""
        )
    # quota forms: a fixed head count, the fewest units a share keeps
    if band.quota_count is not None:
        quota = f" {kw.word('quota')} {number(band.quota_count)}"
    if band.quota_floor is not None:
        quota += f" {kw.word('at least')} {number(band.quota_floor)}"
    if band.quota_ties:
        quota += f" {kw.word('with ties')}"
    return f"{band.name}{_label(band.label)} {rule}{quota}"


def canonical_lines(policy_file: n.PolicyFile, *, keywords: Language = Language.ENGLISH) -> list[Line]:
    printer = Printer(keyword_set(keywords))
    printer.file(policy_file)
    return printer.lines


def canonical_text(policy_file: n.PolicyFile) -> str:
    """The canonical text without comments or source-dependent blank lines (for hashing and diffs)."""
    out: list[str] = []
    for index, line in enumerate(canonical_lines(policy_file)):
        if line.top and index:
            out.append("")
        out.append(INDENT * line.depth + line.text)
    return "\n".join(out) + "\n"


# ------------------------------------------------------------ with comments


def _blank_between(source_lines: list[str], after: int, before: int) -> bool:
    """Whether the source has an empty line strictly between lines `after` and `before` (1-based)."""
    return any(source_lines[i - 1].strip() == "" for i in range(max(after + 1, 1), min(before, len(source_lines) + 1)))


def layout(
    policy_file: n.PolicyFile, comments: tuple[Comment, ...], text: str, *, keywords: Language = Language.ENGLISH
) -> str:
    source_lines = lines_of(text)
    lines = canonical_lines(policy_file, keywords=keywords)
    # The canonical order may put a line before one that preceded it in the source (header fields are
    # printed in a fixed order): origins are made non-decreasing so that comments keep their order.
    running = 0
    for line in lines:
        running = line.origin = max(line.origin, running)
    own_line = [c for c in comments if source_lines[c.span.line - 1][: c.span.column - 1].strip() == ""]
    trailing = [c for c in comments if c not in own_line]
    # Each output item: (depth, text, source line, line or None for comments)
    items: list[tuple[int, str, int, Line | None]] = []
    tails_of: dict[int, str] = {}  # item index → trailing comment
    pending = list(own_line)
    tails = list(trailing)
    for index, line in enumerate(lines):
        while pending and pending[0].span.line < line.origin:
            comment = pending.pop(0)
            depth = line.depth + (1 if line.closing else 0)
            items.append((depth, comment.text, comment.span.line, None))
        text_out = line.text
        next_origin = lines[index + 1].origin if index + 1 < len(lines) else None
        attached = []
        while tails and tails[0].span.line >= line.origin and (next_origin is None or tails[0].span.line < next_origin):
            attached.append(tails.pop(0).text)
        while tails and tails[0].span.line < line.origin:  # comments on lines the layout merged
            attached.append(tails.pop(0).text)
        if attached:
            tails_of[len(items)] = " ".join(attached)
        items.append((line.depth, text_out, line.origin, line))
    for comment in pending + tails:
        items.append((0, comment.text, comment.span.line, None))

    out: list[str] = []
    previous: tuple[int, str, int, Line | None] | None = None
    columns = _comment_columns(items, tails_of, source_lines)
    for index, item in enumerate(items):
        depth, text_out, origin, current = item
        if previous is not None:
            prev_line = previous[3]
            starts_top = _starts_top_level(items, index)
            forced = starts_top and not _continues_run(items, index)
            blank = _blank_between(source_lines, previous[2], origin)
            after_open = prev_line is not None and prev_line.opening
            before_close = current is not None and current.closing
            if forced or (blank and not after_open and not before_close):
                out.append("")
        code = INDENT * depth + text_out
        if index in tails_of:
            code += " " * max(columns[index] - display_width(code), 2) + tails_of[index]
        out.append(code)
        previous = item
    return "\n".join(out).rstrip("\n") + "\n"


def _comment_columns(
    items: list[tuple[int, str, int, Line | None]], tails: dict[int, str], source_lines: list[str]
) -> dict[int, int]:
    """Trailing comments on consecutive lines line up, like a column in a table."""
    columns: dict[int, int] = {}
    run: list[int] = []

    def close() -> None:
        width = max(display_width(INDENT * items[i][0] + items[i][1]) for i in run) + 2
        for i in run:
            columns[i] = width
        run.clear()

    for index in range(len(items)):
        if index in tails:
            adjacent = (
                run and run[-1] == index - 1 and not _blank_between(source_lines, items[index - 1][2], items[index][2])
            )
            if run and not adjacent:
                close()
            run.append(index)
        elif run:
            close()
    if run:
        close()
    return columns


def _starts_top_level(items: list[tuple[int, str, int, Line | None]], index: int) -> bool:
    """Item `index` is a top-level declaration's first line, or the first of the comments just before one."""
    _, _, _, line = items[index]
    if line is not None:
        return line.top and not (index and items[index - 1][3] is None and items[index - 1][0] == 0)
    if items[index][0] != 0 or (index and items[index - 1][3] is None):
        return False
    for _, _, _, following in items[index + 1 :]:
        if following is not None:
            return following.top
    return False


def _continues_run(items: list[tuple[int, str, int, Line | None]], index: int) -> bool:
    """One-line declarations of one kind (assessors, constants) stay together."""
    current = next((line for _, _, _, line in items[index:] if line is not None), None)
    previous = next((line for _, _, _, line in reversed(items[:index]) if line is not None), None)
    if current is None or previous is None:
        return False
    previous_top = next((line for _, _, _, line in reversed(items[:index]) if line is not None and line.top), None)
    return (
        current.single
        and previous_top is not None
        and previous_top.single
        and previous_top is previous
        and previous_top.kind == current.kind
        and items[index][3] is not None
    )


def format_policy(text: str, *, name: str = "<policy>", keywords: Language | None = None) -> str:
    """`text` in the canonical layout, written with `keywords` (by default the
    file's own keyword language). Raises PolicyError for text that does not
    parse or a name that cannot be written in the other keyword language,
    FormatError if the result would not mean the same (never expected)."""
    parsed = parse(text, name)
    language = parsed.language if keywords is None else keywords
    formatted = layout(parsed.file, parsed.comments, text, keywords=language)
    try:
        again = parse(formatted, name)
    except PolicyError as exc:
        if language is parsed.language:
            raise
        raise PolicyError([_unconvertible(exc.diagnostics, formatted, text, language, name)], {name: text}) from None
    if again.file != parsed.file:
        if language is not parsed.language:  # a name read back as a keyword (`是` as `true`)
            misread = frozenset(_strings(again.file) - _strings(parsed.file))  # `total` where `总分` was a name
            raise PolicyError([_unconvertible((), formatted, text, language, name, misread)], {name: text})
        raise FormatError(f"{name}: formatting would change the policy's meaning; the file was left as it is")
    if [c.text for c in again.comments] != [c.text for c in parsed.comments]:
        raise FormatError(f"{name}: formatting would lose or reorder comments; the file was left as it is")
    return formatted


def _range_end(end: n.Number | n.Name) -> str:
    return end.name if isinstance(end, n.Name) else number(end.value, end.unit)


def _strings(node: object) -> set[str]:
    """Every word a tree holds: names, keys, terms."""
    if isinstance(node, str):
        return {node}
    if isinstance(node, tuple):
        return set().union(*(_strings(item) for item in node))
    if attrs.has(type(node)):
        fields = attrs.fields(type(node))  # type: ignore[arg-type]
        return set().union(*(_strings(getattr(node, f.name)) for f in fields if f.eq))
    return set()


def _unconvertible(
    failures: tuple[Diagnostic, ...],
    formatted: str,
    source: str,
    language: Language,
    name: str,
    misread: frozenset[str] = frozenset(),
) -> Diagnostic:
    """Why a policy cannot be written with `language`'s keywords: a name spelled like one of them, or
    like a built-in's Chinese form (`misread`: the built-ins the converted text read in its place).

    The name is the word the converted text failed at, when that is such a
    name; otherwise the first name of the source spelled like a keyword or such a built-in.
    """
    builtins = {b.chinese for b in BUILTINS if b.english in misread} if language is Language.CHINESE else set()
    words = WORDS[language] | builtins
    converted = source_words(formatted)
    failed = {(d.span.line, d.span.column) for d in failures}
    at_failure = [word for word, line, column in converted if (line, column) in failed and word in words]
    candidates = [(word, line, column) for word, line, column in source_words(source) if word in words]
    if at_failure:
        candidates = [c for c in candidates if c[0] == at_failure[0]] or candidates
    if not candidates:
        return error(
            "fmt.keyword-name",
            f"this policy cannot be written with {_LANGUAGE_NAMES[language]} keywords",
            Span(name, 1, 1, 1, 1),
            "a name is spelled like one of that language's keywords: rename it, then convert again",
        )
    word, line, column = candidates[0]
    like = "keyword" if word in WORDS[language] else "built-in name"
    return error(
        "fmt.keyword-name",
        f"this policy cannot be written with {_LANGUAGE_NAMES[language]} keywords: "
        f"the name `{word}` is spelled like the {like} `{word}`",
        Span(name, line, column, line, column + len(word)),
        f"rename `{word}` (for example `{word}项`) where it is declared and wherever it is used, then convert again",
    )


_WORDS = re.compile(r'"(?:\\.|[^"\\\n])*"|#[^\n]*|(' + NAME_PATTERN + ")")


def source_words(text: str) -> list[tuple[str, int, int]]:
    """The words of a policy text outside labels and comments: (word, line, column)."""
    out: list[tuple[str, int, int]] = []
    line, line_start = 1, 0
    for match in _WORDS.finditer(text):
        if match.group(1) is None:
            continue
        start = match.start()
        newlines = text.count("\n", line_start, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", 0, start) + 1
        out.append((match.group(1), line, start - line_start + 1))
    return out


_LANGUAGE_NAMES = {Language.ENGLISH: "English", Language.CHINESE: "Chinese"}


def canonical_policy(effective: Effective) -> str:
    """The effective policy as canonical text: declarations sorted by kind and name, no comments."""
    printer = Printer()
    if effective.header is not None:
        printer.declaration(effective.header, "")
    for declaration in sorted(effective.declarations, key=n.declaration_key):
        printer.declaration(declaration, "")
    return "\n".join("    " * line.depth + line.text for line in printer.lines) + "\n"
