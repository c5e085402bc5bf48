"""Every domain's migrations go up and down cleanly, on the kind of database this run uses."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

import minihost
from minihost.db import Base
from minihost.db.migrate import downgrade, upgrade
from tests.conftest import PG_ADMIN_URL, TEST_DB, _pg_admin


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own, so going down to empty never touches the run's shared one."""
    if TEST_DB != "postgres":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"minihost_mig_{secrets.token_hex(4)}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names: set[str] = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


def _all_models() -> set[str]:
    for module in pkgutil.iter_modules(minihost.__path__):
        try:
            importlib.import_module(f"minihost.{module.name}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"minihost.{module.name}.models":
                raise
    return set(Base.metadata.tables)


def test_up_creates_every_model_table_and_down_removes_them(scratch_url: str) -> None:
    upgrade(scratch_url)
    assert asyncio.run(_tables(scratch_url)) == _all_models()
    downgrade(scratch_url)
    assert asyncio.run(_tables(scratch_url)) == set()
    upgrade(scratch_url)  # and up again from empty
    assert asyncio.run(_tables(scratch_url)) == _all_models()
