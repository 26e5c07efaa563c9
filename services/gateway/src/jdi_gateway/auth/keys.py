"""API keys with scopes. Only a SHA-256 of each key is stored; keys are random 256-bit tokens,
so a fast hash is enough (no password stretching needed)."""

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from jdi_gateway.api.errors import ApiError
from jdi_gateway.tables import api_keys


class Scope(StrEnum):
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_WRITE = "documents:write"
    SEARCH = "search"
    ADMIN = "admin"


@dataclass(frozen=True)
class Caller:
    key_id: str
    name: str
    scopes: frozenset[str]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """Returns (key id, the full secret token shown once to the user)."""
    key_id = secrets.token_hex(6)
    return key_id, f"jdi_{key_id}_{secrets.token_urlsafe(32)}"


async def store_key(engine: AsyncEngine, key_id: str, name: str, secret: str, scopes: list[str]) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            insert(api_keys)
            .values(key_id=key_id, name=name, secret_sha256=hash_secret(secret), scopes=scopes)
            .on_conflict_do_nothing()
        )


async def ensure_bootstrap_key(engine: AsyncEngine, secret: str) -> None:
    await store_key(engine, "bootstrap", "bootstrap", secret, [scope.value for scope in Scope])


async def revoke_key(engine: AsyncEngine, key_id: str) -> bool:
    async with engine.begin() as connection:
        result = await connection.execute(
            update(api_keys)
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )
    return result.rowcount > 0


async def find_caller(engine: AsyncEngine, secret: str) -> Caller | None:
    query = select(api_keys.c.key_id, api_keys.c.name, api_keys.c.scopes).where(
        api_keys.c.secret_sha256 == hash_secret(secret), api_keys.c.revoked_at.is_(None)
    )
    async with engine.connect() as connection:
        row = (await connection.execute(query)).first()
    return Caller(row.key_id, row.name, frozenset(row.scopes)) if row else None


def require(scope: Scope) -> Any:
    """A FastAPI dependency (`Depends` is typed Any) giving the caller whose API key holds `scope`."""

    async def authorised_caller(
        request: Request,
        x_api_key: Annotated[str | None, Header()] = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Caller:
        secret = x_api_key
        if secret is None and authorization and authorization.lower().startswith("bearer "):
            secret = authorization[7:].strip()
        if not secret:
            raise ApiError(401, "unauthenticated", "Send an API key in X-API-Key or Authorization: Bearer.")
        caller = await find_caller(request.app.state.engine, secret)
        if caller is None:
            raise ApiError(401, "unauthenticated", "The API key is unknown or revoked.")
        if scope not in caller.scopes and Scope.ADMIN not in caller.scopes:
            raise ApiError(403, "forbidden", f"This API key lacks the {scope.value!r} scope.")
        return caller

    return Depends(authorised_caller)
