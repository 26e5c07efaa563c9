"""Upload to searchable through four separate processes, with one trace across all of them."""

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from jdi_samples import generate_job_description

pytestmark = pytest.mark.e2e


def poll(probe: Callable[[], Any], timeout_s: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.3)
    raise AssertionError(f"not reached within {timeout_s}s; last: {last!r}")


@pytest.fixture(scope="module")
def client(stack) -> httpx.Client:
    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30) as client:
        yield client


def spans_of(stack, trace_id: str) -> list[dict[str, Any]]:
    spans = []
    for path in stack.traces_dir.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            span = json.loads(line)
            if span["trace_id"] == trace_id:
                spans.append(span)
    return spans


def test_an_upload_becomes_searchable_in_one_trace(stack, client) -> None:
    sample = generate_job_description(seed=4242, language="en")
    response = client.post("/v1/documents", files={"file": ("e2e-sample.txt", sample.text.encode(), "text/plain")})
    assert response.status_code == 202, response.text
    accepted = response.json()

    document = poll(
        lambda: (d := client.get(f"/v1/documents/{accepted['document_id']}").json())["status"] == "complete" and d
    )
    assert all(document["stages"][stage]["done"] for stage in ("received", "parsed", "embedded", "analyzed"))
    assert document["classification"] == sample.classification
    assert document["trace_id"] == accepted["trace_id"]

    # Every service's consume spans and the gateway's projection spans carry the upload's trace id.
    def traced_services() -> set[str] | None:
        spans = spans_of(stack, accepted["trace_id"])
        services = {span["service"] for span in spans}
        projected = {span["name"] for span in spans if span["service"] == "jdi-gateway" and span["kind"] == "CONSUMER"}
        uploaded = any(span["kind"] == "SERVER" and span["name"] == "POST /v1/documents" for span in spans)
        consumed = {span["service"] for span in spans if span["kind"] == "CONSUMER"}
        complete = uploaded and consumed == {"jdi-ingestion", "jdi-embedding", "jdi-analysis", "jdi-gateway"}
        return services if complete and len(projected) >= 3 else None

    assert poll(traced_services, timeout_s=30) == {"jdi-gateway", "jdi-ingestion", "jdi-embedding", "jdi-analysis"}

    analysis = client.get(f"/v1/documents/{accepted['document_id']}/analysis").json()
    assert 0 <= analysis["quality"]["score"] <= 100 and analysis["compliance"]

    results = client.get("/v1/search", params={"q": sample.title, "language": "en"}).json()["results"]
    assert results[0]["document_id"] == accepted["document_id"]

    assert client.delete(f"/v1/documents/{accepted['document_id']}").status_code == 202
    poll(lambda: client.get(f"/v1/documents/{accepted['document_id']}").json()["status"] == "deleted")
    remaining = poll(
        lambda: (
            (r := client.get("/v1/search", params={"q": sample.title}).json()["results"]) is not None
            and all(hit["document_id"] != accepted["document_id"] for hit in r)
        )
    )
    assert remaining


def test_a_json_text_submission_and_a_rejected_file(stack, client) -> None:
    sample = generate_job_description(seed=77, language="fr")
    response = client.post("/v1/documents", json={"file_name": "poste.md", "text": sample.markdown})
    assert response.status_code == 202
    parsed = poll(
        lambda: (
            (d := client.get(f"/v1/documents/{response.json()['document_id']}").json())["stages"]["parsed"]["done"]
            and d
        )
    )
    assert parsed["language"] == "fr"

    scanned = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    rejected = client.post("/v1/documents", files={"file": ("scan.pdf", scanned, "application/pdf")}).json()
    document = poll(
        lambda: (d := client.get(f"/v1/documents/{rejected['document_id']}").json())["status"] == "rejected" and d
    )
    assert document["rejection"]["reason"] in {"corrupt_document", "no_text_layer"}
