import httpx


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readyz_checks_database_and_store(client: httpx.AsyncClient) -> None:
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "checks": {"database": "ok", "store": "ok"}}


async def test_unknown_path_uses_minihost_error_format(client: httpx.AsyncClient) -> None:
    r = await client.get("/no/such/page")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_unknown_wechat_path_uses_errcode(client: httpx.AsyncClient) -> None:
    r = await client.get("/cgi-bin/no_such_api")
    assert r.status_code == 200
    assert r.json()["errcode"] == 404


async def test_oversized_body_is_refused_before_reading(client: httpx.AsyncClient) -> None:
    r = await client.post("/healthz", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    r = await client.get("/docs")
    assert r.status_code == 200
    assert "swagger" in r.text.lower()
