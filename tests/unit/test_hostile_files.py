"""Hostile files: devices, named pipes, directories, sockets, symbolic link loops, bad names, files
outside the policy's directory, files that are not policies, malformed records.

Every file targetdsl reads goes through `targetdsl.files`: only regular files, never more than a
limit, read while the limit is enforced. Each test here fails if a path of the library reads
something it must not, hangs on a pipe, echoes a file that is not a policy, or ends in a traceback.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.authoring import tester
from targetdsl.authoring.lsp import PolicyServer
from targetdsl.cli import main
from targetdsl.files import FileProblem, FileReadError, chunks, open_regular, read_limited, resolve
from targetdsl.language.inheritance import load_path, load_text
from targetdsl.scaling.stream import file_records
from targetdsl.units.documents import read_document

BASE = """policy "基础" { year 2003 status draft }
class 县区 { 定量 100 }
category 定量 {
    indicator gdp points 100 { input target: number input actual: number score points * actual / target }
}
"""
CHILD = 'extends "{parent}"\npolicy "子" {{ year 2003 status draft }}\n'
UNITS = "units:\n  - {id: A, name: 甲, class: 县区, indicators: {gdp: {target: 10, actual: 9}}}\n"
SECRET = "PASSWORD=hunter2-do-not-print"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges here")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def promptly(action: Callable[[], Any], seconds: float = 60) -> Any:
    """Run `action`, failing the test (instead of hanging the suite) if it blocks: what a read of a
    named pipe with no writer does."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # handed to the test below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "blocked: the file was opened or read as if it were a regular file"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def codes(loaded: Any) -> list[str]:
    return [d.code for d in loaded.diagnostics]


# ------------------------------------------------------------------ the one reading function


@needs_fifo
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "pipe.tdsl")
    with pytest.raises(FileReadError) as caught:
        promptly(lambda: read_limited(pipe, limit=100))
    assert caught.value.problem is FileProblem.NOT_A_FILE
    assert "named pipe" in caught.value.reason


@needs_dev_zero
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_before_reading(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    with pytest.raises(FileReadError) as caught:
        promptly(lambda: read_limited(device, limit=100))
    assert caught.value.problem is FileProblem.NOT_A_FILE
    assert caught.value.reason == "is a device, not a regular file"
    with pytest.raises(FileReadError):
        promptly(lambda: list(chunks(device, limit=None)))


def test_directories_and_sockets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FileReadError, match="is a directory"):
        read_limited(tmp_path, limit=100)
    if not hasattr(socket, "AF_UNIX"):
        return
    place = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        try:
            server.bind(str(place))
        except OSError:
            pytest.skip("the temporary directory's path is too long for a socket")
        with pytest.raises(FileReadError, match="is a socket"):
            read_limited(place, limit=100)


def test_the_size_limit_is_enforced_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "f.tdsl"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, limit=100) == b"x" * 100
    with pytest.raises(FileReadError) as caught:
        read_limited(path, limit=99)
    assert caught.value.problem is FileProblem.TOO_LARGE
    with pytest.raises(FileReadError, match="larger than 99 bytes"):
        list(chunks(path, limit=99))


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="no /proc here")
def test_the_size_limit_does_not_trust_stat() -> None:
    """/proc files say their size is 0; only reading tells."""
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(FileReadError) as caught:
        read_limited("/proc/self/maps", limit=10)
    assert caught.value.problem is FileProblem.TOO_LARGE


@needs_symlinks
def test_a_symbolic_link_loop_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop.tdsl"
    loop.symlink_to(loop)
    for action in (lambda: resolve(loop), lambda: read_limited(loop, limit=10), lambda: open_regular(loop)):
        with pytest.raises(FileReadError) as caught:
            action()
        assert caught.value.problem is FileProblem.LINK_LOOP


@pytest.mark.parametrize("name", ["a\0b.tdsl", "\ud800.tdsl"])
def test_names_that_cannot_be_file_names_are_refused(tmp_path: Path, name: str) -> None:
    for action in (lambda: resolve(tmp_path / name), lambda: read_limited(tmp_path / name, limit=10)):
        with pytest.raises(FileReadError) as caught:
            action()
        assert caught.value.problem is FileProblem.BAD_NAME


# ------------------------------------------------------------------ policies and `extends`


@needs_fifo
def test_extends_of_a_named_pipe_is_a_diagnostic(tmp_path: Path) -> None:
    fifo(tmp_path / "pipe.tdsl")
    child = write(tmp_path / "child.tdsl", CHILD.format(parent="pipe.tdsl"))
    loaded = promptly(lambda: load_path(child))
    assert codes(loaded) == ["load.not-a-file"]
    assert "named pipe" in loaded.diagnostics[0].message
    # the top file itself
    assert codes(promptly(lambda: load_path(tmp_path / "pipe.tdsl"))) == ["load.not-a-file"]


@needs_dev_zero
@needs_symlinks
def test_extends_of_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    child = write(tmp_path / "child.tdsl", CHILD.format(parent="/dev/zero"))
    assert codes(promptly(lambda: load_path(child, root="/"))) == ["extends.not-a-policy"]
    (tmp_path / "zero.tdsl").symlink_to("/dev/zero")
    linked = write(tmp_path / "linked.tdsl", CHILD.format(parent="zero.tdsl"))
    assert codes(promptly(lambda: load_path(linked))) == ["extends.outside-root"]
    assert codes(promptly(lambda: load_path(linked, root="/"))) == ["load.not-a-file"]


def test_extends_of_a_directory_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "folder.tdsl").mkdir()
    child = write(tmp_path / "child.tdsl", CHILD.format(parent="folder.tdsl"))
    loaded = load_path(child)
    assert codes(loaded) == ["load.not-a-file"]
    assert "is a directory" in loaded.diagnostics[0].message


@needs_symlinks
def test_extends_of_a_symbolic_link_loop_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "loop.tdsl").symlink_to(tmp_path / "loop.tdsl")
    child = write(tmp_path / "child.tdsl", CHILD.format(parent="loop.tdsl"))
    assert codes(load_path(child)) == ["load.link-loop"]
    assert codes(load_path(tmp_path / "loop.tdsl")) == ["load.link-loop"]


def test_extends_with_a_nul_byte_is_a_diagnostic(tmp_path: Path) -> None:
    write(tmp_path / "a.tdsl", BASE)
    child = write(tmp_path / "child.tdsl", CHILD.format(parent="a\0b.tdsl"))
    loaded = load_path(child)
    assert codes(loaded) == ["load.bad-path"]
    assert "NUL" in loaded.diagnostics[0].message
    rendered = targetdsl.check_path(child).render()
    assert "\0" not in rendered and "a\\x00b.tdsl" in rendered and 'extends "a␀b.tdsl"' in rendered


def test_extends_stays_in_the_policy_directory_by_default(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "base.tdsl", BASE)
    child = write(tmp_path / "office" / "child.tdsl", CHILD.format(parent="../shared/base.tdsl"))
    assert codes(load_path(child)) == ["extends.outside-root"]
    assert codes(load_path(child, root=tmp_path)) == []
    # below the policy's directory is inside
    nested = write(tmp_path / "office2" / "child.tdsl", CHILD.format(parent="old/base.tdsl"))
    write(tmp_path / "office2" / "old" / "base.tdsl", BASE)
    assert codes(load_path(nested)) == []
    # the library's front doors do the same
    with pytest.raises(targetdsl.PolicyError, match="outside the allowed policy directory"):
        targetdsl.load_policy(child)
    assert targetdsl.load_policy(child, root=tmp_path).title == "子"
    assert not targetdsl.check_path(child).ok
    text = CHILD.format(parent="../shared/base.tdsl")
    assert codes(load_text(text, "child.tdsl", base=tmp_path / "office")) == ["extends.outside-root"]
    assert codes(load_text(text, "child.tdsl", base=tmp_path / "office", root=tmp_path)) == []
    with pytest.raises(targetdsl.PolicyError):
        targetdsl.parse_policy(text, base=tmp_path / "office")
    assert targetdsl.parse_policy(text, base=tmp_path / "office", root=tmp_path).title == "子"
    with pytest.raises(targetdsl.PolicyError, match="outside the allowed policy directory"):
        targetdsl.diff_policies(child, child)
    assert targetdsl.diff_policies(child, child, root=tmp_path).equivalent
    units = write(tmp_path / "office" / "units.yaml", UNITS)
    with pytest.raises(targetdsl.PolicyError, match="outside the allowed policy directory"):
        targetdsl.impact(child, child, units)
    assert targetdsl.impact(child, child, units, root=tmp_path).to_json()


def test_extends_of_a_file_that_is_not_a_policy_quotes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "secret.txt", SECRET + "\n")
    write(tmp_path / "secret.tdsl", SECRET + "\n")
    for parent, code in (("secret.txt", "extends.not-a-policy"), ("secret.tdsl", "extends.not-a-policy")):
        child = write(tmp_path / "child.tdsl", CHILD.format(parent=parent))
        report = targetdsl.check_path(child)
        assert [d.code for d in report.diagnostics] == [code]
        rendered = report.render() + json.dumps([d.to_json() for d in report.diagnostics], ensure_ascii=False)
        assert "hunter2" not in rendered and "PASSWORD" not in rendered
        assert str(tmp_path / parent) not in report.sources


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="no /proc here")
@needs_symlinks
def test_extends_cannot_print_the_environment(tmp_path: Path) -> None:
    # /proc/self/environ holds the environment the process started with (os.environ changes are not in it)
    with open("/proc/self/environ", "rb") as handle:  # noqa: PTH123
        variables = [v.decode("utf-8", "replace") for v in handle.read().split(b"\0") if b"=" in v]
    if not variables:
        pytest.skip("this process has no environment")
    (tmp_path / "env.tdsl").symlink_to("/proc/self/environ")
    child = write(tmp_path / "child.tdsl", CHILD.format(parent="env.tdsl"))
    direct = write(tmp_path / "direct.tdsl", CHILD.format(parent="/proc/self/environ"))
    for path, root, code in (
        (child, None, "extends.outside-root"),
        (child, "/", "extends.not-a-policy"),
        (direct, "/", "extends.not-a-policy"),
    ):
        report = targetdsl.check_path(path, root=root)
        assert [d.code for d in report.diagnostics] == [code]
        shown = report.render() + json.dumps([d.to_json() for d in report.diagnostics], ensure_ascii=False)
        assert not any(variable in shown for variable in variables)


def test_an_extended_policy_with_a_later_syntax_error_still_shows_it(tmp_path: Path) -> None:
    """Only a file whose first line is not policy syntax is hidden; a policy's own mistakes are shown."""
    write(tmp_path / "base.tdsl", "# 基础\n\n" + BASE + "category 多余 { indicator x points 1 { score @ } }\n")
    child = write(tmp_path / "child.tdsl", CHILD.format(parent="base.tdsl"))
    report = targetdsl.check_path(child)
    assert [d.code for d in report.diagnostics][0].startswith("syntax.")
    assert "score @" in report.render()


def test_lone_surrogates_in_policy_text_are_a_diagnostic() -> None:
    report = targetdsl.check_text('policy "连\ud800" { year 2003 status draft }\n', name="s.tdsl")
    assert [d.code for d in report.diagnostics] == ["load.encoding"]
    assert (report.diagnostics[0].span.line, report.diagnostics[0].span.column) == (1, 10)
    report.render().encode("utf-8")  # printable
    with pytest.raises(targetdsl.PolicyError):
        targetdsl.parse_policy('policy "x" { year 2003 status draft }\n# \udcff\n')
    with pytest.raises(targetdsl.PolicyError):
        targetdsl.format_policy('policy "x" { year 2003 status draft }\n# \udcff\n')


def test_invalid_utf8_in_a_policy_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.tdsl"
    path.write_bytes(b'policy "x" { year 2003 status draft }\n# \xed\xa0\x80 (an encoded surrogate)\n')
    loaded = load_path(path)
    assert codes(loaded) == ["load.encoding"]
    assert "line 2" in loaded.diagnostics[0].message


def test_the_language_server_confines_extends() -> None:
    server = PolicyServer()
    here = Path(__file__).resolve().parent
    assert server.confinement(here) == here  # no workspace yet: the document's own directory
    server.root = here.parent
    assert server.confinement(here) == here.parent


def test_lsp_root_reaches_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from targetdsl.authoring import lsp

    monkeypatch.setattr(lsp.server, "start_io", lambda **_: None)  # given the bounded standard input
    monkeypatch.setattr(lsp.server, "root", None)
    assert main(["lsp", "--root", str(tmp_path)]) == 0
    assert lsp.server.root == tmp_path
    assert lsp.server.confinement(tmp_path / "deep" / "er") == tmp_path


def test_the_language_server_allows_the_workspace_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "shared" / "base.tdsl", BASE)
    server = PolicyServer()
    monkeypatch.setattr(server, "workspace_folders", lambda: [tmp_path / "elsewhere", tmp_path])
    assert server.confinement(tmp_path / "office") == tmp_path.resolve()
    assert server.analyse((tmp_path / "office" / "child.tdsl").as_uri(), CHILD.format(parent="../shared/base.tdsl")).ok
    monkeypatch.setattr(server, "workspace_folders", lambda: [tmp_path / "office"])
    report = server.analyse((tmp_path / "office" / "child.tdsl").as_uri(), CHILD.format(parent="../shared/base.tdsl"))
    assert [d.code for d in report.diagnostics] == ["extends.outside-root"]


def test_the_language_server_does_not_read_outside(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "base.tdsl", BASE)
    write(tmp_path / "secret.tdsl", SECRET + "\n")
    server = PolicyServer()
    uri = (tmp_path / "office" / "child.tdsl").as_uri()
    report = server.analyse(uri, CHILD.format(parent="../shared/base.tdsl"))
    assert [d.code for d in report.diagnostics] == ["extends.outside-root"]
    server.root = tmp_path
    assert server.analyse(uri, CHILD.format(parent="../shared/base.tdsl")).ok
    leaked = server.analyse(uri, CHILD.format(parent="../secret.tdsl"))
    assert "hunter2" not in leaked.render()


# ------------------------------------------------------------------ the command line


@pytest.fixture
def outside(tmp_path: Path) -> dict[str, str]:
    """A policy extending a file outside its own directory, with data, a ledger and a test file."""
    write(tmp_path / "shared" / "base.tdsl", BASE)
    policy = write(tmp_path / "office" / "child.tdsl", CHILD.format(parent="../shared/base.tdsl"))
    units = write(tmp_path / "office" / "units.yaml", UNITS)
    write(
        tmp_path / "office" / "child.test.yaml",
        "policy: child.tdsl\ntests:\n  - name: A\n    data: units.yaml\n    expect: {units: {A: {total: '90.00'}}}\n",
    )
    return {
        "policy": str(policy),
        "units": str(units),
        "dir": str(tmp_path / "office"),
        "root": str(tmp_path),
        "out": str(tmp_path / "out"),
    }


COMMANDS = {
    "check": ["check", "{policy}"],
    "evaluate": ["evaluate", "{policy}", "{units}"],
    "explain": ["explain", "{policy}", "{units}", "A"],
    "report": ["report", "{policy}", "{units}", "-o", "{out}.html"],
    "template": ["template", "{policy}", "-o", "{out}.xlsx"],
    "diff": ["diff", "{policy}", "{policy}", "--data", "{units}"],
    "test": ["test", "{dir}"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_confines_extends_and_takes_root(
    command: str, outside: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [part.format(**outside) for part in COMMANDS[command]]
    confined = main(argv)
    captured = capsys.readouterr()
    assert confined != 0, captured.out + captured.err  # (`diff` says 2 for a policy that does not load)
    assert "extends.outside-root" in captured.out + captured.err
    widened = main([*argv, "--root", outside["root"]])
    captured = capsys.readouterr()
    assert "extends.outside-root" not in captured.out + captured.err
    assert widened == 0, captured.out + captured.err


def test_verify_confines_extends_and_takes_root(outside: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    record = outside["out"] + ".record.json"
    assert main(["evaluate", outside["policy"], outside["units"], "--record", record, "--root", outside["root"]]) == 0
    capsys.readouterr()
    assert main(["verify", record]) == 1
    assert "lies outside the allowed policy directory" in capsys.readouterr().out
    assert main(["verify", record, "--root", outside["root"]]) == 0


def test_every_policy_command_has_root() -> None:
    """`fmt` reads only the files named (it never follows `extends`); every other command that loads
    a policy takes --root."""
    from targetdsl.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices  # noqa: SLF001
    for name, command in commands.items():
        options = {option for action in command._actions for option in action.option_strings}  # noqa: SLF001
        assert ("--root" in options) == (name != "fmt"), name


def test_paths_that_are_not_utf8_are_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = os.fsdecode(b"\xff\xfe.tdsl")
    try:
        (tmp_path / name).write_text(BASE, encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    for argv in (["check", str(tmp_path / name)], ["evaluate", str(tmp_path / name), "u.yaml"], ["fmt", name]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "not valid text" in err and "\\xff\\xfe.tdsl" in err


@pytest.mark.parametrize("form", ["text", "json", "junit"])
def test_test_files_whose_names_are_not_utf8_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    write(tmp_path / "p.tdsl", BASE)
    try:
        write(tmp_path / os.fsdecode(b"\xff.test.yaml"), "policy: p.tdsl\ntests:\n  - name: A\n    data: u.yaml\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    write(tmp_path / "u.yaml", UNITS)
    assert main(["test", str(tmp_path), "--format", form, "--coverage"]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")
    assert "\\xff.test.yaml" in out or form == "text"


@needs_fifo
def test_named_pipes_on_the_command_line_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pipe = fifo(tmp_path / "pipe.tdsl")
    assert promptly(lambda: main(["check", str(pipe)])) == 2
    assert promptly(lambda: main(["fmt", str(pipe)])) == 2
    assert f"{pipe}: is a named pipe (FIFO), not a regular file" in capsys.readouterr().err
    write(tmp_path / "units.yaml", UNITS)
    write(tmp_path / "p.tdsl", BASE)
    for argv in (
        ["evaluate", str(tmp_path / "p.tdsl"), str(tmp_path / "units.yaml"), "--carry-in", str(pipe)],
        ["evaluate", str(tmp_path), str(tmp_path / "units.yaml")],
        ["verify", str(pipe)],
        ["template", str(pipe), "-o", str(tmp_path / "t.xlsx")],
    ):
        assert promptly(lambda a=argv: main(a)) == 2
        assert "not a regular file" in capsys.readouterr().err
    # a folder of data is read file by file: a pipe in it is refused by name, never waited on
    (tmp_path / "returned").mkdir()
    fifo(tmp_path / "returned" / "units.yaml")
    assert promptly(lambda: main(["evaluate", str(tmp_path / "p.tdsl"), str(tmp_path / "returned")])) == 1
    assert "units.yaml: is a named pipe (FIFO), not a regular file" in capsys.readouterr().err
    if hasattr(os, "symlink"):
        (tmp_path / "loop.tdsl").symlink_to(tmp_path / "loop.tdsl")
        assert main(["check", str(tmp_path / "loop.tdsl")]) == 2
        assert "leads back to itself" in capsys.readouterr().err


# ------------------------------------------------------------------ data, ledgers, streams, test files


@pytest.fixture
def policy() -> targetdsl.Policy:
    return targetdsl.parse_policy(BASE, name="base.tdsl")


@needs_fifo
@pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv", ".xlsx", ".jsonl"])
def test_data_and_ledgers_from_named_pipes_are_refused(tmp_path: Path, policy: targetdsl.Policy, suffix: str) -> None:
    pipe = fifo(tmp_path / f"units{suffix}")
    with pytest.raises(targetdsl.DataError, match="named pipe"):
        promptly(lambda: read_document(pipe))
    with pytest.raises(targetdsl.DataError, match="named pipe"):
        promptly(lambda: policy.evaluate(pipe))
    units = write(tmp_path / "real.yaml", UNITS)
    with pytest.raises(targetdsl.DataError, match="named pipe"):
        promptly(lambda: policy.evaluate(units, carried_in=pipe))


@needs_fifo
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_streams_from_named_pipes_are_refused(tmp_path: Path, policy: targetdsl.Policy, suffix: str) -> None:
    pipe = fifo(tmp_path / f"units{suffix}")
    with pytest.raises(targetdsl.DataError, match="named pipe"):
        promptly(lambda: file_records(pipe))
    with pytest.raises(targetdsl.DataError, match="named pipe"):
        promptly(lambda: policy.stream(pipe, progress=lambda done, total: None))


@needs_dev_zero
@needs_symlinks
def test_data_from_a_device_is_refused(tmp_path: Path, policy: targetdsl.Policy) -> None:
    for suffix in (".json", ".jsonl", ".csv", ".xlsx"):
        (tmp_path / f"zero{suffix}").symlink_to("/dev/zero")
        with pytest.raises(targetdsl.DataError, match="is a device"):
            promptly(lambda s=suffix: read_document(tmp_path / f"zero{s}"))
        if suffix in (".jsonl", ".csv"):
            with pytest.raises(targetdsl.DataError, match="is a device"):
                promptly(lambda s=suffix: file_records(tmp_path / f"zero{s}"))


def test_data_larger_than_the_limit_is_refused_while_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: targetdsl.Policy
) -> None:
    import targetdsl.units.documents

    units = write(tmp_path / "units.yaml", UNITS)
    monkeypatch.setattr(targetdsl.units.documents, "MAX_DATA_BYTES", 20)
    with pytest.raises(targetdsl.DataError, match="larger than 20 bytes"):
        policy.evaluate(units)


@needs_fifo
def test_test_files_that_are_not_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "base.tdsl", BASE)
    pipe = fifo(tmp_path / "pipe.test.yaml")
    outcome = promptly(lambda: tester.run([tmp_path]))
    assert [r.error for r in outcome.results] == ["the test file is a named pipe (FIFO), not a regular file"]
    assert outcome.results[0].file == str(pipe)
    os.unlink(pipe)
    fifo(tmp_path / "units.yaml")
    write(
        tmp_path / "t.test.yaml", "policy: base.tdsl\ntests:\n  - name: pipe\n    data: units.yaml\n  - just a string\n"
    )
    outcome = promptly(lambda: tester.run([tmp_path]))
    assert "not a test file" in (outcome.results[0].error or "")
    write(tmp_path / "t.test.yaml", "policy: base.tdsl\ntests:\n  - name: pipe\n    data: units.yaml\n")
    outcome = promptly(lambda: tester.run([tmp_path]))
    assert "named pipe" in (outcome.results[0].error or "")
    write(tmp_path / "t.test.yaml", "policy: 7\ntests: []\n")
    assert "`policy` must name a file" in (tester.run([tmp_path]).results[0].error or "")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("data: null", None),
        ("data: 5", "`data` must name a file"),
        ("carry_in: [a]", "`carry_in` must name a file"),
    ],
)
def test_test_files_with_odd_paths_end_cleanly(tmp_path: Path, entry: str, message: str | None) -> None:
    write(tmp_path / "p.tdsl", BASE)
    write(tmp_path / "t.test.yaml", f"policy: p.tdsl\ntests:\n  - name: A\n    {entry}\n")
    outcome = tester.run([tmp_path])
    error = outcome.results[0].error
    if message is None:  # read as no data: a test of no units, which the data check refuses by name
        assert error is not None and "data.no-units" in error
    else:
        assert error == f"not a test file: {message}"


@needs_symlinks
def test_with_a_root_test_files_name_only_files_under_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A contributed test file whose data is a symbolic link out of the checkout (to /proc/self/environ,
    say) is refused when the run is given a root."""
    write(tmp_path / "outside" / "units.yaml", UNITS)
    checkout = tmp_path / "checkout"
    write(checkout / "p.tdsl", BASE)
    (checkout / "units.yaml").symlink_to(tmp_path / "outside" / "units.yaml")
    write(
        checkout / "t.test.yaml",
        "policy: p.tdsl\ntests:\n  - name: A\n    data: units.yaml\n    carry_in: ../outside/units.yaml\n",
    )
    assert main(["test", str(checkout), "--root", str(checkout)]) == 1
    out = capsys.readouterr().out
    assert "`data` names" in out and "outside the allowed directory" in out
    write(checkout / "t.test.yaml", "policy: p.tdsl\ntests:\n  - name: A\n    carry_in: ../outside/units.yaml\n")
    assert main(["test", str(checkout), "--root", str(checkout)]) == 1
    assert "`carry_in` names" in capsys.readouterr().out
    write(checkout / "t.test.yaml", "policy: p.tdsl\ntests:\n  - name: A\n    data: units.yaml\n")
    assert main(["test", str(checkout), "--root", str(tmp_path)]) == 0
    assert main(["test", str(checkout)]) == 0  # without a root, data may lie anywhere (docs/testing.md)


def test_with_a_root_a_record_names_only_files_under_it(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(record), "--root", str(record.parent)]) == 0
    inner = record.parent / "inner"
    inner.mkdir()
    assert main(["verify", str(record), "--root", str(inner)]) == 1
    out = capsys.readouterr().out
    assert "p.tdsl: lies outside the allowed directory" in out and "units.yaml: lies outside" in out


@needs_symlinks
def test_finding_test_files_ends_on_a_symbolic_link_loop(tmp_path: Path) -> None:
    write(tmp_path / "a" / "x.test.yaml", "policy: p.tdsl\ntests: []\n")
    (tmp_path / "a" / "back").symlink_to(tmp_path, target_is_directory=True)
    found = promptly(lambda: tester.discover([tmp_path]))
    assert found == [tmp_path / "a" / "x.test.yaml"]


# ------------------------------------------------------------------ records and `verify`


@pytest.fixture
def record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    policy = write(tmp_path / "p.tdsl", BASE)
    units = write(tmp_path / "units.yaml", UNITS)
    path = tmp_path / "record.json"
    assert main(["evaluate", str(policy), str(units), "--record", str(path)]) == 0
    capsys.readouterr()
    return path


def _set(document: dict[str, Any], where: str, value: Any) -> None:
    keys = where.split(".")
    for key in keys[:-1]:
        document = document[int(key)] if isinstance(document, list) else document[key]
    last: Any = int(keys[-1]) if isinstance(document, list) else keys[-1]
    if value is KeyError:
        del document[last]
    else:
        document[last] = value


MALFORMED = [
    ("policy", KeyError, "field `policy` is missing"),
    ("policy.files", "x", "field `policy.files` must be a list, not a string"),
    ("policy.files.0", 3, "field `policy.files[0]` must be an object, not a number"),
    ("policy.files.0.sha256", KeyError, "field `policy.files[0].sha256` is missing"),
    ("data.sha256", 5, "field `data.sha256` must be a string, not a number"),
    ("data.sha256", "abc", "field `data.sha256` must be a SHA-256"),
    ("data.path", "", "field `data.path` must name a file"),
    ("carry_in", [], "field `carry_in` must be an object, not a list"),
    ("record", True, "field `record` must be a whole number, not true/false"),
    ("period", 3, "field `period` must be a string, not a number"),
    ("result", None, "field `result` must be an object, not null"),
    ("result_sha256", KeyError, "field `result_sha256` is missing"),
]


@pytest.mark.parametrize(("where", "value", "message"), MALFORMED)
def test_malformed_records_name_the_file_and_the_field(
    record: Path, capsys: pytest.CaptureFixture[str], where: str, value: Any, message: str
) -> None:
    document = json.loads(record.read_text(encoding="utf-8"))
    _set(document, where, value)
    record.write_text(json.dumps(document), encoding="utf-8")
    assert main(["verify", str(record)]) == 1
    err = capsys.readouterr().err
    assert f"{record}: error[record.malformed]: {message}" in err
    with pytest.raises(targetdsl.RecordError) as caught:
        targetdsl.verify_record(record)
    assert caught.value.code == "record.malformed"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"{", "record.unreadable", "the record is not valid JSON: Expecting property name"),
        (
            b'{"record": 1, "record": 1}',
            "record.unreadable",
            "the record is not valid JSON: the key `record` appears twice",
        ),
        (b'{"record": NaN}', "record.unreadable", "the record is not valid JSON: `NaN` is not a JSON number"),
        (b"\xff", "record.unreadable", "the record is not UTF-8 text"),
        (b"[" * 100_000, "record.unreadable", "the record is not valid JSON: nested too deeply"),
        (b'{"record": 1' + b"0" * 5000 + b"}", "record.unreadable", "the record is not valid JSON"),
        (b"[1, 2]", "record.malformed", "the record must be a JSON object, not a list"),
    ],
)
def test_records_that_are_not_json_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: str, message: str
) -> None:
    path = tmp_path / "record.json"
    path.write_bytes(content)
    assert main(["verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: error[{code}]: {message}" in err


@needs_fifo
def test_a_record_naming_devices_and_pipes_is_refused(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(record.read_text(encoding="utf-8"))
    fifo(record.parent / "pipe.yaml")
    document["data"]["path"] = "pipe.yaml"
    document["policy"]["files"][0]["path"] = "/dev/zero" if os.path.exists("/dev/zero") else "pipe.yaml"
    record.write_text(json.dumps(document), encoding="utf-8")
    assert promptly(lambda: main(["verify", str(record)])) == 1
    out = capsys.readouterr().out
    assert "pipe.yaml: is a named pipe (FIFO), not a regular file" in out
    pipe_record = record.parent / "pipe.json"
    fifo(pipe_record)
    assert promptly(lambda: main(["verify", str(pipe_record)])) == 2  # not a file: a usage error
    with pytest.raises(targetdsl.RecordError, match="named pipe"):
        promptly(lambda: targetdsl.verify_record(pipe_record))


def test_a_record_of_another_version_says_so(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record.write_text(json.dumps({"record": 2, "policy": "elsewhere"}), encoding="utf-8")
    assert main(["verify", str(record)]) == 1
    assert "unknown record version 2" in capsys.readouterr().out


def test_a_policy_with_windows_line_ends_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The recorded SHA-256 is of the text as loaded; verify reads the file the same way."""
    policy = tmp_path / "p.tdsl"
    policy.write_bytes(BASE.replace("\n", "\r\n").encode("utf-8-sig"))
    units = write(tmp_path / "units.yaml", UNITS)
    record = tmp_path / "record.json"
    assert main(["evaluate", str(policy), str(units), "--record", str(record)]) == 0
    assert main(["verify", str(record)]) == 0, capsys.readouterr().out


# ------------------------------------------------------------------ one place opens input files


def test_no_module_but_files_opens_an_input() -> None:
    """Every input goes through targetdsl.files: other modules open files only to write them (and the
    parser reads its own grammar from the package)."""
    import ast

    package = Path(targetdsl.__file__).resolve().parent
    found: list[str] = []
    for module in sorted(package.glob("*.py")):
        if module.name == "files.py":
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            where = f"{module.name}:{node.lineno} {name}"
            if name == "open" and isinstance(function, ast.Name):
                mode = node.args[1] if len(node.args) > 1 else None
                if not (isinstance(mode, ast.Constant) and str(mode.value)[:1] in "wax"):
                    found.append(where)
            elif name == "fdopen":  # only to write: a descriptor opened for writing, in a mode that writes
                mode = node.args[1] if len(node.args) > 1 else None
                if not (isinstance(mode, ast.Constant) and str(mode.value)[:1] in "wax"):
                    found.append(where)
            elif name in ("read_text", "read_bytes") and module.name != "parser.py":
                found.append(where)
            elif name == "load_workbook":
                source = node.args[0] if node.args else None
                if not (isinstance(source, ast.Call) and getattr(source.func, "attr", "") == "BytesIO"):
                    found.append(where)
            elif name == "open" and isinstance(function, ast.Attribute) and getattr(function.value, "id", "") == "os":
                flags = ast.unparse(node.args[1]) if len(node.args) > 1 else ""
                if "O_WRONLY" not in flags:  # os.open only to write
                    found.append(where)
    assert found == []


def test_policies_named_by_test_files_and_records_are_not_quoted(
    record: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A test file or a record names its policy as `extends` does: a file that is not a policy is
    refused without a word of it, whatever the file's name."""
    folder = record.parent
    write(folder / "secret.tdsl", SECRET + "\n")
    write(folder / "secret.txt", SECRET + "\n")
    for secret in ("secret.tdsl", "secret.txt"):
        write(folder / "s.test.yaml", f"policy: {secret}\ntests: []\n")
        outcome = tester.run([folder / "s.test.yaml"])
        assert "extends.not-a-policy" in (outcome.results[0].error or "")
        assert "hunter2" not in (outcome.results[0].error or "")
        document = json.loads(record.read_text(encoding="utf-8"))
        document["policy"]["path"] = secret  # the hashed files stay the genuine ones
        record.write_text(json.dumps(document), encoding="utf-8")
        assert main(["verify", str(record)]) == 1
        captured = capsys.readouterr()
        assert "not a policy file" in captured.out
        assert "hunter2" not in captured.out + captured.err
