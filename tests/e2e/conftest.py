"""The whole stack as separate processes (`python -m jdi_<service>`), on this session's Kafka and PostgreSQL."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

SERVICES = ("ingestion", "embedding", "analysis", "gateway")
API_KEY = "e2e-test-key"
# Cold start embeds the ESCO labels once (cached under .work/cache afterwards).
READY_TIMEOUT_S = 420


@dataclass(frozen=True)
class Stack:
    urls: dict[str, str]
    traces_dir: Path
    logs_dir: Path
    api_key: str

    @property
    def gateway(self) -> str:
        return self.urls["gateway"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(name: str, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{name} not ready after {READY_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def stack(
    kafka_bootstrap_servers: str,
    database_url: str,
    qdrant_url: str | None,
    topic_prefix: str,
    db_schema_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("stack")
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": f"{topic_prefix}e2e.",
        "KAFKA_SESSION_TIMEOUT_MS": "6000",
        "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "DATABASE_URL": database_url,
        "DATABASE_SCHEMA_PREFIX": f"{db_schema_prefix}e2e_",
        "JDI_TRACES_DIR": str(work / "traces"),
        # Export spans quickly so the test can read them while the services run.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        "GATEWAY_BOOTSTRAP_API_KEY": API_KEY,
        "GATEWAY_EMBEDDING_URL": urls["embedding"],
        "GATEWAY_ANALYSIS_URL": urls["analysis"],
        "QDRANT_PATH": str(work / "qdrant"),
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    if qdrant_url:
        env["QDRANT_URL"] = qdrant_url
    logs = work / "logs"
    logs.mkdir()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in SERVICES:
            with (logs / f"{name}.log").open("wb") as log:
                processes[name] = subprocess.Popen(  # noqa: S603 - this interpreter running a service module
                    [sys.executable, "-m", f"jdi_{name}"], env=env, stdout=log, stderr=subprocess.STDOUT
                )
        for name in SERVICES:
            wait_ready(name, urls[name], processes[name], logs / f"{name}.log")
        yield Stack(urls=urls, traces_dir=work / "traces", logs_dir=logs, api_key=API_KEY)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
