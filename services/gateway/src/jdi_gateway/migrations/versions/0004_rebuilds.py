"""Rebuilds of the read model from the topics.

Revision ID: gateway_0004
Revises: gateway_0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "gateway_0004"
down_revision = "gateway_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rebuilds",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("events_applied", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("error_type", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        schema="gateway",
    )


def downgrade() -> None:
    op.drop_table("rebuilds", schema="gateway")
