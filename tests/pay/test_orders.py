"""JSAPI orders over /v3/: signed requests in, signed answers out, WeChat Pay's errors, no money moved."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from minihost.context import Ctx
from minihost.pay import ledger
from minihost.pay.signing import platform_key
from tests.pay.helpers import call, new_merchant, new_payer, order_body, verify_platform_signature

JSAPI = "/v3/pay/transactions/jsapi"


async def test_order_gets_a_prepay_id_and_a_signed_answer(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid)
    r = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"T{unique}01"))
    assert r.status_code == 200, r.text
    assert r.json()["prepay_id"].startswith("wx")
    key = await platform_key(ctx)
    assert r.headers["Wechatpay-Serial"] == key.serial_no
    assert verify_platform_signature(r, key.public_key_pem)

    again = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"T{unique}01"))
    assert again.json()["prepay_id"] == r.json()["prepay_id"]
    changed = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"T{unique}01", total=1))
    assert changed.status_code == 400 and changed.json()["code"] == "INVALID_REQUEST"

    q = await call(client, kit, "GET", f"/v3/pay/transactions/out-trade-no/T{unique}01?mchid={kit.mchid}")
    assert q.status_code == 200
    assert q.json()["trade_state"] == "NOTPAY" and q.json()["amount"]["total"] == 1999
    assert "transaction_id" not in q.json()


async def _no_money_moved(ctx: Ctx, mchid: str, payer_id: int, before: int) -> None:
    assert await ledger.settlement_balance(ctx, mchid) == 0
    assert await ledger.wallet_balance(ctx, payer_id) == before


async def test_bad_requests_are_refused_in_wechat_pay_shape(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    other = await new_merchant(ctx, unique + "b")
    payer = await new_payer(ctx, unique, kit.appid)
    body = order_body(kit, payer, f"B{unique}01")

    bad_sig = await client.post(
        JSAPI, json=body, headers={"Authorization": kit.authorization("POST", JSAPI, '{"x": 1}')}
    )
    assert (bad_sig.status_code, bad_sig.json()["code"]) == (401, "SIGN_ERROR")

    stale = await call(client, kit, "POST", JSAPI, body, timestamp=int(time.time()) - 301)
    assert (stale.status_code, stale.json()["code"]) == (401, "SIGN_ERROR")
    assert "5 minutes" in stale.json()["message"]

    first = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"B{unique}02"), nonce=f"n{unique}")
    assert first.status_code == 200
    replay = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"B{unique}03"), nonce=f"n{unique}")
    assert (replay.status_code, replay.json()["code"]) == (401, "SIGN_ERROR")

    # The merchant signed an order of 1 fen; someone on the way raised it to 1000 yuan.
    signed_body = json.dumps(dict(body, amount={"total": 1, "currency": "CNY"}))
    tampered = await client.post(
        JSAPI,
        content=signed_body.replace('"total": 1,', '"total": 100000,').encode(),
        headers={"Authorization": kit.authorization("POST", JSAPI, signed_body), "Content-Type": "application/json"},
    )
    assert (tampered.status_code, tampered.json()["code"]) == (401, "SIGN_ERROR")

    bad_totals: list[Any] = [0, -5, 1.5, "100", True]
    for i, total in enumerate(bad_totals):
        r = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"Z{unique}{i:02d}", total=total))
        assert (r.status_code, r.json()["code"]) == (400, "PARAM_ERROR"), (total, r.text)

    unknown = await client.post(
        JSAPI,
        json=body,
        headers={"Authorization": kit.authorization("POST", JSAPI, "").replace(kit.mchid, "1999999999")},
    )
    assert (unknown.status_code, unknown.json()["code"]) == (400, "MCH_NOT_EXISTS")

    foreign = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"B{unique}04", appid=other.appid))
    assert (foreign.status_code, foreign.json()["code"]) == (400, "APPID_MCHID_NOT_MATCH")

    no_such = await call(client, kit, "GET", f"/v3/pay/transactions/out-trade-no/nope{unique}?mchid={kit.mchid}")
    assert (no_such.status_code, no_such.json()["code"]) == (404, "ORDER_NOT_EXIST")
    await _no_money_moved(ctx, kit.mchid, payer.id, 100_00)


async def test_close_an_unpaid_order(client: httpx.AsyncClient, ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid)
    await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"C{unique}01"))
    url = f"/v3/pay/transactions/out-trade-no/C{unique}01/close"
    r = await call(client, kit, "POST", url, {"mchid": kit.mchid})
    assert r.status_code == 204
    q = await call(client, kit, "GET", f"/v3/pay/transactions/out-trade-no/C{unique}01?mchid={kit.mchid}")
    assert q.json()["trade_state"] == "CLOSED"
    again = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"C{unique}01"))
    assert (again.status_code, again.json()["code"]) == (400, "ORDER_CLOSED")
