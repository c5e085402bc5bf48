"""Shared by the auth tests: a user signed in to the host, an organisation and its mini programs."""

from __future__ import annotations

from dataclasses import dataclass, replace

import httpx
import pytest

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class SignedInUser:
    id: int
    headers: dict[str, str]
    """The session cookie and the CSRF header, as the host page sends them."""


@dataclass(frozen=True)
class MiniProgram:
    appid: str
    secret: str
    org_id: int


async def signed_in_user(ctx: Ctx, username: str) -> SignedInUser:
    user = await accounts.create_user(ctx, username, PASSWORD)
    signed = await accounts.sign_in(ctx, username, PASSWORD)
    return SignedInUser(user.id, {"Cookie": f"mh_session={signed.session_token}", "X-CSRF-Token": signed.csrf_token})


async def new_org(ctx: Ctx, owner_id: int, name: str) -> int:
    return await accounts.create_organisation(ctx, owner_id, name)


async def new_app(ctx: Ctx, org_id: int, name: str = "Demo") -> MiniProgram:
    reg = await apps.register_app(ctx, org_id, name)
    return MiniProgram(reg.app.appid, reg.appsecret, org_id)


def with_settings(ctx: Ctx, **changes: object) -> Ctx:
    """The same database and store under other settings (a short TTL, a low rate limit)."""
    return replace(ctx, settings=ctx.settings.model_copy(update=changes))


@dataclass(frozen=True)
class World:
    user: SignedInUser
    app: MiniProgram


@pytest.fixture
async def world(ctx: Ctx, unique: str) -> World:
    user = await signed_in_user(ctx, f"auth_{unique}")
    org = await new_org(ctx, user.id, f"Org {unique}")
    return World(user, await new_app(ctx, org))


async def login_code(web: httpx.AsyncClient, user: SignedInUser, appid: str) -> str:
    r = await web.post(f"/host/api/apps/{appid}/login", headers=user.headers)
    assert r.status_code == 200, r.text
    code: str = r.json()["code"]
    return code


async def code2session(
    web: httpx.AsyncClient, app: MiniProgram, code: str, **override: str | None
) -> dict[str, object]:
    params: dict[str, str | None] = {
        "appid": app.appid,
        "secret": app.secret,
        "js_code": code,
        "grant_type": "authorization_code",
    }
    params.update(override)
    r = await web.get("/sns/jscode2session", params={k: v for k, v in params.items() if v is not None})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body
