"""Install every workspace package alone and import all of its modules, so a dependency the package uses but does
not declare fails here rather than for whoever installs it.

For each member of the uv workspace: `uv sync --package NAME --locked --no-dev` into an environment of its own in
.work/package-envs/NAME (only that package and what it declares, from uv.lock; the sync is exact, so a package no
longer declared is removed), then import each of its modules there and run each of its console scripts with `--help`.
The environments are kept between runs: uv's cache makes a new one a few seconds, the compiled bytecode they keep
makes a rerun faster still.

Run: uv run python tests/gates/install_each_package.py [NAME ...]   (make packages; part of make test)
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ROOT / ".work" / "package-envs"

# Imports every module of a package, in the package's own environment; `__main__` modules run their command.
IMPORT_ALL_MODULES = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if module.name.rpartition(".")[2] != "__main__":
        importlib.import_module(module.name)
"""


@dataclass(frozen=True)
class Member:
    name: str
    module: str
    scripts: list[str]


def workspace_members(root: Path) -> list[Member]:
    """Every workspace member with its import package (the folder under src/) and console scripts."""
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    members = []
    for pyproject in sorted(path for pattern in globs for path in root.glob(f"{pattern}/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        [module] = [init.parent.name for init in (pyproject.parent / "src").glob("*/__init__.py")]
        members.append(Member(project["name"], module, sorted(project.get("scripts", {}))))
    return members


def uv_executable() -> str:
    """`uv run` names its own binary in $UV; otherwise the one on PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        sys.exit("uv is neither in $UV nor on PATH; run this with `uv run` (make packages does)")
    return found


def check(member: Member, uv: str, environments: Path) -> str | None:
    """None when the package installs alone and imports, else what failed and its output."""
    environment = environments / member.name
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(environment)}
    env.pop("VIRTUAL_ENV", None)
    steps = {
        f"uv sync --package {member.name}": [uv, "sync", "--package", member.name, "--locked", "--no-dev"],
        f"importing every module of {member.module}": [
            environment / "bin" / "python",
            *("-c", IMPORT_ALL_MODULES, member.module),
        ],
        **{f"{script} --help": [environment / "bin" / script, "--help"] for script in member.scripts},
    }
    for description, command in steps.items():
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            return f"{member.name}: {description} failed (exit {result.returncode}):\n{result.stderr[-3000:]}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these workspace packages")
    names = set(parser.parse_args().names)
    members = [member for member in workspace_members(ROOT) if not names or member.name in names]
    if unknown := names - {member.name for member in members}:
        sys.exit(f"not workspace packages: {', '.join(sorted(unknown))}")
    uv = uv_executable()
    failures = 0
    for member in members:
        started = time.monotonic()
        problem = check(member, uv, ENVIRONMENTS)
        outcome = "ok" if problem is None else "FAILED"
        print(f"{member.name:14} {outcome:6} {time.monotonic() - started:5.1f}s", flush=True)
        if problem is not None:
            failures += 1
            print(problem, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
