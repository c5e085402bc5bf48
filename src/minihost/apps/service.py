"""The rules of apps: registration, appsecret, request-domain whitelist."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from minihost.apps.models import App
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.security import digest, same


@dataclass(frozen=True)
class AppInfo:
    id: int
    appid: str
    org_id: int
    name: str
    icon_url: str
    category: str
    description: str


@dataclass(frozen=True)
class RegisteredApp:
    app: AppInfo
    appsecret: str
    """Shown once, at registration or reset; only its digest is kept."""


def _info(app: App) -> AppInfo:
    return AppInfo(app.id, app.appid, app.org_id, app.name, app.icon_url, app.category, app.description)


def new_appid() -> str:
    return "wx" + secrets.token_hex(8)


def new_appsecret() -> str:
    return secrets.token_hex(16)


async def register_app(
    ctx: Ctx, org_id: int, name: str, *, icon_url: str = "", category: str = "", description: str = ""
) -> RegisteredApp:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise ApiError(400, "invalid_name", "A mini program name is 1 to 64 characters long.")
    secret = new_appsecret()
    async with ctx.db.session() as s, s.begin():
        app = App(
            appid=new_appid(),
            org_id=org_id,
            name=name,
            icon_url=icon_url,
            category=category[:64],
            description=description[:2000],
            secret_hash=digest(secret),
        )
        s.add(app)
        await s.flush()
        return RegisteredApp(_info(app), secret)


async def get_app(ctx: Ctx, appid: str) -> AppInfo | None:
    async with ctx.db.session() as s:
        app = (await s.execute(select(App).where(App.appid == appid))).scalar_one_or_none()
        return _info(app) if app else None


async def check_secret(ctx: Ctx, appid: str, secret: str) -> AppInfo | bool | None:
    """The app when the secret matches; None when no such appid; False when the secret is wrong."""
    async with ctx.db.session() as s:
        app = (await s.execute(select(App).where(App.appid == appid))).scalar_one_or_none()
        if app is None:
            return None
        return _info(app) if same(app.secret_hash, digest(secret)) else False
