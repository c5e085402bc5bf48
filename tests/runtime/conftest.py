"""Browser tests of the runtime against the real server (`live_server`), with Debian's Chromium.

Mini programs are published for real: examples are compiled and released through `minihost.packages.service`;
hand-written bundles (bundle.py) are stored with the packages storage as the release of a test-registered app.
An end user signs in through the real sign-in API; the page is the real host page (`window.minihost`).

This package uses sync Playwright, which keeps an event loop running while it is open: so the browser is
package-scoped (closed before async tests of later packages run), and database work of these tests runs on
its own event loop in a thread (`Publisher`).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from minihost.config import Settings
from minihost.context import Ctx

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "runtime-password-1"
T = TypeVar("T")


class Publisher:
    """Runs service calls on a private event loop in a thread, with its own Ctx on the test database."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.ctx = self.run(self._make_ctx(settings))
        suffix = secrets.token_hex(3)
        self.dev, self.org_id = self.run(self._developer(suffix))
        self.username = f"rtuser{suffix}"
        self.run(self._user(self.username))

    async def _make_ctx(self, settings: Settings) -> Ctx:
        return Ctx.create(settings)

    async def _developer(self, suffix: str) -> tuple[Any, int]:
        from minihost.accounts import service as accounts

        dev = await accounts.create_user(self.ctx, f"rtdev{suffix}", PASSWORD, "Runtime Developer")
        org_id = await accounts.create_organisation(self.ctx, dev.id, f"Runtime Studio {suffix}")
        return dev, org_id

    async def _user(self, username: str) -> None:
        from minihost.accounts import service as accounts

        await accounts.create_user(self.ctx, username, PASSWORD, "Runtime User")

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def close(self) -> None:
        self.run(self.ctx.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


# Package scope: sync Playwright keeps its event loop running until closed, which would break async tests
# of later packages.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing: {CHROMIUM} not found (apt-get install chromium); runtime tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture(scope="package")
def publisher(settings: Settings) -> Iterator[Publisher]:
    p = Publisher(settings)
    yield p
    p.close()


@pytest.fixture()
def page(browser: Any, live_server: str, publisher: Publisher) -> Iterator[Any]:
    """The real host page, signed in as the end user; `window.host` is the host shell (`window.minihost`)."""
    ctx = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    pg.set_default_timeout(int(os.environ.get("MH_TEST_TIMEOUT", "8000")))
    pg.errors = []  # type: ignore[attr-defined]
    pg.console_lines = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console_lines.append(f"{m.type}: {m.text}"))  # type: ignore[attr-defined]
    r = ctx.request.post("/api/accounts/signin", data={"username": publisher.username, "password": PASSWORD})
    assert r.ok, r.text()
    pg.goto("/")
    pg.wait_for_function("() => !!window.minihost")
    # A script-readable cookie of the host origin, which no mini program may read.
    pg.evaluate("() => { window.host = window.minihost; document.cookie = 'probe=host-secret; path=/'; }")
    yield pg
    ctx.close()
