"""Ingestion and gateway in-process, against the real Kafka broker and PostgreSQL."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from jdi_core.settings import DatabaseSettings, KafkaSettings
from jdi_gateway.app import create_app as create_gateway
from jdi_gateway.settings import GatewaySettings
from jdi_ingestion.app import create_app as create_ingestion
from jdi_ingestion.settings import IngestionSettings

pytestmark = pytest.mark.integration

API_KEY = "integration-test-key"
JOB = b"""POSITION NUMBER: 555123  CLASSIFICATION: EX-02
POSITION TITLE: Director General, Test Operations
Incumbent: John Smith   john.smith@example.org   613-555-0199

GENERAL ACCOUNTABILITY
The Director General is accountable for planning and delivering national test operations.

SPECIFIC ACCOUNTABILITIES
Directs a team of forty employees and manages an operating budget of $4.5 million.
"""


@pytest.fixture
async def gateway(
    kafka_settings: KafkaSettings, database_settings: DatabaseSettings
) -> AsyncIterator[httpx.AsyncClient]:
    ingestion = create_ingestion(IngestionSettings(kafka=kafka_settings, database=database_settings))
    gateway = create_gateway(
        GatewaySettings(kafka=kafka_settings, database=database_settings, bootstrap_api_key=SecretStr(API_KEY))
    )
    async with LifespanManager(ingestion), LifespanManager(gateway) as running:
        transport = httpx.ASGITransport(app=running.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway", headers={"X-API-Key": API_KEY}
        ) as client:
            yield client


async def test_an_upload_is_stored_parsed_and_projected(gateway, database_settings, eventually) -> None:
    response = await gateway.post("/v1/documents", files={"file": ("dg-test.txt", JOB, "text/plain")})
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "received" and len(accepted["trace_id"]) == 32

    async def parsed() -> dict[str, Any] | None:
        document = (await gateway.get(f"/v1/documents/{accepted['document_id']}")).json()
        return document if document["stages"]["parsed"]["done"] else None

    document = await eventually(parsed)
    assert document["classification"] == "EX-02"
    assert document["trace_id"] == accepted["trace_id"]
    assert document["title"] and "Test Operations" in document["title"]
    assert "John Smith" not in str(document["record"]) and "john.smith" not in str(document["record"])
    assert document["redactions"] >= 2

    # Ingestion kept the original bytes in its own schema.
    engine = create_async_engine(database_settings.url.get_secret_value())
    ingestion_schema = f"{database_settings.schema_prefix}ingestion"
    async with engine.connect() as connection:
        original = (
            await connection.execute(
                # The schema comes from the test settings: identifiers cannot be bound parameters.
                text(f'SELECT original FROM "{ingestion_schema}".versions WHERE document_id = :id'),  # noqa: S608
                {"id": accepted["document_id"]},
            )
        ).scalar_one()
    await engine.dispose()
    assert original == JOB

    # Sending the same file again is harmless: same id, still one version.
    again = (await gateway.post("/v1/documents", files={"file": ("dg-test.txt", JOB, "text/plain")})).json()
    assert again["document_id"] == accepted["document_id"]

    listing = (await gateway.get("/v1/documents", params={"classification": "EX-02"})).json()
    assert [item["document_id"] for item in listing["items"]] == [accepted["document_id"]]
    stats = (await gateway.get("/v1/stats")).json()
    assert stats["parsed"] == 1 and stats["by_classification"] == {"EX-02": 1}


async def test_a_document_ingestion_rejects_shows_the_reason(gateway, eventually) -> None:
    fake_pdf = b"%PDF-1.4\n" + b"\x00garbage" * 10
    response = await gateway.post("/v1/documents", files={"file": ("scan.pdf", fake_pdf, "application/pdf")})
    assert response.status_code == 202

    async def rejected() -> dict[str, Any] | None:
        document = (await gateway.get(f"/v1/documents/{response.json()['document_id']}")).json()
        return document if document["status"] == "rejected" else None

    document = await eventually(rejected)
    assert document["rejection"]["reason"] == "corrupt_document"
    assert document["rejection"]["message"]


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ({"file": ("empty.txt", b"  \n", "text/plain")}, 422, "empty_document"),
        ({"file": ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")}, 415, "unsupported_media_type"),
        ({"file": ("big.txt", b"a" * 10_000_001, "text/plain")}, 413, "too_large"),
    ],
)
async def test_bad_uploads_get_a_problem_and_leave_nothing(gateway, files, status, code) -> None:
    response = await gateway.post("/v1/documents", files=files)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert (await gateway.get("/v1/documents")).json()["items"] == []


async def test_every_route_needs_a_key_with_the_right_scope(gateway) -> None:
    assert (await gateway.get("/v1/documents", headers={"X-API-Key": ""})).status_code == 401
    assert (await gateway.get("/v1/stats", headers={"X-API-Key": "wrong"})).status_code == 401
    created = await gateway.post("/v1/api-keys", json={"name": "reader", "scopes": ["documents:read"]})
    assert created.status_code == 201
    reader = {"X-API-Key": created.json()["secret"]}
    assert (await gateway.get("/v1/documents", headers=reader)).status_code == 200
    forbidden = await gateway.post("/v1/documents", headers=reader, files={"file": ("a.txt", JOB)})
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    assert (await gateway.delete(f"/v1/api-keys/{created.json()['key_id']}")).status_code == 204
    assert (await gateway.get("/v1/documents", headers=reader)).status_code == 401


async def test_readiness_checks_broker_and_database(gateway) -> None:
    response = await gateway.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"broker": "ok", "database": "ok"}


async def test_metrics_report_handled_messages_and_consumer_lag(gateway, eventually) -> None:
    await gateway.post("/v1/documents", files={"file": ("metrics.txt", JOB + b"\nmetrics", "text/plain")})

    async def metrics() -> str | None:
        body = (await gateway.get("/metrics")).text
        return body if 'jdi_messages_handled_total{outcome="ok",topic="jdi.documents.parsed.v1"}' in body else None

    body = await eventually(metrics)
    assert "jdi_consumer_lag{" in body
