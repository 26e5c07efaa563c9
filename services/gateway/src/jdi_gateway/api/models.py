"""Request and response bodies of the /v1/documents routes, and the text constraint every route's input shares."""

from datetime import datetime
from typing import Annotated, Literal, Self

from fastapi import Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from jdi_contracts.events import Filed, Parsed, Rejected
from jdi_gateway.api.errors import Problem

Status = Literal["received", "parsed", "embedded", "analyzed", "complete", "rejected", "failed", "deleted"]

# PostgreSQL text cannot hold NUL and no job description needs one: every text input refuses it (422).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
DocumentId = Annotated[str, Path(min_length=1, max_length=200, pattern=NO_NUL)]
OtherDocumentId = Annotated[str, Query(min_length=1, max_length=200, pattern=NO_NUL)]
# Base64 as RFC 4648 writes it (standard alphabet, padded), so a bad encoding is a 422 at validation.
BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

DOCUMENT_ID = "3f1c2a9e-5b7d-5e21-9a0c-6c1e2f3a4b5d"
SHA256 = "ad86ead353f2d13c5786800479ce898675782f17523d190db8561187a5aae07d"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SUMMARY_EXAMPLE: JsonDict = {
    "document_id": DOCUMENT_ID,
    "status": "complete",
    "status_reason": None,
    "title": "Director, Business Analysis",
    "language": "en",
    "job_number": "103249",
    "classification": "EX-01",
    "department": "Public Works and Government Services Canada",
    "version": 1,
    "quality_score": 71.5,
    "created_at": "2026-11-27T10:14:58Z",
    "updated_at": "2026-11-27T10:15:03Z",
}


class SubmitJson(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "file_name": "EX-01 Director, Business Analysis.txt",
                    "text": "Director, Business Analysis\n\nGeneral Accountability\nThe Director leads ...",
                    "source_system": "hr-archive",
                    "source_reference": "2007/103249-en.txt",
                    "metadata": {"language": "en"},
                }
            ],
            "oneOf": [{"required": ["text"]}, {"required": ["content_base64"]}],
        }
    )

    # Optional fields are absent or a string: null is refused, as the schema says (SkipJsonSchema hides it).
    file_name: Text = Field(min_length=1, max_length=255)
    text: Text | SkipJsonSchema[None] = Field(None, description="plain text or Markdown")
    content_base64: Annotated[str, StringConstraints(pattern=BASE64)] | SkipJsonSchema[None] = Field(
        None, description="bytes of a .docx, .pdf, .html... file"
    )
    source_system: Text = Field("gateway", min_length=1, max_length=100)
    source_reference: Annotated[Text, StringConstraints(max_length=500)] | SkipJsonSchema[None] = Field(
        None, description="defaults to the content hash"
    )
    metadata: dict[Text, Text] = Field(default_factory=dict, description="hints for ingestion, e.g. language")

    @model_validator(mode="after")
    def one_content_and_no_nulls(self) -> Self:
        if any(getattr(self, name) is None for name in self.model_fields_set):
            raise ValueError("Leave out a field rather than send null.")
        if (self.text is None) == (self.content_base64 is None):
            raise ValueError("Send exactly one of `text` and `content_base64`.")
        return self


ACCEPTED_EXAMPLE: JsonDict = {
    "document_id": DOCUMENT_ID,
    "submission_id": "0b8e7f52-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
    "status": "received",
    "status_url": f"https://jdi.example.org/v1/documents/{DOCUMENT_ID}",
    "trace_id": TRACE_ID,
}


class Accepted(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ACCEPTED_EXAMPLE]})

    document_id: str
    submission_id: str = Field(description="id of the submitted event")
    status: Status
    status_url: str
    trace_id: str | None = Field(description="the upload's trace: every service's spans for this document")


class BatchItem(BaseModel):
    file_name: str | None = Field(description="as sent")
    status: int = Field(description="202 when submitted, else the problem's status")
    accepted: Accepted | None = None
    problem: Problem | None = None


class BatchAnswer(BaseModel):
    """One item per `files` part, in the order sent."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "file_name": "EX-01 Director, Business Analysis.txt",
                            "status": 202,
                            "accepted": ACCEPTED_EXAMPLE,
                            "problem": None,
                        },
                        {
                            "file_name": "photo.png",
                            "status": 415,
                            "accepted": None,
                            "problem": {
                                "type": "https://jdi.dev/problems/unsupported_media_type",
                                "title": "unsupported media type",
                                "status": 415,
                                "code": "unsupported_media_type",
                                "detail": "'photo.png' is not a supported document; send .txt, .md, .docx, .pdf "
                                "or .html.",
                                "instance": "/v1/documents/batch",
                            },
                        },
                    ]
                }
            ]
        }
    )

    items: list[BatchItem]


class Failure(BaseModel):
    """Why a document is failed: the service that gave up on it, never the error's text."""

    stage: str = Field(description='the service, e.g. "embedding"')
    reason: str = Field(description="the error's type")
    topic: str = Field(description="the topic of the message given up on")
    attempts: int


class Stage(BaseModel):
    done: bool
    at: datetime | None = None
    version: int | None = None
    detail: Rejected | Filed | Failure | None = Field(
        None, description="why, for the rejected, filed and failed stages"
    )


class DocumentSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [SUMMARY_EXAMPLE]})

    document_id: str
    status: Status
    status_reason: str | None = Field(
        description="why, for a `rejected` document its reason (e.g. `no_text_layer`), for a `failed` one the "
        "service that gave up and the error type (`analysis: DBAPIError`); null otherwise"
    )
    title: str | None
    language: str | None
    job_number: str | None
    classification: str | None = Field(description='group and level, e.g. "EX-01"')
    department: str | None
    version: int | None
    quality_score: float | None = Field(description="0-100, once analysed")
    created_at: datetime
    updated_at: datetime


def _stage(done: bool, at: str | None, version: int | None = None) -> JsonDict:
    return {"done": done, "at": at, "version": version, "detail": None}


RECORD_EXAMPLE: JsonDict = {
    "document_id": DOCUMENT_ID,
    "submission_id": "0b8e7f52-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
    "version": 1,
    "sha256": SHA256,
    "source_reference": "2007/103249-en.txt",
    "file_name": "EX-01 Director, Business Analysis.txt",
    "media_type": "text/plain",
    "language": "en",
    "job_number": "103249",
    "position_number": None,
    "classification": {"group": "EX", "level": "01", "code": "EX-01"},
    "title": "Director, Business Analysis",
    "department": "Public Works and Government Services Canada",
    "fields": {"reports_to": "Director General, Business Solutions"},
    "sections": [
        {
            "key": "general_accountability",
            "heading": "GENERAL ACCOUNTABILITY",
            "text": "The Director, Business Analysis is accountable for ...",
        }
    ],
    "redactions": 1,
    "warnings": [],
    "translation_of": None,
}


class DocumentView(DocumentSummary):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **SUMMARY_EXAMPLE,
                    "trace_id": TRACE_ID,
                    "file_name": "EX-01 Director, Business Analysis.txt",
                    "source_reference": "2007/103249-en.txt",
                    "translation_of": None,
                    "translation": "8d2e4b6a-1f3c-5a7e-9b0d-2c4e6f8a0b1c",
                    "redactions": 1,
                    "stages": {
                        "received": _stage(True, "2026-11-27T10:14:58Z"),
                        "parsed": _stage(True, "2026-11-27T10:15:00Z", 1),
                        "embedded": _stage(True, "2026-11-27T10:15:02Z", 1),
                        "analyzed": _stage(True, "2026-11-27T10:15:03Z", 1),
                        "rejected": _stage(False, None),
                        "filed": _stage(False, None),
                        "failed": _stage(False, None),
                        "deleted": _stage(False, None),
                    },
                    "rejection": None,
                    "record": RECORD_EXAMPLE,
                }
            ]
        }
    )

    trace_id: str | None
    file_name: str | None
    source_reference: str | None
    translation_of: str | None = Field(description="document id of the other-language form, as this record names it")
    translation: str | None = Field(
        description="document id of the other-language form, whichever of the two names the other: the one this "
        "record names, else the newest live document naming this one"
    )
    redactions: int | None = Field(description="personal data replaced by placeholders")
    stages: dict[str, Stage] = Field(
        description="received, parsed, embedded, analyzed, rejected, filed, failed, deleted"
    )
    rejection: Rejected | None = Field(description="why, while the document is rejected")
    record: Parsed | None = Field(description="the parsed record; none before parsing and after deletion")


class Facets(BaseModel):
    """Per facet, the documents per value (most first, up to 100 values) among those the listing's filters
    give when the filter on that facet itself is left out: beside each choice, what choosing it would list."""

    status: dict[str, int]
    language: dict[str, int]
    classification: dict[str, int]
    group: dict[str, int]
    level: dict[str, int]
    department: dict[str, int]


class DocumentPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [SUMMARY_EXAMPLE],
                    "next_cursor": f"-c1764238498000000.{DOCUMENT_ID}",
                    "facets": {
                        "status": {"complete": 97, "rejected": 2, "failed": 1},
                        "language": {"en": 61, "fr": 39},
                        "classification": {"EX-01": 40, "EX-02": 35, "EX-03": 25},
                        "group": {"EX": 100},
                        "level": {"01": 40, "02": 35, "03": 25},
                        "department": {"Public Works and Government Services Canada": 100},
                    },
                }
            ]
        }
    )

    items: list[DocumentSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")
    facets: Facets | None = Field(None, description="with `facets=true`")


class DocumentVersionView(BaseModel):
    version: int
    parsed_at: datetime
    record: Parsed


class VersionPage(BaseModel):
    """A document's parsed versions, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "document_id": DOCUMENT_ID,
                    "versions": [
                        {
                            "version": 2,
                            "parsed_at": "2026-11-28T09:00:00Z",
                            "record": {**RECORD_EXAMPLE, "version": 2},
                        }
                    ],
                    "next_before": 2,
                }
            ]
        }
    )

    document_id: str
    versions: list[DocumentVersionView]
    next_before: int | None = Field(description="pass as `before` for older versions; null when there are none")


class DeleteAccepted(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"document_id": DOCUMENT_ID, "status": "delete_requested"}]}
    )

    document_id: str
    status: Literal["delete_requested"] = "delete_requested"


def json_of(body: BaseModel) -> Response:
    """The body serialised once: a route returning its model has FastAPI validate it again first, which on the
    hottest routes costs as much as building it. The route's `response_model` still documents it."""
    return Response(body.model_dump_json(), media_type="application/json")
