"""Upload to searchable through four separate processes, with one trace across all of them, read back from the
trace backend."""

import json

import httpx
import pytest

from jdi_samples import generate_job_description

pytestmark = pytest.mark.e2e

# Each hop of a document through the pipeline: (consuming service, topic) -> the service that produced it.
HOPS = {
    ("jdi-ingestion", "submitted"): "jdi-gateway",
    ("jdi-embedding", "parsed"): "jdi-ingestion",
    ("jdi-analysis", "parsed"): "jdi-ingestion",
    ("jdi-gateway", "parsed"): "jdi-ingestion",
    ("jdi-gateway", "embedded"): "jdi-embedding",
    ("jdi-gateway", "analyzed"): "jdi-analysis",
}
DATABASE_OWNERS = ("jdi-ingestion", "jdi-analysis", "jdi-gateway")


@pytest.fixture(scope="module")
def client(stack) -> httpx.Client:
    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30) as client:
        yield client


def consumer_span(trace, service: str, topic: str) -> list:
    return trace.find(service, "CONSUMER", f"jdi.documents.{topic}.v1 process")


def test_an_upload_becomes_searchable_in_one_trace(stack, client, eventually) -> None:
    sample = generate_job_description(seed=4242, language="en")
    response = client.post("/v1/documents", files={"file": ("e2e-sample.txt", sample.text.encode(), "text/plain")})
    assert response.status_code == 202, response.text
    accepted = response.json()

    document = eventually(
        lambda: (d := client.get(f"/v1/documents/{accepted['document_id']}").json())["status"] == "complete" and d
    )
    assert all(document["stages"][stage]["done"] for stage in ("received", "parsed", "embedded", "analyzed"))
    assert document["classification"] == sample.classification
    assert document["trace_id"] == accepted["trace_id"]

    # The trace, from the backend's API, once every hop's consumer span has arrived and no span misses its parent
    # (the services' exporters deliver each one's spans on its own schedule).
    def every_hop_traced():
        trace = stack.traces.trace(document["trace_id"])
        return trace if all(consumer_span(trace, *hop) for hop in HOPS) and len(trace.roots()) == 1 else None

    trace = eventually(every_hop_traced, timeout_s=30)
    # One tree: the upload's SERVER span is the only root, every other span hangs under it.
    assert [(span["localEndpoint"]["serviceName"], span.get("kind"), span["name"]) for span in trace.roots()] == [
        ("jdi-gateway", "SERVER", "post /v1/documents")
    ]
    [upload] = trace.roots()
    [published] = trace.find("jdi-gateway", "PRODUCER", "jdi.documents.submitted.v1 create")
    assert trace.parent(published) == upload
    # Each consumer span is a child of the producer span of the event it handled.
    for (service, topic), producer in HOPS.items():
        [consumed] = consumer_span(trace, service, topic)
        parent = trace.parent(consumed)
        assert parent is not None and (parent["localEndpoint"]["serviceName"], parent.get("kind")) == (
            producer,
            "PRODUCER",
        ), (service, topic, parent)
    # Each service that owns tables shows its queries as PostgreSQL client spans.
    for service in DATABASE_OWNERS:
        queries = [
            span for span in trace.find(service, "CLIENT", "") if span.get("tags", {}).get("db.system") == "postgresql"
        ]
        assert queries, f"no database span of {service}"
    # Embedding's work on the document: the model call its chunks went through and the vector-store write.
    [embedding] = consumer_span(trace, "jdi-embedding", "parsed")
    steps = trace.children(embedding)
    assert [span for span in steps if span["name"].startswith("embed ") and span.get("kind") is None]
    [write] = [span for span in steps if span["name"] == "vector store upsert"]
    assert (write.get("kind"), write["tags"]["db.system"]) == ("CLIENT", "qdrant")
    # The document's span links the batch it was handled in; the batch's span links every message of it, this
    # document's `parsed` among them.
    [batch_link] = json.loads(embedding["tags"]["jdi.links"])
    batch = eventually(lambda: stack.traces.trace(batch_link["trace_id"]).span(batch_link["span_id"]), timeout_s=30)
    assert batch["name"] == "handle batch"
    assert {"trace_id": document["trace_id"], "span_id": embedding["parentId"]} in json.loads(
        batch["tags"]["jdi.links"]
    )
    # The trace's page in the UI.
    assert httpx.get(stack.traces.ui_url(document["trace_id"])).status_code == 200

    analysis = client.get(f"/v1/documents/{accepted['document_id']}/analysis").json()
    assert 0 <= analysis["quality"]["score"] <= 100 and analysis["compliance"]

    results = client.get("/v1/search", params={"q": sample.title, "language": "en"}).json()["results"]
    assert results[0]["document_id"] == accepted["document_id"]

    assert client.delete(f"/v1/documents/{accepted['document_id']}").status_code == 202
    eventually(lambda: client.get(f"/v1/documents/{accepted['document_id']}").json()["status"] == "deleted")
    remaining = eventually(
        lambda: (
            (r := client.get("/v1/search", params={"q": sample.title}).json()["results"]) is not None
            and all(hit["document_id"] != accepted["document_id"] for hit in r)
        )
    )
    assert remaining


def test_a_json_text_submission_and_a_rejected_file(client, eventually) -> None:
    sample = generate_job_description(seed=77, language="fr")
    response = client.post("/v1/documents", json={"file_name": "poste.md", "text": sample.markdown})
    assert response.status_code == 202
    parsed = eventually(
        lambda: (
            (d := client.get(f"/v1/documents/{response.json()['document_id']}").json())["stages"]["parsed"]["done"]
            and d
        )
    )
    assert parsed["language"] == "fr"

    scanned = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    rejected = client.post("/v1/documents", files={"file": ("scan.pdf", scanned, "application/pdf")}).json()
    document = eventually(
        lambda: (d := client.get(f"/v1/documents/{rejected['document_id']}").json())["status"] == "rejected" and d
    )
    assert document["rejection"]["reason"] in {"corrupt_document", "no_text_layer"}
