"""The coverage floors of `make test`: 85% overall, 80% per service, and no module that no test executes."""

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

RunGate = Callable[..., CompletedProcess[str]]


def file_summary(lines: int, covered_lines: int, branches: int = 0, covered_branches: int = 0) -> dict[str, object]:
    return {
        "summary": {
            "num_statements": lines,
            "covered_lines": covered_lines,
            "num_branches": branches,
            "covered_branches": covered_branches,
        }
    }


def write_report(tmp_path: Path, files: dict[str, dict[str, object]]) -> Path:
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps({"meta": {}, "files": files, "totals": {}}))
    return report


def floors(run_gate: RunGate, repo_root: Path, *args: str | Path) -> CompletedProcess[str]:
    return run_gate(repo_root / "tests" / "gates" / "coverage_floors.py", *args)


def test_a_well_covered_workspace_passes(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    report = write_report(
        tmp_path,
        {
            "libs/jdi-core/src/jdi_core/events.py": file_summary(100, 95, 20, 18),
            "services/gateway/src/jdi_gateway/app.py": file_summary(50, 45, 10, 8),
        },
    )

    result = floors(run_gate, repo_root, report)

    assert result.returncode == 0, result.stderr
    assert "libs/jdi-core" in result.stdout and "services/gateway" in result.stdout
    # (95 + 18 + 45 + 8) / (100 + 20 + 50 + 10)
    total_line = next(line for line in result.stdout.splitlines() if line.split()[0] == "total")
    assert total_line.split()[:2] == ["total", "92.2%"]


def test_a_service_below_its_floor_fails_and_is_named(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    report = write_report(
        tmp_path,
        {
            "libs/jdi-core/src/jdi_core/events.py": file_summary(1000, 990),
            "services/analysis/src/jdi_analysis/api.py": file_summary(100, 70, 20, 20),
        },
    )

    result = floors(run_gate, repo_root, report)

    assert result.returncode == 1
    assert "services/analysis is at 75.0%, below the service floor of 80%" in result.stderr
    assert "libs/jdi-core is at" not in result.stderr


def test_a_library_below_the_service_floor_is_shown_but_counts_only_toward_the_total(
    run_gate: RunGate, repo_root: Path, tmp_path: Path
) -> None:
    report = write_report(
        tmp_path,
        {
            "libs/jdi-embedder/src/jdi_embedder/graph.py": file_summary(100, 70),
            "services/gateway/src/jdi_gateway/app.py": file_summary(1000, 950),
        },
    )

    result = floors(run_gate, repo_root, report)

    assert result.returncode == 0, result.stderr
    embedder_line = next(line for line in result.stdout.splitlines() if "libs/jdi-embedder" in line)
    assert embedder_line.split() == ["libs/jdi-embedder", "70.0%"]


def test_branches_count_toward_the_total_floor(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    # Every line runs, but most branches are never taken: 84.0% of lines and branches together.
    report = write_report(
        tmp_path,
        {
            "libs/jdi-core/src/jdi_core/a.py": file_summary(84, 84, 16, 0),
            "services/gateway/src/jdi_gateway/b.py": file_summary(84, 84, 16, 0),
        },
    )

    result = floors(run_gate, repo_root, report, "--service-floor", "0")

    assert result.returncode == 1
    assert "total coverage is 84.0%, below the floor of 85%" in result.stderr


def test_the_report_names_the_least_covered_modules_first(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    report = write_report(
        tmp_path,
        {
            "services/gateway/src/jdi_gateway/well.py": file_summary(100, 100),
            "services/gateway/src/jdi_gateway/worst.py": file_summary(10, 2),
            "services/gateway/src/jdi_gateway/middling.py": file_summary(10, 6),
        },
    )

    result = floors(run_gate, repo_root, report, "--report-only")

    assert result.returncode == 0
    listed = result.stdout.split("Least-covered modules:")[1].splitlines()[1:]
    assert [line.split()[1] for line in listed][:2] == [
        "services/gateway/src/jdi_gateway/worst.py",
        "services/gateway/src/jdi_gateway/middling.py",
    ]


def test_an_uncovered_new_module_fails_a_real_coverage_run(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    """Measure a synthetic package with coverage.py, as `make test` does, after adding a module no test runs."""
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "pricing.py").write_text("def total(prices: list[float]) -> float:\n    return sum(prices)\n")
    (package / "discounts.py").write_text(
        "def apply(price: float, rate: float) -> float:\n    return price * (1 - rate)\n"
    )
    (tmp_path / "check_pricing.py").write_text("from probe.pricing import total\n\nassert total([1.0, 2.0]) == 3.0\n")

    measured = run_gate("-m", "coverage", "run", "--branch", "--source=probe", "check_pricing.py", cwd=tmp_path)
    assert measured.returncode == 0, measured.stderr
    exported = run_gate("-m", "coverage", "json", "-q", "-o", "coverage.json", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr

    result = floors(run_gate, repo_root, tmp_path / "coverage.json", "--service-floor", "0", "--total-floor", "0")

    assert result.returncode == 1
    assert "probe/discounts.py is never executed by any test" in result.stderr
    assert "pricing.py" not in result.stderr


def test_an_unreadable_report_is_a_clear_error(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    not_coverage = tmp_path / "other.json"
    not_coverage.write_text(json.dumps({"dependencies": []}))

    missing = floors(run_gate, repo_root, tmp_path / "absent.json")
    wrong_shape = floors(run_gate, repo_root, not_coverage)

    assert missing.returncode == 2
    assert "coverage-floors: error: cannot read" in missing.stderr
    assert wrong_shape.returncode == 2
    assert "is not a `coverage json` report" in wrong_shape.stderr
