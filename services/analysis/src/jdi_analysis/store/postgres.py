"""The analysis store and reader on PostgreSQL (SQLAlchemy Core, parameterised statements only).

A replay of an older version never overwrites a newer one; each read for the comparison API takes a
fixed number of queries (no N+1).
"""

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jdi_analysis.store.tables import analyses, document_skills
from jdi_analyzer.comparison import ComparableDocument, SkillRef
from jdi_contracts.events import Analyzed, Parsed, Skill


class PostgresAnalysisStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def stored_version(self, document_id: str) -> int | None:
        query = select(analyses.c.version).where(analyses.c.document_id == document_id)
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).scalar()

    async def save(self, parsed: Parsed, analyzed: Analyzed) -> None:
        classification = parsed.classification
        row = {
            "document_id": parsed.document_id,
            "version": parsed.version,
            "language": parsed.language,
            "title": parsed.title,
            "job_number": parsed.job_number or parsed.position_number,
            "classification_group": classification.group if classification else None,
            "classification_level": classification.level if classification else None,
            "quality_score": analyzed.quality.score,
            "result": analyzed.model_dump(mode="json"),
            "sections": [section.model_dump(mode="json") for section in parsed.sections],
        }
        async with self._engine.begin() as connection:
            upsert = insert(analyses).values(row)
            written = await connection.execute(
                upsert.on_conflict_do_update(
                    index_elements=[analyses.c.document_id],
                    set_={name: upsert.excluded[name] for name in row if name != "document_id"},
                    where=analyses.c.version <= upsert.excluded.version,
                ).returning(analyses.c.document_id)
            )
            if written.first() is None:
                return  # a newer version is stored: its skills stay too
            await connection.execute(delete(document_skills).where(document_skills.c.document_id == parsed.document_id))
            skills = best_skill_per_uri(analyzed.skills)
            if skills:
                await connection.execute(
                    document_skills.insert(),
                    [
                        {
                            "document_id": parsed.document_id,
                            "uri": skill.uri,
                            "label": skill.label,
                            "confidence": skill.confidence,
                            "section": skill.section,
                        }
                        for skill in skills
                    ],
                )

    async def delete(self, document_id: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(analyses).where(analyses.c.document_id == document_id))


def best_skill_per_uri(skills: list[Skill]) -> list[Skill]:
    """One skill per ESCO concept: the most confident of its matches."""
    best: dict[str, Skill] = {}
    for skill in skills:
        if skill.uri not in best or skill.confidence > best[skill.uri].confidence:
            best[skill.uri] = skill
    return list(best.values())


_DOCUMENT_COLUMNS = (
    analyses.c.document_id,
    analyses.c.title,
    analyses.c.language,
    analyses.c.classification_group,
    analyses.c.classification_level,
)


class PostgresAnalysisReader:
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
