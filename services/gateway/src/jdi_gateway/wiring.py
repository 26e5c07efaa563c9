"""The gateway's one composition function: real adapters by default, any of them replaceable."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

import httpx
from faststream.kafka import KafkaBroker
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from sqlalchemy.ext.asyncio import AsyncEngine

from jdi_core.broker import Publish, event_publisher, make_broker
from jdi_core.db import make_engine
from jdi_gateway.auth.key_cache import CachedApiKeys
from jdi_gateway.auth.rate_limits import RateLimits
from jdi_gateway.handlers import ProjectionHandlers
from jdi_gateway.rebuild import Progress, rebuild_read_model
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.port import ApiKeys, AuditLog, ProjectionWriter, ReadModel, Rebuilds, SearchLog
from jdi_gateway.store.postgres import (
    PostgresApiKeys,
    PostgresAuditLog,
    PostgresProjectionWriter,
    PostgresReadModel,
    PostgresRebuilds,
    PostgresSearchLog,
)
from jdi_gateway.store.tables import SCHEMA

# Rebuilds the read model and switches over, telling the events applied so far; the events applied.
RebuildRunner = Callable[[Progress], Awaitable[int]]


@dataclass(frozen=True)
class Wiring:
    settings: GatewaySettings
    engine: AsyncEngine
    read_model: ReadModel
    api_keys: ApiKeys
    rate_limits: RateLimits
    audit_log: AuditLog
    search_log: SearchLog
    publish: Publish
    embedding_client: httpx.AsyncClient
    analysis_client: httpx.AsyncClient
    projections: ProjectionHandlers
    rebuilds: Rebuilds
    rebuild: RebuildRunner


def wire(
    settings: GatewaySettings,
    *,
    engine: AsyncEngine | None = None,
    broker: KafkaBroker | None = None,
    read_model: ReadModel | None = None,
    projection_writer: ProjectionWriter | None = None,
    api_keys: ApiKeys | None = None,
    rate_limits: RateLimits | None = None,
    audit_log: AuditLog | None = None,
    search_log: SearchLog | None = None,
    publish: Publish | None = None,
    embedding_client: httpx.AsyncClient | None = None,
    analysis_client: httpx.AsyncClient | None = None,
    rebuilds: Rebuilds | None = None,
    rebuild: RebuildRunner | None = None,
) -> Wiring:
    """Nothing connects here: the engine, broker and clients open connections on first use."""
    if engine is None:
        engine = make_engine(settings.database, SCHEMA)
    if publish is None:
        publish = event_publisher(broker or make_broker(settings.kafka), settings.kafka)
    projections = ProjectionHandlers(
        PostgresProjectionWriter(engine) if projection_writer is None else projection_writer,
        topic_prefix=settings.kafka.topic_prefix,
    )
    return Wiring(
        settings=settings,
        engine=engine,
        read_model=PostgresReadModel(engine, stats_cache_s=settings.stats_cache_s)
        if read_model is None
        else read_model,
        api_keys=CachedApiKeys(PostgresApiKeys(engine) if api_keys is None else api_keys, settings.api_key_cache_s),
        rate_limits=rate_limits or RateLimits(settings.rate_limit, settings.auth_failure_rate_limit),
        audit_log=PostgresAuditLog(engine) if audit_log is None else audit_log,
        search_log=PostgresSearchLog(engine) if search_log is None else search_log,
        publish=publish,
        embedding_client=embedding_client or _client(settings.embedding_url, settings.search_timeout_s, settings),
        analysis_client=analysis_client or _client(settings.analysis_url, settings.analysis_timeout_s, settings),
        projections=projections,
        rebuilds=PostgresRebuilds(engine) if rebuilds is None else rebuilds,
        rebuild=rebuild or partial(rebuild_read_model, settings, engine),
    )


def _client(base_url: str, timeout_s: float, settings: GatewaySettings) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, headers=settings.internal_api.authorization())
    HTTPXClientInstrumentor().instrument_client(client)
    return client
