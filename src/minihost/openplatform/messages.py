"""What the platform pushes to a third-party platform's message URL, and the worker that pushes it.

Every push is one row of `op_outbox`, written in the transaction that caused it (a new ticket, an
authorization, a revocation, an audit result) and already encrypted and signed, so delivery is only HTTP.
The ticket schedule is a column (`op_platforms.next_ticket_at`): the worker claims due platforms with one
conditional UPDATE (safe with many server processes), gives each a new component_verify_ticket and pushes
it; a restart loses nothing, it only finds the schedule where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.openplatform import crypto
from minihost.openplatform.models import OutboxMessage, Platform

log = logging.getLogger("minihost.openplatform")

TICKET_EVERY = timedelta(minutes=10)
TICKET_VALID = timedelta(hours=12)
RETRY = (5, 30, 120)
LEASE = timedelta(seconds=60)
BATCH = 100
TIMEOUT = 5.0


def xml_message(fields: dict[str, str | int]) -> str:
    parts = []
    for name, value in fields.items():
        text = str(value) if isinstance(value, int) else f"<![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]>"
        parts.append(f"<{name}>{text}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


def _url_with(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def enqueue(s: AsyncSession, platform: Platform, info_type: str, fields: dict[str, str | int]) -> bool:
    """Add an encrypted push to the caller's transaction; False when the platform has no message URL yet."""
    if not platform.message_url or not platform.component_appid:
        return False
    xml = xml_message(fields)
    now = int(time.time())
    env = crypto.seal(platform.message_token, platform.encoding_aes_key, platform.component_appid, xml, now)
    s.add(
        OutboxMessage(
            platform_id=platform.id,
            info_type=info_type,
            url=_url_with(platform.message_url, env.params()),
            body=env.body,
            next_attempt_at=utcnow(),
        )
    )
    return True


def enqueue_info(s: AsyncSession, platform: Platform, info_type: str, fields: dict[str, str | int]) -> bool:
    """An authorization notice (component_verify_ticket, authorized, unauthorized, ...): AppId and InfoType first."""
    body: dict[str, str | int] = {
        "AppId": platform.component_appid or "",
        "CreateTime": int(time.time()),
        "InfoType": info_type,
    }
    body.update(fields)
    return enqueue(s, platform, info_type, body)


def new_ticket() -> str:
    return "ticket@@@" + secrets.token_urlsafe(48)


def rotate_ticket(s: AsyncSession, platform: Platform, now: datetime) -> str:
    """A new component_verify_ticket (the previous stays good until its 12 hours are over), pushed at once."""
    if platform.ticket:
        platform.previous_ticket, platform.previous_ticket_at = platform.ticket, platform.ticket_at
    platform.ticket, platform.ticket_at = new_ticket(), now
    platform.next_ticket_at = now + TICKET_EVERY
    enqueue_info(s, platform, "component_verify_ticket", {"ComponentVerifyTicket": platform.ticket})
    return platform.ticket


async def push_ticket_now(ctx: Ctx, platform_id: int) -> None:
    async with ctx.db.session() as s, s.begin():
        platform = await s.get(Platform, platform_id, with_for_update=True)
        if platform is not None and platform.status == "approved":
            rotate_ticket(s, platform, utcnow())


async def rotate_due_tickets(ctx: Ctx, now: datetime | None = None, limit: int = BATCH) -> int:
    """Give every platform whose time has come a new ticket; returns how many."""
    now = now or utcnow()
    due = (
        select(Platform.id)
        .where(Platform.status == "approved", Platform.next_ticket_at <= now)
        .order_by(Platform.next_ticket_at)
        .limit(limit)
        .scalar_subquery()
    )
    async with ctx.db.session() as s:
        # A read first: most rounds find nothing due, and then take no write lock at all (SQLite has one).
        if (await s.execute(select(due.exists()))).scalar() is not True:
            return 0
    async with ctx.db.session() as s, s.begin():
        claimed = (
            (
                await s.execute(
                    update(Platform)
                    .where(Platform.id.in_(due), Platform.next_ticket_at <= now)
                    .values(next_ticket_at=now + TICKET_EVERY)
                    .returning(Platform.id)
                )
            )
            .scalars()
            .all()
        )
    for platform_id in claimed:
        await push_ticket_now(ctx, platform_id)
    return len(claimed)


@dataclass(frozen=True)
class _Claimed:
    id: int
    url: str
    body: str
    attempts: int


async def _claim(ctx: Ctx, now: datetime, limit: int) -> list[_Claimed]:
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.done.is_(False), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at)
        .limit(limit)
        .scalar_subquery()
    )
    async with ctx.db.session() as s:
        if (await s.execute(select(due.exists()))).scalar() is not True:
            return []
    async with ctx.db.session() as s, s.begin():
        rows = await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due), OutboxMessage.done.is_(False), OutboxMessage.next_attempt_at <= now)
            .values(next_attempt_at=now + LEASE, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id, OutboxMessage.url, OutboxMessage.body, OutboxMessage.attempts)
        )
        return [_Claimed(*r) for r in rows.all()]


async def deliver_due(ctx: Ctx, client: httpx.AsyncClient, now: datetime | None = None) -> tuple[int, int]:
    """POST every due push once; returns (delivered, failed). A 2xx answer is delivered, anything else retried."""
    claimed = await _claim(ctx, now or utcnow(), BATCH)
    if not claimed:
        return 0, 0

    async def send(c: _Claimed) -> str:
        try:
            r = await client.post(c.url, content=c.body.encode(), headers={"Content-Type": "text/xml; charset=utf-8"})
        except Exception as exc:  # one platform's broken endpoint is that row's retry, not the batch's
            return f"{type(exc).__name__}: {exc}"[:255] or "error"
        return "" if 200 <= r.status_code < 300 else f"HTTP {r.status_code}"

    results = await asyncio.gather(*(send(c) for c in claimed))
    done_at = utcnow()
    async with ctx.db.session() as s, s.begin():
        for c, err in zip(claimed, results, strict=True):
            if not err:
                values: dict[str, object] = {"done": True, "delivered_at": done_at, "last_error": ""}
            else:
                give_up = c.attempts > len(RETRY)
                delay = RETRY[min(c.attempts, len(RETRY)) - 1]
                values = {"done": give_up, "last_error": err, "next_attempt_at": done_at + timedelta(seconds=delay)}
            await s.execute(update(OutboxMessage).where(OutboxMessage.id == c.id).values(**values))
    ok = sum(1 for e in results if not e)
    return ok, len(claimed) - ok


async def run_worker(
    ctx: Ctx, stop: asyncio.Event, *, poll: float = 0.3, every_round: Callable[[Ctx], Awaitable[object]] | None = None
) -> None:
    """Rotate tickets and deliver pushes until `stop` is set; started by the openplatform router's lifespan.
    `every_round` (the audit results' check) runs about every 3 seconds."""
    rounds = 0
    async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
        while not stop.is_set():
            try:
                if every_round is not None and rounds % 10 == 0:
                    await every_round(ctx)
                rounds += 1
                await rotate_due_tickets(ctx)
                await deliver_due(ctx, client)
            except Exception:  # a database hiccup must not end the worker
                log.exception("open platform push round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll)


@dataclass(frozen=True)
class Push:
    id: int
    info_type: str
    url: str
    body: str
    done: bool
    delivered: bool
    attempts: int
    last_error: str


async def pushes_for(ctx: Ctx, platform_id: int, info_type: str | None = None) -> list[Push]:
    """Every push to a platform, oldest first (the console shows them; tests read them)."""
    async with ctx.db.session() as s:
        q = select(OutboxMessage).where(OutboxMessage.platform_id == platform_id)
        if info_type:
            q = q.where(OutboxMessage.info_type == info_type)
        rows = (await s.execute(q.order_by(OutboxMessage.id))).scalars()
        return [
            Push(r.id, r.info_type, r.url, r.body, r.done, r.delivered_at is not None, r.attempts, r.last_error)
            for r in rows
        ]
