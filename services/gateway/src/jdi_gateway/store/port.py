"""What the routes and the projections need from storage; PostgreSQL in production, fakes in unit tests."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class DocumentRow:
    """A document of the read model: what the API shows and the projections decide on."""

    document_id: str
    created_at: datetime
    updated_at: datetime
    trace_id: str | None = None
    file_name: str | None = None
    source_reference: str | None = None
    received_at: datetime | None = None
    parsed_at: datetime | None = None
    version: int | None = None
    title: str | None = None
    language: str | None = None
    job_number: str | None = None
    classification: str | None = None
    department: str | None = None
    translation_of: str | None = None
    redactions: int | None = None
    record: dict[str, Any] | None = None
    embedded_at: datetime | None = None
    embedded_version: int | None = None
    analyzed_at: datetime | None = None
    analyzed_version: int | None = None
    quality_score: float | None = None
    analysis: dict[str, Any] | None = None
    rejected_at: datetime | None = None
    rejection: dict[str, Any] | None = None
    deleted_at: datetime | None = None
    filed_at: datetime | None = None
    filing: dict[str, Any] | None = None
    canonical_document_id: str | None = None  # set: this id is an alias of that document
    failed_at: datetime | None = None
    failure: dict[str, Any] | None = None  # {stage, reason, topic, attempts}
    # Not a column: the newest live document naming this one its translation, read by `ReadModel.document`.
    translated_by: str | None = None


@dataclass(frozen=True)
class DocumentVersion:
    version: int
    parsed_at: datetime
    record: dict[str, Any]


@dataclass(frozen=True)
class DocumentFilter:
    language: str | None = None
    classification: str | None = None
    group: str | None = None
    department: str | None = None
    title: str | None = None  # words in the title, any case
    include_deleted: bool = False
    status: str | None = None  # one of api.models.Status, as status_of derives it
    level: str | None = None  # the classification's level, e.g. "01"
    min_quality: float | None = None
    max_quality: float | None = None

    def without(self, facet: str) -> "DocumentFilter":
        """The same filter with no condition on the facet."""
        unset: dict[str, Any] = {facet: None}
        return replace(self, **unset)


MAX_FACET_VALUES = 100
SortKey = Literal["created", "updated", "title", "job_number", "quality"]
FACETS = ("status", "language", "classification", "group", "level", "department")


@dataclass(frozen=True)
class Sort:
    """A listing's order: by the key, then by document id, in the same direction; documents without the key
    (no title yet, not analysed) come last either way. Titles and job numbers compare by their first 200
    characters in lower case, accents beside their letters."""

    key: SortKey = "created"
    descending: bool = True


# Where a listing stopped: the last document's sort value (None when it has none) and its id.
Position = tuple[Any, str]


@dataclass(frozen=True)
class Counted:
    text: str
    count: int


@dataclass(frozen=True)
class ReadModelStats:
    documents: int
    parsed: int
    embedded: int
    analyzed: int
    rejected: int
    deleted: int
    mean_quality: float | None
    by_language: dict[str, int]
    by_classification: dict[str, int]


class ReadModel(Protocol):
    """The read model as the routes see it."""

    async def document(self, document_id: str) -> DocumentRow | None:
        """The document, or for an alias the document it resolves to (the alias itself while that is unknown)."""

    async def versions(self, document_id: str, before: int | None, limit: int) -> list[DocumentVersion]:
        """Up to `limit` of the document's parsed versions, newest first, older than `before` when given."""

    async def list_documents(
        self, where: DocumentFilter, sort: Sort, after: Position | None, limit: int
    ) -> list[tuple[DocumentRow, Position]]:
        """Up to `limit` documents in the sort's order, after the position given, each with its position;
        never aliases; summaries: their `record` and `analysis` are left out (None)."""

    async def facets(self, where: DocumentFilter) -> dict[str, dict[str, int]]:
        """For each of FACETS, the documents per value (up to MAX_FACET_VALUES, most first) among those
        the filter lists when its own condition on that facet is left out: the counts a person sees beside
        each choice."""

    async def completions(self, field: Literal["title", "department"], prefix: str, limit: int) -> list[Counted]:
        """Distinct values of the field among live documents with a word starting with `prefix` (any case),
        those starting with it first, then the most common."""

    async def stats(self) -> ReadModelStats:
        """Counts of live documents per stage, language and classification; deleted ones counted apart;
        aliases not at all."""

    async def record_received(
        self, document_id: str, submission_id: str, file_name: str, source_reference: str, trace_id: str | None
    ) -> None:
        """A submission through the gateway, visible as `received` before ingestion answers."""


# The columns to set given the document as it is (None when new), or None to leave it unchanged.
Change = Callable[[DocumentRow | None], dict[str, Any] | None]


@dataclass(frozen=True)
class Application:
    """What one event changes in one document."""

    event_id: str
    document_id: str
    change: Change
    at: datetime  # the event's time: a document the event creates was created then, in a rebuild too


class ProjectionWriter(Protocol):
    """The read model as the projections update it."""

    async def apply_all(self, applications: Sequence[Application]) -> None:
        """In one transaction, in order, each application whose event was not applied before (nor earlier in
        the list): lock its document, ask `change` what to set given the document as the applications before
        left it (its `record` and `analysis` left out), set it. An event counts as applied even when its
        change sets nothing. If any fails, none is applied.

        The document's versions follow: a change that sets a `record` (with its `version` and `parsed_at`)
        keeps it as that version, and one that sets `deleted_at` drops every version kept."""


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]
    revoked: bool


class ApiKeys(Protocol):
    async def add(self, key_id: str, name: str, secret_sha256: str, scopes: list[str]) -> None:
        """Store a key; nothing happens when its id or secret is already stored."""

    async def active_key(self, secret_sha256: str) -> ApiKey | None:
        """The unrevoked key with this secret."""

    async def all_keys(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""

    async def revoke(self, key_id: str) -> bool:
        """False when there is no active key with this id."""


@dataclass(frozen=True)
class AuditEntry:
    entry_id: int
    at: datetime
    key_id: str | None
    action: str
    document_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    key_id: str | None = None
    document_id: str | None = None


class AuditLog(Protocol):
    async def record(self, key_id: str, action: str, document_id: str | None, detail: dict[str, Any]) -> None: ...

    async def entries(self, where: AuditFilter, before_id: int | None, limit: int) -> list[AuditEntry]:
        """Newest first; only entries older than `before_id` when it is given."""
        ...


class SearchLog(Protocol):
    async def record(
        self, key_id: str, query: str, filters: dict[str, list[str]], results: int, latency_ms: float
    ) -> None: ...

    async def popular(self, prefix: str, since: datetime, min_keys: int, limit: int) -> list[Counted]:
        """Queries (in lower case) starting with `prefix` that found something since `since`, asked by at
        least `min_keys` different API keys, most asked first."""
        ...


@dataclass(frozen=True)
class Rebuild:
    rebuild_id: int
    state: Literal["running", "switched", "failed", "abandoned"]
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    events_applied: int
    error_type: str | None


class Rebuilds(Protocol):
    """The rebuilds of the read model, so every worker and instance sees the one running."""

    async def start(self) -> Rebuild | None:
        """A new running rebuild, or None while another is running (one silent for `STALE_AFTER_S` is
        `abandoned`: its process died)."""

    async def progress(self, rebuild_id: int, events_applied: int) -> None: ...

    async def finish(self, rebuild_id: int, error_type: str | None) -> None:
        """`switched`, or `failed` with the error's type."""

    async def latest(self) -> Rebuild | None: ...


STALE_AFTER_S = 120.0
