"""Every guarantee in docs/security.md names a test that exists and would fail if it broke.

Each row of a guarantee table must name at least one test in its last column: a test file, a case
or broken policy under tests/, or `file::test_name` (a later `::other_name` in the same cell is in the
same file). Each named file must exist and each named test must be defined in it, so a renamed or
deleted test cannot leave a guarantee standing on nothing.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`(?P<file>tests/[^`:]+)?(?:::(?P<test>[A-Za-z_][A-Za-z0-9_]*)(?:\[[^`]*\])?)?`")


def rows() -> list[tuple[str, str]]:
    found = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("guarantee", "") and not set(cells[0]) <= set("-: "):
            found.append((cells[0], cells[2]))
    return found


def references(cell: str) -> list[tuple[str, str | None]]:
    named: list[tuple[str, str | None]] = []
    current = None
    for match in REFERENCE.finditer(cell):
        file, test = match["file"], match["test"]
        if file is None and test is None:
            continue
        current = file or current
        assert current is not None, f"`::{test}` names no file before it in: {cell}"
        named.append((current, test))
    return named


def test_the_page_has_guarantees() -> None:
    assert len(rows()) >= 10


@pytest.mark.parametrize(("guarantee", "proof"), rows(), ids=[g[:60] for g, _ in rows()])
def test_every_guarantee_names_tests_that_exist(guarantee: str, proof: str) -> None:
    named = references(proof)
    assert named, f"no test named for: {guarantee}"
    for file, test in named:
        path = ROOT / file
        assert path.exists(), f"{file} (named for: {guarantee}) does not exist"
        if test is not None:
            assert path.suffix == ".py", f"{file}::{test}: a test name needs a Python file"
            source = path.read_text(encoding="utf-8")
            assert re.search(rf"^\s*def {re.escape(test)}\(", source, re.M), (
                f"{file} defines no test `{test}` (named for: {guarantee})"
            )
