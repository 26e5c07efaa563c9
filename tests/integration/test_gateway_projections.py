"""The gateway's projection handlers on the subscriptions `wire` returns, run twice: FastStream's
TestKafkaBroker in memory on an in-memory read model, and `with_real=True` on the real broker and
PostgreSQL (integration). Events arrive out of order and twice; the read model still ends up right."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker

from jdi_contracts.events import CloudEvent
from jdi_core.broker import Handler, make_broker, publish_event, subscribe
from jdi_core.migrations import migrate
from jdi_core.settings import KafkaSettings
from jdi_gateway.app import MIGRATIONS
from jdi_gateway.handlers import SOURCE
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.port import Change, DocumentRow
from jdi_gateway.store.tables import SCHEMA
from jdi_gateway.wiring import Wiring, wire

from .gateway_events import analyzed, deleted, embedded, parsed, rejected

DOCUMENT_FIELDS = {field.name for field in fields(DocumentRow)}


class InMemoryProjection:
    """The projection writer and the read model's `document` look-up, on dicts."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, Any]] = {}
        self.applied: set[str] = set()

    async def apply_once(self, event_id: str, document_id: str, change: Change) -> None:
        if event_id in self.applied:
            return
        self.applied.add(event_id)
        values = change(await self.document(document_id))
        if values is not None:
            now = datetime.now(UTC)
            row = self.columns.setdefault(document_id, {"document_id": document_id, "created_at": now})
            row.update(values, updated_at=now)

    async def document(self, document_id: str) -> DocumentRow | None:
        row = self.columns.get(document_id)
        return DocumentRow(**{k: v for k, v in row.items() if k in DOCUMENT_FIELDS}) if row else None


@dataclass
class Projection:
    wired: Wiring
    send: Callable[..., Awaitable[None]]


def counting(handler: Handler, handled: list[str]) -> Handler:
    async def counted(message: KafkaMessage) -> None:
        await handler(message)
        handled.append(message.message_id)

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
    handled: list[str] = []
    counted = {topic: counting(handler, handled) for topic, handler in wired.subscriptions.items()}
    subscribe(broker, kafka, settings.group_id, counted, source=SOURCE)
    async with TestKafkaBroker(broker, with_real=real) as test_broker:

        async def send(*events: CloudEvent[Any]) -> None:
            expected = len(handled) + len(events)
            for event in events:
                await publish_event(test_broker, kafka, event)
            await eventually(lambda: _done(handled, expected), timeout_s=60)

        yield Projection(wired, send)
    await wired.engine.dispose()


async def _done(handled: list[str], expected: int) -> bool:
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
    earlier_parse = parsed("doc-3")
    deletion = deleted("doc-3")
    await projection.send(analyzed("doc-3", 1, 50.0))
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
