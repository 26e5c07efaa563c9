"""Rebuild the read model from the topics into a fresh schema, then switch over (`jdi replay gateway`).

The read model is a projection: every table of it (`READ_MODEL_TABLES`) is made again from offset 0 of the
projected topics, which keep their events for ever. API keys and the logs are not events: they stay where
they are. The rebuild reads each partition up to its end offset, twice (the second pass catches what arrived
during the first); then it locks the live tables against writes (reads go on), reads what arrived since,
and in the same transaction moves the live tables to `<schema>_replaced` (kept for an operator to drop)
and the rebuilt ones into their place. The live projection, blocked meanwhile, carries on in the new
tables from its own offsets; its events are applied once there too (`applied_events` came along).
"""

import logging
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jdi_core.broker import existing_partitions
from jdi_core.db import schema_name
from jdi_core.migrations import migrate
from jdi_gateway.handlers import PROJECTED_TOPICS, ProjectionHandlers
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.postgres import PostgresProjectionWriter
from jdi_gateway.store.tables import MIGRATIONS, SCHEMA, applied_events, document_versions, documents

logger = logging.getLogger(__name__)

READ_MODEL_TABLES = (documents.name, applied_events.name, document_versions.name)
POLL_TIMEOUT_MS = 1000

Progress = Callable[[int], Awaitable[None]]


class RebuildFailed(Exception):
    """An event the rebuild could not apply: the live read model is left as it was."""


async def rebuild_read_model(settings: GatewaySettings, engine: AsyncEngine, progress: Progress) -> int:
    """Rebuild and switch over; `progress` hears the number of events applied so far. The events applied."""
    live = schema_name(settings.database, SCHEMA)
    fresh = f"{live}_rebuild"
    # Schema names come from settings, never from requests; quoted as identifiers anyway.
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA IF EXISTS "{fresh}" CASCADE'))
    fresh_engine = engine.execution_options(schema_translate_map={SCHEMA: fresh})
    await migrate(fresh_engine, SCHEMA, MIGRATIONS)
    projections = ProjectionHandlers(PostgresProjectionWriter(fresh_engine), settings.kafka.topic_prefix)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers,
        enable_auto_commit=False,
        max_partition_fetch_bytes=settings.kafka.max_request_size,
    )
    await consumer.start()
    try:
        partitions = await _partitions(settings, [settings.kafka.topic(topic) for topic in PROJECTED_TOPICS])
        if partitions:
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
        applied = 0
        for _ in range(2):
            applied = await _catch_up(consumer, partitions, projections, applied, progress, settings)
        async with engine.begin() as connection:
            await _lock_against_writes(connection, live)
            applied = await _catch_up(consumer, partitions, projections, applied, progress, settings)
            await _switch(connection, live, fresh)
    finally:
        await consumer.stop()
    logger.info("read model rebuilt", extra={"events_applied": applied, "schema": live})
    return applied


async def _partitions(settings: GatewaySettings, topics: Sequence[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        return await existing_partitions(admin, topics)
    finally:
        await admin.close()


async def _catch_up(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    projections: ProjectionHandlers,
    applied: int,
    progress: Progress,
    settings: GatewaySettings,
) -> int:
    """Apply every event up to each partition's end offset as it is now."""
    ends = await consumer.end_offsets(partitions) if partitions else {}
    while await _behind(consumer, ends):
        polled = await consumer.getmany(
            *partitions, timeout_ms=POLL_TIMEOUT_MS, max_records=settings.projection_batch_max_records
        )
        records: list[ConsumerRecord] = []
        for partition, batch in polled.items():
            records += [record for record in batch if record.offset < ends[partition]]
            if batch and batch[-1].offset >= ends[partition]:
                consumer.seek(partition, ends[partition])  # the rest is the next pass's
        outcomes = await projections.project_batch(records)
        failed = next((outcome for outcome in outcomes if outcome is not None), None)
        if failed is not None:
            raise RebuildFailed(type(failed).__name__) from failed
        applied += len(records)
        await progress(applied)
    return applied


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


async def _lock_against_writes(connection: AsyncConnection, live: str) -> None:
    tables = ", ".join(f'"{live}"."{table}"' for table in READ_MODEL_TABLES)
    await connection.execute(text(f"LOCK TABLE {tables} IN EXCLUSIVE MODE"))


async def _switch(connection: AsyncConnection, live: str, fresh: str) -> None:
    replaced = f"{live}_replaced"
    await connection.execute(text(f'DROP SCHEMA IF EXISTS "{replaced}" CASCADE'))
    await connection.execute(text(f'CREATE SCHEMA "{replaced}"'))
    for table in READ_MODEL_TABLES:
        await connection.execute(text(f'ALTER TABLE "{live}"."{table}" SET SCHEMA "{replaced}"'))
        await connection.execute(text(f'ALTER TABLE "{fresh}"."{table}" SET SCHEMA "{live}"'))
    await connection.execute(text(f'DROP SCHEMA "{fresh}" CASCADE'))
