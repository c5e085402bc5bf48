"""The accounts JSON API under /api/accounts: sign up/in/out, organisations and members, API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from minihost.accounts import service
from minihost.accounts.schemas import (
    Id,
    MemberIn,
    MemberListOut,
    MemberOut,
    MeOut,
    NewTokenOut,
    OkOut,
    OrgIn,
    OrgListOut,
    OrgOut,
    RoleIn,
    SessionOut,
    SignInIn,
    SignUpIn,
    TokenIn,
    TokenListOut,
    TokenOut,
    UserOut,
)
from minihost.web.auth import (
    AuthUser,
    CsrfProtected,
    CurrentUser,
    OptionalUser,
    clear_session_cookie,
    require_org_role,
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


def _member_out(m: service.MemberInfo) -> MemberOut:
    return MemberOut(user_id=m.user_id, username=m.username, nickname=m.nickname, role=m.role)


def _token_out(t: service.ApiTokenInfo) -> TokenOut:
    return TokenOut(
        id=t.id,
        name=t.name,
        prefix=t.prefix,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
    )


@router.post("/orgs", status_code=201)
async def create_org(body: OrgIn, user: CurrentUser, ctx: CtxDep) -> OrgOut:
    """Create an organisation (business or individual); its creator is its first admin."""
    org_id = await service.create_organisation(ctx, user.id, body.name, body.kind)
    org = await service.get_organisation(ctx, org_id)
    assert org is not None
    return OrgOut(id=org.id, name=org.name, kind=org.kind, role="admin")


@router.get("/orgs")
async def my_orgs(user: CurrentUser, ctx: CtxDep) -> OrgListOut:
    """The organisations the user belongs to, with their role in each."""
    orgs = await service.list_my_organisations(ctx, user.id)
    return OrgListOut(organisations=[OrgOut(id=o.id, name=o.name, kind=o.kind, role=o.role) for o in orgs])


@router.get("/orgs/{org_id}/members")
async def members(org_id: Id, user: CurrentUser, ctx: CtxDep) -> MemberListOut:
    """The members of an organisation (any member may look)."""
    await require_org_role(ctx, user, org_id)
    return MemberListOut(members=[_member_out(m) for m in await service.list_members(ctx, org_id)])


@router.post("/orgs/{org_id}/members", status_code=201)
async def add_member(org_id: Id, body: MemberIn, user: CurrentUser, ctx: CtxDep) -> MemberOut:
    """Add a user by username with a role (admins only)."""
    await require_org_role(ctx, user, org_id, "admin")
    return _member_out(await service.add_member(ctx, org_id, body.username, body.role))


@router.patch("/orgs/{org_id}/members/{user_id}")
async def change_role(org_id: Id, user_id: Id, body: RoleIn, user: CurrentUser, ctx: CtxDep) -> MemberOut:
    """Change a member's role (admins only); 409 last_admin when it would leave no admin."""
    await require_org_role(ctx, user, org_id, "admin")
    return _member_out(await service.change_role(ctx, org_id, user_id, body.role))


@router.delete("/orgs/{org_id}/members/{user_id}")
async def remove_member(org_id: Id, user_id: Id, user: CurrentUser, ctx: CtxDep) -> OkOut:
    """Remove a member (admins only; anyone may leave); 409 last_admin for the last admin."""
    if user_id != user.id:
        await require_org_role(ctx, user, org_id, "admin")
    else:
        await require_org_role(ctx, user, org_id)
    await service.remove_member(ctx, org_id, user_id)
    return OkOut()


@router.post("/tokens", status_code=201)
async def create_token(body: TokenIn, user: CurrentUser, ctx: CtxDep) -> NewTokenOut:
    """Create an API token for the command line; `secret` is shown this once."""
    new = await service.create_api_token(ctx, user.id, body.name)
    return NewTokenOut(token=_token_out(new.token), secret=new.secret)


@router.get("/tokens")
async def list_tokens(user: CurrentUser, ctx: CtxDep) -> TokenListOut:
    """The user's API tokens (prefix only, never the whole token)."""
    return TokenListOut(tokens=[_token_out(t) for t in await service.list_api_tokens(ctx, user.id)])


@router.delete("/tokens/{token_id}")
async def revoke_token(token_id: Id, user: CurrentUser, ctx: CtxDep) -> TokenOut:
    """Revoke one of the user's API tokens; it stops working at once (401 token_revoked)."""
    return _token_out(await service.revoke_api_token(ctx, user.id, token_id))
