"""The one place for configuration: environment variables prefixed MINIHOST_, or a .env file."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def parse_resolve(value: str) -> dict[tuple[str, int], tuple[str, int]]:
    """`host:port:address[:port2]`, comma-separated → {(host, port): (address, port2 or port)}."""
    table: dict[tuple[str, int], tuple[str, int]] = {}
    for entry in filter(None, (e.strip() for e in value.split(","))):
        parts = entry.split(":")
        if len(parts) not in (3, 4) or not all(parts) or not all(p.isdigit() for p in parts[1::2]):
            raise ValueError(f"MINIHOST_REQUEST_RESOLVE entry {entry!r} is not host:port:address[:port]")
        port = int(parts[1])
        table[(parts[0].lower(), port)] = (parts[2], int(parts[3]) if len(parts) == 4 else port)
    return table


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MINIHOST_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    """SQLAlchemy async URL; empty means a SQLite file in data_dir (the embedded default)."""
    redis_url: str = ""
    """Empty means in-process short-lived state (one process only)."""
    secret_key: str = ""
    """Signs cookies; empty means a random key kept in data_dir/secret_key."""
    base_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    log_requests: bool = True
    max_body_bytes: int = 1024 * 1024
    """Largest JSON/form request body accepted; uploads have their own limit."""
    max_upload_bytes: int = 25 * 1024 * 1024
    login_code_ttl: int = 300
    access_token_ttl: int = 7200
    session_ttl: int = 30 * 24 * 3600
    storage_quota_bytes: int = 10 * 1024 * 1024
    package_main_limit: int = 2 * 1024 * 1024
    package_sub_limit: int = 2 * 1024 * 1024
    package_total_limit: int = 20 * 1024 * 1024
    jscode2session_per_minute: int = Field(default=100_000, ge=1)
    """Per-appid rate limit on jscode2session; WeChat answers 45011 past it."""
    seed_demo: bool = True
    review_forbidden_words: list[str] = Field(default_factory=lambda: ["赌博", "博彩", "casino", "gambling"])
    """Words a package's text may not contain; automated review refuses a submission that does
    (JSON list in MINIHOST_REVIEW_FORBIDDEN_WORDS)."""
    review_screenshots: bool = True
    """Render the first pages of a submitted version in Chromium for reviewers (needs /usr/bin/chromium)."""
    chromium_path: str = "/usr/bin/chromium"
    request_resolve: str = ""
    """Where the wx.request proxy connects, like curl's --resolve: comma-separated `host:port:address` or
    `host:port:address:port2` (split DNS, a backend on a private address, tests). The domain whitelist and
    the TLS certificate are still checked against `host`."""
    request_ca_bundle: str = ""
    """A PEM file of certificate authorities the wx.request proxy trusts besides the public ones."""

    @field_validator("request_resolve")
    @classmethod
    def _check_resolve(cls, value: str) -> str:
        parse_resolve(value)
        return value

    def resolve_table(self) -> dict[tuple[str, int], tuple[str, int]]:
        return parse_resolve(self.request_resolve)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'minihost.db').resolve()}"

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
