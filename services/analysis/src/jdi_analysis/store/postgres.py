"""Analysis results on PostgreSQL; a replay of an older version never overwrites a newer one."""

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from jdi_analysis.store.tables import analyses, document_skills
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
