"""Gift cards: bought with a payment, shared through a claim link, claimed by exactly one, spent, expired."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.marketing import giftcards
from minihost.pay import ledger, payments
from tests.marketing.helpers import code, confirm, order
from tests.pay.helpers import call, new_merchant, new_payer


async def _bought(client: httpx.AsyncClient, ctx: Ctx, unique: str, face: int = 5000, **extra: object):  # type: ignore[no-untyped-def]
    kit = await new_merchant(ctx, unique)
    buyer = await new_payer(ctx, unique, kit.appid, balance=20_000)
    prepay = await order(client, kit, buyer, f"G{unique}01", face)
    await payments.pay_order(ctx, prepay, buyer.id)
    r = await call(client, kit, "POST", "/v3/marketing/gift-cards", {"out_trade_no": f"G{unique}01", **extra})
    assert r.status_code == 200, r.text
    return kit, buyer, r.json()["card_no"]


async def test_a_shared_card_is_claimed_by_exactly_one_friend(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit, buyer, card_no = await _bought(client, ctx, unique)
    assert (await giftcards.get_card(ctx, card_no)).balance == 5000  # type: ignore[union-attr]
    assert await ledger.settlement_balance(ctx, kit.mchid) == 0  # the money is the card's until spent

    shared = await client.post(
        f"/host/api/marketing/gift-cards/{card_no}/share", json={"message": "Happy birthday"}, headers=buyer.headers
    )
    assert shared.status_code == 200, shared.text
    token = shared.json()["token"]
    friends = [await new_payer(ctx, f"{unique}f{i}", kit.appid, balance=0, pin="") for i in range(10)]

    async def take(user_id: int) -> str:
        try:
            await giftcards.claim(ctx, token, user_id)
            return "ok"
        except ApiError as exc:
            return exc.code

    results = await asyncio.gather(*(take(f.id) for f in friends))
    assert results.count("ok") == 1 and set(results) == {"ok", "gift_card_claimed"}
    card = await giftcards.get_card(ctx, card_no)
    assert card is not None and card.owner_user_id in {f.id for f in friends} and card.message == "Happy birthday"

    given = (await client.get("/host/api/marketing/gift-cards", headers=buyer.headers)).json()["cards"]
    assert given[0]["given"] and given[0]["claimed"] and not given[0]["mine"]
    again = await client.post("/host/api/marketing/gift-cards/claim", json={"token": token}, headers=buyer.headers)
    assert code(again) == (409, "gift_card_claimed")


async def test_spending_a_card_in_part_and_never_more_than_it_holds(
    client: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    kit, buyer, card_no = await _bought(client, ctx, unique, face=3000)
    wallet = await ledger.wallet_balance(ctx, buyer.id)
    prepay = await order(client, kit, buyer, f"G{unique}02", 2000)
    too_much = await confirm(client, kit, buyer, prepay, gift_cards=[{"card_no": card_no, "amount": 3001}])
    assert code(too_much) == (409, "gift_card_insufficient")
    negative = await confirm(client, kit, buyer, prepay, gift_cards=[{"card_no": card_no, "amount": -5}])
    assert code(negative) == (400, "invalid_amount")
    over_total = await confirm(client, kit, buyer, prepay, gift_cards=[{"card_no": card_no, "amount": 2500}])
    assert code(over_total) == (400, "over_order_total")
    assert await ledger.wallet_balance(ctx, buyer.id) == wallet  # nothing moved

    paid = await confirm(client, kit, buyer, prepay, gift_cards=[{"card_no": card_no, "amount": 1200}])
    assert paid.status_code == 200, paid.text
    assert paid.json()["balance"] == wallet - 800
    assert (await giftcards.get_card(ctx, card_no)).balance == 1800  # type: ignore[union-attr]
    assert await ledger.settlement_balance(ctx, kit.mchid) == 2000

    # A full refund gives the wallet its 800 back first, then the card its 1200.
    r = await call(
        client,
        kit,
        "POST",
        "/v3/refund/domestic/refunds",
        {"out_trade_no": f"G{unique}02", "out_refund_no": f"GR{unique}", "amount": {"refund": 2000, "total": 2000}},
    )
    assert r.status_code == 200, r.text
    assert await ledger.wallet_balance(ctx, buyer.id) == wallet
    assert (await giftcards.get_card(ctx, card_no)).balance == 3000  # type: ignore[union-attr]
    assert (await ledger.check(ctx)).ok


async def test_an_expired_card_returns_its_balance_per_rule(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit, buyer, card_no = await _bought(client, ctx, unique, face=4000, expiry_rule="buyer", valid_days=1)
    wallet = await ledger.wallet_balance(ctx, buyer.id)
    later = utcnow() + timedelta(days=2)
    assert await giftcards.expire_due(ctx, later) >= 1
    assert await giftcards.expire_due(ctx, later) == 0  # a second sweep moves nothing
    card = await giftcards.get_card(ctx, card_no)
    assert card is not None and card.status == "expired" and card.balance == 0
    assert await ledger.wallet_balance(ctx, buyer.id) == wallet + 4000
    prepay = await order(client, kit, buyer, f"G{unique}03", 100)
    r = await confirm(client, kit, buyer, prepay, gift_cards=[{"card_no": card_no, "amount": 100}])
    assert code(r) == (409, "gift_card_expired")
    assert (await ledger.check(ctx)).ok
