"""HTTP of the host super app: its page, the runtime's static files, and the host API (HOST_API.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from minihost.errors import ApiError
from minihost.host import service
from minihost.web.auth import CurrentUser, OptionalUser
from minihost.web.deps import CtxDep

router = APIRouter(tags=["host"])

HERE = Path(__file__).resolve().parent
RUNTIME_STATIC = HERE.parent / "runtime" / "static"
HOST_STATIC = HERE / "static"
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
)

# The host page: only our own scripts; frames and workers from our origin (view frames are sandboxed
# and opaque, the worker has its own CSP, served with its script).
HOST_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; font-src 'self' data:; media-src 'self' blob: https:; "
    "connect-src 'self'; worker-src 'self'; frame-src 'self' blob:; child-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The logic worker: scripts from our origin only (runtime modules and the package's logic script), and no
# network at all: every wx.request goes through the host bridge.
# The host hands the logic script over as a blob: URL of its own origin.
WORKER_CSP = "default-src 'none'; script-src 'self' blob:; connect-src 'none'; worker-src 'none'"


def _view_csp(origin: str) -> str:
    # A view frame runs in an opaque origin, so 'self' would match nothing useful: name the origin. No
    # 'unsafe-eval' and no inline scripts (WXS arrives as a blob: script); inline styles are how templates'
    # style="..." and the page's compiled CSS (handed over by the host) work.
    return (
        f"default-src 'none'; script-src {origin}/runtime/ blob:; "
        f"style-src {origin}/runtime/ {origin}/bundles/files/ 'unsafe-inline'; "
        f"img-src {origin} data: blob: https:; font-src {origin} data:; media-src {origin} blob: https:; "
        "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _runtime_entry() -> tuple[str | None, list[str]]:
    """The host shell's module script and stylesheets, as the runtime ships them."""
    host = RUNTIME_STATIC / "host"
    entry = "host.js" if (host / "host.js").is_file() else None
    css = sorted(p.name for p in host.glob("*.css")) if host.is_dir() else []
    return entry, css


# -- the page ---------------------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def host_page(user: OptionalUser) -> HTMLResponse:
    """The super app: the home and every open mini program live in this one document."""
    if user is None:
        html = _templates.get_template("signin.html").render()
    else:
        entry, css = _runtime_entry()
        html = _templates.get_template("host.html").render(user=user, runtime_entry=entry, runtime_css=css)
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": HOST_PAGE_CSP,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )


def _static(base: Path, path: str) -> Path:
    root = base.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file() or any(p.startswith(".") for p in Path(path).parts):
        raise ApiError(404, "not_found", f"No static file {path[:200]!r}.")
    return target


_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
}


@router.get("/runtime/{path:path}", include_in_schema=False)
async def runtime_file(path: str, request: Request) -> FileResponse:
    """The browser runtime: host shell, logic worker, view frame, each with the headers it needs."""
    target = _static(RUNTIME_STATIC, path)
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
    top = path.split("/", 1)[0]
    if top == "logic":
        headers["Content-Security-Policy"] = WORKER_CSP
    # Sandboxed view frames have an opaque origin: every module they import (view/ and the shared logic/
    # helpers) is a cross-origin request. These are public files.
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    if top == "view" and target.suffix == ".html":
        headers["Content-Security-Policy"] = _view_csp(_origin(request))
    media = _TYPES.get(target.suffix, "application/octet-stream")
    return FileResponse(target, media_type=media, headers=headers)


@router.get("/host/static/{path:path}", include_in_schema=False)
async def host_static(path: str) -> FileResponse:
    """The host page's own small files: the sign-in script and the home's styles."""
    target = _static(HOST_STATIC, path)
    media = _TYPES.get(target.suffix, "application/octet-stream")
    return FileResponse(
        target, media_type=media, headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
    )


# -- the host API -----------------------------------------------------------------------------------------
@router.get("/host/api/me")
async def me(user: CurrentUser) -> dict[str, Any]:
    return {"user": {"id": user.id, "nickname": user.nickname, "avatar_url": user.avatar_url}}


@router.get("/host/api/apps")
async def home_apps(ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    return await service.home_apps(ctx, user.id)


@router.get("/host/api/apps/{appid}/launch")
async def launch(
    appid: str,
    ctx: CtxDep,
    user: CurrentUser,
    version: Annotated[Literal["release", "trial", "develop"], Query()] = "release",
    debug: bool = False,
) -> dict[str, Any]:
    return await service.launch(ctx, user.id, appid, version, debug)


@router.get("/host/api/apps/{appid}/storage")
async def storage_info(appid: str, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    return await service.storage_info(ctx, user.id, appid)


@router.get("/host/api/apps/{appid}/storage-all")
async def storage_all(appid: str, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    return {"items": await service.storage_all(ctx, user.id, appid)}


@router.get("/host/api/apps/{appid}/storage/{key:path}")
async def storage_get(appid: str, key: str, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    return {"key": key, "value": await service.storage_get(ctx, user.id, appid, key)}


class StorageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Any = None


@router.put("/host/api/apps/{appid}/storage/{key:path}")
async def storage_put(appid: str, key: str, body: StorageIn, ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    size = await service.storage_put(ctx, user.id, appid, key, body.value)
    return {"ok": True, "current_size": size}


@router.delete("/host/api/apps/{appid}/storage/{key:path}")
async def storage_delete(appid: str, key: str, ctx: CtxDep, user: CurrentUser) -> dict[str, bool]:
    await service.storage_delete(ctx, user.id, appid, key)
    return {"ok": True}


@router.delete("/host/api/apps/{appid}/storage")
async def storage_clear(appid: str, ctx: CtxDep, user: CurrentUser) -> dict[str, bool]:
    await service.storage_clear(ctx, user.id, appid)
    return {"ok": True}


class RequestIn(BaseModel):
    url: str = Field(min_length=1, max_length=4096)
    method: str = Field(default="GET", max_length=16)
    header: dict[str, Any] | None = None
    data: Any = None
    dataType: str = Field(default="json", max_length=16)
    responseType: str = Field(default="text", max_length=16)
    timeout: int | None = Field(default=None, ge=0)
    debug: bool = False


@router.post("/host/api/apps/{appid}/request")
async def request_proxy(
    appid: str, ctx: CtxDep, user: CurrentUser, body: Annotated[RequestIn, Body()]
) -> dict[str, Any]:
    """wx.request, fetched by the server so the domain whitelist holds and CORS does not apply."""
    return await service.proxy_request(
        ctx,
        user.id,
        appid,
        service.ProxyRequest(
            url=body.url,
            method=body.method,
            header=body.header,
            data=body.data,
            data_type=body.dataType,
            response_type=body.responseType,
            timeout_ms=body.timeout,
            debug=body.debug,
        ),
    )


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    return Response(status_code=204)
