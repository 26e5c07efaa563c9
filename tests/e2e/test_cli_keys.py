"""`jdi keys` as a separate process against the running gateway: a key it creates works at once with its scope
only, is listed, and stops working once revoked."""

import json
import os
import subprocess
import sys

import httpx
import pytest

from .conftest import Stack

pytestmark = pytest.mark.e2e


def jdi_keys(stack: Stack, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter running the CLI
        [sys.executable, "-m", "jdi_cli", "keys", *arguments],
        env={**os.environ, "JDI_API_KEY": stack.api_key, "JDI_GATEWAY_URL": stack.gateway},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_key_created_listed_and_revoked_from_the_command_line(stack: Stack) -> None:
    created = jdi_keys(stack, "create", "e2e reader", "--scope", "documents:read")
    assert created.returncode == 0, created.stderr
    key = json.loads(created.stdout)
    assert (key["name"], key["scopes"]) == ("e2e reader", ["documents:read"])
    assert "shown this once" in created.stderr

    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": key["secret"]}, timeout=10) as client:
        assert client.get("/v1/stats").status_code == 200
        assert client.get("/v1/api-keys").status_code == 403

        listed = jdi_keys(stack, "list")
        assert listed.returncode == 0, listed.stderr
        [line] = [line for line in listed.stdout.splitlines() if line.startswith(key["key_id"])]
        assert line == f"{key['key_id']}  e2e reader  documents:read"
        assert key["secret"] not in listed.stdout

        revoked = jdi_keys(stack, "revoke", key["key_id"])
        assert (revoked.returncode, revoked.stdout.strip()) == (0, f"revoked {key['key_id']}")
        # Revoked through this gateway process, which forgets the key at once (no cache delay).
        assert client.get("/v1/stats").status_code == 401
    listed_again = jdi_keys(stack, "list")
    assert f"{key['key_id']}  e2e reader  documents:read  revoked" in listed_again.stdout.splitlines()
