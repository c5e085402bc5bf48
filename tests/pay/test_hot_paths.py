"""What the speed work changed: settlement sub-accounts, merchant cache invalidation, the worker's HTTP client."""

from __future__ import annotations

import asyncio

import aiohttp
import httpx

from minihost.context import Ctx
from minihost.pay import ledger, merchants, notify, payments
from tests.pay.helpers import call, new_merchant, new_payer, order_body

JSAPI = "/v3/pay/transactions/jsapi"
REFUNDS = "/v3/refund/domestic/refunds"


async def test_payments_spread_over_sub_accounts_and_a_refund_takes_from_several(
    client: httpx.AsyncClient, ctx: Ctx, unique: str
) -> None:
    kit = await new_merchant(ctx, unique)
    payer = await new_payer(ctx, unique, kit.appid, balance=100_000)
    prepays = []
    for i in range(ledger.SETTLEMENT_SHARDS):
        r = await call(client, kit, "POST", JSAPI, order_body(kit, payer, f"H{unique}{i:02d}", 1000))
        prepays.append(r.json()["prepay_id"])
    await asyncio.gather(*(payments.pay_order(ctx, p, payer.id) for p in prepays))
    shards = [
        await ledger.balance(ctx, ledger.SETTLEMENT, ledger.settlement_shard_owner(kit.mchid, k))
        for k in range(ledger.SETTLEMENT_SHARDS)
    ]
    assert sum(shards) == 8000 and max(shards) < 8000  # spread, not one hot row
    assert await ledger.settlement_balance(ctx, kit.mchid) == 8000

    # Nothing is left to pay out of one sub-account alone once most of it is refunded: a refund still
    # succeeds by taking from several, and the merchant's total stays exact.
    for i in range(ledger.SETTLEMENT_SHARDS):
        body = {
            "out_trade_no": f"H{unique}{i:02d}",
            "out_refund_no": f"HR{unique}{i}",
            "amount": {"refund": 1000, "total": 1000, "currency": "CNY"},
        }
        r = await call(client, kit, "POST", REFUNDS, body)
        assert r.status_code == 200, r.text
    assert await ledger.settlement_balance(ctx, kit.mchid) == 0
    assert await ledger.wallet_balance(ctx, payer.id) == 100_000
    assert (await ledger.check(ctx)).ok


async def test_platform_mode_change_is_seen_at_once(ctx: Ctx, unique: str) -> None:
    kit = await new_merchant(ctx, unique)
    before = await merchants.get_merchant(ctx, kit.mchid)
    assert before is not None and before.platform_mode == "certificate"
    await merchants.set_platform_mode(ctx, kit.mchid, "public_key")
    after = await merchants.get_merchant(ctx, kit.mchid)
    assert after is not None and after.platform_mode == "public_key"


async def test_the_workers_http_client_delivers_and_counts_failures(ctx: Ctx) -> None:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(x.split(b":")[1]) for x in head.split(b"\r\n") if x.lower().startswith(b"content-length"))
        seen.append(await reader.readexactly(length))
        status = b"200 OK" if b"good" in head else b"503 Busy"
        writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with aiohttp.ClientSession() as session:
            poster = notify.AiohttpPoster(session)
            assert await poster.post(f"http://127.0.0.1:{port}/good", b'{"a":1}', {"X": "1"}) == 200
            assert await poster.post(f"http://127.0.0.1:{port}/bad", b"{}", {}) == 503
    finally:
        server.close()
    assert seen == [b'{"a":1}', b"{}"]
