"""Pure ASGI middleware: body size limits and structured request logs (cheap enough for hot paths)."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from minihost.web.errors import is_wechat_path

access_log = logging.getLogger("minihost.access")

_UPLOAD_TYPES = (b"multipart/form-data", b"application/zip", b"application/octet-stream")


class BodyTooLarge(Exception):
    pass


def _too_large_body(path: str, limit: int) -> bytes:
    if is_wechat_path(path):
        return orjson.dumps({"errcode": 44002, "errmsg": f"request body exceeds {limit} bytes"})
    return orjson.dumps({"error": {"code": "body_too_large", "message": f"The request body exceeds {limit} bytes."}})


class BodyLimitMiddleware:
    """Refuses bodies over the limit before they are read into memory (413)."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        ctype = headers.get(b"content-type", b"")
        limit = self.max_upload if ctype.startswith(_UPLOAD_TYPES) else self.max_body
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._reject(scope, send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await self._reject(scope, send, limit)

    @staticmethod
    async def _reject(scope: Scope, send: Send, limit: int) -> None:
        body = _too_large_body(scope["path"], limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RequestLogMiddleware:
    """One JSON line per request: method, path, status, duration and a request id echoed to the client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            record: dict[str, Any] = {
                "request_id": request_id,
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - start) * 1000, 2),
            }
            access_log.info(orjson.dumps(record).decode())
