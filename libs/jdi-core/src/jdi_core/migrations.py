"""Alembic migrations per service schema, applied at start-up (idempotent: `upgrade head`)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

ALEMBIC_DIR = Path(__file__).parent / "alembic"


def alembic_config(versions_dir: Path, schema: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(versions_dir))
    config.attributes["schema"] = schema
    config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine, service_schema: str, versions_dir: Path) -> None:
    """Create the service's schema if missing and upgrade it to the newest revision."""
    real_schema = engine.get_execution_options()["schema_translate_map"][service_schema]
    async with engine.begin() as connection:
        # Several processes of one service (workers, replicas) start together: one migrates, the others wait.
        await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:schema))"), {"schema": real_schema})
        # Schema names come from settings, never from requests; quoted as an identifier anyway.
        await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{real_schema}"'))
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(versions_dir, real_schema, sync), "head"))
