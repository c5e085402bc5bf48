"""The rules of the host super app: the home's lists, launching, per-(user, app) storage, the request proxy."""

from __future__ import annotations

import base64
import json
import ssl
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode, urljoin

import certifi
import httpx
import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.apps.service import AppInfo
from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.host.models import RecentApp, StorageItem
from minihost.packages import service as packages

RECENT_LIMIT = 20
MAX_STORAGE_KEY = 512
LAUNCH_TTL = 24 * 3600
REQUEST_TIMEOUT_MS = 60_000
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
REQUEST_METHODS = frozenset({"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE"})
# Headers a mini program may not set: they belong to the connection or would let it impersonate the host.
_DROPPED_REQUEST_HEADERS = frozenset(
    {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "referer",
     "proxy-authorization", "proxy-connection", "trailer", "expect"}
)  # fmt: skip
_DROPPED_RESPONSE_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-encoding"})

# Tests replace this with an httpx.MockTransport; None means the real network.
transport: httpx.AsyncBaseTransport | None = None


def app_card(app: AppInfo) -> dict[str, str]:
    return {
        "appid": app.appid,
        "name": app.name,
        "icon_url": app.icon_url,
        "description": app.description,
        "category": app.category,
    }


async def _app(ctx: Ctx, appid: str) -> AppInfo:
    app = await apps.get_app(ctx, appid)
    if app is None:
        raise ApiError(404, "app_not_found", f"No mini program with appid {appid[:40]!r}; it may have been removed.")
    return app


def _insert(ctx: Ctx) -> Any:
    return sqlite_insert if ctx.db.url.startswith("sqlite") else pg_insert


# -- home -----------------------------------------------------------------------------------------------------
async def home_apps(ctx: Ctx, user_id: int) -> dict[str, list[dict[str, str]]]:
    """Recent (newest first) and all mini programs this user may open: every released one, and the ones
    with a version in the user's own organisations (develop versions for their developers)."""
    released = set(await packages.released_appids(ctx))
    cards: dict[str, AppInfo] = {}
    for appid in await packages.appids_with_versions(ctx):
        app = await apps.get_app(ctx, appid)
        if app is None:
            continue
        if appid in released or await accounts.role_in(ctx, user_id, app.org_id) is not None:
            cards[appid] = app
    async with ctx.db.session() as s:
        recent_ids = list(
            (
                await s.execute(
                    select(RecentApp.appid)
                    .where(RecentApp.user_id == user_id)
                    .order_by(RecentApp.used_at.desc())
                    .limit(RECENT_LIMIT)
                )
            ).scalars()
        )
    everything = sorted(cards.values(), key=lambda a: (a.name.lower(), a.appid))
    return {
        "recent": [app_card(cards[a]) for a in recent_ids if a in cards],
        "all": [app_card(a) for a in everything],
    }


def _launch_key(user_id: int, appid: str) -> str:
    return f"host:launch:{user_id}:{appid}"


async def launch(ctx: Ctx, user_id: int, appid: str, kind: str = "release", debug: bool = False) -> dict[str, Any]:
    """What the host needs to start a mini program; marks it recently used."""
    app = await _app(ctx, appid)
    version = await packages.version_for_user(ctx, appid, user_id, kind)
    if version is None:
        what = {"release": "has not been released yet", "trial": "has no trial version", "develop": "has no upload"}
        raise ApiError(404, "version_not_found", f"{app.name!r} {what.get(kind, 'has no such version')}.")
    debug = debug and kind != "release"
    # Remember what this user runs, so the request proxy can honour debug mode only for develop/trial.
    served = version.version if kind == "release" else "0"
    await ctx.store.set(_launch_key(user_id, appid), f"{kind}:{int(debug)}:{served}".encode(), LAUNCH_TTL)
    async with ctx.db.session() as s, s.begin():
        stmt = _insert(ctx)(RecentApp).values(user_id=user_id, app_id=app.id, appid=appid, used_at=utcnow())
        await s.execute(stmt.on_conflict_do_update(index_elements=["user_id", "app_id"], set_={"used_at": utcnow()}))
    return {
        "appid": appid,
        "name": app.name,
        "icon_url": app.icon_url,
        "version": version.version,
        "kind": kind,
        "manifest_url": f"/bundles/files/{version.manifest_hash}",
        "files_base": "/bundles/files/",
        "debug": debug,
    }


# -- storage --------------------------------------------------------------------------------------------------
def _check_key(key: str) -> str:
    if not key:
        raise ApiError(400, "invalid_storage_key", "A storage key is a non-empty string.")
    if len(key) > MAX_STORAGE_KEY:
        raise ApiError(400, "invalid_storage_key", f"A storage key is at most {MAX_STORAGE_KEY} characters.")
    return key


def entry_size(key: str, value_json: str) -> int:
    return len(key.encode()) + len(value_json.encode())


async def _used(ctx: Ctx, user_id: int, app_id: int) -> int:
    async with ctx.db.session() as s:
        total = await s.scalar(
            select(func.coalesce(func.sum(StorageItem.size), 0)).where(
                StorageItem.user_id == user_id, StorageItem.app_id == app_id
            )
        )
    return int(total or 0)


async def storage_info(ctx: Ctx, user_id: int, appid: str) -> dict[str, Any]:
    app = await _app(ctx, appid)
    async with ctx.db.session() as s:
        keys = list(
            (
                await s.execute(
                    select(StorageItem.key)
                    .where(StorageItem.user_id == user_id, StorageItem.app_id == app.id)
                    .order_by(StorageItem.key)
                )
            ).scalars()
        )
    return {
        "keys": keys,
        "current_size": await _used(ctx, user_id, app.id),
        "limit_size": ctx.settings.storage_quota_bytes,
    }


async def storage_get(ctx: Ctx, user_id: int, appid: str, key: str) -> Any:
    app = await _app(ctx, appid)
    async with ctx.db.session() as s:
        row = await s.get(StorageItem, (user_id, app.id, _check_key(key)))
    if row is None:
        raise ApiError(404, "storage_key_not_found", "getStorage:fail data not found")
    return orjson.loads(row.value)


async def storage_all(ctx: Ctx, user_id: int, appid: str) -> dict[str, Any]:
    app = await _app(ctx, appid)
    async with ctx.db.session() as s:
        rows = (
            await s.execute(
                select(StorageItem.key, StorageItem.value).where(
                    StorageItem.user_id == user_id, StorageItem.app_id == app.id
                )
            )
        ).all()
    return {key: orjson.loads(value) for key, value in rows}


async def storage_put(ctx: Ctx, user_id: int, appid: str, key: str, value: Any) -> int:
    """Store a value; returns the new total size. 413 `storage_quota_exceeded` past the quota."""
    app = await _app(ctx, appid)
    key = _check_key(key)
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise ApiError(
            400, "invalid_storage_value", "setStorage:fail the value is not JSON (NaN or Infinity)"
        ) from None
    size = entry_size(key, text)
    quota = ctx.settings.storage_quota_bytes
    # One writer per (user, app) at a time, so two tabs cannot both squeeze under the quota.
    async with ctx.store.lock(f"host-storage:{user_id}:{app.id}"), ctx.db.session() as s, s.begin():
        others = await s.scalar(
            select(func.coalesce(func.sum(StorageItem.size), 0)).where(
                StorageItem.user_id == user_id, StorageItem.app_id == app.id, StorageItem.key != key
            )
        )
        total = int(others or 0) + size
        if total > quota:
            raise ApiError(
                413,
                "storage_quota_exceeded",
                f"setStorage:fail exceed storage max size {quota // (1024 * 1024)}MB "
                f"(this mini program already stores {int(others or 0)} bytes for you; the value needs {size})",
            )
        stmt = _insert(ctx)(StorageItem).values(
            user_id=user_id, app_id=app.id, key=key, value=text, size=size, updated_at=utcnow()
        )
        await s.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "app_id", "key"],
                set_={"value": text, "size": size, "updated_at": utcnow()},
            )
        )
    return total


async def storage_delete(ctx: Ctx, user_id: int, appid: str, key: str) -> None:
    app = await _app(ctx, appid)
    async with ctx.db.session() as s, s.begin():
        await s.execute(
            delete(StorageItem).where(
                StorageItem.user_id == user_id, StorageItem.app_id == app.id, StorageItem.key == _check_key(key)
            )
        )


async def storage_clear(ctx: Ctx, user_id: int, appid: str) -> None:
    app = await _app(ctx, appid)
    async with ctx.db.session() as s, s.begin():
        await s.execute(delete(StorageItem).where(StorageItem.user_id == user_id, StorageItem.app_id == app.id))


# -- wx.request proxy -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProxyRequest:
    url: str
    method: str = "GET"
    header: dict[str, Any] | None = None
    data: Any = None
    data_type: str = "json"
    response_type: str = "text"
    timeout_ms: int | None = None
    debug: bool = False


def _fail(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, code, f"request:fail {message}")


async def _launched(ctx: Ctx, user_id: int, appid: str) -> tuple[str, bool, str]:
    """(kind, debug, version) of what this user last launched: ("", False, "") when nothing."""
    launched = await ctx.store.get(_launch_key(user_id, appid))
    if launched is None:
        return "", False, ""
    kind, debug, version = ([*launched.decode().split(":", 2), "", ""])[:3]
    return kind, debug == "1", version


def _encode_body(method: str, headers: dict[str, str], data: Any) -> tuple[bytes | None, dict[str, Any] | None]:
    """(body, query params) as WeChat sends `data`: a GET's object becomes the query string, an object
    body is JSON unless the content-type says form-urlencoded."""
    if data is None:
        return None, None
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if method in ("GET", "HEAD"):
        if isinstance(data, dict):
            return None, {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
        return None, None
    if isinstance(data, str):
        return data.encode(), None
    if "x-www-form-urlencoded" in ctype.lower() and isinstance(data, dict):
        return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}).encode(), None
    if not ctype:
        headers["Content-Type"] = "application/json"
    return json.dumps(data, ensure_ascii=False).encode(), None


@lru_cache(maxsize=4)
def _tls_context(ca_bundle: str) -> ssl.SSLContext:
    """The public CAs, plus the operator's own (MINIHOST_REQUEST_CA_BUNDLE)."""
    context = ssl.create_default_context(cafile=certifi.where())
    context.load_verify_locations(cafile=ca_bundle)
    return context


def _connect_to(ctx: Ctx, url: str, headers: dict[str, str]) -> tuple[str | httpx.URL, dict[str, str], dict[str, Any]]:
    """(where to connect, headers, extensions) for `url`: MINIHOST_REQUEST_RESOLVE may send it to another
    address; the Host header and the certificate check (SNI) keep the URL's own host."""
    table = ctx.settings.resolve_table()
    if not table:
        return url, headers, {}
    u = httpx.URL(url)
    hit = table.get((u.host.lower(), u.port or (443 if u.scheme == "https" else 80)))
    if hit is None:
        return url, headers, {}
    address, port = hit
    return u.copy_with(host=address, port=port), {**headers, "Host": u.netloc.decode("ascii")}, {"sni_hostname": u.host}


async def proxy_request(ctx: Ctx, user_id: int, appid: str, req: ProxyRequest) -> dict[str, Any]:
    """Fetch `req.url` for the mini program, if its domain list allows it; answers like wx.request."""
    app = await _app(ctx, appid)
    method = req.method.upper()
    if method not in REQUEST_METHODS:
        raise _fail(
            400, "invalid_method", f"method {req.method[:16]!r} is not one of {', '.join(sorted(REQUEST_METHODS))}"
        )
    kind, debug, served = await _launched(ctx, user_id, appid)
    # Debug mode (no whitelist) is for a developer's develop or trial version, never a release.
    skip_whitelist = req.debug and debug and kind in ("develop", "trial")
    headers: dict[str, str] = {}
    for k, v in (req.header or {}).items():
        if k.lower() not in _DROPPED_REQUEST_HEADERS and v is not None:
            headers[str(k)] = v if isinstance(v, str) else json.dumps(v)
    # As WeChat does, so a backend can tell which mini program and version calls it.
    headers["Referer"] = f"https://servicewechat.com/{appid}/{served or 0}/page-frame.html"
    body, params = _encode_body(method, headers, req.data)
    timeout = min(max(req.timeout_ms or REQUEST_TIMEOUT_MS, 1), REQUEST_TIMEOUT_MS) / 1000
    url = req.url
    ca_bundle = ctx.settings.request_ca_bundle
    verify: ssl.SSLContext | bool = _tls_context(ca_bundle) if ca_bundle else True
    async with httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, verify=verify) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if not skip_whitelist and not await apps.allowed_request_url(ctx, app.appid, url):
                raise _fail(
                    400,
                    "domain_not_allowed",
                    "url not in domain list" if url == req.url else "redirect to a url not in domain list",
                )
            try:
                target, sent_headers, extensions = _connect_to(ctx, url, headers)
                request = client.build_request(
                    method, target, headers=sent_headers, content=body, params=params, extensions=extensions
                )
                response = await client.send(request, stream=True)
            except httpx.TimeoutException:
                raise _fail(504, "request_timeout", "timeout") from None
            except (httpx.HTTPError, ValueError) as exc:
                raise _fail(502, "request_failed", type(exc).__name__) from None
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    if response.status_code in (301, 302, 303) and method != "HEAD":
                        method, body, params = "GET", None, None
                    continue
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > MAX_RESPONSE_BYTES:
                        raise _fail(502, "response_too_large", f"response larger than {MAX_RESPONSE_BYTES} bytes")
            except httpx.TimeoutException:
                raise _fail(504, "request_timeout", "timeout") from None
            except httpx.HTTPError as exc:
                raise _fail(502, "request_failed", type(exc).__name__) from None
            finally:
                await response.aclose()
            return _answer(response, bytes(content), req.response_type)
    raise _fail(502, "too_many_redirects", f"more than {MAX_REDIRECTS} redirects")


def _answer(response: httpx.Response, content: bytes, response_type: str) -> dict[str, Any]:
    header: dict[str, str] = {}
    for k, v in response.headers.multi_items():
        if k.lower() in _DROPPED_RESPONSE_HEADERS:
            continue
        header[k] = f"{header[k]}, {v}" if k in header else v
    out: dict[str, Any] = {
        "statusCode": response.status_code,
        "header": header,
        "cookies": response.headers.get_list("set-cookie"),
    }
    if response_type == "arraybuffer":
        out["data"] = base64.b64encode(content).decode()
        out["encoding"] = "base64"
    else:
        out["data"] = content.decode(response.encoding or "utf-8", errors="replace")
    return out
