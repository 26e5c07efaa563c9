"""Composition root of the embedding service: ONNX embedders, Qdrant, Kafka, internal search API."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from faststream.kafka.subscriber.usecase import BatchSubscriber

from jdi_contracts.events import Topic
from jdi_core.batch_consumer import subscribe_batch
from jdi_core.broker import event_publisher, make_broker
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_embedder import Embedder, OnnxEmbedder
from jdi_embedding.api import router
from jdi_embedding.handlers import SOURCE, EmbeddingBatchHandler
from jdi_embedding.reembedding import GroupLag, SwitchOver, model_group_id
from jdi_embedding.search import HybridSearch
from jdi_embedding.settings import EmbeddingSettings
from jdi_embedding.vectors.port import VectorStore
from jdi_embedding.vectors.qdrant_store import open_vector_store

SERVICE_NAME = "jdi-embedding"
TOPICS = (Topic.PARSED, Topic.DELETED)

LoadEmbedder = Callable[[str], Embedder]


async def _nothing() -> None:
    return None


def create_app(
    settings: EmbeddingSettings, *, load_embedder: LoadEmbedder | None = None, store: VectorStore | None = None
) -> FastAPI:
    """`load_embedder` (model id -> embedder) and `store` default to the real ones; tests may pass others.

    With `previous_model_id` set, two models run: the previous one serves search and keeps its
    collection current; the new one replays `parsed` into its own collection and takes over once
    it has caught up (see reembedding.py). Without it, a model whose collection is not the active
    one (an id changed in place) takes over the same way; search answers 409 until then.
    """
    tracer_provider = setup_telemetry(SERVICE_NAME)
    broker = make_broker(settings.kafka, tracer_provider)
    load = load_embedder or (lambda model_id: OnnxEmbedder.load(settings.model_cache_dir, model_id=model_id))
    embedder = load(settings.model_id)
    store = store or open_vector_store(settings.qdrant)

    publish = event_publisher(broker, settings.kafka)

    def consume_into_collection(model_embedder: Embedder) -> BatchSubscriber:
        return subscribe_batch(
            broker,
            settings.kafka,
            model_group_id(settings.group_id, model_embedder.model_id),
            TOPICS,
            EmbeddingBatchHandler(store, model_embedder, publish, settings.kafka.topic(Topic.PARSED)),
            source=SOURCE,
            max_records=settings.batch_max_records,
            batch_timeout_ms=settings.batch_timeout_ms,
        )

    consume_into_collection(embedder)
    previous = None
    stop_previous_consumer: Callable[[], Awaitable[None]] = _nothing
    if settings.previous_model_id and settings.previous_model_id != settings.model_id:
        previous = load(settings.previous_model_id)
        stop_previous_consumer = consume_into_collection(previous).stop
    serving = previous or embedder

    lag = GroupLag(
        settings.kafka.bootstrap_servers,
        model_group_id(settings.group_id, settings.model_id),
        [settings.kafka.topic(topic) for topic in TOPICS],
    )
    switch_over = SwitchOver(
        store, embedder.model_id, embedder.dimension, lag, stop_previous_consumer, settings.switch_check_interval_s
    )
    watch: list[asyncio.Task[None]] = []

    async def activate_serving_model() -> None:
        """A fresh store has no active collection yet: the serving model's becomes active."""
        if await store.active_collection() is None:
            await store.ensure_collection(serving.model_id, serving.dimension)
            await store.set_active(serving.model_id)

    async def watch_for_switch_over() -> None:
        """Until this model's collection is the active one, switch to it once it has caught up."""
        if not await switch_over.is_done():
            await lag.start()
            watch.append(asyncio.create_task(switch_over.run()))

    async def stop_watching() -> None:
        for task in watch:
            task.cancel()
        await asyncio.gather(*watch, return_exceptions=True)
        await lag.stop()

    app = create_service_app(
        "embedding",
        broker=broker,
        readiness={"vector_store": store.check_ready},
        on_startup=[activate_serving_model, watch_for_switch_over],
        on_shutdown=[stop_watching, store.close],
        routers=[router],
    )
    app.state.search = HybridSearch(serving, store, [embedder] if previous else [])
    return app
