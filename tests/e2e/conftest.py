"""The whole stack as separate processes (`python -m jdi_<service>`), on this session's Kafka and PostgreSQL,
sending their spans to the trace backend (Zipkin); a Prometheus of its own scrapes them."""

import os
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from ..processes import ServiceProcess, free_port

SERVICES = ("ingestion", "embedding", "analysis", "gateway")
API_KEY = "e2e-test-key"
PROMETHEUS_SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "local" / "prometheus.sh"


@dataclass(frozen=True)
class Trace:
    """One trace as the backend's API returns it: Zipkin v2 spans (`id`, `parentId`, `kind`, `name` in lower
    case, `localEndpoint.serviceName`, `tags`; span links in the `jdi.links` tag)."""

    spans: list[dict[str, Any]]

    def find(self, service: str, kind: str | None, name_suffix: str) -> list[dict[str, Any]]:
        return [
            span
            for span in self.spans
            if service_of(span) == service and span.get("kind") == kind and span["name"].endswith(name_suffix)
        ]

    def parent(self, span: dict[str, Any]) -> dict[str, Any] | None:
        return next((other for other in self.spans if other["id"] == span.get("parentId")), None)

    def children(self, span: dict[str, Any]) -> list[dict[str, Any]]:
        return [other for other in self.spans if other.get("parentId") == span["id"]]

    def span(self, span_id: str) -> dict[str, Any] | None:
        return next((span for span in self.spans if span["id"] == span_id), None)

    def roots(self) -> list[dict[str, Any]]:
        """Spans whose parent is not in the trace: one, for a trace with no hole."""
        return [span for span in self.spans if self.parent(span) is None]


def service_of(span: dict[str, Any] | None) -> str | None:
    return span["localEndpoint"]["serviceName"] if span else None


@dataclass(frozen=True)
class TraceBackend:
    url: str

    def trace(self, trace_id: str) -> Trace:
        response = httpx.get(f"{self.url}/api/v2/trace/{trace_id}", timeout=10)
        if response.status_code == 404:  # none of its spans has arrived yet
            return Trace([])
        response.raise_for_status()
        return Trace(response.json())

    def ui_url(self, trace_id: str) -> str:
        return f"{self.url}/zipkin/traces/{trace_id}"


@dataclass(frozen=True)
class Stack:
    urls: dict[str, str]
    traces_dir: Path
    logs_dir: Path
    api_key: str
    traces: TraceBackend
    kafka_bootstrap_servers: str
    kafka_topic_prefix: str

    @property
    def gateway(self) -> str:
        return self.urls["gateway"]


def poll(probe: Callable[[], Any], timeout_s: float = 120.0) -> Any:
    """The first truthy result of `probe`, called every 0.3 s; fails after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.3)
    raise AssertionError(f"not reached within {timeout_s}s; last: {last!r}")


@pytest.fixture(scope="session")
def eventually() -> Callable[..., Any]:
    return poll


@pytest.fixture(scope="session")
def stack(
    kafka_bootstrap_servers: str,
    database_url: str,
    qdrant_url: str | None,
    zipkin_url: str,
    topic_prefix: str,
    db_schema_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("stack")
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    kafka_topic_prefix = f"{topic_prefix}e2e."
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": kafka_topic_prefix,
        "KAFKA_SESSION_TIMEOUT_MS": "6000",
        "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "DATABASE_URL": database_url,
        "DATABASE_SCHEMA_PREFIX": f"{db_schema_prefix}e2e_",
        # Spans go to the trace backend, as under `make up`; to files only when it does not take them.
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"{zipkin_url}/api/v2/spans",
        "JDI_TRACES_DIR": str(work / "traces"),
        # Export spans quickly so the test can read them while the services run.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        "GATEWAY_BOOTSTRAP_API_KEY": API_KEY,
        # As in a deployment, where embedding and analysis listen beyond loopback: only the gateway gets in.
        "INTERNAL_API_TOKEN": secrets.token_hex(16),
        # The tests poll and fuzz from one key and one address: nothing here to hold back.
        "GATEWAY_RATE_LIMIT": "1000000/minute",
        "GATEWAY_AUTH_FAILURE_RATE_LIMIT": "1000000/minute",
        "GATEWAY_EMBEDDING_URL": urls["embedding"],
        "GATEWAY_ANALYSIS_URL": urls["analysis"],
        "QDRANT_PATH": str(work / "qdrant"),
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    if qdrant_url:
        env["QDRANT_URL"] = qdrant_url
    logs = work / "logs"
    logs.mkdir()
    processes = {name: ServiceProcess(name, ports[name], env, logs / f"{name}.log") for name in SERVICES}
    try:
        for process in processes.values():
            process.start()
        for process in processes.values():
            process.wait_ready()
        yield Stack(
            urls=urls,
            traces_dir=work / "traces",
            logs_dir=logs,
            api_key=API_KEY,
            traces=TraceBackend(zipkin_url),
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            kafka_topic_prefix=kafka_topic_prefix,
        )
    finally:
        for process in processes.values():
            process.stop()


def run_prometheus_script(command: str, env: dict[str, str]) -> None:
    finished = subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
        ["bash", str(PROMETHEUS_SCRIPT), command],  # noqa: S607 - bash from PATH, as `make` runs it
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a first start installs the Debian package
        check=False,
    )
    if finished.returncode != 0:
        pytest.fail(f"prometheus.sh {command} failed:\n{finished.stderr[-4000:]}", pytrace=False)


@pytest.fixture(scope="session")
def prometheus(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """deploy/local/prometheus.sh in a work folder and on a port of its own, scraping this session's stack and
    trace backend; stopped with the session. Its URL."""
    port = free_port()
    env = {
        **os.environ,
        "JDI_WORK_DIR": str(tmp_path_factory.mktemp("prometheus")),
        "PROMETHEUS_PORT": str(port),
        "ZIPKIN_PORT": str(urlsplit(stack.traces.url).port),
        **{f"{name.upper()}_PORT": str(urlsplit(url).port) for name, url in stack.urls.items()},
    }
    run_prometheus_script("start", env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        run_prometheus_script("stop", env)
