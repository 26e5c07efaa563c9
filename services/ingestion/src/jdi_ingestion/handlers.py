"""Kafka handlers: answer every `submitted` with one event keyed by the id it named: `parsed` (a new
document or version of it), `filed` (held under another document, or the same bytes again) or `rejected`."""

import base64
import binascii
import hashlib
import json
import uuid
from typing import Any

from faststream.kafka import KafkaMessage
from pydantic import ValidationError

import jdi_parser as parsing
from jdi_contracts.events import (
    Deleted,
    DocumentDeleted,
    DocumentDeleteRequested,
    DocumentFiled,
    DocumentParsed,
    DocumentRejected,
    DocumentSubmitted,
    Filed,
    FiledAs,
    Parsed,
    Rejected,
    RejectionReason,
    Submitted,
    Topic,
)
from jdi_core.broker import Publish, single_record
from jdi_core.errors import describe_error
from jdi_ingestion.store import DocumentStore, StoredVersion, job_key

SOURCE = "/jdi/ingestion"
OTHER_LANGUAGE = {"en": "fr", "fr": "en"}
ANSWER_NAMESPACE = uuid.UUID("0b6f4f0e-3c1d-4d8e-9a57-6a2f5d9c1e42")


def answer_id(topic: Topic, submission_id: str, document_id: str | None, detail: int | str) -> str:
    """An answer's event id, the same each time it is published: an answer sent again after a crash (before the
    submission's offset was committed) is the same event, which consumers and upstreams deduplicate. `detail` (the
    version, or the rejection's reason) tells apart different answers to one submission."""
    return str(uuid.uuid5(ANSWER_NAMESPACE, f"{topic.value}\x1f{submission_id}\x1f{document_id}\x1f{detail}"))


class IngestionHandlers:
    def __init__(self, store: DocumentStore, publish: Publish, limits: parsing.ParseLimits) -> None:
        self._store = store
        self._publish = publish
        self._limits = limits

    async def on_submitted(self, message: KafkaMessage) -> None:
        try:
            event = DocumentSubmitted.from_bytes(message.body)
        except ValidationError as error:
            await self._reject_unreadable(message, error)
            return
        try:
            await self.ingest(event)
        except parsing.RejectionError as rejection:
            await self._reject(event, rejection.reason, rejection.message)

    async def answer_dead_lettered(self, message: KafkaMessage) -> None:
        """A submission given up on (it failed every attempt) still gets an answer, before its dead letter: the
        letter's later time keeps the document `failed` in the gateway, and a replay that succeeds answers again."""
        try:
            event = DocumentSubmitted.from_bytes(message.body)
        except ValidationError:
            return  # a contract violation is answered `invalid_event` by on_submitted, never dead-lettered
        await self._reject(
            event,
            RejectionReason.PROCESSING_FAILED,
            "jdi failed to process this submission and set it aside for its operators, who can replay it; "
            "sending it again is harmless",
        )

    async def on_delete_requested(self, message: KafkaMessage) -> None:
        request = DocumentDeleteRequested.from_bytes(message.body).data
        removed = await self._store.delete_document(request.document_id)
        deleted = Deleted(document_id=request.document_id, versions_removed=removed)
        await self._publish(DocumentDeleted.wrap(deleted, source=SOURCE, subject=request.document_id))

    async def ingest(self, event: DocumentSubmitted) -> None:
        submission = event.data
        if unstorable := _fields_with_nul(submission):
            raise parsing.RejectionError(
                RejectionReason.INVALID_EVENT,
                f"{', '.join(unstorable)}: a NUL character (U+0000), which jdi cannot store; remove it",
            )
        original = _original_bytes(submission)
        if hashlib.sha256(original).hexdigest() != submission.sha256:
            raise parsing.RejectionError(RejectionReason.CHECKSUM_MISMATCH, "sha256 does not match the content")

        known = await self._store.find_by_content(submission.sha256)
        if known is not None:
            await self._answer_known(event, known)
            return

        if submission.text is not None:
            result = parsing.parse_text(submission.text, submission.file_name, self._limits)
        else:
            result = parsing.parse_document(original, submission.file_name, self._limits)

        warnings = list(result.warnings)
        document_id = await self._resolve_document_id(submission.document_id, result, warnings)
        record = Parsed(
            document_id=document_id,
            submission_id=event.id,
            version=1,
            sha256=submission.sha256,
            source_reference=submission.source_reference,
            file_name=submission.file_name,
            media_type=result.media_type,
            language=result.language,
            job_number=result.job_number,
            position_number=result.position_number,
            classification=result.classification,
            title=result.title,
            department=result.department,
            fields=result.fields,
            sections=result.sections,
            redactions=result.redactions,
            warnings=warnings,
            translation_of=await self._translation_of(result),
            text=None if result.sections else result.text,
        )
        version = await self._store.add_version(record, original, submission.source_system)
        await self._publish_parsed(record.model_copy(update={"version": version}))
        if document_id != submission.document_id:
            await self._publish_filed(event, document_id, version, FiledAs.NEW_VERSION)

    async def _answer_known(self, event: DocumentSubmitted, known: StoredVersion) -> None:
        """Bytes already stored: no new version. Finish publishing if a crash interrupted it, then answer."""
        if not known.published:
            await self._publish_parsed(known.record)
        if known.record.submission_id != event.id:
            await self._publish_filed(event, known.document_id, known.version, FiledAs.DUPLICATE)
        elif known.document_id != event.data.document_id:
            # This very submission again, filed as a new version: its answer may not have gone out.
            await self._publish_filed(event, known.document_id, known.version, FiledAs.NEW_VERSION)

    async def _resolve_document_id(
        self, requested: str, result: parsing.ParsedJobDescription, warnings: list[str]
    ) -> str:
        """A known id keeps its identity; otherwise the same job number and language is the same job."""
        job = job_key(result)
        if await self._store.document_exists(requested) or not job or not result.language:
            return requested
        existing = await self._store.find_by_job(job, result.language)
        if existing is None:
            return requested
        warnings.append(
            f"filed as a new version of document {existing}: same job number {job} and language {result.language}"
        )
        return existing

    async def _translation_of(self, result: parsing.ParsedJobDescription) -> str | None:
        other = OTHER_LANGUAGE.get(result.language or "")
        job = job_key(result)
        if other is None or not job:
            return None
        return await self._store.find_by_job(job, other)

    async def _publish_parsed(self, record: Parsed) -> None:
        event_id = answer_id(Topic.PARSED, record.submission_id, record.document_id, record.version)
        await self._publish(DocumentParsed.wrap(record, source=SOURCE, subject=record.document_id, event_id=event_id))
        await self._store.mark_published(record.document_id, record.version)

    async def _publish_filed(
        self, event: DocumentSubmitted, canonical_id: str, version: int, filed_as: FiledAs
    ) -> None:
        submission = event.data
        if filed_as is FiledAs.DUPLICATE:
            message = f"the same bytes as version {version} of document {canonical_id}: nothing new stored"
        else:
            message = f"filed as version {version} of document {canonical_id}: same job number and language"
        filed = Filed(
            document_id=submission.document_id,
            submission_id=event.id,
            canonical_document_id=canonical_id,
            version=version,
            filed_as=filed_as,
            alias=canonical_id != submission.document_id
            and not await self._store.document_exists(submission.document_id),
            source_reference=submission.source_reference,
            file_name=submission.file_name,
            sha256=submission.sha256,
            message=message,
        )
        event_id = answer_id(Topic.FILED, event.id, canonical_id, version)
        await self._publish(DocumentFiled.wrap(filed, source=SOURCE, subject=submission.document_id, event_id=event_id))

    async def _reject(self, event: DocumentSubmitted, reason: RejectionReason, message: str) -> None:
        submission = event.data
        rejected = Rejected(
            document_id=submission.document_id,
            submission_id=event.id,
            source_reference=_storable(submission.source_reference),
            file_name=_storable(submission.file_name),
            sha256=submission.sha256,
            reason=reason,
            message=message,
        )
        event_id = answer_id(Topic.REJECTED, event.id, submission.document_id, reason.value)
        await self._publish(
            DocumentRejected.wrap(rejected, source=SOURCE, subject=submission.document_id, event_id=event_id)
        )

    async def _reject_unreadable(self, message: KafkaMessage, error: ValidationError) -> None:
        """An event that breaks the contract still gets an answer upstream can act on."""
        raw = _json_object(message.body)
        data_field = raw.get("data")
        data = data_field if isinstance(data_field, dict) else {}
        record = single_record(message)
        key = record.key.decode(errors="replace") if record.key else None
        rejected = Rejected(
            document_id=_storable(_str_or_none(data.get("document_id")) or key),
            submission_id=_storable(_str_or_none(raw.get("id")))
            or f"{record.topic}/{record.partition}/{record.offset}",
            source_reference=_storable(_str_or_none(data.get("source_reference"))),
            file_name=_storable(_str_or_none(data.get("file_name"))),
            sha256=_storable(_str_or_none(data.get("sha256"))),
            reason=RejectionReason.INVALID_EVENT,
            message=_without_nul(f"the event does not match {Topic.SUBMITTED.value}: {describe_error(error)}"),
        )
        event_id = answer_id(Topic.REJECTED, rejected.submission_id, rejected.document_id, rejected.reason.value)
        await self._publish(
            DocumentRejected.wrap(rejected, source=SOURCE, subject=rejected.document_id, event_id=event_id)
        )


def _original_bytes(submission: Submitted) -> bytes:
    if submission.content_base64 is None:
        # The contract requires exactly one of text and content_base64.
        return (submission.text or "").encode("utf-8")
    try:
        return base64.b64decode(submission.content_base64, validate=True)
    except binascii.Error as error:
        raise parsing.RejectionError(RejectionReason.CORRUPT_DOCUMENT, "content_base64 is not valid base64") from error


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


# The fields of a submission that jdi stores as they are; PostgreSQL's text and jsonb cannot hold U+0000.
STORED_AS_SENT = ("source_system", "source_reference", "file_name", "media_type", "submitted_by")


def _fields_with_nul(submission: Submitted) -> list[str]:
    names = [name for name in STORED_AS_SENT if "\x00" in (getattr(submission, name) or "")]
    if any("\x00" in key + value for key, value in submission.metadata.items()):
        names.append("metadata")
    return names


def _without_nul(text: str) -> str:
    """`text` as an answer may echo it: its NUL characters replaced, so that consumers can store it."""
    return text.replace("\x00", "\ufffd")


def _storable(value: str | None) -> str | None:
    return None if value is None else _without_nul(value)
