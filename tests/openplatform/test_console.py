"""The console page: an operator approves an application with a form, a business revokes an authorization."""

from __future__ import annotations

import re

import httpx

from minihost.accounts import service as accounts
from minihost.context import Ctx
from tests.auth.helpers import SignedInUser, signed_in_user
from tests.openplatform.helpers import authorized, business, operator, pushed, third_party


def form_headers(user: SignedInUser) -> dict[str, str]:
    return {"Cookie": user.headers["Cookie"]}


def csrf(user: SignedInUser) -> str:
    return user.headers["X-CSRF-Token"]


async def test_apply_and_approve_with_forms(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    admin = await signed_in_user(ctx, f"cp_{unique}")
    org = await accounts.create_organisation(ctx, admin.id, f"Console Co {unique}")
    r = await web.get("/openplatform/console")
    assert r.status_code == 303 and r.headers["location"].startswith("/console/signin")
    r = await web.post(
        "/openplatform/console/apply",
        data={"csrf_token": csrf(admin), "org_id": str(org), "name": f"Console platform {unique}"},
        headers=form_headers(admin),
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=applied")
    # Without the CSRF field the form is refused.
    r = await web.post(
        "/openplatform/console/apply", data={"org_id": str(org), "name": "x"}, headers=form_headers(admin)
    )
    assert r.status_code == 403

    op = await operator(ctx, f"cop_{unique}")
    page = (await web.get("/openplatform/console", headers=op.headers)).text
    found = re.search(
        rf"<td>Console platform {unique}</td>.*?/openplatform/console/applications/(\d+)/approve", page, re.S
    )
    assert found
    platform_id = found.group(1)
    # The applicant cannot approve itself, even by posting the operator's form.
    r = await web.post(
        f"/openplatform/console/applications/{platform_id}/approve",
        data={"csrf_token": csrf(admin)},
        headers=form_headers(admin),
    )
    assert r.status_code == 403 and "operator" in r.text
    r = await web.post(
        f"/openplatform/console/applications/{platform_id}/approve",
        data={"csrf_token": csrf(op)},
        headers=form_headers(op),
    )
    assert r.status_code == 303
    page = (await web.get("/openplatform/console", headers=admin.headers)).text
    assert "approved" in page
    appid = re.search(r"/openplatform/console/platforms/(wx[0-9a-f]{16})/secret", page)
    assert appid
    r = await web.post(appid.group(0), data={"csrf_token": csrf(admin)}, headers=form_headers(admin))
    secret = re.search(r'<code class="big" id="secret">([0-9a-f]{32})</code>', r.text)
    assert r.status_code == 200 and secret


async def test_revoke_from_the_page(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    info = await authorized(web, ctx, tp, biz)
    page = (await web.get("/openplatform/console", headers=biz.admin.headers)).text
    assert tp.component_appid in page and biz.appid in page
    r = await web.post(
        "/openplatform/console/revoke",
        data={"csrf_token": csrf(biz.admin), "component_appid": tp.component_appid, "appid": biz.appid},
        headers=form_headers(biz.admin),
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=revoked")
    r = await web.post(
        "/wxa/modify_domain", params={"access_token": info["authorizer_access_token"]}, json={"action": "get"}
    )
    assert r.json()["errcode"] == 40001
    assert (await pushed(ctx, tp, "unauthorized"))[-1]["AuthorizerAppid"] == biz.appid
    # Revoking twice says so on the page.
    r = await web.post(
        "/openplatform/console/revoke",
        data={"csrf_token": csrf(biz.admin), "component_appid": tp.component_appid, "appid": biz.appid},
        headers=form_headers(biz.admin),
    )
    assert r.status_code == 404 and "does not authorize" in r.text
