"""The checker's passes over the policy as a whole: its header (year, status, scale, rounding),
the names it declares where a file written with Chinese keywords would read a built-in in their
place, and its user-defined functions (name, parameters, body, no call of itself). The sound
functions are handed to the expression checker, which types each call through its expansion.
These passes report; they never change the policy.
"""

from __future__ import annotations

from targetdsl.keywords import Language, english_builtin
from targetdsl.language import nodes as n
from targetdsl.language.checks_references import measure_statements
from targetdsl.language.checks_state import Checker, file_start, find_circle
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.typecheck import suggest, walk
from targetdsl.source import Span

STATUSES = ("draft", "adopted")
ROUNDING_MODES = ("half_up", "half_even", "down", "up")
ROUNDING_STAGES = ("indicator", "category", "total", "money")


def check_header(checker: Checker) -> None:
    header = checker.policy.header
    if header is None:
        files = checker.policy.files
        checker.report(
            "check.missing-header",
            "the policy has no `policy { … }` header",
            file_start(files),
            'start the file with `policy "title" { year 2003 status draft }`',
        )
        return
    if header.year is None:
        checker.report(
            "check.missing-field",
            "the header does not say which year the policy assesses",
            header.span,
            "add `year 2003` inside `policy { … }`",
        )
    elif not 1949 <= header.year.value <= 2200:
        checker.report(
            "check.bad-value", f"year {header.year.value} is not a plausible assessment year", header.year.span
        )
    if header.status is None:
        checker.report(
            "check.missing-field",
            "the header does not give the policy's status",
            header.span,
            "add `status draft` (for comment) or `status adopted`",
        )
    elif header.status.value not in STATUSES:
        checker.report(
            "check.bad-value",
            f"unknown status `{header.status.value}`",
            header.status.span,
            suggest(header.status.value, list(STATUSES)) or "status is `draft` or `adopted`",
        )
    if header.scale is not None and header.scale.points <= 0:
        checker.report("check.bad-value", "the point scale must be positive", header.scale.span)
    rounding = header.rounding
    if rounding is not None:
        if rounding.mode not in ROUNDING_MODES:
            checker.report(
                "check.bad-value",
                f"unknown rounding mode `{rounding.mode}`",
                rounding.span,
                checker.terms_hint("rounding", rounding.mode, ROUNDING_MODES, rounding.span, "rounding modes: "),
            )
        if not 0 <= rounding.places <= 6:
            checker.report("check.bad-value", f"rounding to {rounding.places} places; use 0 to 6", rounding.span)
        for stage in rounding.stages:
            if stage not in ROUNDING_STAGES:
                checker.report(
                    "check.bad-value",
                    f"unknown rounding stage `{stage}`",
                    rounding.span,
                    checker.terms_hint("stage", stage, ROUNDING_STAGES, rounding.span, "stages: "),
                )


# -- names spelled like a built-in's Chinese form


def check_builtin_names(checker: Checker) -> None:
    """In a policy a file of which is written with Chinese keywords, no name is declared where such a
    file would read a built-in's Chinese form in its place: a unit input or constant named like a value
    (`总分`), a function like a function (`最小`), a category like a key of `ties` or a coefficient's
    `on` (`单位编号`), which any file of the policy may read; and, in a file written with Chinese
    keywords, a measure's or rule's own input or let, or a function's parameter, named like a value
    (read only in the declaration's own file)."""
    if Language.CHINESE not in checker.policy.keywords.values():
        return
    declared: list[tuple[str, str, Span]] = []  # name, where a Chinese file would read it, where declared
    local: list[tuple[str, Span]] = []  # names read only in their own file
    for declaration in checker.policy.declarations:
        match declaration:
            case n.Input() | n.Const():
                declared.append((declaration.name, "value", _name_span(declaration)))
            case n.Function():
                declared.append((declaration.name, "call", _name_span(declaration)))
                local += [(param, declaration.span) for param in declaration.params]
            case n.Category():
                declared.append((declaration.name, "key", _name_span(declaration)))
                for measure in declaration.measures:
                    local += [
                        (s.name, _name_span(s)) for s in measure_statements(measure) if isinstance(s, (n.Input, n.Let))
                    ]
            case n.Rule():
                local += [(s.name, _name_span(s)) for s in declaration.body if isinstance(s, (n.Input, n.Let))]
    chinese = [
        (name, "value", span) for name, span in local if checker.policy.keyword_language(span) is Language.CHINESE
    ]
    for name, place, span in declared + chinese:
        english = english_builtin(place, name)
        if english != name:
            checker.report(
                "check.builtin-name",
                f"`{name}` is a built-in name in a file written with Chinese keywords (in English, {english})",
                span,
                f"rename it (`{name}项`, say) where it is declared and wherever it is used: "
                f"a file written with Chinese keywords reads `{name}` as the built-in",
            )


# -- user-defined functions


def check_functions(checker: Checker) -> None:
    """Each `function`: a name no built-in has, parameters named once, a body that reads only them and
    calls no class-wide function, and no call of itself, directly or through others. The sound ones
    are handed to the expression checker, which types each call through its expansion."""
    functions = [d for d in checker.policy.declarations if isinstance(d, n.Function)]
    defined = {f.name for f in functions}
    refused: set[str] = set()
    calls: dict[str, list[str]] = {}
    for function in functions:
        problems = len(checker.diagnostics)
        if function.name in FUNCTIONS:
            checker.report(
                "check.duplicate-name",
                f"`{function.name}` is a built-in function",
                function.span,
                "give the function a name of its own",
            )
        elif function.name in n.REFERENCES:  # `bonus(x)` reads a bonus: a function so named is never called
            checker.report(
                "check.duplicate-name",
                f"`{function.name}(…)` reads a quantity of the unit's result",
                function.span,
                "give the function a name of its own",
            )
        seen: set[str] = set()
        for param in function.params:
            if param in seen:
                checker.report(
                    "check.duplicate-name",
                    f"the parameter `{param}` of `{function.name}` is named twice",
                    function.span,
                    "name each parameter once",
                )
            seen.add(param)
        for node in walk(function.expr):
            if isinstance(node, n.Name) and node.name not in seen:
                checker.report(
                    "check.unknown-name",
                    f"`{node.name}` is not a parameter of `{function.name}`",
                    node.span,
                    suggest(node.name, sorted(seen))
                    or "a function reads only its parameters: pass the value as an argument",
                )
            elif isinstance(node, n.Call) and node.function in FUNCTIONS and FUNCTIONS[node.function].peer:
                checker.report(
                    "check.peer-in-function",
                    f"`{node.function}` needs the unit's whole class, but function `{function.name}` "
                    "is computed from its arguments alone",
                    node.span,
                    "pass the class-wide value as an argument where the function is called",
                )
            elif isinstance(node, n.Call) and node.function in defined:
                calls.setdefault(function.name, []).append(node.function)
        if len(checker.diagnostics) > problems:
            refused.add(function.name)
    circle = find_circle(calls)
    while circle:
        names = " → ".join(f"`{name}`" for name in circle)
        first = next(f for f in functions if f.name == circle[0])
        checker.report(
            "check.cycle",
            f"function `{circle[0]}` calls itself: {names}",
            first.span,
            "a function may call others, never itself (there is no recursion)",
        )
        refused.update(circle)
        calls = {name: [c for c in called if c not in refused] for name, called in calls.items() if name not in refused}
        circle = find_circle(calls)
    # a function that calls a refused one is refused too, silently: the refused one is reported
    changed = True
    while changed:
        changed = False
        for name, called in calls.items():
            if name not in refused and any(c in refused for c in called):
                refused.add(name)
                changed = True
    checker.expressions.functions = {
        f.name: None if f.name in refused else f for f in functions if f.name not in FUNCTIONS
    }


def _name_span(declaration: n.Input | n.Let | n.Const | n.Function | n.Category) -> Span:
    """The name a declaration's span starts with."""
    span = declaration.span
    return Span(span.file, span.line, span.column, span.line, span.column + len(declaration.name))
