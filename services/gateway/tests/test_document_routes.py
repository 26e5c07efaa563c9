"""/v1/documents and /v1/stats on an in-memory read model: what is listed, shown, published and audited."""

import base64

from jdi_contracts.events import DocumentDeleteRequested, DocumentSubmitted, Rejected, RejectionReason
from jdi_gateway.api.dependencies import read_model
from jdi_gateway.api.models import RECORD_EXAMPLE
from jdi_gateway.store.port import DocumentVersion

from .conftest import ADMIN_KEY as ADMIN
from .conftest import T0, InMemoryReadModel

ANALYSIS = {
    "version": 1,
    "skills": [
        {
            "uri": "http://data.europa.eu/esco/skill/s1",
            "label": "cook",
            "confidence": 0.9,
            "section": "duties",
            "evidence": "cooks",
        }
    ],
    "quality": {"score": 70.0, "components": []},
    "findings": [],
    "compliance": [],
}


async def test_listing_filters_and_pages_newest_first(api, fakes) -> None:
    for minute in range(5):
        fakes.read_model.add(
            f"d{minute}", minutes=minute, language="fr" if minute % 2 else "en", title=f"Chef {minute}"
        )
    fakes.read_model.add("gone", minutes=9, deleted_at=T0)

    first = (await api.get("/v1/documents", params={"limit": 2})).json()
    assert [item["document_id"] for item in first["items"]] == ["d4", "d3"]
    second = (await api.get("/v1/documents", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [item["document_id"] for item in second["items"]] == ["d2", "d1"]
    french = (await api.get("/v1/documents", params={"language": "fr"})).json()
    assert ([item["document_id"] for item in french["items"]], french["next_cursor"]) == (["d3", "d1"], None)
    with_deleted = (await api.get("/v1/documents", params={"include_deleted": "true", "limit": 1})).json()
    assert with_deleted["items"][0] | {"updated_at": None} == {
        "document_id": "gone",
        "status": "deleted",
        "status_reason": None,
        "title": None,
        "language": None,
        "job_number": None,
        "classification": None,
        "department": None,
        "version": None,
        "quality_score": None,
        "created_at": "2025-01-01T00:09:00Z",
        "updated_at": None,
    }
    invalid = await api.get("/v1/documents", params={"cursor": "nope"})
    assert (invalid.status_code, invalid.json()["code"]) == (422, "invalid_request")


async def test_a_document_shows_its_stages_and_analysis(api, fakes) -> None:
    analysis = ANALYSIS | {"document_id": "d1"}
    fakes.read_model.add(
        "d1", parsed_at=T0, version=2, embedded_version=2, analyzed_version=1, analysis=analysis, title="Chef"
    )
    document = (await api.get("/v1/documents/d1")).json()
    assert (document["status"], document["title"]) == ("embedded", "Chef")
    assert document["stages"]["analyzed"] == {"done": False, "at": None, "version": 1, "detail": None}
    shown = (await api.get("/v1/documents/d1/analysis")).json()
    assert (shown["document_id"], shown["skills"][0]["label"], shown["quality"]["score"]) == ("d1", "cook", 70.0)

    fakes.read_model.add("d2", parsed_at=T0, version=1)
    not_analyzed = await api.get("/v1/documents/d2/analysis")
    assert (not_analyzed.status_code, not_analyzed.json()["code"]) == (404, "not_analyzed")
    missing = await api.get("/v1/documents/d3")
    assert (missing.status_code, missing.json()["detail"]) == (404, "No document d3.")


async def test_a_multipart_upload_is_published_recorded_and_audited(api, fakes) -> None:
    response = await api.post("/v1/documents", files={"file": ("dg.txt", b"Director General", "text/plain")})

    assert response.status_code == 202
    accepted = response.json()
    [event] = fakes.published
    assert isinstance(event, DocumentSubmitted)
    assert (event.data.document_id, event.data.file_name, event.id) == (
        accepted["document_id"],
        "dg.txt",
        accepted["submission_id"],
    )
    assert base64.b64decode(event.data.content_base64 or "") == b"Director General"
    assert fakes.read_model.received[0][:3] == (accepted["document_id"], event.id, "dg.txt")
    assert fakes.audit_log.recorded == [(ADMIN, "document.submitted", accepted["document_id"], {"file_name": "dg.txt"})]
    assert accepted["status_url"] == f"http://gw/v1/documents/{accepted['document_id']}"
    assert (await api.get(accepted["status_url"])).json()["status"] == "received"


async def test_json_text_is_published_as_text_and_bad_bodies_publish_nothing(api, fakes) -> None:
    response = await api.post("/v1/documents", json={"file_name": "a.md", "text": "# Analyst", "source_reference": "r"})
    assert response.status_code == 202
    assert fakes.published[0].data.text == "# Analyst"

    both = await api.post("/v1/documents", json={"file_name": "a.md", "text": "x", "content_base64": "eA=="})
    null = await api.post("/v1/documents", json={"file_name": "a.md", "text": "x", "content_base64": None})
    not_base64 = await api.post("/v1/documents", json={"file_name": "a.docx", "content_base64": "e A"})
    plain = await api.post("/v1/documents", content=b"x", headers={"content-type": "text/plain"})
    assert [(r.status_code, r.json()["code"]) for r in (both, null, not_base64, plain)] == [
        (422, "invalid_request"),
        (422, "invalid_request"),
        (422, "invalid_request"),
        (415, "unsupported_media_type"),
    ]
    assert len(fakes.published) == 1


async def test_a_multipart_upload_takes_only_its_fields_and_a_document_type(api, fakes) -> None:
    extra = await api.post("/v1/documents", files={"file": ("a.txt", b"Chef", "text/plain")}, data={"x": "1"})
    image = await api.post("/v1/documents", files={"file": ("a.png", b"\x89PNG\r\n", "image/png")})
    binary = await api.post("/v1/documents", files={"file": ("a.txt", b"\x00\x01\x02", "text/plain")})
    assert [(r.status_code, r.json()["code"]) for r in (extra, image, binary)] == [
        (422, "invalid_request"),
        (415, "unsupported_media_type"),
        (415, "unsupported_media_type"),
    ]
    assert fakes.published == []

    # A declared document type vouches for a name whose extension says nothing.
    vouched = await api.post("/v1/documents", files={"file": ("export.job", b"Chef", "text/plain; charset=utf-8")})
    assert vouched.status_code == 202
    assert fakes.published[0].data.file_name == "export.job"


async def test_a_delete_is_requested_only_for_a_known_document(api, fakes) -> None:
    assert (await api.delete("/v1/documents/nope")).status_code == 404
    fakes.read_model.add("d1")

    response = await api.delete("/v1/documents/d1")

    assert (response.status_code, response.json()) == (202, {"document_id": "d1", "status": "delete_requested"})
    [event] = fakes.published
    assert isinstance(event, DocumentDeleteRequested)
    assert (event.data.document_id, event.data.requested_by) == ("d1", f"api-key:{ADMIN}")
    assert fakes.audit_log.recorded == [(ADMIN, "document.delete_requested", "d1", {})]


async def test_stats_count_live_documents_and_round_the_mean(api, fakes) -> None:
    model = fakes.read_model
    model.add(
        "a", parsed_at=T0, version=1, embedded_version=1, quality_score=70.04, language="en", classification="EX-01"
    )
    model.add("b", parsed_at=T0, version=1, analyzed_version=1, quality_score=80.0, language="en")
    model.add("c", rejected_at=T0)
    model.add("d", deleted_at=T0, language="fr")

    assert (await api.get("/v1/stats")).json() == {
        "documents": 3,
        "parsed": 2,
        "embedded": 1,
        "analyzed": 1,
        "rejected": 1,
        "deleted": 1,
        "mean_quality": 75.0,
        "by_language": {"en": 2},
        "by_classification": {"EX-01": 1},
    }


async def test_a_dependency_override_replaces_the_read_model(api, fakes) -> None:
    other = InMemoryReadModel()
    other.add("elsewhere")
    api._transport.app.dependency_overrides[read_model] = lambda: other  # type: ignore[attr-defined]
    assert [item["document_id"] for item in (await api.get("/v1/documents")).json()["items"]] == ["elsewhere"]


async def test_an_alias_answers_with_its_canonical_document_and_is_not_listed(api, fakes) -> None:
    fakes.read_model.add(
        "canonical", parsed_at=T0, version=2, title="Chef", analysis=ANALYSIS | {"document_id": "canonical"}
    )
    fakes.read_model.add("upstream-id", minutes=1, canonical_document_id="canonical", filed_at=T0)

    document = (await api.get("/v1/documents/upstream-id")).json()
    assert (document["document_id"], document["title"], document["version"]) == ("canonical", "Chef", 2)
    assert (await api.get("/v1/documents/upstream-id/analysis")).json()["document_id"] == "canonical"
    listed = (await api.get("/v1/documents")).json()["items"]
    assert [item["document_id"] for item in listed] == ["canonical"]


async def test_failed_documents_show_the_stage_and_reason_and_are_listed_by_status(api, fakes) -> None:
    failure = {"stage": "analysis", "reason": "PermanentError", "topic": "jdi.documents.parsed.v1", "attempts": 1}
    fakes.read_model.add("stuck", parsed_at=T0, version=1, embedded_version=1, failed_at=T0, failure=failure)
    fakes.read_model.add("fine", minutes=1, parsed_at=T0, version=1, embedded_version=1, analyzed_version=1)

    document = (await api.get("/v1/documents/stuck")).json()
    assert document["status"] == "failed"
    assert document["stages"]["failed"] == {
        "done": True,
        "at": "2025-01-01T00:00:00Z",
        "version": None,
        "detail": failure,
    }
    failed = (await api.get("/v1/documents", params={"status": "failed"})).json()["items"]
    assert [(item["document_id"], item["status"], item["status_reason"]) for item in failed] == [
        ("stuck", "failed", "analysis: PermanentError")
    ]
    complete = (await api.get("/v1/documents", params={"status": "complete"})).json()["items"]
    assert [item["document_id"] for item in complete] == ["fine"]
    unknown = await api.get("/v1/documents", params={"status": "stuck"})
    assert unknown.status_code == 422


async def test_the_list_filters_by_level_and_quality_and_says_why_a_document_was_rejected(api, fakes) -> None:
    fakes.read_model.add("strong", classification="EX-01", quality_score=82.0, parsed_at=T0, version=1)
    fakes.read_model.add("weak", minutes=1, classification="EX-01", quality_score=41.5, parsed_at=T0, version=1)
    fakes.read_model.add("senior", minutes=2, classification="EX-03", quality_score=77.0, parsed_at=T0, version=1)
    rejection = Rejected(
        document_id="scan",
        submission_id="s1",
        source_reference="scans/1.pdf",
        file_name="1.pdf",
        sha256=None,
        reason=RejectionReason.NO_TEXT_LAYER,
        message="a scanned PDF without text: OCR it first",
    )
    fakes.read_model.add("scan", minutes=3, rejected_at=T0, rejection=rejection.model_dump(mode="json"))

    async def listed(**params: object) -> list[str]:
        return [item["document_id"] for item in (await api.get("/v1/documents", params=params)).json()["items"]]

    assert await listed(level="01") == ["weak", "strong"]
    assert await listed(min_quality=70) == ["senior", "strong"]
    assert await listed(min_quality=40, max_quality=80) == ["senior", "weak"]
    assert await listed(level="01", max_quality=50) == ["weak"]
    [rejected] = (await api.get("/v1/documents", params={"status": "rejected"})).json()["items"]
    assert (rejected["document_id"], rejected["status_reason"]) == ("scan", "no_text_layer")
    out_of_range = await api.get("/v1/documents", params={"min_quality": 101})
    assert out_of_range.status_code == 422


async def test_versions_are_listed_newest_first_by_pages(api, fakes) -> None:
    fakes.read_model.add("d1", parsed_at=T0, version=3)
    fakes.read_model.versions_of["d1"] = [
        DocumentVersion(version, T0, RECORD_EXAMPLE | {"document_id": "d1", "version": version, "title": f"v{version}"})
        for version in (1, 2, 3)
    ]
    first = (await api.get("/v1/documents/d1/versions", params={"limit": 2})).json()
    assert [(v["version"], v["record"]["title"]) for v in first["versions"]] == [(3, "v3"), (2, "v2")]
    older = (await api.get("/v1/documents/d1/versions", params={"before": first["next_before"]})).json()
    assert ([v["version"] for v in older["versions"]], older["next_before"]) == ([1], None)
    missing = await api.get("/v1/documents/nope/versions")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


async def test_the_translation_link_is_shown_from_both_sides(api, fakes) -> None:
    fakes.read_model.add("en-1", minutes=1, language="en")
    fakes.read_model.add("fr-1", minutes=2, language="fr", translation_of="en-1")
    fakes.read_model.add("fr-old", minutes=0, language="fr", translation_of="en-1", deleted_at=T0)
    english = (await api.get("/v1/documents/en-1")).json()
    french = (await api.get("/v1/documents/fr-1")).json()
    assert (english["translation_of"], english["translation"]) == (None, "fr-1")
    assert (french["translation_of"], french["translation"]) == ("en-1", "en-1")


async def test_a_cursor_continues_its_own_order_and_every_patterned_one_is_a_position(api, fakes) -> None:
    for n, score in enumerate([71.25, 0.1 + 0.2, None, 71.25, 1e-05]):
        fakes.read_model.add(f"d{n}", minutes=n, quality_score=score, title=f"T.{n}")
    first = (await api.get("/v1/documents", params={"sort": "-quality", "limit": 2})).json()
    assert [item["document_id"] for item in first["items"]] == ["d3", "d0"]
    # The cursor holds the order: asking for another sort with it changes nothing.
    rest = (await api.get("/v1/documents", params={"sort": "title", "cursor": first["next_cursor"]})).json()
    assert [item["document_id"] for item in rest["items"]] == ["d1", "d4", "d2"]

    for cursor in ("q~.d2", "-q999.5.x.y", "t.x", "-j00ff41.x", "u0.a", "c9999999999999999.z"):
        response = await api.get("/v1/documents", params={"cursor": cursor})
        assert response.status_code == 200, (cursor, response.text)
    for cursor in ("t4.x", "x1.a", "c.a", "-c-1.a", "q1e5.a"):
        response = await api.get("/v1/documents", params={"cursor": cursor})
        assert (cursor, response.status_code) == (cursor, 422)
