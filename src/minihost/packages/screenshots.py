"""Screenshots of a submitted version's first pages, rendered by the platform itself for reviewers.

Debian's Chromium (never a downloaded browser) runs the real runtime on a private origin that exists only
inside the browser: every request is answered by Playwright's router from the runtime's static files and
the bundle store, and the host API the shell calls is answered in-page. So rendering needs no session, no
network and no running server, and a package under review can reach nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from minihost.context import Ctx
from minihost.packages import service

log = logging.getLogger(__name__)

RUNTIME_STATIC = Path(__file__).resolve().parent.parent / "runtime" / "static"
ORIGIN = "http://review.minihost.invalid"
MAX_PAGES = 3
PAGE_TIMEOUT = 40.0
"""Seconds for one page, whatever the package does (an endless loop in onLoad included)."""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml"}
_tasks: set[asyncio.Task[None]] = set()
_lock = asyncio.Lock()

_HARNESS = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/runtime/host/host.css"></head>
<body style="margin:0"><div id="root"></div>
<script type="module">
import { createHost } from '/runtime/host/host.js';
const launch = JSON.parse(document.getElementById('launch').textContent);
async function fetchJson(url) {
  if (url.includes('/launch?')) return launch;
  if (url.endsWith('/storage-all')) return { items: {} };
  if (url.endsWith('/storage')) return { keys: [], current_size: 0, limit_size: 10485760 };
  const err = new Error('not available while rendering for review'); err.status = 404; throw err;
}
window.minihost = createHost(document.getElementById('root'), { fetchJson });
window.reviewReady = true;
</script>
<script type="application/json" id="launch">LAUNCH</script>
</body></html>"""


def schedule(ctx: Ctx, review_id: int) -> None:
    """Render in the background (the submit answers at once); reviewers see the screenshots when done."""
    if not ctx.settings.review_screenshots or not Path(ctx.settings.chromium_path).exists():
        return
    task = asyncio.get_running_loop().create_task(_guarded(ctx, review_id))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def wait_all() -> None:
    """For tests and shutdown: wait for the screenshots under way."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def _guarded(ctx: Ctx, review_id: int) -> None:
    try:
        await render_review(ctx, review_id)
    except Exception:  # a screenshot failing must never break a submission
        log.exception("review screenshots failed for review %s", review_id)


async def render_review(ctx: Ctx, review_id: int) -> list[dict[str, Any]]:
    """Render the first pages of the review's version, store the PNGs, record them on the review."""
    from playwright.async_api import Page, Route, async_playwright

    review = await service.get_review(ctx, review_id)
    store = service.bundle_store(ctx)
    manifest = json.loads(await asyncio.to_thread(store.read, review.manifest_hash))
    pages = list((manifest.get("app") or {}).get("pages") or [])[:MAX_PAGES]
    launch = {
        "appid": review.appid,
        "name": review.appid,
        "icon_url": "",
        "version": review.version,
        "kind": "develop",
        "manifest_url": f"/bundles/files/{review.manifest_hash}",
        "files_base": "/bundles/files/",
        "debug": False,
    }
    harness = _HARNESS.replace("LAUNCH", json.dumps(launch).replace("<", "\\u003c"))

    async def answer(route: Route) -> None:
        url = route.request.url
        if not url.startswith(ORIGIN + "/"):
            await route.abort()
            return
        path = url[len(ORIGIN) :].split("?", 1)[0].split("#", 1)[0]
        headers = {"Access-Control-Allow-Origin": "*"}
        if path == "/review":
            await route.fulfill(status=200, body=harness, content_type="text/html", headers=headers)
            return
        if path.startswith("/runtime/"):
            root = RUNTIME_STATIC.resolve()
            target = (root / path[len("/runtime/") :]).resolve()
            if target.is_relative_to(root) and target.is_file():
                ctype = _TYPES.get(target.suffix, "application/octet-stream")
                await route.fulfill(status=200, body=target.read_bytes(), content_type=ctype, headers=headers)
                return
        if path.startswith("/bundles/files/"):
            try:
                data = await asyncio.to_thread(store.read, path.rsplit("/", 1)[-1])
            except (FileNotFoundError, ValueError):
                pass
            else:
                await route.fulfill(status=200, body=data, headers=headers)
                return
        await route.fulfill(status=404, body="not found", headers=headers)

    shots: list[dict[str, Any]] = []
    async with _lock, async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=ctx.settings.chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(viewport={"width": 375, "height": 667}, service_workers="block")
            await context.route("**/*", answer)
            for page_path in pages:
                page = await context.new_page()

                async def shoot(page: Page = page, page_path: str = page_path) -> bytes:
                    await page.goto(f"{ORIGIN}/review", timeout=15_000)
                    await page.wait_for_function("window.reviewReady === true", timeout=10_000)
                    # Not awaited to the end: a package that never finishes its first page still gets a
                    # screenshot of what it shows.
                    await page.evaluate(
                        "([appid, path]) => { window.minihost.open(appid, {path, version: 'develop'}); }",
                        [review.appid, page_path],
                    )
                    # The first render is asynchronous (worker → frame); give it a moment to settle.
                    await page.wait_for_timeout(1500)
                    return await page.screenshot(type="png", timeout=10_000)

                try:
                    png = await asyncio.wait_for(shoot(), PAGE_TIMEOUT)
                    digest = await asyncio.to_thread(store.put, png)
                    await service.record_files(ctx, {digest: "image/png"}, {digest: len(png)})
                    shots.append({"page": page_path, "sha256": digest})
                except Exception as exc:  # one page failing still leaves the others
                    shots.append({"page": page_path, "error": (str(exc) or type(exc).__name__)[:300]})
                finally:
                    await page.close()
            await context.close()
        finally:
            await browser.close()
    await service.set_screenshots(ctx, review_id, shots)
    return shots
