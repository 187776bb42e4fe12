"""Helpers the data tests share: write a file, and the problems a policy refuses data with."""

from pathlib import Path
from typing import Any

import pytest

import targetdsl


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def refused(policy: targetdsl.Policy, data: Any) -> list[targetdsl.DataProblem]:
    """Every problem `policy` finds in `data`, which it must refuse."""
    with pytest.raises(targetdsl.DataError) as caught:
        policy.evaluate(data)
    return list(caught.value.problems)
