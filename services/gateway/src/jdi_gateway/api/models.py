"""Request and response bodies of the public API."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["received", "parsed", "embedded", "analyzed", "complete", "rejected", "failed", "deleted"]


class SubmitJson(BaseModel):
    file_name: str = Field(min_length=1, max_length=255)
    text: str | None = Field(None, description="plain text or Markdown")
    content_base64: str | None = Field(None, description="bytes of a .docx, .pdf, .html... file")
    source_system: str = Field("gateway", min_length=1, max_length=100)
    source_reference: str | None = Field(None, max_length=500, description="defaults to the content hash")
    metadata: dict[str, str] = Field(default_factory=dict)


class Accepted(BaseModel):
    document_id: str
    submission_id: str
    status: Status
    status_url: str
    trace_id: str | None


class Stage(BaseModel):
    done: bool
    at: datetime | None = None
    version: int | None = None
    detail: dict[str, Any] | None = None


class DocumentSummary(BaseModel):
    document_id: str
    status: Status
    title: str | None
    language: str | None
    job_number: str | None
    classification: str | None
    department: str | None
    version: int | None
    quality_score: float | None
    created_at: datetime
    updated_at: datetime


class DocumentView(DocumentSummary):
    trace_id: str | None
    file_name: str | None
    source_reference: str | None
    translation_of: str | None
    redactions: int | None
    stages: dict[str, Stage]
    rejection: dict[str, Any] | None
    record: dict[str, Any] | None


class DocumentPage(BaseModel):
    items: list[DocumentSummary]
    next_cursor: str | None


class DeleteAccepted(BaseModel):
    document_id: str
    status: Literal["delete_requested"] = "delete_requested"
