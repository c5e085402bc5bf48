"""HTTP for packages: immutable bundle files, and the developer API to upload and release versions."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from minihost.errors import ApiError
from minihost.packages import service
from minihost.packages.zipfiles import read_package_zip
from minihost.web.auth import CurrentUser
from minihost.web.deps import CtxDep

router = APIRouter(tags=["packages"])

IMMUTABLE = "public, max-age=31536000, immutable"


def _file_headers(digest: str) -> dict[str, str]:
    return {
        "Cache-Control": IMMUTABLE,
        # View frames are sandboxed with an opaque origin: their requests are cross-origin.
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{digest}"',
        # A stored SVG or HTML asset opened directly must not run scripts with the platform's origin.
        "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }


@router.api_route("/bundles/files/{digest}", methods=["GET", "HEAD"], response_model=None)
async def bundle_file(digest: str, request: Request, ctx: CtxDep) -> Response:
    """A compiled file by its SHA-256: never changes, so it is cached for a year."""
    found = await service.stored_file(ctx, digest)
    headers = _file_headers(digest)
    if request.headers.get("if-none-match", "").strip() in (f'"{digest}"', f'W/"{digest}"'):
        return Response(status_code=304, headers=headers)
    return FileResponse(found.path, media_type=found.content_type, headers=headers)


class UploadOut(BaseModel):
    version: dict[str, Any]
    warnings: list[str]


@router.post("/api/apps/{appid}/versions", status_code=201)
async def upload_version(
    appid: str,
    ctx: CtxDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="The package folder, zipped")],
    version: Annotated[str, Form(max_length=64)],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> UploadOut:
    """Upload a package zip as a new develop version (developers and admins of the app's organisation)."""
    data = await file.read(ctx.settings.max_upload_bytes + 1)
    if len(data) > ctx.settings.max_upload_bytes:
        raise ApiError(413, "body_too_large", f"The upload exceeds {ctx.settings.max_upload_bytes} bytes.")
    files = await asyncio.to_thread(read_package_zip, data, ctx.settings.package_total_limit)
    result = await service.upload_package(ctx, appid, user, files, version, description)
    return UploadOut(version=result.version.public(), warnings=result.warnings)


class VersionsOut(BaseModel):
    versions: list[dict[str, Any]]


@router.get("/api/apps/{appid}/versions")
async def list_versions(appid: str, ctx: CtxDep, user: CurrentUser) -> VersionsOut:
    """Every uploaded version, newest first (members of the app's organisation)."""
    await service.require_member(ctx, appid, user)
    return VersionsOut(versions=[v.public() for v in await service.list_versions(ctx, appid)])


class ReleaseIn(BaseModel):
    grey_percent: int = Field(default=100, ge=1, le=100)


class VersionOut(BaseModel):
    version: dict[str, Any]


@router.post("/api/apps/{appid}/versions/{version}/release")
async def release_version(
    appid: str, version: str, ctx: CtxDep, user: CurrentUser, body: ReleaseIn | None = None
) -> VersionOut:
    """Release an approved version to a grey share of users or to everyone (admins of the organisation)."""
    grey = body.grey_percent if body else 100
    return VersionOut(version=(await service.release(ctx, appid, user, version, grey)).public())


class AppReleaseIn(BaseModel):
    version: str | None = Field(default=None, max_length=64)
    grey_percent: int = Field(default=100, ge=1, le=100)


@router.post("/api/apps/{appid}/release")
async def release_app(appid: str, ctx: CtxDep, user: CurrentUser, body: AppReleaseIn | None = None) -> VersionOut:
    """Release the newest approved version (or `version`); a grey share only rises."""
    body = body or AppReleaseIn()
    return VersionOut(version=(await service.release(ctx, appid, user, body.version, body.grey_percent)).public())


@router.post("/api/apps/{appid}/rollback")
async def rollback(appid: str, ctx: CtxDep, user: CurrentUser) -> VersionOut:
    """Everyone gets the previous full release again."""
    return VersionOut(version=(await service.rollback(ctx, appid, user)).public())


@router.post("/api/apps/{appid}/versions/{version}/trial")
async def trial_version(appid: str, version: str, ctx: CtxDep, user: CurrentUser) -> VersionOut:
    """Make an uploaded version the trial version that testers can open."""
    return VersionOut(version=(await service.set_trial(ctx, appid, user, version)).public())


class ReviewOut(BaseModel):
    review: dict[str, Any]


@router.post("/api/apps/{appid}/versions/{version}/submit", status_code=201)
async def submit(appid: str, version: str, ctx: CtxDep, user: CurrentUser) -> ReviewOut:
    """Submit a version for audit: automated checks first (422 `checks_failed`), then the reviewers' queue."""
    review = await service.submit_review(ctx, appid, user, version)
    from minihost.packages import screenshots

    screenshots.schedule(ctx, review.id)
    return ReviewOut(review=review.public())


@router.post("/api/apps/{appid}/review/withdraw")
async def withdraw(appid: str, ctx: CtxDep, user: CurrentUser) -> ReviewOut:
    return ReviewOut(review=(await service.withdraw_review(ctx, appid, user)).public())


@router.get("/api/apps/{appid}/status")
async def status(appid: str, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    """Versions and their states, the trial version, the live release and grey share, the reviews."""
    return await service.app_status(ctx, appid, user)


@router.get("/api/reviews")
async def review_queue(
    ctx: CtxDep, user: CurrentUser, state: Annotated[str, Query(max_length=16)] = "pending"
) -> dict[str, Any]:
    """The reviewers' queue (operators only)."""
    service.require_operator(user)
    return {"reviews": [r.public() for r in await service.list_reviews(ctx, state=state or None)]}


class DecisionIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


@router.post("/api/reviews/{review_id}/approve")
async def approve(review_id: int, ctx: CtxDep, user: CurrentUser, body: DecisionIn | None = None) -> ReviewOut:
    reason = body.reason if body else ""
    return ReviewOut(review=(await service.decide_review(ctx, user, review_id, True, reason)).public())


@router.post("/api/reviews/{review_id}/reject")
async def reject(review_id: int, ctx: CtxDep, user: CurrentUser, body: DecisionIn | None = None) -> ReviewOut:
    reason = body.reason if body else ""
    return ReviewOut(review=(await service.decide_review(ctx, user, review_id, False, reason)).public())


@router.get("/host/api/apps/{appid}/update")
async def check_update(
    appid: str,
    ctx: CtxDep,
    user: CurrentUser,
    current: Annotated[str, Query(max_length=64)] = "",
    version: Annotated[Literal["release", "trial", "develop"], Query()] = "release",
) -> dict[str, Any]:
    """wx.getUpdateManager: has the version this user should see changed since `current` (a manifest hash)?"""
    return await service.update_for(ctx, appid, user.id, version, current)
