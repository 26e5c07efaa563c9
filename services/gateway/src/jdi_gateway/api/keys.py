"""/v1/api-keys: admins mint and revoke keys; a new key's secret is shown exactly once."""

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from jdi_gateway.api.audit import audit
from jdi_gateway.api.errors import ApiError
from jdi_gateway.auth.keys import Caller, Scope, new_key, require, revoke_key, store_key
from jdi_gateway.tables import api_keys

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: Annotated[list[Scope], Field(min_length=1)]


class KeyCreated(BaseModel):
    key_id: str
    name: str
    scopes: list[Scope]
    secret: str = Field(description="shown only in this response")


class KeyInfo(BaseModel):
    key_id: str
    name: str
    scopes: list[str]
    revoked: bool


@router.post("", status_code=201, response_model=KeyCreated)
async def create_key(request: Request, body: NewKey, caller: Caller = require(Scope.ADMIN)) -> KeyCreated:
    key_id, secret = new_key()
    await store_key(request.app.state.engine, key_id, body.name, secret, [s.value for s in body.scopes])
    await audit(request.app.state.engine, caller, "api_key.created", None, {"key_id": key_id})
    return KeyCreated(key_id=key_id, name=body.name, scopes=body.scopes, secret=secret)


@router.get("", response_model=list[KeyInfo])
async def list_keys(request: Request, _: Caller = require(Scope.ADMIN)) -> list[KeyInfo]:
    query = select(api_keys.c.key_id, api_keys.c.name, api_keys.c.scopes, api_keys.c.revoked_at)
    async with request.app.state.engine.connect() as connection:
        rows = (await connection.execute(query.order_by(api_keys.c.created_at))).all()
    return [KeyInfo(key_id=r.key_id, name=r.name, scopes=r.scopes, revoked=r.revoked_at is not None) for r in rows]


@router.delete("/{key_id}", status_code=204)
async def delete_key(request: Request, key_id: str, caller: Caller = require(Scope.ADMIN)) -> None:
    if not await revoke_key(request.app.state.engine, key_id):
        raise ApiError(404, "not_found", f"No active API key {key_id}.")
    await audit(request.app.state.engine, caller, "api_key.revoked", None, {"key_id": key_id})
