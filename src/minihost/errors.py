"""The two error shapes clients see: Minihost's own, and WeChat's errcode/errmsg."""

from __future__ import annotations


class ApiError(Exception):
    """An error of Minihost's own API: `{"error": {"code", "message"}}` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class WeChatError(Exception):
    """An error of a WeChat-compatible endpoint: HTTP 200 with `{"errcode", "errmsg"}`, as WeChat answers."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


def not_found(code: str, message: str) -> ApiError:
    return ApiError(404, code, message)


def forbidden(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)


def bad_request(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)
