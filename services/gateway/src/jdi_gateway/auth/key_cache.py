"""Verified API keys remembered for a few seconds, so a request costs no database query for its key.

Entries are keyed by the secret's SHA-256, never by the secret. A key revoked through this process is
forgotten at once; one revoked elsewhere (another worker or instance, the database directly) is refused
at the latest `ttl_s` seconds later. Unknown keys are not remembered: each one is looked up.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from jdi_gateway.store.port import ApiKey, ApiKeys

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Entry:
    key: ApiKey
    expires_at: float


class CachedApiKeys:
    """`ApiKeys` in front of another, remembering `active_key`'s answers for `ttl_s` (0: never)."""

    def __init__(
        self,
        keys: ApiKeys,
        ttl_s: float,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys = keys
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        # Insertion order is expiry order: the first entry is always the next to expire.
        self._entries: dict[str, _Entry] = {}

    async def add(self, key_id: str, name: str, secret_sha256: str, scopes: list[str]) -> None:
        await self._keys.add(key_id, name, secret_sha256, scopes)

    async def active_key(self, secret_sha256: str) -> ApiKey | None:
        now = self._clock()
        entry = self._entries.get(secret_sha256)
        if entry is not None and entry.expires_at > now:
            return entry.key
        self._entries.pop(secret_sha256, None)
        key = await self._keys.active_key(secret_sha256)
        if key is not None and self._ttl_s > 0:
            self._drop_expired(now)
            if len(self._entries) >= self._max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[secret_sha256] = _Entry(key, now + self._ttl_s)
        return key

    async def all_keys(self) -> list[ApiKey]:
        return await self._keys.all_keys()

    async def revoke(self, key_id: str) -> bool:
        revoked = await self._keys.revoke(key_id)
        for secret_sha256 in [h for h, entry in self._entries.items() if entry.key.key_id == key_id]:
            del self._entries[secret_sha256]
        return revoked

    def _drop_expired(self, now: float) -> None:
        while self._entries:
            oldest = next(iter(self._entries))
            if self._entries[oldest].expires_at > now:
                return
            del self._entries[oldest]
