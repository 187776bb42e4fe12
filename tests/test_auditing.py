"""The auditor's tools end to end: diff and impact on the seed policies,
reproducible records, byte-identical output whatever the hash seed."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import targetdsl
from targetdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
P2002 = ROOT / "policies/lianyungang-2002.tdsl"
P2003 = ROOT / "policies/lianyungang-2003.tdsl"
D2003 = ROOT / "examples/lianyungang-2003/units.yaml"
LEDGER = ROOT / "examples/lianyungang-2003/carried-in.yaml"


def test_diff_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(P2002), str(P2002)]) == 0
    assert "no semantic change" in capsys.readouterr().out
    assert main(["diff", str(P2002), str(P2003)]) == 1
    out = capsys.readouterr().out
    assert "class 县区" in out and "~ 定量指标: 40 → 50" in out
    assert main(["diff", str(P2002), str(ROOT / "tests/broken/check-cycle.tdsl")]) == 1  # a policy with errors


def test_impact_of_the_2003_weights(capsys: pytest.CaptureFixture[str]) -> None:
    effect = targetdsl.impact(P2002, P2003, D2003, carried_in=LEDGER)
    assert len(effect.units) == 75
    deltas = [abs(u.delta) for u in effect.units]
    assert deltas == sorted(deltas, reverse=True)
    assert {u.unit_class for u in effect.units if u.delta > 0} >= {"县区", "市直部门"}
    # the new input exists only in 2003; the 2002 evaluation ignores it and says so
    assert any("承担市级目标" in str(p) for p in effect.ignored_by_old)
    assert (
        main(["diff", str(P2002), str(P2003), "--data", str(D2003), "--carry-in", str(LEDGER), "--format", "json"]) == 1
    )
    document = json.loads(capsys.readouterr().out)
    assert document["impact"]["summary"]["units"] == 75
    assert document["equivalent"] is False


def test_every_result_carries_its_provenance() -> None:
    policy = targetdsl.load_policy(P2003)
    assessment = policy.evaluate(D2003, carried_in=LEDGER)
    provenance = assessment.provenance
    assert provenance is not None
    assert provenance.policy_sha256 == policy.sha256 and len(provenance.policy_sha256) == 64
    assert [f for f, _ in provenance.sources] == ["lianyungang-2002.tdsl", "lianyungang-2003.tdsl"]
    assert provenance.targetdsl == targetdsl.__version__
    assert assessment.to_json()["provenance"]["units_sha256"] == provenance.units_sha256


def test_reformatting_does_not_change_the_policy_hash(tmp_path: Path) -> None:
    text = P2002.read_text(encoding="utf-8")
    messy = tmp_path / "messy.tdsl"
    messy.write_text("# a comment\n" + text.replace("    ", "  ").replace("\n\n", "\n"), encoding="utf-8")
    assert targetdsl.load_policy(messy).sha256 == targetdsl.load_policy(P2002).sha256


def test_record_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "office"
    shutil.copytree(ROOT / "policies", work / "policies")
    shutil.copytree(ROOT / "examples", work / "examples")
    record = work / "records" / "2003.json"
    record.parent.mkdir()
    policy, data = work / "policies/lianyungang-2003.tdsl", work / "examples/lianyungang-2003/units.yaml"
    ledger = work / "examples/lianyungang-2003/carried-in.yaml"
    assert (
        main(
            ["evaluate", str(policy), str(data), "--carry-in", str(ledger), "--format", "json", "--record", str(record)]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["verify", str(record)]) == 0
    assert "reproduces byte for byte" in capsys.readouterr().out
    # moved to another place with its files: still verifies (paths are relative to the record)
    moved = tmp_path / "archive"
    shutil.copytree(work, moved)
    assert targetdsl.verify_record(moved / "records" / "2003.json") == []
    # a changed input is caught and named
    data.write_text(data.read_text(encoding="utf-8").replace("actual: 1", "actual: 2", 1), encoding="utf-8")
    assert main(["verify", str(record)]) == 1
    assert "units.yaml: changed since the record was written" in capsys.readouterr().out
    # a record whose result was altered reports where
    document = json.loads((moved / "records" / "2003.json").read_text(encoding="utf-8"))
    document["result"]["units"][0]["total"] = "1"
    (moved / "records" / "2003.json").write_text(json.dumps(document), encoding="utf-8")
    problems = targetdsl.verify_record(moved / "records" / "2003.json")
    assert problems[0].startswith("the recorded result does not match the record's own SHA-256")
    assert problems[1] == "the result differs from the recorded one:"
    assert problems[2].startswith('  $.units[0].total: "1" →')


@pytest.mark.parametrize(
    "command",
    [
        [
            "evaluate",
            "policies/lianyungang-2003.tdsl",
            "examples/lianyungang-2003/units.yaml",
            "--format",
            "json",
            "--explain",
            "--carry-in",
            "examples/lianyungang-2003/carried-in.yaml",
        ],
        pytest.param(
            [
                "diff",
                "policies/lianyungang-2002.tdsl",
                "policies/lianyungang-2003.tdsl",
                "--data",
                "examples/lianyungang-2003/units.yaml",
                "--format",
                "json",
            ],
            marks=pytest.mark.slow,
        ),
    ],
    ids=["evaluate", "diff"],
)
def test_output_bytes_do_not_depend_on_the_hash_seed(command: list[str]) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [sys.executable, "-m", "targetdsl", *command], cwd=ROOT, env=env, capture_output=True, check=False
        )
        assert result.returncode in (0, 1), result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


def test_the_committed_record_verifies() -> None:
    """examples/lianyungang-2003/record.json was written by

        targetdsl evaluate policies/lianyungang-2003.tdsl examples/lianyungang-2003/units.yaml \\
            --carry-in examples/lianyungang-2003/carried-in.yaml --format json -o /dev/null \\
            --record examples/lianyungang-2003/record.json

    If an intended change alters results, this test names what changed;
    re-run the command above to record the new results.
    """
    assert targetdsl.verify_record(ROOT / "examples/lianyungang-2003/record.json") == []
