"""Payment and refund notifications: a durable outbox in the database and the worker that delivers it.

`enqueue` is called inside the transaction that records the payment or refund, so a notification exists
exactly when the money moved. The worker claims due rows with one conditional UPDATE (safe with many
server processes: a row is taken by whoever moves its `next_attempt_at` first), POSTs each with fresh
Wechatpay-* signature headers, and marks it done on any 2xx. Anything else is retried on WeChat's
schedule (15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h), then given up.
Because the queue is rows, a restart loses nothing: a claimed row whose worker died is due again when
its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiohttp
import httpx
from sqlalchemy import select

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.pay import sql
from minihost.pay.merchants import get_merchant
from minihost.pay.models import OutboxMessage
from minihost.pay.signing import aes_encrypt, platform_key, rfc3339, signed_headers

log = logging.getLogger("minihost.pay.notify")

BACKOFF = (15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600)
LEASE = timedelta(seconds=60)
BATCH = 200
SENDING = 32
TIMEOUT = 5.0


def event_body(apiv3_key: str, event_type: str, summary: str, original_type: str, resource: dict[str, Any]) -> str:
    plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    nonce, ciphertext = aes_encrypt(apiv3_key, plaintext, original_type)
    body = {
        "id": "EV-" + secrets.token_hex(10),
        "create_time": rfc3339(utcnow()),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": ciphertext,
            "associated_data": original_type,
            "nonce": nonce,
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


async def enqueue(
    tx: sql.Tx,
    *,
    mchid: str,
    apiv3_key: str,
    notify_url: str,
    event_type: str,
    summary: str,
    original_type: str,
    resource: dict[str, Any],
) -> None:
    """Add a notification to the caller's transaction."""
    body = event_body(apiv3_key, event_type, summary, original_type, resource)
    now = utcnow()
    await tx.run(
        "INSERT INTO pay_outbox (mchid, notify_url, event_type, body, attempts, done, next_attempt_at, last_error, "
        "created_at) VALUES (:mchid, :url, :event_type, :body, 0, false, :now, '', :now)",
        mchid=mchid,
        url=notify_url,
        event_type=event_type,
        body=body,
        now=now,
    )


@dataclass(frozen=True)
class _Claimed:
    id: int
    mchid: str
    notify_url: str
    body: str
    attempts: int


async def _claim(ctx: Ctx, now: datetime, limit: int) -> list[_Claimed]:
    # SKIP LOCKED: workers of several processes take disjoint batches instead of queueing on each other.
    skip = " FOR UPDATE SKIP LOCKED" if sql.is_postgres(ctx) else ""
    rows = await sql.all(
        ctx,
        "UPDATE pay_outbox SET next_attempt_at = :lease, attempts = attempts + 1 "  # noqa: S608
        "WHERE id IN (SELECT id FROM pay_outbox WHERE done = false AND next_attempt_at <= :now "
        f"ORDER BY next_attempt_at LIMIT :limit{skip}) AND done = false AND next_attempt_at <= :now "
        "RETURNING id, mchid, notify_url, body, attempts",
        lease=now + LEASE,
        now=now,
        limit=limit,
    )
    return [_Claimed(*r) for r in rows]


class Poster(Protocol):
    """Sends one notification; answers the HTTP status or raises on a transport failure."""

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int: ...


class HttpxPoster:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        return (await self.client.post(url, content=body, headers=headers)).status_code


class AiohttpPoster:
    """The worker's client: aiohttp spends about a tenth of httpx's CPU per request (0.11 ms against 1-2 ms,
    measured against a local keep-alive endpoint), and delivery is most of the server's work per payment."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        async with self.session.post(url, data=body, headers=headers, allow_redirects=False) as response:
            await response.read()
            return response.status


async def deliver_due(
    ctx: Ctx, client: httpx.AsyncClient | Poster, *, now: datetime | None = None, limit: int = BATCH
) -> tuple[int, int]:
    """Try every due notification once (a batch, sent concurrently); returns (delivered, failed)."""
    now = now or utcnow()
    claimed = await _claim(ctx, now, limit)
    if not claimed:
        return 0, 0
    modes: dict[str, str] = {}
    for mchid in {c.mchid for c in claimed}:
        merchant = await get_merchant(ctx, mchid)
        modes[mchid] = merchant.platform_mode if merchant else "certificate"
    key = await platform_key(ctx)
    poster = HttpxPoster(client) if isinstance(client, httpx.AsyncClient) else client
    # At most SENDING requests of a batch in flight: a client pool with hundreds of waiting requests spends
    # its time rescanning them (measured with httpx), and a slow merchant should not take every connection.
    gate = asyncio.Semaphore(SENDING)

    async def send(c: _Claimed) -> str:
        headers = signed_headers(key, c.body, public_key_mode=modes.get(c.mchid) == "public_key")
        headers["Content-Type"] = "application/json"
        try:
            async with gate:
                status = await poster.post(c.notify_url, c.body.encode(), headers)
        except Exception as exc:  # any failure of one merchant's endpoint is that row's retry, not the batch's
            return f"{type(exc).__name__}: {exc}"[:255] or "error"
        return "" if 200 <= status < 300 else f"HTTP {status}"

    results = await asyncio.gather(*(send(c) for c in claimed))
    ok = [c.id for c, err in zip(claimed, results, strict=True) if not err]
    done_at = utcnow()
    async with sql.transaction(ctx) as tx:
        if ok:
            marks = ", ".join(f":i{n}" for n in range(len(ok)))
            await tx.run(
                f"UPDATE pay_outbox SET done = true, delivered_at = :at, last_error = '' WHERE id IN ({marks})",  # noqa: S608
                at=done_at,
                **{f"i{n}": i for n, i in enumerate(ok)},
            )
        for c, err in zip(claimed, results, strict=True):
            if not err:
                continue
            give_up = c.attempts > len(BACKOFF)
            delay = BACKOFF[min(c.attempts, len(BACKOFF)) - 1]
            await tx.run(
                "UPDATE pay_outbox SET done = :done, last_error = :err, next_attempt_at = :next WHERE id = :id",
                done=give_up,
                err=err,
                next=done_at + timedelta(seconds=delay),
                id=c.id,
            )
    return len(ok), len(claimed) - len(ok)


async def run_worker(ctx: Ctx, stop: asyncio.Event, *, poll: float = 0.2) -> None:
    """Deliver until `stop` is set; started from the pay router's lifespan."""
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=2 * SENDING)) as session:
        poster = AiohttpPoster(session)
        while not stop.is_set():
            try:
                delivered, failed = await deliver_due(ctx, poster)
            except Exception:  # a database hiccup must not end the worker
                log.exception("notification delivery round failed")
                delivered = failed = 0
            if delivered + failed >= BATCH:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll)


@dataclass(frozen=True)
class OutboxInfo:
    id: int
    event_type: str
    notify_url: str
    attempts: int
    done: bool
    delivered: bool
    last_error: str
    next_attempt_at: datetime


async def outbox_for(ctx: Ctx, mchid: str) -> list[OutboxInfo]:
    async with ctx.db.session() as s:
        rows = (
            await s.execute(select(OutboxMessage).where(OutboxMessage.mchid == mchid).order_by(OutboxMessage.id))
        ).scalars()
        return [
            OutboxInfo(
                r.id,
                r.event_type,
                r.notify_url,
                r.attempts,
                r.done,
                r.delivered_at is not None,
                r.last_error,
                r.next_attempt_at,
            )
            for r in rows
        ]
