"""A document's stage statuses and overall status, derived from its read-model row."""

from jdi_gateway.api.models import Stage, Status
from jdi_gateway.store.port import DocumentRow


def stages_of(row: DocumentRow) -> dict[str, Stage]:
    version = row.version
    return {
        "received": Stage(done=row.received_at is not None or row.parsed_at is not None, at=row.received_at),
        "parsed": Stage(done=row.parsed_at is not None, at=row.parsed_at, version=version),
        "embedded": Stage(
            done=version is not None and row.embedded_version == version,
            at=row.embedded_at,
            version=row.embedded_version,
        ),
        "analyzed": Stage(
            done=version is not None and row.analyzed_version == version,
            at=row.analyzed_at,
            version=row.analyzed_version,
        ),
        "rejected": Stage(done=_rejected(row), at=row.rejected_at, detail=row.rejection),
        "filed": Stage(done=row.filed_at is not None, at=row.filed_at, detail=row.filing),
        "failed": Stage(done=row.failed_at is not None, at=row.failed_at, detail=row.failure),
        "deleted": Stage(done=row.deleted_at is not None, at=row.deleted_at),
    }


def status_of(row: DocumentRow) -> Status:
    """`store.postgres.status_is` filters by the same rules in the same order."""
    stages = stages_of(row)
    if stages["deleted"].done:
        return "deleted"
    if stages["failed"].done:
        return "failed"
    if stages["rejected"].done:
        return "rejected"
    if stages["embedded"].done and stages["analyzed"].done:
        return "complete"
    for name in ("analyzed", "embedded", "parsed"):
        if stages[name].done:
            return name
    return "received"


def _rejected(row: DocumentRow) -> bool:
    """Rejected unless a later submission of the same document was parsed."""
    if row.rejected_at is None:
        return False
    return row.parsed_at is None or row.rejected_at > row.parsed_at


def status_reason(row: DocumentRow, status: Status) -> str | None:
    """Why a document is `rejected` (the rejection's reason) or `failed` (the service and the error type)."""
    if status == "rejected" and row.rejection:
        return str(row.rejection.get("reason"))
    if status == "failed" and row.failure:
        return f"{row.failure.get('stage')}: {row.failure.get('reason')}"
    return None
