"""The rules of signing in to mini programs, as WeChat defines them.

- `issue_login_code`: what `wx.login` gets (through the host): random, one use, `login_code_ttl` seconds.
- `code_to_session`: `/sns/jscode2session` for the mini program's backend: openid, unionid, session_key.
- `get_access_token` / `get_stable_access_token` / `require_access_token`: the app's server credentials.

Short-lived state (codes, tokens, rate windows) lives in `ctx.store`; the (user, app) row in the database.
The login path is hot (every user opening every mini program), so it costs: one store op to issue a code;
one rate-window op, one secret check, one take, one used-marker set and one upsert statement to redeem it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import time
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import DateTime, bindparam, text

from minihost.apps import service as apps
from minihost.apps.service import AppInfo
from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError, WeChatError

# WeChat's own error codes and messages for these endpoints.
E_INVALID_CREDENTIAL = (40001, "invalid credential, access_token is invalid or not latest")
E_INVALID_GRANT_TYPE = (40002, "invalid grant_type")
E_INVALID_APPID = (40013, "invalid appid")
E_INVALID_CODE = (40029, "invalid code")
E_INVALID_SECRET = (40125, "invalid appsecret")
E_CODE_USED = (40163, "code been used")
E_TOKEN_MISSING = (41001, "access_token missing")
E_APPID_MISSING = (41002, "appid missing")
E_SECRET_MISSING = (41004, "appsecret missing")
E_CODE_MISSING = (41008, "missing code")
E_TOKEN_EXPIRED = (42001, "access_token expired")
E_MINUTE_QUOTA = (45011, "api minute-quota reach limit mustslower retry next minute")

# Bounds on what a caller may send: anything longer cannot be ours, so it is refused before any lookup.
MAX_SECRET = 64
MAX_CODE = 64
MAX_TOKEN = 256

# Anything else cannot be an appid; refusing it early also keeps NUL bytes and the like away from the database.
_APPID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")

# WeChat keeps a replaced access_token working for 5 minutes, and renews a stable token 5 minutes early.
TOKEN_OVERLAP_SECONDS = 300

_CODE_KEY = "auth:code:{appid}:{code}"
_USED_KEY = "auth:used:{appid}:{code}"
_RATE_KEY = "auth:j2s-rate:{appid}:{minute}"
_TOKEN_KEY = "auth:at:{nonce}"  # noqa: S105 (a key pattern, not a secret)
_CURRENT_KEY = "auth:at-current:{kind}:{appid}"


def _fail(error: tuple[int, str]) -> WeChatError:
    return WeChatError(*error)


@lru_cache(maxsize=8)
def _subkey(secret_key: str, purpose: str) -> bytes:
    # One derived key per purpose, so an openid can never be replayed as a unionid or a token signature.
    return hmac.new(secret_key.encode(), f"minihost.auth.{purpose}".encode(), hashlib.sha256).digest()


def _key(ctx: Ctx, purpose: str) -> bytes:
    return _subkey(ctx.settings.resolved_secret_key(), purpose)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _wechat_id(key: bytes, message: str) -> str:
    # WeChat's ids are 28 characters starting with "o"; 27 base64url characters carry 162 bits of the HMAC.
    return "o" + _b64(hmac.new(key, message.encode(), hashlib.sha256).digest())[:27]


def openid_for(ctx: Ctx, appid: str, user_id: int) -> str:
    """Stable for one user in one app; without the server key nobody can link two apps' openids."""
    return _wechat_id(_key(ctx, "openid"), f"{appid}\x00{user_id}")


def unionid_for(ctx: Ctx, org_id: int, user_id: int) -> str:
    """Stable for one user across every app of one organisation (WeChat's open-platform account)."""
    return _wechat_id(_key(ctx, "unionid"), f"{org_id}\x00{user_id}")


# ---------------------------------------------------------------------------------------------- login codes


# Apps known to exist, per process: issuing a code is the hottest call of all, and a code for an app deleted a
# few seconds ago is harmless (redeeming it checks the app and its secret in the database).
_KNOWN_APPS: dict[str, float] = {}
_KNOWN_APP_SECONDS = 10.0


async def _app_exists(ctx: Ctx, appid: str) -> bool:
    now = time.monotonic()
    if _KNOWN_APPS.get(appid, 0.0) > now:
        return True
    if await apps.get_app(ctx, appid) is None:
        return False
    if len(_KNOWN_APPS) > 10_000:
        _KNOWN_APPS.clear()
    _KNOWN_APPS[appid] = now + _KNOWN_APP_SECONDS
    return True


async def issue_login_code(ctx: Ctx, user_id: int, appid: str) -> str:
    """A fresh `wx.login` code for this user and app: unguessable, one use, `login_code_ttl` seconds."""
    if not _APPID_RE.fullmatch(appid) or not await _app_exists(ctx, appid):
        raise ApiError(404, "app_not_found", f"No mini program with appid {appid[:40]!r}; check the appid.")
    code = secrets.token_urlsafe(24)  # 32 characters, like WeChat's
    await ctx.store.set(_CODE_KEY.format(appid=appid, code=code), str(user_id).encode(), ctx.settings.login_code_ttl)
    return code


@dataclass(frozen=True)
class Session:
    openid: str
    session_key: str
    unionid: str


async def _check_app(ctx: Ctx, appid: str | None, secret: str | None) -> AppInfo:
    if not appid:
        raise _fail(E_APPID_MISSING)
    if not secret:
        raise _fail(E_SECRET_MISSING)
    if not _APPID_RE.fullmatch(appid):
        raise _fail(E_INVALID_APPID)
    if len(secret) > MAX_SECRET:
        # Still tell an unknown appid from a wrong secret, as WeChat does.
        if await apps.get_app(ctx, appid) is None:
            raise _fail(E_INVALID_APPID)
        raise _fail(E_INVALID_SECRET)
    found = await apps.check_secret(ctx, appid, secret)
    if found is None:
        raise _fail(E_INVALID_APPID)
    if not isinstance(found, AppInfo):
        raise _fail(E_INVALID_SECRET)
    return found


_UPSERT = text(
    # The same statement on PostgreSQL and SQLite: one round trip, whether this is the first login or not.
    "INSERT INTO auth_app_users (app_id, user_id, openid, unionid, session_key, first_login_at, last_login_at) "
    "VALUES (:app_id, :user_id, :openid, :unionid, :session_key, :now, :now) "
    "ON CONFLICT (app_id, user_id) DO UPDATE SET session_key = excluded.session_key, "
    "last_login_at = excluded.last_login_at"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


# The same upsert in asyncpg's own placeholders, sent on the driver connection: the login path's only write
# skips SQLAlchemy's statement machinery (a third of this call's CPU when measured) on PostgreSQL.
_UPSERT_PG = (
    "INSERT INTO auth_app_users (app_id, user_id, openid, unionid, session_key, first_login_at, last_login_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $6) "
    "ON CONFLICT (app_id, user_id) DO UPDATE SET session_key = excluded.session_key, "
    "last_login_at = excluded.last_login_at"
)


async def _record_login(ctx: Ctx, app_id: int, user_id: int, session: Session) -> None:
    """Upserts the (user, app) row: one statement, one round trip, no transaction around it (it is atomic)."""
    now = utcnow()
    async with ctx.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            raw = await conn.get_raw_connection()
            await raw.driver_connection.execute(  # type: ignore[union-attr]
                _UPSERT_PG, app_id, user_id, session.openid, session.unionid, session.session_key, now
            )
            return
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(
            _UPSERT,
            {
                "app_id": app_id,
                "user_id": user_id,
                "openid": session.openid,
                "unionid": session.unionid,
                "session_key": session.session_key,
                "now": now,
            },
        )


async def code_to_session(
    ctx: Ctx, appid: str | None, secret: str | None, js_code: str | None, grant_type: str | None
) -> Session:
    """`/sns/jscode2session`: redeem a login code for the user's openid, unionid and a fresh session_key."""
    if not appid:
        raise _fail(E_APPID_MISSING)
    if not secret:
        raise _fail(E_SECRET_MISSING)
    if not js_code:
        raise _fail(E_CODE_MISSING)
    if grant_type != "authorization_code":
        raise _fail(E_INVALID_GRANT_TYPE)
    if not _APPID_RE.fullmatch(appid):
        raise _fail(E_INVALID_APPID)
    # Counted before the database is asked, so a flood of calls for one appid stops at the store.
    window = int(time.time() // 60)
    calls = await ctx.store.incr(_RATE_KEY.format(appid=appid, minute=window), 61)
    if calls > ctx.settings.jscode2session_per_minute:
        raise _fail(E_MINUTE_QUOTA)
    app = await _check_app(ctx, appid, secret)
    if len(js_code) > MAX_CODE:
        raise _fail(E_INVALID_CODE)
    # The code is keyed by its app: a code issued for another app is simply not found here (and stays usable there).
    taken = await ctx.store.take(_CODE_KEY.format(appid=appid, code=js_code))
    if taken is None:
        if await ctx.store.get(_USED_KEY.format(appid=appid, code=js_code)) is not None:
            raise _fail(E_CODE_USED)
        raise _fail(E_INVALID_CODE)
    await ctx.store.set(_USED_KEY.format(appid=appid, code=js_code), b"1", ctx.settings.login_code_ttl)
    user_id = int(taken)
    session = Session(
        openid=openid_for(ctx, appid, user_id),
        session_key=base64.b64encode(secrets.token_bytes(16)).decode(),
        unionid=unionid_for(ctx, app.org_id, user_id),
    )
    await _record_login(ctx, app.id, user_id, session)
    return session


@dataclass(frozen=True)
class AppUserInfo:
    app_id: int
    user_id: int
    openid: str
    unionid: str
    session_key: str


async def app_user_by_openid(ctx: Ctx, app: AppInfo, openid: str) -> AppUserInfo | None:
    """The user behind an openid of this app (for payments, messages, phone numbers), or None."""
    if len(openid) > 28:
        return None
    async with ctx.db.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT app_id, user_id, openid, unionid, session_key FROM auth_app_users "
                    "WHERE openid = :openid AND app_id = :app_id"
                ),
                {"openid": openid, "app_id": app.id},
            )
        ).first()
    return AppUserInfo(*row) if row else None


# -------------------------------------------------------------------------------------------- access tokens
#
# A token is signed and carries its app and expiry: a token we never issued fails its signature (40001),
# an expired one is told apart by its own clock (42001) without keeping a marker for every dead token,
# and the store only says whether a live-by-the-clock token is still the current one (else 40001).

_TOKEN_HEAD = struct.Struct(">cQ16s")  # kind, expiry in unix milliseconds, nonce
_MAC_LEN = 16


@dataclass(frozen=True)
class AccessToken:
    access_token: str
    expires_in: int


@dataclass(frozen=True)
class _Parsed:
    kind: bytes
    expires_ms: int
    nonce: bytes
    appid: str


def _now_ms() -> int:
    return int(time.time() * 1000)


def _sign(ctx: Ctx, kind: bytes, appid: str, ttl: float) -> tuple[str, _Parsed]:
    parsed = _Parsed(kind, _now_ms() + int(ttl * 1000), secrets.token_bytes(16), appid)
    body = _TOKEN_HEAD.pack(kind, parsed.expires_ms, parsed.nonce) + appid.encode()
    mac = hmac.new(_key(ctx, "access_token"), body, hashlib.sha256).digest()[:_MAC_LEN]
    return _b64(mac + body), parsed


def _parse(ctx: Ctx, token: str) -> _Parsed | None:
    if len(token) > MAX_TOKEN:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return None
    if len(raw) <= _MAC_LEN + _TOKEN_HEAD.size:
        return None
    mac, body = raw[:_MAC_LEN], raw[_MAC_LEN:]
    if not hmac.compare_digest(mac, hmac.new(_key(ctx, "access_token"), body, hashlib.sha256).digest()[:_MAC_LEN]):
        return None
    kind, expires_ms, nonce = _TOKEN_HEAD.unpack(body[: _TOKEN_HEAD.size])
    try:
        appid = body[_TOKEN_HEAD.size :].decode()
    except UnicodeDecodeError:
        return None
    return _Parsed(kind, expires_ms, nonce, appid)


def _remaining(parsed: _Parsed) -> float:
    return (parsed.expires_ms - _now_ms()) / 1000


async def _credentials(ctx: Ctx, grant_type: str | None, appid: str | None, secret: str | None) -> AppInfo:
    if grant_type != "client_credential":
        raise _fail(E_INVALID_GRANT_TYPE)
    return await _check_app(ctx, appid, secret)


async def _issue(ctx: Ctx, kind: bytes, appid: str) -> AccessToken:
    ttl = ctx.settings.access_token_ttl
    token, parsed = _sign(ctx, kind, appid, ttl)
    await ctx.store.set(_TOKEN_KEY.format(nonce=parsed.nonce.hex()), appid.encode(), ttl)
    await ctx.store.set(_CURRENT_KEY.format(kind=kind.decode(), appid=appid), token.encode(), ttl)
    return AccessToken(token, ttl)


async def _current(ctx: Ctx, kind: bytes, appid: str) -> tuple[str, _Parsed] | None:
    raw = await ctx.store.get(_CURRENT_KEY.format(kind=kind.decode(), appid=appid))
    if raw is None:
        return None
    parsed = _parse(ctx, raw.decode())
    return (raw.decode(), parsed) if parsed is not None else None


async def get_access_token(ctx: Ctx, grant_type: str | None, appid: str | None, secret: str | None) -> AccessToken:
    """`/cgi-bin/token`: a new token every call; the previous one keeps working for 5 more minutes."""
    app = await _credentials(ctx, grant_type, appid, secret)
    async with ctx.store.lock(f"auth:token:{app.appid}"):
        current = await _current(ctx, b"t", app.appid)
        if current is not None:
            _, old = current
            left = min(_remaining(old), TOKEN_OVERLAP_SECONDS)
            key = _TOKEN_KEY.format(nonce=old.nonce.hex())
            if left > 0 and await ctx.store.get(key) is not None:
                await ctx.store.set(key, app.appid.encode(), left)
        return await _issue(ctx, b"t", app.appid)


async def get_stable_access_token(
    ctx: Ctx, grant_type: str | None, appid: str | None, secret: str | None, force_refresh: bool
) -> AccessToken:
    """`/cgi-bin/stable_token`: the same token while it has more than 5 minutes left (normal mode), or a new one
    that ends the previous at once (force_refresh). Independent of `/cgi-bin/token`'s tokens."""
    app = await _credentials(ctx, grant_type, appid, secret)
    async with ctx.store.lock(f"auth:stable:{app.appid}"):
        current = await _current(ctx, b"s", app.appid)
        if current is not None:
            token, old = current
            left = _remaining(old)
            if force_refresh:
                await ctx.store.delete(_TOKEN_KEY.format(nonce=old.nonce.hex()))
            elif left > TOKEN_OVERLAP_SECONDS or (
                # A token shorter-lived than the overlap (a test setting) is never renewed early.
                ctx.settings.access_token_ttl <= TOKEN_OVERLAP_SECONDS and left > 0
            ):
                return AccessToken(token, int(left))
            # Renewed early, the old token simply runs out at its own time.
        return await _issue(ctx, b"s", app.appid)


async def require_access_token(ctx: Ctx, token: str | None) -> AppInfo:
    """The app an access_token belongs to: 41001 missing, 42001 expired, 40001 anything else not current."""
    if not token:
        raise _fail(E_TOKEN_MISSING)
    parsed = _parse(ctx, token)
    if parsed is None:
        raise _fail(E_INVALID_CREDENTIAL)
    if _remaining(parsed) <= 0:
        raise _fail(E_TOKEN_EXPIRED)
    holder = await ctx.store.get(_TOKEN_KEY.format(nonce=parsed.nonce.hex()))
    if holder is None or holder.decode() != parsed.appid:
        raise _fail(E_INVALID_CREDENTIAL)
    app = await apps.get_app(ctx, parsed.appid)
    if app is None:
        raise _fail(E_INVALID_CREDENTIAL)
    return app
