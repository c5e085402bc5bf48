"""Browser tests: Debian's Chromium driven by Playwright against the live server, with every example under
examples/ published and released by a developer, and an end user who signs in through the host page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from minihost.accounts import service as accounts
from minihost.context import Ctx
from minihost.packages.examples import publish_examples

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "e2e-password-1"


@dataclass(frozen=True)
class Catalogue:
    """The released examples: folder name → (appid, app name), and the end user who opens them."""

    apps: dict[str, tuple[str, str]]
    username: str
    developer: str


@pytest.fixture(scope="session")
async def catalogue(ctx: Ctx) -> Catalogue:
    import secrets

    suffix = secrets.token_hex(3)
    dev = await accounts.create_user(ctx, f"e2edev{suffix}", PASSWORD, "E2E Developer")
    org_id = await accounts.create_organisation(ctx, dev.id, f"E2E Studio {suffix}")
    published = await publish_examples(ctx, org_id, dev)
    failed = [f"{p.example.folder}: {p.error}" for p in published if p.appid is None]
    assert not failed, "examples that do not compile:\n" + "\n".join(failed)
    user = await accounts.create_user(ctx, f"e2euser{suffix}", PASSWORD, "E2E User")
    apps = {p.example.folder: (p.appid, p.example.name) for p in published if p.appid}
    return Catalogue(apps, user.username, dev.username)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest.fixture
async def page(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    context: BrowserContext = await browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    p = await context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.errors = errors  # type: ignore[attr-defined]
    yield p
    await context.close()


async def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    await page.goto("/")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_selector(".mh-home-list", timeout=15_000)
