"""/v1/compare, skill gaps and career paths: computed by the analysis service over internal HTTP."""

from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, ValidationError

from jdi_gateway.api.dependencies import AnalysisClient
from jdi_gateway.api.errors import ApiError
from jdi_gateway.api.internal import call_internal
from jdi_gateway.auth.api_key_auth import Caller, Scope, require

router = APIRouter(prefix="/v1", tags=["comparisons"])

DocumentId = Annotated[str, Path(min_length=1, max_length=200)]
OtherDocumentId = Annotated[str, Query(min_length=1, max_length=200)]
Reader = Annotated[Caller, require(Scope.DOCUMENTS_READ)]


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


class SkillGap(BaseModel):
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
    document_id: str
    classification: str | None = Field(description="null when the document has no classification")
    steps: list[CareerStep]


Answer = TypeVar("Answer", bound=BaseModel)


@router.get("/compare", summary="Two job descriptions side by side: section similarity, shared and unique skills")
async def compare(
    analysis: AnalysisClient,
    left: OtherDocumentId,
    right: OtherDocumentId,
    _: Reader,
) -> Comparison:
    return await _ask_analysis(analysis, "/internal/v1/compare", {"left": left, "right": right}, Comparison)


@router.get("/documents/{document_id}/skill-gap", summary="Skills the target position asks for that this one does not")
async def skill_gap(
    analysis: AnalysisClient,
    document_id: DocumentId,
    to: OtherDocumentId,
    _: Reader,
) -> SkillGap:
    return await _ask_analysis(analysis, "/internal/v1/skill-gap", {"from": document_id, "to": to}, SkillGap)


@router.get("/documents/{document_id}/career-paths", summary="Positions one and two levels up, with their skill gaps")
async def career_paths(
    analysis: AnalysisClient,
    document_id: DocumentId,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> CareerPaths:
    path = f"/internal/v1/career-paths/{quote(document_id, safe='')}"
    return await _ask_analysis(analysis, path, {"limit": limit}, CareerPaths)


async def _ask_analysis(analysis: httpx.AsyncClient, path: str, params: dict[str, Any], answer: type[Answer]) -> Answer:
    response = await call_internal(analysis, "analysis", "GET", path, params=params)
    try:
        return answer.model_validate_json(response.content)
    except ValidationError:
        raise ApiError(502, "analysis_failed", "The analysis service answered in an unexpected shape.") from None
