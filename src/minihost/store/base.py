"""The interface both short-lived state stores implement."""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class LockNotAcquired(Exception):
    """Another holder kept the lock past the wait."""


class Store(ABC):
    """Keys are strings, values bytes; every key may carry a time to live in seconds."""

    @abstractmethod
    async def get(self, key: str) -> bytes | None: ...

    @abstractmethod
    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None: ...

    @abstractmethod
    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        """Set only if absent; True when this call created the key."""

    @abstractmethod
    async def take(self, key: str) -> bytes | None:
        """Get and delete in one atomic step: what makes a one-time code work once."""

    @abstractmethod
    async def delete(self, key: str) -> bool: ...

    @abstractmethod
    async def incr(self, key: str, ttl: float) -> int:
        """Add one and return the count; the window's TTL is set by the first increment."""

    @abstractmethod
    async def ttl(self, key: str) -> float | None:
        """Seconds left, None when the key is missing or never expires."""

    @abstractmethod
    async def _release(self, key: str, token: bytes) -> None: ...

    @abstractmethod
    async def ping(self) -> bool: ...

    @abstractmethod
    async def close(self) -> None: ...

    @asynccontextmanager
    async def lock(self, name: str, ttl: float = 10.0, wait: float = 5.0) -> AsyncIterator[None]:
        """A mutual-exclusion lock across every process that shares this store."""
        import asyncio

        key = f"lock:{name}"
        token = secrets.token_bytes(16)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        delay = 0.002
        while not await self.add(key, token, ttl):
            if loop.time() >= deadline:
                raise LockNotAcquired(name)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
        try:
            yield
        finally:
            await self._release(key, token)
