"""Shared by the open platform tests: an approved third-party platform, a business with a mini program, the
authorization page driven like a browser, and the pushes a platform receives (read back and decrypted)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import xmltodict
from fastapi import FastAPI

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.config import Settings
from minihost.context import Ctx
from minihost.openplatform import crypto, messages
from minihost.web.app import create_app
from tests.auth.helpers import PASSWORD, SignedInUser, signed_in_user

UNREACHABLE = "http://127.0.0.1:9/wechat/events"
"""A message URL nothing listens on: pushes stay in the outbox, where the tests read them."""


@pytest.fixture(scope="session")
def op_app(settings: Settings, ctx: Ctx) -> FastAPI:
    # Review screenshots (Chromium in the background) are the packages tests' business, not these.
    return create_app(settings, replace(ctx, settings=settings.model_copy(update={"review_screenshots": False})))


@pytest.fixture
async def web(op_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=op_app), base_url="http://testserver") as c:
        yield c


@dataclass(frozen=True)
class ThirdParty:
    id: int
    component_appid: str
    secret: str
    token: str
    aes_key: str
    org_id: int
    admin: SignedInUser
    dev_appid: str


@dataclass(frozen=True)
class Business:
    admin: SignedInUser
    org_id: int
    appid: str
    appsecret: str


async def operator(ctx: Ctx, username: str) -> SignedInUser:
    user = await accounts.create_user(ctx, username, PASSWORD, is_operator=True)
    signed = await accounts.sign_in(ctx, username, PASSWORD)
    return SignedInUser(user.id, {"Cookie": f"mh_session={signed.session_token}", "X-CSRF-Token": signed.csrf_token})


async def third_party(ctx: Ctx, web: httpx.AsyncClient, tag: str, message_url: str = UNREACHABLE) -> ThirdParty:
    """An organisation applies through the API, an operator approves it, its admin takes the credentials."""
    admin = await signed_in_user(ctx, f"tp_{tag}")
    org = await accounts.create_organisation(ctx, admin.id, f"Platform Co {tag}")
    r = await web.post(
        "/api/openplatform/platforms",
        json={"org_id": org, "name": f"Platform {tag}", "message_url": message_url},
        headers=admin.headers,
    )
    assert r.status_code == 201, r.text
    platform_id = r.json()["platform"]["id"]
    assert r.json()["platform"]["status"] == "pending"
    op = await operator(ctx, f"op_{tag}")
    r = await web.post(f"/api/openplatform/applications/{platform_id}/approve", headers=op.headers)
    assert r.status_code == 200, r.text
    component_appid = r.json()["platform"]["component_appid"]
    r = await web.get(f"/api/openplatform/platforms/{component_appid}", headers=admin.headers)
    assert r.status_code == 200, r.text
    creds = r.json()
    r = await web.post(f"/api/openplatform/platforms/{component_appid}/secret", headers=admin.headers)
    assert r.status_code == 200, r.text
    dev = await apps.register_app(ctx, org, f"Template app {tag}")
    return ThirdParty(
        platform_id,
        component_appid,
        r.json()["component_appsecret"],
        creds["message_token"],
        creds["encoding_aes_key"],
        org,
        admin,
        dev.app.appid,
    )


async def business(ctx: Ctx, tag: str) -> Business:
    admin = await signed_in_user(ctx, f"biz_{tag}")
    org = await accounts.create_organisation(ctx, admin.id, f"Shop {tag}")
    reg = await apps.register_app(ctx, org, f"Shop app {tag}")
    return Business(admin, org, reg.app.appid, reg.appsecret)


def open_push(tp: ThirdParty, push: messages.Push) -> dict[str, Any]:
    """What the platform's receiver does: check msg_signature, decrypt, parse the XML."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(push.url).query).items()}
    encrypted = xmltodict.parse(push.body)["xml"]["Encrypt"]
    plain = crypto.open_envelope(tp.token, tp.aes_key, tp.component_appid, encrypted, params)
    data: dict[str, Any] = xmltodict.parse(plain)["xml"]
    return data


async def pushed(ctx: Ctx, tp: ThirdParty, info_type: str) -> list[dict[str, Any]]:
    return [open_push(tp, p) for p in await messages.pushes_for(ctx, tp.id, info_type)]


async def ticket(ctx: Ctx, tp: ThirdParty) -> str:
    found = await pushed(ctx, tp, "component_verify_ticket")
    assert found, "no component_verify_ticket was pushed"
    value: str = found[-1]["ComponentVerifyTicket"]
    return value


async def component_token(web: httpx.AsyncClient, ctx: Ctx, tp: ThirdParty) -> str:
    r = await web.post(
        "/cgi-bin/component/api_component_token",
        json={
            "component_appid": tp.component_appid,
            "component_appsecret": tp.secret,
            "component_verify_ticket": await ticket(ctx, tp),
        },
    )
    body = r.json()
    assert "component_access_token" in body, body
    token: str = body["component_access_token"]
    return token


async def preauthcode(web: httpx.AsyncClient, tp: ThirdParty, cat: str) -> str:
    r = await web.post(
        "/cgi-bin/component/api_create_preauthcode",
        params={"component_access_token": cat},
        json={"component_appid": tp.component_appid},
    )
    code: str = r.json()["pre_auth_code"]
    return code


async def authorize_on_page(
    web: httpx.AsyncClient,
    tp: ThirdParty,
    biz: Business,
    pre_auth_code: str,
    scopes: list[int] | None = None,
    redirect_uri: str = "https://platform.example/callback?x=1",
) -> str:
    """The business admin opens the authorization page, picks the app and scopes, and is sent back with an
    auth_code: returns it."""
    params = {"component_appid": tp.component_appid, "pre_auth_code": pre_auth_code, "redirect_uri": redirect_uri}
    page = await web.get("/cgi-bin/componentloginpage", params=params, headers=biz.admin.headers)
    assert page.status_code == 200, page.text
    assert biz.appid in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    form: dict[str, Any] = {
        "csrf_token": csrf.group(1),
        "component_appid": tp.component_appid,
        "pre_auth_code": pre_auth_code,
        "redirect_uri": redirect_uri,
        "appid": biz.appid,
        "scope": [str(s) for s in (scopes if scopes is not None else [17, 18])],
    }
    r = await web.post("/cgi-bin/componentloginpage", data=form, headers={"Cookie": biz.admin.headers["Cookie"]})
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith(redirect_uri.split("?")[0])
    query = parse_qs(urlsplit(location).query)
    assert query["x"] == ["1"] and query["expires_in"] == ["3600"]
    return query["auth_code"][0]


async def authorized(
    web: httpx.AsyncClient, ctx: Ctx, tp: ThirdParty, biz: Business, scopes: list[int] | None = None
) -> dict[str, Any]:
    """The whole authorization: returns api_query_auth's authorization_info (and the component token)."""
    cat = await component_token(web, ctx, tp)
    auth_code = await authorize_on_page(web, tp, biz, await preauthcode(web, tp, cat), scopes)
    r = await web.post(
        "/cgi-bin/component/api_query_auth",
        params={"component_access_token": cat},
        json={"component_appid": tp.component_appid, "authorization_code": auth_code},
    )
    info: dict[str, Any] = r.json()["authorization_info"]
    info["component_access_token"] = cat
    return info


def package_zip(title: str = "Template", extra: dict[str, str] | None = None) -> bytes:
    """A small working mini program: two pages, a window title."""
    files = {
        "app.json": json.dumps(
            {"pages": ["pages/index/index", "pages/about/about"], "window": {"navigationBarTitleText": title}}
        ),
        "app.js": "App({})\n",
        "pages/index/index.wxml": "<view>{{greeting}}</view>\n",
        "pages/index/index.js": "Page({ data: { greeting: 'hello' } })\n",
        "pages/index/index.json": "{}",
        "pages/about/about.wxml": "<view>about</view>\n",
        "pages/about/about.js": "Page({})\n",
    }
    files.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()
