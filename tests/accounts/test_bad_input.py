import httpx
import pytest

from minihost.accounts import service
from minihost.context import Ctx
from minihost.errors import ApiError
from tests.accounts.helpers import PASSWORD, sign_up


async def test_malformed_json_is_422(web: httpx.AsyncClient) -> None:
    r = await web.post(
        "/api/accounts/signin", content=b'{"username": "x", ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


async def test_missing_fields_name_the_field(web: httpx.AsyncClient) -> None:
    r = await web.post("/api/accounts/signup", json={"username": "someone"})
    assert r.status_code == 422
    assert "password" in r.json()["error"]["message"]


async def test_very_long_strings_are_refused(web: httpx.AsyncClient, unique: str) -> None:
    r = await web.post("/api/accounts/signup", json={"username": "x" * 10_000, "password": PASSWORD})
    assert r.status_code == 422
    await sign_up(web, f"long{unique}")
    r = await web.post("/api/accounts/orgs", json={"name": "n" * 10_000})
    assert r.status_code == 422
    assert (await web.get("/api/accounts/orgs")).json()["organisations"] == []


async def test_sql_looking_names_are_stored_literally(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"sql{unique}")
    name = "x'); DROP TABLE users; --"
    r = await web.post("/api/accounts/orgs", json={"name": name})
    assert r.status_code == 201
    assert (await web.get("/api/accounts/orgs")).json()["organisations"][0]["name"] == name
    r = await web.post("/api/accounts/signin", json={"username": "' OR 1=1 --", "password": "' OR 1=1 --"})
    assert r.status_code == 401


async def test_bad_usernames_and_passwords_explain_the_rule(web: httpx.AsyncClient) -> None:
    r = await web.post("/api/accounts/signup", json={"username": "a b", "password": PASSWORD})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_username"
    r = await web.post("/api/accounts/signup", json={"username": "shortpw", "password": "123"})
    assert r.json()["error"]["code"] == "invalid_password"


async def test_huge_ids_are_a_clean_422(web: httpx.AsyncClient, unique: str) -> None:
    await sign_up(web, f"ids{unique}")
    r = await web.delete(f"/api/accounts/tokens/{10**30}")
    assert r.status_code == 422


async def test_failed_member_add_leaves_nothing_behind(ctx: Ctx, unique: str) -> None:
    user = await service.create_user(ctx, f"tx{unique}", PASSWORD)
    org_id = await service.create_organisation(ctx, user.id, "Tx")
    with pytest.raises(ApiError) as caught:
        await service.add_member(ctx, org_id, user.username, "developer")
    assert caught.value.code == "already_member"
    members = await service.list_members(ctx, org_id)
    assert [(m.username, m.role) for m in members] == [(user.username, "admin")]
