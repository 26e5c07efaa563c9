"""/v1/search and similar jobs: served by the embedding service over internal HTTP, logged here."""

import time
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from jdi_gateway.api.dependencies import EmbeddingClient, SearchLogPort
from jdi_gateway.api.internal import call_internal
from jdi_gateway.api.models import DOCUMENT_ID, NO_NUL, DocumentId
from jdi_gateway.api.openapi import responses
from jdi_gateway.auth.api_key_auth import Caller, Scope, require

router = APIRouter(prefix="/v1", tags=["search"])

Filter = Annotated[str | None, Query(max_length=300, pattern=NO_NUL)]


class Highlight(BaseModel):
    section_key: str
    heading: str
    text: str
    chunk_index: int
    score: float


class DocumentResult(BaseModel):
    document_id: str
    version: int
    title: str | None
    classification: str | None
    level: str | None
    language: str | None
    department: str | None
    job_number: str | None
    score: float = Field(description="score of the document's best chunk")
    highlights: list[Highlight] = Field(description="the document's best chunks, best first")


class SearchPage(BaseModel):
    """One page of results, one per document, best first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_id": "sentence-transformers/all-MiniLM-L6-v2",
                    "collection": "jdi_chunks_all_minilm_l6_v2",
                    "page": 1,
                    "page_size": 10,
                    "results": [
                        {
                            "document_id": DOCUMENT_ID,
                            "version": 1,
                            "title": "Director, Business Analysis",
                            "classification": "EX-01",
                            "level": "01",
                            "language": "en",
                            "department": "Public Works and Government Services Canada",
                            "job_number": "103249",
                            "score": 0.0325,
                            "highlights": [
                                {
                                    "section_key": "general_accountability",
                                    "heading": "GENERAL ACCOUNTABILITY",
                                    "text": "The Director is accountable for the policy ...",
                                    "chunk_index": 0,
                                    "score": 0.0325,
                                }
                            ],
                        }
                    ],
                    "has_more": False,
                }
            ]
        }
    )

    model_id: str = Field(description="the embedding model that built the collection searched")
    collection: str
    page: int
    page_size: int
    results: list[DocumentResult]
    has_more: bool


# The embedding service's failure and absence are 502 and 503.
EMBEDDING_ANSWERS = (502, 503)


@router.get(
    "/search",
    summary="Hybrid (semantic + keyword) search, grouped per document",
    responses=responses(*EMBEDDING_ANSWERS),
)
async def search(
    embedding: EmbeddingClient,
    search_log: SearchLogPort,
    q: Annotated[str, Query(min_length=1, max_length=500, pattern=NO_NUL, examples=["policy director"])],
    classification: Filter = None,
    level: Filter = None,
    language: Filter = None,
    department: Filter = None,
    section: Filter = None,
    page: Annotated[int, Query(ge=1, le=100)] = 1,
    page_size: Annotated[int, Query(ge=1, le=50)] = 10,
    caller: Caller = require(Scope.SEARCH),
) -> SearchPage:
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
    body = {"query": q, "filters": filters, "page": page, "page_size": page_size}
    result = await call_internal(embedding, "search", "POST", "/internal/v1/search", SearchPage, json=body)
    latency_ms = (time.perf_counter() - started) * 1000
    await search_log.record(caller.key_id, q, filters, len(result.results), latency_ms)
    return result


@router.get(
    "/documents/{document_id}/similar",
    summary="Jobs most similar to this one",
    responses=responses(404, *EMBEDDING_ANSWERS),
)
async def similar(
    embedding: EmbeddingClient,
    document_id: DocumentId,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    _: Caller = require(Scope.SEARCH),
) -> SearchPage:
    path = f"/internal/v1/similar/{quote(document_id, safe='')}"
    return await call_internal(embedding, "search", "GET", path, SearchPage, params={"limit": limit})
