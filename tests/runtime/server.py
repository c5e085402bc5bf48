"""A tiny stand-in for the Minihost server, enough to run the browser runtime in tests.

It serves `src/minihost/runtime/static` at `/runtime/` with the headers the real server must send (see
src/minihost/runtime/README.md, "Serving"), bundle files at `/bundles/files/<hash>`, an in-memory fake of
the HOST_API.md endpoints, and a minimal host page at `/`. Replace it with the real app once its routes
exist.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

STATIC = Path(__file__).resolve().parents[2] / "src" / "minihost" / "runtime" / "static"
STORAGE_LIMIT = 10 * 1024 * 1024


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def worker_csp() -> str:
    return "default-src 'none'; script-src 'self' blob:; connect-src 'none'"


def frame_csp(origin: str) -> str:
    return (
        f"default-src 'none'; script-src {origin} blob:; style-src {origin}; "
        f"img-src {origin} data: blob:; font-src {origin} data:; media-src {origin} data: blob:; "
        "connect-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'"
    )


HOST_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "frame-src 'self'; worker-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'"
)

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="csrf-token" content="test-csrf">
<title>Minihost</title>
<link rel="stylesheet" href="/runtime/host/host.css">
<link rel="stylesheet" href="/test/page.css">
<script type="module" src="/test/boot.js"></script>
</head><body><div id="root"></div></body></html>
"""

BOOT_JS = """import { createHost } from '/runtime/host/host.js';
window.host = createHost(document.getElementById('root'));
document.cookie = 'session=host-secret; path=/';
window.__bootDone = true;
"""

PAGE_CSS = "html, body { margin: 0; height: 100%; } #root { height: 100%; }"


@dataclass
class FakeApp:
    appid: str
    name: str
    manifest_hash: str
    icon_url: str = ""
    version: str = "1.0.0"
    kind: str = "release"


@dataclass
class RuntimeServer:
    files: dict[str, bytes] = field(default_factory=dict)
    apps: dict[str, FakeApp] = field(default_factory=dict)
    storage: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    allowed_domains: set[str] = field(default_factory=lambda: {"api.example.com"})
    request_handler: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    login_count: int = 0
    not_found: list[str] = field(default_factory=list)
    port: int = 0
    _httpd: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_files(self, files: dict[str, bytes]) -> None:
        self.files.update(files)

    def add_app(self, appid: str, name: str, manifest_hash: str, files: dict[str, bytes]) -> None:
        self.add_files(files)
        self.apps[appid] = FakeApp(appid, name, manifest_hash)
        self.storage.setdefault(appid, {})

    def start(self) -> None:
        server = self
        handler = type("Handler", (_Handler,), {"server_state": server})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    server_state: RuntimeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # ------------------------------------------------------------------ helpers
    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json")

    def _error(self, status: int, code: str, message: str) -> None:
        self._json(status, {"error": {"code": code, "message": message}})

    def _body(self) -> Any:
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(raw) if raw else None

    # ------------------------------------------------------------------ routes
    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        url = urlparse(self.path)
        path = url.path
        st = self.server_state
        if path == "/" and method == "GET":
            self._send(200, HOST_PAGE.encode(), "text/html; charset=utf-8", {"Content-Security-Policy": HOST_CSP})
        elif path == "/test/boot.js":
            self._send(200, BOOT_JS.encode(), "text/javascript")
        elif path == "/test/page.css":
            self._send(200, PAGE_CSS.encode(), "text/css")
        elif path.startswith("/runtime/"):
            self._static(path[len("/runtime/") :])
        elif path.startswith("/bundles/files/"):
            h = path[len("/bundles/files/") :]
            data = st.files.get(h)
            if data is None:
                st.not_found.append(path)
                self._send(404, b"not found", "text/plain", {"Access-Control-Allow-Origin": "*"})
            else:
                self._send(
                    200,
                    data,
                    "application/octet-stream",
                    {
                        "Access-Control-Allow-Origin": "*",
                        "Cache-Control": "public, max-age=31536000, immutable",
                        "X-Content-Type-Options": "nosniff",
                    },
                )
        elif path.startswith("/host/api/"):
            self._host_api(method, path[len("/host/api/") :], parse_qs(url.query))
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        else:
            st.not_found.append(path)
            self._send(404, b"not found", "text/plain")

    def _static(self, rel: str) -> None:
        p = (STATIC / unquote(rel)).resolve()
        if not str(p).startswith(str(STATIC)) or not p.is_file():
            self._send(404, b"not found", "text/plain")
            return
        ctype = (
            {
                ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8",
                ".html": "text/html; charset=utf-8",
            }.get(p.suffix)
            or mimetypes.guess_type(p.name)[0]
            or "application/octet-stream"
        )
        headers = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
        if rel.startswith("logic/"):
            headers["Content-Security-Policy"] = worker_csp()
        if rel == "view/frame.html":
            headers["Content-Security-Policy"] = frame_csp(self.server_state.origin)
        self._send(200, p.read_bytes(), ctype, headers)

    def _host_api(self, method: str, rest: str, query: dict[str, list[str]]) -> None:
        st = self.server_state
        if rest == "me":
            self._json(200, {"user": {"id": 1, "nickname": "Tester", "avatar_url": ""}})
            return
        if rest == "apps":
            apps = [
                {"appid": a.appid, "name": a.name, "icon_url": a.icon_url, "description": "", "category": ""}
                for a in st.apps.values()
            ]
            self._json(200, {"recent": [], "all": apps})
            return
        parts = rest.split("/")
        if len(parts) < 3 or parts[0] != "apps":
            self._error(404, "not_found", "no such endpoint")
            return
        appid = unquote(parts[1])
        app = st.apps.get(appid)
        if app is None:
            self._error(404, "app_not_found", f"No app with appid {appid}")
            return
        if method != "GET" and self.headers.get("X-CSRF-Token") != "test-csrf":
            self._error(403, "csrf_failed", "missing CSRF token")
            return
        action = parts[2]
        store = st.storage.setdefault(appid, {})
        if action == "launch":
            self._json(
                200,
                {
                    "appid": appid,
                    "name": app.name,
                    "icon_url": app.icon_url,
                    "version": app.version,
                    "kind": query.get("version", ["release"])[0],
                    "manifest_url": f"/bundles/files/{app.manifest_hash}",
                    "files_base": "/bundles/files/",
                    "debug": False,
                },
            )
        elif action == "login" and method == "POST":
            st.login_count += 1
            self._json(200, {"code": f"code-{st.login_count}"})
        elif action == "storage-all":
            self._json(200, {"items": store})
        elif action == "storage" and len(parts) == 3:
            if method == "DELETE":
                store.clear()
                self._json(200, {"ok": True})
            else:
                self._json(200, {"keys": list(store), "current_size": _size(store), "limit_size": STORAGE_LIMIT})
        elif action == "storage":
            key = unquote("/".join(parts[3:]))
            if method == "GET":
                if key not in store:
                    self._error(404, "storage_key_not_found", f"No key {key}")
                else:
                    self._json(200, {"key": key, "value": store[key]})
            elif method == "PUT":
                value = (self._body() or {}).get("value")
                trial = dict(store)
                trial[key] = value
                if _size(trial) > STORAGE_LIMIT:
                    self._error(413, "storage_quota_exceeded", "Storage is limited to 10 MB per app")
                    return
                store[key] = value
                self._json(200, {"ok": True, "current_size": _size(store)})
            elif method == "DELETE":
                store.pop(key, None)
                self._json(200, {"ok": True})
        elif action == "request" and method == "POST":
            body = self._body() or {}
            st.requests.append(body)
            host = urlparse(str(body.get("url", ""))).hostname or ""
            if host not in st.allowed_domains:
                self._error(400, "domain_not_allowed", "request:fail url not in domain list")
                return
            if st.request_handler:
                self._json(200, st.request_handler(body))
            else:
                self._json(
                    200,
                    {
                        "statusCode": 200,
                        "header": {"Content-Type": "application/json"},
                        "data": json.dumps({"echo": body}),
                    },
                )
        else:
            self._error(404, "not_found", "no such endpoint")


def _size(store: dict[str, Any]) -> int:
    return sum(len(k) + len(json.dumps(v)) for k, v in store.items())
