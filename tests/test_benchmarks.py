"""The benchmark workload doubles as a differential test: the policy form
of WORKLOAD.md and a hand-written exact implementation must agree on every
unit's total, grade and rank."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import targetdsl
from benchmarks.workload import generate, handwritten, policy, run, zen

ROOT = Path(__file__).resolve().parent.parent


def test_workload_policy_matches_the_hand_written_rules() -> None:
    records = generate.units(300, seed=7)
    compiled = targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    assessment = compiled.evaluate(records)
    expected = {r["id"]: (r["total"], r["grade"], r["rank"]) for r in handwritten.evaluate(records)}
    actual = {u.id: (u.total, u.grade, u.rank) for u in assessment.units}
    assert actual == expected
    assert {grade for _, grade, _ in expected.values()} >= {"good", "pass", "fail"}


@pytest.mark.parametrize(
    "command",
    [
        ["benchmarks/evaluate.py", "--units", "60"],
        ["benchmarks/parse_check.py", "--lines", "200", "--runs", "2"],
        # every in-memory contender is run by the test below, in this process
        ["-m", "benchmarks.workload.run", *"--units 100 --runs 1 --only api".split()],
        # the file rows: both policies streamed, --jobs 1 and 2, the scripts; the office's outputs
        pytest.param(
            ["-m", "benchmarks.workload.run", *"--units 100 --runs 1 --only api --stream 200 --office".split()],
            marks=pytest.mark.slow,
        ),
        # one process, --jobs 2 and a Dask LocalCluster: three evaluations and a cluster's start-up
        pytest.param(["-m", "benchmarks.scale", "--units", "120"], marks=pytest.mark.slow),
    ],
    ids=["evaluate", "parse_check", "workload", "workload-files", "scale"],
)
def test_benchmark_commands_run(command: list[str]) -> None:
    """The benchmark commands keep working (their figures are for people, not assertions)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "MISMATCH" not in result.stdout


@pytest.mark.parametrize("key", list(run.CONTENDERS))
def test_every_in_memory_contender_gives_the_references_results(key: str) -> None:
    """What the benchmark's child process for one contender does, here on a few units: timed, then
    checked field by field against the hand-written exact reference (ZEN where it is installed)."""
    if key.startswith("zen") and not zen.available():
        pytest.skip("zen-engine is not installed")
    done = run.contender(key, 30, 1)
    assert done["check"] == ("reference" if key == "exact" else "identical")
    assert done["seconds"] > 0


@pytest.mark.slow
def test_the_readme_pictures_can_be_made_again(tmp_path: Path) -> None:
    """`python -m benchmarks.screenshots` still makes the README's three pictures (where LibreOffice,
    poppler and Chromium are installed): PNGs as wide as a page, cut below their text."""
    import shutil

    if not all(shutil.which(tool) for tool in ("soffice", "pdftoppm", "pdftotext", "pdfinfo", "chromium")):
        pytest.skip("LibreOffice, poppler-utils or Chromium is not installed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "benchmarks.screenshots", "--out", str(tmp_path), "--keep", str(tmp_path / "pdf")]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    for name, page in (("results-workbook", 1), ("report-printed", 2), ("score-card", 1)):
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert 800 < width < 1400 and 100 < height < width * 1.5, (name, width, height)
        assert f"wrote {tmp_path / name}.png (page {page} of" in result.stdout
    assert (ROOT / "docs/images/results-workbook.png").exists()  # what the README shows


def test_peer_policy_matches_its_hand_written_rules() -> None:
    """The peer-relative variant (efficacy coefficients, a rank, a grade quota) and its hand-written
    reference agree on every unit, in memory and streamed; the quota decides some grades."""
    from benchmarks.workload import peer_handwritten, peer_policy

    records = generate.units(400, seed=11)
    compiled = targetdsl.parse_policy(peer_policy.text(), name="peers.tdsl")
    expected = {r["id"]: (r["total"], r["grade"], r["rank"]) for r in peer_handwritten.evaluate(records)}
    assert {u.id: (u.total, u.grade, u.rank) for u in compiled.evaluate(records, explain=False).units} == expected
    with compiled.stream(iter(records)) as streamed:
        assert {u.id: (u.total, u.grade, u.rank) for u in streamed} == expected
    grades = [grade for _, grade, _ in expected.values()]
    assert grades.count("excellent") == 400 * 20 // 100 and "good" in grades
