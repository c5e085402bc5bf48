"""Refunds: partial or full, never above what was paid, idempotent by (mchid, out_refund_no).

The refund transaction starts with `UPDATE pay_orders SET refunded = refunded + :amount WHERE ... AND
refunded + :amount <= total`, so concurrent refunds of one order can never together exceed it; the
unique (mchid, out_refund_no) makes a repeated request return the first refund instead of a second one.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from minihost.context import Ctx
from minihost.db import aware, utcnow
from minihost.pay import ledger, notify, sql
from minihost.pay.errors import PayError, invalid_request, param_error
from minihost.pay.merchants import MerchantInfo
from minihost.pay.models import Order, Refund
from minihost.pay.orders import OrderInfo, amount_fen, find_order, order_info
from minihost.pay.signing import rfc3339

OUT_REFUND_NO = re.compile(r"^[0-9A-Za-z_\-|*@]{1,64}$")
RECEIVED_ACCOUNT = "支付用户零钱"


@dataclass(frozen=True)
class RefundInfo:
    refund_id: str
    out_refund_no: str
    amount: int
    reason: str
    status: str
    success_time: datetime | None
    created_at: datetime
    order: OrderInfo


def new_refund_id() -> str:
    return "50300" + "".join(secrets.choice(string.digits) for _ in range(24))


def refund_not_found() -> PayError:
    return PayError(404, "RESOURCE_NOT_EXISTS", "退款单不存在 (no refund with this out_refund_no)")


async def create_refund(ctx: Ctx, merchant: MerchantInfo, body: dict[str, Any]) -> RefundInfo:
    out_refund_no = body.get("out_refund_no")
    if not isinstance(out_refund_no, str) or not OUT_REFUND_NO.match(out_refund_no):
        raise param_error("out_refund_no is 1 to 64 of digits, letters and _-|*@")
    amount = body.get("amount")
    if not isinstance(amount, dict):
        raise param_error('amount is required: {"refund": fen, "total": fen, "currency": "CNY"}')
    refund = amount_fen(amount.get("refund"), "amount.refund")
    total = amount_fen(amount.get("total"), "amount.total")
    if amount.get("currency", "CNY") != "CNY":
        raise param_error("amount.currency must be CNY")
    reason = body.get("reason", "")
    if not isinstance(reason, str) or len(reason) > 80:
        raise param_error("reason is at most 80 characters")
    notify_url = body.get("notify_url", "")
    if not isinstance(notify_url, str) or (notify_url and not notify_url.startswith(("https://", "http://"))):
        raise param_error("notify_url is an http(s) URL")
    transaction_id, out_trade_no = body.get("transaction_id"), body.get("out_trade_no")
    if isinstance(transaction_id, str) and transaction_id:
        order = await find_order(ctx, merchant.mchid, transaction_id=transaction_id)
    elif isinstance(out_trade_no, str) and out_trade_no:
        order = await find_order(ctx, merchant.mchid, out_trade_no=out_trade_no)
    else:
        raise param_error("transaction_id or out_trade_no is required")
    if order is None:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "订单不存在 (no such order for this mchid)")

    existing = await get_refund(ctx, merchant.mchid, out_refund_no)
    if existing is not None:
        return _same_or_refuse(existing, order, refund)
    if order.trade_state not in ("SUCCESS", "REFUND") or order.payer_user_id is None:
        raise invalid_request("订单未支付: only a paid order can be refunded")
    if total != order.total:
        raise param_error("amount.total must equal the order's total")
    if refund > order.total - order.refunded:
        raise invalid_request("申请退款金额超过订单可退金额: the refund exceeds what is left to refund")

    wallet = await ledger.account_id(ctx, ledger.WALLET, ledger.wallet_owner(order.payer_user_id))
    settlement = await ledger.settlement_accounts(ctx, merchant.mchid)
    now = utcnow()
    refund_id = new_refund_id()
    try:
        async with sql.transaction(ctx) as tx:
            taken = await tx.one(
                "UPDATE pay_orders SET refunded = refunded + :amount, trade_state = 'REFUND' "
                "WHERE id = :id AND trade_state IN ('SUCCESS', 'REFUND') AND refunded + :amount <= total "
                "RETURNING refunded",
                amount=refund,
                id=order.id,
            )
            if taken is None:
                raise _Exceeds
            await tx.run(
                "INSERT INTO pay_refunds (refund_id, mchid, out_refund_no, order_id, amount, reason, notify_url, "
                "status, success_time, created_at) VALUES (:refund_id, :mchid, :no, :order_id, :amount, :reason, "
                ":url, 'SUCCESS', :now, :now)",
                refund_id=refund_id,
                mchid=merchant.mchid,
                no=out_refund_no,
                order_id=order.id,
                amount=refund,
                reason=reason,
                url=notify_url,
                now=now,
            )
            back = await _refund_credits(tx, order, wallet, refund)
            legs = await ledger.settlement_debit_legs(tx, settlement, refund, [acc for acc, _ in back])
            await ledger.post(tx, "refund", f"refund:{refund_id}", [*legs, *back], memo=out_refund_no)
            info = RefundInfo(refund_id, out_refund_no, refund, reason, "SUCCESS", now, now, order)
            if notify_url:
                await notify.enqueue(
                    tx,
                    mchid=merchant.mchid,
                    apiv3_key=merchant.apiv3_key,
                    notify_url=notify_url,
                    event_type="REFUND.SUCCESS",
                    summary="退款成功",
                    original_type="refund",
                    resource=refund_notification(info),
                )
            for hook in _after_refund:
                await hook(tx, order, refund_id, refund, int(taken[0]))
    except _Exceeds:
        raise invalid_request("申请退款金额超过订单可退金额: the refund exceeds what is left to refund") from None
    except ledger.InsufficientFunds:
        raise PayError(
            403, "NOT_ENOUGH", "余额不足: the merchant's settlement balance cannot cover this refund"
        ) from None
    except sql.Violation:
        # A concurrent request with the same out_refund_no won; answer with its refund.
        existing = await get_refund(ctx, merchant.mchid, out_refund_no)
        if existing is None:
            raise
        return _same_or_refuse(existing, order, refund)
    return info


class _Exceeds(Exception):
    pass


RefundHook = Callable[[sql.Tx, OrderInfo, str, int, int], Awaitable[None]]
"""Called inside a refund's transaction with (tx, order, refund_id, amount, refunded so far including this one);
other domains (marketing) register one to undo what they did at payment: return a coupon, reverse points."""
_after_refund: list[RefundHook] = []


def on_refund(hook: RefundHook) -> None:
    if hook not in _after_refund:
        _after_refund.append(hook)


async def _refund_credits(tx: sql.Tx, order: OrderInfo, wallet: int, amount: int) -> list[tuple[int, int]]:
    """Where a refund goes: back to the accounts that paid the order (its payment entry's debits), the
    payer's wallet first, then the others (gift cards, then coupon budgets) in account id order, each up to
    what it paid minus what earlier refunds already gave back."""
    paid = await tx.all(
        "SELECT p.account_id, -p.amount FROM pay_postings p JOIN pay_journal_entries e ON e.id = p.entry_id "
        "WHERE e.ref = :ref AND p.amount < 0",
        ref=f"pay:{order.transaction_id}",
    )
    if not paid:
        return [(wallet, amount)]  # paid before sources were recorded: all of it was the wallet
    earlier = await tx.all(
        "SELECT p.account_id, sum(p.amount) FROM pay_postings p JOIN pay_journal_entries e ON e.id = p.entry_id "
        "JOIN pay_refunds r ON e.ref = 'refund:' || r.refund_id WHERE r.order_id = :order_id AND p.amount > 0 "
        "GROUP BY p.account_id",
        order_id=order.id,
    )
    returned = {int(acc): int(total) for acc, total in earlier}
    order_of = sorted([(int(acc) != wallet, await _kind_rank(tx, int(acc)), int(acc), int(n)) for acc, n in paid])
    legs: list[tuple[int, int]] = []
    left = amount
    for _, _, acc, n in order_of:
        take = min(n - returned.get(acc, 0), left)
        if take > 0:
            legs.append((acc, take))
            left -= take
    if left:
        raise _Exceeds
    return legs


async def _kind_rank(tx: sql.Tx, account: int) -> int:
    row = await tx.one("SELECT kind FROM pay_accounts WHERE id = :id", id=account)
    return ledger.REFUND_ORDER.index(row[0]) if row and row[0] in ledger.REFUND_ORDER else len(ledger.REFUND_ORDER)


def _same_or_refuse(existing: RefundInfo, order: OrderInfo, refund: int) -> RefundInfo:
    if existing.order.id != order.id or existing.amount != refund:
        raise invalid_request("out_refund_no was used for another refund; use a new out_refund_no")
    return existing


async def get_refund(ctx: Ctx, mchid: str, out_refund_no: str) -> RefundInfo | None:
    async with ctx.db.session() as s:
        found = (
            await s.execute(
                select(Refund, Order)
                .join(Order, Order.id == Refund.order_id)
                .where(Refund.mchid == mchid, Refund.out_refund_no == out_refund_no)
            )
        ).one_or_none()
        if found is None:
            return None
        r, o = found
        return RefundInfo(
            r.refund_id, r.out_refund_no, r.amount, r.reason, r.status,
            aware(r.success_time) if r.success_time else None, aware(r.created_at), order_info(o),
        )  # fmt: skip


def refund_resource(r: RefundInfo) -> dict[str, Any]:
    """The refund as the create and query answers show it."""
    o = r.order
    out: dict[str, Any] = {
        "refund_id": r.refund_id,
        "out_refund_no": r.out_refund_no,
        "transaction_id": o.transaction_id,
        "out_trade_no": o.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": RECEIVED_ACCOUNT,
    }
    if r.success_time:
        out["success_time"] = rfc3339(r.success_time)
    out.update(
        create_time=rfc3339(r.created_at),
        status=r.status,
        funds_account="AVAILABLE",
        amount={
            "total": o.total,
            "refund": r.amount,
            "from": [],
            "payer_total": o.total,
            "payer_refund": r.amount,
            "settlement_refund": r.amount,
            "settlement_total": o.total,
            "discount_refund": 0,
            "currency": "CNY",
            "refund_fee": 0,
        },
        promotion_detail=[],
    )
    return out


def refund_notification(r: RefundInfo) -> dict[str, Any]:
    """The REFUND.SUCCESS resource."""
    o = r.order
    out: dict[str, Any] = {
        "mchid": o.mchid,
        "out_trade_no": o.out_trade_no,
        "transaction_id": o.transaction_id,
        "out_refund_no": r.out_refund_no,
        "refund_id": r.refund_id,
        "refund_status": r.status,
    }
    if r.success_time:
        out["success_time"] = rfc3339(r.success_time)
    out.update(
        user_received_account=RECEIVED_ACCOUNT,
        amount={"total": o.total, "refund": r.amount, "payer_total": o.total, "payer_refund": r.amount},
    )
    return out
