"""Short-lived credentials of the component API: tokens, pre-auth codes and authorization codes.

A credential is a kind letter and base64url of (expiry, nonce, HMAC): its signature and expiry are checked
without a lookup (so an expired one answers 42001 / 61010 rather than "invalid"), then the store must still
hold its nonce (so it can be revoked or used up). The store maps the nonce to its holder.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time
from dataclasses import dataclass
from functools import lru_cache

from minihost.context import Ctx

COMPONENT_TOKEN = "c"  # noqa: S105 (a kind letter, not a secret)
AUTHORIZER_TOKEN = "a"  # noqa: S105
PRE_AUTH_CODE = "p"
AUTH_CODE = "q"
_PREFIX = {COMPONENT_TOKEN: "", AUTHORIZER_TOKEN: "", PRE_AUTH_CODE: "preauthcode@@@", AUTH_CODE: "queryauthcode@@@"}
_KEY = "op:cred:{kind}:{nonce}"
MAX_LENGTH = 200


@lru_cache(maxsize=4)
def _subkey(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"minihost.openplatform.credentials", hashlib.sha256).digest()


def _mac(ctx: Ctx, kind: str, payload: bytes) -> bytes:
    return hmac.new(_subkey(ctx.settings.resolved_secret_key()), kind.encode() + payload, hashlib.sha256).digest()[:16]


@dataclass(frozen=True)
class Checked:
    holder: str | None
    """What the store keeps for it; None when it was revoked, used up or never issued."""
    expired: bool
    nonce: str


async def issue(ctx: Ctx, kind: str, holder: str, ttl: int) -> str:
    """A new credential of `kind` for `holder`, good for `ttl` seconds (a negative ttl makes an expired one)."""
    nonce = secrets.token_bytes(12)
    payload = struct.pack(">q", int(time.time()) + ttl) + nonce
    raw = payload + _mac(ctx, kind, payload)
    token = _PREFIX[kind] + kind + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    if ttl > 0:
        await ctx.store.set(_KEY.format(kind=kind, nonce=nonce.hex()), holder.encode(), ttl)
    return token


def _parse(ctx: Ctx, kind: str, token: str) -> tuple[int, str] | None:
    prefix = _PREFIX[kind] + kind
    if not token.startswith(prefix) or len(token) > MAX_LENGTH:
        return None
    body = token[len(prefix) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 8 + 12 + 16:
        return None
    payload, mac = raw[:20], raw[20:]
    if not hmac.compare_digest(mac, _mac(ctx, kind, payload)):
        return None
    (expiry,) = struct.unpack(">q", payload[:8])
    return expiry, payload[8:].hex()


async def check(ctx: Ctx, kind: str, token: str, *, take: bool = False) -> Checked | None:
    """None when the credential is not one of ours at all; else its holder (taken out when `take`)."""
    parsed = _parse(ctx, kind, token)
    if parsed is None:
        return None
    expiry, nonce = parsed
    if expiry <= time.time():
        return Checked(None, True, nonce)
    key = _KEY.format(kind=kind, nonce=nonce)
    raw = await (ctx.store.take(key) if take else ctx.store.get(key))
    return Checked(raw.decode() if raw is not None else None, False, nonce)


async def revoke(ctx: Ctx, kind: str, token: str) -> None:
    parsed = _parse(ctx, kind, token)
    if parsed is not None:
        await ctx.store.delete(_KEY.format(kind=kind, nonce=parsed[1]))


def refresh_token(ctx: Ctx, authorization_id: int, generation: int) -> str:
    """The authorizer_refresh_token: derived, never stored; a revocation bumps the generation and ends it."""
    msg = f"refresh:{authorization_id}:{generation}".encode()
    mac = hmac.new(_subkey(ctx.settings.resolved_secret_key()), msg, hashlib.sha256).digest()
    return "refreshtoken@@@" + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
