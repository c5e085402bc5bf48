# ruff: noqa: E501  (embedded JavaScript and HTML)
"""Mini program start and update latency in headless Chromium, against a real server on loopback.

Measures, in one run:
- tap (click on the home's app button) → first paint of the first page (the view frame's
  first-contentful-paint) and → the first page's onReady (a `performance.mark` of the logic worker),
  cold (fresh browser context, empty cache) and warm (same context: the app ended, tapped again), for
  hello-world and a generated ~1.5 MB package;
- reshow: capsule close, tap again → the page visible again (a live app is only shown);
- setData of one changed row of a 1,000-row list → the patched frame (rAF after the DOM mutation, in the frame);
- the floor: the same Chromium, on tap, painting a static page with the same first-page content in a new iframe.
All clocks are `performance.timeOrigin + performance.now()` of each realm (one process clock).

Run: .venv/bin/python bench/cold_start.py [--runs N]
Needs Debian's Chromium at /usr/bin/chromium; never downloads a browser.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Frame, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway user of a temporary database)
TARGETS = {"cold": 150.0, "warm": 50.0, "setData": 16.0, "floor_ratio": 2.0}

# In every view frame, before any of its scripts: when the page gets content, the next animation frame's
# time (the frame that paints it); and the document's first-contentful-paint.
FRAME_INIT = """
(() => {
  if (!location.pathname.endsWith('/runtime/view/frame.html') && !location.pathname.endsWith('/static.html')) return;
  const now = () => performance.timeOrigin + performance.now();
  window.__bench = { content: 0, fcp: 0, patched: [] };
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') window.__bench.fcp = performance.timeOrigin + e.startTime;
  }).observe({ type: 'paint', buffered: true });
  const mo = new MutationObserver(() => {
    const page = document.querySelector('wx-page') || document.querySelector('.static-page');
    if (page && page.textContent.trim() && !window.__bench.content) {
      window.__bench.content = -1;
      requestAnimationFrame(() => { window.__bench.content = now(); });
    }
  });
  mo.observe(document, { childList: true, subtree: true, characterData: true });
})();
"""

# In the host page: the time of a tap on a home app button (capture phase, before the host's handler).
HOST_INIT = """
(() => {
  if (location.pathname !== '/' && !location.pathname.endsWith('/floor.html')) return;
  document.addEventListener('click', (e) => {
    if (e.target.closest && e.target.closest('.mh-home-app, #floor-tap')) window.__tap = performance.timeOrigin + performance.now();
  }, true);
})();
"""

LIST_JS = """
Page({
  data: { rows: [] },
  onLoad() {
    const rows = [];
    for (let i = 0; i < 1000; i++) rows.push({ id: i, name: 'Row ' + i, price: i * 3 });
    this.setData({ rows });
    this.n = 0;
  },
  bump() {
    this.n += 1;
    self.__benchT0 = performance.timeOrigin + performance.now();
    this.setData({ ['rows[500].name']: 'Changed ' + this.n });
  },
});
"""
LIST_WXML = """<view class="list">
  <view wx:for="{{rows}}" wx:key="id" class="row" id="row-{{item.id}}">
    <text class="name">{{item.name}}</text><text class="price">{{item.price}}</text>
  </view>
</view>
"""


def big_package(folder: Path, target_bytes: int = 1_230_000) -> None:
    """A hello-world first page, plus generated pages until the source is ~target_bytes (~1.5 MB compiled)."""
    hello = ROOT / "examples" / "hello-world"
    for p in hello.rglob("*"):
        if p.is_file():
            dest = folder / p.relative_to(hello)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(p.read_bytes())
    app = json.loads((folder / "app.json").read_text())
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    i = 0
    while size < target_bytes:
        route = f"pages/gen{i}/gen{i}"
        (folder / route).parent.mkdir(parents=True, exist_ok=True)
        handlers = "".join(
            f"  handler{j}(e) {{ const v = e.currentTarget.dataset.index; this.setData({{ ['list[' + v + '].n{j}']: {j} }}) }},\n"
            for j in range(400)
        )
        js = f"// generated page {i}\nPage({{\n  data: {{ list: [], title: 'Generated {i}' }},\n{handlers}}});\n"
        wxml = "".join(
            f'<view class="row r{j}" bindtap="handler{j}" data-index="{j}">{{{{title}}}} {j}</view>\n'
            for j in range(60)
        )
        wxss = "".join(f".r{j} {{ padding: {j % 20}rpx; color: #{j:06x}; }}\n" for j in range(60))
        for ext, text in (("js", js), ("wxml", wxml), ("wxss", wxss), ("json", "{}")):
            (folder / f"{route}.{ext}").write_text(text)
            size += len(text)
        app["pages"].append(route)
        i += 1
    (folder / "app.json").write_text(json.dumps(app, indent=2))


def list_package(folder: Path) -> None:
    (folder / "pages" / "list").mkdir(parents=True)
    (folder / "app.json").write_text(
        json.dumps({"pages": ["pages/list/list"], "window": {"navigationBarTitleText": "List"}})
    )
    (folder / "app.js").write_text("App({})\n")
    (folder / "pages/list/list.js").write_text(LIST_JS)
    (folder / "pages/list/list.wxml").write_text(LIST_WXML)
    (folder / "pages/list/list.wxss").write_text(
        ".row { display: flex; justify-content: space-between; padding: 8rpx 24rpx; }\n"
    )
    (folder / "pages/list/list.json").write_text("{}")


async def publish(data_dir: Path, work: Path) -> dict[str, str]:
    """The end user and three released apps, written straight to the server's database."""
    from minihost.accounts import service as accounts
    from minihost.apps import service as apps
    from minihost.config import Settings
    from minihost.context import Ctx
    from minihost.db.migrate import upgrade
    from minihost.packages import service as packages

    settings = Settings(data_dir=data_dir, seed_demo=False, log_requests=False, _env_file=None)
    await asyncio.to_thread(upgrade, settings.resolved_database_url())
    ctx = Ctx.create(settings)
    try:
        dev = await accounts.create_user(ctx, "benchdev", PASSWORD, "Bench Dev")
        await accounts.create_user(ctx, "benchuser", PASSWORD, "Bench User")
        org = await accounts.create_organisation(ctx, dev.id, "Bench")
        big, lst = work / "big", work / "list"
        big_package(big)
        list_package(lst)
        out: dict[str, str] = {}
        for name, folder in (("hello", ROOT / "examples" / "hello-world"), ("big", big), ("list", lst)):
            appid = (await apps.register_app(ctx, org, f"Bench {name}", category="Tools")).app.appid
            up = await packages.upload_package(ctx, appid, dev, folder, "1.0.0")
            await packages.release_version(ctx, appid, dev, "1.0.0")
            out[name] = appid
            out[name + "_bytes"] = str(up.version.size)
        return out
    finally:
        await ctx.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "MINIHOST_DATA_DIR": str(data_dir),
        "MINIHOST_LOG_REQUESTS": "false",
        "MINIHOST_SEED_DEMO": "false",
    }
    exe = Path(sys.executable).parent / "minihost"
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--no-seed"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):  # noqa: S310  (our own http URL)
                return proc, base
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def start_floor_server(static_html: bytes) -> tuple[ThreadingHTTPServer, str]:
    floor_page = b"""<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<style>html,body{margin:0;height:100%} iframe{border:0;width:100%;height:100%}</style></head>
<body><button id="floor-tap">open</button><script>
document.getElementById('floor-tap').addEventListener('click', () => {
  const f = document.createElement('iframe'); f.src = '/static.html'; document.body.append(f);
});
</script></body></html>"""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = floor_page if self.path.startswith("/floor.html") else static_html
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


async def new_context(browser: Browser, base: str) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
    await context.add_init_script(HOST_INIT)
    await context.add_init_script(FRAME_INIT)
    r = await context.request.post("/api/accounts/signin", data={"username": "benchuser", "password": PASSWORD})
    assert r.ok, await r.text()
    page = await context.new_page()
    await page.goto("/")
    await page.wait_for_selector(".mh-home-list .mh-home-app")
    return context, page


def top_frame(page: Page, appid: str) -> Frame | None:
    frames = [f for f in page.frames if f"appid={appid}&" in f.url]
    return frames[-1] if frames else None


async def wait_value(fn: Any, limit: float = 20.0) -> Any:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = await fn()
        if value:
            return value
        await asyncio.sleep(0.01)
    raise TimeoutError("no value")


async def on_ready_mark(page: Page) -> float:
    async def mark() -> float:
        for w in page.workers:
            try:
                t = await w.evaluate(
                    "() => { const e = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('mh:onReady:'));"
                    " return e.length ? performance.timeOrigin + e[e.length - 1].startTime : 0; }"
                )
            except Exception:  # noqa: S112  (a worker that just ended)
                continue
            if t:
                return float(t)
        return 0.0

    return float(await wait_value(mark))


async def launch_once(page: Page, appid: str) -> tuple[float, float]:
    """Tap the app on the home; (tap → first paint, tap → onReady) in ms."""
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")

    async def frame_times() -> tuple[float, float] | None:
        f = top_frame(page, appid)
        if f is None:
            return None
        try:
            b = await f.evaluate("() => window.__bench && [window.__bench.fcp, window.__bench.content]")
        except Exception:
            return None
        return (b[0], b[1]) if b and b[0] and b[1] > 0 else None

    fcp, content = await wait_value(frame_times)
    ready = await on_ready_mark(page)
    tap = float(await page.evaluate("() => window.__tap"))
    return min(fcp, content) - tap, ready - tap


async def end_app(page: Page, appid: str) -> None:
    await page.evaluate("(a) => window.minihost.terminate(a)", appid)
    await page.wait_for_function("(a) => !window.minihost.list().some((x) => x.appid === a)", arg=appid)
    await page.evaluate("() => { window.__tap = 0; }")


async def reshow_once(page: Page, appid: str) -> float:
    """Capsule close, tap again: tap → the app visible again (next animation frame of the host)."""
    await page.click(f".mh-app[data-appid='{appid}'] .mh-capsule-close")
    await page.wait_for_selector(f".mh-app[data-appid='{appid}']", state="hidden")
    await page.evaluate(
        """(a) => { window.__shown = 0; const el = document.querySelector(`.mh-app[data-appid="${a}"]`);
        const mo = new MutationObserver(() => { if (el.offsetParent !== null || getComputedStyle(el).display !== 'none') {
          mo.disconnect(); requestAnimationFrame(() => { window.__shown = performance.timeOrigin + performance.now(); }); } });
        mo.observe(document.body, { attributes: true, subtree: true, childList: true }); }""",
        appid,
    )
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")
    shown = await wait_value(lambda: page.evaluate("() => window.__shown"))
    return float(shown) - float(await page.evaluate("() => window.__tap"))


async def static_copy(page: Page, appid: str) -> bytes:
    """The first page as a static document: its rendered markup and every stylesheet it uses."""
    f = top_frame(page, appid)
    assert f is not None
    html, css = await f.evaluate(
        """() => {
          const sheets = [...document.styleSheets, ...document.adoptedStyleSheets];
          const css = sheets.map((s) => { try { return [...s.cssRules].map((r) => r.cssText).join('\\n'); } catch (e) { return ''; } });
          return [document.querySelector('wx-page').outerHTML, css.join('\\n')];
        }"""
    )
    html = html.replace("<wx-page", '<wx-page class="static-page"', 1)
    return f'<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head><body>{html}</body></html>'.encode()


async def floor_once(browser: Browser, floor_base: str) -> float:
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    await context.add_init_script(HOST_INIT)
    await context.add_init_script(FRAME_INIT)
    page = await context.new_page()
    await page.goto(floor_base + "/floor.html")
    await page.click("#floor-tap")

    async def times() -> tuple[float, float] | None:
        frames = [f for f in page.frames if f.url.endswith("/static.html")]
        if not frames:
            return None
        b = await frames[0].evaluate("() => window.__bench && [window.__bench.fcp, window.__bench.content]")
        return (b[0], b[1]) if b and b[0] and b[1] > 0 else None

    fcp, content = await wait_value(times)
    tap = float(await page.evaluate("() => window.__tap"))
    await context.close()
    return float(min(fcp, content)) - tap


async def set_data_runs(page: Page, appid: str, runs: int) -> list[float]:
    f = top_frame(page, appid)
    assert f is not None
    await f.wait_for_function("() => document.querySelectorAll('.row').length === 1000")
    await f.evaluate(
        """() => { const row = document.getElementById('row-500');
        window.__patched = [];
        new MutationObserver(() => requestAnimationFrame(() => window.__patched.push(performance.timeOrigin + performance.now())))
          .observe(row, { subtree: true, characterData: true, childList: true }); }"""
    )
    worker = None
    for w in page.workers:
        probe = (
            "() => typeof getCurrentPages === 'function' && getCurrentPages().length > 0 && getCurrentPages()[0].route"
        )
        if await w.evaluate(probe) == "pages/list/list":
            worker = w
    assert worker is not None, "the list app's worker"
    out = []
    for i in range(runs):
        await worker.evaluate("() => getCurrentPages()[0].bump()")
        await f.wait_for_function(f"() => window.__patched.length >= {i + 1}")
        t0 = float(await worker.evaluate("() => self.__benchT0"))
        t1 = float(await f.evaluate(f"() => window.__patched[{i}]"))
        out.append(t1 - t0)
        await asyncio.sleep(0.05)
    return out


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def line(name: str, xs: list[float], target: float | None, floor: float | None = None) -> str:
    m = med(xs)
    parts = [f"{name:<28} median {m:7.1f} ms  (min {min(xs):6.1f}, max {max(xs):6.1f}, n={len(xs)})"]
    if target is not None:
        parts.append(f"target ≤{target:.0f} ms {'OK' if m <= target else 'MISSED'}")
    if floor:
        ratio = m / floor
        parts.append(
            f"{ratio:.2f}× floor (target ≤{TARGETS['floor_ratio']:.0f}×) {'OK' if ratio <= TARGETS['floor_ratio'] else 'MISSED'}"
        )
    return "  ".join(parts)


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="minihost-bench-") as tmp:
        data_dir, work = Path(tmp) / "data", Path(tmp) / "work"
        work.mkdir()
        data_dir.mkdir()
        apps = await publish(data_dir, work)
        proc, base = start_server(data_dir)
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                results: dict[str, list[float]] = {}
                static_html = b""
                for name in ("hello", "big"):
                    appid = apps[name]
                    for _ in range(runs):
                        context, page = await new_context(browser, base)
                        paint, ready = await launch_once(page, appid)
                        results.setdefault(f"{name} cold paint", []).append(paint)
                        results.setdefault(f"{name} cold onReady", []).append(ready)
                        if name == "hello" and not static_html:
                            static_html = await static_copy(page, appid)
                        for _ in range(2):
                            await end_app(page, appid)
                            paint, ready = await launch_once(page, appid)
                            results.setdefault(f"{name} warm paint", []).append(paint)
                            results.setdefault(f"{name} warm onReady", []).append(ready)
                        results.setdefault(f"{name} reshow", []).append(await reshow_once(page, appid))
                        await context.close()
                context, page = await new_context(browser, base)
                await launch_once(page, apps["list"])
                results["setData 1 of 1000 rows"] = await set_data_runs(page, apps["list"], runs * 3)
                await context.close()
                httpd, floor_base = start_floor_server(static_html)
                results["floor (static page)"] = [await floor_once(browser, floor_base) for _ in range(runs)]
                httpd.shutdown()
                await browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    floor = med(results["floor (static page)"])
    load = os.getloadavg()
    print(
        f"Minihost cold start, {runs} runs each; {os.cpu_count()} cores, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    print(
        f"packages: hello-world {int(apps['hello_bytes']):,} bytes, generated {int(apps['big_bytes']):,} bytes (compiled)"
    )
    print(line("floor (static page)", results["floor (static page)"], None))
    for name in ("hello", "big"):
        print(line(f"{name} cold paint", results[f"{name} cold paint"], TARGETS["cold"], floor))
        print(line(f"{name} cold onReady", results[f"{name} cold onReady"], TARGETS["cold"]))
        print(line(f"{name} warm paint", results[f"{name} warm paint"], TARGETS["warm"]))
        print(line(f"{name} warm onReady", results[f"{name} warm onReady"], TARGETS["warm"]))
        print(line(f"{name} reshow (capsule)", results[f"{name} reshow"], TARGETS["warm"]))
    print(line("setData 1 of 1000 rows", results["setData 1 of 1000 rows"], TARGETS["setData"]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    asyncio.run(main(parser.parse_args().runs))
