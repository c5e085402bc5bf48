"""Tables of payments. Money is always an integer number of fen (0.01 CNY)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from minihost.db import Base, utcnow


class PlatformKey(Base):
    """The platform's own RSA key: signs responses and notifications; one X.509 certificate per key."""

    __tablename__ = "pay_platform_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial_no: Mapped[str] = mapped_column(String(40), unique=True)
    public_key_id: Mapped[str] = mapped_column(String(64), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    certificate_pem: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Merchant(Base):
    __tablename__ = "pay_merchants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mchid: Mapped[str] = mapped_column(String(32), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    apiv3_key: Mapped[str] = mapped_column(String(32))
    """Kept readable: notifications and certificates are encrypted with it (WeChat holds it the same way)."""
    cert_serial_no: Mapped[str] = mapped_column(String(64))
    cert_public_key_pem: Mapped[str] = mapped_column(Text)
    platform_mode: Mapped[str] = mapped_column(String(16), default="certificate")
    """How notifications name the platform key: "certificate" (serial) or "public_key" (PUB_KEY_ID_...)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MerchantApp(Base):
    __tablename__ = "pay_merchant_apps"
    __table_args__ = (UniqueConstraint("merchant_id", "appid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("pay_merchants.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Account(Base):
    """A ledger account. `balance` is the running sum of its postings, kept in the same transaction."""

    __tablename__ = "pay_accounts"
    __table_args__ = (
        UniqueConstraint("kind", "owner"),
        # Only the world outside (top-up sources) may go below zero; wallets and settlements never do.
        CheckConstraint("kind = 'external' OR balance >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """wallet (a user), settlement (a merchant), external (money entering or leaving the platform)."""
    owner: Mapped[str] = mapped_column(String(64))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JournalEntry(Base):
    """One balanced transaction; `ref` is unique so the same business event can never be booked twice."""

    __tablename__ = "pay_journal_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(96), unique=True)
    memo: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Posting(Base):
    """A signed amount on one account (positive raises its balance); an entry's postings sum to zero."""

    __tablename__ = "pay_postings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("pay_journal_entries.id", ondelete="RESTRICT"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("pay_accounts.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class Order(Base):
    __tablename__ = "pay_orders"
    __table_args__ = (
        UniqueConstraint("mchid", "out_trade_no"),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("refunded >= 0 AND refunded <= total", name="refunded_within_total"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[str] = mapped_column(String(32), unique=True)
    prepay_id: Mapped[str] = mapped_column(String(64), unique=True)
    mchid: Mapped[str] = mapped_column(String(32))
    appid: Mapped[str] = mapped_column(String(32))
    out_trade_no: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(127))
    attach: Mapped[str] = mapped_column(String(128), default="")
    notify_url: Mapped[str] = mapped_column(String(256))
    total: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    payer_openid: Mapped[str] = mapped_column(String(128))
    params_digest: Mapped[str] = mapped_column(String(64))
    """Same out_trade_no with the same parameters gets the same prepay_id back; different ones are refused."""
    trade_state: Mapped[str] = mapped_column(String(16), default="NOTPAY")
    payer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    time_expire: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    success_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Index("ix_pay_orders_mchid_success_time", Order.mchid, Order.success_time)


class Refund(Base):
    __tablename__ = "pay_refunds"
    __table_args__ = (UniqueConstraint("mchid", "out_refund_no"), CheckConstraint("amount > 0", name="amount_positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_id: Mapped[str] = mapped_column(String(32), unique=True)
    mchid: Mapped[str] = mapped_column(String(32))
    out_refund_no: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int] = mapped_column(ForeignKey("pay_orders.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(80), default="")
    notify_url: Mapped[str] = mapped_column(String(256), default="")
    status: Mapped[str] = mapped_column(String(16), default="SUCCESS")
    success_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Index("ix_pay_refunds_mchid_success_time", Refund.mchid, Refund.success_time)


class PaymentPin(Base):
    __tablename__ = "pay_pins"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """A notification to deliver: written in the same transaction as the payment, removed from the queue
    only when the merchant answers 2xx."""

    __tablename__ = "pay_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mchid: Mapped[str] = mapped_column(String(32))
    notify_url: Mapped[str] = mapped_column(String(256))
    event_type: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Index("ix_pay_outbox_due", OutboxMessage.done, OutboxMessage.next_attempt_at)
