"""Tables of coupons, membership cards and gift cards. Money in fen; money itself lives in pay's ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
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


class CouponStock(Base):
    """A merchant's batch of coupons (WeChat's 代金券批次). Its budget is a pay ledger account."""

    __tablename__ = "mkt_coupon_stocks"
    __table_args__ = (
        UniqueConstraint("mchid", "out_request_no"),
        CheckConstraint("distributed >= 0 AND distributed <= max_coupons", name="within_quantity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stock_id: Mapped[str] = mapped_column(String(20), unique=True)
    mchid: Mapped[str] = mapped_column(String(32), index=True)
    out_request_no: Mapped[str] = mapped_column(String(128))
    stock_name: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(String(20), default="")
    coupon_type: Mapped[str] = mapped_column(String(16))
    """NORMAL (a fixed amount off) or DISCOUNT (a percentage off, capped)."""
    coupon_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_percent: Mapped[int] = mapped_column(Integer, default=100)
    """DISCOUNT: the share of the price paid, e.g. 80 = 20% off."""
    max_discount: Mapped[int] = mapped_column(BigInteger, default=0)
    transaction_minimum: Mapped[int] = mapped_column(BigInteger, default=0)
    max_coupons: Mapped[int] = mapped_column(Integer)
    max_amount: Mapped[int] = mapped_column(BigInteger)
    """The budget in fen, moved into the stock's ledger account when the stock starts."""
    max_coupons_per_user: Mapped[int] = mapped_column(Integer)
    distributed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="unactivated")
    available_begin_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    available_end_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CouponClaims(Base):
    """How many coupons of a stock a user holds: the per-user limit is one conditional upsert on this row."""

    __tablename__ = "mkt_coupon_claims"
    __table_args__ = (UniqueConstraint("stock_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stock_id: Mapped[int] = mapped_column(ForeignKey("mkt_coupon_stocks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    claimed: Mapped[int] = mapped_column(Integer, default=0)


class Coupon(Base):
    __tablename__ = "mkt_coupons"
    __table_args__ = (UniqueConstraint("stock_id", "out_request_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coupon_id: Mapped[str] = mapped_column(String(32), unique=True)
    stock_id: Mapped[int] = mapped_column(ForeignKey("mkt_coupon_stocks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    out_request_no: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="SENDED")
    """SENDED (usable), USED; expiry is read from the stock's window."""
    used_transaction_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    discount: Mapped[int] = mapped_column(BigInteger, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MemberCard(Base):
    """A merchant's membership card: points per fen paid, and levels (by lifetime points) with member prices."""

    __tablename__ = "mkt_member_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[str] = mapped_column(String(32), unique=True)
    mchid: Mapped[str] = mapped_column(String(32), unique=True)
    """One card per merchant: payments to the merchant earn its points."""
    title: Mapped[str] = mapped_column(String(64))
    fen_per_point: Mapped[int] = mapped_column(Integer)
    levels: Mapped[str] = mapped_column(Text)
    """JSON list of {"name", "min_points", "price_percent"}, ascending by min_points."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Member(Base):
    __tablename__ = "mkt_members"
    __table_args__ = (
        UniqueConstraint("card_id", "user_id"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("mkt_member_cards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    lifetime_points: Mapped[int] = mapped_column(BigInteger, default=0)
    activated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PointsEntry(Base):
    """The points journal: a member's `points` is always the sum of its entries; `ref` is unique, so the same
    payment, refund or redemption can never move points twice."""

    __tablename__ = "mkt_points_journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("mkt_members.id", ondelete="CASCADE"), index=True)
    delta: Mapped[int] = mapped_column(BigInteger)
    ref: Mapped[str] = mapped_column(String(96), unique=True)
    transaction_id: Mapped[str] = mapped_column(String(32), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GiftCard(Base):
    """A stored-value card bought with a payment; its balance is the pay ledger account `gift:<card_no>`."""

    __tablename__ = "mkt_gift_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_no: Mapped[str] = mapped_column(String(32), unique=True)
    mchid: Mapped[str] = mapped_column(String(32), index=True)
    transaction_id: Mapped[str] = mapped_column(String(32), unique=True)
    """The purchase: one card per paid order."""
    face_value: Mapped[int] = mapped_column(BigInteger)
    buyer_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    """active (spendable by its owner), shared (waiting for a friend), expired."""
    share_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    message: Mapped[str] = mapped_column(String(200), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expiry_rule: Mapped[str] = mapped_column(String(16), default="merchant")
    """Where an expired balance goes: merchant (back to its settlement) or buyer (the buyer's wallet)."""
    sweeps: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Index("ix_mkt_gift_cards_expiry", GiftCard.status, GiftCard.expires_at)
