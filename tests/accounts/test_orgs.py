import httpx

from tests.accounts.helpers import sign_up


async def _org(c: httpx.AsyncClient, name: str = "Acme") -> int:
    r = await c.post("/api/accounts/orgs", json={"name": name, "kind": "business"})
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "admin"
    org_id: int = r.json()["id"]
    return org_id


async def test_create_and_list_my_organisations(web: httpx.AsyncClient, web2: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"o1{unique}")
    await sign_up(web2, f"o2{unique}")
    org_id = await _org(web, f"Studio {unique}")
    r = await web.post("/api/accounts/orgs", json={"name": "Just me", "kind": "individual"})
    assert r.json()["kind"] == "individual"
    mine = (await web.get("/api/accounts/orgs")).json()["organisations"]
    assert {o["name"] for o in mine} == {f"Studio {unique}", "Just me"}
    assert (await web2.get("/api/accounts/orgs")).json()["organisations"] == []
    # An outsider cannot see the members.
    r = await web2.get(f"/api/accounts/orgs/{org_id}/members")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


async def test_members_roles_and_the_last_admin(web: httpx.AsyncClient, web2: httpx.AsyncClient, unique: str) -> None:
    admin = await sign_up(web, f"ad{unique}")
    tester = await sign_up(web2, f"te{unique}")
    org_id = await _org(web)
    base = f"/api/accounts/orgs/{org_id}/members"

    r = await web.post(base, json={"username": f"te{unique}", "role": "tester"})
    assert r.status_code == 201
    assert r.json()["role"] == "tester"
    assert (await web.post(base, json={"username": f"te{unique}", "role": "developer"})).status_code == 409
    r = await web.post(base, json={"username": f"ghost{unique}", "role": "developer"})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "user_not_found"
    r = await web.post(base, json={"username": f"te{unique}", "role": "owner"})
    assert r.status_code == 422

    # The tester sees the members but may not change them.
    names = {m["username"]: m["role"] for m in (await web2.get(base)).json()["members"]}
    assert names == {f"ad{unique}": "admin", f"te{unique}": "tester"}
    r = await web2.patch(f"{base}/{tester['id']}", json={"role": "admin"})
    assert r.status_code == 403

    # The only admin can be neither demoted nor removed.
    r = await web.patch(f"{base}/{admin['id']}", json={"role": "developer"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "last_admin"
    assert (await web.delete(f"{base}/{admin['id']}")).status_code == 409

    # With a second admin, the first may step down.
    assert (await web.patch(f"{base}/{tester['id']}", json={"role": "admin"})).status_code == 200
    assert (await web.patch(f"{base}/{admin['id']}", json={"role": "developer"})).json()["role"] == "developer"
    # ...and is no longer allowed to manage members.
    assert (await web.delete(f"{base}/{tester['id']}")).status_code == 403
    assert (await web2.delete(f"{base}/{admin['id']}")).status_code == 200
    assert (await web.get(base)).status_code == 403


async def test_api_tokens_shown_once_and_revocable(web: httpx.AsyncClient, unique: str, asgi_app: object) -> None:
    await sign_up(web, f"tk{unique}")
    r = await web.post("/api/accounts/tokens", json={"name": "laptop"})
    assert r.status_code == 201
    secret = r.json()["secret"]
    token_id = r.json()["token"]["id"]
    assert secret.startswith("mh_")
    listed = (await web.get("/api/accounts/tokens")).json()["tokens"]
    assert listed[0]["prefix"] == secret[:10]
    assert secret not in str(listed)

    transport = httpx.ASGITransport(app=asgi_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as cli:
        auth = {"Authorization": f"Bearer {secret}"}
        me = await cli.get("/api/accounts/me", headers=auth)
        assert me.json()["user"]["username"] == f"tk{unique}"
        # A Bearer token needs no CSRF token for state-changing requests.
        assert (await cli.post("/api/accounts/orgs", json={"name": "From CLI"}, headers=auth)).status_code == 201
        used = (await web.get("/api/accounts/tokens")).json()["tokens"][0]
        assert used["last_used_at"] is not None

        assert (await web.delete(f"/api/accounts/tokens/{token_id}")).status_code == 200
        r = await cli.get("/api/accounts/me", headers=auth)
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "token_revoked"
        r = await cli.get("/api/accounts/me", headers={"Authorization": "Bearer mh_made_up"})
        assert r.json()["error"]["code"] == "invalid_token"
