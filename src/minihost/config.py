"""The one place for configuration: environment variables prefixed MINIHOST_, or a .env file."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
