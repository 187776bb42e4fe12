"""The command line as a person meets it: one exit-code contract for every command, errors on stderr
and results alone on stdout, output paths checked before any work and written whole, the format
taken from -o, swapped arguments named, Ctrl-C and internal errors ended in one line."""

import importlib
import json
import os
import pkgutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from targetdsl import cli
from targetdsl.cli import EXITS, main
from targetdsl.language.formatter import format_policy

ROOT = Path(__file__).resolve().parent.parent.parent
BROKEN = ROOT / "tests/broken/check-cycle.tdsl"
P2003 = ROOT / "policies/lianyungang-2003.tdsl"
D2003 = ROOT / "examples/lianyungang-2003/units.yaml"
LEDGER = ROOT / "examples/lianyungang-2003/carried-in.yaml"

POLICY = """policy "小政策" { year 2003 status draft }
class c { k 100 }
category k {
    indicator a points 100 {
        input x: number
        score x * points / 100
    }
}
"""
UNITS = (
    "units:\n  - {id: A, name: 甲, class: c, indicators: {a: {x: 50}}}\n"
    "  - {id: B, name: 乙, class: c, indicators: {a: {x: 70}}}\n"
)
BAD_UNITS = "units:\n  - {id: A, name: 甲, class: nope, indicators: {a: {x: 50}}}\n"
TESTS = (
    "policy: p.tdsl\ntests:\n  - name: t\n    units: [{id: A, class: c, indicators: {a: {x: 50}}}]\n"
    '    expect: {units: {A: {total: "%s"}}}\n'
)


def patch_cli(monkeypatch: pytest.MonkeyPatch, name: str, value: object) -> None:
    """`name` replaced wherever the command line reads it: in each module of `targetdsl/cli/` that holds it."""
    names = [m.name for m in pkgutil.iter_modules(cli.__path__) if m.name != "__main__"]
    modules = [importlib.import_module(f"targetdsl.cli.{name}") for name in names]
    holders = [module for module in modules if name in vars(module)]
    assert holders, f"no module of the command line reads {name}"
    for module in holders:
        monkeypatch.setattr(module, name, value)


@pytest.fixture
def w(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a policy, good and bad data, a broken policy and tests."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "p2.tdsl").write_text(POLICY.replace("points / 100", "points / 50"), encoding="utf-8")
    (tmp_path / "broken.tdsl").write_text(BROKEN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "units.yaml").write_text(UNITS, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD_UNITS, encoding="utf-8")
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok/p.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "ok/p.test.yaml").write_text(TESTS % "50", encoding="utf-8")
    (tmp_path / "failing").mkdir()
    (tmp_path / "failing/p.tdsl").write_text(POLICY, encoding="utf-8")
    (tmp_path / "failing/p.test.yaml").write_text(TESTS % "51", encoding="utf-8")
    (tmp_path / "notarecord.json").write_text('{"hello": 1}\n', encoding="utf-8")
    (tmp_path / "garbage.json").write_text("not json at all\n", encoding="utf-8")
    (tmp_path / "formatted.tdsl").write_text(format_policy(POLICY), encoding="utf-8")
    (tmp_path / "unformatted.tdsl").write_text(format_policy(POLICY).replace("    input", "  input"), encoding="utf-8")
    (tmp_path / "syntax.tdsl").write_text("policy {{{\n", encoding="utf-8")
    return tmp_path


# (command line, expected exit status): every command, each way it can end
CONTRACT = [
    ("check p.tdsl", 0),
    ("check broken.tdsl", 1),
    ("check missing.tdsl", 2),
    ("check --root", 2),
    ("evaluate p.tdsl units.yaml", 0),
    ("evaluate p.tdsl bad.yaml", 1),
    ("evaluate broken.tdsl units.yaml", 1),
    ("evaluate p.tdsl missing.yaml", 2),
    ("evaluate p.tdsl units.yaml -o nodir/r.csv", 2),
    ("evaluate units.yaml p.tdsl", 2),
    ("evaluate p.tdsl units.yaml --format csv -o r.xlsx", 2),
    ("explain p.tdsl units.yaml A", 0),
    ("explain p.tdsl bad.yaml A", 1),
    ("explain broken.tdsl units.yaml A", 1),
    ("explain p.tdsl units.yaml ZZ", 2),
    ("explain units.yaml p.tdsl A", 2),
    ("diff p.tdsl p.tdsl", 0),
    ("diff p.tdsl p2.tdsl", 1),
    ("diff p.tdsl broken.tdsl", 1),
    ("diff p.tdsl p2.tdsl --data bad.yaml", 1),
    ("diff p.tdsl missing.tdsl", 2),
    ("diff units.yaml p.tdsl", 2),
    ("verify notarecord.json", 1),
    ("verify garbage.json", 1),
    ("verify missing.json", 2),
    ("test ok", 0),
    ("test failing", 1),
    ("test missing", 2),
    ("periods p.tdsl 全年=units.yaml", 1),
    ("periods broken.tdsl 全年=units.yaml", 1),
    ("periods p.tdsl units.yaml", 2),
    ("report p.tdsl units.yaml -o r.html", 0),
    ("report p.tdsl bad.yaml -o r.html", 1),
    ("report broken.tdsl units.yaml -o r.html", 1),
    ("report p.tdsl units.yaml -o nodir/r.html", 2),
    ("report p.tdsl units.yaml -o r.xlsx", 2),
    ("template p.tdsl -o t.xlsx", 0),
    ("template broken.tdsl -o t.xlsx", 1),
    ("template p.tdsl -o nodir/t.xlsx", 2),
    ("template p.tdsl -o t.xlsx --class nope", 2),
    ("template p.tdsl -o t.csv", 2),
    ("template p.tdsl -o t.xlsx --rows 0", 2),
    ("template p.tdsl -o t.xlsx --rows 5001", 2),
    ("plan p.tdsl", 0),
    ("plan p.tdsl --format json", 0),
    ("plan broken.tdsl", 1),
    ("plan missing.tdsl", 2),
    ("plan p.tdsl --class nope", 2),
    ("plan p.tdsl --period Q9", 2),
    ("plan units.yaml", 2),
    ("fmt --check formatted.tdsl", 0),
    ("fmt --check unformatted.tdsl", 1),
    ("fmt syntax.tdsl", 2),  # cannot be parsed: 2, as black and ruff
    ("fmt --check syntax.tdsl", 2),
    ("fmt --check missing.tdsl", 2),
    ("nosuchcommand", 2),
]


@pytest.mark.parametrize(("line", "status"), CONTRACT, ids=[line for line, _ in CONTRACT])
def test_one_exit_code_contract_for_every_command(
    w: Path, line: str, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(line.split())
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    assert code == status, capsys.readouterr()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    if status == 2 or (
        status == 1 and line.split(maxsplit=1)[0] in ("evaluate", "explain", "report", "template", "plan")
    ):
        assert captured.out == "" and captured.err  # an error is said on stderr, never on stdout


def test_every_command_is_in_the_contract() -> None:
    commands = {c for c in cli.build_parser()._subparsers._group_actions[0].choices}  # type: ignore[union-attr]
    assert commands == set(EXITS)
    assert {line.split()[0] for line, _ in CONTRACT} >= commands - {"lsp"} | {"nosuchcommand"}


@pytest.mark.parametrize("command", sorted(EXITS))
def test_every_help_states_the_exit_codes(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"exit status: 0 success; 1 {' '.join(EXITS[command].split())}; 2 usage error" in out
    assert "3 internal error" in out and "130 interrupted" in out and "standard error" in out


def test_the_readme_states_the_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line") : readme.index("## Slow suites")]
    for code, meaning in (
        ("0", "success"),
        ("1", "inputs have errors"),
        ("2", "usage"),
        ("3", "bug"),
        ("130", "interrupted"),
    ):
        assert f"| {code} | " in section and meaning in section


def test_errors_go_to_stderr_and_results_alone_to_stdout(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "p.tdsl", "bad.yaml", "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "unknown class `nope`" in captured.err
    assert main(["evaluate", "broken.tdsl", "units.yaml", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "error[check.cycle]" in captured.err
    assert main(["evaluate", "p.tdsl", "units.yaml", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("class,rank,id,name,") and captured.err == ""
    assert main(["template", "p.tdsl", "-o", "t.xlsx"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "wrote t.xlsx\n"


OUTPUTS = [
    ["evaluate", "p.tdsl", "units.yaml", "-o", "r.csv", "--ledger", "nodir/l.json"],
    ["evaluate", "p.tdsl", "units.yaml", "-o", "r.csv", "--record", "nodir/rec.json"],
    ["evaluate", "p.tdsl", "units.yaml", "-o", "nodir/r.csv", "--ledger", "l.json", "--record", "rec.json"],
    ["evaluate", "p.tdsl", "units.yaml", "--format", "csv", "-o", "r.csv", "--ledger", "r.csv"],
    ["evaluate", "p.tdsl", "units.yaml", "-o", "sub"],
    ["evaluate", "p.tdsl", "units.yaml", "-o", "sub/"],
    ["evaluate", "p.tdsl", "units.yaml", "--format", "xlsx"],
    ["evaluate", "p.tdsl", "units.yaml", "--format", "xlsx", "-o", "r.dat"],
    ["evaluate", "p.tdsl", "units.yaml", "-o", "r.html"],
    ["evaluate", "p.tdsl", "units.yaml", "-o", "r.yaml"],
    ["report", "p.tdsl", "units.yaml", "-o", "nodir/r.html"],
    ["template", "p.tdsl", "-o", "nodir/t.xlsx"],
]


@pytest.mark.parametrize("argv", OUTPUTS, ids=[" ".join(a[3:]) for a in OUTPUTS])
def test_output_paths_are_checked_before_any_work(
    w: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (w / "sub").mkdir()
    before = sorted(p.name for p in w.rglob("*"))

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the policy was loaded before the outputs were checked")

    patch_cli(monkeypatch, "load_policy", no_work)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("targetdsl: error: ") and captured.err.count("\n") == 1
    assert sorted(p.name for p in w.rglob("*")) == before  # nothing written


def test_a_link_into_a_missing_directory_is_refused_before_work(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (w / "r.csv").symlink_to(w / "gone/r.csv")
    assert main(["evaluate", "p.tdsl", "units.yaml", "-o", "r.csv"]) == 2
    assert "no directory" in capsys.readouterr().err


def test_an_output_never_overwrites_an_input(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["evaluate", "p.tdsl", "units.yaml", "--format", "json", "-o", "units.yaml"],
        ["evaluate", "p.tdsl", "units.yaml", "--ledger", "p.tdsl"],
        ["report", "p.tdsl", "units.yaml", "-o", "p.tdsl"],
        ["evaluate", "p.tdsl", "units.yaml", "--carry-in", "last.yaml", "--ledger", "last.yaml"],
        ["evaluate", "p.tdsl", "units.yaml", "--carry-in", "last.yaml", "--record", "./last.yaml"],
    ):
        (w / "last.yaml").write_text("year: 2002\ncarry_over: []\n", encoding="utf-8")
        assert main(argv) == 2, argv
        assert (w / "last.yaml").read_text(encoding="utf-8") == "year: 2002\ncarry_over: []\n"
    assert (w / "units.yaml").read_text(encoding="utf-8") == UNITS
    assert (w / "p.tdsl").read_text(encoding="utf-8") == POLICY
    assert "is an input" in capsys.readouterr().err


def test_nothing_is_written_when_the_inputs_have_errors(w: Path) -> None:
    (w / "r.csv").write_text("last year's results\n", encoding="utf-8")
    assert main(["evaluate", "p.tdsl", "bad.yaml", "-o", "r.csv", "--ledger", "l.json", "--record", "rec.json"]) == 1
    assert (w / "r.csv").read_text(encoding="utf-8") == "last year's results\n"
    assert not (w / "l.json").exists() and not (w / "rec.json").exists()
    assert not [p for p in w.iterdir() if p.name.startswith(".targetdsl-")]


def test_a_stream_that_fails_half_way_writes_nothing(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [json.dumps({"id": f"U{i}", "name": "x", "class": "c", "indicators": {"a": {"x": i}}}) for i in range(300)]
    lines[250] = json.dumps({"id": "U250", "name": "x", "class": "c", "indicators": {"a": {"x": "many"}}})
    (w / "units.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["evaluate", "p.tdsl", "units.jsonl", "-o", "r.csv"]) == 1
    assert "U250" in capsys.readouterr().err
    assert sorted(p.name for p in w.iterdir() if p.is_file() and p.name.startswith(("r.", ".targetdsl"))) == []


def test_files_are_written_with_the_ordinary_mode(w: Path) -> None:
    """A new file gets 0666 less the umask, as `open()` would give it; a replaced file keeps its mode."""
    for umask, mode in ((0o022, 0o644), (0o077, 0o600)):
        old = os.umask(umask)
        try:
            assert main(["evaluate", "p.tdsl", "units.yaml", "-o", f"r{umask}.json"]) == 0
        finally:
            os.umask(old)
        assert stat.S_IMODE((w / f"r{umask}.json").stat().st_mode) == mode
    (w / "r.csv").write_text("old\n", encoding="utf-8")
    (w / "r.csv").chmod(0o640)
    assert main(["evaluate", "p.tdsl", "units.yaml", "-o", "r.csv"]) == 0
    assert stat.S_IMODE((w / "r.csv").stat().st_mode) == 0o640


def test_writing_to_a_device_or_a_pipe_writes_in_place(w: Path) -> None:
    for form in ("csv", "xlsx", "json"):
        assert main(["evaluate", "p.tdsl", "units.yaml", "-o", os.devnull, "--format", form]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    os.mkfifo(w / "pipe")
    reader = subprocess.Popen(["cat", str(w / "pipe")], stdout=subprocess.PIPE)
    assert main(["evaluate", "p.tdsl", "units.yaml", "-o", "pipe", "--format", "csv"]) == 0
    assert reader.communicate(timeout=30)[0].startswith(b"class,rank,id,name,")
    assert stat.S_ISFIFO((w / "pipe").stat().st_mode)


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("r.xlsx", lambda data: data[:2] == b"PK"),
        ("r.csv", lambda data: data.startswith(b"\xef\xbb\xbfclass,rank,id,name,")),  # a BOM for Excel
        ("r.json", lambda data: json.loads(data)["units"][0]["id"] == "B"),
        ("r.jsonl", lambda data: [json.loads(line)["id"] for line in data.splitlines()] == ["B", "A"]),
        ("r.txt", lambda data: "rank  unit" in data.decode()),
        ("r.out", lambda data: "rank  unit" in data.decode()),
    ],
)
def test_the_format_follows_the_extension_of_o(w: Path, name: str, check: Callable[[bytes], bool]) -> None:
    assert main(["evaluate", "p.tdsl", "units.yaml", "-o", name]) == 0
    assert check((w / name).read_bytes())


def test_a_format_that_contradicts_the_extension_is_refused(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "p.tdsl", "units.yaml", "--format", "table", "-o", "r.xlsx"]) == 2
    assert "--format table contradicts -o r.xlsx (xlsx)" in capsys.readouterr().err
    assert main(["evaluate", "p.tdsl", "units.yaml", "--format", "csv", "-o", "R.CSV"]) == 0


def test_swapped_policy_and_data_are_named(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "units.yaml", "p.tdsl"]) == 2
    err = capsys.readouterr().err
    assert "POLICY and DATA are swapped" in err and "p.tdsl is the policy" in err
    assert main(["evaluate", "units.yaml", "units.yaml"]) == 2
    assert "units.yaml is unit data, not a policy" in capsys.readouterr().err
    assert main(["evaluate", "p.tdsl", "p2.tdsl"]) == 2
    assert "p2.tdsl is a policy, not unit data" in capsys.readouterr().err
    assert main(["template", "units.yaml", "-o", "t.xlsx"]) == 2
    (w / "policy.txt").write_text("# 2003 method\n\n" + POLICY, encoding="utf-8")
    (w / "units.txt").write_text(UNITS, encoding="utf-8")
    assert main(["evaluate", "units.txt", "policy.txt"]) == 2
    err = capsys.readouterr().err
    assert "POLICY and DATA are swapped: policy.txt is the policy and units.txt the unit data" in err
    assert main(["evaluate", "p.tdsl", "units.yaml", "--carry-in", "p.tdsl"]) == 2


def test_an_internal_error_is_one_line_and_exit_3(
    w: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    patch_cli(monkeypatch, "load_policy", broken)
    monkeypatch.delenv("TARGETDSL_TRACEBACK", raising=False)
    assert main(["evaluate", "p.tdsl", "units.yaml"]) == 3
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.splitlines()[0] == "targetdsl: error: internal error: ZeroDivisionError: division by zero"
    assert "this is a bug in targetdsl" in captured.err and len(captured.err.splitlines()) == 2


def test_an_unwritable_output_is_a_usage_error(
    w: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", "r.csv")

    patch_cli(monkeypatch, "write_text", full)
    assert main(["evaluate", "p.tdsl", "units.yaml", "-o", "r.csv"]) == 2
    assert capsys.readouterr().err == "targetdsl: error: r.csv: No space left on device\n"


def test_ctrl_c_is_one_line_and_exit_130(
    w: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    patch_cli(monkeypatch, "load_policy", interrupted)
    assert main(["evaluate", "p.tdsl", "units.yaml", "-o", "r.csv"]) == 130
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "targetdsl: interrupted\n"
    assert not (w / "r.csv").exists()


def test_the_library_installs_no_signal_handler(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Python's own Ctrl-C handler, whatever a test run before this one in the same process left there
    found = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE)}
        assert main(["evaluate", "p.tdsl", "units.yaml", "--format", "csv"]) == 0
        assert {s: signal.getsignal(s) for s in before} == before
        assert before[signal.SIGINT] is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, found)


@pytest.mark.slow
def test_ctrl_c_ends_a_long_evaluation_at_once(tmp_path: Path) -> None:
    """A real SIGINT in the middle of a large evaluation: one line, exit 130, within a second or two."""
    import yaml

    units = yaml.safe_load(D2003.read_text(encoding="utf-8"))["units"]
    with (tmp_path / "big.jsonl").open("w", encoding="utf-8") as out:
        for copy in range(120):
            for unit in units:
                out.write(json.dumps({**unit, "id": f"{unit['id']}-{copy}"}, ensure_ascii=False, default=str) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "targetdsl",
            "evaluate",
            str(P2003),
            str(tmp_path / "big.jsonl"),
            "--format",
            "json",
            "-o",
            str(tmp_path / "r.json"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # a background job inherits SIGINT ignored; the child must see it as a terminal would send it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    time.sleep(4)
    assert process.poll() is None, "the evaluation ended before it could be interrupted"
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130 and err == b"targetdsl: interrupted\n" and out == b""
    assert time.monotonic() - sent < 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]


def test_fmt_checks_every_file_before_rewriting_any(
    w: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (w / "readonly.tdsl").write_text(POLICY, encoding="utf-8")
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: access(path, mode) and not str(path).endswith("readonly.tdsl"))
    assert main(["fmt", "unformatted.tdsl", "readonly.tdsl"]) == 2
    assert "readonly.tdsl: the file is read-only" in capsys.readouterr().err
    assert (w / "unformatted.tdsl").read_text(encoding="utf-8") != format_policy(POLICY)


def test_a_terminal_that_cannot_show_chinese_gets_escapes(w: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "latin-1"}
    result = subprocess.run(
        [sys.executable, "-m", "targetdsl", "evaluate", "p.tdsl", "units.yaml"],
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\\u4e59" in result.stdout.decode("latin-1")  # 乙


def test_an_input_that_is_no_regular_file_is_named_so(w: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # (DATA may be a folder of data files: the policy may not)
    assert main(["evaluate", "ok", "units.yaml"]) == 2
    assert capsys.readouterr().err == "targetdsl: error: ok: is a directory, not a regular file\n"
    assert main(["evaluate", "p.tdsl", os.devnull]) == 2
    assert capsys.readouterr().err == f"targetdsl: error: {os.devnull}: is a device, not a regular file\n"


def test_a_reader_that_goes_away_ends_it_quietly() -> None:
    """`targetdsl evaluate … | head -1`: exit 0, nothing on stderr (no BrokenPipeError at exit)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "targetdsl",
            "evaluate",
            str(P2003),
            str(D2003),
            "--carry-in",
            str(LEDGER),
            "--format",
            "json",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"{\n"
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    with process.stderr:
        assert process.stderr.read() == b""


def test_every_output_is_rendered_before_the_first_is_written(
    w: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unreadable(**kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "units.yaml")

    patch_cli(monkeypatch, "make_record", unreadable)
    assert main(["evaluate", "p.tdsl", "units.yaml", "-o", "r.xlsx", "--ledger", "l.json", "--record", "rec.json"]) == 2
    assert capsys.readouterr().err == "targetdsl: error: units.yaml: Permission denied\n"
    assert not [p for p in w.iterdir() if p.name.startswith(("r.", "l.", "rec.", ".targetdsl"))]


@pytest.mark.slow
def test_sigterm_removes_the_partial_file_and_exits_143(tmp_path: Path) -> None:
    """SIGTERM while a streamed CSV is being written: one line, exit 143, no temporary file left."""
    from benchmarks.workload import generate, policy

    (tmp_path / "p.tdsl").write_text(policy.text(), encoding="utf-8")
    with (tmp_path / "u.jsonl").open("w", encoding="utf-8") as out:
        for record in generate.units(40_000):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "targetdsl", "evaluate", "p.tdsl", "u.jsonl", "-o", "r.csv"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".targetdsl-")]:
        assert process.poll() is None and time.monotonic() < deadline, "the results were never being written"
        time.sleep(0.01)
    process.terminate()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143 and err == b"targetdsl: terminated\n" and out == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.tdsl", "u.jsonl"]


@pytest.mark.parametrize(
    "line",
    [line for line, status in CONTRACT if status == 0] + ["lsp", "verify rec.json", "periods p.tdsl 全年=units.yaml"],
)
def test_an_internal_error_in_any_command_is_exit_3(
    w: Path, line: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        raise KeyError("surprise")

    patch_cli(monkeypatch, f"run_{line.split(maxsplit=1)[0]}", broken)
    assert main(line.split()) == 3
    captured = capsys.readouterr()
    assert captured.err.startswith("targetdsl: error: internal error: KeyError: 'surprise'\n")
    assert "Traceback" not in captured.err and captured.out == ""


@pytest.mark.parametrize(
    ("given", "output", "chosen"),
    [
        (None, None, "table"),
        (None, "r.xlsx", "xlsx"),
        (None, "R.CSV", "csv"),
        (None, "r.json", "json"),
        (None, "r.jsonl", "jsonl"),
        (None, "r.txt", "table"),
        (None, "results", "table"),
        ("csv", None, "csv"),
        ("json", "r.json", "json"),
        ("jsonl", "out.dat", "jsonl"),
        ("xlsx", os.devnull, "xlsx"),
        ("csv", "r.xlsx", None),
        ("table", "r.csv", None),
        (None, "r.html", None),
        (None, "r.xls", None),
        (None, "units.yaml", None),
        ("xlsx", None, None),
        ("xlsx", "r.dat", None),
        (None, "p.tdsl", None),
    ],
)
def test_the_output_format(given: str | None, output: str | None, chosen: str | None) -> None:
    from targetdsl.invocation import UsageError, output_format

    if chosen is None:
        with pytest.raises(UsageError):
            output_format(given, output)
    else:
        assert output_format(given, output) == chosen


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["evaluate", "p.tdsl", "units.yaml", "--carry-in", ""], "--carry-in: empty"),
        (["evaluate", "p.tdsl", "units.yaml", "--period", ""], "--period: empty"),
        (["evaluate", "p.tdsl", "units.yaml", "--ledger", ""], "--ledger: empty"),
        (["evaluate", "p.tdsl", "units.yaml", "--record", ""], "--record: empty"),
        (["evaluate", "p.tdsl", "units.yaml", "-o", ""], "-o: empty"),
        (["evaluate", "p.tdsl", ""], "DATA: empty"),
        (["diff", "p.tdsl", "p.tdsl", "--data", ""], "--data: empty"),
        (["template", "p.tdsl", "-o", "t.xlsx", "--class", ""], "--class: empty"),
        (["verify", ""], "RECORD: empty"),
        (["fmt", "p.tdsl", ""], "FILES: empty"),
    ],
)
def test_an_empty_value_is_refused_not_taken_as_absent(
    w: Path, argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--carry-in "$LEDGER"` with the variable unset must not evaluate without last year's awards."""
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(f"targetdsl: error: {said}")
