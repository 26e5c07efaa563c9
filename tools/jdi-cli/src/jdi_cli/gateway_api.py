"""The gateway's admin API as the `jdi` commands call it, with an admin key.

The admin key is read from $JDI_API_KEY, never from the command line, where `ps` and shell history would show
it.
"""

import json
import os
import urllib.error
import urllib.request
from typing import Any

DEFAULT_GATEWAY_URL = "http://127.0.0.1:8000"
TIMEOUT_S = 30


class GatewayError(Exception):
    """The gateway refused or did not answer; `code` is its problem code (or why there was no answer)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def gateway_url(given: str | None) -> str:
    return (given or os.environ.get("JDI_GATEWAY_URL") or DEFAULT_GATEWAY_URL).rstrip("/")


def admin_key() -> str:
    key = os.environ.get("JDI_API_KEY", "")
    if not key:
        raise GatewayError(
            "api_key_missing", "set JDI_API_KEY to an admin API key (make up writes one to .work/api-key)"
        )
    return key


def call(url: str, api_key: str, method: str, path: str, body: object | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - the gateway's address, http(s) as given
        f"{url}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"X-API-Key": api_key, "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - see above
            payload = response.read()
    except urllib.error.HTTPError as error:
        raise _refusal(error) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise GatewayError("gateway_unreachable", f"no answer from {url}: {reason}") from None
    return json.loads(payload) if payload else None


def _refusal(error: urllib.error.HTTPError) -> GatewayError:
    """The gateway's problem details as an error; its detail never holds a secret."""
    try:
        problem = json.loads(error.read())
        return GatewayError(str(problem["code"]), f"{error.code}: {problem['detail']}")
    except (ValueError, KeyError, TypeError):
        return GatewayError("gateway_error", f"the gateway answered {error.code}")
