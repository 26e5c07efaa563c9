"""/v1/api-keys: admins mint and revoke keys; a new key's secret is shown exactly once."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from jdi_gateway.api.dependencies import ApiKeysPort, AuditLogPort
from jdi_gateway.api.errors import ApiError
from jdi_gateway.api.models import NO_NUL, Text
from jdi_gateway.api.openapi import responses
from jdi_gateway.auth.api_key_auth import Caller, Scope, hash_secret, new_key, require

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])


KEY_ID = "9c41e07ab2d5"


class NewKey(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "hr-archive import", "scopes": ["documents:write"]}]}
    )

    name: Text = Field(min_length=1, max_length=100)
    scopes: Annotated[list[Scope], Field(min_length=1)]


class KeyCreated(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": KEY_ID,
                    "name": "hr-archive import",
                    "scopes": ["documents:write"],
                    "secret": f"jdi_{KEY_ID}_Zr3kq0Vh5Xc1m8TnYw2bLp7sDf4gJa6uEo9iRt0yHnQ",
                }
            ]
        }
    )

    key_id: str
    name: str
    scopes: list[Scope]
    secret: str = Field(description="shown only in this response")


class KeyInfo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"key_id": KEY_ID, "name": "hr-archive import", "scopes": ["documents:write"], "revoked": False}
            ]
        }
    )

    key_id: str
    name: str
    scopes: list[str]
    revoked: bool


@router.post(
    "",
    status_code=201,
    response_model=KeyCreated,
    summary="Mint a key; its secret is in this answer only",
    responses=responses(400, 413),
)
async def create_key(
    body: NewKey, keys: ApiKeysPort, audit_log: AuditLogPort, caller: Caller = require(Scope.ADMIN)
) -> KeyCreated:
    key_id, secret = new_key()
    await keys.add(key_id, body.name, hash_secret(secret), [s.value for s in body.scopes])
    await audit_log.record(caller.key_id, "api_key.created", None, {"key_id": key_id})
    return KeyCreated(key_id=key_id, name=body.name, scopes=body.scopes, secret=secret)


@router.get("", response_model=list[KeyInfo], summary="Every key, revoked ones too", responses=responses())
async def list_keys(keys: ApiKeysPort, _: Caller = require(Scope.ADMIN)) -> list[KeyInfo]:
    return [
        KeyInfo(key_id=key.key_id, name=key.name, scopes=list(key.scopes), revoked=key.revoked)
        for key in await keys.all_keys()
    ]


@router.delete("/{key_id}", status_code=204, summary="Revoke a key", responses=responses(404))
async def delete_key(
    key_id: Annotated[str, Path(min_length=1, max_length=100, pattern=NO_NUL)],
    keys: ApiKeysPort,
    audit_log: AuditLogPort,
    caller: Caller = require(Scope.ADMIN),
) -> None:
    if not await keys.revoke(key_id):
        raise ApiError(404, "not_found", f"No active API key {key_id}.")
    await audit_log.record(caller.key_id, "api_key.revoked", None, {"key_id": key_id})
