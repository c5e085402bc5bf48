"""The rules of packages: upload (compile, store, record), versions, releases, and which version a user gets."""

from __future__ import annotations

import asyncio
import hashlib
import json
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.apps.service import AppInfo
from minihost.context import Ctx
from minihost.db import aware, utcnow
from minihost.errors import ApiError
from minihost.packages.compiler import CompiledBundle, CompileFailed, Limits, PackageSource, compile_package
from minihost.packages.models import AppVersion, BundleFile, Release, Review
from minihost.packages.review import Finding, check_bundle
from minihost.packages.storage import BundleStore

VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")
KINDS = ("develop", "trial", "release")
UPLOAD_ROLES = ("admin", "developer")
RELEASE_ROLES = ("admin",)
PREVIEW_ROLES = ("admin", "developer", "tester")
MAX_COMPILE_ERRORS_SHOWN = 50


class HasId(Protocol):
    @property
    def id(self) -> int: ...


@dataclass(frozen=True)
class VersionInfo:
    id: int
    appid: str
    version: str
    description: str
    state: str
    manifest_hash: str
    size: int
    uploaded_by: int | None
    created_at: datetime

    def public(self) -> dict[str, Any]:
        return {
            "appid": self.appid,
            "version": self.version,
            "description": self.description,
            "state": self.state,
            "manifest_hash": self.manifest_hash,
            "manifest_url": f"/bundles/files/{self.manifest_hash}",
            "size": self.size,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class UploadResult:
    version: VersionInfo
    warnings: list[str]


def _info(row: AppVersion, appid: str) -> VersionInfo:
    return VersionInfo(
        row.id,
        appid,
        row.version,
        row.description,
        row.state,
        row.manifest_hash,
        row.size,
        row.uploaded_by,
        aware(row.created_at),
    )


def bundle_store(ctx: Ctx) -> BundleStore:
    """Where compiled files live: a folder of the data directory (any shared filesystem scales it out)."""
    return BundleStore(ctx.settings.data_dir / "bundles")


def limits(ctx: Ctx) -> Limits:
    s = ctx.settings
    return Limits(
        main_package_bytes=s.package_main_limit, subpackage_bytes=s.package_sub_limit, total_bytes=s.package_total_limit
    )


async def _app_for(ctx: Ctx, appid: str) -> AppInfo:
    app = await apps.get_app(ctx, appid)
    if app is None:
        raise ApiError(404, "app_not_found", f"No mini program with appid {appid[:40]!r}; check the appid.")
    return app


async def _require_role(ctx: Ctx, user_id: int, app: AppInfo, roles: tuple[str, ...], doing: str) -> str:
    role = await accounts.role_in(ctx, user_id, app.org_id)
    if role is None or role not in roles:
        have = f"Your role is {role}" if role else "You are not a member of the organisation that owns it"
        raise ApiError(
            403,
            "forbidden",
            f"{have}; to {doing} {app.name!r} you need to be {' or '.join(roles)}. Ask an admin of the organisation.",
        )
    return role


# -- content types of stored files ------------------------------------------------------------------------
_TEXT = "; charset=utf-8"


def content_types(bundle: CompiledBundle) -> dict[str, str]:
    """Every file of a bundle and its Content-Type, from the role the manifest gives it."""
    m = bundle.manifest
    types: dict[str, str] = {bundle.manifest_hash: "application/json" + _TEXT}

    def mark(digest: Any, ctype: str) -> None:
        if isinstance(digest, str) and digest in bundle.files:
            types.setdefault(digest, ctype)

    mark(m.get("appCss"), "text/css" + _TEXT)
    mark(m.get("logic"), "text/javascript" + _TEXT)
    mark(m.get("wxs"), "text/javascript" + _TEXT)
    for section in ("pages", "components"):
        for entry in (m.get(section) or {}).values():
            if isinstance(entry, dict):
                mark(entry.get("template"), "application/json" + _TEXT)
                mark(entry.get("css"), "text/css" + _TEXT)
    for path, digest in (m.get("assets") or {}).items():
        mark(digest, asset_type(str(path)))
    for digest, data in bundle.files.items():
        types.setdefault(digest, sniff(data))
    return types


def asset_type(path: str) -> str:
    guessed, _ = mimetypes.guess_type(path)
    if path.endswith(".svg"):
        guessed = "image/svg+xml"
    if guessed is None:
        return "application/octet-stream"
    return guessed + _TEXT if guessed.startswith("text/") else guessed


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(data: bytes) -> str:
    for magic, ctype in _MAGIC:
        if data.startswith(magic):
            return ctype
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:1] in (b"{", b"["):
        return "application/json" + _TEXT
    return "application/octet-stream"


# -- upload ------------------------------------------------------------------------------------------------
def _check_version(version: str) -> str:
    version = version.strip()
    if not VERSION_RE.fullmatch(version):
        raise ApiError(
            400,
            "invalid_version",
            "A version is 1 to 64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit "
            "(for example 1.0.3).",
        )
    return version


def _compile(source: Mapping[str, bytes] | Path, lim: Limits) -> tuple[CompiledBundle, int]:
    pkg = PackageSource.from_directory(source) if isinstance(source, Path) else PackageSource.from_files(source)
    return compile_package(pkg, lim), sum(len(d) for d in pkg.files.values())


def _compile_failed(exc: CompileFailed) -> ApiError:
    shown = [str(e) for e in exc.errors[:MAX_COMPILE_ERRORS_SHOWN]]
    more = len(exc.errors) - len(shown)
    tail = f"\n… and {more} more" if more > 0 else ""
    err = ApiError(
        400,
        "compile_failed",
        f"The package does not compile ({len(exc.errors)} error(s)); fix these and upload again:\n"
        + "\n".join(shown)
        + tail,
    )
    return err


async def upload_package(
    ctx: Ctx,
    appid: str,
    user: HasId,
    files_or_dir: Mapping[str, bytes] | Path,
    version: str,
    desc: str = "",
) -> UploadResult:
    """Compile a package and record it as a develop version of the app: every file is stored before the
    version row exists, so a version never points at a missing file (all or nothing)."""
    version = _check_version(version)
    desc = desc.strip()
    if len(desc) > 2000:
        raise ApiError(400, "invalid_description", "A version description is at most 2000 characters.")
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, UPLOAD_ROLES, "upload versions of")
    async with ctx.db.session() as s:
        taken = (
            await s.execute(select(AppVersion.id).where(AppVersion.app_id == app.id, AppVersion.version == version))
        ).first()
    if taken:
        raise _version_exists(app, version)
    try:
        bundle, source_size = await asyncio.to_thread(_compile, files_or_dir, limits(ctx))
    except CompileFailed as exc:
        raise _compile_failed(exc) from None
    except (ValueError, FileNotFoundError) as exc:
        raise ApiError(400, "invalid_package", f"The package cannot be read: {exc}") from None
    types = content_types(bundle)
    store = bundle_store(ctx)
    # Files this upload adds to the store: removed again if the upload does not finish, so a failed or
    # interrupted upload leaves nothing behind (files other versions share are never touched).
    fresh = [h for h in bundle.files if not store.exists(h)]
    try:
        await asyncio.to_thread(store.put_many, bundle.files)
        return await _record_version(ctx, app, user, bundle, types, version, desc, source_size)
    except BaseException:
        await _forget_files(ctx, fresh)
        raise


async def _forget_files(ctx: Ctx, digests: list[str]) -> None:
    if not digests:
        return
    try:
        async with ctx.db.session() as s:
            kept = set((await s.execute(select(BundleFile.sha256).where(BundleFile.sha256.in_(digests)))).scalars())
    except Exception:  # the database is what failed: keep the files rather than risk removing used ones
        return
    store = bundle_store(ctx)
    for digest in digests:
        if digest not in kept:
            store.path(digest).unlink(missing_ok=True)


async def record_files(ctx: Ctx, types: Mapping[str, str], sizes: Mapping[str, int]) -> None:
    """Record stored files (content type and size) so /bundles/files/ serves them."""
    rows = [{"sha256": h, "content_type": types[h], "size": sizes[h], "created_at": utcnow()} for h in types]
    if not rows:
        return
    async with ctx.db.session() as s, s.begin():
        ins = sqlite_insert if ctx.db.url.startswith("sqlite") else pg_insert
        await s.execute(ins(BundleFile).values(rows).on_conflict_do_nothing(index_elements=["sha256"]))


async def _record_version(
    ctx: Ctx,
    app: AppInfo,
    user: HasId,
    bundle: CompiledBundle,
    types: dict[str, str],
    version: str,
    desc: str,
    source_size: int,
) -> UploadResult:
    size = sum(len(d) for d in bundle.files.values())
    async with ctx.db.session() as s, s.begin():
        rows = [
            {"sha256": h, "content_type": types[h], "size": len(d), "created_at": utcnow()}
            for h, d in bundle.files.items()
        ]
        ins = sqlite_insert if ctx.db.url.startswith("sqlite") else pg_insert
        if rows:
            await s.execute(ins(BundleFile).values(rows).on_conflict_do_nothing(index_elements=["sha256"]))
        row = AppVersion(
            app_id=app.id,
            appid=app.appid,
            version=version,
            description=desc,
            state="develop",
            manifest_hash=bundle.manifest_hash,
            size=size,
            source_size=source_size,
            uploaded_by=user.id,
        )
        s.add(row)
        try:
            await s.flush()
        except IntegrityError:
            raise _version_exists(app, version) from None
        info = _info(row, app.appid)
    return UploadResult(info, [str(w) for w in bundle.warnings])


def _version_exists(app: AppInfo, version: str) -> ApiError:
    return ApiError(
        409,
        "version_exists",
        f"{app.name!r} already has a version {version!r}; upload with a new version number.",
    )


# -- versions and releases ----------------------------------------------------------------------------------
async def get_version(ctx: Ctx, appid: str, version: str) -> VersionInfo | None:
    app = await apps.get_app(ctx, appid)
    if app is None:
        return None
    async with ctx.db.session() as s:
        row = (
            await s.execute(select(AppVersion).where(AppVersion.app_id == app.id, AppVersion.version == version))
        ).scalar_one_or_none()
        return _info(row, appid) if row else None


async def list_versions(ctx: Ctx, appid: str) -> list[VersionInfo]:
    app = await _app_for(ctx, appid)
    async with ctx.db.session() as s:
        rows = (
            await s.execute(
                select(AppVersion).where(AppVersion.app_id == app.id).order_by(AppVersion.id.desc()).limit(200)
            )
        ).scalars()
        return [_info(r, appid) for r in rows]


async def release_version(ctx: Ctx, appid: str, user: HasId, version: str, grey_percent: int = 100) -> VersionInfo:
    """Make an uploaded version the live release (review comes with issue 6; grey is recorded already)."""
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, RELEASE_ROLES, "release")
    if not 1 <= grey_percent <= 100:
        raise ApiError(400, "invalid_grey_percent", "grey_percent is a share of users from 1 to 100.")
    async with ctx.db.session() as s, s.begin():
        row = (
            await s.execute(select(AppVersion).where(AppVersion.app_id == app.id, AppVersion.version == version))
        ).scalar_one_or_none()
        if row is None:
            raise ApiError(
                404,
                "version_not_found",
                f"{app.name!r} has no version {version[:64]!r}; upload it first (GET the versions list to see them).",
            )
        row.state = "release"
        s.add(
            Release(
                app_id=app.id,
                appid=app.appid,
                version_id=row.id,
                grey_percent=grey_percent,
                kind="release" if grey_percent == 100 else "grey",
                released_by=user.id,
            )
        )
        await s.flush()
        return _info(row, appid)


async def set_trial(ctx: Ctx, appid: str, user: HasId, version: str) -> VersionInfo:
    """Make a version the trial version, which testers of the organisation can open."""
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, UPLOAD_ROLES, "choose the trial version of")
    async with ctx.db.session() as s, s.begin():
        row = (
            await s.execute(select(AppVersion).where(AppVersion.app_id == app.id, AppVersion.version == version))
        ).scalar_one_or_none()
        if row is None:
            raise ApiError(404, "version_not_found", f"{app.name!r} has no version {version[:64]!r}; upload it first.")
        if row.state == "develop":
            row.state = "trial"
        s.add(
            Release(
                app_id=app.id, appid=app.appid, version_id=row.id, grey_percent=0, kind="trial", released_by=user.id
            )
        )
        return _info(row, appid)


def grey_bucket(appid: str, user_id: int) -> int:
    """A stable 0-99 bucket per (app, user): a grey release at N% reaches buckets below N."""
    return int.from_bytes(hashlib.sha256(f"{appid}:{user_id}".encode()).digest()[:4], "big") % 100


async def _live_release(ctx: Ctx, app: AppInfo, user_id: int | None) -> AppVersion | None:
    async with ctx.db.session() as s:
        rows = (
            await s.execute(
                select(Release, AppVersion)
                .join(AppVersion, AppVersion.id == Release.version_id)
                .where(Release.app_id == app.id, Release.kind.in_(("release", "grey", "rollback")))
                .order_by(Release.id.desc())
                .limit(20)
            )
        ).all()
    bucket = grey_bucket(app.appid, user_id) if user_id is not None else 100
    for release, version in rows:
        if release.grey_percent >= 100 or bucket < release.grey_percent:
            return version
    return None


async def version_for_user(ctx: Ctx, appid: str, user_id: int | None, kind: str = "release") -> VersionInfo | None:
    """The version of `kind` this user opens, or None when the app has none; 403 when a develop or trial
    version is asked for by someone outside the organisation."""
    if kind not in KINDS:
        raise ApiError(400, "invalid_version_kind", f"version is one of {', '.join(KINDS)}, not {kind[:20]!r}.")
    app = await _app_for(ctx, appid)
    if kind == "release":
        row = await _live_release(ctx, app, user_id)
        return _info(row, appid) if row else None
    if user_id is None:
        raise ApiError(401, "not_signed_in", "Sign in to open develop and trial versions.")
    roles = PREVIEW_ROLES if kind == "trial" else UPLOAD_ROLES
    await _require_role(ctx, user_id, app, roles, f"open the {kind} version of")
    async with ctx.db.session() as s:
        if kind == "trial":
            found = (
                await s.execute(
                    select(AppVersion)
                    .join(Release, Release.version_id == AppVersion.id)
                    .where(Release.app_id == app.id, Release.kind == "trial")
                    .order_by(Release.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        else:
            # A developer's own newest upload, as in WeChat; else the newest upload of anyone.
            found = (
                await s.execute(
                    select(AppVersion)
                    .where(AppVersion.app_id == app.id)
                    .order_by((AppVersion.uploaded_by == user_id).desc(), AppVersion.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        return _info(found, appid) if found else None


async def released_appids(ctx: Ctx) -> list[str]:
    """Every app that has a release: what the host lists to everyone."""
    async with ctx.db.session() as s:
        return sorted((await s.execute(select(Release.appid).where(Release.kind != "trial").distinct())).scalars())


async def appids_with_versions(ctx: Ctx) -> list[str]:
    """Every app with any uploaded version (develop included)."""
    async with ctx.db.session() as s:
        return sorted((await s.execute(select(AppVersion.appid).distinct())).scalars())


async def version_count(ctx: Ctx, appid: str) -> int:
    app = await _app_for(ctx, appid)
    async with ctx.db.session() as s:
        return int((await s.scalar(select(func.count()).where(AppVersion.app_id == app.id))) or 0)


# -- serving files -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredFile:
    path: Path
    content_type: str
    size: int


async def stored_file(ctx: Ctx, digest: str) -> StoredFile:
    """A stored output file to serve; 404 `file_not_found` when no version recorded it."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ApiError(404, "file_not_found", "Bundle files are named by the SHA-256 hex of their bytes.")
    async with ctx.db.session() as s:
        row = await s.get(BundleFile, digest)
    if row is None:
        raise ApiError(404, "file_not_found", f"No bundle file {digest}; it belongs to no uploaded version.")
    try:
        path = bundle_store(ctx).open(digest)
    except FileNotFoundError:
        raise ApiError(
            404,
            "file_not_found",
            f"Bundle file {digest} is recorded but missing from storage; upload the version again.",
        ) from None
    return StoredFile(path, row.content_type, row.size)


async def require_member(ctx: Ctx, appid: str, user: HasId) -> AppInfo:
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, PREVIEW_ROLES, "see the versions of")
    return app


# -- review, release, grey, rollback (the user-facing life of a version) -------------------------------------
REVIEW_STATES = ("pending", "approved", "rejected", "withdrawn")
LIVE_KINDS = ("release", "grey", "rollback")


@dataclass(frozen=True)
class ReviewInfo:
    id: int
    appid: str
    version: str
    version_id: int
    manifest_hash: str
    state: str
    checks: list[dict[str, Any]]
    screenshots: list[dict[str, Any]]
    reason: str
    submitted_by: int | None
    reviewer_id: int | None
    created_at: datetime
    decided_at: datetime | None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "appid": self.appid,
            "version": self.version,
            "state": self.state,
            "checks": self.checks,
            "screenshots": [
                {**s, "url": f"/bundles/files/{s['sha256']}"} if s.get("sha256") else s for s in self.screenshots
            ],
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


def _review_info(row: Review, version: AppVersion) -> ReviewInfo:
    return ReviewInfo(
        row.id,
        row.appid,
        version.version,
        version.id,
        version.manifest_hash,
        row.state,
        json.loads(row.checks or "[]"),
        json.loads(row.screenshots or "[]"),
        row.reason,
        row.submitted_by,
        row.reviewer_id,
        aware(row.created_at),
        aware(row.decided_at) if row.decided_at else None,
    )


async def _version_row(s: Any, app: AppInfo, version: str) -> AppVersion:
    row = (
        await s.execute(select(AppVersion).where(AppVersion.app_id == app.id, AppVersion.version == version))
    ).scalar_one_or_none()
    if row is None:
        raise ApiError(
            404,
            "version_not_found",
            f"{app.name!r} has no version {version[:64]!r}; upload it first (`minihost status` lists the versions).",
        )
    assert isinstance(row, AppVersion)
    return row


def automated_checks(ctx: Ctx, manifest_hash: str) -> list[Finding]:
    """The automated review of a stored version (sync: reads files; call through asyncio.to_thread)."""
    store = bundle_store(ctx)
    manifest = json.loads(store.read(manifest_hash))
    return check_bundle(manifest, store.read, ctx.settings.review_forbidden_words)


async def submit_review(ctx: Ctx, appid: str, user: HasId, version: str) -> ReviewInfo:
    """Submit a version for audit. Automated checks run first: a version with errors is refused (422
    `checks_failed`, the findings recorded as a rejected review) and never reaches a human. One version of
    an app is in audit at a time."""
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, UPLOAD_ROLES, "submit versions of")
    async with ctx.db.session() as s:
        row = await _version_row(s, app, version)
        pending = (
            await s.execute(
                select(AppVersion.version)
                .join(Review, Review.version_id == AppVersion.id)
                .where(Review.app_id == app.id, Review.state == "pending")
            )
        ).scalar_one_or_none()
    if pending is not None:
        raise ApiError(
            409,
            "audit_in_progress",
            f"Version {pending!r} of {app.name!r} is already in audit; wait for the result "
            "(`minihost status`) or withdraw it before submitting another.",
        )
    findings = await asyncio.to_thread(automated_checks, ctx, row.manifest_hash)
    errors = [f for f in findings if f.level == "error"]
    async with ctx.db.session() as s, s.begin():
        row = await _version_row(s, app, version)
        review = Review(
            app_id=app.id,
            appid=app.appid,
            version_id=row.id,
            state="rejected" if errors else "pending",
            checks=json.dumps([f.public() for f in findings], ensure_ascii=False),
            reason="The automated checks found errors." if errors else "",
            submitted_by=user.id,
            decided_at=utcnow() if errors else None,
        )
        s.add(review)
        if not errors:
            row.state = "audit" if row.state in ("develop", "trial") else row.state
        try:
            await s.flush()
        except IntegrityError:
            raise ApiError(409, "audit_in_progress", "Another version was submitted at the same moment.") from None
        info = _review_info(review, row)
    if errors:
        raise ApiError(
            422,
            "checks_failed",
            f"Version {version!r} was not submitted: the automated checks found {len(errors)} error(s); "
            "fix them, upload a new version and submit it:\n" + "\n".join(str(f) for f in errors[:50]),
        )
    return info


async def withdraw_review(ctx: Ctx, appid: str, user: HasId) -> ReviewInfo:
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, UPLOAD_ROLES, "withdraw a submission of")
    async with ctx.db.session() as s, s.begin():
        found = (
            await s.execute(
                select(Review, AppVersion)
                .join(AppVersion, AppVersion.id == Review.version_id)
                .where(Review.app_id == app.id, Review.state == "pending")
            )
        ).first()
        if found is None:
            raise ApiError(409, "nothing_in_audit", f"No version of {app.name!r} is in audit.")
        review, version = found
        review.state = "withdrawn"
        review.decided_at = utcnow()
        return _review_info(review, version)


async def list_reviews(ctx: Ctx, *, state: str | None = "pending", appid: str | None = None) -> list[ReviewInfo]:
    """Reviews, oldest pending first for the queue; newest first otherwise."""
    query = select(Review, AppVersion).join(AppVersion, AppVersion.id == Review.version_id)
    if state:
        query = query.where(Review.state == state)
    if appid:
        query = query.where(Review.appid == appid)
    query = query.order_by(Review.id.asc() if state == "pending" else Review.id.desc()).limit(200)
    async with ctx.db.session() as s:
        return [_review_info(r, v) for r, v in (await s.execute(query)).all()]


async def get_review(ctx: Ctx, review_id: int) -> ReviewInfo:
    async with ctx.db.session() as s:
        found = (
            await s.execute(
                select(Review, AppVersion)
                .join(AppVersion, AppVersion.id == Review.version_id)
                .where(Review.id == review_id)
            )
        ).first()
    if found is None:
        raise ApiError(404, "review_not_found", f"No review {review_id}; go back to the queue.")
    return _review_info(*found)


def require_operator(user: Any) -> None:
    if not getattr(user, "is_operator", False):
        raise ApiError(403, "forbidden", "Only the platform's operators review versions.")


async def decide_review(ctx: Ctx, reviewer: Any, review_id: int, approve: bool, reason: str = "") -> ReviewInfo:
    """An operator approves or rejects a pending review (a rejection needs a reason the developer reads)."""
    require_operator(reviewer)
    reason = reason.strip()
    if not approve and not reason:
        raise ApiError(400, "reason_required", "Say why the version is rejected: the developer reads it to fix it.")
    if len(reason) > 2000:
        raise ApiError(400, "reason_too_long", "A reason is at most 2000 characters.")
    async with ctx.db.session() as s, s.begin():
        found = (
            await s.execute(
                select(Review, AppVersion)
                .join(AppVersion, AppVersion.id == Review.version_id)
                .where(Review.id == review_id)
                .with_for_update()
            )
        ).first()
        if found is None:
            raise ApiError(404, "review_not_found", f"No review {review_id}; go back to the queue.")
        review, version = found
        if review.state != "pending":
            raise ApiError(409, "review_decided", f"This review is already {review.state}.")
        review.state = "approved" if approve else "rejected"
        review.reason = reason
        review.reviewer_id = reviewer.id
        review.decided_at = utcnow()
        if not approve and version.state == "audit":
            version.state = "trial" if await _is_trial(s, version) else "develop"
        return _review_info(review, version)


async def set_screenshots(ctx: Ctx, review_id: int, shots: list[dict[str, Any]]) -> None:
    async with ctx.db.session() as s, s.begin():
        row = await s.get(Review, review_id)
        if row is not None:
            row.screenshots = json.dumps(shots, ensure_ascii=False)


async def _is_trial(s: Any, version: AppVersion) -> bool:
    latest = (
        await s.execute(
            select(Release.version_id)
            .where(Release.app_id == version.app_id, Release.kind == "trial")
            .order_by(Release.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return bool(latest == version.id)


@dataclass(frozen=True)
class LiveState:
    version: str | None
    grey_percent: int
    previous: str | None
    """The fully released version before this one: what a rollback returns to."""


async def _live_rows(s: Any, app_id: int) -> list[tuple[Release, AppVersion]]:
    return list(
        (
            await s.execute(
                select(Release, AppVersion)
                .join(AppVersion, AppVersion.id == Release.version_id)
                .where(Release.app_id == app_id, Release.kind.in_(LIVE_KINDS))
                .order_by(Release.id.desc())
                .limit(50)
            )
        ).all()
    )


def _live_state(rows: list[tuple[Release, AppVersion]]) -> LiveState:
    if not rows:
        return LiveState(None, 0, None)
    current, version = rows[0]
    previous = next((v.version for r, v in rows[1:] if r.grey_percent >= 100 and v.id != version.id), None)
    return LiveState(version.version, current.grey_percent, previous)


async def live_state(ctx: Ctx, appid: str) -> LiveState:
    app = await _app_for(ctx, appid)
    async with ctx.db.session() as s:
        return _live_state(await _live_rows(s, app.id))


async def release(
    ctx: Ctx, appid: str, user: HasId, version: str | None = None, grey_percent: int = 100
) -> VersionInfo:
    """Release an approved version to `grey_percent` of users (100: everyone). A grey share only rises;
    `rollback` is the way back. Without `version`: the newest approved one."""
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, RELEASE_ROLES, "release")
    if not 1 <= grey_percent <= 100:
        raise ApiError(400, "invalid_grey_percent", "--grey is a share of users from 1 to 100.")
    async with ctx.db.session() as s, s.begin():
        if version is None:
            approved = (
                await s.execute(
                    select(AppVersion)
                    .join(Review, Review.version_id == AppVersion.id)
                    .where(Review.app_id == app.id, Review.state == "approved")
                    .order_by(Review.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
            if approved is None:
                raise ApiError(
                    409,
                    "not_approved",
                    f"{app.name!r} has no approved version; submit one for audit first (`minihost submit`).",
                )
            row: AppVersion = approved
        else:
            row = await _version_row(s, app, version)
            ok = (
                await s.execute(
                    select(Review.id).where(Review.version_id == row.id, Review.state == "approved").limit(1)
                )
            ).first()
            if ok is None:
                raise ApiError(
                    409,
                    "not_approved",
                    f"Version {row.version!r} has not passed review; submit it (`minihost submit`) and wait for "
                    "approval before releasing.",
                )
        rows = await _live_rows(s, app.id)
        if rows:
            current, current_version = rows[0]
            if current_version.id == row.id:
                if current.grey_percent >= 100:
                    raise ApiError(409, "already_released", f"Version {row.version!r} is already released to everyone.")
                if grey_percent < current.grey_percent:
                    raise ApiError(
                        409,
                        "grey_cannot_shrink",
                        f"Version {row.version!r} already reaches {current.grey_percent}% of users; a grey share only "
                        "rises. Release to a larger share, or roll back (`minihost rollback`).",
                    )
            elif current.grey_percent < 100:
                raise ApiError(
                    409,
                    "grey_in_progress",
                    f"Version {current_version.version!r} is in a grey release at {current.grey_percent}%; release "
                    "it fully or roll it back before releasing another version.",
                )
            elif row.id < current_version.id and any(v.id == row.id for _, v in rows):
                # An older release comes back only through rollback, which keeps the history clear.
                raise ApiError(
                    409,
                    "older_version",
                    f"Version {row.version!r} is older than the live {current_version.version!r}; use "
                    "`minihost rollback` to go back.",
                )
        row.state = "release"
        s.add(
            Release(
                app_id=app.id,
                appid=app.appid,
                version_id=row.id,
                grey_percent=grey_percent,
                kind="release" if grey_percent == 100 else "grey",
                released_by=user.id,
            )
        )
        await s.flush()
        return _info(row, appid)


async def rollback(ctx: Ctx, appid: str, user: HasId) -> VersionInfo:
    """Everyone gets the previous full release again (a grey release in progress ends too)."""
    app = await _app_for(ctx, appid)
    await _require_role(ctx, user.id, app, RELEASE_ROLES, "roll back")
    async with ctx.db.session() as s, s.begin():
        rows = await _live_rows(s, app.id)
        state = _live_state(rows)
        target = next((v for r, v in rows[1:] if r.grey_percent >= 100 and v.version == state.previous), None)
        if target is None:
            raise ApiError(
                409,
                "nothing_to_roll_back",
                f"{app.name!r} has no earlier release to return to.",
            )
        s.add(
            Release(
                app_id=app.id,
                appid=app.appid,
                version_id=target.id,
                grey_percent=100,
                kind="rollback",
                released_by=user.id,
            )
        )
        await s.flush()
        return _info(target, appid)


async def trial_version(ctx: Ctx, appid: str) -> VersionInfo | None:
    app = await _app_for(ctx, appid)
    async with ctx.db.session() as s:
        found = (
            await s.execute(
                select(AppVersion)
                .join(Release, Release.version_id == AppVersion.id)
                .where(Release.app_id == app.id, Release.kind == "trial")
                .order_by(Release.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    return _info(found, appid) if found else None


async def app_status(ctx: Ctx, appid: str, user: HasId) -> dict[str, Any]:
    """Everything a developer asks `minihost status`: versions with their states, the trial version, the
    live release (and grey share), what a rollback returns to, the reviews."""
    await require_member(ctx, appid, user)
    versions = await list_versions(ctx, appid)
    reviews = await list_reviews(ctx, state=None, appid=appid)
    live = await live_state(ctx, appid)
    trial = await trial_version(ctx, appid)
    latest_review: dict[int, ReviewInfo] = {}
    for r in reviews:
        latest_review.setdefault(r.version_id, r)
    out_versions = []
    for v in versions:
        d = v.public()
        last = latest_review.get(v.id)
        d["review"] = {"state": last.state, "reason": last.reason, "id": last.id} if last else None
        d["trial"] = trial is not None and trial.id == v.id
        d["live"] = live.version == v.version
        out_versions.append(d)
    return {
        "appid": appid,
        "versions": out_versions,
        "trial": trial.version if trial else None,
        "release": {"version": live.version, "grey_percent": live.grey_percent, "previous": live.previous},
        "reviews": [r.public() for r in reviews[:20]],
    }


async def update_for(ctx: Ctx, appid: str, user_id: int, kind: str, current: str) -> dict[str, Any]:
    """What wx.getUpdateManager asks: is the version this user should now see another than `current`?"""
    version = await version_for_user(ctx, appid, user_id, kind)
    if version is None:
        return {"hasUpdate": False}
    has = bool(current) and version.manifest_hash != current
    return {"hasUpdate": has, "version": version.version, "manifest_hash": version.manifest_hash}
