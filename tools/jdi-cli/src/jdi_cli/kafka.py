"""Publishing events to Kafka as the contract specifies, with aiokafka alone (no service runtime).

The wire format is the one every jdi service publishes: key = the document id, value = the CloudEvent
JSON (structured mode), headers `content-type`, `ce_type`, `ce_id` and the W3C trace context of a
producer span, so a document's trace starts where it was published.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
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
        # One document's events share a key; acks=all keeps them once acknowledged.
        acks="all",
    )


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
