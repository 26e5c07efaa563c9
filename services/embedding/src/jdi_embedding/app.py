"""Composition root of the embedding service: ONNX embedder, Qdrant, Kafka, internal search API."""

from typing import Any

from fastapi import FastAPI

from jdi_core.broker import make_broker, publish_event, subscribe
from jdi_core.events import CloudEvent, Topic
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_embedder import Embedder, OnnxEmbedder
from jdi_embedding.api import router
from jdi_embedding.handlers import SOURCE, EmbeddingHandlers
from jdi_embedding.search import HybridSearch
from jdi_embedding.settings import EmbeddingSettings
from jdi_embedding.vectors.port import VectorStore
from jdi_embedding.vectors.qdrant_store import open_vector_store

SERVICE_NAME = "jdi-embedding"


def create_app(
    settings: EmbeddingSettings, *, embedder: Embedder | None = None, store: VectorStore | None = None
) -> FastAPI:
    """`embedder` and `store` default to the real ones; tests may pass others."""
    tracer_provider = setup_telemetry(SERVICE_NAME)
    broker = make_broker(settings.kafka, tracer_provider)
    embedder = embedder or OnnxEmbedder.load(settings.model_cache_dir)
    api_key = settings.qdrant.api_key.get_secret_value() if settings.qdrant.api_key else None
    store = store or open_vector_store(settings.qdrant.url, settings.qdrant.path, api_key)

    async def publish(event: CloudEvent[Any]) -> None:
        await publish_event(broker, settings.kafka, event)

    handlers = EmbeddingHandlers(store, embedder, publish)
    subscribe(
        broker,
        settings.kafka,
        settings.group_id,
        {Topic.PARSED: handlers.on_parsed, Topic.DELETED: handlers.on_deleted},
        source=SOURCE,
    )

    async def store_ready() -> None:
        await store.active_collection()

    app = create_service_app(
        "embedding",
        broker=broker,
        readiness={"vector_store": store_ready},
        on_shutdown=[store.close],
        routers=[router],
    )
    app.state.search = HybridSearch(embedder, store)
    return app
