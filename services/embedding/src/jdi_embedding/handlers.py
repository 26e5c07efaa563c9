"""Kafka handlers: embed each parsed version into the vector store; forget deleted documents."""

from collections.abc import Awaitable, Callable
from typing import Any

from faststream.kafka import KafkaMessage

from jdi_core.events import CloudEvent, DocumentDeleted, DocumentEmbedded, DocumentParsed, Embedded
from jdi_embedder import Embedder
from jdi_embedding.chunking import DocumentMeta
from jdi_embedding.vectors.indexing import index_document
from jdi_embedding.vectors.port import VectorStore

SOURCE = "/jdi/embedding"

Publish = Callable[[CloudEvent[Any]], Awaitable[None]]


class EmbeddingHandlers:
    def __init__(self, store: VectorStore, embedder: Embedder, publish: Publish) -> None:
        self._store = store
        self._embedder = embedder
        self._publish = publish

    async def on_parsed(self, message: KafkaMessage) -> None:
        parsed = DocumentParsed.from_bytes(message.body).data
        indexed = await index_document(self._store, self._embedder, DocumentMeta.from_parsed(parsed), parsed.sections)
        if not indexed.stored:
            return  # a newer version is already indexed; this event is stale
        embedded = Embedded(
            document_id=parsed.document_id,
            version=parsed.version,
            model_id=indexed.model_id,
            collection=indexed.collection,
            chunk_count=indexed.chunk_count,
        )
        await self._publish(DocumentEmbedded.wrap(embedded, source=SOURCE, subject=parsed.document_id))

    async def on_deleted(self, message: KafkaMessage) -> None:
        await self._store.delete_document(DocumentDeleted.from_bytes(message.body).data.document_id)
