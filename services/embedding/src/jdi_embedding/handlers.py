"""Kafka batch handler: embed the parsed versions of a whole batch together, store each document's
chunks, announce each stored document; forget deleted documents.

Records are applied in timestamp order; consecutive parsed records form one run whose chunks go
through the model in one call (the embedder sorts them by length and batches them). A failure
costs only its own document: the outcome list says which records to retry.

The batch's consume span cannot belong to every document's trace, so each document is stored
and announced inside a span continuing the trace of its own record (W3C headers): the upload's
trace goes on through `embedded`.
"""

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from aiokafka import ConsumerRecord
from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.trace import SpanKind

from jdi_contracts.events import DocumentDeleted, DocumentEmbedded, DocumentParsed, Embedded
from jdi_core.broker import Publish
from jdi_embedder import Embedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.vectors.indexing import ChunkedDocument, chunk_document, store_document
from jdi_embedding.vectors.port import VectorStore

SOURCE = "/jdi/embedding"

Outcome = BaseException | None

tracer = trace.get_tracer(__name__)


@contextmanager
def record_span(record: ConsumerRecord, document_id: str) -> Iterator[None]:
    """A span for one record's work, in the trace its producer started."""
    headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
    attributes = {
        "messaging.system": "kafka",
        "messaging.operation": "process",
        "messaging.destination.name": record.topic,
        "messaging.kafka.destination.partition": record.partition,
        "messaging.kafka.message.offset": record.offset,
        "jdi.document_id": document_id,
    }
    with tracer.start_as_current_span(
        f"{record.topic} process", context=extract(headers), kind=SpanKind.CONSUMER, attributes=attributes
    ):
        yield


@dataclass(frozen=True)
class _Pending:
    """A parsed record waiting for its run to be embedded."""

    position: int  # index of the record in the batch
    record: ConsumerRecord
    document: ChunkedDocument


class EmbeddingBatchHandler:
    def __init__(self, store: VectorStore, embedder: Embedder, publish: Publish, parsed_topic: str) -> None:
        self._store = store
        self._embedder = embedder
        self._publish = publish
        self._parsed_topic = parsed_topic

    async def __call__(self, records: Sequence[ConsumerRecord]) -> list[Outcome]:
        outcomes: list[Outcome] = [None] * len(records)
        # Per document id: documents of a run are written concurrently, so a run holds one
        # version per document, the newest (an older one would be refused by the store anyway).
        run: dict[str, _Pending] = {}
        for position in sorted(range(len(records)), key=lambda i: records[i].timestamp):
            record = records[position]
            if record.topic == self._parsed_topic:
                try:
                    parsed = DocumentParsed.from_bytes(record.value).data
                    current = run.get(parsed.document_id)
                    if current is None or current.document.meta.version <= parsed.version:
                        meta = DocumentMeta.from_parsed(parsed)
                        document = chunk_document(meta, parsed.sections, self._embedder)
                        run[parsed.document_id] = _Pending(position, record, document)
                except Exception as error:  # noqa: BLE001 - reported as this record's outcome
                    outcomes[position] = error
                continue
            # A delete must not overtake an earlier parsed version of the same document.
            await self._index_run(list(run.values()), outcomes)
            run = {}
            try:
                document_id = DocumentDeleted.from_bytes(record.value).data.document_id
                with record_span(record, document_id):
                    await self._store.delete_document(document_id)
            except Exception as error:  # noqa: BLE001 - reported as this record's outcome
                outcomes[position] = error
        await self._index_run(list(run.values()), outcomes)
        return outcomes

    async def _index_run(self, run: list[_Pending], outcomes: list[Outcome]) -> None:
        if not run:
            return
        vectors = await self._embed(run)
        await self._store.ensure_collection(self._embedder.model_id, self._embedder.dimension)
        # Documents are stored and announced concurrently, at most one batch's worth at a time.
        results = await asyncio.gather(
            *(self._store_and_announce(pending, dense) for pending, dense in zip(run, vectors, strict=True)),
            return_exceptions=True,
        )
        for pending, result in zip(run, results, strict=True):
            outcomes[pending.position] = result if isinstance(result, BaseException) else None

    async def _embed(self, run: list[_Pending]) -> list[np.ndarray | BaseException]:
        """One model call for the whole run; if it fails, one call per document to find the culprit."""
        texts = [text for pending in run for text in pending.document.texts]
        try:
            dense = await asyncio.to_thread(self._embedder.embed, texts)
        except Exception:  # noqa: BLE001 - isolate the failing document below
            return [await self._embed_alone(pending.document) for pending in run]
        bounds = np.cumsum([len(pending.document.chunks) for pending in run])[:-1]
        return list(np.split(dense, bounds))

    async def _embed_alone(self, document: ChunkedDocument) -> np.ndarray | BaseException:
        try:
            return await asyncio.to_thread(self._embedder.embed, document.texts)
        except Exception as error:  # noqa: BLE001 - reported as this document's outcome
            return error

    async def _store_and_announce(self, pending: _Pending, dense: np.ndarray | BaseException) -> None:
        if isinstance(dense, BaseException):
            raise dense
        meta = pending.document.meta
        with record_span(pending.record, meta.document_id):
            indexed = await store_document(self._store, self._embedder.model_id, pending.document, dense)
            if not indexed.stored:
                return  # a newer version is already indexed; this event is stale
            embedded = Embedded(
                document_id=meta.document_id,
                version=meta.version,
                model_id=indexed.model_id,
                collection=indexed.collection,
                chunk_count=indexed.chunk_count,
            )
            await self._publish(DocumentEmbedded.wrap(embedded, source=SOURCE, subject=meta.document_id))
