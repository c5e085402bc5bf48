"""WeChat Pay v3's own error shape: `{"code": "PARAM_ERROR", "message": "..."}` with its HTTP status."""

from __future__ import annotations


class PayError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message


def param_error(message: str) -> PayError:
    return PayError(400, "PARAM_ERROR", message)


def sign_error(message: str) -> PayError:
    return PayError(401, "SIGN_ERROR", message)


def invalid_request(message: str) -> PayError:
    return PayError(400, "INVALID_REQUEST", message)
