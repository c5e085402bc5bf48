"""A business authorizing a platform: pre-auth codes, the authorization page's decision, auth codes,
authorizer tokens, what a platform may read about its authorizers, revocation, and the check every
call made for an authorizer goes through (`require_authorizer`).

Scopes are WeChat's func_info ids for mini programs; the ones Minihost acts on are in `SCOPES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.apps.service import AppInfo
from minihost.context import Ctx
from minihost.db import aware, utcnow
from minihost.errors import ApiError
from minihost.openplatform import messages, tokens
from minihost.openplatform.errors import (
    E_API_UNAUTHORIZED,
    E_CODE_EXPIRED,
    E_CODE_INVALID,
    E_COMPONENT_NOT_AUTHORIZED,
    E_INVALID_APPID,
    E_INVALID_CREDENTIAL,
    E_REFRESH_TOKEN_INVALID,
    E_TOKEN_EXPIRED,
    E_TOKEN_MISSING,
    fail,
)
from minihost.openplatform.models import Authorization, Platform
from minihost.openplatform.platforms import Component

SCOPES: dict[int, str] = {
    17: "Mini program codes (QR codes of the app)",
    18: "Development management: code templates, commit, audit, release, server domains",
    19: "Customer service messages",
    30: "Basic information (name, icon, description, category)",
}
SCOPE_DEVELOP = 18
EXCLUSIVE = {SCOPE_DEVELOP}
"""Scopes one platform at a time may hold for an app (two platforms committing code would overwrite each other)."""
PRE_AUTH_TTL = 1800
AUTH_CODE_TTL = 3600
AUTHORIZE_ROLES = ("admin",)


def parse_scopes(text: str) -> list[int]:
    return sorted({int(x) for x in text.split(",") if x.strip().isdigit()})


def _scopes_text(scopes: list[int]) -> str:
    return ",".join(str(x) for x in sorted(set(scopes)))


def func_info(scopes: list[int]) -> list[dict[str, object]]:
    return [{"funcscope_category": {"id": x}} for x in scopes]


async def create_preauthcode(ctx: Ctx, comp: Component) -> tuple[str, int]:
    code = await tokens.issue(ctx, tokens.PRE_AUTH_CODE, str(comp.id), PRE_AUTH_TTL)
    return code, PRE_AUTH_TTL


@dataclass(frozen=True)
class PreAuth:
    platform_id: int
    component_appid: str
    platform_name: str


async def check_preauthcode(ctx: Ctx, component_appid: str, code: str, *, take: bool = False) -> PreAuth:
    """The platform behind a pre-auth code (the authorization page shows its name); 400 when unusable."""
    checked = await tokens.check(ctx, tokens.PRE_AUTH_CODE, code, take=take)
    if checked is None or checked.holder is None:
        why = "has expired" if checked is not None and checked.expired else "is not valid (or was used)"
        raise ApiError(400, "invalid_pre_auth_code", f"This authorization link {why}; ask the platform for a new one.")
    async with ctx.db.session() as s:
        row = await s.get(Platform, int(checked.holder))
    if row is None or row.status != "approved" or row.component_appid != component_appid:
        raise ApiError(400, "invalid_pre_auth_code", "This authorization link is not for this platform.")
    return PreAuth(row.id, row.component_appid, row.name)


@dataclass(frozen=True)
class Choice:
    app: AppInfo
    current_scopes: list[int]


async def authorizable_apps(ctx: Ctx, user_id: int, platform_id: int) -> list[Choice]:
    """The apps this user may authorize (admin of their organisation) and what each grants the platform now."""
    orgs = [o.id for o in await accounts.list_my_organisations(ctx, user_id) if o.role in AUTHORIZE_ROLES]
    found = await apps.list_apps_in_orgs(ctx, orgs)
    async with ctx.db.session() as s:
        rows = await s.execute(
            select(Authorization.app_id, Authorization.scopes).where(
                Authorization.platform_id == platform_id, Authorization.active.is_(True)
            )
        )
        current = {app_id: parse_scopes(text) for app_id, text in rows}
    return [Choice(a, current.get(a.id, [])) for a in found]


@dataclass(frozen=True)
class Granted:
    auth_code: str
    expires_in: int
    appid: str
    updated: bool


def _check_scopes(scopes: list[int]) -> None:
    if not scopes or any(x not in SCOPES for x in scopes):
        raise ApiError(400, "invalid_scopes", f"Choose one or more of the scopes {sorted(SCOPES)}.")


async def _grant(ctx: Ctx, user_id: int, platform_id: int, app: AppInfo, scopes: list[int], pre_auth: str) -> Granted:
    _check_scopes(scopes)
    async with ctx.db.session() as s, s.begin():
        platform = await s.get(Platform, platform_id)
        if platform is None:
            raise ApiError(404, "platform_not_found", "The platform no longer exists.")
        row = (
            await s.execute(
                select(Authorization)
                .where(Authorization.platform_id == platform_id, Authorization.app_id == app.id)
                .with_for_update()
            )
        ).scalar_one_or_none()
        updated = row is not None and row.active
        if row is None:
            row = Authorization(platform_id=platform_id, app_id=app.id, appid=app.appid, generation=1)
            s.add(row)
        elif not row.active:
            row.generation += 1
        row.active, row.revoked_at = True, None
        row.scopes = _scopes_text(scopes)
        row.authorized_by = user_id
        row.authorized_at = utcnow()
        await s.flush()
        if EXCLUSIVE & set(scopes):
            await _take_exclusive(ctx, s, row, set(scopes) & EXCLUSIVE)
        code = await tokens.issue(ctx, tokens.AUTH_CODE, f"{row.id}:{row.generation}", AUTH_CODE_TTL)
        expired_at = int(utcnow().timestamp()) + AUTH_CODE_TTL
        messages.enqueue_info(
            s,
            platform,
            "updateauthorized" if updated else "authorized",
            {
                "AuthorizerAppid": app.appid,
                "AuthorizationCode": code,
                "AuthorizationCodeExpiredTime": expired_at,
                "PreAuthCode": pre_auth,
            },
        )
    return Granted(code, AUTH_CODE_TTL, app.appid, updated)


async def _take_exclusive(ctx: Ctx, s: AsyncSession, row: Authorization, taken: set[int]) -> None:
    """Exclusive scopes move to the newly authorized platform: the others lose them now (their tokens are
    checked against the row on every call) and are told, as WeChat does with its mutually exclusive sets."""
    others = (
        await s.execute(
            select(Authorization, Platform)
            .join(Platform, Platform.id == Authorization.platform_id)
            .where(
                Authorization.app_id == row.app_id,
                Authorization.id != row.id,
                Authorization.active.is_(True),
            )
            .with_for_update()
        )
    ).all()
    for other, platform in others:
        left = [x for x in parse_scopes(other.scopes) if x not in taken]
        if left == parse_scopes(other.scopes):
            continue
        if not left:
            other.active, other.revoked_at = False, utcnow()
            other.generation += 1
            messages.enqueue_info(s, platform, "unauthorized", {"AuthorizerAppid": other.appid})
            continue
        other.scopes = _scopes_text(left)
        code = await tokens.issue(ctx, tokens.AUTH_CODE, f"{other.id}:{other.generation}", AUTH_CODE_TTL)
        messages.enqueue_info(
            s,
            platform,
            "updateauthorized",
            {
                "AuthorizerAppid": other.appid,
                "AuthorizationCode": code,
                "AuthorizationCodeExpiredTime": int(utcnow().timestamp()) + AUTH_CODE_TTL,
                "PreAuthCode": "",
            },
        )


async def authorize(
    ctx: Ctx, user_id: int, component_appid: str, pre_auth_code: str, appid: str, scopes: list[int]
) -> Granted:
    """The business admin's "Authorize" on the authorization page: the pre-auth code is used up."""
    app = await apps.get_app(ctx, appid)
    if app is None:
        raise apps.app_not_found(appid)
    role = await accounts.role_in(ctx, user_id, app.org_id)
    if role not in AUTHORIZE_ROLES:
        raise ApiError(403, "forbidden", f"Only an admin of the organisation that owns {app.name!r} may authorize it.")
    _check_scopes(scopes)  # before the code is used up, so the admin can correct the form
    pre = await check_preauthcode(ctx, component_appid, pre_auth_code, take=True)
    return await _grant(ctx, user_id, pre.platform_id, app, scopes, pre_auth_code)


async def grant_directly(ctx: Ctx, user_id: int, platform_id: int, app: AppInfo, scopes: list[int]) -> Granted:
    """An authorization without the page (fast registration: creating the app is the business's consent)."""
    return await _grant(ctx, user_id, platform_id, app, scopes, "")


@dataclass(frozen=True)
class AuthorizerInfo:
    authorization_id: int
    platform_id: int
    component_appid: str
    appid: str
    app_id: int
    org_id: int
    scopes: list[int]
    generation: int
    authorized_by: int | None
    authorized_at: datetime


async def _authorization(ctx: Ctx, authorization_id: int) -> tuple[Authorization, Platform] | None:
    async with ctx.db.session() as s:
        row = await s.get(Authorization, authorization_id)
        if row is None:
            return None
        platform = await s.get(Platform, row.platform_id)
        return (row, platform) if platform is not None else None


async def _info(row: Authorization, platform: Platform, ctx: Ctx) -> AuthorizerInfo:
    app = await apps.get_app(ctx, row.appid)
    return AuthorizerInfo(
        row.id,
        platform.id,
        platform.component_appid or "",
        row.appid,
        row.app_id,
        app.org_id if app else 0,
        parse_scopes(row.scopes),
        row.generation,
        row.authorized_by,
        aware(row.authorized_at),
    )


@dataclass(frozen=True)
class AuthorizerToken:
    appid: str
    access_token: str
    expires_in: int
    refresh_token: str
    scopes: list[int]


async def _token_for(ctx: Ctx, row: Authorization) -> AuthorizerToken:
    ttl = ctx.settings.access_token_ttl
    token = await tokens.issue(ctx, tokens.AUTHORIZER_TOKEN, f"{row.id}:{row.generation}", ttl)
    return AuthorizerToken(
        row.appid, token, ttl, tokens.refresh_token(ctx, row.id, row.generation), parse_scopes(row.scopes)
    )


def _holder(text: str) -> tuple[int, int]:
    a, _, b = text.partition(":")
    return int(a), int(b)


async def query_auth(ctx: Ctx, comp: Component, authorization_code: str | None) -> AuthorizerToken:
    """`api_query_auth`: an auth code (one use, an hour) for the authorizer's tokens."""
    if not authorization_code:
        raise fail(E_CODE_INVALID)
    checked = await tokens.check(ctx, tokens.AUTH_CODE, authorization_code, take=True)
    if checked is None or (checked.holder is None and not checked.expired):
        raise fail(E_CODE_INVALID)
    if checked.expired:
        raise fail(E_CODE_EXPIRED)
    assert checked.holder is not None
    auth_id, generation = _holder(checked.holder)
    found = await _authorization(ctx, auth_id)
    if found is None or found[1].id != comp.id:
        raise fail(E_CODE_INVALID)
    row, _ = found
    if not row.active or row.generation != generation:
        raise fail(E_COMPONENT_NOT_AUTHORIZED)
    return await _token_for(ctx, row)


async def _active_for(ctx: Ctx, comp: Component, authorizer_appid: str | None) -> Authorization:
    if not authorizer_appid:
        raise fail(E_INVALID_APPID)
    async with ctx.db.session() as s:
        row = (
            await s.execute(
                select(Authorization).where(
                    Authorization.platform_id == comp.id, Authorization.appid == authorizer_appid[:32]
                )
            )
        ).scalar_one_or_none()
    if row is None or not row.active:
        raise fail(E_COMPONENT_NOT_AUTHORIZED)
    return row


async def refresh(
    ctx: Ctx, comp: Component, authorizer_appid: str | None, refresh_token: str | None
) -> AuthorizerToken:
    """`api_authorizer_token`: a new authorizer_access_token (the refresh token stays the same)."""
    row = await _active_for(ctx, comp, authorizer_appid)
    if not refresh_token or not tokens.same(refresh_token, tokens.refresh_token(ctx, row.id, row.generation)):
        raise fail(E_REFRESH_TOKEN_INVALID)
    return await _token_for(ctx, row)


async def authorizer_info(ctx: Ctx, comp: Component, authorizer_appid: str | None) -> dict[str, object]:
    """`api_get_authorizer_info`: the mini program's account and what it granted."""
    row = await _active_for(ctx, comp, authorizer_appid)
    app = await apps.get_app(ctx, row.appid)
    if app is None:
        raise fail(E_COMPONENT_NOT_AUTHORIZED)
    org = await accounts.get_organisation(ctx, app.org_id)
    return {
        "authorizer_info": {
            "nick_name": app.name,
            "head_img": app.icon_url,
            "service_type_info": {"id": 0},
            "verify_type_info": {"id": 0 if org and org.kind == "business" else -1},
            "user_name": app.appid,
            "principal_name": org.name if org else "",
            "signature": app.description,
            "MiniProgramInfo": {
                "network": await apps.get_domains(ctx, app.appid),
                "categories": [{"first": app.category, "second": ""}] if app.category else [],
                "visit_status": 0,
            },
        },
        "authorization_info": {
            "authorizer_appid": row.appid,
            "authorizer_refresh_token": tokens.refresh_token(ctx, row.id, row.generation),
            "func_info": func_info(parse_scopes(row.scopes)),
        },
    }


async def authorizer_list(ctx: Ctx, comp: Component, offset: int, count: int) -> dict[str, object]:
    """`api_get_authorizer_list`: every app that authorizes the platform now, oldest first (count ≤ 500)."""
    offset, count = max(0, offset), max(1, min(count, 500))
    async with ctx.db.session() as s:
        where = (Authorization.platform_id == comp.id, Authorization.active.is_(True))
        total = int((await s.scalar(select(func.count()).select_from(Authorization).where(*where))) or 0)
        rows = (
            await s.execute(select(Authorization).where(*where).order_by(Authorization.id).offset(offset).limit(count))
        ).scalars()
        items = [
            {
                "authorizer_appid": r.appid,
                "refresh_token": tokens.refresh_token(ctx, r.id, r.generation),
                "auth_time": int(aware(r.authorized_at).timestamp()),
            }
            for r in rows
        ]
    return {"total_count": total, "list": items}


async def revoke(ctx: Ctx, user_id: int, component_appid: str, appid: str) -> None:
    """The business's admin ends the authorization: every token and refresh token of it stops now, and the
    platform is told (`unauthorized`)."""
    app = await apps.get_app(ctx, appid)
    if app is None:
        raise apps.app_not_found(appid)
    role = await accounts.role_in(ctx, user_id, app.org_id)
    if role not in AUTHORIZE_ROLES:
        raise ApiError(403, "forbidden", f"Only an admin of the organisation that owns {app.name!r} may revoke it.")
    async with ctx.db.session() as s, s.begin():
        found = (
            await s.execute(
                select(Authorization, Platform)
                .join(Platform, Platform.id == Authorization.platform_id)
                .where(Platform.component_appid == component_appid[:32], Authorization.app_id == app.id)
                .with_for_update()
            )
        ).first()
        if found is None or not found[0].active:
            raise ApiError(404, "not_authorized", f"{app.name!r} does not authorize that platform.")
        row, platform = found
        row.active, row.revoked_at = False, utcnow()
        row.generation += 1
        messages.enqueue_info(s, platform, "unauthorized", {"AuthorizerAppid": app.appid})


@dataclass(frozen=True)
class GrantInfo:
    component_appid: str
    platform_name: str
    appid: str
    app_name: str
    scopes: list[int]
    authorized_at: datetime


async def grants_of_user(ctx: Ctx, user_id: int) -> list[GrantInfo]:
    """Every active authorization of the apps this user administers (the console's list to revoke from)."""
    choices: list[GrantInfo] = []
    orgs = [o.id for o in await accounts.list_my_organisations(ctx, user_id) if o.role in AUTHORIZE_ROLES]
    owned = {a.id: a for a in await apps.list_apps_in_orgs(ctx, orgs)}
    if not owned:
        return []
    async with ctx.db.session() as s:
        rows = await s.execute(
            select(Authorization, Platform)
            .join(Platform, Platform.id == Authorization.platform_id)
            .where(Authorization.app_id.in_(list(owned)), Authorization.active.is_(True))
            .order_by(Authorization.id)
        )
        for row, platform in rows:
            app = owned[row.app_id]
            choices.append(
                GrantInfo(
                    platform.component_appid or "",
                    platform.name,
                    app.appid,
                    app.name,
                    parse_scopes(row.scopes),
                    aware(row.authorized_at),
                )
            )
    return choices


async def require_authorizer(ctx: Ctx, token: str | None, scope: int | None = SCOPE_DEVELOP) -> AuthorizerInfo:
    """The authorization behind an authorizer_access_token: 41001 missing, 42001 expired, 40001 unknown or
    revoked (checked against the database on every call, so revoking takes effect at once), 61007 when the
    business did not grant `scope`."""
    if not token:
        raise fail(E_TOKEN_MISSING)
    checked = await tokens.check(ctx, tokens.AUTHORIZER_TOKEN, token)
    if checked is None:
        raise fail(E_INVALID_CREDENTIAL)
    if checked.expired:
        raise fail(E_TOKEN_EXPIRED)
    if checked.holder is None:
        raise fail(E_INVALID_CREDENTIAL)
    auth_id, generation = _holder(checked.holder)
    found = await _authorization(ctx, auth_id)
    if found is None:
        raise fail(E_INVALID_CREDENTIAL)
    row, platform = found
    if not row.active or row.generation != generation or platform.status != "approved":
        raise fail(E_INVALID_CREDENTIAL)
    info = await _info(row, platform, ctx)
    if scope is not None and scope not in info.scopes:
        raise fail(E_API_UNAUTHORIZED)
    return info
