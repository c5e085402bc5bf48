"""Request-domain whitelist entries: what is accepted, and the one normal form they are stored and matched in.

An entry is a host name with an optional port, e.g. `api.example.com` or `api.example.com:8443`, written
with or without its scheme (`https://` for request/upload/download, `wss://` for socket). Stored form:
lower-case, IDN in punycode, no scheme, no trailing dot, no `:443`. IP addresses, `localhost`, wildcards,
paths, queries, user names and plain http are refused, as WeChat does.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import idna

from minihost.errors import ApiError

KINDS = ("request", "upload", "download", "socket")
MAX_PER_KIND = 20
SCHEMES = {"request": "https", "upload": "https", "download": "https", "socket": "wss"}
DEFAULT_PORT = 443

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_FORBIDDEN_CHARS = re.compile(r"[\s\\\x00-\x1f\x7f]")


class DomainError(ValueError):
    """Why an entry or URL is not acceptable, in words for the user."""


def invalid_domain(message: str) -> ApiError:
    return ApiError(400, "invalid_domain", message)


def _ascii_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise DomainError("the host name is empty")
    if "*" in host:
        raise DomainError("wildcards are not allowed; list each host name")
    if host.startswith("[") or _is_ip(host):
        raise DomainError("IP addresses are not allowed; use a host name with a valid certificate")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise DomainError(f"not a valid international host name ({exc})") from None
    if len(host) > 253:
        raise DomainError("a host name is at most 253 characters")
    labels = host.split(".")
    if len(labels) < 2:
        raise DomainError("use a full host name such as api.example.com")
    if not all(_LABEL.match(label) for label in labels):
        raise DomainError("a host name is letters, digits and '-' separated by dots")
    if labels[-1].isdigit():
        raise DomainError("the last part of a host name cannot be a number")
    return host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise DomainError("a port is a number from 1 to 65535")
    return int(value)


def _join(host: str, port: int | None) -> str:
    return host if port in (None, DEFAULT_PORT) else f"{host}:{port}"


def normalise_entry(entry: str, kind: str) -> str:
    """The stored form of a whitelist entry; DomainError says what is wrong."""
    raw = entry.strip()
    if not raw:
        raise DomainError("the entry is empty")
    if len(raw) > 300:
        raise DomainError("the entry is too long")
    if _FORBIDDEN_CHARS.search(raw):
        raise DomainError("spaces, backslashes and control characters are not allowed")
    scheme = SCHEMES[kind]
    if "://" in raw:
        given, _, raw = raw.partition("://")
        if given.lower() != scheme:
            raise DomainError(f"{kind} domains must use {scheme}://, not {given.lower()}://")
    if raw.endswith("/"):
        raw = raw[:-1]
    if any(ch in raw for ch in "/?#"):
        raise DomainError("give only the host name (and port), without a path, query or fragment")
    if "@" in raw:
        raise DomainError("user names and passwords are not allowed in a domain")
    host, sep, port_text = raw.rpartition(":") if raw.count(":") == 1 else (raw, "", "")
    if not sep:
        host = raw
    if ":" in host:
        raise DomainError("IP addresses are not allowed; use a host name with a valid certificate")
    return _join(_ascii_host(host), _port(port_text) if sep else None)


def display_entry(stored: str, kind: str) -> str:
    return f"{SCHEMES[kind]}://{stored}"


def url_key(url: str, kind: str) -> str | None:
    """The stored form a URL must match to be allowed, or None when the URL is not acceptable at all."""
    if len(url) > 8192 or _FORBIDDEN_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() != SCHEMES[kind] or "@" in parts.netloc or not parts.hostname:
        return None
    try:
        host = _ascii_host(parts.hostname)
    except DomainError:
        return None
    return _join(host, port)
