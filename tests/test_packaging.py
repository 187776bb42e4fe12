"""The package installs into a fresh virtual environment, as a wheel and
editable, and `targetdsl check` works from any working directory (the
grammar ships inside the wheel)."""

import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OWN = ("targetdsl", "_targetdsl", "__editable__")  # the project's own entries in a site-packages folder


def make_env(tmp_path: Path) -> Path:
    """A virtual environment of its own, without the base interpreter's packages, that sees this
    environment's installed dependencies (lark, attrs, the build backend…) but not targetdsl itself:
    the install needs no network and no package the base Python happens to have. It holds no pip: this
    environment's pip installs into it (`--python`), without the seconds `ensurepip` takes."""
    venv.create(tmp_path / "env", system_site_packages=False, with_pip=False)
    deps = tmp_path / "deps"
    deps.mkdir()
    for folder in dict.fromkeys(site.getsitepackages() + [sysconfig.get_path("purelib")]):
        for entry in Path(folder).iterdir() if Path(folder).is_dir() else ():
            if (
                not entry.name.startswith(OWN)
                and not entry.name.endswith(".pth")
                and entry.name != "pip"
                and not (deps / entry.name).exists()
            ):
                (deps / entry.name).symlink_to(entry)
    bindir = tmp_path / "env" / ("Scripts" if os.name == "nt" else "bin")
    purelib = subprocess.run(
        [str(bindir / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Added after the environment's own folder, so the targetdsl installed there is the one imported.
    (Path(purelib) / "zz_dependencies.pth").write_text(str(deps) + "\n")
    return bindir


def build_wheel(into: Path) -> Path:
    """The wheel, built with this environment's tools (the test extra installs the build backend)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(into),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = into.glob("targetdsl-*.whl")
    return wheel


def install(bindir: Path, *args: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(bindir / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            *args,
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def run_check(bindir: Path, workdir: Path) -> subprocess.CompletedProcess[str]:
    policies = [str(p) for p in sorted((ROOT / "policies").glob("*.tdsl"))]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(bindir / "targetdsl"), "check", *policies],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("editable", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["wheel", "editable"])
def test_install_and_check_from_elsewhere(tmp_path: Path, editable: bool) -> None:
    bindir = make_env(tmp_path)
    install(bindir, *(["-e", str(ROOT)] if editable else [str(build_wheel(tmp_path / "dist"))]))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_check(bindir, elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout
    located = subprocess.run(
        [str(bindir / "python"), "-c", "import targetdsl; print(targetdsl.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    inside_checkout = Path(located.stdout.strip()).resolve().is_relative_to(ROOT)
    assert inside_checkout == editable


def test_wheel_contains_the_grammar(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert "targetdsl/grammars/policy.lark" in names
    assert "targetdsl/py.typed" in names
