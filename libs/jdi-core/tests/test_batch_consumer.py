"""The batch retry/dead-letter wrapper, in memory with FastStream's TestKafkaBroker."""

import base64
from collections.abc import Sequence

from aiokafka import ConsumerRecord, TopicPartition
from faststream.kafka import TestKafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from jdi_contracts.events import DeadLettered, Topic
from jdi_core.batch_consumer import BatchHandler, batch_span, rewind_to_batch_start, subscribe_batch
from jdi_core.broker import PermanentError, make_broker
from jdi_core.settings import KafkaSettings

SETTINGS = KafkaSettings(topic_prefix="unit.", max_attempts=3, retry_backoff_s=0)


def broker_with(handler: BatchHandler, dead_letters: list[DeadLettered]):
    broker = make_broker(SETTINGS)
    subscribe_batch(
        broker, SETTINGS, "unit", [Topic.PARSED], handler, source="/test", max_records=10, batch_timeout_ms=10
    )

    @broker.subscriber(SETTINGS.topic(Topic.DLQ))
    async def collect(body: bytes) -> None:
        dead_letters.append(DeadLettered.from_bytes(body))

    return broker


async def publish_batch(broker: TestKafkaBroker, values: list[bytes]) -> None:
    await broker.publish_batch(*values, topic=SETTINGS.topic(Topic.PARSED))


async def test_only_the_failed_records_are_retried() -> None:
    seen: list[list[bytes]] = []
    dead: list[DeadLettered] = []

    async def flaky(records: Sequence[ConsumerRecord]) -> list[BaseException | None]:
        seen.append([record.value for record in records])
        first_try = len(seen) == 1
        return [ConnectionError("busy") if first_try and record.value == b"b" else None for record in records]

    async with TestKafkaBroker(broker_with(flaky, dead)) as broker:
        await publish_batch(broker, [b"a", b"b", b"c"])

    assert seen == [[b"a", b"b", b"c"], [b"b"]]
    assert dead == []


async def test_exhausted_and_permanent_failures_are_dead_lettered(increase) -> None:
    dead: list[DeadLettered] = []
    calls = 0

    async def failing(records: Sequence[ConsumerRecord]) -> list[BaseException | None]:
        nonlocal calls
        calls += 1
        outcomes: dict[bytes, BaseException | None] = {
            b"ok": None,
            b"broken": RuntimeError("model crashed"),
            b"invalid": PermanentError("version 0"),
        }
        return [outcomes[record.value] for record in records]

    async with TestKafkaBroker(broker_with(failing, dead)) as broker:
        await publish_batch(broker, [b"ok", b"broken", b"invalid"])

    letters = {base64.b64decode(letter.data.value_base64): letter.data for letter in dead}
    assert sorted(letters) == [b"broken", b"invalid"]
    assert letters[b"invalid"].attempts == 1
    assert letters[b"broken"].attempts == 3
    assert letters[b"broken"].error_type == "RuntimeError"
    assert letters[b"broken"].original_topic == "unit.jdi.documents.parsed.v1"
    assert calls == 3
    parsed = {"topic": "jdi.documents.parsed.v1"}
    assert increase("jdi_message_failures_total", **parsed) == 1 + 3
    assert increase("jdi_message_retries_total", **parsed) == 2
    assert increase("jdi_message_handling_duration_seconds_count", **parsed) == 3


async def test_a_handler_that_raises_fails_every_record_of_the_call() -> None:
    dead: list[DeadLettered] = []

    async def crashing(records: Sequence[ConsumerRecord]) -> list[BaseException | None]:
        raise RuntimeError("model crashed")

    async with TestKafkaBroker(broker_with(crashing, dead)) as broker:
        await publish_batch(broker, [b"x", b"y"])

    assert sorted(base64.b64decode(letter.data.value_base64) for letter in dead) == [b"x", b"y"]
    assert {letter.data.attempts for letter in dead} == {3}


class RecordingConsumer:
    def __init__(self) -> None:
        self.seeks: dict[TopicPartition, int] = {}

    async def commit(self) -> None:
        raise AssertionError("a failed batch must not be committed")

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.seeks[partition] = offset


def test_a_failed_batch_rewinds_every_partition_to_its_first_record() -> None:
    def record(partition: int, offset: int) -> ConsumerRecord:
        return ConsumerRecord("t", partition, offset, 0, 0, None, b"", None, 0, 0, [])

    consumer = RecordingConsumer()
    rewind_to_batch_start(consumer, [record(0, 7), record(2, 40), record(0, 8), record(2, 41), record(1, 3)])

    assert consumer.seeks == {TopicPartition("t", 0): 7, TopicPartition("t", 1): 3, TopicPartition("t", 2): 40}


async def test_records_failing_on_an_outage_wait_for_it_and_are_not_dead_lettered(increase) -> None:
    dead: list[DeadLettered] = []
    calls = 0

    async def vector_store_down_for_a_while(records: Sequence[ConsumerRecord]) -> list[BaseException | None]:
        nonlocal calls
        calls += 1
        down = calls <= 10
        return [ConnectionRefusedError(111, "Connect call failed") if down else None for _ in records]

    async with TestKafkaBroker(broker_with(vector_store_down_for_a_while, dead)) as broker:
        await publish_batch(broker, [b"a", b"b"])

    assert calls == 11
    assert dead == []
    assert increase("jdi_messages_handled_total", topic="jdi.documents.parsed.v1", outcome="ok") == 2


def test_the_batch_span_links_the_producer_span_of_every_record() -> None:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    producers = [f"00-{index:032x}-{index + 100:016x}-01" for index in (1, 2)]

    def record(offset: int, headers: list[tuple[str, bytes]]) -> ConsumerRecord:
        return ConsumerRecord("unit.jdi.documents.parsed.v1", 3, offset, 0, 0, None, b"", None, 0, 0, headers)

    records = [
        record(10, [("traceparent", producers[0].encode())]),
        record(11, []),
        record(12, [("traceparent", producers[1].encode())]),
    ]
    with batch_span(provider.get_tracer("test"), "unit-group", records):
        pass

    [batch] = spans.get_finished_spans()
    assert [(link.context.trace_id, link.context.span_id) for link in batch.links] == [(1, 101), (2, 102)]
    assert dict(batch.links[0].attributes or {}) == {
        "messaging.destination.name": "unit.jdi.documents.parsed.v1",
        "messaging.kafka.destination.partition": 3,
        "messaging.kafka.message.offset": 10,
    }
    assert batch.attributes == {"messaging.consumer.group.name": "unit-group", "messaging.batch.message_count": 3}
