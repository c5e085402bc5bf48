"""The apps JSON API under /api/apps: register, list, update, reset the secret, the domain whitelist.

Who may do what: any member of the owning organisation may read; admins and developers may register apps,
change their settings and domains; only admins may reset the appsecret.
"""

from __future__ import annotations

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import FileResponse

from minihost.accounts import service as accounts
from minihost.apps import service
from minihost.apps.schemas import (
    Appid,
    AppIn,
    AppListOut,
    AppOut,
    AppPatch,
    AppWithSecretOut,
    CategoriesOut,
    DomainsIn,
    DomainsOut,
)
from minihost.errors import ApiError
from minihost.web.auth import CurrentUser, require_app_role, require_org_role
from minihost.web.deps import CtxDep

router = APIRouter(prefix="/api/apps", tags=["apps"])

EDITORS = ("admin", "developer")


def app_out(a: service.AppInfo) -> AppOut:
    return AppOut(
        appid=a.appid, org_id=a.org_id, name=a.name, icon_url=a.icon_url, category=a.category, description=a.description
    )


@router.get("/categories")
async def categories() -> CategoriesOut:
    """The fixed list of categories an app may choose from."""
    return CategoriesOut(categories=list(service.CATEGORIES))


@router.get("/icons/{filename}")
async def icon(filename: str, ctx: CtxDep) -> FileResponse:
    """An uploaded app icon (public: the host shows it); named by content hash, so cached for good."""
    path = service.icon_path(ctx, filename)
    if path is None:
        raise ApiError(404, "icon_not_found", "No such icon; upload it again from the console.")
    media_type = service.ICON_TYPES[filename.rsplit(".", 1)[1]]
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=media_type, headers=headers)


@router.post("", status_code=201)
async def register(body: AppIn, user: CurrentUser, ctx: CtxDep) -> AppWithSecretOut:
    """Register a mini program in an organisation; the appsecret is shown this once."""
    await require_org_role(ctx, user, body.org_id, *EDITORS)
    reg = await service.register_app(
        ctx, body.org_id, body.name, icon_url=body.icon_url, category=body.category, description=body.description
    )
    return AppWithSecretOut(app=app_out(reg.app), appsecret=reg.appsecret)


@router.get("")
async def list_apps(
    user: CurrentUser, ctx: CtxDep, org_id: int | None = Query(default=None, ge=1, le=2_147_483_647)
) -> AppListOut:
    """The apps of one organisation (`?org_id=`), or of every organisation the user belongs to."""
    if org_id is not None:
        await require_org_role(ctx, user, org_id)
        apps = await service.list_org_apps(ctx, org_id)
    else:
        orgs = await accounts.list_my_organisations(ctx, user.id)
        apps = await service.list_apps_in_orgs(ctx, [o.id for o in orgs])
    return AppListOut(apps=[app_out(a) for a in apps])


@router.get("/{appid}")
async def get(appid: Appid, user: CurrentUser, ctx: CtxDep) -> AppOut:
    return app_out(await require_app_role(ctx, user, appid))


@router.patch("/{appid}")
async def update(appid: Appid, body: AppPatch, user: CurrentUser, ctx: CtxDep) -> AppOut:
    """Change name, icon, category or description (admins and developers)."""
    await require_app_role(ctx, user, appid, *EDITORS)
    return app_out(
        await service.update_app(
            ctx, appid, name=body.name, icon_url=body.icon_url, category=body.category, description=body.description
        )
    )


@router.post("/{appid}/icon")
async def upload_icon(appid: Appid, user: CurrentUser, ctx: CtxDep, file: UploadFile = File(...)) -> AppOut:
    """Upload an icon (multipart field `file`; PNG, JPEG, GIF or WebP, at most 512 KB)."""
    await require_app_role(ctx, user, appid, *EDITORS)
    data = await file.read(service.MAX_ICON_BYTES + 1)
    return app_out(await service.save_icon(ctx, appid, data))


@router.post("/{appid}/secret")
async def reset_secret(appid: Appid, user: CurrentUser, ctx: CtxDep) -> AppWithSecretOut:
    """A new appsecret (admins only); the old one stops working at once. Shown this once."""
    await require_app_role(ctx, user, appid, "admin")
    reg = await service.reset_secret(ctx, appid)
    return AppWithSecretOut(app=app_out(reg.app), appsecret=reg.appsecret)


@router.get("/{appid}/domains")
async def get_domains(appid: Appid, user: CurrentUser, ctx: CtxDep) -> DomainsOut:
    await require_app_role(ctx, user, appid)
    return DomainsOut(**await service.get_domains(ctx, appid))


@router.put("/{appid}/domains")
async def set_domains(appid: Appid, body: DomainsIn, user: CurrentUser, ctx: CtxDep) -> DomainsOut:
    """Replace the lists given (https hosts, optional port; at most 20 per kind); answers the stored lists."""
    await require_app_role(ctx, user, appid, *EDITORS)
    given = body.model_dump(exclude_none=True)
    if not given:
        raise ApiError(400, "no_domains_given", "Send at least one of request, upload, download or socket.")
    await service.set_domain_lists(ctx, appid, given)
    return DomainsOut(**await service.get_domains(ctx, appid))
