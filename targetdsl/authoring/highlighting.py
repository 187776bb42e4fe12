"""The editors' highlighting grammars, generated from the keyword table.

`keywords.py` is the one place keywords are defined; the TextMate grammar
of the VS Code extension and the Vim syntax file (which Neovim reads too)
are written from it and from the built-in functions (both their names), never by hand
(with the two small Vim files that go with the syntax file):

    python -m targetdsl.authoring.highlighting            # rewrite both under editors/
    python -m targetdsl.authoring.highlighting --check    # exit 1 if one is out of step
    python -m targetdsl.authoring.highlighting --vim ~/.vim   # the Vim files alone, where Vim reads them

`tests/test_editors.py` fails when a committed file differs from what this
module writes, so a keyword added to the table without regenerating them
is caught.

Both grammars colour the keywords of both languages in every file: a
highlighter sees a line at a time and cannot tell which keyword language a
file is written in, so a name spelled like a keyword of the other language
(`加分` as a bonus's name in a file with English keywords) is coloured as
one. Meaning is the checker's business, not the highlighter's.

This module knows words only: it reads `keywords.py` and `functions.py` and
must not import the parser or any later stage.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from targetdsl.files import FileReadError, read_limited
from targetdsl.keywords import BUILTINS, BY_CONCEPT, KEYWORDS, NAME_PATTERN, TERMS
from targetdsl.language.functions import FUNCTIONS

# Keywords followed by the name they declare (`indicator 招商引资`): the name is coloured as one.
_NAMING = (
    "class",
    "assessor",
    "category",
    "const",
    "function",
    "input",
    "indicator",
    "items",
    "subitem",
    "assessed",
    "let",
    "veto",
    "bonus",
    "level",
    "deduction",
    "award",
    "coefficient",
    "commendation",
    "limit",
    "ranking",
)
# Keywords that decide which value or branch counts.
_CONTROL = (
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "bands",
    "interpolate",
    "otherwise",
    "when",
    "completed when",
    "eligible when",
)
_LITERALS = ("true", "false")
# Terms read as fixed values (`missing zero`, `status adopted`), as opposed to input types.
_VALUE_TERMS = ("status", "rounding", "missing", "quota", "direction", "stage", "last year")

GENERATED = "Generated from targetdsl/keywords.py by `python -m targetdsl.authoring.highlighting`; do not edit."


def _words(concepts: Iterable[str]) -> list[str]:
    """The English words and the Chinese word of each concept, in table order."""
    words: list[str] = []
    for concept in concepts:
        keyword = BY_CONCEPT[concept]
        words += [*keyword.english, keyword.chinese]
    return words


def word_groups() -> dict[str, list[str]]:
    """Every word an editor colours, by group; a word is in one group only, the first that claims it.

    The order of claiming: declarations, control, literals, input types,
    other fixed terms, the remaining keywords. `money` is both a keyword
    (an award's money block) and an input type; it is coloured as a type.
    """
    claims: list[tuple[str, list[str]]] = [
        ("declaration", _words(_NAMING)),
        ("control", _words(_CONTROL)),
        ("constant", _words(_LITERALS)),
        ("type", [w for t in TERMS if t.position == "type" for w in (t.english, t.chinese)]),
        ("constant", [w for t in TERMS if t.position in _VALUE_TERMS for w in (t.english, t.chinese)]),
        ("keyword", _words(k.concept for k in KEYWORDS)),
    ]
    unknown = {t.position for t in TERMS} - {"type", *_VALUE_TERMS}
    if unknown:
        raise ValueError(f"terms of an unknown position: {sorted(unknown)}")
    seen: set[str] = set()
    groups: dict[str, list[str]] = {}
    for group, words in claims:
        for word in words:
            if word not in seen:
                seen.add(word)
                groups.setdefault(group, []).append(word)
    return groups


def function_words() -> list[str]:
    """The built-in functions' names, in English and in Chinese (`min`, `最小`), coloured before a `(`."""
    chinese = {b.english: b.chinese for b in BUILTINS}
    return [word for name in FUNCTIONS for word in (name, chinese[name])]


def _alternatives(words: Iterable[str]) -> str:
    """Words joined by `|`, longer first so that no word hides a longer one it begins."""
    return "|".join(sorted(set(words), key=lambda w: (-len(w), w)))


def _oniguruma(pattern: str) -> str:
    """A Python pattern's `\\uXXXX` escapes as Oniguruma, the TextMate engine, writes them."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})", r"\\x{\1}", pattern)


def textmate() -> str:
    """The TextMate grammar of the VS Code extension, as JSON text."""
    groups = word_groups()
    functions = _alternatives(function_words())
    grammar = {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "targetdsl",
        "scopeName": "source.targetdsl",
        "fileTypes": ["tdsl"],
        "comment": GENERATED,
        "patterns": [
            {"include": f"#{name}"}
            for name in ("comment", "string", "date", "number", "declaration", "keyword", "function", "operator")
        ],
        "repository": {
            "comment": {"name": "comment.line.number-sign.targetdsl", "match": "#.*$"},
            "string": {
                "name": "string.quoted.double.targetdsl",
                "begin": '"',
                "end": '"|$',
                "patterns": [{"name": "constant.character.escape.targetdsl", "match": r'\\[\\"nt]'}],
            },
            "date": {"name": "constant.numeric.date.targetdsl", "match": r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b"},
            "number": {"name": "constant.numeric.targetdsl", "match": r"\b[0-9]+(\.[0-9]+)?(%|pp)?"},
            "declaration": {
                "match": rf"\b({_alternatives(groups['declaration'])})\s+({_oniguruma(NAME_PATTERN)})",
                "captures": {
                    "1": {"name": "keyword.declaration.targetdsl"},
                    "2": {"name": "entity.name.targetdsl"},
                },
            },
            "keyword": {
                "patterns": [
                    {
                        "name": "keyword.declaration.targetdsl",
                        "match": rf"\b({_alternatives(groups['declaration'])})\b",
                    },
                    {"name": "keyword.control.targetdsl", "match": rf"\b({_alternatives(groups['control'])})\b"},
                    {"name": "constant.language.targetdsl", "match": rf"\b({_alternatives(groups['constant'])})\b"},
                    {"name": "storage.type.targetdsl", "match": rf"\b({_alternatives(groups['type'])})\b"},
                    {"name": "keyword.other.targetdsl", "match": rf"\b({_alternatives(groups['keyword'])})\b"},
                ]
            },
            "function": {"name": "support.function.targetdsl", "match": rf"\b({functions})(?=\s*\()"},
            "operator": {"name": "keyword.operator.targetdsl", "match": r">=|<=|==|!=|[-+*/<>=:,]"},
        },
    }
    return json.dumps(grammar, ensure_ascii=False, indent=2) + "\n"


def _vim_keywords(group: str, words: Sequence[str], options: str = "") -> list[str]:
    """`syn keyword` lines, a few words each, so that the file reads well."""
    lines = []
    for start in range(0, len(words), 8):
        lines.append(f"syn keyword {group} {' '.join(words[start : start + 8])}{options}")
    return lines


def vim() -> str:
    """The Vim syntax file (`editors/vim/syntax/targetdsl.vim`), which Neovim reads too."""
    groups = word_groups()
    # Vim's `[]` reads `\uXXXX` as a code point, as Python does; only the repetition is spelled differently.
    first, rest = re.fullmatch(r"(\[[^]]*\])(\[[^]]*\])\*", NAME_PATTERN).groups()  # type: ignore[union-attr]
    name = f"{first}{rest}*"
    functions = r"\|".join(sorted(function_words(), key=lambda w: (-len(w), w)))
    lines = [
        '" Vim syntax file',
        '" Language: targetdsl policy (.tdsl), keywords in English and in Chinese',
        f'" {GENERATED}',
        "",
        'if exists("b:current_syntax")',
        "  finish",
        "endif",
        "let s:cpo_save = &cpo",
        "set cpo&vim",
        "",
        "syn case match",
        "",
        *_vim_keywords("targetdslDeclaration", groups["declaration"], " nextgroup=targetdslDeclaredName skipwhite"),
        f"syn match targetdslDeclaredName /{name}/ contained",
        *_vim_keywords("targetdslControl", groups["control"]),
        *_vim_keywords("targetdslConstant", groups["constant"]),
        *_vim_keywords("targetdslType", groups["type"]),
        *_vim_keywords("targetdslKeyword", groups["keyword"]),
        "",
        rf"syn match targetdslFunction /\<\%({functions}\)\ze\s*(/",
        r"syn match targetdslNumber /\<\d\+\%(\.\d\+\)\=\%(%\|pp\>\)\=/",
        r"syn match targetdslDate /\<\d\{4}-\d\{2}-\d\{2}\>/",
        r"syn match targetdslOperator /[-+*/<>=:,]\|[<>=!]=/",
        r'syn region targetdslString start=/"/ skip=/\\./ end=/"\|$/ contains=targetdslEscape',
        r'syn match targetdslEscape /\\[\\"nt]/ contained',
        "syn keyword targetdslTodo TODO FIXME XXX contained",
        "syn match targetdslComment /#.*$/ contains=targetdslTodo",
        "",
        "hi def link targetdslDeclaration Structure",
        "hi def link targetdslDeclaredName Identifier",
        "hi def link targetdslControl Conditional",
        "hi def link targetdslConstant Constant",
        "hi def link targetdslType Type",
        "hi def link targetdslKeyword Keyword",
        "hi def link targetdslFunction Function",
        "hi def link targetdslNumber Number",
        "hi def link targetdslDate Number",
        "hi def link targetdslOperator Operator",
        "hi def link targetdslString String",
        "hi def link targetdslEscape SpecialChar",
        "hi def link targetdslTodo Todo",
        "hi def link targetdslComment Comment",
        "",
        'let b:current_syntax = "targetdsl"',
        "let &cpo = s:cpo_save",
        "unlet s:cpo_save",
    ]
    return "\n".join(lines) + "\n"


def vim_filetype() -> str:
    """`ftdetect/targetdsl.vim`: `.tdsl` files are policies."""
    return '" targetdsl policy files\nautocmd BufRead,BufNewFile *.tdsl setfiletype targetdsl\n'


def vim_plugin() -> str:
    """`ftplugin/targetdsl.vim`: comments and indentation as the formatter writes them."""
    return (
        "\n".join(
            [
                '" Vim filetype plugin: targetdsl policy files (.tdsl)',
                'if exists("b:did_ftplugin")',
                "  finish",
                "endif",
                "let b:did_ftplugin = 1",
                "",
                '" Comments start with #; the formatter (`targetdsl fmt`, or the language',
                "\" server's formatting) indents blocks by four spaces.",
                r"setlocal comments=:# commentstring=#\ %s",
                "setlocal expandtab shiftwidth=4 softtabstop=4 autoindent",
                "setlocal formatoptions-=t formatoptions+=croql",
                "",
                'let b:undo_ftplugin = "setlocal comments< commentstring< expandtab< shiftwidth< softtabstop<'
                ' autoindent< formatoptions<"',
            ]
        )
        + "\n"
    )


# A generated file is a few kilobytes; a committed one larger than this is out of step without being read whole.
_LIMIT = 1 << 20

# What this module writes, relative to the root of a checkout.
OUTPUTS = {
    "editors/vscode/syntaxes/targetdsl.tmLanguage.json": textmate,
    "editors/vim/syntax/targetdsl.vim": vim,
    "editors/vim/ftdetect/targetdsl.vim": vim_filetype,
    "editors/vim/ftplugin/targetdsl.vim": vim_plugin,
}
VIM_FILES = "editors/vim/"


def stale(root: Path) -> list[str]:
    """The generated files under `root` that differ from what this module writes (or are missing)."""
    found = []
    for relative, write in OUTPUTS.items():
        try:
            committed = read_limited(root / relative, limit=_LIMIT)
        except FileReadError:  # missing, not a regular file, or far too large: out of step all the same
            found.append(relative)
            continue
        if committed != write().encode("utf-8"):
            found.append(relative)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m targetdsl.authoring.highlighting",
        description="Write the editors' highlighting grammars (TextMate, Vim) from targetdsl/keywords.py.",
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the checkout to write into (default: .)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of step")
    parser.add_argument(
        "--vim",
        type=Path,
        metavar="DIR",
        help="write only the Vim files, into the runtime folder DIR (~/.vim, or ~/.config/nvim for Neovim)",
    )
    args = parser.parse_args(argv)
    if args.vim is not None:
        target: Path = args.vim.expanduser()
        for relative, write in OUTPUTS.items():
            if relative.startswith(VIM_FILES):
                path = target / relative.removeprefix(VIM_FILES)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(write(), encoding="utf-8", newline="\n")
                print(f"wrote {path}")
        return 0
    root: Path = args.root
    if not (root / "editors").is_dir():
        print(
            f"{root}: no editors/ folder here; run from the root of a targetdsl checkout or pass --root",
            file=sys.stderr,
        )
        return 2
    if args.check:
        found = stale(root)
        for relative in found:
            print(
                f"{relative}: out of step with targetdsl/keywords.py; run `python -m targetdsl.authoring.highlighting`"
            )
        return 1 if found else 0
    for relative, write in OUTPUTS.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(write(), encoding="utf-8", newline="\n")
        print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
