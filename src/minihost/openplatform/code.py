"""Code management for authorizers (WeChat's `wxa/*` for third-party platforms): the platform's draft box and
code templates, commit (template + ext_json), the trial QR code, audit, release, grey release, revert, and
server domains.

Packages does the work: a commit is an upload (compiled like any other) made in the name of the business
admin who authorized the platform, and becomes the trial version; an audit is a packages review (the
`auditid` is the review's id) that the platform operator decides; release, grey and revert are packages'
release and rollback. Their errors come back as WeChat's errcodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import json
import struct
import zlib
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from sqlalchemy import func, select

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.db import aware
from minihost.errors import ApiError
from minihost.openplatform import messages
from minihost.openplatform.authorize import AuthorizerInfo
from minihost.openplatform.errors import (
    E_ALREADY_RELEASED,
    E_AUDITID_INVALID,
    E_AUDITING,
    E_COMPILE_FAILED,
    E_COMPONENT_NOT_AUTHORIZED,
    E_DATA_FORMAT,
    E_DOMAIN,
    E_DRAFT_NOT_FOUND,
    E_EXT_JSON,
    E_EXT_JSON_PARSE,
    E_GRAY_PERCENT,
    E_INVALID_ARGS,
    E_NO_PREVIOUS_RELEASE,
    E_NOT_AUDITED,
    E_NOT_COMMITTED,
    E_TEMPLATE_NOT_FOUND,
    fail,
)
from minihost.openplatform.models import Commit, Draft, Platform, Template
from minihost.openplatform.platforms import Component
from minihost.packages import service as packages
from minihost.packages.zipfiles import read_package_zip

T = TypeVar("T")
# Loaded by name: the package ships no type stubs, and this module only needs its matrix.
qrcode: Any = importlib.import_module("qrcode")

DRAFT_ROLES = ("admin", "developer")
# What an ext_json may set in app.json besides extAppid/ext, as WeChat's ext.json does.
EXT_APP_KEYS = ("window", "tabBar", "pages", "networkTimeout", "permission", "requiredPrivateInfos", "debug")
REVIEW_STATUS = {"approved": 0, "rejected": 1, "pending": 2, "withdrawn": 3}
DOMAIN_FIELDS = {
    "requestdomain": "request",
    "wsrequestdomain": "socket",
    "uploaddomain": "upload",
    "downloaddomain": "download",
}
# packages' error codes → WeChat's
_PACKAGE_ERRORS = {
    "compile_failed": E_COMPILE_FAILED,
    "invalid_package": E_COMPILE_FAILED,
    "audit_in_progress": E_AUDITING,
    "not_approved": E_NOT_AUDITED,
    "already_released": E_ALREADY_RELEASED,
    "grey_cannot_shrink": E_GRAY_PERCENT,
    "grey_in_progress": E_GRAY_PERCENT,
    "invalid_grey_percent": E_GRAY_PERCENT,
    "nothing_to_roll_back": E_NO_PREVIOUS_RELEASE,
    "older_version": E_NO_PREVIOUS_RELEASE,
    "forbidden": E_COMPONENT_NOT_AUTHORIZED,
    "invalid_version": E_INVALID_ARGS,
    "invalid_description": E_INVALID_ARGS,
}


async def _wechat(call: Awaitable[T]) -> T:
    """Run a packages call; its ApiError becomes the matching WeChat errcode, with packages' words after."""
    try:
        return await call
    except ApiError as exc:
        code, msg = _PACKAGE_ERRORS.get(exc.code, E_INVALID_ARGS)
        raise fail((code, msg), exc.message) from None


@dataclass(frozen=True)
class Acting:
    """The business admin a platform acts for (uploads and releases are recorded in their name)."""

    id: int


async def _acting(ctx: Ctx, auth: AuthorizerInfo) -> Acting:
    if auth.authorized_by is None:
        raise fail(E_COMPONENT_NOT_AUTHORIZED, "the admin who authorized the platform is gone; authorize again")
    role = await accounts.role_in(ctx, auth.authorized_by, auth.org_id)
    if role != "admin":
        raise fail(E_COMPONENT_NOT_AUTHORIZED, "the admin who authorized the platform is no longer an admin")
    return Acting(auth.authorized_by)


# ------------------------------------------------------------------------------------ drafts and templates


def sources_dir(ctx: Ctx) -> Path:
    return ctx.settings.data_dir / "openplatform" / "sources"


def _write_source(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        tmp = folder / f".{name}.tmp{id(data)}"
        tmp.write_bytes(data)
        tmp.replace(target)


@dataclass(frozen=True)
class DraftInfo:
    draft_id: int
    user_version: str
    user_desc: str
    create_time: int
    source_appid: str

    def public(self) -> dict[str, Any]:
        return {
            "draft_id": self.draft_id,
            "user_version": self.user_version,
            "user_desc": self.user_desc,
            "create_time": self.create_time,
            "source_miniprogram_appid": self.source_appid,
        }


async def upload_draft(
    ctx: Ctx, user_id: int, component_appid: str, appid: str, zip_data: bytes, version: str, desc: str = ""
) -> DraftInfo:
    """The platform's developer uploads a package to one of the platform's own apps: it is compiled and
    recorded there as usual (so it is known to work), and its source lands in the draft box."""
    from minihost.openplatform.platforms import credentials

    creds = await credentials(ctx, user_id, component_appid)  # 403 unless a member of the platform
    app = await apps.get_app(ctx, appid)
    if app is None or app.org_id != creds.platform.org_id:
        raise ApiError(404, "app_not_found", "Drafts are uploaded to one of the platform organisation's own apps.")
    role = await accounts.role_in(ctx, user_id, app.org_id)
    if role not in DRAFT_ROLES:
        raise ApiError(403, "forbidden", "Only developers and admins of the platform upload drafts.")
    files = await asyncio.to_thread(read_package_zip, zip_data, ctx.settings.package_total_limit)
    result = await packages.upload_package(ctx, appid, Acting(user_id), files, version, desc)
    sha = hashlib.sha256(zip_data).hexdigest()
    await asyncio.to_thread(_write_source, sources_dir(ctx), f"{sha}.zip", zip_data)
    user = await accounts.get_user(ctx, user_id)
    async with ctx.db.session() as s, s.begin():
        row = Draft(
            platform_id=creds.platform.id,
            source_appid=appid,
            user_version=result.version.version,
            user_desc=result.version.description,
            source_sha256=sha,
            developer=user.username if user else "",
        )
        s.add(row)
        await s.flush()
        return DraftInfo(row.id, row.user_version, row.user_desc, int(aware(row.created_at).timestamp()), appid)


async def draft_list(ctx: Ctx, comp: Component) -> list[dict[str, Any]]:
    async with ctx.db.session() as s:
        rows = (
            await s.execute(select(Draft).where(Draft.platform_id == comp.id).order_by(Draft.id.desc()).limit(500))
        ).scalars()
        return [
            DraftInfo(r.id, r.user_version, r.user_desc, int(aware(r.created_at).timestamp()), r.source_appid).public()
            for r in rows
        ]


async def add_to_template(ctx: Ctx, comp: Component, draft_id: object, template_type: object = 0) -> int:
    if not isinstance(draft_id, int) or isinstance(draft_id, bool):
        raise fail(E_INVALID_ARGS, "draft_id is a number")
    kind = template_type if isinstance(template_type, int) and template_type in (0, 1) else 0
    async with ctx.db.session() as s, s.begin():
        draft = await s.get(Draft, draft_id)
        if draft is None or draft.platform_id != comp.id:
            raise fail(E_DRAFT_NOT_FOUND)
        row = Template(platform_id=comp.id, draft_id=draft.id, template_type=kind)
        s.add(row)
        await s.flush()
        return row.id


async def template_list(ctx: Ctx, comp: Component, template_type: int | None = None) -> list[dict[str, Any]]:
    async with ctx.db.session() as s:
        q = (
            select(Template, Draft)
            .join(Draft, Draft.id == Template.draft_id)
            .where(Template.platform_id == comp.id, Template.deleted.is_(False))
        )
        if template_type is not None:
            q = q.where(Template.template_type == template_type)
        rows = (await s.execute(q.order_by(Template.id.desc()))).all()
        return [
            {
                "template_id": t.id,
                "draft_id": d.id,
                "user_version": d.user_version,
                "user_desc": d.user_desc,
                "create_time": int(aware(t.created_at).timestamp()),
                "template_type": t.template_type,
                "source_miniprogram_appid": d.source_appid,
                "developer": d.developer,
            }
            for t, d in rows
        ]


async def delete_template(ctx: Ctx, comp: Component, template_id: object) -> None:
    if not isinstance(template_id, int) or isinstance(template_id, bool):
        raise fail(E_INVALID_ARGS, "template_id is a number")
    async with ctx.db.session() as s, s.begin():
        row = await s.get(Template, template_id)
        if row is None or row.platform_id != comp.id or row.deleted:
            raise fail(E_TEMPLATE_NOT_FOUND)
        row.deleted = True


# ---------------------------------------------------------------------------------------------- commit


def merge_ext_json(files: dict[str, bytes], ext_json: str, appid: str) -> dict[str, bytes]:
    """The package with ext_json applied as WeChat does: `extAppid` and `ext` (what wx.getExtConfig reads)
    go into app.json, as do the app-level overrides (`window` merged, `tabBar`, `pages`, ...); `extPages`
    merges into each page's own .json. A page that is not in the package is an error (85045)."""
    if not ext_json:
        return files
    try:
        ext = json.loads(ext_json)
    except ValueError:
        raise fail(E_EXT_JSON_PARSE) from None
    if not isinstance(ext, dict):
        raise fail(E_EXT_JSON_PARSE, "ext_json is a JSON object")
    ext_appid = ext.get("extAppid")
    if ext_appid is not None and ext_appid != appid:
        raise fail(E_EXT_JSON, f"extAppid must be the authorizer's appid {appid}")
    try:
        app_json = json.loads(files.get("app.json", b"{}"))
    except ValueError:
        raise fail(E_COMPILE_FAILED, "the template's app.json is not JSON") from None
    if not isinstance(app_json, dict):
        raise fail(E_COMPILE_FAILED, "the template's app.json is not an object")
    out = dict(files)
    for key in EXT_APP_KEYS:
        if key not in ext:
            continue
        value = ext[key]
        if key == "window" and isinstance(value, dict) and isinstance(app_json.get("window"), dict):
            app_json["window"] = {**app_json["window"], **value}
        else:
            app_json[key] = value
    if isinstance(app_json.get("pages"), list):
        for page in app_json["pages"]:
            if not isinstance(page, str) or f"{page}.wxml" not in files:
                raise fail(E_EXT_JSON, f"page {str(page)[:100]!r} is not in the template")
    app_json["extAppid"] = appid
    if "ext" in ext:
        app_json["ext"] = ext["ext"]
    ext_pages = ext.get("extPages") or {}
    if not isinstance(ext_pages, dict):
        raise fail(E_EXT_JSON, "extPages is an object of page path → page config")
    for page, config in ext_pages.items():
        if f"{page}.wxml" not in files or not isinstance(config, dict):
            raise fail(E_EXT_JSON, f"extPages names {str(page)[:100]!r}, which is not a page of the template")
        try:
            own = json.loads(files.get(f"{page}.json", b"{}"))
        except ValueError:
            own = {}
        own = own if isinstance(own, dict) else {}
        out[f"{page}.json"] = json.dumps({**own, **config}, ensure_ascii=False).encode()
    out["app.json"] = json.dumps(app_json, ensure_ascii=False).encode()
    out["ext.json"] = json.dumps(ext, ensure_ascii=False).encode()
    return out


async def _template_source(ctx: Ctx, comp: Component, template_id: object) -> tuple[Template, dict[str, bytes]]:
    if isinstance(template_id, str) and template_id.isdigit():
        template_id = int(template_id)
    if not isinstance(template_id, int) or isinstance(template_id, bool):
        raise fail(E_TEMPLATE_NOT_FOUND)
    async with ctx.db.session() as s:
        found = (
            await s.execute(
                select(Template, Draft).join(Draft, Draft.id == Template.draft_id).where(Template.id == template_id)
            )
        ).first()
    if found is None or found[0].platform_id != comp.id or found[0].deleted:
        raise fail(E_TEMPLATE_NOT_FOUND)
    template, draft = found
    path = sources_dir(ctx) / f"{draft.source_sha256}.zip"
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise fail(
            E_TEMPLATE_NOT_FOUND, "the template's source is missing from storage; upload the draft again"
        ) from None
    files = await asyncio.to_thread(read_package_zip, data, ctx.settings.package_total_limit)
    return template, files


async def _free_version(ctx: Ctx, appid: str, wanted: str) -> str:
    # WeChat lets a platform commit the same user_version again (it replaces the code); packages keeps every
    # upload, so a repeated number gets a build suffix.
    if await packages.get_version(ctx, appid, wanted) is None:
        return wanted
    n = 2
    while await packages.get_version(ctx, appid, f"{wanted}+{n}") is not None:
        n += 1
    return f"{wanted}+{n}"


async def commit(
    ctx: Ctx,
    comp: Component,
    auth: AuthorizerInfo,
    template_id: object,
    ext_json: object,
    version: object,
    desc: object,
) -> str:
    """`wxa/commit`: build the template with the business's ext_json into a new version of its app, which
    becomes the trial version (what `get_qrcode` opens)."""
    if not isinstance(version, str) or not version:
        raise fail(E_INVALID_ARGS, "user_version is required")
    if ext_json is not None and not isinstance(ext_json, str):
        raise fail(E_EXT_JSON_PARSE, "ext_json is a string holding JSON")
    desc_text = desc if isinstance(desc, str) else ""
    acting = await _acting(ctx, auth)
    template, files = await _template_source(ctx, comp, template_id)
    files = merge_ext_json(files, ext_json or "", auth.appid)
    name = await _free_version(ctx, auth.appid, version.strip()[:56])
    result = await _wechat(packages.upload_package(ctx, auth.appid, acting, files, name, desc_text))
    await _wechat(packages.set_trial(ctx, auth.appid, acting, result.version.version))
    async with ctx.db.session() as s, s.begin():
        s.add(
            Commit(
                platform_id=comp.id,
                app_id=auth.app_id,
                appid=auth.appid,
                template_id=template.id,
                version=result.version.version,
                user_version=version[:64],
                user_desc=desc_text[:2000],
            )
        )
    return result.version.version


async def _latest_commit(ctx: Ctx, auth: AuthorizerInfo) -> Commit:
    async with ctx.db.session() as s:
        row = (
            await s.execute(
                select(Commit)
                .where(Commit.platform_id == auth.platform_id, Commit.app_id == auth.app_id)
                .order_by(Commit.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    if row is None:
        raise fail(E_NOT_COMMITTED)
    return row


async def page_list(ctx: Ctx, auth: AuthorizerInfo) -> list[str]:
    """`wxa/get_page`: the pages of the latest committed code, as its app.json lists them."""
    last = await _latest_commit(ctx, auth)
    version = await packages.get_version(ctx, auth.appid, last.version)
    if version is None:
        raise fail(E_NOT_COMMITTED)
    stored = await _wechat(packages.stored_file(ctx, version.manifest_hash))
    manifest = json.loads(await asyncio.to_thread(stored.path.read_bytes))
    app_config = manifest.get("app") if isinstance(manifest, dict) else None
    pages = app_config.get("pages") if isinstance(app_config, dict) else None
    return [str(p) for p in pages] if isinstance(pages, list) else []


async def category_list(ctx: Ctx, auth: AuthorizerInfo) -> list[dict[str, Any]]:
    """`wxa/get_category`: the app's category (Minihost has one level of categories)."""
    app = await apps.get_app(ctx, auth.appid)
    if app is None or not app.category:
        return []
    first_id = apps.CATEGORIES.index(app.category) + 1 if app.category in apps.CATEGORIES else 0
    return [{"first_class": app.category, "second_class": "", "first_id": first_id, "second_id": 0}]


# ------------------------------------------------------------------------------------------ QR code


def png_qr(text: str, scale: int = 8, border: int = 4) -> bytes:
    """A QR code as a greyscale PNG, written here so no imaging library is needed."""
    qr = qrcode.QRCode(border=border)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    rows = []
    for line in matrix:
        pixels = bytes(0 if dark else 255 for dark in line for _ in range(scale))
        rows.extend([b"\x00" + pixels] * scale)
    size = len(matrix) * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


async def trial_qrcode(ctx: Ctx, auth: AuthorizerInfo, path: str | None) -> bytes:
    """`wxa/get_qrcode`: a QR code opening the trial version (at `path` when given) in the host."""
    trial = await packages.trial_version(ctx, auth.appid)
    if trial is None:
        raise fail(E_NOT_COMMITTED)
    base = ctx.settings.base_url.rstrip("/")
    query = {"appid": auth.appid, "version": "trial"}
    if path:
        query["path"] = path.lstrip("/")[:512]
    url = f"{base}/?{urlencode(query)}"
    return await asyncio.to_thread(png_qr, url)


# --------------------------------------------------------------------------------- audit and release


async def submit_audit(ctx: Ctx, auth: AuthorizerInfo) -> int:
    """`wxa/submit_audit`: the latest commit goes to review; the auditid is the review's id. A version the
    automated checks refuse still gets an auditid, whose status is "rejected" with the findings as reason."""
    acting = await _acting(ctx, auth)
    last = await _latest_commit(ctx, auth)
    try:
        auditid = (await packages.submit_review(ctx, auth.appid, acting, last.version)).id
    except ApiError as exc:
        if exc.code != "checks_failed":
            code, msg = _PACKAGE_ERRORS.get(exc.code, E_INVALID_ARGS)
            raise fail((code, msg), exc.message) from None
        rejected = await packages.list_reviews(ctx, state="rejected", appid=auth.appid)
        match = next((r for r in rejected if r.version == last.version), None)
        if match is None:
            raise fail(E_INVALID_ARGS, exc.message) from None
        auditid = match.id
    async with ctx.db.session() as s, s.begin():
        row = await s.get(Commit, last.id)
        if row is not None:
            row.auditid, row.audit_pushed = auditid, False
    return auditid


async def push_audit_results(ctx: Ctx, limit: int = 100) -> int:
    """Tell platforms how their submissions were decided (`weapp_audit_success` / `weapp_audit_fail`, pushed
    to the message URL as WeChat does); returns how many were pushed. packages' reviews have no hook, so the
    worker looks at submissions still waiting every few seconds."""
    async with ctx.db.session() as s:
        waiting = (
            await s.execute(
                select(Commit.id, Commit.auditid)
                .where(Commit.auditid.is_not(None), Commit.audit_pushed.is_(False))
                .order_by(Commit.id)
                .limit(limit)
            )
        ).all()
    pushed = 0
    for commit_id, auditid in waiting:
        review: packages.ReviewInfo | None = None
        with contextlib.suppress(ApiError):
            review = await packages.get_review(ctx, auditid or 0)
        if review is not None and review.state == "pending":
            continue
        async with ctx.db.session() as s, s.begin():
            row = await s.get(Commit, commit_id, with_for_update=True)
            if row is None or row.audit_pushed:
                continue
            row.audit_pushed = True
            platform = await s.get(Platform, row.platform_id)
            if review is None or platform is None or review.state not in ("approved", "rejected"):
                continue  # withdrawn or gone: nothing to tell
            at = int((review.decided_at or review.created_at).timestamp())
            fields: dict[str, str | int] = {
                "ToUserName": row.appid,
                "FromUserName": platform.component_appid or "",
                "CreateTime": at,
                "MsgType": "event",
            }
            if review.state == "approved":
                fields.update({"Event": "weapp_audit_success", "SuccTime": at})
            else:
                fields.update({"Event": "weapp_audit_fail", "Reason": review.reason, "FailTime": at, "ScreenShot": ""})
            if messages.enqueue(s, platform, str(fields["Event"]), fields):
                pushed += 1
    return pushed


def _status(review: packages.ReviewInfo) -> dict[str, Any]:
    return {
        "auditid": review.id,
        "status": REVIEW_STATUS.get(review.state, 2),
        "reason": review.reason,
        "screenshot": "|".join(s.get("sha256", "") for s in review.screenshots if s.get("sha256")),
        "user_version": review.version,
        "submit_audit_time": int(review.created_at.timestamp()),
    }


async def audit_status(ctx: Ctx, auth: AuthorizerInfo, auditid: object) -> dict[str, Any]:
    if isinstance(auditid, str) and auditid.isdigit():
        auditid = int(auditid)
    if not isinstance(auditid, int) or isinstance(auditid, bool):
        raise fail(E_AUDITID_INVALID)
    try:
        review = await packages.get_review(ctx, auditid)
    except ApiError:
        raise fail(E_AUDITID_INVALID) from None
    if review.appid != auth.appid:
        raise fail(E_AUDITID_INVALID)
    return _status(review)


async def latest_audit_status(ctx: Ctx, auth: AuthorizerInfo) -> dict[str, Any]:
    reviews = await packages.list_reviews(ctx, state=None, appid=auth.appid)
    if not reviews:
        raise fail(E_AUDITID_INVALID, "nothing was submitted for audit")
    return _status(reviews[0])


async def undo_audit(ctx: Ctx, auth: AuthorizerInfo) -> None:
    await _wechat(packages.withdraw_review(ctx, auth.appid, await _acting(ctx, auth)))


async def release(ctx: Ctx, auth: AuthorizerInfo, grey_percent: int = 100) -> str:
    """`wxa/release` (everyone) and `wxa/grayrelease` (a share): the newest approved version."""
    if not 1 <= grey_percent <= 100:
        raise fail(E_GRAY_PERCENT)
    acting = await _acting(ctx, auth)
    version = await _wechat(packages.release(ctx, auth.appid, acting, None, grey_percent))
    return version.version


async def revert(ctx: Ctx, auth: AuthorizerInfo) -> str:
    """`wxa/revertcoderelease` (and `revertgrayrelease`): back to the previous full release."""
    version = await _wechat(packages.rollback(ctx, auth.appid, await _acting(ctx, auth)))
    return version.version


async def gray_plan(ctx: Ctx, auth: AuthorizerInfo) -> dict[str, Any]:
    live = await packages.live_state(ctx, auth.appid)
    grey = live.version is not None and live.grey_percent < 100
    return {"gray_release_plan": {"status": 1 if grey else 0, "gray_percentage": live.grey_percent if grey else 0}}


async def modify_domain(ctx: Ctx, auth: AuthorizerInfo, body: dict[str, Any]) -> dict[str, list[str]]:
    """`wxa/modify_domain`: action get / set / add / delete on the four server domain lists."""
    action = body.get("action")
    if action not in ("get", "set", "add", "delete"):
        raise fail(E_INVALID_ARGS, "action is one of get, set, add, delete")
    current = await apps.get_domains(ctx, auth.appid)
    if action != "get":
        lists: dict[str, list[str]] = {}
        for field, kind in DOMAIN_FIELDS.items():
            given = body.get(field)
            if given is None and action != "set":
                continue
            entries = given or []
            if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
                raise fail(E_DATA_FORMAT, f"{field} is a list of domains")
            if action == "set":
                lists[kind] = entries
            elif action == "add":
                lists[kind] = current.get(kind, []) + entries
            else:
                try:
                    drop = set(apps.normalise_entries(kind, entries)) if entries else set()
                except ApiError as exc:
                    raise fail(E_DOMAIN, exc.message) from None
                lists[kind] = [h for h in current.get(kind, []) if h not in drop]
        try:
            current = {**current, **await apps.set_domain_lists(ctx, auth.appid, lists)}
        except ApiError as exc:
            raise fail(E_DOMAIN, exc.message) from None
    return {field: current.get(kind, []) for field, kind in DOMAIN_FIELDS.items()}


async def commit_count(ctx: Ctx, comp: Component) -> int:
    async with ctx.db.session() as s:
        return int((await s.scalar(select(func.count()).where(Commit.platform_id == comp.id))) or 0)
