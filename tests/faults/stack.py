"""The fault suite's infrastructure and services: deploy/local's Kafka and PostgreSQL in a work folder and on
ports of their own, so stopping them mid-stream disturbs no other test, and the four services as processes that
a scenario kills, stops and starts again."""

import os
import secrets
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..processes import ServiceProcess, free_port, port_is_free

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("ingestion", "embedding", "analysis", "gateway")
API_KEY = "fault-suite-key"


class LocalServer:
    """One of deploy/local's servers, started and stopped by its script with a fixed environment."""

    def __init__(self, script: str, env: dict[str, str]) -> None:
        self.script = REPO_ROOT / "deploy" / "local" / script
        self.env = env

    def run(self, *command: str) -> None:
        finished = subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
            ["bash", str(self.script), *command],  # noqa: S607 - bash from PATH, as `make` runs it
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if finished.returncode != 0:
            raise AssertionError(f"{self.script.name} {' '.join(command)} failed:\n{finished.stderr[-4000:]}")

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


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (each Kafka node listens on two: KAFKA_PORT + 2(N-1) and the
    port after it)."""
    while True:
        port = free_port()
        if all(port_is_free(port + offset) for offset in range(1, count)):
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
            # The scenarios poll every document's status from one key.
            "GATEWAY_RATE_LIMIT": "1000000/minute",
            "GATEWAY_EMBEDDING_URL": f"http://127.0.0.1:{ports['embedding']}",
            "GATEWAY_ANALYSIS_URL": f"http://127.0.0.1:{ports['analysis']}",
            "QDRANT_PATH": str(self.qdrant_path),
            **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        }
        for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "QDRANT_URL"):
            env.pop(name, None)
        self.env = env
        self.logs = work / "logs"
        self.logs.mkdir()
        self.services = {name: ServiceProcess(name, ports[name], env, self.logs / f"{name}.log") for name in SERVICES}
        self.more_instances: list[ServiceProcess] = []

    @property
    def gateway(self) -> str:
        return self.services["gateway"].url

    def start(self, *names: str) -> None:
        for name in names or SERVICES:
            self.services[name].start()
        for name in names or SERVICES:
            self.services[name].wait_ready()

    def add_instance(self, name: str) -> ServiceProcess:
        """Another instance of service `name` in the same consumer group, on a port of its own; started and ready."""
        port = free_port()
        label = f"{name}-{len(self.more_instances) + 2}"
        env = {**self.env, f"{name.upper()}_PORT": str(port)}
        instance = ServiceProcess(label, port, env, self.logs / f"{label}.log", args=["-m", f"jdi_{name}"])
        self.more_instances.append(instance)
        instance.start()
        instance.wait_ready()
        return instance

    def kill(self, name: str) -> None:
        self.services[name].stop(signal.SIGKILL)

    def stop(self, *names: str) -> None:
        for name in names or SERVICES:
            self.services[name].stop()
        if not names:
            for instance in self.more_instances:
                instance.stop()
