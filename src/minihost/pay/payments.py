"""Paying an order from the user's wallet: the step the host's pay sheet calls.

`confirm_payment(ctx, prepay_id, user_id, pin=..., params=...)` checks the `wx.requestPayment` parameters
(signed by the merchant's key), the payment PIN, then `pay_order` moves the money: one balanced entry
(wallet -total, merchant settlement +total), the order marked SUCCESS and its TRANSACTION.SUCCESS
notification queued, all in one database transaction.

Exactly-once: the transaction starts with `UPDATE pay_orders SET trade_state='SUCCESS' WHERE
prepay_id=? AND trade_state='NOTPAY'`; of any number of concurrent confirms one updates the row, the
others wait on its row lock and then match nothing (PostgreSQL re-checks the WHERE after the lock), and
the journal entry's unique ref `pay:<transaction_id>` is a second guard.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from minihost.auth import service as auth
from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.pay import ledger, notify, sql
from minihost.pay.merchants import get_merchant
from minihost.pay.models import PaymentPin
from minihost.pay.orders import OrderInfo, order_by_prepay_id, transaction_resource
from minihost.pay.signing import cached_public_key, rsa_verify
from minihost.security import digest, hash_password, verify_password

PIN = re.compile(r"^[0-9]{6}$")
PIN_MAX_FAILURES = 5
PIN_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class PaymentResult:
    transaction_id: str
    out_trade_no: str
    total: int
    already_paid: bool
    """True when this call found the order paid by the same user before (a repeated confirm)."""


# ----------------------------------------------------------------------------------------------- PIN


async def set_pin(ctx: Ctx, user_id: int, pin: str, *, old_pin: str | None = None) -> None:
    """Set the 6-digit payment PIN; changing it needs the old one."""
    if not PIN.match(pin):
        raise ApiError(400, "invalid_pin", "A payment PIN is 6 digits.")
    async with ctx.db.session() as s:
        existing = await s.get(PaymentPin, user_id)
    if existing is not None:
        await check_pin(ctx, user_id, old_pin or "")
    pin_hash = await asyncio.to_thread(hash_password, pin)
    async with ctx.db.session() as s, s.begin():
        row = await s.get(PaymentPin, user_id)
        if row is None:
            s.add(PaymentPin(user_id=user_id, pin_hash=pin_hash))
        else:
            row.pin_hash = pin_hash
            row.updated_at = utcnow()


async def has_pin(ctx: Ctx, user_id: int) -> bool:
    async with ctx.db.session() as s:
        return await s.get(PaymentPin, user_id) is not None


def _fail_key(user_id: int, pin_hash: str) -> str:
    # The hash's digest ties the count to this PIN row (a store shared by several databases never mixes
    # two users with the same id); changing the PIN needs the old one, so it cannot dodge the lock.
    return f"pay:pin-fail:{user_id}:{digest(pin_hash)[:16]}"


async def check_pin(ctx: Ctx, user_id: int, pin: str) -> None:
    """403 `pin_locked` after five wrong PINs (for 15 minutes), 403 `wrong_pin` otherwise on a mismatch."""
    async with ctx.db.session() as s:
        row = await s.get(PaymentPin, user_id)
    if row is None:
        raise ApiError(403, "no_pin", "Set a 6-digit payment PIN before paying.")
    key = _fail_key(user_id, row.pin_hash)
    failures = await ctx.store.get(key)
    if failures is not None and int(failures) >= PIN_MAX_FAILURES:
        wait = await ctx.store.ttl(key) or PIN_LOCK_SECONDS
        raise ApiError(
            403, "pin_locked", f"Too many wrong payment PINs; payments are locked for {int(wait) // 60 + 1} minutes."
        )
    # One PIN check at a time per user, so parallel guesses cannot outrun the failure count.
    async with ctx.store.lock(f"pay:pin:{user_id}", ttl=10, wait=30):
        failures = await ctx.store.get(key)
        if failures is not None and int(failures) >= PIN_MAX_FAILURES:
            raise ApiError(403, "pin_locked", "Too many wrong payment PINs; payments are locked for a while.")
        ok = PIN.match(pin) is not None and await asyncio.to_thread(verify_password, row.pin_hash, pin)
        if ok:
            await ctx.store.delete(key)
            return
        count = await ctx.store.incr(key, PIN_LOCK_SECONDS)
    if count >= PIN_MAX_FAILURES:
        raise ApiError(403, "pin_locked", "Wrong payment PIN five times; payments are locked for 15 minutes.")
    raise ApiError(403, "wrong_pin", f"Wrong payment PIN; {PIN_MAX_FAILURES - count} tries left.")


# ------------------------------------------------------------------------------------ requestPayment


@dataclass(frozen=True)
class PaymentParams:
    """What the mini program passes to `wx.requestPayment`."""

    appid: str
    time_stamp: str
    nonce_str: str
    package: str
    sign_type: str
    pay_sign: str

    @property
    def prepay_id(self) -> str:
        return self.package.removeprefix("prepay_id=")


async def verify_payment_params(ctx: Ctx, params: PaymentParams) -> OrderInfo:
    """The order the parameters name, when the merchant's key signed `appid\\ntimeStamp\\nnonceStr\\npackage\\n`."""
    if params.sign_type != "RSA":
        raise ApiError(400, "invalid_sign_type", "wx.requestPayment needs signType 'RSA' for WeChat Pay v3.")
    if not params.package.startswith("prepay_id=") or not params.time_stamp.isdigit() or not params.nonce_str:
        raise ApiError(400, "invalid_payment_params", "package is 'prepay_id=...'; timeStamp is Unix seconds.")
    order = await order_by_prepay_id(ctx, params.prepay_id)
    if order is None or order.appid != params.appid:
        raise ApiError(404, "order_not_found", "No order for this prepay_id in this mini program.")
    merchant = await get_merchant(ctx, order.mchid)
    assert merchant is not None
    message = f"{params.appid}\n{params.time_stamp}\n{params.nonce_str}\n{params.package}\n"
    if not rsa_verify(cached_public_key(merchant.cert_public_key_pem), message, params.pay_sign):
        raise ApiError(403, "invalid_pay_sign", "paySign does not verify with the merchant's API certificate.")
    return order


async def confirm_payment(
    ctx: Ctx, params: PaymentParams, user_id: int, *, pin: str, funding: Funding | None = None
) -> PaymentResult:
    """What the pay sheet calls: verify the parameters and the PIN, then pay once."""
    order = await verify_payment_params(ctx, params)
    _check_payable(ctx, order, user_id)
    if order.trade_state in ("SUCCESS", "REFUND"):
        return PaymentResult(order.transaction_id, order.out_trade_no, order.total, True)
    await check_pin(ctx, user_id, pin)
    return await pay_order(ctx, order.prepay_id, user_id, funding=funding)


def _check_payable(ctx: Ctx, order: OrderInfo, user_id: int) -> None:
    if auth.openid_for(ctx, order.appid, user_id) != order.payer_openid:
        raise ApiError(403, "payer_mismatch", "This order was placed for another WeChat user; it cannot be paid here.")
    if order.trade_state == "CLOSED" or order.expired:
        raise ApiError(409, "order_closed", "This order is closed or expired; ask the mini program for a new one.")


Funding = Callable[[sql.Tx, OrderInfo, int], Awaitable[list[tuple[int, int]]]]
"""Pays part of an order from elsewhere than the wallet (a coupon's budget, a gift card): called inside the
payment's transaction, once the order is claimed, with (tx, order, user_id); returns ledger legs (negative
amounts on the source accounts) and makes its own changes (coupon used) in the same transaction, so they
happen exactly when the payment does. Raising anything rolls the whole payment back."""


PaidHook = Callable[[sql.Tx, OrderInfo, int, int], Awaitable[None]]
"""Called inside every payment's transaction after the money moved, with (tx, order, user_id, paid from the
wallet); other domains register one (membership points) so their change happens exactly with the payment."""
_after_payment: list[PaidHook] = []


def on_paid(hook: PaidHook) -> None:
    if hook not in _after_payment:
        _after_payment.append(hook)


class FundingRefused(Exception):
    """Raised by a Funding to refuse (e.g. the coupon was used meanwhile); carries the ApiError to answer."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


async def pay_order(ctx: Ctx, prepay_id: str, user_id: int, *, funding: Funding | None = None) -> PaymentResult:
    """Move the money for one order, exactly once. The PIN and paySign are the caller's business.

    The wallet pays the order's total less what `funding` covers; the merchant receives the whole total."""
    order = await order_by_prepay_id(ctx, prepay_id)
    if order is None:
        raise ApiError(404, "order_not_found", "No order for this prepay_id.")
    _check_payable(ctx, order, user_id)
    if order.trade_state in ("SUCCESS", "REFUND"):
        return PaymentResult(order.transaction_id, order.out_trade_no, order.total, True)
    merchant = await get_merchant(ctx, order.mchid)
    assert merchant is not None
    wallet = await ledger.account_id(ctx, ledger.WALLET, ledger.wallet_owner(user_id))
    settlement = await ledger.settlement_for_payment(ctx, order.mchid, order.id)
    now = utcnow()
    try:
        async with sql.transaction(ctx) as tx:
            claimed = await tx.one(
                "UPDATE pay_orders SET trade_state = 'SUCCESS', success_time = :now, payer_user_id = :user "
                "WHERE id = :id AND trade_state = 'NOTPAY' RETURNING id",
                now=now,
                user=user_id,
                id=order.id,
            )
            if claimed is None:
                raise _AlreadySettled
            # The notification goes in before the ledger touches the merchant's settlement sub-account
            # (shared with other payments to this merchant), so that row's lock is held only until the commit.
            await notify.enqueue(
                tx,
                mchid=order.mchid,
                apiv3_key=merchant.apiv3_key,
                notify_url=order.notify_url,
                event_type="TRANSACTION.SUCCESS",
                summary="支付成功",
                original_type="transaction",
                resource=transaction_resource(
                    replace(order, trade_state="SUCCESS", success_time=now, payer_user_id=user_id)
                ),
            )
            legs = await funding(tx, order, user_id) if funding is not None else []
            covered = -sum(amount for _, amount in legs)
            if any(amount >= 0 for _, amount in legs) or covered > order.total:
                raise ApiError(400, "invalid_funding", "Coupons and cards can cover at most the order's total.")
            if covered < order.total:
                legs.append((wallet, covered - order.total))
            await ledger.post(
                tx,
                "payment",
                f"pay:{order.transaction_id}",
                [*legs, (settlement, order.total)],
                memo=order.out_trade_no,
            )
            for hook in _after_payment:
                await hook(tx, order, user_id, order.total - covered)
    except ledger.InsufficientFunds as exc:
        if exc.account_id != wallet:
            raise ApiError(409, "card_balance_changed", "A card's balance changed meanwhile; try again.") from None
        raise ApiError(
            402, "insufficient_balance", "Your wallet balance is too low for this payment; top up first."
        ) from None
    except FundingRefused as exc:
        raise exc.error from None
    except (_AlreadySettled, ledger.DuplicateEntry, sql.Violation):
        after = await order_by_prepay_id(ctx, prepay_id)
        assert after is not None
        if after.trade_state in ("SUCCESS", "REFUND") and after.payer_user_id == user_id:
            return PaymentResult(after.transaction_id, after.out_trade_no, after.total, True)
        raise ApiError(409, "order_closed", "This order can no longer be paid.") from None
    return PaymentResult(order.transaction_id, order.out_trade_no, order.total, False)


class _AlreadySettled(Exception):
    pass
