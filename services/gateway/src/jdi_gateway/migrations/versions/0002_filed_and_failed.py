"""Documents filed under another document (aliases) and documents a service failed on.

Revision ID: gateway_0002
Revises: gateway_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "gateway_0002"
down_revision = "gateway_0001"
branch_labels = None
depends_on = None

COLUMNS = {
    "filed_at": sa.DateTime(timezone=True),
    "filing": postgresql.JSONB(astext_type=sa.Text()),
    "canonical_document_id": sa.Text(),
    "failed_at": sa.DateTime(timezone=True),
    "failure": postgresql.JSONB(astext_type=sa.Text()),
}


def _schema() -> str:
    """The deployment's name of the schema: Alembic renders ALTER TABLE without the connection's
    schema_translate_map, which only tables and indexes go through."""
    return str(op.get_bind().get_execution_options()["schema_translate_map"]["gateway"])


def upgrade() -> None:
    for name, column_type in COLUMNS.items():
        op.add_column("documents", sa.Column(name, column_type, nullable=True), schema=_schema())
    op.create_index(
        "documents_failed",
        "documents",
        ["created_at", "document_id"],
        unique=False,
        schema="gateway",
        postgresql_where=sa.text("failed_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("documents_failed", table_name="documents", schema="gateway")
    for name in reversed(COLUMNS):
        op.drop_column("documents", name, schema=_schema())
