"""Shared by the pay tests: a merchant with its RSA key and mini program, a payer with wallet and PIN."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.auth import service as auth
from minihost.context import Ctx
from minihost.pay import ledger, merchants, payments
from minihost.pay.signing import rsa_sign, rsa_verify

PASSWORD = "correct horse battery"
PIN = "135790"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # one key keeps the suite fast


@dataclass
class Kit:
    mchid: str
    appid: str
    org_id: int
    apiv3_key: str
    serial_no: str
    private_key: rsa.RSAPrivateKey
    private_pem: str

    def authorization(
        self, method: str, url: str, body: str, *, timestamp: int | None = None, nonce: str | None = None
    ) -> str:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or secrets.token_hex(16)
        signature = rsa_sign(self.private_key, f"{method}\n{url}\n{ts}\n{nonce}\n{body}\n")
        return (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{self.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{ts}",serial_no="{self.serial_no}"'
        )

    def pay_params(self, prepay_id: str) -> dict[str, str]:
        ts, nonce, package = str(int(time.time())), secrets.token_hex(16), f"prepay_id={prepay_id}"
        sign = rsa_sign(self.private_key, f"{self.appid}\n{ts}\n{nonce}\n{package}\n")
        return {
            "appid": self.appid,
            "timeStamp": ts,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": sign,
        }


@dataclass
class Payer:
    id: int
    openid: str
    headers: dict[str, str]


async def new_merchant(
    ctx: Ctx, unique: str, *, mode: str = "certificate", key: rsa.RSAPrivateKey | None = None
) -> Kit:
    owner = await accounts.create_user(ctx, f"mch_{unique}", PASSWORD)
    org_id = await accounts.create_organisation(ctx, owner.id, f"Shop {unique}")
    app = await apps.register_app(ctx, org_id, f"Shop {unique}")
    key = key or _KEY
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    serial = secrets.token_hex(20).upper()
    made = await merchants.register_merchant(
        ctx, org_id, f"Shop {unique}", public_key_pem=public_pem, serial_no=serial, platform_mode=mode
    )
    await merchants.bind_app(ctx, made.merchant.mchid, app.app.appid)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return Kit(made.merchant.mchid, app.app.appid, org_id, made.apiv3_key, serial, key, private_pem)


async def new_payer(ctx: Ctx, unique: str, appid: str, *, balance: int = 100_00, pin: str = PIN) -> Payer:
    name = f"payer_{unique}_{secrets.token_hex(2)}"
    user = await accounts.create_user(ctx, name, PASSWORD)
    signed = await accounts.sign_in(ctx, name, PASSWORD)
    if balance:
        await ledger.top_up(ctx, user.id, balance, f"test:{name}")
    if pin:
        await payments.set_pin(ctx, user.id, pin)
    headers = {"Cookie": f"mh_session={signed.session_token}", "X-CSRF-Token": signed.csrf_token}
    return Payer(user.id, auth.openid_for(ctx, appid, user.id), headers)


def order_body(kit: Kit, payer: Payer, out_trade_no: str, total: int = 1999, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "appid": kit.appid,
        "mchid": kit.mchid,
        "description": "Coffee",
        "out_trade_no": out_trade_no,
        "notify_url": "https://shop.example/notify",
        "amount": {"total": total, "currency": "CNY"},
        "payer": {"openid": payer.openid},
    }
    body.update(extra)
    return body


async def call(
    client: httpx.AsyncClient, kit: Kit, method: str, url: str, payload: Any | None = None, **sign: Any
) -> httpx.Response:
    body = "" if payload is None else json.dumps(payload)
    headers = {"Authorization": kit.authorization(method, url, body, **sign), "Content-Type": "application/json"}
    return await client.request(method, url, content=body.encode(), headers=headers)


def verify_platform_signature(response: httpx.Response, public_key_pem: str) -> bool:
    key = serialization.load_pem_public_key(public_key_pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    h = response.headers
    message = f"{h['Wechatpay-Timestamp']}\n{h['Wechatpay-Nonce']}\n{response.text}\n"
    return rsa_verify(key, message, h["Wechatpay-Signature"])


def cert_serial(pem: str) -> str:
    return format(x509.load_pem_x509_certificate(pem.encode()).serial_number, "X")


__all__ = ["hashes"]
