"""MINIHOST_REQUEST_RESOLVE and MINIHOST_REQUEST_CA_BUNDLE: the request proxy reaches a backend on another
address over real TLS, with the whitelist and the certificate still checked against the URL's host."""

from __future__ import annotations

import json

import pytest

from minihost.apps import service as apps
from minihost.config import Settings, parse_resolve
from minihost.context import Ctx
from tests.host.test_host_api import Browser, asgi_app, publish, user  # noqa: F401  (fixtures)
from tests.https_backend import HOST, Backend


async def test_resolved_host_is_fetched_over_tls_and_still_whitelisted(
    ctx: Ctx,
    user: Browser,  # noqa: F811
    unique: str,
    https_backend: Backend,
) -> None:
    pub = await publish(ctx, unique)
    url = f"/host/api/apps/{pub.appid}/request"
    r = await user.http.post(url, json={"url": f"https://{HOST}/x", "data": {"q": 1}})
    assert r.status_code == 400 and r.json()["error"]["code"] == "domain_not_allowed"
    assert not any(req["query"].get("q") == unique for req in https_backend.requests)

    await apps.set_domains(ctx, pub.appid, "request", [HOST])
    r = await user.http.post(url, json={"url": f"https://{HOST}/x", "data": {"q": unique}})
    assert r.status_code == 200, r.text
    assert json.loads(r.json()["data"])["echo"] == {"url": f"https://{HOST}/x", "method": "GET", "query": {"q": unique}}
    seen = [req for req in https_backend.requests if req["query"].get("q") == unique]
    assert seen and seen[0]["headers"]["host"] == HOST


async def test_without_the_ca_bundle_the_certificate_is_refused(
    ctx: Ctx,
    user: Browser,  # noqa: F811
    unique: str,
    settings: Settings,
) -> None:
    pub = await publish(ctx, unique)
    await apps.set_domains(ctx, pub.appid, "request", [HOST])
    ca_bundle, settings.request_ca_bundle = settings.request_ca_bundle, ""
    try:
        r = await user.http.post(f"/host/api/apps/{pub.appid}/request", json={"url": f"https://{HOST}/x"})
    finally:
        settings.request_ca_bundle = ca_bundle
    assert r.status_code == 502 and r.json()["error"]["code"] == "request_failed"


def test_resolve_setting_format() -> None:
    assert parse_resolve("a.example:443:10.0.0.1, b.example:8443:127.0.0.1:9000") == {
        ("a.example", 443): ("10.0.0.1", 443),
        ("b.example", 8443): ("127.0.0.1", 9000),
    }
    for bad in ("a.example:10.0.0.1", "a.example:x:10.0.0.1", "a:1:b:c"):
        with pytest.raises(ValueError):
            parse_resolve(bad)
