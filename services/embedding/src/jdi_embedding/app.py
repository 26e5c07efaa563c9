"""Composition root: Kafka, the service shell, the internal search API and the re-embedding
switch-over around `wire`."""

import asyncio
from typing import Any

from fastapi import FastAPI

from jdi_core.broker import make_broker
from jdi_core.internal_api import internal_api_guard
from jdi_core.service import create_service_app
from jdi_core.telemetry import setup_telemetry
from jdi_embedding.api import router
from jdi_embedding.settings import EmbeddingSettings
from jdi_embedding.wiring import wire

SERVICE_NAME = "jdi-embedding"


def create_app(settings: EmbeddingSettings, **overrides: Any) -> FastAPI:
    """`overrides` are `wire`'s keyword arguments (`load_embedder`, a store, a publisher)."""
    guard = internal_api_guard(settings.host, settings.internal_api)
    broker = make_broker(settings.kafka, setup_telemetry(SERVICE_NAME))
    wired = wire(settings, broker=broker, **overrides)
    store, serving = wired.store, wired.serving
    watch: list[asyncio.Task[None]] = []

    async def activate_serving_model() -> None:
        """A fresh store has no active collection yet: the serving model's becomes active."""
        if await store.active_collection() is None:
            await store.ensure_collection(serving.model_id, serving.dimension)
            await store.set_active(serving.model_id)

    async def watch_for_switch_over() -> None:
        """Until this model's collection is the active one, switch to it once it has caught up."""
        if not await wired.switch_over.is_done():
            await wired.lag.start()
            watch.append(asyncio.create_task(wired.switch_over.run()))

    async def stop_watching() -> None:
        for task in watch:
            task.cancel()
        await asyncio.gather(*watch, return_exceptions=True)
        await wired.lag.stop()

    app = create_service_app(
        "embedding",
        broker=broker,
        readiness={"vector_store": store.check_ready},
        on_startup=[activate_serving_model, watch_for_switch_over],
        on_shutdown=[stop_watching, store.close],
    )
    app.include_router(router, dependencies=guard)
    app.state.search = wired.search
    return app
