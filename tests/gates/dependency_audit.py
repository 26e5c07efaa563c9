"""Vulnerability audit of the locked dependencies (`make audit`).

Reads uv.lock's pins as exported by `uv export` and asks pip-audit for PyPI's advisories on each pin. Fails (exit 1)
when a locked dependency has a known vulnerability. When the advisory data cannot be reached (no network, or
PyPI answers for none of the pins) it says so and exits 0: an audit that could not run is reported, not failed.

Run: uv run python tests/gates/dependency_audit.py REQUIREMENTS  (see `make audit`)
"""

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PIP_AUDIT_TIMEOUT_S = 600


@dataclass
class AuditSummary:
    audited: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    vulnerable: dict[str, list[str]] = field(default_factory=dict)


def summarize(report: dict[str, Any]) -> AuditSummary:
    """Sort pip-audit's JSON report into audited, skipped (with the reason) and vulnerable dependencies."""
    summary = AuditSummary()
    for dependency in report["dependencies"]:
        name = f"{dependency['name']}=={dependency.get('version', '?')}"
        if "skip_reason" in dependency:
            summary.skipped[dependency["name"]] = dependency["skip_reason"]
            continue
        summary.audited.append(name)
        advisories = [
            f"{vuln['id']} (fixed in {', '.join(vuln.get('fix_versions') or ['no release yet'])})"
            for vuln in dependency.get("vulns", [])
        ]
        if advisories:
            summary.vulnerable[name] = advisories
    return summary


def render(summary: AuditSummary) -> tuple[list[str], int]:
    """The lines to print and the exit status: 1 only for known vulnerabilities."""
    if summary.vulnerable:
        lines = [f"audit: FAIL: {len(summary.vulnerable)} locked dependencies have known vulnerabilities:"]
        lines += [f"  {name}: {'; '.join(advisories)}" for name, advisories in sorted(summary.vulnerable.items())]
        return lines, 1
    if not summary.audited:
        unreachable = (
            f"audit: NOT RUN: advisory data unreachable (PyPI answered for none of {len(summary.skipped)} "
            "locked dependencies); nothing was audited"
        )
        return [unreachable], 0
    lines = [f"audit: ok: no known vulnerabilities in {len(summary.audited)} locked dependencies"]
    if summary.skipped:
        lines.append(f"audit: {len(summary.skipped)} dependencies could not be audited:")
        lines += [f"  {name}: {reason}" for name, reason in sorted(summary.skipped.items())]
    return lines, 0


def run_pip_audit(requirements: Path, report_path: Path) -> tuple[dict[str, Any] | None, str]:
    """pip-audit's JSON report, or None and the reason when it could not produce one."""
    report_path.unlink(missing_ok=True)
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--vulnerability-service",
            "pypi",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report_path),
        ],
        capture_output=True,
        text=True,
        timeout=PIP_AUDIT_TIMEOUT_S,
        check=False,
    )
    if not report_path.exists():
        last_line = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        return None, last_line
    return json.loads(report_path.read_text(encoding="utf-8")), ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", type=Path, help="pinned requirements exported from uv.lock")
    args = parser.parse_args(argv)
    try:
        report, failure = run_pip_audit(args.requirements, args.requirements.with_name("pip-audit.json"))
    except subprocess.TimeoutExpired:
        report, failure = None, f"pip-audit did not finish in {PIP_AUDIT_TIMEOUT_S}s"
    if report is None:
        print(f"audit: NOT RUN: pip-audit produced no report, usually because advisory data is unreachable: {failure}")
        return 0
    lines, status = render(summarize(report))
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
