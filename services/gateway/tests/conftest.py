"""In-memory fakes of the gateway's ports and an app wired with them (create_app, as in production)."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from jdi_contracts.events import CloudEvent
from jdi_gateway.api.status import status_of
from jdi_gateway.app import create_app
from jdi_gateway.auth.api_key_auth import Scope, hash_secret
from jdi_gateway.rebuild import Progress
from jdi_gateway.settings import GatewaySettings
from jdi_gateway.store.port import (
    FACETS,
    ApiKey,
    AuditEntry,
    AuditFilter,
    Counted,
    DocumentFilter,
    DocumentRow,
    DocumentVersion,
    Position,
    ReadModelStats,
    Rebuild,
    Sort,
)
from jdi_gateway.wiring import RebuildRunner

T0 = datetime(2025, 1, 1, tzinfo=UTC)
EMPTY_SEARCH = {"model_id": "m", "collection": "c", "page": 1, "page_size": 10, "results": [], "has_more": False}


class InMemoryReadModel:
    def __init__(self) -> None:
        self.rows: dict[str, DocumentRow] = {}
        self.versions_of: dict[str, list[DocumentVersion]] = {}
        self.received: list[tuple[str, str, str, str, str | None]] = []

    def add(self, document_id: str, minutes: int = 0, **values: Any) -> DocumentRow:
        at = T0 + timedelta(minutes=minutes)
        row = DocumentRow(document_id=document_id, created_at=at, updated_at=at, **values)
        self.rows[document_id] = row
        return row

    async def document(self, document_id: str) -> DocumentRow | None:
        row = self.rows.get(document_id)
        while row is not None and row.canonical_document_id in self.rows:
            row = self.rows[row.canonical_document_id]
        if row is None:
            return None
        naming = [
            other
            for other in self.rows.values()
            if other.translation_of == row.document_id and other.deleted_at is None
        ]
        newest = max(naming, key=lambda other: other.created_at, default=None)
        return replace(row, translated_by=newest.document_id if newest else None)

    async def versions(self, document_id: str, before: int | None, limit: int) -> list[DocumentVersion]:
        kept = sorted(self.versions_of.get(document_id, []), key=lambda v: v.version, reverse=True)
        return [v for v in kept if before is None or v.version < before][:limit]

    async def list_documents(
        self, where: DocumentFilter, sort: Sort, after: Position | None, limit: int
    ) -> list[tuple[DocumentRow, Position]]:
        entries = [(row, (_sort_value(row, sort.key), row.document_id)) for row in self._matching(where)]
        valued = sorted((e for e in entries if e[1][0] is not None), key=lambda e: e[1], reverse=sort.descending)
        valueless = [e for e in entries if e[1][0] is None]
        listed = valued + sorted(valueless, key=lambda e: e[1][1], reverse=sort.descending)
        if after is not None:
            listed = [entry for entry in listed if _comes_after(entry[1], after, sort.descending)]
        return listed[:limit]

    async def facets(self, where: DocumentFilter) -> dict[str, dict[str, int]]:
        return {name: _count(map(FACET_OF[name], self._matching(where.without(name)))) for name in FACETS}

    def _matching(self, where: DocumentFilter) -> list[DocumentRow]:
        def matches(row: DocumentRow) -> bool:
            return (
                row.canonical_document_id is None
                and (where.include_deleted or where.status == "deleted" or row.deleted_at is None)
                and where.status in (None, status_of(row))
                and where.language in (None, row.language)
                and where.classification in (None, row.classification)
                and where.group in (None, _group(row))
                and where.department in (None, row.department)
                and (not where.title or where.title.lower() in (row.title or "").lower())
                and where.level in (None, _level(row))
                and (
                    where.min_quality is None
                    or (row.quality_score is not None and row.quality_score >= where.min_quality)
                )
                and (
                    where.max_quality is None
                    or (row.quality_score is not None and row.quality_score <= where.max_quality)
                )
            )

        return [row for row in self.rows.values() if matches(row)]

    async def completions(self, field: str, prefix: str, limit: int) -> list[Counted]:
        def has_word_starting(text: str) -> bool:
            return any(word.startswith(prefix.lower()) for word in text.lower().split())

        values = [getattr(row, field) for row in self._matching(DocumentFilter())]
        counts = _count(value for value in values if value and has_word_starting(value))
        starting = sorted(counts.items(), key=lambda c: (not c[0].lower().startswith(prefix.lower()), -c[1], c[0]))
        return [Counted(text, count) for text, count in starting[:limit]]

    async def stats(self) -> ReadModelStats:
        documents = [row for row in self.rows.values() if row.canonical_document_id is None]
        live = [row for row in documents if row.deleted_at is None]
        scores = [row.quality_score for row in live if row.quality_score is not None]
        return ReadModelStats(
            documents=len(live),
            parsed=sum(row.parsed_at is not None for row in live),
            embedded=sum(row.version is not None and row.embedded_version == row.version for row in live),
            analyzed=sum(row.version is not None and row.analyzed_version == row.version for row in live),
            rejected=sum(row.rejected_at is not None and row.parsed_at is None for row in live),
            deleted=len(documents) - len(live),
            mean_quality=sum(scores) / len(scores) if scores else None,
            by_language=_count(row.language for row in live),
            by_classification=_count(row.classification for row in live),
        )

    async def record_received(
        self, document_id: str, submission_id: str, file_name: str, source_reference: str, trace_id: str | None
    ) -> None:
        self.received.append((document_id, submission_id, file_name, source_reference, trace_id))
        row = self.rows.get(document_id) or DocumentRow(document_id=document_id, created_at=T0, updated_at=T0)
        self.rows[document_id] = replace(
            row, received_at=T0, file_name=file_name, source_reference=source_reference, trace_id=trace_id
        )


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _group(row: DocumentRow) -> str | None:
    return row.classification.split("-")[0] if row.classification else None


def _level(row: DocumentRow) -> str | None:
    return row.classification.split("-")[-1] if row.classification else None


FACET_OF: dict[str, Callable[[DocumentRow], str | None]] = {
    "status": status_of,
    "language": lambda row: row.language,
    "classification": lambda row: row.classification,
    "group": _group,
    "level": _level,
    "department": lambda row: row.department,
}


def _sort_value(row: DocumentRow, key: str) -> Any:
    value = {
        "created": row.created_at,
        "updated": row.updated_at,
        "title": row.title,
        "job_number": row.job_number,
        "quality": row.quality_score,
    }[key]
    return value.lower()[:200] if isinstance(value, str) else value


def _comes_after(position: Position, after: Position, descending: bool) -> bool:
    """As the read model orders: by value then id in the sort's direction, documents without the value last."""
    (value, document_id), (after_value, after_id) = position, after
    if (value is None) != (after_value is None):
        return value is None
    if value is None or value == after_value:
        return document_id < after_id if descending else document_id > after_id
    return value < after_value if descending else value > after_value


class InMemoryApiKeys:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[ApiKey, str]] = {}

    def add_secret(self, secret: str, *scopes: Scope) -> None:
        self.keys[secret] = (ApiKey(secret, secret, tuple(scopes), revoked=False), hash_secret(secret))

    async def add(self, key_id: str, name: str, secret_sha256: str, scopes: list[str]) -> None:
        if key_id not in self.keys and all(stored != secret_sha256 for _, stored in self.keys.values()):
            self.keys[key_id] = (ApiKey(key_id, name, tuple(scopes), revoked=False), secret_sha256)

    async def active_key(self, secret_sha256: str) -> ApiKey | None:
        return next((k for k, stored in self.keys.values() if stored == secret_sha256 and not k.revoked), None)

    async def all_keys(self) -> list[ApiKey]:
        return [key for key, _ in self.keys.values()]

    async def revoke(self, key_id: str) -> bool:
        key, stored = self.keys.get(key_id, (None, ""))
        if key is None or key.revoked:
            return False
        self.keys[key_id] = (replace(key, revoked=True), stored)
        return True


class RecordingLog:
    """Audit and search log: both append; the audit log is read back, newest first."""

    def __init__(self) -> None:
        self.recorded: list[tuple[Any, ...]] = []

    async def record(self, *entry: Any) -> None:
        self.recorded.append(entry)

    async def popular(self, prefix: str, since: datetime, min_keys: int, limit: int) -> list[Counted]:
        """Every search recorded counts as recent."""
        keys: dict[str, set[str]] = {}
        asked: list[str] = []
        for key_id, query, _, results, _ in self.recorded:
            if query.lower().startswith(prefix.lower()) and results > 0:
                keys.setdefault(query.lower(), set()).add(key_id)
                asked.append(query.lower())
        counts = _count(query for query in asked if len(keys[query]) >= min_keys)
        return [Counted(q, n) for q, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))[:limit]]

    async def entries(self, where: AuditFilter, before_id: int | None, limit: int) -> list[AuditEntry]:
        logged = [
            AuditEntry(number, datetime(2026, 12, 4, tzinfo=UTC), key_id, action, document_id, detail)
            for number, (key_id, action, document_id, detail) in enumerate(self.recorded, start=1)
        ]
        wanted = [
            entry
            for entry in reversed(logged)
            if (before_id is None or entry.entry_id < before_id)
            and all(
                value is None or getattr(entry, name) == value
                for name, value in (
                    ("action", where.action),
                    ("key_id", where.key_id),
                    ("document_id", where.document_id),
                )
            )
        ]
        return wanted[:limit]


class InMemoryRebuilds:
    def __init__(self) -> None:
        self.rebuilds: list[Rebuild] = []

    async def start(self) -> Rebuild | None:
        if self.rebuilds and self.rebuilds[-1].state == "running":
            return None
        started = Rebuild(len(self.rebuilds) + 1, "running", T0, T0, None, 0, None)
        self.rebuilds.append(started)
        return started

    async def progress(self, rebuild_id: int, events_applied: int) -> None:
        self.rebuilds[rebuild_id - 1] = replace(self.rebuilds[rebuild_id - 1], events_applied=events_applied)

    async def finish(self, rebuild_id: int, error_type: str | None) -> None:
        state = "switched" if error_type is None else "failed"
        self.rebuilds[rebuild_id - 1] = replace(
            self.rebuilds[rebuild_id - 1], state=state, error_type=error_type, finished_at=T0
        )

    async def latest(self) -> Rebuild | None:
        return self.rebuilds[-1] if self.rebuilds else None


async def no_rebuild(progress: Progress) -> int:
    """The rebuild the fakes run unless a test gives one: nothing to apply."""
    await progress(0)
    return 0


@dataclass
class Fakes:
    read_model: InMemoryReadModel = field(default_factory=InMemoryReadModel)
    api_keys: InMemoryApiKeys = field(default_factory=InMemoryApiKeys)
    audit_log: RecordingLog = field(default_factory=RecordingLog)
    search_log: RecordingLog = field(default_factory=RecordingLog)
    published: list[CloudEvent[Any]] = field(default_factory=list)
    # What the embedding and analysis services answer, per request; the requests they got.
    embedding: Callable[[httpx.Request], httpx.Response] = lambda request: httpx.Response(200, json=EMPTY_SEARCH)
    analysis: Callable[[httpx.Request], httpx.Response] = lambda request: httpx.Response(404, json={})
    calls: list[httpx.Request] = field(default_factory=list)
    settings: GatewaySettings = field(default_factory=GatewaySettings)
    rebuilds: InMemoryRebuilds = field(default_factory=InMemoryRebuilds)
    rebuild: RebuildRunner = no_rebuild

    async def publish(self, event: CloudEvent[Any]) -> None:
        self.published.append(event)

    def client(self, service: str) -> httpx.AsyncClient:
        def answer(request: httpx.Request) -> httpx.Response:
            self.calls.append(request)
            return self.embedding(request) if service == "embedding" else self.analysis(request)

        return httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url=f"http://{service}")

    def app(self) -> FastAPI:
        return create_app(
            self.settings,
            read_model=self.read_model,
            api_keys=self.api_keys,
            audit_log=self.audit_log,
            search_log=self.search_log,
            publish=self.publish,
            embedding_client=self.client("embedding"),
            analysis_client=self.client("analysis"),
            rebuilds=self.rebuilds,
            rebuild=self.rebuild,
        )


ADMIN_KEY = "admin-key"


@pytest.fixture
def fakes() -> Fakes:
    fakes = Fakes()
    fakes.api_keys.add_secret(ADMIN_KEY, Scope.ADMIN)
    return fakes


@pytest.fixture
async def api(fakes: Fakes) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway on the fakes, called with an admin key (every scope)."""
    transport = httpx.ASGITransport(app=fakes.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers={"X-API-Key": ADMIN_KEY}) as client:
        yield client
