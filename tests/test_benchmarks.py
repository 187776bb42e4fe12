"""The benchmark workload doubles as a differential test: the policy form
of WORKLOAD.md and a hand-written exact implementation must agree on every
unit's total, grade and rank."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import targetdsl
from benchmarks.workload import generate, handwritten, policy

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
        ["-m", "benchmarks.workload.run", "--units", "100", "--runs", "1", "--stream", "200", "--office"],
        # one process, --jobs 2 and a Dask LocalCluster: three evaluations and a cluster's start-up
        pytest.param(["-m", "benchmarks.scale", "--units", "120"], marks=pytest.mark.slow),
    ],
    ids=["evaluate", "parse_check", "workload", "scale"],
)
def test_benchmark_commands_run(command: list[str]) -> None:
    """The benchmark commands keep working (their figures are for people, not assertions)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "MISMATCH" not in result.stdout


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
