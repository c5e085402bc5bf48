"""Alembic environment: runs migrations over the async engine for SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import minihost
from minihost.db import Base

# Import every domain's models so autogenerate sees all tables.
for module in pkgutil.iter_modules(minihost.__path__):
    try:
        importlib.import_module(f"minihost.{module.name}.models")
    except ModuleNotFoundError as exc:
        if exc.name != f"minihost.{module.name}.models":
            raise

config = context.config
target_metadata = Base.metadata


def _domain_tables(domain: str) -> set[str]:
    return {
        str(getattr(mapper.local_table, "name", ""))
        for mapper in Base.registry.mappers
        if mapper.class_.__module__.startswith(f"minihost.{domain}.")
    }


def _run(connection: Connection) -> None:
    # New revisions are made per domain (`scripts/new_migration DOMAIN`): only that domain's tables count.
    domain = config.attributes.get("domain")
    tables = _domain_tables(domain) if domain else None

    def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        if tables is None:
            return True
        table = getattr(obj, "table", obj) if type_ != "table" else obj
        return getattr(table, "name", name) in tables

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(config.attributes["database_url"], poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


asyncio.run(_run_async())
