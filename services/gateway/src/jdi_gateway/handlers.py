"""Project pipeline events into the gateway's read model; each event is applied exactly once.

Events of one document arrive per topic in order, but not across topics (`embedded` may beat
`parsed`), so every stage writes only its own columns and stale versions are ignored.

A dead-lettered message about a document marks it failed, with the service that failed and the
error type, until a later event shows that stage overcome: a newer version parsed, or the stage done
after the failure (`RECOVERED_BY`). Both orders of arrival give the same result.
"""

from datetime import datetime
from typing import Any

from faststream.kafka import KafkaMessage

from jdi_contracts.events import (
    DeadLettered,
    DocumentAnalyzed,
    DocumentDeleted,
    DocumentEmbedded,
    DocumentFiled,
    DocumentParsed,
    DocumentRejected,
    Topic,
)
from jdi_core.telemetry import current_trace_id
from jdi_gateway.store.port import DocumentRow, ProjectionWriter

SOURCE = "/jdi/gateway"

# The columns whose time, when later than a failure, shows the failed service has since done its part.
RECOVERED_BY: dict[str, tuple[str, ...]] = {
    "ingestion": ("parsed_at", "rejected_at", "filed_at"),
    "embedding": ("parsed_at", "embedded_at"),
    "analysis": ("parsed_at", "analyzed_at"),
}
# For a message the gateway itself failed to project: a later event of the same topic.
PROJECTED_AT: dict[Topic, str] = {
    Topic.PARSED: "parsed_at",
    Topic.EMBEDDED: "embedded_at",
    Topic.ANALYZED: "analyzed_at",
    Topic.REJECTED: "rejected_at",
    Topic.FILED: "filed_at",
    Topic.DELETED: "deleted_at",
}


# What a deletion empties: everything the document said, and what the services derived from it.
CONTENT_COLUMNS = (
    "file_name",
    "source_reference",
    "title",
    "language",
    "job_number",
    "classification",
    "classification_group",
    "classification_level",
    "department",
    "translation_of",
    "redactions",
    "record",
    "embedding",
    "analysis",
    "quality_score",
    "rejection",
    "filing",
)


def recovered_by(failure: dict[str, Any]) -> tuple[str, ...]:
    if failure["stage"] == "gateway":
        topic = failure.get("topic")
        return (PROJECTED_AT[Topic(topic)],) if topic in PROJECTED_AT else ("parsed_at",)
    return RECOVERED_BY.get(failure["stage"], ("parsed_at",))


def _overcome(row: DocumentRow | None, column: str, at: datetime) -> dict[str, Any]:
    """The columns that clear the row's failure when setting `column` at `at` shows it overcome."""
    if row is None or row.failure is None or row.failed_at is None:
        return {}
    if column in recovered_by(row.failure) and at > row.failed_at:
        return {"failed_at": None, "failure": None}
    return {}


class ProjectionHandlers:
    def __init__(self, writer: ProjectionWriter, topic_prefix: str = "") -> None:
        self._writer = writer
        self._topic_prefix = topic_prefix

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
                # Parsed after its filing under another document: the id names a document of its own now.
                **({"canonical_document_id": None} if row is None or _before(row.filed_at, event.time) else {}),
                **_overcome(row, "parsed_at", event.time),
            }

        await self._writer.apply_once(event.id, event.subject or record.document_id, change)

    async def on_embedded(self, message: KafkaMessage) -> None:
        event = DocumentEmbedded.from_bytes(message.body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and ((row.embedded_version or 0) > data.version or _deleted_after(row, event.time)):
                return None
            return {
                "embedded_at": event.time,
                "embedded_version": data.version,
                "embedding": data.model_dump(mode="json"),
                **_overcome(row, "embedded_at", event.time),
            }

        await self._writer.apply_once(event.id, event.subject or data.document_id, change)

    async def on_analyzed(self, message: KafkaMessage) -> None:
        event = DocumentAnalyzed.from_bytes(message.body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and ((row.analyzed_version or 0) > data.version or _deleted_after(row, event.time)):
                return None
            return {
                "analyzed_at": event.time,
                "analyzed_version": data.version,
                "quality_score": data.quality.score,
                "analysis": data.model_dump(mode="json"),
                **_overcome(row, "analyzed_at", event.time),
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
                **_overcome(row, "rejected_at", event.time),
            }

        await self._writer.apply_once(event.id, event.subject or data.document_id, change)

    async def on_filed(self, message: KafkaMessage) -> None:
        """The answer to a submission held under another document; its id becomes an alias when it names
        no document of its own, unless it was parsed as one since."""
        event = DocumentFiled.from_bytes(message.body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any]:
            values = {
                "filed_at": event.time,
                "filing": data.model_dump(mode="json"),
                "file_name": data.file_name if row is None or row.file_name is None else row.file_name,
                **_overcome(row, "filed_at", event.time),
            }
            if data.alias and (row is None or _before(row.parsed_at, event.time)):
                values["canonical_document_id"] = data.canonical_document_id
            return values

        await self._writer.apply_once(event.id, event.subject or data.document_id, change)

    async def on_dead_lettered(self, message: KafkaMessage) -> None:
        """A message a service gave up on: its document is failed, with the service and the error type
        (never the error message, which may quote the input)."""
        event = DeadLettered.from_bytes(message.body)
        letter = event.data
        topic = letter.original_topic.removeprefix(self._topic_prefix)
        document_id = event.subject or letter.key
        if document_id is None or topic == Topic.DLQ:
            return  # nothing to attach it to, or the gateway failed on a dead letter: SREs read the topic
        failure = {
            "stage": event.source.rstrip("/").rsplit("/", 1)[-1],
            "reason": letter.error_type,
            "topic": topic,
            "attempts": letter.attempts,
        }

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and any(
                not _before(getattr(row, column), event.time) for column in recovered_by(failure)
            ):
                return None  # overcome already: a later event of the stage arrived first
            return {"failed_at": event.time, "failure": failure}

        await self._writer.apply_once(event.id, document_id, change)

    async def on_deleted(self, message: KafkaMessage) -> None:
        event = DocumentDeleted.from_bytes(message.body)

        def change(row: DocumentRow | None) -> dict[str, Any]:
            # Keep the id, the stage times and versions for the status page; drop every piece of content.
            return {
                "deleted_at": event.time,
                **dict.fromkeys(CONTENT_COLUMNS),
                # Deleting an alias drops it; the document it named stays.
                **({"canonical_document_id": None} if row is None or _before(row.filed_at, event.time) else {}),
            }

        await self._writer.apply_once(event.id, event.subject or event.data.document_id, change)


def _deleted_after(row: DocumentRow, moment: datetime) -> bool:
    """Whether the document was deleted after `moment`: an event from before its deletion, read late."""
    return row.deleted_at is not None and row.deleted_at > moment


def _before(at: datetime | None, moment: datetime) -> bool:
    """Whether a column's time, if set, is before `moment`."""
    return at is None or at < moment
