"""The rules of packages: upload (compile, store, record), versions, releases, and which version a user gets."""

from __future__ import annotations

import asyncio
import hashlib
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
from minihost.packages.models import AppVersion, BundleFile, Release
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
    await asyncio.to_thread(bundle_store(ctx).put_many, bundle.files)
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
