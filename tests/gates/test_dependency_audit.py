"""`make audit`: known vulnerabilities fail it; advisory data that cannot be reached is reported, not failed."""

from collections.abc import Callable
from types import ModuleType

import pytest


@pytest.fixture
def audit(gate_module: Callable[[str], ModuleType]) -> ModuleType:
    return gate_module("tests/gates/dependency_audit.py")


def test_a_known_vulnerability_fails_the_audit_and_names_the_fix(audit: ModuleType) -> None:
    report = {
        "dependencies": [
            {"name": "safe-lib", "version": "1.0", "vulns": []},
            {
                "name": "leaky-lib",
                "version": "2.0",
                "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["2.0.1"], "aliases": [], "description": ""}],
            },
        ]
    }

    lines, status = audit.render(audit.summarize(report))

    assert status == 1
    assert lines[0] == "audit: FAIL: 1 locked dependencies have known vulnerabilities:"
    assert "leaky-lib==2.0: PYSEC-2099-1 (fixed in 2.0.1)" in lines[1]


def test_a_clean_audit_passes_and_lists_what_it_could_not_audit(audit: ModuleType) -> None:
    report = {
        "dependencies": [
            {"name": "safe-lib", "version": "1.0", "vulns": []},
            {"name": "private-lib", "skip_reason": "Dependency not found on PyPI"},
        ]
    }

    lines, status = audit.render(audit.summarize(report))

    assert status == 0
    assert lines[0] == "audit: ok: no known vulnerabilities in 1 locked dependencies"
    assert "private-lib: Dependency not found on PyPI" in lines[-1]


def test_unreachable_advisory_data_is_reported_not_failed(audit: ModuleType) -> None:
    report = {
        "dependencies": [
            {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name}"}
            for name in ("fastapi", "pydantic", "sqlalchemy")
        ]
    }

    lines, status = audit.render(audit.summarize(report))

    assert status == 0
    assert len(lines) == 1
    assert lines[0].startswith("audit: NOT RUN: advisory data unreachable (PyPI answered for none of 3 locked")
