"""Tables in the `ingestion` schema (translated to the deployment's schema at run time)."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "ingestion"
metadata = MetaData(schema=SCHEMA)

documents = Table(
    "documents",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("source_system", Text, nullable=False),
    Column("job_number", Text),
    Column("language", Text),
    Column("current_version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("documents_job_language", "job_number", "language"),
)

versions = Table(
    "versions",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("submission_id", Text, nullable=False),
    Column("sha256", Text, nullable=False, unique=True),
    Column("original", LargeBinary, nullable=False),
    Column("record", JSONB, nullable=False),
    Column("published", Boolean, nullable=False, server_default="false"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ForeignKeyConstraint(["document_id"], ["documents.document_id"], ondelete="CASCADE"),
)

sections = Table(
    "sections",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("key", Text, nullable=False),
    Column("heading", Text, nullable=False),
    Column("text", Text, nullable=False),
    ForeignKeyConstraint(["document_id", "version"], ["versions.document_id", "versions.version"], ondelete="CASCADE"),
)
