"""The FastAPI shell every service shares: telemetry, JSON logs, health, metrics (`/metrics`: messages, consumer
lag, HTTP requests per route, readiness per dependency), broker lifecycle."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import uvicorn
from fastapi import APIRouter, FastAPI, Response
from faststream.kafka import KafkaBroker
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from jdi_core.health import OK, ReadinessCheck, check_readiness, health_router
from jdi_core.metrics import CONSUMER_LAG, DEPENDENCY_READY, HttpMetricsMiddleware

Hook = Callable[[], Awaitable[None]]

# On SIGTERM uvicorn stops accepting and waits this long for open requests, then the lifespan stops the broker,
# which lets in-flight messages finish (FastStream's graceful timeout, 15 s), commits and leaves the group. Both
# together stay within Kubernetes' default 30 s termination grace period.
HTTP_SHUTDOWN_GRACE_S = 10


def serve(app: FastAPI, host: str, port: int) -> None:
    """Run a service's app until SIGTERM or SIGINT, then shut it down gracefully (see HTTP_SHUTDOWN_GRACE_S)."""
    uvicorn.run(app, host=host, port=port, log_config=None, timeout_graceful_shutdown=HTTP_SHUTDOWN_GRACE_S)


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

    checks: dict[str, ReadinessCheck] = {"broker": lambda: _ping(broker), **readiness}
    app = FastAPI(title=title or f"jdi {name}", lifespan=lifespan)
    app.include_router(health_router(checks))
    for router in routers:
        app.include_router(router)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        # Each scrape probes the dependencies and reads committed offsets the lag still lacks.
        for dependency, result in (await check_readiness(checks)).items():
            DEPENDENCY_READY.labels(dependency).set(result == OK)
        await CONSUMER_LAG.read_committed_offsets()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(HttpMetricsMiddleware)

    # One span per request: no child spans for each ASGI message received and sent.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"])
    return app


async def _ping(broker: KafkaBroker) -> None:
    if not await broker.ping(timeout=2.0):
        raise ConnectionError("Kafka broker did not answer")
