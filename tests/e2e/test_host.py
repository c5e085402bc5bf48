"""A user signs in to the host, sees the home, opens a mini program, taps, and sees the result."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Catalogue, sign_in

pytestmark = pytest.mark.e2e


async def open_app(page: Page, catalogue: Catalogue, folder: str) -> str:
    appid, _name = catalogue.apps[folder]
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")
    await expect(page.locator(f".mh-app[data-appid='{appid}'] .mh-page-frame").last).to_be_visible(timeout=15_000)
    return appid


def frame(page: Page, appid: str):  # type: ignore[no-untyped-def]
    return page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame >> nth=-1")


async def test_sign_in_fails_with_a_message(page: Page, catalogue: Catalogue) -> None:
    await page.goto("/")
    await page.fill("input[name=username]", catalogue.username)
    await page.fill("input[name=password]", "wrong-password")
    await page.click("button[type=submit]")
    await expect(page.locator("#mh-signin-error")).to_contain_text("Wrong username or password")


async def test_home_lists_every_example(page: Page, catalogue: Catalogue) -> None:
    await sign_in(page, catalogue.username)
    for _folder, (appid, name) in catalogue.apps.items():
        await expect(page.locator(f".mh-home-all .mh-home-app[data-appid='{appid}']")).to_contain_text(name)


async def test_hello_world_tap_changes_text(page: Page, catalogue: Catalogue) -> None:
    await sign_in(page, catalogue.username)
    appid = await open_app(page, catalogue, "hello-world")
    view = frame(page, appid)
    await expect(view.locator(".greeting")).to_have_text("Hello World", timeout=15_000)
    await expect(view.locator(".taps")).to_have_text("Tapped 0 times")
    await expect(page.locator(f".mh-app[data-appid='{appid}'] .mh-nav-title")).to_have_text("Hello World")
    await view.locator(".change-btn").click()
    await expect(view.locator(".greeting")).to_have_text("Hello Minihost")
    await expect(view.locator(".taps")).to_have_text("Tapped 1 times")
    await view.locator(".change-btn").click()
    await expect(view.locator(".greeting")).to_have_text("Hello World")
    await expect(view.locator(".taps")).to_have_text("Tapped 2 times")
    # Closed with the capsule, it is listed as recently used.
    await page.click(f".mh-app[data-appid='{appid}'] .mh-capsule-close")
    await expect(page.locator(f".mh-home-recent .mh-home-app[data-appid='{appid}']")).to_be_visible()
