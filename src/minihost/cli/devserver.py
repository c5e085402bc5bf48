"""`minihost dev`: the real platform, local and throwaway, serving one project with live reload.

The project is uploaded through the real upload path (compile, store, record a develop version) and opened
in the real host shell; a watcher recompiles on every saved change and tells the open page over
server-sent events, which relaunches the mini program on the page it was showing.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import uvicorn
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from minihost.cli.client import console, err_console
from minihost.config import Settings
from minihost.context import Ctx
from minihost.errors import ApiError

DEV_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="csrf-token" content="CSRF">
<title>minihost dev</title>
<link rel="stylesheet" href="/host/static/home.css"><link rel="stylesheet" href="/runtime/host/host.css">
<style>#mh-dev-error{position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:12px;
background:#300;color:#fdd;font:12px/1.4 monospace;white-space:pre-wrap;z-index:99999}</style>
</head><body class="mh-host"><div id="mh-host" class="mh-shell"></div>
<script type="module" src="/dev/dev.js"></script></body></html>"""

DEV_JS = """import { createHost } from '/runtime/host/host.js';
const APPID = APPID_JSON;
const host = createHost(document.getElementById('mh-host'));
window.minihost = host;
window.mhDevGeneration = 0;
function showError(text) {
  let el = document.getElementById('mh-dev-error');
  if (!text) { if (el) el.remove(); return; }
  if (!el) { el = document.createElement('pre'); el.id = 'mh-dev-error'; document.body.append(el); }
  el.textContent = text;
}
async function launch(path) {
  const opts = { version: 'develop' };
  if (path) opts.path = path;
  await host.open(APPID, opts);
}
async function relaunch() {
  const open = host.list().find((a) => a.appid === APPID);
  const stack = open ? open.stack : [];
  host.terminate(APPID);
  await launch(stack.length ? stack[stack.length - 1] : '');
}
const events = new EventSource('/dev/events');
events.addEventListener('reload', (e) => {
  const gen = JSON.parse(e.data).generation;
  if (gen === window.mhDevGeneration) return;
  const first = window.mhDevGeneration === 0;
  window.mhDevGeneration = gen;
  showError('');
  if (first) launch(''); else relaunch();
});
events.addEventListener('failed', (e) => showError(JSON.parse(e.data).message));
"""


@dataclass
class DevState:
    package: Path
    appid: str = ""
    user_id: int = 0
    username: str = ""
    password: str = ""
    generation: int = 0
    error: str = ""
    builds: int = 0
    """Counts every build, good or bad: what the event streams wait on."""
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


def lan_address() -> str:
    """This machine's address on the local network (the one a phone reaches), else loopback."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            return str(s.getsockname()[0])
    except OSError:
        return "127.0.0.1"


def dev_router(state: DevState, ctx: Ctx) -> APIRouter:
    from minihost.accounts import service as accounts
    from minihost.web.auth import set_session_cookie

    router = APIRouter(include_in_schema=False)

    @router.get("/dev")
    async def page() -> Response:
        # A local throwaway platform: whoever opens the dev URL is the project's developer.
        signed = await accounts.sign_in(ctx, state.username, state.password)
        response = HTMLResponse(DEV_PAGE.replace("CSRF", signed.csrf_token), headers={"Cache-Control": "no-store"})
        set_session_cookie(response, ctx.settings, signed.session_token)
        return response

    @router.get("/dev/dev.js")
    async def script() -> Response:
        import json

        return Response(
            DEV_JS.replace("APPID_JSON", json.dumps(state.appid)),
            media_type="text/javascript",
            headers={"Cache-Control": "no-store"},
        )

    @router.get("/dev/state")
    async def poll() -> dict[str, object]:
        return {"generation": state.generation, "error": state.error}

    @router.get("/dev/events")
    async def events(request: Request) -> StreamingResponse:
        async def stream() -> AsyncIterator[bytes]:
            import json

            seen = -1
            while not await request.is_disconnected():
                builds = state.builds
                if builds != seen:
                    seen = builds
                    if state.error:
                        yield f"event: failed\ndata: {json.dumps({'message': state.error})}\n\n".encode()
                    elif state.generation > 0:
                        yield f"event: reload\ndata: {json.dumps({'generation': state.generation})}\n\n".encode()
                async with state.changed:
                    try:
                        await asyncio.wait_for(state.changed.wait_for(partial(_moved, state, seen)), timeout=15)
                    except TimeoutError:
                        yield b": keep-alive\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    return router


def _moved(state: DevState, seen: int) -> bool:
    return state.builds != seen


async def _build(ctx: Ctx, state: DevState) -> None:
    from minihost.accounts import service as accounts
    from minihost.packages import service as packages

    user = await accounts.get_user(ctx, state.user_id)
    assert user is not None
    version = f"dev.{state.generation + 1}"
    started = time.perf_counter()
    try:
        await packages.upload_package(ctx, state.appid, user, state.package, version, "minihost dev")
    except ApiError as exc:
        state.error = exc.message
        err_console.print(f"[red]{exc.message}[/]", highlight=False, soft_wrap=True)
    else:
        state.error = ""
        state.generation += 1
        ms = (time.perf_counter() - started) * 1000
        console.print(f"[green]compiled[/] {version} in {ms:.0f} ms", highlight=False)
    async with state.changed:
        state.builds += 1
        state.changed.notify_all()


async def _watch(ctx: Ctx, state: DevState) -> None:
    from watchfiles import awatch

    async for _changes in awatch(state.package, debounce=50, step=20):
        await _build(ctx, state)


async def _serve(package: Path, host: str, port: int, show_qr: bool, data_dir: Path) -> None:
    from minihost.accounts import service as accounts
    from minihost.apps import service as apps
    from minihost.db.migrate import upgrade
    from minihost.web.app import create_app

    public = lan_address() if host in ("0.0.0.0", "::") else host  # noqa: S104
    url = f"http://{public}:{port}/dev"
    settings = Settings(
        data_dir=data_dir,
        secret_key=secrets.token_urlsafe(32),
        seed_demo=False,
        log_requests=False,
        review_screenshots=False,
        base_url=f"http://{public}:{port}",
        _env_file=None,
    )
    await asyncio.to_thread(upgrade, settings.resolved_database_url())
    ctx = Ctx.create(settings)
    state = DevState(package)
    state.username, state.password = "developer", secrets.token_urlsafe(16)
    user = await accounts.create_user(ctx, state.username, state.password, "Developer")
    org_id = await accounts.create_organisation(ctx, user.id, "Local development")
    state.appid = (await apps.register_app(ctx, org_id, package.name[:64] or "Mini program")).app.appid
    state.user_id = user.id
    await _build(ctx, state)
    app = create_app(settings, ctx)
    app.include_router(dev_router(state, ctx))
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    console.print(f"Previewing [bold]{package}[/] at [bold link={url}]{url}[/]  (Ctrl+C to stop)")
    if show_qr:
        from minihost.cli.qr import print_qr

        print_qr(url)
    watcher = asyncio.create_task(_watch(ctx, state))
    try:
        await server.serve()
    finally:
        watcher.cancel()
        await ctx.close()


def run_dev(package: Path, host: str, port: int, show_qr: bool = True) -> None:
    with tempfile.TemporaryDirectory(prefix="minihost-dev-") as tmp, contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(package, host, port, show_qr, Path(tmp)))
