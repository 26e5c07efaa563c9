"""Ingestion's PostgreSQL store: version numbering, identity look-ups, atomic deletes."""

import hashlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from jdi_contracts.events import Parsed, Section
from jdi_core.db import make_engine
from jdi_core.migrations import migrate
from jdi_core.settings import DatabaseSettings
from jdi_ingestion.app import MIGRATIONS
from jdi_ingestion.store import PostgresDocumentStore
from jdi_ingestion.store.tables import SCHEMA, sections, versions

pytestmark = pytest.mark.integration


def record(document_id: str, content: str, *, language: str = "en", position: str | None = "555001") -> Parsed:
    return Parsed(
        document_id=document_id,
        submission_id=f"submission-{content}",
        version=1,
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        source_reference=f"ref/{document_id}",
        file_name="jd.txt",
        media_type="text/plain",
        language=language,  # type: ignore[arg-type]
        job_number=None,
        position_number=position,
        classification=None,
        title="Director",
        department=None,
        sections=[Section(key="general_accountability", heading="GENERAL ACCOUNTABILITY", text=content)],
        redactions=0,
    )


@pytest.fixture
async def store(database_settings: DatabaseSettings) -> AsyncIterator[PostgresDocumentStore]:
    engine = make_engine(database_settings, SCHEMA)
    await migrate(engine, SCHEMA, MIGRATIONS)
    yield PostgresDocumentStore(engine)
    await engine.dispose()


async def test_versions_are_numbered_per_document_and_found_by_content(store: PostgresDocumentStore) -> None:
    assert await store.add_version(record("doc-a", "first"), b"first", "test") == 1
    assert await store.add_version(record("doc-a", "second"), b"second", "test") == 2
    assert await store.add_version(record("doc-b", "other", position="555002"), b"other", "test") == 1

    found = await store.find_by_content(hashlib.sha256(b"second").hexdigest())
    assert found is not None
    assert (found.document_id, found.version, found.published, found.record.version) == ("doc-a", 2, False, 2)
    await store.mark_published("doc-a", 2)
    assert (await store.find_by_content(hashlib.sha256(b"second").hexdigest())).published  # type: ignore[union-attr]
    assert await store.find_by_content(hashlib.sha256(b"never stored").hexdigest()) is None


async def test_the_position_number_and_language_identify_a_job(store: PostgresDocumentStore) -> None:
    await store.add_version(record("doc-en", "english"), b"english", "test")
    await store.add_version(record("doc-fr", "french", language="fr"), b"french", "test")

    assert await store.find_by_job("555001", "en") == "doc-en"
    assert await store.find_by_job("555001", "fr") == "doc-fr"
    assert await store.find_by_job("999999", "en") is None
    assert await store.document_exists("doc-en") and not await store.document_exists("doc-zz")


async def test_a_delete_removes_every_version_and_section(
    store: PostgresDocumentStore, database_settings: DatabaseSettings
) -> None:
    await store.add_version(record("doc-a", "one"), b"one", "test")
    await store.add_version(record("doc-a", "two"), b"two", "test")

    assert await store.delete_document("doc-a") == [1, 2]
    assert await store.delete_document("doc-a") == []
    assert not await store.document_exists("doc-a")
    engine = make_engine(database_settings, SCHEMA)
    async with engine.connect() as connection:
        left = [
            (await connection.execute(select(func.count()).select_from(table))).scalar()
            for table in (versions, sections)
        ]
    await engine.dispose()
    assert left == [0, 0]
