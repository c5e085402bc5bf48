"""Payments end to end on PostgreSQL: JSAPI orders over HTTP, paid from wallets, notifications delivered.

Creates its own database, starts the server as production runs it (uvicorn with --workers processes, each
with its notification worker; Redis as the shared nonce store), a tiny merchant endpoint that counts
notifications, places N orders with C concurrent signed clients, pays each through the payment service
(the step the pay sheet runs after the PIN), waits until every TRANSACTION.SUCCESS notification has
arrived, checks the ledger, drops the database, prints the figures and the load average.

Run: .venv/bin/python bench/pay.py [--orders 2000] [--concurrency 32] [--workers 2] [--redis URL|''] [--pg URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import aiohttp
import asyncpg  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.auth import service as auth
from minihost.config import Settings
from minihost.context import Ctx
from minihost.db.migrate import upgrade_async
from minihost.marketing import checkout
from minihost.pay import ledger, merchants, payments
from minihost.pay.signing import rsa_sign


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Receiver:
    """A minimal HTTP/1.1 keep-alive endpoint that answers 200 and counts POSTs."""

    def __init__(self) -> None:
        self.count = 0
        self.done = asyncio.Event()
        self.expected = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                self.count += 1
                if self.count >= self.expected:
                    self.done.set()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (production runs several)")
    parser.add_argument(
        "--redis",
        default=os.environ.get("MINIHOST_TEST_REDIS", "redis://127.0.0.1:6379/0"),
        help="the state store (request nonces) shared by the workers; '' for in-process (one worker only)",
    )
    parser.add_argument(
        "--pg", default=os.environ.get("MINIHOST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()

    name = f"minihost_bench_pay_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(args.pg)
    await admin.execute(f'CREATE DATABASE "{name}"')
    db_url = args.pg.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{name}"
    server: subprocess.Popen[bytes] | None = None
    data_dir = tempfile.mkdtemp(prefix="minihost-bench-pay-")
    secret = secrets.token_urlsafe(24)
    try:
        await upgrade_async(db_url)
        settings = Settings(
            data_dir=data_dir, database_url=db_url, secret_key=secret, log_requests=False, seed_demo=False,
            _env_file=None,
        )  # fmt: skip
        ctx = Ctx.create(settings)
        checkout.install()  # marketing's payment hooks (points) run in every payment, as in the app

        # A merchant, its mini program and payers with money.
        owner = await accounts.create_user(ctx, "bench_owner", "bench password")
        org = await accounts.create_organisation(ctx, owner.id, "Bench shop")
        app = (await apps.register_app(ctx, org, "Bench shop")).app
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        serial = secrets.token_hex(20).upper()
        mch = (
            await merchants.register_merchant(ctx, org, "Bench", public_key_pem=pem.decode(), serial_no=serial)
        ).merchant
        await merchants.bind_app(ctx, mch.mchid, app.appid)
        payers = []
        for i in range(args.concurrency):
            user = await accounts.create_user(ctx, f"bench_payer_{i}", "bench password")
            await ledger.top_up(ctx, user.id, 10**9, f"bench:{i}")
            payers.append((user.id, auth.openid_for(ctx, app.appid, user.id)))

        receiver = Receiver()
        receiver.expected = args.orders
        notify_server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
        notify_url = f"http://127.0.0.1:{notify_server.sockets[0].getsockname()[1]}/notify"

        port = _free_port()
        env = dict(
            os.environ,
            MINIHOST_DATABASE_URL=db_url,
            MINIHOST_DATA_DIR=data_dir,
            MINIHOST_SECRET_KEY=secret,
            MINIHOST_SEED_DEMO="false",
            MINIHOST_LOG_REQUESTS="false",
            MINIHOST_REDIS_URL=args.redis,
        )
        server = subprocess.Popen(  # noqa: ASYNC220 - started once, before anything is measured
            [sys.executable, "-m", "uvicorn", "minihost.web.app:create_app", "--factory", "--port", str(port),
             "--log-level", "warning", "--no-access-log", "--workers", str(args.workers)],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        # aiohttp, not httpx: the bench shares the 2 cores with the server, and httpx spends ~1-2 ms of CPU
        # per request against aiohttp's ~0.1 ms (measured).
        async with aiohttp.ClientSession(
            base, timeout=aiohttp.ClientTimeout(total=30), connector=aiohttp.TCPConnector(limit=args.concurrency)
        ) as http:
            for _ in range(200):
                try:
                    async with http.get("/healthz") as ready:
                        if ready.status < 500:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            await asyncio.sleep(3)  # the second worker may still be importing; its start-up is not the bench's

            latencies: list[float] = []
            pay_times: list[float] = []
            counter = iter(range(args.orders))

            async def client(worker: int) -> None:
                user_id, openid = payers[worker]
                for n in counter:
                    body = json.dumps(
                        {
                            "appid": app.appid, "mchid": mch.mchid, "description": "Bench coffee",
                            "out_trade_no": f"B{n:08d}", "notify_url": notify_url,
                            "amount": {"total": 100 + n % 900, "currency": "CNY"}, "payer": {"openid": openid},
                        }
                    )  # fmt: skip
                    url = "/v3/pay/transactions/jsapi"
                    ts, nonce = str(int(time.time())), secrets.token_hex(16)
                    sig = rsa_sign(key, f"POST\n{url}\n{ts}\n{nonce}\n{body}\n")
                    authz = (
                        f'WECHATPAY2-SHA256-RSA2048 mchid="{mch.mchid}",nonce_str="{nonce}",signature="{sig}",'
                        f'timestamp="{ts}",serial_no="{serial}"'
                    )
                    t0 = time.perf_counter()
                    async with http.post(
                        url, data=body.encode(), headers={"Authorization": authz, "Content-Type": "application/json"}
                    ) as r:
                        answer = await r.text()
                    latencies.append(time.perf_counter() - t0)
                    if r.status != 200:
                        raise RuntimeError(f"order failed: {r.status} {answer}")
                    t1 = time.perf_counter()
                    await payments.pay_order(ctx, json.loads(answer)["prepay_id"], user_id)
                    pay_times.append(time.perf_counter() - t1)

            server_cpu0, client_cpu0 = _tree_cpu(server.pid), _own_cpu()
            start = time.perf_counter()
            await asyncio.gather(*(client(w) for w in range(args.concurrency)))
            ordered_and_paid = time.perf_counter() - start
            await asyncio.wait_for(receiver.done.wait(), timeout=600)
            total = time.perf_counter() - start
            server_cpu, client_cpu = _tree_cpu(server.pid) - server_cpu0, _own_cpu() - client_cpu0

        check = await ledger.check(ctx)
        lat = sorted(latencies)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"machine: {os.cpu_count()} cores, load average {load}; PostgreSQL; {args.workers} uvicorn worker(s); "
            f"state store {'Redis' if args.redis else 'in-process'}; concurrency {args.concurrency}"
        )
        print(f"orders created, paid and notified: {args.orders} in {total:.2f} s = {args.orders / total:.0f}/s")
        print(f"orders created and paid (before the last notifications): {args.orders / ordered_and_paid:.0f}/s")
        print(
            f"order call (POST /v3/pay/transactions/jsapi): p50 {statistics.median(lat) * 1000:.1f} ms, "
            f"p99 {p99:.1f} ms"
        )
        print(f"pay step (pay_order, one ledger transaction): p50 {statistics.median(pay_times) * 1000:.1f} ms")
        print(f"notifications received: {receiver.count}")
        per_server, per_client = server_cpu / args.orders * 1000, client_cpu / args.orders * 1000
        print(
            f"CPU per order: server {per_server:.2f} ms (all workers), bench client {per_client:.2f} ms "
            f"(signing, HTTP, pay_order, receiving); {os.cpu_count()} idle cores would do "
            f"{(os.cpu_count() or 1) * 1000 / (per_server + per_client):.0f}/s end to end, "
            f"{(os.cpu_count() or 1) * 1000 / per_server:.0f}/s with the clients elsewhere"
        )
        print(
            f"ledger: {check.accounts} accounts, {check.entries} entries, sum of balances {check.sum_of_balances}, "
            f"unbalanced entries {check.unbalanced_entries}, drifted accounts {check.drifted_accounts} -> "
            f"{'OK' if check.ok else 'BROKEN'}"
        )
        notify_server.close()
        await ctx.close()
        if not check.ok:
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
