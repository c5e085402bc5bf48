"""Fixtures for browser tests of the runtime: a fake server and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .server import RuntimeServer

CHROMIUM = "/usr/bin/chromium"


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


@pytest.fixture()
def server() -> Iterator[RuntimeServer]:
    s = RuntimeServer()
    s.start()
    yield s
    s.stop()


@pytest.fixture()
def page(browser: Any, server: RuntimeServer) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    pg.set_default_timeout(int(os.environ.get("MH_TEST_TIMEOUT", "8000")))
    pg.errors = []  # type: ignore[attr-defined]
    pg.console_lines = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console_lines.append(f"{m.type}: {m.text}"))  # type: ignore[attr-defined]
    pg.goto(server.origin + "/")
    pg.wait_for_function("window.__bootDone === true")
    yield pg
    ctx.close()
