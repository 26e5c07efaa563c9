"""`jdi replay gateway` as a separate process against the running stack: the gateway rebuilds its read model
from the topics while its consumer runs, switches over, and answers as before."""

import json
import os
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from jdi_samples import generate_job_description

from ..answers import differences
from .conftest import Stack

pytestmark = pytest.mark.e2e

# What a rebuild cannot know: when a row was written, and what the gateway noted of an upload itself (when it
# took it, its file name, reference and trace, the last upload's when the same bytes came several times; the
# rebuild takes them from the events: the document created at its earliest event, the parsed record's names).
NOT_FROM_EVENTS = ("updated_at", "created_at", "received", "file_name", "source_reference", "trace_id")


def shown(client: httpx.Client) -> dict[str, Any]:
    def without(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: without(v) for k, v in value.items() if k not in NOT_FROM_EVENTS}
        if isinstance(value, list):
            return [without(item) for item in value]
        return value

    listed = client.get("/v1/documents", params={"include_deleted": "true", "limit": 200, "facets": "true"}).json()
    documents = {
        item["document_id"]: client.get(f"/v1/documents/{item['document_id']}").json() for item in listed["items"]
    }
    return without({"facets": listed["facets"], "stats": client.get("/v1/stats").json(), "documents": documents})


def test_the_read_model_rebuilt_from_the_command_line_answers_as_before(stack: Stack, eventually) -> None:
    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30) as client:
        sample = generate_job_description(seed=3131, language="en")
        uploaded = client.post("/v1/documents", files={"file": ("replay.txt", sample.text.encode(), "text/plain")})
        document_id = uploaded.json()["document_id"]
        eventually(lambda: client.get(f"/v1/documents/{document_id}").json()["status"] == "complete")

        def settled() -> dict[str, Any] | None:  # the pipeline has nothing left in flight
            first = shown(client)
            time.sleep(2)
            return first if shown(client) == first else None

        before = eventually(settled, timeout_s=120)
        finished = subprocess.run(
            [sys.executable, "-m", "jdi_cli", "replay", "gateway"],
            env={**os.environ, "JDI_API_KEY": stack.api_key, "JDI_GATEWAY_URL": stack.gateway},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert finished.returncode == 0, finished.stderr
        done = json.loads(finished.stdout)
        assert done["state"] == "switched" and done["events_applied"] > 0
        assert "running" in finished.stderr or "switched" in finished.stderr
        after = shown(client)
        found = differences(after, before)
        assert found == [], "\n".join(found[:40])
        assert after["documents"][document_id]["status"] == "complete"
