"""Merchants (mchid): their API certificate (public key + serial), APIv3 key and the appids they serve.

- `register_merchant(ctx, org_id, name, *, public_key_pem, serial_no="", apiv3_key="",
  platform_mode="certificate") -> RegisteredMerchant` (the APIv3 key is generated when not given)
- `bind_app(ctx, mchid, appid)`: the mini program must belong to the merchant's organisation
- `get_merchant(ctx, mchid) -> MerchantInfo | None`, `app_bound(ctx, mchid, appid) -> bool`
"""

from __future__ import annotations

import re
import secrets
import string
import time
from dataclasses import dataclass

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.pay import sql
from minihost.pay.models import Merchant, MerchantApp
from minihost.pay.signing import load_public_key

PLATFORM_MODES = ("certificate", "public_key")
_SERIAL = re.compile(r"^[0-9A-Fa-f]{8,64}$")
_KEY_CHARS = string.ascii_letters + string.digits


@dataclass(frozen=True)
class MerchantInfo:
    id: int
    mchid: str
    org_id: int
    name: str
    apiv3_key: str
    cert_serial_no: str
    cert_public_key_pem: str
    platform_mode: str


@dataclass(frozen=True)
class RegisteredMerchant:
    merchant: MerchantInfo
    apiv3_key: str


def _info(m: Merchant) -> MerchantInfo:
    return MerchantInfo(
        m.id, m.mchid, m.org_id, m.name, m.apiv3_key, m.cert_serial_no, m.cert_public_key_pem, m.platform_mode
    )


def new_mchid() -> str:
    return "19" + "".join(secrets.choice(string.digits) for _ in range(8))


def new_apiv3_key() -> str:
    return "".join(secrets.choice(_KEY_CHARS) for _ in range(32))


async def register_merchant(
    ctx: Ctx,
    org_id: int,
    name: str,
    *,
    public_key_pem: str,
    serial_no: str = "",
    apiv3_key: str = "",
    platform_mode: str = "certificate",
) -> RegisteredMerchant:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise ApiError(400, "invalid_name", "A merchant name is 1 to 64 characters long.")
    try:
        load_public_key(public_key_pem)
    except ValueError as exc:
        raise ApiError(
            400, "invalid_certificate", f"The API certificate is not a PEM RSA public key or certificate: {exc}"
        ) from None
    if "CERTIFICATE" in public_key_pem and not serial_no:
        serial_no = format(x509.load_pem_x509_certificate(public_key_pem.strip().encode()).serial_number, "X")
    if not _SERIAL.match(serial_no):
        raise ApiError(400, "invalid_serial_no", "serial_no is the API certificate's serial: 8 to 64 hex digits.")
    apiv3_key = apiv3_key or new_apiv3_key()
    if len(apiv3_key.encode()) != 32:
        raise ApiError(400, "invalid_apiv3_key", "An APIv3 key is exactly 32 bytes (32 ASCII characters).")
    if platform_mode not in PLATFORM_MODES:
        raise ApiError(400, "invalid_platform_mode", "platform_mode is 'certificate' or 'public_key'.")
    for _ in range(5):
        try:
            async with ctx.db.session() as s, s.begin():
                m = Merchant(
                    mchid=new_mchid(),
                    org_id=org_id,
                    name=name,
                    apiv3_key=apiv3_key,
                    cert_serial_no=serial_no.upper(),
                    cert_public_key_pem=public_key_pem.strip(),
                    platform_mode=platform_mode,
                )
                s.add(m)
                await s.flush()
                return RegisteredMerchant(_info(m), apiv3_key)
        except IntegrityError:
            continue  # the random mchid was taken
    raise ApiError(500, "mchid_exhausted", "Could not allocate a merchant number; try again.")


# Every signed request and payment reads its merchant; the row changes almost never. Cached per database
# and mchid for CACHE_SECONDS; a change made by this process drops its entry at once, other processes
# see it when their entry ages out (only `platform_mode` can change, and only notifications' key naming
# depends on it).
CACHE_SECONDS = 10.0
_merchants: dict[tuple[str, str], tuple[float, MerchantInfo]] = {}
_bound: set[tuple[str, str, str]] = set()
"""(database, mchid, appid) pairs known bound: bindings are never removed, so a yes stays true."""

_MERCHANT_SQL = (
    "SELECT id, mchid, org_id, name, apiv3_key, cert_serial_no, cert_public_key_pem, platform_mode "
    "FROM pay_merchants WHERE mchid = :mchid"
)


async def get_merchant(ctx: Ctx, mchid: str) -> MerchantInfo | None:
    if len(mchid) > 32:
        return None
    key = (ctx.db.url, mchid)
    cached = _merchants.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    row = await sql.one(ctx, _MERCHANT_SQL, mchid=mchid)
    if row is None:
        return None
    info = MerchantInfo(*row)
    _merchants[key] = (now + CACHE_SECONDS, info)
    return info


def forget_merchant(ctx: Ctx, mchid: str) -> None:
    _merchants.pop((ctx.db.url, mchid), None)


async def bind_app(ctx: Ctx, mchid: str, appid: str) -> None:
    merchant = await get_merchant(ctx, mchid)
    if merchant is None:
        raise ApiError(404, "merchant_not_found", f"No merchant {mchid[:32]!r}.")
    app = await apps.get_app(ctx, appid)
    if app is None:
        raise ApiError(404, "app_not_found", f"No mini program with appid {appid[:40]!r}; check the appid.")
    if app.org_id != merchant.org_id:
        raise ApiError(403, "forbidden", "A merchant can only be bound to mini programs of its own organisation.")
    try:
        async with ctx.db.session() as s, s.begin():
            s.add(MerchantApp(merchant_id=merchant.id, appid=appid))
    except IntegrityError:
        pass  # bound already


async def app_bound(ctx: Ctx, mchid: str, appid: str) -> bool:
    key = (ctx.db.url, mchid, appid)
    if key in _bound:
        return True
    found = await sql.one(
        ctx,
        "SELECT a.id FROM pay_merchant_apps a JOIN pay_merchants m ON m.id = a.merchant_id "
        "WHERE m.mchid = :mchid AND a.appid = :appid",
        mchid=mchid,
        appid=appid,
    )
    if found is not None:
        _bound.add(key)
    return found is not None


async def set_platform_mode(ctx: Ctx, mchid: str, mode: str) -> None:
    if mode not in PLATFORM_MODES:
        raise ApiError(400, "invalid_platform_mode", "platform_mode is 'certificate' or 'public_key'.")
    async with ctx.db.session() as s, s.begin():
        m = (await s.execute(select(Merchant).where(Merchant.mchid == mchid))).scalar_one_or_none()
        if m is None:
            raise ApiError(404, "merchant_not_found", f"No merchant {mchid[:32]!r}.")
        m.platform_mode = mode
    forget_merchant(ctx, mchid)
