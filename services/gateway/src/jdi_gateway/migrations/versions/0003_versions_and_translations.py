"""Every parsed version of a document kept, and the translation link looked up from either side.

Revision ID: gateway_0003
Revises: gateway_0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "gateway_0003"
down_revision = "gateway_0002"
branch_labels = None
depends_on = None


def _schema() -> str:
    """The deployment's name of the schema (see gateway_0002)."""
    return str(op.get_bind().get_execution_options()["schema_translate_map"]["gateway"])


def upgrade() -> None:
    op.create_table(
        "document_versions",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parsed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "version"),
        schema="gateway",
    )
    # The versions known so far: each document's latest record (earlier ones were never kept). Plain SQL names
    # the schema itself: lightweight tables do not go through the connection's schema_translate_map.
    schema = _schema()
    op.execute(
        f'INSERT INTO "{schema}".document_versions (document_id, version, parsed_at, record) '  # noqa: S608 - the schema name comes from settings
        f'SELECT document_id, version, parsed_at, record FROM "{schema}".documents '
        "WHERE record IS NOT NULL AND version IS NOT NULL AND parsed_at IS NOT NULL"
    )
    op.create_index("documents_translation_of", "documents", ["translation_of"], unique=False, schema="gateway")


def downgrade() -> None:
    op.drop_index("documents_translation_of", table_name="documents", schema="gateway")
    op.drop_table("document_versions", schema="gateway")
