"""Every broken policy under tests/broken reports exactly the expected
diagnostics: code, line and column (see tests/broken/expected.yaml)."""

from pathlib import Path

import pytest
import yaml

import targetdsl

BROKEN = Path(__file__).parent / "broken"
EXPECTED: dict[str, list[str]] = yaml.safe_load((BROKEN / "expected.yaml").read_text(encoding="utf-8"))


def test_every_file_has_expectations() -> None:
    files = {p.name for p in BROKEN.glob("*.tdsl")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_policy_reports_expected_diagnostics(name: str) -> None:
    path = BROKEN / name
    report = targetdsl.check_path(path)
    actual = []
    for diagnostic in report.diagnostics:
        entry = f"{diagnostic.code} {diagnostic.span.line}:{diagnostic.span.column}"
        if Path(diagnostic.span.file).resolve() != path.resolve():
            entry += f" in {Path(diagnostic.span.file).resolve().relative_to(BROKEN.resolve())}"
        actual.append(entry)
    assert actual == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_policy_raises_with_the_same_diagnostics(name: str) -> None:
    report = targetdsl.check_path(BROKEN / name)
    if report.ok:
        targetdsl.load_policy(BROKEN / name)  # warnings only: loads
        return
    with pytest.raises(targetdsl.PolicyError) as caught:
        targetdsl.load_policy(BROKEN / name)
    assert caught.value.diagnostics == report.diagnostics
    assert report.errors[0].code in caught.value.render()
