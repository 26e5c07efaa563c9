"""API keys with scopes and the `require(scope)` dependency. Only a SHA-256 of each key is stored;
keys are random 256-bit tokens, so a fast hash is enough (no password stretching needed)."""

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from jdi_gateway.api.dependencies import ApiKeysPort, RateLimitsPort
from jdi_gateway.api.errors import ApiError
from jdi_gateway.auth.rate_limits import Quota
from jdi_gateway.store.port import ApiKeys


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


async def ensure_bootstrap_key(keys: ApiKeys, secret: str) -> None:
    await keys.add("bootstrap", "bootstrap", hash_secret(secret), [scope.value for scope in Scope])


# Security schemes rather than plain headers, so the OpenAPI document tells clients how to authenticate.
API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key's secret")
BEARER = HTTPBearer(auto_error=False, description="the same secret as `Authorization: Bearer <secret>`")


def require(scope: Scope) -> Any:
    """A FastAPI dependency (`Depends` is typed Any) giving the caller whose API key holds `scope`, within
    the key's rate limit; the response carries what the key has left."""

    async def authorised_caller(
        request: Request,
        response: Response,
        keys: ApiKeysPort,
        limits: RateLimitsPort,
        x_api_key: Annotated[str | None, Security(API_KEY_HEADER)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
    ) -> Caller:
        secret = x_api_key or (bearer.credentials if bearer else None)
        key = await keys.active_key(hash_secret(secret)) if secret else None
        if key is None:
            address = request.client.host if request.client else "unknown"
            failures = await limits.take_for_failed_authentication(address)
            if not failures.allowed:
                raise _too_many(failures, "Too many failed authentications from this address")
            if not secret:
                raise ApiError(401, "unauthenticated", "Send an API key in X-API-Key or Authorization: Bearer.")
            raise ApiError(401, "unauthenticated", "The API key is unknown or revoked.")
        if scope not in key.scopes and Scope.ADMIN not in key.scopes:
            raise ApiError(403, "forbidden", f"This API key lacks the {scope.value!r} scope.")
        quota = await limits.take_for_key(key.key_id)
        if not quota.allowed:
            raise _too_many(quota, f"This API key is over its limit of {quota.limit} requests in {quota.window_s} s")
        response.headers.update(quota.headers())
        return Caller(key.key_id, key.name, frozenset(key.scopes))

    return Depends(authorised_caller)


def _too_many(quota: Quota, why: str) -> ApiError:
    return ApiError(429, "rate_limited", f"{why}; retry in {quota.reset_s} s.", quota.headers())
