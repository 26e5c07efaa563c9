"""What a frontend asks of the gateway, on the running stack: several files in one upload, the translation
link from both sides, a document's versions, similar jobs, sorted and faceted lists, and suggestions."""

import re

import httpx
import pytest

from jdi_samples import generate_job_description

pytestmark = pytest.mark.e2e

SEED = 9090
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.fixture(scope="module")
def client(stack) -> httpx.Client:
    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30) as client:
        yield client


def test_a_frontends_journey_through_upload_versions_translation_and_similar_jobs(client, eventually) -> None:
    english = generate_job_description(seed=SEED, language="en")
    french = generate_job_description(seed=SEED, language="fr")  # the same position: its job number too
    # Another job number, otherwise the same text: the job most similar to the English one.
    near_twin = english.text.replace(english.job_number, str(int(english.job_number) + 500_000))

    def complete(document_id: str) -> dict:
        return eventually(
            lambda: (d := client.get(f"/v1/documents/{document_id}").json())["status"] == "complete" and d
        )

    batch = client.post(
        "/v1/documents/batch",
        files=[
            ("files", ("frontend-en.txt", english.text.encode(), "text/plain")),
            ("files", ("frontend-twin.txt", near_twin.encode(), "text/plain")),
            ("files", ("photo.png", PNG, "image/png")),
        ],
    )
    assert batch.status_code == 207, batch.text
    items = batch.json()["items"]
    assert [item["status"] for item in items] == [202, 202, 415]
    english_id, twin_id = (item["accepted"]["document_id"] for item in items[:2])
    complete(english_id), complete(twin_id)

    uploaded = client.post(
        "/v1/documents", files={"file": ("frontend-fr.md", french.markdown.encode(), "text/markdown")}
    )
    french_id = uploaded.json()["document_id"]
    assert complete(french_id)["language"] == "fr"
    english_view = client.get(f"/v1/documents/{english_id}").json()
    french_view = client.get(f"/v1/documents/{french_id}").json()
    assert (english_view["translation"], french_view["translation"]) == (french_id, english_id)

    # The same job number and language again: a new version of the English document.
    revised = english.text.replace("Position Title", "Position Title (revised)")
    client.post("/v1/documents", files={"file": ("frontend-en-v2.txt", revised.encode(), "text/plain")})
    eventually(lambda: client.get(f"/v1/documents/{english_id}").json()["version"] == 2)
    versions = client.get(f"/v1/documents/{english_id}/versions").json()
    assert [v["version"] for v in versions["versions"]] == [2, 1]
    assert all(v["record"]["job_number"] == english.job_number for v in versions["versions"])

    similar = eventually(
        lambda: (
            (r := client.get(f"/v1/documents/{english_id}/similar", params={"limit": 5}).json()["results"])
            and r[0]["document_id"] == twin_id
            and r
        )
    )
    assert english_id not in {hit["document_id"] for hit in similar}


def test_lists_sort_and_count_facets_and_the_search_box_completes_titles(client, eventually) -> None:
    sample = generate_job_description(seed=SEED + 1, language="en")
    document_id = client.post(
        "/v1/documents", files={"file": ("frontend-list.txt", sample.text.encode(), "text/plain")}
    ).json()["document_id"]
    eventually(lambda: client.get(f"/v1/documents/{document_id}").json()["status"] == "complete")

    page = client.get("/v1/documents", params={"sort": "title", "facets": "true", "limit": 200}).json()
    # Where letters, digits, spaces and commas agree in every collation.
    plain = [title for item in page["items"] if re.fullmatch(r"[a-z0-9 ,]+", title := (item["title"] or "").lower())]
    assert plain == sorted(plain) and plain
    assert page["facets"]["language"].get("en", 0) >= 1 and sample.classification in page["facets"]["classification"]
    by_quality = client.get("/v1/documents", params={"sort": "-quality", "limit": 200}).json()["items"]
    scores = [item["quality_score"] for item in by_quality if item["quality_score"] is not None]
    assert scores == sorted(scores, reverse=True) and scores

    suggested = client.get("/v1/suggestions", params={"prefix": sample.title[:-2]}).json()
    assert sample.title in [s["text"] for s in suggested["titles"]]
