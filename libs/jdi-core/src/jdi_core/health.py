"""`/healthz` (the process answers) and `/readyz` (its broker and database answer) for every service."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

ReadinessCheck = Callable[[], Awaitable[object]]
OK = "ok"


async def check_readiness(checks: dict[str, ReadinessCheck], timeout_s: float = 2.0) -> dict[str, str]:
    """Run every check at once; each answers "ok" or says why it is unavailable."""

    async def run(check: ReadinessCheck) -> str:
        try:
            await asyncio.wait_for(check(), timeout_s)
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            return f"unavailable: {type(error).__name__}"
        return OK

    results = await asyncio.gather(*(run(check) for check in checks.values()))
    return dict(zip(checks, results, strict=True))


def health_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results = await check_readiness(checks)
        ready = all(result == OK for result in results.values())
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)

    return router
