"""`targetdsl lsp`: a language server over stdio for editors.

Diagnostics as the author types (the checker's, with codes and hints);
hover on a name shows its definition — points, weights per class, the file
it is inherited from through `extends`, for an input the one of the measure
the cursor is in; go to definition (across `extends` files); completion by
context (classes after `for`, grades after `cap grade`, a measure's own
inputs inside it, …); whole-document formatting; an outline of classes,
categories, indicators and rules.

While the author types, the buffer seldom parses: completion and hover then
answer from the last version of the document that parsed, and read the
context (the blocks open at the cursor, the words before it) from the text
alone.

Positions: LSP counts lines by `\r\n`, `\r` and `\n`, and columns in the
code units of the encoding the editor and server agreed on at start (UTF-16
unless the editor offers another: recent Neovim offers UTF-8 first, where a Chinese
character is three units); targetdsl counts columns in code points. Every
position crossing the boundary goes through pygls's position codec for the
session (`column_of`, `client_column`) with the line's text, so names after
a CJK character or one outside the Basic Multilingual Plane (the rarer
ideographs of Extension B, found in some place names) are where the editor
points. URIs and paths are converted by pygls's helpers (`pygls.uris`):
Windows drive letters (`file:///c%3A/…`) and UNC shares included.

Standard input is read through `BoundedInput`: a message may not claim more
than MAX_MESSAGE_BYTES, nor a header line run on without end. A message
over the bound is skipped with a line on standard error, and the server
reads on from the next header: an editor's (or anyone's) bad message never
ends the server, nor makes it allocate what a header claims.
"""

from __future__ import annotations

import enum
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

import attrs
from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.server import LanguageServer
from pygls.workspace import PositionCodec

from targetdsl import __version__
from targetdsl.api import Report, check_text
from targetdsl.diagnostics import HELP_WORDS, Diagnostic, PolicyError, Severity, worded
from targetdsl.files import FileReadError, resolve
from targetdsl.keywords import (
    BUILTINS,
    BY_CONCEPT,
    CHINESE,
    ENGLISH,
    KEYWORDS,
    NAME_PATTERN,
    TERMS,
    Language,
    builtin_of,
    detect,
    english_word,
    keyword_of,
    keyword_set,
    names_of,
    quoted_in,
)
from targetdsl.language import nodes as n
from targetdsl.language.formatter import INDENT, FormatError, Printer, format_policy
from targetdsl.language.functions import FUNCTIONS
from targetdsl.language.inheritance import MAX_FILE_BYTES, Effective
from targetdsl.messages import translate
from targetdsl.source import Span

NAME_CHARS = re.compile(r"[A-Za-z0-9_\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")


UTF16 = PositionCodec()  # the encoding of LSP positions when the editor offers no other


def uri_to_path(uri: str) -> Path | None:
    """The file a `file:` URI names (a Windows drive or share as Windows writes it); None for any other."""
    path = uris.to_fs_path(uri)
    return Path(path) if path else None


def path_to_uri(path: str) -> str:
    uri = uris.from_fs_path(os.path.abspath(path))
    if uri is None:  # pygls returns None for what is no path; a span's file always is one
        raise ValueError(f"not a path: {path!r}")
    return str(uri)


_EXTENDS = re.compile(
    r"\s*(?:" + re.escape(ENGLISH.word("extends")) + "|" + re.escape(CHINESE.word("extends")) + r")\s"
)


def extends_line(lines: list[str]) -> int | None:
    """The 1-based line of the document's `extends` (继承), or None."""
    for number, line in enumerate(lines, 1):
        if _EXTENDS.match(line):
            return number
    return None


def lines_of(text: str) -> list[str]:
    """The lines of a document as LSP counts them: ended by `\r\n`, `\r` or `\n` only (not by the form
    feeds and separators `str.splitlines` also breaks at)."""
    return _LINE_END.split(text)


def client_column(line: str, index: int, codec: PositionCodec = UTF16) -> int:
    """The editor's column (in the session's code units) of code point `index` in `line`."""
    return int(codec.client_num_units(line[:index]))


def column_of(line: str, character: int, codec: PositionCodec = UTF16) -> int:
    """The code point index of the editor's column `character` in `line`: past the end, the end; inside
    the units of one character, after it."""
    if character >= codec.client_num_units(line):
        return len(line)
    # the codec clamps a column past the end by changing the position it is given: it gets its own
    return codec.position_from_client_units([line], lsp.Position(line=0, character=character)).character


def to_range(span: Span, lines: list[str] | None = None, codec: PositionCodec = UTF16) -> lsp.Range:
    """A span as LSP counts it; `lines`, the document's, put its columns in the session's code units
    (without them, columns stay code points)."""

    def position(line: int, column: int) -> lsp.Position:
        line, column = max(line - 1, 0), max(column - 1, 0)
        if lines is not None and line < len(lines):
            column = client_column(lines[line], column, codec)
        return lsp.Position(line=line, character=column)

    start = position(span.line, span.column)
    if span.end_line >= span.line and span.end_line > 0:
        end = position(span.end_line, span.end_column)
    else:
        end = lsp.Position(line=start.line, character=start.character + 1)
    return lsp.Range(start=start, end=end)


class PolicyServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("targetdsl", __version__)
        self.reports: dict[str, Report] = {}
        # The last policy each document parsed to: while the author types, the buffer rarely parses,
        # and completion and hover still know the names declared.
        self.last_good: dict[str, Effective] = {}
        self.root: Path | None = None  # `targetdsl lsp --root DIR`
        self.language = Language.ENGLISH  # of the messages: `targetdsl lsp --lang`, or the locale

    def analyse(self, uri: str, text: str) -> Report:
        path = uri_to_path(uri)
        name = str(path) if path is not None else uri
        base = path.parent if path is not None else None
        root = self.confinement(base) if base is not None else None
        report = check_text(text, name=name, base=base, root=root, opened=self.open_policies(uri))
        self.reports[uri] = report
        if report.effective is not None:
            self.last_good[uri] = report.effective
        return report

    def open_policies(self, but: str) -> dict[Path, str]:
        """The text of every other policy the editor has open, by resolved path: a policy extending one
        of them is checked against the text being edited, not the one saved."""
        opened: dict[Path, str] = {}
        try:
            documents = self.workspace.text_documents
        except RuntimeError:  # pygls: no workspace before the editor initialised the server
            return opened
        for uri, document in documents.items():
            path = uri_to_path(uri)
            if uri != but and path is not None and path.suffix.lower() == ".tdsl":
                try:
                    opened[path.resolve()] = document.source
                except OSError:  # a path that cannot be resolved: read as saved, if at all
                    continue
        return opened

    def dependents(self, uri: str) -> list[str]:
        """The other open documents whose `extends` chain reads `uri`'s file: checked again when it changes."""
        path = uri_to_path(uri)
        if path is None:
            return []
        target = os.path.abspath(path)
        return [
            other
            for other, report in self.reports.items()
            if other != uri and any(os.path.abspath(file) == target for file in report.sources)
        ]

    def confinement(self, directory: Path) -> Path:
        """The directory a document's `extends` may not leave: `--root` when given, else the
        outermost workspace folder the editor opened that holds the document, else its own directory."""
        if self.root is not None:
            return self.root
        try:
            here = resolve(directory)
            folders = sorted((resolve(folder) for folder in self.workspace_folders()), key=lambda p: len(p.parts))
        except FileReadError:
            return directory
        return next((folder for folder in folders if here.is_relative_to(folder)), directory)

    @property
    def codec(self) -> PositionCodec:
        """How the editor counts columns: the position encoding agreed at start (UTF-16 before)."""
        try:
            return self.workspace.position_codec
        except RuntimeError:  # not initialised yet
            return UTF16

    def workspace_folders(self) -> list[Path]:
        try:
            workspace = self.workspace
        except RuntimeError:  # not initialised yet
            return []
        uris = [folder.uri for folder in workspace.folders.values()]
        if workspace.root_uri:
            uris.append(workspace.root_uri)
        return [path for path in map(uri_to_path, uris) if path is not None]

    def publish(self, uri: str, report: Report) -> None:
        path = uri_to_path(uri)
        own = str(path) if path is not None else uri
        text = _opened(self, uri)
        lines = lines_of(text) if text is not None else None
        at = extends_line(lines) if lines is not None else None
        items = [
            self.convert(d, own, language=self.language, lines=lines, at=at, codec=self.codec, sources=report.sources)
            for d in report.diagnostics
        ]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    @staticmethod
    def convert(
        diagnostic: Diagnostic,
        own: str,
        *,
        language: Language = Language.ENGLISH,
        lines: list[str] | None = None,
        at: int | None = None,
        codec: PositionCodec = UTF16,
        sources: Mapping[str, str] | None = None,
    ) -> lsp.Diagnostic:
        """One diagnostic for the editor; a problem in a file this one extends is shown on its `extends`
        line (`at`, 1-based), or else on the first, naming where it is. The code it quotes is written in
        the keywords of the file it is about (`sources`: the policy's texts by file; without them, `lines`
        are the text of `own`)."""
        if sources is None:
            sources = {own: "\n".join(lines)} if lines is not None else {}
        source = sources.get(diagnostic.span.file)
        message = worded(diagnostic.message, language, source, sources.values())
        if diagnostic.help:
            message += f"\n{HELP_WORDS[language]}{worded(diagnostic.help, language, source, sources.values())}"
        span = diagnostic.span
        if span.file != own:
            # A problem in a file this one extends: shown at the top, naming where it is.
            message = f"{span}: {message}"
            line = at if at is not None else 1
            width = len(lines[line - 1]) if lines is not None and line <= len(lines) else 1
            span = Span(own, line, 1, line, max(width, 1) + 1)
        return lsp.Diagnostic(
            range=to_range(span, lines, codec),
            message=message,
            severity=lsp.DiagnosticSeverity.Error
            if diagnostic.severity is Severity.ERROR
            else lsp.DiagnosticSeverity.Warning,
            code=diagnostic.code,
            source="targetdsl",
        )


server = PolicyServer()


def word_at(text: str, position: lsp.Position, codec: PositionCodec = UTF16) -> str | None:
    lines = lines_of(text)
    if position.line >= len(lines):
        return None
    line = lines[position.line]
    start = end = column_of(line, position.character, codec)
    while start > 0 and NAME_CHARS.match(line[start - 1]):
        start -= 1
    while end < len(line) and NAME_CHARS.match(line[end]):
        end += 1
    return line[start:end] or None


def definitions(effective: Effective) -> dict[str, list[tuple[str, Any, Span]]]:
    """Every declared name → (what, node, where). A name may be declared several times (an input per rule)."""
    found: dict[str, list[tuple[str, Any, Span]]] = {}

    def add(name: str, what: str, node: Any, span: Span) -> None:
        found.setdefault(name, []).append((what, node, span))

    def add_body(body: tuple[Any, ...]) -> None:
        for statement in body:
            if isinstance(statement, (n.Input, n.Let)):
                add(statement.name, "input" if isinstance(statement, n.Input) else "let", statement, statement.span)
            elif isinstance(statement, n.Measure):  # a subitem
                add(statement.name, statement.kind, statement, statement.span)
                add_body(statement.body)

    for declaration in effective.declarations:
        match declaration:
            case n.UnitClass(name=name):
                add(name, "class", declaration, declaration.span)
            case n.Category(name=name, measures=measures):
                add(name, "category", declaration, declaration.span)
                for measure in measures:
                    add(measure.name, measure.kind, (declaration, measure), measure.span)
                    add_body(measure.body)
            case n.Assessor(name=name):
                add(name, "assessor", declaration, declaration.span)
            case n.Rule(kind=kind, name=name, body=body):
                add(name, kind, declaration, declaration.span)
                add_body(body)
                for statement in body:
                    if isinstance(statement, n.Level):
                        add(statement.name, "level", statement, statement.span)
            case n.Grades(bands=bands):
                for band in bands:
                    add(band.name, "grade", band, band.span)
            case n.Const(name=name) | n.Input(name=name):
                add(name, "const" if isinstance(declaration, n.Const) else "unit input", declaration, declaration.span)
            case n.Function(name=name):  # a user-defined function: hover shows its parameters and formula
                add(name, "function", declaration, declaration.span)
            case n.Ranking(name=name):  # classes ranked together: hover names them
                add(name, "ranking", declaration, declaration.span)
    return found


# ---------------------------------------------------------------- where the cursor is

MEASURE_KINDS = frozenset({"indicator", "items", "assessed", "subitem"})
RULE_KINDS = frozenset({"veto", "bonus", "deduction", "award", "coefficient", "commendation"})


class Place(enum.Enum):
    """What the text before the cursor says comes next."""

    CLASS = "class"  # after `for` (`适用`), or a comma in its list
    GRADE = "grade"  # after `grade`, `cap grade` (`定为`, `最高等次`), or at a line of a `money` block
    ASSESSOR = "assessor"  # after `by`, `given by` (`由`, `采信`), or a comma in its list
    LEVEL = "level"  # after `level` (`级别`) inside a bonus
    BODY = "body"  # inside a measure or a rule: its own inputs and lets, the policy's constants
    ANYWHERE = "anywhere"


@attrs.frozen
class Block:
    """A `{ … }` open at the cursor: the keyword that opened it (in English) and the name after it."""

    kind: str
    name: str | None
    start: int  # the offset just after its `{`


@attrs.frozen
class Context:
    place: Place
    blocks: tuple[Block, ...]  # outermost first

    def innermost(self, kinds: frozenset[str]) -> Block | None:
        return next((b for b in reversed(self.blocks) if b.kind in kinds), None)


_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"?')
_NAME = re.compile(NAME_PATTERN)
_PARTIAL = re.compile("(?:" + NAME_PATTERN + ")$")
_LIST = r"(?:" + NAME_PATTERN + r"\s*[,，]\s*)*"
_AFTER_FOR = re.compile(r"(?:^|\s)(?:for|适用)\s+" + _LIST + "$")
_AFTER_BY = re.compile(r"(?:^|\s)(?:by|由|采信)\s+" + _LIST + "$")
_AFTER_GRADE = re.compile(r"(?:^|\s)(?:grade|定为|最高等次)\s+$")
_AFTER_LEVEL = re.compile(r"^\s*(?:level|级别)\s+$")
_BRACES = re.compile(r'"(?:\\.|[^"\\\n])*"?|#[^\n]*|[{}\n]')  # a label or a comment hides its braces
_LINE_END = re.compile(r"\r\n|\r|\n")  # as LSP counts lines


def offset_of(text: str, position: lsp.Position, codec: PositionCodec = UTF16) -> int:
    """The offset in `text` of an LSP position (a line past the end is the end)."""
    offset = 0
    for _ in range(position.line):
        match = _LINE_END.search(text, offset)
        if match is None:
            return len(text)
        offset = match.end()
    end = _LINE_END.search(text, offset)
    line = text[offset : end.start() if end is not None else len(text)]
    return offset + column_of(line, position.character, codec)


def open_blocks(text: str, offset: int) -> tuple[Block, ...]:
    """The blocks open at `offset`, read from the text alone: it need not parse (the author is typing)."""
    stack: list[Block] = []
    header = 0  # where the text that may open the next block starts
    for match in _BRACES.finditer(text, 0, min(offset, len(text))):
        token = match.group()
        if token == "{":
            words = _NAME.findall(_STRING.sub(" ", text[header : match.start()]))
            if words and words[0] in ("override", "覆盖"):
                words = words[1:]
            kind = english_word(words[0]) if words else ""
            stack.append(Block(kind, words[1] if len(words) > 1 else None, match.end()))
        elif token == "}" and stack:
            stack.pop()
        if token in ("{", "}", "\n"):
            header = match.end()
    return tuple(stack)


def context_at(text: str, offset: int) -> Context:
    blocks = open_blocks(text, offset)
    line = text[text.rfind("\n", 0, offset) + 1 : offset]
    if "#" in _STRING.sub(" ", line):
        return Context(Place.ANYWHERE, blocks)
    before = _PARTIAL.sub("", line)
    inner = blocks[-1].kind if blocks else None
    if _AFTER_FOR.search(before):
        place = Place.CLASS
    elif _AFTER_BY.search(before):
        place = Place.ASSESSOR
    elif _AFTER_GRADE.search(before) or (inner == "money" and not before.strip()):
        place = Place.GRADE
    elif inner == "bonus" and _AFTER_LEVEL.search(before):
        place = Place.LEVEL
    elif any(b.kind in MEASURE_KINDS | RULE_KINDS for b in blocks):
        place = Place.BODY
    else:
        place = Place.ANYWHERE
    return Context(place, blocks)


def _declared(text: str, words: str) -> list[str]:
    """Names the buffer declares with one of `words` at the start of a line, parsed or not."""
    pattern = r"(?m)^[ \t]*(?:(?:override|覆盖)[ \t]+)?(?:" + words + r")[ \t]+(" + NAME_PATTERN + ")"
    return re.findall(pattern, _STRING.sub(" ", text))


def _block_text(text: str, block: Block) -> str:
    """The text of a block, from its `{` to the `}` that closes it (or the end of the buffer)."""
    depth = 1
    for match in _BRACES.finditer(text[block.start :]):
        if match.group() == "{":
            depth += 1
        elif match.group() == "}":
            depth -= 1
            if depth == 0:
                return text[block.start : block.start + match.start()]
    return text[block.start :]


def scope_of(effective: Effective | None, blocks: tuple[Block, ...]) -> list[n.Input | n.Let]:
    """The inputs and lets of the measure or rule the blocks lead into, in a policy that parsed."""
    if effective is None:
        return []
    inner = next((i for i in range(len(blocks) - 1, -1, -1) if blocks[i].kind in MEASURE_KINDS | RULE_KINDS), None)
    if inner is None:
        return []
    body: tuple[Any, ...] | None = None
    if blocks[inner].kind in RULE_KINDS:
        rule = effective.find(blocks[inner].kind, blocks[inner].name or "")
        body = rule.body if isinstance(rule, n.Rule) else None
    else:
        category = next((b for b in blocks[:inner] if b.kind == "category"), None)
        found = effective.find("category", category.name or "") if category is not None else None
        if isinstance(found, n.Category):
            candidates: tuple[Any, ...] = found.measures
            for block in blocks[blocks.index(category) + 1 : inner + 1] if category is not None else ():
                if block.kind not in MEASURE_KINDS:
                    continue
                measure = next((m for m in candidates if isinstance(m, n.Measure) and m.name == block.name), None)
                if measure is None:
                    body = None
                    break
                body = candidates = measure.body
    return [s for s in body or () if isinstance(s, (n.Input, n.Let))]


def _globals(effective: Effective | None) -> list[tuple[str, str]]:
    if effective is None:
        return []
    return [
        (d.name, "const" if isinstance(d, n.Const) else "unit input")
        for d in effective.declarations
        if isinstance(d, (n.Const, n.Input))
    ]


def candidates(
    text: str,
    position: lsp.Position,
    effective: Effective | None,
    codec: PositionCodec = UTF16,
    *,
    language: Language = Language.ENGLISH,
) -> list[lsp.CompletionItem]:
    """What may be written at `position`: names by context, from the buffer as it is and from
    `effective`, the last version of it that parsed."""
    context = context_at(text, offset_of(text, position, codec))
    names: dict[str, str] = {}  # name → what it is, first found first

    def offer(found: Any, what: str) -> None:
        for name in found:
            names.setdefault(name, what)

    declarations = effective.declarations if effective is not None else ()
    if context.place is Place.CLASS:
        offer((d.name for d in declarations if isinstance(d, n.UnitClass)), "class")
        offer(_declared(text, "class|类别"), "class")
    elif context.place is Place.ASSESSOR:
        offer((d.name for d in declarations if isinstance(d, n.Assessor)), "assessor")
        offer(_declared(text, "assessor|评议方"), "assessor")
    elif context.place is Place.GRADE:
        offer((b.name for d in declarations if isinstance(d, n.Grades) for b in d.bands), "grade")
        for block in re.findall(r"(?:^|\s)(?:grades|等次)\s*\{([^{}]*)\}", _STRING.sub(" ", text)):
            offer(re.findall(r"(?m)^[ \t]*(" + NAME_PATTERN + ")", block), "grade")
        names.pop("otherwise", None)
        names.pop("其余", None)
    elif context.place is Place.LEVEL:
        bonus = context.blocks[-1].name
        rules = [d for d in declarations if isinstance(d, n.Rule) and d.kind == "bonus"]
        own = [r for r in rules if r.name == bonus] or rules
        offer((s.name for r in own for s in r.body if isinstance(s, n.Level)), "level")
    if context.place is not Place.ANYWHERE and context.place is not Place.BODY:
        return [lsp.CompletionItem(label=k, kind=lsp.CompletionItemKind.Reference, detail=v) for k, v in names.items()]

    keywords = detect(text)  # the file's; `language` is the one the meanings are said in
    words = names_of(text)

    def said(meaning: str) -> str:  # the code it quotes in the file's keywords: `subtotal()` as `小计()`
        return quoted_in(translate(meaning, language), keywords, words)

    items = [
        lsp.CompletionItem(label=k.written(keywords), kind=lsp.CompletionItemKind.Keyword, detail=said(k.meaning))
        for k in KEYWORDS
    ]
    terms = {(t.chinese if keywords is Language.CHINESE else t.english): t.meaning for t in TERMS}
    items += [
        lsp.CompletionItem(label=w, kind=lsp.CompletionItemKind.Constant, detail=said(meaning))
        for w, meaning in sorted(terms.items())
    ]
    written = keyword_set(keywords).builtin  # a built-in as the file writes it: `最小` in a Chinese file
    items += [
        lsp.CompletionItem(
            label=written("call", f), kind=lsp.CompletionItemKind.Function, detail=said(FUNCTIONS[f].summary)
        )
        for f in sorted(FUNCTIONS)
    ]
    items += [  # quantity references: `score(重要项目)`
        lsp.CompletionItem(
            label=f"{written('call', word)}()", kind=lsp.CompletionItemKind.Function, detail=said(meaning)
        )
        for word, meaning in n.REFERENCES.items()
    ]
    items += [  # the values a body reads: `points`, and the unit's results in an award
        lsp.CompletionItem(
            label=written("value", b.english), kind=lsp.CompletionItemKind.Variable, detail=said(b.meaning)
        )
        for b in BUILTINS
        if "value" in b.reads
    ]
    if context.place is Place.BODY:
        body = context.innermost(MEASURE_KINDS | RULE_KINDS)
        if body is not None:
            inside = _block_text(text, body)
            offer(_declared(inside, "input|填报"), "input")
            offer(_declared(inside, "let|设"), "let")
        for statement in scope_of(effective, context.blocks):
            offer([statement.name], "input" if isinstance(statement, n.Input) else "let")
        for name, what in _globals(effective):
            offer([name], what)
        offer(_declared(text, "const|常量"), "const")
    elif effective is not None:
        for name, entries in sorted(definitions(effective).items()):
            offer([name], entries[0][0])
    items += [lsp.CompletionItem(label=k, kind=lsp.CompletionItemKind.Reference, detail=v) for k, v in names.items()]
    return items


def describe(
    name: str,
    what: str,
    node: Any,
    span: Span,
    effective: Effective,
    own: str,
    *,
    language: Language = Language.ENGLISH,
    said: Language = Language.ENGLISH,
) -> str:
    """What a name is, for a hover: the policy's words in the file's keyword language (`language`), the
    words around them in the session's (`said`)."""
    kw = keyword_set(language)

    def say(text: str) -> str:
        return translate(text, said)

    def kind(word: str) -> str:  # `category`, or `考核内容` in a file written in Chinese
        if language is Language.ENGLISH:
            return word
        concept = _HOVER_CONCEPTS.get(word, word)
        return kw.word(concept) if concept in BY_CONCEPT else say(word)

    lines: list[str] = []
    inherited = say(f"inherited from `{Path(span.file).name}`")
    origin = "" if Path(span.file).resolve() == Path(own).resolve() else f" — {inherited}"
    if what == "category":
        lines.append(f"**{kind('category')} {name}**{_label(node.label)}{origin}")
        for unit_class in (d for d in effective.declarations if isinstance(d, n.UnitClass)):
            for share in unit_class.shares:
                if share.category == name:
                    lines.append(f"- {unit_class.name}: {say(_amount(share))}")
    elif what == "class":
        shares = " : ".join(f"{s.category} {say(_amount(s))}" for s in node.shares)
        lines.append(f"**{kind('class')} {name}**{_label(node.label)}{origin}\n\n{shares}")
    elif what in ("indicator", "items", "assessed"):
        category, measure = node
        points = f"{kw.word('points')} {measure.points if measure.points is not None else 1}"
        if measure.share is not None:  # indicator weights as shares
            points = say(f"{kw.word('share')} {measure.share}% of the category's points in each class")
        classes = ", ".join(measure.classes) or say("every class with this category")
        lines.append(f"**{kind(what)} {name}**{_label(measure.label)}{origin}")
        lines.append(f"- {kind('category')} {category.name}; {points}; {kw.word('for')} {classes}")
        for unit_class in (d for d in effective.declarations if isinstance(d, n.UnitClass)):
            weight = next((s for s in unit_class.shares if s.category == category.name), None)
            if weight is not None:
                lines.append(f"- {say(f'category weight in {unit_class.name}: {_amount(weight)}')}")
        score = next((s for s in measure.body if isinstance(s, n.Score)), None)
        if score is not None:
            lines.append(f"\n```\n{canonical(score, language)}\n```")
    elif what in ("input", "unit input"):
        missing = ""
        if node.missing:
            rule = node.missing.rule
            missing = f", {kw.word('missing')} {kw.word('default') if rule == 'default' else kw.term('missing', rule)}"
        # an input of words is one of its words (好/较好/一般/差), each standing for a number
        typed = "/".join(c.word for c in node.choices) if node.choices else kw.term("type", node.type)
        lines.append(f"**{kind('input')} {name}**{_label(node.label)}: {typed}{missing}{origin}")
        lines.append(f"\n```\n{canonical(node, language)}\n```")
    elif what in ("let", "level"):
        lines.append(f"**{kind(what)} {name}**{_label(getattr(node, 'label', None))}{origin}")
        lines.append(f"\n```\n{canonical(node, language)}\n```")
    elif what == "function":
        lines.append(f"**{kind('function')} {name}**({', '.join(node.params)}){origin}")
        lines.append(f"\n```\n{canonical(node, language)}\n```")
    elif what in RULE_KINDS or what in ("limit", "ranking"):
        # the whole rule as written: its condition, computed amount, money, cap or classes ranked together
        lines.append(f"**{kind(what)} {name}**{_label(node.label)}{origin}")
        lines.append(f"\n```\n{canonical(node, language)}\n```")
    else:
        label = getattr(node, "label", None)
        lines.append(f"**{kind(what)} {name}**{_label(label)}{origin}")
    lines.append("\n" + say(f"declared at `{Path(span.file).name}:{span.line}`"))
    return "\n".join(lines)


# The keyword a hover names a kind of declaration by, in a file written in Chinese (a grade is one of
# `等次`; a unit input is declared with `填报`).
_HOVER_CONCEPTS = {"grade": "grades", "unit input": "input"}


def canonical(
    statement: n.Input | n.Let | n.Level | n.Score | n.Function | n.Rule | n.Ranking, language: Language
) -> str:
    """A statement as `targetdsl fmt` writes it, in the file's keyword language: an input's type, range and
    what a missing value means (its default), a level's points and limit, a measure's score, a function, a
    rule (its condition, amount, money) or a ranking across classes."""
    printer = Printer(keyword_set(language))
    if isinstance(statement, n.Input):
        printer.input(0, statement)
    elif isinstance(statement, (n.Function, n.Rule, n.Ranking)):
        printer.declaration(statement, "")
    else:
        printer.statement(0, statement)
    return "\n".join(INDENT * line.depth + line.text for line in printer.lines)


def _label(label: str | None) -> str:
    return f" “{label}”" if label else ""


def _amount(share: n.Share) -> str:
    return f"{share.amount}{'%' if share.percent else ' points'}"


def _opened(ls: PolicyServer, uri: str) -> str | None:
    """The text of a document the editor opened; None for any other. pygls would read a URI it was not
    given from the disk, whole, whatever it names (`file:///dev/zero`): the server answers only about
    what the editor sent it."""
    document = ls.workspace.text_documents.get(unquote(uri))
    return document.source if document is not None else None


def _report(ls: PolicyServer, uri: str) -> Report | None:
    report = ls.reports.get(uri)
    if report is None:
        text = _opened(ls, uri)
        report = ls.analyse(uri, text) if text is not None else None
    return report


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: PolicyServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.publish(params.text_document.uri, ls.analyse(params.text_document.uri, params.text_document.text))


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: PolicyServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    text = _opened(ls, uri)
    if text is not None:
        ls.publish(uri, ls.analyse(uri, text))
        for other in ls.dependents(uri):  # the policies extending this one see the text being edited
            other_text = _opened(ls, other)
            if other_text is not None:
                ls.publish(other, ls.analyse(other, other_text))


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: PolicyServer, params: lsp.DidSaveTextDocumentParams) -> None:
    text = _opened(ls, params.text_document.uri)
    if text is not None:
        ls.publish(params.text_document.uri, ls.analyse(params.text_document.uri, text))


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: PolicyServer, params: lsp.DidCloseTextDocumentParams) -> None:
    """A closed document is forgotten: its report and its last version that parsed."""
    ls.reports.pop(params.text_document.uri, None)
    ls.last_good.pop(params.text_document.uri, None)


def _name_under_cursor(
    ls: PolicyServer, uri: str, position: lsp.Position, *, last_good: bool = False
) -> tuple[str, Effective] | None:
    """The declared name at `position` (for a weight such as `定量指标 50`, its category) and the policy:
    with `last_good`, while the buffer does not parse, the last version of it that did."""
    text = _opened(ls, uri)
    report = _report(ls, uri)
    if text is None or report is None:
        return None
    name = word_at(text, position, ls.codec)
    effective = report.effective
    if effective is None and last_good:
        effective = ls.last_good.get(uri)
    if name is None or effective is None:
        return None
    if name[0].isdigit():
        line = lines_of(text)[position.line]
        share = re.match(r"\s*([^\s\d][^\s]*)\s+[0-9.]+%?\s*(#.*)?$", line)
        if share is None:
            return None
        name = share.group(1)
    return name, effective


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: PolicyServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    target = _name_under_cursor(ls, uri, params.position, last_good=True)
    if target is None:  # a policy with errors still explains its keywords
        text = _opened(ls, uri)
        word = word_at(text, params.position, ls.codec) if text is not None else None
        return _keyword_hover(text or "", word, ls.language) if word is not None else None
    name, effective = target
    found = definitions(effective).get(name)
    own = str(uri_to_path(uri) or uri)
    if not found:
        keyword = _keyword_hover(_opened(ls, uri) or "", name, ls.language)
        if keyword is not None:
            return keyword
        return _builtin_hover(_opened(ls, uri) or "", name, ls.language)
    source = _opened(ls, uri) or ""
    scope = scope_of(effective, open_blocks(source, offset_of(source, params.position, ls.codec)))
    local = [entry for entry in found if any(entry[1] is statement for statement in scope)]
    if local:  # `done` inside a measure is that measure's input, not another's of the same name
        found = local
    language = detect(source)
    text = "\n\n---\n\n".join(
        describe(name, what, node, span, effective, own, language=language, said=ls.language)
        for what, node, span in found
    )
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def _keyword_hover(text: str, word: str, said: Language = Language.ENGLISH) -> lsp.Hover | None:
    """A keyword of the file's keyword language, with its twin in the other language and its meaning, said
    in `said` (the server's language)."""
    language = detect(text)
    keyword = keyword_of(word, language)
    if keyword is None:
        return None
    other = Language.ENGLISH if language is Language.CHINESE else Language.CHINESE
    meaning = translate(f"keyword: {keyword.meaning}", said)
    value = f"**{keyword.written(language)}** ({keyword.written(other)}) — {meaning}"
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=value))


def _builtin_hover(text: str, word: str, said: Language = Language.ENGLISH) -> lsp.Hover | None:
    """A built-in function, reference or value: `min`, or in a file written with Chinese keywords `最小`
    with its English form, and what it computes, said in `said`."""
    builtin = builtin_of(word) if detect(text) is Language.CHINESE else None
    english = builtin.english if builtin is not None else word
    meanings = [FUNCTIONS[english].summary] if english in FUNCTIONS else []
    meanings += [n.REFERENCES[english]] if english in n.REFERENCES else []
    meanings += [builtin.meaning] if builtin is not None and builtin.meaning else []
    if not meanings:
        return None
    written = f"**{word}** ({english})" if builtin is not None else f"**{word}**"
    summary = "; ".join(quoted_in(translate(m, said), detect(text), names_of(text)) for m in meanings)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=f"{written} — {summary}"))


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: PolicyServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    target = _name_under_cursor(ls, params.text_document.uri, params.position)
    if target is None:
        return None
    name, effective = target
    found = definitions(effective).get(name, [])
    uri = params.text_document.uri
    own = uri_to_path(uri)
    text = _opened(ls, uri)
    lines = lines_of(text) if text is not None else None

    def location(span: Span) -> lsp.Location:
        # in the document itself: its own URI as the editor wrote it, columns in the editor's units
        if own is not None and (span.file == str(own) or os.path.abspath(span.file) == os.path.abspath(own)):
            return lsp.Location(uri=uri, range=to_range(span, lines, ls.codec))
        other = path_to_uri(span.file)
        opened = _opened(ls, other)  # another open document: its columns in the editor's units too
        return lsp.Location(uri=other, range=to_range(span, lines_of(opened) if opened else None, ls.codec))

    return [location(span) for _, _, span in found] or None


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION)
def completion(ls: PolicyServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    uri = params.text_document.uri
    text = _opened(ls, uri)
    report = _report(ls, uri)
    if text is None:
        return lsp.CompletionList(is_incomplete=False, items=[])
    effective = report.effective if report is not None and report.effective is not None else ls.last_good.get(uri)
    return lsp.CompletionList(
        is_incomplete=False, items=candidates(text, params.position, effective, ls.codec, language=ls.language)
    )


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: PolicyServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    text = _opened(ls, params.text_document.uri)
    if text is None:
        return None
    try:
        formatted = format_policy(text, name=params.text_document.uri)
    except (PolicyError, FormatError):
        return None  # the diagnostics already say what is wrong
    if formatted == text:
        return []
    end = lsp.Position(line=len(lines_of(text)), character=0)
    return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=formatted)]


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(ls: PolicyServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    text = _opened(ls, params.text_document.uri)
    if text is None:
        return []
    from targetdsl.language.parser import parse

    try:
        parsed = parse(text, "<outline>")
    except PolicyError:
        return []
    lines = lines_of(text)

    def _symbol(
        name: str, kind: lsp.SymbolKind, span: Span, children: list[lsp.DocumentSymbol] | None = None
    ) -> lsp.DocumentSymbol:
        where = to_range(span, lines, ls.codec)
        return lsp.DocumentSymbol(name=name, kind=kind, range=where, selection_range=where, children=children or None)

    result: list[lsp.DocumentSymbol] = []
    for item in parsed.file.items:
        declaration = item.declaration if isinstance(item, n.Override) else item
        if isinstance(declaration, n.UnitClass):
            children = [_symbol(f"{s.category} {s.amount}", lsp.SymbolKind.Field, s.span) for s in declaration.shares]
            result.append(_symbol(f"class {declaration.name}", lsp.SymbolKind.Class, declaration.span, children))
        elif isinstance(declaration, n.Category):
            children = [_symbol(f"{m.kind} {m.name}", lsp.SymbolKind.Property, m.span) for m in declaration.measures]
            result.append(_symbol(f"category {declaration.name}", lsp.SymbolKind.Namespace, declaration.span, children))
        elif isinstance(declaration, n.Rule):
            result.append(_symbol(f"{declaration.kind} {declaration.name}", lsp.SymbolKind.Event, declaration.span))
        elif isinstance(declaration, n.Grades):
            children = [_symbol(b.name, lsp.SymbolKind.EnumMember, b.span) for b in declaration.bands]
            result.append(_symbol("grades", lsp.SymbolKind.Enum, declaration.span, children))
        elif isinstance(declaration, n.Header):
            result.append(_symbol(f"policy {declaration.title}", lsp.SymbolKind.File, declaration.span))
    return result


# A policy file may hold MAX_FILE_BYTES; in JSON every byte may take up to six (`\u0001`).
MAX_MESSAGE_BYTES = 6 * MAX_FILE_BYTES + 1024 * 1024
MAX_HEADER_LINE = 4096
CONTENT_LENGTH = b"Content-Length:"
_LENGTH = re.compile(rb"Content-Length:[ \t]*([0-9]+)[ \t]*\r?\n")


class BoundedInput:
    """Standard input as pygls reads it (`readline` for headers, `read(n)` for a body), with bounds.

    A header line is read at most MAX_HEADER_LINE bytes at a time. A `Content-Length` over `limit` is
    shown to pygls as a header it ignores, so the message's body is never read into one buffer; the
    lines after it are passed on as they come, and the first `Content-Length` found, even glued to the
    end of the refused body, starts the next message."""

    def __init__(self, stream: IO[bytes], *, limit: int = MAX_MESSAGE_BYTES, log: IO[str] | None = None):
        self.stream = stream
        self.limit = limit
        self.log = log
        self.skipping = False

    def readline(self) -> bytes:
        line = self.stream.readline(MAX_HEADER_LINE)
        if self.skipping:
            at = line.find(CONTENT_LENGTH)
            if at < 0:
                return line
            line = line[at:]
            self.skipping = False
        match = _LENGTH.fullmatch(line)
        if match is None:
            return line
        digits = match.group(1).lstrip(b"0")
        if len(digits) > len(str(self.limit)) or int(digits or b"0") > self.limit:
            self.skipping = True
            shown = digits[:20].decode("ascii") + ("…" if len(digits) > 20 else "")
            self._say(f"a message of {shown} bytes is more than the {self.limit:,} this server accepts: skipped")
            return b"X-Refused-Content-Length: " + digits[:20] + b"\r\n"
        return line

    def read(self, size: int) -> bytes:
        return self.stream.read(min(size, self.limit))

    def _say(self, message: str) -> None:
        log = self.log if self.log is not None else sys.stderr
        try:
            log.write(f"targetdsl lsp: {message}\n")
            log.flush()
        except (OSError, ValueError):
            pass


def main(*, root: str | None = None, language: Language = Language.ENGLISH) -> None:
    server.root = Path(root) if root is not None else None
    server.language = language
    server.start_io(stdin=BoundedInput(sys.stdin.buffer))  # type: ignore[arg-type]
