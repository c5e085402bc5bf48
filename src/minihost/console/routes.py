"""The developer console under /console: plain HTML forms (with CSRF tokens) over the accounts and apps services.

Secrets (appsecret, API tokens) are never put in a URL: the POST that creates one keeps it in the store for
a few minutes under a random key bound to the user, redirects, and the next page takes it out (shown once).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.apps.domains import KINDS, MAX_PER_KIND, display_entry
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.security import new_token
from minihost.web.auth import (
    AuthUser,
    OptionalUser,
    clear_session_cookie,
    require_app_role,
    require_org_role,
    set_session_cookie,
)
from minihost.web.deps import CtxDep

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/console", include_in_schema=False)

# Form fields are generous here so that an over-long value gets the service's friendly message on the page.
Text = Annotated[str, Form(max_length=20_000)]
OptText = Annotated[str, Form(max_length=20_000)]
REVEAL_TTL = 300
DEFAULT_NEXT = "/console"
NOTICES = {
    "saved": "Saved.",
    "domains": "Domain lists saved.",
    "member_added": "Member added.",
    "role_changed": "Role changed.",
    "member_removed": "Member removed.",
    "revoked": "Token revoked; it no longer works.",
    "org_created": "Organisation created; you are its admin.",
}


def safe_next(value: str | None) -> str:
    """A same-site relative path to go to after signing in, or the console home."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return DEFAULT_NEXT
    if any(ch in value for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in value):
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return value


def _same_origin(request: Request) -> bool:
    """Forms posted from another site are refused, so nobody can sign a visitor into their own account."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def render(request: Request, template: str, user: AuthUser | None, status: int = 200, **context: Any) -> Response:
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return templates.TemplateResponse(
        request, template, {"user": user, "notice": notice, **context}, status_code=status, headers=_NO_STORE
    )


# Console pages can carry secrets and CSRF tokens: keep them out of shared caches and the back-forward cache.
_NO_STORE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def to_signin(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/console/signin?next={quote(target, safe='')}")


async def _keep_secret(ctx: Ctx, user: AuthUser, what: str, value: str) -> str:
    key = new_token(16)
    payload = json.dumps({"user": user.id, "what": what, "value": value}).encode()
    await ctx.store.set(f"console-reveal:{key}", payload, REVEAL_TTL)
    return key


async def _take_secret(ctx: Ctx, user: AuthUser, what: str, key: str | None) -> str:
    if not key or len(key) > 64:
        return ""
    raw = await ctx.store.take(f"console-reveal:{key}")
    if raw is None:
        return ""
    data = json.loads(raw)
    return str(data["value"]) if data.get("user") == user.id and data.get("what") == what else ""


@router.get("/static/console.css")
async def stylesheet() -> FileResponse:
    return FileResponse(
        HERE / "static" / "console.css", media_type="text/css", headers={"Cache-Control": "max-age=300"}
    )


@router.get("")
async def home(user: OptionalUser) -> Response:
    return redirect("/console/apps" if user else "/console/signin")


# --- sign in, sign up, sign out ---------------------------------------------------------------------------


@router.get("/signin")
async def signin_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect(safe_next(next))
    return render(request, "signin.html", None, next=safe_next(next), username="")


@router.post("/signin")
async def signin(
    request: Request, ctx: CtxDep, username: Text = "", password: Text = "", next: OptText = ""
) -> Response:
    target = safe_next(next)
    if not _same_origin(request):
        return render(request, "signin.html", None, 403, next=target, username="", error=_CROSS_SITE)
    try:
        if not username or not password:
            raise ApiError(400, "missing_fields", "Enter your username and password.")
        ip = request.client.host if request.client else ""
        signed = await accounts.sign_in(ctx, username[:64], password[:256], client_ip=ip)
    except ApiError as exc:
        return render(request, "signin.html", None, exc.status, next=target, username=username[:32], error=exc.message)
    response = redirect(target)
    set_session_cookie(response, ctx.settings, signed.session_token)
    return response


_CROSS_SITE = "This form was sent from another site; open the console directly and try again."


@router.get("/signup")
async def signup_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect(safe_next(next))
    return render(request, "signup.html", None, next=safe_next(next), username="", nickname="")


@router.post("/signup")
async def signup(
    request: Request,
    ctx: CtxDep,
    username: Text = "",
    password: Text = "",
    nickname: OptText = "",
    next: OptText = "",
) -> Response:
    target = safe_next(next)
    keep = {"next": target, "username": username[:32], "nickname": nickname[:64]}
    if not _same_origin(request):
        return render(request, "signup.html", None, 403, error=_CROSS_SITE, **keep)
    try:
        if len(nickname) > 64:
            raise ApiError(400, "invalid_nickname", "A nickname is at most 64 characters.")
        await accounts.create_user(ctx, username, password, nickname)
        ip = request.client.host if request.client else ""
        signed = await accounts.sign_in(ctx, username, password, client_ip=ip)
    except ApiError as exc:
        return render(request, "signup.html", None, exc.status, error=exc.message, **keep)
    response = redirect(target)
    set_session_cookie(response, ctx.settings, signed.session_token)
    return response


@router.post("/signout")
async def signout(user: OptionalUser, ctx: CtxDep) -> Response:
    # OptionalUser has already checked the form's CSRF token for a signed-in browser.
    if user is not None and user.via == "session":
        await accounts.sign_out(ctx, user.session_token)
    response = redirect("/console/signin")
    clear_session_cookie(response, ctx.settings)
    return response


# --- organisations -------------------------------------------------------------------------------------------


@router.get("/orgs")
async def orgs_page(request: Request, user: OptionalUser, ctx: CtxDep) -> Response:
    if user is None:
        return to_signin(request)
    return await _orgs(request, user, ctx)


async def _orgs(request: Request, user: AuthUser, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    orgs = await accounts.list_my_organisations(ctx, user.id)
    return render(request, "orgs.html", user, status, orgs=orgs, **extra)


@router.post("/orgs")
async def create_org(request: Request, user: OptionalUser, ctx: CtxDep, name: Text = "", kind: Text = "") -> Response:
    if user is None:
        return to_signin(request)
    try:
        org_id = await accounts.create_organisation(ctx, user.id, name, kind or "business")
    except ApiError as exc:
        return await _orgs(request, user, ctx, exc.status, error=exc.message, name=name[:64])
    return redirect(f"/console/orgs/{org_id}?done=org_created")


async def _org(request: Request, user: AuthUser, ctx: Ctx, org_id: int, status: int = 200, **extra: Any) -> Response:
    role = await require_org_role(ctx, user, org_id)
    org = await accounts.get_organisation(ctx, org_id)
    members = await accounts.list_members(ctx, org_id)
    org_apps = await apps.list_org_apps(ctx, org_id)
    return render(
        request,
        "org.html",
        user,
        status,
        org=org,
        role=role,
        members=members,
        apps=org_apps,
        roles=accounts.ROLES,
        **extra,
    )


@router.get("/orgs/{org_id}")
async def org_page(request: Request, org_id: int, user: OptionalUser, ctx: CtxDep) -> Response:
    if user is None:
        return to_signin(request)
    try:
        return await _org(request, user, ctx, _id(org_id))
    except ApiError as exc:
        return render(request, "error.html", user, exc.status, heading=exc.message)


def _id(value: int) -> int:
    if not 1 <= value <= 2_147_483_647:
        raise ApiError(404, "not_found", "No such page; go back to the console home.")
    return value


@router.post("/orgs/{org_id}/members")
async def add_member(
    request: Request, org_id: int, user: OptionalUser, ctx: CtxDep, username: Text = "", role: Text = ""
) -> Response:
    if user is None:
        return to_signin(request)
    await require_org_role(ctx, user, _id(org_id), "admin")
    try:
        await accounts.add_member(ctx, org_id, username[:64], role)
    except ApiError as exc:
        return await _org(request, user, ctx, org_id, exc.status, error=exc.message)
    return redirect(f"/console/orgs/{org_id}?done=member_added")


@router.post("/orgs/{org_id}/members/{member_id}/role")
async def change_role(
    request: Request, org_id: int, member_id: int, user: OptionalUser, ctx: CtxDep, role: Text = ""
) -> Response:
    if user is None:
        return to_signin(request)
    await require_org_role(ctx, user, _id(org_id), "admin")
    try:
        await accounts.change_role(ctx, org_id, _id(member_id), role)
    except ApiError as exc:
        return await _org(request, user, ctx, org_id, exc.status, error=exc.message)
    return redirect(f"/console/orgs/{org_id}?done=role_changed")


@router.post("/orgs/{org_id}/members/{member_id}/remove")
async def remove_member(request: Request, org_id: int, member_id: int, user: OptionalUser, ctx: CtxDep) -> Response:
    if user is None:
        return to_signin(request)
    if member_id != user.id:
        await require_org_role(ctx, user, _id(org_id), "admin")
    try:
        await accounts.remove_member(ctx, _id(org_id), _id(member_id))
    except ApiError as exc:
        return await _org(request, user, ctx, org_id, exc.status, error=exc.message)
    if member_id == user.id:
        return redirect("/console/orgs?done=member_removed")
    return redirect(f"/console/orgs/{org_id}?done=member_removed")


# --- apps ----------------------------------------------------------------------------------------------------


async def _apps(request: Request, user: AuthUser, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    orgs = await accounts.list_my_organisations(ctx, user.id)
    my_apps = await apps.list_apps_in_orgs(ctx, [o.id for o in orgs])
    org_names = {o.id: o.name for o in orgs}
    editable = [o for o in orgs if o.role in ("admin", "developer")]
    return render(
        request,
        "apps.html",
        user,
        status,
        apps=my_apps,
        org_names=org_names,
        editable_orgs=editable,
        categories=apps.CATEGORIES,
        form=extra.pop("form", {}),
        **extra,
    )


@router.get("/apps")
async def apps_page(request: Request, user: OptionalUser, ctx: CtxDep) -> Response:
    if user is None:
        return to_signin(request)
    return await _apps(request, user, ctx)


@router.post("/apps")
async def register_app(
    request: Request,
    user: OptionalUser,
    ctx: CtxDep,
    org_id: Text = "",
    name: Text = "",
    icon_url: OptText = "",
    category: OptText = "",
    description: OptText = "",
) -> Response:
    if user is None:
        return to_signin(request)
    form = {"org_id": org_id[:12], "name": name[:64], "icon_url": icon_url[:512], "category": category[:64]}
    form["description"] = description[:2000]
    try:
        if not org_id.isdigit() or not 1 <= int(org_id) <= 2_147_483_647:
            raise ApiError(400, "missing_org", "Choose the organisation the mini program belongs to.")
        await require_org_role(ctx, user, int(org_id), "admin", "developer")
        registered = await apps.register_app(
            ctx, int(org_id), name, icon_url=icon_url, category=category, description=description
        )
    except ApiError as exc:
        return await _apps(request, user, ctx, exc.status, error=exc.message, form=form)
    key = await _keep_secret(ctx, user, registered.app.appid, registered.appsecret)
    return redirect(f"/console/apps/{registered.app.appid}?reveal={key}")


async def _app(request: Request, user: AuthUser, ctx: Ctx, appid: str, status: int = 200, **extra: Any) -> Response:
    app = await require_app_role(ctx, user, appid)
    role = await require_org_role(ctx, user, app.org_id)
    org = await accounts.get_organisation(ctx, app.org_id)
    stored = await apps.get_domains(ctx, appid)
    domains = extra.pop("domains", None) or {k: "\n".join(display_entry(h, k) for h in stored[k]) for k in KINDS}
    return render(
        request,
        "app.html",
        user,
        status,
        app=app,
        org=org,
        role=role,
        can_edit=role in ("admin", "developer"),
        can_reset=role == "admin",
        categories=apps.CATEGORIES,
        domains=domains,
        kinds=KINDS,
        max_domains=MAX_PER_KIND,
        **extra,
    )


@router.get("/apps/{appid}")
async def app_page(
    request: Request, appid: str, user: OptionalUser, ctx: CtxDep, reveal: str | None = None
) -> Response:
    if user is None:
        return to_signin(request)
    secret = await _take_secret(ctx, user, appid, reveal)
    try:
        return await _app(request, user, ctx, appid[:40], secret=secret)
    except ApiError as exc:
        return render(request, "error.html", user, exc.status, heading=exc.message)


@router.post("/apps/{appid}")
async def update_app(
    request: Request,
    appid: str,
    user: OptionalUser,
    ctx: CtxDep,
    name: Text = "",
    icon_url: OptText = "",
    category: OptText = "",
    description: OptText = "",
) -> Response:
    if user is None:
        return to_signin(request)
    await require_app_role(ctx, user, appid[:40], "admin", "developer")
    try:
        await apps.update_app(ctx, appid, name=name, icon_url=icon_url, category=category, description=description)
    except ApiError as exc:
        return await _app(request, user, ctx, appid, exc.status, error=exc.message)
    return redirect(f"/console/apps/{appid}?done=saved")


@router.post("/apps/{appid}/icon")
async def upload_icon(
    request: Request, appid: str, user: OptionalUser, ctx: CtxDep, icon: UploadFile = File(...)
) -> Response:
    if user is None:
        return to_signin(request)
    await require_app_role(ctx, user, appid[:40], "admin", "developer")
    try:
        await apps.save_icon(ctx, appid, await icon.read(apps.MAX_ICON_BYTES + 1))
    except ApiError as exc:
        return await _app(request, user, ctx, appid, exc.status, error=exc.message)
    return redirect(f"/console/apps/{appid}?done=saved")


@router.post("/apps/{appid}/secret")
async def reset_secret(
    request: Request, appid: str, user: OptionalUser, ctx: CtxDep, confirm: OptText = ""
) -> Response:
    if user is None:
        return to_signin(request)
    await require_app_role(ctx, user, appid[:40], "admin")
    if confirm != "yes":
        return await _app(
            request, user, ctx, appid, 400, error="Tick the box to confirm: the current appsecret stops working."
        )
    registered = await apps.reset_secret(ctx, appid)
    key = await _keep_secret(ctx, user, appid, registered.appsecret)
    return redirect(f"/console/apps/{appid}?reveal={key}")


@router.post("/apps/{appid}/domains")
async def set_domains(
    request: Request,
    appid: str,
    user: OptionalUser,
    ctx: CtxDep,
    request_: Annotated[str, Form(alias="request", max_length=20_000)] = "",
    upload: OptText = "",
    download: OptText = "",
    socket: OptText = "",
) -> Response:
    if user is None:
        return to_signin(request)
    await require_app_role(ctx, user, appid[:40], "admin", "developer")
    given = {"request": request_, "upload": upload, "download": download, "socket": socket}
    lists = {kind: [line.strip() for line in text.splitlines() if line.strip()] for kind, text in given.items()}
    try:
        await apps.set_domain_lists(ctx, appid, lists)
    except ApiError as exc:
        return await _app(request, user, ctx, appid, exc.status, error=exc.message, domains=given)
    return redirect(f"/console/apps/{appid}?done=domains#domains")


# --- API tokens ----------------------------------------------------------------------------------------------


async def _tokens(request: Request, user: AuthUser, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    tokens = await accounts.list_api_tokens(ctx, user.id)
    return render(request, "tokens.html", user, status, tokens=tokens, **extra)


@router.get("/tokens")
async def tokens_page(request: Request, user: OptionalUser, ctx: CtxDep, reveal: str | None = None) -> Response:
    if user is None:
        return to_signin(request)
    return await _tokens(request, user, ctx, secret=await _take_secret(ctx, user, "api-token", reveal))


@router.post("/tokens")
async def create_token(request: Request, user: OptionalUser, ctx: CtxDep, name: Text = "") -> Response:
    if user is None:
        return to_signin(request)
    try:
        new = await accounts.create_api_token(ctx, user.id, name)
    except ApiError as exc:
        return await _tokens(request, user, ctx, exc.status, error=exc.message)
    key = await _keep_secret(ctx, user, "api-token", new.secret)
    return redirect(f"/console/tokens?reveal={key}")


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int, user: OptionalUser, ctx: CtxDep) -> Response:
    if user is None:
        return to_signin(request)
    await accounts.revoke_api_token(ctx, user.id, _id(token_id))
    return redirect("/console/tokens?done=revoked")
