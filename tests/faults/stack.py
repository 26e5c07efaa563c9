"""The fault suite's infrastructure and services: deploy/local's Kafka and PostgreSQL in a work folder and on
ports of their own, so stopping them mid-stream disturbs no other test, and the four services as processes that
a scenario kills, stops and starts again."""

import os
import secrets
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..processes import ServiceProcess, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("ingestion", "embedding", "analysis", "gateway")
API_KEY = "fault-suite-key"


class LocalServer:
    """One of deploy/local's servers, started and stopped by its script with a fixed environment."""

    def __init__(self, script: str, env: dict[str, str]) -> None:
        self.script = REPO_ROOT / "deploy" / "local" / script
        self.env = env

    def run(self, command: str) -> None:
        finished = subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
            ["bash", str(self.script), command],  # noqa: S607 - bash from PATH, as `make` runs it
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if finished.returncode != 0:
            raise AssertionError(f"{self.script.name} {command} failed:\n{finished.stderr[-4000:]}")

    def start(self) -> None:
        self.run("start")

    def stop(self) -> None:
        self.run("stop")


@dataclass(frozen=True)
class FaultInfra:
    kafka: LocalServer
    postgres: LocalServer
    kafka_bootstrap_servers: str
    database_url: str


def free_port_pair() -> int:
    """A port whose next port is free too (Kafka's controller listens on KAFKA_PORT + 1)."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


class FaultStack:
    """The four services on the fault infrastructure, with topics, schemas and a vector store of their own."""

    def __init__(self, infra: FaultInfra, work: Path) -> None:
        run = secrets.token_hex(3)
        ports = {name: free_port() for name in SERVICES}
        self.infra = infra
        self.kafka_bootstrap_servers = infra.kafka_bootstrap_servers
        self.kafka_topic_prefix = f"faults.{run}."
        self.schema_prefix = f"faults_{run}_"
        self.qdrant_path = work / "qdrant"
        self.api_key = API_KEY
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
            "KAFKA_TOPIC_PREFIX": self.kafka_topic_prefix,
            # A killed member's partitions move after 6 s rather than the default 10 s.
            "KAFKA_SESSION_TIMEOUT_MS": "6000",
            "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
            "DATABASE_URL": infra.database_url,
            "DATABASE_SCHEMA_PREFIX": self.schema_prefix,
            "JDI_TRACES_DIR": str(work / "traces"),
            "GATEWAY_BOOTSTRAP_API_KEY": API_KEY,
            "GATEWAY_EMBEDDING_URL": f"http://127.0.0.1:{ports['embedding']}",
            "GATEWAY_ANALYSIS_URL": f"http://127.0.0.1:{ports['analysis']}",
            "QDRANT_PATH": str(self.qdrant_path),
            **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        }
        for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "QDRANT_URL"):
            env.pop(name, None)
        logs = work / "logs"
        logs.mkdir()
        self.services = {name: ServiceProcess(name, ports[name], env, logs / f"{name}.log") for name in SERVICES}

    @property
    def gateway(self) -> str:
        return self.services["gateway"].url

    def start(self, *names: str) -> None:
        for name in names or SERVICES:
            self.services[name].start()
        for name in names or SERVICES:
            self.services[name].wait_ready()

    def kill(self, name: str) -> None:
        self.services[name].stop(signal.SIGKILL)

    def stop(self, *names: str) -> None:
        for name in names or SERVICES:
            self.services[name].stop()
