"""/v1/stats: corpus statistics from the read model in one aggregate query."""

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select

from jdi_gateway.auth.keys import Caller, Scope, require
from jdi_gateway.tables import documents

router = APIRouter(prefix="/v1", tags=["statistics"])

live = documents.c.deleted_at.is_(None)


@router.get("/stats", summary="Counts by stage, language and classification; mean quality")
async def stats(request: Request, _: Caller = require(Scope.DOCUMENTS_READ)) -> dict[str, Any]:
    totals = select(
        func.count().filter(live).label("documents"),
        func.count().filter(live, documents.c.parsed_at.is_not(None)).label("parsed"),
        func.count().filter(live, documents.c.embedded_version == documents.c.version).label("embedded"),
        func.count().filter(live, documents.c.analyzed_version == documents.c.version).label("analyzed"),
        func.count()
        .filter(live, documents.c.rejected_at.is_not(None), documents.c.parsed_at.is_(None))
        .label("rejected"),
        func.count().filter(documents.c.deleted_at.is_not(None)).label("deleted"),
        func.avg(documents.c.quality_score).filter(live).label("mean_quality"),
    )
    async with request.app.state.engine.connect() as connection:
        row = (await connection.execute(totals)).one()
        by_language = await _counts(connection, documents.c.language)
        by_classification = await _counts(connection, documents.c.classification)
    return {
        **{key: value for key, value in row._mapping.items() if key != "mean_quality"},
        "mean_quality": round(row.mean_quality, 1) if row.mean_quality is not None else None,
        "by_language": by_language,
        "by_classification": by_classification,
    }


async def _counts(connection: Any, column: Any) -> dict[str, int]:
    query = select(column, func.count()).where(live, column.is_not(None)).group_by(column).order_by(column)
    return {value: count for value, count in (await connection.execute(query)).all()}
