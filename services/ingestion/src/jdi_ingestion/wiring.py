"""Ingestion's one composition function: real adapters by default, any of them replaceable."""

from dataclasses import dataclass

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from jdi_contracts.events import Topic
from jdi_core.broker import Handler, Publish, event_publisher, make_broker
from jdi_core.db import make_engine
from jdi_ingestion.handlers import IngestionHandlers
from jdi_ingestion.settings import IngestionSettings
from jdi_ingestion.store.port import DocumentStore
from jdi_ingestion.store.postgres import PostgresDocumentStore
from jdi_ingestion.store.tables import SCHEMA


@dataclass(frozen=True)
class Wiring:
    engine: AsyncEngine
    handlers: IngestionHandlers
    subscriptions: dict[Topic, Handler]
    dead_letter_answers: dict[Topic, Handler]


def wire(
    settings: IngestionSettings,
    *,
    engine: AsyncEngine | None = None,
    broker: KafkaBroker | None = None,
    store: DocumentStore | None = None,
    publish: Publish | None = None,
) -> Wiring:
    """Nothing connects here: the engine and the broker open connections on first use."""
    if engine is None:
        engine = make_engine(settings.database, SCHEMA)
    if publish is None:
        publish = event_publisher(broker or make_broker(settings.kafka), settings.kafka)
    handlers = IngestionHandlers(
        PostgresDocumentStore(engine) if store is None else store, publish, settings.parse_limits()
    )
    return Wiring(
        engine=engine,
        handlers=handlers,
        subscriptions={Topic.SUBMITTED: handlers.on_submitted, Topic.DELETE_REQUESTED: handlers.on_delete_requested},
        dead_letter_answers={Topic.SUBMITTED: handlers.answer_dead_lettered},
    )
