import httpx
import pytest

from minihost.apps import service
from minihost.context import Ctx
from minihost.errors import ApiError
from tests.accounts.helpers import sign_up


async def _org(c: httpx.AsyncClient) -> int:
    r = await c.post("/api/accounts/orgs", json={"name": "Apps Inc"})
    assert r.status_code == 201
    org_id: int = r.json()["id"]
    return org_id


async def _app(c: httpx.AsyncClient, org_id: int, name: str = "Shop") -> dict[str, object]:
    r = await c.post(
        "/api/apps",
        json={"org_id": org_id, "name": name, "category": "Shopping", "icon_url": "https://cdn.example.com/i.png"},
    )
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


async def test_register_list_get_update(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"ap{unique}")
    org_id = await _org(web)
    body = await _app(web, org_id)
    app = body["app"]
    assert isinstance(app, dict)
    appid = app["appid"]
    assert appid.startswith("wx") and len(appid) == 18
    assert isinstance(body["appsecret"], str) and len(body["appsecret"]) == 32
    listed = (await web.get("/api/apps", params={"org_id": org_id})).json()["apps"]
    assert [a["appid"] for a in listed] == [appid]
    assert [a["appid"] for a in (await web.get("/api/apps")).json()["apps"]] == [appid]
    got = (await web.get(f"/api/apps/{appid}")).json()
    assert got["name"] == "Shop" and "appsecret" not in got and "secret" not in str(got)
    r = await web.patch(f"/api/apps/{appid}", json={"description": "Groceries, fast."})
    assert r.json()["description"] == "Groceries, fast." and r.json()["name"] == "Shop"
    r = await web.patch(f"/api/apps/{appid}", json={"category": "Weapons"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_category"
    r = await web.get("/api/apps/wx0000000000000000")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "app_not_found"


async def test_reset_secret_stops_the_old_one_at_once(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    await sign_up(web, f"rs{unique}")
    body = await _app(web, await _org(web))
    app = body["app"]
    assert isinstance(app, dict)
    appid, old = app["appid"], str(body["appsecret"])
    assert await service.check_secret(ctx, appid, old)
    r = await web.post(f"/api/apps/{appid}/secret")
    assert r.status_code == 200
    new = r.json()["appsecret"]
    assert new != old
    assert await service.check_secret(ctx, appid, old) is False
    assert await service.check_secret(ctx, appid, new)


async def test_another_organisations_app_is_403(web: httpx.AsyncClient, web2: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"ow{unique}")
    await sign_up(web2, f"in{unique}")
    org_id = await _org(web)
    app = (await _app(web, org_id))["app"]
    assert isinstance(app, dict)
    appid = app["appid"]
    await _org(web2)
    for r in (
        await web2.get(f"/api/apps/{appid}"),
        await web2.patch(f"/api/apps/{appid}", json={"name": "Mine now"}),
        await web2.post(f"/api/apps/{appid}/secret"),
        await web2.put(f"/api/apps/{appid}/domains", json={"request": ["evil.example.com"]}),
        await web2.post("/api/apps", json={"org_id": org_id, "name": "Squatter"}),
        await web2.get("/api/apps", params={"org_id": org_id}),
    ):
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden"
    assert (await web.get(f"/api/apps/{appid}")).json()["name"] == "Shop"


async def test_tester_may_look_but_not_reset_or_change(
    web: httpx.AsyncClient, web2: httpx.AsyncClient, unique: str
) -> None:
    await sign_up(web, f"ad{unique}")
    await sign_up(web2, f"ts{unique}")
    org_id = await _org(web)
    r = await web.post(f"/api/accounts/orgs/{org_id}/members", json={"username": f"ts{unique}", "role": "tester"})
    assert r.status_code == 201
    app = (await _app(web, org_id))["app"]
    assert isinstance(app, dict)
    appid = app["appid"]
    assert (await web2.get(f"/api/apps/{appid}")).status_code == 200
    r = await web2.post(f"/api/apps/{appid}/secret")
    assert r.status_code == 403
    assert "tester" in r.json()["error"]["message"]
    assert (await web2.patch(f"/api/apps/{appid}", json={"name": "X"})).status_code == 403
    assert (await web2.put(f"/api/apps/{appid}/domains", json={"request": ["a.example.com"]})).status_code == 403


async def test_domain_whitelist(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    await sign_up(web, f"dm{unique}")
    app = (await _app(web, await _org(web)))["app"]
    assert isinstance(app, dict)
    appid = app["appid"]
    r = await web.put(
        f"/api/apps/{appid}/domains",
        json={"request": ["https://API.example.com/", "api.example.com", "pay.example.com:8443"], "socket": []},
    )
    assert r.status_code == 200, r.text
    assert r.json()["request"] == ["api.example.com", "pay.example.com:8443"]
    assert await service.allowed_request_url(ctx, appid, "https://api.example.com/v1/items")
    assert await service.allowed_request_url(ctx, appid, "https://pay.example.com:8443/order")
    assert not await service.allowed_request_url(ctx, appid, "https://pay.example.com/order")
    assert not await service.allowed_request_url(ctx, appid, "http://api.example.com/v1")
    assert not await service.allowed_request_url(ctx, appid, "https://api.example.com.evil.com/")
    assert not await service.allowed_request_url(ctx, appid, "https://api.example.com/", "upload")
    assert not await service.allowed_request_url(ctx, "wxnosuchapp0000000", "https://api.example.com/")

    # A bad entry in any list stores nothing, and the message names the entry.
    r = await web.put(f"/api/apps/{appid}/domains", json={"request": ["ok.example.com"], "upload": ["http://x.com"]})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_domain"
    assert "http://x.com" in r.json()["error"]["message"]
    assert (await web.get(f"/api/apps/{appid}/domains")).json()["request"] == [
        "api.example.com",
        "pay.example.com:8443",
    ]

    # Removing a domain takes effect at once for the proxy.
    await web.put(f"/api/apps/{appid}/domains", json={"request": ["pay.example.com:8443"]})
    assert not await service.allowed_request_url(ctx, appid, "https://api.example.com/v1/items")

    r = await web.put(f"/api/apps/{appid}/domains", json={"request": [f"d{i}.example.com" for i in range(21)]})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "too_many_domains"
    for bad in ("1.2.3.4", "*.example.com", "https://a.example.com/path", "https://u@a.example.com"):
        r = await web.put(f"/api/apps/{appid}/domains", json={"request": [bad]})
        assert r.status_code == 400, bad


async def test_bad_app_input(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    await sign_up(web, f"bi{unique}")
    org_id = await _org(web)
    r = await web.post("/api/apps", json={"org_id": org_id, "name": "n" * 10_000})
    assert r.status_code == 422
    r = await web.post("/api/apps", json={"org_id": org_id})
    assert r.status_code == 422
    assert "name" in r.json()["error"]["message"]
    r = await web.post("/api/apps", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = await web.post("/api/apps", json={"org_id": org_id, "name": "x", "icon_url": "javascript:alert(1)"})
    assert r.status_code == 400
    assert (await web.get("/api/apps", params={"org_id": org_id})).json()["apps"] == []
    sql = "Robert'); DROP TABLE apps;--"
    r = await web.post("/api/apps", json={"org_id": org_id, "name": sql, "description": sql})
    assert r.status_code == 201
    assert (await web.get(f"/api/apps/{r.json()['app']['appid']}")).json()["name"] == sql
    with pytest.raises(ApiError):
        await service.register_app(ctx, org_id, "x" * 10_000)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_icon_upload_is_served_and_checked(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"ic{unique}")
    app = (await _app(web, await _org(web)))["app"]
    assert isinstance(app, dict)
    appid = app["appid"]
    r = await web.post(f"/api/apps/{appid}/icon", files={"file": ("i.png", PNG + unique.encode(), "image/png")})
    assert r.status_code == 200, r.text
    icon_url = r.json()["icon_url"]
    assert icon_url.startswith("/api/apps/icons/") and icon_url.endswith(".png")
    served = await web.get(icon_url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == PNG + unique.encode()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    r = await web.post(f"/api/apps/{appid}/icon", files={"file": ("i.png", svg, "image/png")})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_icon"
    r = await web.post(f"/api/apps/{appid}/icon", files={"file": ("i.png", PNG + b"0" * 600_000, "image/png")})
    assert r.status_code == 413
    assert (await web.get("/api/apps/icons/..%2F..%2Fsecret_key")).status_code == 404
    assert (await web.get(f"/api/apps/{appid}")).json()["icon_url"] == icon_url
