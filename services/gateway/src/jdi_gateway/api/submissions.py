"""Submissions through the gateway: one document (multipart or JSON), or several files in one request."""

import base64

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from jdi_contracts.events import DocumentSubmitted, Submitted
from jdi_contracts.identity import document_id_for
from jdi_core.broker import Publish
from jdi_core.telemetry import current_trace_id
from jdi_gateway.api.dependencies import AuditLogPort, Publisher, ReadModelPort, Settings
from jdi_gateway.api.errors import BROKER_UNAVAILABLE, ApiError, Problem, problem_body
from jdi_gateway.api.models import NO_NUL, Accepted, BatchAnswer, BatchItem, SubmitJson
from jdi_gateway.api.openapi import responses
from jdi_gateway.api.uploads import ACCEPTED_MEDIA_TYPES, check_upload
from jdi_gateway.auth.api_key_auth import Caller, Scope, require
from jdi_gateway.handlers import SOURCE
from jdi_gateway.store.port import AuditLog, ReadModel

router = APIRouter(prefix="/v1/documents", tags=["documents"])


MULTIPART_FIELDS = {"file", "source_reference"}
SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "source_reference": {"type": "string", "maxLength": 500, "pattern": NO_NUL},
                    },
                    "additionalProperties": False,
                },
                "encoding": {"file": {"contentType": ", ".join(ACCEPTED_MEDIA_TYPES)}},
            },
            "application/json": {"schema": SubmitJson.model_json_schema()},
        },
    }
}


# Files in one batch: together they are within the request body's size limit anyway.
MAX_BATCH_FILES = 20
BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "minItems": 1,
                            "maxItems": MAX_BATCH_FILES,
                        }
                    },
                    "additionalProperties": False,
                },
                "encoding": {"files": {"contentType": ", ".join(ACCEPTED_MEDIA_TYPES)}},
            }
        },
    }
}


@router.post(
    "",
    status_code=202,
    response_model=Accepted,
    summary="Submit a document: a multipart `file`, or JSON with `text` or `content_base64`",
    openapi_extra=SUBMIT_BODY,
    responses=responses(400, 413, 415),
)
async def submit_document(
    request: Request,
    settings: Settings,
    publish: Publisher,
    read_model: ReadModelPort,
    audit_log: AuditLogPort,
    caller: Caller = require(Scope.DOCUMENTS_WRITE),
) -> Accepted:
    limit = settings.max_upload_bytes
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        submitted = await _submitted_multipart(request, caller, limit)
    elif content_type.startswith("application/json"):
        submitted = await _submitted_json(request, caller, limit)
    else:
        raise ApiError(415, "unsupported_media_type", "Send multipart/form-data or application/json.")
    return await _accept(request, submitted, publish, read_model, audit_log, caller)


@router.post(
    "/batch",
    status_code=207,
    response_model=BatchAnswer,
    summary="Submit several documents in one multipart request: a `files` part each, each answered apart",
    description="Each file is checked and submitted on its own: its item says 202 with the submission, or the "
    "problem that refused it (and a 503 when the broker took none of it: retry that file). The files together "
    "are within the request body's size limit; each within a document's.",
    openapi_extra=BATCH_BODY,
    responses=responses(400, 413, 415),
)
async def submit_batch(
    request: Request,
    settings: Settings,
    publish: Publisher,
    read_model: ReadModelPort,
    audit_log: AuditLogPort,
    caller: Caller = require(Scope.DOCUMENTS_WRITE),
) -> Response:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", "Send multipart/form-data with a `files` part per document.")
    answers = []
    async with request.form(max_files=MAX_BATCH_FILES, max_fields=MAX_BATCH_FILES) as form:
        parts = form.getlist("files")
        files = [part for part in parts if isinstance(part, UploadFile)]
        if set(form.keys()) != {"files"} or len(files) != len(parts):
            raise ApiError(422, "invalid_request", "The multipart body takes only `files` parts, each a file.")
        for part in files:
            try:
                submitted = await _submitted_part(caller, part, None, settings.max_upload_bytes)
                accepted = await _accept(request, submitted, publish, read_model, audit_log, caller)
                answers.append(BatchItem(file_name=part.filename, status=202, accepted=accepted))
            except ApiError as error:
                answers.append(_refused(request, part.filename, error.status, error.code, error.detail))
            except KafkaError:
                answers.append(_refused(request, part.filename, 503, "broker_unavailable", BROKER_UNAVAILABLE))
    return Response(BatchAnswer(items=answers).model_dump_json(), status_code=207, media_type="application/json")


def _refused(request: Request, file_name: str | None, status: int, code: str, detail: str) -> BatchItem:
    problem = Problem.model_validate(problem_body(status, code, detail, request.url.path))
    return BatchItem(file_name=file_name, status=status, problem=problem)


async def _accept(
    request: Request,
    submitted: Submitted,
    publish: Publish,
    read_model: ReadModel,
    audit_log: AuditLog,
    caller: Caller,
) -> Accepted:
    document_id = submitted.document_id
    event = DocumentSubmitted.wrap(submitted, source=SOURCE, subject=document_id)
    # Publish first: if Kafka is down the caller gets a 503 and nothing was recorded.
    await publish(event)
    trace_id = current_trace_id()
    await read_model.record_received(document_id, event.id, submitted.file_name, submitted.source_reference, trace_id)
    await audit_log.record(caller.key_id, "document.submitted", document_id, {"file_name": submitted.file_name})
    return Accepted(
        document_id=document_id,
        submission_id=event.id,
        status="received",
        status_url=str(request.url_for("get_document", document_id=document_id)),
        trace_id=trace_id,
    )


async def _submitted_multipart(request: Request, caller: Caller, limit: int) -> Submitted:
    async with request.form(max_files=1, max_fields=5) as form:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ApiError(422, "invalid_request", "The multipart body needs a `file` part.")
        if set(form.keys()) - MULTIPART_FIELDS:
            raise ApiError(422, "invalid_request", "The multipart body takes only `file` and `source_reference`.")
        reference = form.get("source_reference")
        if isinstance(reference, str) and (len(reference) > 500 or "\x00" in reference):
            raise ApiError(422, "invalid_request", "`source_reference` is up to 500 characters, without NUL.")
        return await _submitted_part(caller, file, reference if isinstance(reference, str) else None, limit)


async def _submitted_part(caller: Caller, file: UploadFile, reference: str | None, limit: int) -> Submitted:
    content = await file.read(limit + 1)
    upload = check_upload(file.filename or "", content, limit, file.content_type)
    return _submitted(
        caller,
        file_name=upload.file_name,
        content=upload.content,
        sha256=upload.sha256,
        as_text=False,
        source_system="gateway",
        source_reference=reference or None,
        media_type=file.content_type,
        metadata={},
    )


async def _submitted_json(request: Request, caller: Caller, limit: int) -> Submitted:
    raw = await request.body()  # bounded by the BodySizeLimit middleware
    try:
        body = SubmitJson.model_validate_json(raw)
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None
    # The model's pattern admits only valid base64.
    content = body.text.encode("utf-8") if body.text is not None else base64.b64decode(body.content_base64 or "")
    upload = check_upload(body.file_name, content, limit)
    return _submitted(
        caller,
        file_name=upload.file_name,
        content=upload.content,
        sha256=upload.sha256,
        as_text=body.text is not None,
        source_system=body.source_system,
        source_reference=body.source_reference,
        media_type=None,
        metadata=body.metadata,
    )


def _submitted(
    caller: Caller,
    *,
    file_name: str,
    content: bytes,
    sha256: str,
    as_text: bool,
    source_system: str,
    source_reference: str | None,
    media_type: str | None,
    metadata: dict[str, str],
) -> Submitted:
    reference = source_reference or f"sha256:{sha256}"
    try:
        return Submitted(
            document_id=document_id_for(source_system, reference),
            source_system=source_system,
            source_reference=reference,
            file_name=file_name,
            media_type=media_type,
            size=len(content),
            sha256=sha256,
            text=content.decode("utf-8") if as_text else None,
            content_base64=None if as_text else base64.b64encode(content).decode(),
            submitted_by=f"api-key:{caller.key_id}",
            metadata=metadata,
        )
    except ValidationError as error:  # a multipart part the contract bounds, e.g. an over-long media type
        raise RequestValidationError(error.errors()) from None
