"""Typed FastAPI dependencies giving routes the ports `wire` made; unit tests override any of them
with `app.dependency_overrides` or pass fakes to `create_app`."""

from typing import Annotated

import httpx
from fastapi import Depends, Request

from jdi_core.broker import Publish
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.port import ApiKeys, AuditLog, ReadModel, SearchLog
from jdi_gateway.wiring import Wiring


def wiring(request: Request) -> Wiring:
    """The one object create_app keeps on the application."""
    wired: Wiring = request.app.state.wiring
    return wired


Wired = Annotated[Wiring, Depends(wiring)]


def settings(wired: Wired) -> GatewaySettings:
    return wired.settings


def read_model(wired: Wired) -> ReadModel:
    return wired.read_model


def api_keys(wired: Wired) -> ApiKeys:
    return wired.api_keys


def audit_log(wired: Wired) -> AuditLog:
    return wired.audit_log


def search_log(wired: Wired) -> SearchLog:
    return wired.search_log


def publish(wired: Wired) -> Publish:
    return wired.publish


def embedding_client(wired: Wired) -> httpx.AsyncClient:
    return wired.embedding_client


def analysis_client(wired: Wired) -> httpx.AsyncClient:
    return wired.analysis_client


Settings = Annotated[GatewaySettings, Depends(settings)]
ReadModelPort = Annotated[ReadModel, Depends(read_model)]
ApiKeysPort = Annotated[ApiKeys, Depends(api_keys)]
AuditLogPort = Annotated[AuditLog, Depends(audit_log)]
SearchLogPort = Annotated[SearchLog, Depends(search_log)]
Publisher = Annotated[Publish, Depends(publish)]
EmbeddingClient = Annotated[httpx.AsyncClient, Depends(embedding_client)]
AnalysisClient = Annotated[httpx.AsyncClient, Depends(analysis_client)]
