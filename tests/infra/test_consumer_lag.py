"""Consumer lag as a service's /metrics reports it, on the real broker, across a restart."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from faststream.kafka import KafkaBroker, KafkaMessage
from prometheus_client.parser import text_string_to_metric_families

from jdi_contracts.events import Topic
from jdi_core.broker import make_broker, subscribe
from jdi_core.metrics import NEXT_OFFSETS
from jdi_core.service import create_service_app
from jdi_core.settings import KafkaSettings

pytestmark = pytest.mark.integration

TIMEOUT_S = 60
T = TypeVar("T")


async def produce(bootstrap_servers: str, topic: str, partition: int, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()
    try:
        for number in range(count):
            await producer.send_and_wait(topic, f"record {number}".encode(), partition=partition)
    finally:
        await producer.stop()


@asynccontextmanager
async def running_service(
    settings: KafkaSettings, group: str, handler: Callable[[KafkaMessage], Awaitable[None]]
) -> AsyncIterator[tuple[KafkaBroker, httpx.AsyncClient]]:
    """The service shell around one subscriber, started as a service process starts it."""
    broker = make_broker(settings)
    subscribe(broker, settings, group, {Topic.SUBMITTED: handler}, source="/test/lag")
    app = create_service_app("lag-test", broker=broker, readiness={})
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://s") as client:
        yield broker, client


async def lag_by_partition(client: httpx.AsyncClient, group: str) -> dict[int, float]:
    body = (await client.get("/metrics")).text
    return {
        int(sample.labels["partition"]): sample.value
        for family in text_string_to_metric_families(body)
        if family.name == "jdi_consumer_lag"
        for sample in family.samples
        if sample.labels["group"] == group
    }


async def eventually(probe: Callable[[], Awaitable[T]]) -> T:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if result := await probe():
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"not reached within {TIMEOUT_S}s")


async def test_after_a_restart_lag_counts_only_what_the_group_has_not_handled(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    settings = KafkaSettings(
        bootstrap_servers=kafka_bootstrap_servers,
        topic_prefix=f"{topic_prefix}lag.",
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
    )
    topic, group = settings.topic(Topic.SUBMITTED), f"{topic_prefix}lag"
    await produce(kafka_bootstrap_servers, topic, partition=0, count=3)

    async def handled(_: KafkaMessage) -> None:
        return None

    # First run: the three records of partition 0 are handled and committed.
    async with running_service(settings, group, handled) as (broker, client):
        consumer = broker.subscribers[0].consumer

        async def all_committed() -> bool:
            return (await lag_by_partition(client, group)).get(0) == 0 and await consumer.committed(
                TopicPartition(topic, 0)
            ) == 3

        await eventually(all_committed)

    # A restarted process remembers nothing it handled; partition 1 gets two records that it is slow to handle.
    for position in [key for key in NEXT_OFFSETS if key[0] == group]:
        del NEXT_OFFSETS[position]
    await produce(kafka_bootstrap_servers, topic, partition=1, count=2)
    release = asyncio.Event()

    async def slow(_: KafkaMessage) -> None:
        await release.wait()

    async with running_service(settings, group, slow) as (_, client):
        try:

            async def both_partitions_reported() -> dict[int, float] | None:
                lag = await lag_by_partition(client, group)
                return lag if {0, 1} <= lag.keys() else None

            lag = await eventually(both_partitions_reported)
            # Partition 0 is idle and fully committed: no lag, not its whole length of 3.
            assert (lag[0], lag[1]) == (0, 2)
        finally:
            release.set()
