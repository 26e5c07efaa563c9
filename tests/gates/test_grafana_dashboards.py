"""deploy/grafana, the dashboards compose provisions: every query is valid PromQL (promtool parses each as a
recording rule), names only metrics the services expose, and reads the provisioned Prometheus; compose mounts
it all; every alert rule has a panel watching its metric."""

import json
import re
import subprocess
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import jdi_core.metrics
import jdi_embedding.metrics

GRAFANA = Path(__file__).resolve().parents[2] / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
# The series names a query can read: what the registries expose, and Prometheus's own `up`.
SAMPLE_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
METRIC = re.compile(r"\b((?:jdi|http)_[a-z_]+|up)\b(?!\s*\()")
LABELS_INSIDE = re.compile(r"\{[^}]*\}|by \([^)]*\)|\"[^\"]*\"")


def exposed_series() -> set[str]:
    assert jdi_core.metrics and jdi_embedding.metrics  # imported for the metrics they register
    names = {"up"}
    for family in REGISTRY.collect():
        names |= {family.name + suffix for suffix in SAMPLE_SUFFIXES.get(family.type, ("",))}
    return names


def queries() -> list[tuple[str, str]]:
    """(panel title, query) of every panel of every dashboard."""
    found = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            found += [(panel["title"], target["expr"]) for target in panel["targets"]]
    return found


def metrics_in(query: str) -> set[str]:
    return set(METRIC.findall(LABELS_INSIDE.sub("", query)))


def test_every_query_is_valid_promql(promtool: str, tmp_path: Path) -> None:
    rules = [{"record": f"dashboard:query_{index}", "expr": expr} for index, (_, expr) in enumerate(queries())]
    assert len(rules) >= 12
    (tmp_path / "queries.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    checked = subprocess.run(  # noqa: S603 - promtool with the test's own file
        [promtool, "check", "rules", "queries.yml"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_query_names_only_metrics_the_services_expose() -> None:
    exposed = exposed_series()
    for title, query in queries():
        named = metrics_in(query)
        assert named, (title, query)
        assert named <= exposed, (title, sorted(named - exposed))


def test_every_panel_reads_the_provisioned_prometheus() -> None:
    provisioned = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    [source] = provisioned["datasources"]
    assert (source["type"], source["url"]) == ("prometheus", "http://prometheus:9090")
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            sources = [panel["datasource"], *(target["datasource"] for target in panel["targets"])]
            assert all(used == {"type": "prometheus", "uid": source["uid"]} for used in sources), panel["title"]


def test_every_alert_rule_metric_has_a_panel(repo_root: Path) -> None:
    rules = yaml.safe_load((repo_root / "deploy" / "prometheus" / "rules" / "jdi.yml").read_text())
    alerted = {name for group in rules["groups"] for rule in group["rules"] for name in metrics_in(rule["expr"])}
    shown = {name for _, query in queries() for name in metrics_in(query)}
    assert alerted, "no metric found in the alert rules"
    assert alerted <= shown, sorted(alerted - shown)


def test_compose_provisions_the_dashboards_and_the_data_source(repo_root: Path) -> None:
    grafana = yaml.safe_load((repo_root / "docker-compose.yml").read_text())["services"]["grafana"]
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in grafana["volumes"])
    assert mounts == {
        "./deploy/grafana/provisioning": "/etc/grafana/provisioning",
        "./deploy/grafana/dashboards": "/var/lib/grafana/dashboards",
    }
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "jdi.yml").read_text())["providers"][0]
    assert provider["options"]["path"] == mounts["./deploy/grafana/dashboards"]
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (GRAFANA / "dashboards" / Path(home).name).is_file()
    assert "depends_on" in grafana and "prometheus" in grafana["depends_on"]
