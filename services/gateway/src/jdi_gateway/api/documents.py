"""/v1/documents: read, list and delete job descriptions (submitting them is in api/submissions.py)."""

import re
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from jdi_contracts.events import Analyzed, DeleteRequested, DocumentDeleteRequested
from jdi_gateway.api.dependencies import AuditLogPort, Publisher, ReadModelPort
from jdi_gateway.api.errors import ApiError
from jdi_gateway.api.models import (
    NO_NUL,
    DeleteAccepted,
    DocumentId,
    DocumentPage,
    DocumentSummary,
    DocumentVersionView,
    DocumentView,
    Status,
    VersionPage,
    json_of,
)
from jdi_gateway.api.openapi import responses
from jdi_gateway.api.status import stages_of, status_of, status_reason
from jdi_gateway.auth.api_key_auth import Caller, Scope, require
from jdi_gateway.handlers import SOURCE
from jdi_gateway.store.port import DocumentFilter, DocumentRow, Position, ReadModel, Sort, SortKey

router = APIRouter(prefix="/v1/documents", tags=["documents"])

# A listing position: the listing's order (a letter per sort key, "-" when descending), the last document's
# value of that key ("~" when it has none) and its id. Times are microseconds since 1970 (UTC), texts UTF-8
# in hex. Every value of the pattern is a position.
MICROS = r"[0-9]{1,16}"
HEX_TEXT = r"(?:[0-9a-f]{2}){0,800}"
NUMBER = r"[0-9]{1,3}(?:\.[0-9]{1,17})?(?:e-[0-9]{1,3})?"
TOKENS = {"c": MICROS, "u": MICROS, "t": HEX_TEXT, "j": HEX_TEXT, "q": NUMBER}
CURSOR = rf"^-?(?:[cu]{MICROS}|[tj](?:~|{HEX_TEXT})|q(?:~|{NUMBER}))\.[^\x00]{{1,200}}$"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SORT_LETTERS: dict[SortKey, str] = {"created": "c", "updated": "u", "title": "t", "job_number": "j", "quality": "q"}
SORT_KEY_OF = {letter: key for key, letter in SORT_LETTERS.items()}
TIME_KEYS = ("created", "updated")
SortParameter = Literal[
    "created", "-created", "updated", "-updated", "title", "-title", "job_number", "-job_number", "quality", "-quality"
]


@router.get(
    "",
    response_model=DocumentPage,
    summary="List documents: filtered, sorted, by pages, with facet counts",
    description="Documents without the sort key (no title yet, not analysed) come last in either direction. A "
    "`cursor` continues the listing it came from, in that listing's order, whatever `sort` says.",
    responses=responses(),
)
async def list_documents(
    read_model: ReadModelPort,
    language: Annotated[str | None, Query(max_length=20, pattern=NO_NUL, description='"en", "fr"')] = None,
    classification: Annotated[str | None, Query(max_length=50, pattern=NO_NUL, description='e.g. "EX-01"')] = None,
    group: Annotated[str | None, Query(max_length=20, pattern=NO_NUL, description='e.g. "EX"')] = None,
    department: Annotated[str | None, Query(max_length=300, pattern=NO_NUL)] = None,
    title: Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="words in the title")] = None,
    status: Annotated[Status | None, Query(description="e.g. `failed`: the documents a service gave up on")] = None,
    level: Annotated[
        str | None, Query(max_length=20, pattern=NO_NUL, description='the classification level, e.g. "01"')
    ] = None,
    min_quality: Annotated[float | None, Query(ge=0, le=100, description="quality score at least this")] = None,
    max_quality: Annotated[float | None, Query(ge=0, le=100, description="quality score at most this")] = None,
    include_deleted: bool = False,
    sort: Annotated[SortParameter, Query(description="the key, descending with `-`")] = "-created",
    facets: Annotated[bool, Query(description="also count the documents per value of each facet")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(pattern=CURSOR, description="`next_cursor` of the page before")] = None,
    _: Caller = require(Scope.DOCUMENTS_READ),
) -> Response:
    where = DocumentFilter(
        language, classification, group, department, title, include_deleted, status, level, min_quality, max_quality
    )
    order = Sort(key=sort.removeprefix("-"), descending=sort.startswith("-"))  # type: ignore[arg-type]
    after = None
    if cursor:
        order, after = _decode_cursor(cursor)
    listed = await read_model.list_documents(where, order, after, limit + 1)
    page = listed[:limit]
    next_cursor = _encode_cursor(order, page[-1][1]) if len(listed) > limit else None
    return json_of(
        DocumentPage(
            items=[_summary(row) for row, _ in page],
            next_cursor=next_cursor,
            facets=await read_model.facets(where) if facets else None,
        )
    )


@router.get(
    "/{document_id}",
    response_model=DocumentView,
    summary="A document with its stage statuses",
    description="An id that jdi filed under another document (an alias: the same bytes again, or a new version "
    "of a document with the same job number and language) answers with that document, whose `document_id` is "
    "the canonical one; no redirect.",
    responses=responses(404),
)
async def get_document(
    document_id: DocumentId, read_model: ReadModelPort, _: Caller = require(Scope.DOCUMENTS_READ)
) -> Response:
    row = await _row(read_model, document_id)
    view = DocumentView(
        **_summary(row).model_dump(),
        trace_id=row.trace_id,
        file_name=row.file_name,
        source_reference=row.source_reference,
        translation_of=row.translation_of,
        translation=row.translation_of or row.translated_by,
        redactions=row.redactions,
        stages=stages_of(row),
        rejection=row.rejection if status_of(row) == "rejected" else None,
        record=row.record,
    )
    return json_of(view)


@router.get(
    "/{document_id}/versions",
    response_model=VersionPage,
    summary="The document's parsed versions, newest first, each with its record",
    description="A deleted document has none: its deletion dropped every version's content.",
    responses=responses(404),
)
async def list_versions(
    document_id: DocumentId,
    read_model: ReadModelPort,
    before: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="`next_before` of the page before")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    _: Caller = require(Scope.DOCUMENTS_READ),
) -> Response:
    row = await _row(read_model, document_id)
    versions = await read_model.versions(row.document_id, before, limit + 1)
    page = versions[:limit]
    return json_of(
        VersionPage(
            document_id=row.document_id,
            versions=[DocumentVersionView(**asdict(version)) for version in page],
            next_before=page[-1].version if len(versions) > limit else None,
        )
    )


@router.get(
    "/{document_id}/analysis",
    summary="Skills, quality, inclusive-language findings, compliance",
    responses=responses(404),
)
async def get_analysis(
    document_id: DocumentId, read_model: ReadModelPort, _: Caller = require(Scope.DOCUMENTS_READ)
) -> Analyzed:
    row = await _row(read_model, document_id)
    if row.analysis is None:
        raise ApiError(404, "not_analyzed", f"Document {document_id} has no analysis yet.")
    return Analyzed.model_validate(row.analysis)


@router.delete(
    "/{document_id}",
    status_code=202,
    response_model=DeleteAccepted,
    summary="Delete a document everywhere; `deleted` once every service has removed it",
    responses=responses(404),
)
async def delete_document(
    document_id: DocumentId,
    read_model: ReadModelPort,
    publish: Publisher,
    audit_log: AuditLogPort,
    caller: Caller = require(Scope.DOCUMENTS_WRITE),
) -> DeleteAccepted:
    await _row(read_model, document_id)
    requested = DeleteRequested(document_id=document_id, requested_by=f"api-key:{caller.key_id}")
    await publish(DocumentDeleteRequested.wrap(requested, source=SOURCE, subject=document_id))
    await audit_log.record(caller.key_id, "document.delete_requested", document_id, {})
    return DeleteAccepted(document_id=document_id)


async def _row(read_model: ReadModel, document_id: str) -> DocumentRow:
    row = await read_model.document(document_id)
    if row is None:
        raise ApiError(404, "not_found", f"No document {document_id}.")
    return row


def _summary(row: DocumentRow) -> DocumentSummary:
    status = status_of(row)
    return DocumentSummary(
        document_id=row.document_id,
        status=status,
        status_reason=status_reason(row, status),
        title=row.title,
        language=row.language,
        job_number=row.job_number,
        classification=row.classification,
        department=row.department,
        version=row.version,
        quality_score=row.quality_score,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _encode_cursor(sort: Sort, position: Position) -> str:
    value, document_id = position
    if value is None:
        mark = "~"
    elif sort.key in TIME_KEYS:
        mark = str((value - EPOCH) // timedelta(microseconds=1))
    elif sort.key == "quality":
        mark = repr(float(value))
    else:
        mark = str(value).encode().hex()
    return f"{'-' if sort.descending else ''}{SORT_LETTERS[sort.key]}{mark}.{document_id}"


def _decode_cursor(cursor: str) -> tuple[Sort, Position]:
    """Every value of the cursor's pattern is a position in a listing: the page after it."""
    descending = cursor.startswith("-")
    letter, rest = cursor.removeprefix("-")[0], cursor.removeprefix("-")[1:]
    # A number's "." comes before the id's: the mark is the longest one its letter allows.
    found = re.fullmatch(rf"(~|{TOKENS[letter]})\.(.+)", rest, re.DOTALL)
    mark, document_id = found.groups() if found else ("~", rest)  # always found: the route's pattern held
    key = SORT_KEY_OF[letter]
    value: Any
    if mark == "~":
        value = None
    elif key in TIME_KEYS:
        value = EPOCH + timedelta(microseconds=int(mark))
    elif key == "quality":
        value = float(mark)
    else:  # PostgreSQL text holds no NUL: a position between texts still
        value = bytes.fromhex(mark).decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    return Sort(key=key, descending=descending), (value, document_id)
