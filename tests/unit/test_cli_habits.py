"""The command line's habits: standard input and directories, fmt's exit codes, examples in --help,
progress for the whole job, CSV for Excel, and a table that shows what decides a grade."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from targetdsl.cli import EXAMPLES, build_parser, main
from targetdsl.progress import ProgressBar

ROOT = Path(__file__).resolve().parent.parent.parent
P2003 = ROOT / "policies/lianyungang-2003.tdsl"
UNITS_2003 = ROOT / "examples/lianyungang-2003/units.yaml"
CARRIED = ROOT / "examples/lianyungang-2003/carried-in.yaml"

FORMATTED = 'policy "t" {\n    year 2003\n    status draft\n}\n\nclass 县区 {\n    经济 100\n}\n'
POLICY = """policy "t" { year 2003 status draft }
class 县区 { 经济 100 }
category 经济 {
    indicator 增长 points 100 {
        input x: number
        score x
    }
}
"""


def stdin(monkeypatch: pytest.MonkeyPatch, text: str | bytes) -> None:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))


def test_fmt_reads_standard_input_and_writes_standard_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, POLICY)
    assert main(["fmt", "-"]) == 0
    formatted = capsys.readouterr().out
    assert formatted.startswith('policy "t" {\n    year 2003\n') and "        score x\n" in formatted
    stdin(monkeypatch, formatted)
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == formatted  # a filter: formatted text comes back unchanged
    stdin(monkeypatch, POLICY)
    assert main(["fmt", "--check", "-"]) == 1
    assert capsys.readouterr().out == "<stdin>: not formatted\n"


@pytest.mark.parametrize("option", [[], ["--check"], ["--diff"]])
def test_fmt_exits_2_on_a_syntax_error_and_1_on_would_reformat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    (tmp_path / "broken.tdsl").write_text("class {", encoding="utf-8")
    (tmp_path / "loose.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "tidy.tdsl").write_text(FORMATTED, encoding="utf-8")
    assert main(["fmt", *option, str(tmp_path / "broken.tdsl")]) == 2
    assert "syntax" in capsys.readouterr().err
    assert main(["fmt", *option, str(tmp_path / "tidy.tdsl")]) == 0
    assert main(["fmt", *option, str(tmp_path / "loose.tdsl")]) == (1 if option else 0)
    # a file that cannot be parsed outweighs one to reformat
    assert main(["fmt", "--check", str(tmp_path / "loose.tdsl"), str(tmp_path / "broken.tdsl")]) == 2


def test_fmt_takes_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "sub" / "b.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / ".git" / "c.tdsl").write_text("class {", encoding="utf-8")  # hidden: never walked
    (tmp_path / "notes.txt").write_text("class {", encoding="utf-8")
    assert main(["fmt", "--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out == f"{tmp_path / 'a.tdsl'}: not formatted\n{tmp_path / 'sub' / 'b.tdsl'}: not formatted\n"
    assert main(["fmt", str(tmp_path), str(tmp_path / "a.tdsl")]) == 0  # each file once
    assert (tmp_path / "a.tdsl").read_text(encoding="utf-8") == (tmp_path / "sub" / "b.tdsl").read_text("utf-8")
    (tmp_path / "empty").mkdir()
    assert main(["fmt", str(tmp_path / "empty")]) == 2
    assert "no policy files (.tdsl)" in capsys.readouterr().err


def test_check_reads_standard_input_and_directories(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT / "policies")  # `extends "lianyungang-2002.tdsl"` is relative to here
    stdin(monkeypatch, P2003.read_text(encoding="utf-8"))
    assert main(["check", "-"]) == 0
    out = capsys.readouterr().out  # the assumptions the policy inherits, then the summary
    assert out.endswith("\nchecked 1 file: 0 errors, 0 warnings\n") and out.count(": assumption in veto ") == 5
    stdin(monkeypatch, 'policy "t" { year 2003 status draft }\nclass {')
    assert main(["check", "-", "--format", "json"]) == 1
    assert '"file": "<stdin>"' in capsys.readouterr().out
    assert main(["check", str(ROOT / "policies")]) == 0
    out = capsys.readouterr().out  # English and Chinese keywords: each file stating the seed's assumptions, once
    assert out.endswith("\nchecked 4 files: 0 errors, 0 warnings\n") and out.count(": assumption in veto ") == 10
    assert main(["check", "-", "-"]) == 2
    assert "given twice" in capsys.readouterr().err


def test_test_reads_a_test_file_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT / "policies")
    stdin(monkeypatch, (ROOT / "policies/lianyungang-2003.test.yaml").read_text(encoding="utf-8"))
    assert main(["test", "-"]) == 0
    out = capsys.readouterr().out
    assert "PASS <stdin>:" in out and "0 failed" in out
    stdin(
        monkeypatch, "policy: lianyungang-2003.tdsl\ntests:\n  - name: wrong\n    units: []\n    expect_error: nope\n"
    )
    assert main(["test", "-"]) == 1


def test_every_command_has_examples_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices  # noqa: SLF001
    assert set(commands) == set(EXAMPLES)
    for name in commands:
        with pytest.raises(SystemExit):
            main([name, "--help"])
        shown = capsys.readouterr().out
        examples = shown.split("examples:\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
        assert 2 <= len(examples) <= 4 and all(
            line.startswith("  targetdsl ") or line.startswith("  cat ") for line in examples
        )
        assert any(f"targetdsl {name}" in line for line in examples), name
        assert "exit status: 0 success" in shown


def test_examples_in_help_use_real_options() -> None:
    """Every option an example uses is one its command takes (an example that fails teaches nothing)."""
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices  # noqa: SLF001
    for name, lines in EXAMPLES.items():
        for line in lines:
            words = line.split("#", 1)[0].replace("<", " ").replace(">", " ").split()
            for word in words:
                if word.startswith("-") and word != "-":
                    option = word.split("=", 1)[0]
                    for command in {w for w in words if w in commands} or {name}:
                        known = {o for a in commands[command]._actions for o in a.option_strings}  # noqa: SLF001
                        assert option in known, (line, option)


def test_the_readme_table_lists_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needed in ("template POLICY -o FILE.xlsx [--class C] [--rows N] [--items", "[--explain]", "[--bom"):
        assert needed in readme, needed
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices  # noqa: SLF001
    for name in commands:
        assert f"`targetdsl {name}" in readme or f"/ `targetdsl {name}" in readme, name


def test_one_progress_bar_for_a_stream_counts_units_not_passes() -> None:
    clock = iter(float(second) for second in range(10_000))
    stream = io.StringIO()
    bar = ProgressBar(stream, minimum=10, passes=2, clock=lambda: next(clock))
    for done in range(1, 401):
        bar(done, 400)  # a stream of 200 units reports 400 unit passes
    bar.close()
    lines = [line.rstrip() for line in stream.getvalue().split("\r") if line]
    # line i is drawn after i + 1 unit passes
    assert " 25% 100/200 units (pass 1 of 2)" in lines[99] and " 50% 200/200 units (pass 1 of 2)" in lines[199]
    assert " 75% 100/200 units (pass 2 of 2)" in lines[299]
    assert lines[-1].startswith("evaluating ████████████████████ 100% 200/200 units (pass 2 of 2) · ")
    assert "400/400" not in stream.getvalue()
    # a unit pass a second (the clock starts at the first): at the half, 200 passes, 3:19 left
    assert lines[199].endswith("· 1 units/s · 3:19 left"), lines[199]


def test_progress_says_what_is_read_and_clears_it(tmp_path: Path) -> None:
    (tmp_path / "big.xlsx").write_bytes(b"\0" * (3 << 20))
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar.reading([str(tmp_path / "big.xlsx")])
    assert stream.getvalue() == f"\rreading {tmp_path / 'big.xlsx'} (3.0 MB) …"
    bar.close()  # a small run: nothing else shown, and the line is wiped
    assert stream.getvalue().endswith("\r" + " " * len(stream.getvalue().split("\r")[1]) + "\r")


def test_quiet_silences_progress_and_notes(tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here) the progress line shows; -q removes it."""
    pty = pytest.importorskip("pty")
    script = (
        "import sys; from targetdsl.cli import main; "
        f"sys.exit(main(['report', {str(P2003)!r}, {str(UNITS_2003)!r}, '--carry-in', {str(CARRIED)!r}, "
        f"'-o', {str(tmp_path / 'r.html')!r}] + sys.argv[1:]))"
    )
    outputs = {}
    for quiet in ([], ["-q"]):
        leader, follower = pty.openpty()
        process = subprocess.run(
            [sys.executable, "-c", script, *quiet],
            stderr=follower,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.returncode == 0
        outputs[bool(quiet)] = b"".join(chunks).decode("utf-8", "replace")
    assert "reading" in outputs[False] and "wrote" in outputs[False]
    assert outputs[True] == ""


def test_csv_for_excel_has_a_bom_in_a_file_not_on_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "u.yaml").write_text(
        "units:\n  - {id: A, name: 甲, class: 县区, indicators: {增长: {x: 50}}}\n", encoding="utf-8"
    )
    base = ["evaluate", str(tmp_path / "p.tdsl"), str(tmp_path / "u.yaml")]
    assert main([*base, "--format", "csv"]) == 0
    piped = capsys.readouterr().out
    assert piped.startswith("class,rank,")
    assert main([*base, "-o", str(tmp_path / "r.csv")]) == 0
    written = (tmp_path / "r.csv").read_bytes()
    assert written == b"\xef\xbb\xbf" + piped.encode("utf-8")  # the same bytes after the mark
    assert next(csv.reader(io.StringIO(written.decode("utf-8-sig"))))[0] == "class"
    assert main([*base, "-o", str(tmp_path / "plain.csv"), "--no-bom"]) == 0
    assert (tmp_path / "plain.csv").read_bytes() == piped.encode("utf-8")
    assert main([*base, "--format", "csv", "--bom"]) == 0
    assert capsys.readouterr().out.startswith("\ufeffclass,rank,")
    assert main([*base, "--format", "json", "--bom", "-o", str(tmp_path / "r.json")]) == 0  # only CSV has one
    assert (tmp_path / "r.json").read_bytes().startswith(b"{")


def test_a_streamed_csv_file_has_the_bom_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "u.jsonl").write_text(
        '{"id": "A", "class": "县区", "indicators": {"增长": {"x": 50}}}\n'
        '{"id": "B", "class": "县区", "indicators": {"增长": {"x": 70}}}\n',
        encoding="utf-8",
    )
    assert main(["evaluate", str(tmp_path / "p.tdsl"), str(tmp_path / "u.jsonl"), "-o", str(tmp_path / "r.csv")]) == 0
    streamed = (tmp_path / "r.csv").read_bytes()
    assert main(["evaluate", str(tmp_path / "p.tdsl"), str(tmp_path / "u.jsonl"), "--format", "csv"]) == 0
    assert streamed == b"\xef\xbb\xbf" + capsys.readouterr().out.encode("utf-8")


def test_the_table_shows_points_money_and_why_a_grade_is_lower(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(P2003), str(UNITS_2003), "--carry-in", str(CARRIED)]) == 0
    out = capsys.readouterr().out
    county = out.split("\n县区 (9 units)\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert (
        "重点工作和项目工程 (40)" in county[0] and "定量任务指标 (50)" in county[0] and "其他考核内容 (10)" in county[0]
    )
    rows = {line.split()[1]: line.split() for line in county[2:11]}
    assert rows["新浦区"][-2:] == ["优秀", "16,000.00"]
    assert rows["海州区"][-2:] == ["良好*", "8,000.00"]  # 优秀 by its total, 良好 by the quota
    assert rows["灌南县"][-3:] == ["良好*", "not", "eligible"]  # a veto caps it
    notes = county[11:]
    assert notes == [
        "* veto 环境保护 caps the grade at 良好: 灌南县",
        "* 优秀 is limited to 30% of 9 units = 2, so ranked below the quota it gets 良好: "
        "海州区、开发区、灌云县、赣榆县、东海县、连云区",
    ]


def test_explain_suggests_the_unit_meant(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["explain", str(P2003), str(UNITS_2003), "--carry-in", str(CARRIED)]
    assert main([*base, "灌南县"]) == 2  # a name where the id is asked for
    assert "灌南县 is the name of unit C04: give its id" in capsys.readouterr().err
    assert main([*base, "c04"]) == 2
    assert "did you mean `C04`?" in capsys.readouterr().err
    assert main([*base, "C10"]) == 2  # ids are short and alike: C01 is another unit, not suggested
    assert "did you mean" not in capsys.readouterr().err


def test_a_ledger_award_for_a_unit_typed_in_another_case_names_it(tmp_path: Path) -> None:
    import targetdsl

    ledger = tmp_path / "carried.yaml"
    ledger.write_text(CARRIED.read_text(encoding="utf-8").replace("unit: C05", "unit: c05", 1), encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        targetdsl.load_policy(P2003).evaluate(UNITS_2003, carried_in=ledger)
    assert any("not in the data; did you mean `C05`?" in p.message for p in caught.value.problems)


def test_diff_and_periods_take_a_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "q.tdsl").write_text(POLICY.replace("score x", "score x / 2"), encoding="utf-8")
    (tmp_path / "returned").mkdir()
    for unit, x in (("A", 50), ("B", 70)):
        (tmp_path / "returned" / f"{unit}.yaml").write_text(
            f"units:\n  - {{id: {unit}, class: 县区, indicators: {{增长: {{x: {x}}}}}}}\n", encoding="utf-8"
        )
    argv = ["diff", str(tmp_path / "p.tdsl"), str(tmp_path / "q.tdsl"), "--data", str(tmp_path / "returned")]
    assert main([*argv, "--format", "json"]) == 1
    assert "impact" in capsys.readouterr().out
    from tests.support import PERIOD_POLICY

    (tmp_path / "periods.tdsl").write_text(PERIOD_POLICY, encoding="utf-8")
    for period in ("h1", "year"):
        (tmp_path / period).mkdir()
        for unit in ("A", "B"):
            (tmp_path / period / f"{unit}.yaml").write_text(
                f"units:\n  - {{id: {unit}, class: c, indicators: {{投资: {{target: 100, actual: 60}}}}}}\n",
                encoding="utf-8",
            )
    periods = [f"上半年={tmp_path / 'h1'}", f"全年={tmp_path / 'year'}"]
    assert main(["periods", str(tmp_path / "periods.tdsl"), *periods, "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["units"]) == 2


def test_explain_reads_a_large_file_as_a_stream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A .jsonl or .csv file is streamed to explain one unit (memory bounded by the stream's), with the
    same explanation, in text and JSON, and the same help for a unit not found, as the data in memory."""
    import targetdsl
    from targetdsl.units.documents import read_document

    units = read_document(UNITS_2003)["units"]
    jsonl = tmp_path / "units.jsonl"
    jsonl.write_text("".join(json.dumps(u, ensure_ascii=False, default=str) + "\n" for u in units), encoding="utf-8")
    assert targetdsl.load_policy(P2003).evaluate(jsonl, carried_in=CARRIED).to_json() == (
        targetdsl.load_policy(P2003).evaluate(UNITS_2003, carried_in=CARRIED).to_json()
    )
    for options in ([], ["--format", "json"], ["--lang", "zh"]):
        shown = []
        for data in (UNITS_2003, jsonl):
            assert main(["explain", str(P2003), str(data), "C04", "--carry-in", str(CARRIED), *options]) == 0
            shown.append(capsys.readouterr().out)
        assert shown[0] == shown[1] and shown[0]
    assert main(["explain", str(P2003), str(jsonl), "--carry-in", str(CARRIED), "灌南县"]) == 2
    assert "灌南县 is the name of unit C04: give its id" in capsys.readouterr().err
    assert main(["explain", str(P2003), str(jsonl), "--carry-in", str(CARRIED), "c04"]) == 2
    assert "did you mean `C04`?" in capsys.readouterr().err
