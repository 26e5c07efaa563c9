"""One fault scenario: synthetic documents published at a steady rate by an upstream-style producer while a
fault happens, then every document's fate counted from what a user and an operator can see: the gateway's
status, the answer topics, the DLQ, the ingestion store's versions and the vector store's points."""

import asyncio
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from jdi_contracts.events import DocumentSubmitted, Topic
from jdi_contracts.identity import document_id_for
from jdi_samples import generate_job_description

from ..e2e.upstream import SOURCE_SYSTEM, read_answers, submitted_text, submitted_topic, upstream_headers
from ..stored_points import stored_point_ids
from .stack import FaultStack

DOCUMENTS = 200
PUBLISH_RATE_PER_S = 10.0
# The fault starts while about a third of the documents are out.
FAULT_AFTER_S = 6.0
FINAL_STATES = {"complete", "rejected", "failed"}
DRAIN_TIMEOUT_S = 420.0
# Longer than any outage a scenario makes.
PUBLISH_RETRY_S = 120.0
RESULTS_DIR = Path(__file__).resolve().parents[2] / ".work" / "faults"


@dataclass
class Outgoing:
    """One Kafka record the upstream publishes; where it landed once sent."""

    key: str
    value: bytes
    headers: list[tuple[str, bytes]]
    partition: int | None = None
    offset: int | None = None


def synthetic_documents(count: int = DOCUMENTS) -> list[DocumentSubmitted]:
    """`count` generated job descriptions, each with a job number of its own so none is another's version."""
    events = []
    for index in range(count):
        sample = generate_job_description(seed=index)
        text = sample.text.replace(sample.job_number, str(300_000 + index))
        events.append(submitted_text(f"faults/{index}", text))
    return events


def as_outgoing(event: DocumentSubmitted) -> Outgoing:
    assert event.subject is not None
    return Outgoing(event.subject, event.to_bytes(), upstream_headers(event))


# The poison's parsed record is over this `max.message.bytes` of the parsed topic; every other record is far under.
PARSED_TOPIC_LIMIT_BYTES = 256 * 1024


def poison_submission() -> DocumentSubmitted:
    """A valid submission that every attempt fails on, through no fault of its own: its parsed record (about
    400 kB) is over the parsed topic's `max.message.bytes`, which `run_scenario` sets as an operator might."""
    sample = generate_job_description(seed=99_999)
    text = sample.text.replace(sample.job_number, "399999")
    return submitted_text("faults/poison", text + text.split("\n", 1)[1] * (400_000 // len(text)))


async def limit_message_size(stack: FaultStack, topic: Topic, max_bytes: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap_servers)
    await admin.start()
    name = f"{stack.kafka_topic_prefix}{topic.value}"
    try:
        await admin.create_topics([NewTopic(name, num_partitions=6, replication_factor=1)])
    except TopicAlreadyExistsError:
        pass
    try:
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, {"max.message.bytes": str(max_bytes)})]
        )
    finally:
        await admin.close()


def malformed_records(oversize_bytes: int) -> list[Outgoing]:
    """Events that break the contract: not JSON, the wrong schema, a document over the size limit (each a
    valid submission's envelope with its data spoiled), and a reference with a NUL character, which jdi cannot
    store."""
    wrong_schema = submitted_text("faults/wrong-schema", "x").model_dump(mode="json")
    wrong_schema["data"] = {"document_id": wrong_schema["subject"], "text": 42}
    oversize = submitted_text("faults/oversize", "x").model_dump(mode="json")
    big = "a" * oversize_bytes
    oversize["data"].update(text=big, size=len(big), sha256=hashlib.sha256(big.encode()).hexdigest())
    return [
        Outgoing(document_id_for(SOURCE_SYSTEM, "faults/not-json"), b"\xff{ this is not json", []),
        Outgoing(wrong_schema["subject"], json.dumps(wrong_schema).encode(), []),
        Outgoing(oversize["subject"], json.dumps(oversize).encode(), []),
        as_outgoing(submitted_text("faults/nul\x00", "A job description.")),
    ]


async def publish_steadily(stack: FaultStack, records: list[Outgoing], rate_per_s: float) -> None:
    """Publish in order at `rate_per_s`, as an upstream would: with acks from all in-sync replicas, and every
    record retried while the broker does not take it (it may be down), for up to PUBLISH_RETRY_S.

    Not aiokafka's idempotent mode: after a broker restart it can stay out of sequence for good
    (aio-libs/aiokafka#1017), which hung a kafka-outage run. A record sent twice is the same submission, which
    ingestion answers once."""
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.kafka_bootstrap_servers,
        acks="all",
        max_request_size=20 * 1024 * 1024,
        request_timeout_ms=5000,
    )
    await producer.start()
    try:
        for record in records:
            deadline = time.monotonic() + PUBLISH_RETRY_S
            while True:
                try:
                    sent = await producer.send_and_wait(
                        submitted_topic(stack), record.value, key=record.key.encode(), headers=record.headers
                    )
                    record.partition, record.offset = sent.partition, sent.offset
                    break
                except KafkaError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(1)
            await asyncio.sleep(1 / rate_per_s)
    finally:
        await producer.stop()


def statuses(stack: FaultStack, document_ids: list[str], timeout_s: float = DRAIN_TIMEOUT_S) -> dict[str, str]:
    """Each document's status from the gateway, polled until every one is final or `timeout_s` passes."""
    found: dict[str, str] = {}
    deadline = time.monotonic() + timeout_s
    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=10) as client:
        while time.monotonic() < deadline:
            for document_id in document_ids:
                if found.get(document_id) in FINAL_STATES:
                    continue
                response = client.get(f"/v1/documents/{document_id}")
                found[document_id] = response.json()["status"] if response.status_code == 200 else "unknown"
            if all(status in FINAL_STATES for status in found.values()):
                break
            time.sleep(2)
    return found


async def dead_letters(stack: FaultStack) -> list[dict]:
    """The DLQ's letters, read from its start without a group."""
    consumer = AIOKafkaConsumer(
        f"{stack.kafka_topic_prefix}{Topic.DLQ.value}",
        bootstrap_servers=stack.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    letters = []
    try:
        batches = await consumer.getmany(timeout_ms=3000)
        while batches:
            letters += [json.loads(record.value)["data"] for records in batches.values() for record in records]
            batches = await consumer.getmany(timeout_ms=1000)
    finally:
        await consumer.stop()
    return letters


async def consumer_group(stack: FaultStack, group_id: str) -> tuple[str, int]:
    """The group's state ("Stable", "PreparingRebalance"...) and how many members it has, from its coordinator."""
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap_servers)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group_id])
    finally:
        await admin.close()
    [(_, _, state, _, _, members, *_)] = response.groups
    return state, len(members)


Replicas = dict[tuple[str, int], tuple[int, list[int], list[int]]]


async def partition_replicas(stack: FaultStack) -> Replicas:
    """(leader, replicas, in-sync replicas) of every partition of the stack's topics, from the cluster's metadata."""
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap_servers)
        try:
            await admin.start()
            topics = await admin.describe_topics()
            break
        except KafkaError:  # asked a node that is down: another one answers
            await asyncio.sleep(0.2)
        finally:
            await admin.close()
    return {
        (topic["topic"], partition["partition"]): (partition["leader"], partition["replicas"], partition["isr"])
        for topic in topics
        if topic["topic"].startswith(stack.kafka_topic_prefix)
        for partition in topic["partitions"]
    }


async def stored_versions_and_chunks(stack: FaultStack) -> tuple[Counter[str], dict[str, tuple[str, int]]]:
    """Versions per document in the ingestion store; (model id, chunk count) per embedded document in the
    gateway's read model."""
    url = stack.infra.database_url.replace("postgresql+asyncpg://", "postgresql://")
    # The schema names are the stack's own prefix, not input.
    connection = await asyncpg.connect(url)
    try:
        versions = await connection.fetch(
            f'SELECT document_id, count(*) AS n FROM "{stack.schema_prefix}ingestion".versions GROUP BY document_id'  # noqa: S608
        )
        embedded = await connection.fetch(
            f'SELECT document_id, embedding FROM "{stack.schema_prefix}gateway".documents WHERE embedding IS NOT NULL'  # noqa: S608
        )
    finally:
        await connection.close()
    chunks = {}
    for row in embedded:
        embedding = json.loads(row["embedding"])
        chunks[row["document_id"]] = (embedding["model_id"], embedding["chunk_count"])
    return Counter({row["document_id"]: row["n"] for row in versions}), chunks


@dataclass
class Report:
    scenario: str
    documents_in: int
    complete: int
    rejected: int
    failed: int
    duplicated: int
    lost: int
    malformed_rejected: int = 0
    # The poison's status in the gateway and the reasons it was answered with.
    poison_status: str | None = None
    poison_answers: list[str] = field(default_factory=list)
    # Answers published again under the same event id (at least once: a crash before the commit).
    answers_sent_again: int = 0
    # What the fault itself measured (seconds to exit, to a settled group...).
    measured: dict[str, float] = field(default_factory=dict)
    dead_lettered: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return json.dumps(asdict(self))


def run_scenario(
    name: str,
    stack: FaultStack,
    fault: Callable[[FaultStack], dict[str, float] | None],
    *,
    poison: DocumentSubmitted | None = None,
    malformed: list[Outgoing] | None = None,
) -> tuple[Report, list[Outgoing]]:
    """Publish the documents (the poison and malformed records among the first ones), apply `fault` after
    FAULT_AFTER_S, wait for every document's final state and count. The records as sent, for their partitions."""
    documents = synthetic_documents()
    records = [as_outgoing(event) for event in documents]
    extras = ([as_outgoing(poison)] if poison else []) + (malformed or [])
    for position, extra in enumerate(extras):
        records.insert(10 + 5 * position, extra)
    if poison:
        asyncio.run(limit_message_size(stack, Topic.PARSED, PARSED_TOPIC_LIMIT_BYTES))
    errors: list[BaseException] = []
    measured: dict[str, float] = {}

    def publish() -> None:
        try:
            asyncio.run(publish_steadily(stack, records, PUBLISH_RATE_PER_S))
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    # A daemon: a fault that fails leaves no publisher retrying for ever behind it.
    publisher = threading.Thread(target=publish, daemon=True)
    publisher.start()
    time.sleep(FAULT_AFTER_S)
    measured.update(fault(stack) or {})
    publisher.join()
    assert not errors, errors

    document_ids = [event.data.document_id for event in documents]
    found = statuses(stack, document_ids + ([poison.data.document_id] if poison else []))
    submissions = {event.id: event.data.document_id for event in documents}
    # A record without an id is answered under its place in the topic.
    malformed_ids = {
        _event_id(record) or f"{submitted_topic(stack)}/{record.partition}/{record.offset}": record.key
        for record in malformed or []
    }
    named = {**submissions, **malformed_ids, **({poison.id: poison.data.document_id} if poison else {})}
    answers = asyncio.run(read_answers(stack, named, timeout_s=120))
    letters = asyncio.run(dead_letters(stack))
    stack.stop("embedding")  # it owns the vector store's folder; read it once it has exited
    versions, chunks = asyncio.run(stored_versions_and_chunks(stack))
    points = {
        document_id: len(ids)
        for model_id in {model for model, _ in chunks.values()}
        for document_id, ids in stored_point_ids(stack.qdrant_path, model_id).items()
    }

    answer_ids: dict[str, set[str]] = {}
    answer_records = 0
    for answer in answers:
        if answer.key == named[answer.data["submission_id"]]:
            answer_ids.setdefault(answer.data["submission_id"], set()).add(answer.event_id)
            answer_records += 1
    problems = []
    lost: set[str] = set()
    duplicated: set[str] = set()
    for event in documents:
        document_id = event.data.document_id
        if found.get(document_id) not in FINAL_STATES:
            lost.add(document_id)
            problems.append(f"{document_id}: {found.get(document_id)} after {DRAIN_TIMEOUT_S}s")
        if event.id not in answer_ids:
            lost.add(document_id)
            problems.append(f"{document_id}: no answer")
        elif len(answer_ids[event.id]) > 1:
            duplicated.add(document_id)
            problems.append(f"{document_id}: {len(answer_ids[event.id])} different answers")
        if versions[document_id] > 1:
            duplicated.add(document_id)
            problems.append(f"{document_id}: {versions[document_id]} versions")
        if found.get(document_id) == "complete":
            stored, expected = points.get(document_id, 0), chunks[document_id][1]
            if stored != expected:
                (duplicated if stored > expected else lost).add(document_id)
                problems.append(f"{document_id}: {stored} points for {expected} chunks")
    counts = Counter(found[event.data.document_id] for event in documents)
    report = Report(
        scenario=name,
        documents_in=len(documents),
        complete=counts["complete"],
        rejected=counts["rejected"],
        failed=counts["failed"],
        duplicated=len(duplicated),
        lost=len(lost),
        malformed_rejected=sum(
            1 for answer in answers if answer.topic == Topic.REJECTED and answer.data["submission_id"] in malformed_ids
        ),
        poison_status=found.get(poison.data.document_id) if poison else None,
        poison_answers=sorted(
            {
                answer.event_id: str(answer.data.get("reason", answer.topic))
                for answer in answers
                if poison and answer.data["submission_id"] == poison.id
            }.values()
        ),
        measured=measured,
        answers_sent_again=answer_records - sum(len(ids) for ids in answer_ids.values()),
        dead_lettered=[f"{letter['original_topic']}:{letter['key']}:{letter['error_type']}" for letter in letters],
        problems=problems[:20],
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(report.line() + "\n")
    return report, records


def _event_id(record: Outgoing) -> str | None:
    try:
        return str(json.loads(record.value)["id"])
    except (ValueError, KeyError, TypeError):
        return None
