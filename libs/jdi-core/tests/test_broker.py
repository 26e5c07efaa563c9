"""The retry/dead-letter wrapper, in memory with FastStream's TestKafkaBroker."""

import base64

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker

from jdi_contracts.events import DeadLettered, Topic
from jdi_core.broker import PermanentError, make_broker, subscribe
from jdi_core.settings import KafkaSettings

SETTINGS = KafkaSettings(topic_prefix="unit.", max_attempts=3, retry_backoff_s=0)


def broker_with(handler, dead_letters: list[DeadLettered], settings: KafkaSettings = SETTINGS, group: str = "unit"):
    broker = make_broker(settings)
    subscribe(broker, settings, group, {Topic.PARSED: handler}, source="/test")

    @broker.subscriber(settings.topic(Topic.DLQ))
    async def collect(body: bytes) -> None:
        dead_letters.append(DeadLettered.from_bytes(body))

    return broker


PARSED = {"topic": "jdi.documents.parsed.v1"}


async def test_transient_failures_are_retried_until_success(increase) -> None:
    calls: list[bytes] = []
    dead: list[DeadLettered] = []

    async def flaky(message: KafkaMessage) -> None:
        calls.append(message.body)
        if len(calls) < 3:
            raise ConnectionError("database restarting")

    async with TestKafkaBroker(broker_with(flaky, dead)) as broker:
        await broker.publish(b"payload", SETTINGS.topic(Topic.PARSED), key=b"doc-1")

    assert calls == [b"payload"] * 3
    assert dead == []
    assert increase("jdi_message_failures_total", **PARSED) == 2
    assert increase("jdi_message_retries_total", **PARSED) == 2
    assert increase("jdi_messages_handled_total", outcome="ok", **PARSED) == 1
    assert increase("jdi_messages_handled_total", outcome="dead_lettered", **PARSED) == 0
    assert increase("jdi_message_handling_duration_seconds_count", **PARSED) == 1


async def test_exhausted_retries_go_to_the_dlq_with_the_original_record(increase) -> None:
    dead: list[DeadLettered] = []

    async def broken(message: KafkaMessage) -> None:
        raise RuntimeError("model crashed")

    async with TestKafkaBroker(broker_with(broken, dead)) as broker:
        await broker.publish(b"payload", SETTINGS.topic(Topic.PARSED), key=b"doc-1", headers={"x": "1"})

    assert len(dead) == 1
    letter = dead[0].data
    assert letter.original_topic == "unit.jdi.documents.parsed.v1"
    assert letter.attempts == 3
    assert letter.error_type == "RuntimeError"
    assert letter.key == "doc-1"
    assert letter.headers["x"] == "1"
    assert base64.b64decode(letter.value_base64) == b"payload"
    assert increase("jdi_message_failures_total", **PARSED) == 3
    assert increase("jdi_message_retries_total", **PARSED) == 2
    assert increase("jdi_messages_handled_total", outcome="dead_lettered", **PARSED) == 1


@pytest.mark.parametrize("error", [PermanentError("version 0 is invalid")])
async def test_permanent_errors_skip_retries(error: Exception, increase) -> None:
    calls = 0
    dead: list[DeadLettered] = []

    async def invalid(message: KafkaMessage) -> None:
        nonlocal calls
        calls += 1
        raise error

    async with TestKafkaBroker(broker_with(invalid, dead)) as broker:
        await broker.publish(b"{}", SETTINGS.topic(Topic.PARSED), key=b"doc-2")

    assert calls == 1
    assert [letter.data.attempts for letter in dead] == [1]
    assert increase("jdi_message_retries_total", **PARSED) == 0
    assert increase("jdi_messages_handled_total", outcome="dead_lettered", **PARSED) == 1


async def test_a_contract_violation_is_dead_lettered_without_the_document_text(caplog) -> None:
    """A pydantic error's text quotes the input; the DLQ and the logs get fields and problems only."""
    personal_text = "Incumbent Jeanne Tremblay, 613-555-0199"
    dead: list[DeadLettered] = []

    async def strict(message: KafkaMessage) -> None:
        DeadLettered.from_bytes(message.body)

    async with TestKafkaBroker(broker_with(strict, dead)) as broker:
        await broker.publish(f'{{"data": "{personal_text}"}}'.encode(), SETTINGS.topic(Topic.PARSED), key=b"doc-3")

    [letter] = dead
    assert letter.data.error_type == "ValidationError"
    assert "data: Input should be" in letter.data.error_message
    assert personal_text not in letter.data.error_message
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "dead-lettered" in logged
    assert personal_text not in logged


async def test_a_database_outage_longer_than_the_attempts_dead_letters_nothing(increase) -> None:
    calls = 0
    dead: list[DeadLettered] = []

    async def needs_the_database(message: KafkaMessage) -> None:
        nonlocal calls
        calls += 1
        if calls <= 10:  # far more than max_attempts
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    async with TestKafkaBroker(broker_with(needs_the_database, dead, group="unit-outage")) as broker:
        await broker.publish(b"payload", SETTINGS.topic(Topic.PARSED), key=b"doc-1")

    assert calls == 11
    assert dead == []
    assert increase("jdi_messages_handled_total", outcome="ok", **PARSED) == 1
    assert increase("jdi_message_retries_total", **PARSED) == 10
    assert increase("jdi_consumer_paused", group="unit-outage") == 0  # resumed


async def test_an_outage_past_its_limit_dead_letters_after_the_bounded_attempts() -> None:
    settings = SETTINGS.model_copy(update={"outage_max_pause_s": 0})
    calls = 0
    dead: list[DeadLettered] = []

    async def database_gone(message: KafkaMessage) -> None:
        nonlocal calls
        calls += 1
        raise ConnectionRefusedError(111, "Connect call failed")

    async with TestKafkaBroker(broker_with(database_gone, dead, settings)) as broker:
        await broker.publish(b"payload", settings.topic(Topic.PARSED), key=b"doc-1")

    assert calls == settings.max_attempts
    assert [(letter.data.error_type, letter.data.attempts) for letter in dead] == [("ConnectionRefusedError", 3)]
