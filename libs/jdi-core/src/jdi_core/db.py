"""Async SQLAlchemy engine per service schema.

Tables are declared in the schema named after their service (`ingestion`, `analysis`, `gateway`);
`schema_translate_map` points that name at the deployment's real schema, so tests can give every
run its own schema on one PostgreSQL.
"""

from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jdi_core.settings import DatabaseSettings


def schema_name(settings: DatabaseSettings, service_schema: str) -> str:
    return f"{settings.schema_prefix}{service_schema}"


def make_engine(settings: DatabaseSettings, service_schema: str) -> AsyncEngine:
    engine = create_async_engine(
        settings.url.get_secret_value(),
        pool_size=settings.pool_size,
        max_overflow=settings.pool_max_overflow,
        # No pre-ping: on asyncpg it is BEGIN, a query and ROLLBACK before every checkout. A connection that died
        # (a database restart) fails its next statement instead, and SQLAlchemy then replaces the whole pool.
        pool_pre_ping=False,
        # Bound values are document text; errors and logs quote the statement but never its values.
        hide_parameters=True,
        execution_options={"schema_translate_map": {service_schema: schema_name(settings, service_schema)}},
    )
    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
    return engine


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
