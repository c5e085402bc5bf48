"""Coupons: merchant stocks over WeChat's API shape, claims within every limit, redemption at payment."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.errors import ApiError
from minihost.marketing import coupons
from minihost.pay import ledger
from minihost.pay.signing import rfc3339
from tests.marketing.helpers import STOCKS, code, confirm, normal_stock, order, refund, running_stock
from tests.pay.helpers import call, new_merchant, new_payer


async def test_a_coupon_pays_part_of_an_order_and_comes_back_on_full_refund(
    client: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid, balance=10_000)
    stock_id = await running_stock(client, kit, normal_stock(unique, amount=500, quantity=3))
    assert await coupons.budget_balance(ctx, stock_id) == 1500

    claimed = await client.post("/host/api/marketing/coupons/claim", json={"stock_id": stock_id}, headers=payer.headers)
    assert claimed.status_code == 200, claimed.text
    coupon_id = claimed.json()["coupon_id"]

    prepay = await order(client, kit, payer, f"C{unique}01", 2000)
    paid = await confirm(client, kit, payer, prepay, coupon_id=coupon_id)
    assert paid.status_code == 200, paid.text
    assert paid.json()["balance"] == 10_000 - 1500  # the coupon paid 500 of 2000
    assert await ledger.settlement_balance(ctx, kit.mchid) == 2000  # the merchant gets the whole total
    assert await coupons.budget_balance(ctx, stock_id) == 1000
    mine = (await client.get("/host/api/marketing/coupons", headers=payer.headers)).json()["coupons"]
    assert mine[0]["status"] == "USED" and mine[0]["discount"] == 500

    again = await confirm(client, kit, payer, prepay, coupon_id=coupon_id)
    assert again.json()["already_paid"] and again.json()["balance"] == 8500  # nothing moved twice

    # A second order cannot use the same coupon: a precise error and nothing moves.
    prepay2 = await order(client, kit, payer, f"C{unique}02", 2000)
    used = await confirm(client, kit, payer, prepay2, coupon_id=coupon_id)
    assert code(used) == (409, "coupon_used")
    assert await ledger.wallet_balance(ctx, payer.id) == 8500

    # Refunds go back to the wallet first; the full refund also returns the coupon and the budget.
    part = await refund(client, kit, f"C{unique}01", f"CR{unique}1", 1000, 2000)
    assert part.status_code == 200, part.text
    assert await ledger.wallet_balance(ctx, payer.id) == 9500
    assert (await coupons.get_coupon(ctx, coupon_id)).status == "USED"  # type: ignore[union-attr]
    rest = await refund(client, kit, f"C{unique}01", f"CR{unique}2", 1000, 2000)
    assert rest.status_code == 200, rest.text
    assert await ledger.wallet_balance(ctx, payer.id) == 10_000
    assert await coupons.budget_balance(ctx, stock_id) == 1500
    assert (await coupons.get_coupon(ctx, coupon_id)).status == "SENDED"  # type: ignore[union-attr]
    assert await ledger.settlement_balance(ctx, kit.mchid) == 0
    assert (await ledger.check(ctx)).ok


async def test_claims_respect_the_per_user_limit_and_the_window(
    client: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid)
    stock_id = await running_stock(client, kit, normal_stock(unique, quantity=5, per_user=1))
    body = {"stock_id": stock_id, "out_request_no": f"req{unique}"}
    first = await client.post("/host/api/marketing/coupons/claim", json=body, headers=payer.headers)
    assert first.status_code == 200
    retried = await client.post("/host/api/marketing/coupons/claim", json=body, headers=payer.headers)
    assert retried.json()["coupon_id"] == first.json()["coupon_id"]  # the same request, answered again
    twice = await client.post("/host/api/marketing/coupons/claim", json={"stock_id": stock_id}, headers=payer.headers)
    assert code(twice) == (409, "coupon_limit_reached")
    assert len(await coupons.coupons_of(ctx, payer.id)) == 1
    stock = await coupons.get_stock(ctx, stock_id)
    assert stock is not None and stock.distributed == 1

    now = utcnow()
    expired = normal_stock(
        unique,
        suffix="x",
        available_begin_time=rfc3339(now - timedelta(days=2)),
        available_end_time=rfc3339(now - timedelta(days=1)),
    )
    old_stock = await running_stock(client, kit, expired)
    late = await client.post("/host/api/marketing/coupons/claim", json={"stock_id": old_stock}, headers=payer.headers)
    assert code(late) == (409, "coupon_expired")


async def test_bad_stocks_are_refused_with_precise_errors(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    negative = normal_stock(unique, amount=-100)
    negative["stock_use_rule"]["max_amount"] = 1000
    r = await call(client, kit, "POST", STOCKS, negative)
    assert (r.status_code, r.json()["code"]) == (400, "PARAM_ERROR")
    assert "coupon_amount" in r.json()["message"]
    wrong_budget = normal_stock(unique, suffix="b")
    wrong_budget["stock_use_rule"]["max_amount"] = 1
    r = await call(client, kit, "POST", STOCKS, wrong_budget)
    assert (r.status_code, r.json()["code"]) == (400, "PARAM_ERROR")


async def test_an_expired_coupon_cannot_pay(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid, balance=5000)
    now = utcnow()
    short = normal_stock(unique, available_end_time=rfc3339(now + timedelta(seconds=2)))
    stock_id = await running_stock(client, kit, short)
    coupon = await coupons.claim(ctx, stock_id, payer.id)
    await asyncio.sleep(2.5)
    prepay = await order(client, kit, payer, f"E{unique}01", 2000)
    r = await confirm(client, kit, payer, prepay, coupon_id=coupon.coupon_id)
    assert code(r) == (409, "coupon_expired")
    assert await ledger.wallet_balance(ctx, payer.id) == 5000
    assert (await coupons.get_coupon(ctx, coupon.coupon_id)).status == "SENDED"  # type: ignore[union-attr]


async def test_concurrent_claims_never_over_issue(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payers = [await new_payer(ctx, f"{unique}{i}", kit.appid, balance=0, pin="") for i in range(12)]
    stock_id = await running_stock(client, kit, normal_stock(unique, quantity=7, per_user=2))

    async def grab(user_id: int) -> str:
        try:
            await coupons.claim(ctx, stock_id, user_id)
            return "ok"
        except ApiError as exc:
            return exc.code

    # 12 people, 3 tries each, at once: 7 coupons exist and nobody may hold more than 2.
    results = await asyncio.gather(*(grab(p.id) for p in payers for _ in range(3)))
    assert results.count("ok") == 7
    assert set(results) <= {"ok", "coupon_sold_out", "coupon_limit_reached"}
    stock = await coupons.get_stock(ctx, stock_id)
    assert stock is not None and stock.distributed == 7
    held = [len(await coupons.coupons_of(ctx, p.id)) for p in payers]
    assert sum(held) == 7 and max(held) <= 2
