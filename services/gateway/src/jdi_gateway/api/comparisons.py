"""/v1/compare, skill gaps and career paths: computed by the analysis service over internal HTTP."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from jdi_gateway.api.dependencies import AnalysisClient
from jdi_gateway.api.internal import call_internal
from jdi_gateway.api.models import DOCUMENT_ID, DocumentId, OtherDocumentId
from jdi_gateway.api.openapi import responses
from jdi_gateway.auth.api_key_auth import Caller, Scope, require

router = APIRouter(prefix="/v1", tags=["comparisons"])

Reader = Annotated[Caller, require(Scope.DOCUMENTS_READ)]
# What the analysis service answers: its 404 as ours, its failure and absence as 502 and 503.
ANALYSIS_ANSWERS = (404, 502, 503)
OTHER_ID = "8a2d4c6e-1f3b-5d7a-9c0e-2b4d6f8a0c1e"
ESCO = "http://data.europa.eu/esco/skill/"


class Skill(BaseModel):
    uri: str
    label: str
    confidence: float
    section: str


class SectionSimilarity(BaseModel):
    key: str
    in_left: bool
    in_right: bool
    similarity: float | None = Field(description="null when the section is on one side only")


class Comparison(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "left_id": DOCUMENT_ID,
                    "right_id": OTHER_ID,
                    "method": "embedding-cosine",
                    "overall_similarity": 0.82,
                    "sections": [
                        {"key": "general_accountability", "in_left": True, "in_right": True, "similarity": 0.88},
                        {"key": "dimensions", "in_left": True, "in_right": False, "similarity": None},
                    ],
                    "shared_skills": [
                        {
                            "uri": ESCO + "manage-budgets",
                            "label": "manage budgets",
                            "confidence": 0.93,
                            "section": "specific_accountabilities",
                        }
                    ],
                    "left_only_skills": [],
                    "right_only_skills": [
                        {
                            "uri": ESCO + "negotiate-agreements",
                            "label": "negotiate agreements",
                            "confidence": 0.81,
                            "section": "specific_accountabilities",
                        }
                    ],
                    "skill_overlap": 0.5,
                }
            ]
        }
    )

    left_id: str
    right_id: str
    method: str = Field(description="embedding-cosine, or term-cosine when embeddings are off")
    overall_similarity: float
    sections: list[SectionSimilarity]
    shared_skills: list[Skill]
    left_only_skills: list[Skill]
    right_only_skills: list[Skill]
    skill_overlap: float = Field(description="shared skills / all skills of the two")


class MissingSkill(BaseModel):
    uri: str
    label: str
    section: str
    importance: float = Field(description="match confidence weighted by the section asking for the skill")


MISSING_EXAMPLE: JsonDict = {
    "uri": ESCO + "negotiate-agreements",
    "label": "negotiate agreements",
    "section": "specific_accountabilities",
    "importance": 0.81,
}


class SkillGap(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"from_id": DOCUMENT_ID, "to_id": OTHER_ID, "missing": [MISSING_EXAMPLE]}]}
    )

    from_id: str
    to_id: str
    missing: list[MissingSkill]


class CareerStep(BaseModel):
    document_id: str
    title: str | None
    classification: str
    levels_up: int
    similarity: float = Field(description="shared skills / all skills of the two positions")
    gap: list[MissingSkill]


class CareerPaths(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "document_id": DOCUMENT_ID,
                    "classification": "EX-01",
                    "steps": [
                        {
                            "document_id": OTHER_ID,
                            "title": "Executive Director, Business Solutions",
                            "classification": "EX-02",
                            "levels_up": 1,
                            "similarity": 0.67,
                            "gap": [MISSING_EXAMPLE],
                        }
                    ],
                }
            ]
        }
    )

    document_id: str
    classification: str | None = Field(description="null when the document has no classification")
    steps: list[CareerStep]


@router.get(
    "/compare",
    summary="Two job descriptions side by side: section similarity, shared and unique skills",
    responses=responses(*ANALYSIS_ANSWERS),
)
async def compare(
    analysis: AnalysisClient,
    left: OtherDocumentId,
    right: OtherDocumentId,
    _: Reader,
) -> Comparison:
    params = {"left": left, "right": right}
    return await call_internal(analysis, "analysis", "GET", "/internal/v1/compare", Comparison, params=params)


@router.get(
    "/documents/{document_id}/skill-gap",
    summary="Skills the target position asks for that this one does not",
    responses=responses(*ANALYSIS_ANSWERS),
)
async def skill_gap(
    analysis: AnalysisClient,
    document_id: DocumentId,
    to: OtherDocumentId,
    _: Reader,
) -> SkillGap:
    params = {"from": document_id, "to": to}
    return await call_internal(analysis, "analysis", "GET", "/internal/v1/skill-gap", SkillGap, params=params)


@router.get(
    "/documents/{document_id}/career-paths",
    summary="Positions one and two levels up, with their skill gaps",
    responses=responses(*ANALYSIS_ANSWERS),
)
async def career_paths(
    analysis: AnalysisClient,
    document_id: DocumentId,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> CareerPaths:
    path = f"/internal/v1/career-paths/{quote(document_id, safe='')}"
    return await call_internal(analysis, "analysis", "GET", path, CareerPaths, params={"limit": limit})
