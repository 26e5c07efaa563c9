"""The credential of the internal HTTP routes (`/internal/v1`: search, comparisons), which only the gateway calls.

A service listening on loopback only is reachable from its own host; one listening on any other address (a
container's 0.0.0.0) must be given `INTERNAL_API_TOKEN`, and then every internal request carries it as
`Authorization: Bearer <token>`. A service refuses to start exposed without one.
"""

import ipaddress
import secrets
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class InternalApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTERNAL_API_")

    # The same secret in the gateway (which sends it) and in the services it calls; unset on loopback.
    token: SecretStr | None = None

    def authorization(self) -> dict[str, str]:
        """The headers a caller sends: none without a token."""
        return {"Authorization": f"Bearer {self.token.get_secret_value()}"} if self.token else {}


class ExposedWithoutCredential(RuntimeError):
    pass


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


BEARER = HTTPBearer(auto_error=False)


def internal_api_guard(host: str, settings: InternalApiSettings) -> list[Any]:
    """The dependencies of the internal routes of a service listening on `host`: none on loopback without a
    token, else the token check. Raises ExposedWithoutCredential for another address without a token."""
    if settings.token is None:
        if not is_loopback(host):
            raise ExposedWithoutCredential(
                f"listening on {host} exposes the internal routes: set INTERNAL_API_TOKEN (the gateway's too)"
            )
        return []
    expected = settings.token.get_secret_value().encode()

    async def the_internal_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    ) -> None:
        if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), expected):
            raise HTTPException(401, "the internal routes need the internal API token", {"WWW-Authenticate": "Bearer"})

    return [Depends(the_internal_token)]
