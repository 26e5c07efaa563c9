"""CachedApiKeys: a verified key is trusted for its TTL, a revocation elsewhere is honoured after it,
one through the cache at once; unknown keys are never remembered; the cache stays bounded."""

from jdi_gateway.auth.api_key_auth import Scope, hash_secret
from jdi_gateway.auth.key_cache import CachedApiKeys

from .conftest import InMemoryApiKeys


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def cached(ttl_s: float = 10.0, max_entries: int = 100) -> tuple[InMemoryApiKeys, CachedApiKeys, Clock]:
    keys, clock = InMemoryApiKeys(), Clock()
    keys.add_secret("reader", Scope.DOCUMENTS_READ)
    return keys, CachedApiKeys(keys, ttl_s, max_entries=max_entries, clock=clock), clock


async def test_a_key_revoked_elsewhere_is_refused_once_its_entry_expires() -> None:
    keys, cache, clock = cached(ttl_s=10)
    assert (await cache.active_key(hash_secret("reader"))) is not None
    await keys.revoke("reader")  # another worker, straight in the database
    clock.now += 9.9
    assert (await cache.active_key(hash_secret("reader"))) is not None
    clock.now += 0.2
    assert (await cache.active_key(hash_secret("reader"))) is None


async def test_a_key_revoked_through_the_cache_is_refused_at_once() -> None:
    _, cache, _ = cached()
    assert (await cache.active_key(hash_secret("reader"))) is not None
    assert await cache.revoke("reader")
    assert (await cache.active_key(hash_secret("reader"))) is None


async def test_an_unknown_key_is_asked_again_so_a_new_key_works_at_once() -> None:
    _, cache, _ = cached()
    assert (await cache.active_key(hash_secret("minted-later"))) is None
    await cache.add("minted-later", "new", hash_secret("minted-later"), [Scope.SEARCH.value])
    key = await cache.active_key(hash_secret("minted-later"))
    assert key is not None
    assert key.scopes == (Scope.SEARCH.value,)


async def test_no_ttl_asks_the_keys_every_time() -> None:
    keys, cache, _ = cached(ttl_s=0)
    assert (await cache.active_key(hash_secret("reader"))) is not None
    await keys.revoke("reader")
    assert (await cache.active_key(hash_secret("reader"))) is None


async def test_the_oldest_entry_goes_when_the_cache_is_full() -> None:
    keys, cache, clock = cached(max_entries=2)
    for secret in ("a", "b", "c"):
        keys.add_secret(secret, Scope.SEARCH)
        clock.now += 1
        await cache.active_key(hash_secret(secret))
    for secret in ("a", "b", "c"):
        await keys.revoke(secret)
    # "a" was dropped for "c", so it is asked again (and is revoked); "b" and "c" are still remembered.
    assert [await cache.active_key(hash_secret(secret)) is not None for secret in ("a", "b", "c")] == [
        False,
        True,
        True,
    ]
