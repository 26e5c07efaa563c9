"""Batch consumption with the guarantees of `jdi_core.broker.subscribe`: at least once, bounded
retries with backoff, then the DLQ; never stuck, never skipping.

One poll returns up to `max_records` records (or what arrived within `batch_timeout_ms`); the batch
handler handles them together and reports one outcome per record. Records that failed are retried
on their own, with backoff, and dead-lettered after `max_attempts`, so one bad record never holds
back the others' work. Offsets are committed only when every record of the batch is handled or
dead-lettered. If even the DLQ cannot be written, every partition of the batch is rewound to its
first record of the batch and the whole batch is read again (handlers are idempotent).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.annotations import KafkaMessage as CurrentMessage
from faststream.kafka.message import ConsumerProtocol
from faststream.kafka.subscriber.usecase import BatchSubscriber
from pydantic import ValidationError

from jdi_contracts.events import Topic
from jdi_core.broker import PermanentError, consumer_options, dead_letter
from jdi_core.metrics import (
    MESSAGE_FAILURES,
    MESSAGE_HANDLING_SECONDS,
    MESSAGE_RETRIES,
    MESSAGES_HANDLED,
    NEXT_OFFSETS,
    declare_topics,
)
from jdi_core.settings import KafkaSettings

logger = logging.getLogger(__name__)

# One entry per record, in order: None when it was handled, else the error it failed with.
BatchHandler = Callable[[Sequence[ConsumerRecord]], Awaitable[Sequence[BaseException | None]]]
RecordKey = tuple[str, int, int]


def _key(record: ConsumerRecord) -> RecordKey:
    return (record.topic, record.partition, record.offset)


def subscribe_batch(
    broker: KafkaBroker,
    settings: KafkaSettings,
    group_id: str,
    topics: Sequence[Topic],
    handler: BatchHandler,
    *,
    source: str,
    max_records: int,
    batch_timeout_ms: int,
) -> BatchSubscriber:
    """Consume `topics` in batches with one consumer of `group_id`; returns the subscriber so the
    caller can stop it."""
    by_name = {settings.topic(topic): topic for topic in topics}
    declare_topics(topic.value for topic in topics)

    async def handle_batch(message: CurrentMessage) -> None:
        records = message.raw_message
        if isinstance(records, ConsumerRecord):
            raise TypeError("subscribe_batch needs a batch subscriber")
        if not records:
            return
        started = time.perf_counter()
        try:
            outcomes = await _handle_with_retries(records, message.consumer)
        except BaseException:
            rewind_to_batch_start(message.consumer, records)
            raise
        # Every record of the batch waited for the whole batch to be handled.
        elapsed = time.perf_counter() - started
        for record in records:
            topic = by_name[record.topic].value
            MESSAGE_HANDLING_SECONDS.labels(topic).observe(elapsed)
            MESSAGES_HANDLED.labels(topic, outcomes[_key(record)]).inc()
            position = (group_id, record.topic, record.partition)
            NEXT_OFFSETS[position] = max(NEXT_OFFSETS.get(position, 0), record.offset + 1)

    async def _handle_with_retries(
        records: Sequence[ConsumerRecord], consumer: ConsumerProtocol
    ) -> dict[RecordKey, str]:
        outcomes: dict[RecordKey, str] = {}
        pending = list(records)
        attempt = 1
        while pending:
            try:
                errors = list(await handler(pending))
            except Exception as error:  # noqa: BLE001 - the handler as a whole failed: so did each record
                errors = [error] * len(pending)
            retry: list[ConsumerRecord] = []
            for record, failure in zip(pending, errors, strict=True):
                if failure is None:
                    outcomes[_key(record)] = "ok"
                    continue
                MESSAGE_FAILURES.labels(by_name[record.topic].value).inc()
                if isinstance(failure, PermanentError | ValidationError) or attempt >= settings.max_attempts:
                    as_message = KafkaMessage(raw_message=record, body=record.value or b"", consumer=consumer)
                    await dead_letter(broker, settings, as_message, failure, attempt, source=source)
                    outcomes[_key(record)] = "dead_lettered"
                else:
                    retry.append(record)
                    MESSAGE_RETRIES.labels(by_name[record.topic].value).inc()
                    logger.warning(
                        "record failed, retrying",
                        extra={
                            "topic": record.topic,
                            "offset": record.offset,
                            "attempt": attempt,
                            "error": repr(failure),
                        },
                    )
            if retry:
                await asyncio.sleep(settings.retry_backoff_s * 2 ** (attempt - 1))
                attempt += 1
            pending = retry
        return outcomes

    subscriber: BatchSubscriber = broker.subscriber(
        *by_name,
        group_id=group_id,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=batch_timeout_ms,
        **consumer_options(settings),
    )
    subscriber(handle_batch)
    return subscriber


def rewind_to_batch_start(consumer: ConsumerProtocol, records: Sequence[ConsumerRecord]) -> None:
    """Seek every partition of the batch back to its first record (FastStream's own nack rewinds
    only the partition of the batch's first record)."""
    first: dict[TopicPartition, int] = {}
    for record in records:
        partition = TopicPartition(record.topic, record.partition)
        first[partition] = min(first.get(partition, record.offset), record.offset)
    for partition, offset in first.items():
        consumer.seek(partition, offset)
