"""Login flood: N new users each sign in to a mini program, the whole WeChat login, against a real server.

Untimed setup: a temporary PostgreSQL database (created, migrated, dropped at the end), one organisation and
app, N users with signed-in host sessions (written in bulk), then `minihost serve --workers 2` on PostgreSQL +
Redis. Timed, per user: the host asks for a login code (POST with the session cookie and CSRF header), the
app's backend redeems it at /sns/jscode2session (user row upserted). Then, in the same run and with the same
load generator and connections, the same server answering a bare JSON route (/healthz): the ceiling of the
stack, and the ratio of the two.

    .venv/bin/python bench/login_flood.py [--users 20000] [--concurrency 64]
    .venv/bin/python bench/login_flood.py --url http://host:port --database-url postgresql://... [--redis-url ...]

The load generator runs on the same machine (and its cores) as the server, PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import (
    ROOT,
    Conn,
    CpuMeter,
    Result,
    free_port,
    install_uvloop,
    run_load,
    start_server,
    stop_server,
    wait_ready,
)

PG_ADMIN = os.environ.get("MINIHOST_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("MINIHOST_BENCH_REDIS", "redis://127.0.0.1:6379/0")
SECRET_KEY = secrets.token_urlsafe(32)  # a throwaway server key for this run


@dataclass(frozen=True)
class Prepared:
    appid: str
    secret: str
    sessions: list[tuple[str, str]]
    """(session token, CSRF token) per user."""


def _asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1) if url.startswith("postgresql://") else url


async def _admin(sql: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def prepare(database_url: str, redis_url: str, users: int) -> Prepared:
    """One organisation and app through the services; users and their sessions in bulk (argon2 per user
    would take minutes, and signing up is not what this bench measures)."""
    import asyncpg

    from minihost.accounts import service as accounts
    from minihost.apps import service as apps
    from minihost.config import Settings
    from minihost.context import Ctx
    from minihost.security import digest, hash_password

    settings = Settings(
        database_url=_sqlalchemy_url(database_url),
        redis_url=redis_url,
        secret_key=SECRET_KEY,
        _env_file=None,
    )
    ctx = Ctx.create(settings)
    try:
        tag = secrets.token_hex(3)
        owner = await accounts.create_user(ctx, f"flood_owner_{tag}", "flood-owner-password")
        org = await accounts.create_organisation(ctx, owner.id, f"Flood {tag}")
        registered = await apps.register_app(ctx, org, f"Flood {tag}")
    finally:
        await ctx.close()

    now = datetime.now(UTC)
    password_hash = hash_password(secrets.token_urlsafe(16))  # nobody signs in with a password here
    names = [f"flood_{tag}_{i}" for i in range(users)]
    conn = await asyncpg.connect(_asyncpg_url(database_url))
    try:
        await conn.copy_records_to_table(
            "users",
            records=[(n, n, "", password_hash, False, now) for n in names],
            columns=["username", "nickname", "avatar_url", "password_hash", "is_operator", "created_at"],
        )
        rows = await conn.fetch("SELECT id, username FROM users WHERE username LIKE $1", f"flood_{tag}_%")
        ids = {r["username"]: r["id"] for r in rows}
        sessions = [(secrets.token_urlsafe(32), secrets.token_urlsafe(24)) for _ in names]
        expires = now + timedelta(days=1)
        await conn.copy_records_to_table(
            "user_sessions",
            records=[(digest(tok), ids[n], csrf, now, expires) for n, (tok, csrf) in zip(names, sessions, strict=True)],
            columns=["token_hash", "user_id", "csrf_token", "created_at", "expires_at"],
        )
    finally:
        await conn.close()
    return Prepared(registered.app.appid, registered.appsecret, sessions)


async def flood(url: str, prep: Prepared, first: int, count: int, concurrency: int) -> Result:
    login_path = f"/host/api/apps/{prep.appid}/login"
    j2s = f"/sns/jscode2session?appid={prep.appid}&secret={prep.secret}&grant_type=authorization_code&js_code="
    heads = [f"Cookie: mh_session={tok}\r\nX-CSRF-Token: {csrf}\r\n" for tok, csrf in prep.sessions]

    async def login(conn: Conn, i: int) -> bool:
        status, body = await conn.request("POST", login_path, heads[first + i])
        if status != 200:
            raise ValueError(f"host login answered {status}: {body[:200]!r}")
        code = orjson.loads(body)["code"]
        status, body = await conn.request("GET", j2s + quote(code))
        if status != 200 or b'"openid"' not in body:
            raise ValueError(f"jscode2session answered {status}: {body[:200]!r}")
        return True

    return await run_load(url, login, concurrency=concurrency, total=count)


async def ceiling(url: str, seconds: float, concurrency: int) -> Result:
    async def ping(conn: Conn, _: int) -> bool:
        status, _body = await conn.request("GET", "/healthz")
        return status == 200

    return await run_load(url, ping, concurrency=concurrency, seconds=seconds, warmup=1.0)


async def count_app_users(database_url: str, appid: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_url(database_url))
    try:
        value = await conn.fetchval(
            "SELECT count(*) FROM auth_app_users u JOIN apps a ON a.id = u.app_id WHERE a.appid = $1", appid
        )
        return int(value)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20_000, help="new users logged in during the timed part")
    parser.add_argument("--warmup-users", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ceiling-seconds", type=float, default=8.0)
    parser.add_argument("--url", help="a running server to flood instead of starting one")
    parser.add_argument("--database-url", help="with --url: that server's PostgreSQL (users are written there)")
    parser.add_argument("--redis-url", default=REDIS)
    parser.add_argument(
        "--server", choices=("uvicorn", "granian"), default="uvicorn", help="uvicorn is `minihost serve` itself"
    )
    args = parser.parse_args()
    if args.url and not args.database_url:
        parser.error("--url needs --database-url (the users and their sessions are written to its database)")
    install_uvloop()

    db_name = ""
    proc = None
    database_url = args.database_url or ""
    url = args.url or ""
    tmp = tempfile.TemporaryDirectory(prefix="minihost-flood-")
    try:
        if not url:
            db_name = f"minihost_flood_{secrets.token_hex(4)}"
            asyncio.run(_admin(f'CREATE DATABASE "{db_name}"'))
            database_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{db_name}"
            from minihost.db.migrate import upgrade

            upgrade(_sqlalchemy_url(database_url))
        t0 = time.perf_counter()
        prep = asyncio.run(prepare(database_url, args.redis_url, args.warmup_users + args.users))
        print(f"setup: {args.warmup_users + args.users} users with host sessions in {time.perf_counter() - t0:.1f} s")
        if not url:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            env = {
                "MINIHOST_DATABASE_URL": _sqlalchemy_url(database_url),
                "MINIHOST_REDIS_URL": args.redis_url,
                "MINIHOST_SECRET_KEY": SECRET_KEY,
                "MINIHOST_DATA_DIR": tmp.name,
                "MINIHOST_SEED_DEMO": "false",
                "MINIHOST_JSCODE2SESSION_PER_MINUTE": str(10**9),
            }
            if args.server == "granian":
                # Same app and settings under granian (the database is already migrated above).
                cmd = [
                    str(ROOT / ".venv/bin/granian"), "--interface", "asgi", "--factory", "--host", "127.0.0.1",
                    "--port", str(port), "--workers", str(args.workers), "--loop", "uvloop",
                    "--log-level", "warning", "--no-access-log", "minihost.web.app:create_app",
                ]  # fmt: skip
            else:
                cmd = [str(ROOT / ".venv/bin/minihost"), "serve", "--workers", str(args.workers), "--port", str(port)]
                cmd.append("--no-seed")
            proc = start_server(cmd, env, Path(tmp.name) / "server.log")
            wait_ready(url + "/healthz", proc)
        cores = len(os.sched_getaffinity(0))
        print(
            f"server: {url} ({'given' if args.url else args.server}), {args.workers} workers, PostgreSQL + Redis;"
            f" load generator: this process, "
            f"{args.concurrency} connections; {cores} cores shared by all; load average "
            + " ".join(f"{x:.2f}" for x in os.getloadavg())
        )
        server_pid = proc.pid if proc is not None else None
        asyncio.run(flood(url, prep, 0, args.warmup_users, args.concurrency))
        meter = CpuMeter(server_pid)
        logins = asyncio.run(flood(url, prep, args.warmup_users, args.users, args.concurrency))
        login_cpu = meter.per_op(logins.done)
        meter = CpuMeter(server_pid)
        base = asyncio.run(ceiling(url, args.ceiling_seconds, args.concurrency))
        base_cpu = meter.per_op(base.done)
        rows = asyncio.run(count_app_users(database_url, prep.appid))
        print(f"logins    {logins.line('logins')}")
        print(f"          {login_cpu}")
        if logins.first_error:
            print(f"          first error: {logins.first_error}")
        print(f"/healthz  {base.line('req')}")
        print(f"          {base_cpu}")
        print(f"user rows recorded: {rows} (expected {args.warmup_users + logins.done})")
        print(
            f"ratio: {logins.rate / base.rate:.3f} logins per bare request "
            f"({2 * logins.rate / base.rate:.2f} of the ceiling in HTTP requests, each login being 2)"
        )
    finally:
        if proc is not None:
            stop_server(proc)
        if db_name:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        tmp.cleanup()


if __name__ == "__main__":
    main()
