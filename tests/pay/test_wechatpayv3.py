"""The unmodified wechatpayv3 SDK against a live Minihost: order, pay, notification, query, refund, bill.

Only its gateway is pointed at our server (the instance's `_gate_way`). In certificate mode the SDK
downloads platform certificates while it is constructed, before any gateway can be set, so that one
first download is deferred (`Core._init_certificates` is a no-op for the constructor) and the SDK's own
`_update_certificates` then fetches and decrypts them from our `/v3/certificates`.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import queue
import secrets
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from wechatpayv3 import WeChatPay, WeChatPayType  # type: ignore[import-untyped]
from wechatpayv3.core import Core  # type: ignore[import-untyped]

from minihost.context import Ctx
from minihost.pay.signing import CHINA, platform_key
from tests.pay.helpers import PIN, Kit, new_merchant, new_payer


class Inbox:
    def __init__(self) -> None:
        self.messages: queue.Queue[tuple[str, dict[str, str], str]] = queue.Queue()

    def wait(self, path: str, timeout: float = 20) -> tuple[dict[str, str], str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got_path, headers, body = self.messages.get(timeout=0.2)
            except queue.Empty:
                continue
            if got_path == path:
                return headers, body
        raise AssertionError(f"no notification at {path} within {timeout}s")


@pytest.fixture(scope="module")
def merchant_server() -> Iterator[tuple[str, Inbox]]:
    """A merchant's tiny notify endpoint: records each POST and answers 200."""
    inbox = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            inbox.messages.put((self.path, dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", inbox
    server.shutdown()


def _sdk(kit: Kit, live_server: str, notify_url: str, monkeypatch: pytest.MonkeyPatch, **mode: Any) -> WeChatPay:
    if "public_key" not in mode:
        monkeypatch.setattr(Core, "_init_certificates", lambda self: None)
    pay = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG,
        mchid=kit.mchid,
        private_key=kit.private_pem,
        cert_serial_no=kit.serial_no,
        appid=kit.appid,
        apiv3_key=kit.apiv3_key,
        notify_url=notify_url,
        **mode,
    )
    monkeypatch.undo()
    pay._core._gate_way = live_server
    if "public_key" not in mode:
        pay._core._update_certificates()
        assert pay._core._certificates, "the SDK found no platform certificate at /v3/certificates"
    return pay


async def _round_trip(
    pay: WeChatPay, kit: Kit, ctx: Ctx, live_server: str, server: tuple[str, Inbox], unique: str, tag: str
) -> None:
    base, inbox = server
    payer = await new_payer(ctx, unique + tag, kit.appid, balance=1000)
    no = f"SDK{tag}{unique}"

    code, message = await asyncio.to_thread(
        pay.pay,
        description="Latte",
        out_trade_no=no,
        amount={"total": 100},
        payer={"openid": payer.openid},
        notify_url=f"{base}/pay/{no}",
    )
    assert code == 200, message
    prepay_id = json.loads(message)["prepay_id"]

    ts, nonce, package = str(int(time.time())), secrets.token_hex(16), f"prepay_id={prepay_id}"
    pay_sign = pay.sign([kit.appid, ts, nonce, package])
    async with httpx.AsyncClient(base_url=live_server) as http:
        confirmed = await http.post(
            "/host/api/pay/confirm",
            json={"appid": kit.appid, "timeStamp": ts, "nonceStr": nonce, "package": package, "signType": "RSA",
                  "paySign": pay_sign, "pin": PIN},
            headers=payer.headers,
        )  # fmt: skip
    assert confirmed.status_code == 200, confirmed.text

    headers, body = await asyncio.to_thread(inbox.wait, f"/pay/{no}")
    event = pay.callback(headers, body)
    assert event is not None, "the SDK could not verify or decrypt the payment notification"
    assert event["event_type"] == "TRANSACTION.SUCCESS"
    assert event["resource"]["out_trade_no"] == no and event["resource"]["trade_state"] == "SUCCESS"

    code, message = await asyncio.to_thread(pay.query, out_trade_no=no)
    assert code == 200 and json.loads(message)["trade_state"] == "SUCCESS"
    transaction_id = json.loads(message)["transaction_id"]
    code, message = await asyncio.to_thread(pay.query, transaction_id=transaction_id)
    assert code == 200 and json.loads(message)["out_trade_no"] == no

    code, message = await asyncio.to_thread(
        pay.refund,
        out_refund_no=f"R{no}",
        amount={"refund": 40, "total": 100, "currency": "CNY"},
        out_trade_no=no,
        notify_url=f"{base}/refund/{no}",
    )
    assert code == 200, message
    assert json.loads(message)["status"] == "SUCCESS"
    headers, body = await asyncio.to_thread(inbox.wait, f"/refund/{no}")
    refund_event = pay.callback(headers, body)
    assert refund_event is not None and refund_event["event_type"] == "REFUND.SUCCESS"
    assert refund_event["resource"]["refund_status"] == "SUCCESS"
    assert refund_event["resource"]["amount"]["refund"] == 40

    code, message = await asyncio.to_thread(pay.query_refund, out_refund_no=f"R{no}")
    assert code == 200 and json.loads(message)["amount"]["refund"] == 40

    today = datetime.now(CHINA).strftime("%Y-%m-%d")
    code, message = await asyncio.to_thread(pay.trade_bill, bill_date=today)
    assert code == 200, message
    code, content = await asyncio.to_thread(pay.download_bill, json.loads(message)["download_url"])
    assert code == 200
    csv = gzip.decompress(content).decode()
    assert csv.startswith("交易时间,公众账号ID,商户号")
    assert f"`{no}" in csv and f"`R{no}" in csv and "`0.40" in csv


async def test_sdk_in_platform_public_key_mode(
    live_server: str, ctx: Ctx, unique: str, merchant_server: tuple[str, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = await new_merchant(ctx, unique, mode="public_key")
    key = await platform_key(ctx)
    pay = _sdk(
        kit, live_server, merchant_server[0] + "/unused", monkeypatch,
        public_key=key.public_key_pem, public_key_id=key.public_key_id,
    )  # fmt: skip
    await _round_trip(pay, kit, ctx, live_server, merchant_server, unique, "pk")


async def test_sdk_in_platform_certificate_mode(
    live_server: str, ctx: Ctx, unique: str, merchant_server: tuple[str, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = await new_merchant(ctx, unique, mode="certificate")
    pay = _sdk(kit, live_server, merchant_server[0] + "/unused", monkeypatch)
    await _round_trip(pay, kit, ctx, live_server, merchant_server, unique, "ct")
