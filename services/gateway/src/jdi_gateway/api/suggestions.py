"""/v1/suggestions: what a search box offers as a person types."""

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from jdi_gateway.api.dependencies import ReadModelPort, SearchLogPort
from jdi_gateway.api.models import NO_NUL, json_of
from jdi_gateway.api.openapi import responses
from jdi_gateway.auth.api_key_auth import Caller, Scope, require
from jdi_gateway.store.port import Counted

router = APIRouter(prefix="/v1", tags=["search"])

# Popular queries are other people's words: offered only once several keys asked them, so a query one person
# typed (a name, say) is never shown to another; and only recent ones.
POPULAR_MIN_KEYS = 2
POPULAR_FOR = timedelta(days=30)


class Suggestion(BaseModel):
    text: str
    count: int = Field(description="documents with it, or searches of it")


class Suggestions(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prefix": "dir",
                    "titles": [{"text": "Director, Business Analysis", "count": 3}],
                    "departments": [{"text": "Public Works and Government Services Canada", "count": 1}],
                    "queries": [{"text": "director policy", "count": 12}],
                }
            ]
        }
    )

    prefix: str
    titles: list[Suggestion] = Field(description="titles with a word starting with the prefix")
    departments: list[Suggestion]
    queries: list[Suggestion] = Field(
        description=f"searches starting with it that found something, by at least {POPULAR_MIN_KEYS} API keys in "
        f"the last {POPULAR_FOR.days} days, most asked first"
    )


@router.get("/suggestions", response_model=Suggestions, summary="Completions for a search box", responses=responses())
async def suggestions(
    read_model: ReadModelPort,
    search_log: SearchLogPort,
    prefix: Annotated[str, Query(min_length=1, max_length=100, pattern=NO_NUL, examples=["dir"])],
    limit: Annotated[int, Query(ge=1, le=20, description="per kind")] = 5,
    _: Caller = require(Scope.SEARCH),
) -> Response:
    since = datetime.now(UTC) - POPULAR_FOR
    titles = await read_model.completions("title", prefix, limit)
    departments = await read_model.completions("department", prefix, limit)
    queries = await search_log.popular(prefix, since, POPULAR_MIN_KEYS, limit)
    return json_of(
        Suggestions(prefix=prefix, titles=_shown(titles), departments=_shown(departments), queries=_shown(queries))
    )


def _shown(counted: list[Counted]) -> list[Suggestion]:
    return [Suggestion(**asdict(c)) for c in counted]
