"""In-process store: the embedded default, for a single server process."""

from __future__ import annotations

import time

from minihost.store.base import Store


class MemoryStore(Store):
    def __init__(self) -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    def _sweep(self) -> None:
        # Expired keys are dropped lazily; a periodic sweep keeps abandoned codes from piling up.
        if len(self._data) % 1024 == 0:
            now = time.monotonic()
            for key in [k for k, (_, e) in self._data.items() if e is not None and e <= now]:
                del self._data[key]

    @staticmethod
    def _expiry(ttl: float | None) -> float | None:
        return None if ttl is None else time.monotonic() + ttl

    async def get(self, key: str) -> bytes | None:
        return self._live(key)

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self._sweep()
        self._data[key] = (value, self._expiry(ttl))

    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, value, ttl)
        return True

    async def take(self, key: str) -> bytes | None:
        value = self._live(key)
        if value is not None:
            del self._data[key]
        return value

    async def delete(self, key: str) -> bool:
        return self._data.pop(key, None) is not None

    async def incr(self, key: str, ttl: float) -> int:
        current = self._live(key)
        if current is None:
            self._data[key] = (b"1", self._expiry(ttl))
            return 1
        count = int(current) + 1
        self._data[key] = (str(count).encode(), self._data[key][1])
        return count

    async def ttl(self, key: str) -> float | None:
        if self._live(key) is None:
            return None
        expires = self._data[key][1]
        return None if expires is None else max(0.0, expires - time.monotonic())

    async def _release(self, key: str, token: bytes) -> None:
        if self._live(key) == token:
            del self._data[key]

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()
