"""Composition root: Kafka, the service shell and the schema's migrations around `wire`."""

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from jdi_core.broker import make_broker, subscribe
from jdi_core.db import ping
from jdi_core.migrations import migrate
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_ingestion.handlers import SOURCE
from jdi_ingestion.settings import IngestionSettings
from jdi_ingestion.store.tables import SCHEMA
from jdi_ingestion.wiring import wire

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
SERVICE_NAME = "jdi-ingestion"


def create_app(settings: IngestionSettings, **overrides: Any) -> FastAPI:
    """`overrides` are `wire`'s keyword arguments (a store, a publisher...)."""
    broker = make_broker(settings.kafka, setup_telemetry(SERVICE_NAME))
    wired = wire(settings, broker=broker, **overrides)
    subscribe(
        broker,
        settings.kafka,
        settings.group_id,
        wired.subscriptions,
        source=SOURCE,
        dead_letter_answers=wired.dead_letter_answers,
    )

    async def migrate_schema() -> None:
        await migrate(wired.engine, SCHEMA, MIGRATIONS)

    return create_service_app(
        "ingestion",
        broker=broker,
        readiness={"database": lambda: ping(wired.engine)},
        on_startup=[migrate_schema],
        on_shutdown=[wired.engine.dispose],
    )
