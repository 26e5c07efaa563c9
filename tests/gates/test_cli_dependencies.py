"""Installing the `jdi` command installs libraries only, never a service's runtime (web server, database)."""

import os
import re
import subprocess
from pathlib import Path

SERVICE_RUNTIME = {"fastapi", "starlette", "uvicorn", "sqlalchemy", "asyncpg", "alembic", "faststream"}
# `├── name v1.2.3` or `│   └── name[extra] v1.2.3 (*)`
TREE_ENTRY = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])? v\d")


def locked_dependencies(uv: str, repo_root: Path, package: str) -> set[str]:
    """Every package `uv tree` shows under a workspace member, from uv.lock as committed."""
    tree = subprocess.run(  # noqa: S603 - fixed arguments
        [uv, "tree", "--package", package, "--frozen"],
        cwd=repo_root,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {match.group(1).lower() for match in TREE_ENTRY.finditer(tree)} - {package}


def test_the_cli_depends_on_no_service_runtime(uv: str, repo_root: Path) -> None:
    dependencies = locked_dependencies(uv, repo_root, "jdi-cli")

    assert {"jdi-parser", "jdi-analyzer", "aiokafka", "opentelemetry-sdk"} <= dependencies
    assert dependencies & SERVICE_RUNTIME == set()


def test_the_check_sees_the_runtime_where_a_service_has_it(uv: str, repo_root: Path) -> None:
    assert SERVICE_RUNTIME <= locked_dependencies(uv, repo_root, "jdi-gateway")
