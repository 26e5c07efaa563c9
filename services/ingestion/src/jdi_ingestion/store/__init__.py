"""Ingestion's own data: documents, their versions (original bytes and parsed record) and sections."""

from jdi_ingestion.store.port import DocumentStore, StoredVersion, job_key
from jdi_ingestion.store.postgres import PostgresDocumentStore

__all__ = ["DocumentStore", "PostgresDocumentStore", "StoredVersion", "job_key"]
