"""What several test files share: writing a file, the problems a policy refuses data with, the cases of
tests/cases, a policy weighting two periods, and the grammars' conflict check."""

import copy
import functools
import hashlib
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation.engine import by_reference
from targetdsl.units.documents import parse_yaml

CASES = Path(__file__).resolve().parent / "cases"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reference(policy: targetdsl.Policy, data: Any, **options: Any) -> targetdsl.Assessment:
    """`policy` evaluated by the reference path alone, explaining as it goes: what the fast path is
    compared with."""
    with by_reference():
        return policy.evaluate(data, **options)


def refused(policy: targetdsl.Policy, data: Any) -> list[targetdsl.DataProblem]:
    """Every problem `policy` finds in `data`, which it must refuse."""
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(data)
    return list(caught.value.problems)


@functools.cache
def _case_documents() -> tuple[tuple[Path, Any], ...]:
    return tuple((path, parse_yaml(path.read_text(encoding="utf-8"))) for path in sorted(CASES.glob("*.yaml")))


def case_documents() -> list[tuple[Path, Any]]:
    """Every case of tests/cases (`*.yaml`) with its document, in the order of their names: each file read
    once a process (several test files parametrize over them when collected), each caller given a copy of
    its own to change."""
    return [(path, copy.deepcopy(document)) for path, document in _case_documents()]


# Two periods, the half year weighted 40% and the year 60%; the target of 投资 is pro-rated.
PERIOD_POLICY = """policy "期间" { year 2003 status draft }
class c { q 100 }
category q {
    indicator 投资 points 10 {
        input target: money prorated
        input actual: money
        score points * min(actual / target, 1)
    }
}
periods {
    上半年 through month 6 weight 40%
    全年 through month 12 weight 60%
}
"""


PACKAGE = Path(__file__).resolve().parent.parent / "targetdsl"


def module_source(module: str) -> Path:
    """The source file of a module of the package named without its folder (`engine`, `engine.py`)."""
    name = module if module.endswith(".py") else f"{module}.py"
    (found,) = [path for path in PACKAGE.rglob(name) if path.name == name]
    return found


def lalr_conflicts(grammar: str) -> None:
    """Raise lark's GrammarError on any shift/reduce or reduce/reduce conflict in `grammar`, as
    `Lark(grammar, parser="lalr", strict=True)` would, without building its lexer: the check of every pair
    of terminals for collisions, which takes most of that build's time, is left to the strict build (the
    slow tests, held to these grammars by `GRAMMARS_CHECKED`)."""
    from lark.common import ParserConf
    from lark.load_grammar import load_grammar
    from lark.parsers.lalr_analysis import LALR_Analyzer

    loaded, _ = load_grammar(grammar, "<policy>", None, False)
    _terminals, rules, _ignored = loaded.compile(["start"], set())
    LALR_Analyzer(ParserConf(rules, {}, ["start"]), strict=True).compute_lalr()


# The SHA-256 of the English and the Chinese grammar (joined by a NUL) as they last passed the strict
# build (`Lark(..., strict=True)` with interegular: no conflict and no two terminals that collide), which
# the slow tests run. A default test fails when the grammars differ from it: run
# `pytest -m slow -k strict -s tests/unit/test_parser.py`, then set it to the digest that test prints.
GRAMMARS_CHECKED = "bbab46ec3eab34b8da67410471a91f1de7aa6695929ded4722a1ebbf1d5f74b7"


def grammars_digest() -> str:
    from targetdsl.keywords import Language
    from targetdsl.language.parser import grammar_text

    text = grammar_text(Language.ENGLISH) + "\0" + grammar_text(Language.CHINESE)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
