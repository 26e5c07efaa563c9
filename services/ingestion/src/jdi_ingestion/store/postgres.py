"""DocumentStore on PostgreSQL (SQLAlchemy Core, parameterised statements only)."""

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from jdi_contracts.events import Parsed
from jdi_ingestion.store.port import StoredVersion, job_key
from jdi_ingestion.store.tables import documents, sections, versions


class PostgresDocumentStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def find_by_content(self, sha256: str) -> StoredVersion | None:
        query = select(versions.c.document_id, versions.c.version, versions.c.published, versions.c.record)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query.where(versions.c.sha256 == sha256))).first()
        if row is None:
            return None
        return StoredVersion(row.document_id, row.version, row.published, Parsed.model_validate(row.record))

    async def find_by_job(self, job_number: str, language: str) -> str | None:
        query = (
            select(documents.c.document_id)
            .where(documents.c.job_number == job_number, documents.c.language == language)
            .order_by(documents.c.created_at)
            .limit(1)
        )
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).scalar()

    async def document_exists(self, document_id: str) -> bool:
        query = select(documents.c.document_id).where(documents.c.document_id == document_id)
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).first() is not None

    async def add_version(self, record: Parsed, original: bytes, source_system: str) -> int:
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(documents)
                .values(
                    document_id=record.document_id,
                    source_system=source_system,
                    job_number=job_key(record),
                    language=record.language,
                    current_version=0,
                )
                .on_conflict_do_nothing()
            )
            # The row lock serialises version numbering for one document.
            current: int = (
                await connection.execute(
                    select(documents.c.current_version)
                    .where(documents.c.document_id == record.document_id)
                    .with_for_update()
                )
            ).scalar_one()
            version = current + 1
            numbered = record.model_copy(update={"version": version})
            await connection.execute(
                versions.insert().values(
                    document_id=record.document_id,
                    version=version,
                    submission_id=record.submission_id,
                    sha256=record.sha256,
                    original=original,
                    record=numbered.model_dump(mode="json"),
                )
            )
            if record.sections:
                await connection.execute(
                    sections.insert(),
                    [
                        {
                            "document_id": record.document_id,
                            "version": version,
                            "position": position,
                            "key": section.key,
                            "heading": section.heading,
                            "text": section.text,
                        }
                        for position, section in enumerate(record.sections)
                    ],
                )
            await connection.execute(
                update(documents)
                .where(documents.c.document_id == record.document_id)
                .values(
                    current_version=version,
                    job_number=job_key(record),
                    language=record.language,
                    updated_at=func.now(),
                )
            )
        return version

    async def mark_published(self, document_id: str, version: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(versions)
                .where(versions.c.document_id == document_id, versions.c.version == version)
                .values(published=True)
            )

    async def delete_document(self, document_id: str) -> list[int]:
        async with self._engine.begin() as connection:
            removed = (
                await connection.execute(
                    select(versions.c.version).where(versions.c.document_id == document_id).order_by(versions.c.version)
                )
            ).scalars()
            numbers = list(removed)
            await connection.execute(delete(documents).where(documents.c.document_id == document_id))
        return numbers
