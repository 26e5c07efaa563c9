"""Licences of the runtime dependencies locked in uv.lock, as the README's "Licences" table.

Runtime means what the workspace packages need to run: their dependencies and those dependencies'
dependencies, without the dev group. Each licence is read from the installed package's metadata.

Run: uv run python tests/gates/licences.py  (prints the markdown table)
"""

import tomllib
from collections import deque
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
LICENCE_CLASSIFIER_PREFIX = "License :: "
# Some packages put the whole licence text in the License field; past this length we use the classifiers.
LICENCE_NAME_MAX_CHARS = 60


def runtime_dependencies(lock_path: Path) -> list[str]:
    """Names of the third-party packages the workspace members need at run time, sorted."""
    packages = {package["name"]: package for package in tomllib.loads(lock_path.read_text())["package"]}
    members = [name for name, package in packages.items() if _is_workspace_member(package)]
    seen: set[str] = set()
    queue = deque(members)
    while queue:
        name = queue.popleft()
        if name in seen:
            continue
        seen.add(name)
        package = packages[name]
        for dependency in package.get("dependencies", []):
            queue.append(dependency["name"])
            for extra in dependency.get("extra", []):
                queue.extend(item["name"] for item in packages[dependency["name"]]["optional-dependencies"][extra])
    return sorted(seen - set(members))


def _is_workspace_member(package: dict[str, Any]) -> bool:
    source = package.get("source", {})
    return "editable" in source or "virtual" in source


def licence_of(name: str) -> str:
    try:
        meta = metadata.metadata(name)
    except metadata.PackageNotFoundError:
        return "not installed on this platform"
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    declared = _field(meta, "License").strip()
    if declared and "\n" not in declared and len(declared) <= LICENCE_NAME_MAX_CHARS:
        return declared
    classifiers = [
        classifier.removeprefix(LICENCE_CLASSIFIER_PREFIX).removeprefix("OSI Approved :: ")
        for classifier in meta.get_all("Classifier") or []
        if classifier.startswith(LICENCE_CLASSIFIER_PREFIX)
    ]
    return ", ".join(classifiers) or "not declared"


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values: list[str] = meta.get_all(name) or [""]
    return values[0]


def licence_table(lock_path: Path = REPO_ROOT / "uv.lock") -> str:
    rows = [f"| {name} | {licence_of(name)} |" for name in runtime_dependencies(lock_path)]
    return "\n".join(["| package | licence |", "|---|---|", *rows])


if __name__ == "__main__":
    print(licence_table())
