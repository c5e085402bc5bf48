"""Uploading, serving and releasing versions, as a developer and the host see them."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.config import Settings
from minihost.context import Ctx
from minihost.packages import service as packages
from minihost.web.app import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass
class Dev:
    user: accounts.UserInfo
    token: str
    appid: str
    org_id: int

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_dev(ctx: Ctx, unique: str, role_name: str = "dev") -> Dev:
    user = await accounts.create_user(ctx, f"{role_name}{unique}", "password123", f"Dev {unique}")
    org_id = await accounts.create_organisation(ctx, user.id, f"Org {unique}")
    app = (await apps.register_app(ctx, org_id, f"App {unique}")).app
    token = (await accounts.create_api_token(ctx, user.id, "tests")).secret
    return Dev(user, token, app.appid, org_id)


def zip_dir(path: Path, prefix: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(path.rglob("*")):
            if f.is_file():
                zf.write(f, prefix + f.relative_to(path).as_posix())
    return buf.getvalue()


def zip_files(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def no_background_screenshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submissions here need no Chromium in the background (the screenshot tests render explicitly)."""
    from minihost.packages import screenshots

    monkeypatch.setattr(screenshots, "schedule", lambda ctx, review_id: None)


@pytest.fixture(scope="module")
async def http(settings: Settings, ctx: Ctx) -> AsyncIterator[httpx.AsyncClient]:
    # A client of our own: the shared `client` fixture keeps cookies across tests.
    app = create_app(settings, ctx)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


async def upload(http: httpx.AsyncClient, dev: Dev, data: bytes, version: str = "1.0.0") -> httpx.Response:
    return await http.post(
        f"/api/apps/{dev.appid}/versions",
        headers=dev.auth,
        files={"file": ("pkg.zip", data, "application/zip")},
        data={"version": version, "description": "first"},
    )


async def approve(http: httpx.AsyncClient, ctx: Ctx, dev: Dev, version: str, unique: str) -> None:
    """Submit a version and have an operator approve it."""
    r = await http.post(f"/api/apps/{dev.appid}/versions/{version}/submit", headers=dev.auth)
    assert r.status_code == 201, r.text
    op = await accounts.create_user(ctx, f"op{version.replace('.', '')}{unique}", "password123", is_operator=True)
    token = (await accounts.create_api_token(ctx, op.id, "review")).secret
    r = await http.post(
        f"/api/reviews/{r.json()['review']['id']}/approve", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text


async def test_upload_serve_release(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    r = await upload(http, dev, zip_dir(EXAMPLES / "hello-world"))
    assert r.status_code == 201, r.text
    v = r.json()["version"]
    assert v["state"] == "develop" and v["version"] == "1.0.0"
    # Not released yet: the host finds no release, the developer finds the develop version.
    assert await packages.version_for_user(ctx, dev.appid, dev.user.id, "release") is None
    develop = await packages.version_for_user(ctx, dev.appid, dev.user.id, "develop")
    assert develop is not None and develop.manifest_hash == v["manifest_hash"]

    m = await http.get(v["manifest_url"])
    assert m.status_code == 200
    assert m.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert m.headers["access-control-allow-origin"] == "*"
    assert m.headers["content-type"].startswith("application/json")
    manifest = m.json()
    assert manifest["format"] == 1
    logic = await http.get(f"/bundles/files/{manifest['logic']}")
    assert logic.headers["content-type"].startswith("text/javascript")
    assert "__mhDefine" in logic.text
    css = manifest["pages"]["pages/index/index"]["css"]
    if css:
        assert (await http.get(f"/bundles/files/{css}")).headers["content-type"].startswith("text/css")
    again = await http.get(v["manifest_url"], headers={"If-None-Match": f'"{v["manifest_hash"]}"'})
    assert again.status_code == 304

    r = await http.post(f"/api/apps/{dev.appid}/versions/1.0.0/release", headers=dev.auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_approved"
    await approve(http, ctx, dev, "1.0.0", unique)
    r = await http.post(f"/api/apps/{dev.appid}/versions/1.0.0/release", headers=dev.auth)
    assert r.status_code == 200, r.text
    assert r.json()["version"]["state"] == "release"
    live = await packages.version_for_user(ctx, dev.appid, 12345, "release")
    assert live is not None and live.version == "1.0.0"

    listed = await http.get(f"/api/apps/{dev.appid}/versions", headers=dev.auth)
    assert [x["version"] for x in listed.json()["versions"]] == ["1.0.0"]


async def test_wrapping_folder_is_dropped_and_duplicate_version_refused(
    http: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    dev = await make_dev(ctx, unique)
    data = zip_dir(EXAMPLES / "hello-world", prefix="hello-world/")
    assert (await upload(http, dev, data)).status_code == 201
    r = await upload(http, dev, data)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "version_exists"


async def test_compile_errors_name_the_file(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    files = {
        "app.json": json.dumps({"pages": ["pages/index/index"]}).encode(),
        "app.js": b"App({})",
        "pages/index/index.js": b"Page({})",
    }
    r = await upload(http, dev, zip_files(files))
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "compile_failed"
    assert "pages/index/index.wxml" in err["message"]
    assert await packages.get_version(ctx, dev.appid, "1.0.0") is None


@pytest.mark.parametrize("name", ["../evil.js", "/etc/passwd", "a/../../b.js", "C:/win.js", "pages\\..\\..\\x.js"])
async def test_unsafe_zip_names_are_refused(http: httpx.AsyncClient, ctx: Ctx, unique: str, name: str) -> None:
    dev = await make_dev(ctx, unique)
    r = await upload(http, dev, zip_files({"app.json": b"{}", name: b"x"}))
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_zip"


async def test_symlinks_and_bombs_are_refused(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.json", b"{}")
        link = zipfile.ZipInfo("secret.js")
        link.external_attr = (0o120777 << 16) | 0x20
        zf.writestr(link, b"/etc/passwd")
    r = await upload(http, dev, buf.getvalue())
    assert r.status_code == 400 and "symbolic link" in r.json()["error"]["message"]

    r = await upload(http, dev, zip_files({"app.json": b"{}", "big.js": b"\0" * (5 * 1024 * 1024)}))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_zip"

    r = await upload(http, dev, b"not a zip at all")
    assert r.status_code == 400 and "not a zip" in r.json()["error"]["message"]


async def test_only_members_upload_and_only_admins_release(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    outsider = await make_dev(ctx, unique, "out")
    r = await upload(http, Dev(outsider.user, outsider.token, dev.appid, dev.org_id), zip_dir(EXAMPLES / "hello-world"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"

    member = await accounts.create_user(ctx, f"mem{unique}", "password123")
    await accounts.add_member(ctx, dev.org_id, member.username, "developer")
    token = (await accounts.create_api_token(ctx, member.id, "t")).secret
    as_member = Dev(member, token, dev.appid, dev.org_id)
    assert (await upload(http, as_member, zip_dir(EXAMPLES / "hello-world"))).status_code == 201
    r = await http.post(f"/api/apps/{dev.appid}/versions/1.0.0/release", headers=as_member.auth)
    assert r.status_code == 403
    assert "admin" in r.json()["error"]["message"]
    r = await http.post(f"/api/apps/{dev.appid}/versions/9.9.9/release", headers=dev.auth)
    assert r.status_code == 404 and r.json()["error"]["code"] == "version_not_found"

    r = await http.post(f"/api/apps/{dev.appid}/versions", files={"file": ("a.zip", b"x")}, data={"version": "2"})
    assert r.status_code == 401


async def test_grey_release_reaches_a_share_of_users(ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    source = {
        p.relative_to(EXAMPLES / "hello-world").as_posix(): p.read_bytes()
        for p in (EXAMPLES / "hello-world").rglob("*")
        if p.is_file()
    }
    await packages.upload_package(ctx, dev.appid, dev.user, source, "1.0.0")
    await packages.release_version(ctx, dev.appid, dev.user, "1.0.0")
    source["pages/index/index.wxml"] = b"<view>v2</view>"
    await packages.upload_package(ctx, dev.appid, dev.user, source, "2.0.0")
    await packages.release_version(ctx, dev.appid, dev.user, "2.0.0", grey_percent=30)
    got = [await packages.version_for_user(ctx, dev.appid, uid, "release") for uid in range(1, 301)]
    new = sum(1 for v in got if v is not None and v.version == "2.0.0")
    assert all(v is not None for v in got)
    assert 40 < new < 140  # about 30% of 300
    for uid in range(1, 20):
        expected = "2.0.0" if packages.grey_bucket(dev.appid, uid) < 30 else "1.0.0"
        v = await packages.version_for_user(ctx, dev.appid, uid, "release")
        assert v is not None and v.version == expected


async def test_unknown_bundle_file_is_404(http: httpx.AsyncClient) -> None:
    r = await http.get("/bundles/files/" + "0" * 64)
    assert r.status_code == 404 and r.json()["error"]["code"] == "file_not_found"
    r = await http.get("/bundles/files/../../etc/passwd")
    assert r.status_code == 404
