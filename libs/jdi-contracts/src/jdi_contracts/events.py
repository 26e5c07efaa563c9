"""Event contracts: one pydantic model per topic, wrapped in a CloudEvents 1.0 envelope.

Wire format: CloudEvents *structured* mode. The Kafka record value is the whole event as JSON
(`content-type: application/cloudevents+json` header), the key is the document id, and W3C trace
context travels in the `traceparent`/`tracestate` headers. Structured mode keeps every attribute
inside one JSON document, so one JSON Schema per topic validates exactly what is on the wire.

Versioning: a breaking change gets a new `.v2` topic and a new model; adding an optional field
does not.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

CONTENT_TYPE = "application/cloudevents+json"
MAX_DOCUMENT_BYTES = 10_000_000
"""Largest original document accepted (bytes, before base64). Kafka's limit is set above this."""

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="Lower-case hex SHA-256")]
DocumentId = Annotated[str, Field(min_length=1, max_length=200, description="Stable document id")]


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Topic(StrEnum):
    SUBMITTED = "jdi.documents.submitted.v1"
    PARSED = "jdi.documents.parsed.v1"
    REJECTED = "jdi.documents.rejected.v1"
    FILED = "jdi.documents.filed.v1"
    DELETE_REQUESTED = "jdi.documents.delete-requested.v1"
    DELETED = "jdi.documents.deleted.v1"
    EMBEDDED = "jdi.documents.embedded.v1"
    ANALYZED = "jdi.documents.analyzed.v1"
    DLQ = "jdi.dlq.v1"


# --- payloads ---------------------------------------------------------------------------------


class Submitted(Contract):
    """A document handed to jdi by an upstream system (or the gateway on its behalf)."""

    document_id: DocumentId
    source_system: str = Field(min_length=1, max_length=100)
    source_reference: str = Field(min_length=1, max_length=500)
    file_name: str = Field(min_length=1, max_length=255)
    media_type: str | None = Field(None, max_length=200, description="Declared type; bytes decide")
    size: int = Field(ge=0, le=MAX_DOCUMENT_BYTES)
    sha256: Sha256
    content_base64: str | None = Field(None, description="Original bytes, base64 (binary formats)")
    text: str | None = Field(None, description="Plain text instead of bytes")
    submitted_by: str = Field(min_length=1, max_length=200)
    metadata: dict[str, str] = Field(default_factory=dict, description="Hints, e.g. language")

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        if (self.content_base64 is None) == (self.text is None):
            raise ValueError("exactly one of content_base64 and text is required")
        return self


class Section(Contract):
    key: str
    heading: str
    text: str


class Classification(Contract):
    group: str
    level: str
    code: str = Field(description='Group and level as written on forms, e.g. "EX-01"')


class Parsed(Contract):
    document_id: DocumentId
    submission_id: str = Field(description="id of the submitted event this version came from")
    version: int = Field(ge=1)
    sha256: Sha256
    source_reference: str
    file_name: str
    media_type: str
    language: Literal["en", "fr", "bilingual"] | None
    job_number: str | None
    position_number: str | None = None
    classification: Classification | None
    title: str | None
    department: str | None
    fields: dict[str, Any] = Field(default_factory=dict)
    sections: list[Section]
    redactions: int = Field(ge=0)
    warnings: list[str] = Field(default_factory=list)
    translation_of: str | None = Field(None, description="document id of the other-language form")
    text: str | None = Field(
        None,
        description="the whole text (redacted) when no sections were found and `sections` is empty, so the "
        "document can still be analysed; null when the sections hold it",
    )


class RejectionReason(StrEnum):
    INVALID_EVENT = "invalid_event"
    EMPTY_DOCUMENT = "empty_document"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    TOO_LARGE = "too_large"
    ARCHIVE_BOMB = "archive_bomb"
    TOO_MANY_PAGES = "too_many_pages"
    NO_TEXT_LAYER = "no_text_layer"
    CORRUPT_DOCUMENT = "corrupt_document"
    UNDECODABLE_TEXT = "undecodable_text"
    UNREADABLE_TEXT = "unreadable_text"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    PROCESSING_FAILED = "processing_failed"
    """Valid, but jdi failed on it every attempt: it is in the dead-letter queue, and a replay answers again."""


class Rejected(Contract):
    document_id: str | None
    submission_id: str
    source_reference: str | None
    file_name: str | None
    sha256: str | None
    reason: RejectionReason
    message: str


class FiledAs(StrEnum):
    DUPLICATE = "duplicate"
    """The same bytes as a version already stored: nothing new is stored."""
    NEW_VERSION = "new_version"
    """A new version of another document with the same job number and language; that document's `parsed`
    event, keyed by its id, carries the version."""


class Filed(Contract):
    """The answer to a submission that jdi holds under a document (`canonical_document_id`) as already
    stored bytes or as a new version of it, keyed by the id the submission named."""

    document_id: DocumentId = Field(description="the id the submission named")
    submission_id: str = Field(description="id of the submitted event this answers")
    canonical_document_id: DocumentId = Field(description="the document that holds the content")
    version: int = Field(ge=1, description="the version of the canonical document that holds the content")
    filed_as: FiledAs
    alias: bool = Field(
        description="true when `document_id` names no document of its own: jdi resolves it to "
        "`canonical_document_id` from now on (the gateway's GET /v1/documents/{document_id} answers with it)"
    )
    source_reference: str
    file_name: str
    sha256: Sha256
    message: str


class DeleteRequested(Contract):
    document_id: DocumentId
    requested_by: str


class Deleted(Contract):
    document_id: DocumentId
    versions_removed: list[int]


class Embedded(Contract):
    document_id: DocumentId
    version: int = Field(ge=1)
    model_id: str
    collection: str
    chunk_count: int = Field(ge=0)


class Skill(Contract):
    uri: str
    label: str
    confidence: float = Field(ge=0, le=1)
    section: str
    evidence: str
    start: int | None = Field(None, ge=0, description="evidence offset in the section text")
    end: int | None = Field(None, ge=0)
    method: str | None = Field(None, description="exact, alias or similarity")


class QualityComponent(Contract):
    name: str
    score: float = Field(ge=0, le=100)
    weight: float = Field(ge=0, le=1)
    explanation: str
    suggestions: list[str] = Field(default_factory=list)
    metrics: dict[str, Any] = Field(default_factory=dict, description="the figures behind the score")


class Quality(Contract):
    score: float = Field(ge=0, le=100)
    components: list[QualityComponent]


class Finding(Contract):
    category: str
    term: str
    section: str
    start: int = Field(ge=0, description="offset in the section text")
    end: int = Field(ge=0)
    suggestion: str | None


class ComplianceCheck(Contract):
    id: str
    passed: bool
    why: str = Field(description="why this check applies")
    detail: str


class Analyzed(Contract):
    document_id: DocumentId
    version: int = Field(ge=1)
    skills: list[Skill]
    quality: Quality
    findings: list[Finding]
    findings_summary: dict[str, Any] | None = None
    compliance: list[ComplianceCheck]
    taxonomy_version: str | None = Field(None, description="ESCO release the skills come from")


class DeadLetter(Contract):
    original_topic: str
    partition: int
    offset: int
    key: str | None
    headers: dict[str, str]
    value_base64: str = Field(description="the original record value, so nothing is lost")
    error_type: str
    error_message: str
    attempts: int = Field(ge=1)


# --- envelope ---------------------------------------------------------------------------------

DataT = TypeVar("DataT", bound=Contract)


class CloudEvent(BaseModel, Generic[DataT]):
    """CloudEvents 1.0 attributes around one payload; subclasses fix `type` to their topic."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    topic: ClassVar[Topic]

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1)
    source: str = Field(min_length=1, description="URI-reference of the producer, e.g. /jdi/ingestion")
    type: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str | None = Field(None, description="the document id")
    datacontenttype: Literal["application/json"] = "application/json"
    data: DataT

    @classmethod
    def wrap(cls, data: DataT, *, source: str, subject: str | None = None, event_id: str | None = None) -> Self:
        """`event_id` names an event that may be published again (after a crash) as the same event."""
        if event_id is None:
            return cls(source=source, type=cls.topic.value, subject=subject, data=data)
        return cls(id=event_id, source=source, type=cls.topic.value, subject=subject, data=data)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Self:
        return cls.model_validate_json(raw)


class DocumentSubmitted(CloudEvent[Submitted]):
    topic = Topic.SUBMITTED
    type: Literal["jdi.documents.submitted.v1"] = "jdi.documents.submitted.v1"


class DocumentParsed(CloudEvent[Parsed]):
    topic = Topic.PARSED
    type: Literal["jdi.documents.parsed.v1"] = "jdi.documents.parsed.v1"


class DocumentRejected(CloudEvent[Rejected]):
    topic = Topic.REJECTED
    type: Literal["jdi.documents.rejected.v1"] = "jdi.documents.rejected.v1"


class DocumentFiled(CloudEvent[Filed]):
    topic = Topic.FILED
    type: Literal["jdi.documents.filed.v1"] = "jdi.documents.filed.v1"


class DocumentDeleteRequested(CloudEvent[DeleteRequested]):
    topic = Topic.DELETE_REQUESTED
    type: Literal["jdi.documents.delete-requested.v1"] = "jdi.documents.delete-requested.v1"


class DocumentDeleted(CloudEvent[Deleted]):
    topic = Topic.DELETED
    type: Literal["jdi.documents.deleted.v1"] = "jdi.documents.deleted.v1"


class DocumentEmbedded(CloudEvent[Embedded]):
    topic = Topic.EMBEDDED
    type: Literal["jdi.documents.embedded.v1"] = "jdi.documents.embedded.v1"


class DocumentAnalyzed(CloudEvent[Analyzed]):
    topic = Topic.ANALYZED
    type: Literal["jdi.documents.analyzed.v1"] = "jdi.documents.analyzed.v1"


class DeadLettered(CloudEvent[DeadLetter]):
    topic = Topic.DLQ
    type: Literal["jdi.dlq.v1"] = "jdi.dlq.v1"


EVENT_TYPES: dict[Topic, type[CloudEvent[Any]]] = {
    event.topic: event
    for event in (
        DocumentSubmitted,
        DocumentParsed,
        DocumentRejected,
        DocumentFiled,
        DocumentDeleteRequested,
        DocumentDeleted,
        DocumentEmbedded,
        DocumentAnalyzed,
        DeadLettered,
    )
}
