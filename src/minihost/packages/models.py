"""Tables of the packages domain: uploaded versions, the release history, and what each stored file is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from minihost.db import Base, utcnow

# The life of a version, as in WeChat: every upload is a develop version; one may be made the trial
# version, submitted for audit, then released (optionally grey first).
VERSION_STATES = ("develop", "trial", "audit", "release")


class AppVersion(Base):
    """One uploaded, compiled package of an app."""

    __tablename__ = "app_versions"
    __table_args__ = (UniqueConstraint("app_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(18))
    """The app's public id, kept here so listings need no join into the apps domain's tables."""
    version: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="develop")
    """The furthest state reached: develop | trial | audit | release (review is issue 6)."""
    manifest_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    """Bytes of every compiled output file of the version."""
    source_size: Mapped[int] = mapped_column(BigInteger, default=0)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Release(Base):
    """The release history of an app: the newest row is live. Grey releases and rollback add rows too."""

    __tablename__ = "app_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(18))
    version_id: Mapped[int] = mapped_column(ForeignKey("app_versions.id", ondelete="CASCADE"), index=True)
    grey_percent: Mapped[int] = mapped_column(Integer, default=100)
    """Share of users (0-100, by a stable hash of the user) who get this release; the rest keep the previous."""
    kind: Mapped[str] = mapped_column(String(16), default="release")
    """release | grey | rollback: how this row came to be."""
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BundleFile(Base):
    """What a stored output file is, so it is served with the right Content-Type (its bytes live in storage)."""

    __tablename__ = "bundle_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Review(Base):
    """One submission of a version for audit: the automated checks' findings, then a reviewer's decision."""

    __tablename__ = "app_reviews"
    __table_args__ = (
        Index(
            "uq_app_reviews_one_pending",
            "app_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(18))
    version_id: Mapped[int] = mapped_column(ForeignKey("app_versions.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    """pending | approved | rejected | withdrawn. At most one pending review per app (the service holds it)."""
    checks: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of the automated checks' findings ({"level", "file", "line", "col", "message"})."""
    screenshots: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of {"page", "sha256"} (PNG files in the bundle store), or {"page", "error"}."""
    reason: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
