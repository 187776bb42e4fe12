"""Positions and paths between targetdsl and LSP. targetdsl counts columns in code points and ends lines
at `\\n`; LSP ends lines at `\\r\\n`, `\\r`, `\\n` and counts columns in the code units the editor and the
server agreed on (UTF-16 unless the editor offers another; recent Neovim offers UTF-8). A name after a character
beyond the Basic Multilingual Plane, or after Chinese in UTF-8, is still found; a Windows URI names a
Windows path."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest
from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from targetdsl.authoring.lsp import (
    PolicyServer,
    client_column,
    column_of,
    lines_of,
    offset_of,
    path_to_uri,
    to_range,
    uri_to_path,
    word_at,
)
from targetdsl.source import Span
from tests.test_lsp import Client

RARE = "\U00020000"  # 𠀀, CJK Extension B: two UTF-16 units, four UTF-8 bytes, one code point
EMOJI = "\U0001f4ca"  # 📊, beyond the Basic Multilingual Plane as well
LINE = f'    indicator {RARE}路 "{RARE}{EMOJI}" points 10 {{ input 收入: number score 收入 }}'
UTF8 = PositionCodec(lsp.PositionEncodingKind.Utf8)
UTF16 = PositionCodec(lsp.PositionEncodingKind.Utf16)
UTF32 = PositionCodec(lsp.PositionEncodingKind.Utf32)
ENCODED = {UTF8: "utf-8", UTF16: "utf-16-le", UTF32: "utf-32-le"}
WIDTH = {UTF8: 1, UTF16: 2, UTF32: 4}


ROW = 10  # the indicator's line in `policy`


def policy(label: str, title: str) -> str:
    """A small policy whose line ROW is `    indicator 收入 LABEL points 100 { … score 完成 }`."""
    text = (
        f'policy "{title}" {{\n    year 2003\n    status draft\n}}\n\n'
        "class 县区 {\n    定量 100\n}\n\n"
        f"category 定量 {{\n    indicator 收入 {label} points 100 {{ input 完成: number  score 完成 }}\n}}\n\n"
        "grades {\n    好 >= 60\n    差 < 60\n}\n"
    )
    assert text.splitlines()[ROW].startswith("    indicator 收入")
    return text


@pytest.mark.parametrize("codec", [UTF8, UTF16, UTF32], ids=["utf-8", "utf-16", "utf-32"])
def test_columns_convert_both_ways_in_every_encoding(codec: PositionCodec) -> None:
    for index in range(len(LINE) + 1):
        units = client_column(LINE, index, codec)
        assert units == len(LINE[:index].encode(ENCODED[codec])) // WIDTH[codec]
        assert column_of(LINE, units, codec) == index
    assert column_of(LINE, 10_000, codec) == len(LINE)  # past the end: the end


def test_a_column_inside_a_rare_characters_units_is_after_it() -> None:
    at = LINE.index(RARE)
    assert column_of(LINE, client_column(LINE, at) + 1) == at + 1
    assert column_of(LINE, client_column(LINE, at, UTF8) + 2, UTF8) == at + 1


def test_a_word_after_a_rare_character_is_found_where_the_editor_points() -> None:
    index = LINE.index("收入")
    text = "policy\n" + LINE + "\n"
    for codec in (UTF8, UTF16, UTF32):
        position = lsp.Position(line=1, character=client_column(LINE, index, codec) + 1)
        assert word_at(text, position, codec) == "收入"
    position = lsp.Position(line=1, character=client_column(LINE, index) + 1)
    assert offset_of(text, position) == len("policy\n") + index + 1


def test_a_span_after_a_rare_character_is_sent_in_the_editors_units() -> None:
    index = LINE.index("收入")
    span = Span("p.tdsl", 2, index + 1, 2, index + 3)
    lines = lines_of("policy\n" + LINE + "\n")
    got = to_range(span, lines)
    # three characters beyond the plane before it, two UTF-16 units each
    assert (got.start.line, got.start.character, got.end.character) == (1, index + 3, index + 5)
    utf8 = to_range(span, lines, UTF8)
    assert utf8.start.character == len(LINE[:index].encode("utf-8"))
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
    assert sent.range.start.character == index + 3
    sent = PolicyServer.convert(diagnostic, "p.tdsl", lines=[LINE], codec=UTF8)
    assert sent.range.start.character == len(LINE[:index].encode("utf-8"))


@pytest.mark.parametrize(
    ("uri", "path"),
    [
        ("file:///C:/Users/%E5%8A%9E%E5%85%AC%E5%AE%A4/2003.tdsl", r"c:\Users\办公室\2003.tdsl"),
        ("file:///c%3A/Users/kao%20he/2003.tdsl", r"c:\Users\kao he\2003.tdsl"),  # as VS Code writes it
        ("file://fileserver/kaohe/2003.tdsl", r"\\fileserver\kaohe\2003.tdsl"),  # a share
    ],
)
def test_a_windows_uri_names_a_windows_path(uri: str, path: str) -> None:
    found = uri_to_path(uri)
    assert found is not None
    assert PureWindowsPath(str(found)) == PureWindowsPath(path)


def test_uris_of_posix_paths_and_other_schemes() -> None:
    assert uri_to_path("file:///home/%E5%8A%9E/a%20b.tdsl") == Path("/home/办/a b.tdsl")
    assert uri_to_path("untitled:Untitled-1") is None
    assert path_to_uri("/home/办/a b.tdsl") == "file:///home/%E5%8A%9E/a%20b.tdsl"


def test_the_server_speaks_utf8_to_an_editor_that_offers_it(tmp_path: Path) -> None:
    """Recent Neovim offers UTF-8 first: the server agrees to it, and its ranges and the positions it reads are
    in bytes. A name after Chinese, an emoji and 𠀀 on its line is found, hovered and underlined there."""
    text = policy(f'"{EMOJI}{RARE}财政收入"', f"{RARE}{EMOJI}考核")
    broken = text.replace("score 完成", "score 完陈")
    client = Client()
    try:
        answer = client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": tmp_path.as_uri(),
                "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
            },
        )
        assert answer["capabilities"]["positionEncoding"] == "utf-8"
        client.notify("initialized", {})
        uri = (tmp_path / "p.tdsl").as_uri()
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "targetdsl", "version": 1, "text": broken}},
        )
        diagnostics = client.wait("textDocument/publishDiagnostics")["params"]["diagnostics"]
        unknown = next(d for d in diagnostics if d["code"] == "check.unknown-name")
        line = broken.splitlines()[ROW]
        start = len(line[: line.index("完陈")].encode("utf-8"))
        assert unknown["range"]["start"] == {"line": ROW, "character": start}
        assert unknown["range"]["end"] == {"line": ROW, "character": start + len("完陈".encode())}

        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]},
        )
        assert client.wait("textDocument/publishDiagnostics")["params"]["diagnostics"] == []
        line = text.splitlines()[ROW]
        at = len(line[: line.rindex("完成")].encode("utf-8")) + 3  # inside the name, after its first character
        hover = client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": ROW, "character": at}}
        )
        assert "完成" in hover["contents"]["value"]
        found = client.request(
            "textDocument/definition", {"textDocument": {"uri": uri}, "position": {"line": ROW, "character": at}}
        )
        assert found[0]["uri"] == uri
        declared = len(line[: line.index("完成")].encode("utf-8"))
        assert found[0]["range"]["start"]["character"] <= declared < found[0]["range"]["end"]["character"]
    finally:
        client.close()


def test_a_document_opened_by_a_windows_uri_is_checked_and_answered(tmp_path: Path) -> None:
    """An editor on Windows names a document `file:///c%3A/…`: it is checked under its Windows path, and
    go-to-definition within it answers with the URI the editor wrote."""
    text = policy('"财政收入"', "考核")
    uri = "file:///c%3A/Users/kaohe/2003.tdsl"
    client = Client()
    try:
        client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "targetdsl", "version": 1, "text": text}},
        )
        published = client.wait("textDocument/publishDiagnostics")["params"]
        assert published == {"uri": uri, "diagnostics": []}
        line = text.splitlines()[ROW]
        found = client.request(
            "textDocument/definition",
            {"textDocument": {"uri": uri}, "position": {"line": ROW, "character": line.rindex("完成")}},
        )
        assert [location["uri"] for location in found] == [uri]
    finally:
        client.close()
