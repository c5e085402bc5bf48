"""Access tokens: /cgi-bin/token, /cgi-bin/stable_token and the endpoints they unlock."""

from __future__ import annotations

import asyncio

import httpx

from minihost.auth import service
from minihost.context import Ctx
from tests.auth.helpers import MiniProgram, World, with_settings


async def _token(web: httpx.AsyncClient, app: MiniProgram) -> str:
    r = await web.get(
        "/cgi-bin/token", params={"grant_type": "client_credential", "appid": app.appid, "secret": app.secret}
    )
    body = r.json()
    assert body["expires_in"] == 7200, body
    token: str = body["access_token"]
    return token


async def _stable(web: httpx.AsyncClient, app: MiniProgram, **extra: object) -> dict[str, object]:
    payload = {"grant_type": "client_credential", "appid": app.appid, "secret": app.secret, **extra}
    body: dict[str, object] = (await web.post("/cgi-bin/stable_token", json=payload)).json()
    return body


async def _callback_ip(web: httpx.AsyncClient, token: str | None) -> dict[str, object]:
    params = {"access_token": token} if token is not None else {}
    body: dict[str, object] = (await web.get("/cgi-bin/getcallbackip", params=params)).json()
    return body


async def test_token_unlocks_protected_endpoints(web: httpx.AsyncClient, world: World) -> None:
    token = await _token(web, world.app)
    assert len(token) > 64
    body = await _callback_ip(web, token)
    assert isinstance(body["ip_list"], list) and body["ip_list"]
    r = await web.get("/cgi-bin/get_api_domain_ip", params={"access_token": token})
    assert "ip_list" in r.json()


async def test_token_errors(web: httpx.AsyncClient, world: World) -> None:
    base = {"grant_type": "client_credential", "appid": world.app.appid, "secret": world.app.secret}
    for override, errcode in [
        ({"secret": "0" * 32}, 40125),
        ({"appid": "wx0000000000000000"}, 40013),
        ({"grant_type": "authorization_code"}, 40002),
        ({"appid": ""}, 41002),
        ({"secret": ""}, 41004),
        ({"appid": "' OR 1=1 --" * 100}, 40013),
    ]:
        r = await web.get("/cgi-bin/token", params={**base, **override})
        assert r.status_code == 200 and r.json()["errcode"] == errcode, (override, r.text)


async def test_missing_bad_and_tampered_tokens(web: httpx.AsyncClient, world: World) -> None:
    assert await _callback_ip(web, None) == {"errcode": 41001, "errmsg": "access_token missing"}
    assert (await _callback_ip(web, "not-a-token"))["errcode"] == 40001
    assert (await _callback_ip(web, "x" * 5000))["errcode"] == 40001
    token = await _token(web, world.app)
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert (await _callback_ip(web, tampered))["errcode"] == 40001


async def test_expired_token_says_expired(web: httpx.AsyncClient, world: World, ctx: Ctx) -> None:
    short = with_settings(ctx, access_token_ttl=1)
    issued = await service.get_access_token(short, "client_credential", world.app.appid, world.app.secret)
    assert "ip_list" in await _callback_ip(web, issued.access_token)
    await asyncio.sleep(1.2)
    assert await _callback_ip(web, issued.access_token) == {"errcode": 42001, "errmsg": "access_token expired"}


async def test_a_new_token_leaves_the_previous_working_for_a_while(web: httpx.AsyncClient, world: World) -> None:
    first = await _token(web, world.app)
    second = await _token(web, world.app)
    assert first != second
    assert "ip_list" in await _callback_ip(web, first)
    assert "ip_list" in await _callback_ip(web, second)


async def test_stable_token_normal_mode_returns_the_same_token(web: httpx.AsyncClient, world: World) -> None:
    one = await _stable(web, world.app)
    two = await _stable(web, world.app, force_refresh=False)
    assert one["access_token"] == two["access_token"]
    assert isinstance(two["expires_in"], int) and 7000 < two["expires_in"] <= 7200
    assert "ip_list" in await _callback_ip(web, str(one["access_token"]))


async def test_stable_token_force_refresh_ends_the_previous(web: httpx.AsyncClient, world: World) -> None:
    old = await _stable(web, world.app)
    new = await _stable(web, world.app, force_refresh=True)
    assert new["access_token"] != old["access_token"] and new["expires_in"] == 7200
    assert (await _callback_ip(web, str(old["access_token"])))["errcode"] == 40001
    assert "ip_list" in await _callback_ip(web, str(new["access_token"]))


async def test_stable_and_plain_tokens_do_not_affect_each_other(web: httpx.AsyncClient, world: World) -> None:
    stable = await _stable(web, world.app)
    await _token(web, world.app)
    await _token(web, world.app)
    assert (await _stable(web, world.app))["access_token"] == stable["access_token"]
    plain = await _token(web, world.app)
    await _stable(web, world.app, force_refresh=True)
    assert "ip_list" in await _callback_ip(web, plain)


async def test_stable_token_renews_in_the_last_five_minutes(world: World, ctx: Ctx) -> None:
    near = with_settings(ctx, access_token_ttl=301)
    first = await service.get_stable_access_token(near, "client_credential", world.app.appid, world.app.secret, False)
    await asyncio.sleep(1.1)
    second = await service.get_stable_access_token(near, "client_credential", world.app.appid, world.app.secret, False)
    assert second.access_token != first.access_token
    # The renewed-early token runs out at its own time, not at once.
    assert await service.require_access_token(ctx, first.access_token)


async def test_stable_token_bad_bodies(web: httpx.AsyncClient, world: World) -> None:
    r = await web.post("/cgi-bin/stable_token", content=b"{not json", headers={"content-type": "application/json"})
    assert r.json()["errcode"] == 47001
    r = await web.post("/cgi-bin/stable_token", json=[1, 2])
    assert r.json()["errcode"] == 47001
    assert (await _stable(web, world.app, grant_type="authorization_code"))["errcode"] == 40002
    assert (await _stable(web, world.app, secret="nope"))["errcode"] == 40125
    assert (await _stable(web, world.app, appid=12345))["errcode"] == 41002


async def test_a_reset_secret_leaves_issued_tokens_valid(web: httpx.AsyncClient, world: World) -> None:
    """WeChat keeps access tokens valid when the appsecret is reset; tokens here do not depend on the secret."""
    token = await _token(web, world.app)
    bad = await web.get(
        "/cgi-bin/token", params={"grant_type": "client_credential", "appid": world.app.appid, "secret": "f" * 32}
    )
    assert bad.json()["errcode"] == 40125
    assert "ip_list" in await _callback_ip(web, token)
