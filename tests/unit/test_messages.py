"""Messages in Chinese and English: the language chosen, the catalog complete, English unchanged.

The catalog (targetdsl/translations.py) is keyed by the English text. These tests prove that every
message the checker, parser, inheritance and command line write has its Chinese: by reading the
source for every message literal, and by rendering every broken policy, every failing example of
the docs and every data-error fixture in Chinese and finding no English left outside code, names
and paths.
"""

from __future__ import annotations

import ast
import locale
import re
import sys
from pathlib import Path

import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.keywords import KEYWORDS, VOCABULARY, Language
from targetdsl.language.functions import FUNCTIONS
from targetdsl.messages import TEMPLATES, choose, from_locale, translate, untranslated
from targetdsl.translations import CATALOG
from tests.support import case_documents, module_source

ROOT = Path(__file__).resolve().parent.parent.parent
BROKEN = ROOT / "tests" / "broken"
DOCS = ROOT / "docs"

# Words that stay as they are in a Chinese message: the language's own words (keywords, terms), and
# the names of encodings and formats.
ALLOWED = (
    {word for keyword in KEYWORDS for word in keyword.english}
    | set(VOCABULARY)
    | {"true", "false", "let", "base", "load_policy", "path", "root", "targetdsl", "check", "fmt", "keywords"}
    | {"evaluate", "report", "format", "csv", "jsonl", "txt", "json", "xlsx", "html", "yaml", "yml", "tdsl"}
    | {"rows", "items", "data", "lang", "period", "carry", "class", "unit", "output", "policy"}
    | set(FUNCTIONS)
    | {"low", "high", "places"}  # the parameters of built-in functions, as their signatures name them
    | {"Excel", "Word", "OpenDocument", "Decimal", "Unicode", "Windows", "Dask"}  # names of programs and types
)
ENGLISH_WORD = re.compile(r"[A-Za-z_][A-Za-z_]{2,}")


def english_left(text: str) -> list[str]:
    """The English words of `text` outside code (`…`), quoted labels, paths and upper-case names."""
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r'"[^"\n]*"', " ", text)
    text = re.sub(r"“[^”\n]*”", " ", text)
    text = re.sub(r"[^\s:：（）()]*[/\\.][^\s:：（）()]*", " ", text)  # paths, file names, options
    words = ENGLISH_WORD.findall(text)
    return [w for w in words if w not in ALLOWED and not w.isupper() and not w.startswith("--")]


# ------------------------------------------------------------------ the language chosen


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, Language.ENGLISH),
        ({"LANG": "C"}, Language.ENGLISH),
        ({"LANG": "POSIX"}, Language.ENGLISH),
        ({"LANG": "C.UTF-8"}, Language.ENGLISH),
        ({"LANG": "en_US.UTF-8"}, Language.ENGLISH),
        ({"LANG": "zh_CN.UTF-8"}, Language.CHINESE),
        ({"LANG": "zh_TW.Big5"}, Language.CHINESE),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, Language.ENGLISH),  # LC_ALL overrides
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, Language.CHINESE),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": ""}, Language.CHINESE),  # empty means unset
    ],
)
def test_language_follows_the_locale(environ: dict[str, str], language: Language) -> None:
    assert from_locale(environ) is language


def test_the_option_overrides_the_locale() -> None:
    assert choose("en", {"LANG": "zh_CN.UTF-8"}) is Language.ENGLISH
    assert choose("zh", {"LANG": "C"}) is Language.CHINESE
    assert choose(None, {"LANG": "zh_CN.UTF-8"}) is Language.CHINESE


# ------------------------------------------------------------------ the catalog


def test_catalog_entries_are_unique_and_chinese() -> None:
    english = [e for e, _ in CATALOG]
    assert len(english) == len(set(english)), "an English text is in the catalog twice"
    for entry, chinese in CATALOG:
        if re.search("[a-z]{3}", re.sub(r"\{\w+(:[tlnw])?\}|--[a-z-]+", "", entry)):  # words to translate
            assert re.search(r"[\u4e00-\u9fff]", chinese), entry


def test_chinese_templates_hold_no_english() -> None:
    """Whatever fills a template's places, the words around them are Chinese (or code, in backticks)."""
    for english, chinese in CATALOG:
        assert not english_left(re.sub(r"\{\w+(:[tld])?\}", " ", chinese)), (english, chinese)


def test_english_is_unchanged_and_unknown_text_kept() -> None:
    assert translate("unknown class `县`", Language.ENGLISH) == "unknown class `县`"
    assert translate("unknown class `县`", Language.CHINESE) == "未知的类别 `县`"
    assert translate("no such message here", Language.CHINESE) == "no such message here"


def test_placeholders_carry_values_verbatim() -> None:
    # a value that itself reads like a message is not translated unless its place says so
    text = "unknown class `unknown class`"
    assert translate(text, Language.CHINESE) == "未知的类别 `unknown class`"
    assert translate("`x` is already a constant; a `let` cannot take its name", Language.CHINESE) == (
        "`x` 已是常量；`let` 不能用这个名字"
    )


def test_every_template_matches_its_own_english() -> None:
    for template in TEMPLATES:
        sample = re.sub(r"\{\w+(?::[tlw])?\}", "Q", re.sub(r"\{\w+:[dn]\}", "1", template.english))
        if template.pattern.groupindex:
            assert template.pattern.fullmatch(sample) or "(?P=" in template.pattern.pattern, template.english


# Every message literal the source writes, with Q for each value put into it
SOURCES = [
    "parser",
    "transform",
    "inheritance",
    "checker",
    "checks_state",
    "checks_header",
    "checks_inputs",
    "checks_classes",
    "checks_measures",
    "checks_rules",
    "checks_grades",
    "checks_periods",
    "checks_references",
    "typecheck",
    "formatter",
    "lowering",
    "invocation",
    "arguments",
    "inputs",
    "output",
    "evaluating",
    "auditing",
    "authoring",
    "program",
]
CALLS = {
    "report",
    "warn",
    "error",
    "warning",
    "UsageError",
    "_error",
    "LiteralError",
    "DepthError",
    "_mismatch",
    "_say",
    "FormatError",
}
# the readers and validators of unit data, and evaluation: every message they write
DATA_SOURCES = [
    "files",
    "documents",
    "tabular",
    "sheets",
    "data",
    "fields",
    "scalars",
    "indicators",
    "awards",
    "constraints",
    "headers",
    "ledger",
    "stream",
    "periods",
    "engine",
    "rules",
    "bonuses",
    "grading",
    "finishing",
    "ondemand",
    "measures",
    "interpreter",
    "kernel",
    "record",
]
DATA_CALLS = {
    "problem",
    "DataProblem",
    "Failure",
    "fail",
    "FileReadError",
    "PeriodError",
    "RefusedYAMLError",
    "RecordError",
}


def _samples(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "Q" for v in node.values)]  # type: ignore[misc]
    if isinstance(node, ast.IfExp):
        return (_samples(node.body) or ["Q"]) + (_samples(node.orelse) or ["Q"])
    if isinstance(node, ast.BoolOp):
        return [s for value in node.values for s in _samples(value)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _samples(node.left) or ["Q"], _samples(node.right) or ["Q"]
        return [a + b for a in left for b in right]
    return []


def source_messages(modules: list[str] = SOURCES, calls: set[str] = CALLS) -> list[tuple[str, str]]:
    found = []
    for module in modules:
        path = module_source(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in calls:
                continue
            arguments = list(node.args) + [k.value for k in node.keywords]
            if name in ("report", "warn", "error", "warning"):
                arguments = arguments[1:]  # the code
            for argument in arguments:
                for sample in _samples(argument):
                    if " " in sample.strip():  # a message, not a code or a name
                        found.append((f"{module}.py:{node.lineno}", sample))
    return found


# Messages whose values stand for words or code the sample's Q cannot (an optional clause, a place in a
# sheet, a date): an instance as the source writes it, checked in their stead
INSTANCES = {
    "numbers in a policy have no thousands separators and a decimal point, never a comma: write the number "
    "itselfQ": "numbers in a policy have no thousands separators and a decimal point, never a comma: write the "
    "number itself",
    "Q: override the bonus in this file with its own `carry over after Q-…`": "awards dated after the cutoff "
    "count next year, so a 2003 policy needs a cutoff such as 2004-01-15: override the bonus in this file with "
    "its own `carry over after 2004-…`",
    "this policy cannot be written with Q keywords: the name `Q` is spelled like the Q `Q`": "this policy cannot "
    "be written with Chinese keywords: the name `等次` is spelled like the keyword `等次`",
    "the columns are separated by Q, not commas: save the file as “CSV UTF-8 (comma delimited)”": "the columns "
    "are separated by tab, not commas: save the file as “CSV UTF-8 (comma delimited)”",
    "Q: empty; give Q": "UNIT: empty; give a unit id",
    "Q in the name: retype it": "a control character (U+0000) in the name: retype it",
    "Q in the Q: retype it": "an invisible character (U+200B ZERO WIDTH SPACE) in the id: retype it",
    "`Q`Q is not a day of the calendar: Q": "`2004-02-30` (line 3) is not a day of the calendar: February 2004 "
    "has 29 days",
    "duplicate unit idQ: Q and Q both give `Q`; each unit is listed once, under its own id": "duplicate unit id "
    "(`Ｃ01` reads as `C01`): unit #3 and unit #1 both give `C01`; each unit is listed once, under its own id",
    "Q: the class column says Q, but the row is on sheet Q, which is the class Q: move the row to its class's "
    "sheet, or correct the class": "sheet 县区, cell C3: the class column says `市直部门`, but the row is on "
    "sheet 县区, which is the class 县区: move the row to its class's sheet, or correct the class",
}


@pytest.mark.parametrize(("where", "english"), source_messages() + source_messages(DATA_SOURCES, DATA_CALLS))
def test_every_message_in_the_source_has_chinese(where: str, english: str) -> None:
    if not re.search("[A-Za-z]", english.replace("Q", "")):
        return  # only values: each is a message of its own
    numbered = english.replace("Q", "1")  # a place that takes a whole number (`line {line:d}`)
    # translated, and wholly: no template that took part of the English for a value
    candidates = (english, numbered, INSTANCES.get(english, english))
    assert any(translate(t, Language.CHINESE) != t and not untranslated(t) for t in candidates), (
        f"{where}: no Chinese for {english!r}: {untranslated(english)}"
    )


# ------------------------------------------------------------------ rendering


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.tdsl")), ids=lambda p: p.name)
def test_broken_policies_render_in_chinese(path: Path) -> None:
    report = targetdsl.check_path(path)
    assert report.render(language=Language.ENGLISH) == report.render()
    chinese = report.render(language=Language.CHINESE)
    for diagnostic in report.diagnostics:
        assert f"[{diagnostic.code}]" in chinese  # the codes are the same
    for line in chinese.splitlines():
        if line.lstrip()[:1].isdigit() or line.strip() in ("|", ""):
            continue  # the quoted source and its caret
        if re.match(r"\s*\d* \|", line):
            continue
        assert not english_left(line), line


def _expect_blocks() -> list[tuple[str, str]]:
    block = re.compile(r"<!-- check: expect (?P<code>\S+) -->\n```tdsl\n(?P<body>.*?)```", re.S)
    cases = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        prelude = re.search(r"<!-- check: alone -->\n```tdsl\n(.*?)```", text, re.S)
        for match in block.finditer(text):
            body = match["body"]
            if not body.lstrip().startswith(("policy", "extends")) and prelude:
                body = prelude[1] + body
            cases.append((f"{page.name}:{match['code']}", body))
    return cases


@pytest.mark.parametrize(("where", "text"), _expect_blocks(), ids=[w for w, _ in _expect_blocks()])
def test_documented_failures_render_in_chinese(where: str, text: str) -> None:
    report = targetdsl.check_text(text, name="example.tdsl", base=ROOT / "policies")
    for diagnostic in report.diagnostics:
        for part in (diagnostic.message, diagnostic.help or ""):
            chinese = translate(part, Language.CHINESE)
            assert not english_left(chinese), f"{where}: {part!r} → {chinese!r}"


# ------------------------------------------------------------------ the command line


def test_check_in_chinese_by_option(capsys: pytest.CaptureFixture[str]) -> None:
    broken = BROKEN / "check-unknown-name-input.tdsl"
    assert main(["check", "--lang", "zh", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "错误[check.unknown-name]: 未知的名称" in out
    assert "提示：" in out
    assert re.search(r"已检查 1 个文件：\d+ 个错误，\d+ 个警告\n\Z", out)


def test_check_in_chinese_by_locale(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert main(["check", str(ROOT / "policies/lianyungang-2002.tdsl")]) == 0
    out = capsys.readouterr().out  # the policy's assumptions, then the summary
    assert out.endswith("\n已检查 1 个文件：0 个错误，0 个警告\n") and out.count("的假定：") == 5
    assert main(["--lang", "en", "check", str(ROOT / "policies/lianyungang-2002.tdsl")]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\nchecked 1 file: 0 errors, 0 warnings\n") and out.count(": assumption in veto ") == 5


def test_english_output_is_byte_identical(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in sorted(BROKEN.glob("*.tdsl"))]
    assert main(["check", *paths]) == 1
    plain = capsys.readouterr()
    assert main(["check", "--lang", "en", *paths]) == 1
    assert capsys.readouterr() == plain


def test_usage_errors_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = str(ROOT / "policies/lianyungang-2002.tdsl")
    data = str(ROOT / "examples/lianyungang-2002/units.yaml")
    assert main(["evaluate", "--lang", "zh", data, policy]) == 2
    err = capsys.readouterr().err
    assert err.startswith("targetdsl: 错误：考核办法和数据的位置颠倒了"), err
    assert main(["evaluate", "--lang", "zh", policy, data, "-o", str(tmp_path / "none" / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert "没有目录" in err and not english_left(err.split("：", 1)[1]), err


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["DATA2", "--record", "r.json"], "`--record` 只记录一个数据文件：请把各单位合到一个文件中，或去掉 `--record`"),
        (["--items", "x"], None),
    ],
)
def test_record_usage_errors_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], said: str | None
) -> None:
    policy = str(ROOT / "policies/lianyungang-2002.tdsl")
    data = str(ROOT / "examples/lianyungang-2002/units.yaml")
    if said is None:  # `--items` belongs to `template`
        assert main(["template", "--lang", "zh", policy, "-o", str(tmp_path / "t.xlsx"), *extra]) == 2
        said = "`--items x`：请给出空位数"
    else:
        extra = [data if a == "DATA2" else str(tmp_path / a) if a.endswith(("json", "jsonl")) else a for a in extra]
        (tmp_path / "last.jsonl").write_text("", encoding="utf-8")
        assert main(["evaluate", "--lang", "zh", policy, data, *extra]) == 2
    err = capsys.readouterr().err
    assert said in err and not english_left(err.split("：", 1)[1]), err


# ------------------------------------------------------------------ data and evaluation problems


def _problem_cases() -> list[object]:

    cases = []
    for path, document in case_documents():
        for index, run in enumerate(document.get("cases") or [{"expect": document["expect"]}]):
            if "data_errors" in run["expect"] or "evaluation_errors" in run["expect"]:
                cases.append(pytest.param(path, document, run, id=f"{path.stem}[{index}]"))
    return cases


def assert_chinese_problems(error: targetdsl.DataError | targetdsl.EvaluationError) -> None:
    english = error.render()
    chinese = error.render(language=Language.CHINESE)
    assert english == error.render(language=Language.ENGLISH)
    assert len(chinese.splitlines()) == len(english.splitlines()) == len(error.problems)
    for problem, line in zip(error.problems, chinese.splitlines(), strict=True):
        assert line.startswith("错误"), line
        code = getattr(problem, "code", None)
        if code:
            assert line.startswith(f"错误[{code}]: "), line  # the same code
        assert not untranslated(problem.message), problem.message


@pytest.mark.parametrize(("path", "document", "run"), _problem_cases())
def test_case_problems_render_in_chinese(path: Path, document: dict[str, object], run: dict[str, object]) -> None:
    policy = targetdsl.parse_policy(str(document["policy"]), name=path.name)
    options = {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }
    with pytest.raises((targetdsl.DataError, targetdsl.EvaluationError)) as caught:
        policy.evaluate(document["units"], **options)  # type: ignore[arg-type]
    assert_chinese_problems(caught.value)


BAD_UNITS = """\
units:
  - id: A01
    name: 甲县
    class: 乡镇
  - id: A01
    name: 乙县
    class: 县区
    indicators:
      地区生产总值: {actual: 一百, target: 80}
      不存在: {actual: 1}
  - name: 丙县
    class: [县区]
"""


def test_data_problems_render_in_chinese(tmp_path: Path) -> None:
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2002.tdsl")
    path = tmp_path / "units.yaml"
    path.write_text(BAD_UNITS, encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(str(path))
    assert len(caught.value.problems) >= 4
    assert_chinese_problems(caught.value)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("units.csv", "id;name;class\nA01;甲县;县区\n"),
        ("units.csv", 'id,name,class,地区生产总值.actual\nA01,甲县,县区,"1,5"\n,,,200\n'),
        ("units.json", '{"units": [{"id": "A01", "id": "A02"}]}'),
        ("units.xlsx", "not a workbook"),
        ("units.yaml", "units: [\n"),
        ("units.csv", "\ufeffid,name\n"),
    ],
)
def test_file_problems_render_in_chinese(tmp_path: Path, name: str, content: str) -> None:
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2002.tdsl")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(str(path))
    for problem in caught.value.problems:
        if problem.message.startswith(("invalid YAML: ", "invalid JSON: ")):
            continue  # the parser's own words follow; the sentence around them is translated
        assert not untranslated(problem.message), problem.message


def test_evaluate_reports_data_problems_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(BAD_UNITS, encoding="utf-8")
    policy = str(ROOT / "policies/lianyungang-2002.tdsl")
    assert main(["evaluate", policy, str(path)]) == 1
    english = capsys.readouterr().err
    assert main(["evaluate", "--lang", "zh", policy, str(path)]) == 1
    chinese = capsys.readouterr().err
    assert len(chinese.splitlines()) == len(english.splitlines())
    assert "错误[data.unknown-class]" in chinese and "未知的类别" in chinese


def test_every_code_is_described_in_chinese() -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    sections = re.split(r"^### `", text, flags=re.M)[1:]
    assert len(sections) > 90
    for section in sections:
        code = section.split("`", 1)[0]
        line = re.search(r"^中文：(.+)$", section, re.M)
        assert line and re.search(r"[\u4e00-\u9fff]", line[1]), f"{code} has no Chinese description"


# ------------------------------------------------------------------ README.zh-CN.md


def test_chinese_readme_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](README.zh-CN.md)" in readme.split("```", 1)[0]  # at the top, before the first command


def test_chinese_readme_commands_are_the_readmes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its two commands: the install and test line is README's own; the main job runs and prints the
    example's units, the Chinese-keyword policy scoring as the English one does."""
    chinese = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.search(r"```sh\n(.*?)```", chinese, re.S)
    theirs = re.search(r"```sh\n(.*?)```", english, re.S)
    assert commands and theirs
    install, tests = commands[1].splitlines()
    assert tests == theirs[1].splitlines()[1]
    assert install.startswith("pip install . && targetdsl ")
    monkeypatch.chdir(ROOT)
    assert main(install.split("&& targetdsl ", 1)[1].split()) == 0
    out = capsys.readouterr().out
    english_args = theirs[1].splitlines()[0].split("&& targetdsl ", 1)[1].split()
    assert main([*english_args, "--lang", "zh"]) == 0
    assert capsys.readouterr().out == out  # the same results, whichever the policy's keywords
    assert "灌南县" in out and "1077" in out and "1004" in out


def test_chinese_readme_shows_what_the_command_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- run: targetdsl (?P<args>[^>]*?) -->\n```text\n(?P<body>.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    for args, body in blocks:
        main(args.split())
        assert capsys.readouterr().out == body


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "--lang", "zh"], "targetdsl check: 错误：缺少以下参数：FILE\n"),
        (["--lang=zh", "nosuch"], "targetdsl: 错误：参数 COMMAND：无效的选择 'nosuch'"),
        (["check", "--lang", "zh", "--format", "xml", "a.tdsl"], "错误：参数 --format：无效的选择 'xml'"),
        (["check", "a.tdsl", "--lang", "zh", "--nosuch"], "错误：无法识别的参数：--nosuch\n"),
    ],
)
def test_argument_errors_in_chinese(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert expected in capsys.readouterr().err


def test_argument_errors_in_english_are_argparses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check"])
    assert capsys.readouterr().err.endswith("targetdsl check: error: the following arguments are required: FILE\n")


COMMANDS = ["check", "evaluate", "diff", "verify", "test", "periods", "report", "template", "lsp", "fmt", "explain"]


@pytest.mark.parametrize("command", [None, *COMMANDS, "plan"])
def test_every_help_is_in_chinese(command: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` in Chinese: the descriptions, every argument, the comments of the examples, the exit
    statuses and argparse's own headings; the command lines of the examples, options, metavars and
    choices stay as they are typed."""
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "zh", *([command] if command else []), "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：targetdsl")
    left = []
    example = False
    for printed in out.splitlines():
        example = (example or printed == "示例：") and not printed.startswith("退出码")
        said = printed
        if example or printed.startswith(("用法：", " " * 10)) and "[" in printed:
            said = printed.split("# ", 1)[1] if "# " in printed else ""  # usage, and an example's command line
        said = re.sub(r"^ {4}[a-z]+ ", " ", said)  # a command's name, in the list of commands
        said = re.sub(r"-{1,2}[a-z][\w-]*|\{[a-z,]+\}|\S+://\S+", " ", said)  # options, choices, an address
        words = english_left(said)
        programs = {"text", "table", "junit", "local", "dask", "pip", "install"}
        left += [w for w in words if w not in programs]
    assert not left, left
    with pytest.raises(SystemExit):
        main(["--lang", "en", *([command] if command else []), "--help"])
    assert capsys.readouterr().out.startswith("usage: targetdsl")


def test_language_server_diagnostics_in_chinese() -> None:
    from targetdsl.authoring.lsp import PolicyServer

    report = targetdsl.check_path(BROKEN / "check-unknown-name-input.tdsl")
    own = str(BROKEN / "check-unknown-name-input.tdsl")
    english = [PolicyServer.convert(d, own) for d in report.diagnostics]
    chinese = [PolicyServer.convert(d, own, language=Language.CHINESE) for d in report.diagnostics]
    assert [d.code for d in chinese] == [d.code for d in english]
    assert any(d.code == "check.unknown-name" for d in chinese)
    for zh, en in zip(chinese, english, strict=True):
        if zh.code == "check.unknown-name":
            assert "未知的名称" in zh.message, zh.message
        assert ("\n提示：" in zh.message) == ("\nhelp: " in en.message), zh.message


def test_names_and_field_paths_are_never_translated() -> None:
    """A field path or a measure named like an English phrase of the catalog stays as the data and the
    policy name it; only places in a file and the kinds of rules are put in words."""
    from targetdsl.evaluation.interpreter import EvaluationProblem
    from targetdsl.source import Span
    from targetdsl.values import DataProblem

    problem = DataProblem("u.csv", "A", "id", "missing value", code="data.missing-value")
    assert problem.render(language=Language.CHINESE) == "u.csv: 单位 A: id: 缺少数值"
    problem = DataProblem("u.csv", None, "line 3", "missing unit id", code="data.bad-text")
    assert problem.render(language=Language.CHINESE) == "u.csv: 第 3 行: 缺少单位编号"
    span = Span("p.tdsl", 4, 5, 4, 9)
    named = EvaluationProblem("A", "value", "no band matched", span)
    assert named.render(language=Language.CHINESE) == "p.tdsl:4:5: 单位 A: value: 没有匹配的分档"
    rule = EvaluationProblem("A", "veto value", "no band matched", span)
    assert rule.render(language=Language.CHINESE) == "p.tdsl:4:5: 单位 A: 一票否决 value: 没有匹配的分档"


def test_every_built_in_function_is_described_in_chinese() -> None:
    """A function's summary is the help line of a call with the wrong number of arguments."""
    for function in FUNCTIONS.values():
        assert not untranslated(function.summary), function.name


@pytest.mark.parametrize(
    ("system", "language"),
    [
        ("Chinese (Simplified)_China", Language.CHINESE),
        ("Chinese (Traditional)_Taiwan", Language.CHINESE),
        ("zh_CN", Language.CHINESE),
        ("English_United States", Language.ENGLISH),
        ("", Language.ENGLISH),
    ],
)
def test_without_locale_variables_the_system_locale_decides(system: str, language: Language) -> None:
    # Windows sets none of LC_ALL, LC_MESSAGES, LANG: a Chinese Windows still gets Chinese
    assert from_locale({}, system=system) is language
    assert from_locale({"LANG": "en_US.UTF-8"}, system=system) is Language.ENGLISH


def test_the_system_locale_is_asked_only_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale, "getlocale", lambda *_: ("Chinese (Simplified)_China", "936"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert from_locale({}) is Language.ENGLISH
    monkeypatch.setattr(sys, "platform", "win32")
    assert from_locale({}) is Language.CHINESE


def test_every_keyword_term_and_builtin_is_explained_in_chinese() -> None:
    """What the language server says a keyword, a term or a built-in means, in a Chinese session (a meaning with no
    word to translate, such as YYYY-MM-DD, stays as it is)."""
    from targetdsl.keywords import BUILTINS, TERMS
    from targetdsl.language.functions import FUNCTIONS
    from targetdsl.language.nodes import REFERENCES

    meanings = [k.meaning for k in KEYWORDS] + [t.meaning for t in TERMS] + [b.meaning for b in BUILTINS]
    meanings += [f.summary for f in FUNCTIONS.values()] + list(REFERENCES.values())
    for meaning in meanings:
        if re.search("[a-z]{3}", meaning):
            assert untranslated(meaning) == [], meaning


def test_a_units_name_is_in_full_width_parentheses_in_chinese() -> None:
    from targetdsl.values import DataProblem

    problem = DataProblem("u.yaml", "T2 (青口镇)", "indicators.a.b", "missing value", code="data.missing-value")
    assert problem.render(language=Language.CHINESE) == "u.yaml: 单位 T2（青口镇）: indicators.a.b: 缺少数值"
    assert problem.render() == "u.yaml: unit T2 (青口镇): indicators.a.b: missing value"


def test_the_language_server_quotes_code_in_the_files_keywords() -> None:
    from targetdsl.authoring.lsp import PolicyServer
    from targetdsl.source import source_lines

    text = '考核办法 "x" {\n    年度 2003\n}\n'
    report = targetdsl.check_text(text, name="x.tdsl")
    (missing,) = [d for d in report.diagnostics if d.code == "check.missing-field"]
    said = PolicyServer.convert(missing, "x.tdsl", language=Language.CHINESE, lines=source_lines(text)).message
    assert said.endswith("提示：加上 `状态 征求意见稿`（征求意见）或 `状态 正式`"), said
    english = PolicyServer.convert(missing, "x.tdsl", lines=source_lines(text)).message
    assert english.endswith("help: add `状态 征求意见稿` (for comment) or `状态 正式`"), english
    assert missing.help == "add `status draft` (for comment) or `status adopted`"  # what tools read


@pytest.mark.parametrize(
    "text",
    [
        "cap grade 良好, no award",  # `cap grade {grade}` would say 等次最高为良好, no award
        "unknown indicator (it does not apply to class c) and more words here",
    ],
)
def test_a_template_that_takes_an_english_phrase_for_a_value_is_no_translation(text: str) -> None:
    """A plain placeholder holds a name, a number, a path or code; English words in a row in it are a
    sentence the catalog lacks, which the Chinese would carry over."""
    assert untranslated(text)
    assert not untranslated("cap grade 良好") and not untranslated("unknown class `county`; the policy's classes are c")
    # a label in English is a name: shown as it is, given as one of the names
    assert not untranslated("veto caps the grade", {"caps the grade"}) and untranslated("veto caps the grade")
