"""The README's "Licences" table lists every runtime dependency locked in uv.lock."""

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

SYNTHETIC_LOCK = """
version = 1

[[package]]
name = "jdi-core"
source = { editable = "libs/jdi-core" }
dependencies = [{ name = "fastapi" }, { name = "uvicorn", extra = ["standard"] }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "jdi"
source = { virtual = "." }
dependencies = [{ name = "jdi-core" }]

[[package]]
name = "fastapi"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "starlette" }]

[[package]]
name = "starlette"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "uvicorn"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
standard = [{ name = "httptools" }]

[[package]]
name = "httptools"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
source = { registry = "https://pypi.org/simple" }
"""


@pytest.fixture
def licences(gate_module: Callable[[str], ModuleType]) -> ModuleType:
    return gate_module("tests/gates/licences.py")


def test_runtime_dependencies_follow_dependencies_and_extras_but_not_dev_groups(
    licences: ModuleType, tmp_path: Path
) -> None:
    lock = tmp_path / "uv.lock"
    lock.write_text(SYNTHETIC_LOCK)

    assert licences.runtime_dependencies(lock) == ["fastapi", "httptools", "starlette", "uvicorn"]


def test_the_readme_lists_the_licence_of_every_locked_runtime_dependency(licences: ModuleType, repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Licences\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| ([a-z0-9._-]+) \| ", section, flags=re.MULTILINE))

    missing = sorted(set(licences.runtime_dependencies(repo_root / "uv.lock")) - listed)

    assert not missing, f"add to README's Licences table (`uv run python tests/gates/licences.py`): {missing}"
