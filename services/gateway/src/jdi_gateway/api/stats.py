"""/v1/stats: corpus statistics from the read model."""

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from jdi_gateway.api.dependencies import ReadModelPort
from jdi_gateway.api.openapi import responses
from jdi_gateway.auth.api_key_auth import Caller, Scope, require

router = APIRouter(prefix="/v1", tags=["statistics"])


class Stats(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "documents": 120,
                    "parsed": 117,
                    "embedded": 116,
                    "analyzed": 116,
                    "rejected": 3,
                    "deleted": 2,
                    "mean_quality": 68.4,
                    "by_language": {"en": 64, "fr": 53},
                    "by_classification": {"EX-01": 40, "EX-02": 22},
                }
            ]
        }
    )

    documents: int = Field(description="live documents (not deleted)")
    parsed: int
    embedded: int = Field(description="embedded at their current version")
    analyzed: int = Field(description="analysed at their current version")
    rejected: int
    deleted: int
    mean_quality: float | None = Field(description="mean quality score of the analysed documents, 0-100")
    by_language: dict[str, int]
    by_classification: dict[str, int]


@router.get("/stats", summary="Counts by stage, language and classification; mean quality", responses=responses())
async def stats(read_model: ReadModelPort, _: Caller = require(Scope.DOCUMENTS_READ)) -> Stats:
    totals = await read_model.stats()
    mean = totals.mean_quality
    return Stats(**asdict(totals) | {"mean_quality": round(mean, 1) if mean is not None else None})
