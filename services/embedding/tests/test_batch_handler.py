"""The batch handler on batches built in memory (which records, in which order), over an embedded Qdrant
Edge store and the real model; test_handlers.py runs it through the service's subscription."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiokafka import ConsumerRecord
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY
from pydantic import ValidationError

from jdi_contracts.events import CloudEvent, Deleted, DocumentDeleted, DocumentEmbedded
from jdi_embedder import OnnxEmbedder
from jdi_embedding.handlers import EmbeddingBatchHandler
from jdi_embedding.vectors import EdgeVectorStore, collection_name
from jdi_embedding.vectors.port import ChunkPoint

from .conftest import parsed, stored_chunks

PARSED_TOPIC = "unit.jdi.documents.parsed.v1"
DELETED_TOPIC = "unit.jdi.documents.deleted.v1"


def record(
    topic: str,
    event: CloudEvent[Any] | bytes,
    offset: int,
    timestamp: int | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> ConsumerRecord:
    value = event if isinstance(event, bytes) else event.to_bytes()
    return ConsumerRecord(
        topic=topic,
        partition=offset % 3,
        offset=offset,
        timestamp=timestamp if timestamp is not None else offset,
        timestamp_type=0,
        key=None,
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(value),
        headers=headers or [],
    )


class CountingEmbedder:
    """The real model, counting how often it is called."""

    def __init__(self, embedder: OnnxEmbedder) -> None:
        self._embedder = embedder
        self.model_id = embedder.model_id
        self.dimension = embedder.dimension
        self.max_tokens = embedder.max_tokens
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self._embedder.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self._embedder.count_tokens(text)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return self._embedder.token_spans(text)


class FailingFor(EdgeVectorStore):
    """Edge store whose writes of one document fail."""

    def __init__(self, root: Path, document_id: str) -> None:
        super().__init__(root)
        self.failing = document_id

    async def replace_document(
        self, model_id: str, document_id: str, version: int, points: Sequence[ChunkPoint]
    ) -> bool:
        if document_id == self.failing:
            raise ConnectionError("vector store unavailable")
        return await super().replace_document(model_id, document_id, version, points)


@pytest.fixture
def counting(embedder: OnnxEmbedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)


async def test_a_batch_of_documents_goes_through_the_model_in_one_call(
    tmp_path: Path, counting: CountingEmbedder
) -> None:
    store = EdgeVectorStore(tmp_path)
    published: list[CloudEvent[Any]] = []

    async def publish(event: CloudEvent[Any]) -> None:
        published.append(event)

    handler = EmbeddingBatchHandler(store, counting, publish, PARSED_TOPIC)
    records = [record(PARSED_TOPIC, parsed(f"doc-{i}", duties=i + 1), offset=i) for i in range(4)]

    assert await handler(records) == [None] * 4

    announced = {event.subject: DocumentEmbedded.model_validate(event.model_dump()).data for event in published}
    assert sorted(announced) == ["doc-0", "doc-1", "doc-2", "doc-3"]
    assert len(counting.calls) == 1
    assert counting.calls[0] == sum(embedded.chunk_count for embedded in announced.values())
    for document_id, embedded in announced.items():
        assert await stored_chunks(store, counting.model_id, document_id) == embedded.chunk_count > 0
    await store.close()


async def test_replaying_a_batch_leaves_no_duplicates(tmp_path: Path, counting: CountingEmbedder) -> None:
    store = EdgeVectorStore(tmp_path)
    published: list[CloudEvent[Any]] = []

    async def publish(event: CloudEvent[Any]) -> None:
        published.append(event)

    handler = EmbeddingBatchHandler(store, counting, publish, PARSED_TOPIC)
    records = [record(PARSED_TOPIC, parsed(f"doc-{i}", duties=2), offset=i) for i in range(2)]
    await handler(records)
    first = [await stored_chunks(store, counting.model_id, f"doc-{i}") for i in range(2)]
    await handler(records)

    assert [await stored_chunks(store, counting.model_id, f"doc-{i}") for i in range(2)] == first
    assert len(published) == 4  # announced again: delivery is at least once
    await store.close()


async def test_a_failing_document_fails_alone(tmp_path: Path, counting: CountingEmbedder) -> None:
    store = FailingFor(tmp_path, "doc-1")

    async def publish(event: CloudEvent[Any]) -> None:
        return None

    handler = EmbeddingBatchHandler(store, counting, publish, PARSED_TOPIC)
    records = [
        record(PARSED_TOPIC, parsed("doc-0"), offset=0),
        record(PARSED_TOPIC, parsed("doc-1"), offset=1),
        record(PARSED_TOPIC, b'{"not": "an event"}', offset=2),
        record(PARSED_TOPIC, parsed("doc-3"), offset=3),
    ]

    outcomes = await handler(records)

    assert outcomes[0] is None and outcomes[3] is None
    assert isinstance(outcomes[1], ConnectionError)
    assert isinstance(outcomes[2], ValidationError)
    assert await stored_chunks(store, counting.model_id, "doc-0") > 0
    assert await stored_chunks(store, counting.model_id, "doc-1") == 0
    await store.close()


async def test_deletes_apply_in_timestamp_order_within_a_batch(tmp_path: Path, counting: CountingEmbedder) -> None:
    store = EdgeVectorStore(tmp_path)

    async def publish(event: CloudEvent[Any]) -> None:
        return None

    def deleted(document_id: str) -> DocumentDeleted:
        return DocumentDeleted.wrap(
            Deleted(document_id=document_id, versions_removed=[1]), source="/test", subject=document_id
        )

    handler = EmbeddingBatchHandler(store, counting, publish, PARSED_TOPIC)
    records = [
        # Listed out of order on purpose: the handler follows the timestamps.
        record(DELETED_TOPIC, deleted("gone"), offset=0, timestamp=20),
        record(PARSED_TOPIC, parsed("gone"), offset=1, timestamp=10),
        record(DELETED_TOPIC, deleted("back"), offset=2, timestamp=10),
        record(PARSED_TOPIC, parsed("back"), offset=3, timestamp=20),
    ]

    assert await handler(records) == [None] * 4
    assert await stored_chunks(store, counting.model_id, "gone") == 0
    assert await stored_chunks(store, counting.model_id, "back") > 0
    assert len(counting.calls) == 2  # the delete in between splits the parsed records into two runs
    await store.close()


async def test_a_run_keeps_only_the_newest_version_of_a_document(tmp_path: Path, counting: CountingEmbedder) -> None:
    store = EdgeVectorStore(tmp_path)
    published: list[CloudEvent[Any]] = []

    async def publish(event: CloudEvent[Any]) -> None:
        published.append(event)

    handler = EmbeddingBatchHandler(store, counting, publish, PARSED_TOPIC)
    records = [
        record(PARSED_TOPIC, parsed("doc", version=2, duties=1), offset=0),
        record(PARSED_TOPIC, parsed("doc", version=3, duties=2), offset=1),
        record(PARSED_TOPIC, parsed("doc", version=1, duties=3), offset=2),
    ]

    assert await handler(records) == [None] * 3
    [embedded] = [DocumentEmbedded.model_validate(event.model_dump()).data for event in published]
    assert embedded.version == 3
    vectors = await store.document_dense_vectors(collection_name(counting.model_id), "doc")
    assert len(vectors) == embedded.chunk_count
    await store.close()


async def test_each_document_is_announced_in_the_trace_of_its_own_record(
    tmp_path: Path, counting: CountingEmbedder
) -> None:
    store = EdgeVectorStore(tmp_path)
    traces: dict[str | None, int] = {}

    async def publish(event: CloudEvent[Any]) -> None:
        traces[event.subject] = trace.get_current_span().get_span_context().trace_id

    def traced(trace_id: int) -> list[tuple[str, bytes]]:
        return [("traceparent", f"00-{trace_id:032x}-{trace_id:016x}-01".encode())]

    handler = EmbeddingBatchHandler(store, counting, publish, PARSED_TOPIC)
    records = [record(PARSED_TOPIC, parsed(f"doc-{i}"), offset=i, headers=traced(1000 + i)) for i in range(3)]

    assert await handler(records) == [None] * 3
    assert traces == {"doc-0": 1000, "doc-1": 1001, "doc-2": 1002}
    assert len(counting.calls) == 1  # still one model call for the three traces
    await store.close()


async def test_each_document_s_span_shows_its_model_call_and_vector_store_write(
    tmp_path: Path, counting: CountingEmbedder
) -> None:
    store = EdgeVectorStore(tmp_path)
    finished = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(finished))

    async def publish(event: CloudEvent[Any]) -> None:
        return None

    def texts_sample(name: str) -> float:
        return REGISTRY.get_sample_value(name, {"model_id": counting.model_id}) or 0.0

    calls_before, texts_before = (
        texts_sample("jdi_embedding_batch_texts_count"),
        texts_sample("jdi_embedding_batch_texts_sum"),
    )
    handler = EmbeddingBatchHandler(store, counting, publish, PARSED_TOPIC, tracer=provider.get_tracer("test"))
    traceparents = {i: f"00-{2000 + i:032x}-{2000 + i:016x}-01" for i in range(2)}
    records = [
        record(
            PARSED_TOPIC,
            parsed(f"doc-{i}", duties=i + 1),
            offset=i,
            headers=[("traceparent", traceparents[i].encode())],
        )
        for i in range(2)
    ]

    assert await handler(records) == [None, None]

    spans = finished.get_finished_spans()
    [model_texts] = counting.calls
    model_calls = []
    for i in range(2):
        [document] = [span for span in spans if span.kind is SpanKind.CONSUMER and span.context.trace_id == 2000 + i]
        assert document.parent is not None and document.parent.span_id == 2000 + i  # the producer's span
        children = {
            span.name: span for span in spans if span.parent and span.parent.span_id == document.context.span_id
        }
        model_call = children[f"embed {counting.model_id}"]
        assert model_call.attributes["jdi.embedding.call_texts"] == model_texts
        assert model_call.attributes["jdi.embedding.call_documents"] == 2
        write = children["vector store upsert"]
        assert write.kind is SpanKind.CLIENT and write.attributes["db.system"] == "qdrant"
        assert write.attributes["jdi.points"] == model_call.attributes["jdi.embedding.document_texts"]
        assert document.start_time <= model_call.start_time < model_call.end_time <= write.start_time
        model_calls.append((model_call.start_time, model_call.end_time))
    assert model_calls[0] == model_calls[1]  # one call, shown in both documents' traces
    assert texts_sample("jdi_embedding_batch_texts_count") - calls_before == 1
    assert texts_sample("jdi_embedding_batch_texts_sum") - texts_before == model_texts
    await store.close()
