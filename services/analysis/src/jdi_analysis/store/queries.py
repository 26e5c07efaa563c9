"""Read queries behind the comparison API; each answer takes a fixed number of queries (no N+1)."""

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jdi_analysis.store.tables import analyses, document_skills
from jdi_analyzer.comparison import ComparableDocument, SkillRef

_DOCUMENT_COLUMNS = (
    analyses.c.document_id,
    analyses.c.title,
    analyses.c.language,
    analyses.c.classification_group,
    analyses.c.classification_level,
)


class PostgresAnalysisQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def documents(self, document_ids: Collection[str]) -> dict[str, ComparableDocument]:
        """The analysed documents among ``document_ids`` with sections and skills, by id."""
        query = select(*_DOCUMENT_COLUMNS, analyses.c.sections).where(analyses.c.document_id.in_(list(document_ids)))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            documents = await _with_skills(connection, rows)
        return {document.document_id: document for document in documents}

    async def career_candidates(self, group: str, levels: Collection[str]) -> list[ComparableDocument]:
        """Documents of ``group`` at one of ``levels`` (an `analyses_classification` index scan), with
        their skills but without section texts: career paths compare skills only."""
        query = (
            select(*_DOCUMENT_COLUMNS)
            .where(
                analyses.c.classification_group == group,
                analyses.c.classification_level.in_(list(levels)),
            )
            .order_by(analyses.c.document_id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            return await _with_skills(connection, rows)


async def _with_skills(connection: AsyncConnection, rows: Sequence[Row[Any]]) -> list[ComparableDocument]:
    """Attach every row's skills, read in one query for all rows."""
    if not rows:
        return []
    query = (
        select(document_skills)
        .where(document_skills.c.document_id.in_([row.document_id for row in rows]))
        .order_by(document_skills.c.document_id, document_skills.c.uri)
    )
    skills: dict[str, list[SkillRef]] = {}
    for skill in (await connection.execute(query)).mappings():
        skills.setdefault(skill["document_id"], []).append(SkillRef.model_validate(dict(skill)))
    return [
        ComparableDocument(
            document_id=row.document_id,
            title=row.title,
            language=row.language,
            classification_group=row.classification_group,
            classification_level=row.classification_level,
            sections=[
                (section["key"], section["heading"], section["text"]) for section in row._mapping.get("sections", [])
            ],
            skills=skills.get(row.document_id, []),
        )
        for row in rows
    ]
