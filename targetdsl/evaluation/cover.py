"""Coverage of a policy by its tests: which rules, branches, bands and vetoes ran.

While a `Recorder` is active (a context variable, so concurrent runs do
not mix), the interpreter and the engine note each decision they take:
the branch of every `if`, the arm of every `bands`, every measure scored,
every veto that fired or held back, every grade given, every award level
counted. `points` lists every such decision the policy contains, so the
report can name what no test exercised, by file and line.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from typing import Any

import attrs

from targetdsl.language import nodes as n
from targetdsl.language.inheritance import Effective
from targetdsl.language.typecheck import walk
from targetdsl.messages import Language, translate
from targetdsl.source import Span

# (file, line, column, what) identifies one decision point's outcome.
Point = tuple[str, int, int, str]


@attrs.define
class Recorder:
    hits: set[Point] = attrs.field(factory=set)

    def hit(self, span: Span, what: str) -> None:
        self.hits.add((span.file, span.line, span.column, what))


current: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar("coverage", default=None)


def hit(span: Span, what: str) -> None:
    recorder = current.get()
    if recorder is not None:
        recorder.hit(span, what)


def _point(span: Span, what: str) -> Point:
    return (span.file, span.line, span.column, what)


def _expression_points(expr: n.Expr) -> Iterator[Point]:
    for node in walk(expr):
        if isinstance(node, n.Conditional):
            yield _point(node.span, "if: then")
            yield _point(node.span, "if: else")
        elif isinstance(node, n.Bands):
            for index, arm in enumerate(node.arms):
                yield _point(node.span, f"band {index + 1}" if arm.op else "band otherwise")


def points(effective: Effective) -> list[Point]:
    """Every decision point of the policy, in source order."""
    found: list[Point] = []

    def expressions(body: tuple[Any, ...]) -> None:
        for statement in body:
            for field in ("expr", "done", "total"):
                value = getattr(statement, field, None)
                if value is not None and not isinstance(value, (str, int)):
                    found.extend(_expression_points(value))

    for declaration in effective.declarations:
        if isinstance(declaration, n.Category):
            for measure in declaration.measures:
                found.append(_point(measure.span, f"{measure.kind} {measure.name} scored"))
                expressions(measure.body)
                for sub in (s for s in measure.body if isinstance(s, n.Measure)):
                    found.append(_point(sub.span, f"subitem {sub.name} scored"))
                    expressions(sub.body)
        elif isinstance(declaration, n.Rule):
            rule = declaration
            expressions(rule.body)
            if rule.kind == "veto":
                found.append(_point(rule.span, f"veto {rule.name} fired"))
                found.append(_point(rule.span, f"veto {rule.name} did not fire"))
            elif rule.kind == "bonus":
                for level in (s for s in rule.body if isinstance(s, n.Level)):
                    found.append(_point(level.span, f"award level {level.name} counted"))
                if any(isinstance(s, n.CarryOver) for s in rule.body):
                    found.append(_point(rule.span, f"bonus {rule.name}: award carried over"))
            elif rule.kind == "award":
                found.append(_point(rule.span, f"award {rule.name} paid"))
                for statement in rule.body:
                    if isinstance(statement, n.Reduce):
                        found.append(_point(statement.span, "reduction applied"))
                    if isinstance(statement, n.Eligible):
                        found.append(_point(statement.span, "not eligible"))
            elif rule.kind == "commendation":
                found.append(_point(rule.span, f"commendation {rule.name} given"))
            elif rule.kind == "limit":  # a shared cap
                found.append(_point(rule.span, f"limit {rule.name} applied"))
                found.append(_point(rule.span, f"limit {rule.name} not reached"))
            if rule.kind in ("bonus", "deduction"):  # a computed bonus's or a deduction's condition
                for gate in (s for s in rule.body if isinstance(s, n.When)):
                    found.append(_point(gate.span, f"{rule.kind} {rule.name}: applies"))
                    found.append(_point(gate.span, f"{rule.kind} {rule.name}: does not apply"))
        elif isinstance(declaration, n.Grades):
            for band in declaration.bands:
                found.append(_point(band.span, f"grade {band.name} given"))
                if band.quota is not None or band.quota_count is not None:
                    found.append(_point(band.span, f"grade {band.name}: quota applied"))
    return found


@attrs.frozen
class CoverageReport:
    covered: tuple[Point, ...]
    missed: tuple[Point, ...]

    @property
    def percent(self) -> float:
        total = len(self.covered) + len(self.missed)
        return 100.0 * len(self.covered) / total if total else 100.0

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        def say(words: str) -> str:
            return translate(words, language)

        total = len(self.covered) + len(self.missed)
        lines = [say(f"coverage: {len(self.covered)} of {total} decision points ({self.percent:.1f}%)")]
        if self.missed:
            lines.append(say("not exercised by any test:"))
            lines.extend(f"  {file}:{line}:{column}: {say(what)}" for file, line, column, what in self.missed)
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        def entry(point: Point) -> dict[str, Any]:
            return {"file": point[0], "line": point[1], "column": point[2], "what": point[3]}

        return {
            "covered": [entry(p) for p in self.covered],
            "missed": [entry(p) for p in self.missed],
            "percent": round(self.percent, 1),
        }


def report(effective: Effective, hits: set[Point]) -> CoverageReport:
    every = points(effective)
    unique = list(dict.fromkeys(every))
    return CoverageReport(tuple(p for p in unique if p in hits), tuple(p for p in unique if p not in hits))
