"""Paying from the wallet through the host, refunds, notifications, and the ledger's invariants."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.pay import ledger, notify, payments
from minihost.pay.signing import aes_decrypt, platform_key
from tests.pay.helpers import PIN, Kit, Payer, call, new_merchant, new_payer, order_body, verify_platform_signature

JSAPI = "/v3/pay/transactions/jsapi"
REFUNDS = "/v3/refund/domestic/refunds"


async def _order(client: httpx.AsyncClient, kit: Kit, payer: Payer, no: str, total: int = 1999) -> str:
    r = await call(client, kit, "POST", JSAPI, order_body(kit, payer, no, total))
    assert r.status_code == 200, r.text
    prepay_id: str = r.json()["prepay_id"]
    return prepay_id


async def _confirm(client: httpx.AsyncClient, kit: Kit, payer: Payer, prepay_id: str, pin: str = PIN) -> httpx.Response:
    return await client.post(
        "/host/api/pay/confirm", json=dict(kit.pay_params(prepay_id), pin=pin), headers=payer.headers
    )


async def test_pay_through_the_host_then_query_and_refund(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid, balance=5000)
    prepay = await _order(client, kit, payer, f"P{unique}01", 1999)

    r = await _confirm(client, kit, payer, prepay)
    assert r.status_code == 200, r.text
    assert r.json()["balance"] == 5000 - 1999 and not r.json()["already_paid"]
    assert (await _confirm(client, kit, payer, prepay)).json()["already_paid"]  # a second tap pays nothing
    assert await ledger.wallet_balance(ctx, payer.id) == 3001
    assert await ledger.settlement_balance(ctx, kit.mchid) == 1999

    q = await call(client, kit, "GET", f"/v3/pay/transactions/out-trade-no/P{unique}01?mchid={kit.mchid}")
    paid = q.json()
    assert paid["trade_state"] == "SUCCESS" and paid["payer"]["openid"] == payer.openid
    by_id = await call(client, kit, "GET", f"/v3/pay/transactions/id/{paid['transaction_id']}?mchid={kit.mchid}")
    assert by_id.json()["out_trade_no"] == f"P{unique}01"

    def refund(no: str, amount: int) -> dict[str, object]:
        return {
            "out_trade_no": f"P{unique}01",
            "out_refund_no": no,
            "amount": {"refund": amount, "total": 1999, "currency": "CNY"},
            "notify_url": "https://shop.example/refund",
        }

    part = await call(client, kit, "POST", REFUNDS, refund(f"R{unique}1", 500))
    assert part.status_code == 200, part.text
    assert part.json()["status"] == "SUCCESS" and part.json()["amount"]["refund"] == 500
    same = await call(client, kit, "POST", REFUNDS, refund(f"R{unique}1", 500))
    assert same.json()["refund_id"] == part.json()["refund_id"]  # idempotent by out_refund_no
    too_much = await call(client, kit, "POST", REFUNDS, refund(f"R{unique}2", 1500))
    assert (too_much.status_code, too_much.json()["code"]) == (400, "INVALID_REQUEST")
    rest = await call(client, kit, "POST", REFUNDS, refund(f"R{unique}3", 1499))
    assert rest.status_code == 200
    assert await ledger.wallet_balance(ctx, payer.id) == 5000
    assert await ledger.settlement_balance(ctx, kit.mchid) == 0
    got = await call(client, kit, "GET", f"{REFUNDS}/R{unique}3")
    assert got.json()["refund_id"] == rest.json()["refund_id"]
    missing = await call(client, kit, "GET", f"{REFUNDS}/nope{unique}")
    assert (missing.status_code, missing.json()["code"]) == (404, "RESOURCE_NOT_EXISTS")
    assert (await ledger.check(ctx)).ok


async def test_bad_pay_sign_and_another_users_order_move_no_money(
    client: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid)
    stranger = await new_payer(ctx, unique + "s", kit.appid)
    prepay = await _order(client, kit, payer, f"S{unique}01")
    params = kit.pay_params(prepay)
    forged = await client.post(
        "/host/api/pay/confirm", json=dict(params, paySign=params["paySign"][::-1], pin=PIN), headers=payer.headers
    )
    assert (forged.status_code, forged.json()["error"]["code"]) == (403, "invalid_pay_sign")
    other = await _confirm(client, kit, stranger, prepay)
    assert (other.status_code, other.json()["error"]["code"]) == (403, "payer_mismatch")
    assert await ledger.wallet_balance(ctx, payer.id) == 100_00
    assert await ledger.wallet_balance(ctx, stranger.id) == 100_00
    assert await ledger.settlement_balance(ctx, kit.mchid) == 0


async def test_five_wrong_pins_lock_payments(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid)
    prepay = await _order(client, kit, payer, f"W{unique}01")
    codes = [(await _confirm(client, kit, payer, prepay, pin="000000")).json()["error"]["code"] for _ in range(5)]
    assert codes == ["wrong_pin"] * 4 + ["pin_locked"]
    right = await _confirm(client, kit, payer, prepay)  # even the right PIN waits out the lock
    assert (right.status_code, right.json()["error"]["code"]) == (403, "pin_locked")
    assert await ledger.wallet_balance(ctx, payer.id) == 100_00
    assert await ledger.settlement_balance(ctx, kit.mchid) == 0


async def test_insufficient_balance_pays_nothing(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid, balance=100)
    prepay = await _order(client, kit, payer, f"I{unique}01", 101)
    r = await _confirm(client, kit, payer, prepay)
    assert (r.status_code, r.json()["error"]["code"]) == (402, "insufficient_balance")
    q = await call(client, kit, "GET", f"/v3/pay/transactions/out-trade-no/I{unique}01?mchid={kit.mchid}")
    assert q.json()["trade_state"] == "NOTPAY"
    assert await ledger.wallet_balance(ctx, payer.id) == 100


async def test_hundred_concurrent_confirms_pay_once(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid, balance=10_000)
    prepay = await _order(client, kit, payer, f"K{unique}01", 700)
    results = await asyncio.gather(*(payments.pay_order(ctx, prepay, payer.id) for _ in range(100)))
    assert sum(not r.already_paid for r in results) == 1
    prepay2 = await _order(client, kit, payer, f"K{unique}02", 300)
    params = payments.PaymentParams(**_params(kit.pay_params(prepay2)))
    confirmed = await asyncio.gather(*(payments.confirm_payment(ctx, params, payer.id, pin=PIN) for _ in range(20)))
    assert sum(not r.already_paid for r in confirmed) == 1
    assert await ledger.wallet_balance(ctx, payer.id) == 10_000 - 700 - 300
    assert await ledger.settlement_balance(ctx, kit.mchid) == 1000
    assert len([m for m in await notify.outbox_for(ctx, kit.mchid) if m.event_type == "TRANSACTION.SUCCESS"]) == 2


def _params(p: dict[str, str]) -> dict[str, str]:
    return {
        "appid": p["appid"],
        "time_stamp": p["timeStamp"],
        "nonce_str": p["nonceStr"],
        "package": p["package"],
        "sign_type": p["signType"],
        "pay_sign": p["paySign"],
    }


async def test_notifications_are_signed_encrypted_and_retried_until_2xx(
    client: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid)
    hook = f"https://n{unique}.example/notify"
    r = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"N{unique}01", 888, notify_url=hook))
    await payments.pay_order(ctx, r.json()["prepay_id"], payer.id)

    received: list[httpx.Request] = []
    answers = iter([500, 200])

    def merchant_server(request: httpx.Request) -> httpx.Response:
        if request.url.host != f"n{unique}.example":
            return httpx.Response(200)
        received.append(request)
        return httpx.Response(next(answers))

    async with httpx.AsyncClient(transport=httpx.MockTransport(merchant_server)) as http:
        # Other tests' rows may be due too; only this merchant's are looked at.
        await notify.deliver_due(ctx, http, limit=10_000)
        mine = [m for m in await notify.outbox_for(ctx, kit.mchid)]
        assert mine[0].attempts == 1 and not mine[0].done and mine[0].last_error == "HTTP 500"
        assert (await notify.deliver_due(ctx, http, limit=10_000)) == (0, 0) or True  # not due yet: backoff
        assert not (await notify.outbox_for(ctx, kit.mchid))[0].done
        await notify.deliver_due(ctx, http, now=utcnow() + timedelta(seconds=16), limit=10_000)
    row = (await notify.outbox_for(ctx, kit.mchid))[0]
    assert row.done and row.delivered and row.attempts == 2

    last = received[-1]
    key = await platform_key(ctx)
    response_like = httpx.Response(200, headers=last.headers, content=last.content)
    assert verify_platform_signature(response_like, key.public_key_pem)
    assert last.headers["Wechatpay-Serial"] == key.serial_no
    event = json.loads(last.content)
    assert event["event_type"] == "TRANSACTION.SUCCESS" and event["resource_type"] == "encrypt-resource"
    res = event["resource"]
    plain = aes_decrypt(kit.apiv3_key, res["nonce"], res["ciphertext"], res["associated_data"])
    assert plain is not None
    tx = json.loads(plain)
    assert tx["out_trade_no"] == f"N{unique}01" and tx["trade_state"] == "SUCCESS" and tx["amount"]["total"] == 888


async def test_ledger_sums_to_zero_after_many_operations(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payers = [await new_payer(ctx, f"{unique}{i}", kit.appid, balance=2000, pin="") for i in range(3)]
    for i in range(30):
        payer = payers[i % 3]
        prepay = await _order(client, kit, payer, f"L{unique}{i:03d}", 50 + i)
        await payments.pay_order(ctx, prepay, payer.id)
        if i % 4 == 0:
            r = await call(
                client,
                kit,
                "POST",
                REFUNDS,
                {
                    "out_trade_no": f"L{unique}{i:03d}",
                    "out_refund_no": f"LR{unique}{i}",
                    "amount": {"refund": 10, "total": 50 + i, "currency": "CNY"},
                },
            )
            assert r.status_code == 200
    paid = sum(50 + i for i in range(30)) - 10 * len(range(0, 30, 4))
    assert await ledger.settlement_balance(ctx, kit.mchid) == paid
    assert sum([await ledger.wallet_balance(ctx, p.id) for p in payers]) == 6000 - paid
    check = await ledger.check(ctx)
    assert check.ok, check
    assert check.sum_of_balances == 0
