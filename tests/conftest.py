import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages follow the locale: tests that pin English output run in an English one whatever the
    machine's (a test of Chinese output sets its own)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


_BYTECODE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Where bytecode may not be written beside the sources (PYTHONDONTWRITEBYTECODE), every process the
    suite starts — a command run, a pool of --jobs, a Dask worker — would compile the whole package again
    (about half a second each): they share the bytecode in a temporary folder of the run instead. Set in
    the first process, before the workers are started, which inherit it; removed at the end."""
    if not sys.dont_write_bytecode or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    folder = tempfile.mkdtemp(prefix="targetdsl-bytecode-")
    config.stash[_BYTECODE] = folder
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix = folder
    sys.dont_write_bytecode = False


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_BYTECODE, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
