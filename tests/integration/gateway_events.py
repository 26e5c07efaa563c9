"""Pipeline events about one document, as the gateway's projections receive them."""

import base64
import hashlib
from datetime import datetime
from typing import Any

from aiokafka import ConsumerRecord

from jdi_contracts.events import (
    Analyzed,
    Classification,
    CloudEvent,
    DeadLetter,
    DeadLettered,
    Deleted,
    DocumentAnalyzed,
    DocumentDeleted,
    DocumentEmbedded,
    DocumentFiled,
    DocumentParsed,
    DocumentRejected,
    Embedded,
    Filed,
    FiledAs,
    Parsed,
    Quality,
    Rejected,
    RejectionReason,
    Section,
)


def parsed(
    document_id: str,
    version: int = 1,
    code: str = "EX-01",
    language: str = "en",
    translation_of: str | None = None,
) -> DocumentParsed:
    group, level = code.split("-")
    record = Parsed(
        document_id=document_id,
        submission_id=f"sub-{document_id}-{version}",
        version=version,
        sha256=hashlib.sha256(f"{document_id}/{version}".encode()).hexdigest(),
        source_reference=f"ref/{document_id}",
        file_name=f"{document_id}.txt",
        media_type="text/plain",
        language=language,  # type: ignore[arg-type]
        job_number="100200",
        classification=Classification(group=group, level=level, code=code),
        title=f"Director {document_id} v{version}",
        department="Service Canada",
        sections=[Section(key="general_accountability", heading="General Accountability", text="Leads.")],
        redactions=0,
        translation_of=translation_of,
    )
    return DocumentParsed.wrap(record, source="/test", subject=document_id)


def embedded(document_id: str, version: int = 1) -> DocumentEmbedded:
    data = Embedded(document_id=document_id, version=version, model_id="m", collection="c", chunk_count=3)
    return DocumentEmbedded.wrap(data, source="/test", subject=document_id)


def analyzed(document_id: str, version: int = 1, score: float = 60.0) -> DocumentAnalyzed:
    data = Analyzed(
        document_id=document_id,
        version=version,
        skills=[],
        quality=Quality(score=score, components=[]),
        findings=[],
        compliance=[],
    )
    return DocumentAnalyzed.wrap(data, source="/test", subject=document_id)


def deleted(document_id: str) -> DocumentDeleted:
    return DocumentDeleted.wrap(
        Deleted(document_id=document_id, versions_removed=[1]), source="/test", subject=document_id
    )


def rejected(document_id: str | None) -> DocumentRejected:
    rejection = Rejected(
        document_id=document_id,
        submission_id="sub-bad",
        source_reference="ref/bad",
        file_name="scan.pdf",
        sha256=None,
        reason=RejectionReason.NO_TEXT_LAYER,
        message="The PDF has no text layer.",
    )
    return DocumentRejected.wrap(rejection, source="/test", subject=document_id)


def filed(document_id: str, canonical_id: str, alias: bool = True, version: int = 1) -> DocumentFiled:
    answer = Filed(
        document_id=document_id,
        submission_id=f"sub-{document_id}",
        canonical_document_id=canonical_id,
        version=version,
        filed_as=FiledAs.DUPLICATE,
        alias=alias,
        source_reference=f"ref/{document_id}",
        file_name=f"{document_id}.txt",
        sha256=hashlib.sha256(canonical_id.encode()).hexdigest(),
        message=f"the same bytes as version {version} of document {canonical_id}: nothing new stored",
    )
    return DocumentFiled.wrap(answer, source="/jdi/ingestion", subject=document_id)


def dead_lettered(
    key: str | None, original_topic: str, service: str, error_type: str = "PermanentError", at: datetime | None = None
) -> DeadLettered:
    """What jdi_core's dead_letter publishes when `service` gives up on a record of `original_topic`."""
    letter = DeadLetter(
        original_topic=original_topic,
        partition=0,
        offset=7,
        key=key,
        headers={},
        value_base64=base64.b64encode(b"{}").decode(),
        error_type=error_type,
        error_message=f"{error_type}: the input quoted here never reaches the read model",
        attempts=1,
    )
    event = DeadLettered.wrap(letter, source=f"/jdi/{service}", subject=key)
    return event if at is None else event.model_copy(update={"time": at})


def as_records(*events: CloudEvent[Any], topic_prefix: str = "") -> list[ConsumerRecord]:
    """The events as one poll of the gateway's consumer returns them, in order."""
    return [
        ConsumerRecord(
            topic=f"{topic_prefix}{event.topic.value}",
            partition=0,
            offset=offset,
            timestamp=offset,
            timestamp_type=0,
            key=event.subject.encode() if event.subject else None,
            value=event.to_bytes(),
            checksum=None,
            serialized_key_size=0,
            serialized_value_size=0,
            headers=[],
        )
        for offset, event in enumerate(events)
    ]
