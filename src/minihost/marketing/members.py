"""Membership cards: activation, points earned on payment and redeemed, levels by lifetime points, member prices.

Points are a journal with the ledger's invariant: a member's `points` is the sum of its journal entries,
each entry's `ref` is unique (`earn:<transaction_id>`, `reverse:<refund_id>`, `redeem:<card>:<request_no>`),
and `points >= 0` is a CHECK. Earning runs inside the payment's transaction (a pay `on_paid` hook) and
reversal inside the refund's (`on_refund`), so points move exactly when the money does, never twice.
Reversal is proportional to the share of the order refunded; points already spent cannot be taken back,
so a reversal takes at most what the member still holds.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.marketing.coupons import discount_of
from minihost.pay import sql
from minihost.pay.orders import OrderInfo

CARD_COLUMNS = "id, card_id, mchid, title, fen_per_point, levels"
MEMBER_COLUMNS = "m.id, c.card_id, m.user_id, m.code, m.points, m.lifetime_points, m.activated_at"


@dataclass(frozen=True)
class Level:
    name: str
    min_points: int
    price_percent: int


@dataclass(frozen=True)
class CardInfo:
    id: int
    card_id: str
    mchid: str
    title: str
    fen_per_point: int
    levels: tuple[Level, ...]

    def level_for(self, lifetime_points: int) -> Level:
        return [lv for lv in self.levels if lv.min_points <= lifetime_points][-1]


@dataclass(frozen=True)
class MemberInfo:
    id: int
    card_id: str
    user_id: int
    code: str
    points: int
    lifetime_points: int
    activated_at: datetime
    level: Level


def _card(r: sql.Row) -> CardInfo:
    levels = tuple(Level(lv["name"], lv["min_points"], lv["price_percent"]) for lv in json.loads(r[5]))
    return CardInfo(r[0], r[1], r[2], r[3], r[4], levels)


def _parse_levels(levels: Any) -> list[dict[str, Any]]:
    if not isinstance(levels, list) or not 1 <= len(levels) <= 20:
        raise ApiError(400, "invalid_levels", "levels is a list of 1 to 20 {name, min_points, price_percent}.")
    out: list[dict[str, Any]] = []
    for lv in levels:
        if not isinstance(lv, dict):
            raise ApiError(400, "invalid_levels", "Each level is {name, min_points, price_percent}.")
        name, low, pct = lv.get("name"), lv.get("min_points"), lv.get("price_percent", 100)
        if not isinstance(name, str) or not 1 <= len(name) <= 32:
            raise ApiError(400, "invalid_levels", "A level's name is 1 to 32 characters.")
        if isinstance(low, bool) or not isinstance(low, int) or low < 0:
            raise ApiError(400, "invalid_levels", "A level's min_points is a whole number, 0 or more.")
        if isinstance(pct, bool) or not isinstance(pct, int) or not 1 <= pct <= 100:
            raise ApiError(400, "invalid_levels", "A level's price_percent is 1 to 100 (90 = members pay 90%).")
        out.append({"name": name, "min_points": low, "price_percent": pct})
    out.sort(key=lambda lv: int(lv["min_points"]))
    if out[0]["min_points"] != 0:
        raise ApiError(400, "invalid_levels", "The first level starts at 0 points.")
    return out


async def create_card(ctx: Ctx, mchid: str, title: str, fen_per_point: int, levels: Any) -> CardInfo:
    """The merchant's membership card (one per merchant): 1 point per `fen_per_point` fen paid."""
    title = title.strip()
    if not 1 <= len(title) <= 64:
        raise ApiError(400, "invalid_title", "A card title is 1 to 64 characters.")
    if isinstance(fen_per_point, bool) or not isinstance(fen_per_point, int) or not 1 <= fen_per_point <= 10**8:
        raise ApiError(400, "invalid_rule", "fen_per_point is a whole number of fen from 1 (1 point per fen) up.")
    parsed = _parse_levels(levels)
    card_id = "p" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(27))
    try:
        await sql.one(
            ctx,
            "INSERT INTO mkt_member_cards (card_id, mchid, title, fen_per_point, levels, created_at) "
            "VALUES (:card_id, :mchid, :title, :rule, :levels, :now)",
            card_id=card_id,
            mchid=mchid,
            title=title,
            rule=fen_per_point,
            levels=json.dumps(parsed),
            now=utcnow(),
        )
    except sql.Violation:
        raise ApiError(409, "card_exists", "This merchant has a membership card already.") from None
    found = await get_card(ctx, card_id)
    assert found is not None
    return found


async def get_card(ctx: Ctx, card_id: str) -> CardInfo | None:
    row = await sql.one(ctx, f"SELECT {CARD_COLUMNS} FROM mkt_member_cards WHERE card_id = :c", c=card_id[:32])  # noqa: S608
    return _card(row) if row else None


async def _card_or_404(ctx: Ctx, card_id: str) -> CardInfo:
    card = await get_card(ctx, card_id)
    if card is None:
        raise ApiError(404, "card_not_found", "No membership card with this card_id.")
    return card


async def member(ctx: Ctx, card_id: str, user_id: int) -> MemberInfo | None:
    card = await _card_or_404(ctx, card_id)
    row = await sql.one(
        ctx,
        f"SELECT {MEMBER_COLUMNS} FROM mkt_members m JOIN mkt_member_cards c ON c.id = m.card_id "  # noqa: S608
        "WHERE m.card_id = :card AND m.user_id = :u",
        card=card.id,
        u=user_id,
    )
    if row is None:
        return None
    return MemberInfo(row[0], row[1], row[2], row[3], row[4], row[5], sql.as_time(row[6]), card.level_for(int(row[5])))


async def activate(ctx: Ctx, card_id: str, user_id: int) -> MemberInfo:
    """Join the card (a repeat answers the same membership)."""
    card = await _card_or_404(ctx, card_id)
    code = "".join(secrets.choice(string.digits) for _ in range(12))
    await sql.one(
        ctx,
        "INSERT INTO mkt_members (card_id, user_id, code, points, lifetime_points, activated_at) "
        "VALUES (:card, :u, :code, 0, 0, :now) ON CONFLICT (card_id, user_id) DO NOTHING RETURNING id",
        card=card.id,
        u=user_id,
        code=code,
        now=utcnow(),
    )
    found = await member(ctx, card_id, user_id)
    assert found is not None
    return found


async def member_price(ctx: Ctx, card_id: str, user_id: int, price: int) -> int:
    """What this user pays for `price` fen at their level (the full price when not a member)."""
    if isinstance(price, bool) or not isinstance(price, int) or price <= 0:
        raise ApiError(400, "invalid_amount", "price is a whole number of fen greater than 0.")
    found = await member(ctx, card_id, user_id)
    if found is None:
        return price
    return price * found.level.price_percent // 100


async def _move(tx: sql.Tx, member_id: int, delta: int, lifetime: int, ref: str, transaction_id: str) -> bool:
    """Book one journal entry and its effect on the member row; False when `ref` was booked before."""
    try:
        await tx.run(
            "INSERT INTO mkt_points_journal (member_id, delta, ref, transaction_id, created_at) "
            "VALUES (:m, :d, :ref, :tid, :now)",
            m=member_id,
            d=delta,
            ref=ref,
            tid=transaction_id,
            now=utcnow(),
        )
    except sql.Violation:
        return False
    moved = await tx.one(
        "UPDATE mkt_members SET points = points + :d, lifetime_points = lifetime_points + :l "
        "WHERE id = :m AND points + :d >= 0 RETURNING points",
        d=delta,
        l=lifetime,
        m=member_id,
    )
    if moved is None:
        raise ApiError(409, "not_enough_points", "You do not have that many points.")
    return True


async def redeem_points(ctx: Ctx, card_id: str, user_id: int, points: int, request_no: str) -> MemberInfo:
    """Spend points (idempotent by `request_no`: a retried request spends once)."""
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise ApiError(400, "invalid_points", "points is a whole number greater than 0.")
    if not 1 <= len(request_no) <= 64:
        raise ApiError(400, "invalid_request_no", "request_no is 1 to 64 characters.")
    found = await member(ctx, card_id, user_id)
    if found is None:
        raise ApiError(404, "not_a_member", "Activate this membership card first.")
    try:
        async with sql.transaction(ctx) as tx:
            await _move(tx, found.id, -points, 0, f"redeem:{found.id}:{request_no}", "")
    except ApiError:
        raise
    after = await member(ctx, card_id, user_id)
    assert after is not None
    return after


async def _member_for_order(tx: sql.Tx, mchid: str, user_id: int) -> tuple[int, int] | None:
    row = await tx.one(
        "SELECT m.id, c.fen_per_point FROM mkt_members m JOIN mkt_member_cards c ON c.id = m.card_id "
        "WHERE c.mchid = :mchid AND m.user_id = :u",
        mchid=mchid,
        u=user_id,
    )
    return (int(row[0]), int(row[1])) if row else None


async def earn_on_payment(tx: sql.Tx, order: OrderInfo, user_id: int, wallet_paid: int) -> None:
    """A pay `on_paid` hook: points for what the member paid (the total less any coupon)."""
    found = await _member_for_order(tx, order.mchid, user_id)
    if found is None:
        return
    member_id, fen_per_point = found
    points = (order.total - await discount_of(tx, order.transaction_id)) // fen_per_point
    if points > 0:
        await _move(tx, member_id, points, points, f"earn:{order.transaction_id}", order.transaction_id)


async def reverse_on_refund(tx: sql.Tx, order: OrderInfo, refund_id: str, amount: int, refunded: int) -> None:
    """A pay `on_refund` hook: take back the refunded share of the points this order earned."""
    earned = await tx.one(
        "SELECT member_id, delta FROM mkt_points_journal WHERE ref = :ref", ref=f"earn:{order.transaction_id}"
    )
    if earned is None or order.payer_user_id is None:
        return
    member_id, points = int(earned[0]), int(earned[1])
    before = await tx.one(
        "SELECT coalesce(sum(delta), 0) FROM mkt_points_journal WHERE transaction_id = :tid AND delta < 0",
        tid=order.transaction_id,
    )
    already = -int(before[0]) if before else 0
    due = points * refunded // order.total - already
    held = await tx.one("SELECT points FROM mkt_members WHERE id = :m", m=member_id)
    take = min(due, int(held[0]) if held else 0)
    if take > 0:
        await _move(tx, member_id, -take, -take, f"reverse:{refund_id}", order.transaction_id)


async def journal_consistent(ctx: Ctx) -> bool:
    """Every member's points equal the sum of their journal entries (the invariant tests check)."""
    row = await sql.one(
        ctx,
        "SELECT count(*) FROM mkt_members m LEFT JOIN (SELECT member_id, sum(delta) AS s FROM mkt_points_journal "
        "GROUP BY member_id) j ON j.member_id = m.id WHERE m.points <> coalesce(j.s, 0)",
    )
    return row is not None and int(row[0]) == 0
