"""A third-party platform builds, submits and releases a mini program for a business, end to end, and the
host launches what it released."""

from __future__ import annotations

import json
from typing import Any

import httpx

from minihost.context import Ctx
from minihost.openplatform import code
from tests.auth.helpers import signed_in_user
from tests.openplatform.helpers import (
    Business,
    ThirdParty,
    authorized,
    business,
    component_token,
    operator,
    package_zip,
    pushed,
    third_party,
)


async def upload_draft(web: httpx.AsyncClient, tp: ThirdParty, version: str, zip_data: bytes) -> dict[str, Any]:
    r = await web.post(
        f"/api/openplatform/platforms/{tp.component_appid}/drafts",
        data={"appid": tp.dev_appid, "version": version, "description": f"template {version}"},
        files={"file": ("pkg.zip", zip_data, "application/zip")},
        headers=tp.admin.headers,
    )
    assert r.status_code == 201, r.text
    draft: dict[str, Any] = r.json()["draft"]
    return draft


async def make_template(web: httpx.AsyncClient, ctx: Ctx, tp: ThirdParty, version: str = "1.0.0") -> int:
    cat = await component_token(web, ctx, tp)
    await upload_draft(web, tp, version, package_zip())
    r = await web.get("/wxa/gettemplatedraftlist", params={"access_token": cat})
    drafts = r.json()["draft_list"]
    assert drafts[0]["user_version"] == version and drafts[0]["source_miniprogram_appid"] == tp.dev_appid
    r = await web.post("/wxa/addtotemplate", params={"access_token": cat}, json={"draft_id": drafts[0]["draft_id"]})
    assert r.json()["errcode"] == 0, r.json()
    template_id: int = r.json()["template_id"]
    r = await web.get("/wxa/gettemplatelist", params={"access_token": cat})
    assert template_id in [t["template_id"] for t in r.json()["template_list"]]
    return template_id


def ext_json(biz: Business, title: str) -> str:
    return json.dumps(
        {
            "extAppid": biz.appid,
            "ext": {"shop": title},
            "window": {"navigationBarTitleText": title},
            "extPages": {"pages/about/about": {"navigationBarTitleText": f"About {title}"}},
        }
    )


async def commit_and_submit(
    web: httpx.AsyncClient, token: str, template_id: int, biz: Business, version: str, title: str
) -> int:
    q = {"access_token": token}
    r = await web.post(
        "/wxa/commit",
        params=q,
        json={
            "template_id": template_id,
            "ext_json": ext_json(biz, title),
            "user_version": version,
            "user_desc": f"{title} {version}",
        },
    )
    assert r.json() == {"errcode": 0, "errmsg": "ok"}
    r = await web.post("/wxa/submit_audit", params=q, json={"item_list": [{"address": "pages/index/index"}]})
    body = r.json()
    assert body["errcode"] == 0, body
    auditid: int = body["auditid"]
    return auditid


async def test_template_commit_audit_release_and_launch(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    reviewer = await operator(ctx, f"rev_{unique}")
    template_id = await make_template(web, ctx, tp)
    info = await authorized(web, ctx, tp, biz, scopes=[17, 18])
    token = info["authorizer_access_token"]
    q = {"access_token": token}

    auditid = await commit_and_submit(web, token, template_id, biz, "1.0.0", "Alice's shop")
    r = await web.get("/wxa/get_qrcode", params=q)
    assert r.headers["content-type"] == "image/png" and r.content.startswith(b"\x89PNG")
    r = await web.get("/wxa/get_page", params=q)
    assert r.json()["page_list"] == ["pages/index/index", "pages/about/about"]
    r = await web.get("/wxa/get_category", params=q)
    assert r.json()["category_list"] == []

    r = await web.post("/wxa/get_auditstatus", params=q, json={"auditid": auditid})
    assert r.json()["status"] == 2  # auditing
    r = await web.post("/wxa/release", params=q, json={})
    assert r.json()["errcode"] == 85019  # nothing approved yet

    r = await web.post(f"/api/reviews/{auditid}/approve", json={}, headers=reviewer.headers)
    assert r.status_code == 200, r.text
    await code.push_audit_results(ctx)
    (success,) = [e for e in await pushed(ctx, tp, "weapp_audit_success") if e["ToUserName"] == biz.appid]
    assert success["Event"] == "weapp_audit_success" and int(success["SuccTime"]) > 0
    r = await web.get("/wxa/get_latest_auditstatus", params=q)
    assert r.json()["status"] == 0 and r.json()["auditid"] == auditid
    r = await web.post("/wxa/release", params=q, json={})
    assert r.json() == {"errcode": 0, "errmsg": "ok"}

    # Any user of the host now opens the business's mini program, built from the platform's template with
    # the business's ext_json.
    shopper = await signed_in_user(ctx, f"shopper_{unique}")
    r = await web.get(f"/host/api/apps/{biz.appid}/launch", headers=shopper.headers)
    assert r.status_code == 200, r.text
    launched = r.json()
    assert launched["version"] == "1.0.0"
    manifest = (await web.get(launched["manifest_url"])).json()
    assert manifest["app"]["window"]["navigationBarTitleText"] == "Alice's shop"
    assert manifest["app"]["extAppid"] == biz.appid
    assert manifest["app"]["ext"] == {"shop": "Alice's shop"}

    # A second version: grey release to 30%, then back to the first for everyone.
    auditid2 = await commit_and_submit(web, token, template_id, biz, "1.1.0", "Alice's new shop")
    assert auditid2 != auditid
    await web.post(f"/api/reviews/{auditid2}/approve", json={}, headers=reviewer.headers)
    r = await web.post("/wxa/grayrelease", params=q, json={"gray_percentage": 30})
    assert r.json() == {"errcode": 0, "errmsg": "ok"}
    r = await web.get("/wxa/getgrayreleaseplan", params=q)
    assert r.json()["gray_release_plan"] == {"status": 1, "gray_percentage": 30}
    r = await web.get("/wxa/revertcoderelease", params=q)
    assert r.json() == {"errcode": 0, "errmsg": "ok"}
    r = await web.get(f"/host/api/apps/{biz.appid}/launch", headers=shopper.headers)
    assert r.json()["version"] == "1.0.0"
    r = await web.get("/wxa/revertcoderelease", params=q)
    assert r.json()["errcode"] == 87011  # nothing earlier than the first release


async def test_rejected_audit_and_recommit(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    reviewer = await operator(ctx, f"rev_{unique}")
    template_id = await make_template(web, ctx, tp)
    token = (await authorized(web, ctx, tp, biz))["authorizer_access_token"]
    q = {"access_token": token}
    auditid = await commit_and_submit(web, token, template_id, biz, "2.0.0", "Bob")
    r = await web.post("/wxa/submit_audit", params=q, json={})
    assert r.json()["errcode"] == 85009  # one version in audit at a time
    await web.post(
        f"/api/reviews/{auditid}/reject", json={"reason": "The about page is empty."}, headers=reviewer.headers
    )
    r = await web.post("/wxa/get_auditstatus", params=q, json={"auditid": auditid})
    assert r.json()["status"] == 1 and r.json()["reason"] == "The about page is empty."
    # The same user_version may be committed again, as with WeChat.
    auditid2 = await commit_and_submit(web, token, template_id, biz, "2.0.0", "Bob")
    r = await web.get("/wxa/undocodeaudit", params=q)
    assert r.json() == {"errcode": 0, "errmsg": "ok"}
    r = await web.post("/wxa/get_auditstatus", params=q, json={"auditid": auditid2})
    assert r.json()["status"] == 3  # withdrawn
    await code.push_audit_results(ctx)
    assert len(await pushed(ctx, tp, "weapp_audit_fail")) == 1  # a withdrawal is not pushed


async def test_modify_domain(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    q = {"access_token": (await authorized(web, ctx, tp, biz))["authorizer_access_token"]}
    r = await web.post(
        "/wxa/modify_domain",
        params=q,
        json={
            "action": "set",
            "requestdomain": ["https://api.shop.example"],
            "wsrequestdomain": ["wss://ws.shop.example"],
        },
    )
    body = r.json()
    assert body["errcode"] == 0
    assert body["requestdomain"] == ["api.shop.example"] and body["wsrequestdomain"] == ["ws.shop.example"]
    r = await web.post("/wxa/modify_domain", params=q, json={"action": "add", "requestdomain": ["https://b.example"]})
    assert r.json()["requestdomain"] == ["api.shop.example", "b.example"]
    r = await web.post(
        "/wxa/modify_domain", params=q, json={"action": "delete", "requestdomain": ["https://b.example"]}
    )
    assert r.json()["requestdomain"] == ["api.shop.example"]
    r = await web.post(
        "/wxa/modify_domain", params=q, json={"action": "add", "requestdomain": ["http://insecure.example"]}
    )
    assert r.json()["errcode"] == 85015
    r = await web.post("/wxa/modify_domain", params=q, json={"action": "delete", "requestdomain": ["not a domain"]})
    assert r.json()["errcode"] == 85015
    r = await web.post("/wxa/modify_domain", params=q, json={"action": "add", "requestdomain": "api.shop.example"})
    assert r.json()["errcode"] == 47001
    r = await web.post("/wxa/modify_domain", params=q, json={"action": "replace"})
    assert r.json()["errcode"] == 44002
    r = await web.post("/wxa/modify_domain", params=q, json={"action": "get"})
    assert r.json()["requestdomain"] == ["api.shop.example"]


async def test_templates_are_the_platforms_own(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    other = await third_party(ctx, web, unique + "o")
    biz = await business(ctx, unique)
    template_id = await make_template(web, ctx, tp)
    other_cat = await component_token(web, ctx, other)
    r = await web.get("/wxa/gettemplatelist", params={"access_token": other_cat})
    assert r.json()["template_list"] == []
    r = await web.post("/wxa/deletetemplate", params={"access_token": other_cat}, json={"template_id": template_id})
    assert r.json()["errcode"] == 85064
    # The other platform, authorized by the business, still cannot commit this platform's template.
    token = (await authorized(web, ctx, other, biz))["authorizer_access_token"]
    r = await web.post(
        "/wxa/commit", params={"access_token": token}, json={"template_id": template_id, "user_version": "1.0.0"}
    )
    assert r.json()["errcode"] == 85064
    cat = await component_token(web, ctx, tp)
    r = await web.post("/wxa/deletetemplate", params={"access_token": cat}, json={"template_id": template_id})
    assert r.json() == {"errcode": 0, "errmsg": "ok"}
    r = await web.get("/wxa/gettemplatelist", params={"access_token": cat})
    assert r.json()["template_list"] == []


async def test_bad_ext_json(web: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    tp = await third_party(ctx, web, unique)
    biz = await business(ctx, unique)
    template_id = await make_template(web, ctx, tp)
    q = {"access_token": (await authorized(web, ctx, tp, biz))["authorizer_access_token"]}

    async def commit(ext: str) -> int:
        r = await web.post(
            "/wxa/commit", params=q, json={"template_id": template_id, "ext_json": ext, "user_version": "1.0.0"}
        )
        code: int = r.json()["errcode"]
        return code

    assert await commit("{not json") == 85048
    assert await commit("[1, 2]") == 85048
    assert await commit(json.dumps({"extAppid": "wx0000000000000000"})) == 85045
    assert await commit(json.dumps({"extPages": {"pages/missing/missing": {}}})) == 85045
    assert await commit(json.dumps({"pages": ["pages/index/index", "pages/nope/nope"]})) == 85045
    r = await web.post("/wxa/submit_audit", params=q, json={})
    assert r.json()["errcode"] == 85013  # nothing was committed
