"""WeChat Pay v3 signatures and encryption, both directions.

- Merchants sign requests: `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",
  signature="..",timestamp="..",serial_no=".."` over `METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n` with the
  private key of the API certificate they registered (SHA256withRSA, PKCS#1 v1.5, base64).
- The platform signs every response and notification over `TIMESTAMP\\nNONCE\\nBODY\\n` with its own key and
  names the key in `Wechatpay-Serial`: the certificate's serial (hex) or, in public-key mode, its
  `PUB_KEY_ID_...`.
- Notification resources and served certificates are AEAD_AES_256_GCM with the merchant's APIv3 key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import string
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from minihost.context import Ctx
from minihost.pay.errors import sign_error
from minihost.pay.models import PlatformKey

SCHEME = "WECHATPAY2-SHA256-RSA2048"
TIMESTAMP_WINDOW = 300
CHINA = timezone(timedelta(hours=8))
_AUTH_FIELD = re.compile(r'(\w+)="([^"]*)"')


def rfc3339(value: datetime) -> str:
    """WeChat's time format: China time with its offset, e.g. 2018-06-08T10:34:56+08:00."""
    return value.astimezone(CHINA).replace(microsecond=0).isoformat()


def new_nonce(length: int = 32) -> str:
    # Hex is within WeChat's nonce alphabet; one token_hex call is ~20x cheaper than a choice per character.
    return secrets.token_hex((length + 1) // 2)[:length]


def rsa_sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def aes_encrypt(apiv3_key: str, plaintext: str, associated_data: str) -> tuple[str, str]:
    """(nonce, base64 ciphertext+tag) as WeChat sends them; the nonce is 12 printable characters."""
    nonce = new_nonce(12)
    data = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext.encode(), associated_data.encode())
    return nonce, base64.b64encode(data).decode()


def aes_decrypt(apiv3_key: str, nonce: str, ciphertext: str, associated_data: str) -> str | None:
    try:
        plain = AESGCM(apiv3_key.encode()).decrypt(
            nonce.encode(), base64.b64decode(ciphertext), associated_data.encode()
        )
    except (InvalidTag, ValueError):
        return None
    return plain.decode()


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """A merchant's RSA public key from a PEM public key or an X.509 certificate; ValueError otherwise."""
    data = pem.strip().encode()
    key: object
    if b"CERTIFICATE" in data:
        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise ValueError("an API certificate key is RSA with at least 2048 bits")
    return key


_public_keys: dict[str, rsa.RSAPublicKey] = {}


def cached_public_key(pem: str) -> rsa.RSAPublicKey:
    key = _public_keys.get(pem)
    if key is None:
        key = _public_keys[pem] = load_public_key(pem)
    return key


# ------------------------------------------------------------------------------------------ requests in


@dataclass(frozen=True)
class Authorization:
    mchid: str
    nonce_str: str
    signature: str
    timestamp: str
    serial_no: str


def parse_authorization(header: str) -> Authorization:
    scheme, _, rest = header.strip().partition(" ")
    if scheme != SCHEME:
        raise sign_error(f"Authorization must use the {SCHEME} scheme; sign the request as the SDKs do.")
    fields = dict(_AUTH_FIELD.findall(rest))
    missing = [k for k in ("mchid", "nonce_str", "signature", "timestamp", "serial_no") if not fields.get(k)]
    if missing:
        raise sign_error(f"Authorization lacks {', '.join(missing)}.")
    return Authorization(
        fields["mchid"], fields["nonce_str"], fields["signature"], fields["timestamp"], fields["serial_no"]
    )


def request_message(method: str, url: str, timestamp: str, nonce: str, body: str) -> str:
    return f"{method}\n{url}\n{timestamp}\n{nonce}\n{body}\n"


async def verify_request(
    ctx: Ctx,
    auth: Authorization,
    *,
    public_key_pem: str,
    cert_serial_no: str,
    method: str,
    url: str,
    body: str,
    now: float | None = None,
) -> None:
    """Raise 401 SIGN_ERROR unless the request is signed by the merchant's key, fresh and not replayed."""
    if auth.serial_no.upper() != cert_serial_no.upper():
        raise sign_error("serial_no is not the serial of the API certificate registered for this mchid.")
    try:
        stamp = int(auth.timestamp)
    except ValueError:
        raise sign_error("timestamp must be Unix seconds.") from None
    if abs((now or time.time()) - stamp) > TIMESTAMP_WINDOW:
        raise sign_error("timestamp is more than 5 minutes away from the server's clock; sync the clock and retry.")
    if len(auth.nonce_str) > 64:
        raise sign_error("nonce_str is at most 64 characters.")
    key = cached_public_key(public_key_pem)
    if not rsa_verify(key, request_message(method, url, auth.timestamp, auth.nonce_str, body), auth.signature):
        raise sign_error("The signature does not verify; sign METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n exactly.")
    # Checked last so unsigned garbage cannot use up a merchant's nonces.
    fresh = await ctx.store.add(f"pay:nonce:{auth.mchid}:{auth.nonce_str}", b"1", ttl=2 * TIMESTAMP_WINDOW + 60)
    if not fresh:
        raise sign_error("nonce_str was used before; send a fresh random nonce with every request.")


# --------------------------------------------------------------------------------------- platform key


@dataclass(frozen=True)
class PlatformKeyInfo:
    serial_no: str
    public_key_id: str
    private_key: rsa.RSAPrivateKey
    certificate_pem: str
    public_key_pem: str
    not_before: datetime
    not_after: datetime


_platform: dict[str, list[PlatformKeyInfo]] = {}


def _wrap_key(ctx: Ctx) -> bytes:
    # The private key rests encrypted under a key derived from the server secret, not in the clear.
    return hmac.new(ctx.settings.resolved_secret_key().encode(), b"minihost.pay.platform-key", hashlib.sha256).digest()


def _seal(ctx: Ctx, pem: bytes) -> str:
    nonce = secrets.token_bytes(12)
    return base64.b64encode(nonce + AESGCM(_wrap_key(ctx)).encrypt(nonce, pem, b"platform-key")).decode()


def _unseal(ctx: Ctx, sealed: str) -> bytes:
    raw = base64.b64decode(sealed)
    return AESGCM(_wrap_key(ctx)).decrypt(raw[:12], raw[12:], b"platform-key")


def _new_platform_key(ctx: Ctx) -> PlatformKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Minihost"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Minihost Pay Platform"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=5 * 365))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return PlatformKey(
        serial_no=format(cert.serial_number, "X"),
        public_key_id="PUB_KEY_ID_01" + "".join(secrets.choice(string.digits) for _ in range(30)),
        private_key_pem=_seal(ctx, pem),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        not_before=now - timedelta(minutes=5),
        not_after=now + timedelta(days=5 * 365),
    )


def _info(ctx: Ctx, row: PlatformKey) -> PlatformKeyInfo:
    # Our own key, sealed under the server secret: its RSA consistency check (slow) is skipped on load.
    private = serialization.load_pem_private_key(
        _unseal(ctx, row.private_key_pem), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(private, rsa.RSAPrivateKey)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return PlatformKeyInfo(
        row.serial_no,
        row.public_key_id,
        private,
        row.certificate_pem,
        public_pem.decode(),
        row.not_before,
        row.not_after,
    )


async def platform_keys(ctx: Ctx) -> list[PlatformKeyInfo]:
    """Every platform key, newest first; the first is the one that signs. Made on first use."""
    cached = _platform.get(ctx.db.url)
    if cached:
        return cached
    async with ctx.store.lock("pay:platform-key", ttl=30, wait=30):
        async with ctx.db.session() as s:
            rows = list((await s.execute(select(PlatformKey).order_by(PlatformKey.id.desc()))).scalars())
        if not rows:
            async with ctx.db.session() as s, s.begin():
                row = _new_platform_key(ctx)
                s.add(row)
            rows = [row]
    keys = [_info(ctx, r) for r in rows]
    _platform[ctx.db.url] = keys
    return keys


async def platform_key(ctx: Ctx) -> PlatformKeyInfo:
    return (await platform_keys(ctx))[0]


def signed_headers(key: PlatformKeyInfo, body: str, *, public_key_mode: bool) -> dict[str, str]:
    """The Wechatpay-* headers of a response or notification carrying `body`."""
    timestamp = str(int(time.time()))
    nonce = new_nonce()
    return {
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": rsa_sign(key.private_key, f"{timestamp}\n{nonce}\n{body}\n"),
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Serial": key.public_key_id if public_key_mode else key.serial_no,
        "Wechatpay-Signature-Type": SCHEME,
    }
