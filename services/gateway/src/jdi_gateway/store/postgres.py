"""The gateway's storage ports on PostgreSQL (SQLAlchemy Core on one async engine)."""

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jdi_gateway.store.port import ApiKey, AuditEntry, AuditFilter, Change, DocumentFilter, DocumentRow, ReadModelStats
from jdi_gateway.store.recent import Recent
from jdi_gateway.store.tables import api_keys, applied_events, audit_log, documents, search_log

DOCUMENT_COLUMNS = [documents.c[field.name] for field in fields(DocumentRow)]
# A listing shows summaries: the documents' JSON (the parsed record is kilobytes) stays in the database.
LISTED_COLUMNS = [column for column in DOCUMENT_COLUMNS if column.name not in ("record", "analysis")]
not_alias = documents.c.canonical_document_id.is_(None)
live = and_(documents.c.deleted_at.is_(None), not_alias)
# An alias of an alias: the canonical document was deleted and its id filed under another since.
MAX_ALIAS_HOPS = 5


def _known(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """NULL (a column not set yet) counts as false, so that NOT of it is true."""
    return func.coalesce(condition, false())


def _status_conditions() -> list[tuple[str, ColumnElement[bool]]]:
    """What each status needs, in api.status.status_of's order of precedence."""
    d = documents.c
    embedded = _known(and_(d.version.is_not(None), d.embedded_version == d.version))
    analyzed = _known(and_(d.version.is_not(None), d.analyzed_version == d.version))
    return [
        ("deleted", d.deleted_at.is_not(None)),
        ("failed", d.failed_at.is_not(None)),
        ("rejected", _known(and_(d.rejected_at.is_not(None), or_(d.parsed_at.is_(None), d.rejected_at > d.parsed_at)))),
        ("complete", and_(embedded, analyzed)),
        ("analyzed", analyzed),
        ("embedded", embedded),
        ("parsed", d.parsed_at.is_not(None)),
        ("received", true()),
    ]


def status_is(status: str) -> ColumnElement[bool]:
    """The documents `status_of` gives `status`: its condition and none of those that take precedence."""
    conditions = _status_conditions()
    names = [name for name, _ in conditions]
    position = names.index(status)
    return and_(conditions[position][1], *(not_(earlier) for _, earlier in conditions[:position]))


def autocommit(engine: AsyncEngine) -> AsyncEngine:
    """The engine for single-statement reads: no BEGIN and ROLLBACK round trips around each one."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class PostgresReadModel:
    def __init__(self, engine: AsyncEngine, *, stats_cache_s: float = 0) -> None:
        self._engine = engine
        self._reads = autocommit(engine)
        # Three scans of every document: shared by the requests of the next `stats_cache_s` seconds.
        self._stats = Recent(self._count, stats_cache_s)

    async def document(self, document_id: str) -> DocumentRow | None:
        found: DocumentRow | None = None
        async with self._reads.connect() as connection:
            for _ in range(MAX_ALIAS_HOPS):
                query = select(*DOCUMENT_COLUMNS).where(documents.c.document_id == document_id)
                row = (await connection.execute(query)).first()
                if row is None:
                    break
                found = DocumentRow(**row._mapping)
                if found.canonical_document_id is None:
                    break
                document_id = found.canonical_document_id
        return found

    async def list_documents(
        self, where: DocumentFilter, after: tuple[datetime, str] | None, limit: int
    ) -> list[DocumentRow]:
        query = select(*LISTED_COLUMNS).where(not_alias)
        if not where.include_deleted and where.status != "deleted":
            query = query.where(live)
        if where.status is not None:
            query = query.where(status_is(where.status))
        for column, value in (
            (documents.c.language, where.language),
            (documents.c.classification, where.classification),
            (documents.c.classification_group, where.group),
            (documents.c.department, where.department),
            (documents.c.classification_level, where.level),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.min_quality is not None:
            query = query.where(documents.c.quality_score >= where.min_quality)
        if where.max_quality is not None:
            query = query.where(documents.c.quality_score <= where.max_quality)
        if where.title:
            query = query.where(documents.c.title.ilike(f"%{_escape_like(where.title)}%", escape="\\"))
        if after is not None:
            created_at, document_id = after
            query = query.where(
                or_(
                    documents.c.created_at < created_at,
                    and_(documents.c.created_at == created_at, documents.c.document_id < document_id),
                )
            )
        query = query.order_by(documents.c.created_at.desc(), documents.c.document_id.desc()).limit(limit)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [DocumentRow(**row._mapping) for row in rows]

    async def stats(self) -> ReadModelStats:
        return await self._stats.get()

    async def _count(self) -> ReadModelStats:
        totals = select(
            func.count().filter(live).label("documents"),
            func.count().filter(live, documents.c.parsed_at.is_not(None)).label("parsed"),
            func.count().filter(live, documents.c.embedded_version == documents.c.version).label("embedded"),
            func.count().filter(live, documents.c.analyzed_version == documents.c.version).label("analyzed"),
            func.count().filter(live, status_is("rejected")).label("rejected"),  # as the status pages say
            func.count().filter(documents.c.deleted_at.is_not(None), not_alias).label("deleted"),
            func.avg(documents.c.quality_score).filter(live).label("mean_quality"),
        )
        async with self._reads.connect() as connection:
            row = (await connection.execute(totals)).one()
            by_language = await _counts(connection, documents.c.language)
            by_classification = await _counts(connection, documents.c.classification)
        return ReadModelStats(**row._mapping, by_language=by_language, by_classification=by_classification)

    async def record_received(
        self, document_id: str, submission_id: str, file_name: str, source_reference: str, trace_id: str | None
    ) -> None:
        async with self._engine.begin() as connection:
            await _set(
                connection,
                document_id,
                received_at=func.now(),
                submission_id=submission_id,
                file_name=file_name,
                source_reference=source_reference,
                trace_id=trace_id,
            )


class PostgresProjectionWriter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def apply_once(self, event_id: str, document_id: str, change: Change) -> None:
        async with self._engine.begin() as connection:
            first_time = await connection.execute(
                insert(applied_events).values(event_id=event_id).on_conflict_do_nothing()
            )
            if first_time.rowcount == 0:
                return
            query = select(*DOCUMENT_COLUMNS).where(documents.c.document_id == document_id).with_for_update()
            row = (await connection.execute(query)).first()
            values = change(DocumentRow(**row._mapping) if row else None)
            if values is not None:
                await _set(connection, document_id, **values)


class PostgresApiKeys:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._reads = autocommit(engine)

    async def add(self, key_id: str, name: str, secret_sha256: str, scopes: list[str]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(api_keys)
                .values(key_id=key_id, name=name, secret_sha256=secret_sha256, scopes=scopes)
                .on_conflict_do_nothing()
            )

    async def active_key(self, secret_sha256: str) -> ApiKey | None:
        query = select(api_keys.c.key_id, api_keys.c.name, api_keys.c.scopes).where(
            api_keys.c.secret_sha256 == secret_sha256, api_keys.c.revoked_at.is_(None)
        )
        async with self._reads.connect() as connection:
            row = (await connection.execute(query)).first()
        return ApiKey(row.key_id, row.name, tuple(row.scopes), revoked=False) if row else None

    async def all_keys(self) -> list[ApiKey]:
        query = select(api_keys.c.key_id, api_keys.c.name, api_keys.c.scopes, api_keys.c.revoked_at)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query.order_by(api_keys.c.created_at))).all()
        return [ApiKey(r.key_id, r.name, tuple(r.scopes), revoked=r.revoked_at is not None) for r in rows]

    async def revoke(self, key_id: str) -> bool:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(api_keys)
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=func.now())
            )
        return result.rowcount > 0


class PostgresAuditLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, key_id: str, action: str, document_id: str | None, detail: dict[str, Any]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                audit_log.insert().values(key_id=key_id, action=action, document_id=document_id, detail=detail)
            )

    async def entries(self, where: AuditFilter, before_id: int | None, limit: int) -> list[AuditEntry]:
        entry = audit_log.c
        conditions = [
            column == value
            for column, value in (
                (entry.action, where.action),
                (entry.key_id, where.key_id),
                (entry.document_id, where.document_id),
            )
            if value is not None
        ]
        if before_id is not None:
            conditions.append(entry.id < before_id)
        query = select(audit_log).where(and_(true(), *conditions)).order_by(entry.id.desc()).limit(limit)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [AuditEntry(row.id, row.at, row.key_id, row.action, row.document_id, row.detail or {}) for row in rows]


class PostgresSearchLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(
        self, key_id: str, query: str, filters: dict[str, list[str]], results: int, latency_ms: float
    ) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                search_log.insert().values(
                    key_id=key_id, query=query, filters=filters, results=results, latency_ms=latency_ms
                )
            )


async def _set(connection: AsyncConnection, document_id: str, **values: Any) -> None:
    await connection.execute(insert(documents).values(document_id=document_id).on_conflict_do_nothing())
    await connection.execute(
        update(documents).where(documents.c.document_id == document_id).values(updated_at=func.now(), **values)
    )


async def _counts(connection: AsyncConnection, column: Any) -> dict[str, int]:
    query = select(column, func.count()).where(live, column.is_not(None)).group_by(column).order_by(column)
    return {value: count for value, count in (await connection.execute(query)).all()}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
