"""The life of a version over HTTP: trial, audit (automated checks, then an operator), grey release that
only rises, full release, rollback, update checks; who may do what; bad uploads leave nothing behind."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
import pytest

from minihost.accounts import service as accounts
from minihost.context import Ctx
from minihost.packages import service as packages
from tests.packages.test_versions import EXAMPLES, Dev, http, make_dev, upload, zip_files

__all__ = ["http"]


@pytest.fixture(autouse=True)
def no_background_screenshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submissions here need no Chromium in the background (the screenshot tests render explicitly)."""
    from minihost.packages import screenshots

    monkeypatch.setattr(screenshots, "schedule", lambda ctx, review_id: None)


HELLO = {
    p.relative_to(EXAMPLES / "hello-world").as_posix(): p.read_bytes()
    for p in (EXAMPLES / "hello-world").rglob("*")
    if p.is_file()
}


def pkg(marker: str = "v1", **extra: bytes) -> bytes:
    files = dict(HELLO)
    files["pages/index/index.wxml"] = f"<view class='marker'>{marker}</view>".encode()
    files.update(extra)
    return zip_files(files)


async def operator(ctx: Ctx, unique: str) -> dict[str, str]:
    op = await accounts.create_user(ctx, f"oper{unique}", "password123", "Operator", is_operator=True)
    return {"Authorization": f"Bearer {(await accounts.create_api_token(ctx, op.id, 'review')).secret}"}


async def member(ctx: Ctx, dev: Dev, name: str, role: str) -> dict[str, str]:
    user = await accounts.create_user(ctx, name, "password123", name)
    await accounts.add_member(ctx, dev.org_id, user.username, role)
    return {"Authorization": f"Bearer {(await accounts.create_api_token(ctx, user.id, 't')).secret}"}


async def seen_by(ctx: Ctx, appid: str, users: range) -> dict[int, str | None]:
    """The release version each user gets."""
    out: dict[int, str | None] = {}
    for uid in users:
        v = await packages.version_for_user(ctx, appid, uid)
        out[uid] = v.version if v else None
    return out


async def submit(http: httpx.AsyncClient, dev: Dev, version: str) -> httpx.Response:
    return await http.post(f"/api/apps/{dev.appid}/versions/{version}/submit", headers=dev.auth)


async def test_trial_audit_grey_full_rollback(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    op = await operator(ctx, unique)
    tester = await member(ctx, dev, f"tester{unique}", "tester")
    stranger = await accounts.create_user(ctx, f"stranger{unique}", "password123")

    assert (await upload(http, dev, pkg("v1"), "1.0.0")).status_code == 201
    # Trial: organisation members (testers too) open it; nobody else.
    r = await http.post(f"/api/apps/{dev.appid}/versions/1.0.0/trial", headers=dev.auth)
    assert r.status_code == 200, r.text
    me = await http.get("/api/accounts/me", headers=tester)
    trial = await packages.version_for_user(ctx, dev.appid, me.json()["user"]["id"], "trial")
    assert trial is not None and trial.version == "1.0.0"
    with pytest.raises(Exception, match="not a member"):
        await packages.version_for_user(ctx, dev.appid, stranger.id, "trial")

    # Audit: one version at a time; only operators decide.
    r = await submit(http, dev, "1.0.0")
    assert r.status_code == 201, r.text
    review_id = r.json()["review"]["id"]
    assert (await upload(http, dev, pkg("v1b"), "1.0.1")).status_code == 201
    r = await submit(http, dev, "1.0.1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "audit_in_progress"
    r = await http.post(f"/api/reviews/{review_id}/approve", headers=dev.auth)
    assert r.status_code == 403
    r = await http.get("/api/reviews", headers=dev.auth)
    assert r.status_code == 403
    queue = (await http.get("/api/reviews", headers=op)).json()["reviews"]
    assert review_id in [q["id"] for q in queue]
    r = await http.post(f"/api/reviews/{review_id}/approve", headers=op)
    assert r.status_code == 200 and r.json()["review"]["state"] == "approved"
    r = await http.post(f"/api/reviews/{review_id}/reject", headers=op, json={"reason": "late"})
    assert r.status_code == 409  # decided once

    # A tester cannot release; an admin can.
    r = await http.post(f"/api/apps/{dev.appid}/release", headers=tester, json={})
    assert r.status_code == 403
    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={})
    assert r.status_code == 200 and r.json()["version"]["version"] == "1.0.0"

    # Version 2: rejected first (the reason reaches the developer), then approved and released grey.
    assert (await upload(http, dev, pkg("v2"), "2.0.0")).status_code == 201
    review2 = (await submit(http, dev, "2.0.0")).json()["review"]["id"]
    r = await http.post(f"/api/reviews/{review2}/reject", headers=op, json={})
    assert r.status_code == 400 and r.json()["error"]["code"] == "reason_required"
    r = await http.post(f"/api/reviews/{review2}/reject", headers=op, json={"reason": "The title is misspelt."})
    assert r.status_code == 200
    status = (await http.get(f"/api/apps/{dev.appid}/status", headers=dev.auth)).json()
    v2 = next(v for v in status["versions"] if v["version"] == "2.0.0")
    assert v2["review"] == {"state": "rejected", "reason": "The title is misspelt.", "id": review2}
    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={"version": "2.0.0"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_approved"
    review2b = (await submit(http, dev, "2.0.0")).json()["review"]["id"]
    assert (await http.post(f"/api/reviews/{review2b}/approve", headers=op)).status_code == 200

    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={"grey_percent": 10})
    assert r.status_code == 200 and r.json()["version"]["version"] == "2.0.0"
    users = range(1, 401)
    grey = {uid for uid, v in (await seen_by(ctx, dev.appid, users)).items() if v == "2.0.0"}
    assert grey == {uid for uid in users if packages.grey_bucket(dev.appid, uid) < 10}
    assert 15 < len(grey) < 70

    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={"grey_percent": 5})
    assert r.status_code == 409 and r.json()["error"]["code"] == "grey_cannot_shrink"
    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={"grey_percent": 50})
    assert r.status_code == 200
    wider = {uid for uid, v in (await seen_by(ctx, dev.appid, users)).items() if v == "2.0.0"}
    assert grey <= wider  # whoever had the new version keeps it

    # The update check: a user still running 1.0.0 learns that 2.0.0 is ready once their bucket is reached.
    one = next(iter(grey))
    v1_hash = status["versions"][-1]["manifest_hash"]
    update = await packages.update_for(ctx, dev.appid, one, "release", v1_hash)
    assert update["hasUpdate"] is True and update["version"] == "2.0.0"

    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={})
    assert r.status_code == 200
    assert set((await seen_by(ctx, dev.appid, users)).values()) == {"2.0.0"}
    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_released"

    r = await http.post(f"/api/apps/{dev.appid}/rollback", headers=tester)
    assert r.status_code == 403
    r = await http.post(f"/api/apps/{dev.appid}/rollback", headers=dev.auth)
    assert r.status_code == 200 and r.json()["version"]["version"] == "1.0.0"
    assert set((await seen_by(ctx, dev.appid, users)).values()) == {"1.0.0"}
    status = (await http.get(f"/api/apps/{dev.appid}/status", headers=dev.auth)).json()
    assert status["release"]["version"] == "1.0.0" and status["release"]["grey_percent"] == 100

    # After a rollback a grey release may start again from a small share.
    r = await http.post(
        f"/api/apps/{dev.appid}/release", headers=dev.auth, json={"version": "2.0.0", "grey_percent": 5}
    )
    assert r.status_code == 200


async def test_rollback_during_grey_returns_everyone(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    op = await operator(ctx, unique)
    for version in ("1.0.0", "2.0.0"):
        assert (await upload(http, dev, pkg(version), version)).status_code == 201
        rid = (await submit(http, dev, version)).json()["review"]["id"]
        assert (await http.post(f"/api/reviews/{rid}/approve", headers=op)).status_code == 200
        grey = 100 if version == "1.0.0" else 30
        r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={"grey_percent": grey})
        assert r.status_code == 200, r.text
    r = await http.post(f"/api/apps/{dev.appid}/rollback", headers=dev.auth)
    assert r.status_code == 200
    assert set((await seen_by(ctx, dev.appid, range(1, 200))).values()) == {"1.0.0"}
    r = await http.post(f"/api/apps/{dev.appid}/rollback", headers=dev.auth)
    assert r.status_code == 409 or r.json()["version"]["version"] != "1.0.0"


async def test_first_release_has_nothing_to_roll_back(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    r = await http.post(f"/api/apps/{dev.appid}/rollback", headers=dev.auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_to_roll_back"
    r = await http.post(f"/api/apps/{dev.appid}/release", headers=dev.auth, json={})
    assert r.status_code == 409 and "minihost submit" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pages/index/index.js": b"Page({ onLoad() { wx.request({ url: 'http://api.example.com/x' }) } })\n"},
         "pages/index/index.js:1:38: error: http://api.example.com/x is plain http"),
        ({"pages/index/index.js": b"Page({\n  onLoad() {\n    wx.getLocation({})\n  }\n})\n"},
         'pages/index/index.js:3:5: error: wx.getLocation is called but app.json does not declare it'),
        ({"pages/index/index.wxml": "<view>在线赌博</view>".encode()}, "forbidden word '赌博'"),
    ],
)  # fmt: skip
async def test_automated_checks_refuse_before_any_human(
    http: httpx.AsyncClient, ctx: Ctx, unique: str, files: dict[str, bytes], expected: str
) -> None:
    dev = await make_dev(ctx, unique)
    assert (await upload(http, dev, zip_files({**HELLO, **files}), "1.0.0")).status_code == 201
    r = await submit(http, dev, "1.0.0")
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "checks_failed"
    assert expected in r.json()["error"]["message"]
    assert await packages.list_reviews(ctx, state="pending", appid=dev.appid) == []
    status = (await http.get(f"/api/apps/{dev.appid}/status", headers=dev.auth)).json()
    assert status["versions"][0]["review"]["state"] == "rejected"
    assert status["versions"][0]["state"] == "develop"


async def test_declared_location_and_phone_number_pass_with_a_warning(
    http: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    dev = await make_dev(ctx, unique)
    app_json = json.loads(HELLO["app.json"])
    app_json["requiredPrivateInfos"] = ["getLocation"]
    app_json["permission"] = {"scope.userLocation": {"desc": "To find the nearest shop"}}
    files = {
        **HELLO,
        "app.json": json.dumps(app_json).encode(),
        "pages/index/index.js": b"Page({ onLoad() { wx.getLocation({ type: 'gcj02' }) } })\n",
        "pages/index/index.wxml": b'<button open-type="getPhoneNumber">Phone</button>',
    }
    assert (await upload(http, dev, zip_files(files), "1.0.0")).status_code == 201
    r = await submit(http, dev, "1.0.0")
    assert r.status_code == 201, r.text
    checks = r.json()["review"]["checks"]
    assert [c["level"] for c in checks] == ["warning"] and "phone number" in checks[0]["message"]


async def test_other_organisations_cannot_touch_the_app(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    a = await make_dev(ctx, unique + "a")
    b = await make_dev(ctx, unique + "b")
    assert (await upload(http, a, pkg(), "1.0.0")).status_code == 201
    for method, path, body in [
        ("POST", f"/api/apps/{a.appid}/versions/1.0.0/trial", None),
        ("POST", f"/api/apps/{a.appid}/versions/1.0.0/submit", None),
        ("POST", f"/api/apps/{a.appid}/release", {}),
        ("POST", f"/api/apps/{a.appid}/rollback", None),
        ("POST", f"/api/apps/{a.appid}/review/withdraw", None),
        ("GET", f"/api/apps/{a.appid}/status", None),
        ("GET", f"/api/apps/{a.appid}/versions", None),
    ]:
        r = await http.request(method, path, headers=b.auth, json=body)
        assert r.status_code == 403, (path, r.text)
    r = await http.post(
        f"/api/apps/{a.appid}/versions",
        headers=b.auth,
        files={"file": ("p.zip", pkg(), "application/zip")},
        data={"version": "9.0.0"},
    )
    assert r.status_code == 403
    assert [v.version for v in await packages.list_versions(ctx, a.appid)] == ["1.0.0"]


async def test_testers_cannot_upload_submit_or_release(http: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    dev = await make_dev(ctx, unique)
    tester = await member(ctx, dev, f"tst{unique}", "tester")
    developer = await member(ctx, dev, f"dvl{unique}", "developer")
    r = await http.post(
        f"/api/apps/{dev.appid}/versions",
        headers=tester,
        files={"file": ("p.zip", pkg(), "application/zip")},
        data={"version": "1.0.0"},
    )
    assert r.status_code == 403
    assert (await upload(http, dev, pkg(), "1.0.0")).status_code == 201
    assert (await http.post(f"/api/apps/{dev.appid}/versions/1.0.0/submit", headers=tester)).status_code == 403
    # A developer submits, but releasing is for admins.
    assert (await http.post(f"/api/apps/{dev.appid}/versions/1.0.0/submit", headers=developer)).status_code == 201
    assert (await http.post(f"/api/apps/{dev.appid}/release", headers=developer, json={})).status_code == 403
    assert (await http.get(f"/api/apps/{dev.appid}/status", headers=tester)).status_code == 200


# -- bad uploads --------------------------------------------------------------------------------------------
def raw_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


def _non_utf8() -> bytes:
    data = bytearray(raw_zip([("app.json", b"{}"), ("pages/ab.js", b"x")]))
    # Rename pages/ab.js to a Latin-1 name (0xE9, not UTF-8) in both headers, without the UTF-8 flag.
    return bytes(data.replace(b"pages/ab.js", b"pages/\xe9b.js"))


def _duplicate() -> bytes:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return raw_zip([("app.json", b"{}"), ("a.js", b"1"), ("./a.js", b"2")])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_non_utf8(), "not UTF-8"),
        (pkg()[:-40], "not a complete zip"),
        (pkg()[: len(pkg()) // 2], "not a complete zip"),
        (_duplicate(), "twice"),
        (raw_zip([("../evil.js", b"x"), ("app.json", b"{}")]), "goes outside the package"),
        (raw_zip([("/etc/passwd", b"x")]), "absolute path"),
        (raw_zip([(f"pages/f{i}.txt", b"\0" * 200_000) for i in range(40)]), "zip bomb"),
    ],
)
async def test_bad_archives_are_refused_with_a_clear_error(
    http: httpx.AsyncClient, ctx: Ctx, unique: str, data: bytes, message: str
) -> None:
    dev = await make_dev(ctx, unique)
    r = await upload(http, dev, data, "1.0.0")
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_zip"
    assert message in r.json()["error"]["message"]
    assert await packages.list_versions(ctx, dev.appid) == []


async def test_a_failed_upload_leaves_no_files_behind(
    http: httpx.AsyncClient, ctx: Ctx, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minihost.packages.compiler import PackageSource, compile_package

    dev = await make_dev(ctx, unique)
    files = {**HELLO, "pages/index/index.wxml": f"<view>only in this upload {unique}</view>".encode()}
    bundle = compile_package(PackageSource.from_files(files), packages.limits(ctx))
    store = packages.bundle_store(ctx)
    fresh = [h for h in bundle.files if not store.exists(h)]
    assert fresh  # the page's template at least is new

    async def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("the database went away mid-upload")

    monkeypatch.setattr(packages, "_record_version", broken)
    with pytest.raises(RuntimeError):
        await packages.upload_package(ctx, dev.appid, dev.user, files, "1.0.0")
    assert [h for h in fresh if store.exists(h)] == []
    assert await packages.list_versions(ctx, dev.appid) == []
    monkeypatch.undo()
    # The same upload then works and stores everything.
    await packages.upload_package(ctx, dev.appid, dev.user, files, "1.0.0")
    assert all(store.exists(h) for h in bundle.files)
