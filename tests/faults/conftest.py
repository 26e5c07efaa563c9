"""The fault suite's own Kafka broker and PostgreSQL for the session, and a fresh stack per scenario."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .stack import REPO_ROOT, FaultInfra, FaultStack, LocalServer, free_port, free_ports


def infra_env(work: Path, kafka_port: int, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "JDI_WORK_DIR": str(work),
        # The jars `make test` already resolved from Maven Central.
        "KAFKA_LIBS_DIR": str(REPO_ROOT / ".work" / "kafka-libs"),
        "KAFKA_PORT": str(kafka_port),
        **more,
    }


@pytest.fixture(scope="session")
def fault_infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultInfra]:
    kafka_port, postgres_port = free_ports(2), free_port()
    env = infra_env(tmp_path_factory.mktemp("fault-infra"), kafka_port, POSTGRES_PORT=str(postgres_port))
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


CLUSTER_BROKERS = 3


@pytest.fixture
def cluster_stack(fault_infra: FaultInfra, tmp_path: Path) -> Iterator[FaultStack]:
    """The four services on a three-node Kafka cluster of their own (and the fault suite's PostgreSQL)."""
    kafka_port = free_ports(2 * CLUSTER_BROKERS)
    kafka = LocalServer("kafka.sh", infra_env(tmp_path / "cluster", kafka_port, KAFKA_BROKERS=str(CLUSTER_BROKERS)))
    infra = FaultInfra(
        kafka=kafka,
        postgres=fault_infra.postgres,
        kafka_bootstrap_servers=",".join(f"127.0.0.1:{kafka_port + 2 * node}" for node in range(CLUSTER_BROKERS)),
        database_url=fault_infra.database_url,
    )
    kafka.start()
    stack = FaultStack(infra, tmp_path)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        kafka.stop()
