"""`make lint` runs ruff with the workspace's rule set: a badly formatted or insecure file must fail it."""

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

RunGate = Callable[..., CompletedProcess[str]]

WELL_FORMED = '''"""A module that follows the rules."""

import subprocess


def list_directory(path: str) -> str:
    return subprocess.run(["ls", path], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
'''


def ruff(run_gate: RunGate, repo_root: Path, *args: str | Path) -> CompletedProcess[str]:
    return run_gate("-m", "ruff", *args, "--config", repo_root / "pyproject.toml", "--no-cache")


def test_a_well_formed_file_passes_format_and_lint(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    module = tmp_path / "well_formed.py"
    module.write_text(WELL_FORMED)

    assert ruff(run_gate, repo_root, "format", "--check", module).returncode == 0
    assert ruff(run_gate, repo_root, "check", module).returncode == 0


def test_a_deliberately_unformatted_file_fails_the_format_check(
    run_gate: RunGate, repo_root: Path, tmp_path: Path
) -> None:
    module = tmp_path / "unformatted.py"
    module.write_text(WELL_FORMED.replace('["ls", path]', "[ 'ls',path ]"))

    result = ruff(run_gate, repo_root, "format", "--check", module)

    assert result.returncode == 1
    assert "1 file would be reformatted" in result.stdout


def test_lint_reports_each_required_rule_family(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    module = tmp_path / "careless.py"
    module.write_text(
        "import subprocess\n"
        "import os\n"
        "from typing import List\n"
        "\n"
        "\n"
        "def run(command: str, seen: List[str] = []) -> None:\n"
        "    subprocess.call(command, shell=True)\n"
        "    print(undefined_name)  \n"
    )

    result = ruff(run_gate, repo_root, "check", "--output-format", "concise", module)

    assert result.returncode == 1
    reported = {line.split(": ", 1)[1].split(" ", 1)[0] for line in result.stdout.splitlines() if ": " in line}
    # pyflakes, pycodestyle, isort, bugbear, pyupgrade, bandit
    assert {"F401", "F821", "W291", "I001", "B006", "UP006", "S602"} <= reported
