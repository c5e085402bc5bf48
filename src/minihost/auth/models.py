"""Tables of the auth domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from minihost.db import Base, utcnow


class AppUser(Base):
    """A user who has signed in to a mini program: the (user, app) pair, its openid and latest session_key."""

    __tablename__ = "auth_app_users"

    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    openid: Mapped[str] = mapped_column(String(28), unique=True)
    unionid: Mapped[str] = mapped_column(String(28), index=True)
    session_key: Mapped[str] = mapped_column(String(24))
    """Base64 of 16 random bytes, fresh per login: decrypts getPhoneNumber and friends; never sent to the client."""
    first_login_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
