"""A small, cheap HTTP/1.1 keep-alive load generator for the benchmarks (no third-party client).

The load generator shares the machine's cores with the server under test, so it is kept lean: raw asyncio
streams on uvloop, requests written as prepared bytes, responses read by Content-Length. It only speaks to
our own servers (which always send Content-Length), which is all a benchmark needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class HttpError(Exception):
    pass


class Conn:
    """One keep-alive connection; one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            sock = self.writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.reader, self.writer

    async def request(self, method: str, path: str, headers: str = "", body: bytes = b"") -> tuple[int, bytes]:
        reader, writer = await self._open()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{headers}"
        if body or method in ("POST", "PUT"):
            head += f"Content-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        raw = await reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        length = -1
        for line in raw.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
                break
        if length < 0:
            raise HttpError(f"no Content-Length in the answer to {method} {path}")
        return status, await reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Result:
    done: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        """Latency percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

    def line(self, unit: str) -> str:
        mean = statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"{self.rate:9.0f} {unit}/s  p50 {self.pct(50):6.1f} ms  p99 {self.pct(99):6.1f} ms  "
            f"mean {mean:6.1f} ms  ({self.done} ok, {self.errors} errors in {self.seconds:.1f} s)"
        )


async def run_load(
    url: str,
    op: Callable[[Conn, int], Awaitable[bool]],
    *,
    concurrency: int,
    seconds: float | None = None,
    total: int | None = None,
    warmup: float = 0.0,
) -> Result:
    """Runs `op(conn, i)` from `concurrency` connections until `seconds` pass or `total` ops are done.

    `op` returns True when the operation succeeded; its latency counts either way.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    result = Result()
    counter = iter(range(total if total is not None else sys.maxsize))
    deadline = 0.0
    measuring = False

    async def worker() -> None:
        conn = Conn(host, port)
        try:
            while True:
                now = time.perf_counter()
                if seconds is not None and measuring and now >= deadline:
                    return
                i = next(counter, None)
                if i is None:
                    return
                try:
                    ok = await op(conn, i)
                except (OSError, asyncio.IncompleteReadError, HttpError, ValueError) as exc:
                    conn.close()
                    ok = False
                    result.first_error = result.first_error or repr(exc)
                if not measuring:
                    continue
                result.latencies.append(time.perf_counter() - now)
                if ok:
                    result.done += 1
                else:
                    result.errors += 1
        finally:
            conn.close()

    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    if warmup:
        await asyncio.sleep(warmup)
    measuring = True
    start = time.perf_counter()
    if seconds is not None:
        deadline = start + seconds
    await asyncio.gather(*tasks)
    result.seconds = time.perf_counter() - start
    return result


def install_uvloop() -> None:
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (our own loopback server)
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {timeout:.0f} s")


def start_server(cmd: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Starts a server in its own process group, so stopping it stops its workers too."""
    out = log.open("wb")
    return subprocess.Popen(
        list(cmd), env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
    )


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _procs() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds used) for every process we can read."""
    out: dict[int, tuple[int, str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        out[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / _TICK)
    return out


def cpu_seconds(root_pid: int | None = None, names: tuple[str, ...] = ()) -> float:
    """CPU seconds used so far by a process and its descendants, or by every process with one of `names`."""
    procs = _procs()
    if root_pid is None:
        return sum(cpu for _, name, cpu in procs.values() if name in names)
    tree, grew = {root_pid}, True
    while grew:
        grew = False
        for pid, (ppid, _, _) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(procs[p][2] for p in tree if p in procs)


class CpuMeter:
    """CPU used during a phase by the server's process tree, PostgreSQL, Redis and this process."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        self.start = self._sample()

    def _sample(self) -> tuple[float, float, float, float]:
        server = cpu_seconds(self.server_pid) if self.server_pid else float("nan")
        return (server, cpu_seconds(None, ("postgres",)), cpu_seconds(None, ("redis-server",)), time.process_time())

    def per_op(self, ops: int) -> str:
        end = self._sample()
        used = [(b - a) * 1000 / max(ops, 1) for a, b in zip(self.start, end, strict=True)]
        return (
            f"CPU per op: server {used[0]:.2f} ms, PostgreSQL {used[1]:.2f} ms, Redis {used[2]:.2f} ms, "
            f"load generator {used[3]:.2f} ms"
        )
