"""WeChat's message encryption for pushes to a platform (the WXBizMsgCrypt scheme).

- The key is the 43-character EncodingAESKey plus "=" decoded from base64: 32 bytes, AES-256-CBC, and the IV
  is the key's first 16 bytes.
- The plaintext is 16 random bytes, the message length as 4 big-endian bytes, the message, then the
  component_appid; padded PKCS#7 to a multiple of 32 bytes (WeChat's block size for the padding, not AES's).
- `msg_signature` is the SHA-1 hex of token, timestamp, nonce and the base64 ciphertext, sorted and joined.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAD_BLOCK = 32


class CryptoError(ValueError):
    """A message that is not ours: bad signature, bad padding, wrong appid."""


def new_encoding_aes_key() -> str:
    # 32 bytes are 44 base64 characters ending in "="; WeChat's key is the 43 before it.
    return base64.b64encode(secrets.token_bytes(32)).decode()[:43]


def aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise CryptoError("an EncodingAESKey decodes to 32 bytes")
    return key


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted((token, timestamp, nonce, encrypt))).encode()).hexdigest()  # noqa: S324


def _pad(data: bytes) -> bytes:
    n = PAD_BLOCK - len(data) % PAD_BLOCK
    return data + bytes([n]) * n


def encrypt(encoding_aes_key: str, message: str, appid: str) -> str:
    key = aes_key(encoding_aes_key)
    raw = message.encode()
    plain = _pad(secrets.token_bytes(16) + struct.pack(">I", len(raw)) + raw + appid.encode())
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def decrypt(encoding_aes_key: str, encrypted: str, appid: str) -> str:
    key = aes_key(encoding_aes_key)
    try:
        data = base64.b64decode(encrypted, validate=True)
    except ValueError:
        raise CryptoError("not base64") from None
    if not data or len(data) % 16:
        raise CryptoError("not whole AES blocks")
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = dec.update(data) + dec.finalize()
    n = plain[-1]
    if not 1 <= n <= PAD_BLOCK or plain[-n:] != bytes([n]) * n:
        raise CryptoError("bad padding")
    body = plain[16:-n]
    (length,) = struct.unpack(">I", body[:4])
    message, from_appid = body[4 : 4 + length], body[4 + length :]
    if from_appid.decode(errors="replace") != appid:
        raise CryptoError("encrypted for another appid")
    return message.decode()


@dataclass(frozen=True)
class Envelope:
    """A push as it goes over the wire: the XML body and the query string parameters."""

    body: str
    timestamp: str
    nonce: str
    msg_signature: str

    def params(self) -> dict[str, str]:
        # `signature` is the plain-mode signature over token/timestamp/nonce, sent alongside as WeChat does.
        return {
            "timestamp": self.timestamp,
            "nonce": self.nonce,
            "encrypt_type": "aes",
            "msg_signature": self.msg_signature,
        }


def seal(token: str, encoding_aes_key: str, appid: str, xml: str, timestamp: int) -> Envelope:
    """Encrypt and sign one message the way WeChat pushes it to a third-party platform."""
    encrypted = encrypt(encoding_aes_key, xml, appid)
    nonce = str(secrets.randbelow(10**10))
    ts = str(timestamp)
    body = f"<xml><AppId><![CDATA[{appid}]]></AppId><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return Envelope(body, ts, nonce, signature(token, ts, nonce, encrypted))


def open_envelope(token: str, encoding_aes_key: str, appid: str, encrypted: str, params: dict[str, str]) -> str:
    """The plaintext of a push after checking its signature: what a platform's receiver does."""
    expected = signature(token, params.get("timestamp", ""), params.get("nonce", ""), encrypted)
    if not secrets.compare_digest(expected, params.get("msg_signature", "")):
        raise CryptoError("bad msg_signature")
    return decrypt(encoding_aes_key, encrypted, appid)
