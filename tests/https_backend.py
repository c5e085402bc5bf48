"""A mini program's own backend for browser tests: HTTPS on loopback with a certificate of a throwaway CA.

The server's wx.request proxy reaches it as `https://api.example.test` through MINIHOST_REQUEST_RESOLVE and
trusts its CA through MINIHOST_REQUEST_CA_BUNDLE, so the whitelist and TLS checks run as in production.
It answers `/x` with an echo of the request, and the API of examples/request-login (see its README).
"""

from __future__ import annotations

import datetime
import json
import secrets
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "api.example.test"


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_certificates(folder: Path, hostname: str = HOST) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) as PEM files in `folder`."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Minihost test CA"))
        .issuer_name(_name("Minihost test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hostname))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "server-key.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_path, cert_path, key_path


@dataclass
class Backend:
    """What the backend saw, and the request-login state (tokens it issued; users by token)."""

    ca_path: Path
    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def resolve(self) -> str:
        """The MINIHOST_REQUEST_RESOLVE entry that sends https://api.example.test here."""
        return f"{HOST}:443:127.0.0.1:{self.port}"

    def seen(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == path]

    def expire_tokens(self) -> None:
        self.tokens.clear()


def start_backend(folder: Path) -> Backend:
    ca_path, cert_path, key_path = make_certificates(folder)
    backend = Backend(ca_path)
    handler = type("Handler", (_Handler,), {"backend": backend})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_path, key_path)
    httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    backend.port = httpd.server_address[1]
    backend._httpd = httpd
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return backend


def stop_backend(backend: Backend) -> None:
    if backend._httpd:
        backend._httpd.shutdown()
        backend._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    backend: Backend
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, obj: Any) -> None:
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        record = {
            "method": method,
            "path": url.path,
            "query": {k: v[0] for k, v in parse_qs(url.query).items()},
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
        }
        self.backend.requests.append(record)
        host = self.headers.get("Host", "")
        if url.path == "/x":
            self._send(200, {"echo": {"url": f"https://{host}{url.path}", "method": method, "query": record["query"]}})
        elif url.path == "/api/login" and method == "POST":
            code = (body or {}).get("code") if isinstance(body, dict) else None
            if not code:
                self._send(400, {"error": "no code"})
                return
            token = "tok-" + secrets.token_hex(4)
            self.backend.tokens[token] = "Mini Tester"
            self._send(200, {"token": token, "user": {"nickName": "Mini Tester"}})
        elif url.path in ("/api/profile", "/api/orders"):
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ")
            if not auth.startswith("Bearer ") or token not in self.backend.tokens:
                self._send(401, {"error": "unauthorised"})
            elif url.path == "/api/profile":
                self._send(200, {"nickName": self.backend.tokens[token], "points": 120})
            else:
                self._send(200, {"orders": [{"id": 1, "title": "Coffee beans"}, {"id": 2, "title": "Oat milk"}]})
        elif url.path == "/api/teapot":
            self._send(418, {"error": "teapot"})
        else:
            self._send(404, {"error": "not found"})
