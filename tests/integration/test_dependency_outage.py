"""A database outage on the real broker: the consumer pauses while PostgreSQL is unreachable and carries on when it
is back, dead-lettering nothing; the real ingestion service, then the batch consumer. PostgreSQL is reached
through a TCP proxy that the test cuts and restores (the session's PostgreSQL itself is shared)."""

import asyncio
import uuid
from collections.abc import Sequence

import pytest
from aiokafka import ConsumerRecord
from asgi_lifespan import LifespanManager
from prometheus_client import REGISTRY
from sqlalchemy import Column, MetaData, Table, Text, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.schema import CreateSchema, DropSchema

from jdi_contracts.events import Topic
from jdi_core.batch_consumer import subscribe_batch
from jdi_core.broker import make_broker, publish_event
from jdi_core.db import make_engine, schema_name
from jdi_core.settings import KafkaSettings
from jdi_ingestion.app import create_app as create_ingestion
from jdi_ingestion.settings import IngestionSettings

from .conftest import submitted_event

pytestmark = pytest.mark.integration

VALUES = Table("handled_values", MetaData(schema="outage"), Column("value", Text, primary_key=True))
# Long enough for many more failed attempts than max_attempts (3, 0.05 s backoff) would allow before the DLQ.
OUTAGE_S = 4.0


def sample(value: float | None) -> float:
    return value or 0.0


def handled(topic: Topic, outcome: str) -> float:
    return sample(REGISTRY.get_sample_value("jdi_messages_handled_total", {"topic": topic.value, "outcome": outcome}))


def failures(topic: Topic) -> float:
    return sample(REGISTRY.get_sample_value("jdi_message_failures_total", {"topic": topic.value}))


def paused(group: str) -> float:
    return sample(REGISTRY.get_sample_value("jdi_consumer_paused", {"group": group}))


async def test_ingestion_waits_out_a_database_outage_and_dead_letters_nothing(
    kafka_settings: KafkaSettings, database_proxy, published, eventually
) -> None:
    proxy, database = database_proxy
    group = f"ingestion-outage-{uuid.uuid4().hex[:6]}"
    ingestion = create_ingestion(IngestionSettings(kafka=kafka_settings, database=database, group_id=group))
    broker = make_broker(kafka_settings)
    published.subscribe(broker, kafka_settings, Topic.PARSED, Topic.DLQ)
    before = {outcome: handled(Topic.SUBMITTED, outcome) for outcome in ("ok", "dead_lettered")}
    async with LifespanManager(ingestion, startup_timeout=60):
        await broker.start()
        try:
            await publish_event(broker, kafka_settings, submitted_event(1))
            await published.wait_for(Topic.PARSED, 1)

            await proxy.cut()
            failures_before = failures(Topic.SUBMITTED)
            for seed in (2, 3, 4):
                await publish_event(broker, kafka_settings, submitted_event(seed))

            async def paused_and_retrying() -> bool:
                return paused(group) == 1 and failures(Topic.SUBMITTED) - failures_before > kafka_settings.max_attempts

            await eventually(paused_and_retrying, timeout_s=30)
            await asyncio.sleep(OUTAGE_S)
            assert len(published.bodies[Topic.PARSED]) == 1
            await proxy.start()

            await published.wait_for(Topic.PARSED, 4)
        finally:
            await broker.stop()
    assert published.bodies[Topic.DLQ] == []
    assert handled(Topic.SUBMITTED, "dead_lettered") - before["dead_lettered"] == 0
    assert handled(Topic.SUBMITTED, "ok") - before["ok"] == 4
    assert paused(group) == 0


async def test_the_batch_consumer_waits_out_a_database_outage(
    kafka_settings: KafkaSettings, database_proxy, published, eventually
) -> None:
    proxy, database = database_proxy
    engine = make_engine(database, VALUES.schema or "")
    async with engine.begin() as connection:
        await connection.execute(CreateSchema(schema_name(database, "outage")))
        await connection.run_sync(VALUES.metadata.create_all)

    async def store(records: Sequence[ConsumerRecord]) -> list[BaseException | None]:
        try:
            async with engine.begin() as connection:
                rows = [{"value": record.value.decode()} for record in records]
                await connection.execute(insert(VALUES).values(rows).on_conflict_do_nothing())
        except Exception as error:  # noqa: BLE001 - each record failed with the batch's transaction
            return [error] * len(records)
        return [None] * len(records)

    async def stored() -> int:
        async with engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(VALUES))).scalar_one())

    group = f"batch-outage-{uuid.uuid4().hex[:6]}"
    broker = make_broker(kafka_settings)
    subscribe_batch(
        broker, kafka_settings, group, [Topic.PARSED], store, source="/test", max_records=5, batch_timeout_ms=50
    )
    published.subscribe(broker, kafka_settings, Topic.DLQ)
    topic = kafka_settings.topic(Topic.PARSED)
    try:
        await broker.start()
        await broker.publish(b"before", topic)
        await eventually(lambda: _equals(stored, 1))

        await proxy.cut()
        for value in (b"during-1", b"during-2", b"during-3"):
            await broker.publish(value, topic)

        async def paused_now() -> bool:
            return paused(group) == 1

        await eventually(paused_now, timeout_s=30)
        await asyncio.sleep(OUTAGE_S)
        await proxy.start()

        await eventually(lambda: _equals(stored, 4), timeout_s=60)
        assert published.bodies[Topic.DLQ] == []
        assert paused(group) == 0
    finally:
        await broker.stop()
        async with engine.begin() as connection:
            await connection.execute(DropSchema(schema_name(database, "outage"), cascade=True))
        await engine.dispose()


async def _equals(count, expected: int) -> bool:
    try:
        return await count() == expected
    except Exception:  # noqa: BLE001 - the database is unreachable through the proxy: not yet
        return False
