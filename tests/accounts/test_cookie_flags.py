from fastapi import Response

from minihost.config import Settings
from minihost.web.auth import set_session_cookie


def test_session_cookie_is_secure_behind_https() -> None:
    settings = Settings(base_url="https://mini.example.com", _env_file=None)  # type: ignore[call-arg]
    response = Response()
    set_session_cookie(response, settings, "token")
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
