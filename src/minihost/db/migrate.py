"""Alembic, driven from code: every domain keeps its migrations in `<domain>/migrations/` as its own branch."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def version_locations() -> list[str]:
    return sorted(str(p) for p in PACKAGE_ROOT.glob("*/migrations") if p.is_dir())


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "alembic"))
    cfg.set_main_option("version_locations", " ".join(version_locations()))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, target: str = "heads") -> None:
    command.upgrade(alembic_config(database_url), target)


def downgrade(database_url: str, target: str = "base") -> None:
    command.downgrade(alembic_config(database_url), target)


async def upgrade_async(database_url: str, target: str = "heads") -> None:
    # Alembic's env runs its own event loop for the async engine, so keep it off ours.
    await asyncio.to_thread(upgrade, database_url, target)
