"""Redis store: shared by every server process, the production path."""

from __future__ import annotations

from typing import Any, cast

from redis.asyncio import Redis

from minihost.store.base import Store

# Delete the lock only if we still hold it, so a lock that expired and was taken by another is left alone.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_INCR = "local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n"


class RedisStore(Store):
    def __init__(self, url: str) -> None:
        self._redis: Redis = Redis.from_url(url, max_connections=64)
        self._release_script = self._redis.register_script(_RELEASE)
        self._incr_script = self._redis.register_script(_INCR)

    @staticmethod
    def _px(ttl: float | None) -> int | None:
        return None if ttl is None else max(1, int(ttl * 1000))

    async def get(self, key: str) -> bytes | None:
        return cast(bytes | None, await self._redis.get(key))

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        await self._redis.set(key, value, px=self._px(ttl))

    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        return bool(await self._redis.set(key, value, px=self._px(ttl), nx=True))

    async def take(self, key: str) -> bytes | None:
        return cast(bytes | None, await self._redis.getdel(key))

    async def delete(self, key: str) -> bool:
        return bool(await self._redis.delete(key))

    async def incr(self, key: str, ttl: float) -> int:
        return int(await self._incr_script(keys=[key], args=[max(1, int(ttl * 1000))]))

    async def ttl(self, key: str) -> float | None:
        ms = int(await self._redis.pttl(key))
        return None if ms < 0 else ms / 1000

    async def _release(self, key: str, token: bytes) -> None:
        await self._release_script(keys=[key], args=[token])

    async def ping(self) -> bool:
        return bool(await cast(Any, self._redis.ping()))

    async def close(self) -> None:
        await self._redis.aclose()
