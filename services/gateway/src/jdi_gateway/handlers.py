"""Project pipeline events into the gateway's read model; each event is applied exactly once.

Events of one document arrive per topic in order, but not across topics (`embedded` may beat
`parsed`), so every stage writes only its own columns and stale versions are ignored.

A poll's batch of events is applied in one transaction, in order (`ProjectionWriter.apply_all`): a
rebuild from offset 0 goes at thousands of events a second. If the batch fails, each event is applied
on its own, so only the one that fails is retried and, at last, dead-lettered. Each event's span
continues its own trace (its decoding: the write is the batch's, which links every event).

A dead-lettered message about a document marks it failed, with the service that failed and the
error type, until a later event shows that stage overcome: a newer version parsed, or the stage done
after the failure (`RECOVERED_BY`). Both orders of arrival give the same result.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from aiokafka import ConsumerRecord
from opentelemetry import trace

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
from jdi_core.batch_consumer import record_span
from jdi_core.telemetry import current_trace_id
from jdi_gateway.store.port import Application, DocumentRow, ProjectionWriter

SOURCE = "/jdi/gateway"
PROJECTED_TOPICS = (
    Topic.PARSED,
    Topic.EMBEDDED,
    Topic.ANALYZED,
    Topic.REJECTED,
    Topic.FILED,
    Topic.DELETED,
    Topic.DLQ,
)
tracer = trace.get_tracer(__name__)

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


# What a deletion empties: everything the document said, and what the services derived from it; by the stage
# that set it, so that a deletion read after a later event of that stage (topics are not ordered together)
# leaves what that event set, as when the deletion is read first.
CONTENT_BY_STAGE: dict[str, tuple[str, ...]] = {
    "parsed_at": (
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
    ),
    "embedded_at": ("embedding",),
    "analyzed_at": ("analysis", "quality_score"),
    "rejected_at": ("rejection",),
    "filed_at": ("filing",),
}
CONTENT_COLUMNS = tuple(column for columns in CONTENT_BY_STAGE.values() for column in columns)


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
        self.topic_prefix = topic_prefix
        by_topic: dict[Topic, Callable[[bytes], Application | None]] = {
            Topic.PARSED: self._parsed,
            Topic.EMBEDDED: self._embedded,
            Topic.ANALYZED: self._analyzed,
            Topic.REJECTED: self._rejected,
            Topic.FILED: self._filed,
            Topic.DELETED: self._deleted,
            Topic.DLQ: self._dead_lettered,
        }
        # What each projected topic's event changes, by the topic's name on the broker.
        self._applications = {f"{topic_prefix}{topic.value}": by_topic[topic] for topic in PROJECTED_TOPICS}

    async def project_batch(self, records: Sequence[ConsumerRecord]) -> list[BaseException | None]:
        """The batch handler (`jdi_core.batch_consumer`): one outcome per record, None when applied."""
        outcomes: list[BaseException | None] = [None] * len(records)
        pending: list[tuple[int, Application]] = []
        for position, record in enumerate(records):
            key = record.key.decode(errors="replace") if record.key else ""
            try:
                with record_span(tracer, record, key):
                    application = self._applications[record.topic](record.value or b"")
            except Exception as error:  # noqa: BLE001 - an event breaking its contract fails alone
                outcomes[position] = error
                continue
            if application is not None:
                pending.append((position, application))
        try:
            await self._writer.apply_all([application for _, application in pending])
        except Exception:  # noqa: BLE001 - one poison event must not hold back the others
            for position, application in pending:
                try:
                    await self._writer.apply_all([application])
                except Exception as error:  # noqa: BLE001 - reported as this record's outcome
                    outcomes[position] = error
        return outcomes

    def _parsed(self, body: bytes) -> Application | None:
        event = DocumentParsed.from_bytes(body)
        record = event.data
        trace_id = current_trace_id()  # the event's own trace: its span is the current one while decoding

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and (row.version or 0) > record.version:
                return None
            classification = record.classification
            values = {
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
                "trace_id": row.trace_id if row is not None and row.trace_id else trace_id,
                # Parsed after the deletion: a new submission revives the id.
                "deleted_at": None,
                # Parsed after its filing under another document: the id names a document of its own now.
                **({"canonical_document_id": None} if row is None or _before(row.filed_at, event.time) else {}),
                **_overcome(row, "parsed_at", event.time),
            }
            if row is not None and row.deleted_at is not None and event.time <= row.deleted_at:
                return _stage_only(values)  # parsed before the deletion: it revives nothing
            return values

        return Application(event.id, event.subject or record.document_id, change, event.time)

    def _embedded(self, body: bytes) -> Application | None:
        event = DocumentEmbedded.from_bytes(body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and (row.embedded_version or 0) > data.version:
                return None
            values = {
                "embedded_at": event.time,
                "embedded_version": data.version,
                "embedding": data.model_dump(mode="json"),
                **_overcome(row, "embedded_at", event.time),
            }
            return _stage_only(values) if row is not None and _deleted_after(row, event.time) else values

        return Application(event.id, event.subject or data.document_id, change, event.time)

    def _analyzed(self, body: bytes) -> Application | None:
        event = DocumentAnalyzed.from_bytes(body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any] | None:
            if row is not None and (row.analyzed_version or 0) > data.version:
                return None
            values = {
                "analyzed_at": event.time,
                "analyzed_version": data.version,
                "quality_score": data.quality.score,
                "analysis": data.model_dump(mode="json"),
                **_overcome(row, "analyzed_at", event.time),
            }
            return _stage_only(values) if row is not None and _deleted_after(row, event.time) else values

        return Application(event.id, event.subject or data.document_id, change, event.time)

    def _rejected(self, body: bytes) -> Application | None:
        event = DocumentRejected.from_bytes(body)
        data = event.data
        if data.document_id is None:
            return None  # nothing to attach it to; the event stays on its topic for upstream

        def change(row: DocumentRow | None) -> dict[str, Any]:
            values = {
                "rejected_at": event.time,
                "rejection": data.model_dump(mode="json"),
                "file_name": data.file_name if row is None else row.file_name,
                **_overcome(row, "rejected_at", event.time),
            }
            return _stage_only(values) if row is not None and _deleted_after(row, event.time) else values

        return Application(event.id, event.subject or data.document_id, change, event.time)

    def _filed(self, body: bytes) -> Application | None:
        """The answer to a submission held under another document; its id becomes an alias when it names
        no document of its own, unless it was parsed as one since."""
        event = DocumentFiled.from_bytes(body)
        data = event.data

        def change(row: DocumentRow | None) -> dict[str, Any]:
            values = {
                "filed_at": event.time,
                "filing": data.model_dump(mode="json"),
                "file_name": data.file_name if row is None or row.file_name is None else row.file_name,
                **_overcome(row, "filed_at", event.time),
            }
            if row is not None and _deleted_after(row, event.time):
                return _stage_only(values)  # the deletion dropped the alias it would have made
            if data.alias and (row is None or _before(row.parsed_at, event.time)):
                values["canonical_document_id"] = data.canonical_document_id
            return values

        return Application(event.id, event.subject or data.document_id, change, event.time)

    def _dead_lettered(self, body: bytes) -> Application | None:
        """A message a service gave up on: its document is failed, with the service and the error type
        (never the error message, which may quote the input)."""
        event = DeadLettered.from_bytes(body)
        letter = event.data
        topic = letter.original_topic.removeprefix(self.topic_prefix)
        document_id = event.subject or letter.key
        if document_id is None or topic == Topic.DLQ:
            return None  # nothing to attach it to, or the gateway failed on a dead letter: SREs read the topic
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

        return Application(event.id, document_id, change, event.time)

    def _deleted(self, body: bytes) -> Application | None:
        event = DocumentDeleted.from_bytes(body)

        def change(row: DocumentRow | None) -> dict[str, Any]:
            # Keep the id, the stage times and versions for the status page; drop every piece of content.
            values: dict[str, Any] = {
                column: None
                for stage, columns in CONTENT_BY_STAGE.items()
                if row is None or _before(getattr(row, stage), event.time)
                for column in columns
            }
            # Deleting an alias drops it; the document it named stays.
            if row is None or _before(row.filed_at, event.time):
                values["canonical_document_id"] = None
            # A later submission parsed already revived the id: the deletion is over, as when read first.
            if row is None or _before(row.parsed_at, event.time):
                values["deleted_at"] = event.time
            return values

        return Application(event.id, event.subject or event.data.document_id, change, event.time)


def _stage_only(values: dict[str, Any]) -> dict[str, Any]:
    """What an event from before the document's deletion, read after it, sets: what the deletion would have
    kept had it come first (the stage's time and version), so both orders give one document; no content."""
    return {name: value for name, value in values.items() if name not in CONTENT_COLUMNS and name != "deleted_at"}


def _deleted_after(row: DocumentRow, moment: datetime) -> bool:
    """Whether the document was deleted after `moment`: an event from before its deletion, read late."""
    return row.deleted_at is not None and row.deleted_at > moment


def _before(at: datetime | None, moment: datetime) -> bool:
    """Whether a column's time, if set, is before `moment`."""
    return at is None or at < moment
