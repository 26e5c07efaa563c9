"""Project pipeline events into the gateway's read model; each event is applied exactly once.

Events of one document arrive per topic in order, but not across topics (`embedded` may beat
`parsed`), so every stage writes only its own columns and stale versions are ignored.
"""

from typing import Any

from faststream.kafka import KafkaMessage
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jdi_contracts.events import (
    CloudEvent,
    DocumentAnalyzed,
    DocumentDeleted,
    DocumentEmbedded,
    DocumentParsed,
    DocumentRejected,
)
from jdi_core.telemetry import current_trace_id
from jdi_gateway.tables import applied_events, documents


class Projector:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def on_parsed(self, message: KafkaMessage) -> None:
        event = DocumentParsed.from_bytes(message.body)
        record = event.data

        async def apply(connection: AsyncConnection, row: Any) -> None:
            if row is not None and (row.version or 0) > record.version:
                return
            if row is not None and row.deleted_at is not None and event.time <= row.deleted_at:
                return  # parsed before the deletion, seen after it (topics are not ordered together)
            classification = record.classification
            await _set(
                connection,
                record.document_id,
                parsed_at=event.time,
                version=record.version,
                submission_id=record.submission_id,
                file_name=record.file_name,
                source_reference=record.source_reference,
                title=record.title,
                language=record.language,
                job_number=record.job_number,
                classification=classification.code if classification else None,
                classification_group=classification.group if classification else None,
                classification_level=classification.level if classification else None,
                department=record.department,
                translation_of=record.translation_of,
                redactions=record.redactions,
                record=record.model_dump(mode="json"),
                # Documents published straight to Kafka get the trace they arrived with.
                trace_id=row.trace_id if row is not None and row.trace_id else current_trace_id(),
                # Parsed after the deletion: a new submission revives the id.
                deleted_at=None,
            )

        await self._apply(event, apply)

    async def on_embedded(self, message: KafkaMessage) -> None:
        event = DocumentEmbedded.from_bytes(message.body)
        data = event.data

        async def apply(connection: AsyncConnection, row: Any) -> None:
            if row is not None and (row.embedded_version or 0) > data.version:
                return
            await _set(
                connection,
                data.document_id,
                embedded_at=event.time,
                embedded_version=data.version,
                embedding=data.model_dump(mode="json"),
            )

        await self._apply(event, apply)

    async def on_analyzed(self, message: KafkaMessage) -> None:
        event = DocumentAnalyzed.from_bytes(message.body)
        data = event.data

        async def apply(connection: AsyncConnection, row: Any) -> None:
            if row is not None and (row.analyzed_version or 0) > data.version:
                return
            await _set(
                connection,
                data.document_id,
                analyzed_at=event.time,
                analyzed_version=data.version,
                quality_score=data.quality.score,
                analysis=data.model_dump(mode="json"),
            )

        await self._apply(event, apply)

    async def on_rejected(self, message: KafkaMessage) -> None:
        event = DocumentRejected.from_bytes(message.body)
        data = event.data
        document_id = data.document_id
        if document_id is None:
            return  # nothing to attach it to; the event stays on its topic for upstream

        async def apply(connection: AsyncConnection, row: Any) -> None:
            await _set(
                connection,
                document_id,
                rejected_at=event.time,
                rejection=data.model_dump(mode="json"),
                file_name=data.file_name if row is None else row.file_name,
            )

        await self._apply(event, apply)

    async def on_deleted(self, message: KafkaMessage) -> None:
        event = DocumentDeleted.from_bytes(message.body)

        async def apply(connection: AsyncConnection, row: Any) -> None:
            # Keep the id and timestamps for the status page; drop every piece of content.
            await _set(
                connection,
                event.data.document_id,
                deleted_at=event.time,
                title=None,
                department=None,
                record=None,
                analysis=None,
                quality_score=None,
            )

        await self._apply(event, apply)

    async def _apply(self, event: CloudEvent[Any], apply: Any) -> None:
        document_id = event.subject or event.data.document_id
        async with self._engine.begin() as connection:
            first_time = await connection.execute(
                insert(applied_events).values(event_id=event.id).on_conflict_do_nothing()
            )
            if first_time.rowcount == 0:
                return
            row = (
                await connection.execute(
                    select(documents).where(documents.c.document_id == document_id).with_for_update()
                )
            ).first()
            await apply(connection, row)


async def record_received(
    engine: AsyncEngine,
    document_id: str,
    submission_id: str,
    file_name: str,
    source_reference: str,
    trace_id: str | None,
) -> None:
    """The gateway's own submissions are visible as `received` before ingestion answers."""
    async with engine.begin() as connection:
        await _set(
            connection,
            document_id,
            received_at=func.now(),
            submission_id=submission_id,
            file_name=file_name,
            source_reference=source_reference,
            trace_id=trace_id,
        )


async def _set(connection: AsyncConnection, document_id: str, **values: Any) -> None:
    await connection.execute(insert(documents).values(document_id=document_id).on_conflict_do_nothing())
    await connection.execute(
        update(documents).where(documents.c.document_id == document_id).values(updated_at=func.now(), **values)
    )
