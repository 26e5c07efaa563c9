"""Kafka broker factory, event publishing and the retry/dead-letter consumer wrapper."""

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.annotations import KafkaMessage as CurrentMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from pydantic import ValidationError

from jdi_contracts.events import CONTENT_TYPE, CloudEvent, DeadLetter, DeadLettered, Topic
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

UNKNOWN_TOPIC = 3  # Kafka's UNKNOWN_TOPIC_OR_PARTITION error code

Handler = Callable[[KafkaMessage], Awaitable[None]]
Publish = Callable[[CloudEvent[Any]], Awaitable[None]]


class PermanentError(Exception):
    """Retrying cannot help (bad payload, violated invariant): dead-letter at once."""


def make_broker(settings: KafkaSettings, tracer_provider: TracerProvider | None = None) -> KafkaBroker:
    middlewares = [KafkaTelemetryMiddleware(tracer_provider=tracer_provider)] if tracer_provider else []
    return KafkaBroker(
        # FastStream hands a string to aiokafka as one address; a cluster's "host:port,host:port" must be a list.
        [server.strip() for server in settings.bootstrap_servers.split(",") if server.strip()],
        max_request_size=settings.max_request_size,
        # One document's events share a key; acks=all keeps them once acknowledged (on min.insync.replicas
        # nodes of a cluster). Not aiokafka's idempotence: once the broker refuses a batch for good (a record
        # over a topic's max.message.bytes), its idempotent producer stays out of sequence on that partition
        # and fails every later send until restarted (aio-libs/aiokafka#1017; the fault suite's poison scenario
        # lost 29 documents to it). What a retried send may write twice, the consumers absorb (event ids, versions).
        acks="all",
        middlewares=middlewares,
        logger=logging.getLogger("jdi.broker"),
        # FastStream's own line per message ("Received", "Processed") names no document: ours do (INFO).
        log_level=logging.DEBUG,
    )


async def publish_event(broker: KafkaBroker, settings: KafkaSettings, event: CloudEvent[Any]) -> None:
    """Publish keyed by the document id so one document's events stay ordered in one partition."""
    await broker.publish(
        event.to_bytes(),
        topic=settings.topic(event.topic),
        key=event.subject.encode() if event.subject else None,
        headers={"content-type": CONTENT_TYPE, "ce_type": event.type, "ce_id": event.id},
    )


def event_publisher(broker: KafkaBroker, settings: KafkaSettings) -> Publish:
    """What handlers get to publish with; unit tests pass a recording fake instead."""

    async def publish(event: CloudEvent[Any]) -> None:
        await publish_event(broker, settings, event)

    return publish


def subscribe(
    broker: KafkaBroker,
    settings: KafkaSettings,
    group_id: str,
    handlers: Mapping[Topic, Handler],
    *,
    source: str,
    dead_letter_answers: Mapping[Topic, Handler] | None = None,
) -> None:
    """Consume the topics at least once with one consumer: bounded retries with backoff, then the DLQ; an
    unreachable dependency pauses the consumer until it is back (see `jdi_core.retries`); never stuck.

    A topic's `dead_letter_answers` handler answers a message's sender before the message is dead-lettered.
    The offset is committed only after the handler (or the answer and the dead-lettering) succeeded; if even the
    DLQ cannot be written the message is nacked and read again rather than skipped.
    """
    answers = dead_letter_answers or {}
    by_name = {settings.topic(topic): (topic, handler) for topic, handler in handlers.items()}
    declare_topics(topic.value for topic in handlers)
    outage = Outage(settings, group_id)

    async def handle_with_retries(message: CurrentMessage) -> None:
        record = single_record(message)
        topic, handler = by_name[record.topic]
        fields = message_fields(record, topic)
        started = time.perf_counter()
        outcome = await _handle(topic, handler, message, fields)
        elapsed = time.perf_counter() - started
        MESSAGE_HANDLING_SECONDS.labels(topic.value).observe(elapsed)
        MESSAGES_HANDLED.labels(topic.value, outcome).inc()
        NEXT_OFFSETS[(group_id, record.topic, record.partition)] = record.offset + 1
        if outcome == "ok":
            logger.info("message handled", extra={**fields, "outcome": outcome, "duration_s": round(elapsed, 3)})

    async def _handle(topic: Topic, handler: Handler, message: KafkaMessage, fields: dict[str, object]) -> str:
        attempt = 1
        while True:
            try:
                await handler(message)
                outage.over(fields)
                return "ok"
            except Exception as error:  # noqa: BLE001 - retried unless permanent, then dead-lettered
                MESSAGE_FAILURES.labels(topic.value).inc()
                permanent = isinstance(error, PermanentError | ValidationError)
                if not permanent and outage.should_wait(error, fields):
                    MESSAGE_RETRIES.labels(topic.value).inc()
                    await outage.wait(pausable(message.consumer))
                    continue
                if permanent or attempt >= settings.max_attempts:
                    if topic in answers:
                        await answers[topic](message)
                    await dead_letter(broker, settings, message, error, attempt, source=source, fields=fields)
                    return "dead_lettered"
                MESSAGE_RETRIES.labels(topic.value).inc()
                logger.warning(
                    "handler failed, retrying",
                    extra={**fields, "outcome": "retrying", "attempt": attempt, "error": describe_error(error)},
                )
                await asyncio.sleep(backoff_s(settings, attempt))
                attempt += 1

    broker.subscriber(*by_name, group_id=group_id, **consumer_options(settings))(handle_with_retries)


async def existing_partitions(admin: AIOKafkaAdminClient, topics: Sequence[str]) -> list[TopicPartition]:
    """Every partition of those topics that exist: a topic never written to has none (and nothing to replay)."""
    partitions = []
    for topic in await admin.describe_topics(list(topics)):
        if topic["error_code"] == UNKNOWN_TOPIC:
            continue
        if topic["error_code"]:
            raise ConnectionError(f"cannot describe topic {topic['topic']!r}: error {topic['error_code']}")
        partitions += [TopicPartition(topic["topic"], each["partition"]) for each in topic["partitions"]]
    return sorted(partitions)


def consumer_options(settings: KafkaSettings) -> dict[str, Any]:
    """At least once: start from the beginning of new groups, commit only after handling (a failure
    rewinds), and fetch records as large as the largest document event."""
    return {
        "auto_offset_reset": "earliest",
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "session_timeout_ms": settings.session_timeout_ms,
        "heartbeat_interval_ms": settings.heartbeat_interval_ms,
        "max_partition_fetch_bytes": settings.max_request_size,
    }


def single_record(message: KafkaMessage) -> Any:
    """The aiokafka ConsumerRecord of a message (aiokafka has no type hints); our subscribers are never batch
    subscribers, which receive a tuple of records."""
    record = message.raw_message
    if isinstance(record, tuple):
        raise TypeError("a batch of Kafka records where one record was expected")
    return record


async def dead_letter(
    broker: KafkaBroker,
    settings: KafkaSettings,
    message: KafkaMessage,
    error: BaseException,
    attempts: int,
    *,
    source: str,
    fields: Mapping[str, object],
) -> None:
    """`fields` describe the message for the log (`handling_logs.message_fields`)."""
    record = single_record(message)
    key = record.key.decode(errors="replace") if record.key else None
    logger.error(
        "message dead-lettered",
        extra={**fields, "outcome": "dead_lettered", "attempts": attempts, "error": describe_error(error)},
    )
    letter = DeadLetter(
        original_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=key,
        headers={name: value.decode(errors="replace") for name, value in record.headers},
        value_base64=base64.b64encode(record.value or b"").decode(),
        error_type=type(error).__name__,
        error_message=describe_error(error)[:2000],
        attempts=attempts,
    )
    await publish_event(broker, settings, DeadLettered.wrap(letter, source=source, subject=key))
