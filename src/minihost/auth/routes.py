"""HTTP for sign-in: the host's login-code call and WeChat's jscode2session and access-token endpoints."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, Query, Request

from minihost.auth import service
from minihost.auth.deps import AccessTokenApp
from minihost.errors import WeChatError
from minihost.web.auth import CurrentUser
from minihost.web.deps import CtxDep

router = APIRouter(tags=["auth"])

OptStr = Annotated[str | None, Query()]


@router.post("/host/api/apps/{appid}/login")
async def host_login(appid: str, user: CurrentUser, ctx: CtxDep) -> dict[str, str]:
    """`wx.login` through the host: a one-time code for the signed-in user and this mini program."""
    return {"code": await service.issue_login_code(ctx, user.id, appid)}


@router.get("/sns/jscode2session")
async def jscode2session(
    ctx: CtxDep,
    appid: OptStr = None,
    secret: OptStr = None,
    js_code: OptStr = None,
    grant_type: OptStr = None,
) -> dict[str, str]:
    s = await service.code_to_session(ctx, appid, secret, js_code, grant_type)
    return {"openid": s.openid, "session_key": s.session_key, "unionid": s.unionid}


@router.get("/cgi-bin/token")
async def token(ctx: CtxDep, grant_type: OptStr = None, appid: OptStr = None, secret: OptStr = None) -> dict[str, Any]:
    t = await service.get_access_token(ctx, grant_type, appid, secret)
    return {"access_token": t.access_token, "expires_in": t.expires_in}


@router.post("/cgi-bin/stable_token")
async def stable_token(ctx: CtxDep, request: Request) -> dict[str, Any]:
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise WeChatError(47001, "data format error") from None
    if not isinstance(body, dict):
        raise WeChatError(47001, "data format error")

    def field(name: str) -> str | None:
        value = body.get(name)
        return value if isinstance(value, str) else None

    force = body.get("force_refresh", False)
    t = await service.get_stable_access_token(
        ctx, field("grant_type"), field("appid"), field("secret"), force is True or force == "true"
    )
    return {"access_token": t.access_token, "expires_in": t.expires_in}


def _server_ips(base_url: str) -> list[str]:
    host = urlsplit(base_url).hostname or "127.0.0.1"
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return ["127.0.0.1"]


@router.get("/cgi-bin/getcallbackip")
async def getcallbackip(app: AccessTokenApp, ctx: CtxDep) -> dict[str, list[str]]:
    """The addresses this platform calls developers' servers from (for their firewall whitelists)."""
    return {"ip_list": _server_ips(ctx.settings.base_url)}


@router.get("/cgi-bin/get_api_domain_ip")
async def get_api_domain_ip(app: AccessTokenApp, ctx: CtxDep) -> dict[str, list[str]]:
    """The addresses of this platform's API domain."""
    return {"ip_list": _server_ips(ctx.settings.base_url)}
