"""The package installs into a fresh virtual environment, as a wheel and
editable, and `targetdsl check` works from any working directory (the
grammar ships inside the wheel)."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent



def make_env(tmp_path: Path) -> Path:
    # System site packages provide lark, attrs and pyyaml and the build
    # backend, so the install needs no network.
    venv.create(tmp_path / "env", system_site_packages=True, with_pip=True)
    return tmp_path / "env" / ("Scripts" if os.name == "nt" else "bin")


def install(bindir: Path, *args: str) -> None:
    subprocess.run(
        [str(bindir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", *args],
        check=True, cwd=ROOT, capture_output=True,
    )


def run_check(bindir: Path, workdir: Path) -> subprocess.CompletedProcess[str]:
    policies = [str(p) for p in sorted((ROOT / "policies").glob("*.tdsl"))]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(bindir / "targetdsl"), "check", *policies], cwd=workdir, env=env,
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("editable", [False, True], ids=["wheel", "editable"])
def test_install_and_check_from_elsewhere(tmp_path: Path, editable: bool) -> None:
    pytest.importorskip("hatchling")
    bindir = make_env(tmp_path)
    install(bindir, *(["-e", str(ROOT)] if editable else [str(ROOT)]))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_check(bindir, elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout
    located = subprocess.run([str(bindir / "python"), "-c", "import targetdsl; print(targetdsl.__file__)"],
                             cwd=elsewhere, capture_output=True, text=True, check=True)
    inside_checkout = Path(located.stdout.strip()).resolve().is_relative_to(ROOT)
    assert inside_checkout == editable


def test_wheel_contains_the_grammar(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("targetdsl-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "targetdsl/grammars/policy.lark" in names
    assert "targetdsl/py.typed" in names
