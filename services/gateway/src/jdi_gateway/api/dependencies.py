"""Typed FastAPI dependencies giving routes the ports `wire` made; unit tests override any of them
with `app.dependency_overrides` or pass fakes to `create_app`.

They are `async def` although they never wait: FastAPI runs a plain `def` dependency in a thread pool,
a thread hand-off per dependency per request."""

from typing import Annotated

import httpx
from fastapi import Depends, Request

from jdi_core.broker import Publish
from jdi_gateway.auth.rate_limits import RateLimits
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.port import ApiKeys, AuditLog, ReadModel, SearchLog
from jdi_gateway.wiring import Wiring


async def wiring(request: Request) -> Wiring:
    """The one object create_app keeps on the application."""
    wired: Wiring = request.app.state.wiring
    return wired


Wired = Annotated[Wiring, Depends(wiring)]


async def settings(wired: Wired) -> GatewaySettings:
    return wired.settings


async def read_model(wired: Wired) -> ReadModel:
    return wired.read_model


async def api_keys(wired: Wired) -> ApiKeys:
    return wired.api_keys


async def rate_limits(wired: Wired) -> RateLimits:
    return wired.rate_limits


async def audit_log(wired: Wired) -> AuditLog:
    return wired.audit_log


async def search_log(wired: Wired) -> SearchLog:
    return wired.search_log


async def publish(wired: Wired) -> Publish:
    return wired.publish


async def embedding_client(wired: Wired) -> httpx.AsyncClient:
    return wired.embedding_client


async def analysis_client(wired: Wired) -> httpx.AsyncClient:
    return wired.analysis_client


Settings = Annotated[GatewaySettings, Depends(settings)]
ReadModelPort = Annotated[ReadModel, Depends(read_model)]
ApiKeysPort = Annotated[ApiKeys, Depends(api_keys)]
RateLimitsPort = Annotated[RateLimits, Depends(rate_limits)]
AuditLogPort = Annotated[AuditLog, Depends(audit_log)]
SearchLogPort = Annotated[SearchLog, Depends(search_log)]
Publisher = Annotated[Publish, Depends(publish)]
EmbeddingClient = Annotated[httpx.AsyncClient, Depends(embedding_client)]
AnalysisClient = Annotated[httpx.AsyncClient, Depends(analysis_client)]
