"""Tables of the host: recently used mini programs and each user's storage of each mini program."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minihost.db import Base, utcnow


class RecentApp(Base):
    __tablename__ = "host_recent_apps"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True)
    appid: Mapped[str] = mapped_column(String(18))
    """The app's public id, kept here so listings need no join into the apps domain's tables."""
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class StorageItem(Base):
    """One key of wx.setStorage, per (user, app): kept on the server so it follows the user to any device."""

    __tablename__ = "host_storage"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    """The value as JSON text."""
    size: Mapped[int] = mapped_column(Integer)
    """UTF-8 bytes of key plus JSON value: what counts against the quota."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
