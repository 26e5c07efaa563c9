"""/v1/search and similar jobs: served by the embedding service over internal HTTP, logged here."""

import time
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query

from jdi_gateway.api.dependencies import EmbeddingClient, SearchLogPort
from jdi_gateway.api.internal import call_internal
from jdi_gateway.auth.api_key_auth import Caller, Scope, require

router = APIRouter(prefix="/v1", tags=["search"])


@router.get("/search", summary="Hybrid (semantic + keyword) search, grouped per document")
async def search(
    embedding: EmbeddingClient,
    search_log: SearchLogPort,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    classification: str | None = None,
    level: str | None = None,
    language: str | None = None,
    department: str | None = None,
    section: str | None = None,
    page: Annotated[int, Query(ge=1, le=100)] = 1,
    page_size: Annotated[int, Query(ge=1, le=50)] = 10,
    caller: Caller = require(Scope.SEARCH),
) -> dict[str, Any]:
    # The embedding service filters on lists of accepted values per field.
    filters = {
        name: [value]
        for name, value in {
            "classification": classification,
            "level": level,
            "language": language,
            "department": department,
            "section": section,
        }.items()
        if value is not None
    }
    started = time.perf_counter()
    result = await _internal(
        embedding,
        "POST",
        "/internal/v1/search",
        json={"query": q, "filters": filters, "page": page, "page_size": page_size},
    )
    latency_ms = (time.perf_counter() - started) * 1000
    await search_log.record(caller.key_id, q, filters, len(result.get("results", [])), latency_ms)
    return result


@router.get("/documents/{document_id}/similar", summary="Jobs most similar to this one")
async def similar(
    embedding: EmbeddingClient,
    document_id: str,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    _: Caller = require(Scope.SEARCH),
) -> dict[str, Any]:
    return await _internal(embedding, "GET", f"/internal/v1/similar/{document_id}", params={"limit": limit})


async def _internal(embedding: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    response = await call_internal(embedding, "search", method, path, **kwargs)
    return response.json()  # type: ignore[no-any-return]
