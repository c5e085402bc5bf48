"""Becoming a third-party platform: an organisation applies, an operator approves, the organisation's admins
get the credentials (component_appid, component_appsecret, message token, EncodingAESKey) and set the
message URL. Also the component_access_token (`api_component_token`) and `api_start_push_ticket`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.db import aware, utcnow
from minihost.errors import ApiError
from minihost.openplatform import crypto, messages, tokens
from minihost.openplatform.errors import (
    E_APPID_MISSING,
    E_INVALID_COMPONENT,
    E_INVALID_CREDENTIAL,
    E_INVALID_SECRET,
    E_SECRET_MISSING,
    E_TICKET_EXPIRED,
    E_TICKET_INVALID,
    E_TOKEN_EXPIRED,
    E_TOKEN_MISSING,
    fail,
)
from minihost.openplatform.models import Platform
from minihost.security import digest, same

ADMIN_ROLES = ("admin",)
MAX_URL = 512


@dataclass(frozen=True)
class PlatformInfo:
    id: int
    org_id: int
    name: str
    description: str
    status: str
    component_appid: str
    message_url: str
    has_secret: bool
    created_at: datetime

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "name": self.name,
            "description": self.description,
            "status": self.status,
            "component_appid": self.component_appid,
            "message_url": self.message_url,
            "has_secret": self.has_secret,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Credentials:
    """What the platform's own admins see: never shown to anyone else (operators included)."""

    platform: PlatformInfo
    message_token: str
    encoding_aes_key: str


def _info(p: Platform) -> PlatformInfo:
    return PlatformInfo(
        p.id,
        p.org_id,
        p.name,
        p.description,
        p.status,
        p.component_appid or "",
        p.message_url,
        bool(p.secret_hash),
        aware(p.created_at),
    )


def _message_url(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if (
        len(url) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username
        or parts.password
        or any(ch.isspace() for ch in url)
    ):
        raise ApiError(
            400, "invalid_message_url", "A message URL is an http(s):// URL of your server (512 characters at most)."
        )
    return url


async def _require_role(ctx: Ctx, user_id: int, org_id: int, roles: tuple[str, ...]) -> None:
    role = await accounts.role_in(ctx, user_id, org_id)
    if role is None or (roles and role not in roles):
        raise ApiError(
            403, "forbidden", f"Only {' or '.join(roles) or 'members'} of the platform's organisation may do this."
        )


def _require_operator(user: accounts.UserInfo | object) -> None:
    if not getattr(user, "is_operator", False):
        raise ApiError(
            403, "operators_only", "Only the platform operator may review third-party platform applications."
        )


async def apply(
    ctx: Ctx, user_id: int, org_id: int, name: str, description: str = "", message_url: str = ""
) -> PlatformInfo:
    """An organisation (its admin) asks to become a third-party platform; it waits for the operator."""
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise ApiError(400, "invalid_name", "A platform name is 1 to 64 characters long.")
    if len(description) > 2000:
        raise ApiError(400, "invalid_description", "A description is at most 2000 characters.")
    await _require_role(ctx, user_id, org_id, ADMIN_ROLES)
    url = _message_url(message_url)
    async with ctx.db.session() as s, s.begin():
        row = Platform(org_id=org_id, name=name, description=description.strip(), message_url=url, applied_by=user_id)
        s.add(row)
        await s.flush()
        return _info(row)


async def list_applications(ctx: Ctx, operator: object, status: str | None = None) -> list[PlatformInfo]:
    _require_operator(operator)
    async with ctx.db.session() as s:
        q = select(Platform)
        if status:
            q = q.where(Platform.status == status)
        return [_info(p) for p in (await s.execute(q.order_by(Platform.id))).scalars()]


async def _platform_row(s: AsyncSession, platform_id: int) -> Platform:
    row = await s.get(Platform, platform_id, with_for_update=True)
    if row is None:
        raise ApiError(404, "platform_not_found", f"No third-party platform application {platform_id}.")
    return row


async def approve(ctx: Ctx, operator: object, platform_id: int, note: str = "") -> PlatformInfo:
    """Grant the application: credentials are made and the first component_verify_ticket is pushed at once."""
    _require_operator(operator)
    async with ctx.db.session() as s, s.begin():
        row = await _platform_row(s, platform_id)
        if row.status == "approved":
            raise ApiError(409, "already_approved", "This platform is approved already.")
        now = utcnow()
        row.status = "approved"
        row.component_appid = apps.new_appid()
        row.message_token = secrets.token_urlsafe(24)[:32]
        row.encoding_aes_key = crypto.new_encoding_aes_key()
        row.decided_by = getattr(operator, "id", None)
        row.decision_note = note[:2000]
        row.approved_at = now
        messages.rotate_ticket(s, row, now)
        return _info(row)


async def reject(ctx: Ctx, operator: object, platform_id: int, note: str = "") -> PlatformInfo:
    _require_operator(operator)
    async with ctx.db.session() as s, s.begin():
        row = await _platform_row(s, platform_id)
        if row.status == "approved":
            raise ApiError(409, "already_approved", "An approved platform cannot be rejected.")
        row.status = "rejected"
        row.decided_by = getattr(operator, "id", None)
        row.decision_note = note[:2000]
        return _info(row)


async def _by_appid(ctx: Ctx, component_appid: str) -> Platform:
    async with ctx.db.session() as s:
        row = (
            await s.execute(select(Platform).where(Platform.component_appid == component_appid[:32]))
        ).scalar_one_or_none()
    if row is None:
        raise ApiError(404, "platform_not_found", f"No third-party platform {component_appid[:32]!r}.")
    return row


async def credentials(ctx: Ctx, user_id: int, component_appid: str) -> Credentials:
    row = await _by_appid(ctx, component_appid)
    await _require_role(ctx, user_id, row.org_id, ("admin", "developer"))
    return Credentials(_info(row), row.message_token, row.encoding_aes_key)


async def reset_secret(ctx: Ctx, user_id: int, component_appid: str) -> str:
    """A new component_appsecret, shown once; the old one stops working now."""
    row = await _by_appid(ctx, component_appid)
    await _require_role(ctx, user_id, row.org_id, ADMIN_ROLES)
    secret = secrets.token_hex(16)
    async with ctx.db.session() as s, s.begin():
        fresh = await _platform_row(s, row.id)
        fresh.secret_hash = digest(secret)
    return secret


async def set_message_url(ctx: Ctx, user_id: int, component_appid: str, url: str) -> PlatformInfo:
    """Where pushes go; a ticket is pushed there at once, so the platform can get a token right away."""
    row = await _by_appid(ctx, component_appid)
    await _require_role(ctx, user_id, row.org_id, ADMIN_ROLES)
    clean = _message_url(url)
    async with ctx.db.session() as s, s.begin():
        fresh = await _platform_row(s, row.id)
        fresh.message_url = clean
        if clean:
            messages.rotate_ticket(s, fresh, utcnow())
        return _info(fresh)


async def my_platforms(ctx: Ctx, user_id: int) -> list[PlatformInfo]:
    orgs = [o.id for o in await accounts.list_my_organisations(ctx, user_id)]
    if not orgs:
        return []
    async with ctx.db.session() as s:
        rows = await s.execute(select(Platform).where(Platform.org_id.in_(orgs)).order_by(Platform.id))
        return [_info(p) for p in rows.scalars()]


async def platform_by_appid(ctx: Ctx, component_appid: str) -> PlatformInfo | None:
    try:
        return _info(await _by_appid(ctx, component_appid))
    except ApiError:
        return None


# ----------------------------------------------------------------------------------- the component API


async def _check_secret(ctx: Ctx, component_appid: str | None, secret: str | None) -> Platform:
    if not component_appid:
        raise fail(E_APPID_MISSING)
    if not secret:
        raise fail(E_SECRET_MISSING)
    async with ctx.db.session() as s:
        row = (
            await s.execute(select(Platform).where(Platform.component_appid == component_appid[:32]))
        ).scalar_one_or_none()
    if row is None or row.status != "approved":
        raise fail(E_INVALID_COMPONENT)
    if not row.secret_hash or len(secret) > 64 or not same(row.secret_hash, digest(secret)):
        raise fail(E_INVALID_SECRET)
    return row


def _ticket_state(row: Platform, ticket: str, now: datetime) -> str:
    for value, at in ((row.ticket, row.ticket_at), (row.previous_ticket, row.previous_ticket_at)):
        if value and at is not None and tokens.same(value, ticket):
            return "ok" if now - aware(at) < messages.TICKET_VALID else "expired"
    return "invalid"


@dataclass(frozen=True)
class ComponentToken:
    component_access_token: str
    expires_in: int


async def component_token(
    ctx: Ctx, component_appid: str | None, secret: str | None, ticket: str | None
) -> ComponentToken:
    """`api_component_token`: needs the secret and a ticket pushed within the last 12 hours."""
    row = await _check_secret(ctx, component_appid, secret)
    if not ticket or len(ticket) > 200:
        raise fail(E_TICKET_INVALID)
    state = _ticket_state(row, ticket, utcnow())
    if state == "expired":
        raise fail(E_TICKET_EXPIRED)
    if state != "ok":
        raise fail(E_TICKET_INVALID)
    ttl = ctx.settings.access_token_ttl
    token = await tokens.issue(ctx, tokens.COMPONENT_TOKEN, str(row.id), ttl)
    return ComponentToken(token, ttl)


async def start_push_ticket(ctx: Ctx, component_appid: str | None, secret: str | None) -> None:
    """`api_start_push_ticket`: push a new ticket now (after a lost one, or on a new server)."""
    row = await _check_secret(ctx, component_appid, secret)
    await messages.push_ticket_now(ctx, row.id)


@dataclass(frozen=True)
class Component:
    """The platform behind a component_access_token."""

    id: int
    org_id: int
    component_appid: str
    name: str


async def require_component_token(ctx: Ctx, token: str | None) -> Component:
    """41001 missing, 42001 expired, 40001 anything else; the platform must still be approved."""
    if not token:
        raise fail(E_TOKEN_MISSING)
    checked = await tokens.check(ctx, tokens.COMPONENT_TOKEN, token)
    if checked is None:
        raise fail(E_INVALID_CREDENTIAL)
    if checked.expired:
        raise fail(E_TOKEN_EXPIRED)
    if checked.holder is None:
        raise fail(E_INVALID_CREDENTIAL)
    async with ctx.db.session() as s:
        row = await s.get(Platform, int(checked.holder))
    if row is None or row.status != "approved" or not row.component_appid:
        raise fail(E_INVALID_CREDENTIAL)
    return Component(row.id, row.org_id, row.component_appid, row.name)


async def require_component(ctx: Ctx, token: str | None, component_appid: str | None) -> Component:
    """The token's platform, which must be the one named in the body (WeChat's 61011 otherwise)."""
    comp = await require_component_token(ctx, token)
    if component_appid is not None and component_appid != comp.component_appid:
        raise fail(E_INVALID_COMPONENT, "component_appid does not match the component_access_token")
    return comp
