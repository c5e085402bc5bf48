"""The rules of accounts: sign up and in, sessions, organisations and roles, API tokens."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minihost.accounts.models import ApiToken, Membership, Organisation, User, UserSession
from minihost.context import Ctx
from minihost.db import aware, utcnow
from minihost.errors import ApiError
from minihost.security import digest, hash_password, new_token, verify_password

USERNAME_RE = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9_.-]{2,31}$")
ROLES = ("admin", "developer", "tester")
ORG_KINDS = ("business", "individual")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    nickname: str
    avatar_url: str
    is_operator: bool


@dataclass(frozen=True)
class SignedIn:
    user: UserInfo
    session_token: str
    csrf_token: str


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.username, user.nickname, user.avatar_url, user.is_operator)


def validate_username(username: str) -> str:
    if not USERNAME_RE.fullmatch(username):
        raise ApiError(
            400,
            "invalid_username",
            "A username is 3 to 32 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'.",
        )
    return username.lower()


def validate_password(password: str) -> str:
    if not 8 <= len(password) <= 128:
        raise ApiError(400, "invalid_password", "A password is 8 to 128 characters long.")
    return password


async def create_user(
    ctx: Ctx, username: str, password: str, nickname: str = "", *, is_operator: bool = False
) -> UserInfo:
    username = validate_username(username)
    validate_password(password)
    nickname = (nickname or username).strip()[:64]
    password_hash = await asyncio.to_thread(hash_password, password)
    async with ctx.db.session() as s, s.begin():
        user = User(
            username=username,
            nickname=nickname,
            password_hash=password_hash,
            is_operator=is_operator,
        )
        s.add(user)
        try:
            await s.flush()
        except IntegrityError:
            raise ApiError(409, "username_taken", f"The username {username!r} is taken; choose another.") from None
        return _info(user)


async def get_user(ctx: Ctx, user_id: int) -> UserInfo | None:
    async with ctx.db.session() as s:
        user = await s.get(User, user_id)
        return _info(user) if user else None


SIGNIN_MAX_ATTEMPTS = 10
SIGNIN_WINDOW_SECONDS = 15 * 60
# Verifying against this keeps an unknown username as slow as a wrong password (no username probing by timing).
_DUMMY_HASH = hash_password("minihost-no-such-user")


async def sign_in(ctx: Ctx, username: str, password: str, *, client_ip: str = "") -> SignedIn:
    """A new session; 401 `bad_credentials`, or 429 `too_many_attempts` past the per username+IP limit."""
    username = username.strip().lower()
    attempts_key = f"signin:{digest(username)}:{client_ip}"
    # Counting before verifying makes the limit hold under concurrent attempts; success clears it.
    if await ctx.store.incr(attempts_key, SIGNIN_WINDOW_SECONDS) > SIGNIN_MAX_ATTEMPTS:
        wait = await ctx.store.ttl(attempts_key) or SIGNIN_WINDOW_SECONDS
        raise ApiError(
            429,
            "too_many_attempts",
            f"Too many sign-in attempts for this account; wait {int(wait // 60) + 1} minutes and try again.",
        )
    async with ctx.db.session() as s, s.begin():
        user = (await s.execute(select(User).where(User.username == username))).scalar_one_or_none()
        # argon2 is CPU-bound by design: keep it off the event loop.
        ok = await asyncio.to_thread(verify_password, user.password_hash if user else _DUMMY_HASH, password)
        if user is None or not ok:
            raise ApiError(401, "bad_credentials", "Wrong username or password; check both and try again.")
        await ctx.store.delete(attempts_key)
        token, csrf = new_token(), new_token(24)
        s.add(
            UserSession(
                token_hash=digest(token),
                user_id=user.id,
                csrf_token=csrf,
                expires_at=utcnow() + timedelta(seconds=ctx.settings.session_ttl),
            )
        )
        return SignedIn(_info(user), token, csrf)


async def session_user(ctx: Ctx, session_token: str) -> tuple[UserInfo, str] | None:
    """The user and CSRF token of a live session, or None."""
    # Runs on every signed-in request: one Core statement, no ORM objects.
    query = (
        select(
            User.id,
            User.username,
            User.nickname,
            User.avatar_url,
            User.is_operator,
            UserSession.csrf_token,
            UserSession.expires_at,
        )
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == digest(session_token))
    )
    async with ctx.db.read() as conn:
        row = (await conn.execute(query)).first()
    if row is None or aware(row.expires_at) <= utcnow():
        return None
    return UserInfo(row.id, row.username, row.nickname, row.avatar_url, row.is_operator), row.csrf_token


async def sign_out(ctx: Ctx, session_token: str) -> None:
    async with ctx.db.session() as s, s.begin():
        row = await s.get(UserSession, digest(session_token))
        if row is not None:
            await s.delete(row)


async def create_organisation(ctx: Ctx, owner_id: int, name: str, kind: str = "business") -> int:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise ApiError(400, "invalid_name", "An organisation name is 1 to 64 characters long.")
    if kind not in ORG_KINDS:
        raise ApiError(400, "invalid_kind", f"An organisation is one of {', '.join(ORG_KINDS)}.")
    async with ctx.db.session() as s, s.begin():
        org = Organisation(name=name, kind=kind)
        s.add(org)
        await s.flush()
        s.add(Membership(org_id=org.id, user_id=owner_id, role="admin"))
        return org.id


async def role_in(ctx: Ctx, user_id: int, org_id: int) -> str | None:
    async with ctx.db.session() as s:
        return (
            await s.execute(select(Membership.role).where(Membership.org_id == org_id, Membership.user_id == user_id))
        ).scalar_one_or_none()


API_TOKEN_PREFIX = "mh_"  # noqa: S105 (a label, not a secret)
# last_used_at is written at most once per token per this many seconds: one store op per request, not a DB write.
TOKEN_USE_WRITE_EVERY = 60


async def api_token_user(ctx: Ctx, token: str) -> UserInfo:
    """The user an API token acts for; 401 `invalid_token` or `token_revoked` otherwise."""
    async with ctx.db.session() as s:
        row = (
            await s.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.token_hash == digest(token))
            )
        ).first()
    if row is None:
        raise ApiError(
            401, "invalid_token", "This API token is not known. Create a new one in the console under API tokens."
        )
    api_token, user = row
    if api_token.revoked_at is not None:
        raise ApiError(
            401, "token_revoked", "This API token was revoked. Create a new one in the console under API tokens."
        )
    if await ctx.store.add(f"apitoken-used:{api_token.id}", b"1", TOKEN_USE_WRITE_EVERY):
        async with ctx.db.session() as s, s.begin():
            await s.execute(update(ApiToken).where(ApiToken.id == api_token.id).values(last_used_at=utcnow()))
    return _info(user)


@dataclass(frozen=True)
class OrgInfo:
    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class MyOrg:
    id: int
    name: str
    kind: str
    role: str


@dataclass(frozen=True)
class MemberInfo:
    user_id: int
    username: str
    nickname: str
    role: str


@dataclass(frozen=True)
class ApiTokenInfo:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewApiToken:
    token: ApiTokenInfo
    secret: str
    """The whole token, shown once; only its SHA-256 is kept."""


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise ApiError(400, "invalid_role", f"A role is one of {', '.join(ROLES)}.")
    return role


async def get_organisation(ctx: Ctx, org_id: int) -> OrgInfo | None:
    async with ctx.db.session() as s:
        org = await s.get(Organisation, org_id)
        return OrgInfo(org.id, org.name, org.kind) if org else None


async def list_my_organisations(ctx: Ctx, user_id: int) -> list[MyOrg]:
    async with ctx.db.session() as s:
        rows = await s.execute(
            select(Organisation, Membership.role)
            .join(Membership, Membership.org_id == Organisation.id)
            .where(Membership.user_id == user_id)
            .order_by(Organisation.name, Organisation.id)
        )
        return [MyOrg(org.id, org.name, org.kind, role) for org, role in rows]


async def list_members(ctx: Ctx, org_id: int) -> list[MemberInfo]:
    async with ctx.db.session() as s:
        rows = await s.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == org_id)
            .order_by(User.username)
        )
        return [MemberInfo(user.id, user.username, user.nickname, role) for user, role in rows]


async def add_member(ctx: Ctx, org_id: int, username: str, role: str) -> MemberInfo:
    validate_role(role)
    username = username.strip().lower()
    async with ctx.db.session() as s, s.begin():
        user = (await s.execute(select(User).where(User.username == username))).scalar_one_or_none()
        if user is None:
            raise ApiError(
                404, "user_not_found", f"No user named {username[:32]!r}; they must sign up before being added."
            )
        info = MemberInfo(user.id, user.username, user.nickname, role)
        s.add(Membership(org_id=org_id, user_id=user.id, role=role))
        try:
            await s.flush()
        except IntegrityError:
            raise ApiError(
                409, "already_member", f"{info.username} is already a member; change their role instead."
            ) from None
        return info


async def _membership(s: AsyncSession, org_id: int, user_id: int) -> Membership:
    row = (
        await s.execute(select(Membership).where(Membership.org_id == org_id, Membership.user_id == user_id))
    ).scalar_one_or_none()
    if row is None:
        raise ApiError(404, "member_not_found", "That user is not a member of this organisation.")
    return row


async def _admin_count(s: AsyncSession, org_id: int) -> int:
    return int(
        (
            await s.execute(
                select(func.count())
                .select_from(Membership)
                .where(Membership.org_id == org_id, Membership.role == "admin")
            )
        ).scalar_one()
    )


_LAST_ADMIN = "An organisation needs at least one admin; make someone else admin first."


async def change_role(ctx: Ctx, org_id: int, user_id: int, role: str) -> MemberInfo:
    validate_role(role)
    # The lock makes "is there another admin?" and the change one step across processes.
    async with ctx.store.lock(f"org-members:{org_id}"), ctx.db.session() as s, s.begin():
        member = await _membership(s, org_id, user_id)
        if member.role == "admin" and role != "admin" and await _admin_count(s, org_id) <= 1:
            raise ApiError(409, "last_admin", _LAST_ADMIN)
        member.role = role
        user = await s.get(User, user_id)
        assert user is not None
        return MemberInfo(user.id, user.username, user.nickname, role)


async def remove_member(ctx: Ctx, org_id: int, user_id: int) -> None:
    async with ctx.store.lock(f"org-members:{org_id}"), ctx.db.session() as s, s.begin():
        member = await _membership(s, org_id, user_id)
        if member.role == "admin" and await _admin_count(s, org_id) <= 1:
            raise ApiError(409, "last_admin", _LAST_ADMIN)
        await s.delete(member)


def _token_info(t: ApiToken) -> ApiTokenInfo:
    return ApiTokenInfo(
        t.id,
        t.name,
        t.prefix,
        aware(t.created_at),
        aware(t.last_used_at) if t.last_used_at else None,
        aware(t.revoked_at) if t.revoked_at else None,
    )


async def create_api_token(ctx: Ctx, user_id: int, name: str) -> NewApiToken:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise ApiError(400, "invalid_name", "Give the token a name of 1 to 64 characters, e.g. 'laptop CLI'.")
    secret = API_TOKEN_PREFIX + new_token(32)
    async with ctx.db.session() as s, s.begin():
        row = ApiToken(user_id=user_id, name=name, token_hash=digest(secret), prefix=secret[:10], created_at=utcnow())
        s.add(row)
        await s.flush()
        return NewApiToken(_token_info(row), secret)


async def list_api_tokens(ctx: Ctx, user_id: int) -> list[ApiTokenInfo]:
    async with ctx.db.session() as s:
        rows = await s.execute(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc()))
        return [_token_info(t) for t in rows.scalars()]


async def revoke_api_token(ctx: Ctx, user_id: int, token_id: int) -> ApiTokenInfo:
    async with ctx.db.session() as s, s.begin():
        row = await s.get(ApiToken, token_id)
        if row is None or row.user_id != user_id:
            raise ApiError(404, "token_not_found", "No such API token among yours; reload the token list.")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        return _token_info(row)
