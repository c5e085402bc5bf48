"""Error handlers: one format for Minihost's API, WeChat's errcode/errmsg on the compatible endpoints."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from minihost.errors import ApiError, WeChatError

log = logging.getLogger("minihost.web")

# Paths that speak WeChat's protocol: their errors are HTTP 200 with errcode/errmsg, as WeChat answers.
WECHAT_PREFIXES = ("/sns/", "/cgi-bin/", "/wxa/", "/wxaapi/", "/datacube/")

# WeChat's code for a malformed or missing argument.
WECHAT_INVALID_ARGS = 44002
WECHAT_SYSTEM_BUSY = -1


def is_wechat_path(path: str) -> bool:
    return path.startswith(WECHAT_PREFIXES)


def wechat_response(errcode: int, errmsg: str) -> JSONResponse:
    return JSONResponse({"errcode": errcode, "errmsg": errmsg})


def api_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return api_response(exc.status, exc.code, exc.message)

    @app.exception_handler(WeChatError)
    async def _wechat_error(request: Request, exc: WeChatError) -> JSONResponse:
        return wechat_response(exc.errcode, exc.errmsg)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        message = _describe_validation(exc)
        if is_wechat_path(request.url.path):
            return wechat_response(WECHAT_INVALID_ARGS, f"invalid args: {message}")
        return api_response(422, "invalid_request", message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if is_wechat_path(request.url.path) and exc.status_code in (404, 405):
            return wechat_response(exc.status_code, f"invalid url: {request.url.path}")
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(exc.status_code, "http_error")
        return api_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if is_wechat_path(request.url.path):
            return wechat_response(WECHAT_SYSTEM_BUSY, "system error")
        return api_response(500, "internal_error", "Something went wrong on our side; it has been logged.")
