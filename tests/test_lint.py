"""The code stays as docs/architecture.md says it looks: ruff-clean, ruff-formatted, mypy-strict.

The test extra installs the tools (pinned, so that a new release cannot turn the suite red on its
own); the configuration is pyproject.toml's.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = ["targetdsl", "tests", "benchmarks", "examples"]


def tool(name: str) -> list[str]:
    if importlib.util.find_spec(name) is None:
        pytest.fail(f"{name} is not installed: pip install '.[test]' installs it")
    return [sys.executable, "-m", name]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = run(*tool("ruff"), "check", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted() -> None:
    result = run(*tool("ruff"), "format", "--check", "--diff", *CODE)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def test_mypy_strict_finds_nothing() -> None:
    result = run(*tool("mypy"), "targetdsl", "benchmarks")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
