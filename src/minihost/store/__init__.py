"""Short-lived state (login codes, tokens, rate limits, locks) behind one small interface.

In-process for the embedded default; Redis when `MINIHOST_REDIS_URL` is set, so any number of server
processes share it.
"""

from __future__ import annotations

from minihost.store.base import LockNotAcquired, Store
from minihost.store.memory import MemoryStore
from minihost.store.redis import RedisStore


def create_store(redis_url: str) -> Store:
    if redis_url:
        return RedisStore(redis_url)
    return MemoryStore()


__all__ = ["LockNotAcquired", "MemoryStore", "RedisStore", "Store", "create_store"]
