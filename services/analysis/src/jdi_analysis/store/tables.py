"""Tables in the `analysis` schema (translated to the deployment's schema at run time)."""

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "analysis"
metadata = MetaData(schema=SCHEMA)

# The latest analysed version of each document, with the full result for the API.
analyses = Table(
    "analyses",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("language", Text),
    Column("title", Text),
    Column("job_number", Text),
    Column("classification_group", Text),
    Column("classification_level", Text),
    Column("quality_score", Float, nullable=False),
    Column("result", JSONB, nullable=False),
    # The parsed sections [{key, heading, text}]: side-by-side comparisons need the texts.
    Column("sections", JSONB, nullable=False, server_default="[]"),
    Column(
        "analyzed_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=func.now(),
    ),
    Index("analyses_classification", "classification_group", "classification_level"),
)

# One row per (document, ESCO skill): what comparisons, skill gaps and career paths join on.
document_skills = Table(
    "document_skills",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("uri", Text, primary_key=True),
    Column("label", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("section", Text, nullable=False),
    ForeignKeyConstraint(["document_id"], ["analyses.document_id"], ondelete="CASCADE"),
    Index("document_skills_uri", "uri"),
)
