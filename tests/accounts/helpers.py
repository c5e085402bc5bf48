"""Shared by the accounts, apps and console tests: a fresh cookie jar per test, and sign-up shortcuts.

The session-wide `client` fixture shares one cookie jar across the whole suite, so signing in through it
would leak a session into other domains' tests; these tests use their own clients on a shared app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from minihost.config import Settings
from minihost.context import Ctx
from minihost.web.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def accounts_app(settings: Settings, ctx: Ctx) -> FastAPI:
    return create_app(settings, ctx)


@pytest.fixture
async def web(accounts_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client with its own cookie jar."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=accounts_app), base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def web2(accounts_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second user's browser."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=accounts_app), base_url="http://testserver") as c:
        yield c


async def sign_up(c: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict[str, object]:
    """Sign up and sign in; later requests from `c` carry the CSRF header. Returns the user."""
    r = await c.post("/api/accounts/signup", json={"username": username, "password": password})
    assert r.status_code == 201, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    user: dict[str, object] = r.json()["user"]
    return user
