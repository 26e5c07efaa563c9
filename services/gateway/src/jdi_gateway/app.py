"""Composition root of the gateway: REST API, projections of pipeline events, auth."""

from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from jdi_core.batch_consumer import subscribe_batch
from jdi_core.broker import make_broker
from jdi_core.db import ping
from jdi_core.logs import configure_logging
from jdi_core.migrations import migrate
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_gateway.api import (
    api_keys,
    audit,
    comparisons,
    documents,
    rebuilds,
    search,
    stats,
    submissions,
    suggestions,
)
from jdi_gateway.api.body_limit import BodySizeLimit
from jdi_gateway.api.errors import install_error_handlers
from jdi_gateway.api.openapi import install_problem_schema
from jdi_gateway.auth.api_key_auth import ensure_bootstrap_key
from jdi_gateway.handlers import PROJECTED_TOPICS, SOURCE
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.tables import MIGRATIONS, SCHEMA
from jdi_gateway.wiring import wire

SERVICE_NAME = "jdi-gateway"


def create_app(settings: GatewaySettings, **overrides: Any) -> FastAPI:
    """`overrides` are `wire`'s keyword arguments: fakes in unit tests, a shared engine in integration tests."""
    broker = make_broker(settings.kafka, setup_telemetry(SERVICE_NAME))
    wired = wire(settings, broker=broker, **overrides)
    subscribe_batch(
        broker,
        settings.kafka,
        settings.group_id,
        PROJECTED_TOPICS,
        wired.projections.project_batch,
        source=SOURCE,
        max_records=settings.projection_batch_max_records,
        batch_timeout_ms=settings.projection_batch_timeout_ms,
    )

    async def prepare_database() -> None:
        await migrate(wired.engine, SCHEMA, MIGRATIONS)
        if settings.bootstrap_api_key is not None:
            await ensure_bootstrap_key(wired.api_keys, settings.bootstrap_api_key.get_secret_value())

    async def close_clients() -> None:
        await wired.embedding_client.aclose()
        await wired.analysis_client.aclose()
        await wired.engine.dispose()

    app = create_service_app(
        "gateway",
        broker=broker,
        readiness={"database": lambda: ping(wired.engine)},
        on_startup=[prepare_database],
        on_shutdown=[close_clients],
        routers=[
            submissions.router,
            documents.router,
            search.router,
            suggestions.router,
            comparisons.router,
            stats.router,
            api_keys.router,
            audit.router,
            rebuilds.router,
        ],
        title="jdi gateway",
    )
    app.state.wiring = wired  # read only through the typed dependencies in api/dependencies.py
    app.state.rebuild_tasks = set()
    install_error_handlers(app)
    install_problem_schema(app)
    # base64 in JSON is the largest legal encoding of a document: 4/3 of it, plus room for fields.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes * 4 // 3 + 64_000)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            # A browser app reads what its key has left, and when to retry.
            expose_headers=["RateLimit", "RateLimit-Policy", "Retry-After"],
        )
    return app


def from_environment() -> FastAPI:
    """The app `python -m jdi_gateway` serves, built in each worker process from the environment."""
    configure_logging(SERVICE_NAME)
    return create_app(GatewaySettings())
