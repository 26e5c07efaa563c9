"""The gateway's storage ports on PostgreSQL (SQLAlchemy Core on one async engine)."""

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, delete, false, func, not_, or_, select, text, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jdi_gateway.store.port import (
    FACETS,
    MAX_FACET_VALUES,
    STALE_AFTER_S,
    ApiKey,
    Application,
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
from jdi_gateway.store.recent import Recent
from jdi_gateway.store.tables import (
    api_keys,
    applied_events,
    audit_log,
    document_versions,
    documents,
    rebuilds,
    search_log,
)

DOCUMENT_COLUMNS = [documents.c[field.name] for field in fields(DocumentRow) if field.name in documents.c]
# A listing shows summaries: the documents' JSON (the parsed record is kilobytes) stays in the database; the
# projections' changes do without it too.
LISTED_COLUMNS = [column for column in DOCUMENT_COLUMNS if column.name not in ("record", "analysis")]
ROW_FIELDS = {column.name for column in DOCUMENT_COLUMNS}
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


def _status() -> ColumnElement[str]:
    """The status `status_of` gives, as SQL: the first condition that holds."""
    return case(*((condition, name) for name, condition in _status_conditions()[:-1]), else_="received")


d = documents.c
# ICU's root collation (PostgreSQL built with ICU, as Debian's is) sorts "Émile" beside "Emile" for English and
# French readers alike; the database's own may be "C", which puts it after "zeta".
PEOPLES_ORDER = "und-x-icu"


def _text_key(column: ColumnElement[str]) -> ColumnElement[str]:
    """Titles and job numbers are unbounded: they sort by a bounded prefix, in lower case."""
    return func.lower(func.left(column, 200)).collate(PEOPLES_ORDER)


# Sort keys and facet values as SQL.
SORT_KEYS: dict[str, ColumnElement[Any]] = {
    "created": d.created_at,
    "updated": d.updated_at,
    "title": _text_key(d.title),
    "job_number": _text_key(d.job_number),
    "quality": d.quality_score,
}
NOT_NULL_KEYS = ("created", "updated")
FACET_VALUES: dict[str, ColumnElement[Any]] = {
    "status": _status(),
    "language": d.language,
    "classification": d.classification,
    "group": d.classification_group,
    "level": d.classification_level,
    "department": d.department,
}


def _conditions(where: DocumentFilter) -> list[ColumnElement[bool]]:
    conditions = [not_alias if where.include_deleted or where.status == "deleted" else live]
    if where.status is not None:
        conditions.append(status_is(where.status))
    for column, value in (
        (d.language, where.language),
        (d.classification, where.classification),
        (d.classification_group, where.group),
        (d.department, where.department),
        (d.classification_level, where.level),
    ):
        if value is not None:
            conditions.append(column == value)
    if where.min_quality is not None:
        conditions.append(d.quality_score >= where.min_quality)
    if where.max_quality is not None:
        conditions.append(d.quality_score <= where.max_quality)
    if where.title:
        conditions.append(d.title.ilike(f"%{_escape_like(where.title)}%", escape="\\"))
    return conditions


def _order(key: ColumnElement[Any], sort: Sort) -> list[ColumnElement[Any]]:
    """Documents without the key last, then by the key and the id, both in the sort's direction."""
    by: list[ColumnElement[Any]] = (
        [key.desc(), d.document_id.desc()] if sort.descending else [key.asc(), d.document_id.asc()]
    )
    return by if sort.key in NOT_NULL_KEYS else [key.is_(None), *by]


def _after(key: ColumnElement[Any], sort: Sort, after: Position) -> ColumnElement[bool]:
    """The documents `_order` puts after the position."""
    value, document_id = after
    beyond: Callable[[Any, Any], ColumnElement[bool]] = operator.lt if sort.descending else operator.gt
    if value is None:  # among the documents without the key, which come last
        return and_(key.is_(None), beyond(d.document_id, document_id))
    following = or_(beyond(key, value), and_(key == value, beyond(d.document_id, document_id)))
    return following if sort.key in NOT_NULL_KEYS else or_(key.is_(None), following)


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
                query = select(*DOCUMENT_COLUMNS, TRANSLATED_BY).where(documents.c.document_id == document_id)
                row = (await connection.execute(query)).first()
                if row is None:
                    break
                found = DocumentRow(**row._mapping)
                if found.canonical_document_id is None:
                    break
                document_id = found.canonical_document_id
        return found

    async def versions(self, document_id: str, before: int | None, limit: int) -> list[DocumentVersion]:
        v = document_versions.c
        query = select(v.version, v.parsed_at, v.record).where(v.document_id == document_id)
        if before is not None:
            query = query.where(v.version < before)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(query.order_by(v.version.desc()).limit(limit))).all()
        return [DocumentVersion(**row._mapping) for row in rows]

    async def list_documents(
        self, where: DocumentFilter, sort: Sort, after: Position | None, limit: int
    ) -> list[tuple[DocumentRow, Position]]:
        key = SORT_KEYS[sort.key]
        query = select(*LISTED_COLUMNS, key.label("sort_value")).where(*_conditions(where))
        if after is not None:
            query = query.where(_after(key, sort, after))
        query = query.order_by(*_order(key, sort)).limit(limit)
        async with self._reads.connect() as connection:
            rows = (await connection.execute(query)).all()
        listed = []
        for row in rows:
            values = dict(row._mapping)
            position = (values.pop("sort_value"), values["document_id"])
            listed.append((DocumentRow(**values), position))
        return listed

    async def facets(self, where: DocumentFilter) -> dict[str, dict[str, int]]:
        counted = {}
        async with self._reads.connect() as connection:
            for name in FACETS:
                value = FACET_VALUES[name]
                others = where.without(name)
                query = (
                    select(value, func.count())
                    .where(*_conditions(others), value.is_not(None))
                    .group_by(value)
                    .order_by(func.count().desc(), value)
                    .limit(MAX_FACET_VALUES)
                )
                counted[name] = {facet: count for facet, count in (await connection.execute(query)).all()}
        return counted

    async def completions(self, field: Literal["title", "department"], prefix: str, limit: int) -> list[Counted]:
        column = documents.c[field]
        pattern = _escape_like(prefix)
        starts = column.ilike(f"{pattern}%", escape="\\")
        query = (
            select(column, func.count())
            .where(live, or_(starts, column.ilike(f"% {pattern}%", escape="\\")))
            .group_by(column)
            .order_by(starts.desc(), func.count().desc(), column)
            .limit(limit)
        )
        async with self._reads.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [Counted(text, count) for text, count in rows]

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

    async def apply_all(self, applications: Sequence[Application]) -> None:
        if not applications:
            return
        async with self._engine.begin() as connection:
            ids = [{"event_id": application.event_id} for application in applications]
            first_time = await connection.execute(
                insert(applied_events).values(ids).on_conflict_do_nothing().returning(applied_events.c.event_id)
            )
            new = set(first_time.scalars())
            fresh = []
            for application in applications:  # an event twice in the batch applies once
                if application.event_id in new:
                    new.discard(application.event_id)
                    fresh.append(application)
            if not fresh:
                return
            # Locked in one order, so that two writers sharing documents cannot deadlock.
            locked = (
                select(*LISTED_COLUMNS)
                .where(documents.c.document_id.in_(sorted({a.document_id for a in fresh})))
                .order_by(documents.c.document_id)
                .with_for_update()
            )
            rows = {row.document_id: DocumentRow(**row._mapping) for row in await connection.execute(locked)}
            changes = _changes(fresh, rows)
            await _write_documents(connection, changes.documents)
            await _write_versions(connection, changes)


@dataclass
class _Changes:
    """What a batch sets: per document, the columns (the last value of each); versions kept and dropped."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    dropped_versions: set[str] = field(default_factory=set)  # documents whose kept versions go first
    kept_versions: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)


def _changes(applications: Sequence[Application], rows: dict[str, DocumentRow]) -> _Changes:
    """Each change asked in order, given the document as the changes before it left it."""
    changes = _Changes()
    for application in applications:
        document_id = application.document_id
        row = rows.get(document_id)
        values = application.change(row)
        # Created when its earliest event happened, whatever order the topics' events arrive in.
        earlier = row is not None and application.at < row.created_at
        if values is None and not earlier:
            continue
        values = {**(values or {}), **({"created_at": application.at} if row is None or earlier else {})}
        if row is None:
            row = DocumentRow(document_id=document_id, created_at=application.at, updated_at=application.at)
        rows[document_id] = replace(row, **{name: value for name, value in values.items() if name in ROW_FIELDS})
        changes.documents.setdefault(document_id, {}).update(values)
        if values.get("deleted_at") is not None:
            changes.dropped_versions.add(document_id)
            changes.kept_versions = {k: v for k, v in changes.kept_versions.items() if k[0] != document_id}
        if values.get("record") is not None:
            changes.kept_versions[(document_id, values["version"])] = {
                "parsed_at": values["parsed_at"],
                "record": values["record"],
            }
    return changes


async def _write_documents(connection: AsyncConnection, documents_set: dict[str, dict[str, Any]]) -> None:
    """One upsert per set of columns, for every document setting those (asyncpg's executemany)."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for document_id, values in documents_set.items():
        by_columns.setdefault(tuple(sorted(values)), []).append({"document_id": document_id, **values})
    for columns, rows in by_columns.items():
        upsert = insert(documents)
        upsert = upsert.on_conflict_do_update(
            index_elements=[documents.c.document_id],
            set_={**{name: upsert.excluded[name] for name in columns}, "updated_at": func.now()},
        )
        await connection.execute(upsert, rows)


async def _write_versions(connection: AsyncConnection, changes: _Changes) -> None:
    """The versions as `ProjectionWriter.apply_all` says: each record set is kept, a deletion drops them all."""
    v = document_versions.c
    if changes.dropped_versions:
        await connection.execute(delete(document_versions).where(v.document_id.in_(sorted(changes.dropped_versions))))
    if changes.kept_versions:
        upsert = insert(document_versions)
        upsert = upsert.on_conflict_do_update(
            index_elements=[v.document_id, v.version],
            set_={"parsed_at": upsert.excluded.parsed_at, "record": upsert.excluded.record},
        )
        rows = [
            {"document_id": document_id, "version": version, **kept}
            for (document_id, version), kept in changes.kept_versions.items()
        ]
        await connection.execute(upsert, rows)


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
        self._reads = autocommit(engine)

    async def record(
        self, key_id: str, query: str, filters: dict[str, list[str]], results: int, latency_ms: float
    ) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                search_log.insert().values(
                    key_id=key_id, query=query, filters=filters, results=results, latency_ms=latency_ms
                )
            )

    async def popular(self, prefix: str, since: datetime, min_keys: int, limit: int) -> list[Counted]:
        asked = func.lower(search_log.c.query)
        query = (
            select(asked, func.count())
            .where(
                asked.like(f"{_escape_like(prefix.lower())}%", escape="\\"),
                search_log.c.results > 0,
                search_log.c.at >= since,
            )
            .group_by(asked)
            .having(func.count(search_log.c.key_id.distinct()) >= min_keys)
            .order_by(func.count().desc(), asked)
            .limit(limit)
        )
        async with self._reads.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [Counted(text, count) for text, count in rows]


async def _set(connection: AsyncConnection, document_id: str, **values: Any) -> None:
    await connection.execute(insert(documents).values(document_id=document_id).on_conflict_do_nothing())
    await connection.execute(
        update(documents).where(documents.c.document_id == document_id).values(updated_at=func.now(), **values)
    )


def _translated_by() -> Any:
    """The newest live document that names the outer one its translation."""
    other = documents.alias("other")
    return (
        select(other.c.document_id)
        .where(
            other.c.translation_of == documents.c.document_id,
            other.c.deleted_at.is_(None),
            other.c.canonical_document_id.is_(None),
        )
        .order_by(other.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
        .label("translated_by")
    )


# Built once: a fresh alias per look-up costs SQLAlchemy a compilation per request.
TRANSLATED_BY = _translated_by()


async def _counts(connection: AsyncConnection, column: Any) -> dict[str, int]:
    query = select(column, func.count()).where(live, column.is_not(None)).group_by(column).order_by(column)
    return {value: count for value, count in (await connection.execute(query)).all()}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PostgresRebuilds:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def start(self) -> Rebuild | None:
        async with self._engine.begin() as connection:
            # Two workers asked at once: one starts, the other sees it running.
            await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('jdi-gateway-rebuild'))"))
            running = await connection.execute(
                select(rebuilds.c.id).where(rebuilds.c.state == "running", _fresh_enough()).limit(1)
            )
            if running.first() is not None:
                return None
            await connection.execute(
                update(rebuilds).where(rebuilds.c.state == "running").values(state="abandoned", finished_at=func.now())
            )
            row = (await connection.execute(rebuilds.insert().values(state="running").returning(*rebuilds.c))).one()
        return _rebuild(row)

    async def progress(self, rebuild_id: int, events_applied: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(rebuilds)
                .where(rebuilds.c.id == rebuild_id)
                .values(events_applied=events_applied, updated_at=func.now())
            )

    async def finish(self, rebuild_id: int, error_type: str | None) -> None:
        state = "switched" if error_type is None else "failed"
        async with self._engine.begin() as connection:
            await connection.execute(
                update(rebuilds)
                .where(rebuilds.c.id == rebuild_id)
                .values(state=state, error_type=error_type, updated_at=func.now(), finished_at=func.now())
            )

    async def latest(self) -> Rebuild | None:
        shown = case((and_(rebuilds.c.state == "running", not_(_fresh_enough())), "abandoned"), else_=rebuilds.c.state)
        query = select(*rebuilds.c, shown.label("shown")).order_by(rebuilds.c.id.desc()).limit(1)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return _rebuild(row, row.shown) if row else None


def _fresh_enough() -> ColumnElement[bool]:
    return rebuilds.c.updated_at > func.now() - timedelta(seconds=STALE_AFTER_S)


def _rebuild(row: Any, state: Any = None) -> Rebuild:
    return Rebuild(
        rebuild_id=row.id,
        state=state or row.state,
        started_at=row.started_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
        events_applied=row.events_applied,
        error_type=row.error_type,
    )
