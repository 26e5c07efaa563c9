"""Kafka batch handler: embed the parsed versions of a whole batch together, store each document's
chunks, announce each stored document; forget deleted documents.

Records are applied in timestamp order; consecutive parsed records form one run whose chunks go
through the model in one call (the embedder sorts them by length and batches them). A failure
costs only its own document: the outcome list says which records to retry.

The batch's span cannot belong to every document's trace (it links them all, see
`jdi_core.batch_consumer.batch_span`), so each document's work is a span continuing the trace of its
own record (W3C headers), from its chunking on, linking the batch's span: under it, the model call
its chunks went through (shared with the run's other documents: its times, and how many texts and
documents it embedded), the vector-store write, and the publishing of `embedded`, so the upload's
trace goes on through `embedded`.
"""

import asyncio
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from aiokafka import ConsumerRecord
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer

from jdi_contracts.events import DocumentDeleted, DocumentEmbedded, DocumentParsed, Embedded
from jdi_core.batch_consumer import record_span
from jdi_core.broker import Publish
from jdi_embedder import Embedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.metrics import MODEL_CALL_DOCUMENTS, MODEL_CALL_SECONDS, MODEL_CALL_TEXTS
from jdi_embedding.vectors.indexing import ChunkedDocument, chunk_document, store_document
from jdi_embedding.vectors.port import VectorStore

SOURCE = "/jdi/embedding"

Outcome = BaseException | None


@dataclass(frozen=True)
class ModelCall:
    """One call of the embedding model, for the span of each document it embedded."""

    start_ns: int
    end_ns: int
    texts: int
    documents: int


@dataclass(frozen=True)
class _Pending:
    """A parsed record waiting for its run to be embedded."""

    position: int  # index of the record in the batch
    record: ConsumerRecord
    document: ChunkedDocument
    start_ns: int  # when its work began: the start of its span


@dataclass(frozen=True)
class _Embedded:
    """A document's vectors (one row per chunk), or why it has none, and the model call that made them."""

    dense: np.ndarray | BaseException
    call: ModelCall


class EmbeddingBatchHandler:
    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        publish: Publish,
        parsed_topic: str,
        *,
        tracer: Tracer | None = None,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._publish = publish
        self._parsed_topic = parsed_topic
        self._tracer = tracer or trace.get_tracer(__name__)

    async def __call__(self, records: Sequence[ConsumerRecord]) -> list[Outcome]:
        outcomes: list[Outcome] = [None] * len(records)
        # Per document id: documents of a run are written concurrently, so a run holds one
        # version per document, the newest (an older one would be refused by the store anyway).
        run: dict[str, _Pending] = {}
        for position in sorted(range(len(records)), key=lambda i: records[i].timestamp):
            record = records[position]
            if record.topic == self._parsed_topic:
                start_ns = time.time_ns()
                try:
                    parsed = DocumentParsed.from_bytes(record.value).data
                    current = run.get(parsed.document_id)
                    if current is None or current.document.meta.version <= parsed.version:
                        meta = DocumentMeta.from_parsed(parsed)
                        document = chunk_document(meta, parsed.sections, self._embedder)
                        run[parsed.document_id] = _Pending(position, record, document, start_ns)
                except Exception as error:  # noqa: BLE001 - reported as this record's outcome
                    outcomes[position] = error
                continue
            # A delete must not overtake an earlier parsed version of the same document.
            await self._index_run(list(run.values()), outcomes)
            run = {}
            try:
                document_id = DocumentDeleted.from_bytes(record.value).data.document_id
                with record_span(self._tracer, record, document_id), self._store_span("delete"):
                    await self._store.delete_document(document_id)
            except Exception as error:  # noqa: BLE001 - reported as this record's outcome
                outcomes[position] = error
        await self._index_run(list(run.values()), outcomes)
        return outcomes

    async def _index_run(self, run: list[_Pending], outcomes: list[Outcome]) -> None:
        if not run:
            return
        embedded = await self._embed(run)
        await self._store.ensure_collection(self._embedder.model_id, self._embedder.dimension)
        # Documents are stored and announced concurrently, at most one batch's worth at a time.
        results = await asyncio.gather(
            *(self._store_and_announce(pending, vectors) for pending, vectors in zip(run, embedded, strict=True)),
            return_exceptions=True,
        )
        for pending, result in zip(run, results, strict=True):
            outcomes[pending.position] = result if isinstance(result, BaseException) else None

    async def _embed(self, run: list[_Pending]) -> list[_Embedded]:
        """One model call for the whole run; if it fails, one call per document to find the culprit."""
        texts = [text for pending in run for text in pending.document.texts]
        dense, call = await self._call_model(texts, documents=len(run))
        if isinstance(dense, BaseException):
            return [_Embedded(*await self._call_model(pending.document.texts, documents=1)) for pending in run]
        bounds = np.cumsum([len(pending.document.chunks) for pending in run])[:-1]
        return [_Embedded(vectors, call) for vectors in np.split(dense, bounds)]

    async def _call_model(self, texts: list[str], documents: int) -> tuple[np.ndarray | BaseException, ModelCall]:
        model_id = self._embedder.model_id
        start_ns = time.time_ns()
        try:
            # Inference is CPU-bound; keep the event loop free for the consumer and HTTP.
            dense: np.ndarray | BaseException = await asyncio.to_thread(self._embedder.embed, texts)
        except Exception as error:  # noqa: BLE001 - reported as the documents' outcome
            dense = error
        call = ModelCall(start_ns, time.time_ns(), texts=len(texts), documents=documents)
        MODEL_CALL_SECONDS.labels(model_id).observe((call.end_ns - call.start_ns) / 1e9)
        MODEL_CALL_TEXTS.labels(model_id).observe(call.texts)
        MODEL_CALL_DOCUMENTS.labels(model_id).observe(documents)
        return dense, call

    async def _store_and_announce(self, pending: _Pending, embedded: _Embedded) -> None:
        meta = pending.document.meta
        with record_span(self._tracer, pending.record, meta.document_id, start_time=pending.start_ns):
            self._model_call_span(embedded, own_texts=len(pending.document.chunks))
            if isinstance(embedded.dense, BaseException):
                raise embedded.dense
            with self._store_span("upsert") as span:
                indexed = await store_document(self._store, self._embedder.model_id, pending.document, embedded.dense)
                span.set_attributes({"db.collection.name": indexed.collection, "jdi.points": indexed.chunk_count})
            if not indexed.stored:
                return  # a newer version is already indexed; this event is stale
            announced = Embedded(
                document_id=meta.document_id,
                version=meta.version,
                model_id=indexed.model_id,
                collection=indexed.collection,
                chunk_count=indexed.chunk_count,
            )
            await self._publish(DocumentEmbedded.wrap(announced, source=SOURCE, subject=meta.document_id))

    def _model_call_span(self, embedded: _Embedded, own_texts: int) -> None:
        """The model call as a child of the current document's span, with the call's own times."""
        call = embedded.call
        span = self._tracer.start_span(
            f"embed {self._embedder.model_id}",
            start_time=call.start_ns,
            attributes={
                "jdi.embedding.model_id": self._embedder.model_id,
                "jdi.embedding.call_texts": call.texts,
                "jdi.embedding.call_documents": call.documents,
                "jdi.embedding.document_texts": own_texts,
            },
        )
        if isinstance(embedded.dense, BaseException):  # named by type: a message could quote the text
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(embedded.dense).__name__))
        span.end(end_time=call.end_ns)

    @contextmanager
    def _store_span(self, operation: str) -> Iterator[trace.Span]:
        with self._tracer.start_as_current_span(
            f"vector store {operation}",
            kind=SpanKind.CLIENT,
            attributes={"db.system": "qdrant", "db.operation.name": operation},
        ) as span:
            yield span
