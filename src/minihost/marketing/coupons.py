"""Coupons: merchant-owned stocks (WeChat Pay's 代金券批次), claimed by users, redeemed at payment.

- `create_stock(ctx, merchant, body)` takes WeChat's `/v3/marketing/favor/coupon-stocks` body (plus a
  `discount_coupon` rule for percentage coupons); idempotent by `out_request_no`. `start_stock` books the
  budget into the stock's ledger account (`coupon_budget` `stock:<stock_id>`, from the external
  `marketing:<mchid>`) and opens it.
- `claim(ctx, stock_id, user_id, out_request_no)`: one transaction that takes one coupon of the stock's
  quantity (`distributed < max_coupons`, a conditional UPDATE: never over-issued) and one of the user's
  limit (a conditional upsert on the (stock, user) row). Idempotent by `out_request_no`.
- `redeem(tx, ...)` runs inside the payment's transaction (see checkout.py): the coupon is marked USED by
  that transaction id only if it was unused, and its discount becomes a ledger leg from the stock's budget
  account. `return_on_refund` (a pay refund hook) makes it usable again when the order is fully refunded;
  the budget gets its money back through pay's refund, which credits the accounts that paid.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.pay import ledger, sql
from minihost.pay.merchants import MerchantInfo
from minihost.pay.orders import OrderInfo

MAX_QUANTITY = 10_000_000
MAX_FEN = 10**10
STOCK_COLUMNS = (
    "id, stock_id, mchid, stock_name, comment, coupon_type, coupon_amount, discount_percent, max_discount, "
    "transaction_minimum, max_coupons, max_amount, max_coupons_per_user, distributed, status, "
    "available_begin_time, available_end_time"
)
COUPON_COLUMNS = "c.coupon_id, s.stock_id, c.user_id, c.status, c.used_transaction_id, c.discount, c.created_at"


@dataclass(frozen=True)
class StockInfo:
    id: int
    stock_id: str
    mchid: str
    stock_name: str
    comment: str
    coupon_type: str
    coupon_amount: int
    discount_percent: int
    max_discount: int
    transaction_minimum: int
    max_coupons: int
    max_amount: int
    max_coupons_per_user: int
    distributed: int
    status: str
    begin: datetime
    end: datetime

    def discount_for(self, total: int) -> int:
        """What this stock's coupon takes off an order of `total` fen (0 below the minimum spend)."""
        if total < self.transaction_minimum:
            return 0
        if self.coupon_type == "NORMAL":
            return min(self.coupon_amount, total)
        off = total - total * self.discount_percent // 100
        return min(off, self.max_discount) if self.max_discount else off


@dataclass(frozen=True)
class CouponInfo:
    coupon_id: str
    stock_id: str
    user_id: int
    status: str
    used_transaction_id: str | None
    discount: int
    created_at: datetime


def _stock(r: sql.Row) -> StockInfo:
    return StockInfo(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
        sql.as_time(r[15]), sql.as_time(r[16]),
    )  # fmt: skip


def _coupon(r: sql.Row) -> CouponInfo:
    return CouponInfo(r[0], r[1], r[2], r[3], r[4], r[5], sql.as_time(r[6]))


def bad(message: str) -> ApiError:
    return ApiError(400, "param_error", message)


def _fen(value: Any, key: str, *, zero_ok: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"{key} is a whole number of fen")
    if value < 0 or (value == 0 and not zero_ok):
        raise bad(f"{key} must be {'0 or more' if zero_ok else 'greater than 0'}")
    if value > MAX_FEN:
        raise bad(f"{key} is too large")
    return value


def _count(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise bad(f"{key} is a whole number from 1 to {MAX_QUANTITY}")
    return value


def _time(value: Any, key: str) -> datetime:
    if not isinstance(value, str):
        raise bad(f"{key} is an RFC 3339 time like 2026-06-08T10:00:00+08:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise bad(f"{key} is an RFC 3339 time like 2026-06-08T10:00:00+08:00") from None
    if parsed.tzinfo is None:
        raise bad(f"{key} needs a time zone offset")
    return parsed


def _text(body: dict[str, Any], key: str, hi: int, *, required: bool = True) -> str:
    value = body.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value) or len(value) > hi:
        raise bad(f"{key} is {'a non-empty' if required else 'a'} string of at most {hi} characters")
    return value


def new_stock_id() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(10))


def new_coupon_id() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(11))


async def create_stock(ctx: Ctx, merchant: MerchantInfo, body: dict[str, Any]) -> StockInfo:
    """A stock in the shape of WeChat's create-stock body; answers the existing one for a repeated request."""
    name = _text(body, "stock_name", 20)
    comment = _text(body, "comment", 20, required=False)
    out_request_no = _text(body, "out_request_no", 128)
    if body.get("belong_merchant", merchant.mchid) != merchant.mchid:
        raise bad("belong_merchant must be the mchid that signed the request")
    begin = _time(body.get("available_begin_time"), "available_begin_time")
    end = _time(body.get("available_end_time"), "available_end_time")
    if end <= begin:
        raise bad("available_end_time must be after available_begin_time")
    use = body.get("stock_use_rule")
    rule = body.get("coupon_use_rule")
    if not isinstance(use, dict) or not isinstance(rule, dict):
        raise bad("stock_use_rule and coupon_use_rule are required objects")
    max_coupons = _count(use.get("max_coupons"), "stock_use_rule.max_coupons")
    max_amount = _fen(use.get("max_amount"), "stock_use_rule.max_amount")
    per_user = _count(use.get("max_coupons_per_user"), "stock_use_rule.max_coupons_per_user")
    normal, discount = rule.get("fixed_normal_coupon"), rule.get("discount_coupon")
    if isinstance(normal, dict) == isinstance(discount, dict):
        raise bad("coupon_use_rule has exactly one of fixed_normal_coupon and discount_coupon")
    coupon_amount = cap = 0
    percent: Any = 0
    if isinstance(normal, dict):
        kind = "NORMAL"
        coupon_amount = _fen(normal.get("coupon_amount"), "fixed_normal_coupon.coupon_amount")
        minimum = _fen(normal.get("transaction_minimum"), "fixed_normal_coupon.transaction_minimum", zero_ok=True)
        if max_amount != max_coupons * coupon_amount:
            raise bad("stock_use_rule.max_amount must equal max_coupons x coupon_amount")
    else:
        assert isinstance(discount, dict)
        kind = "DISCOUNT"
        percent = discount.get("discount_percent")
        if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 99:
            raise bad("discount_coupon.discount_percent is the share paid, 1 to 99 (80 = 20% off)")
        minimum = _fen(discount.get("transaction_minimum", 0), "discount_coupon.transaction_minimum", zero_ok=True)
        cap = _fen(discount.get("max_discount_amount", 0), "discount_coupon.max_discount_amount", zero_ok=True)
    try:
        async with sql.transaction(ctx) as tx:
            row = await tx.one(
                "INSERT INTO mkt_coupon_stocks (stock_id, mchid, out_request_no, stock_name, comment, coupon_type, "  # noqa: S608
                "coupon_amount, discount_percent, max_discount, transaction_minimum, max_coupons, max_amount, "
                "max_coupons_per_user, distributed, status, available_begin_time, available_end_time, created_at) "
                "VALUES (:stock_id, :mchid, :no, :name, :comment, :kind, :amount, :percent, :cap, :minimum, "
                ":max_coupons, :max_amount, :per_user, 0, 'unactivated', :begin, :end, :now) "
                f"RETURNING {STOCK_COLUMNS}",
                stock_id=new_stock_id(),
                mchid=merchant.mchid,
                no=out_request_no,
                name=name,
                comment=comment,
                kind=kind,
                amount=coupon_amount,
                percent=percent or 100,
                cap=cap,
                minimum=minimum,
                max_coupons=max_coupons,
                max_amount=max_amount,
                per_user=per_user,
                begin=begin,
                end=end,
                now=utcnow(),
            )
    except sql.Violation:
        row = await sql.one(
            ctx,
            f"SELECT {STOCK_COLUMNS} FROM mkt_coupon_stocks WHERE mchid = :mchid AND out_request_no = :no",  # noqa: S608
            mchid=merchant.mchid,
            no=out_request_no,
        )
    assert row is not None
    return _stock(row)


async def get_stock(ctx: Ctx, stock_id: str) -> StockInfo | None:
    row = await sql.one(ctx, f"SELECT {STOCK_COLUMNS} FROM mkt_coupon_stocks WHERE stock_id = :s", s=stock_id[:20])  # noqa: S608
    return _stock(row) if row else None


def budget_owner(stock_id: str) -> str:
    return f"stock:{stock_id}"


async def budget_balance(ctx: Ctx, stock_id: str) -> int:
    return await ledger.balance(ctx, ledger.COUPON_BUDGET, budget_owner(stock_id))


async def start_stock(ctx: Ctx, mchid: str, stock_id: str) -> StockInfo:
    """Fund the stock's budget account and open it for claims (a repeat changes nothing)."""
    stock = await get_stock(ctx, stock_id)
    if stock is None or stock.mchid != mchid:
        raise ApiError(404, "stock_not_found", "No coupon stock with this stock_id for this merchant.")
    if stock.status == "running":
        return stock
    budget = await ledger.account_id(ctx, ledger.COUPON_BUDGET, budget_owner(stock_id))
    source = await ledger.account_id(ctx, ledger.EXTERNAL, f"marketing:{mchid}")
    async with sql.transaction(ctx) as tx:
        opened = await tx.one(
            "UPDATE mkt_coupon_stocks SET status = 'running' WHERE id = :id AND status = 'unactivated' RETURNING id",
            id=stock.id,
        )
        if opened is not None:
            await ledger.post(
                tx,
                "coupon_budget",
                f"stock:{stock_id}:budget",
                [(source, -stock.max_amount), (budget, stock.max_amount)],
            )
    found = await get_stock(ctx, stock_id)
    assert found is not None
    return found


async def claim(ctx: Ctx, stock_id: str, user_id: int, out_request_no: str = "") -> CouponInfo:
    """Give the user one coupon of the stock, within its quantity, the user's limit and its window."""
    out_request_no = out_request_no or secrets.token_hex(16)
    if len(out_request_no) > 128:
        raise bad("out_request_no is at most 128 characters")
    stock = await get_stock(ctx, stock_id)
    if stock is None:
        raise ApiError(404, "stock_not_found", "No coupon stock with this stock_id.")
    same = await _by_request(ctx, stock.id, out_request_no)
    if same is not None:
        return _same_user(same, user_id)
    now = utcnow()
    if now < stock.begin:
        raise ApiError(409, "stock_not_started", "This coupon cannot be claimed yet; try again when it starts.")
    if now >= stock.end:
        raise ApiError(409, "coupon_expired", "This coupon's claiming period is over.")
    try:
        async with sql.transaction(ctx) as tx:
            taken = await tx.one(
                "UPDATE mkt_coupon_stocks SET distributed = distributed + 1 "
                "WHERE id = :id AND status = 'running' AND distributed < max_coupons RETURNING distributed",
                id=stock.id,
            )
            if taken is None:
                if stock.status != "running":
                    raise ApiError(409, "stock_not_running", "This coupon stock is not open for claims.")
                raise ApiError(409, "coupon_sold_out", "All coupons of this stock have been claimed.")
            mine = await tx.one(
                "INSERT INTO mkt_coupon_claims (stock_id, user_id, claimed) VALUES (:s, :u, 1) "
                "ON CONFLICT (stock_id, user_id) DO UPDATE SET claimed = mkt_coupon_claims.claimed + 1 "
                "WHERE mkt_coupon_claims.claimed < :limit RETURNING claimed",
                s=stock.id,
                u=user_id,
                limit=stock.max_coupons_per_user,
            )
            if mine is None:
                raise ApiError(
                    409,
                    "coupon_limit_reached",
                    f"You already hold the most coupons of this stock ({stock.max_coupons_per_user}) one person may.",
                )
            await tx.run(
                "INSERT INTO mkt_coupons (coupon_id, stock_id, user_id, out_request_no, status, discount, created_at) "
                "VALUES (:cid, :s, :u, :no, 'SENDED', 0, :now)",
                cid=new_coupon_id(),
                s=stock.id,
                u=user_id,
                no=out_request_no,
                now=now,
            )
    except sql.Violation:
        same = await _by_request(ctx, stock.id, out_request_no)  # the same request, made twice at once
        if same is None:
            raise
        return _same_user(same, user_id)
    found = await _by_request(ctx, stock.id, out_request_no)
    assert found is not None
    return found


def _same_user(coupon: CouponInfo, user_id: int) -> CouponInfo:
    if coupon.user_id != user_id:
        raise ApiError(409, "out_request_no_used", "This out_request_no was used for another user.")
    return coupon


async def _by_request(ctx: Ctx, stock: int, out_request_no: str) -> CouponInfo | None:
    row = await sql.one(
        ctx,
        f"SELECT {COUPON_COLUMNS} FROM mkt_coupons c JOIN mkt_coupon_stocks s ON s.id = c.stock_id "  # noqa: S608
        "WHERE c.stock_id = :s AND c.out_request_no = :no",
        s=stock,
        no=out_request_no,
    )
    return _coupon(row) if row else None


async def get_coupon(ctx: Ctx, coupon_id: str) -> CouponInfo | None:
    row = await sql.one(
        ctx,
        f"SELECT {COUPON_COLUMNS} FROM mkt_coupons c JOIN mkt_coupon_stocks s ON s.id = c.stock_id "  # noqa: S608
        "WHERE c.coupon_id = :c",
        c=coupon_id[:32],
    )
    return _coupon(row) if row else None


async def coupons_of(ctx: Ctx, user_id: int) -> list[CouponInfo]:
    rows = await sql.all(
        ctx,
        f"SELECT {COUPON_COLUMNS} FROM mkt_coupons c JOIN mkt_coupon_stocks s ON s.id = c.stock_id "  # noqa: S608
        "WHERE c.user_id = :u ORDER BY c.id",
        u=user_id,
    )
    return [_coupon(r) for r in rows]


async def redeem(ctx: Ctx, tx: sql.Tx, coupon_id: str, user_id: int, order: OrderInfo) -> tuple[int, int]:
    """Inside the payment's transaction: use the coupon for `order`; returns the ledger leg that pays the
    discount from the stock's budget. Raises ApiError (rolling the payment back) when it cannot be used."""
    row = await tx.one(
        "SELECT c.id, c.user_id, c.status, c.stock_id FROM mkt_coupons c WHERE c.coupon_id = :c", c=coupon_id[:32]
    )
    if row is None or row[1] != user_id:
        raise ApiError(404, "coupon_not_found", "No such coupon in your coupons.")
    srow = await tx.one(f"SELECT {STOCK_COLUMNS} FROM mkt_coupon_stocks WHERE id = :id", id=row[3])  # noqa: S608
    assert srow is not None
    stock = _stock(srow)
    now = utcnow()
    if stock.mchid != order.mchid:
        raise ApiError(409, "coupon_wrong_merchant", "This coupon is for another shop.")
    if not stock.begin <= now < stock.end:
        raise ApiError(409, "coupon_expired", "This coupon has expired (or is not valid yet).")
    off = stock.discount_for(order.total)
    if off <= 0:
        raise ApiError(
            409, "coupon_minimum_not_met", f"This coupon needs an order of at least {stock.transaction_minimum} fen."
        )
    used = await tx.one(
        "UPDATE mkt_coupons SET status = 'USED', used_transaction_id = :tid, used_at = :now, discount = :off "
        "WHERE id = :id AND status = 'SENDED' RETURNING id",
        tid=order.transaction_id,
        now=now,
        off=off,
        id=row[0],
    )
    if used is None:
        raise ApiError(409, "coupon_used", "This coupon has been used already.")
    budget = await ledger.account_id(ctx, ledger.COUPON_BUDGET, budget_owner(stock.stock_id))
    if await ledger.balance_in(tx, budget) < off:
        raise ApiError(409, "coupon_budget_exhausted", "This coupon stock's budget is used up.")
    return budget, -off


async def discount_of(tx: sql.Tx, transaction_id: str) -> int:
    row = await tx.one(
        "SELECT coalesce(sum(discount), 0) FROM mkt_coupons WHERE used_transaction_id = :tid", tid=transaction_id
    )
    return int(row[0]) if row else 0


async def return_on_refund(tx: sql.Tx, order: OrderInfo, refund_id: str, amount: int, refunded: int) -> None:
    """A pay refund hook: a fully refunded order gives its coupon back to the user."""
    if refunded < order.total:
        return
    await tx.run(
        "UPDATE mkt_coupons SET status = 'SENDED', used_transaction_id = NULL, used_at = NULL, discount = 0 "
        "WHERE used_transaction_id = :tid AND status = 'USED'",
        tid=order.transaction_id,
    )


def stock_resource(s: StockInfo) -> dict[str, Any]:
    """The stock as WeChat's query answers it (the fields that apply here)."""
    from minihost.pay.signing import rfc3339

    rule: dict[str, Any]
    if s.coupon_type == "NORMAL":
        rule = {"fixed_normal_coupon": {"coupon_amount": s.coupon_amount, "transaction_minimum": s.transaction_minimum}}
    else:
        rule = {
            "discount_coupon": {
                "discount_percent": s.discount_percent,
                "transaction_minimum": s.transaction_minimum,
                "max_discount_amount": s.max_discount,
            }
        }
    return {
        "stock_id": s.stock_id,
        "stock_creator_mchid": s.mchid,
        "stock_name": s.stock_name,
        "status": s.status,
        "description": s.comment,
        "available_begin_time": rfc3339(s.begin),
        "available_end_time": rfc3339(s.end),
        "distributed_coupons": s.distributed,
        "stock_use_rule": {
            "max_coupons": s.max_coupons,
            "max_amount": s.max_amount,
            "max_coupons_per_user": s.max_coupons_per_user,
        },
        "coupon_use_rule": rule,
        "stock_type": s.coupon_type,
    }
