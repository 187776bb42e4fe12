"""What every pass of the checker shares: `Checker`, one run over an effective policy.

It holds the policy's declarations by kind, the scope each unit's names are read in, and the
diagnostics collected so far; it reports errors and warnings, types a statement's expression
(through `typecheck`) and writes the help for an unknown term in the file's own keywords. Beside
it, what several passes show or look for alike: a decimal as a policy writes it, a statement's
span, a circle in a graph. It runs no pass and never changes the policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from targetdsl.diagnostics import Diagnostic, error, warning
from targetdsl.keywords import keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.inheritance import Effective
from targetdsl.language.typecheck import ExpressionChecker, Kind, Scope, suggest
from targetdsl.source import NO_SPAN, Span


class Checker:
    """One run of the checker over an effective policy: its declarations by kind, the scope every unit
    reads (`global_scope`, set once the inputs pass has built it) and the diagnostics collected, in the
    order the passes report them."""

    global_scope: Scope

    def __init__(self, effective: Effective):
        self.policy = effective
        self.diagnostics: list[Diagnostic] = []
        self.expressions = ExpressionChecker(self.diagnostics)
        decls = effective.declarations
        self.classes = {d.name: d for d in decls if isinstance(d, n.UnitClass)}
        self.categories = {d.name: d for d in decls if isinstance(d, n.Category)}
        self.assessors = {d.name: d for d in decls if isinstance(d, n.Assessor)}
        self.rules = [d for d in decls if isinstance(d, n.Rule)]
        self.consts = {d.name: d for d in decls if isinstance(d, n.Const)}
        self.unit_inputs = {d.name: d for d in decls if isinstance(d, n.Input)}
        self.grades = next((d for d in decls if isinstance(d, n.Grades)), None)
        self.grade_names = {b.name for b in self.grades.bands} if self.grades else set()

    def report(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(error(code, message, span, help))

    def warn(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(warning(code, message, span, help))

    def terms_hint(self, position: str, given: str, known: Iterable[str], span: Span, heading: str) -> str:
        """The help for an unknown term: the nearest known one, else all of them, as the file at `span`
        writes them (`百分比` and `数值` in a file written with Chinese keywords)."""
        kw = keyword_set(self.policy.keyword_language(span))
        written = [kw.term(position, word) for word in known]
        return suggest(given, written) or heading + ", ".join(written)

    @property
    def scale(self) -> Decimal:
        header = self.policy.header
        return header.scale.points if header and header.scale else Decimal(100)

    def expect(self, expr: n.Expr, scope: Scope, wanted: Kind, what: str, span: Span) -> None:
        """A statement's expression: of the kind wanted, and nested within bounds through the names it uses."""
        if self.expressions.check_nesting(expr, scope, what, span):
            self.expressions.expect(expr, scope, wanted, what, span)


def find_circle(edges: dict[str, list[str]]) -> list[str]:
    """A cycle in `edges` as [a, b, …, a], or [] (depth-first, without recursion: a policy may
    chain thousands of inputs)."""
    done: set[str] = set()
    for root in edges:
        if root in done:
            continue
        path: list[str] = [root]
        on_path = {root}
        pending = [iter(edges.get(root, ()))]
        while pending:
            following = next(pending[-1], None)
            if following is None:
                pending.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif following in on_path:
                return path[path.index(following) :] + [following]
            elif following not in done:
                path.append(following)
                on_path.add(following)
                pending.append(iter(edges.get(following, ())))
    return []


def file_start(files: tuple[str, ...]) -> Span:
    return Span(files[-1] if files else "<policy>", 1, 1, 1, 1)


def span_of(statement: object, fallback: Span) -> Span:
    span = getattr(statement, "span", NO_SPAN)
    return fallback if span is NO_SPAN else span


def figure(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
