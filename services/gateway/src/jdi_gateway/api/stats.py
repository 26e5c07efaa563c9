"""/v1/stats: corpus statistics from the read model."""

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from jdi_gateway.api.dependencies import ReadModelPort
from jdi_gateway.auth.api_key_auth import Caller, Scope, require

router = APIRouter(prefix="/v1", tags=["statistics"])


@router.get("/stats", summary="Counts by stage, language and classification; mean quality")
async def stats(read_model: ReadModelPort, _: Caller = require(Scope.DOCUMENTS_READ)) -> dict[str, Any]:
    totals = await read_model.stats()
    mean = totals.mean_quality
    return asdict(totals) | {"mean_quality": round(mean, 1) if mean is not None else None}
