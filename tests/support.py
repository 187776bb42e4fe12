"""What several test files share: writing a file, the problems a policy refuses data with, the cases of
tests/cases, and a policy weighting two periods."""

import copy
import functools
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
