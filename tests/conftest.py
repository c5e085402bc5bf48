"""Shared fixtures: a fresh database per test run (SQLite or PostgreSQL) and a state store (memory or Redis).

Choose with MINIHOST_TEST_DB=sqlite|postgres and MINIHOST_TEST_STORE=memory|redis. A service the machine
lacks makes the run fail loudly with the reason; nothing is skipped.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from minihost.config import Settings
from minihost.context import Ctx
from minihost.db.migrate import upgrade
from minihost.web.app import create_app
from tests.https_backend import Backend, start_backend, stop_backend

TEST_DB = os.environ.get("MINIHOST_TEST_DB", "sqlite")
TEST_STORE = os.environ.get("MINIHOST_TEST_STORE", "memory")
PG_ADMIN_URL = os.environ.get("MINIHOST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("MINIHOST_TEST_REDIS", "redis://127.0.0.1:6379/0")


async def _pg_admin(sql: str) -> None:
    import asyncpg

    try:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"MINIHOST_TEST_DB=postgres needs PostgreSQL at {PG_ADMIN_URL}: {exc}", pytrace=False)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _check_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"MINIHOST_TEST_STORE=redis needs Redis at {REDIS_URL}: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def https_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """A mini program backend at https://api.example.test (loopback, its own CA), reached by the server's
    wx.request proxy through MINIHOST_REQUEST_RESOLVE and MINIHOST_REQUEST_CA_BUNDLE."""
    backend = start_backend(tmp_path_factory.mktemp("https-backend"))
    yield backend
    stop_backend(backend)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, https_backend: Backend) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("minihost-data")
    pg_name = ""
    if TEST_DB == "postgres":
        pg_name = f"minihost_test_{secrets.token_hex(4)}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{pg_name}"'))
        db_url = PG_ADMIN_URL.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{pg_name}"
    elif TEST_DB == "sqlite":
        db_url = f"sqlite+aiosqlite:///{data_dir / 'test.db'}"
    else:
        pytest.fail(f"MINIHOST_TEST_DB must be sqlite or postgres, not {TEST_DB!r}", pytrace=False)
    redis_url = ""
    if TEST_STORE == "redis":
        _check_redis()
        redis_url = REDIS_URL
    elif TEST_STORE != "memory":
        pytest.fail(f"MINIHOST_TEST_STORE must be memory or redis, not {TEST_STORE!r}", pytrace=False)
    s = Settings(
        data_dir=data_dir,
        database_url=db_url,
        redis_url=redis_url,
        secret_key="test-secret-key",
        log_requests=False,
        seed_demo=False,
        request_resolve=https_backend.resolve,
        request_ca_bundle=str(https_backend.ca_path),
        _env_file=None,  # type: ignore[call-arg]
    )
    upgrade(db_url)
    yield s
    if pg_name:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
async def ctx(settings: Settings) -> AsyncIterator[Ctx]:
    c = Ctx.create(settings)
    yield c
    await c.close()


@pytest.fixture(scope="session")
def asgi_app(settings: Settings, ctx: Ctx) -> FastAPI:
    return create_app(settings, ctx)


def _in_process(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture(scope="session")
async def client(asgi_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (no sockets), shared by the whole run: no sign-ins here."""
    async with _in_process(asgi_app) as c:
        yield c


@pytest.fixture
async def web(asgi_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own: an in-process client with its own cookie jar."""
    async with _in_process(asgi_app) as c:
        yield c


@pytest.fixture
async def web2(asgi_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second user's browser."""
    async with _in_process(asgi_app) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[str]:
    """The real server on a loopback port, in a thread, for browsers and SDKs: yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live test server did not start", pytrace=False)
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def unique() -> str:
    """A short random suffix so tests sharing one database never collide."""
    return secrets.token_hex(4)


def fixtures_dir() -> Path:
    return Path(__file__).parent
