"""The rules of apps: registration, appsecret, request-domain whitelist.

Functions other domains use:
- `register_app(ctx, org_id, name, *, icon_url="", category="", description="") -> RegisteredApp`
- `get_app(ctx, appid) -> AppInfo | None`, `list_org_apps(ctx, org_id) -> list[AppInfo]`
- `save_icon(ctx, appid, data) -> AppInfo` (an uploaded PNG/JPEG/GIF/WebP, served at `/api/apps/icons/<file>`)
- `update_app(ctx, appid, *, name=None, icon_url=None, category=None, description=None) -> AppInfo`
- `reset_secret(ctx, appid) -> RegisteredApp` (the old secret stops working at once)
- `check_secret(ctx, appid, secret) -> AppInfo | False | None` (for /cgi-bin/token and jscode2session)
- `set_domains(ctx, appid, kind, entries) -> list[str]`, `set_domain_lists(ctx, appid, {kind: entries})`,
  `get_domains(ctx, appid) -> dict[kind, list[str]]`
- `allowed_request_url(ctx, appid, url, kind="request") -> bool`: whether the host's proxy may fetch `url`
  for this app. True only for a `https://` (`wss://` for kind "socket") URL whose host (and port; 443 is
  the same as none) is exactly a whitelisted entry. URLs with user info, backslashes, spaces or an IP
  address are never allowed. The answer is cached in the store for a minute and dropped when the list
  changes. The proxy must fetch exactly the URL it checked, and check again before following a redirect.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from minihost.apps.domains import KINDS, MAX_PER_KIND, DomainError, invalid_domain, normalise_entry, url_key
from minihost.apps.models import App, AppDomain
from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.security import digest, same

CATEGORIES = (
    "Business",
    "Education",
    "Entertainment",
    "Finance",
    "Food & Drink",
    "Games",
    "Government",
    "Health",
    "Lifestyle",
    "News",
    "Photo & Video",
    "Productivity",
    "Shopping",
    "Social",
    "Sports",
    "Tools",
    "Travel",
    "Utilities",
)
MAX_NAME = 64
MAX_DESCRIPTION = 2000
MAX_ICON_URL = 512
_DOMAINS_CACHE_TTL = 60


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


def app_not_found(appid: str) -> ApiError:
    return ApiError(404, "app_not_found", f"No mini program with appid {appid[:40]!r}; check the appid.")


def _name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise ApiError(400, "invalid_name", f"A mini program name is 1 to {MAX_NAME} characters long.")
    return name


def _category(category: str) -> str:
    if category and category not in CATEGORIES:
        raise ApiError(400, "invalid_category", f"Choose a category from: {', '.join(CATEGORIES)}.")
    return category


def _description(description: str) -> str:
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise ApiError(400, "invalid_description", f"A description is at most {MAX_DESCRIPTION} characters.")
    return description


def _icon_url(icon_url: str) -> str:
    icon_url = icon_url.strip()
    if not icon_url:
        return ""
    ok = len(icon_url) <= MAX_ICON_URL and (
        icon_url.startswith("https://") or (icon_url.startswith("/") and not icon_url.startswith("//"))
    )
    if not ok or any(ch.isspace() or ch in "\"'<>\\" for ch in icon_url):
        raise ApiError(400, "invalid_icon_url", "An icon is an https:// image URL (at most 512 characters).")
    return icon_url


async def register_app(
    ctx: Ctx, org_id: int, name: str, *, icon_url: str = "", category: str = "", description: str = ""
) -> RegisteredApp:
    name, category = _name(name), _category(category)
    description, icon_url = _description(description), _icon_url(icon_url)
    secret = new_appsecret()
    async with ctx.db.session() as s, s.begin():
        app = App(
            appid=new_appid(),
            org_id=org_id,
            name=name,
            icon_url=icon_url,
            category=category,
            description=description,
            secret_hash=digest(secret),
        )
        s.add(app)
        await s.flush()
        return RegisteredApp(_info(app), secret)


async def get_app(ctx: Ctx, appid: str) -> AppInfo | None:
    async with ctx.db.session() as s:
        app = (await s.execute(select(App).where(App.appid == appid))).scalar_one_or_none()
        return _info(app) if app else None


async def list_org_apps(ctx: Ctx, org_id: int) -> list[AppInfo]:
    async with ctx.db.session() as s:
        rows = await s.execute(select(App).where(App.org_id == org_id).order_by(App.name, App.id))
        return [_info(a) for a in rows.scalars()]


async def list_apps_in_orgs(ctx: Ctx, org_ids: list[int]) -> list[AppInfo]:
    if not org_ids:
        return []
    async with ctx.db.session() as s:
        rows = await s.execute(select(App).where(App.org_id.in_(org_ids)).order_by(App.name, App.id))
        return [_info(a) for a in rows.scalars()]


async def update_app(
    ctx: Ctx,
    appid: str,
    *,
    name: str | None = None,
    icon_url: str | None = None,
    category: str | None = None,
    description: str | None = None,
) -> AppInfo:
    """Change the given fields (None leaves a field as it is)."""
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _name(name)
    if icon_url is not None:
        changes["icon_url"] = _icon_url(icon_url)
    if category is not None:
        changes["category"] = _category(category)
    if description is not None:
        changes["description"] = _description(description)
    async with ctx.db.session() as s, s.begin():
        app = (await s.execute(select(App).where(App.appid == appid))).scalar_one_or_none()
        if app is None:
            raise app_not_found(appid)
        for key, value in changes.items():
            setattr(app, key, value)
        return _info(app)


async def reset_secret(ctx: Ctx, appid: str) -> RegisteredApp:
    """A new appsecret; the old one stops working with this commit."""
    secret = new_appsecret()
    async with ctx.db.session() as s, s.begin():
        app = (await s.execute(select(App).where(App.appid == appid))).scalar_one_or_none()
        if app is None:
            raise app_not_found(appid)
        app.secret_hash = digest(secret)
        app.secret_reset_at = utcnow()
        return RegisteredApp(_info(app), secret)


async def check_secret(ctx: Ctx, appid: str, secret: str) -> AppInfo | bool | None:
    """The app when the secret matches; None when no such appid; False when the secret is wrong."""
    # Every backend call (jscode2session, tokens) comes through here: one Core statement, no ORM objects.
    query = select(
        App.id, App.appid, App.org_id, App.name, App.icon_url, App.category, App.description, App.secret_hash
    ).where(App.appid == appid)
    async with ctx.db.read() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        return None
    if not same(row.secret_hash, digest(secret)):
        return False
    return AppInfo(row.id, row.appid, row.org_id, row.name, row.icon_url, row.category, row.description)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ApiError(400, "invalid_domain_kind", f"A domain list is one of {', '.join(KINDS)}.")
    return kind


def normalise_entries(kind: str, entries: list[str]) -> list[str]:
    """The stored form of a whole list (duplicates dropped, order kept); 400 `invalid_domain` names the entry."""
    _kind(kind)
    out: list[str] = []
    for entry in entries:
        try:
            host = normalise_entry(entry, kind)
        except DomainError as exc:
            raise invalid_domain(f"{entry[:100]!r} is not a valid {kind} domain: {exc}.") from None
        if host not in out:
            out.append(host)
    if len(out) > MAX_PER_KIND:
        raise ApiError(400, "too_many_domains", f"At most {MAX_PER_KIND} {kind} domains; remove some first.")
    return out


async def set_domains(ctx: Ctx, appid: str, kind: str, entries: list[str]) -> list[str]:
    """Replace the app's whitelist of one kind; returns the stored (normalised) entries."""
    return (await set_domain_lists(ctx, appid, {kind: entries}))[kind]


async def set_domain_lists(ctx: Ctx, appid: str, lists: dict[str, list[str]]) -> dict[str, list[str]]:
    """Replace several kinds' whitelists in one transaction: all are stored, or (on any bad entry) none."""
    normalised = {kind: normalise_entries(kind, entries) for kind, entries in lists.items()}
    async with ctx.db.session() as s, s.begin():
        app_id = (await s.execute(select(App.id).where(App.appid == appid))).scalar_one_or_none()
        if app_id is None:
            raise app_not_found(appid)
        for kind, hosts in normalised.items():
            await s.execute(delete(AppDomain).where(AppDomain.app_id == app_id, AppDomain.kind == kind))
            s.add_all(AppDomain(app_id=app_id, kind=kind, host=h) for h in hosts)
    await ctx.store.delete(_domains_key(appid))
    return normalised


async def get_domains(ctx: Ctx, appid: str) -> dict[str, list[str]]:
    """Every kind's stored entries (host or host:port), in the order they were given."""
    async with ctx.db.session() as s:
        app_id = (await s.execute(select(App.id).where(App.appid == appid))).scalar_one_or_none()
        if app_id is None:
            raise app_not_found(appid)
        rows = await s.execute(
            select(AppDomain.kind, AppDomain.host).where(AppDomain.app_id == app_id).order_by(AppDomain.id)
        )
        out: dict[str, list[str]] = {k: [] for k in KINDS}
        for kind, host in rows:
            out.setdefault(kind, []).append(host)
        return out


def _domains_key(appid: str) -> str:
    return f"app-domains:{appid}"


async def allowed_request_url(ctx: Ctx, appid: str, url: str, kind: str = "request") -> bool:
    """Whether the host may fetch `url` for this app: see the module docstring."""
    if kind not in KINDS:
        return False
    key = url_key(url, kind)
    if key is None:
        return False
    cached = await ctx.store.get(_domains_key(appid))
    if cached is not None:
        domains: dict[str, list[str]] = json.loads(cached)
    else:
        try:
            domains = await get_domains(ctx, appid)
        except ApiError:
            return False
        await ctx.store.set(_domains_key(appid), json.dumps(domains).encode(), _DOMAINS_CACHE_TTL)
    return key in domains.get(kind, [])


MAX_ICON_BYTES = 512 * 1024
ICON_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
ICON_URL_PREFIX = "/api/apps/icons/"
_ICON_NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg|gif|webp)$")


def _icon_kind(data: bytes) -> str | None:
    # Judged by content, never by the client's content type; SVG is refused because it can carry script.
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def icons_dir(ctx: Ctx) -> Path:
    return ctx.settings.data_dir / "icons"


def icon_path(ctx: Ctx, filename: str) -> Path | None:
    """The stored file of an uploaded icon, or None for a name that is not one."""
    if not _ICON_NAME.fullmatch(filename):
        return None
    path = icons_dir(ctx) / filename
    return path if path.is_file() else None


def _write_icon(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        tmp = folder / f".{name}.{secrets.token_hex(4)}"
        tmp.write_bytes(data)
        tmp.replace(target)  # atomic: a reader never sees half a file


async def save_icon(ctx: Ctx, appid: str, data: bytes) -> AppInfo:
    """Store an uploaded icon under its content hash and make it the app's icon."""
    if len(data) > MAX_ICON_BYTES:
        raise ApiError(413, "icon_too_large", f"An icon is at most {MAX_ICON_BYTES // 1024} KB; shrink it and retry.")
    kind = _icon_kind(data)
    if kind is None:
        raise ApiError(400, "invalid_icon", "An icon is a PNG, JPEG, GIF or WebP image.")
    if await get_app(ctx, appid) is None:
        raise app_not_found(appid)
    name = f"{hashlib.sha256(data).hexdigest()}.{kind}"
    await asyncio.to_thread(_write_icon, icons_dir(ctx), name, data)
    return await update_app(ctx, appid, icon_url=ICON_URL_PREFIX + name)
