"""Project pipeline events into the gateway's read model; each event is applied exactly once.

Events of one document arrive per topic in order, but not across topics (`embedded` may beat
`parsed`), so every stage writes only its own columns and stale versions are ignored.
"""

from typing import Any

from faststream.kafka import KafkaMessage

from jdi_contracts.events import (
    DocumentAnalyzed,
    DocumentDeleted,
    DocumentEmbedded,
    DocumentParsed,
    DocumentRejected,
)
from jdi_core.telemetry import current_trace_id
from jdi_gateway.store.port import DocumentRow, ProjectionWriter

SOURCE = "/jdi/gateway"


class ProjectionHandlers:
    def __init__(self, writer: ProjectionWriter) -> None:
        self._writer = writer

    async def on_parsed(self, message: KafkaMessage) -> None:
        event = DocumentParsed.from_bytes(message.body)
        record = event.data

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and (row.version or 0) > record.version:
                return None
            if row is not None and row.deleted_at is not None and event.time <= row.deleted_at:
                return None  # parsed before the deletion, seen after it (topics are not ordered together)
            classification = record.classification
            return {
                "parsed_at": event.time,
                "version": record.version,
                "submission_id": record.submission_id,
                "file_name": record.file_name,
                "source_reference": record.source_reference,
                "title": record.title,
                "language": record.language,
                "job_number": record.job_number,
                "classification": classification.code if classification else None,
                "classification_group": classification.group if classification else None,
                "classification_level": classification.level if classification else None,
                "department": record.department,
                "translation_of": record.translation_of,
                "redactions": record.redactions,
                "record": record.model_dump(mode="json"),
                # Documents published straight to Kafka get the trace they arrived with.
                "trace_id": row.trace_id if row is not None and row.trace_id else current_trace_id(),
                # Parsed after the deletion: a new submission revives the id.
                "deleted_at": None,
            }

        await self._writer.apply_once(event.id, event.subject or record.document_id, change)

    async def on_embedded(self, message: KafkaMessage) -> None:
        event = DocumentEmbedded.from_bytes(message.body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and (row.embedded_version or 0) > data.version:
                return None
            return {
                "embedded_at": event.time,
                "embedded_version": data.version,
                "embedding": data.model_dump(mode="json"),
            }

        await self._writer.apply_once(event.id, event.subject or data.document_id, change)

    async def on_analyzed(self, message: KafkaMessage) -> None:
        event = DocumentAnalyzed.from_bytes(message.body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and (row.analyzed_version or 0) > data.version:
                return None
            return {
                "analyzed_at": event.time,
                "analyzed_version": data.version,
                "quality_score": data.quality.score,
                "analysis": data.model_dump(mode="json"),
            }

        await self._writer.apply_once(event.id, event.subject or data.document_id, change)

    async def on_rejected(self, message: KafkaMessage) -> None:
        event = DocumentRejected.from_bytes(message.body)
        data = event.data
        if data.document_id is None:
            return  # nothing to attach it to; the event stays on its topic for upstream

        def change(row: DocumentRow | None) -> dict[str, Any]:
            return {
                "rejected_at": event.time,
                "rejection": data.model_dump(mode="json"),
                "file_name": data.file_name if row is None else row.file_name,
            }

        await self._writer.apply_once(event.id, event.subject or data.document_id, change)

    async def on_deleted(self, message: KafkaMessage) -> None:
        event = DocumentDeleted.from_bytes(message.body)

        def change(row: DocumentRow | None) -> dict[str, Any]:
            # Keep the id and timestamps for the status page; drop every piece of content.
            return {
                "deleted_at": event.time,
                "title": None,
                "department": None,
                "record": None,
                "analysis": None,
                "quality_score": None,
            }

        await self._writer.apply_once(event.id, event.subject or event.data.document_id, change)
