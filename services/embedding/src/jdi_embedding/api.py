"""Internal HTTP API for the gateway: hybrid search and similar jobs."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from jdi_embedding.search import HybridSearch, Pagination, SearchError, SearchPage, SearchQuery

router = APIRouter(prefix="/internal/v1", tags=["internal"])


def _search(request: Request) -> HybridSearch:
    return request.app.state.search  # type: ignore[no-any-return]


@router.post("/search", response_model=SearchPage)
async def search(request: Request, query: SearchQuery) -> SearchPage:
    try:
        return await _search(request).search(query)
    except SearchError as error:
        raise HTTPException(409, error.message) from None


@router.get("/similar/{document_id}", response_model=SearchPage)
async def similar(
    request: Request,
    document_id: str,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    page: Annotated[int, Query(ge=1, le=100)] = 1,
) -> SearchPage:
    try:
        return await _search(request).similar(document_id, Pagination(page=page, page_size=limit))
    except SearchError as error:
        status = 404 if error.code == "document_not_found" else 409
        raise HTTPException(status, error.message) from None
