"""The checker: validates an effective policy and collects every diagnostic.

It runs named passes over the resolved declarations (header, classes and
points, measures, rules, grades, periods) and returns all diagnostics in
one go, sorted by position. Expression names and units are delegated to
`typecheck`. The checker never changes the policy and never evaluates it.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal

import attrs

from targetdsl.diagnostics import Diagnostic, error, sort_key, warning
from targetdsl.keywords import Language, english_builtin, keyword_set
from targetdsl.language import nodes as n
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.inheritance import Effective
from targetdsl.language.typecheck import INPUT_KINDS, ExpressionChecker, Kind, Scope, suggest, walk
from targetdsl.numeric import in_context
from targetdsl.source import NO_SPAN, Span

STATUSES = ("draft", "adopted")
ROUNDING_MODES = ("half_up", "half_even", "down", "up")
ROUNDING_STAGES = ("indicator", "category", "total", "money")
MISSING_RULES = ("error", "zero", "na", "peer_avg")
QUOTA_ROUNDING = ("down", "up", "half_up")
UNIT_NAMES = ("id", "name", "total", "rank")

# Names a rule body can read besides its own inputs, by rule kind.
RESULT_NAMES: dict[str, dict[str, Kind]] = {
    "award": {
        "total": Kind.NUMBER,
        "rank": Kind.NUMBER,
        "items": Kind.NUMBER,
        "completed_items": Kind.NUMBER,
        "vetoed": Kind.BOOL,
    },
    "commendation": {"total": Kind.NUMBER, "rank": Kind.NUMBER, "vetoed": Kind.BOOL},
}

# Which statements each declaration kind must have exactly once (required)
# or may have at most once (optional).
REQUIRED: dict[str, tuple[type, ...]] = {
    "indicator": (),
    "items": (n.Score,),
    "subitem": (n.Score,),
    "assessed": (),
    "veto": (n.When, n.Effects),
    "bonus": (),
    "deduction": (n.Amount,),
    "award": (),  # an award without `money` is an outcome without money (目标奖: yes or no)
    "coefficient": (n.Factor,),
    "commendation": (n.When,),
    "limit": (n.Cap, n.LimitOver),
}
AT_MOST_ONCE = (
    n.Score,
    n.Completed,
    n.Tally,
    n.Given,
    n.When,
    n.Effects,
    n.Cap,
    n.CarryOver,
    n.Amount,
    n.Money,
    n.Eligible,
    n.Factor,
    n.Applies,
    n.Scale,
    n.DropExtremes,
    n.Ballots,
    n.BonusPoints,
    n.MoneyFormula,
    n.LimitOver,
)

STATEMENT_WORDS = {
    n.Score: "score",
    n.Completed: "completed when",
    n.Tally: "tally",
    n.Given: "given by",
    n.When: "when",
    n.Effects: "effect",
    n.Cap: "cap",
    n.CarryOver: "carry over after",
    n.Amount: "amount",
    n.Money: "money",
    n.Eligible: "eligible when",
    n.Factor: "factor",
    n.Applies: "on",
    n.Scale: "scale",
    n.DropExtremes: "drop extremes",
    n.Ballots: "ballots",
    n.BonusPoints: "points",
    n.MoneyFormula: "money",
    n.LimitOver: "on",
}


@in_context
def check(effective: Effective) -> list[Diagnostic]:
    """Every diagnostic for `effective`, errors and warnings, in source order."""
    checker = Checker(effective)
    checker.run()
    return sorted(checker.diagnostics, key=sort_key)


# What an input may read of a unit's results last year (`from last year rank`), and the types that hold it
# (a grade is read as an input of words, checked apart).
LAST_YEAR_FIELDS = {"rank": ("count", "number"), "total": ("number", "score"), "grade": ()}


class Checker:
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

    def run(self) -> None:
        self.check_header()
        self.check_builtin_names()
        self.check_functions()
        self.global_scope = self.build_global_scope()
        self.check_classes()
        self.check_categories()
        self.check_measure_shares()
        for rule in self.rules:
            self.check_rule(rule)
        self.check_grades()
        self.check_ties()
        self.check_rankings()
        self.check_periods()
        self.check_inherited_dates()
        self.check_references()
        self.check_unused(self.global_scope, self.unit_inputs.values(), "unit input")

    # ------------------------------------------------------------- header

    def check_header(self) -> None:
        header = self.policy.header
        if header is None:
            files = self.policy.files
            self.report(
                "check.missing-header",
                "the policy has no `policy { … }` header",
                _file_start(files),
                'start the file with `policy "title" { year 2003 status draft }`',
            )
            return
        if header.year is None:
            self.report(
                "check.missing-field",
                "the header does not say which year the policy assesses",
                header.span,
                "add `year 2003` inside `policy { … }`",
            )
        elif not 1949 <= header.year.value <= 2200:
            self.report(
                "check.bad-value", f"year {header.year.value} is not a plausible assessment year", header.year.span
            )
        if header.status is None:
            self.report(
                "check.missing-field",
                "the header does not give the policy's status",
                header.span,
                "add `status draft` (for comment) or `status adopted`",
            )
        elif header.status.value not in STATUSES:
            self.report(
                "check.bad-value",
                f"unknown status `{header.status.value}`",
                header.status.span,
                suggest(header.status.value, list(STATUSES)) or "status is `draft` or `adopted`",
            )
        if header.scale is not None and header.scale.points <= 0:
            self.report("check.bad-value", "the point scale must be positive", header.scale.span)
        rounding = header.rounding
        if rounding is not None:
            if rounding.mode not in ROUNDING_MODES:
                self.report(
                    "check.bad-value",
                    f"unknown rounding mode `{rounding.mode}`",
                    rounding.span,
                    self.terms_hint("rounding", rounding.mode, ROUNDING_MODES, rounding.span, "rounding modes: "),
                )
            if not 0 <= rounding.places <= 6:
                self.report("check.bad-value", f"rounding to {rounding.places} places; use 0 to 6", rounding.span)
            for stage in rounding.stages:
                if stage not in ROUNDING_STAGES:
                    self.report(
                        "check.bad-value",
                        f"unknown rounding stage `{stage}`",
                        rounding.span,
                        self.terms_hint("stage", stage, ROUNDING_STAGES, rounding.span, "stages: "),
                    )

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

    # ------------------------------------------------------------- scopes

    def build_global_scope(self) -> Scope:
        scope = Scope({})
        for unit_input in self.unit_inputs.values():
            self.check_input(unit_input, scope)
            if unit_input.prorated:
                self.refuse_prorated(unit_input, "a unit input")
        self.check_ranges(list(self.unit_inputs.values()))
        for const in self.consts.values():
            # a const is computed for each unit alone (it may read unit inputs): there is no class there
            call = next(
                (
                    node
                    for node in walk(const.expr)
                    if isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer
                ),
                None,
            )
            if call is not None:
                self.report(
                    "check.peer-in-const",
                    f"`{call.function}` needs the unit's whole class, but const "
                    f"`{const.name}` is computed for each unit alone",
                    call.span,
                    "compare units in an `indicator` (a `let` there may name the comparison)",
                )
        const_scope = Scope(
            {}, lets={c.name: n.Let(c.name, c.expr, span=c.span) for c in self.consts.values()}, parent=scope
        )
        self.expressions.resolve_lets(const_scope)
        for name, kind in const_scope.names.items():
            scope.names.setdefault(name, kind)
        scope.depths.update(const_scope.depths)
        return scope

    def body_scope(self, body: Iterable[n.Statement], parent: Scope, extra: dict[str, Kind] | None = None) -> Scope:
        scope = Scope(dict(extra or {}), parent=parent)
        lets: dict[str, n.Let] = {}
        for statement in body:
            if isinstance(statement, n.Input):
                if statement.name in scope.names or statement.name in lets:
                    self.report("check.duplicate-name", f"`{statement.name}` is declared twice here", statement.span)
                self.check_input(statement, scope)
            elif isinstance(statement, n.Let):
                if statement.name in scope.names or statement.name in lets:
                    self.report("check.duplicate-name", f"`{statement.name}` is declared twice here", statement.span)
                    continue
                if parent.lookup(statement.name) is not None:
                    # evaluation would find the let, the checker the constant: `let k = k + 1` never ended
                    what = "a constant" if statement.name in self.consts else "an input of every unit"
                    self.report(
                        "check.duplicate-name",
                        f"`{statement.name}` is already {what}; a `let` cannot take its name",
                        statement.span,
                        "give the let a name of its own",
                    )
                    continue
                lets[statement.name] = statement
        scope.lets = lets
        self.expressions.resolve_lets(scope)
        self.check_ranges([s for s in body if isinstance(s, n.Input)])
        self.check_prorated_unless([s for s in body if isinstance(s, n.Input)], scope)
        return scope

    def check_input(self, declaration: n.Input, scope: Scope) -> None:
        kind = INPUT_KINDS.get(declaration.type)
        if kind is None:
            self.report(
                "check.unknown-type",
                f"unknown input type `{declaration.type}`",
                declaration.span,
                self.terms_hint("type", declaration.type, INPUT_KINDS, declaration.span, "types: "),
            )
            kind = Kind.ERROR
        scope.names[declaration.name] = kind
        if declaration.prorated:
            scope.prorated.add(declaration.name)
        missing = declaration.missing
        if declaration.choices:
            self.check_choices(declaration)
        elif missing is not None:
            if missing.rule == "default" and missing.default is not None and not _literal(missing.default):
                # the data are read before anything is evaluated: a default is a value, not a formula
                self.report(
                    "check.bad-value",
                    f"the default of `{declaration.name}` must be a literal value",
                    missing.span,
                    "write a number (`default 0`, `default -2%`), `true`/`false` or a date",
                )
            elif missing.rule == "default" and missing.default is not None and kind is not Kind.ERROR:
                self.expressions.expect(
                    missing.default, Scope({}), kind, f"the default of `{declaration.name}`", missing.span
                )
            elif missing.rule not in MISSING_RULES and missing.rule != "default":
                written = keyword_set(self.policy.keyword_language(missing.span))
                self.report(
                    "check.bad-value",
                    f"unknown missing-value rule `{missing.rule}`",
                    missing.span,
                    suggest(missing.rule, [written.term("missing", rule) for rule in MISSING_RULES])
                    or "write `missing error`, `missing zero`, `missing na`, `missing peer_avg` "
                    "or `missing default <value>`",
                )
            elif missing.rule == "zero" and kind in (Kind.BOOL, Kind.DATE):
                self.report(
                    "check.type-mismatch",
                    f"`missing zero` does not fit a {declaration.type} input",
                    missing.span,
                    "use `missing default false` or `missing error`",
                )
        if declaration.low is not None and declaration.high is not None:
            if kind in (Kind.BOOL, Kind.DATE):
                self.report("check.type-mismatch", f"a {declaration.type} input cannot have a range", declaration.span)
            elif (
                isinstance(declaration.low, n.Number)
                and isinstance(declaration.high, n.Number)
                and declaration.low.value > declaration.high.value
            ):
                self.report("check.bad-value", "the range's low end is above its high end", declaration.low.span)
        if missing is not None and missing.rule == "default" and missing.default is not None:
            self.check_default(declaration, missing.default)
        elif missing is not None and missing.rule == "zero" and kind not in (Kind.BOOL, Kind.DATE):
            zero = n.Number(Decimal(0), span=missing.span)
            self.check_default(declaration, zero, f"`missing zero` takes `{declaration.name}` as 0, which")
        if declaration.prorated and kind not in (Kind.NUMBER, Kind.MONEY, Kind.ERROR):
            self.report(
                "check.type-mismatch",
                f"only amounts can be pro-rated, not a {declaration.type}",
                declaration.span,
                "rates and percentages are not pro-rated over the year",
            )
        if declaration.last_year is not None:
            self.check_last_year(declaration, declaration.last_year)

    # -- last year's results as an input

    def check_last_year(self, declaration: n.Input, read: n.LastYear) -> None:
        """`from last year rank`: a unit input (never pro-rated, as no unit input is), of a type that holds what
        it reads."""
        if self.unit_inputs.get(declaration.name) is not declaration:
            self.report(
                "check.last-year",
                f"`{declaration.name}` reads last year's results but is not a unit input",
                read.span,
                "declare it at the top level, beside the unit's other inputs, and read it where it is needed",
            )
            return
        if read.field not in LAST_YEAR_FIELDS:
            self.report(
                "check.last-year",
                f"last year's results have no `{read.field}`",
                read.span,
                self.terms_hint("last year", read.field, LAST_YEAR_FIELDS, read.span, "last year's results give: "),
            )
            return
        wanted = LAST_YEAR_FIELDS[read.field]
        fits = bool(declaration.choices) if read.field == "grade" else declaration.type in wanted
        if not fits:
            self.report(
                "check.last-year",
                f"last year's {read.field} does not fit the {declaration.type} input `{declaration.name}`",
                read.span,
                "a rank is a `count`, a total a `number`, a grade an input of words (`{优秀: 1, 良好: 0, 合格: 0}`)",
            )

    # -- names spelled like a built-in's Chinese form

    def check_builtin_names(self) -> None:
        """In a policy a file of which is written with Chinese keywords, no name is declared where such a
        file would read a built-in's Chinese form in its place: a unit input or constant named like a value
        (`总分`), a function like a function (`最小`), a category like a key of `ties` or a coefficient's
        `on` (`单位编号`), which any file of the policy may read; and, in a file written with Chinese
        keywords, a measure's or rule's own input or let, or a function's parameter, named like a value
        (read only in the declaration's own file)."""
        if Language.CHINESE not in self.policy.keywords.values():
            return
        declared: list[tuple[str, str, Span]] = []  # name, where a Chinese file would read it, where declared
        local: list[tuple[str, Span]] = []  # names read only in their own file
        for declaration in self.policy.declarations:
            match declaration:
                case n.Input() | n.Const():
                    declared.append((declaration.name, "value", _name_span(declaration)))
                case n.Function():
                    declared.append((declaration.name, "call", _name_span(declaration)))
                    local += [(param, declaration.span) for param in declaration.params]
                case n.Category():
                    declared.append((declaration.name, "key", _name_span(declaration)))
                    for measure in declaration.measures:
                        local += [(s.name, _name_span(s)) for s in _bodies(measure) if isinstance(s, (n.Input, n.Let))]
                case n.Rule():
                    local += [(s.name, _name_span(s)) for s in declaration.body if isinstance(s, (n.Input, n.Let))]
        chinese = [
            (name, "value", span) for name, span in local if self.policy.keyword_language(span) is Language.CHINESE
        ]
        for name, place, span in declared + chinese:
            english = english_builtin(place, name)
            if english != name:
                self.report(
                    "check.builtin-name",
                    f"`{name}` is a built-in name in a file written with Chinese keywords (in English, {english})",
                    span,
                    f"rename it (`{name}项`, say) where it is declared and wherever it is used: "
                    f"a file written with Chinese keywords reads `{name}` as the built-in",
                )

    # -- user-defined functions

    def check_functions(self) -> None:
        """Each `function`: a name no built-in has, parameters named once, a body that reads only them and
        calls no class-wide function, and no call of itself, directly or through others. The sound ones
        are handed to the expression checker, which types each call through its expansion."""
        functions = [d for d in self.policy.declarations if isinstance(d, n.Function)]
        defined = {f.name for f in functions}
        refused: set[str] = set()
        calls: dict[str, list[str]] = {}
        for function in functions:
            problems = len(self.diagnostics)
            if function.name in FUNCTIONS:
                self.report(
                    "check.duplicate-name",
                    f"`{function.name}` is a built-in function",
                    function.span,
                    "give the function a name of its own",
                )
            elif function.name in n.REFERENCES:  # `bonus(x)` reads a bonus: a function so named is never called
                self.report(
                    "check.duplicate-name",
                    f"`{function.name}(…)` reads a quantity of the unit's result",
                    function.span,
                    "give the function a name of its own",
                )
            seen: set[str] = set()
            for param in function.params:
                if param in seen:
                    self.report(
                        "check.duplicate-name",
                        f"the parameter `{param}` of `{function.name}` is named twice",
                        function.span,
                        "name each parameter once",
                    )
                seen.add(param)
            for node in walk(function.expr):
                if isinstance(node, n.Name) and node.name not in seen:
                    self.report(
                        "check.unknown-name",
                        f"`{node.name}` is not a parameter of `{function.name}`",
                        node.span,
                        suggest(node.name, sorted(seen))
                        or "a function reads only its parameters: pass the value as an argument",
                    )
                elif isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer:
                    self.report(
                        "check.peer-in-function",
                        f"`{node.function}` needs the unit's whole class, but function `{function.name}` "
                        "is computed from its arguments alone",
                        node.span,
                        "pass the class-wide value as an argument where the function is called",
                    )
                elif isinstance(node, n.Call) and node.function in defined:
                    calls.setdefault(function.name, []).append(node.function)
            if len(self.diagnostics) > problems:
                refused.add(function.name)
        circle = _circle(calls)
        while circle:
            names = " → ".join(f"`{name}`" for name in circle)
            first = next(f for f in functions if f.name == circle[0])
            self.report(
                "check.cycle",
                f"function `{circle[0]}` calls itself: {names}",
                first.span,
                "a function may call others, never itself (there is no recursion)",
            )
            refused.update(circle)
            calls = {
                name: [c for c in called if c not in refused] for name, called in calls.items() if name not in refused
            }
            circle = _circle(calls)
        # a function that calls a refused one is refused too, silently: the refused one is reported
        changed = True
        while changed:
            changed = False
            for name, called in calls.items():
                if name not in refused and any(c in refused for c in called):
                    refused.add(name)
                    changed = True
        self.expressions.functions = {
            f.name: None if f.name in refused else f for f in functions if f.name not in FUNCTIONS
        }

    # -- cross-field constraints

    def check_require(self, statement: n.Require, scope: Scope, body: tuple[n.Statement, ...]) -> None:
        """`require <condition>`: checked when the data are read, before anything is computed, so it reads
        only the inputs declared beside it (no let, const, `points` or unit input) and nothing class-wide."""
        inputs = {s.name for s in body if isinstance(s, n.Input)}
        for node in walk(statement.expr):
            if isinstance(node, n.Name) and node.name not in inputs:
                self.report(
                    "check.constraint-scope",
                    f"`require` reads `{node.name}`, which is not an input declared beside it",
                    node.span,
                    "a constraint is checked when the data are read: it compares the inputs of its measure, "
                    "sub-item, item or rule",
                )
            elif isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer:
                self.report(
                    "check.constraint-scope",
                    f"`require` uses `{node.function}`, which needs the unit's whole class",
                    node.span,
                    "a constraint is checked for each unit's data alone",
                )
        self.expect(statement.expr, scope, Kind.BOOL, "a constraint", statement.span)

    # -- inputs of words

    def check_choices(self, declaration: n.Input) -> None:
        """An input of words (`{好: 10, 较好: 8}`): each word once, each a plain number; no range or pro-rating
        (the words are the range); a missing value is an error, zero, na, peer_avg or one of the words."""
        seen: set[str] = set()
        for choice in declaration.choices:
            if choice.word in seen:
                self.report(
                    "check.duplicate-name",
                    f"the word `{choice.word}` is already one of `{declaration.name}`'s words",
                    choice.span,
                    "give each word once, with the number it stands for",
                )
            seen.add(choice.word)
            if choice.value.unit:
                shown = f"{choice.value.value}{'%' if choice.value.unit == 'percent' else 'pp'}"
                self.report(
                    "check.unit-mismatch",
                    f"the word `{choice.word}` stands for {shown}; the words of an input stand for plain numbers",
                    choice.value.span,
                    "write the number without % or pp",
                )
        if declaration.low is not None or declaration.high is not None or declaration.prorated:
            self.report(
                "check.type-mismatch",
                f"`{declaration.name}` holds one of its words, which has no range and is not pro-rated",
                declaration.span,
                "drop `range` and `prorated`: the data may hold only the words listed",
            )
        missing = declaration.missing
        if missing is None or missing.rule in ("error", "zero", "na", "peer_avg"):
            return
        words = [choice.word for choice in declaration.choices]
        default = missing.default
        if missing.rule != "default" or not isinstance(default, n.Name) or default.name not in words:
            shown = default.name if isinstance(default, n.Name) else ""
            self.report(
                "check.bad-value",
                f"the default of `{declaration.name}` must be one of its words: {', '.join(words)}",
                missing.span,
                (suggest(shown, words) if shown else None) or "write `missing default <word>` with one of the words",
            )

    def check_inherited_dates(self) -> None:
        """A date written in last year's file and inherited into this year's is likely a deadline of that
        year (`completed when finished <= 2003-06-30` in a 2004 policy): warn where one predates the year."""
        header = self.policy.header
        year = header.year.value if header and header.year else None
        if year is None or len(self.policy.files) < 2:
            return
        for declaration in self.policy.declarations:
            origin = declaration.span.file
            if origin == self.policy.files[-1]:
                continue
            key = " ".join(n.declaration_key(declaration))
            for date in _dates(declaration):
                if date.value.year < year:
                    self.warn(
                        "check.inherited-date",
                        f"the date {date.value}, inherited from `{os.path.basename(origin)}`, "
                        f"is before this policy's year {year}",
                        date.span,
                        f"if it is a deadline of the earlier year, override `{key}` in this file with this year's date",
                    )

    def refuse_prorated(self, declaration: n.Input, what: str) -> None:
        """Only the inputs of indicators and items are pro-rated in a period; elsewhere the word would be
        taken at its word by the reader and silently ignored by evaluation."""
        self.report(
            "check.bad-value",
            f"`{declaration.name}` is {what}, which is not pro-rated in a period: `prorated` applies "
            "to the inputs of indicators and items",
            declaration.span,
            "declare the pro-rated amount as an input of the indicator that scores it",
        )

    def check_default(self, declaration: n.Input, default: n.Expr, what: str = "") -> None:
        """A default is a value the data could have held: within a literal range, and a whole number of at
        least 0 for a count. (The data are not checked against their range once defaulted.) A range
        end naming another input is checked when the data are read."""
        written = _written(default)
        if written is None:
            return
        low, high = declaration.low, declaration.high
        if declaration.type == "count" and (written < 0 or written != written.to_integral_value()):
            self.report(
                "check.bad-value",
                f"the default of `{declaration.name}` is {written}, but a count is a whole number of at least 0",
                default.span,
                "write a whole number such as `default 0`",
            )
        elif isinstance(low, n.Number) and written < low.value or isinstance(high, n.Number) and written > high.value:
            number = default.operand if isinstance(default, n.Unary) else default
            unit = {"percent": "%", "pp": "pp"}.get(number.unit if isinstance(number, n.Number) else "", "")
            subject = what or f"the default of `{declaration.name}` ({written}{unit})"
            ends = [end.value if isinstance(end, n.Number) else "…" for end in (low, high)]
            shown = f"{ends[0]} to {ends[1]}"
            self.report(
                "check.bad-value",
                f"{subject} is outside its declared range {shown}",
                default.span,
                "a missing value is taken as the default: give one the data could have held",
            )

    # -- pro-rating by kind

    def check_prorated_unless(self, inputs: list[n.Input], scope: Scope) -> None:
        """`prorated unless level`: `level` is a yes/no input declared beside the pro-rated one, always
        known (missing as an error or a default: a level that may be absent would leave the kind of
        the value unknown), and not itself the pro-rated value."""
        by_name = {i.name: i for i in inputs}
        for declaration in inputs:
            unless = declaration.prorated_unless
            if unless is None:
                continue
            other = by_name.get(unless.name)
            if other is not None:
                scope.used.add(other.name)  # it decides the value read
            if other is None:
                self.report(
                    "check.unknown-name",
                    f"`{unless.name}` is not an input declared beside `{declaration.name}`",
                    unless.span,
                    suggest(unless.name, [i.name for i in inputs if i is not declaration])
                    or "`unless` names a yes/no input of the same measure that marks a rate, intensity or share",
                )
            elif other is declaration or INPUT_KINDS.get(other.type) is not Kind.BOOL:
                self.report(
                    "check.type-mismatch",
                    f"`{declaration.name}` is pro-rated unless `{other.name}`, a {other.type} input",
                    unless.span,
                    "`unless` names a yes/no input (`input level: bool missing default false`)",
                )
            elif other.missing is not None and other.missing.rule not in ("error", "default"):
                self.report(
                    "check.bad-value",
                    f"`{other.name}` decides whether `{declaration.name}` is pro-rated, so it cannot be "
                    f"`missing {other.missing.rule}`",
                    other.missing.span,
                    "write `missing default false` (an amount unless the data say otherwise) or `missing error`",
                )

    def check_ranges(self, inputs: list[n.Input]) -> None:
        """Range ends that name another input (`range 0 to subs`): it is declared beside this one,
        holds the same kind of number, and no input bounds itself through others."""
        by_name = {i.name: i for i in inputs}
        bounds: dict[str, list[str]] = {}
        for declaration in inputs:
            for end in (declaration.low, declaration.high):
                if not isinstance(end, n.Name):
                    continue
                other = by_name.get(end.name)
                kind = INPUT_KINDS.get(declaration.type)
                if kind in (None, Kind.BOOL, Kind.DATE):
                    continue  # reported by check_input
                if other is None:
                    self.report(
                        "check.unknown-name",
                        f"`{end.name}` is not an input declared beside `{declaration.name}`",
                        end.span,
                        suggest(end.name, [i.name for i in inputs if i is not declaration])
                        or "a range end names another input of the same measure, sub-item or rule",
                    )
                elif INPUT_KINDS.get(other.type) is not kind:
                    self.report(
                        "check.type-mismatch",
                        f"the range of `{declaration.name}` ({declaration.type}) "
                        f"ends at `{other.name}`, a {other.type} input",
                        end.span,
                        "a range end names an input holding the same kind of number",
                    )
                else:
                    bounds.setdefault(declaration.name, []).append(other.name)
        circle = _circle(bounds)
        if circle:
            names = [f"`{name}`" for name in circle]
            if len(names) > 6:
                names = [*names[:3], f"… ({len(circle) - 1} inputs)", names[-1]]
            self.report(
                "check.cycle",
                "the ranges of " + " → ".join(names) + " bound each other in a circle",
                by_name[circle[0]].span,
                "bound an input by a fixed number or by an input that has no such range",
            )

    def check_unused(self, scope: Scope, inputs: Iterable[n.Input], what: str) -> None:
        for declaration in inputs:
            if declaration.name not in scope.used:
                self.warn(
                    "check.unused-input",
                    f"{what} `{declaration.name}` is never used",
                    declaration.span,
                    "use it in a rule, or delete it so units are not asked to supply it",
                )

    def check_statements(
        self, kind: str, name: str, body: tuple[n.Statement, ...], span: Span, *, pooled: bool = False
    ) -> None:
        counts = Counter(type(s) for s in body)
        seen: set[type] = set()
        for statement in body:
            if type(statement) in AT_MOST_ONCE and type(statement) in seen:
                word = STATEMENT_WORDS[type(statement)]
                self.report(
                    "check.duplicate-statement",
                    f"a second `{word}` in {kind} `{name}`",
                    _span(statement, span),
                    "keep one; a rule must say one thing once",
                )
            elif isinstance(statement, n.MoneyFormula | n.Money) and ({n.Money, n.MoneyFormula} & seen):
                self.report(
                    "check.duplicate-statement",
                    f"a second `money` in {kind} `{name}`",
                    _span(statement, span),
                    "an award's money is a table by grade or a formula, not both",
                )
            seen.add(type(statement))
        # pooled items score by their tallies, so a tally is what they need (check_pooled), not a score
        for required in (n.Tally,) if pooled else REQUIRED.get(kind, ()):
            if required not in counts:
                word = STATEMENT_WORDS[required]
                self.report(
                    "check.missing-statement", f"{kind} `{name}` has no `{word}`", span, f"add a `{word}` statement"
                )

    def check_pooled(self, measure: n.Measure) -> None:
        """Pooled items earn their points × the sub-items done across the items ÷ all of them: they need
        points of their own to scale, and a score of each item would never be read."""
        if measure.points is None and measure.share is None:
            self.report(
                "check.pooled",
                f"pooled items `{measure.name}` have no points of their own",
                measure.span,
                f"write the points the items are worth together: `items {measure.name} points 40 pooled`",
            )
        for statement in measure.body:
            if isinstance(statement, n.Score):
                self.report(
                    "check.pooled",
                    f"pooled items `{measure.name}` score by their `tally`; this `score` would never be read",
                    _span(statement, measure.span),
                    "remove the `score`, or remove `pooled` to score item by item",
                )

    def check_classes_exist(self, classes: tuple[str, ...], span: Span) -> None:
        for name in classes:
            if name not in self.classes:
                self.report(
                    "check.unknown-name",
                    f"unknown class `{name}`",
                    span,
                    suggest(name, list(self.classes)) or "declare it with `class`",
                )

    # ------------------------------------------------------------- classes

    def check_classes(self) -> None:
        if not self.classes:
            files = self.policy.files
            where = self.policy.header.span if self.policy.header else _file_start(files)
            self.report(
                "check.no-classes",
                "the policy declares no unit class",
                where,
                'declare at least one, e.g. `class 县区 "县区" { 定量指标 100 }`',
            )
        used: set[str] = set()
        for unit_class in self.classes.values():
            seen: dict[str, n.Share] = {}
            for share in unit_class.shares:
                if share.category in seen:
                    self.report(
                        "check.duplicate-name",
                        f"category `{share.category}` is listed twice in class `{unit_class.name}`",
                        share.span,
                    )
                seen[share.category] = share
                if share.category not in self.categories:
                    self.report(
                        "check.unknown-name",
                        f"unknown category `{share.category}`",
                        share.span,
                        suggest(share.category, list(self.categories)) or "declare it with `category`",
                    )
                used.add(share.category)
                if share.amount <= 0:
                    self.report("check.bad-value", "a category's points must be positive", share.span)
            self.check_points(unit_class)
        for category in self.categories.values():
            if category.name not in used:
                self.warn(
                    "check.unused-category",
                    f"category `{category.name}` is not part of any class",
                    category.span,
                    "list it with its points in a `class`, or delete it",
                )

    def check_points(self, unit_class: n.UnitClass) -> None:
        shares = unit_class.shares
        if not shares:
            self.report(
                "check.points-mismatch",
                f"class `{unit_class.name}` gives no category any points",
                unit_class.span,
                "list each category with its points, e.g. `quantitative 50`",
            )
            return
        percents = [s for s in shares if s.percent]
        if percents and len(percents) != len(shares):
            self.report(
                "check.points-mismatch",
                f"class `{unit_class.name}` mixes points and percentages",
                percents[0].span,
                "give every category points, or every category a percentage",
            )
            return
        total = sum((s.amount for s in shares), Decimal(0))
        if percents:
            if total != 100:
                self.report(
                    "check.points-mismatch",
                    f"the weights of class `{unit_class.name}` add up to {_fmt(total)}%, not 100%",
                    unit_class.span,
                    _ratio(shares),
                )
        elif total != self.scale:
            self.report(
                "check.points-mismatch",
                f"the points of class `{unit_class.name}` add up to {_fmt(total)}, "
                f"not the policy's scale of {_fmt(self.scale)}",
                unit_class.span,
                _ratio(shares) + "; change a category's points or the header's `scale`",
            )

    # ------------------------------------------------ indicator weights as shares

    def check_share_value(self, measure: n.Measure) -> None:
        """`share P%` is a part of the category's points: above 0 and at most 100 %, and only for a measure
        of a category (a sub-item's weight is its points within its indicator)."""
        assert measure.share is not None
        if measure.kind == "subitem":
            self.report(
                "check.bad-value",
                f"sub-item `{measure.name}` has a share: a sub-item is weighted by its points within its indicator",
                measure.span,
                "write `points` on the sub-item; a share applies to a measure of a category",
            )
        elif not 0 < measure.share <= 100:
            self.report(
                "check.bad-value",
                f"the share of `{measure.name}` is {_fmt(measure.share)}%: a share lies above 0% and at most 100%",
                measure.span,
            )

    def check_measure_shares(self) -> None:
        """In each class, the measures of a category that has shares all have one, and their shares add up
        to 100 %: a share is a part of the category's points, so a measure with fixed points beside them, or
        shares adding up to another total, would make `35%` mean something else once reweighted."""
        for unit_class in self.classes.values():
            for weight in unit_class.shares:
                category = self.categories.get(weight.category)
                if category is None:
                    continue
                applicable = [m for m in category.measures if not m.classes or unit_class.name in m.classes]
                if applicable and all(_adjustment(m) for m in applicable):
                    self.report(
                        "check.adjustment",
                        f"category `{category.name}` has only adjustment items (`points 0`) in class "
                        f"`{unit_class.name}`: its {_fmt(weight.amount)} points weigh nothing",
                        category.span,
                        "put the adjustment items in a category with weighted measures, "
                        "or write them as `bonus` and `deduction` rules",
                    )
                    continue
                shared = [m for m in applicable if m.share is not None]
                if not shared:
                    continue
                fixed = [m for m in applicable if m.share is None and not _adjustment(m)]
                if fixed:
                    self.report(
                        "check.points-mismatch",
                        f"category `{category.name}` gives `{shared[0].name}` a share but `{fixed[0].name}` "
                        f"points, in class `{unit_class.name}`",
                        fixed[0].span,
                        "give every measure of the category a share (`share 20%`), or every one points",
                    )
                    continue
                total = sum((m.share for m in shared if m.share is not None), Decimal(0))
                if total != 100:
                    self.report(
                        "check.points-mismatch",
                        f"the shares of category `{category.name}` add up to {_fmt(total)}%, not 100%, "
                        f"in class `{unit_class.name}`",
                        category.span,
                        ", ".join(f"{m.name} {_fmt(m.share)}%" for m in shared if m.share is not None),
                    )

    # ---------------------------------------------------- adjustment items

    def check_adjustment(self, measure: n.Measure) -> None:
        """An indicator with `points 0` is an adjustment item (加扣分项): its score, of either sign, is added
        to its category's subtotal as it is, weighed by nothing. So it has a score of its own (not sub-items'
        or a given one, which are shares of its points), and no formula of it reads `points`, which is 0."""
        if any(isinstance(s, n.Measure) for s in measure.body):
            why = "its sub-items' points would be scaled to 0"
        elif any(isinstance(s, n.Given) for s in measure.body):
            why = "a score given out of 100 is a share of its points, 0"
        else:
            read = next((r for e, _ in _statement_expressions(measure.body) for r in _names(e) if r == "points"), None)
            if read is None:
                return
            why = "its formula reads `points`, which is 0"
        self.report(
            "check.adjustment",
            f"`{measure.name}` has `points 0`, an adjustment item, but {why}",
            measure.span,
            "score the adjustment in points of the total (`score 1 * tasks`, `score -2 * times`), "
            "or give the indicator positive points",
        )

    # ---------------------------------------------------------- categories

    def check_categories(self) -> None:
        seen: dict[str, n.Measure] = {}
        for category in self.categories.values():
            if not category.measures:
                self.report(
                    "check.empty-category",
                    f"category `{category.name}` has nothing to score",
                    category.span,
                    "add an `indicator …`, `items …` or `assessed …` block",
                )
            for measure in category.measures:
                if measure.name in seen:
                    self.report(
                        "check.duplicate-name",
                        f"`{measure.name}` is declared twice",
                        measure.span,
                        f"the first is at {seen[measure.name].span}; "
                        "indicator names must be unique in a policy (units' data refer to them)",
                    )
                seen[measure.name] = measure
                self.check_measure(measure, category)

    def check_measure(self, measure: n.Measure, category: n.Category, parent: Scope | None = None) -> None:
        self.check_statements(measure.kind, measure.name, measure.body, measure.span, pooled=measure.pooled)
        if measure.pooled:
            self.check_pooled(measure)
        if measure.points is not None and measure.points <= 0:
            if measure.points == 0 and measure.kind == "indicator":
                self.check_adjustment(measure)
            else:
                self.report("check.bad-value", "points must be positive", measure.span)
        if measure.share is not None:
            self.check_share_value(measure)
        self.check_classes_exist(measure.classes, measure.span)
        for class_name in measure.classes:
            unit_class = self.classes.get(class_name)
            if unit_class is not None and category.name not in {s.category for s in unit_class.shares}:
                self.report(
                    "check.class-category",
                    f"class `{class_name}` does not include category "
                    f"`{category.name}`, so this indicator never applies to it",
                    measure.span,
                )
        scope = self.body_scope(measure.body, parent or self.global_scope, {"points": Kind.NUMBER})
        subitems = [s for s in measure.body if isinstance(s, n.Measure)]
        if measure.kind == "indicator" and not subitems and not any(isinstance(s, n.Score) for s in measure.body):
            self.report(
                "check.missing-statement",
                f"indicator `{measure.name}` has no `score`",
                measure.span,
                "add `score <expression>`, or sub-items whose scores add up",
            )
        names: set[str] = set()
        for sub in subitems:
            if sub.name in names:
                self.report("check.duplicate-name", f"sub-item `{sub.name}` is declared twice", sub.span)
            names.add(sub.name)
            self.check_measure(sub, category, self.global_scope)
        for statement in measure.body:
            self.check_measure_statement(statement, scope, measure)
        if measure.kind in ("items", "subitem"):
            self.check_no_peer(measure, scope)
        if measure.kind == "assessed":
            self.check_assessed(measure)
        self.check_unused(scope, [s for s in measure.body if isinstance(s, n.Input)], "input")

    def expect(self, expr: n.Expr, scope: Scope, wanted: Kind, what: str, span: Span) -> None:
        """A statement's expression: of the kind wanted, and nested within bounds through the names it uses."""
        if self.expressions.check_nesting(expr, scope, what, span):
            self.expressions.expect(expr, scope, wanted, what, span)

    def check_measure_statement(self, statement: n.Statement, scope: Scope, measure: n.Measure) -> None:
        expect = self.expect
        match statement:
            case n.Score(expr=expr):
                expect(expr, scope, Kind.NUMBER, "a score", statement.span)
            case n.Completed(expr=expr):
                expect(expr, scope, Kind.BOOL, "`completed when`", statement.span)
            case n.Tally(done=done, total=total):
                expect(done, scope, Kind.NUMBER, "the completed count", statement.span)
                expect(total, scope, Kind.NUMBER, "the item count", statement.span)
                for expr in (done, total):
                    source = self.prorated_source(expr, scope)
                    if source is not None:
                        self.report(
                            "check.prorated-tally",
                            f"`tally` counts whole items, but `{source}` is pro-rated: in a period "
                            "it becomes a fraction of an item (2 × 0.25 = 0.5)",
                            _span(expr, statement.span),
                            f"drop `prorated` from `{source}`, or score the share with a formula "
                            "(`score points * done / subs`) instead of a tally",
                        )
            case n.Given(assessors=names):
                self.check_assessors(names, statement.span)
            case n.Require():
                self.check_require(statement, scope, measure.body)

    def prorated_source(self, expr: n.Expr, scope: Scope) -> str | None:
        """The pro-rated input `expr` reads, directly or through lets and constants, if any."""
        pending: list[tuple[n.Expr, Scope]] = [(expr, scope)]
        followed: set[str] = set()
        while pending:
            current, where = pending.pop()
            for node in walk(current):
                if not isinstance(node, n.Name) or node.name in followed:
                    continue
                owner: Scope | None = where
                while owner is not None:
                    if node.name in owner.lets:
                        followed.add(node.name)
                        pending.append((owner.lets[node.name].expr, owner))
                        break
                    if node.name in owner.names:
                        if node.name in owner.prorated:
                            return node.name
                        if owner is self.global_scope and node.name in self.consts:
                            followed.add(node.name)
                            pending.append((self.consts[node.name].expr, owner))
                        break
                    owner = owner.parent
        return None

    def check_no_peer(self, measure: n.Measure, scope: Scope) -> None:
        """Class-wide functions compare units; an item list differs per unit, so they are refused there.
        So is a missing value replaced by the class average: that is taken of whole indicators."""
        for statement in measure.body:
            missing = statement.missing if isinstance(statement, n.Input) else None
            if isinstance(statement, n.Input) and missing is not None and missing.rule == "peer_avg":
                self.report(
                    "check.peer-in-items",
                    f"`missing peer_avg` for `{statement.name}`: the class average "
                    f"is taken of whole indicators, not of {measure.kind} `{measure.name}`",
                    _span(missing, statement.span),
                    "use `missing zero`, `na` or a default here",
                )
                return
        for statement in measure.body:
            expressions = [
                getattr(statement, "expr", None),
                getattr(statement, "done", None),
                getattr(statement, "total", None),
            ]
            for expression in expressions:
                if expression is None or isinstance(statement, n.Let):  # a let counts where it is used
                    continue
                for node, via in self.class_wide(expression, scope, (), None):
                    what = (
                        f"`{node.function}` compares units of the class"
                        if isinstance(node, n.Call)
                        else f"unit input `{getattr(node, 'name', '')}` is missing as the class average"
                    )
                    through = f" (through `{via.name}`)" if via is not None else ""
                    self.report(
                        "check.peer-in-items",
                        f"{what}{through}, but {measure.kind} `{measure.name}` differs from unit to unit",
                        (via or node).span,
                        "use class-wide functions in an `indicator` that every unit has",
                    )
                    return

    def check_assessed(self, measure: n.Measure) -> None:
        raters = [s for s in measure.body if isinstance(s, n.Rater)]
        ballots = next((s for s in measure.body if isinstance(s, n.Ballots)), None)
        drop = next((s for s in measure.body if isinstance(s, n.DropExtremes)), None)
        if drop is not None and drop.above is not None and (drop.above != int(drop.above) or drop.above < 2):
            self.report(
                "check.bad-value",
                f"`drop extremes above {_fmt(drop.above)}`: a whole number of at least 2 "
                "(the highest and the lowest are dropped, and one score at least is kept)",
                drop.span,
            )
        if ballots is not None:  # each unit lists its own ballots: no assessor is declared
            if raters:
                self.report(
                    "check.bad-value",
                    f"assessed `{measure.name}` takes ballots and assessors: a unit's ballots are not "
                    "any assessor's score",
                    raters[0].span,
                    "delete the `by` lines, or `ballots`",
                )
            self.check_scale(measure)
            return
        if drop is not None and drop.above is not None and len(raters) <= drop.above:
            self.report(
                "check.bad-value",
                f"`drop extremes above {_fmt(drop.above)}` never drops a score: `{measure.name}` has "
                f"{len(raters)} assessors",
                drop.span,
                "lower the number, or list each unit's ballots (`ballots`)",
            )
        if not raters:
            self.report(
                "check.missing-statement",
                f"assessed `{measure.name}` names no assessor",
                measure.span,
                "add `by <assessor> weight <w>` lines",
            )
        seen: set[str] = set()
        for rater in raters:
            self.check_assessors((rater.assessor,), rater.span)
            if rater.assessor in seen:
                self.report("check.duplicate-name", f"assessor `{rater.assessor}` is listed twice", rater.span)
            seen.add(rater.assessor)
            if rater.weight <= 0:
                self.report("check.bad-value", "an assessor's weight must be positive", rater.span)
        if drop is not None and drop.above is None and len(raters) < 3:
            self.report(
                "check.bad-value", "dropping the highest and lowest score needs at least three assessors", measure.span
            )
        self.check_scale(measure)

    def check_scale(self, measure: n.Measure) -> None:
        for statement in measure.body:
            if isinstance(statement, n.Scale) and statement.points <= 0:
                self.report("check.bad-value", "the assessors' scale must be positive", statement.span)

    def check_assessors(self, names: tuple[str, ...], span: Span) -> None:
        for name in names:
            if name not in self.assessors:
                self.report(
                    "check.unknown-name",
                    f"unknown assessor `{name}`",
                    span,
                    suggest(name, list(self.assessors)) or f'declare it with `assessor {name} "…"`',
                )

    # --------------------------------------------------------------- rules

    def check_rule(self, rule: n.Rule) -> None:
        self.check_statements(rule.kind, rule.name, rule.body, rule.span)
        self.check_classes_exist(rule.classes, rule.span)
        scope = self.body_scope(rule.body, self.global_scope, RESULT_NAMES.get(rule.kind))
        for statement in rule.body:
            if isinstance(statement, n.Input) and statement.prorated:
                self.refuse_prorated(statement, f"an input of {rule.kind} `{rule.name}`")
        expect = self.expect
        levels: set[str] = set()
        for statement in rule.body:
            match statement:
                case n.When(expr=expr):
                    expect(expr, scope, Kind.BOOL, "the condition", statement.span)
                case n.Require():
                    self.check_require(statement, scope, rule.body)
                case n.Effects(effects=effects):
                    for effect in effects:
                        if effect.grade is not None:
                            self.check_grade_name(effect.grade, statement.span)
                case n.Level():
                    if statement.name in levels:
                        self.report(
                            "check.duplicate-name", f"award level `{statement.name}` is declared twice", statement.span
                        )
                    levels.add(statement.name)
                    if statement.points <= 0 or (statement.limit is not None and statement.limit < statement.points):
                        self.report(
                            "check.bad-value",
                            "a level's points must be positive and its limit at least its points",
                            statement.span,
                        )
                case n.Cap(value=value) if value <= 0:
                    self.report("check.bad-value", "a cap must be positive", statement.span)
                case n.CarryOver(after=after):
                    self.check_cutoff(after, statement.span)
                case n.Amount(expr=expr):
                    expect(expr, scope, Kind.NUMBER, "a deduction", statement.span)
                case n.Money(amounts=amounts):
                    for amount in amounts:
                        self.check_grade_name(amount.grade, amount.span)
                        if amount.amount < 0:
                            self.report("check.bad-value", "an award amount cannot be negative", amount.span)
                case n.LimitOver():
                    self.check_limit(rule, statement)
                case n.BonusPoints(expr=expr):
                    expect(expr, scope, Kind.NUMBER, "a bonus's points", statement.span)
                case n.MoneyFormula(expr=expr):
                    expect(expr, scope, Kind.NUMBER, "the award money", statement.span)
                case n.Reduce(percent=percent, expr=expr):
                    if not 0 < percent <= 100:
                        self.report("check.bad-value", "a reduction is more than 0% and at most 100%", statement.span)
                    expect(expr, scope, Kind.BOOL, "the condition of `reduce`", statement.span)
                case n.Eligible(expr=expr):
                    expect(expr, scope, Kind.BOOL, "the condition of `eligible`", statement.span)
                case n.Factor(expr=expr):
                    expect(expr, scope, Kind.NUMBER, "a coefficient", statement.span)
                case n.Applies(target=target):
                    if target != "total" and target not in self.categories:
                        self.report(
                            "check.unknown-name",
                            f"a coefficient applies to `total` or a category, not `{target}`",
                            statement.span,
                            suggest(target, ["total", *self.categories], "key"),
                        )
        self.check_per_unit(rule, scope)
        if rule.kind == "bonus":
            self.check_bonus_form(rule, levels)
        self.check_unused(scope, [s for s in rule.body if isinstance(s, n.Input)], "input")

    # -- a shared cap: over bonuses only, or deductions only, each named once

    def check_limit(self, rule: n.Rule, over: n.LimitOver) -> None:
        kinds = {r.name: r.kind for r in self.rules if r.kind in ("bonus", "deduction")}
        both = {r.name for r in self.rules if r.kind == "bonus"} & {r.name for r in self.rules if r.kind == "deduction"}
        seen: set[str] = set()
        for name in over.names:
            if name in seen:
                self.report("check.duplicate-name", f"`{name}` is named twice in limit `{rule.name}`", over.span)
            seen.add(name)
            if name not in kinds:
                self.report(
                    "check.unknown-name",
                    f"limit `{rule.name}` caps `{name}`, which is no bonus or deduction",
                    over.span,
                    suggest(name, list(kinds)) or "bonuses and deductions: " + ", ".join(sorted(kinds)),
                )
        found = {kinds[name] for name in over.names if name in kinds}
        if len(found) > 1 or any(name in both for name in over.names):
            self.report(
                "check.limit-mixed",
                f"limit `{rule.name}` caps bonuses and deductions together",
                over.span,
                "a limit caps the sum of bonuses, or the sum of deductions: make it two limits",
            )

    # -- computed bonuses: award levels, or points computed by a formula, gated by `when`

    def check_bonus_form(self, rule: n.Rule, levels: set[str]) -> None:
        computed = [s for s in rule.body if isinstance(s, n.BonusPoints | n.When)]
        if not levels and not any(isinstance(s, n.BonusPoints) for s in computed):
            self.report(
                "check.missing-statement",
                f"bonus `{rule.name}` has no award level",
                rule.span,
                'add e.g. `level provincial "省级" 2`, or compute the bonus with `points …`',
            )
        elif levels and computed:
            self.report(
                "check.bonus-form",
                f"bonus `{rule.name}` both counts award levels and computes its points",
                _span(computed[0], rule.span),
                "a bonus counts the awards won by level, or computes `points` (with a `when`): make them two bonuses",
            )
        carry = next((s for s in rule.body if isinstance(s, n.CarryOver)), None)
        if carry is not None and not levels:
            self.report(
                "check.bonus-form",
                f"bonus `{rule.name}` carries awards over but counts none",
                carry.span,
                "`carry over after` belongs to a bonus that counts award levels: delete it here",
            )

    def check_per_unit(self, rule: n.Rule, scope: Scope) -> None:
        """A rule is decided for each unit alone: a class-wide function, or a value missing and
        replaced by the class average, has no class to read there. Refused here, or it would fail
        for every unit at run time."""
        reported: set[tuple[int, int, str]] = set()

        def refuse(what: str, span: Span, through: str | None) -> None:
            if (span.line, span.column, span.file) in reported:
                return
            reported.add((span.line, span.column, span.file))
            via = f" (through `{through}`)" if through else ""
            self.report(
                "check.peer-in-rule",
                f"{what}{via} needs the unit's whole class, but {rule.kind} "
                f"`{rule.name}` is decided for each unit alone",
                span,
                "give the input `missing zero` or a `missing default`; "
                "to compare with the class, say so: `peer_avg(x)`",
            )

        expressions: list[n.Expr] = []
        for statement in rule.body:
            if isinstance(statement, n.Input) and statement.missing is not None:
                if statement.missing.rule == "peer_avg":
                    refuse(f"`missing peer_avg` for `{statement.name}`", _span(statement.missing, statement.span), None)
            expression = getattr(statement, "expr", None)
            if expression is not None and not isinstance(statement, n.Let):  # a let counts where it is used
                expressions.append(expression)
        for expression in expressions:
            for node, via in self.class_wide(expression, scope, (), None):
                if isinstance(node, n.Call):
                    continue  # decided over the class's values (docs/semantics.md, steps 1 and 10)
                what = (
                    f"`{node.function}`"
                    if isinstance(node, n.Call)
                    else f"unit input `{getattr(node, 'name', '')}` (missing: the class average)"
                )
                if via is None:
                    refuse(what, node.span, None)
                else:
                    refuse(what, via.span, via.name)

    def class_wide(
        self, expr: n.Expr, scope: Scope, seen: tuple[str, ...], via: n.Name | None, in_const: bool = False
    ) -> Iterator[tuple[n.Expr, n.Name | None]]:
        """Each class-wide call in `expr`, or name of a unit input missing as `peer_avg`, following
        `let`s and `const`s; with the name in the rule that leads to it, if any."""
        for node in walk(expr):
            if isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer:
                if not in_const:  # a const's own are reported at the const (check.peer-in-const)
                    yield node, via
            elif isinstance(node, n.Name) and node.name not in seen:
                let = scope.lets.get(node.name)
                if let is not None:
                    yield from self.class_wide(let.expr, scope, (*seen, node.name), via or node, in_const)
                elif node.name in scope.names:
                    continue  # the rule's own input or a result name
                elif node.name in self.consts:
                    yield from self.class_wide(
                        self.consts[node.name].expr, Scope({}), (*seen, node.name), via or node, True
                    )
                elif node.name in self.unit_inputs:
                    missing = self.unit_inputs[node.name].missing
                    if missing is not None and missing.rule == "peer_avg":
                        yield node, via

    def check_cutoff(self, after: datetime.date, span: Span) -> None:
        """The carry-over cutoff lies from the last day of the policy's year to the end of the next. One
        inside the year may be meant (a method whose award season closes in November) and is warned when
        written in this file; inherited from another file, or outside both years, it is an error: an
        earlier one (last year's, say) would carry a whole year of awards over."""
        header = self.policy.header
        year = header.year.value if header and header.year else None
        if year is None or datetime.date(year, 12, 31) <= after <= datetime.date(year + 1, 12, 31):
            return
        inherited = span.file != self.policy.files[-1]
        where = f", inherited from `{os.path.basename(span.file)}`," if inherited else ""
        fix = (
            f"awards dated after the cutoff count next year, so a {year} policy needs a cutoff such as {year + 1}-01-15"
        )
        if after.year == year and not inherited:
            self.warn(
                "check.early-cutoff",
                f"the carry-over cutoff {after} lies inside {year}: every award dated after it counts in {year + 1}",
                span,
                f"if the award season closes before the year ends, keep it; otherwise {fix[0].lower()}{fix[1:]}",
            )
            return
        self.report(
            "check.bad-value",
            f"the carry-over cutoff {after}{where} is not between the end of {year} and the end of {year + 1}",
            span,
            fix
            + (f": override the bonus in this file with its own `carry over after {year + 1}-…`" if inherited else ""),
        )

    def check_grade_name(self, name: str, span: Span) -> None:
        if self.grades is None:
            self.report("check.unknown-name", f"grade `{name}` is used but the policy declares no `grades`", span)
        elif name not in self.grade_names:
            self.report(
                "check.unknown-name",
                f"unknown grade `{name}`",
                span,
                suggest(name, list(self.grade_names)) or "grades: " + ", ".join(sorted(self.grade_names)),
            )

    # -------------------------------------------------------------- grades

    def check_grades(self) -> None:
        if self.grades is None:
            return
        bands = self.grades.bands
        if not bands:
            self.report("check.grade-gap", "`grades` declares no grade", self.grades.span)
            return
        names: set[str] = set()
        for band in bands:
            if band.name in names:
                self.report("check.duplicate-name", f"grade `{band.name}` is declared twice", band.span)
            names.add(band.name)
            if band.op in ("==", "!="):
                self.report(
                    "check.bad-value",
                    f"a grade band cannot be `{band.op}`",
                    band.span,
                    "write `>= 90`, `80 to 90`, `< 60` or `otherwise`",
                )
            if band.op == "to" and band.low is not None and band.high is not None and band.low >= band.high:
                self.report("check.grade-overlap", "the band's lower bound is not below its upper bound", band.span)
            if band.quota is not None and not 0 < band.quota <= 100:
                self.report(
                    "check.quota-range",
                    f"a quota of {_fmt(band.quota)}% is out of range",
                    band.span,
                    "a quota is a share of the class above 0% and at most 100%",
                )
            if band.quota_rounding is not None and band.quota_rounding not in QUOTA_ROUNDING:
                self.report(
                    "check.bad-value",
                    f"unknown quota rounding `{band.quota_rounding}`",
                    band.span,
                    suggest(band.quota_rounding, list(QUOTA_ROUNDING))
                    or "quota rounding: " + ", ".join(QUOTA_ROUNDING),
                )
            self.check_quota_form(band)
        self.check_coverage(bands)

    # -- quota forms: a fixed head count (`quota 3`), the fewest a share keeps (`at least 1`)

    def check_quota_form(self, band: n.Band) -> None:
        for count, form in ((band.quota_count, "quota"), (band.quota_floor, "at least")):
            if count is not None and (count < 1 or count != count.to_integral_value()):
                self.report(
                    "check.quota-count",
                    f"a quota head count of {_fmt(count)} is not a whole number of 1 or more",
                    band.span,
                    f"`{form}` takes a whole number of units, such as `{form} 1`",
                )

    def check_coverage(self, bands: tuple[n.Band, ...]) -> None:
        """Bands must cover every score exactly once (or leave the rest to `otherwise`)."""
        otherwise = [b for b in bands if b.op == "otherwise"]
        if len(otherwise) > 1:
            self.report("check.grade-overlap", "more than one grade is `otherwise`", otherwise[1].span)
        intervals: list[tuple[Decimal | None, bool, Decimal | None, bool, n.Band]] = []
        for band in bands:
            if band.op in (">=", ">"):
                intervals.append((band.low, band.op == ">=", None, False, band))
            elif band.op in ("<", "<="):
                intervals.append((None, False, band.high, band.op == "<=", band))
            elif band.op == "to" and band.low is not None and band.high is not None and band.low < band.high:
                intervals.append((band.low, True, band.high, False, band))
        intervals.sort(key=lambda i: (i[0] is not None, i[0] if i[0] is not None else 0, not i[1]))
        reach: tuple[Decimal | None, bool] | None = None  # covered up to (value, closed); value None = +inf
        reached_by: n.Band | None = None
        for low, low_closed, high, high_closed, band in intervals:
            if reach is None:
                if low is not None and not otherwise:
                    self.report(
                        "check.grade-gap",
                        f"scores below {_fmt(low)} get no grade",
                        band.span,
                        f"add e.g. `不合格 < {_fmt(low)}` or a grade `otherwise`",
                    )
            else:
                end, end_closed = reach
                if end is None or low is None or low < end or (low == end and end_closed and low_closed):
                    other = f"`{reached_by.name}`" if reached_by is not None else "another grade"
                    self.report(
                        "check.grade-overlap",
                        f"grade `{band.name}` overlaps {other}",
                        band.span,
                        "each score must fall in exactly one grade",
                    )
                elif (low > end or not (end_closed or low_closed)) and not otherwise:
                    self.report(
                        "check.grade-gap",
                        f"scores from {_fmt(end)} to {_fmt(low)} get no grade",
                        band.span,
                        "make the bands meet, or add a grade `otherwise`",
                    )
            if (
                reach is None
                or reach[0] is not None
                and (high is None or high > reach[0] or high == reach[0] and high_closed)
            ):
                reach = (high, high_closed)
                reached_by = band
        if reach is not None and reach[0] is not None and not otherwise:
            self.report(
                "check.grade-gap",
                f"scores of {_fmt(reach[0])} and above get no grade",
                intervals[-1][4].span,
                f"add a grade `>= {_fmt(reach[0])}`",
            )

    def check_ties(self) -> None:
        ties = next((d for d in self.policy.declarations if isinstance(d, n.Ties)), None)
        if ties is None:
            return
        known = [*UNIT_NAMES, *self.categories]
        for key in ties.keys:
            if key.key not in known:
                self.report(
                    "check.unknown-name",
                    f"cannot break ties by `{key.key}`",
                    key.span,
                    suggest(key.key, known, "key") or "tie keys: `total`, a category, `id`, `name`",
                )
            if key.direction not in (None, "asc", "desc"):
                self.report(
                    "check.bad-value", f"unknown direction `{key.direction}`", key.span, "write `asc` or `desc`"
                )

    # -- rankings across classes (统一排序), classes not graded

    def check_rankings(self) -> None:
        ranked_in: dict[str, str] = {}
        for ranking in (d for d in self.policy.declarations if isinstance(d, n.Ranking)):
            self.check_classes_exist(ranking.classes, ranking.span)
            named: set[str] = set()
            for name in ranking.classes:
                if name in named:
                    self.report(
                        "check.ranking-overlap",
                        f"class `{name}` is named twice in ranking `{ranking.name}`",
                        ranking.span,
                        "name each class once",
                    )
                elif name in ranked_in:
                    self.report(
                        "check.ranking-overlap",
                        f"class `{name}` is already ranked in ranking `{ranked_in[name]}`",
                        ranking.span,
                        "a class has one rank: name it in one ranking, or merge the two rankings",
                    )
                named.add(name)
                ranked_in.setdefault(name, ranking.name)
            if len(named) == 1:
                self.report(
                    "check.ranking-single",
                    f"ranking `{ranking.name}` names one class",
                    ranking.span,
                    "a class is ranked on its own without a `ranking`: name two classes or more, or remove it",
                )
        for ungraded in self.grades.not_graded if self.grades else ():
            self.check_classes_exist(ungraded.classes, ungraded.span)

    def check_periods(self) -> None:
        periods = next((d for d in self.policy.declarations if isinstance(d, n.Periods)), None)
        if periods is None:
            return
        previous = 0
        names: set[str] = set()
        for period in periods.periods:
            if period.name in names:
                self.report("check.duplicate-name", f"period `{period.name}` is declared twice", period.span)
            names.add(period.name)
            if not 1 <= period.through <= 12:
                self.report("check.bad-value", f"month {period.through} does not exist", period.span)
            elif period.start is not None and not 1 <= period.start <= period.through:
                # non-cumulative periods
                self.report(
                    "check.bad-value",
                    f"period `{period.name}` runs from month {period.start} through month {period.through}",
                    period.span,
                    "a period starts in a month from 1 to its last month",
                )
            elif period.through <= previous:
                self.report("check.period-order", "periods must end in increasing months", period.span)
            previous = max(previous, period.through)
        weights = [p.weight for p in periods.periods if p.weight is not None]
        if weights and len(weights) != len(periods.periods):
            self.report(
                "check.period-weights",
                "some periods have a weight and others do not",
                periods.span,
                "weight every period, or none",
            )
        elif weights and sum(weights, Decimal(0)) != 100:
            self.report(
                "check.period-weights",
                f"period weights add up to {_fmt(sum(weights, Decimal(0)))}%, not 100%",
                periods.span,
            )
        if periods.weighted is not None:
            self.check_weighted_measures(periods.weighted, has_weights=bool(weights))

    def check_weighted_measures(self, weighted: n.WeightedMeasures, *, has_weights: bool) -> None:
        """Weights per indicator (`for M, …` in `periods`): the periods have weights; each name is a measure,
        named once, with points of its own (its score in every period is a share of the same points), that
        reads no measure's score (the measures it could read are not scored in the earlier periods, or are
        themselves combined)."""
        if not has_weights:
            self.report(
                "check.period-weights",
                "`for` names the measures the period weights apply to, but no period has a weight",
                weighted.span,
                "weight every period, adding up to 100%: `一季度 through month 3 weight 15%`",
            )
        measures = {m.name: m for category in self.categories.values() for m in category.measures}
        seen: set[str] = set()
        for name in weighted.names:
            if name.name in seen:
                self.report("check.duplicate-name", f"`{name.name}` is weighted over the periods twice", name.span)
                continue
            seen.add(name.name)
            measure = measures.get(name.name)
            if measure is None:
                self.report(
                    "check.unknown-name",
                    f"the periods weight `{name.name}`, which is no measure",
                    name.span,
                    suggest(name.name, list(measures)) or "name indicators, items or assessed measures",
                )
                continue
            if measure.kind == "items" and measure.points is None and measure.share is None:
                self.report(
                    "check.bad-value",
                    f"items `{measure.name}` is weighted over the periods but has no points of its own",
                    name.span,
                    "its items may differ from period to period: give the list its points, "
                    f"`items {measure.name} points 20 {{`, so that every period scores a share of the same points",
                )
            read = next(
                (r for e, _ in _statement_expressions(measure.body) for r in _references(e) if r.quantity == "score"),
                None,
            )
            if read is not None:
                self.report(
                    "check.reference-scope",
                    f"`{measure.name}` is weighted over the periods and reads `score({read.target})`",
                    read.span,
                    "a measure weighted over the periods is scored in each period on its own inputs: "
                    "read the inputs the other measure reads instead",
                )

    # ------------------------------------------------- quantity references

    def check_references(self) -> None:
        """`score(M)`: M is a measure that is scored wherever the expression reading it is; no measure
        reads its own score through others; a class-wide function does not take its values over a
        measure that itself compares units; constants and input defaults, which hold for the unit
        before anything is scored, read no measure's score."""
        measures: dict[str, tuple[n.Category, n.Measure]] = {}
        for category in self.categories.values():
            for measure in category.measures:
                measures.setdefault(measure.name, (category, measure))
        subitems = {s.name: m.name for _, m in measures.values() for s in m.body if isinstance(s, n.Measure)}
        edges: dict[str, list[str]] = {name: [] for name in measures}
        first: dict[tuple[str, str], n.Reference] = {}
        comparing: dict[str, bool] = {}
        for name, (category, measure) in measures.items():
            classes = self.measure_classes(category, measure)
            comparing[name] = any(self.class_wide_statement(s) for s in _bodies(measure))
            for expr, allowed in _statement_expressions(measure.body):
                for ref in _references(expr):
                    if _result_reference(ref) and allowed:
                        self.refuse_result(ref, f"measure `{name}`")
                        continue
                    if ref.quantity == "subtotal":
                        self.refuse_subtotal(
                            ref, f"a measure cannot read `subtotal({ref.target})`: a subtotal is summed from the scores"
                        )
                        continue
                    if self.check_reference(ref, allowed, classes, name, measures, subitems):
                        edges[name].append(ref.target)
                        first.setdefault((name, ref.target), ref)
        rule_edges: dict[str, list[tuple[str, n.Reference]]] = {}  # a rule → the rules of its kind it reads
        for rule in self.rules:
            classes = set(rule.classes) if rule.classes else set(self.classes)
            lets = _lets(rule.body)
            compared = {id(r) for e, _ in _statement_expressions(rule.body) for r in _compared_references(e, lets)}
            for expr, allowed in _statement_expressions(rule.body):
                for ref in _references(expr):
                    if _result_reference(ref) and allowed:
                        self.check_result_reference(ref, rule, classes, id(ref) in compared, rule_edges)
                    elif ref.quantity == "subtotal":
                        self.check_subtotal(ref, rule, classes, id(ref) in compared)
                    else:
                        self.check_reference(ref, allowed, classes, rule.name, measures, subitems)
        before = [c.expr for c in self.consts.values()]  # these hold before anything is scored
        before += [i.missing.default for i in self.unit_inputs.values() if i.missing and i.missing.default]
        for expr in before:
            for ref in _references(expr):
                self.check_reference(ref, False, set(), "", measures, subitems)
        self.check_rule_circles(rule_edges)
        circle = _circle(edges)
        if circle:
            self.report(
                "check.quantity-cycle",
                "these measures read each other's scores in a circle: " + " → ".join(circle),
                first[(circle[0], circle[1])].span,
                "a score cannot be computed from itself; read the inputs the other measure reads instead",
            )
            return
        # a measure compares units when it calls a class-wide function or reads the score of one that does
        pending = True
        while pending:
            pending = False
            for name, targets in edges.items():
                if not comparing[name] and any(comparing.get(t, False) for t in targets):
                    comparing[name] = pending = True
        bodies = [m.body for _, m in measures.values()] + [r.body for r in self.rules]
        for body in bodies:
            lets = _lets(body)
            for expr, _ in _statement_expressions(body):
                for node in walk(expr):
                    if not (isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer):
                        continue
                    for arg in node.args:
                        for ref in _references_through(arg, lets):
                            if ref.quantity == "score" and comparing.get(ref.target, False):
                                self.report(
                                    "check.nested-peer",
                                    f"`{node.function}` over `score({ref.target})`: `{ref.target}` already compares "
                                    "units across the class, and a class-wide value cannot depend on another",
                                    ref.span,
                                    f"take `{node.function}` over what `{ref.target}` is computed from",
                                )

    def check_reference(
        self,
        ref: n.Reference,
        allowed: bool,
        classes: set[str],
        owner: str,
        measures: dict[str, tuple[n.Category, n.Measure]],
        subitems: dict[str, str],
    ) -> bool:
        """One `score(M)` read by `owner` (a measure's or rule's name) in `classes`; whether it names a
        measure that may be read there."""
        written = f"{ref.quantity}({ref.target})"
        if not allowed:
            self.report(
                "check.reference-scope",
                f"`{written}` cannot be read here: a constant or an input's default holds before any measure is scored",
                ref.span,
                "read the score in a `let` of the measure or rule that needs it",
            )
            return False
        if ref.target not in measures:
            if ref.target in subitems:
                owner = subitems[ref.target]
                help_text = f"a sub-item's points are part of `{owner}`: read `score({owner})`"
            else:
                help_text = suggest(ref.target, list(measures)) or "name an indicator, items or assessed measure"
            self.report("check.unknown-name", f"no measure is named `{ref.target}`", ref.span, help_text)
            return False
        category, measure = measures[ref.target]
        for class_name in sorted(classes - self.measure_classes(category, measure)):
            self.report(
                "check.reference-scope",
                f"`{ref.target}` is not scored for class `{class_name}`, where `{owner}` reads its score",
                ref.span,
                f"limit `{owner}` with `for` to the classes `{ref.target}` is scored for",
            )
            return False
        return True

    def check_result_reference(
        self,
        ref: n.Reference,
        rule: n.Rule,
        classes: set[str],
        compared: bool,
        edges: dict[str, list[tuple[str, n.Reference]]],
    ) -> None:
        """`subtotal()`, `bonus(B)`, `bonus()`, `deduction(D)`, `deduction()`, `vetoed(V)` in a rule: the
        rule is decided once the quantity is known (the engine's order: coefficients, bonuses, deductions,
        vetoes, then awards and commendations), it compares the quantity across the class only once the
        class is ranked, and what it names is a rule of that kind applying wherever the reader does. Rules
        of one kind reading each other are ordered by what they read; `check_rule_circles` refuses circles."""
        written = f"{ref.quantity}({ref.target})"
        if rule.kind not in _RESULT_READERS[ref.quantity]:
            self.refuse_result(ref, f"{rule.kind} `{rule.name}`")
            return
        if compared and rule.kind not in ("award", "commendation"):
            self.report(
                "check.reference-scope",
                f"`{written}` cannot be compared across the class in {rule.kind} `{rule.name}`: "
                "the class's values are not known before it is ranked",
                ref.span,
                "compare it in an award or a commendation, decided after the ranking",
            )
            return
        kind = _RESULT_KINDS[ref.quantity]
        if not ref.target:
            if kind == rule.kind:
                self.report(
                    "check.quantity-cycle",
                    f"{rule.kind} `{rule.name}` reads `{written}`, the sum of every {kind}, its own included",
                    ref.span,
                    f"name the other {kind}s it depends on, e.g. `{ref.quantity}(…)`",
                )
            return
        targets = {r.name: r for r in self.rules if r.kind == kind}
        target = targets.get(ref.target)
        if target is None:
            help_text = suggest(ref.target, list(targets)) or f"name a {kind} of the policy"
            self.report("check.unknown-name", f"no {kind} is named `{ref.target}`", ref.span, help_text)
            return
        applies = set(target.classes) if target.classes else set(self.classes)
        for class_name in sorted(classes - applies):
            self.report(
                "check.reference-scope",
                f"{kind} `{ref.target}` does not apply to class `{class_name}`, where `{rule.name}` reads it",
                ref.span,
                f"limit `{rule.name}` with `for` to the classes `{ref.target}` applies to",
            )
            return
        if kind == rule.kind:
            edges.setdefault(rule.name, []).append((ref.target, ref))

    def check_rule_circles(self, edges: dict[str, list[tuple[str, n.Reference]]]) -> None:
        """Bonuses (deductions, vetoes) that read each other in a circle have no order to be decided in."""
        for kind in ("bonus", "deduction", "veto"):
            names = [r.name for r in self.rules if r.kind == kind]
            graph = {name: [t for t, _ in edges.get(name, ())] for name in names}
            circle = _circle(graph)
            if circle:
                first = next(ref for t, ref in edges[circle[0]] if t == circle[1])
                self.report(
                    "check.quantity-cycle",
                    f"these {kind} rules read each other in a circle: " + " → ".join(circle),
                    first.span,
                    "a rule cannot be decided from itself; read what the other rule reads instead",
                )

    def refuse_result(self, ref: n.Reference, reader: str) -> None:
        """A quantity read where it is not known yet: a measure or a coefficient reads no bonus, a bonus no
        deduction, a deduction no veto."""
        written = f"{ref.quantity}({ref.target})"
        what = _RESULT_WHAT[ref.quantity]
        self.report(
            "check.reference-scope",
            f"{reader} cannot read `{written}`: it is decided before {what}",
            ref.span,
            f"read `{written}` in {_RESULT_WHERE[ref.quantity]}",
        )

    def check_subtotal(self, ref: n.Reference, rule: n.Rule, classes: set[str], compared: bool) -> None:
        """`subtotal(C)` in a rule: C is a category weighted in every class the rule applies to, and the
        subtotals are known where the rule reads it."""
        if rule.kind == "coefficient":
            self.refuse_subtotal(
                ref, f"a coefficient cannot read `subtotal({ref.target})`: a coefficient is applied to the subtotals"
            )
            return
        if compared and rule.kind not in ("award", "commendation"):  # a bonus, a veto, a deduction
            self.report(
                "check.reference-scope",
                f"`subtotal({ref.target})` cannot be compared across the class in {rule.kind} `{rule.name}`: "
                "the class's subtotals are not known before its totals",
                ref.span,
                "compare subtotals in an award or a commendation, decided after the ranking",
            )
            return
        if ref.target not in self.categories:
            help_text = suggest(ref.target, list(self.categories)) or "name a category"
            self.report("check.unknown-name", f"no category is named `{ref.target}`", ref.span, help_text)
            return
        for class_name in sorted(classes):
            unit_class = self.classes.get(class_name)
            if unit_class is not None and ref.target not in {s.category for s in unit_class.shares}:
                self.report(
                    "check.reference-scope",
                    f"`{ref.target}` is not scored for class `{class_name}`, where `{rule.name}` reads its score",
                    ref.span,
                    f"limit `{rule.name}` with `for` to the classes `{ref.target}` is scored for",
                )
                return

    def refuse_subtotal(self, ref: n.Reference, message: str) -> None:
        self.report(
            "check.reference-scope",
            message,
            ref.span,
            "read a category's subtotal in a veto, a deduction, an award or a commendation",
        )

    def measure_classes(self, category: n.Category, measure: n.Measure) -> set[str]:
        """The classes a measure is scored for: its category is weighted in them, and its `for` names them."""
        return {
            name
            for name, unit_class in self.classes.items()
            if category.name in {s.category for s in unit_class.shares}
            and (not measure.classes or name in measure.classes)
        }

    def class_wide_statement(self, statement: n.Statement) -> bool:
        if isinstance(statement, n.Input):
            return statement.missing is not None and statement.missing.rule == "peer_avg"
        return any(
            isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer
            for expr, _ in _statement_expressions((statement,))
            for node in walk(expr)
        )


def _bodies(measure: n.Measure) -> Iterator[n.Statement]:
    """A measure's statements and its sub-items'."""
    for statement in measure.body:
        if isinstance(statement, n.Measure):
            yield from _bodies(statement)
        else:
            yield statement


def _name_span(declaration: n.Input | n.Let | n.Const | n.Function | n.Category) -> Span:
    """The name a declaration's span starts with."""
    span = declaration.span
    return Span(span.file, span.line, span.column, span.line, span.column + len(declaration.name))


def _statement_expressions(body: Iterable[n.Statement]) -> Iterator[tuple[n.Expr, bool]]:
    """Every expression of a body (sub-items' included), and whether it may read a measure's score: an
    input's default is read with the data, before anything is scored."""
    for statement in body:
        match statement:
            case n.Measure():
                yield from _statement_expressions(statement.body)
            case n.Input(missing=n.Missing(default=default)) if default is not None:
                yield default, False
            case n.Tally(done=done, total=total):
                yield done, True
                yield total, True
            case (
                n.Let()
                | n.Score()
                | n.Completed()
                | n.When()
                | n.Amount()
                | n.Reduce()
                | n.Eligible()
                | n.Factor()
                | n.BonusPoints()
                | n.MoneyFormula()
            ):
                yield statement.expr, True


def _compared_references(expr: n.Expr, lets: dict[str, n.Expr]) -> list[n.Reference]:
    """The references inside the arguments of class-wide calls in `expr`, following the rule's lets."""
    return [
        ref
        for node in walk(expr)
        if isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer
        for arg in node.args
        for ref in _references_through(arg, lets)
    ]


# The references to quantities of the unit's result beyond the measures and categories: the total before
# bonus and deductions (`subtotal()`), a bonus's or deduction's points (or the whole of them), a veto fired.
_RESULT_REFERENCES = frozenset({"bonus", "deduction", "vetoed"})
_RESULT_READERS = {
    "subtotal": ("bonus", "deduction", "veto", "award", "commendation"),
    "bonus": ("bonus", "deduction", "veto", "award", "commendation"),
    "deduction": ("deduction", "veto", "award", "commendation"),
    "vetoed": ("veto", "award", "commendation"),
}
_RESULT_KINDS = {"subtotal": "", "bonus": "bonus", "deduction": "deduction", "vetoed": "veto"}
_RESULT_WHAT = {
    "subtotal": "the subtotals are summed",
    "bonus": "the bonuses are counted",
    "deduction": "the deductions are taken",
    "vetoed": "any veto is tested",
}
_RESULT_WHERE = {
    "subtotal": "a bonus, a deduction, a veto, an award or a commendation",
    "bonus": "a bonus, a deduction, a veto, an award or a commendation",
    "deduction": "a deduction, a veto, an award or a commendation",
    "vetoed": "a veto, an award or a commendation",
}


def _result_reference(ref: n.Reference) -> bool:
    return ref.quantity in _RESULT_REFERENCES or (ref.quantity == "subtotal" and not ref.target)


def _adjustment(measure: n.Measure) -> bool:
    """An adjustment item (加扣分项): an indicator of `points 0`, whose score is added as it is."""
    return measure.kind == "indicator" and measure.points is not None and measure.points == 0


def _names(expr: n.Expr) -> list[str]:
    return [node.name for node in walk(expr) if isinstance(node, n.Name)]


def _references(expr: n.Expr) -> list[n.Reference]:
    return [node for node in walk(expr) if isinstance(node, n.Reference)]


def _lets(body: Iterable[n.Statement]) -> dict[str, n.Expr]:
    """The `let`s of a body (a sub-item's included, as `_statement_expressions` reads them), by name."""
    found: dict[str, n.Expr] = {}
    for statement in body:
        if isinstance(statement, n.Measure):
            found.update(_lets(statement.body))
        elif isinstance(statement, n.Let):
            found[statement.name] = statement.expr
    return found


def _references_through(expr: n.Expr, lets: dict[str, n.Expr]) -> list[n.Reference]:
    """The quantities `expr` reads (`score(M)`, …), directly or through the `let`s of its body it reads:
    what a class-wide call over it depends on."""
    found: list[n.Reference] = []
    pending, seen = [expr], set()
    while pending:
        current = pending.pop()
        for node in walk(current):
            if isinstance(node, n.Reference):
                found.append(node)
            elif isinstance(node, n.Name) and node.name in lets and node.name not in seen:
                seen.add(node.name)
                pending.append(lets[node.name])
    return found


# ------------------------------------------------------------ assumptions


@attrs.frozen
class Stated:
    """An assumption the policy states, with what it belongs to (`veto 安全`, `indicator 增速`)."""

    owner: str
    assumption: n.Assumption


def assumptions(effective: Effective) -> list[Stated]:
    """Every `assume` of the effective policy, in declaration order: what `check` lists, so that a reader
    sees each decision the method's source left open."""
    found: list[Stated] = []

    def body(owner: str, statements: tuple[object, ...]) -> None:
        for statement in statements:
            if isinstance(statement, n.Assumption):
                found.append(Stated(owner, statement))
            elif isinstance(statement, n.Measure):
                body(f"{statement.kind} {statement.name}", statement.body)

    if effective.header is not None:
        body("policy", effective.header.assumptions)
    for declaration in effective.declarations:
        if isinstance(declaration, n.Category):
            for measure in declaration.measures:
                body(f"{measure.kind} {measure.name}", measure.body)
        elif isinstance(declaration, n.Rule):
            body(f"{declaration.kind} {declaration.name}", declaration.body)
        elif isinstance(declaration, n.Grades):
            body("grades", declaration.assumptions)
    return found


def _literal(expr: n.Expr) -> bool:
    """A value written out (what data.literal reads): a number, maybe negative, a boolean or a date."""
    match expr:
        case n.Number() | n.Boolean() | n.Date():
            return True
        case n.Unary(op="-", operand=n.Number()):
            return True
    return False


def _circle(edges: dict[str, list[str]]) -> list[str]:
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


def _file_start(files: tuple[str, ...]) -> Span:
    return Span(files[-1] if files else "<policy>", 1, 1, 1, 1)


def _span(statement: object, fallback: Span) -> Span:
    span = getattr(statement, "span", NO_SPAN)
    return fallback if span is NO_SPAN else span


def _fmt(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ratio(shares: tuple[n.Share, ...]) -> str:
    return "the categories are " + " : ".join(
        f"{s.category} {_fmt(s.amount)}{'%' if s.percent else ''}" for s in shares
    )


def _written(expr: n.Expr) -> Decimal | None:
    """A literal default's number as the data would hold it (`80%` is 80, like the data), else None."""
    match expr:
        case n.Number(value=value):
            return value
        case n.Unary(op="-", operand=n.Number(value=value)):
            return -value
    return None


def _dates(node: object) -> Iterator[n.Date]:
    """Every date literal inside a declaration."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, n.Date):
            yield current
        elif isinstance(current, tuple):
            pending.extend(current)
        elif attrs.has(type(current)):
            pending.extend(getattr(current, field.name) for field in attrs.fields(type(current)))  # type: ignore[arg-type]
