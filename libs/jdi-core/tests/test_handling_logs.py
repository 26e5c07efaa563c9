"""The log lines of message handling, as the JSON log handler writes them: each names the topic, the document,
the submission where there is one, and the outcome; none at INFO or above carries document text or the input
values a pydantic error quotes."""

import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterator, Sequence

import pytest
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaMessage, TestKafkaBroker
from pydantic import ValidationError

from jdi_contracts.events import DocumentParsed, DocumentSubmitted, Submitted, Topic
from jdi_core.batch_consumer import subscribe_batch
from jdi_core.broker import make_broker, publish_event, subscribe
from jdi_core.logs import json_log_handler
from jdi_core.settings import KafkaSettings
from jdi_samples import generate_job_description

SETTINGS = KafkaSettings(topic_prefix="unit.", max_attempts=3, retry_backoff_s=0)
PERSONAL_TEXT = "Incumbent Jeanne Tremblay, 613-555-0199"


@pytest.fixture
def logged() -> Iterator[Callable[[], list[dict]]]:
    """`logged()`: the JSON lines logged at INFO and above since the test began, parsed."""
    stream = io.StringIO()
    handler = json_log_handler("jdi-test", stream)
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def submitted_event(document_id: str) -> DocumentSubmitted:
    text = f"Policy Director\n{PERSONAL_TEXT}\nLeads the policy division."
    submitted = Submitted(
        document_id=document_id,
        source_system="hr",
        source_reference="ref-1",
        file_name="job.txt",
        size=len(text.encode()),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        submitted_by="test",
    )
    return DocumentSubmitted.wrap(submitted, source="/test", subject=document_id)


async def test_every_handling_line_names_document_submission_topic_and_outcome(logged) -> None:
    flaky_calls = 0

    async def on_submitted(message: KafkaMessage) -> None:
        nonlocal flaky_calls
        event = DocumentSubmitted.from_bytes(message.body)  # a contract violation raises, quoting the input
        if event.subject == "doc-flaky" and flaky_calls < 2:
            flaky_calls += 1
            raise (ConnectionRefusedError(111, "Connect call failed") if flaky_calls == 1 else RuntimeError("bug"))

    async def on_parsed(message: KafkaMessage) -> None:
        DocumentParsed.from_bytes(message.body)

    broker = make_broker(SETTINGS)
    subscribe(broker, SETTINGS, "unit-logs", {Topic.SUBMITTED: on_submitted, Topic.PARSED: on_parsed}, source="/t")
    sample = generate_job_description(seed=3, language="en")
    parsed = DocumentParsed.wrap(sample.parsed_record("doc-parsed"), source="/test", subject="doc-parsed")
    ok, flaky = submitted_event("doc-ok"), submitted_event("doc-flaky")
    invalid = json.loads(submitted_event("doc-invalid").to_bytes())
    invalid["data"]["size"] = -1
    async with TestKafkaBroker(broker) as running:
        await publish_event(running, SETTINGS, ok)
        await publish_event(running, SETTINGS, flaky)
        await publish_event(running, SETTINGS, parsed)
        await running.publish(
            json.dumps(invalid).encode(), SETTINGS.topic(Topic.SUBMITTED), key=b"doc-invalid", headers={"ce_id": "s-9"}
        )

    log_lines = logged()
    handling = [line for line in log_lines if line["name"].startswith("jdi_core.")]
    outcomes = {(line["document_id"], line["outcome"]) for line in handling}
    assert outcomes == {
        ("doc-ok", "ok"),
        ("doc-flaky", "paused"),
        ("doc-flaky", "retrying"),
        ("doc-flaky", "resumed"),
        ("doc-flaky", "ok"),
        ("doc-parsed", "ok"),
        ("doc-invalid", "dead_lettered"),
    }
    for line in handling:
        assert line["topic"] in {Topic.SUBMITTED.value, Topic.PARSED.value}
    submissions = {line["document_id"]: line["submission_id"] for line in handling}
    assert submissions == {
        "doc-ok": ok.id,
        "doc-flaky": flaky.id,
        "doc-parsed": "submission-doc-parsed-1",
        "doc-invalid": "s-9",
    }
    [dead_lettered] = [line for line in handling if line["outcome"] == "dead_lettered"]
    assert dead_lettered["level"] == "ERROR" and "data.size" in dead_lettered["error"]
    everything = json.dumps(log_lines)
    assert PERSONAL_TEXT not in everything
    assert "input_value" not in everything
    assert sample.sections[0].text not in everything


async def test_the_batch_consumer_logs_the_same_fields(logged) -> None:
    async def embed(records: Sequence[ConsumerRecord]) -> list[BaseException | None]:
        outcomes: list[BaseException | None] = []
        for record in records:
            try:
                DocumentParsed.from_bytes(record.value)
                outcomes.append(None)
            except ValidationError as error:
                outcomes.append(error)
        return outcomes

    broker = make_broker(SETTINGS)
    subscribe_batch(
        broker, SETTINGS, "unit-batch-logs", [Topic.PARSED], embed, source="/t", max_records=10, batch_timeout_ms=10
    )
    sample = generate_job_description(seed=4, language="en")
    parsed = DocumentParsed.wrap(sample.parsed_record("doc-good"), source="/test", subject="doc-good")
    broken = json.loads(parsed.to_bytes())
    broken["data"]["version"] = PERSONAL_TEXT
    async with TestKafkaBroker(broker) as running:
        await running.publish_batch(parsed.to_bytes(), json.dumps(broken).encode(), topic=SETTINGS.topic(Topic.PARSED))

    handling = [line for line in logged() if line["name"].startswith("jdi_core.")]
    assert {(line["submission_id"], line["outcome"], line["topic"]) for line in handling} == {
        ("submission-doc-good-1", "ok", Topic.PARSED.value),
        ("submission-doc-good-1", "dead_lettered", Topic.PARSED.value),
    }
    assert PERSONAL_TEXT not in json.dumps(logged())
