from targetdsl.diagnostics import PolicyError, error, render, warning
from targetdsl.source import NO_SPAN, Span, display_width


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("县区") == 4
    assert display_width("定量：") == 6


def test_caret_lines_up_under_chinese_text() -> None:
    text = "class 县区 { 定量：40 }\n"
    diagnostic = error("syntax.full-width-punctuation", "full-width", Span("a.tdsl", 1, 14, 1, 15), "use `:`")
    lines = render(diagnostic, {"a.tdsl": text}).splitlines()
    assert lines[0] == "a.tdsl:1:14: error[syntax.full-width-punctuation]: full-width"
    source_line, caret_line = lines[2], lines[3]
    prefix = source_line.index("|") + 2
    assert display_width(source_line[prefix:].split("：")[0]) == caret_line.index("^") - prefix
    assert caret_line.count("^") == 2  # one wide character
    assert lines[4] == "  help: use `:`"


def test_render_without_source_or_position() -> None:
    assert render(warning("check.unused-input", "unused", NO_SPAN), {}) == (
        "<none>: warning[check.unused-input]: unused"
    )
    assert render(error("load.unreadable", "missing", Span("x.tdsl", 0, 0, 0, 0)), {}) == (
        "x.tdsl: error[load.unreadable]: missing"
    )


def test_policy_error_summarises_the_first_error() -> None:
    first = error("check.unknown-name", "unknown name `x`", Span("a.tdsl", 3, 5, 3, 6))
    second = error("check.cycle", "cycle", Span("a.tdsl", 9, 1, 9, 2))
    exc = PolicyError([warning("check.unused-input", "w", NO_SPAN), first, second])
    assert str(exc) == "a.tdsl:3:5: unknown name `x` (and 1 more error)"
    assert exc.diagnostics[1] is first
