"""Internal HTTP API for the gateway: comparisons computed from the analysed documents."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from jdi_analysis.store.port import AnalysisReader
from jdi_analyzer.comparison import (
    CareerStep,
    ComparableDocument,
    DocumentComparison,
    SkillGapItem,
    career_paths,
    compare_documents,
    skill_gap,
)
from jdi_analyzer.skills.matcher import Embedder

MAX_LEVELS_UP = 2

DocumentId = Annotated[str, Query(min_length=1, max_length=200)]


class SkillGap(BaseModel):
    from_id: str
    to_id: str
    missing: list[SkillGapItem]


class CareerPaths(BaseModel):
    document_id: str
    classification: str | None  # None: unclassified documents have no career path
    steps: list[CareerStep]


router = APIRouter(prefix="/internal/v1", tags=["internal"])


@router.get("/compare", response_model=DocumentComparison)
async def compare(request: Request, left: DocumentId, right: DocumentId) -> DocumentComparison:
    found = await _load(request, [left, right])
    embedder: Embedder | None = request.app.state.embedder
    # Embedding section texts is CPU-bound; keep the event loop free.
    return await asyncio.to_thread(compare_documents, found[left], found[right], embedder)


@router.get("/skill-gap", response_model=SkillGap)
async def gap(
    request: Request,
    from_id: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
    to_id: Annotated[str, Query(alias="to", min_length=1, max_length=200)],
) -> SkillGap:
    found = await _load(request, [from_id, to_id])
    return SkillGap(from_id=from_id, to_id=to_id, missing=skill_gap(found[from_id].skills, found[to_id].skills))


@router.get("/career-paths/{document_id}", response_model=CareerPaths)
async def paths(
    request: Request,
    document_id: str,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> CareerPaths:
    current = (await _load(request, [document_id]))[document_id]
    group, level = current.classification_group, current.classification_level
    if group is None or level is None or not level.isdigit():
        return CareerPaths(document_id=document_id, classification=None, steps=[])
    candidates = await _reader(request).career_candidates(group, levels_above(level, MAX_LEVELS_UP))
    steps = career_paths(current, candidates, MAX_LEVELS_UP)
    return CareerPaths(document_id=document_id, classification=f"{group}-{level}", steps=steps[:limit])


def levels_above(level: str, max_levels_up: int) -> list[str]:
    """The levels 1..max_levels_up above ``level``, as written on forms ("02") and bare ("2")."""
    above = [int(level) + step for step in range(1, max_levels_up + 1)]
    return sorted({f"{number:02d}" for number in above} | {str(number) for number in above})


async def _load(request: Request, document_ids: list[str]) -> dict[str, ComparableDocument]:
    found = await _reader(request).documents(set(document_ids))
    missing = [document_id for document_id in dict.fromkeys(document_ids) if document_id not in found]
    if missing:
        raise HTTPException(404, f"No analysed document with id {', '.join(map(repr, missing))}.")
    return found


def _reader(request: Request) -> AnalysisReader:
    return request.app.state.analysis_reader  # type: ignore[no-any-return]
