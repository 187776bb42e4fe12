"""The editor support under editors/: grammars in step with the keyword table, colours as the parser reads, the
VS Code extension's code and manifest, the setups in docs/editors.md.

The highlighting is compared token by token with the parser's own lexer, for every policy of the suite (seed,
cases, broken corpus) in both keyword languages: a keyword the parser reads must be coloured as one, a name must
not be, a comment, a string or a number as such. The TextMate grammar is run here by a small interpreter of the
few TextMate rules it uses (Python's `re` standing in for Oniguruma), and in the slow test by VS Code's own
engine; the Vim syntax file by Vim itself, and the guide's Neovim 0.7 setup by Neovim where it is installed.

The VS Code package (.vsix) is built only in the slow test: building it installs packages from the npm registry.
The default suite runs the extension's code under Node with stand-ins for VS Code and checks its manifest.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lark import Token
from lark.lexer import LexerThread

from targetdsl.authoring import highlighting
from targetdsl.keywords import BY_CONCEPT, KEYWORDS, NAME_PATTERN, TERMS, WORDS, Language, detect
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import lark_parser

ROOT = Path(__file__).resolve().parent.parent
VSCODE = ROOT / "editors" / "vscode"
VIM = ROOT / "editors" / "vim"
DOC = ROOT / "docs" / "editors.md"
NODE = shutil.which("node")
NPM = shutil.which("npm")
VIM_PROGRAM = shutil.which("vim")

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


# --- the generated files ------------------------------------------------------------------------------------------


def test_the_committed_grammars_are_what_the_keyword_table_generates() -> None:
    """Regenerate with `python -m targetdsl.authoring.highlighting` after changing targetdsl/keywords.py."""
    assert highlighting.stale(ROOT) == []
    assert highlighting.main(["--check", "--root", str(ROOT)]) == 0


def test_check_names_a_grammar_out_of_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "editors").mkdir()
    assert highlighting.main(["--root", str(tmp_path)]) == 0
    assert highlighting.main(["--check", "--root", str(tmp_path)]) == 0
    vim = tmp_path / "editors/vim/syntax/targetdsl.vim"
    vim.write_text(vim.read_text(encoding="utf-8").replace(" 嘉奖", ""), encoding="utf-8")
    capsys.readouterr()
    assert highlighting.main(["--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out.startswith("editors/vim/syntax/targetdsl.vim: out of step")
    assert highlighting.main(["--check", "--root", str(tmp_path / "nowhere")]) == 2


def test_the_vim_files_install_into_a_runtime_folder(tmp_path: Path) -> None:
    assert highlighting.main(["--vim", str(tmp_path)]) == 0
    for part in ("syntax", "ftdetect", "ftplugin"):
        assert (tmp_path / part / "targetdsl.vim").read_text(encoding="utf-8") == (
            VIM / part / "targetdsl.vim"
        ).read_text(encoding="utf-8")


def test_every_keyword_and_term_is_coloured_once() -> None:
    groups = highlighting.word_groups()
    coloured = [word for words in groups.values() for word in words]
    assert len(coloured) == len(set(coloured)), "a word in two groups"
    everything = WORDS[Language.ENGLISH] | WORDS[Language.CHINESE] | {w for t in TERMS for w in (t.english, t.chinese)}
    assert set(coloured) == everything
    for keyword in KEYWORDS:
        if keyword.declaration and keyword.concept not in ("extends", "override", "remove", "policy"):
            assert keyword.concept in ("grades", "ties", "periods") or keyword.chinese in groups["declaration"]


def test_a_new_keyword_reaches_both_grammars(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator reads the table: a keyword added there is coloured without touching the grammars by hand."""
    from targetdsl import keywords

    added = keywords.Keyword("audit", ("audit",), "审计", "a test keyword")
    monkeypatch.setattr(highlighting, "KEYWORDS", (*keywords.KEYWORDS, added))
    monkeypatch.setitem(BY_CONCEPT, "audit", added)
    assert "审计" in highlighting.textmate() and "audit" in highlighting.textmate()
    assert " 审计" in highlighting.vim()
    assert highlighting.stale(ROOT) != []


# --- colours compared with the parser's lexer ---------------------------------------------------------------------


def _sources() -> dict[str, tuple[Path, Language | None]]:
    """The seed policies as written (None), and each converted to the other keyword language."""
    sources: dict[str, tuple[Path, Language | None]] = {}
    for path in sorted([*(ROOT / "policies").glob("*.tdsl"), ROOT / "examples/plan/small.tdsl"]):
        sources[path.name] = (path, None)
        written = detect(path.read_text(encoding="utf-8"))
        for language in Language:
            if language is not written:
                sources[f"{path.stem}.as-{language.value}.tdsl"] = (path, language)
    return sources


SOURCES = _sources()


@functools.cache
def policy(name: str) -> str:
    path, language = SOURCES[name]
    text = path.read_text(encoding="utf-8")
    return text if language is None else format_policy(text, name=path.name, keywords=language)


@functools.cache
def _lexer(language: Language) -> Any:
    """The parser's lexer, comments and spaces kept; built once (Lark builds one on every `lex` call otherwise)."""
    return lark_parser(language)._build_lexer(dont_ignore=True)


def lex(text: str) -> list[Token]:
    """The tokens the parser's lexer reads in `text`, spaces and comments included."""
    language = detect(text)
    stream = LexerThread.from_text(_lexer(language), text).lex(None)  # type: ignore[no-untyped-call]
    postlex = lark_parser(language).options.postlex
    assert postlex is not None
    return list(postlex.process(stream))


TERM_WORDS = {w for t in TERMS for w in (t.english, t.chinese)}
ALL_WORDS = WORDS[Language.ENGLISH] | WORDS[Language.CHINESE] | TERM_WORDS
NAMING = set(highlighting.word_groups()["declaration"])
NUMBERS = {"NUMBER", "PERCENT", "POINTS_PP", "DATE", "GROUPED"}
CALLED = set(highlighting.function_words())  # the built-in functions, `min` and `最小`

# A colour, as the checks below name it.
Category = str  # "comment", "string", "number", "keyword", "declared", "function", "plain", "operator"


def expected_colours(text: str) -> list[tuple[int, int, str, set[Category]]]:
    """(line, column from 0 in code points, token, the colours it may have) for the tokens the parser's lexer reads."""
    tokens = [t for t in lex(text) if t.type != "WS"]
    found = []
    for index, token in enumerate(tokens):
        value = str(token)
        before = str(tokens[index - 1]) if index else ""
        after = str(tokens[index + 1]) if index + 1 < len(tokens) else ""
        if token.type == "COMMENT":
            allowed = {"comment"}
        elif token.type == "STRING":
            allowed = {"string"}
        elif token.type in NUMBERS:
            allowed = {"number"}
        elif re.fullmatch(NAME_PATTERN, value) and token.type != "NAME":
            # the lexer alone types a name spelled like a keyword (`veto cap`, `input when`) as the keyword; the
            # parser, which knows a name must follow, reads a name there, and so may the highlighters
            declared = before in NAMING and tokens[index - 1].line == token.line
            allowed = {"keyword", "declared"} if declared else {"keyword"}
        elif token.type != "NAME":
            continue  # braces and operators
        elif value in ALL_WORDS:
            continue  # a term, or a name spelled like a keyword of the other language: either colour will do
        elif value in CALLED and after == "(":
            allowed = {"function"}
        elif before in NAMING and tokens[index - 1].line == token.line:
            allowed = {"declared"}
        else:
            allowed = {"plain"}
        assert token.line is not None and token.column is not None
        found.append((token.line, token.column - 1, value, allowed))
    return found


def compare(text: str, colours: list[list[Category]]) -> list[str]:
    """Where the colours of each line's code points differ from what the lexer reads."""
    wrong = []
    for line, column, value, allowed in expected_colours(text):
        row = colours[line - 1]
        got = row[column] if column < len(row) else "plain"
        if got not in allowed:
            wrong.append(f"{line}:{column + 1} {value!r}: {got}, expected {'/'.join(sorted(allowed))}")
    return wrong


def textmate_category(scope: str) -> Category:
    for prefix, category in (
        ("comment.", "comment"),
        ("string.", "string"),
        ("constant.character.escape", "string"),
        ("constant.numeric", "number"),
        ("keyword.operator", "operator"),
        ("keyword.", "keyword"),
        ("constant.language", "keyword"),
        ("storage.type", "keyword"),
        ("entity.name", "declared"),
        ("support.function", "function"),
    ):
        if scope.startswith(prefix):
            return category
    return "plain"


def _onig_to_python(pattern: str) -> str:
    return re.sub(r"\\x\{([0-9A-Fa-f]{4})\}", r"\\u\1", pattern)


def textmate_colours(text: str) -> list[list[Category]]:
    """The TextMate grammar applied as an editor applies it, line by line: at each point the rule whose match starts
    first wins (the earlier rule on a tie); a `begin`/`end` rule colours up to its end. Enough for the rules this
    grammar uses, not a general TextMate engine."""
    grammar = json.loads((VSCODE / "syntaxes/targetdsl.tmLanguage.json").read_text(encoding="utf-8"))
    repository = grammar["repository"]
    rules: list[dict[str, Any]] = []
    for include in grammar["patterns"]:
        rule = repository[include["include"].lstrip("#")]
        rules += rule.get("patterns", [rule]) if "begin" not in rule and "match" not in rule else [rule]
    compiled = [(re.compile(_onig_to_python(r.get("match") or r["begin"])), r) for r in rules]
    result = []
    for line in re.split(r"\r\n|\r|\n", text):
        colours = ["plain"] * len(line)
        position = 0
        while position < len(line):
            best: tuple[re.Match[str], dict[str, Any]] | None = None
            for pattern, rule in compiled:
                match = pattern.search(line, position)
                if match and (best is None or match.start() < best[0].start()):
                    best = (match, rule)
            if best is None:
                break
            match, rule = best
            end = match.end()
            if "begin" in rule:
                closing = re.compile(_onig_to_python(rule["end"]))
                inner = re.compile(_onig_to_python(rule["patterns"][0]["match"]))
                at = end
                while at < len(line):
                    escape = inner.match(line, at)
                    if escape:
                        at = escape.end()
                        continue
                    if closing.match(line, at):
                        break
                    at += 1
                closed = closing.match(line, at)
                end = closed.end() if closed else len(line)
                colours[match.start() : end] = [textmate_category(rule["name"])] * (end - match.start())
            elif "captures" in rule:
                for group, capture in rule["captures"].items():
                    start, stop = match.span(int(group))
                    colours[start:stop] = [textmate_category(capture["name"])] * (stop - start)
            else:
                colours[match.start() : end] = [textmate_category(rule["name"])] * (end - match.start())
            position = max(end, match.start() + 1)
        result.append(colours)
    return result


def test_the_comparison_catches_a_wrong_colour() -> None:
    """The differential is not vacuous: a keyword left out of the grammar, a name coloured as a keyword, are found."""
    text = policy("lianyungang-2003.zh.tdsl")
    colours = textmate_colours(text)
    line = next(i for i, row in enumerate(text.splitlines()) if row.startswith("继承"))
    colours[line][0] = "plain"
    assert compare(text, colours) == [f"{line + 1}:1 '继承': plain, expected keyword"]
    colours = textmate_colours(text)
    line, column, name, _ = next(e for e in expected_colours(text) if e[3] == {"plain"})
    colours[line - 1][column] = "keyword"
    assert compare(text, colours) == [f"{line}:{column + 1} {name!r}: keyword, expected plain"]


VIM_DUMP = r"""
for name in argv()
  execute 'edit ' . fnameescape(name)
  let out = [&filetype . '|' . &commentstring . '|' . &shiftwidth . '|' . &expandtab]
  for l in range(1, line('$'))
    let row = []
    for c in range(1, col([l, '$']) - 1)
      call add(row, synIDattr(synID(l, c, 1), 'name'))
    endfor
    call add(out, join(row, ','))
  endfor
  call writefile(out, name . '.colours')
endfor
qa!
"""

VIM_GROUPS = {
    "targetdslComment": "comment",
    "targetdslTodo": "comment",
    "targetdslString": "string",
    "targetdslEscape": "string",
    "targetdslNumber": "number",
    "targetdslDate": "number",
    "targetdslOperator": "operator",
    "targetdslDeclaredName": "declared",
    "targetdslFunction": "function",
    "": "plain",
}


def vim_colours(paths: list[Path], tmp_path: Path) -> dict[Path, tuple[str, list[list[Category]]]]:
    """Vim opens the files with the Vim files installed as the guide says
    (`python -m targetdsl.authoring.highlighting --vim DIR`): for each, the file type and options the
    filetype plugin set, and the syntax group under each code point."""
    assert VIM_PROGRAM is not None
    runtime = tmp_path / "vimfiles"
    assert highlighting.main(["--vim", str(runtime)]) == 0
    script = tmp_path / "dump.vim"
    script.write_text(VIM_DUMP, encoding="utf-8")
    command = [VIM_PROGRAM, "-N", "-u", "NONE", "-i", "NONE", "-n", "-es"]
    command += ["--cmd", f"set encoding=utf-8 rtp^={runtime}", "--cmd", "filetype plugin on", "--cmd", "syntax on"]
    command += ["-c", f"source {script}", *map(str, paths)]
    subprocess.run(command, timeout=300, check=True, stdin=subprocess.DEVNULL)
    found = {}
    for path in paths:
        settings, *rows = Path(f"{path}.colours").read_text(encoding="utf-8").split("\n")
        lines = re.split(r"\r\n|\r|\n", path.read_text(encoding="utf-8"))
        colours = []
        for line, row in zip(lines, rows, strict=False):
            by_byte = row.split(",") if row else []
            per_point, offset = [], 0
            for char in line:
                group = by_byte[offset] if offset < len(by_byte) else ""
                per_point.append(VIM_GROUPS.get(group, "keyword" if group.startswith("targetdsl") else group))
                offset += len(char.encode("utf-8"))
            colours.append(per_point)
        found[path] = (settings, colours)
    return found


@functools.cache
def corpus() -> dict[str, str]:
    """Every policy the suite has: the seed policies, the data-driven cases' and the broken corpus's, each also
    in the other keyword language where it can be converted, and one that uses what the others do not."""
    from targetdsl.units.documents import parse_yaml

    texts = {name: policy(name) for name in SOURCES}
    written: dict[str, str] = {}
    for path in sorted((ROOT / "tests/cases").rglob("*.yaml")):
        document = parse_yaml(path.read_text(encoding="utf-8"))
        found = [document.get("policy")] + [c.get("policy") for c in document.get("cases", []) or []]
        for index, text in enumerate(t for t in found if isinstance(t, str)):
            written[f"case-{path.stem}-{index}.tdsl"] = text
    for path in sorted((ROOT / "tests/broken").glob("*.tdsl")):
        written[f"broken-{path.name}"] = path.read_text(encoding="utf-8")
    written["logic.tdsl"] = LOGIC
    written["amend.tdsl"] = 'extends "logic.tdsl"\nremove indicator 达标\n'
    written["amend.zh.tdsl"] = '继承 "logic.tdsl"\n取消 指标 达标\n'
    for name, text in written.items():
        convert = not name.startswith("broken-")
        try:
            list(lex(text))
        except Exception:  # a broken file the lexer cannot read has nothing to compare
            continue
        texts[name] = text
        for language in Language if convert else ():
            if language is detect(text):
                continue
            try:
                texts[f"{name}.as-{language.value}.tdsl"] = format_policy(text, name=name, keywords=language)
            except Exception:  # a broken policy cannot be converted
                pass
    return texts


LOGIC = """\
policy "逻辑" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 {
    indicator 达标 points 10 {
        input 完成: bool
        input 超额: bool
        score if 完成 and not 超额 or 超额 then points else 0
    }
}
"""


def test_the_corpus_uses_every_keyword_in_both_languages() -> None:
    """So that the comparisons below see each keyword at least once as the lexer reads it."""
    seen: set[str] = set()
    for text in corpus().values():
        seen |= {str(t) for t in lex(text) if t.type != "NAME"}
    unseen = {word for k in KEYWORDS for word in (*k.english, k.chinese)} - seen
    assert unseen == set()


def test_the_textmate_grammar_colours_every_policy_of_the_suite_as_the_parser_reads() -> None:
    wrong = {name: compare(text, textmate_colours(text)) for name, text in corpus().items()}
    assert {name: problems for name, problems in wrong.items() if problems} == {}


@pytest.mark.skipif(VIM_PROGRAM is None, reason="vim is not installed")
def test_vim_colours_every_policy_of_the_suite_as_the_parser_reads(tmp_path: Path) -> None:
    texts = corpus()
    paths = []
    for name, text in texts.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    found = vim_colours(paths, tmp_path)
    wrong = {}
    for path in paths:
        settings, colours = found[path]
        assert settings == "targetdsl|# %s|4|1", path.name
        problems = compare(texts[path.name], colours)
        if problems:
            wrong[path.name] = problems
    assert wrong == {}


# --- the VS Code extension ----------------------------------------------------------------------------------------


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    return data


def test_the_manifest_names_files_that_exist_and_pins_its_dependencies() -> None:
    package = manifest()
    assert (VSCODE / package["main"]).is_file()
    (language,) = package["contributes"]["languages"]
    assert language["id"] == "targetdsl" and language["extensions"] == [".tdsl"]
    configuration = json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    assert configuration["comments"] == {"lineComment": "#"}
    assert ["{", "}"] in configuration["brackets"] and ["(", ")"] in configuration["brackets"]
    assert {pair["open"] for pair in configuration["autoClosingPairs"]} == {"{", "(", '"'}
    (grammar,) = package["contributes"]["grammars"]
    assert (VSCODE / grammar["path"]).resolve() == (ROOT / next(iter(highlighting.OUTPUTS))).resolve()
    assert package["activationEvents"] == ["onLanguage:targetdsl"]
    # exact versions, so that the package built from a checkout is the one tested; the lock file agrees
    lock = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
    for kind in ("dependencies", "devDependencies"):
        for name, version in package[kind].items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
            assert lock["packages"][f"node_modules/{name}"]["version"] == version
            assert lock["packages"][""][kind][name] == version
    assert list(package["dependencies"]) == ["vscode-languageclient"]
    # vscode-languageclient 9 needs VS Code 1.82 or later, and says so
    assert lock["packages"]["node_modules/vscode-languageclient"]["engines"]["vscode"] == package["engines"]["vscode"]
    assert package["scripts"]["package"].startswith("vsce package ")


def test_the_settings_and_commands_are_the_ones_the_code_reads() -> None:
    package = manifest()
    code = (VSCODE / "extension.js").read_text(encoding="utf-8")
    properties = package["contributes"]["configuration"]["properties"]
    read = set(re.findall(r"config\.get\('([^']+)'\)", code))
    assert {f"targetdsl.{key}" for key in read} | {"targetdsl.trace.server"} == set(properties)
    restarting = json.loads(re.search(r"const SETTINGS = (\[[^]]*\]);", code)[1].replace("'", '"'))  # type: ignore[index]
    assert set(restarting) == read
    # in a workspace not trusted, the workspace cannot choose the program the extension runs
    restricted = package["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]
    assert set(restricted) == {f"targetdsl.{key}" for key in read}
    commands = {c["command"] for c in package["contributes"]["commands"]}
    assert commands == set(re.findall(r"registerCommand\('([^']+)'", code))


def test_every_text_of_the_extension_is_in_english_and_chinese() -> None:
    package = (VSCODE / "package.json").read_text(encoding="utf-8")
    english = json.loads((VSCODE / "package.nls.json").read_text(encoding="utf-8"))
    chinese = json.loads((VSCODE / "package.nls.zh-cn.json").read_text(encoding="utf-8"))
    assert set(re.findall(r'"%([^%"]+)%"', package)) == set(english) == set(chinese)
    for key, text in chinese.items():
        assert re.search(r"[\u4e00-\u9fff]", text), key
        assert re.findall(r"`[^`]*targetdsl[^`]*`", text) == re.findall(r"`[^`]*targetdsl[^`]*`", english[key]), key
    code = (VSCODE / "extension.js").read_text(encoding="utf-8")
    messages = {
        json.loads('"' + m.replace('"', '\\"') + '"') for m in re.findall(r"l10n\.t\(\s*'((?:[^'\\]|\\.)*)'", code)
    }
    bundle = json.loads((VSCODE / "l10n/bundle.l10n.zh-cn.json").read_text(encoding="utf-8"))
    assert messages and messages == set(bundle)
    for message, translated in bundle.items():
        assert re.findall(r"\{\d\}", message) == re.findall(r"\{\d\}", translated), message


def run_extension(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(VSCODE / "test/harness.js"), json.dumps(scenario)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    events: list[dict[str, Any]] = json.loads(done.stdout)
    return events


def clients(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["client"] for e in events if "client" in e]


@needs_node
def test_the_extension_starts_targetdsl_lsp_for_policy_files() -> None:
    events = run_extension({})
    (client,) = clients(events)
    assert client["run"] == client["debug"] == {"command": "targetdsl", "args": ["lsp"]}
    assert "transport" not in client["run"]  # a transport would add `--stdio`, which `targetdsl lsp` refuses
    assert {"scheme": "file", "language": "targetdsl"} in client["selector"]
    assert {"start": "targetdsl"} in events and {"stop": "targetdsl"} in events
    assert {"output": "Starting the language server: targetdsl lsp"} in events
    assert {"registered": "targetdsl.restartServer"} in events
    assert not [e for e in events if "error" in e]


@needs_node
def test_the_extension_runs_a_configured_python_and_restarts_when_it_changes() -> None:
    scenario = {
        "settings": {"targetdsl.python": "${workspaceFolder}/.venv/bin/python", "targetdsl.server.args": ["lsp"]},
        "folder": "/srv/policies",
        "change": {"targetdsl.python": "", "targetdsl.server.command": "~/bin/targetdsl"},
    }
    events = run_extension(scenario)
    first, second = clients(events)
    assert first["run"] == {"command": "/srv/policies/.venv/bin/python", "args": ["-m", "targetdsl", "lsp"]}
    assert second["run"]["command"] == os.path.join(os.path.expanduser("~"), "bin/targetdsl")
    assert second["run"]["args"] == ["lsp"]
    assert [e for e in events if "start" in e or "stop" in e] == [{"start": "targetdsl"}, {"stop": "targetdsl"}] * 2


@needs_node
def test_a_server_that_does_not_start_is_explained_with_the_way_out() -> None:
    events = run_extension({"fail": "spawn targetdsl ENOENT", "choose": "Open Settings"})
    (error,) = [e for e in events if "error" in e]
    assert "`targetdsl lsp`" in error["error"] and "spawn targetdsl ENOENT" in error["error"]
    assert "Install targetdsl with pip" in error["error"] and "targetdsl.python" in error["error"]
    assert error["buttons"] == ["Open Settings", "Show Output"]
    assert {"executed": ["workbench.action.openSettings", "targetdsl"]} in events


def _handshake(command: list[str]) -> dict[str, Any]:
    """Start a server as the extension would, initialize it, shut it down: its answer to `initialize`."""
    messages: list[dict[str, Any]] = [
        {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"method": "initialized", "params": {}},
        {"id": 2, "method": "shutdown", "params": None},
        {"method": "exit", "params": None},
    ]
    stdin = b""
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin += b"Content-Length: %d\r\n\r\n" % len(body) + body
    done = subprocess.run(
        command, input=stdin, capture_output=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    bodies = re.split(rb"Content-Length: \d+\r\n(?:[^\r\n]+\r\n)*\r\n", done.stdout)[1:]
    (answer,) = [m for m in map(json.loads, bodies) if m.get("id") == 1]
    result: dict[str, Any] = answer["result"]
    return result


@needs_node
def test_the_command_the_extension_builds_starts_a_working_server() -> None:
    events = run_extension({"settings": {"targetdsl.python": sys.executable}})
    (client,) = clients(events)
    answer = _handshake([client["run"]["command"], *client["run"]["args"]])
    capabilities = answer["capabilities"]
    assert capabilities["documentFormattingProvider"] and capabilities["hoverProvider"]
    assert capabilities["completionProvider"] is not None


def test_the_package_leaves_out_what_it_must_not_ship() -> None:
    ignored = (VSCODE / ".vscodeignore").read_text(encoding="utf-8").split()
    assert "test/**" in ignored and "*.vsix" in ignored
    git_ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "editors/vscode/node_modules/" in git_ignored and "*.vsix" in git_ignored


@pytest.mark.slow
@pytest.mark.skipif(NODE is None or NPM is None, reason="node and npm are not installed")
def test_the_vsix_builds_and_vscode_colours_as_the_parser_reads(tmp_path: Path) -> None:
    """The documented build (`npm ci`, `npm run package`) in a copy of editors/vscode; it installs from the npm
    registry, hence slow. The package holds the extension, its grammar, both languages' texts and the language
    client; VS Code's own TextMate engine colours the policies as the lexer reads them."""
    assert NPM is not None and NODE is not None
    work = tmp_path / "vscode"
    shutil.copytree(VSCODE, work, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=work, check=True, timeout=600, capture_output=True)
    subprocess.run([NPM, "run", "package"], cwd=work, check=True, timeout=600, capture_output=True)
    package = manifest()
    with zipfile.ZipFile(work / f"targetdsl-{package['version']}.vsix") as vsix:
        names = set(vsix.namelist())
        shipped = json.loads(vsix.read("extension/package.json"))
    for required in (
        "extension/extension.js",
        "extension/syntaxes/targetdsl.tmLanguage.json",
        "extension/language-configuration.json",
        "extension/package.nls.zh-cn.json",
        "extension/l10n/bundle.l10n.zh-cn.json",
        "extension/node_modules/vscode-languageclient/node.js",
    ):
        assert required in names, required
    assert not [n for n in names if "/test/" in n.removeprefix("extension/node_modules/") and "node_modules" not in n]
    assert not [
        n
        for n in names
        if n.startswith(("extension/node_modules/@vscode/vsce", "extension/node_modules/vscode-textmate"))
    ]
    assert shipped["contributes"] == package["contributes"]

    texts = corpus()
    files = {}
    for name, text in texts.items():
        files[name] = tmp_path / name
        files[name].write_text(text, encoding="utf-8")
    done = subprocess.run(
        [NODE, str(work / "test/tokenize.js"), *map(str, files.values())],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    tokens = json.loads(done.stdout)
    for name, path in files.items():
        colours = [[textmate_category(scope) for text, scope in line for _ in text] for line in tokens[str(path)]]
        assert compare(texts[name], colours) == [], name
        # the small interpreter above agrees with VS Code's engine point by point
        assert colours == textmate_colours(texts[name]), name


# --- docs/editors.md ----------------------------------------------------------------------------------------------


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_json_and_toml_setups_in_the_guide_parse() -> None:
    for block in blocks("json"):
        json.loads("{" + block + "}" if not block.lstrip().startswith("{") else block)
    (helix,) = blocks("toml")
    languages = tomllib.loads(helix)
    (language,) = languages["language"]
    assert language["file-types"] == ["tdsl"] and language["language-servers"] == ["targetdsl"]
    assert languages["language-server"]["targetdsl"] == {"command": "targetdsl", "args": ["lsp"]}


def test_the_lisp_and_lua_setups_in_the_guide_are_balanced() -> None:
    def balanced(text: str, pairs: str) -> bool:
        stack: list[str] = []
        for char in re.sub(r'"(?:\\.|[^"\\])*"|;[^\n]*|--[^\n]*', "", text):
            if char in pairs[0::2]:
                stack.append(pairs[pairs.index(char) + 1])
            elif char in pairs[1::2] and (not stack or stack.pop() != char):
                return False
        return not stack

    assert blocks("elisp") and all(balanced(b, "()") for b in blocks("elisp"))
    assert blocks("lua") and all(balanced(b, "(){}[]") for b in blocks("lua"))


def test_the_guide_names_the_commands_and_files_that_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "npm ci" in text and "npm run package" in text
    assert f"targetdsl-{manifest()['version']}.vsix" in text
    assert "python -m targetdsl.authoring.highlighting" in text
    for path in re.findall(r"`(editors/[^`*]+)`", text):
        assert (ROOT / path).exists(), path
    for setting in manifest()["contributes"]["configuration"]["properties"]:
        assert f"`{setting}`" in text, setting


NVIM = shutil.which("nvim")

NVIM_DRIVE = r"""
local out = {}
vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100)
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, { line = d.lnum + 1, message = d.message, code = d.code })
end
local result = { filetype = vim.bo.filetype, syntax = vim.b.current_syntax, diagnostics = out }
vim.cmd("edit " .. vim.fn.fnameescape(vim.env.TDSL_MESSY))
vim.wait(60000, function() return next(vim.lsp.buf_get_clients(0)) ~= nil end, 100)
vim.cmd("write")
vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.TDSL_OUT)
vim.cmd("qall!")
"""


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed")
def test_the_neovim_07_setup_of_the_guide_checks_and_formats(tmp_path: Path) -> None:
    """Debian 12's Neovim (0.7.2) with the guide's lines: a broken policy shows the checker's problem, a saved one
    is formatted. Runs where nvim is installed: .ci/run installs Debian's."""
    assert NVIM is not None
    (setup,) = [block for block in blocks("lua") if block.startswith("-- targetdsl: Neovim 0.7\n")]
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    shim = bin_folder / "targetdsl"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m targetdsl "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    init = tmp_path / "init.lua"
    init.write_text(f'vim.opt.runtimepath:prepend("{VIM}")\n{setup}', encoding="utf-8")
    drive = tmp_path / "drive.lua"
    drive.write_text(NVIM_DRIVE, encoding="utf-8")
    broken = tmp_path / "broken.tdsl"
    broken.write_text((ROOT / "tests/broken/check-duplicate-name.tdsl").read_text(encoding="utf-8"), encoding="utf-8")
    messy = tmp_path / "messy.tdsl"
    tidy = policy("small.tdsl")
    messy.write_text(tidy.replace("\n    ", "\n  "), encoding="utf-8")
    assert messy.read_text(encoding="utf-8") != tidy
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "TDSL_OUT": str(out),
        "TDSL_MESSY": str(messy),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    command = [NVIM, "--headless", "-i", "NONE", "-n", "-u", str(init), "-c", f"luafile {drive}", str(broken)]
    subprocess.run(
        command, env=env, cwd=tmp_path, timeout=180, check=True, stdin=subprocess.DEVNULL, capture_output=True
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["filetype"] == "targetdsl" and result["syntax"] == "targetdsl"
    assert "check.duplicate-name" in [d["code"] for d in result["diagnostics"]]
    assert messy.read_text(encoding="utf-8") == tidy
