"""wx.login through the host, then /sns/jscode2session as the mini program's backend calls it."""

from __future__ import annotations

import asyncio
import base64
import time
from urllib.parse import quote

import httpx
import pytest

from minihost.auth import service
from minihost.context import Ctx
from minihost.errors import WeChatError
from tests.auth.helpers import World, code2session, login_code, new_app, new_org, signed_in_user, with_settings


async def test_login_code_redeems_for_openid_unionid_and_session_key(web: httpx.AsyncClient, world: World) -> None:
    code = await login_code(web, world.user, world.app.appid)
    body = await code2session(web, world.app, code)
    assert set(body) == {"openid", "session_key", "unionid"}
    assert isinstance(body["openid"], str) and len(body["openid"]) == 28 and body["openid"].startswith("o")
    assert isinstance(body["unionid"], str) and len(body["unionid"]) == 28
    assert isinstance(body["session_key"], str) and len(base64.b64decode(body["session_key"])) == 16


async def test_first_login_records_the_user_for_the_app(web: httpx.AsyncClient, world: World, ctx: Ctx) -> None:
    from minihost.apps import service as apps

    app = await apps.get_app(ctx, world.app.appid)
    assert app is not None
    body = await code2session(web, world.app, await login_code(web, world.user, world.app.appid))
    row = await service.app_user_by_openid(ctx, app, str(body["openid"]))
    assert row is not None and row.user_id == world.user.id and row.session_key == body["session_key"]
    again = await code2session(web, world.app, await login_code(web, world.user, world.app.appid))
    row2 = await service.app_user_by_openid(ctx, app, str(body["openid"]))
    assert row2 is not None and row2.session_key == again["session_key"] != body["session_key"]


async def test_openid_is_stable_per_app_and_unionid_per_organisation(
    web: httpx.AsyncClient, world: World, ctx: Ctx, unique: str
) -> None:
    first = await code2session(web, world.app, await login_code(web, world.user, world.app.appid))
    second = await code2session(web, world.app, await login_code(web, world.user, world.app.appid))
    assert first["openid"] == second["openid"]
    assert first["session_key"] != second["session_key"]

    sibling = await new_app(ctx, world.app.org_id, "Sibling")
    in_sibling = await code2session(web, sibling, await login_code(web, world.user, sibling.appid))
    assert in_sibling["openid"] != first["openid"]
    assert in_sibling["unionid"] == first["unionid"]

    other_org_app = await new_app(ctx, await new_org(ctx, world.user.id, f"Other {unique}"), "Elsewhere")
    elsewhere = await code2session(web, other_org_app, await login_code(web, world.user, other_org_app.appid))
    assert elsewhere["unionid"] != first["unionid"]

    friend = await signed_in_user(ctx, f"friend_{unique}")
    theirs = await code2session(web, world.app, await login_code(web, friend, world.app.appid))
    assert theirs["openid"] != first["openid"] and theirs["unionid"] != first["unionid"]


async def test_a_code_works_once(web: httpx.AsyncClient, world: World) -> None:
    code = await login_code(web, world.user, world.app.appid)
    assert "openid" in await code2session(web, world.app, code)
    assert await code2session(web, world.app, code) == {"errcode": 40163, "errmsg": "code been used"}


async def test_an_unknown_code_is_invalid(web: httpx.AsyncClient, world: World) -> None:
    body = await code2session(web, world.app, "0716AVll20uHk94SLDml27etM946AVlq")
    assert body == {"errcode": 40029, "errmsg": "invalid code"}


async def test_a_code_for_another_app_is_invalid_and_stays_usable_there(
    web: httpx.AsyncClient, world: World, ctx: Ctx
) -> None:
    other = await new_app(ctx, world.app.org_id, "Other")
    code = await login_code(web, world.user, world.app.appid)
    assert (await code2session(web, other, code))["errcode"] == 40029
    assert "openid" in await code2session(web, world.app, code)


async def test_an_expired_code_is_invalid(web: httpx.AsyncClient, world: World, ctx: Ctx) -> None:
    short = with_settings(ctx, login_code_ttl=0.2)
    code = await service.issue_login_code(short, world.user.id, world.app.appid)
    await asyncio.sleep(0.4)
    assert (await code2session(web, world.app, code))["errcode"] == 40029


async def test_wrong_secret_and_unknown_appid(web: httpx.AsyncClient, world: World) -> None:
    code = await login_code(web, world.user, world.app.appid)
    assert await code2session(web, world.app, code, secret="0" * 32) == {
        "errcode": 40125,
        "errmsg": "invalid appsecret",
    }
    assert await code2session(web, world.app, code, appid="wx0000000000000000") == {
        "errcode": 40013,
        "errmsg": "invalid appid",
    }
    # Neither failure used the code up.
    assert "openid" in await code2session(web, world.app, code)


@pytest.mark.parametrize(
    ("missing", "errcode"),
    [("appid", 41002), ("secret", 41004), ("js_code", 41008), ("grant_type", 40002)],
)
async def test_missing_parameters(web: httpx.AsyncClient, world: World, missing: str, errcode: int) -> None:
    body = await code2session(web, world.app, "somecode", **{missing: None})
    assert body["errcode"] == errcode


async def test_wrong_grant_type(web: httpx.AsyncClient, world: World) -> None:
    body = await code2session(web, world.app, "somecode", grant_type="client_credential")
    assert body == {"errcode": 40002, "errmsg": "invalid grant_type"}


HOSTILE = [
    "' OR '1'='1",
    "x'); DROP TABLE auth_app_users; --",
    "%00\x00nul",
    "😀" * 50,
    "a" * 10_000,
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("param", ["appid", "secret", "js_code"])
async def test_hostile_strings_get_a_wechat_error(web: httpx.AsyncClient, world: World, param: str, value: str) -> None:
    body = await code2session(web, world.app, "somecode", **{param: value})
    expected = {"appid": 40013, "secret": 40125, "js_code": 40029}[param]
    assert body["errcode"] == expected


async def test_minute_quota_per_appid(web: httpx.AsyncClient, world: World, ctx: Ctx) -> None:
    limited = with_settings(ctx, jscode2session_per_minute=3)
    if time.time() % 60 > 58:  # keep all calls inside one minute window
        await asyncio.sleep(2.5)
    for _ in range(3):
        code = await service.issue_login_code(limited, world.user.id, world.app.appid)
        await service.code_to_session(limited, world.app.appid, world.app.secret, code, "authorization_code")
    code = await service.issue_login_code(limited, world.user.id, world.app.appid)
    with pytest.raises(WeChatError) as err:
        await service.code_to_session(limited, world.app.appid, world.app.secret, code, "authorization_code")
    assert (err.value.errcode, err.value.errmsg) == service.E_MINUTE_QUOTA


async def test_host_login_needs_a_signed_in_user(web: httpx.AsyncClient, world: World) -> None:
    r = await web.post(f"/host/api/apps/{world.app.appid}/login")
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_signed_in"


async def test_host_login_needs_the_csrf_header(web: httpx.AsyncClient, world: World) -> None:
    r = await web.post(f"/host/api/apps/{world.app.appid}/login", headers={"Cookie": world.user.headers["Cookie"]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"


async def test_host_login_for_an_unknown_app(web: httpx.AsyncClient, world: World) -> None:
    r = await web.post("/host/api/apps/wx0000000000000000/login", headers=world.user.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "app_not_found"


async def test_codes_are_unguessable_and_distinct(web: httpx.AsyncClient, world: World) -> None:
    codes = {await login_code(web, world.user, world.app.appid) for _ in range(20)}
    assert len(codes) == 20 and all(len(c) >= 32 for c in codes)


@pytest.mark.parametrize("value", HOSTILE)
async def test_hostile_appids_on_the_host_route(web: httpx.AsyncClient, world: World, value: str) -> None:
    r = await web.post(f"/host/api/apps/{quote(value, safe='')}/login", headers=world.user.headers)
    assert r.status_code in (404, 413) and "error" in r.json()


@pytest.mark.parametrize("value", HOSTILE)
async def test_hostile_tokens_and_credentials(web: httpx.AsyncClient, world: World, value: str) -> None:
    r = await web.get("/cgi-bin/getcallbackip", params={"access_token": value})
    assert r.json()["errcode"] == 40001
    r = await web.get("/cgi-bin/token", params={"grant_type": "client_credential", "appid": value, "secret": value})
    assert r.json()["errcode"] == 40013
