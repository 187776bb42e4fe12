"""Text → `PolicyFile`: the LALR parser and its syntax diagnostics.

The Lark parser is built once per process. Parsing runs the transform
inline, so the result is the AST directly; comments are collected on the
side for the formatter. Every Lark exception is translated here into a
`Diagnostic` in words an author understands; none escapes this module.
"""

from __future__ import annotations

import contextvars
import difflib
import functools
import gc
import hashlib
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import cast

import attrs
import lark
from lark import Lark, Token, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from targetdsl.diagnostics import Diagnostic, PolicyError, error
from targetdsl.keywords import (
    BY_CONCEPT,
    DECLARATION_WORDS,
    NAME_PATTERN,
    Language,
    chinese_grammar,
    detect,
    keyword_of,
)
from targetdsl.language import nodes as n
from targetdsl.language.transform import DepthError, LiteralError, ToNodes, current_file, token_span
from targetdsl.source import SURROGATE, Span, first_surrogate, source_lines

GRAMMAR = "policy.lark"

# Characters a Chinese input method produces in place of the ASCII the
# language expects.
FULL_WIDTH = {
    "：": ":",
    "，": ",",
    "；": ";",
    "（": "(",
    "）": ")",
    "｛": "{",
    "｝": "}",
    "“": '"',
    "”": '"',
    "＂": '"',
    "＝": "=",
    "＞": ">",
    "＜": "<",
    "＋": "+",
    "－": "-",
    "＊": "*",
    "／": "/",
    "％": "%",
    "．": ".",
    "。": ".",
    "、": ",",
    "【": "[",
    "】": "]",
    "！": "!",
}

# The word just before a position, with only blank space between.
_WORD_BEFORE = re.compile("(" + NAME_PATTERN + r")[ \t\u3000]*\Z")

# Terminal names → words. Keywords and punctuation are shown as written.
TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a quoted label "…"',
    "PERCENT": "a percentage such as 30%",
    "POINTS_PP": "percentage points such as 2pp",
    "DATE": "a date such as 2003-12-31",
    "COMPARE": "a comparison (>=, >, <=, <, ==, !=)",
    "PLUS": "`+`",
    "MINUS": "`-`",
    "MUL": "`*` or `/`",
    "$END": "end of file",
}


@attrs.frozen(slots=True)
class Comment:
    text: str
    span: Span


@attrs.frozen(slots=True)
class Parsed:
    file: n.PolicyFile
    comments: tuple[Comment, ...]
    language: Language = Language.ENGLISH  # the file's keyword language


_comments: contextvars.ContextVar[list[Token] | None] = contextvars.ContextVar("comments", default=None)


_text: contextvars.ContextVar[str] = contextvars.ContextVar("text", default="")
WORD_CHARACTER = re.compile(r"[A-Za-z0-9_\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")


class Glued(Exception):
    """A word the lexer split in two: `scorex` read as `score x` (see _Apart)."""

    def __init__(self, token: Token, first: str):
        super().__init__(str(token))
        self.token = token
        self.first = first


class _Apart:
    """Words the lexer would read apart only by splitting them: where the grammar allows no name, it reads
    `scorex` as the keyword `score` and the name `x`, `points10` as `points 10`, `andy` as `and y`. Two
    tokens that touch, both of word characters where they meet, are refused (`Glued`)."""

    always_accept: tuple[str, ...] = ()

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        text = _text.get()
        previous: Token | None = None
        for token in stream:
            start = token.start_pos or 0
            if (
                previous is not None
                and previous.end_pos == start
                and WORD_CHARACTER.match(text, start)
                and WORD_CHARACTER.match(text, start - 1)
            ):
                raise Glued(token, str(previous))
            previous = token
            yield token


def _collect_comment(token: Token) -> Token:
    sink = _comments.get()
    if sink is not None:
        sink.append(token)
    return token


def grammar_text(language: Language = Language.ENGLISH) -> str:
    """The grammar: from the installed package, else from the source checkout.

    A wheel carries `targetdsl/grammars/`; an editable install imports the
    package from the checkout, where the grammar sits in `grammars/`. The
    file is written with English keywords; the Chinese grammar is derived
    from it through the keyword table.
    """
    packaged = resources.files("targetdsl").joinpath("grammars", GRAMMAR)
    if packaged.is_file():
        english = packaged.read_text(encoding="utf-8")
    else:
        checkout = Path(__file__).resolve().parents[2] / "grammars" / GRAMMAR
        english = checkout.read_text(encoding="utf-8")
    return english if language is Language.ENGLISH else chinese_grammar(english)


def cache_file(language: Language = Language.ENGLISH, grammar: str = "") -> str | None:
    """Where the analysed grammar is cached: a directory only this user can write, a file named by the
    grammar's own hash, so that two installed versions of targetdsl never take turns rebuilding it.

    Building the LALR tables takes 0.15 s (seconds when the optional
    `interegular` package is installed, as Lark then checks every pair of
    terminals); loading them takes a few milliseconds. The cache is a
    pickle, so it lives only in a private per-user directory, never in the
    shared temporary directory.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "targetdsl")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.stat(directory)
    except OSError:
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None
    suffix = "" if language is Language.ENGLISH else f"-{language.value}"
    version = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    return os.path.join(directory, f"policy-grammar{suffix}-{lark.__version__}-{version}.cache")


@functools.cache
def lark_parser(language: Language = Language.ENGLISH) -> Lark:
    """The parser for files written with `language`'s keywords, built on first use."""
    options = dict(
        parser="lalr",
        transformer=ToNodes(language),
        lexer_callbacks={"COMMENT": _collect_comment},
        postlex=_Apart(),
    )
    grammar = grammar_text(language)
    cache = cache_file(language, grammar)
    if cache is not None:
        try:
            return Lark(grammar, cache=cache, **options)
        except OSError:
            pass  # unwritable cache: build without it
    return Lark(grammar, **options)


def parse(text: str, name: str = "<policy>") -> Parsed:
    """Parse one policy file. Raises PolicyError with a syntax diagnostic."""
    surrogate = first_surrogate(text)
    if surrogate is not None:
        # Not a character: it could never be printed, written to a file or sent to an editor.
        diagnostic = error(
            "load.encoding",
            "the text holds a lone surrogate (half of a UTF-16 pair), which is not a character",
            _point(name, *surrogate),
            "the text was not decoded correctly; save the policy as UTF-8 and read it as UTF-8",
        )
        raise PolicyError([diagnostic], {name: SURROGATE.sub("\ufffd", text)})
    language = detect(text)
    parser = lark_parser(language)
    sink: list[Token] = []
    file_token = current_file.set(name)
    comments_token = _comments.set(sink)
    text_token = _text.set(text)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # parsing allocates many small objects; collection only slows it
    try:
        tree = cast(n.PolicyFile, parser.parse(text))  # the inline transform builds the AST
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        start = token.start_pos if isinstance(token, Token) else None
        if start and WORD_CHARACTER.match(text, start) and WORD_CHARACTER.match(text, start - 1):
            # a word the grammar refuses here, run into the one before it (`1e9` read as `1` then `e9`)
            begin = start - 1
            while begin and WORD_CHARACTER.match(text, begin - 1):
                begin -= 1
            raise PolicyError([_glued(text[begin:start], token, name)], {name: text}) from None  # type: ignore[arg-type]
        raise PolicyError([syntax_diagnostic(exc, text, name, language)], {name: text}) from None
    except Glued as exc:
        raise PolicyError([_glued(exc.first, exc.token, name)], {name: text}) from None
    except DepthError as exc:
        raise PolicyError([error("syntax.too-deep", str(exc), exc.span, exc.help)], {name: text}) from None
    except (LiteralError, VisitError) as exc:
        cause = exc.orig_exc if isinstance(exc, VisitError) else exc
        if not isinstance(cause, LiteralError):
            raise
        diagnostic = error("syntax.bad-literal", str(cause), token_span(cause.token), cause.help)
        raise PolicyError([diagnostic], {name: text}) from None
    finally:
        if gc_was_enabled:
            gc.enable()
        current_file.reset(file_token)
        _comments.reset(comments_token)
        _text.reset(text_token)
    comments = tuple(Comment(str(t), token_span(t, name)) for t in sink)
    return Parsed(tree, comments, language)


# ------------------------------------------------------------ syntax errors


def _glued(first: str, token: Token, name: str) -> Diagnostic:
    """`first` and the token after it, written as one word: the diagnostic covers the word."""
    rest = str(token)
    word = first + rest
    span = token_span(token, name)
    span = attrs.evolve(span, column=span.column - len(first))  # one line: word characters hold no break
    return error(
        "syntax.glued-words",
        f"`{word}` reads as `{first}` followed by `{rest}`",
        span,
        f"put a space between them if that is what is meant (`{first} {rest}`), or correct the word",
    )


def syntax_diagnostic(exc: UnexpectedInput, text: str, name: str, language: Language = Language.ENGLISH) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        return _unexpected_character(exc, text, name, language)
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return _unexpected_token(exc, text, name, language)
    accepts = set(getattr(exc, "accepts", None) or getattr(exc, "expected", None) or ())
    return _unexpected_end(accepts, text, name, language)


def _point(name: str, line: int, column: int, width: int = 1) -> Span:
    return Span(name, line, column, line, column + width)


def _unexpected_character(exc: UnexpectedCharacters, text: str, name: str, language: Language) -> Diagnostic:
    position = exc.pos_in_stream or 0
    char = text[position] if position < len(text) else ""
    span = _point(name, exc.line, exc.column)
    if char in FULL_WIDTH:
        return error(
            "syntax.full-width-punctuation",
            f"full-width `{char}` where the language expects ASCII `{FULL_WIDTH[char]}`",
            span,
            f"replace `{char}` with `{FULL_WIDTH[char]}` (switch the input method to half-width punctuation)",
        )
    if char == '"':
        return error(
            "syntax.unclosed-string",
            "this label has no closing quote on the same line",
            span,
            'close the label with `"` before the end of the line',
        )
    allowed = set(exc.allowed or ())
    return error(
        "syntax.unexpected-character",
        f"unexpected character `{char}`",
        span,
        _expected_help(allowed, language),
    )


# Declaration keywords also written inside blocks: met inside a block that does not take them, they are
# out of place there, not the start of the next declaration
STATEMENT_WORDS = frozenset({BY_CONCEPT["input"].english[0], BY_CONCEPT["input"].chinese})


def _unexpected_token(exc: UnexpectedToken, text: str, name: str, language: Language) -> Diagnostic:
    token = exc.token
    span = token_span(token)
    accepts = set(exc.accepts or exc.expected or ())
    shown = str(token)
    if "RBRACE" in accepts and shown in DECLARATION_WORDS:
        # A new declaration starts while a block is still open: unless every `{` of the file is closed, and
        # the word is one written inside a block (`input` in a `bonus`), where it is only not allowed here.
        opener = unclosed_brace(text[: token.start_pos])
        if opener is not None and (shown not in STATEMENT_WORDS or unclosed_brace(text) is not None):
            return error(
                "syntax.unclosed-brace",
                "this `{` is never closed",
                _point(name, *opener),
                f"add the matching `}}` before `{shown}` on line {token.line}",
            )
    mixed = _other_language_keyword(token, text, language)
    if mixed is not None:
        return mixed
    if token.type == "STRING":
        what = f"label {shown}"
    elif token.type == "NAME":
        what = f"name `{shown}`"
    else:
        what = f"`{shown}`"
    help_text = _expected_help(accepts, language)
    if shown in STATEMENT_WORDS and token.type != "NAME":
        help_text = (
            f"`{shown}` is not written in this block: declare the input at the top level, outside every block, "
            f"where the block can read it; {help_text}"
        )
    if token.type == "NAME":
        keywords = [w.strip("`") for w in (_terminal_word(t, language) for t in accepts) if w.startswith("`")]
        glued = [k for k in keywords if len(k) < len(shown) and shown.startswith(k) and not k.isascii()]
        close = difflib.get_close_matches(shown, keywords, n=1, cutoff=0.6)
        if glued:
            keyword = max(glued, key=len)
            help_text = f"write a space after the keyword: `{keyword} {shown[len(keyword) :]}`"
        elif close:
            help_text = f"did you mean `{close[0]}`? " + help_text
    else:
        joined = _joined_opener(token, text, language)
        if joined is not None:
            help_text = joined
    return error("syntax.unexpected-token", f"unexpected {what}", span, help_text)


# Chinese keywords that open an expression, and the token that follows what they open. Written
# without a space, such a keyword and the next word read as one name (`如果完成`): the parse fails
# only at the follower.
_OPENERS = {
    BY_CONCEPT["if"].chinese: BY_CONCEPT["then"].chinese,
    BY_CONCEPT["bands"].chinese: "{",
    BY_CONCEPT["interpolate"].chinese: "{",
}


def _joined_opener(token: Token, text: str, language: Language) -> str | None:
    """A help line for `如果完成 则 …`: the keyword was written joined to the word after it."""
    if language is not Language.CHINESE:
        return None
    start = token.start_pos or 0
    before = _WORD_BEFORE.search(text, max(0, start - 200), start)
    if before is None:
        return None
    word = before.group(1)
    for opener, follower in _OPENERS.items():
        if word.startswith(opener) and len(word) > len(opener) and str(token) == follower:
            return f"write a space after the keyword: `{opener} {word[len(opener) :]}`"
    return None


def _other_language_keyword(token: Token, text: str, language: Language) -> Diagnostic | None:
    """A keyword of the other language in a file written in one: the file mixes keyword languages.

    The misplaced keyword is the unexpected word itself (`indicator` where a
    Chinese file expects `指标`) or the word just before it, read as a name
    (`if x` in a Chinese file fails at `x`).
    """
    other = Language.CHINESE if language is Language.ENGLISH else Language.ENGLISH
    start = token.start_pos or 0
    before = _WORD_BEFORE.search(text, max(0, start - 200), start)
    candidates: list[tuple[str, Span]] = []
    if before is not None:
        line = text.count("\n", 0, before.start(1)) + 1
        column = before.start(1) - (text.rfind("\n", 0, before.start(1)) + 1) + 1
        word = before.group(1)
        candidates.append((word, Span(token_span(token).file, line, column, line, column + len(word))))
    if token.type == "NAME":
        candidates.append((str(token), token_span(token)))
    for word, span in reversed(candidates):
        keyword = keyword_of(word, other)
        if keyword is None or keyword_of(word, language) is not None:
            continue
        ours = keyword.written(language)
        written = "Chinese" if language is Language.CHINESE else "English"
        return error(
            "syntax.mixed-keywords",
            f"`{word}` is a keyword of the other language; this file is written with {written} keywords",
            span,
            f"write `{ours}` for `{keyword.written(other)}`: one file uses one keyword language, set by its "
            f"first word (`targetdsl fmt --keywords {language.value}` converts a whole file)",
        )
    return None


def _unexpected_end(accepts: set[str], text: str, name: str, language: Language) -> Diagnostic:
    opener = unclosed_brace(text)
    if opener is not None and "RBRACE" in accepts:
        line, column = opener
        return error(
            "syntax.unclosed-brace",
            "this `{` is never closed",
            _point(name, line, column),
            "add the matching `}` at the end of the block",
        )
    lines = source_lines(text)
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the end of the last line with text, not the empty one after it
    end = _point(name, len(lines), len(lines[-1]) + 1)
    return error(
        "syntax.unexpected-end", "the file ends in the middle of a statement", end, _expected_help(accepts, language)
    )


def unclosed_brace(text: str) -> tuple[int, int] | None:
    """The `{` most likely left unclosed: where a `}` closes a block less
    indented than the line that opened it, else the last one left open."""
    stack: list[tuple[int, int, int]] = []  # line, column, indentation of the opening line
    suspect: tuple[int, int] | None = None
    for line_no, line in enumerate(source_lines(text), start=1):
        indent = len(line) - len(line.lstrip(" \t\u3000"))
        in_string = False
        for col, char in enumerate(line, start=1):
            if in_string:
                if char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "#":
                break
            elif char == "{":
                stack.append((line_no, col, indent))
            elif char == "}" and stack:
                open_line, open_col, open_indent = stack.pop()
                closes_own_line = line[: col - 1].strip() == ""
                if suspect is None and closes_own_line and indent < open_indent:
                    suspect = (open_line, open_col)
    if suspect is not None:
        return suspect
    if stack:
        return stack[-1][0], stack[-1][1]
    return None


def _expected_help(accepts: set[str], language: Language) -> str:
    words = sorted({_terminal_word(t, language) for t in accepts})
    if not words:
        return "check the statement against docs/language.md"
    if len(words) > 10:
        words = words[:10] + ["…"]
    return "expected " + (words[0] if len(words) == 1 else "one of: " + ", ".join(words))


def _terminal_word(terminal: str, language: Language) -> str:
    if terminal in TERMINAL_WORDS:
        return TERMINAL_WORDS[terminal]
    try:
        definition = lark_parser(language).get_terminal(terminal)
    except KeyError:
        return terminal.lower()
    pattern = definition.pattern
    if pattern.type == "str":
        return f"`{pattern.value}`"
    return terminal.lower()
