"""The analysis service in-process against the real Kafka broker and PostgreSQL: parsed events in,
analysed events out, comparisons over its internal HTTP API and through the gateway, deletes."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import func, select

from jdi_analysis.app import create_app as create_analysis
from jdi_analysis.settings import AnalysisServiceSettings
from jdi_analysis.store.postgres import PostgresAnalysisStore
from jdi_analysis.store.tables import SCHEMA, analyses, document_skills
from jdi_contracts.events import (
    Analyzed,
    Deleted,
    DocumentAnalyzed,
    DocumentDeleted,
    DocumentParsed,
    Quality,
    Skill,
    Topic,
)
from jdi_core.broker import make_broker, publish_event
from jdi_core.db import make_engine
from jdi_core.settings import DatabaseSettings, KafkaSettings
from jdi_gateway.api.dependencies import analysis_client
from jdi_gateway.app import create_app as create_gateway
from jdi_gateway.settings import GatewaySettings
from jdi_samples import generate_job_description

pytestmark = pytest.mark.integration

API_KEY = "analysis-integration-key"
# Seeds of the synthetic generator giving English EX-01, EX-02 and EX-03 positions.
DIRECTOR, EXECUTIVE_DIRECTOR, DIRECTOR_GENERAL = 1, 7, 5


def parsed_event(document_id: str, seed: int, version: int = 1) -> DocumentParsed:
    record = generate_job_description(seed, "en").parsed_record(document_id, version)
    return DocumentParsed.wrap(record, source="/test", subject=document_id)


@pytest.fixture
async def analysis(kafka_settings: KafkaSettings, database_settings: DatabaseSettings) -> AsyncIterator[FastAPI]:
    # Exact and alias skill matches only: the ONNX embedder is slow to load and not under test here.
    settings = AnalysisServiceSettings(kafka=kafka_settings, database=database_settings, use_embeddings=False)
    app = create_analysis(settings)
    async with LifespanManager(app, startup_timeout=60) as running:
        yield running.app  # type: ignore[misc]


@pytest.fixture
async def internal(analysis: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=analysis), base_url="http://analysis") as client:
        yield client


@pytest.fixture
async def publish(kafka_settings: KafkaSettings) -> AsyncIterator[Callable[[Any], Awaitable[None]]]:
    broker = make_broker(kafka_settings)
    await broker.connect()

    async def send(event: Any) -> None:
        await publish_event(broker, kafka_settings, event)

    yield send
    await broker.stop()


@pytest.fixture
async def analysed(
    kafka_settings: KafkaSettings,
    publish: Callable[[Any], Awaitable[None]],
    analysis: FastAPI,
    eventually: Callable[..., Awaitable[Any]],
) -> dict[str, Analyzed]:
    """Three positions of one group published as parsed, and their `analyzed` events read back."""
    for document_id, seed in (("dir", DIRECTOR), ("ed", EXECUTIVE_DIRECTOR), ("dg", DIRECTOR_GENERAL)):
        await publish(parsed_event(document_id, seed))
    consumer = AIOKafkaConsumer(
        kafka_settings.topic(Topic.ANALYZED),
        bootstrap_servers=kafka_settings.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    events: dict[str, Analyzed] = {}

    async def all_analysed() -> bool:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            for record in records:
                event = DocumentAnalyzed.from_bytes(record.value)
                assert record.key == event.subject.encode()
                events[event.data.document_id] = event.data
        return len(events) == 3

    try:
        await eventually(all_analysed)
    finally:
        await consumer.stop()
    return events


async def test_parsed_documents_are_analysed_and_compared(analysed, internal) -> None:
    assert {"consultation", "focus on service"} <= {skill.label for skill in analysed["dir"].skills}

    comparison = (await internal.get("/internal/v1/compare", params={"left": "dir", "right": "ed"})).json()
    assert comparison["method"] == "term-cosine"
    assert {"consultation", "focus on service"} <= {s["label"] for s in comparison["shared_skills"]}
    assert "labour market" in {s["label"] for s in comparison["right_only_skills"]}
    similarity = {s["key"]: s["similarity"] for s in comparison["sections"]}
    # The generator writes the same structure with different subjects and duties.
    assert 0.3 < similarity["general_accountability"] < 1.0
    assert 0 < comparison["overall_similarity"] < 1.0

    gap = (await internal.get("/internal/v1/skill-gap", params={"from": "dir", "to": "ed"})).json()
    assert [item["label"] for item in gap["missing"]] == ["labour market"]

    paths = (await internal.get("/internal/v1/career-paths/dir")).json()
    assert paths["classification"] == "EX-01"
    assert [(step["document_id"], step["levels_up"]) for step in paths["steps"]] == [("ed", 1), ("dg", 2)]
    assert [item["label"] for item in paths["steps"][0]["gap"]] == ["labour market"]
    assert (await internal.get("/internal/v1/career-paths/dg")).json()["steps"] == []


async def test_a_deleted_document_leaves_no_rows(analysed, internal, publish, database_settings, eventually) -> None:
    await publish(DocumentDeleted.wrap(Deleted(document_id="dir", versions_removed=[1]), source="/test", subject="dir"))

    async def gone() -> bool:
        response = await internal.get("/internal/v1/career-paths/dir")
        return response.status_code == 404

    await eventually(gone)
    engine = make_engine(database_settings, SCHEMA)
    async with engine.connect() as connection:
        rows = {
            table.name: (
                await connection.execute(select(func.count()).select_from(table).where(table.c.document_id == "dir"))
            ).scalar()
            for table in (analyses, document_skills)
        }
        others = (await connection.execute(select(func.count()).select_from(analyses))).scalar()
    await engine.dispose()
    assert rows == {"analyses": 0, "document_skills": 0}
    assert others == 2


async def test_the_gateway_serves_comparisons_from_the_analysis_service(
    analysed, analysis, kafka_settings, database_settings
) -> None:
    gateway = create_gateway(
        GatewaySettings(kafka=kafka_settings, database=database_settings, bootstrap_api_key=SecretStr(API_KEY)),
        analysis_client=httpx.AsyncClient(transport=httpx.ASGITransport(app=analysis), base_url="http://analysis"),
    )
    async with LifespanManager(gateway, startup_timeout=60) as running:
        transport = httpx.ASGITransport(app=running.app)
        headers = {"X-API-Key": API_KEY}
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway", headers=headers) as api:
            comparison = await api.get("/v1/compare", params={"left": "dir", "right": "ed"})
            assert comparison.status_code == 200, comparison.text
            assert "labour market" in {s["label"] for s in comparison.json()["right_only_skills"]}
            gap = (await api.get("/v1/documents/dir/skill-gap", params={"to": "ed"})).json()
            assert [item["label"] for item in gap["missing"]] == ["labour market"]
            paths = (await api.get("/v1/documents/dir/career-paths", params={"limit": 1})).json()
            assert [step["document_id"] for step in paths["steps"]] == ["ed"]

            unknown = await api.get("/v1/documents/nope/skill-gap", params={"to": "ed"})
            assert unknown.status_code == 404
            assert unknown.headers["content-type"] == "application/problem+json"
            problem = unknown.json()
            assert (problem["code"], problem["detail"]) == ("not_found", "No analysed document with id 'nope'.")

            searcher = (await api.post("/v1/api-keys", json={"name": "searcher", "scopes": ["search"]})).json()
            forbidden = await api.get(
                "/v1/compare", params={"left": "dir", "right": "ed"}, headers={"X-API-Key": searcher["secret"]}
            )
            assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")

            # Nothing listens on the discard port: the analysis service is down.
            async with httpx.AsyncClient(base_url="http://127.0.0.1:9") as unreachable:
                gateway.dependency_overrides[analysis_client] = lambda: unreachable
                down = await api.get("/v1/documents/dir/career-paths")
            assert (down.status_code, down.json()["code"]) == (503, "analysis_unavailable")


async def test_an_older_version_saved_late_keeps_the_newer_skills(analysis, database_settings) -> None:
    """The handler skips known older versions; the store must hold too when two saves race."""
    engine = make_engine(database_settings, SCHEMA)  # the running service created the schema
    store = PostgresAnalysisStore(engine)

    def analysed(version: int, skills: list[str]) -> Analyzed:
        return Analyzed(
            document_id="doc",
            version=version,
            skills=[
                Skill(uri=f"urn:skill:{name}", label=name, confidence=0.9, section="knowledge", evidence=name)
                for name in skills
            ],
            quality=Quality(score=50, components=[]),
            findings=[],
            compliance=[],
        )

    newer, older = parsed_event("doc", EXECUTIVE_DIRECTOR, 2).data, parsed_event("doc", DIRECTOR, 1).data
    await store.save(newer, analysed(2, ["budgets", "policy"]))
    await store.save(older, analysed(1, ["media"]))

    async with engine.connect() as connection:
        version, title = (await connection.execute(select(analyses.c.version, analyses.c.title))).one()
        labels = select(document_skills.c.label).order_by(document_skills.c.label)
        skills = (await connection.execute(labels)).scalars().all()
    await engine.dispose()
    assert (version, title) == (2, newer.title)
    assert skills == ["budgets", "policy"]
