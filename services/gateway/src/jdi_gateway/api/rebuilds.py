"""/v1/admin/read-model/rebuild: rebuild the read model from the topics and switch over (`jdi replay gateway`).

The worker that takes the request runs the rebuild as a task of its own, while it goes on serving; its
progress is in the database, so any worker answers how far it is."""

import asyncio
import logging
from dataclasses import asdict
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from jdi_gateway.api.dependencies import Wired
from jdi_gateway.api.errors import ApiError
from jdi_gateway.api.models import json_of
from jdi_gateway.api.openapi import responses
from jdi_gateway.auth.api_key_auth import Caller, Scope, require
from jdi_gateway.store.port import STALE_AFTER_S, Rebuild, Rebuilds
from jdi_gateway.wiring import RebuildRunner

router = APIRouter(prefix="/v1/admin/read-model", tags=["operations"])
logger = logging.getLogger(__name__)


class RebuildView(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rebuild_id": 3,
                    "state": "running",
                    "started_at": "2026-12-04T10:00:00Z",
                    "updated_at": "2026-12-04T10:00:41Z",
                    "finished_at": None,
                    "events_applied": 182000,
                    "error_type": None,
                }
            ]
        }
    )

    rebuild_id: int
    state: Literal["running", "switched", "failed", "abandoned"] = Field(
        description=f"`switched`: the rebuilt read model serves; `failed`: the old one still does (see "
        f"`error_type`); `abandoned`: its process stopped (no progress for {STALE_AFTER_S:.0f} s)"
    )
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    events_applied: int
    error_type: str | None = Field(description="why it failed: the error's type")


@router.post(
    "/rebuild",
    status_code=202,
    response_model=RebuildView,
    summary="Rebuild the read model from the topics into a fresh schema, then switch over",
    description="API keys, the audit log and the search log are kept. One rebuild at a time: 409 while one runs.",
    responses=responses(409),
)
async def start_rebuild(request: Request, wired: Wired, _: Caller = require(Scope.ADMIN)) -> Response:
    started = await wired.rebuilds.start()
    if started is None:
        raise ApiError(409, "rebuild_running", "A rebuild of the read model is running; follow it with GET.")
    task = asyncio.create_task(_run(wired.rebuilds, wired.rebuild, started.rebuild_id))
    # The event loop keeps only weak references to tasks.
    running: set[asyncio.Task[None]] = request.app.state.rebuild_tasks
    running.add(task)
    task.add_done_callback(running.discard)
    return Response(_view(started).model_dump_json(), status_code=202, media_type="application/json")


@router.get(
    "/rebuild", response_model=RebuildView, summary="The latest rebuild of the read model", responses=responses(404)
)
async def latest_rebuild(wired: Wired, _: Caller = require(Scope.ADMIN)) -> Response:
    latest = await wired.rebuilds.latest()
    if latest is None:
        raise ApiError(404, "not_found", "The read model was never rebuilt.")
    return json_of(_view(latest))


async def _run(rebuilds: Rebuilds, rebuild: RebuildRunner, rebuild_id: int) -> None:
    async def progress(events_applied: int) -> None:
        await rebuilds.progress(rebuild_id, events_applied)

    try:
        await rebuild(progress)
    except Exception as error:
        logger.exception("read model rebuild failed", extra={"error": type(error).__name__})
        await rebuilds.finish(rebuild_id, type(error).__name__)
        return
    await rebuilds.finish(rebuild_id, None)


def _view(rebuild: Rebuild) -> RebuildView:
    return RebuildView(**asdict(rebuild))
