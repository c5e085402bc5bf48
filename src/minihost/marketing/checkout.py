"""Where marketing meets a payment: the pay sheet's confirm with a coupon and gift cards, and pay's hooks.

`confirm(ctx, params, user_id, pin=..., coupon_id=..., gift_cards=[(card_no, fen), ...])` is pay's
`confirm_payment` with a `Funding` that, inside the payment's single transaction, uses the coupon (its
discount paid from the stock's budget) and takes the gift card amounts; the wallet pays the rest and the
merchant's settlement receives the whole order total. Any refusal (coupon used, card short, ...) rolls the
whole payment back with its precise error; a repeated confirm of a paid order changes nothing (pay's
exactly-once claim of the order runs first).

`install()` registers the hooks pay calls in its own transactions: points on payment, coupon return and
points reversal on refund. The routes module calls it, so every running app has them.
"""

from __future__ import annotations

from collections.abc import Sequence

from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.marketing import coupons, giftcards, members
from minihost.pay import payments, refunds, sql
from minihost.pay.orders import OrderInfo

MAX_CARDS = 5


def funding(
    ctx: Ctx, *, coupon_id: str | None = None, gift_cards: Sequence[tuple[str, int]] = ()
) -> payments.Funding | None:
    if len(gift_cards) > MAX_CARDS:
        raise ApiError(400, "too_many_cards", f"Pay with at most {MAX_CARDS} gift cards at once.")
    if len({no for no, _ in gift_cards}) != len(gift_cards):
        raise ApiError(400, "duplicate_card", "Name each gift card once.")
    for _, amount in gift_cards:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ApiError(400, "invalid_amount", "A gift card amount is a whole number of fen greater than 0.")
    if coupon_id is None and not gift_cards:
        return None

    async def fund(tx: sql.Tx, order: OrderInfo, user_id: int) -> list[tuple[int, int]]:
        try:
            legs: list[tuple[int, int]] = []
            if coupon_id is not None:
                legs.append(await coupons.redeem(ctx, tx, coupon_id, user_id, order))
            for card_no, amount in gift_cards:
                legs.append(await giftcards.spend(ctx, tx, card_no, user_id, amount, order))
        except ApiError as exc:
            raise payments.FundingRefused(exc) from None
        if -sum(a for _, a in legs) > order.total:
            raise payments.FundingRefused(
                ApiError(400, "over_order_total", "The coupon and gift cards come to more than the order's total.")
            )
        return legs

    return fund


async def confirm(
    ctx: Ctx,
    params: payments.PaymentParams,
    user_id: int,
    *,
    pin: str,
    coupon_id: str | None = None,
    gift_cards: Sequence[tuple[str, int]] = (),
) -> payments.PaymentResult:
    return await payments.confirm_payment(
        ctx, params, user_id, pin=pin, funding=funding(ctx, coupon_id=coupon_id, gift_cards=gift_cards)
    )


def install() -> None:
    """Register marketing's hooks with pay (idempotent)."""
    payments.on_paid(members.earn_on_payment)
    refunds.on_refund(coupons.return_on_refund)
    refunds.on_refund(members.reverse_on_refund)


install()
