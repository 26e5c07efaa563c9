"""Tables in the `gateway` schema: the read model (a projection of events), keys and logs."""

from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

SCHEMA = "gateway"
MIGRATIONS = Path(__file__).parents[1] / "migrations" / "versions"
metadata = MetaData(schema=SCHEMA)

# One row per document; every stage has its own columns so events may arrive in any order.
documents = Table(
    "documents",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("trace_id", Text),
    Column("file_name", Text),
    Column("source_reference", Text),
    Column("received_at", DateTime(timezone=True)),
    Column("submission_id", Text),
    Column("parsed_at", DateTime(timezone=True)),
    Column("version", Integer),
    Column("title", Text),
    Column("language", Text),
    Column("job_number", Text),
    Column("classification", Text),
    Column("classification_group", Text),
    Column("classification_level", Text),
    Column("department", Text),
    Column("translation_of", Text),
    Column("redactions", Integer),
    Column("record", JSONB),
    Column("embedded_at", DateTime(timezone=True)),
    Column("embedded_version", Integer),
    Column("embedding", JSONB),
    Column("analyzed_at", DateTime(timezone=True)),
    Column("analyzed_version", Integer),
    Column("quality_score", Float),
    Column("analysis", JSONB),
    Column("rejected_at", DateTime(timezone=True)),
    Column("rejection", JSONB),
    Column("deleted_at", DateTime(timezone=True)),
    # A submission filed under another document (`filed` event); an alias while canonical_document_id is set.
    Column("filed_at", DateTime(timezone=True)),
    Column("filing", JSONB),
    Column("canonical_document_id", Text),
    # A message about the document that a service dead-lettered, until a later event shows it overcome.
    Column("failed_at", DateTime(timezone=True)),
    Column("failure", JSONB),
    Index("documents_listing", "created_at", "document_id"),
    Index("documents_failed", "created_at", "document_id", postgresql_where=text("failed_at IS NOT NULL")),
    Index("documents_language", "language"),
    Index("documents_classification", "classification"),
    Index("documents_department", "department"),
    Index("documents_translation_of", "translation_of"),
)

# Every record a document has had, one row per parsed version; a deletion drops them with the content.
document_versions = Table(
    "document_versions",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("parsed_at", DateTime(timezone=True), nullable=False),
    Column("record", JSONB, nullable=False),
)

# Event ids already applied: replays and redeliveries change nothing.
applied_events = Table(
    "applied_events",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("secret_sha256", Text, nullable=False, unique=True),
    Column("scopes", ARRAY(Text), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("key_id", Text),
    Column("action", Text, nullable=False),
    Column("document_id", Text),
    Column("detail", JSONB),
)

search_log = Table(
    "search_log",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("key_id", Text),
    Column("query", Text, nullable=False),
    Column("filters", JSONB, nullable=False),
    Column("results", Integer, nullable=False),
    Column("latency_ms", Float, nullable=False),
)

# Rebuilds of the read model from the topics (`jdi_gateway.rebuild`): kept in the live schema, with the keys.
rebuilds = Table(
    "rebuilds",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
    Column("state", Text, nullable=False),
    Column("events_applied", BigInteger, nullable=False, server_default=text("0")),
    Column("error_type", Text),
)
