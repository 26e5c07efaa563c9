"""`POST /v1/admin/read-model/rebuild` on the real broker and PostgreSQL: the read model, dropped, is rebuilt
from the topics into a fresh schema and switched in, with the same answers; keys survive; later events
still project."""

from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from aiokafka import ConsumerRecord
from faststream.kafka import TestKafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import text

from jdi_contracts.events import CloudEvent
from jdi_core.batch_consumer import subscribe_batch
from jdi_core.broker import make_broker, publish_event
from jdi_core.db import schema_name
from jdi_gateway.handlers import PROJECTED_TOPICS, SOURCE
from jdi_gateway.store.tables import SCHEMA

from ..answers import differences
from .gateway_events import analyzed, as_records, dead_lettered, deleted, embedded, filed, parsed, rejected

pytestmark = pytest.mark.integration

READ_MODEL = ("documents", "applied_events", "document_versions")


async def answers(client: httpx.AsyncClient, document_ids: list[str]) -> dict[str, Any]:
    """What a frontend reads, less `updated_at` (when the row was last written, not what it says)."""

    def without_write_times(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: without_write_times(v) for k, v in value.items() if k != "updated_at"}
        if isinstance(value, list):
            return [without_write_times(item) for item in value]
        return value

    shown = {
        "list": (await client.get("/v1/documents", params={"include_deleted": "true", "facets": "true"})).json(),
        "stats": (await client.get("/v1/stats")).json(),
        **{f"document {i}": (await client.get(f"/v1/documents/{i}")).json() for i in document_ids},
        **{f"versions {i}": (await client.get(f"/v1/documents/{i}/versions")).json() for i in document_ids},
    }
    return without_write_times(shown)


async def test_a_dropped_read_model_is_rebuilt_from_the_topics_with_the_same_answers(gateway, eventually) -> None:
    wired, client = gateway
    kafka = wired.settings.kafka
    events: list[CloudEvent[Any]] = [
        parsed("pos-en"),
        embedded("pos-en"),
        analyzed("pos-en", score=71.5),
        parsed("pos-fr", language="fr", translation_of="pos-en"),
        parsed("pos-en", 2),
        analyzed("pos-fr", score=40.0),
        rejected("scan"),
        filed("again", "pos-en"),
        parsed("gone"),
        deleted("gone"),
        dead_lettered("stuck", "jdi.documents.parsed.v1", "analysis"),
    ]
    # The live read model, as the gateway's consumer makes it.
    handled: list[BaseException | None] = []

    async def project(records: Sequence[ConsumerRecord]) -> Sequence[BaseException | None]:
        outcomes = await wired.projections.project_batch(records)
        handled.extend(outcomes)
        return outcomes

    # Published as the services publish, in a producer span: each record carries its trace (W3C headers).
    broker = make_broker(kafka, TracerProvider())
    subscribe_batch(
        broker, kafka, "rebuild-live", PROJECTED_TOPICS, project, source=SOURCE, max_records=50, batch_timeout_ms=20
    )
    async with TestKafkaBroker(broker, with_real=True) as running:
        for event in events:
            await publish_event(running, kafka, event)
        await eventually(lambda: _all_handled(handled, len(events)), timeout_s=60)
    assert handled == [None] * len(events)
    document_ids = ["pos-en", "pos-fr", "scan", "again", "gone", "stuck"]
    before = await answers(client, document_ids)
    assert before["document pos-fr"]["translation"] == "pos-en" and before["stats"]["documents"] >= 3

    live = schema_name(wired.settings.database, SCHEMA)
    async with wired.engine.begin() as connection:
        for table in READ_MODEL:
            await connection.execute(text(f'DELETE FROM "{live}"."{table}"'))  # noqa: S608 - the test's own schema
    assert (await client.get("/v1/documents/pos-en")).status_code == 404

    started = await client.post("/v1/admin/read-model/rebuild")
    assert started.status_code == 202, started.text
    done = await eventually(lambda: _finished(client), timeout_s=60)
    assert (done["state"], done["events_applied"]) == ("switched", len(events))
    found = differences(await answers(client, document_ids), before)
    assert found == [], "\n".join(found)

    # The replaced tables are kept aside; the live projection goes on in the rebuilt ones.
    async with wired.engine.connect() as connection:
        kept = await connection.execute(text(f'SELECT count(*) FROM "{live}_replaced".documents'))  # noqa: S608
    assert kept.scalar() == 0
    assert await wired.projections.project_batch(
        as_records(analyzed("pos-en", 2, score=90.0), topic_prefix=kafka.topic_prefix)
    ) == [None]
    assert (await client.get("/v1/documents/pos-en")).json()["quality_score"] == 90.0


async def _all_handled(handled: list[BaseException | None], count: int) -> bool:
    return len(handled) >= count


async def _finished(client: httpx.AsyncClient) -> dict[str, Any] | None:
    rebuild = (await client.get("/v1/admin/read-model/rebuild")).json()
    return rebuild if rebuild["state"] != "running" else None
