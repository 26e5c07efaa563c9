"""The fault suite's own Kafka broker and PostgreSQL for the session, and a fresh stack per scenario."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .stack import REPO_ROOT, FaultInfra, FaultStack, LocalServer, free_port, free_port_pair


@pytest.fixture(scope="session")
def fault_infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultInfra]:
    kafka_port, postgres_port = free_port_pair(), free_port()
    env = {
        **os.environ,
        "JDI_WORK_DIR": str(tmp_path_factory.mktemp("fault-infra")),
        # The jars `make test` already resolved from Maven Central.
        "KAFKA_LIBS_DIR": str(REPO_ROOT / ".work" / "kafka-libs"),
        "KAFKA_PORT": str(kafka_port),
        "POSTGRES_PORT": str(postgres_port),
    }
    infra = FaultInfra(
        kafka=LocalServer("kafka.sh", env),
        postgres=LocalServer("postgres.sh", env),
        kafka_bootstrap_servers=f"127.0.0.1:{kafka_port}",
        database_url=f"postgresql+asyncpg://jdi@127.0.0.1:{postgres_port}/jdi",
    )
    infra.kafka.start()
    infra.postgres.start()
    try:
        yield infra
    finally:
        infra.kafka.stop()
        infra.postgres.stop()


@pytest.fixture
def fault_stack(fault_infra: FaultInfra, tmp_path: Path) -> Iterator[FaultStack]:
    stack = FaultStack(fault_infra, tmp_path)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
