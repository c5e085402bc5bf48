"""Shared by the accounts, apps and console tests: sign-up through the API (the `web` fixtures are global)."""

from __future__ import annotations

import httpx

PASSWORD = "correct horse battery"


async def sign_up(c: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict[str, object]:
    """Sign up and sign in; later requests from `c` carry the CSRF header. Returns the user."""
    r = await c.post("/api/accounts/signup", json={"username": username, "password": password})
    assert r.status_code == 201, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    user: dict[str, object] = r.json()["user"]
    return user
