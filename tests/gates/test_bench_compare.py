"""`make bench-compare`: per figure the change against the baseline, and whether it regressed by more than 10%."""

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

RunGate = Callable[..., CompletedProcess[str]]

MACHINE = {"cpu_count": 2, "platform": "Linux-x86_64", "python": "3.11.7"}


def write_result(folder: Path, name: str, result: dict[str, object]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps({"command": f"bench {name}", "machine": MACHINE, **result}))


def compare(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> CompletedProcess[str]:
    return run_gate(repo_root / "tests" / "performance" / "compare.py", tmp_path / "baseline", tmp_path / "newest")


def line_for(output: str, figure: str) -> str:
    return next(line for line in output.splitlines() if line.split() and line.split()[0] == figure)


def test_each_compared_figure_shows_its_change_and_verdict(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    write_result(
        tmp_path / "baseline",
        "parse",
        {
            "synthetic": {"documents": 2000, "median_documents_per_second": 1000.0, "p50_ms": 1.0, "p95_ms": 2.0},
            "search": {"p95_ms": 10.0, "median_ms": 5.0, "max_ms": 20.0, "title_hit_rate_at_5": 0.9},
            "load_seconds": 10.0,
        },
    )
    write_result(
        tmp_path / "newest",
        "parse",
        {
            "synthetic": {"documents": 4000, "median_documents_per_second": 850.0, "p50_ms": 0.5, "p95_ms": 2.1},
            "search": {"p95_ms": 11.5, "median_ms": 5.0, "max_ms": 90.0, "title_hit_rate_at_5": 0.95},
            "load_seconds": 99.0,
        },
    )

    result = compare(run_gate, repo_root, tmp_path)

    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert "-15.0%" in line_for(output, "synthetic.median_documents_per_second")
    assert line_for(output, "synthetic.median_documents_per_second").endswith("REGRESSED")
    assert line_for(output, "synthetic.p50_ms").endswith("ok")  # twice as fast is no regression
    assert "+5.0%" in line_for(output, "synthetic.p95_ms")
    assert line_for(output, "synthetic.p95_ms").endswith("ok")
    assert line_for(output, "search.p95_ms").endswith("REGRESSED")
    assert line_for(output, "search.title_hit_rate_at_5").endswith("ok")
    # Counts, raw seconds and single worst samples are not compared across runs.
    for figure in ("synthetic.documents", "load_seconds", "search.max_ms"):
        assert figure not in output
    assert "2 figures regressed by more than 10%" in output


def test_lists_in_results_are_compared_position_by_position(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    write_result(tmp_path / "baseline", "submit", {"runs": [{"docs_per_second": 100.0}, {"docs_per_second": 400.0}]})
    write_result(tmp_path / "newest", "submit", {"runs": [{"docs_per_second": 100.0}, {"docs_per_second": 200.0}]})

    output = compare(run_gate, repo_root, tmp_path).stdout

    assert line_for(output, "runs[0].docs_per_second").endswith("ok")
    assert "-50.0%" in line_for(output, "runs[1].docs_per_second")
    assert line_for(output, "runs[1].docs_per_second").endswith("REGRESSED")


def test_ratios_are_compared_and_figures_gone_from_the_newest_result_are_listed(
    run_gate: RunGate, repo_root: Path, tmp_path: Path
) -> None:
    write_result(tmp_path / "baseline", "model", {"int8_speedup": 1.5, "batch_32": {"median_chunks_per_second": 20.0}})
    write_result(
        tmp_path / "newest", "model", {"int8_speedup": 1.2, "models": {"a": {"median_chunks_per_second": 20.0}}}
    )

    output = compare(run_gate, repo_root, tmp_path).stdout

    assert "-20.0%" in line_for(output, "int8_speedup")
    assert line_for(output, "int8_speedup").endswith("REGRESSED")
    assert "note: 1 baseline figures are not in the newest result: batch_32.median_chunks_per_second" in output


def test_missing_results_new_benchmarks_and_other_machines_are_reported(
    run_gate: RunGate, repo_root: Path, tmp_path: Path
) -> None:
    write_result(tmp_path / "baseline", "never_run", {"p95_ms": 1.0})
    write_result(tmp_path / "baseline", "moved", {"p95_ms": 1.0})
    write_result(tmp_path / "newest", "moved", {"p95_ms": 1.0, "machine": {**MACHINE, "cpu_count": 8}})
    write_result(tmp_path / "newest", "brand_new", {"p95_ms": 1.0})

    output = compare(run_gate, repo_root, tmp_path).stdout

    assert "never_run: no newest result" in output
    assert "brand_new: no baseline" in output
    assert "note: different machine (cpu_count 2 -> 8)" in output
    assert "no figure regressed by more than 10%" in output


def test_unreadable_inputs_are_clear_errors(run_gate: RunGate, repo_root: Path, tmp_path: Path) -> None:
    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / "parse.json").write_text("{not json")
    (tmp_path / "newest").mkdir()
    (tmp_path / "newest" / "parse.json").write_text("{}")

    broken = compare(run_gate, repo_root, tmp_path)
    absent = run_gate(repo_root / "tests" / "performance" / "compare.py", tmp_path / "nowhere", tmp_path / "newest")

    assert broken.returncode == 2
    assert broken.stderr.startswith("bench-compare: error:")
    assert absent.returncode == 2
    assert "is not a folder" in absent.stderr
