"""Gift cards: stored value bought with a payment, given to a friend through a claim link, spent at checkout.

- `issue_for_order(ctx, mchid, out_trade_no, ...)`: the merchant turns a paid order into a card worth its
  total, once per order: the money moves from the merchant's settlement into the card's ledger account
  (`gift_card` `gift:<card_no>`), so it is the card's until spent, refunded or expired.
- `share` makes a one-time claim token (only its hash is stored); `claim` is one conditional UPDATE
  (`WHERE share_token_hash = ? AND status = 'shared'`): of any number of people claiming at once exactly
  one gets the card. The giver sees `claimed_at` in `cards_of`.
- `spend(tx, ...)` runs inside the payment's transaction (checkout.py): a ledger leg from the card's
  account; the ledger's no-negative rule makes over-spending impossible even under races.
- `expire_due(ctx)` sweeps expired cards' balances per their rule: back to the merchant's settlement or to
  the buyer's wallet; each sweep is one journal entry with a unique ref.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.pay import ledger, sql
from minihost.pay.orders import OrderInfo, find_order
from minihost.security import digest

RULES = ("merchant", "buyer")
CARD_COLUMNS = (
    "card_no, mchid, transaction_id, face_value, buyer_user_id, owner_user_id, status, message, claimed_at, "
    "expires_at, expiry_rule, sweeps"
)


@dataclass(frozen=True)
class GiftCardInfo:
    card_no: str
    mchid: str
    transaction_id: str
    face_value: int
    buyer_user_id: int
    owner_user_id: int
    status: str
    message: str
    claimed_at: datetime | None
    expires_at: datetime
    expiry_rule: str
    sweeps: int
    balance: int = 0


def account_owner(card_no: str) -> str:
    return f"gift:{card_no}"


async def _info(ctx: Ctx, r: sql.Row) -> GiftCardInfo:
    bal = await ledger.balance(ctx, ledger.GIFT_CARD, account_owner(r[0]))
    return GiftCardInfo(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
        sql.as_time(r[8]) if r[8] is not None else None, sql.as_time(r[9]), r[10], r[11], bal,
    )  # fmt: skip


async def get_card(ctx: Ctx, card_no: str) -> GiftCardInfo | None:
    row = await sql.one(ctx, f"SELECT {CARD_COLUMNS} FROM mkt_gift_cards WHERE card_no = :c", c=card_no[:32])  # noqa: S608
    return await _info(ctx, row) if row else None


async def issue_for_order(
    ctx: Ctx, mchid: str, out_trade_no: str, *, valid_days: int = 365, expiry_rule: str = "merchant"
) -> GiftCardInfo:
    """A card worth the paid order's total for its payer (the same card for a repeated call)."""
    if isinstance(valid_days, bool) or not isinstance(valid_days, int) or not 1 <= valid_days <= 3650:
        raise ApiError(400, "invalid_valid_days", "valid_days is 1 to 3650.")
    if expiry_rule not in RULES:
        raise ApiError(400, "invalid_expiry_rule", "expiry_rule is 'merchant' or 'buyer'.")
    order = await find_order(ctx, mchid, out_trade_no=out_trade_no)
    if order is None:
        raise ApiError(404, "order_not_found", "No order with this out_trade_no for this merchant.")
    existing = await sql.one(
        ctx,
        f"SELECT {CARD_COLUMNS} FROM mkt_gift_cards WHERE transaction_id = :t",  # noqa: S608
        t=order.transaction_id,
    )
    if existing is not None:
        return await _info(ctx, existing)
    if order.trade_state != "SUCCESS" or order.payer_user_id is None:
        raise ApiError(409, "order_not_paid", "Only a paid, unrefunded order can buy a gift card.")
    card_no = "".join(secrets.choice(string.digits) for _ in range(16))
    account = await ledger.account_id(ctx, ledger.GIFT_CARD, account_owner(card_no))
    settlement = await ledger.settlement_accounts(ctx, mchid)
    now = utcnow()
    try:
        async with sql.transaction(ctx) as tx:
            await tx.run(
                "INSERT INTO mkt_gift_cards (card_no, mchid, transaction_id, face_value, buyer_user_id, "
                "owner_user_id, status, message, expires_at, expiry_rule, sweeps, created_at) VALUES (:c, :mchid, "
                ":tid, :face, :buyer, :buyer, 'active', '', :expires, :rule, 0, :now)",
                c=card_no,
                mchid=mchid,
                tid=order.transaction_id,
                face=order.total,
                buyer=order.payer_user_id,
                expires=now + timedelta(days=valid_days),
                rule=expiry_rule,
                now=now,
            )
            legs = await ledger.settlement_debit_legs(tx, settlement, order.total, [account])
            await ledger.post(tx, "gift_card", f"giftcard:{order.transaction_id}", [*legs, (account, order.total)])
    except sql.Violation:
        pass  # issued by a concurrent call
    except ledger.InsufficientFunds:
        raise ApiError(409, "settlement_too_low", "The merchant's settlement cannot fund this card.") from None
    row = await sql.one(
        ctx,
        f"SELECT {CARD_COLUMNS} FROM mkt_gift_cards WHERE transaction_id = :t",  # noqa: S608
        t=order.transaction_id,
    )
    assert row is not None
    return await _info(ctx, row)


async def share(ctx: Ctx, card_no: str, user_id: int, message: str = "") -> str:
    """Turn the owner's card into a share card; returns the claim token (shown once, only its hash is kept)."""
    if len(message) > 200:
        raise ApiError(400, "invalid_message", "A gift message is at most 200 characters.")
    token = secrets.token_urlsafe(24)
    row = await sql.one(
        ctx,
        "UPDATE mkt_gift_cards SET status = 'shared', share_token_hash = :h, message = :m "
        "WHERE card_no = :c AND owner_user_id = :u AND status = 'active' AND expires_at > :now RETURNING card_no",
        h=digest(token),
        m=message,
        c=card_no[:32],
        u=user_id,
        now=utcnow(),
    )
    if row is None:
        card = await get_card(ctx, card_no)
        if card is None or card.owner_user_id != user_id:
            raise ApiError(404, "gift_card_not_found", "No such gift card among yours.")
        if card.status == "shared":
            raise ApiError(409, "gift_card_shared", "This card is already waiting for a friend to claim it.")
        raise ApiError(409, "gift_card_expired", "This gift card has expired.")
    return token


async def claim(ctx: Ctx, token: str, user_id: int) -> GiftCardInfo:
    """The friend takes the card: exactly one claimer wins; everyone else learns it was claimed."""
    h = digest(token)
    row = await sql.one(ctx, "SELECT card_no, owner_user_id FROM mkt_gift_cards WHERE share_token_hash = :h", h=h)
    if row is None:
        raise ApiError(409, "gift_card_claimed", "This gift card has been claimed already (or the link is wrong).")
    if int(row[1]) == user_id:
        raise ApiError(409, "gift_card_own", "This is your own gift card; send the link to a friend.")
    taken = await sql.one(
        ctx,
        "UPDATE mkt_gift_cards SET owner_user_id = :u, status = 'active', share_token_hash = NULL, "
        "claimed_at = :now WHERE share_token_hash = :h AND status = 'shared' RETURNING card_no",
        u=user_id,
        now=utcnow(),
        h=h,
    )
    if taken is None:
        raise ApiError(409, "gift_card_claimed", "This gift card has been claimed already.")
    card = await get_card(ctx, str(taken[0]))
    assert card is not None
    return card


async def cards_of(ctx: Ctx, user_id: int) -> list[GiftCardInfo]:
    """The user's cards and the cards they gave (a given card shows whether and when it was claimed)."""
    rows = await sql.all(
        ctx,
        f"SELECT {CARD_COLUMNS} FROM mkt_gift_cards WHERE owner_user_id = :u OR buyer_user_id = :u ORDER BY id",  # noqa: S608
        u=user_id,
    )
    return [await _info(ctx, r) for r in rows]


async def spend(ctx: Ctx, tx: sql.Tx, card_no: str, user_id: int, amount: int, order: OrderInfo) -> tuple[int, int]:
    """Inside the payment's transaction: the leg paying `amount` of `order` from the user's card."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ApiError(400, "invalid_amount", "A gift card amount is a whole number of fen greater than 0.")
    row = await tx.one(
        "SELECT owner_user_id, status, expires_at, mchid FROM mkt_gift_cards WHERE card_no = :c", c=card_no[:32]
    )
    if row is None or int(row[0]) != user_id:
        raise ApiError(404, "gift_card_not_found", "No such gift card among yours.")
    if row[1] == "shared":
        raise ApiError(409, "gift_card_shared", "This card is waiting for a friend to claim it; it cannot be spent.")
    if row[1] == "expired" or sql.as_time(row[2]) <= utcnow():
        raise ApiError(409, "gift_card_expired", "This gift card has expired.")
    if row[3] != order.mchid:
        raise ApiError(409, "gift_card_wrong_merchant", "This gift card is for another shop.")
    account = await ledger.account_id(ctx, ledger.GIFT_CARD, account_owner(card_no))
    held = await ledger.balance_in(tx, account)
    if amount > held:
        raise ApiError(409, "gift_card_insufficient", f"This gift card holds {held} fen; spend at most that.")
    return account, -amount


async def expire_due(ctx: Ctx, now: datetime | None = None) -> int:
    """Sweep the balances of expired cards per their rule; returns how many cards were swept."""
    now = now or utcnow()
    rows = await sql.all(
        ctx,
        "SELECT id, card_no, mchid, buyer_user_id, expiry_rule, sweeps FROM mkt_gift_cards "
        "WHERE expires_at <= :now AND status <> 'expired' ORDER BY id LIMIT 500",
        now=now,
    )
    swept = 0
    for card_id, card_no, mchid, buyer, rule, sweeps in rows:
        account = await ledger.account_id(ctx, ledger.GIFT_CARD, account_owner(card_no))
        if rule == "buyer":
            target = await ledger.account_id(ctx, ledger.WALLET, ledger.wallet_owner(int(buyer)))
        else:
            target = await ledger.settlement_for_payment(ctx, mchid, int(card_id))
        try:
            async with sql.transaction(ctx) as tx:
                # Taking the row by its sweep count makes a concurrent or repeated sweep book nothing.
                mine = await tx.one(
                    "UPDATE mkt_gift_cards SET sweeps = sweeps + 1, status = 'expired', share_token_hash = NULL "
                    "WHERE id = :id AND sweeps = :n RETURNING sweeps",
                    id=card_id,
                    n=sweeps,
                )
                if mine is None:
                    continue
                held = await ledger.balance_in(tx, account)
                if held > 0:
                    await ledger.post(
                        tx, "gift_expiry", f"giftexpire:{card_no}:{mine[0]}", [(account, -held), (target, held)]
                    )
                    swept += 1
        except ledger.DuplicateEntry:
            continue
    return swept
