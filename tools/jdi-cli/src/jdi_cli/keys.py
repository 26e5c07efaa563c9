"""`jdi keys create|list|revoke`: the gateway's API keys through its /v1/api-keys routes, with an admin key.

A new key's secret is printed once, when it is created: the gateway keeps only its hash.
"""

import urllib.parse
from typing import Any

from jdi_cli.gateway_api import call


def create_key(url: str, api_key: str, name: str, scopes: list[str]) -> dict[str, Any]:
    created: dict[str, Any] = call(url, api_key, "POST", "/v1/api-keys", {"name": name, "scopes": scopes})
    return created


def list_keys(url: str, api_key: str) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = call(url, api_key, "GET", "/v1/api-keys")
    return keys


def revoke_key(url: str, api_key: str, key_id: str) -> None:
    call(url, api_key, "DELETE", f"/v1/api-keys/{urllib.parse.quote(key_id, safe='')}")


def render_keys(keys: list[dict[str, Any]]) -> list[str]:
    """One line per key: id, name, scopes, and whether it is revoked."""
    return [
        f"{key['key_id']}  {key['name']}  {','.join(key['scopes'])}{'  revoked' if key['revoked'] else ''}"
        for key in keys
    ]
