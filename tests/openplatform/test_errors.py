"""Bad input and security: every refusal is WeChat's precise errcode (or Minihost's error on its own API)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException

from minihost.accounts import service as accounts
from minihost.context import Ctx
from minihost.db import utcnow
from minihost.openplatform import crypto, messages, tokens
from minihost.openplatform.models import Platform
from tests.auth.helpers import signed_in_user
from tests.openplatform.helpers import (
    ThirdParty,
    authorize_on_page,
    authorized,
    business,
    component_token,
    package_zip,
    preauthcode,
    third_party,
    ticket,
)


async def token_call(web: httpx.AsyncClient, **body: object) -> int:
    r = await web.post("/cgi-bin/component/api_component_token", json=body)
    assert r.status_code == 200
    code: int = r.json().get("errcode", 0)
    return code


async def test_component_token_refusals(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    good = {
        "component_appid": tp.component_appid,
        "component_appsecret": tp.secret,
        "component_verify_ticket": await ticket(ctx, tp),
    }
    assert await token_call(web, **good) == 0
    assert await token_call(web, **{**good, "component_appid": ""}) == 41002
    assert await token_call(web, **{**good, "component_appsecret": ""}) == 41004
    assert await token_call(web, **{**good, "component_appid": "wx0000000000000000"}) == 61011
    assert await token_call(web, **{**good, "component_appsecret": "0" * 32}) == 40125
    assert await token_call(web, **{**good, "component_verify_ticket": "ticket@@@forged"}) == 61006
    assert await token_call(web, **{**good, "component_verify_ticket": ""}) == 61006
    r = await web.post("/cgi-bin/component/api_component_token", content=b"{not json")
    assert r.json()["errcode"] == 47001
    # A ticket older than 12 hours has expired.
    async with ctx.db.session() as s, s.begin():
        await s.execute(update(Platform).where(Platform.id == tp.id).values(ticket_at=utcnow() - timedelta(hours=13)))
    assert await token_call(web, **good) == 61005
    # Another platform's ticket is no ticket of this one.
    other = await third_party(ctx, web, unique + "b")
    assert await token_call(web, **{**good, "component_verify_ticket": await ticket(ctx, other)}) == 61006
    r = await web.post(
        "/cgi-bin/component/api_start_push_ticket",
        json={"component_appid": tp.component_appid, "component_secret": "wrong"},
    )
    assert r.json()["errcode"] == 40125


async def test_pending_platform_has_no_api(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    admin = await signed_in_user(ctx, f"pend_{unique}")
    org = await accounts.create_organisation(ctx, admin.id, f"Pending {unique}")
    r = await web.post("/api/openplatform/platforms", json={"org_id": org, "name": "P"}, headers=admin.headers)
    platform_id = r.json()["platform"]["id"]
    # Only operators decide; the applicant cannot approve itself.
    r = await web.post(f"/api/openplatform/applications/{platform_id}/approve", headers=admin.headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "operators_only"
    r = await web.get("/api/openplatform/applications", headers=admin.headers)
    assert r.status_code == 403
    stranger = await signed_in_user(ctx, f"str_{unique}")
    r = await web.post("/api/openplatform/platforms", json={"org_id": org, "name": "Mine"}, headers=stranger.headers)
    assert r.status_code == 403
    r = await web.post(
        "/api/openplatform/platforms",
        json={"org_id": org, "name": "P2", "message_url": "javascript:alert(1)"},
        headers=admin.headers,
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_message_url"


async def test_credentials_are_the_platforms_own(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    stranger = await signed_in_user(ctx, f"str_{unique}")
    r = await web.get(f"/api/openplatform/platforms/{tp.component_appid}", headers=stranger.headers)
    assert r.status_code == 403
    r = await web.post(f"/api/openplatform/platforms/{tp.component_appid}/secret", headers=stranger.headers)
    assert r.status_code == 403
    # A new secret ends the old one at once.
    r = await web.post(f"/api/openplatform/platforms/{tp.component_appid}/secret", headers=tp.admin.headers)
    new_secret = r.json()["component_appsecret"]
    base = {"component_appid": tp.component_appid, "component_verify_ticket": await ticket(ctx, tp)}
    assert await token_call(web, **base, component_appsecret=tp.secret) == 40125
    assert await token_call(web, **base, component_appsecret=new_secret) == 0


async def test_component_access_token_checks(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    other = await third_party(ctx, web, unique + "b")
    cat = await component_token(web, ctx, tp)
    url = "/cgi-bin/component/api_create_preauthcode"
    body = {"component_appid": tp.component_appid}

    async def call(token: str | None, json: dict[str, str] = body) -> int:
        params = {"component_access_token": token} if token is not None else {}
        code: int = (await web.post(url, params=params, json=json)).json().get("errcode", 0)
        return code

    assert await call(cat) == 0
    assert await call(None) == 41001
    assert await call(cat[:-2] + ("AA" if not cat.endswith("AA") else "BB")) == 40001
    assert await call("not-a-token") == 40001
    expired = await tokens.issue(ctx, tokens.COMPONENT_TOKEN, str(tp.id), -1)
    assert await call(expired) == 42001
    # A token names its platform: it cannot speak for another one.
    assert await call(cat, {"component_appid": other.component_appid}) == 61011
    # An authorizer's api is not reachable with a component token, nor the other way round.
    r = await web.post("/wxa/commit", params={"access_token": cat}, json={"template_id": 1, "user_version": "1"})
    assert r.json()["errcode"] == 40001


async def test_auth_codes_and_apps_that_never_authorized(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    other = await third_party(ctx, web, unique + "b")
    biz = await business(ctx, unique)
    stranger_biz = await business(ctx, unique + "s")
    cat = await component_token(web, ctx, tp)
    other_cat = await component_token(web, ctx, other)
    code = await authorize_on_page(web, tp, biz, await preauthcode(web, tp, cat))

    async def query(token: str, comp: ThirdParty, auth_code: str) -> int:
        r = await web.post(
            "/cgi-bin/component/api_query_auth",
            params={"component_access_token": token},
            json={"component_appid": comp.component_appid, "authorization_code": auth_code},
        )
        errcode: int = r.json().get("errcode", 0)
        return errcode

    assert await query(other_cat, other, code) == 61009  # another platform's code (and now it is used up)
    code = await authorize_on_page(web, tp, biz, await preauthcode(web, tp, cat))
    assert await query(cat, tp, code) == 0
    assert await query(cat, tp, code) == 61009  # one use
    assert await query(cat, tp, "queryauthcode@@@qgarbage") == 61009
    expired = await tokens.issue(ctx, tokens.AUTH_CODE, "1:1", -1)
    assert await query(cat, tp, expired) == 61010

    async def about(token: str, comp: ThirdParty, appid: str, path: str, **extra: str) -> int:
        r = await web.post(
            f"/cgi-bin/component/{path}",
            params={"component_access_token": token},
            json={"component_appid": comp.component_appid, "authorizer_appid": appid, **extra},
        )
        errcode: int = r.json().get("errcode", 0)
        return errcode

    assert await about(cat, tp, biz.appid, "api_get_authorizer_info") == 0
    assert await about(cat, tp, stranger_biz.appid, "api_get_authorizer_info") == 61003
    assert await about(other_cat, other, biz.appid, "api_get_authorizer_info") == 61003
    assert await about(cat, tp, stranger_biz.appid, "api_authorizer_token", authorizer_refresh_token="x") == 61003
    assert await about(cat, tp, biz.appid, "api_authorizer_token", authorizer_refresh_token="refreshtoken@@@x") == 61023


async def test_authorizer_token_checks_and_scopes(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    info = await authorized(web, ctx, tp, biz, scopes=[17])  # no development scope
    token = info["authorizer_access_token"]

    async def domains(access_token: str | None) -> int:
        params = {"access_token": access_token} if access_token is not None else {}
        code: int = (await web.post("/wxa/modify_domain", params=params, json={"action": "get"})).json()["errcode"]
        return code

    assert await domains(token) == 61007  # api is unauthorized to component
    r = await web.post("/wxa/commit", params={"access_token": token}, json={"template_id": 1, "user_version": "1"})
    assert r.json()["errcode"] == 61007
    assert await domains(None) == 41001
    assert await domains(token + "x") == 40001
    expired = await tokens.issue(ctx, tokens.AUTHORIZER_TOKEN, "1:1", -1)
    assert await domains(expired) == 42001
    # The business grants development too: the same token works at once (scopes are read on every call).
    cat = info["component_access_token"]
    await authorize_on_page(web, tp, biz, await preauthcode(web, tp, cat), [17, 18])
    assert await domains(token) == 0


async def test_authorization_page_refusals(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    cat = await component_token(web, ctx, tp)
    code = await preauthcode(web, tp, cat)
    # A developer of the business (not an admin) sees nothing to authorize and cannot post one.
    dev = await signed_in_user(ctx, f"dev_{unique}")
    await accounts.add_member(ctx, biz.org_id, f"dev_{unique}", "developer")
    params = {"component_appid": tp.component_appid, "pre_auth_code": code, "redirect_uri": "https://p.example/cb"}
    page = await web.get("/cgi-bin/componentloginpage", params=params, headers=dev.headers)
    assert page.status_code == 200 and biz.appid not in page.text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    form = {**params, "appid": biz.appid, "scope": ["18"]}
    r = await web.post("/cgi-bin/componentloginpage", data=form, headers=dev.headers)
    assert r.status_code == 403 and csrf is None
    # Without the CSRF token the form is refused.
    r = await web.post("/cgi-bin/componentloginpage", data=form, headers={"Cookie": biz.admin.headers["Cookie"]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    # No scope, an unknown scope, a bad redirect address.
    for bad in ({"scope": []}, {"scope": ["99"]}):
        r = await web.post("/cgi-bin/componentloginpage", data={**form, **bad}, headers=biz.admin.headers)
        assert r.status_code == 400, r.text
    r = await web.post(
        "/cgi-bin/componentloginpage", data={**form, "redirect_uri": "javascript:alert(1)"}, headers=biz.admin.headers
    )
    assert r.status_code == 400
    # A pre-auth code is used once; a forged or expired one never works.
    await authorize_on_page(web, tp, biz, code)
    r = await web.get("/cgi-bin/componentloginpage", params=params, headers=biz.admin.headers)
    assert r.status_code == 400 and "not valid" in r.text
    expired = await tokens.issue(ctx, tokens.PRE_AUTH_CODE, str(tp.id), -1)
    r = await web.get(
        "/cgi-bin/componentloginpage", params={**params, "pre_auth_code": expired}, headers=biz.admin.headers
    )
    assert r.status_code == 400 and "expired" in r.text
    other = await third_party(ctx, web, unique + "o")
    r = await web.get(
        "/cgi-bin/componentloginpage",
        params={**params, "component_appid": other.component_appid, "pre_auth_code": await preauthcode(web, tp, cat)},
        headers=biz.admin.headers,
    )
    assert r.status_code == 400


async def test_bad_signatures_are_refused(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    (push,) = await messages.pushes_for(ctx, tp.id, "component_verify_ticket")
    params = dict(p.split("=", 1) for p in push.url.split("?", 1)[1].split("&"))
    wx = WeChatCrypto(tp.token, tp.aes_key, tp.component_appid)
    assert "ComponentVerifyTicket" in wx.decrypt_message(
        push.body, params["msg_signature"], params["timestamp"], params["nonce"]
    )
    with pytest.raises(InvalidSignatureException):
        wx.decrypt_message(push.body, "0" * 40, params["timestamp"], params["nonce"])
    with pytest.raises(InvalidSignatureException):
        wx.decrypt_message(push.body, params["msg_signature"], str(int(params["timestamp"]) + 1), params["nonce"])
    encrypted = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", push.body)
    assert encrypted
    with pytest.raises(crypto.CryptoError):
        crypto.open_envelope(tp.token, tp.aes_key, tp.component_appid, encrypted.group(1), {**params, "nonce": "1"})
    with pytest.raises(crypto.CryptoError):
        crypto.open_envelope("wrong-token", tp.aes_key, tp.component_appid, encrypted.group(1), params)
    # Right signature, but encrypted for another appid: refused too.
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(tp.aes_key, encrypted.group(1), "wx0000000000000000")
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(crypto.new_encoding_aes_key(), encrypted.group(1), tp.component_appid)


async def test_templates_and_audits_bad_input(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    other = await third_party(ctx, web, unique + "o")
    biz = await business(ctx, unique)
    cat = await component_token(web, ctx, tp)
    other_cat = await component_token(web, ctx, other)
    r = await web.post(
        f"/api/openplatform/platforms/{tp.component_appid}/drafts",
        data={"appid": tp.dev_appid, "version": "1.0.0"},
        files={"file": ("pkg.zip", package_zip(), "application/zip")},
        headers=tp.admin.headers,
    )
    draft_id = r.json()["draft"]["draft_id"]
    # A draft is uploaded to one of the platform's own apps only, by its own people.
    r = await web.post(
        f"/api/openplatform/platforms/{tp.component_appid}/drafts",
        data={"appid": biz.appid, "version": "1.0.0"},
        files={"file": ("pkg.zip", package_zip(), "application/zip")},
        headers=tp.admin.headers,
    )
    assert r.status_code == 404
    r = await web.post(
        f"/api/openplatform/platforms/{tp.component_appid}/drafts",
        data={"appid": tp.dev_appid, "version": "1.0.1"},
        files={"file": ("pkg.zip", package_zip(), "application/zip")},
        headers=biz.admin.headers,
    )
    assert r.status_code == 403
    for token, body, code in (
        (cat, {"draft_id": "one"}, 44002),
        (cat, {}, 44002),
        (cat, {"draft_id": draft_id + 10_000}, 85065),
        (other_cat, {"draft_id": draft_id}, 85065),
    ):
        r = await web.post("/wxa/addtotemplate", params={"access_token": token}, json=body)
        assert r.json()["errcode"] == code, body
    r = await web.post("/wxa/addtotemplate", params={"access_token": cat}, content=b"[]")
    assert r.json()["errcode"] == 47001
    r = await web.get("/wxa/gettemplatelist", params={"access_token": "x"})
    assert r.json()["errcode"] == 40001

    token = (await authorized(web, ctx, tp, biz))["authorizer_access_token"]
    q = {"access_token": token}
    for body in ({"auditid": "abc"}, {"auditid": 999_999_999}, {}):
        r = await web.post("/wxa/get_auditstatus", params=q, json=body)
        assert r.json()["errcode"] == 85012, body
    r = await web.get("/wxa/get_latest_auditstatus", params=q)
    assert r.json()["errcode"] == 85012
    for path in ("/wxa/get_qrcode", "/wxa/get_page"):
        r = await web.get(path, params=q)
        assert r.json()["errcode"] == 85013, path
    r = await web.post("/wxa/grayrelease", params=q, json={"gray_percentage": 0})
    assert r.json()["errcode"] == 85079
    r = await web.post("/wxa/commit", params=q, json={"template_id": 1})
    assert r.json()["errcode"] == 44002  # user_version missing
