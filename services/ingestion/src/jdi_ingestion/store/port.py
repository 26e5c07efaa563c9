"""What the handlers need from storage; Postgres in production, an in-memory fake in unit tests."""

from dataclasses import dataclass
from typing import Protocol

from jdi_contracts.events import Parsed


class Numbered(Protocol):
    # Read-only members, so frozen models and dataclasses match too.
    @property
    def job_number(self) -> str | None: ...

    @property
    def position_number(self) -> str | None: ...


def job_key(record: Numbered) -> str | None:
    """Forms number the job or the position; either identifies it across versions and languages."""
    return record.job_number or record.position_number


@dataclass(frozen=True)
class StoredVersion:
    document_id: str
    version: int
    published: bool
    record: Parsed


class DocumentStore(Protocol):
    async def find_by_content(self, sha256: str) -> StoredVersion | None:
        """A stored version with exactly these bytes, in any document."""

    async def find_by_job(self, job_number: str, language: str) -> str | None:
        """The live document with this job key (see `job_key`) and language, if any."""

    async def document_exists(self, document_id: str) -> bool: ...

    async def add_version(self, record: Parsed, original: bytes, source_system: str) -> int:
        """Store a new version (bytes, record, sections) atomically; returns its number.

        `record.version` is ignored: the store numbers versions of a document 1, 2, 3...
        """

    async def mark_published(self, document_id: str, version: int) -> None: ...

    async def delete_document(self, document_id: str) -> list[int]:
        """Remove the document with all versions; returns the version numbers removed."""
