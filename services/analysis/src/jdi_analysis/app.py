"""Composition root: Kafka, the service shell, the schema's migrations and the comparison API around
`wire`."""

import asyncio
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from jdi_analysis import api
from jdi_analysis.handlers import SOURCE
from jdi_analysis.settings import AnalysisServiceSettings
from jdi_analysis.store.tables import SCHEMA
from jdi_analysis.wiring import wire
from jdi_core.broker import make_broker, subscribe
from jdi_core.db import ping
from jdi_core.internal_api import internal_api_guard
from jdi_core.migrations import migrate
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
SERVICE_NAME = "jdi-analysis"


def create_app(settings: AnalysisServiceSettings, **overrides: Any) -> FastAPI:
    """`overrides` are `wire`'s keyword arguments (an analyzer, a store, a reader...)."""
    guard = internal_api_guard(settings.host, settings.internal_api)
    broker = make_broker(settings.kafka, setup_telemetry(SERVICE_NAME))
    wired = wire(settings, broker=broker, **overrides)
    subscribe(broker, settings.kafka, settings.group_id, wired.subscriptions, source=SOURCE)
    embedder = wired.analyzer.matcher.embedder

    async def migrate_schema() -> None:
        await migrate(wired.engine, SCHEMA, MIGRATIONS)

    async def embed_taxonomy() -> None:
        """Embed the ESCO labels before consuming, so the first document is not minutes late."""
        if embedder is not None:
            await asyncio.to_thread(wired.analyzer.matcher.label_vectors)

    app = create_service_app(
        "analysis",
        broker=broker,
        readiness={"database": lambda: ping(wired.engine)},
        on_startup=[migrate_schema, embed_taxonomy],
        on_shutdown=[wired.engine.dispose],
    )
    app.include_router(api.router, dependencies=guard)
    app.state.analysis_reader = wired.reader
    app.state.embedder = embedder
    return app
