"""The accounts JSON API under /api/accounts: sign up/in/out, organisations and members, API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from minihost.accounts import service
from minihost.accounts.schemas import MeOut, OkOut, SessionOut, SignInIn, SignUpIn, UserOut
from minihost.web.auth import (
    AuthUser,
    CsrfProtected,
    CurrentUser,
    OptionalUser,
    clear_session_cookie,
    set_session_cookie,
)
from minihost.web.deps import CtxDep

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _user_out(user: service.UserInfo | AuthUser) -> UserOut:
    return UserOut(id=user.id, username=user.username, nickname=user.nickname, avatar_url=user.avatar_url)


@router.post("/signup", status_code=201)
async def signup(body: SignUpIn, request: Request, response: Response, ctx: CtxDep) -> SessionOut:
    """Create an account and sign it in (sets the mh_session cookie)."""
    await service.create_user(ctx, body.username, body.password, body.nickname)
    signed = await service.sign_in(ctx, body.username, body.password, client_ip=client_ip(request))
    set_session_cookie(response, ctx.settings, signed.session_token)
    return SessionOut(user=_user_out(signed.user), csrf_token=signed.csrf_token)


@router.post("/signin")
async def signin(body: SignInIn, request: Request, response: Response, ctx: CtxDep) -> SessionOut:
    """Sign in with username and password (sets the mh_session cookie); 401 bad_credentials, 429 too_many_attempts."""
    signed = await service.sign_in(ctx, body.username, body.password, client_ip=client_ip(request))
    set_session_cookie(response, ctx.settings, signed.session_token)
    return SessionOut(user=_user_out(signed.user), csrf_token=signed.csrf_token)


@router.post("/signout", dependencies=[CsrfProtected])
async def signout(user: OptionalUser, response: Response, ctx: CtxDep) -> OkOut:
    """End this browser's session (CSRF-checked); harmless when not signed in."""
    if user is not None and user.via == "session":
        await service.sign_out(ctx, user.session_token)
    clear_session_cookie(response, ctx.settings)
    return OkOut()


@router.get("/me")
async def me(user: CurrentUser) -> MeOut:
    """The signed-in user and the CSRF token for this session (empty when using an API token)."""
    return MeOut(user=_user_out(user), csrf_token=user.csrf_token)
