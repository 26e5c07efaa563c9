"""Publishing as an upstream team in another language would: a plain Kafka producer (raw aiokafka, not the
project's publisher) writing the contract's structured-mode CloudEvent with its headers."""

import asyncio
import base64
import hashlib
import json
from typing import NamedTuple

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from jdi_contracts.events import CONTENT_TYPE, DocumentSubmitted, Submitted, Topic
from jdi_contracts.identity import document_id_for

SOURCE_SYSTEM = "hr-upstream"


def submitted_text(reference: str, text: str, file_name: str = "upstream.txt") -> DocumentSubmitted:
    """A submission of `text` under the document id the upstream derives from its own reference."""
    return _submitted(reference, file_name, text.encode(), text=text)


def submitted_file(reference: str, content: bytes, file_name: str) -> DocumentSubmitted:
    """A submission of a file's bytes (base64) under the document id the upstream derives from its reference."""
    return _submitted(reference, file_name, content, content_base64=base64.b64encode(content).decode())


def _submitted(reference: str, file_name: str, content: bytes, **body: str) -> DocumentSubmitted:
    document_id = document_id_for(SOURCE_SYSTEM, reference)
    submitted = Submitted(
        document_id=document_id,
        source_system=SOURCE_SYSTEM,
        source_reference=reference,
        file_name=file_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        submitted_by="upstream-test",
        **body,
    )
    return DocumentSubmitted.wrap(submitted, source="/upstream/test", subject=document_id)


def upstream_headers(event: DocumentSubmitted, traceparent: str | None = None) -> list[tuple[str, bytes]]:
    """The structured-mode CloudEvent's Kafka headers."""
    headers = [
        ("content-type", CONTENT_TYPE.encode()),
        ("ce_type", event.type.encode()),
        ("ce_id", event.id.encode()),
    ]
    if traceparent is not None:
        headers.append(("traceparent", traceparent.encode()))
    return headers


def submitted_topic(stack) -> str:
    return f"{stack.kafka_topic_prefix}{Topic.SUBMITTED.value}"


async def publish_as_upstream(stack, *events: DocumentSubmitted, traceparent: str | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap_servers)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                submitted_topic(stack),
                event.to_bytes(),
                key=event.subject.encode() if event.subject else None,
                headers=upstream_headers(event, traceparent),
            )
    finally:
        await producer.stop()


ANSWER_TOPICS = (Topic.PARSED, Topic.REJECTED, Topic.FILED)


class Answer(NamedTuple):
    topic: Topic
    key: str
    data: dict
    event_id: str


async def read_answers(
    stack, submissions: dict[str, str], timeout_s: float = 120.0, settle_s: float = 5.0
) -> list[Answer]:
    """Every answer topic's records about `submissions` (submission id -> the document id it named), read from
    the topics' start without a group, as an upstream's consumer would: until each submission has an answer
    keyed by its id, then `settle_s` more so that a second answer would show."""
    topics = {f"{stack.kafka_topic_prefix}{topic.value}": topic for topic in ANSWER_TOPICS}
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=stack.kafka_bootstrap_servers, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    answers: list[Answer] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        settled_at: float | None = None
        while loop.time() < (deadline if settled_at is None else settled_at):
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    event = json.loads(record.value)
                    data = event["data"]
                    if data.get("submission_id") in submissions:
                        answers.append(Answer(topics[record.topic], record.key.decode(), data, event["id"]))
            answered = {
                answer.data["submission_id"]
                for answer in answers
                if submissions[answer.data["submission_id"]] == answer.key
            }
            if settled_at is None and answered == set(submissions):
                settled_at = loop.time() + settle_s
    finally:
        await consumer.stop()
    return answers
