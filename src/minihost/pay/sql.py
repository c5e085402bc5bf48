"""Plain SQL for the payment hot paths: one statement per step, one transaction per call, no ORM.

Measured on the order and payment paths, a SQLAlchemy session costs four round trips before the first
statement does anything (the pool's pre-ping is itself BEGIN; SELECT; ROLLBACK, then BEGIN again) plus the
ORM's unit of work. Here, on PostgreSQL, statements go straight to asyncpg through a small pool of the pay
domain's own (no pre-ping: a broken connection fails its statement, the caller's retry gets a new one);
on SQLite they go through the engine's connection as SQLAlchemy `text()`. The SQL is written once with
`:name` parameters and runs on both.

    async with sql.transaction(ctx) as tx:           # BEGIN ... COMMIT (ROLLBACK on any exception)
        row = await tx.one("UPDATE ... RETURNING id", id=5)
    row = await sql.one(ctx, "SELECT ...", x=1)       # one autocommitted statement

Constraint failures raise `Violation` (`.unique` tells a duplicate key from a CHECK) whichever database.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from minihost.context import Ctx
from minihost.db import Database

POOL_SIZE = 10
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_pg_sql: dict[str, tuple[str, tuple[str, ...]]] = {}
_pools: weakref.WeakKeyDictionary[Database, Any] = weakref.WeakKeyDictionary()
_pool_locks: weakref.WeakKeyDictionary[Database, asyncio.Lock] = weakref.WeakKeyDictionary()

Row = Sequence[Any]


class Violation(Exception):
    """A unique or CHECK constraint refused the statement; the transaction is rolled back."""

    def __init__(self, unique: bool, detail: str) -> None:
        super().__init__(detail)
        self.unique = unique


def _to_pg(query: str) -> tuple[str, tuple[str, ...]]:
    found = _pg_sql.get(query)
    if found is None:
        names: list[str] = []

        def number(m: re.Match[str]) -> str:
            if m.group(1) not in names:
                names.append(m.group(1))
            return f"${names.index(m.group(1)) + 1}"

        found = _pg_sql[query] = (_PARAM.sub(number, query), tuple(names))
    return found


def is_postgres(ctx: Ctx) -> bool:
    return ctx.db.url.startswith("postgresql")


class Tx:
    """Statements on one connection (inside a transaction when made by `transaction`)."""

    async def one(self, query: str, **params: Any) -> Row | None:
        raise NotImplementedError

    async def all(self, query: str, **params: Any) -> list[Row]:
        raise NotImplementedError

    async def run(self, query: str, **params: Any) -> None:
        await self.all(query, **params)


class PgTx(Tx):
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def all(self, query: str, **params: Any) -> list[Row]:
        import asyncpg  # type: ignore[import-untyped]

        pg, names = _to_pg(query)
        try:
            return list(await self.conn.fetch(pg, *(params[n] for n in names)))
        except asyncpg.UniqueViolationError as exc:
            raise Violation(True, str(exc)) from None
        except (asyncpg.CheckViolationError, asyncpg.ForeignKeyViolationError, asyncpg.NotNullViolationError) as exc:
            raise Violation(False, str(exc)) from None

    async def one(self, query: str, **params: Any) -> Row | None:
        rows = await self.all(query, **params)
        return rows[0] if rows else None


def _sqlite_time(value: datetime) -> str:
    # The format SQLAlchemy's DateTime stores on SQLite (naive UTC), so rows written here and by the ORM
    # compare and read back the same.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def as_time(value: Any) -> datetime:
    """A timestamp column read by plain SQL: a datetime on PostgreSQL, text on SQLite; always aware UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _SaTx(Tx):
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def all(self, query: str, **params: Any) -> list[Row]:
        for k, v in params.items():
            if isinstance(v, datetime):
                params[k] = _sqlite_time(v)
        try:
            result = await self.conn.execute(text(query), params)
        except IntegrityError as exc:
            raise Violation("UNIQUE" in str(exc.orig), str(exc.orig)) from None
        return list(result.all()) if result.returns_rows else []

    async def one(self, query: str, **params: Any) -> Row | None:
        rows = await self.all(query, **params)
        return rows[0] if rows else None


async def _pool(ctx: Ctx) -> Any:
    pool = _pools.get(ctx.db)
    if pool is not None:
        return pool
    lock = _pool_locks.setdefault(ctx.db, asyncio.Lock())
    async with lock:
        pool = _pools.get(ctx.db)
        if pool is None:
            import asyncpg

            dsn = ctx.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

            async def no_reset(_conn: Any) -> None:
                # Every use ends its own transaction; skipping asyncpg's RESET ALL saves a round trip.
                return None

            pool = await asyncpg.create_pool(dsn, min_size=0, max_size=POOL_SIZE, reset=no_reset)
            _pools[ctx.db] = pool
    return pool


async def close(ctx: Ctx) -> None:
    """Close the pay domain's connections of this context (the app's lifespan does it at shutdown)."""
    pool = _pools.pop(ctx.db, None)
    if pool is not None:
        await pool.close()


@asynccontextmanager
async def transaction(ctx: Ctx) -> AsyncIterator[Tx]:
    if is_postgres(ctx):
        pool = await _pool(ctx)
        async with pool.acquire() as conn, conn.transaction():
            yield PgTx(conn)
    else:
        async with ctx.db.engine.begin() as conn:
            yield _SaTx(conn)


@asynccontextmanager
async def connection(ctx: Ctx) -> AsyncIterator[Tx]:
    """Each statement commits on its own (one round trip on PostgreSQL)."""
    if is_postgres(ctx):
        pool = await _pool(ctx)
        async with pool.acquire() as conn:
            yield PgTx(conn)
    else:
        async with ctx.db.engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield _SaTx(auto)


async def one(ctx: Ctx, query: str, **params: Any) -> Row | None:
    async with connection(ctx) as c:
        return await c.one(query, **params)


async def all(ctx: Ctx, query: str, **params: Any) -> list[Row]:
    async with connection(ctx) as c:
        return await c.all(query, **params)
