"""Tables of the open platform: third-party platforms, authorizations, drafts, templates, commits, the outbox.

Audits, releases and rollbacks are the packages domain's (its reviews and release history); a WeChat
`auditid` here is the id of a packages review.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minihost.db import Base, utcnow

PLATFORM_STATES = ("pending", "approved", "rejected")


class Platform(Base):
    """A third-party platform: an organisation's application and, once approved, its component credentials."""

    __tablename__ = "op_platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    component_appid: Mapped[str | None] = mapped_column(String(18), unique=True, nullable=True)
    secret_hash: Mapped[str] = mapped_column(String(64), default="")
    """SHA-256 of the component_appsecret; empty until an admin of the organisation makes one."""
    message_token: Mapped[str] = mapped_column(String(32), default="")
    encoding_aes_key: Mapped[str] = mapped_column(String(43), default="")
    """Kept readable, as WeChat does: every push is encrypted with it."""
    message_url: Mapped[str] = mapped_column(String(512), default="")
    ticket: Mapped[str] = mapped_column(String(96), default="")
    ticket_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    previous_ticket: Mapped[str] = mapped_column(String(96), default="")
    previous_ticket_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_ticket_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    """The durable push schedule: the worker claims platforms whose time has come (survives restarts)."""
    applied_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Authorization(Base):
    """A business app authorizing a platform to act for it within some scopes (WeChat's func_info ids)."""

    __tablename__ = "op_authorizations"
    __table_args__ = (UniqueConstraint("platform_id", "app_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("op_platforms.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(18))
    scopes: Mapped[str] = mapped_column(String(255), default="")
    """Comma-separated func_info ids."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    """Bumped on every revocation: tokens and refresh tokens carry it, so revoking ends them at once."""
    authorized_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    """The business admin who granted it: the platform's uploads and releases are done in their name."""
    authorized_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Draft(Base):
    """A package the platform uploaded to one of its own apps: the draft box templates are made from."""

    __tablename__ = "op_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("op_platforms.id", ondelete="CASCADE"), index=True)
    source_appid: Mapped[str] = mapped_column(String(18))
    user_version: Mapped[str] = mapped_column(String(64))
    user_desc: Mapped[str] = mapped_column(Text, default="")
    source_sha256: Mapped[str] = mapped_column(String(64))
    """The uploaded source zip, kept in the data directory: a commit recompiles it with the business's ext_json."""
    developer: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Template(Base):
    __tablename__ = "op_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("op_platforms.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("op_drafts.id", ondelete="CASCADE"))
    template_type: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Commit(Base):
    """What a platform committed to an authorizer app (the code it will submit for audit)."""

    __tablename__ = "op_commits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("op_platforms.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(18))
    template_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(64))
    """The packages version it became (user_version, made unique per app)."""
    user_version: Mapped[str] = mapped_column(String(64))
    user_desc: Mapped[str] = mapped_column(Text, default="")
    auditid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The packages review this commit was submitted as."""
    audit_pushed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    """Whether the review's result was pushed to the platform (weapp_audit_success / weapp_audit_fail)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FastRegistration(Base):
    """`fastregisterweapp`: a platform asks to create a mini program for a business; an admin confirms it."""

    __tablename__ = "op_fast_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("op_platforms.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    legal_persona_wechat: Mapped[str] = mapped_column(String(64))
    legal_persona_name: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[int] = mapped_column(Integer, default=-1)
    """-1 waiting for the business's admin, 0 done, 1 refused."""
    appid: Mapped[str] = mapped_column(String(18), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """A push to a platform's message URL, encrypted when enqueued, retried until answered with 2xx."""

    __tablename__ = "op_outbox"
    __table_args__ = (Index("ix_op_outbox_due", "done", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("op_platforms.id", ondelete="CASCADE"), index=True)
    info_type: Mapped[str] = mapped_column(String(48))
    url: Mapped[str] = mapped_column(String(512))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str] = mapped_column(String(255), default="")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
