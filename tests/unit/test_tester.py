import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from targetdsl.authoring import tester
from targetdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent

POLICY = """policy "测试" { year 2003 status draft }
class c { all 100 }
category all { indicator s points 100 { input s: number score if s > 50 then s else 0 } }
veto v { input hit: bool missing default false when hit effect cap grade 良好 }
grades { 优秀 >= 90 良好 60 to 90 差 < 60 }
"""


def write(tmp_path: Path, tests: str) -> Path:
    (tmp_path / "p.tdsl").write_text(POLICY, encoding="utf-8")
    path = tmp_path / "p.test.yaml"
    path.write_text("policy: p.tdsl\ntests:\n" + tests, encoding="utf-8")
    return path


def test_the_seed_policies_tests_pass() -> None:
    outcome = tester.run([ROOT / "policies"])
    assert len(outcome.results) >= 9
    assert outcome.failed == 0, tester.render_text(outcome)


def test_the_seed_policies_tests_pass_confined_to_the_repository() -> None:
    """As CI should run them (`targetdsl test --root .`): every file a test names lies in the checkout."""
    outcome = tester.run([ROOT / "policies"], root=ROOT)
    assert outcome.failed == 0, tester.render_text(outcome)


def test_failure_shows_expected_actual_and_why(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
  - name: wrong grade
    units: [{id: A, class: c, indicators: {s: {s: 95}}, vetoes: {v: {hit: true}}}]
    expect: {units: {A: {grade: 优秀, total: "95"}}}
""",
    )
    outcome = tester.run([tmp_path])
    (result,) = outcome.results
    assert not result.passed
    (mismatch,) = result.mismatches
    assert (mismatch.field, mismatch.expected, mismatch.actual) == ("A.grade", "优秀", "良好")
    assert "veto v caps the grade at 良好" in mismatch.why[0]
    text = tester.render_text(outcome)
    assert "FAIL" in text and "expected 优秀, got 良好" in text and "why:" in text


def test_expected_errors(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
  - name: data error expected
    units: [{id: A, class: d}]
    expect_error: "unknown class `d`"
  - name: no error although one was expected
    units: [{id: A, class: c, indicators: {s: {s: 70}}}]
    expect_error: "unknown class"
  - name: an unexpected data error is an error, not a pass
    units: [{id: A, class: d}]
    expect: {units: {A: {total: "1"}}}
""",
    )
    results = tester.run([tmp_path]).results
    assert [r.passed for r in results] == [True, False, False]
    assert results[2].error is not None and "unknown class" in results[2].error


def test_coverage_names_what_no_test_exercised(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
  - units: [{id: A, class: c, indicators: {s: {s: 95}}}]
    expect: {units: {A: {grade: 优秀}}}
""",
    )
    outcome = tester.run([tmp_path], coverage=True)
    report = outcome.coverage[str(tmp_path / "p.test.yaml")]
    missed = {what for _, _, _, what in report.missed}
    assert missed == {"if: else", "veto v fired", "grade 良好 given", "grade 差 given"}
    assert {what for _, _, _, what in report.covered} == {
        "indicator s scored",
        "if: then",
        "veto v did not fire",
        "grade 优秀 given",
    }


def test_cli_formats_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        """
  - name: passes
    units: [{id: A, class: c, indicators: {s: {s: 70}}}]
    expect: {units: {A: {total: "70"}}}
  - name: fails
    units: [{id: A, class: c, indicators: {s: {s: 70}}}]
    expect: {units: {A: {total: "71"}}}
""",
    )
    assert main(["test", str(tmp_path)]) == 1
    assert "1 passed, 1 failed" in capsys.readouterr().out
    assert main(["test", "--format", "json", "--coverage", str(tmp_path)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert (document["passed"], document["failed"]) == (1, 1)
    assert document["tests"][1]["mismatches"][0]["expected"] == "71"
    assert main(["test", "--format", "junit", str(tmp_path)]) == 1
    suite = ElementTree.fromstring(capsys.readouterr().out)
    assert suite.get("failures") == "1" and len(suite.findall("testcase")) == 2
    assert main(["test", str(tmp_path / "missing")]) == 2


@pytest.mark.parametrize("written", ['"9_5"', "true", '"95,0"', '" 0x5F"'])
def test_an_expected_number_is_read_as_the_data_reads_numbers(tmp_path: Path, written: str) -> None:
    """`total: "9_5"` was read as 95 (Python's Decimal takes underscores) and the test passed."""
    write(
        tmp_path,
        f"""
  - name: expected total written oddly
    units: [{{id: A, class: c, indicators: {{s: {{s: 95}}}}}}]
    expect: {{units: {{A: {{total: {written}}}}}}}
""",
    )
    (result,) = tester.run([tmp_path]).results
    assert not result.passed
    (mismatch,) = result.mismatches
    assert mismatch.field == "A.total" and mismatch.actual.startswith("expected a number in the test")


def test_an_expected_number_with_an_exponent_is_a_number(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
  - name: expected total with an exponent
    units: [{id: A, class: c, indicators: {s: {s: 95}}}]
    expect: {units: {A: {total: "9.5e1"}}}
""",
    )
    (result,) = tester.run([tmp_path]).results
    assert result.passed, result.mismatches
