"""Compare the newest benchmark results with the committed baseline (`make bench-compare`).

Only figures that stay meaningful across machines and runs are compared: latency percentiles (`p50_ms`,
`p95_ms`, `median_ms`), throughputs (`*_per_second`), quality rates (`*_rate*`) and ratios (`*speedup*`,
`*ratio*`). Raw durations, counts, settings and single extreme samples (`max_ms`) are left out. Baseline
figures that the newest result no longer has are listed, so a changed result layout does not go unnoticed.
Each figure's change is a ratio to the baseline; a figure regressed when it got more than 10% worse (slower,
lower throughput, lower rate or ratio).

A report for people, not a gate: exits 0 whatever regressed, 2 when the inputs cannot be read.
To accept new results as the baseline, copy them from bench-results/ into tests/performance/baseline/.

Run: uv run python tests/performance/compare.py tests/performance/baseline bench-results
"""

import argparse
import json
import re
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

REGRESSION_THRESHOLD = 0.10
MACHINE_FIELDS = ("cpu_count", "platform", "python")


class Better(Enum):
    LOWER = "lower"
    HIGHER = "higher"


LATENCY_PERCENTILE = re.compile(r"^(p\d+|median)_ms$")
THROUGHPUT = re.compile(r"_per_second$")
QUALITY_RATE = re.compile(r"(^|_)rate(_|$)")
RATIO = re.compile(r"speedup|ratio")


def direction_of(key: str) -> Better | None:
    """Which way is better for a figure named `key`, or None when the figure is not compared."""
    if key.startswith("target_"):
        return None
    if LATENCY_PERCENTILE.search(key):
        return Better.LOWER
    if THROUGHPUT.search(key) or QUALITY_RATE.search(key) or RATIO.search(key):
        return Better.HIGHER
    return None


def figures(result: Any, prefix: str = "") -> dict[str, tuple[float, Better]]:
    """Every compared figure of a result, keyed by its dotted path (`engines.qdrant-edge.hybrid_search.p95_ms`)."""
    found: dict[str, tuple[float, Better]] = {}
    if isinstance(result, dict):
        items = [(str(key), value) for key, value in result.items() if key != "machine"]
    elif isinstance(result, list):
        items = [(f"[{index}]", value) for index, value in enumerate(result)]
    else:
        return found
    for key, value in items:
        path = f"{prefix}.{key}" if prefix and not key.startswith("[") else f"{prefix}{key}"
        if isinstance(value, dict | list):
            found.update(figures(value, path))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            direction = direction_of(key)
            if direction is not None:
                found[path] = (float(value), direction)
    return found


@dataclass(frozen=True)
class Change:
    benchmark: str
    figure: str
    baseline: float
    newest: float
    better: Better

    @property
    def ratio(self) -> float | None:
        return None if self.baseline == 0 else self.newest / self.baseline

    @property
    def regressed(self) -> bool:
        if self.ratio is None:
            return False
        if self.better is Better.LOWER:
            return self.ratio > 1 + REGRESSION_THRESHOLD
        return self.ratio < 1 - REGRESSION_THRESHOLD


def compare(benchmark: str, baseline: dict[str, Any], newest: dict[str, Any]) -> list[Change]:
    baseline_figures = figures(baseline)
    newest_figures = figures(newest)
    return [
        Change(benchmark, path, value, newest_figures[path][0], better)
        for path, (value, better) in baseline_figures.items()
        if path in newest_figures
    ]


def machine_differences(baseline: dict[str, Any], newest: dict[str, Any]) -> list[str]:
    old, new = baseline.get("machine", {}), newest.get("machine", {})
    return [
        f"{field} {old.get(field)} -> {new.get(field)}" for field in MACHINE_FIELDS if old.get(field) != new.get(field)
    ]


def format_change(change: Change) -> str:
    if change.ratio is None:
        delta = "n/a"
    else:
        delta = f"{(change.ratio - 1) * 100:+.1f}%"
    verdict = "REGRESSED" if change.regressed else "ok"
    return (
        f"  {change.figure:<64} {change.baseline:>12g} -> {change.newest:<12g} {delta:>8}  "
        f"({change.better.value} is better)  {verdict}"
    )


def load(path: Path) -> dict[str, Any]:
    result = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(result, dict):
        raise TypeError(f"{path} does not hold a JSON object")
    return result


def report(baseline_dir: Path, results_dir: Path) -> tuple[list[str], int]:
    """The report lines and the number of regressed figures."""
    lines: list[str] = []
    regressions = 0
    for baseline_path in sorted(baseline_dir.glob("*.json")):
        benchmark = baseline_path.stem
        newest_path = results_dir / baseline_path.name
        if not newest_path.exists():
            lines.append(f"{benchmark}: no newest result ({newest_path} missing; run `make bench`)")
            continue
        baseline, newest = load(baseline_path), load(newest_path)
        changes = compare(benchmark, baseline, newest)
        lines.append(f"{benchmark}: {len(changes)} figures compared")
        missing = sorted(figures(baseline).keys() - figures(newest).keys())
        if missing:
            lines.append(f"  note: {len(missing)} baseline figures are not in the newest result: {', '.join(missing)}")
        differences = machine_differences(baseline, newest)
        if differences:
            lines.append(f"  note: different machine ({'; '.join(differences)}): read the changes with care")
        lines.extend(format_change(change) for change in changes)
        regressions += sum(change.regressed for change in changes)
    for newest_path in sorted(results_dir.glob("*.json")):
        if not (baseline_dir / newest_path.name).exists():
            lines.append(f"{newest_path.stem}: no baseline (copy {newest_path} into {baseline_dir} to start one)")
    lines.append(
        f"{regressions} figures regressed by more than {REGRESSION_THRESHOLD:.0%}"
        if regressions
        else f"no figure regressed by more than {REGRESSION_THRESHOLD:.0%}"
    )
    return lines, regressions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path, help="folder of committed baseline JSON results")
    parser.add_argument("results", type=Path, help="folder of the newest JSON results (bench-results)")
    args = parser.parse_args(argv)
    for folder in (args.baseline, args.results):
        if not folder.is_dir():
            print(f"bench-compare: error: {folder} is not a folder", file=sys.stderr)
            return 2
    try:
        lines, _ = report(args.baseline, args.results)
    except (OSError, ValueError, TypeError) as error:
        print(f"bench-compare: error: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
