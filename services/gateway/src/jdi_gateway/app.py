"""Composition root of the gateway: REST API, projections of pipeline events, auth."""

from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

from jdi_contracts.events import Topic
from jdi_core.broker import event_publisher, make_broker, subscribe
from jdi_core.db import make_engine, ping
from jdi_core.migrations import migrate
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_gateway.api import comparisons, documents, keys, search, stats
from jdi_gateway.api.body_limit import BodySizeLimit
from jdi_gateway.api.errors import install_error_handlers
from jdi_gateway.auth.keys import ensure_bootstrap_key
from jdi_gateway.projections.handlers import Projector
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.tables import SCHEMA

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
SERVICE_NAME = "jdi-gateway"
SOURCE = "/jdi/gateway"


def create_app(settings: GatewaySettings) -> FastAPI:
    tracer_provider = setup_telemetry(SERVICE_NAME)
    broker = make_broker(settings.kafka, tracer_provider)
    engine = make_engine(settings.database, SCHEMA)
    embedding_client = httpx.AsyncClient(base_url=settings.embedding_url, timeout=settings.search_timeout_s)
    HTTPXClientInstrumentor().instrument_client(embedding_client)
    analysis_client = httpx.AsyncClient(base_url=settings.analysis_url, timeout=settings.analysis_timeout_s)
    HTTPXClientInstrumentor().instrument_client(analysis_client)

    projector = Projector(engine)
    projections = {
        Topic.PARSED: projector.on_parsed,
        Topic.EMBEDDED: projector.on_embedded,
        Topic.ANALYZED: projector.on_analyzed,
        Topic.REJECTED: projector.on_rejected,
        Topic.DELETED: projector.on_deleted,
    }
    subscribe(broker, settings.kafka, settings.group_id, projections, source=SOURCE)

    async def prepare_database() -> None:
        await migrate(engine, SCHEMA, MIGRATIONS)
        if settings.bootstrap_api_key is not None:
            await ensure_bootstrap_key(engine, settings.bootstrap_api_key.get_secret_value())

    async def close_clients() -> None:
        await embedding_client.aclose()
        await analysis_client.aclose()
        await engine.dispose()

    app = create_service_app(
        "gateway",
        broker=broker,
        readiness={"database": lambda: ping(engine)},
        on_startup=[prepare_database],
        on_shutdown=[close_clients],
        routers=[documents.router, search.router, comparisons.router, stats.router, keys.router],
        title="jdi gateway",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.publish = event_publisher(broker, settings.kafka)
    app.state.embedding_client = embedding_client
    app.state.analysis_client = analysis_client
    install_error_handlers(app)
    # base64 in JSON is the largest legal encoding of a document: 4/3 of it, plus room for fields.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes * 4 // 3 + 64_000)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    return app
