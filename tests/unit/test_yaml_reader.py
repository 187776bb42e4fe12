"""YAML data is read by libyaml's C reader where PyYAML has it, and by the pure-Python reader otherwise:
what is read, refused and said must not depend on which one read it. libyaml reads a few texts
differently (a tab in a plain value, the tag `!` alone, `|#`, `?` in a flow collection…); those go
to the pure reader (`documents._c_reads`). These tests hold `parse_yaml` to the pure reader, and the C
reader to it wherever it is given a text."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from targetdsl.units import documents
from targetdsl.units.documents import parse_yaml
from targetdsl.values import DateText, Records

ROOT = Path(__file__).resolve().parent.parent.parent
# Pieces of YAML: indicators, scalars the resolvers type, tags, anchors, breaks and indentation.
PIECES = (
    *"ab10-: \n#[]{},'\"&*<?|>!%@`\\.~\t",
    "  ",
    "&x ",
    "*x",
    "<<: *x",
    "- ",
    ": ",
    "\n  ",
    "\n- ",
    "\r\n",
    "units:",
    "id: ",
    "'q'",
    '"d\\n"',
    '"\\u00e9"',
    '"\\ud83d"',
    "1.5e3",
    "0x1A",
    "1_000",
    ".inf",
    "1:30",
    "NO",
    "-0.0",
    "null",
    "True",
    "2003-01-02",
    "2003-02-30",
    "2003-01-02T10:00:00",
    "!!str ",
    "!!float ",
    "!!int ",
    "! ",
    "!!str,",
    "!%00 ",
    "%TAG !e! tag:yaml.org,2002:\n",
    "!e!str ",
    "%YAML 1.1#\n",
    "---",
    "...",
    "%YAML 1.1\n",
    "é",
    "中",
    "\u2028",
    "\x85",
    "\ufeff",
    "\x07",
)

# Texts libyaml was found to read otherwise than the pure reader (each a kind `_C_UNSURE` names).
READ_OTHERWISE_BY_LIBYAML = (
    "a\tb",  # a tab in a plain value: the pure reader refuses it
    "!",  # the tag `!` alone: null for the pure reader, "" for libyaml
    "- !",
    "! : x",
    "[!!str,a]",  # a tag ended by `,` for libyaml, not for the pure reader
    "[!<tag:yaml.org,2002:str>,a]",
    "!%00 5",  # `%00` in a tag: libyaml cuts the tag there
    "a: !!int%00 010",
    "%TAG !e! tag:yaml.org,2002:%00junk\n--- !e!str 5",
    "%YAML 1.1#\n--- a",  # a directive's comment without a space
    "|#",  # a block scalar's header with a comment and no space
    ">#\n  text",
    "[a?]",  # `?` in a flow collection
    "{\r\n<<?}",
    "a\u2028b: 1",  # a YAML 1.1 line break
    "a\ufeffb",  # a byte-order mark inside the text
)


def pure(text: str) -> Any:
    return documents._parse(documents._DataLoader(text), text)


def by_c(text: str) -> Any:
    return documents._parse(documents._CDataLoader(text), text)


def outcome(read: Any, text: str) -> Any:
    """What a reader made of the text: the values with their types and places, or what it raised."""
    try:
        return ("read", _shown(read(text)))
    except documents.RefusedYAMLError as exc:
        return ("refused", exc.code, exc.problem, exc.problem_mark.line)
    except yaml.YAMLError as exc:
        return ("error", str(exc))
    except RecursionError:
        return ("too deep",)


def _shown(value: Any) -> Any:
    if isinstance(value, Records):
        return ("records", [_shown(v) for v in value], [value.place(i) for i in range(len(value))])
    if isinstance(value, dict):
        return ("mapping", [(_shown(k), _shown(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shown(v) for v in value])
    if isinstance(value, DateText):
        return ("date text", str(value), value.line)
    if isinstance(value, (Decimal, datetime.date)):
        return (type(value).__name__, str(value))
    return (type(value).__name__, value)


needs_libyaml = pytest.mark.skipif(not documents._C_READS, reason="PyYAML was built without libyaml")


@needs_libyaml
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=20).map("".join))
@settings(max_examples=400, deadline=None)
@example("units:\n  - id: A\n    score: !!float '95'\n  - id: B\n    when: 2003-02-30\n")
@example("a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  b: 2\n")
@example("a: 1\na: 2\n")
def test_what_the_c_reader_reads_the_pure_reader_reads_alike(text: str) -> None:
    """Wherever the C reader is given a text, it reads what the pure reader reads, or refuses it (and the
    pure reader then reads it again, and says what it says)."""
    expected = outcome(pure, text)
    assert outcome(parse_yaml, text) == expected
    if documents._c_reads(text):
        got = outcome(by_c, text)
        assert got[0] != "read" or got == expected


@pytest.mark.parametrize("text", READ_OTHERWISE_BY_LIBYAML)
def test_texts_libyaml_reads_otherwise_are_read_by_the_pure_reader(text: str) -> None:
    assert not documents._c_reads(text) or outcome(by_c, text)[0] != "read"
    assert outcome(parse_yaml, text) == outcome(pure, text)


@needs_libyaml
def test_the_c_reader_would_read_them_otherwise() -> None:
    """Why they are kept from it: given to the C reader, most are read as something else (if a later
    libyaml reads them alike, the exclusions may be narrowed)."""
    otherwise = [t for t in READ_OTHERWISE_BY_LIBYAML if outcome(by_c, t) != outcome(pure, t)]
    assert len(otherwise) >= len(READ_OTHERWISE_BY_LIBYAML) - 2, otherwise


@needs_libyaml
def test_deep_nesting_is_left_to_the_pure_reader() -> None:
    """The pure reader refuses a document some hundreds of levels deep ("nested too deeply") that
    libyaml reads: beyond MAX_C_DEPTH levels the C reader gives way, whatever the stack's depth."""
    depth = documents.MAX_C_DEPTH
    assert outcome(by_c, "[" * depth + "]" * depth) == outcome(pure, "[" * depth + "]" * depth)
    assert outcome(by_c, "[" * (depth + 1) + "]" * (depth + 1)) == ("too deep",)
    deep = "[" * 600 + "]" * 600
    assert outcome(parse_yaml, deep) == outcome(pure, deep) == ("too deep",)


def yaml_files() -> list[Path]:
    """The repository's own YAML: data, expected results and test files (not a virtual environment's)."""
    folders = ("examples", "policies", "tests", "docs", "benchmarks", "editors")
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.y*ml"))


@needs_libyaml
@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_repository_reads_alike(path: Path) -> None:
    text = path.read_text("utf-8")
    assert outcome(parse_yaml, text) == outcome(pure, text) == outcome(by_c, text)


@needs_libyaml
def test_the_example_data_are_read_by_the_c_reader() -> None:
    """The office's data as the examples write them (Chinese, a `!!float` tag, comments) take the fast path."""
    text = (ROOT / "examples" / "lianyungang-2003" / "units.yaml").read_text("utf-8")
    assert documents._c_reads(text)


def test_without_libyaml_the_pure_reader_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "_C_READS", False)
    text = "units:\n  - id: A\n    x: 1.50\n"
    assert not documents._c_reads(text)
    assert parse_yaml(text) == {"units": [{"id": "A", "x": Decimal("1.50")}]}
