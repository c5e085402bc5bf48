"""Who is asking: the authentication and CSRF dependencies every domain's routes use.

Use in a route:

    from minihost.web.auth import CurrentUser, OptionalUser, CsrfProtected, require_org_role

    @router.post("/things")
    async def make(user: CurrentUser, ctx: CtxDep) -> ...:
        ...                                  # user.id, user.username, user.nickname, user.avatar_url

- `CurrentUser` (`Annotated[AuthUser, Depends(current_user)]`): the signed-in user, from the `mh_session`
  cookie or an `Authorization: Bearer mh_...` API token. No user: 401 `not_signed_in`; an unknown token:
  401 `invalid_token`; a revoked one: 401 `token_revoked`. For a cookie-authenticated request whose method
  is not GET/HEAD/OPTIONS it also checks CSRF (below), so routes using it need nothing more.
- `OptionalUser` (`Annotated[AuthUser | None, Depends(optional_user)]`): the same, or None when nobody is
  signed in (a bad or revoked Bearer token is still an error). Also checks CSRF on unsafe methods.
- `CsrfProtected` (`Depends(csrf_protect)`): the CSRF check alone, for `dependencies=[CsrfProtected]` on
  routes that do not otherwise ask for the user.
- CSRF rule: a cookie-authenticated state-changing request must carry the session's token
  (`AuthUser.csrf_token`) in the `X-CSRF-Token` header (JSON/fetch) or a `csrf_token` form field (HTML
  forms); otherwise 403 `csrf_failed`. Bearer-token requests need no CSRF token (no ambient credential).
  Put the token into pages with `<meta name="csrf-token" content="{{ user.csrf_token }}">`. For a
  multipart upload without the header the form is parsed to find the field (Starlette caches it, so
  `UploadFile`/`Form` parameters still work); a route that reads `request.stream()` itself must be called
  with the header (or a Bearer token).
- `require_org_role(ctx, user, org_id, *roles) -> str`: the user's role in the organisation, or 403
  `forbidden` when they are not a member or their role is not one of `roles` (no roles: any member).
- `require_app_role(ctx, user, appid, *roles) -> AppInfo`: the app (404 `app_not_found`) when the user has
  one of `roles` in the organisation that owns it (403 `forbidden` otherwise).
- `set_session_cookie(response, settings, token)` / `clear_session_cookie(response, settings)`: the
  cookie attributes in one place (HttpOnly, SameSite=Lax, Secure when base_url is https).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request, Response

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.apps.service import AppInfo
from minihost.config import Settings
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.security import same
from minihost.web.deps import get_ctx

SESSION_COOKIE = "mh_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_STATE_KEY = "minihost_auth"


@dataclass(frozen=True)
class AuthUser:
    """The user behind a request and how they proved it."""

    id: int
    username: str
    nickname: str
    avatar_url: str
    is_operator: bool
    via: Literal["session", "token"]
    csrf_token: str
    """The session's CSRF token to embed in pages and forms; empty for API tokens."""
    session_token: str
    """The raw cookie value (to sign out); empty for API tokens. Never render it."""


def _from_info(info: accounts.UserInfo, via: Literal["session", "token"], csrf: str = "", sess: str = "") -> AuthUser:
    return AuthUser(info.id, info.username, info.nickname, info.avatar_url, info.is_operator, via, csrf, sess)


async def authenticate(request: Request, ctx: Ctx) -> AuthUser | None:
    """The user of this request (cached on the request), without any CSRF check."""
    if hasattr(request.state, _STATE_KEY):
        cached: AuthUser | None = getattr(request.state, _STATE_KEY)
        return cached
    user: AuthUser | None = None
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise ApiError(
                401, "invalid_token", "Send an API token as 'Authorization: Bearer mh_...'; create one in the console."
            )
        user = _from_info(await accounts.api_token_user(ctx, value), "token")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            found = await accounts.session_user(ctx, cookie)
            if found is not None:
                info, csrf = found
                user = _from_info(info, "session", csrf, cookie)
    setattr(request.state, _STATE_KEY, user)
    return user


async def check_csrf(request: Request, user: AuthUser | None) -> None:
    """403 `csrf_failed` when a cookie-authenticated state-changing request lacks the session's token."""
    if user is None or user.via != "session" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        form = await request.form()  # Starlette caches the parsed form, so the route can still read it
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else ""
    if not sent or not same(sent, user.csrf_token):
        raise ApiError(
            403,
            "csrf_failed",
            "This request is missing a valid CSRF token; reload the page and try again "
            f"(scripts send the {CSRF_HEADER} header).",
        )


async def current_user(request: Request, ctx: Annotated[Ctx, Depends(get_ctx)]) -> AuthUser:
    user = await authenticate(request, ctx)
    if user is None:
        raise ApiError(401, "not_signed_in", "Sign in first (or send an API token as 'Authorization: Bearer ...').")
    await check_csrf(request, user)
    return user


async def optional_user(request: Request, ctx: Annotated[Ctx, Depends(get_ctx)]) -> AuthUser | None:
    user = await authenticate(request, ctx)
    await check_csrf(request, user)
    return user


async def csrf_protect(request: Request, ctx: Annotated[Ctx, Depends(get_ctx)]) -> None:
    await check_csrf(request, await authenticate(request, ctx))


CurrentUser = Annotated[AuthUser, Depends(current_user)]
OptionalUser = Annotated[AuthUser | None, Depends(optional_user)]
CsrfProtected = Depends(csrf_protect)


async def require_org_role(ctx: Ctx, user: AuthUser | accounts.UserInfo, org_id: int, *roles: str) -> str:
    """The user's role in the organisation; 403 `forbidden` unless a member holding one of `roles`."""
    role = await accounts.role_in(ctx, user.id, org_id)
    if role is None:
        raise ApiError(403, "forbidden", "You are not a member of this organisation; ask one of its admins to add you.")
    if roles and role not in roles:
        raise ApiError(
            403,
            "forbidden",
            f"Your role here is {role}; this needs {' or '.join(roles)}. Ask an admin of the organisation.",
        )
    return role


async def require_app_role(ctx: Ctx, user: AuthUser | accounts.UserInfo, appid: str, *roles: str) -> AppInfo:
    """The app when the user holds one of `roles` in its organisation (any member when no roles)."""
    app = await apps.get_app(ctx, appid)
    if app is None:
        raise ApiError(404, "app_not_found", f"No mini program with appid {appid[:40]!r}; check the appid.")
    await require_org_role(ctx, user, app.org_id, *roles)
    return app


def _secure(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl,
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(settings), path="/")
