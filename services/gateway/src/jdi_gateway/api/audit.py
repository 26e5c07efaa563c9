"""/v1/audit: what was done through the gateway, by which key (submissions, deletions, keys minted and
revoked), for admins; newest first."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from jdi_gateway.api.dependencies import AuditLogPort
from jdi_gateway.api.models import NO_NUL, json_of
from jdi_gateway.api.openapi import responses
from jdi_gateway.auth.api_key_auth import Caller, Scope, require
from jdi_gateway.store.port import AuditFilter

router = APIRouter(prefix="/v1/audit", tags=["audit"])

ENTRY_EXAMPLE: JsonDict = {
    "id": 1042,
    "at": "2026-12-04T10:14:58Z",
    "key_id": "9c41e07ab2d5",
    "action": "document.delete_requested",
    "document_id": "5f0c9a8e-2c1d-5b7e-9a41-0d2f6c3b8e17",
    "detail": {},
}


class AuditEntryView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ENTRY_EXAMPLE]})

    id: int
    at: datetime
    key_id: str | None = Field(description="the API key that did it")
    action: str = Field(
        description="`document.submitted`, `document.delete_requested`, `api_key.created` or `api_key.revoked`"
    )
    document_id: str | None
    detail: dict[str, Any] = Field(description="e.g. the file name of a submission, the id of a key minted")


class AuditPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [ENTRY_EXAMPLE], "next_cursor": "1042"}]})

    items: list[AuditEntryView]
    next_cursor: str | None = Field(description="pass as `cursor` for the next (older) page; null on the last")


@router.get("", response_model=AuditPage, summary="The audit log, newest first", responses=responses())
async def read_audit_log(
    audit_log: AuditLogPort,
    action: Annotated[str | None, Query(max_length=100, pattern=NO_NUL, description='e.g. "api_key.created"')] = None,
    key_id: Annotated[str | None, Query(max_length=100, pattern=NO_NUL, description="entries of this key")] = None,
    document_id: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[
        str | None, Query(pattern=r"^[0-9]{1,18}$", description="`next_cursor` of the page before")
    ] = None,
    _: Caller = require(Scope.ADMIN),
) -> Response:
    entries = await audit_log.entries(
        AuditFilter(action, key_id, document_id), int(cursor) if cursor else None, limit + 1
    )
    page = entries[:limit]
    return json_of(
        AuditPage(
            items=[
                AuditEntryView(
                    id=entry.entry_id,
                    at=entry.at,
                    key_id=entry.key_id,
                    action=entry.action,
                    document_id=entry.document_id,
                    detail=entry.detail,
                )
                for entry in page
            ],
            next_cursor=str(page[-1].entry_id) if len(entries) > limit else None,
        )
    )
