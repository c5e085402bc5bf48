"""The console's versions page (states, uploads, review results, testers, release/grey/rollback) and the
operators' review console (queue, package view with screenshots, approve or reject)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from minihost.accounts import service as accounts
from minihost.console.routes import NOTICES, redirect, render, to_signin
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.packages import screenshots
from minihost.packages import service as packages
from minihost.web.auth import AuthUser, OptionalUser, require_app_role, require_org_role
from minihost.web.deps import CtxDep

router = APIRouter(prefix="/console", include_in_schema=False)
Text = Annotated[str, Form(max_length=20_000)]

NOTICES.update(
    {
        "trial": "Trial version set: members of the organisation can open it.",
        "submitted": "Submitted: the automated checks passed and the version waits for a reviewer.",
        "withdrawn": "Submission withdrawn.",
        "released": "Released.",
        "rolled_back": "Rolled back: everyone gets the previous release again.",
        "tester_added": "Tester added.",
        "tester_removed": "Tester removed.",
        "approved": "Approved: the developers can release it now.",
        "rejected": "Rejected: the developers see your reason.",
    }
)


def _safe(version: str) -> str:
    return version[:64]


async def _versions_page(
    request: Request, user: AuthUser, ctx: Ctx, appid: str, status: int = 200, **extra: Any
) -> Response:
    app = await require_app_role(ctx, user, appid)
    role = await require_org_role(ctx, user, app.org_id)
    data = await packages.app_status(ctx, appid, user)
    members = await accounts.list_members(ctx, app.org_id)
    uploaders = {m.user_id: m.username for m in members}
    by_version = {v.version: v.uploaded_by for v in await packages.list_versions(ctx, appid)}
    for v in data["versions"]:
        v["uploaded_by"] = uploaders.get(by_version.get(v["version"]) or 0, "—")
    return render(
        request,
        "versions.html",
        user,
        status,
        app=app,
        role=role,
        data=data,
        testers=[m for m in members if m.role == "tester"],
        can_upload=role in packages.UPLOAD_ROLES,
        can_release=role in packages.RELEASE_ROLES,
        **extra,
    )


async def _act(request: Request, user: AuthUser | None, ctx: Ctx, appid: str, done: str, action: Any) -> Response:
    """Run `action()`; its ApiError is shown on the versions page, success redirects with a notice."""
    if user is None:
        return to_signin(request)
    appid = appid[:40]
    try:
        await action()
    except ApiError as exc:
        if exc.status in (401, 403, 404) and exc.code in ("forbidden", "app_not_found"):
            return render(request, "error.html", user, exc.status, heading=exc.message)
        return await _versions_page(request, user, ctx, appid, exc.status, error=exc.message)
    return redirect(f"/console/apps/{appid}/versions?done={done}")


@router.get("/apps/{appid}/versions")
async def versions_page(request: Request, appid: str, user: OptionalUser, ctx: CtxDep) -> Response:
    if user is None:
        return to_signin(request)
    try:
        return await _versions_page(request, user, ctx, appid[:40])
    except ApiError as exc:
        return render(request, "error.html", user, exc.status, heading=exc.message)


@router.post("/apps/{appid}/versions/{version}/trial")
async def make_trial(request: Request, appid: str, version: str, user: OptionalUser, ctx: CtxDep) -> Response:
    async def action() -> None:
        assert user is not None
        await packages.set_trial(ctx, appid, user, _safe(version))

    return await _act(request, user, ctx, appid, "trial", action)


@router.post("/apps/{appid}/versions/{version}/submit")
async def submit(request: Request, appid: str, version: str, user: OptionalUser, ctx: CtxDep) -> Response:
    async def action() -> None:
        assert user is not None
        review = await packages.submit_review(ctx, appid, user, _safe(version))
        screenshots.schedule(ctx, review.id)

    return await _act(request, user, ctx, appid, "submitted", action)


@router.post("/apps/{appid}/withdraw")
async def withdraw(request: Request, appid: str, user: OptionalUser, ctx: CtxDep) -> Response:
    async def action() -> None:
        assert user is not None
        await packages.withdraw_review(ctx, appid, user)

    return await _act(request, user, ctx, appid, "withdrawn", action)


@router.post("/apps/{appid}/versions/{version}/release")
async def release(
    request: Request, appid: str, version: str, user: OptionalUser, ctx: CtxDep, grey_percent: Text = "100"
) -> Response:
    async def action() -> None:
        assert user is not None
        try:
            grey = int(grey_percent.strip().rstrip("%") or "100")
        except ValueError:
            raise ApiError(400, "invalid_grey_percent", "The grey share is a whole number from 1 to 100.") from None
        await packages.release(ctx, appid, user, _safe(version), grey)

    return await _act(request, user, ctx, appid, "released", action)


@router.post("/apps/{appid}/rollback")
async def rollback(request: Request, appid: str, user: OptionalUser, ctx: CtxDep) -> Response:
    async def action() -> None:
        assert user is not None
        await packages.rollback(ctx, appid, user)

    return await _act(request, user, ctx, appid, "rolled_back", action)


@router.post("/apps/{appid}/testers")
async def add_tester(request: Request, appid: str, user: OptionalUser, ctx: CtxDep, username: Text = "") -> Response:
    async def action() -> None:
        assert user is not None
        app = await require_app_role(ctx, user, appid[:40], "admin")
        await accounts.add_member(ctx, app.org_id, username.strip()[:64], "tester")

    return await _act(request, user, ctx, appid, "tester_added", action)


@router.post("/apps/{appid}/testers/{member_id}/remove")
async def remove_tester(request: Request, appid: str, member_id: int, user: OptionalUser, ctx: CtxDep) -> Response:
    async def action() -> None:
        assert user is not None
        app = await require_app_role(ctx, user, appid[:40], "admin")
        members = {m.user_id: m for m in await accounts.list_members(ctx, app.org_id)}
        member = members.get(member_id)
        if member is None or member.role != "tester":
            raise ApiError(404, "tester_not_found", "No such tester; reload the page.")
        await accounts.remove_member(ctx, app.org_id, member_id)

    return await _act(request, user, ctx, appid, "tester_removed", action)


# -- the operators' review console ---------------------------------------------------------------------------
def _operator(request: Request, user: AuthUser) -> Response | None:
    if not user.is_operator:
        return render(request, "error.html", user, 403, heading="Only the platform's operators review versions.")
    return None


@router.get("/reviews")
async def review_queue(request: Request, user: OptionalUser, ctx: CtxDep, state: str = "pending") -> Response:
    if user is None:
        return to_signin(request)
    if (refused := _operator(request, user)) is not None:
        return refused
    state = state if state in packages.REVIEW_STATES else "pending"
    reviews = await packages.list_reviews(ctx, state=state)
    from minihost.apps import service as apps

    names = {}
    for r in reviews:
        if r.appid not in names:
            found = await apps.get_app(ctx, r.appid)
            names[r.appid] = found.name if found else r.appid
    return render(
        request, "reviews.html", user, reviews=reviews, names=names, state=state, states=packages.REVIEW_STATES
    )


async def _review_page(
    request: Request, user: AuthUser, ctx: Ctx, review_id: int, status: int = 200, **extra: Any
) -> Response:
    from minihost.apps import service as apps

    review = await packages.get_review(ctx, review_id)
    store = packages.bundle_store(ctx)
    manifest = json.loads(await asyncio.to_thread(store.read, review.manifest_hash))
    app = await apps.get_app(ctx, review.appid)
    pages = list((manifest.get("app") or {}).get("pages") or [])
    return render(
        request,
        "review.html",
        user,
        status,
        review=review.public(),
        app=app,
        pages=pages,
        components=sorted((manifest.get("components") or {}).keys()),
        assets=sorted((manifest.get("assets") or {}).items()),
        page_entries=manifest.get("pages") or {},
        app_config=json.dumps(manifest.get("app") or {}, indent=2, ensure_ascii=False)[:20_000],
        **extra,
    )


@router.get("/reviews/{review_id}")
async def review_page(request: Request, review_id: int, user: OptionalUser, ctx: CtxDep) -> Response:
    if user is None:
        return to_signin(request)
    if (refused := _operator(request, user)) is not None:
        return refused
    try:
        return await _review_page(request, user, ctx, review_id)
    except ApiError as exc:
        return render(request, "error.html", user, exc.status, heading=exc.message)


async def _decide(
    request: Request, review_id: int, user: AuthUser | None, ctx: Ctx, approve: bool, reason: str
) -> Response:
    if user is None:
        return to_signin(request)
    if (refused := _operator(request, user)) is not None:
        return refused
    try:
        await packages.decide_review(ctx, user, review_id, approve, reason)
    except ApiError as exc:
        return await _review_page(request, user, ctx, review_id, exc.status, error=exc.message)
    return redirect(f"/console/reviews?done={'approved' if approve else 'rejected'}")


@router.post("/reviews/{review_id}/approve")
async def approve(request: Request, review_id: int, user: OptionalUser, ctx: CtxDep, reason: Text = "") -> Response:
    return await _decide(request, review_id, user, ctx, True, reason)


@router.post("/reviews/{review_id}/reject")
async def reject(request: Request, review_id: int, user: OptionalUser, ctx: CtxDep, reason: Text = "") -> Response:
    return await _decide(request, review_id, user, ctx, False, reason)
