import json
from pathlib import Path

import pytest

from targetdsl.cli import main


def test_check_clean_policies(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(root / "policies/lianyungang-2002.tdsl"), str(root / "policies/lianyungang-2003.tdsl")])
    assert code == 0
    out = capsys.readouterr().out  # the assumptions 2002 states (2003 inherits them: shown once), then the summary
    assert out.endswith("\nchecked 2 files: 0 errors, 0 warnings\n") and out.count(": assumption in veto ") == 5


def test_check_reports_errors_with_exit_1(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = root / "tests/broken/check-points-mismatch.tdsl"
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "error[check.points-mismatch]" in out
    assert "help:" in out and "^" in out
    assert out.endswith("checked 1 file: 1 error, 0 warnings\n")


def test_check_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = root / "tests/broken/check-unused-input.tdsl"
    assert main(["check", "--format", "json", str(broken)]) == 0  # warnings do not fail
    document = json.loads(capsys.readouterr().out)
    assert document["errors"] == 0 and document["warnings"] == 1
    (diagnostic,) = document["files"][0]["diagnostics"]
    assert diagnostic["code"] == "check.unused-input"
    assert (diagnostic["line"], diagnostic["column"], diagnostic["severity"]) == (6, 15, "warning")


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing.tdsl")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["check"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["check", "--format", "xml", "x.tdsl"])
    assert caught.value.code == 2


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    from targetdsl.cli import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream, minimum=10, clock=lambda: 0.0)
    for done in range(1, 101):
        bar(done, 100)
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 100 and text.rstrip(" \n").endswith("100/100 units") and text.endswith("\n")
    quiet = io.StringIO()
    small = ProgressBar(quiet)
    small(5, 75)
    small.close()
    assert quiet.getvalue() == ""  # a small run shows nothing


def test_progress_is_reported_by_the_api(root: Path) -> None:
    import targetdsl

    seen: list[tuple[int, int]] = []
    targetdsl.load_policy(root / "policies/lianyungang-2002.tdsl").evaluate(
        root / "examples/lianyungang-2002/units.yaml", progress=lambda done, total: seen.append((done, total))
    )
    assert seen[0] == (1, 75) and seen[-1] == (75, 75) and len(seen) == 75
