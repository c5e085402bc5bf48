"""Membership: activation, points on payment (once, whatever the retries), levels, member prices, reversal."""

from __future__ import annotations

import asyncio

import httpx

from minihost.context import Ctx
from minihost.marketing import members
from minihost.pay import payments
from tests.marketing.helpers import code, order, refund
from tests.pay.helpers import new_merchant, new_payer

LEVELS = [
    {"name": "Silver", "min_points": 0, "price_percent": 100},
    {"name": "Gold", "min_points": 30, "price_percent": 90},
]


async def test_points_levels_member_prices_and_reversal(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid, balance=50_000)
    card = await members.create_card(ctx, kit.mchid, "Coffee club", 100, LEVELS)  # 1 point per yuan
    r = await client.post(f"/host/api/marketing/cards/{card.card_id}/activate", headers=payer.headers)
    assert r.status_code == 200 and r.json()["level"] == "Silver"

    prepay = await order(client, kit, payer, f"M{unique}01", 4050)
    # The same payment confirmed many times at once earns its points once.
    await asyncio.gather(*(payments.pay_order(ctx, prepay, payer.id) for _ in range(10)))
    me = (await client.get(f"/host/api/marketing/cards/{card.card_id}/me", headers=payer.headers)).json()
    assert me["points"] == 40 and me["level"] == "Gold"
    price = await client.get(f"/host/api/marketing/cards/{card.card_id}/price?amount=1000", headers=payer.headers)
    assert price.json()["member_price"] == 900

    spent = await members.redeem_points(ctx, card.card_id, payer.id, 10, f"gift{unique}")
    assert spent.points == 30
    again = await members.redeem_points(ctx, card.card_id, payer.id, 10, f"gift{unique}")
    assert again.points == 30  # a retried redemption spends once
    over = await client.post(
        f"/host/api/marketing/cards/{card.card_id}/points/redeem",
        json={"points": 1000, "request_no": "big"},
        headers=payer.headers,
    )
    assert code(over) == (409, "not_enough_points")
    negative = await client.post(
        f"/host/api/marketing/cards/{card.card_id}/points/redeem",
        json={"points": -5, "request_no": "neg"},
        headers=payer.headers,
    )
    assert code(negative) == (400, "invalid_points")

    # Half refunded: half the earned points (20) go back; the rest with the second half.
    assert (await refund(client, kit, f"M{unique}01", f"MR{unique}1", 2025, 4050)).status_code == 200
    assert (await members.member(ctx, card.card_id, payer.id)).points == 10  # type: ignore[union-attr]
    assert (await refund(client, kit, f"M{unique}01", f"MR{unique}2", 2025, 4050)).status_code == 200
    after = await members.member(ctx, card.card_id, payer.id)
    assert after is not None and after.points == 0  # 20 more were due; only 10 were left to take
    assert await members.journal_consistent(ctx)
