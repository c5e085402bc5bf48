import re

import httpx
import pytest

from minihost.console.routes import safe_next
from tests.accounts.helpers import PASSWORD, sign_up


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


async def console_signup(c: httpx.AsyncClient, username: str, next: str = "") -> httpx.Response:
    form = {"username": username, "password": PASSWORD, "nickname": "Dev", "next": next}
    return await c.post("/console/signup", data=form)


async def test_signup_form_signs_in_and_redirects(web: httpx.AsyncClient, unique: str) -> None:
    r = await console_signup(web, f"cs{unique}")
    assert r.status_code == 303
    assert r.headers["location"] == "/console"
    assert "mh_session=" in r.headers["set-cookie"]
    page = await web.get("/console/apps")
    assert page.status_code == 200
    assert f"@cs{unique}" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_pages_need_sign_in_and_come_back(web: httpx.AsyncClient, unique: str) -> None:
    r = await web.get("/console/tokens")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/signin?next=%2Fconsole%2Ftokens"
    await sign_up(web, f"nx{unique}")
    web.cookies.clear()
    r = await web.post(
        "/console/signin", data={"username": f"nx{unique}", "password": PASSWORD, "next": "/console/tokens"}
    )
    assert r.headers["location"] == "/console/tokens"
    web.cookies.clear()
    r = await web.post(
        "/console/signin", data={"username": f"nx{unique}", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert r.headers["location"] == "/console"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/", "/"),
        ("/console/apps?x=1", "/console/apps?x=1"),
        ("//evil.example/", "/console"),
        ("/\\evil.example", "/console"),
        ("https://evil.example/", "/console"),
        ("javascript:alert(1)", "/console"),
        ("/ok\r\nSet-Cookie: x=1", "/console"),
        ("", "/console"),
    ],
)
def test_next_is_same_site_only(value: str, expected: str) -> None:
    assert safe_next(value) == expected


async def test_wrong_password_shows_the_form_again(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"wp{unique}")
    web.cookies.clear()
    r = await web.post("/console/signin", data={"username": f"wp{unique}", "password": "nope-nope"})
    assert r.status_code == 401
    assert "Wrong username or password" in r.text
    assert f'value="wp{unique}"' in r.text


async def test_cross_site_sign_in_is_refused(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"xs{unique}")
    web.cookies.clear()
    r = await web.post(
        "/console/signin",
        data={"username": f"xs{unique}", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    assert "mh_session" not in r.headers.get("set-cookie", "")


async def test_register_app_shows_appid_and_secret_once(web: httpx.AsyncClient, unique: str) -> None:
    await console_signup(web, f"ra{unique}")
    orgs = await web.get("/console/orgs")
    csrf = csrf_of(orgs.text)
    r = await web.post("/console/orgs", data={"name": "Console Co", "kind": "business", "csrf_token": csrf})
    assert r.status_code == 303
    org_id = r.headers["location"].split("/")[-1].split("?")[0]
    r = await web.post(
        "/console/apps",
        data={"org_id": org_id, "name": "Tea Shop", "category": "Shopping", "csrf_token": csrf},
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert "reveal=" in location
    page = await web.get(location)
    appid = re.search(r'id="appid">(wx[0-9a-f]{16})<', page.text)
    secret = re.search(r'id="appsecret">([0-9a-f]{32})<', page.text)
    assert appid and secret
    assert "shown only this once" in page.text
    again = await web.get(location)
    assert appid.group(1) in again.text
    assert secret.group(1) not in again.text
    listing = await web.get("/console/apps")
    assert appid.group(1) in listing.text and "Tea Shop" in listing.text

    # Reset needs the confirmation box, then shows a new secret once.
    url = f"/console/apps/{appid.group(1)}"
    r = await web.post(f"{url}/secret", data={"csrf_token": csrf})
    assert r.status_code == 400
    r = await web.post(f"{url}/secret", data={"csrf_token": csrf, "confirm": "yes"})
    page = await web.get(r.headers["location"])
    new_secret = re.search(r'id="appsecret">([0-9a-f]{32})<', page.text)
    assert new_secret and new_secret.group(1) != secret.group(1)

    # Domains editor: bad entries keep the text and explain; good ones are stored normalised.
    r = await web.post(f"{url}/domains", data={"csrf_token": csrf, "request": "http://api.example.com"})
    assert r.status_code == 400
    assert "https://" in r.text and "http://api.example.com" in r.text
    r = await web.post(f"{url}/domains", data={"csrf_token": csrf, "request": "API.example.com\n\nb.example.com:8443"})
    assert r.status_code == 303
    page = await web.get(url)
    assert "https://api.example.com\nhttps://b.example.com:8443" in page.text


async def test_forms_without_csrf_are_refused(web: httpx.AsyncClient, unique: str) -> None:
    await console_signup(web, f"cf{unique}")
    r = await web.post("/console/orgs", data={"name": "Sneaky"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf_failed"
    r = await web.post("/console/orgs", data={"name": "Sneaky", "csrf_token": "wrong"})
    assert r.status_code == 403
    assert "Sneaky" not in (await web.get("/console/orgs")).text


async def test_names_are_escaped_and_long_ones_explained(web: httpx.AsyncClient, unique: str) -> None:
    await console_signup(web, f"es{unique}")
    csrf = csrf_of((await web.get("/console/orgs")).text)
    r = await web.post("/console/orgs", data={"name": "<script>alert(1)</script>", "csrf_token": csrf})
    page = await web.get(r.headers["location"])
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    r = await web.post("/console/orgs", data={"name": "n" * 10_000, "csrf_token": csrf})
    assert r.status_code == 400
    assert "1 to 64 characters" in r.text


async def test_other_orgs_app_page_is_forbidden(web: httpx.AsyncClient, web2: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"p1{unique}")
    org = (await web.post("/api/accounts/orgs", json={"name": "Private"})).json()["id"]
    appid = (await web.post("/api/apps", json={"org_id": org, "name": "Secret"})).json()["app"]["appid"]
    await console_signup(web2, f"p2{unique}")
    r = await web2.get(f"/console/apps/{appid}")
    assert r.status_code == 403
    assert appid not in r.text
    csrf = csrf_of((await web2.get("/console/orgs")).text)
    r = await web2.post(f"/console/apps/{appid}/secret", data={"csrf_token": csrf, "confirm": "yes"})
    assert r.status_code == 403


async def test_tokens_page_creates_shows_once_and_revokes(web: httpx.AsyncClient, unique: str) -> None:
    await console_signup(web, f"tp{unique}")
    csrf = csrf_of((await web.get("/console/orgs")).text)
    r = await web.post("/console/tokens", data={"name": "ci", "csrf_token": csrf})
    page = await web.get(r.headers["location"])
    token = re.search(r'id="token">(mh_[^<]+)<', page.text)
    assert token
    assert token.group(1) not in (await web.get("/console/tokens")).text
    token_id = re.search(r"/console/tokens/(\d+)/revoke", page.text)
    assert token_id
    await web.post(f"/console/tokens/{token_id.group(1)}/revoke", data={"csrf_token": csrf})
    r = await web.get("/api/accounts/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert r.json()["error"]["code"] == "token_revoked"


async def test_signout_form(web: httpx.AsyncClient, unique: str) -> None:
    await console_signup(web, f"so{unique}")
    csrf = csrf_of((await web.get("/console/apps")).text)
    r = await web.post("/console/signout", data={"csrf_token": csrf})
    assert r.status_code == 303
    assert (await web.get("/console/apps")).status_code == 303


async def test_icon_upload_form(web: httpx.AsyncClient, unique: str) -> None:
    await console_signup(web, f"iu{unique}")
    org = (await web.post("/api/accounts/orgs", json={"name": "Icons"}, headers={"X-CSRF-Token": ""})).status_code
    assert org == 403  # the JSON API wants the header too
    csrf = csrf_of((await web.get("/console/orgs")).text)
    org_id = (await web.post("/api/accounts/orgs", json={"name": "Icons"}, headers={"X-CSRF-Token": csrf})).json()["id"]
    r = await web.post("/api/apps", json={"org_id": org_id, "name": "Pic"}, headers={"X-CSRF-Token": csrf})
    appid = r.json()["app"]["appid"]
    png = b"\x89PNG\r\n\x1a\n" + unique.encode() * 8
    r = await web.post(
        f"/console/apps/{appid}/icon", data={"csrf_token": csrf}, files={"icon": ("a.png", png, "image/png")}
    )
    assert r.status_code == 303
    page = await web.get(f"/console/apps/{appid}")
    assert re.search(r'<img src="/api/apps/icons/[0-9a-f]{64}\.png"', page.text)
    r = await web.post(f"/console/apps/{appid}/icon", files={"icon": ("a.png", png, "image/png")})
    assert r.status_code == 403
