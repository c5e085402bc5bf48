"""The same behaviour from both short-lived state stores: in-process and Redis."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest

from minihost.store import LockNotAcquired, MemoryStore, RedisStore, Store
from tests.conftest import REDIS_URL, _check_redis


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    if request.param == "redis":
        _check_redis()
        s: Store = RedisStore(REDIS_URL)
    else:
        s = MemoryStore()
    yield s
    await s.close()


def key() -> str:
    return f"test:{secrets.token_hex(8)}"


async def test_set_get_and_expiry(store: Store) -> None:
    k = key()
    await store.set(k, b"v", ttl=0.2)
    assert await store.get(k) == b"v"
    ttl = await store.ttl(k)
    assert ttl is not None and 0 < ttl <= 0.2
    await asyncio.sleep(0.3)
    assert await store.get(k) is None
    assert await store.ttl(k) is None


async def test_take_gives_a_value_exactly_once(store: Store) -> None:
    k = key()
    await store.set(k, b"code", ttl=60)
    results = await asyncio.gather(*(store.take(k) for _ in range(20)))
    assert results.count(b"code") == 1
    assert await store.get(k) is None


async def test_add_only_when_absent(store: Store) -> None:
    k = key()
    assert await store.add(k, b"1", ttl=60) is True
    assert await store.add(k, b"2", ttl=60) is False
    assert await store.get(k) == b"1"
    assert await store.delete(k) is True
    assert await store.delete(k) is False


async def test_incr_counts_in_a_window(store: Store) -> None:
    k = key()
    counts = [await store.incr(k, ttl=0.3) for _ in range(3)]
    assert counts == [1, 2, 3]
    await asyncio.sleep(0.4)
    assert await store.incr(k, ttl=0.3) == 1


async def test_lock_excludes_other_holders(store: Store) -> None:
    name = key()
    inside = 0
    peak = 0

    async def worker() -> None:
        nonlocal inside, peak
        async with store.lock(name, ttl=5, wait=5):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(worker() for _ in range(8)))
    assert peak == 1


async def test_lock_wait_gives_up(store: Store) -> None:
    name = key()
    async with store.lock(name, ttl=5):
        with pytest.raises(LockNotAcquired):
            async with store.lock(name, ttl=5, wait=0.05):
                pass
    async with store.lock(name, ttl=5, wait=0.05):  # released: free again
        pass


async def test_ping(store: Store) -> None:
    assert await store.ping() is True
