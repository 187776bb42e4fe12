"""Every policy example in the docs is checked, and every diagnostic code
the library can emit is documented in docs/errors.md with an example
that produces it.

Conventions in the Markdown: a ```text block after `<!-- run: targetdsl ARGS -->`
is exactly what that command prints, run from the checkout; a ```tdsl block is appended to the page's
prelude (its first block marked `<!-- check: alone -->`) and must check
without errors; `<!-- check: alone -->` checks the block by itself;
`<!-- check: parse -->` only parses it (e.g. `extends` of a file that is
not beside the page); `<!-- check: expect CODE -->` must report CODE.
"""

import re
from pathlib import Path

import pytest

import targetdsl
from targetdsl.language.parser import parse

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BLOCK = re.compile(r"(?:<!-- check: (?P<mode>[^>]*?) -->\n)?```tdsl\n(?P<body>.*?)```", re.S)


def blocks(page: Path) -> list[tuple[str, str, int]]:
    text = page.read_text(encoding="utf-8")
    return [(m["mode"] or "prelude", m["body"], text.count("\n", 0, m.start()) + 1) for m in BLOCK.finditer(text)]


def prelude(page: Path) -> str:
    for mode, body, _ in blocks(page):
        if mode == "alone":
            return body
    return ""


CASES = [
    pytest.param(page, mode, body, id=f"{page.name}:{line}")
    for page in sorted(DOCS.glob("*.md"))
    for mode, body, line in blocks(page)
]


@pytest.mark.parametrize(("page", "mode", "body"), CASES)
def test_doc_example(page: Path, mode: str, body: str) -> None:
    if mode == "parse":
        parse(body, page.name)
        return
    if mode.startswith("expect "):
        code = mode.split()[1]
        text = body if body.lstrip().startswith(("policy", "extends")) else prelude(page) + body
        report = targetdsl.check_text(text, name=page.name, base=ROOT / "policies")
        assert code in [d.code for d in report.diagnostics], report.render()
        return
    text = body if mode == "alone" else prelude(page) + body
    report = targetdsl.check_text(text, name=page.name, base=ROOT / "policies")
    assert report.errors == (), report.render()


DATA_BLOCK = re.compile(r"<!-- data: (?P<mode>\w+) -->\n```yaml\n(?P<body>.*?)```", re.S)

DATA_CASES = [
    pytest.param(page, m["mode"], m["body"], id=f"{page.name}:data:{index}")
    for page in sorted(DOCS.glob("*.md"))
    for index, m in enumerate(DATA_BLOCK.finditer(page.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize(("page", "mode", "body"), DATA_CASES)
def test_doc_data_example(page: Path, mode: str, body: str) -> None:
    """YAML data examples are evaluated against the page's policy."""
    from targetdsl.units.documents import parse_yaml

    policy = targetdsl.parse_policy(prelude(page), name=page.name)
    document = parse_yaml(body)
    if mode == "tests":
        import tempfile

        from targetdsl.authoring import tester

        with tempfile.TemporaryDirectory() as directory:
            (Path(directory) / "policy.tdsl").write_text(prelude(page), encoding="utf-8")
            (Path(directory) / "policy.test.yaml").write_text(body, encoding="utf-8")
            outcome = tester.run([directory])
        assert outcome.results and outcome.failed == 0, tester.render_text(outcome)
        return
    if mode == "errors":
        with pytest.raises(targetdsl.DataError) as caught:
            policy.evaluate(document)
        assert len(caught.value.problems) >= 2
    elif mode == "ledger":
        # carried into the page's first data example: the award counts for its unit
        example = next(
            m["body"] for m in DATA_BLOCK.finditer(page.read_text(encoding="utf-8")) if m["mode"] == "evaluate"
        )
        assessment = policy.evaluate(parse_yaml(example), carried_in=document)
        unit = assessment.unit(document["carry_over"][0]["unit"])
        assert any("carried in" in c for b in unit.bonuses for c in b.counted)
    else:
        assessment = policy.evaluate(document)
        assert assessment.units


def emitted_codes() -> set[str]:
    pattern = re.compile(r'"((?:syntax|check|extends|load|data|record|fmt|eval)\.[a-z-]+)"')
    codes: set[str] = set()
    for module in (ROOT / "targetdsl").rglob("*.py"):
        codes.update(pattern.findall(module.read_text(encoding="utf-8")))
    for module in (ROOT / "targetdsl").rglob("*.py"):
        # codes built as f"check.{verb}-unknown"
        for verb in re.findall(r'_not_inherited\("(\w+)"', module.read_text(encoding="utf-8")):
            codes.add(f"check.{verb}-unknown")
    return codes


def documented_codes() -> dict[str, str]:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    sections = re.split(r"^### `", text, flags=re.M)[1:]
    return {section.split("`", 1)[0]: section for section in sections}


def test_every_emitted_code_is_documented() -> None:
    emitted = emitted_codes()
    documented = documented_codes()
    assert emitted - set(documented) == set(), "undocumented codes"
    assert set(documented) - emitted == set(), "documented codes nothing emits"


@pytest.mark.parametrize("code", sorted(documented_codes()))
def test_documented_code_has_example_and_fix(code: str) -> None:
    """Each code has a checked example here, or names the test or broken
    policy (tests/broken, listed in expected.yaml) that produces it."""
    section = documented_codes()[code]
    assert "**Fix.**" in section, code
    if f"<!-- check: expect {code} -->" in section:
        return
    reference = re.search(r"<!-- example: (\S+) -->", section)
    assert reference, f"{code} has neither an example nor a reference to one"
    path, _, test = reference[1].partition("::")
    target = ROOT / path
    assert target.is_file(), reference[1]
    if target.suffix == ".tdsl":
        expected = (target.parent / "expected.yaml").read_text(encoding="utf-8")
        assert f"{target.name}:\n  - {code} " in expected, code
    else:
        source = target.read_text(encoding="utf-8")
        assert f"def {test}(" in source and code in source, reference[1]


@pytest.mark.parametrize(("page", "mode", "body"), CASES)
def test_doc_example_is_formatted(page: Path, mode: str, body: str) -> None:
    """Examples are shown as `targetdsl fmt` writes them. The failing examples
    of docs/errors.md are exempt: they show what an author typed."""
    from targetdsl.language.formatter import format_policy

    if mode.startswith("expect "):
        return
    assert format_policy(body, name=page.name) == body


def test_readme_library_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    monkeypatch.chdir(ROOT)
    exec(compile(code[1], "README.md", "exec"), {})  # noqa: S102 (the project's own example)
    out = capsys.readouterr().out
    assert "灌南县" in out and "环境保护" in out


RUN_BLOCK = re.compile(r"<!-- run: targetdsl (?P<args>[^>]*?) -->\n```text\n(?P<body>.*?)```", re.S)

RUN_CASES = [
    pytest.param(m["args"], m["body"], id=f"{page.name}:run:{index}")
    for page in sorted(DOCS.glob("*.md"))
    for index, m in enumerate(RUN_BLOCK.finditer(page.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize(("args", "output"), RUN_CASES)
def test_doc_command_example(
    args: str, output: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command shown with its output prints exactly that output, and succeeds."""
    from targetdsl.cli import main

    monkeypatch.chdir(ROOT)
    assert main(args.split()) == 0
    assert capsys.readouterr().out == output


HEAD_BLOCK = re.compile(
    r"<!-- run-head(?: exit (?P<code>\d))?: targetdsl (?P<args>[^>]*?) -->\n```text\n(?P<body>.*?)```", re.S
)

HEAD_CASES = [
    pytest.param(m["args"], m["body"], int(m["code"] or 0), id=f"{page.name}:run-head:{index}")
    for page in sorted(DOCS.glob("*.md"))
    for index, m in enumerate(HEAD_BLOCK.finditer(page.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize(("args", "output", "code"), HEAD_CASES)
def test_doc_command_example_head(
    args: str, output: str, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command shown with the first lines of its output (`<!-- run-head: … -->`) prints them first, and
    exits 0 (or the status `<!-- run-head exit N: … -->` names: `diff` exits 1 for policies that differ)."""
    from targetdsl.cli import main

    monkeypatch.chdir(ROOT)
    assert main(args.split()) == code
    assert capsys.readouterr().out.startswith(output)


def test_the_chinese_docs_are_linked_and_list_every_keyword() -> None:
    """README.zh-CN.md links the Chinese tutorial and reference; the reference lists every keyword and
    term of keywords.py with its English twin, as docs/language.md does."""
    from targetdsl.keywords import KEYWORDS, TERMS

    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "(docs/tutorial.zh-CN.md)" in readme and "(docs/language.zh-CN.md)" in readme
    reference = (DOCS / "language.zh-CN.md").read_text(encoding="utf-8")
    for keyword in KEYWORDS:
        assert f"| `{keyword.chinese}` | `{keyword.concept}` | " in reference, keyword.concept
    for term in TERMS:
        assert f"| `{term.chinese}` | `{term.english}` | " in reference, term
    for page in ("tutorial.zh-CN.md", "language.zh-CN.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        assert "```tdsl\n" in text and "<!-- check: alone -->" in text
        assert not re.search(r"```tdsl\n(policy|extends|class|category) ", text), page  # Chinese keywords only
