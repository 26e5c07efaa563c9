"""The FastAPI shell every service shares: telemetry, JSON logs, health, metrics, broker lifecycle."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Response
from faststream.kafka import KafkaBroker
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from jdi_core.health import ReadinessCheck, health_router
from jdi_core.metrics import CONSUMER_LAG

Hook = Callable[[], Awaitable[None]]


def create_service_app(
    name: str,
    *,
    broker: KafkaBroker,
    readiness: dict[str, ReadinessCheck],
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    routers: Sequence[APIRouter] = (),
    title: str | None = None,
) -> FastAPI:
    """Start hooks run before the broker starts consuming; stop hooks after it stopped."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup:
            await hook()
        await broker.start()
        CONSUMER_LAG.track(broker)
        try:
            yield
        finally:
            CONSUMER_LAG.untrack(broker)
            await broker.stop()
            for hook in on_shutdown:
                await hook()

    app = FastAPI(title=title or f"jdi {name}", lifespan=lifespan)
    app.include_router(health_router({"broker": lambda: _ping(broker), **readiness}))
    for router in routers:
        app.include_router(router)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    return app


async def _ping(broker: KafkaBroker) -> None:
    if not await broker.ping(timeout=2.0):
        raise ConnectionError("Kafka broker did not answer")
