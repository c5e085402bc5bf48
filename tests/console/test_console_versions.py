"""The console's versions page (trial, submit, release, grey, rollback, testers) and the operators' review
console, driven through the HTML forms a developer and a reviewer use."""

from __future__ import annotations

import re

import httpx
import pytest

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.packages import screenshots
from minihost.packages import service as packages
from tests.accounts.helpers import PASSWORD
from tests.console.test_console import csrf_of
from tests.packages.test_versions_lifecycle import HELLO


@pytest.fixture(autouse=True)
def no_background_screenshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submissions here need no Chromium in the background (the screenshot tests render explicitly)."""
    from minihost.packages import screenshots

    monkeypatch.setattr(screenshots, "schedule", lambda ctx, review_id: None)


async def signed_in(c: httpx.AsyncClient, ctx: Ctx, username: str, operator: bool = False) -> accounts.UserInfo:
    user = await accounts.create_user(ctx, username, PASSWORD, username, is_operator=operator)
    r = await c.post("/console/signin", data={"username": username, "password": PASSWORD, "next": "/console"})
    assert r.status_code == 303
    return user


async def form(c: httpx.AsyncClient, page: str, action: str, **fields: str) -> httpx.Response:
    html = (await c.get(page)).text
    return await c.post(action, data={"csrf_token": csrf_of(html), **fields})


async def test_versions_page_review_console_and_release_buttons(
    web: httpx.AsyncClient, web2: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    dev = await signed_in(web, ctx, f"cv{unique}")
    org_id = await accounts.create_organisation(ctx, dev.id, f"Console Org {unique}")
    appid = (await apps.register_app(ctx, org_id, f"Console App {unique}")).app.appid
    page = f"/console/apps/{appid}/versions"
    for version, marker in (("1.0.0", "one"), ("2.0.0", "two")):
        files = {**HELLO, "pages/index/index.wxml": f"<view>{marker}</view>".encode()}
        await packages.upload_package(ctx, appid, dev, files, version, f"the {marker} upload")

    html = (await web.get(f"/console/apps/{appid}")).text
    assert f'href="/console/apps/{appid}/versions"' in html
    html = (await web.get(page)).text
    assert "the one upload" in html and "the two upload" in html and "Nothing released yet" in html

    r = await form(web, page, f"{page}/2.0.0/trial")
    assert r.status_code == 303 and r.headers["location"].endswith("done=trial")
    r = await form(web, page, f"{page}/1.0.0/submit")
    assert r.status_code == 303
    html = (await web.get(r.headers["location"])).text
    assert "waits for a reviewer" in html
    # A second submission is refused on the page, with the reason.
    r = await form(web, page, f"{page}/2.0.0/submit")
    assert r.status_code == 409 and "already in audit" in r.text

    # The developer is no operator: no review console.
    assert (await web.get("/console/reviews")).status_code == 403
    await signed_in(web2, ctx, f"rv{unique}", operator=True)
    queue = (await web2.get("/console/reviews")).text
    review = (await packages.list_reviews(ctx, appid=appid, state="pending"))[0]
    assert f"/console/reviews/{review.id}" in queue
    await screenshots.render_review(ctx, review.id)
    html = (await web2.get(f"/console/reviews/{review.id}")).text
    assert "pages/index/index" in html
    shot = re.search(r'<img src="(/bundles/files/[0-9a-f]{64})" alt="pages/index/index"', html)
    assert shot, html
    png = await web2.get(shot.group(1))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    r = await form(web2, f"/console/reviews/{review.id}", f"/console/reviews/{review.id}/reject", reason="")
    assert r.status_code == 400 and "Say why" in r.text
    r = await form(web2, f"/console/reviews/{review.id}", f"/console/reviews/{review.id}/approve")
    assert r.status_code == 303

    # Developer: the result shows; release 1.0.0 fully.
    html = (await web.get(page)).text
    assert "approved" in html
    r = await form(web, page, f"{page}/1.0.0/release", grey_percent="100")
    assert r.status_code == 303
    html = (await web.get(page)).text
    assert re.search(r"<strong>1\.0\.0</strong> reaches\s*<span class=\"tag\">everyone", html)

    # 2.0.0 rejected with a reason the developer reads, then approved; grey 20%, then raised, then rollback.
    await form(web, page, f"{page}/2.0.0/submit")
    r2 = (await packages.list_reviews(ctx, appid=appid, state="pending"))[0]
    r = await form(web2, f"/console/reviews/{r2.id}", f"/console/reviews/{r2.id}/reject", reason="Blurry icon.")
    assert r.status_code == 303
    assert "Blurry icon." in (await web.get(page)).text
    await form(web, page, f"{page}/2.0.0/submit")
    r2 = (await packages.list_reviews(ctx, appid=appid, state="pending"))[0]
    await form(web2, f"/console/reviews/{r2.id}", f"/console/reviews/{r2.id}/approve")
    r = await form(web, page, f"{page}/2.0.0/release", grey_percent="20")
    assert r.status_code == 303
    html = (await web.get(page)).text
    assert "20% of users (grey)" in html and "Roll back to 1.0.0" in html
    r = await form(web, page, f"{page}/2.0.0/release", grey_percent="10")
    assert r.status_code == 409 and "only" in r.text and "rises" in r.text
    r = await form(web, page, f"/console/apps/{appid}/rollback")
    assert r.status_code == 303
    live = await packages.live_state(ctx, appid)
    assert live.version == "1.0.0" and live.grey_percent == 100

    # Testers: added and removed by an admin.
    tester = await accounts.create_user(ctx, f"ts{unique}", PASSWORD)
    r = await form(web, page, f"/console/apps/{appid}/testers", username=tester.username)
    assert r.status_code == 303
    assert await accounts.role_in(ctx, tester.id, org_id) == "tester"
    r = await form(web, page, f"/console/apps/{appid}/testers/{tester.id}/remove")
    assert r.status_code == 303
    assert await accounts.role_in(ctx, tester.id, org_id) is None


async def test_other_organisations_and_testers_cannot_use_the_buttons(
    web: httpx.AsyncClient, web2: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    owner = await accounts.create_user(ctx, f"ow{unique}", PASSWORD)
    org_id = await accounts.create_organisation(ctx, owner.id, f"Owner Org {unique}")
    appid = (await apps.register_app(ctx, org_id, f"Owned {unique}")).app.appid
    await packages.upload_package(ctx, appid, owner, HELLO, "1.0.0")

    await signed_in(web, ctx, f"ot{unique}")  # a developer of nothing here
    r = await web.get(f"/console/apps/{appid}/versions")
    assert r.status_code == 403
    html = (await web.get("/console/apps")).text
    r = await web.post(f"/console/apps/{appid}/versions/1.0.0/submit", data={"csrf_token": csrf_of(html)})
    assert r.status_code == 403
    r = await web.post(f"/console/apps/{appid}/rollback", data={"csrf_token": csrf_of(html)})
    assert r.status_code == 403

    tester = await signed_in(web2, ctx, f"tt{unique}")
    await accounts.add_member(ctx, org_id, tester.username, "tester")
    page = f"/console/apps/{appid}/versions"
    html = (await web2.get(page)).text
    assert "Submit for review" not in html and "Add tester" not in html
    r = await web2.post(f"{page}/1.0.0/submit", data={"csrf_token": csrf_of(html)})
    assert r.status_code == 403
    r = await web2.post(f"{page}/1.0.0/release", data={"csrf_token": csrf_of(html), "grey_percent": "100"})
    assert r.status_code == 403
    # Without the CSRF token nothing happens either.
    r = await web2.post(f"{page}/1.0.0/trial", data={})
    assert r.status_code == 403
    assert await packages.list_reviews(ctx, appid=appid, state=None) == []
