"""Rate limits per API key, and per client address for failed authentications (so keys cannot be guessed
at speed), with the `limits` library: a sliding window counter (this window's count and the last one's,
weighted by how much of it still overlaps: two counters per caller, O(1) per request) in each worker
process's memory.

In memory because a shared store (PostgreSQL) would cost a round trip per request, which the gateway's
latency budget cannot spare; the price is that with GATEWAY_WORKERS=w a key may make up to w times its
limit across the workers (and as many times more per gateway instance). The headers say what the caller
has left as the draft IETF RateLimit fields (`RateLimit-Policy`, `RateLimit`), and a refusal is a 429
problem with `Retry-After`.
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter


@dataclass(frozen=True)
class Quota:
    """What one caller has left in its window after a request."""

    policy: str
    limit: int
    window_s: int
    remaining: int
    reset_s: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Policy": f'"{self.policy}";q={self.limit};w={self.window_s}',
            "RateLimit": f'"{self.policy}";r={self.remaining};t={self.reset_s}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_s)
        return headers


class RateLimits:
    """`per_key` and `per_failing_address` are limits as the `limits` library writes them ("1200/minute")."""

    def __init__(self, per_key: str, per_failing_address: str) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._per_key = parse(per_key)
        self._per_failing_address = parse(per_failing_address)

    async def take_for_key(self, key_id: str) -> Quota:
        return await self._take("per-key", self._per_key, "key", key_id)

    async def take_for_failed_authentication(self, address: str) -> Quota:
        return await self._take("failed-authentication", self._per_failing_address, "address", address)

    async def _take(self, policy: str, item: RateLimitItem, kind: str, identity: str) -> Quota:
        allowed = await self._limiter.hit(item, kind, identity)
        reset_time, remaining = await self._limiter.get_window_stats(item, kind, identity)
        return Quota(
            policy=policy,
            limit=item.amount,
            window_s=item.get_expiry(),
            remaining=max(remaining, 0),
            reset_s=max(math.ceil(reset_time - time.time()), 1 if not allowed else 0),
            allowed=allowed,
        )
