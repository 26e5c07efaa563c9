"""Batch consumption with the guarantees of `jdi_core.broker.subscribe`: at least once, bounded
retries with backoff, then the DLQ; never stuck, never skipping.

One poll returns up to `max_records` records (or what arrived within `batch_timeout_ms`); the batch
handler handles them together and reports one outcome per record. Records that failed are retried
on their own, with backoff, and dead-lettered after `max_attempts`, so one bad record never holds
back the others' work. Offsets are committed only when every record of the batch is handled or
dead-lettered. If even the DLQ cannot be written, every partition of the batch is rewound to its
first record of the batch and the whole batch is read again (handlers are idempotent). Records that
failed because a dependency is unreachable are retried, the consumer paused, until it is back
(`jdi_core.retries`).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from aiokafka import ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.annotations import KafkaMessage as CurrentMessage
from faststream.kafka.message import ConsumerProtocol
from faststream.kafka.subscriber.usecase import BatchSubscriber
from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.trace import Link, SpanKind, Tracer
from pydantic import ValidationError

from jdi_contracts.events import Topic
from jdi_core.broker import PermanentError, consumer_options, dead_letter
from jdi_core.errors import describe_error
from jdi_core.handling_logs import message_fields
from jdi_core.metrics import (
    MESSAGE_FAILURES,
    MESSAGE_HANDLING_SECONDS,
    MESSAGE_RETRIES,
    MESSAGES_HANDLED,
    NEXT_OFFSETS,
    declare_topics,
)
from jdi_core.retries import Outage, backoff_s, pausable
from jdi_core.settings import KafkaSettings

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

# One entry per record, in order: None when it was handled, else the error it failed with.
BatchHandler = Callable[[Sequence[ConsumerRecord]], Awaitable[Sequence[BaseException | None]]]


@dataclass
class _Handling:
    """One record of a batch on its way to an outcome."""

    record: ConsumerRecord
    fields: dict[str, object]  # for the log (`handling_logs.message_fields`)
    attempts: int = 1
    outcome: str = "pending"


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
    outage = Outage(settings, group_id)

    async def handle_batch(message: CurrentMessage) -> None:
        records = message.raw_message
        if isinstance(records, ConsumerRecord):
            raise TypeError("subscribe_batch needs a batch subscriber")
        if not records:
            return
        handlings = [_Handling(record, message_fields(record, by_name[record.topic])) for record in records]
        started = time.perf_counter()
        with batch_span(tracer, group_id, records):
            try:
                await _handle_with_retries(handlings, message.consumer)
            except BaseException:
                rewind_to_batch_start(message.consumer, records)
                raise
        # Every record of the batch waited for the whole batch to be handled.
        elapsed = time.perf_counter() - started
        for handling in handlings:
            record, topic = handling.record, by_name[handling.record.topic].value
            MESSAGE_HANDLING_SECONDS.labels(topic).observe(elapsed)
            MESSAGES_HANDLED.labels(topic, handling.outcome).inc()
            position = (group_id, record.topic, record.partition)
            NEXT_OFFSETS[position] = max(NEXT_OFFSETS.get(position, 0), record.offset + 1)
            if handling.outcome == "ok":
                logger.info(
                    "message handled", extra={**handling.fields, "outcome": "ok", "duration_s": round(elapsed, 3)}
                )

    async def _handle_with_retries(handlings: list[_Handling], consumer: ConsumerProtocol) -> None:
        pending = handlings
        while pending:
            try:
                errors = list(await handler([handling.record for handling in pending]))
            except Exception as error:  # noqa: BLE001 - the handler as a whole failed: so did each record
                errors = [error] * len(pending)
            retry: list[_Handling] = []
            waiting_for_dependency = False
            for handling, failure in zip(pending, errors, strict=True):
                if failure is None:
                    handling.outcome = "ok"
                    continue
                topic = by_name[handling.record.topic].value
                MESSAGE_FAILURES.labels(topic).inc()
                permanent = isinstance(failure, PermanentError | ValidationError)
                if not permanent and outage.should_wait(failure, handling.fields):
                    waiting_for_dependency = True
                elif permanent or handling.attempts >= settings.max_attempts:
                    await _dead_letter(handling, failure, consumer)
                    continue
                else:
                    logger.warning(
                        "record failed, retrying",
                        extra={
                            **handling.fields,
                            "outcome": "retrying",
                            "attempt": handling.attempts,
                            "error": describe_error(failure),
                        },
                    )
                    handling.attempts += 1
                MESSAGE_RETRIES.labels(topic).inc()
                retry.append(handling)
            handled = [handling for handling, failure in zip(pending, errors, strict=True) if failure is None]
            if handled:
                outage.over(handled[0].fields)
            if waiting_for_dependency:
                await outage.wait(pausable(consumer))
            elif retry:
                await asyncio.sleep(backoff_s(settings, max(handling.attempts for handling in retry) - 1))
            pending = retry

    async def _dead_letter(handling: _Handling, error: BaseException, consumer: ConsumerProtocol) -> None:
        record = handling.record
        as_message = KafkaMessage(raw_message=record, body=record.value or b"", consumer=consumer)
        await dead_letter(broker, settings, as_message, error, handling.attempts, source=source, fields=handling.fields)
        handling.outcome = "dead_lettered"

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


@contextmanager
def batch_span(tracer: trace.Tracer, group_id: str, records: Sequence[ConsumerRecord]) -> Iterator[None]:
    """The batch's span, linking the producer span of every record it handles (from the record's W3C headers).

    A batch holds records of many traces, so it cannot be a child of each; the batch handler continues each
    record's own trace in spans of its own, and these links say which records were handled together."""
    links = []
    for record in records:
        headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
        context = trace.get_current_span(extract(headers)).get_span_context()
        if context.is_valid:
            attributes = {
                "messaging.destination.name": record.topic,
                "messaging.kafka.destination.partition": record.partition,
                "messaging.kafka.message.offset": record.offset,
            }
            links.append(Link(context, attributes))
    attributes = {"messaging.consumer.group.name": group_id, "messaging.batch.message_count": len(records)}
    with tracer.start_as_current_span("handle batch", links=links, attributes=attributes):
        yield


@contextmanager
def record_span(
    tracer: Tracer, record: ConsumerRecord, document_id: str, start_time: int | None = None
) -> Iterator[None]:
    """A span for one record's work, in the trace its producer started, linking the current (batch) span."""
    headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
    attributes = {
        "messaging.system": "kafka",
        "messaging.operation": "process",
        "messaging.destination.name": record.topic,
        "messaging.kafka.destination.partition": record.partition,
        "messaging.kafka.message.offset": record.offset,
        "jdi.document_id": document_id,
    }
    batch = trace.get_current_span().get_span_context()
    with tracer.start_as_current_span(
        f"{record.topic} process",
        context=extract(headers),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
        links=[Link(batch)] if batch.is_valid else None,
        start_time=start_time,
    ):
        yield


def rewind_to_batch_start(consumer: ConsumerProtocol, records: Sequence[ConsumerRecord]) -> None:
    """Seek every partition of the batch back to its first record (FastStream's own nack rewinds
    only the partition of the batch's first record)."""
    first: dict[TopicPartition, int] = {}
    for record in records:
        partition = TopicPartition(record.topic, record.partition)
        first[partition] = min(first.get(partition, record.offset), record.offset)
    for partition, offset in first.items():
        consumer.seek(partition, offset)
