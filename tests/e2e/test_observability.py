"""What an SRE sees of the running stack: an upstream's trace joined across Kafka, every service scraped by a
real Prometheus with the alert rules loaded, and metrics that promtool finds clean."""

import asyncio
import secrets
import subprocess

import httpx
import pytest

from jdi_samples import generate_job_description

from .upstream import publish_as_upstream, submitted_text

pytestmark = pytest.mark.e2e

ALERTS = {
    "JdiTargetDown",
    "JdiDependencyNotReady",
    "JdiConsumerLagGrowing",
    "JdiConsumerPaused",
    "JdiMessagesDeadLettered",
    "JdiMessageFailureRate",
    "JdiHttpErrorRate",
}


def test_an_upstream_traceparent_on_kafka_is_joined(stack, eventually) -> None:
    event = submitted_text(f"upstream-{secrets.token_hex(4)}", generate_job_description(seed=515, language="en").text)
    document_id = event.subject
    trace_id, upstream_span_id = secrets.token_hex(16), secrets.token_hex(8)
    asyncio.run(publish_as_upstream(stack, event, traceparent=f"00-{trace_id}-{upstream_span_id}-01"))

    # Projected by the gateway, and whole: the services' exporters deliver each one's spans on its own schedule.
    def projected_in_the_upstream_trace():
        trace = stack.traces.trace(trace_id)
        projected = trace.find("jdi-gateway", "CONSUMER", "jdi.documents.parsed.v1 process")
        return trace if projected and len(trace.roots()) == 1 else None

    trace = eventually(projected_in_the_upstream_trace, timeout_s=120)
    # The upstream's own span is not in our backend: the trace starts here with ingestion's span, its child.
    [consumed] = trace.roots()
    assert (consumed["localEndpoint"]["serviceName"], consumed["kind"], consumed["name"]) == (
        "jdi-ingestion",
        "CONSUMER",
        f"{stack.kafka_topic_prefix}jdi.documents.submitted.v1 process",
    )
    assert consumed["parentId"] == upstream_span_id

    client = httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30)
    with client:
        status = client.get(f"/v1/documents/{document_id}").json()
    assert status["trace_id"] == trace_id


def test_prometheus_scrapes_every_service_with_the_alert_rules_loaded(stack, prometheus, eventually) -> None:
    def scraped_targets() -> dict[str, str] | None:
        targets = httpx.get(f"{prometheus}/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
        health = {target["labels"]["service"]: target["health"] for target in targets}
        return health if len(health) == 5 and "unknown" not in health.values() else None

    assert eventually(scraped_targets, timeout_s=60) == {
        "gateway": "up",
        "ingestion": "up",
        "embedding": "up",
        "analysis": "up",
        "zipkin": "up",
    }

    groups = httpx.get(f"{prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
    rules = {rule["name"]: rule["health"] for group in groups for rule in group["rules"]}
    assert rules.keys() == ALERTS

    # The services' own series arrive through Prometheus too: each one's readiness per dependency.
    def readiness() -> dict[tuple[str, str], str] | None:
        answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": "jdi_dependency_ready"}, timeout=10).json()
        series = {(s["metric"]["service"], s["metric"]["dependency"]): s["value"][1] for s in answer["data"]["result"]}
        reporting = {service for service, dependency in series if dependency == "broker"}
        return series if reporting == {"gateway", "ingestion", "embedding", "analysis"} else None

    ready = eventually(readiness, timeout_s=60)
    assert {("gateway", "database"), ("ingestion", "database"), ("analysis", "database")} <= ready.keys()
    assert set(ready.values()) == {"1"}


@pytest.mark.parametrize("service", ["ingestion", "embedding", "analysis", "gateway"])
def test_every_service_metrics_pass_promtool(stack, prometheus, service) -> None:
    """promtool (installed by the `prometheus` fixture's script) lints names, units, types and help texts."""
    metrics = httpx.get(f"{stack.urls[service]}/metrics", timeout=10).text
    for family in ("jdi_messages_handled_total", "jdi_consumer_lag", "http_server_request_duration_seconds_bucket"):
        assert family in metrics
    checked = subprocess.run(
        ["promtool", "check", "metrics"],  # noqa: S607 - promtool from PATH, from the Debian package
        input=metrics,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")
