"""Alembic environment shared by every service; `jdi_core.migrations.migrate` drives it.

Migration scripts name their service's schema (e.g. `schema="ingestion"`); the connection's
`schema_translate_map` turns that into the deployment's real schema, where the version table lives too.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table_schema=context.config.attributes["schema"])
with context.begin_transaction():
    context.run_migrations()
