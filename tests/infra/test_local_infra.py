"""Smoke tests of the infrastructure fixtures against a real broker and database."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

pytestmark = pytest.mark.integration

CONSUME_TIMEOUT_S = 60
# A 10 MB document grows to about 13.4 MB in base64; the broker must take it.
LARGE_VALUE_BYTES = 14 * 1024 * 1024
CLIENT_MAX_BYTES = 20 * 1024 * 1024


async def produce(bootstrap_servers: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, max_request_size=CLIENT_MAX_BYTES)
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(topic, key=key, value=value, headers=[("ce_type", b"smoke")])
    finally:
        await producer.stop()


async def consume(
    bootstrap_servers: str,
    topic: str,
    group_id: str,
    count: int,
    settings: dict[str, int | str],
) -> list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        max_partition_fetch_bytes=CLIENT_MAX_BYTES,
        **settings,
    )
    await consumer.start()
    received = []
    try:
        async with asyncio.timeout(CONSUME_TIMEOUT_S):
            while len(received) < count:
                message = await consumer.getone()
                received.append((message.key, message.value, list(message.headers)))
    finally:
        await consumer.stop()
    return received


async def test_message_round_trip_through_broker(
    kafka_bootstrap_servers: str,
    topic_prefix: str,
    fast_consumer_settings: dict[str, int | str],
) -> None:
    topic = f"{topic_prefix}infra.round-trip"
    await produce(kafka_bootstrap_servers, topic, [(b"doc-1", b'{"hello": "broker"}')])

    received = await consume(
        kafka_bootstrap_servers,
        topic,
        f"{topic_prefix}infra-round-trip",
        1,
        fast_consumer_settings,
    )

    assert received == [(b"doc-1", b'{"hello": "broker"}', [("ce_type", b"smoke")])]


async def test_broker_accepts_base64_sized_document(
    kafka_bootstrap_servers: str,
    topic_prefix: str,
    fast_consumer_settings: dict[str, int | str],
) -> None:
    topic = f"{topic_prefix}infra.large"
    large_value = os.urandom(LARGE_VALUE_BYTES)
    await produce(kafka_bootstrap_servers, topic, [(b"doc-large", large_value)])

    received = await consume(
        kafka_bootstrap_servers,
        topic,
        f"{topic_prefix}infra-large",
        1,
        fast_consumer_settings,
    )

    key, value, _ = received[0]
    assert key == b"doc-large"
    assert value == large_value


async def test_database_accepts_queries_and_schemas(database_url: str, db_schema_prefix: str) -> None:
    # asyncpg takes a plain libpq URL; the fixture gives the SQLAlchemy form.
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    schema = f"{db_schema_prefix}infra_smoke"
    try:
        assert await connection.fetchval("SELECT 1") == 1
        await connection.execute(f'CREATE SCHEMA "{schema}"')
        # The schema is the test's own name: identifiers cannot be bound parameters.
        await connection.execute(f'CREATE TABLE "{schema}".notes (id int PRIMARY KEY, body text NOT NULL)')
        await connection.execute(f'INSERT INTO "{schema}".notes VALUES (1, $1)', "stored")  # noqa: S608
        assert await connection.fetchval(f'SELECT body FROM "{schema}".notes WHERE id = 1') == "stored"  # noqa: S608
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1",
                schema,
            )
            == 1
        )
    finally:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await connection.close()
