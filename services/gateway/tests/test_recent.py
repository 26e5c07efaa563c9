"""Recent: a result reused for its TTL, one computation for callers arriving together, failures forgotten."""

import asyncio

import pytest

from jdi_gateway.store.recent import Recent


class Counting:
    """Computes 1, 2, 3...; holds each computation until `release` is set."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self.release.set()
        self.fail = False

    async def __call__(self) -> int:
        self.calls += 1
        await self.release.wait()
        if self.fail:
            raise ConnectionError("database unreachable")
        return self.calls


async def test_a_result_is_reused_until_it_is_older_than_the_ttl() -> None:
    now = [0.0]
    compute = Counting()
    recent = Recent(compute, ttl_s=2, clock=lambda: now[0])
    assert [await recent.get(), await recent.get()] == [1, 1]
    now[0] = 2.5
    assert await recent.get() == 2


async def test_callers_arriving_during_a_computation_share_it() -> None:
    compute = Counting()
    compute.release.clear()
    recent = Recent(compute, ttl_s=2)
    waiting = [asyncio.create_task(recent.get()) for _ in range(5)]
    await asyncio.sleep(0)
    compute.release.set()
    assert await asyncio.gather(*waiting) == [1] * 5
    assert compute.calls == 1


async def test_a_failure_reaches_the_callers_and_the_next_call_computes_again() -> None:
    compute = Counting()
    compute.fail = True
    recent = Recent(compute, ttl_s=2)
    with pytest.raises(ConnectionError):
        await recent.get()
    compute.fail = False
    assert await recent.get() == 2


async def test_no_ttl_computes_every_time() -> None:
    recent = Recent(Counting(), ttl_s=0)
    assert [await recent.get(), await recent.get()] == [1, 2]
