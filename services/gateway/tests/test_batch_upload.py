"""POST /v1/documents/batch on the fakes: each file answered on its own, in the order sent."""

import httpx
from aiokafka.errors import KafkaConnectionError

from jdi_contracts.events import CloudEvent, DocumentSubmitted
from jdi_gateway.api.submissions import MAX_BATCH_FILES
from jdi_gateway.auth.api_key_auth import Scope

from .conftest import ADMIN_KEY, Fakes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


async def test_each_file_is_submitted_or_refused_on_its_own(api, fakes) -> None:
    files = [
        ("files", ("first.txt", b"Director, Policy\nLeads the policy team.", "text/plain")),
        ("files", ("photo.png", PNG, "image/png")),
        ("files", ("blank.txt", b"  \n", "text/plain")),
        ("files", ("second.md", b"# Analyst\nAnalyses data.", "text/markdown")),
    ]
    response = await api.post("/v1/documents/batch", files=files)

    assert response.status_code == 207
    items = response.json()["items"]
    assert [(item["file_name"], item["status"]) for item in items] == [
        ("first.txt", 202),
        ("photo.png", 415),
        ("blank.txt", 422),
        ("second.md", 202),
    ]
    assert (items[1]["problem"]["code"], items[2]["problem"]["code"]) == ("unsupported_media_type", "empty_document")
    assert items[1]["accepted"] is None and items[0]["problem"] is None
    published = [DocumentSubmitted.model_validate(event.model_dump()) for event in fakes.published]
    assert [event.data.file_name for event in published] == ["first.txt", "second.md"]
    assert [item["accepted"]["document_id"] for item in (items[0], items[3])] == [e.subject for e in published]
    assert [row[2] for row in fakes.read_model.received] == ["first.txt", "second.md"]
    assert [entry[1] for entry in fakes.audit_log.recorded] == ["document.submitted"] * 2


async def test_a_batch_takes_only_files_parts_up_to_the_limit(api, fakes) -> None:
    too_many = [("files", (f"f{n}.txt", b"text", "text/plain")) for n in range(MAX_BATCH_FILES + 1)]
    response = await api.post("/v1/documents/batch", files=too_many)
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")

    wrong_field = await api.post("/v1/documents/batch", files={"file": ("a.txt", b"text", "text/plain")})
    assert (wrong_field.status_code, wrong_field.json()["code"]) == (422, "invalid_request")
    text_part = await api.post("/v1/documents/batch", data={"files": "not a file"}, files={"x": ("", b"")})
    assert text_part.status_code == 422
    json_body = await api.post("/v1/documents/batch", json={"files": []})
    assert (json_body.status_code, json_body.json()["code"]) == (415, "unsupported_media_type")
    assert fakes.published == []


async def test_a_file_the_broker_did_not_take_is_answered_503_and_the_others_still_go() -> None:
    fakes = Fakes()
    fakes.api_keys.add_secret(ADMIN_KEY, Scope.ADMIN)
    taken: list[CloudEvent] = []

    async def flaky_publish(event: CloudEvent) -> None:
        if event.data.file_name == "refused.txt":
            raise KafkaConnectionError("no brokers")
        taken.append(event)

    fakes.publish = flaky_publish  # type: ignore[method-assign]
    files = [("files", (name, f"{name} body text".encode(), "text/plain")) for name in ("refused.txt", "kept.txt")]
    transport = httpx.ASGITransport(app=fakes.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers={"X-API-Key": ADMIN_KEY}) as api:
        response = await api.post("/v1/documents/batch", files=files)
    items = response.json()["items"]
    assert [(item["status"], (item["problem"] or {}).get("code")) for item in items] == [
        (503, "broker_unavailable"),
        (202, None),
    ]
    assert [event.data.file_name for event in taken] == ["kept.txt"]
    assert [row[2] for row in fakes.read_model.received] == ["kept.txt"]
