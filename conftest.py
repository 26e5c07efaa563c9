"""Fixtures giving every test tier real infrastructure when it asks for it.

They live at the repository root so that the unit tests of a service (`services/*/tests`) can run
their handler tests on the real broker too (`broker_under_test`), not only `tests/`.

Each of Kafka, PostgreSQL and Qdrant is found in this order: an explicit
environment variable, a testcontainer when a Docker engine answers, then the
local process scripts in `deploy/local/` (Qdrant falls back to `None`, meaning
the embedding service's embedded Qdrant). The trace backend (Zipkin) is
`ZIPKIN_URL` or `deploy/local/zipkin.sh`. Fixtures are lazy, so only tests
that request them start anything; unit tests start nothing.

Infrastructure started by the local scripts is left running after the session
(`deploy/local/*.sh stop` ends it); containers are stopped with the session.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NamedTuple

import docker
import pytest
import requests
from docker.errors import DockerException
from faststream.kafka import KafkaBroker, TestKafkaBroker
from pydantic import SecretStr

from jdi_contracts.events import CloudEvent, Topic
from jdi_core.broker import publish_event
from jdi_core.metrics import MESSAGES_HANDLED
from jdi_core.settings import DatabaseSettings, KafkaSettings

REPO_ROOT = Path(__file__).resolve().parent
LOCAL_DEPLOY_DIR = REPO_ROOT / "deploy" / "local"

# A cold start resolves the Kafka jars through Maven first.
LOCAL_START_TIMEOUT_S = 600
DOCKER_PING_TIMEOUT_S = 3

KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"
POSTGRES_IMAGE = "postgres:16-alpine"
QDRANT_IMAGE = "qdrant/qdrant:v1.16.2"

# Broker settings the platform relies on; deploy/local/kafka.sh sets the same.
# Documents up to 10 MB travel base64-encoded inside events.
KAFKA_MAX_MESSAGE_BYTES = 20 * 1024 * 1024
KAFKA_CONTAINER_ENV = {
    "KAFKA_MESSAGE_MAX_BYTES": str(KAFKA_MAX_MESSAGE_BYTES),
    "KAFKA_REPLICA_FETCH_MAX_BYTES": str(KAFKA_MAX_MESSAGE_BYTES),
    "KAFKA_NUM_PARTITIONS": "6",
    "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "true",
    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
}

# Recommended aiokafka / FastStream consumer settings for tests: groups join
# and notice new topics in about a second instead of the production defaults.
FAST_CONSUMER_SETTINGS: dict[str, int | str] = {
    # Tests usually produce before the consumer's group has joined.
    "auto_offset_reset": "earliest",
    "session_timeout_ms": 6000,
    "heartbeat_interval_ms": 500,
    # Auto-created topics become visible to subscribers quickly.
    "metadata_max_age_ms": 1000,
    "fetch_max_wait_ms": 100,
}


@functools.cache
def docker_engine_available() -> bool:
    try:
        docker.from_env(timeout=DOCKER_PING_TIMEOUT_S).ping()
    except (DockerException, requests.RequestException, OSError):
        return False
    return True


def start_local(script_name: str) -> None:
    """Run `deploy/local/<script_name> start` (idempotent) or fail the test."""
    script = LOCAL_DEPLOY_DIR / script_name
    try:
        result = subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
            ["bash", str(script), "start"],  # noqa: S607 - bash from PATH, as `make` runs it
            capture_output=True,
            text=True,
            timeout=LOCAL_START_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"{script} start did not finish within {LOCAL_START_TIMEOUT_S}s",
            pytrace=False,
        )
    if result.returncode != 0:
        pytest.fail(
            f"{script} start failed with exit code {result.returncode}:\n{result.stderr[-4000:]}",
            pytrace=False,
        )


def local_script_output(script_name: str, *arguments: str) -> str:
    """What `deploy/local/<script_name> <arguments>` prints, e.g. a component's URL."""
    return subprocess.run(  # noqa: S603 - the repository's own script, fixed arguments
        ["bash", str(LOCAL_DEPLOY_DIR / script_name), *arguments],  # noqa: S607 - bash from PATH, as `make` runs it
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@functools.cache
def local_connection_settings() -> dict[str, str]:
    """The variables deploy/local/env.sh derives from the local ports."""
    output = local_script_output("env.sh")
    settings = {}
    for line in output.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        settings[name] = value
    return settings


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> Iterator[str]:
    if configured := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield configured
    elif docker_engine_available():
        from testcontainers.community.kafka import KafkaContainer

        container = KafkaContainer(KAFKA_IMAGE).with_kraft()
        for name, value in KAFKA_CONTAINER_ENV.items():
            container.with_env(name, value)
        with container:
            yield container.get_bootstrap_server()
    else:
        start_local("kafka.sh")
        yield local_connection_settings()["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """An SQLAlchemy asyncpg URL (`postgresql+asyncpg://...`)."""
    if configured := os.environ.get("DATABASE_URL"):
        yield configured
    elif docker_engine_available():
        from testcontainers.community.postgres import PostgresContainer

        with PostgresContainer(POSTGRES_IMAGE, driver="asyncpg") as container:
            yield container.get_connection_url()
    else:
        start_local("postgres.sh")
        yield local_connection_settings()["DATABASE_URL"]


@pytest.fixture(scope="session")
def qdrant_url() -> Iterator[str | None]:
    """A Qdrant server URL, or None: use the embedding service's embedded Qdrant."""
    if configured := os.environ.get("QDRANT_URL"):
        yield configured
    elif docker_engine_available():
        from testcontainers.community.qdrant import QdrantContainer

        with QdrantContainer(QDRANT_IMAGE) as container:
            yield f"http://{container.rest_host_address}"
    else:
        yield None


@pytest.fixture(scope="session")
def zipkin_url() -> str:
    """The trace backend's base URL (spans in at `/api/v2/spans`, the UI at `/zipkin/`)."""
    if configured := os.environ.get("ZIPKIN_URL"):
        return configured
    start_local("zipkin.sh")
    return local_script_output("zipkin.sh", "url")


@pytest.fixture(scope="session")
def run_id() -> str:
    """A short token unique to this test session."""
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def topic_prefix(run_id: str) -> str:
    """Prefix for Kafka topic names so runs against a shared broker never collide."""
    return f"t{run_id}."


@pytest.fixture(scope="session")
def db_schema_prefix(run_id: str) -> str:
    """Prefix for database schema names so runs against a shared database never collide."""
    return f"t{run_id}_"


@pytest.fixture
def fast_consumer_settings() -> dict[str, int | str]:
    """A fresh copy of FAST_CONSUMER_SETTINGS (conftest is not importable by tests)."""
    return dict(FAST_CONSUMER_SETTINGS)


# Settings for services run in-process against the real broker and database of this session.


@pytest.fixture
def kafka_settings(kafka_bootstrap_servers: str, topic_prefix: str, request: pytest.FixtureRequest) -> KafkaSettings:
    """Topics unique to this test, so tests never see each other's events."""
    # Kafka topic names allow letters, digits, '.', '_' and '-'; two parametrised tests can share
    # the first 40 characters of their names, hence the random part.
    name = re.sub(r"[^A-Za-z0-9_-]", "-", request.node.name)[:40]
    return KafkaSettings(
        bootstrap_servers=kafka_bootstrap_servers,
        topic_prefix=f"{topic_prefix}{name}.{uuid.uuid4().hex[:6]}.",
        session_timeout_ms=6_000,
        heartbeat_interval_ms=500,
        retry_backoff_s=0.05,
    )


@pytest.fixture
def database_settings(database_url: str, db_schema_prefix: str, request: pytest.FixtureRequest) -> DatabaseSettings:
    suffix = "".join(ch for ch in request.node.name.lower() if ch.isalnum())[-20:]
    return DatabaseSettings(url=SecretStr(database_url), schema_prefix=f"{db_schema_prefix}{suffix}_", pool_size=2)


@pytest.fixture
def eventually() -> Callable[..., Awaitable[Any]]:
    """Poll `probe` until it returns a truthy value; the pipeline is asynchronous by design."""

    async def poll(probe: Callable[[], Awaitable[Any]], timeout_s: float = 60.0, interval_s: float = 0.2) -> Any:
        deadline = time.monotonic() + timeout_s
        last: Any = None
        while time.monotonic() < deadline:
            last = await probe()
            if last:
                return last
            await asyncio.sleep(interval_s)
        raise AssertionError(f"condition not met within {timeout_s}s; last value: {last!r}")

    return poll


# One handler test, two brokers: FastStream's in-memory TestKafkaBroker and the real one.


class RunningBroker(NamedTuple):
    broker: KafkaBroker
    kafka: KafkaSettings

    async def send(self, event: CloudEvent[Any]) -> None:
        await publish_event(self.broker, self.kafka, event)


class BrokerUnderTest(NamedTuple):
    kafka: KafkaSettings
    with_real: bool

    @asynccontextmanager
    async def start(self, broker: KafkaBroker) -> AsyncIterator[RunningBroker]:
        """Run `broker`, made with `self.kafka` and its subscribers in place, as `TestKafkaBroker` does."""
        async with TestKafkaBroker(broker, with_real=self.with_real) as running:
            yield RunningBroker(running, self.kafka)


@pytest.fixture(
    params=[pytest.param(False, id="memory"), pytest.param(True, id="kafka", marks=pytest.mark.integration)]
)
def broker_under_test(request: pytest.FixtureRequest) -> BrokerUnderTest:
    """A test using this runs twice: in memory, and under the integration marker on this session's
    Kafka with topics of its own. Wait with `messages_handled`, read the outputs with `published`."""
    if not request.param:
        return BrokerUnderTest(KafkaSettings(topic_prefix="unit.", retry_backoff_s=0), with_real=False)
    return BrokerUnderTest(request.getfixturevalue("kafka_settings"), with_real=True)


@pytest.fixture
def messages_handled(eventually: Callable[..., Awaitable[Any]]) -> Callable[[int], Awaitable[None]]:
    """`await messages_handled(n)`: wait until the service consumers of this process (jdi_core's
    `subscribe` and `subscribe_batch`) have finished n messages since the test began, handled or
    dead-lettered. In memory a publish returns after its handler, so this returns at once."""

    def total() -> float:
        return sum(
            sample.value
            for metric in MESSAGES_HANDLED.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
        )

    start = total()

    async def wait(count: int) -> None:
        async def finished() -> bool:
            return total() - start >= count

        await eventually(finished)

    return wait


class Published:
    """What a service published, gathered by subscribers of the test's own; on Kafka they read each
    topic from its start, so nothing published before they were assigned is missed."""

    def __init__(self, eventually: Callable[..., Awaitable[Any]]) -> None:
        self._eventually = eventually
        self.bodies: dict[Topic, list[bytes]] = {}

    def subscribe(self, broker: KafkaBroker, kafka: KafkaSettings, *topics: Topic) -> None:
        """Gather the events of `topics`; before the broker starts, as for any subscriber."""
        for topic in topics:
            broker.subscriber(
                kafka.topic(topic),
                auto_offset_reset=FAST_CONSUMER_SETTINGS["auto_offset_reset"],
                fetch_max_wait_ms=FAST_CONSUMER_SETTINGS["fetch_max_wait_ms"],
            )(_appender(self.bodies.setdefault(topic, [])))

    async def wait_for(self, topic: Topic, count: int) -> list[bytes]:
        """The events of `topic` once at least `count` have arrived."""

        async def arrived() -> bool:
            return len(self.bodies[topic]) >= count

        await self._eventually(arrived)
        return self.bodies[topic]


def _appender(bodies: list[bytes]) -> Callable[[bytes], Awaitable[None]]:
    async def append(body: bytes) -> None:
        bodies.append(body)

    return append


@pytest.fixture
def published(eventually: Callable[..., Awaitable[Any]]) -> Published:
    return Published(eventually)
