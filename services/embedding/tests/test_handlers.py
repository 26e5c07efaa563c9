"""Embedding's batch consumers on its own wiring (`wire` with the real models and an embedded Qdrant
Edge store), each test twice: on FastStream's in-memory TestKafkaBroker and, under the integration
marker, on the real broker."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from jdi_contracts.events import DeadLettered, Deleted, DocumentDeleted, DocumentEmbedded, Topic
from jdi_core.broker import make_broker
from jdi_embedder import INT8_MODEL_ID, MODEL_ID, OnnxEmbedder
from jdi_embedding.search import SearchQuery
from jdi_embedding.settings import EmbeddingSettings
from jdi_embedding.vectors import EdgeVectorStore
from jdi_embedding.wiring import Wiring, wire

from .conftest import parsed, stored_chunks


@pytest.fixture
async def vector_store(tmp_path: Path) -> AsyncIterator[EdgeVectorStore]:
    store = EdgeVectorStore(tmp_path)
    yield store
    await store.close()


@pytest.fixture
def embedding(
    broker_under_test, embedder: OnnxEmbedder, int8_embedder: OnnxEmbedder, vector_store, published
) -> Callable[..., AbstractAsyncContextManager[tuple[Any, Wiring]]]:
    """Start the service's consumers with settings changed by keyword (the running broker and the
    wiring); the models are loaded once."""
    models = {model.model_id: model for model in (embedder, int8_embedder)}

    @asynccontextmanager
    async def run(**changes: Any) -> AsyncIterator[tuple[Any, Wiring]]:
        settings = EmbeddingSettings(kafka=broker_under_test.kafka, **changes)
        broker = make_broker(settings.kafka)
        wired = wire(settings, broker=broker, load_embedder=models.__getitem__, store=vector_store)
        published.subscribe(broker, settings.kafka, Topic.EMBEDDED, Topic.DLQ)
        async with broker_under_test.start(broker) as running:
            yield running, wired

    return run


def embedded(bodies: list[bytes]) -> dict[str | None, DocumentEmbedded]:
    return {event.subject: event for event in map(DocumentEmbedded.from_bytes, bodies)}


async def test_parsed_documents_are_embedded_stored_and_announced(
    embedding, vector_store, published, messages_handled
) -> None:
    async with embedding() as (service, _wired):
        for i in range(3):
            await service.send(parsed(f"doc-{i}", duties=i + 1))
        await messages_handled(3)
        announced = embedded(await published.wait_for(Topic.EMBEDDED, 3))

    assert sorted(announced) == ["doc-0", "doc-1", "doc-2"]
    for document_id, event in announced.items():
        assert (event.data.document_id, event.data.model_id) == (document_id, MODEL_ID)
        assert await stored_chunks(vector_store, MODEL_ID, document_id) == event.data.chunk_count > 0


async def test_a_deleted_document_leaves_the_collection(embedding, vector_store, messages_handled) -> None:
    async with embedding() as (service, _wired):
        await service.send(parsed("doc-gone"))
        await service.send(parsed("doc-kept"))
        # Another topic: on a real broker a delete sent now could be handled before the documents.
        await messages_handled(2)
        deleted = Deleted(document_id="doc-gone", versions_removed=[1])
        await service.send(DocumentDeleted.wrap(deleted, source="/test", subject="doc-gone"))
        await messages_handled(3)

    assert await stored_chunks(vector_store, MODEL_ID, "doc-gone") == 0
    assert await stored_chunks(vector_store, MODEL_ID, "doc-kept") > 0


async def test_a_record_that_is_no_event_is_dead_lettered_and_the_others_embedded(
    embedding, published, messages_handled
) -> None:
    async with embedding() as (service, _wired):
        await service.broker.publish(b'{"not": "an event"}', service.kafka.topic(Topic.PARSED), key=b"doc-bad")
        await service.send(parsed("doc-good"))
        await messages_handled(2)
        [letter] = [DeadLettered.from_bytes(body).data for body in await published.wait_for(Topic.DLQ, 1)]
        announced = embedded(await published.wait_for(Topic.EMBEDDED, 1))

    assert (letter.original_topic, letter.key, letter.error_type) == (
        service.kafka.topic(Topic.PARSED),
        "doc-bad",
        "ValidationError",
    )
    assert list(announced) == ["doc-good"]


async def test_while_re_embedding_each_model_fills_its_own_collection_and_the_previous_serves(
    embedding, vector_store, published, messages_handled
) -> None:
    async with embedding(model_id=INT8_MODEL_ID, previous_model_id=MODEL_ID) as (service, wired):
        await service.send(parsed("doc-1"))
        await messages_handled(2)  # once per model's consumer group
        announced = [DocumentEmbedded.from_bytes(body).data for body in await published.wait_for(Topic.EMBEDDED, 2)]
        page = await wired.search.search(SearchQuery(query="synthetic programs"))

    assert len(wired.subscriptions) == 2
    assert sorted(event.model_id for event in announced) == sorted([MODEL_ID, INT8_MODEL_ID])
    for model_id in (MODEL_ID, INT8_MODEL_ID):
        assert await stored_chunks(vector_store, model_id, "doc-1") > 0
    assert page.model_id == MODEL_ID
    assert [result.document_id for result in page.results] == ["doc-1"]
