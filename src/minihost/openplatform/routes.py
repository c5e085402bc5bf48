"""HTTP of the open platform.

- `/cgi-bin/component/...`: WeChat's component API (component token, pre-auth codes, authorizations,
  authorizer tokens, fast registration), `/cgi-bin/componentloginpage`: the authorization page a business
  admin signs in to.
- `/wxa/...` for third-party platforms: code templates (with the component_access_token as `access_token`,
  as WeChat does) and, with an authorizer_access_token, commit / audit / release / domains.
- `/api/openplatform/...`: Minihost's own API: applying, the operator's decision, credentials, the message
  URL, draft uploads, a business's authorizations and their revocation, fast-registration confirmation.

The router's lifespan starts the push worker (ticket schedule + outbox) with the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import orjson
from fastapi import APIRouter, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from minihost.accounts import service as accounts
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.openplatform import authorize, code, fastregister, messages, platforms
from minihost.openplatform.errors import E_DATA_FORMAT, E_INVALID_ARGS, fail
from minihost.openplatform.platforms import Component
from minihost.packages import screenshots
from minihost.web.auth import AuthUser, CurrentUser, OptionalUser
from minihost.web.deps import CtxDep

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
OptStr = Annotated[str | None, Query()]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    ctx: Ctx = app.state.ctx
    stop = asyncio.Event()
    task = asyncio.create_task(
        messages.run_worker(ctx, stop, every_round=code.push_audit_results), name="openplatform-push-worker"
    )
    try:
        yield
    finally:
        stop.set()
        with suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=10)


router = APIRouter(lifespan=lifespan, tags=["open platform"])

OK: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}


async def _body(request: Request) -> dict[str, Any]:
    """The JSON body, whatever Content-Type the SDK sent (wechatpy sends none); 47001 otherwise."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise fail(E_DATA_FORMAT) from None
    if not isinstance(body, dict):
        raise fail(E_DATA_FORMAT)
    return body


def _str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) else None


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


# ---------------------------------------------------------------------------------- the component API


@router.post("/cgi-bin/component/api_component_token")
async def api_component_token(ctx: CtxDep, request: Request) -> dict[str, Any]:
    body = await _body(request)
    t = await platforms.component_token(
        ctx, _str(body, "component_appid"), _str(body, "component_appsecret"), _str(body, "component_verify_ticket")
    )
    return {"component_access_token": t.component_access_token, "expires_in": t.expires_in}


@router.post("/cgi-bin/component/api_start_push_ticket")
async def api_start_push_ticket(ctx: CtxDep, request: Request) -> dict[str, Any]:
    body = await _body(request)
    await platforms.start_push_ticket(ctx, _str(body, "component_appid"), _str(body, "component_secret"))
    return OK


async def _component(ctx: Ctx, token: str | None, body: dict[str, Any]) -> Component:
    return await platforms.require_component(ctx, token, _str(body, "component_appid"))


@router.post("/cgi-bin/component/api_create_preauthcode")
async def api_create_preauthcode(ctx: CtxDep, request: Request, component_access_token: OptStr = None) -> Any:
    comp = await _component(ctx, component_access_token, await _body(request))
    code_, ttl = await authorize.create_preauthcode(ctx, comp)
    return {"pre_auth_code": code_, "expires_in": ttl}


def _authorization_info(t: authorize.AuthorizerToken) -> dict[str, Any]:
    return {
        "authorizer_appid": t.appid,
        "authorizer_access_token": t.access_token,
        "expires_in": t.expires_in,
        "authorizer_refresh_token": t.refresh_token,
        "func_info": authorize.func_info(t.scopes),
    }


@router.post("/cgi-bin/component/api_query_auth")
async def api_query_auth(ctx: CtxDep, request: Request, component_access_token: OptStr = None) -> Any:
    body = await _body(request)
    comp = await _component(ctx, component_access_token, body)
    t = await authorize.query_auth(ctx, comp, _str(body, "authorization_code"))
    return {"authorization_info": _authorization_info(t)}


@router.post("/cgi-bin/component/api_authorizer_token")
async def api_authorizer_token(ctx: CtxDep, request: Request, component_access_token: OptStr = None) -> Any:
    body = await _body(request)
    comp = await _component(ctx, component_access_token, body)
    t = await authorize.refresh(ctx, comp, _str(body, "authorizer_appid"), _str(body, "authorizer_refresh_token"))
    return {
        "authorizer_access_token": t.access_token,
        "expires_in": t.expires_in,
        "authorizer_refresh_token": t.refresh_token,
    }


@router.post("/cgi-bin/component/api_get_authorizer_info")
async def api_get_authorizer_info(ctx: CtxDep, request: Request, component_access_token: OptStr = None) -> Any:
    body = await _body(request)
    comp = await _component(ctx, component_access_token, body)
    return await authorize.authorizer_info(ctx, comp, _str(body, "authorizer_appid"))


@router.post("/cgi-bin/component/api_get_authorizer_list")
async def api_get_authorizer_list(ctx: CtxDep, request: Request, component_access_token: OptStr = None) -> Any:
    body = await _body(request)
    comp = await _component(ctx, component_access_token, body)
    return await authorize.authorizer_list(ctx, comp, _int(body.get("offset"), 0), _int(body.get("count"), 500))


@router.post("/cgi-bin/component/fastregisterweapp")
async def fastregisterweapp(
    ctx: CtxDep, request: Request, action: OptStr = None, component_access_token: OptStr = None
) -> Any:
    comp = await platforms.require_component_token(ctx, component_access_token)
    body = await _body(request)
    if action == "create":
        await fastregister.create(ctx, comp, body)
        return OK
    if action == "search":
        return {**OK, **await fastregister.search(ctx, comp, body)}
    raise fail(E_INVALID_ARGS, "action is create or search")


# ------------------------------------------------------------------------------- the authorization page


def _page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(
        request,
        name,
        context,
        status_code=status,
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"},
    )


def _redirect_ok(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(uri) <= 1024


@router.get("/cgi-bin/componentloginpage", include_in_schema=False)
async def login_page(
    request: Request,
    ctx: CtxDep,
    user: OptionalUser,
    component_appid: OptStr = None,
    pre_auth_code: OptStr = None,
    redirect_uri: OptStr = None,
    biz_appid: OptStr = None,
) -> Response:
    if user is None:
        target = request.url.path + "?" + request.url.query
        return RedirectResponse("/console/signin?" + urlencode({"next": target}), status_code=303)
    if not component_appid or not pre_auth_code or not redirect_uri or not _redirect_ok(redirect_uri):
        return _page(request, "authorize_error.html", 400, user=user, message="This authorization link is incomplete.")
    try:
        pre = await authorize.check_preauthcode(ctx, component_appid, pre_auth_code)
    except ApiError as exc:
        return _page(request, "authorize_error.html", 400, user=user, message=exc.message)
    choices = await authorize.authorizable_apps(ctx, user.id, pre.platform_id)
    if biz_appid:
        choices = [c for c in choices if c.app.appid == biz_appid]
    return _page(
        request,
        "authorize.html",
        user=user,
        platform=pre,
        choices=choices,
        scopes=authorize.SCOPES,
        pre_auth_code=pre_auth_code,
        redirect_uri=redirect_uri,
    )


@router.post("/cgi-bin/componentloginpage", include_in_schema=False)
async def login_page_submit(request: Request, ctx: CtxDep, user: CurrentUser) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    component_appid = fields.get("component_appid", "")
    pre_auth_code = fields.get("pre_auth_code", "")
    redirect_uri = fields.get("redirect_uri", "")
    appid = fields.get("appid", "")
    scopes = [int(v) for k, v in form.multi_items() if k == "scope" and isinstance(v, str) and v.isdigit()]
    if not _redirect_ok(redirect_uri):
        return _page(request, "authorize_error.html", 400, user=user, message="The platform's redirect address is bad.")
    try:
        granted = await authorize.authorize(ctx, user.id, component_appid, pre_auth_code, appid, scopes)
    except ApiError as exc:
        return _page(request, "authorize_error.html", exc.status, user=user, message=exc.message)
    sep = "&" if "?" in redirect_uri else "?"
    query = urlencode({"auth_code": granted.auth_code, "expires_in": granted.expires_in})
    return RedirectResponse(redirect_uri + sep + query, status_code=303)


# ------------------------------------------------------------------------------------ templates (wxa)


@router.get("/wxa/gettemplatedraftlist")
async def gettemplatedraftlist(ctx: CtxDep, access_token: OptStr = None) -> Any:
    comp = await platforms.require_component_token(ctx, access_token)
    return {**OK, "draft_list": await code.draft_list(ctx, comp)}


@router.post("/wxa/addtotemplate")
async def addtotemplate(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    comp = await platforms.require_component_token(ctx, access_token)
    body = await _body(request)
    template_id = await code.add_to_template(ctx, comp, body.get("draft_id"), body.get("template_type", 0))
    return {**OK, "template_id": template_id}


@router.get("/wxa/gettemplatelist")
async def gettemplatelist(ctx: CtxDep, access_token: OptStr = None, template_type: int | None = None) -> Any:
    comp = await platforms.require_component_token(ctx, access_token)
    return {**OK, "template_list": await code.template_list(ctx, comp, template_type)}


@router.post("/wxa/deletetemplate")
async def deletetemplate(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    comp = await platforms.require_component_token(ctx, access_token)
    await code.delete_template(ctx, comp, (await _body(request)).get("template_id"))
    return OK


# ----------------------------------------------------------------------------- acting for an authorizer


async def _authorizer(ctx: Ctx, token: str | None) -> tuple[Component, authorize.AuthorizerInfo]:
    auth = await authorize.require_authorizer(ctx, token)
    comp = Component(auth.platform_id, 0, auth.component_appid, "")
    return comp, auth


@router.post("/wxa/commit")
async def wxa_commit(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    comp, auth = await _authorizer(ctx, access_token)
    body = await _body(request)
    await code.commit(
        ctx, comp, auth, body.get("template_id"), body.get("ext_json"), body.get("user_version"), body.get("user_desc")
    )
    return OK


@router.get("/wxa/get_qrcode", response_model=None)
async def wxa_get_qrcode(ctx: CtxDep, access_token: OptStr = None, path: OptStr = None) -> Response:
    _, auth = await _authorizer(ctx, access_token)
    png = await code.trial_qrcode(ctx, auth, path)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/wxa/get_page")
async def wxa_get_page(ctx: CtxDep, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    return {**OK, "page_list": await code.page_list(ctx, auth)}


@router.get("/wxa/get_category")
async def wxa_get_category(ctx: CtxDep, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    return {**OK, "category_list": await code.category_list(ctx, auth)}


@router.post("/wxa/submit_audit")
async def wxa_submit_audit(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    await _body(request)  # item_list, feedback_info ...: accepted, the reviewer sees the package itself
    auditid = await code.submit_audit(ctx, auth)
    screenshots.schedule(ctx, auditid)  # as packages' own submit does: reviewers get the pages rendered
    return {**OK, "auditid": auditid}


@router.post("/wxa/get_auditstatus")
async def wxa_get_auditstatus(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    return {**OK, **await code.audit_status(ctx, auth, (await _body(request)).get("auditid"))}


@router.get("/wxa/get_latest_auditstatus")
async def wxa_get_latest_auditstatus(ctx: CtxDep, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    return {**OK, **await code.latest_audit_status(ctx, auth)}


@router.get("/wxa/undocodeaudit")
async def wxa_undocodeaudit(ctx: CtxDep, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    await code.undo_audit(ctx, auth)
    return OK


@router.post("/wxa/release")
async def wxa_release(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    await _body(request)
    await code.release(ctx, auth)
    return OK


@router.post("/wxa/grayrelease")
async def wxa_grayrelease(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    percent = _int((await _body(request)).get("gray_percentage"), 0)
    await code.release(ctx, auth, percent)
    return OK


@router.get("/wxa/revertcoderelease")
async def wxa_revertcoderelease(ctx: CtxDep, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    await code.revert(ctx, auth)
    return OK


@router.get("/wxa/revertgrayrelease")
async def wxa_revertgrayrelease(ctx: CtxDep, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    await code.revert(ctx, auth)
    return OK


@router.get("/wxa/getgrayreleaseplan")
async def wxa_getgrayreleaseplan(ctx: CtxDep, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    return {**OK, **await code.gray_plan(ctx, auth)}


@router.post("/wxa/modify_domain")
async def wxa_modify_domain(ctx: CtxDep, request: Request, access_token: OptStr = None) -> Any:
    _, auth = await _authorizer(ctx, access_token)
    return {**OK, **await code.modify_domain(ctx, auth, await _body(request))}


# ---------------------------------------------------------------------------- Minihost's own API


class ApplyIn(BaseModel):
    org_id: int
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    message_url: str = Field(default="", max_length=2000)


@router.post("/api/openplatform/platforms", status_code=201)
async def apply_platform(body: ApplyIn, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    """An organisation's admin applies to become a third-party platform; the operator decides."""
    info = await platforms.apply(ctx, user.id, body.org_id, body.name, body.description, body.message_url)
    return {"platform": info.public()}


@router.get("/api/openplatform/platforms")
async def my_platforms(ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    return {"platforms": [p.public() for p in await platforms.my_platforms(ctx, user.id)]}


@router.get("/api/openplatform/platforms/{component_appid}")
async def platform_credentials(component_appid: str, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    """The platform with its message token and EncodingAESKey (its own admins and developers only)."""
    creds = await platforms.credentials(ctx, user.id, component_appid)
    return {
        "platform": creds.platform.public(),
        "message_token": creds.message_token,
        "encoding_aes_key": creds.encoding_aes_key,
    }


@router.post("/api/openplatform/platforms/{component_appid}/secret")
async def platform_secret(component_appid: str, ctx: CtxDep, user: CurrentUser) -> dict[str, str]:
    """A new component_appsecret, shown once (admins of the platform's organisation)."""
    return {"component_appsecret": await platforms.reset_secret(ctx, user.id, component_appid)}


class MessageUrlIn(BaseModel):
    message_url: str = Field(max_length=2000)


@router.put("/api/openplatform/platforms/{component_appid}/message_url")
async def platform_message_url(
    component_appid: str, body: MessageUrlIn, ctx: CtxDep, user: CurrentUser
) -> dict[str, Any]:
    info = await platforms.set_message_url(ctx, user.id, component_appid, body.message_url)
    return {"platform": info.public()}


@router.get("/api/openplatform/platforms/{component_appid}/pushes")
async def platform_pushes(component_appid: str, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    """What was pushed to the message URL and whether it was delivered (newest last)."""
    creds = await platforms.credentials(ctx, user.id, component_appid)
    pushes = await messages.pushes_for(ctx, creds.platform.id)
    return {
        "pushes": [
            {
                "id": p.id,
                "info_type": p.info_type,
                "delivered": p.delivered,
                "done": p.done,
                "attempts": p.attempts,
                "last_error": p.last_error,
            }
            for p in pushes[-200:]
        ]
    }


@router.post("/api/openplatform/platforms/{component_appid}/drafts", status_code=201)
async def upload_draft(
    component_appid: str,
    ctx: CtxDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="The package folder, zipped")],
    appid: Annotated[str, Form(max_length=32)],
    version: Annotated[str, Form(max_length=64)],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> dict[str, Any]:
    """Upload a package to one of the platform's own apps; it joins the draft box (`gettemplatedraftlist`)."""
    data = await file.read(ctx.settings.max_upload_bytes + 1)
    if len(data) > ctx.settings.max_upload_bytes:
        raise ApiError(413, "body_too_large", f"The upload exceeds {ctx.settings.max_upload_bytes} bytes.")
    draft = await code.upload_draft(ctx, user.id, component_appid, appid, data, version, description)
    return {"draft": draft.public()}


@router.get("/api/openplatform/applications")
async def applications(ctx: CtxDep, user: CurrentUser, status: str | None = "pending") -> dict[str, Any]:
    """Applications to become a third-party platform (operators)."""
    return {"applications": [p.public() for p in await platforms.list_applications(ctx, user, status or None)]}


class DecisionIn(BaseModel):
    note: str = Field(default="", max_length=2000)


@router.post("/api/openplatform/applications/{platform_id}/approve")
async def approve_application(
    platform_id: int, ctx: CtxDep, user: CurrentUser, body: DecisionIn | None = None
) -> dict[str, Any]:
    info = await platforms.approve(ctx, user, platform_id, body.note if body else "")
    return {"platform": info.public()}


@router.post("/api/openplatform/applications/{platform_id}/reject")
async def reject_application(
    platform_id: int, ctx: CtxDep, user: CurrentUser, body: DecisionIn | None = None
) -> dict[str, Any]:
    info = await platforms.reject(ctx, user, platform_id, body.note if body else "")
    return {"platform": info.public()}


@router.get("/api/openplatform/authorizations")
async def my_authorizations(ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    """The platforms the apps you administer authorize."""
    grants = await authorize.grants_of_user(ctx, user.id)
    return {
        "authorizations": [
            {
                "component_appid": g.component_appid,
                "platform_name": g.platform_name,
                "appid": g.appid,
                "app_name": g.app_name,
                "func_info": authorize.func_info(g.scopes),
                "authorized_at": g.authorized_at.isoformat(),
            }
            for g in grants
        ]
    }


@router.delete("/api/openplatform/authorizations/{component_appid}/{appid}", status_code=204)
async def revoke_authorization(component_appid: str, appid: str, ctx: CtxDep, user: CurrentUser) -> Response:
    """End an authorization: the platform's tokens for this app stop working at once."""
    await authorize.revoke(ctx, user.id, component_appid, appid)
    return Response(status_code=204)


@router.get("/api/openplatform/fastregister")
async def fastregister_pending(ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    items = await fastregister.pending_for(ctx, user.id)
    return {
        "registrations": [
            {
                "id": p.id,
                "platform_name": p.platform_name,
                "component_appid": p.component_appid,
                "org_id": p.org_id,
                "name": p.name,
            }
            for p in items
        ]
    }


class ConfirmIn(BaseModel):
    app_name: str = Field(default="", max_length=200)


@router.post("/api/openplatform/fastregister/{registration_id}/confirm")
async def fastregister_confirm(
    registration_id: int, ctx: CtxDep, user: CurrentUser, body: ConfirmIn | None = None
) -> dict[str, str]:
    appid = await fastregister.decide(ctx, user.id, registration_id, True, body.app_name if body else "")
    return {"appid": appid}


@router.post("/api/openplatform/fastregister/{registration_id}/refuse")
async def fastregister_refuse(registration_id: int, ctx: CtxDep, user: CurrentUser) -> dict[str, str]:
    await fastregister.decide(ctx, user.id, registration_id, False)
    return {"appid": ""}


# --------------------------------------------------------------------------------- the console page


async def _console(request: Request, ctx: Ctx, user: AuthUser, status: int = 200, **extra: Any) -> Response:
    orgs = await accounts.list_my_organisations(ctx, user.id)
    return _page(
        request,
        "console.html",
        status,
        user=user,
        applications=await platforms.list_applications(ctx, user, "pending") if user.is_operator else [],
        platforms=await platforms.my_platforms(ctx, user.id),
        admin_orgs=[o for o in orgs if o.role == "admin"],
        grants=await authorize.grants_of_user(ctx, user.id),
        registrations=await fastregister.pending_for(ctx, user.id),
        notice=CONSOLE_NOTICES.get(request.query_params.get("done", ""), ""),
        **extra,
    )


CONSOLE_NOTICES = {
    "applied": "Applied; an operator will decide.",
    "approved": "Approved; the platform has its credentials and its first ticket.",
    "rejected": "Rejected.",
    "revoked": "Revoked; the platform's tokens for that mini program no longer work.",
    "registered": "Done.",
}


def _done(what: str) -> RedirectResponse:
    return RedirectResponse(f"/openplatform/console?done={what}", status_code=303)


@router.get("/openplatform/console", include_in_schema=False)
async def console_page(request: Request, ctx: CtxDep, user: OptionalUser) -> Response:
    """Operators decide applications; organisations apply and get secrets; businesses revoke."""
    if user is None:
        return RedirectResponse("/console/signin?next=%2Fopenplatform%2Fconsole", status_code=303)
    return await _console(request, ctx, user)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/openplatform/console/applications/{platform_id}/{decision}", include_in_schema=False)
async def console_decide(platform_id: int, decision: str, request: Request, ctx: CtxDep, user: CurrentUser) -> Response:
    note = (await _form(request)).get("note", "")
    try:
        if decision == "approve":
            await platforms.approve(ctx, user, platform_id, note)
        elif decision == "reject":
            await platforms.reject(ctx, user, platform_id, note)
        else:
            raise ApiError(404, "not_found", "Approve or reject.")
    except ApiError as exc:
        return await _console(request, ctx, user, exc.status, error=exc.message)
    return _done("approved" if decision == "approve" else "rejected")


@router.post("/openplatform/console/apply", include_in_schema=False)
async def console_apply(request: Request, ctx: CtxDep, user: CurrentUser) -> Response:
    form = await _form(request)
    try:
        org_id = int(form.get("org_id", "0") or 0)
        await platforms.apply(
            ctx, user.id, org_id, form.get("name", ""), form.get("description", ""), form.get("message_url", "")
        )
    except ApiError as exc:
        return await _console(request, ctx, user, exc.status, error=exc.message)
    except ValueError:
        return await _console(request, ctx, user, 400, error="Choose one of your organisations.")
    return _done("applied")


@router.post("/openplatform/console/platforms/{component_appid}/secret", include_in_schema=False)
async def console_secret(component_appid: str, request: Request, ctx: CtxDep, user: CurrentUser) -> Response:
    try:
        secret = await platforms.reset_secret(ctx, user.id, component_appid)
    except ApiError as exc:
        return await _console(request, ctx, user, exc.status, error=exc.message)
    return await _console(request, ctx, user, secret=secret)


@router.post("/openplatform/console/revoke", include_in_schema=False)
async def console_revoke(request: Request, ctx: CtxDep, user: CurrentUser) -> Response:
    form = await _form(request)
    try:
        await authorize.revoke(ctx, user.id, form.get("component_appid", ""), form.get("appid", ""))
    except ApiError as exc:
        return await _console(request, ctx, user, exc.status, error=exc.message)
    return _done("revoked")


@router.post("/openplatform/console/fastregister/{registration_id}/{decision}", include_in_schema=False)
async def console_fastregister(
    registration_id: int, decision: str, request: Request, ctx: CtxDep, user: CurrentUser
) -> Response:
    form = await _form(request)
    try:
        if decision not in ("confirm", "refuse"):
            raise ApiError(404, "not_found", "Confirm or refuse.")
        await fastregister.decide(ctx, user.id, registration_id, decision == "confirm", form.get("app_name", ""))
    except ApiError as exc:
        return await _console(request, ctx, user, exc.status, error=exc.message)
    return _done("registered")
