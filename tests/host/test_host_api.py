"""The host API as the super app's JavaScript uses it: home lists, launch, storage, the request proxy."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.config import Settings
from minihost.context import Ctx
from minihost.host import service as host
from minihost.packages import service as packages
from minihost.web.app import create_app

HELLO = Path(__file__).resolve().parents[2] / "examples" / "hello-world"


def hello_files() -> dict[str, bytes]:
    return {p.relative_to(HELLO).as_posix(): p.read_bytes() for p in HELLO.rglob("*") if p.is_file()}


@dataclass
class Browser:
    """A signed-in browser: its own cookie jar and the page's CSRF token."""

    http: httpx.AsyncClient
    user_id: int
    csrf: str


@pytest.fixture(scope="module")
def asgi_app(settings: Settings, ctx: Ctx) -> object:
    return create_app(settings, ctx)


async def browser(asgi_app: object, ctx: Ctx, username: str) -> Browser:
    user = await accounts.create_user(ctx, username, "password123", username.title())
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi_app), base_url="http://testserver")  # type: ignore[arg-type]
    r = await http.post("/api/accounts/signin", json={"username": username, "password": "password123"})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    http.headers["X-CSRF-Token"] = csrf
    return Browser(http, user.id, csrf)


@dataclass
class Published:
    appid: str
    name: str
    dev: accounts.UserInfo
    org_id: int


async def publish(ctx: Ctx, unique: str, *, release: bool = True) -> Published:
    dev = await accounts.create_user(ctx, f"pub{unique}", "password123")
    org_id = await accounts.create_organisation(ctx, dev.id, f"Org {unique}")
    app = (await apps.register_app(ctx, org_id, f"Hello {unique}", category="Tools", description="Says hello")).app
    await packages.upload_package(ctx, app.appid, dev, hello_files(), "1.0.0")
    if release:
        await packages.release_version(ctx, app.appid, dev, "1.0.0")
    return Published(app.appid, app.name, dev, org_id)


@pytest.fixture
async def user(asgi_app: object, ctx: Ctx, unique: str) -> AsyncIterator[Browser]:
    b = await browser(asgi_app, ctx, f"u{unique}")
    yield b
    await b.http.aclose()


async def test_page_asks_to_sign_in_then_shows_the_host(asgi_app: object, user: Browser) -> None:
    anon = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi_app), base_url="http://testserver")  # type: ignore[arg-type]
    r = await anon.get("/")
    assert r.status_code == 200 and "Sign in" in r.text
    assert "unsafe-eval" not in r.headers["content-security-policy"]
    assert (await anon.get("/host/api/me")).json()["error"]["code"] == "not_signed_in"
    r = await user.http.get("/")
    assert f'<meta name="csrf-token" content="{user.csrf}">' in r.text
    me = (await user.http.get("/host/api/me")).json()
    assert me["user"]["id"] == user.user_id
    await anon.aclose()


async def test_home_lists_released_apps_and_launch_marks_recent(ctx: Ctx, user: Browser, unique: str) -> None:
    pub = await publish(ctx, unique)
    unreleased = await publish(ctx, unique + "x", release=False)
    home = (await user.http.get("/host/api/apps")).json()
    appids = [a["appid"] for a in home["all"]]
    assert pub.appid in appids and unreleased.appid not in appids
    card = next(a for a in home["all"] if a["appid"] == pub.appid)
    assert card == {
        "appid": pub.appid,
        "name": pub.name,
        "icon_url": "",
        "description": "Says hello",
        "category": "Tools",
    }
    assert home["recent"] == []

    r = await user.http.get(f"/host/api/apps/{pub.appid}/launch")
    assert r.status_code == 200, r.text
    launch = r.json()
    assert launch["version"] == "1.0.0" and launch["kind"] == "release" and launch["debug"] is False
    assert launch["manifest_url"].startswith("/bundles/files/")
    manifest = await user.http.get(launch["manifest_url"])
    assert manifest.json()["format"] == 1
    home = (await user.http.get("/host/api/apps")).json()
    assert [a["appid"] for a in home["recent"]] == [pub.appid]

    r = await user.http.get(f"/host/api/apps/{unreleased.appid}/launch")
    assert r.status_code == 404 and r.json()["error"]["code"] == "version_not_found"
    r = await user.http.get(f"/host/api/apps/{unreleased.appid}/launch?version=develop")
    assert r.status_code == 403
    r = await user.http.get("/host/api/apps/wxnosuchapp/launch")
    assert r.status_code == 404 and r.json()["error"]["code"] == "app_not_found"


async def test_developer_sees_and_opens_develop_versions(asgi_app: object, ctx: Ctx, unique: str) -> None:
    pub = await publish(ctx, unique, release=False)
    dev = Browser(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi_app), base_url="http://testserver"),  # type: ignore[arg-type]
        pub.dev.id,
        "",
    )
    r = await dev.http.post("/api/accounts/signin", json={"username": f"pub{unique}", "password": "password123"})
    dev.http.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    home = (await dev.http.get("/host/api/apps")).json()
    assert pub.appid in [a["appid"] for a in home["all"]]
    launch = (await dev.http.get(f"/host/api/apps/{pub.appid}/launch?version=develop&debug=true")).json()
    assert launch["kind"] == "develop" and launch["debug"] is True
    await dev.http.aclose()


async def test_storage_round_trip_survives_and_is_per_user_and_app(
    asgi_app: object, ctx: Ctx, user: Browser, unique: str
) -> None:
    pub = await publish(ctx, unique)
    base = f"/host/api/apps/{pub.appid}/storage"
    r = await user.http.put(f"{base}/profile", json={"value": {"name": "Ann", "tags": [1, 2]}})
    assert r.status_code == 200, r.text
    assert r.json() == {"ok": True, "current_size": len("profile") + len('{"name":"Ann","tags":[1,2]}')}
    assert (await user.http.put(f"{base}/a/b c", json={"value": "中文"})).status_code == 200
    assert (await user.http.get(f"{base}/profile")).json() == {
        "key": "profile",
        "value": {"name": "Ann", "tags": [1, 2]},
    }
    assert (await user.http.get(f"{base}/a%2Fb%20c")).json()["value"] == "中文"
    info = (await user.http.get(base)).json()
    assert sorted(info["keys"]) == ["a/b c", "profile"]
    assert info["limit_size"] == 10 * 1024 * 1024
    assert (await user.http.get(f"{base}-all")).json()["items"] == {
        "profile": {"name": "Ann", "tags": [1, 2]},
        "a/b c": "中文",
    }

    # Another device of the same user sees it; another user does not.
    other = await browser(asgi_app, ctx, f"o{unique}")
    assert (await other.http.get(f"{base}-all")).json()["items"] == {}
    r = await other.http.get(f"{base}/profile")
    assert r.status_code == 404 and r.json()["error"]["code"] == "storage_key_not_found"
    await other.http.aclose()

    assert (await user.http.delete(f"{base}/profile")).json() == {"ok": True}
    assert (await user.http.get(base)).json()["keys"] == ["a/b c"]
    assert (await user.http.delete(base)).json() == {"ok": True}
    assert (await user.http.get(base)).json() == {"keys": [], "current_size": 0, "limit_size": 10 * 1024 * 1024}


async def test_storage_quota(ctx: Ctx, user: Browser, unique: str) -> None:
    pub = await publish(ctx, unique)
    quota = ctx.settings.storage_quota_bytes
    chunk = "x" * (900 * 1024)
    for i in range(11):
        await host.storage_put(ctx, user.user_id, pub.appid, f"k{i}", chunk)
    # The 12th 900 KB value passes 10 MB: refused with the contract's code, nothing stored.
    r = await user.http.put(f"/host/api/apps/{pub.appid}/storage/k11", json={"value": chunk})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "storage_quota_exceeded"
    info = await host.storage_info(ctx, user.user_id, pub.appid)
    assert "k11" not in info["keys"] and info["current_size"] <= quota
    # Replacing a key counts its new size only.
    assert (await user.http.put(f"/host/api/apps/{pub.appid}/storage/k0", json={"value": "small"})).status_code == 200
    assert (await user.http.put(f"/host/api/apps/{pub.appid}/storage/k11", json={"value": chunk})).status_code == 200


async def test_state_changes_need_the_csrf_token(user: Browser, ctx: Ctx, unique: str) -> None:
    pub = await publish(ctx, unique)
    r = await user.http.put(
        f"/host/api/apps/{pub.appid}/storage/k", json={"value": 1}, headers={"X-CSRF-Token": "wrong"}
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"


@pytest.fixture
def upstream() -> Iterator[list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/redirect-out":
            return httpx.Response(302, headers={"Location": "https://evil.example.net/steal"})
        if request.url.path == "/bytes":
            return httpx.Response(200, content=b"\x00\x01\xff")
        return httpx.Response(
            201,
            json={"echo": request.content.decode() or None, "query": str(request.url.query.decode())},
            headers={"X-Upstream": "yes", "Set-Cookie": "sid=1"},
        )

    host.transport = httpx.MockTransport(handler)
    yield seen
    host.transport = None


async def test_request_proxy_forwards_to_whitelisted_domains(
    ctx: Ctx, user: Browser, unique: str, upstream: list[httpx.Request]
) -> None:
    pub = await publish(ctx, unique)
    await apps.set_domains(ctx, pub.appid, "request", ["api.example.com"])
    url = f"/host/api/apps/{pub.appid}/request"
    r = await user.http.post(
        url,
        json={
            "url": "https://api.example.com/things",
            "method": "POST",
            "header": {"X-Token": "t1", "Host": "spoofed"},
            "data": {"a": 1},
        },
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["statusCode"] == 201 and out["header"]["x-upstream"] == "yes"
    assert json.loads(out["data"]) == {"echo": '{"a": 1}', "query": ""}
    sent = upstream[-1]
    assert sent.headers["x-token"] == "t1" and sent.headers["host"] == "api.example.com"
    assert sent.headers["referer"].startswith(f"https://servicewechat.com/{pub.appid}/")

    r = await user.http.post(url, json={"url": "https://api.example.com/q", "data": {"x": "1", "y": 2}})
    assert json.loads(r.json()["data"])["query"] == "x=1&y=2"

    r = await user.http.post(url, json={"url": "https://api.example.com/bytes", "responseType": "arraybuffer"})
    assert r.json()["data"] == "AAH/" and r.json()["encoding"] == "base64"

    r = await user.http.post(url, json={"url": "https://other.example.org/x"})
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "domain_not_allowed", "message": "request:fail url not in domain list"}
    count = len(upstream)
    r = await user.http.post(url, json={"url": "https://api.example.com/redirect-out"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "domain_not_allowed"
    assert len(upstream) == count + 1  # the redirect target was never fetched


async def test_debug_skips_the_whitelist_only_for_develop_versions(
    asgi_app: object, ctx: Ctx, user: Browser, unique: str, upstream: list[httpx.Request]
) -> None:
    pub = await publish(ctx, unique)
    body = {"url": "https://not-listed.example.com/x", "debug": True}
    await user.http.get(f"/host/api/apps/{pub.appid}/launch?debug=true")
    r = await user.http.post(f"/host/api/apps/{pub.appid}/request", json=body)
    assert r.status_code == 400, "a release never skips the whitelist"

    dev = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi_app), base_url="http://testserver")  # type: ignore[arg-type]
    r = await dev.post("/api/accounts/signin", json={"username": f"pub{unique}", "password": "password123"})
    dev.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    await dev.get(f"/host/api/apps/{pub.appid}/launch?version=develop&debug=true")
    r = await dev.post(f"/host/api/apps/{pub.appid}/request", json=body)
    assert r.status_code == 200, r.text
    r = await dev.post(f"/host/api/apps/{pub.appid}/request", json={**body, "debug": False})
    assert r.status_code == 400
    await dev.aclose()


async def test_runtime_files_carry_their_security_headers(user: Browser) -> None:
    r = await user.http.get("/runtime/logic/worker.js")
    assert r.status_code == 200
    assert "connect-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["content-type"].startswith("text/javascript")
    r = await user.http.get("/runtime/view/expr.js")
    assert r.headers["access-control-allow-origin"] == "*"
    assert (await user.http.get("/runtime/../config.py")).status_code == 404
    assert (await user.http.get("/runtime/logic/nope.js")).status_code == 404
