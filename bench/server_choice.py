"""Which ASGI server to ship: uvicorn or granian, measured on this machine.

Runs Minihost's app (its full middleware stack) under each server with 2 workers and loads two routes from a
load generator on loopback: `/healthz` and `/bench/ping` (a bare JSON route that exists only in this bench's
app factory). The load generator shares the cores with the server, so figures are for the machine as a whole.

    .venv/bin/python bench/server_choice.py [--seconds 10] [--concurrency 64] [--generator auto|wrk|python]

`wrk` (Debian package `wrk`) is used when installed: it costs the server far less CPU than any Python client.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import (
    ROOT,
    Conn,
    Result,
    free_port,
    install_uvloop,
    run_load,
    start_server,
    stop_server,
    wait_ready,
)

VENV_BIN = ROOT / ".venv" / "bin"
ROUTES = ("/bench/ping", "/healthz")


def bench_app() -> object:
    """Minihost's app plus one bare JSON route, for measuring the server and middleware alone."""
    from minihost.web.app import create_app

    app = create_app()

    @app.get("/bench/ping")
    async def ping() -> dict[str, bool]:
        return {"pong": True}

    return app


def server_command(server: str, port: int, workers: int) -> list[str]:
    target = "bench.server_choice:bench_app"
    if server == "uvicorn":
        return [
            str(VENV_BIN / "uvicorn"), target, "--factory", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    if server == "granian":
        return [
            str(VENV_BIN / "granian"), "--interface", "asgi", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--loop", "uvloop",
            "--log-level", "warning", "--no-access-log", target,
        ]  # fmt: skip
    raise SystemExit(f"unknown server {server}")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def wrk(url: str, seconds: float, concurrency: int, threads: int = 1) -> tuple[float, float, float, int]:
    """req/s, p50 ms, p99 ms, errors."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{int(seconds)}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return rate, p50, p99, (int(errors.group(1)) if errors else 0) + (1 if socket_errors else 0)


async def python_load(url: str, path: str, seconds: float, concurrency: int) -> Result:
    async def op(conn: Conn, _: int) -> bool:
        status, _body = await conn.request("GET", path)
        return status == 200

    return await run_load(url, op, concurrency=concurrency, seconds=seconds, warmup=1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--servers", default="uvicorn,granian")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    install_uvloop()
    print(f"server choice: {args.workers} workers, {args.concurrency} connections, {args.seconds:.0f} s per run, ")
    print(f"load generator: {generator} on the same machine ({_cores()} cores), load average {_load()}\n")
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    servers = []
    for name in args.servers.split(","):
        if (VENV_BIN / name).exists():
            servers.append(name)
        else:
            print(f"{name}: not installed in .venv, skipped (pip install {name})")
    with tempfile.TemporaryDirectory(prefix="minihost-bench-") as tmp:
        env = {
            "MINIHOST_DATA_DIR": tmp,
            "MINIHOST_SECRET_KEY": "bench",
            "MINIHOST_SEED_DEMO": "false",
            "PYTHONPATH": str(ROOT),
        }
        # Rounds alternate the servers, so a neighbour's burst of CPU on a shared machine hits both alike.
        for round_no in range(1, args.rounds + 1):
            for server in servers:
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                proc = start_server(server_command(server, port, args.workers), env, Path(tmp) / f"{server}.log")
                try:
                    wait_ready(url + "/healthz", proc)
                    for path in ROUTES:
                        if generator == "wrk":
                            wrk(url + path, 2, args.concurrency)  # warm up
                            rate, p50, p99, errors = wrk(url + path, args.seconds, args.concurrency)
                        else:
                            res = asyncio.run(python_load(url, path, args.seconds, args.concurrency))
                            rate, p50, p99, errors = res.rate, res.pct(50), res.pct(99), res.errors
                        results.setdefault((server, path), []).append((rate, p50, p99))
                        print(
                            f"round {round_no}  {server:8} {path:12} {rate:9.0f} req/s  "
                            f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  errors {errors}"
                        )
                finally:
                    stop_server(proc)
    print("\nmedian of the rounds:")
    medians: dict[tuple[str, str], float] = {}
    for (server, path), runs in results.items():
        rate, p50, p99 = (statistics.median(r[i] for r in runs) for i in range(3))
        medians[(server, path)] = rate
        print(f"{server:8} {path:12} {rate:9.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    if len(servers) == 2:
        a, b = servers
        for path in ROUTES:
            print(f"{b} / {a} on {path}: {medians[(b, path)] / medians[(a, path)]:.2f}x")


def _load() -> str:
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
