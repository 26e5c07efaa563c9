"""An expensive read answered from its last result for a few seconds."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Recent(Generic[T]):
    """`get()` answers `compute()`'s last result while it is younger than `ttl_s` (0: always computes).
    Callers arriving while it computes wait for that same computation; a failure is not remembered."""

    def __init__(
        self, compute: Callable[[], Awaitable[T]], ttl_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._compute = compute
        self._ttl_s = ttl_s
        self._clock = clock
        self._result: tuple[T, float] | None = None  # the value and when it expires
        self._computing: asyncio.Future[T] | None = None

    async def get(self) -> T:
        if self._result is not None and self._result[1] > self._clock():
            return self._result[0]
        if self._computing is None:
            self._computing = asyncio.ensure_future(self._refresh())
        # A caller that goes away (a client disconnecting) does not cancel the others' computation.
        return await asyncio.shield(self._computing)

    async def _refresh(self) -> T:
        try:
            value = await self._compute()
            self._result = (value, self._clock() + self._ttl_s)
            return value
        finally:
            self._computing = None
