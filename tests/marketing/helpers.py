"""Shared by the marketing tests: a merchant with a running coupon stock, orders, the confirm call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.pay.signing import rfc3339
from tests.pay.helpers import PIN, Kit, Payer, call, order_body

JSAPI = "/v3/pay/transactions/jsapi"
REFUNDS = "/v3/refund/domestic/refunds"
STOCKS = "/v3/marketing/favor/coupon-stocks"


def normal_stock(unique: str, *, amount: int = 500, quantity: int = 10, per_user: int = 1, **extra: Any) -> dict:
    now = utcnow()
    body: dict[str, Any] = {
        "stock_name": "5 yuan off",
        "comment": "test",
        "out_request_no": f"S{unique}{extra.pop('suffix', '')}",
        "available_begin_time": rfc3339(now - timedelta(minutes=1)),
        "available_end_time": rfc3339(now + timedelta(days=1)),
        "stock_use_rule": {"max_coupons": quantity, "max_amount": quantity * amount, "max_coupons_per_user": per_user},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": amount, "transaction_minimum": amount + 1}},
        "no_limit": False,
        "stock_type": "NORMAL",
    }
    body.update(extra)
    return body


async def running_stock(client: httpx.AsyncClient, kit: Kit, body: dict) -> str:
    r = await call(client, kit, "POST", STOCKS, body)
    assert r.status_code == 200, r.text
    stock_id: str = r.json()["stock_id"]
    started = await call(
        client, kit, "POST", f"/v3/marketing/favor/stocks/{stock_id}/start", {"stock_creator_mchid": kit.mchid}
    )
    assert started.status_code == 200, started.text
    return stock_id


async def order(client: httpx.AsyncClient, kit: Kit, payer: Payer, no: str, total: int) -> str:
    r = await call(client, kit, "POST", JSAPI, order_body(kit, payer, no, total))
    assert r.status_code == 200, r.text
    prepay_id: str = r.json()["prepay_id"]
    return prepay_id


async def confirm(client: httpx.AsyncClient, kit: Kit, payer: Payer, prepay_id: str, **extra: Any) -> httpx.Response:
    body = dict(kit.pay_params(prepay_id), pin=PIN, **extra)
    return await client.post("/host/api/marketing/pay/confirm", json=body, headers=payer.headers)


async def refund(client: httpx.AsyncClient, kit: Kit, no: str, rno: str, amount: int, total: int) -> httpx.Response:
    body = {"out_trade_no": no, "out_refund_no": rno, "amount": {"refund": amount, "total": total, "currency": "CNY"}}
    return await call(client, kit, "POST", REFUNDS, body)


def code(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


__all__ = ["Ctx"]
