"""Becoming a third-party platform and being authorized by a business, through the HTTP API."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import update

from minihost.context import Ctx
from minihost.db import aware, utcnow
from minihost.openplatform import messages
from minihost.openplatform.models import Platform
from tests.openplatform.helpers import (
    authorize_on_page,
    authorized,
    business,
    component_token,
    preauthcode,
    pushed,
    third_party,
    ticket,
)


async def test_approval_gives_credentials_and_pushes_a_ticket(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    assert tp.component_appid.startswith("wx") and len(tp.aes_key) == 43 and tp.token
    tickets = await pushed(ctx, tp, "component_verify_ticket")
    assert len(tickets) == 1
    assert tickets[0]["AppId"] == tp.component_appid
    assert tickets[0]["ComponentVerifyTicket"].startswith("ticket@@@")
    cat = await component_token(web, ctx, tp)
    assert cat


async def test_ticket_schedule_is_durable_and_on_demand(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    first = await ticket(ctx, tp)
    # Ten minutes later (a restarted worker reads the same schedule from the database) a new ticket goes out.
    assert await messages.rotate_due_tickets(ctx, now=utcnow() + timedelta(minutes=11)) >= 1
    second = await ticket(ctx, tp)
    assert second != first
    # The previous ticket still works (its 12 hours are not over), as with WeChat.
    r = await web.post(
        "/cgi-bin/component/api_component_token",
        json={
            "component_appid": tp.component_appid,
            "component_appsecret": tp.secret,
            "component_verify_ticket": first,
        },
    )
    assert "component_access_token" in r.json()
    r = await web.post(
        "/cgi-bin/component/api_start_push_ticket",
        json={"component_appid": tp.component_appid, "component_secret": tp.secret},
    )
    assert r.json() == {"errcode": 0, "errmsg": "ok"}
    assert await ticket(ctx, tp) not in (first, second)


async def test_authorize_query_refresh_info_list(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    info = await authorized(web, ctx, tp, biz, scopes=[18])
    assert info["authorizer_appid"] == biz.appid
    assert info["func_info"] == [{"funcscope_category": {"id": 18}}]
    assert info["expires_in"] == ctx.settings.access_token_ttl
    cat = info["component_access_token"]
    events = await pushed(ctx, tp, "authorized")
    assert events[-1]["AuthorizerAppid"] == biz.appid and events[-1]["AuthorizationCode"]

    r = await web.post(
        "/cgi-bin/component/api_authorizer_token",
        params={"component_access_token": cat},
        json={
            "component_appid": tp.component_appid,
            "authorizer_appid": biz.appid,
            "authorizer_refresh_token": info["authorizer_refresh_token"],
        },
    )
    fresh = r.json()
    assert fresh["authorizer_access_token"] != info["authorizer_access_token"]
    assert fresh["authorizer_refresh_token"] == info["authorizer_refresh_token"]

    r = await web.post(
        "/cgi-bin/component/api_get_authorizer_info",
        params={"component_access_token": cat},
        json={"component_appid": tp.component_appid, "authorizer_appid": biz.appid},
    )
    body = r.json()
    assert body["authorizer_info"]["nick_name"] == f"Shop app {unique}"
    assert body["authorizer_info"]["principal_name"] == f"Shop {unique}"
    assert body["authorization_info"]["func_info"] == [{"funcscope_category": {"id": 18}}]

    r = await web.post(
        "/cgi-bin/component/api_get_authorizer_list",
        params={"component_access_token": cat},
        json={"component_appid": tp.component_appid, "offset": 0, "count": 100},
    )
    listing = r.json()
    assert listing["total_count"] == 1
    assert listing["list"][0]["authorizer_appid"] == biz.appid

    # Authorizing again with more scopes is an update, pushed as updateauthorized.
    code = await authorize_on_page(web, tp, biz, await preauthcode(web, tp, cat), [17, 18])
    assert code
    updates = await pushed(ctx, tp, "updateauthorized")
    assert updates[-1]["AuthorizerAppid"] == biz.appid


async def test_revocation_ends_tokens_at_once_and_is_pushed(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    info = await authorized(web, ctx, tp, biz)
    token = info["authorizer_access_token"]
    r = await web.post("/wxa/modify_domain", params={"access_token": token}, json={"action": "get"})
    assert r.json()["errcode"] == 0
    r = await web.get("/api/openplatform/authorizations", headers=biz.admin.headers)
    assert [a["component_appid"] for a in r.json()["authorizations"]] == [tp.component_appid]

    r = await web.delete(
        f"/api/openplatform/authorizations/{tp.component_appid}/{biz.appid}", headers=biz.admin.headers
    )
    assert r.status_code == 204

    r = await web.post("/wxa/modify_domain", params={"access_token": token}, json={"action": "get"})
    assert r.json()["errcode"] == 40001
    r = await web.post(
        "/cgi-bin/component/api_authorizer_token",
        params={"component_access_token": info["component_access_token"]},
        json={
            "component_appid": tp.component_appid,
            "authorizer_appid": biz.appid,
            "authorizer_refresh_token": info["authorizer_refresh_token"],
        },
    )
    assert r.json()["errcode"] == 61003
    gone = await pushed(ctx, tp, "unauthorized")
    assert gone[-1]["AuthorizerAppid"] == biz.appid
    r = await web.post(
        "/cgi-bin/component/api_get_authorizer_list",
        params={"component_access_token": info["component_access_token"]},
        json={"component_appid": tp.component_appid},
    )
    assert r.json()["total_count"] == 0


async def test_sign_in_first_then_back_to_the_page(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    cat = await component_token(web, ctx, tp)
    code = await preauthcode(web, tp, cat)
    r = await web.get(
        "/cgi-bin/componentloginpage",
        params={"component_appid": tp.component_appid, "pre_auth_code": code, "redirect_uri": "https://x.example/"},
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/console/signin?next=%2Fcgi-bin%2Fcomponentloginpage")


async def test_fast_registration_creates_an_authorized_app(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    cat = await component_token(web, ctx, tp)
    body = {
        "name": f"Shop {unique}",
        "code": str(biz.org_id),
        "code_type": 1,
        "legal_persona_wechat": f"biz_{unique}",
        "legal_persona_name": "Owner",
        "component_phone": "1234567",
    }
    params = {"action": "create", "component_access_token": cat}
    r = await web.post("/cgi-bin/component/fastregisterweapp", params=params, json=body)
    assert r.json() == {"errcode": 0, "errmsg": "ok"}
    r = await web.post("/cgi-bin/component/fastregisterweapp", params=params, json=body)
    assert r.json()["errcode"] == 89249  # one waiting task per organisation
    wrong = {**body, "legal_persona_wechat": "somebody_else"}
    r = await web.post("/cgi-bin/component/fastregisterweapp", params=params, json=wrong)
    assert r.json()["errcode"] == 89249

    r = await web.get("/api/openplatform/fastregister", headers=biz.admin.headers)
    (task,) = r.json()["registrations"]
    r = await web.post(
        f"/api/openplatform/fastregister/{task['id']}/confirm", json={"app_name": "New shop"}, headers=biz.admin.headers
    )
    appid = r.json()["appid"]
    r = await web.post(
        "/cgi-bin/component/fastregisterweapp",
        params={"action": "search", "component_access_token": cat},
        json={"name": body["name"], "legal_persona_wechat": body["legal_persona_wechat"]},
    )
    assert r.json()["status"] == 0 and r.json()["appid"] == appid
    (event,) = await pushed(ctx, tp, "notify_third_fasteregister")
    assert event["appid"] == appid
    r = await web.post(
        "/cgi-bin/component/api_query_auth",
        params={"component_access_token": cat},
        json={"component_appid": tp.component_appid, "authorization_code": event["auth_code"]},
    )
    assert r.json()["authorization_info"]["authorizer_appid"] == appid


async def test_development_scope_is_exclusive(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    first = await third_party(ctx, web, unique)
    second = await third_party(ctx, web, unique + "b")
    third = await third_party(ctx, web, unique + "c")
    biz = await business(ctx, unique)
    one = await authorized(web, ctx, first, biz, scopes=[17, 18])
    three = await authorized(web, ctx, third, biz, scopes=[18])
    # `third` took development from `first`, which keeps only 17 and is told so (with a code to look).
    update = (await pushed(ctx, first, "updateauthorized"))[-1]
    r = await web.post(
        "/cgi-bin/component/api_query_auth",
        params={"component_access_token": one["component_access_token"]},
        json={"component_appid": first.component_appid, "authorization_code": update["AuthorizationCode"]},
    )
    assert r.json()["authorization_info"]["func_info"] == [{"funcscope_category": {"id": 17}}]
    r = await web.post(
        "/wxa/modify_domain", params={"access_token": one["authorizer_access_token"]}, json={"action": "get"}
    )
    assert r.json()["errcode"] == 61007
    r = await web.post(
        "/wxa/modify_domain", params={"access_token": three["authorizer_access_token"]}, json={"action": "get"}
    )
    assert r.json()["errcode"] == 0
    # `second` takes it next: `third` had nothing else, so its authorization ends.
    await authorized(web, ctx, second, biz, scopes=[18])
    assert (await pushed(ctx, third, "unauthorized"))[-1]["AuthorizerAppid"] == biz.appid
    r = await web.post(
        "/wxa/modify_domain", params={"access_token": three["authorizer_access_token"]}, json={"action": "get"}
    )
    assert r.json()["errcode"] == 40001


async def test_a_restarted_worker_picks_up_the_schedule(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    """The schedule lives in the database: a worker started later (after a restart, on any server) pushes
    the tickets that came due while nothing ran."""
    tp = await third_party(ctx, web, unique)
    before = await ticket(ctx, tp)
    async with ctx.db.session() as s, s.begin():
        await s.execute(
            update(Platform).where(Platform.id == tp.id).values(next_ticket_at=utcnow() - timedelta(minutes=30))
        )
    stop = asyncio.Event()
    worker = asyncio.create_task(messages.run_worker(ctx, stop, poll=0.05))
    try:
        for _ in range(100):
            if await ticket(ctx, tp) != before:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(worker, 10)
    assert await ticket(ctx, tp) != before
    async with ctx.db.session() as s:
        row = await s.get(Platform, tp.id)
        assert row is not None and row.next_ticket_at is not None
        assert aware(row.next_ticket_at) > utcnow() + timedelta(minutes=9)
