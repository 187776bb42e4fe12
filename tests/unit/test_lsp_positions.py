"""Positions between targetdsl (code points, lines ended by `\\n`) and LSP (UTF-16 units; lines ended by
`\\r\\n`, `\\r`, `\\n`): a name after a character beyond the Basic Multilingual Plane is still found."""

from __future__ import annotations

from lsprotocol import types as lsp

from targetdsl.lsp import PolicyServer, code_point_index, lines_of, offset_of, to_range, utf16_column, word_at
from targetdsl.source import Span

RARE = "\U00020000"  # 𠀀, CJK Extension B: two UTF-16 units, one code point
LINE = f'    indicator {RARE}路 "{RARE}" points 10 {{ input 收入: number score 收入 }}'


def test_columns_convert_both_ways_across_a_rare_character() -> None:
    for index in range(len(LINE) + 1):
        units = utf16_column(LINE, index)
        assert units == len(LINE[:index].encode("utf-16-le")) // 2
        assert code_point_index(LINE, units) == index


def test_a_word_after_a_rare_character_is_found_where_the_editor_points() -> None:
    index = LINE.index("收入")
    position = lsp.Position(line=1, character=utf16_column(LINE, index) + 1)
    text = "policy\n" + LINE + "\n"
    assert word_at(text, position) == "收入"
    assert offset_of(text, position) == len("policy\n") + index + 1


def test_a_span_after_a_rare_character_is_sent_in_utf16_units() -> None:
    index = LINE.index("收入")
    span = Span("p.tdsl", 2, index + 1, 2, index + 3)
    got = to_range(span, lines_of("policy\n" + LINE + "\n"))
    assert (got.start.line, got.start.character, got.end.character) == (1, index + 2, index + 4)
    assert to_range(span).start.character == index  # without the text: code points, as before


def test_lines_end_only_where_lsp_ends_them() -> None:
    assert lines_of("a\x0cb\u2028c\r\nd\re\nf") == ["a\x0cb\u2028c", "d", "e", "f"]
    text = "x\x0cy\nscore 收入\n"
    assert word_at(text, lsp.Position(line=1, character=7)) == "收入"


def test_diagnostics_are_converted_with_the_documents_lines() -> None:
    from targetdsl.diagnostics import Diagnostic, Severity

    index = LINE.index("收入")
    diagnostic = Diagnostic("check.unknown-name", Severity.ERROR, "m", Span("p.tdsl", 1, index + 1, 1, index + 3))
    sent = PolicyServer.convert(diagnostic, "p.tdsl", lines=[LINE])
    assert sent.range.start.character == index + 2  # two rare characters before it, two units each
