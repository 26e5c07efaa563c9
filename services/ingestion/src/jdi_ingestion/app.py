"""Composition root: wires Kafka, PostgreSQL and the parser into the ingestion service."""

from pathlib import Path

from fastapi import FastAPI

from jdi_contracts.events import Topic
from jdi_core.broker import event_publisher, make_broker, subscribe
from jdi_core.db import make_engine, ping
from jdi_core.migrations import migrate
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_ingestion.handlers import SOURCE, IngestionHandlers
from jdi_ingestion.settings import IngestionSettings
from jdi_ingestion.store import PostgresDocumentStore
from jdi_ingestion.store.tables import SCHEMA

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
SERVICE_NAME = "jdi-ingestion"


def create_app(settings: IngestionSettings) -> FastAPI:
    tracer_provider = setup_telemetry(SERVICE_NAME)
    broker = make_broker(settings.kafka, tracer_provider)
    engine = make_engine(settings.database, SCHEMA)

    handlers = IngestionHandlers(
        PostgresDocumentStore(engine), event_publisher(broker, settings.kafka), settings.parse_limits()
    )
    subscribe(
        broker,
        settings.kafka,
        settings.group_id,
        {Topic.SUBMITTED: handlers.on_submitted, Topic.DELETE_REQUESTED: handlers.on_delete_requested},
        source=SOURCE,
    )

    async def migrate_schema() -> None:
        await migrate(engine, SCHEMA, MIGRATIONS)

    return create_service_app(
        "ingestion",
        broker=broker,
        readiness={"database": lambda: ping(engine)},
        on_startup=[migrate_schema],
        on_shutdown=[engine.dispose],
    )
