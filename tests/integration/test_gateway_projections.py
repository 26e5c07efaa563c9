"""The gateway's projection batch handler as `create_app` subscribes it, run twice: FastStream's
TestKafkaBroker in memory on an in-memory read model, and `with_real=True` on the real broker and
PostgreSQL (integration). Events arrive out of order and twice; the read model still ends up right."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from faststream.kafka import TestKafkaBroker

from jdi_contracts.events import CloudEvent, Topic
from jdi_core.batch_consumer import BatchHandler, subscribe_batch
from jdi_core.broker import make_broker, publish_event
from jdi_core.migrations import migrate
from jdi_core.settings import KafkaSettings
from jdi_gateway.app import MIGRATIONS
from jdi_gateway.handlers import CONTENT_COLUMNS, PROJECTED_TOPICS, SOURCE
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.port import Application, DocumentRow
from jdi_gateway.store.tables import SCHEMA
from jdi_gateway.wiring import Wiring, wire

from .gateway_events import analyzed, dead_lettered, deleted, embedded, filed, parsed, rejected

DOCUMENT_FIELDS = {field.name for field in fields(DocumentRow)}


class InMemoryProjection:
    """The projection writer and the read model's `document` look-up, on dicts."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, Any]] = {}
        self.applied: set[str] = set()

    async def apply_all(self, applications: Sequence[Application]) -> None:
        for application in applications:
            if application.event_id in self.applied:
                continue
            self.applied.add(application.event_id)
            values = application.change(await self.document(application.document_id))
            if values is not None:
                now = datetime.now(UTC)
                row = self.columns.setdefault(
                    application.document_id, {"document_id": application.document_id, "created_at": now}
                )
                row.update(values, updated_at=now)

    async def document(self, document_id: str) -> DocumentRow | None:
        """The read model's look-up: an alias resolves to its canonical document once that is known."""
        row = self.columns.get(document_id)
        while row is not None and row.get("canonical_document_id") in self.columns:
            row = self.columns[row["canonical_document_id"]]
        return DocumentRow(**{k: v for k, v in row.items() if k in DOCUMENT_FIELDS}) if row else None


@dataclass
class Projection:
    wired: Wiring
    send: Callable[..., Awaitable[None]]


def counting(handler: BatchHandler, handled: list[int]) -> BatchHandler:
    async def counted(records: Sequence[ConsumerRecord]) -> Sequence[BaseException | None]:
        outcomes = await handler(records)
        handled.extend(record.offset for record, outcome in zip(records, outcomes, strict=True) if outcome is None)
        return outcomes

    return counted


@pytest.fixture(params=["memory", pytest.param("kafka", marks=pytest.mark.integration)])
async def projection(request: pytest.FixtureRequest) -> AsyncIterator[Projection]:
    real = request.param == "kafka"
    if real:
        kafka: KafkaSettings = request.getfixturevalue("kafka_settings")
        settings = GatewaySettings(
            kafka=kafka, database=request.getfixturevalue("database_settings"), group_id=f"gw-{uuid.uuid4().hex[:8]}"
        )
        wired = wire(settings)
        await migrate(wired.engine, SCHEMA, MIGRATIONS)
    else:
        kafka = KafkaSettings(topic_prefix="memory.")
        settings = GatewaySettings(kafka=kafka)
        fake = InMemoryProjection()
        wired = wire(settings, read_model=fake, projection_writer=fake)  # type: ignore[arg-type]
    eventually = request.getfixturevalue("eventually")
    broker = make_broker(kafka)
    handled: list[int] = []
    counted = counting(wired.projections.project_batch, handled)
    subscribe_batch(
        broker, kafka, settings.group_id, PROJECTED_TOPICS, counted, source=SOURCE, max_records=50, batch_timeout_ms=20
    )
    async with TestKafkaBroker(broker, with_real=real) as test_broker:

        async def send(*events: CloudEvent[Any]) -> None:
            expected = len(handled) + len(events)
            for event in events:
                await publish_event(test_broker, kafka, event)
            await eventually(lambda: _done(handled, expected), timeout_s=60)

        yield Projection(wired, send)
    await wired.engine.dispose()


async def _done(handled: list[int], expected: int) -> bool:
    return len(handled) >= expected


async def test_stale_versions_and_replays_change_nothing(projection) -> None:
    events = [
        embedded("doc-1", 2),
        parsed("doc-1", 2),
        analyzed("doc-1", 2, 71.5),
        parsed("doc-1", 1),
        embedded("doc-1", 1),
        analyzed("doc-1", 1, 10.0),
    ]
    await projection.send(*events, *events)

    row = await projection.wired.read_model.document("doc-1")
    assert (row.version, row.embedded_version, row.analyzed_version) == (2, 2, 2)
    assert (row.title, row.quality_score, row.deleted_at) == ("Director doc-1 v2", 71.5, None)


async def test_a_deletion_seen_before_its_parse_wins_until_a_new_parse(projection) -> None:
    earlier_parse, analysis = parsed("doc-3"), analyzed("doc-3", 1, 50.0)
    deletion = deleted("doc-3")
    await projection.send(analysis)
    # A rebuild reads the deleted topic ahead of the parsed one; the real broker may go either way.
    await projection.send(deletion, earlier_parse)

    row = await projection.wired.read_model.document("doc-3")
    assert row.deleted_at == deletion.time
    assert (row.title, row.record, row.analysis, row.quality_score) == (None, None, None, None)

    await projection.send(parsed("doc-3", version=2))
    row = await projection.wired.read_model.document("doc-3")
    assert (row.deleted_at, row.version, row.title) == (None, 2, "Director doc-3 v2")


async def test_a_rejection_is_kept_with_its_file_name_unless_it_names_no_document(projection) -> None:
    await projection.send(rejected(None), rejected("doc-bad"))

    row = await projection.wired.read_model.document("doc-bad")
    assert (row.file_name, row.rejection["reason"], row.parsed_at) == ("scan.pdf", "no_text_layer", None)
    assert row.rejected_at is not None


async def test_an_alias_resolves_to_its_canonical_document(projection) -> None:
    await projection.send(filed("doc-copy", "doc-1"), parsed("doc-1"))

    row = await projection.wired.read_model.document("doc-copy")
    assert (row.document_id, row.title) == ("doc-1", "Director doc-1 v1")


async def test_a_filing_that_is_no_alias_keeps_the_document_its_own(projection) -> None:
    await projection.send(parsed("doc-own"), parsed("doc-1"), filed("doc-own", "doc-1", alias=False))

    row = await projection.wired.read_model.document("doc-own")
    assert (row.document_id, row.title, row.canonical_document_id) == ("doc-own", "Director doc-own v1", None)
    assert row.filing["canonical_document_id"] == "doc-1"


async def test_an_alias_parsed_as_a_document_of_its_own_later_is_no_alias(projection) -> None:
    earlier_filing = filed("doc-2", "doc-1")
    # The later parse arrives first on one broker, second on another: both orders end the same.
    await projection.send(parsed("doc-1"), parsed("doc-2"), earlier_filing)
    assert (await projection.wired.read_model.document("doc-2")).document_id == "doc-2"

    await projection.send(filed("doc-3", "doc-1"))
    assert (await projection.wired.read_model.document("doc-3")).document_id == "doc-1"
    await projection.send(parsed("doc-3"))
    assert (await projection.wired.read_model.document("doc-3")).document_id == "doc-3"


async def test_deleting_an_alias_drops_it_and_keeps_the_document(projection) -> None:
    await projection.send(parsed("doc-1"), filed("doc-copy", "doc-1"))
    await projection.send(deleted("doc-copy"))

    alias = await projection.wired.read_model.document("doc-copy")
    assert (alias.document_id, alias.deleted_at is not None) == ("doc-copy", True)
    assert (await projection.wired.read_model.document("doc-1")).deleted_at is None


async def test_a_dead_letter_fails_its_document_until_the_stage_is_done_later(projection) -> None:
    parsed_topic = projection.wired.settings.kafka.topic(Topic.PARSED)
    await projection.send(parsed("doc-5"), embedded("doc-5"), dead_lettered("doc-5", parsed_topic, "analysis"))

    row = await projection.wired.read_model.document("doc-5")
    assert row.failure == {
        "stage": "analysis",
        "reason": "PermanentError",
        "topic": Topic.PARSED.value,
        "attempts": 1,
    }
    assert row.failed_at is not None and "quoted" not in str(row.failure)

    await projection.send(analyzed("doc-5"))  # the message replayed from the DLQ once the fault was fixed
    row = await projection.wired.read_model.document("doc-5")
    assert (row.failed_at, row.failure, row.analyzed_version) == (None, None, 1)


async def test_a_dead_letter_overcome_before_it_arrives_changes_nothing(projection) -> None:
    parsed_topic = projection.wired.settings.kafka.topic(Topic.PARSED)
    failure = dead_lettered("doc-6", parsed_topic, "embedding")
    later_embedding = embedded("doc-6")
    await projection.send(parsed("doc-6"), later_embedding, failure.model_copy(update={"time": later_embedding.time}))
    # A failure of another service stays until that service is done.
    await projection.send(dead_lettered("doc-6", parsed_topic, "analysis"))

    row = await projection.wired.read_model.document("doc-6")
    assert row.failure is not None and row.failure["stage"] == "analysis"


async def test_dead_letters_without_a_document_or_of_dead_letters_are_not_projected(projection) -> None:
    kafka = projection.wired.settings.kafka
    await projection.send(
        dead_lettered(None, kafka.topic(Topic.SUBMITTED), "ingestion"),
        dead_lettered("doc-7", kafka.topic(Topic.DLQ), "gateway"),
    )

    assert await projection.wired.read_model.document("doc-7") is None


async def test_a_deletion_keeps_no_content_and_stage_events_read_after_it_bring_none_back(projection) -> None:
    # Produced before the deletion, read after it (a slow partition, or a rebuild).
    late = [embedded("doc-9", 1), analyzed("doc-9", 1, 80.0)]
    await projection.send(parsed("doc-9"))
    await projection.send(deleted("doc-9"))
    await projection.send(*late)

    row = await projection.wired.read_model.document("doc-9")
    assert row.deleted_at is not None
    kept = {column: getattr(row, column) for column in CONTENT_COLUMNS if column in DOCUMENT_FIELDS}
    assert kept == dict.fromkeys(kept)
    # Their stages, as when read before the deletion, which keeps stage times and versions.
    assert (row.embedded_version, row.analyzed_version, row.quality_score) == (1, 1, None)


async def test_a_rejection_or_filing_read_after_the_deletion_it_preceded_brings_no_content_back(projection) -> None:
    late = [rejected("doc-11"), filed("doc-11", "doc-other")]
    await projection.send(parsed("doc-11"))
    deletion = deleted("doc-11")
    await projection.send(deletion, *late)  # produced before the deletion, read after it

    row = await projection.wired.read_model.document("doc-11")
    assert (row.document_id, row.deleted_at) == ("doc-11", deletion.time)
    assert (row.rejection, row.filing, row.file_name, row.canonical_document_id) == (None, None, None, None)
    assert (row.rejected_at, row.filed_at) == (late[0].time, late[1].time)


async def test_a_deletion_read_after_a_later_submission_leaves_what_that_submission_set(projection) -> None:
    deletion = deleted("doc-12")
    revived, refused = parsed("doc-12", version=2), rejected("doc-12")  # both after the deletion
    await projection.send(parsed("doc-12"), revived, refused, deletion)

    row = await projection.wired.read_model.document("doc-12")
    assert (row.deleted_at, row.version, row.title) == (None, 2, "Director doc-12 v2")
    assert row.rejection is not None and row.rejected_at == refused.time
