"""Initial ingestion schema.

Revision ID: ingestion_0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "ingestion_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("source_system", sa.Text(), nullable=False),
        sa.Column("job_number", sa.Text(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
        schema="ingestion",
    )
    op.create_index("documents_job_language", "documents", ["job_number", "language"], unique=False, schema="ingestion")
    op.create_table(
        "versions",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=False),
        sa.Column("record", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["ingestion.documents.document_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "version"),
        sa.UniqueConstraint("sha256"),
        schema="ingestion",
    )
    op.create_table(
        "sections",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id", "version"],
            ["ingestion.versions.document_id", "ingestion.versions.version"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "version", "position"),
        schema="ingestion",
    )


def downgrade() -> None:
    op.drop_table("sections", schema="ingestion")
    op.drop_table("versions", schema="ingestion")
    op.drop_table("documents", schema="ingestion")
