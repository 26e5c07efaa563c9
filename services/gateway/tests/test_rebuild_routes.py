"""/v1/admin/read-model/rebuild on the fakes: one rebuild at a time, its progress and outcome readable."""

import asyncio

import httpx

from jdi_gateway.auth.api_key_auth import Scope
from jdi_gateway.rebuild import Progress

from .conftest import ADMIN_KEY, Fakes


def client(fakes: Fakes) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=fakes.app())
    return httpx.AsyncClient(transport=transport, base_url="http://gw", headers={"X-API-Key": ADMIN_KEY})


async def test_a_rebuild_runs_alone_reports_its_progress_and_switches() -> None:
    fakes = Fakes()
    fakes.api_keys.add_secret(ADMIN_KEY, Scope.ADMIN)
    release = asyncio.Event()

    async def rebuild(progress: Progress) -> int:
        await progress(1500)
        await release.wait()
        return 1500

    fakes.rebuild = rebuild
    async with client(fakes) as api:
        assert (await api.get("/v1/admin/read-model/rebuild")).status_code == 404
        started = await api.post("/v1/admin/read-model/rebuild")
        assert (started.status_code, started.json()["state"]) == (202, "running")
        again = await api.post("/v1/admin/read-model/rebuild")
        assert (again.status_code, again.json()["code"]) == (409, "rebuild_running")
        await asyncio.sleep(0.05)
        assert (await api.get("/v1/admin/read-model/rebuild")).json()["events_applied"] == 1500
        release.set()
        await asyncio.sleep(0.05)
        done = (await api.get("/v1/admin/read-model/rebuild")).json()
    assert (done["state"], done["error_type"], done["finished_at"] is not None) == ("switched", None, True)


async def test_a_failed_rebuild_says_why_and_another_may_start() -> None:
    fakes = Fakes()
    fakes.api_keys.add_secret(ADMIN_KEY, Scope.ADMIN)

    async def rebuild(progress: Progress) -> int:
        raise ConnectionError("no broker")

    fakes.rebuild = rebuild
    async with client(fakes) as api:
        await api.post("/v1/admin/read-model/rebuild")
        await asyncio.sleep(0.05)
        failed = (await api.get("/v1/admin/read-model/rebuild")).json()
        assert (failed["state"], failed["error_type"]) == ("failed", "ConnectionError")
        assert (await api.post("/v1/admin/read-model/rebuild")).status_code == 202
