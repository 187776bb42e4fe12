"""Semantic diff of two effective policies, in the domain's terms.

Declarations are matched by kind and name, statements inside them by what
they are (an input by its name, a level by its level, `score` by being
the score), so layout, comments and declaration order never show up as
changes. An indicator whose definition reappears unchanged under another
name is reported as renamed; one that moved category, as moved. Every
change carries the source locations on both sides.

The policy text a change quotes is printed with the keywords asked for (`diff_effective(…,
keywords=…)`: English by default, what JSON carries); `PolicyDiff.render(language=…)` says the rest
— groups, kinds of change, locations — in the reader's language through the catalog.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from targetdsl.keywords import ENGLISH, KeywordSet, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.formatter import INDENT, Printer, number
from targetdsl.language.inheritance import Effective
from targetdsl.messages import Language, translate
from targetdsl.source import Span


@attrs.frozen
class Change:
    """One difference. `group` is where it belongs (`class 县区`, `category 定量指标`, `veto 计划生育`, …)."""

    group: str
    kind: str  # added, removed, changed, renamed, moved, weight
    what: str
    old: str | None
    new: str | None
    old_at: Span | None
    new_at: Span | None

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "kind": self.kind,
            "what": self.what,
            "old": self.old,
            "new": self.new,
            "old_at": str(self.old_at) if self.old_at else None,
            "new_at": str(self.new_at) if self.new_at else None,
        }


@attrs.frozen
class PolicyDiff:
    old_title: str
    new_title: str
    changes: tuple[Change, ...]

    @property
    def equivalent(self) -> bool:
        return not self.changes

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old_title,
            "new": self.new_title,
            "equivalent": self.equivalent,
            "changes": [c.to_json() for c in self.changes],
        }

    def render(self, *, language: Language = Language.ENGLISH) -> str:
        def say(words: str) -> str:
            return translate(words, language)

        if not self.changes:
            return say(f"{self.old_title} → {self.new_title}: no semantic change") + "\n"
        count = len(self.changes)
        lines = [say(f"{self.old_title} → {self.new_title}: {count} change" + ("s" if count != 1 else ""))]
        group = None
        for change in self.changes:
            if change.group != group:
                group = change.group
                lines.append(f"\n{say(group)}")
            lines.append("  " + describe(change, language=language))
            lines.append("      " + _where(change, language))
        return "\n".join(lines) + "\n"


def describe(change: Change, *, language: Language = Language.ENGLISH) -> str:
    colon = ": " if language is Language.ENGLISH else "："
    # `items `重点项目`: sub-item `a`: scoring formula`: each part said alone
    what = colon.join(translate(part, language) for part in change.what.split(": "))
    if change.kind == "added":
        return f"+ {what}{colon}{change.new}"
    if change.kind == "removed":
        return f"- {what}{colon}{change.old}"
    if change.kind in ("renamed", "moved"):
        how = translate(change.kind, language)
        return f"~ {what} {how}{colon}{change.old} → {change.new}"
    return f"~ {what}{colon}{change.old} → {change.new}"


def _where(change: Change, language: Language = Language.ENGLISH) -> str:
    """Both locations: an added entry is `now` where it is and `not in` the old version's block (or
    header) that would hold it; a removed one the other way round."""
    if change.kind == "added" or (change.old is None and change.new is not None):
        where = [f"now {change.new_at}" if change.new_at else "", f"not in {change.old_at}" if change.old_at else ""]
    elif change.kind == "removed" or (change.new is None and change.old is not None):
        where = [f"was {change.old_at}" if change.old_at else "", f"not in {change.new_at}" if change.new_at else ""]
    else:
        where = [f"was {change.old_at}" if change.old_at else "", f"now {change.new_at}" if change.new_at else ""]
    separator = ", " if language is Language.ENGLISH else "，"
    return separator.join(translate(w, language) for w in where if w)


# ------------------------------------------------------------------ printing


_KEYWORDS: contextvars.ContextVar[KeywordSet] = contextvars.ContextVar("keywords", default=ENGLISH)


def show(statement: object) -> str:
    """A statement or declaration as one line of canonical text, with the keywords of this diff."""
    printer = Printer(_KEYWORDS.get())
    if isinstance(statement, n.Measure):
        printer.measure(0, statement)
    elif isinstance(
        statement,
        (
            n.UnitClass,
            n.Category,
            n.Rule,
            n.Grades,
            n.Periods,
            n.Header,
            n.Ties,
            n.Ranking,
            n.Const,
            n.Assessor,
            n.Function,
        ),
    ):
        printer.declaration(statement, "")
    elif isinstance(statement, n.Input):
        printer.input(0, statement)
    else:
        printer.statement(0, statement)
    lines = [INDENT * line.depth + line.text for line in printer.lines]
    if len(lines) == 1:
        return lines[0]
    return " ".join(line.strip() for line in lines)


def statement_key(statement: object) -> tuple[str, ...]:
    match statement:
        case n.Input(name=name):
            return ("input", name)
        case n.Let(name=name):
            return ("let", name)
        case n.Rater(assessor=assessor):
            return ("by", assessor)
        case n.Level(name=name):
            return ("level", name)
        case n.Measure(name=name):
            return ("subitem", name)
        case n.Reduce(expr=expr):
            return ("reduce", show(n.When(expr)))
        case n.Money() | n.MoneyFormula():  # a table by grade replaced by a formula is a change of the money
            return ("money",)
        case n.Require():  # a body may hold several constraints: each is known by what it says
            return ("require", show(statement))
        case n.Assumption(text=said):  # assumptions: a changed text is one withdrawn and one made
            return ("assumption", said)
    return (type(statement).__name__.lower(),)


STATEMENT_NAMES = {
    "input": "input",
    "let": "let",
    "by": "assessor",
    "level": "award level",
    "subitem": "sub-item",
    "reduce": "reduction",
    "money": "award money",
    "score": "scoring formula",
    "completed": "completed when",
    "tally": "tally",
    "given": "given scores",
    "dropextremes": "drop extremes",
    "ballots": "ballots",
    "scale": "assessor scale",
    "when": "condition",
    "effects": "effect",
    "cap": "cap",
    "carryover": "carry-over",
    "amount": "amount",
    "eligible": "eligibility",
    "factor": "factor",
    "applies": "applies to",
    "require": "data constraint",
    "bonuspoints": "computed points",
    "limitover": "capped together",
    "assumption": "assumption",
}


def _what(key: tuple[str, ...]) -> str:
    word = STATEMENT_NAMES.get(key[0], key[0])
    if key[0] in ("input", "let", "by", "level", "subitem", "require"):
        return f"{word} `{key[1]}`"
    if key[0] == "assumption":
        return f"{word} “{key[1]}”"
    return word


# ------------------------------------------------------------------ diffing


class Differ:
    def __init__(self, old: Effective, new: Effective):
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        # An added or removed entry is located on both sides: where it is, and where the block that
        # holds it is in the other version (for a top-level declaration, that version's header).
        self.old_top = _span(old.header) if old.header else None
        self.new_top = _span(new.header) if new.header else None

    def add(
        self,
        group: str,
        kind: str,
        what: str,
        old: str | None,
        new: str | None,
        old_at: Span | None,
        new_at: Span | None,
    ) -> None:
        self.changes.append(Change(group, kind, what, old, new, old_at, new_at))

    def run(self) -> list[Change]:
        self.header()
        old_decls = _table(self.old.declarations)
        new_decls = _table(self.new.declarations)
        for kind in (
            "class",
            "assessor",
            "category",
            "input",
            "const",
            "function",
            "veto",
            "bonus",
            "deduction",
            "award",
            "coefficient",
            "commendation",
            "limit",
            "grades",
            "ties",
            "ranking",
            "periods",
        ):
            old_of = {k[1]: d for k, d in old_decls.items() if k[0] == kind}
            new_of = {k[1]: d for k, d in new_decls.items() if k[0] == kind}
            if kind == "class":
                self.classes(old_of, new_of)
            elif kind == "category":
                self.categories(old_of, new_of)
            else:
                self.declarations(kind, old_of, new_of)
        return self.changes

    def header(self) -> None:
        old, new = self.old.header, self.new.header
        if old is None or new is None:
            return
        group = "policy header"
        pairs = [
            ("title", old.title, new.title, old, new),
            ("year", old.year.value if old.year else None, new.year.value if new.year else None, old.year, new.year),
            (
                "status",
                _KEYWORDS.get().term("status", old.status.value) if old.status else None,
                _KEYWORDS.get().term("status", new.status.value) if new.status else None,
                old.status,
                new.status,
            ),
            (
                "scale",
                number(old.scale.points) if old.scale else "100",
                number(new.scale.points) if new.scale else "100",
                old.scale,
                new.scale,
            ),
            ("rounding", _rounding(old.rounding), _rounding(new.rounding), old.rounding, new.rounding),
        ]
        for what, before, after, old_node, new_node in pairs:
            if before != after:
                self.add(
                    group,
                    "changed",
                    what,
                    _text(before),
                    _text(after),
                    _span(old_node) or old.span,
                    _span(new_node) or new.span,
                )
        # Each entry where it is, and where the other version's list is (or would be: its header).
        old_texts = {s.text for s in old.sources}
        new_texts = {s.text for s in new.sources}
        old_list = _span(old.sources[0]) if old.sources else None
        new_list = _span(new.sources[0]) if new.sources else None
        for source in old.sources:
            if source.text not in new_texts:
                self.add(group, "removed", "source", source.text, None, _span(source) or old.span, new_list or new.span)
        for source in new.sources:
            if source.text not in old_texts:
                self.add(group, "added", "source", None, source.text, old_list or old.span, _span(source) or new.span)
        self.assumptions(group, old.assumptions, new.assumptions, old.span, new.span)

    def assumptions(
        self,
        group: str,
        old: tuple[n.Assumption, ...],
        new: tuple[n.Assumption, ...],
        old_span: Span,
        new_span: Span,
    ) -> None:
        """A header's or a grade ladder's assumptions: a changed text is one withdrawn and one made."""
        old_texts, new_texts = {a.text for a in old}, {a.text for a in new}
        for assumption in old:
            if assumption.text not in new_texts:
                self.add(group, "removed", "assumption", assumption.text, None, _span(assumption) or old_span, new_span)
        for assumption in new:
            if assumption.text not in old_texts:
                self.add(group, "added", "assumption", None, assumption.text, old_span, _span(assumption) or new_span)

    def classes(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        for name in _ordered(old, new):
            group = f"class {name}"
            before: Any = old.get(name)
            after: Any = new.get(name)
            if before is None:
                self.add(group, "added", "class", None, show(after), self.old_top, after.span)
                continue
            if after is None:
                self.add(group, "removed", "class", show(before), None, before.span, self.new_top)
                continue
            if before.label != after.label:
                self.add(group, "changed", "label", _text(before.label), _text(after.label), before.span, after.span)
            old_shares = {s.category: s for s in before.shares}
            new_shares = {s.category: s for s in after.shares}
            for category in _ordered(old_shares, new_shares):
                a: Any = old_shares.get(category)
                b: Any = new_shares.get(category)
                if a is None:
                    self.add(group, "added", f"category {category}", None, _share(b), before.span, b.span)
                elif b is None:
                    self.add(group, "removed", f"category {category}", _share(a), None, a.span, after.span)
                elif a != b:
                    self.add(group, "weight", category, _share(a), _share(b), a.span, b.span)

    def categories(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_measures = {m.name: (c, m) for c in old.values() for m in c.measures}
        new_measures = {m.name: (c, m) for c in new.values() for m in c.measures}
        for name in _ordered(old, new):
            before: Any = old.get(name)
            after: Any = new.get(name)
            group = f"category {name}"
            if before is None:
                self.add(group, "added", "category", None, f"category {name}", self.old_top, after.span)
            elif after is None:
                self.add(group, "removed", "category", f"category {name}", None, before.span, self.new_top)
            elif before.label != after.label:
                self.add(group, "changed", "label", _text(before.label), _text(after.label), before.span, after.span)
        gone = {k: v for k, v in old_measures.items() if k not in new_measures}
        fresh = {k: v for k, v in new_measures.items() if k not in old_measures}
        for old_name, (_, old_measure) in list(gone.items()):
            match = next((k for k, (_, m) in fresh.items() if _same_definition(old_measure, m)), None)
            if match is not None:
                new_category, new_measure = fresh.pop(match)
                del gone[old_name]
                self.add(
                    f"category {new_category.name}",
                    "renamed",
                    f"{new_measure.kind} `{match}`",
                    old_name,
                    match,
                    old_measure.span,
                    new_measure.span,
                )
        for name, (category, measure) in gone.items():
            home = new.get(category.name)
            self.add(
                f"category {category.name}",
                "removed",
                f"{measure.kind} `{name}`",
                show(measure),
                None,
                measure.span,
                home.span if home is not None else self.new_top,
            )
        for name, (category, measure) in fresh.items():
            home = old.get(category.name)
            self.add(
                f"category {category.name}",
                "added",
                f"{measure.kind} `{name}`",
                None,
                show(measure),
                home.span if home is not None else self.old_top,
                measure.span,
            )
        for name in _ordered(old_measures, new_measures):
            if name not in old_measures or name not in new_measures:
                continue
            (old_category, before), (new_category, after) = old_measures[name], new_measures[name]
            group = f"category {new_category.name}"
            if old_category.name != new_category.name:
                self.add(
                    group,
                    "moved",
                    f"{after.kind} `{name}`",
                    f"category {old_category.name}",
                    f"category {new_category.name}",
                    before.span,
                    after.span,
                )
            self.measure(group, before, after, f"{after.kind} `{name}`")

    def measure(self, group: str, before: n.Measure, after: n.Measure, prefix: str) -> None:
        for what, a, b in (
            ("kind", before.kind, after.kind),
            ("label", before.label, after.label),
            ("points", before.points, after.points),
            ("share", _percent(before.share), _percent(after.share)),
            ("classes", ", ".join(sorted(before.classes)) or "all", ", ".join(sorted(after.classes)) or "all"),
        ):
            if a != b:
                value_a = number(a) if isinstance(a, Decimal) else _text(a)
                value_b = number(b) if isinstance(b, Decimal) else _text(b)
                # written in one version only (`share` in place of `points`): added or removed, not "None →"
                how = "added" if value_a is None else "removed" if value_b is None else "changed"
                self.add(group, how, f"{prefix}: {what}", value_a, value_b, before.span, after.span)
        if before.pooled != after.pooled:  # pooled items: a word of the measure's head
            word = _KEYWORDS.get().word("pooled")
            how, old, new = ("added", None, word) if after.pooled else ("removed", word, None)
            self.add(group, how, prefix, old, new, before.span, after.span)
        self.bodies(group, prefix, before.body, after.body, before.span, after.span)

    def bodies(
        self,
        group: str,
        prefix: str,
        before: Iterable[object],
        after: Iterable[object],
        old_home: Span | None,
        new_home: Span | None,
    ) -> None:
        old_statements = {statement_key(s): s for s in before}
        new_statements = {statement_key(s): s for s in after}
        for key in _ordered(old_statements, new_statements):
            a: Any = old_statements.get(key)
            b: Any = new_statements.get(key)
            what = f"{prefix}: {_what(key)}" if prefix else _what(key)
            if a is None:
                self.add(group, "added", what, None, show(b), old_home, _span(b))
            elif b is None:
                self.add(group, "removed", what, show(a), None, _span(a), new_home)
            elif isinstance(a, n.Measure) and isinstance(b, n.Measure):
                self.measure(group, a, b, f"{prefix} sub-item `{a.name}`")
            elif isinstance(a, n.Money) and isinstance(b, n.Money):
                self.money(group, what, a, b)
            elif a != b:
                self.add(group, "changed", what, show(a), show(b), _span(a), _span(b))

    def money(self, group: str, what: str, before: n.Money, after: n.Money) -> None:
        old_amounts = {m.grade: m for m in before.amounts}
        new_amounts = {m.grade: m for m in after.amounts}
        for grade in _ordered(old_amounts, new_amounts):
            a: Any = old_amounts.get(grade)
            b: Any = new_amounts.get(grade)
            if a != b:
                self.add(
                    group,
                    "changed",
                    f"{what} for {grade}",
                    number(a.amount) if a else None,
                    number(b.amount) if b else None,
                    _span(a) if a else _span(before),
                    _span(b) if b else _span(after),
                )

    def declarations(self, kind: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for name in _ordered(old, new):
            before: Any = old.get(name)
            after: Any = new.get(name)
            group = kind if name == kind else f"{kind} {name}"
            if before is None:
                self.add(group, "added", kind, None, show(after), self.old_top, after.span)
            elif after is None:
                self.add(group, "removed", kind, show(before), None, before.span, self.new_top)
            elif isinstance(before, n.Rule) and isinstance(after, n.Rule):
                if before.label != after.label:
                    self.add(
                        group, "changed", "label", _text(before.label), _text(after.label), before.span, after.span
                    )
                if sorted(before.classes) != sorted(after.classes):
                    self.add(
                        group,
                        "changed",
                        "classes",
                        ", ".join(before.classes) or "all",
                        ", ".join(after.classes) or "all",
                        before.span,
                        after.span,
                    )
                self.bodies(group, "", before.body, after.body, before.span, after.span)
            elif isinstance(before, n.Grades) and isinstance(after, n.Grades):
                self.assumptions(group, before.assumptions, after.assumptions, before.span, after.span)
                was = sorted(c for g in before.not_graded for c in g.classes)
                now = sorted(c for g in after.not_graded for c in g.classes)
                if was != now:  # units not graded
                    self.add(
                        group,
                        "changed",
                        "not graded",
                        ", ".join(was) or "none",
                        ", ".join(now) or "none",
                        before.span,
                        after.span,
                    )
                self.keyed(
                    group,
                    "grade",
                    {b.name: b for b in before.bands},
                    {b.name: b for b in after.bands},
                    before.span,
                    after.span,
                )
            elif isinstance(before, n.Ranking) and isinstance(after, n.Ranking):  # a class more or less ranked
                if before.label != after.label or sorted(before.classes) != sorted(after.classes):
                    self.add(group, "changed", kind, show(before), show(after), before.span, after.span)
            elif isinstance(before, n.Periods) and isinstance(after, n.Periods):
                self.keyed(
                    group,
                    "period",
                    {p.name: p for p in before.periods},
                    {p.name: p for p in after.periods},
                    before.span,
                    after.span,
                )
                # weights per indicator: the measures the period weights combine (`for …`)
                old_for, new_for = before.weighted, after.weighted
                if old_for is None and new_for is not None:
                    self.add(group, "added", "periods for", None, show(new_for), before.span, new_for.span)
                elif old_for is not None and new_for is None:
                    self.add(group, "removed", "periods for", show(old_for), None, old_for.span, after.span)
                elif old_for is not None and new_for is not None and old_for != new_for:
                    self.add(group, "changed", "periods for", show(old_for), show(new_for), old_for.span, new_for.span)
            elif before != after:
                self.add(group, "changed", kind, show(before), show(after), before.span, after.span)

    def keyed(
        self, group: str, word: str, old: dict[str, Any], new: dict[str, Any], old_home: Span, new_home: Span
    ) -> None:
        for name in _ordered(old, new):
            a: Any = old.get(name)
            b: Any = new.get(name)
            if a is None:
                self.add(group, "added", f"{word} {name}", None, show(b), old_home, b.span)
            elif b is None:
                self.add(group, "removed", f"{word} {name}", show(a), None, a.span, new_home)
            elif a != b:
                self.add(group, "changed", f"{word} {name}", show(a), show(b), a.span, b.span)


def _table(declarations: Iterable[n.Declaration]) -> dict[tuple[str, str], Any]:
    return {n.declaration_key(d): d for d in declarations if not isinstance(d, n.Header)}


def _ordered(old: dict[Any, Any], new: dict[Any, Any]) -> list[Any]:
    """Keys of both, in the new policy's order, then those only the old one has."""
    return list(new) + [k for k in old if k not in new]


def _percent(share: Decimal | None) -> str | None:
    """A measure's share as written (`35%`), for a change an auditor reads."""
    return None if share is None else f"{number(share)}%"


def _same_definition(a: n.Measure, b: n.Measure) -> bool:
    return (a.kind, a.points, a.share, a.pooled, tuple(sorted(a.classes)), _body_set(a.body)) == (
        b.kind,
        b.points,
        b.share,
        b.pooled,
        tuple(sorted(b.classes)),
        _body_set(b.body),
    )


def _body_set(body: tuple[object, ...]) -> frozenset[tuple[tuple[str, ...], object]]:
    return frozenset((statement_key(s), s) for s in body)


def _rounding(rounding: n.Rounding | None) -> str:
    kw = _KEYWORDS.get()
    if rounding is None:
        default = "half_up 2 at total (the default)"
        return (
            default
            if kw is ENGLISH
            else f"{kw.term('rounding', 'half_up')} 2 {kw.word('at')} {kw.term('stage', 'total')}（默认）"
        )
    stages = ", ".join(kw.term("stage", stage) for stage in rounding.stages)
    return f"{kw.term('rounding', rounding.mode)} {rounding.places}" + (f" {kw.word('at')} {stages}" if stages else "")


def _share(share: n.Share) -> str:
    return number(share.amount, "percent" if share.percent else "")


def _span(node: object) -> Span | None:
    span = getattr(node, "span", None)
    return span if isinstance(span, Span) and span.line > 0 else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def diff_effective(old: Effective, new: Effective, *, keywords: Language = Language.ENGLISH) -> PolicyDiff:
    """The changes from `old` to `new`; the policy text they quote printed with `keywords`."""
    token = _KEYWORDS.set(keyword_set(keywords))
    try:
        return _diff(old, new)
    finally:
        _KEYWORDS.reset(token)


def _diff(old: Effective, new: Effective) -> PolicyDiff:
    old_title = old.header.title if old.header else "(old)"
    new_title = new.header.title if new.header else "(new)"
    return PolicyDiff(old_title, new_title, tuple(Differ(old, new).run()))
