"""Initial analysis schema.

Revision ID: analysis_0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "analysis_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analyses",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("job_number", sa.Text(), nullable=True),
        sa.Column("classification_group", sa.Text(), nullable=True),
        sa.Column("classification_level", sa.Text(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=False),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sections", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
        schema="analysis",
    )
    op.create_index(
        "analyses_classification",
        "analyses",
        ["classification_group", "classification_level"],
        unique=False,
        schema="analysis",
    )
    op.create_table(
        "document_skills",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["analysis.analyses.document_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "uri"),
        schema="analysis",
    )
    op.create_index("document_skills_uri", "document_skills", ["uri"], unique=False, schema="analysis")


def downgrade() -> None:
    op.drop_table("document_skills", schema="analysis")
    op.drop_table("analyses", schema="analysis")
