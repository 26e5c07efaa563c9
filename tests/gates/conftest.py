"""Helpers for the tests of the quality gates: run a gate script or tool as `make` does, in a child process."""

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

RunGate = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def uv() -> str:
    """The uv executable: `uv run` names itself in $UV; otherwise the one on PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        pytest.fail("uv is neither in $UV nor on PATH; run the tests with `uv run` (make test does)", pytrace=False)
    return found


@pytest.fixture
def run_gate() -> RunGate:
    """Run `python <args>` in a child process; coverage's subprocess variables are dropped, so a gate that
    runs coverage itself measures only its own synthetic project."""

    def run(*args: str | Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("COVERAGE_")}
        return subprocess.run(  # noqa: S603 - the test's own argument list, no shell
            [sys.executable, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )

    return run


@pytest.fixture
def gate_module() -> Callable[[str], ModuleType]:
    """Import a gate script (a file, not a package module) by its path from the repository root."""

    def load(relative_path: str) -> ModuleType:
        path = REPO_ROOT / relative_path
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def promtool() -> str:
    """promtool from Debian's prometheus package, installed by the local script when missing."""
    script = Path(__file__).resolve().parents[2] / "deploy" / "local" / "prometheus.sh"
    installed = subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
        ["bash", str(script), "install"],  # noqa: S607 - bash from PATH, as `make` runs it
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    path = shutil.which("promtool")
    if installed.returncode != 0 or path is None:
        pytest.fail(f"promtool could not be installed:\n{installed.stderr[-4000:]}", pytrace=False)
    return path
