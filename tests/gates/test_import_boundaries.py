"""`make lint` runs import-linter with the contracts of pyproject.toml: each must fail when its boundary is crossed.

The packages checked are stand-ins with the workspace's names in a temporary folder, put ahead of the real ones on
PYTHONPATH, with one forbidden import added per case.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = [
    "jdi_contracts",
    "jdi_parser",
    "jdi_analyzer",
    "jdi_samples",
    "jdi_core",
    "jdi_embedder",
    "jdi_ingestion",
    "jdi_embedding",
    "jdi_analysis",
    "jdi_gateway",
    "jdi_cli",
]
CONTRACT_COUNT = 4


def lint_imports(repo_root: Path, packages_dir: Path) -> subprocess.CompletedProcess[str]:
    lint_imports_script = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(packages_dir)}
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports, fixed arguments
        [lint_imports_script, "--config", repo_root / "pyproject.toml", "--no-cache"],
        cwd=packages_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def stand_in_packages(folder: Path, importer: str | None = None, imported: str | None = None) -> Path:
    """An empty package per workspace name; `importer` gets a module that imports `imported`."""
    for name in PACKAGES:
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text("")
    if importer and imported:
        (folder / importer / "uses.py").write_text(f"def use() -> None:\n    import {imported}  # noqa: F401\n")
    return folder


def test_packages_within_their_boundaries_keep_every_contract(repo_root: Path, tmp_path: Path) -> None:
    packages = stand_in_packages(tmp_path, importer="jdi_gateway", imported="jdi_core")

    result = lint_imports(repo_root, packages)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {CONTRACT_COUNT} kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        ("jdi_embedding", "jdi_analysis", "Services are independent of each other"),
        ("jdi_core", "jdi_gateway", "Libraries and the CLI never import a service"),
        ("jdi_cli", "jdi_ingestion", "Libraries and the CLI never import a service"),
        ("jdi_contracts", "jdi_parser", "The event contracts import nothing of ours"),
        ("jdi_parser", "jdi_core", "Pure libraries and the CLI never import the service runtime"),
        ("jdi_analyzer", "jdi_core", "Pure libraries and the CLI never import the service runtime"),
        ("jdi_cli", "jdi_core", "Pure libraries and the CLI never import the service runtime"),
    ],
)
def test_an_import_across_a_boundary_breaks_its_contract(
    repo_root: Path, tmp_path: Path, importer: str, imported: str, contract: str
) -> None:
    packages = stand_in_packages(tmp_path, importer, imported)

    result = lint_imports(repo_root, packages)

    assert result.returncode == 1
    assert f"{contract} BROKEN" in result.stdout
    assert f"Contracts: {CONTRACT_COUNT - 1} kept, 1 broken." in result.stdout
    assert f"{importer}.uses -> {imported}" in result.stdout
