"""Each service's Alembic migrations build exactly the tables its code declares, idempotently."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, select, text

import jdi_analysis.app
import jdi_gateway.app
import jdi_ingestion.app
from jdi_analysis.store import tables as analysis_tables
from jdi_core.db import make_engine, schema_name
from jdi_core.migrations import alembic_config, migrate
from jdi_core.settings import DatabaseSettings
from jdi_gateway.store import tables as gateway_tables
from jdi_ingestion.store import tables as ingestion_tables

pytestmark = pytest.mark.integration

SERVICES = [
    pytest.param(ingestion_tables.metadata, "ingestion", jdi_ingestion.app.MIGRATIONS, id="ingestion"),
    pytest.param(analysis_tables.metadata, "analysis", jdi_analysis.app.MIGRATIONS, id="analysis"),
    pytest.param(gateway_tables.metadata, "gateway", jdi_gateway.app.MIGRATIONS, id="gateway"),
]


def in_schema(metadata: MetaData, schema: str) -> MetaData:
    """The declared tables as they must exist in the deployment's schema."""
    translated = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(translated, schema=schema, referred_schema_fn=lambda *_: schema)
    return translated


@pytest.mark.parametrize(("metadata", "service_schema", "versions"), SERVICES)
async def test_migrations_match_the_declared_tables(
    database_settings: DatabaseSettings, metadata: MetaData, service_schema: str, versions: Path
) -> None:
    engine = make_engine(database_settings, service_schema)
    real_schema = schema_name(database_settings, service_schema)
    try:
        await migrate(engine, service_schema, versions)
        await migrate(engine, service_schema, versions)  # start-up runs it every time

        def differences(connection):  # type: ignore[no-untyped-def]
            def ours(name: str | None, kind: str, _: object) -> bool:
                if kind == "schema":
                    return name == real_schema
                return not (kind == "table" and name == "alembic_version")

            context = MigrationContext.configure(connection, opts={"include_schemas": True, "include_name": ours})
            return compare_metadata(context, in_schema(metadata, real_schema))

        async with engine.connect() as connection:
            diff = await connection.run_sync(differences)
            head = (
                # The schema comes from the migration under test: identifiers cannot be bound parameters.
                (await connection.execute(text(f'SELECT version_num FROM "{real_schema}".alembic_version')))  # noqa: S608
                .scalars()
                .all()
            )
        assert diff == []
        assert head == [ScriptDirectory.from_config(alembic_config(versions, real_schema)).get_current_head()]
    finally:
        await engine.dispose()


async def test_upgrading_the_gateway_keeps_each_documents_latest_record_as_a_version(
    database_settings: DatabaseSettings,
) -> None:
    engine = make_engine(database_settings, "gateway")
    real_schema = schema_name(database_settings, "gateway")
    versions = jdi_gateway.app.MIGRATIONS
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{real_schema}"'))
            await connection.run_sync(
                lambda sync: command.upgrade(alembic_config(versions, real_schema, sync), "gateway_0002")
            )
            await connection.execute(
                gateway_tables.documents.insert(),
                [
                    {"document_id": "kept", "version": 2, "parsed_at": datetime.now(UTC), "record": {"title": "T"}},
                    {"document_id": "unparsed", "version": None, "parsed_at": None, "record": None},
                ],
            )
        await migrate(engine, "gateway", versions)
        async with engine.connect() as connection:
            rows = (await connection.execute(select(gateway_tables.document_versions))).all()
        assert [(row.document_id, row.version, row.record) for row in rows] == [("kept", 2, {"title": "T"})]
    finally:
        await engine.dispose()
