"""Coverage floors of `make test`: the whole workspace, each service, and no module left unexecuted.

Reads the report written by `coverage json` and counts lines and branches together, as coverage.py's own
percentage does. Prints coverage per workspace package (the floor applies to the services; libraries and
tools count toward the total) and the least-covered modules; exits 1 when a floor is broken,
2 when the report cannot be read.

Run: uv run python tests/gates/coverage_floors.py [--report-only] .work/coverage.json
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

TOTAL_FLOOR = 85.0
SERVICE_FLOOR = 80.0
SERVICES_FOLDER = "services/"
LEAST_COVERED_SHOWN = 10


class CoverageReportError(Exception):
    """The coverage JSON report is missing or not in the shape `coverage json` writes."""


@dataclass
class Tally:
    covered: int = 0
    measured: int = 0

    def add(self, other: "Tally") -> None:
        self.covered += other.covered
        self.measured += other.measured

    @property
    def percent(self) -> float:
        return 100.0 if self.measured == 0 else 100.0 * self.covered / self.measured


@dataclass(frozen=True)
class ModuleCoverage:
    path: str
    package: str
    tally: Tally
    executed_lines: int


def package_of(path: str) -> str:
    """`services/gateway/src/jdi_gateway/app.py` belongs to the workspace package `services/gateway`."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if "src" in parts:
        src_index = parts.index("src")
        return "/".join(parts[max(src_index - 2, 0) : src_index])
    return parts[0] if len(parts) > 1 else "."


def read_modules(report_path: Path) -> list[ModuleCoverage]:
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
        files = report["files"]
        modules = []
        for path, data in files.items():
            summary = data["summary"]
            tally = Tally(
                covered=summary["covered_lines"] + summary.get("covered_branches", 0),
                measured=summary["num_statements"] + summary.get("num_branches", 0),
            )
            modules.append(ModuleCoverage(path, package_of(path), tally, summary["covered_lines"]))
    except (OSError, json.JSONDecodeError) as error:
        raise CoverageReportError(f"cannot read {report_path}: {error}") from error
    except (KeyError, TypeError, AttributeError) as error:
        raise CoverageReportError(f"{report_path} is not a `coverage json` report (missing {error})") from error
    return modules


def check(modules: list[ModuleCoverage], total_floor: float, service_floor: float) -> tuple[list[str], list[str]]:
    """Return the report lines and the broken floors (empty when every floor holds)."""
    total = Tally()
    packages: dict[str, Tally] = {}
    for module in modules:
        total.add(module.tally)
        packages.setdefault(module.package, Tally()).add(module.tally)

    failures = []
    lines = [f"Coverage of lines and branches per package (floor {service_floor:g}% for each service):"]
    for package, tally in sorted(packages.items()):
        below = package.startswith(SERVICES_FOLDER) and tally.percent < service_floor
        lines.append(f"  {package:<24} {tally.percent:5.1f}%{'  BELOW FLOOR' if below else ''}")
        if below:
            failures.append(f"{package} is at {tally.percent:.1f}%, below the service floor of {service_floor:g}%")
    lines.append(f"  {'total':<24} {total.percent:5.1f}%  (floor {total_floor:g}%)")
    if total.percent < total_floor:
        failures.append(f"total coverage is {total.percent:.1f}%, below the floor of {total_floor:g}%")

    measured = [module for module in modules if module.tally.measured > 0]
    least_covered = sorted(measured, key=lambda module: (module.tally.percent, module.path))[:LEAST_COVERED_SHOWN]
    lines.append("Least-covered modules:")
    lines.extend(
        f"  {module.tally.percent:5.1f}%  {module.path}  ({module.tally.measured - module.tally.covered} "
        "lines and branches not run)"
        for module in least_covered
    )
    for module in measured:
        if module.executed_lines == 0:
            failures.append(f"{module.path} is never executed by any test")
    return lines, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="JSON report written by `coverage json`")
    parser.add_argument("--total-floor", type=float, default=TOTAL_FLOOR)
    parser.add_argument("--service-floor", type=float, default=SERVICE_FLOOR)
    parser.add_argument("--report-only", action="store_true", help="print the report; never fail on a floor")
    args = parser.parse_args(argv)

    try:
        modules = read_modules(args.report)
    except CoverageReportError as error:
        print(f"coverage-floors: error: {error}", file=sys.stderr)
        return 2
    lines, failures = check(modules, args.total_floor, args.service_floor)
    print("\n".join(lines))
    if args.report_only:
        return 0
    for failure in failures:
        print(f"coverage-floors: FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
