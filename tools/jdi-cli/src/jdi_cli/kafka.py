"""The CLI's Kafka, with aiokafka alone (no service runtime): publishing events as the contract specifies, and
reading a topic (the DLQ) from its start.

The wire format is the one every jdi service publishes: key = the document id, value = the CloudEvent
JSON (structured mode), headers `content-type`, `ce_type`, `ce_id` and the W3C trace context of a
producer span, so a document's trace starts where it was published.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from opentelemetry.trace import SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jdi_contracts.events import CONTENT_TYPE, CloudEvent, Topic

_TRACE_CONTEXT = TraceContextTextMapPropagator()


class KafkaSettings(BaseSettings):
    """The `KAFKA_*` variables the services read, as far as a producer needs them, with the same defaults."""

    model_config = SettingsConfigDict(env_prefix="KAFKA_")

    bootstrap_servers: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    # Documents travel base64-encoded inside the event, so requests must fit ~4/3 of the 10 MB limit.
    max_request_size: int = 16 * 1024 * 1024

    def topic(self, topic: Topic) -> str:
        return f"{self.topic_prefix}{topic.value}"


class Producer(Protocol):
    """What publishing needs of an `AIOKafkaProducer`; unit tests pass an in-memory fake."""

    async def send_and_wait(
        self, topic: str, value: bytes, key: bytes | None, headers: Sequence[tuple[str, bytes]]
    ) -> Any: ...


def make_producer(settings: KafkaSettings) -> Any:
    """An unstarted AIOKafkaProducer; call inside the event loop that will use it."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        max_request_size=settings.max_request_size,
        # One document's events share a key; acks=all keeps them once acknowledged (on min.insync.replicas
        # nodes of a cluster). Not idempotence, as in jdi_core.broker: aiokafka's cannot recover from a refused batch.
        acks="all",
    )


async def read_topic(settings: KafkaSettings, topic: str, timeout_s: float = 60.0) -> list[Any]:
    """Every record of `topic` (aiokafka ConsumerRecords), from its start to its end as of now, read without a
    consumer group: nothing is committed. A topic that does not exist has none."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described["error_code"] != 0:  # unknown topic: nothing was ever written to it
        return []
    partitions = [TopicPartition(topic, partition["partition"]) for partition in described["partitions"]]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=settings.max_request_size,
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []

        async def unread() -> bool:
            return any([await consumer.position(partition) < ends[partition] for partition in partitions])

        async with asyncio.timeout(timeout_s):
            while await unread():
                for partition, batch in (await consumer.getmany(timeout_ms=1000)).items():
                    records.extend(record for record in batch if record.offset < ends[partition])
        return records
    finally:
        await consumer.stop()


@dataclass(frozen=True)
class EventPublisher:
    producer: Producer
    tracer: Tracer
    settings: KafkaSettings

    async def publish(self, event: CloudEvent[Any]) -> None:
        """Publish keyed by the document id, inside a producer span whose context the record carries."""
        topic = self.settings.topic(event.topic)
        key = event.subject.encode() if event.subject else None
        attributes = {
            "messaging.system": "kafka",
            "messaging.destination.name": topic,
            "messaging.message.id": event.id,
        }
        if event.subject:
            attributes["messaging.kafka.message.key"] = event.subject
        with self.tracer.start_as_current_span(f"{topic} publish", kind=SpanKind.PRODUCER, attributes=attributes):
            trace_context: dict[str, str] = {}
            _TRACE_CONTEXT.inject(trace_context)
            headers = {"content-type": CONTENT_TYPE, "ce_type": event.type, "ce_id": event.id, **trace_context}
            await self.producer.send_and_wait(
                topic,
                value=event.to_bytes(),
                key=key,
                headers=[(name, value.encode()) for name, value in headers.items()],
            )
