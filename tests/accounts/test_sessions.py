import httpx

from tests.accounts.helpers import PASSWORD, sign_up


async def test_signup_signs_in_with_a_safe_session_cookie(web: httpx.AsyncClient, unique: str) -> None:
    r = await web.post("/api/accounts/signup", json={"username": f"ann{unique}", "password": PASSWORD})
    assert r.status_code == 201
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("mh_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    me = await web.get("/api/accounts/me")
    assert me.status_code == 200
    assert me.json()["user"]["username"] == f"ann{unique}"
    assert me.json()["csrf_token"] == r.json()["csrf_token"]


async def test_not_signed_in_is_401(web: httpx.AsyncClient) -> None:
    r = await web.get("/api/accounts/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_signed_in"


async def test_signin_and_signout(web: httpx.AsyncClient, web2: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"bob{unique}")
    r = await web2.post("/api/accounts/signin", json={"username": f"BOB{unique}", "password": PASSWORD})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    assert (await web2.get("/api/accounts/me")).status_code == 200
    # Signing out is state-changing: without the CSRF token it is refused and the session lives on.
    refused = await web2.post("/api/accounts/signout")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert (await web2.get("/api/accounts/me")).status_code == 200
    out = await web2.post("/api/accounts/signout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200
    old_cookie = r.cookies["mh_session"]
    # The session row is gone: replaying the old cookie does not work.
    web2.cookies.set("mh_session", old_cookie)
    replay = await web2.get("/api/accounts/me")
    assert replay.status_code == 401
    # The other browser is still signed in.
    assert (await web.get("/api/accounts/me")).status_code == 200


async def test_wrong_password_is_401(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"cat{unique}")
    r = await web.post("/api/accounts/signin", json={"username": f"cat{unique}", "password": "not the password"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "bad_credentials"
    r = await web.post("/api/accounts/signin", json={"username": f"nobody{unique}", "password": "whatever12"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "bad_credentials"


async def test_duplicate_username_is_409(web: httpx.AsyncClient, web2: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"dan{unique}")
    r = await web2.post("/api/accounts/signup", json={"username": f"DAN{unique}", "password": PASSWORD})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "username_taken"


async def test_signin_attempts_are_rate_limited(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"eve{unique}")
    codes = []
    for _ in range(11):
        r = await web.post("/api/accounts/signin", json={"username": f"eve{unique}", "password": "guess-guess"})
        codes.append(r.status_code)
    assert codes[:10] == [401] * 10
    assert codes[10] == 429
    # Even the right password waits out the window.
    r = await web.post("/api/accounts/signin", json={"username": f"eve{unique}", "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "too_many_attempts"
    assert "wait" in r.json()["error"]["message"]
