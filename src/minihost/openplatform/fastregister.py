"""Fast registration (`/cgi-bin/component/fastregisterweapp`): a platform asks to create a mini program for a
business. WeChat identifies the business by its registered name and code and asks its legal person to
confirm in WeChat; here the business is an organisation (name and id as `code`), the legal person is one
of its admins (`legal_persona_wechat` = username) and confirms in the console. The new app is authorized
to the platform with every scope, and the platform is told (`notify_third_fasteregister` with an auth code).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.openplatform import authorize, messages
from minihost.openplatform.errors import E_FASTREG_INVALID, E_INVALID_ARGS, fail
from minihost.openplatform.models import FastRegistration, Platform
from minihost.openplatform.platforms import Component

WAITING, DONE, REFUSED = -1, 0, 1


def _text(body: dict[str, object], name: str, limit: int = 64) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise fail(E_INVALID_ARGS, f"{name} is required (at most {limit} characters)")
    return value.strip()


async def _admin_of(ctx: Ctx, org_id: int, username: str) -> bool:
    members = await accounts.list_members(ctx, org_id)
    return any(m.username == username.lower() and m.role == "admin" for m in members)


async def create(ctx: Ctx, comp: Component, body: dict[str, object]) -> None:
    name, code = _text(body, "name"), _text(body, "code")
    persona = _text(body, "legal_persona_wechat")
    persona_name = body.get("legal_persona_name")
    if not code.isdigit():
        raise fail(E_FASTREG_INVALID, "code is the organisation's id")
    org = await accounts.get_organisation(ctx, int(code))
    if org is None or org.name != name or not await _admin_of(ctx, org.id, persona):
        raise fail(E_FASTREG_INVALID, "name, code and legal_persona_wechat do not match an organisation's admin")
    async with ctx.db.session() as s, s.begin():
        waiting = (
            await s.execute(
                select(FastRegistration.id).where(
                    FastRegistration.platform_id == comp.id,
                    FastRegistration.org_id == org.id,
                    FastRegistration.status == WAITING,
                )
            )
        ).first()
        if waiting is not None:
            raise fail(E_FASTREG_INVALID, "a registration for this organisation is waiting for its admin already")
        s.add(
            FastRegistration(
                platform_id=comp.id,
                org_id=org.id,
                name=name,
                legal_persona_wechat=persona.lower(),
                legal_persona_name=persona_name if isinstance(persona_name, str) else "",
            )
        )


async def search(ctx: Ctx, comp: Component, body: dict[str, object]) -> dict[str, object]:
    name, persona = _text(body, "name"), _text(body, "legal_persona_wechat")
    async with ctx.db.session() as s:
        row = (
            await s.execute(
                select(FastRegistration)
                .where(
                    FastRegistration.platform_id == comp.id,
                    FastRegistration.name == name,
                    FastRegistration.legal_persona_wechat == persona.lower(),
                )
                .order_by(FastRegistration.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    if row is None:
        raise fail(E_FASTREG_INVALID, "no such registration task")
    return {"status": row.status, "appid": row.appid}


@dataclass(frozen=True)
class Pending:
    id: int
    platform_name: str
    component_appid: str
    org_id: int
    name: str


async def pending_for(ctx: Ctx, user_id: int) -> list[Pending]:
    """Registrations waiting for this user (an admin named as the legal person)."""
    user = await accounts.get_user(ctx, user_id)
    if user is None:
        return []
    async with ctx.db.session() as s:
        rows = await s.execute(
            select(FastRegistration, Platform)
            .join(Platform, Platform.id == FastRegistration.platform_id)
            .where(FastRegistration.legal_persona_wechat == user.username, FastRegistration.status == WAITING)
            .order_by(FastRegistration.id)
        )
        return [Pending(r.id, p.name, p.component_appid or "", r.org_id, r.name) for r, p in rows]


async def decide(ctx: Ctx, user_id: int, registration_id: int, confirm: bool, app_name: str = "") -> str:
    """The legal person confirms (a new app, authorized to the platform) or refuses; returns the appid."""
    user = await accounts.get_user(ctx, user_id)
    async with ctx.db.session() as s:
        row = await s.get(FastRegistration, registration_id)
    if row is None or user is None or row.legal_persona_wechat != user.username:
        raise ApiError(404, "registration_not_found", "No registration waits for you with that id.")
    if row.status != WAITING:
        raise ApiError(409, "registration_decided", "This registration was decided already.")
    if await accounts.role_in(ctx, user_id, row.org_id) != "admin":
        raise ApiError(403, "forbidden", "Only an admin of the organisation confirms a registration.")
    appid = ""
    granted: authorize.Granted | None = None
    if confirm:
        reg = await apps.register_app(ctx, row.org_id, app_name.strip() or row.name)
        appid = reg.app.appid
        granted = await authorize.grant_directly(ctx, user_id, row.platform_id, reg.app, sorted(authorize.SCOPES))
    async with ctx.db.session() as s, s.begin():
        fresh = await s.get(FastRegistration, registration_id, with_for_update=True)
        platform = await s.get(Platform, row.platform_id)
        assert fresh is not None and platform is not None
        fresh.status = DONE if confirm else REFUSED
        fresh.appid = appid
        messages.enqueue_info(
            s,
            platform,
            "notify_third_fasteregister",
            {
                "appid": appid,
                "status": 0 if confirm else 89250,
                "auth_code": granted.auth_code if granted else "",
                "msg": "OK" if confirm else "refused by the legal person",
            },
        )
    return appid
