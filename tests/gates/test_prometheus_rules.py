"""The Prometheus configuration and alert rules in deploy/prometheus/: valid for promtool, and their unit tests
(`promtool test rules`) pass and catch a broken alert."""

import shutil
import subprocess
from pathlib import Path

ALERT_COUNT = 7


def run(promtool: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - promtool with the test's own arguments
        [promtool, *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_rules_are_valid(promtool: str, repo_root: Path) -> None:
    checked = run(promtool, "check", "rules", "rules/jdi.yml", cwd=repo_root / "deploy" / "prometheus")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {ALERT_COUNT} rules found" in checked.stdout


def test_the_configuration_is_valid_and_loads_the_rules(promtool: str, repo_root: Path) -> None:
    checked = run(promtool, "check", "config", "prometheus.yml", cwd=repo_root / "deploy" / "prometheus")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {ALERT_COUNT} rules found" in checked.stdout


def test_the_rule_unit_tests_pass(promtool: str, repo_root: Path) -> None:
    tested = run(promtool, "test", "rules", "tests/jdi_test.yml", cwd=repo_root / "deploy" / "prometheus")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_rule_unit_tests_catch_broken_lag_and_dead_letter_alerts(
    promtool: str, repo_root: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "prometheus"
    shutil.copytree(repo_root / "deploy" / "prometheus", copy)
    rules = copy / "rules" / "jdi.yml"
    broken = rules.read_text().replace("        for: 10m\n", "        for: 30m\n")
    broken = broken.replace('{outcome="dead_lettered"}[15m])) > 0', '{outcome="dead_lettered"}[15m])) > 1')
    assert broken.count("for: 30m") == 1 and "[15m])) > 1" in broken
    rules.write_text(broken)

    tested = run(promtool, "test", "rules", "tests/jdi_test.yml", cwd=copy)

    assert tested.returncode == 1
    report = tested.stdout + tested.stderr  # promtool writes the failures to stderr
    assert "alertname: JdiConsumerLagGrowing" in report
    assert "alertname: JdiMessagesDeadLettered" in report
