"""Who did what, for every write through the API."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from jdi_gateway.auth.keys import Caller
from jdi_gateway.tables import audit_log


async def audit(
    engine: AsyncEngine, caller: Caller, action: str, document_id: str | None, detail: dict[str, Any]
) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            audit_log.insert().values(key_id=caller.key_id, action=action, document_id=document_id, detail=detail)
        )
