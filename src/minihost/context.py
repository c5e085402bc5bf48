"""What every service function works with: settings, the database and the short-lived state store."""

from __future__ import annotations

from dataclasses import dataclass

from minihost.config import Settings
from minihost.db import Database
from minihost.store import Store, create_store


@dataclass
class Ctx:
    settings: Settings
    db: Database
    store: Store

    @classmethod
    def create(cls, settings: Settings) -> Ctx:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(
            settings=settings,
            db=Database(settings.resolved_database_url()),
            store=create_store(settings.redis_url),
        )

    async def close(self) -> None:
        await self.store.close()
        await self.db.dispose()
