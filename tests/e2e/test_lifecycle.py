"""The capsule and lifecycles in the real host: closing keeps a mini program alive (onHide), reopening shows
it without a reload (onShow), and two mini programs open at once each keep their own state."""

from __future__ import annotations

import pytest
from playwright.async_api import Frame, FrameLocator, Page, expect

from tests.e2e.conftest import Catalogue, sign_in

pytestmark = pytest.mark.e2e
T = 15_000


def view(page: Page, appid: str) -> FrameLocator:
    return page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame:visible >> nth=-1")


def frame_of(page: Page, appid: str) -> Frame:
    found = [f for f in page.frames if f"appid={appid}&" in f.url]
    assert len(found) == 1, [f.url for f in page.frames]
    return found[0]


async def tap_app(page: Page, appid: str) -> None:
    await page.click(f".mh-home-list .mh-home-app[data-appid='{appid}'] >> nth=0")


async def test_capsule_close_keeps_apps_alive_and_each_keeps_its_state(page: Page, catalogue: Catalogue) -> None:
    await sign_in(page, catalogue.username)
    data_app = catalogue.apps["global-data"][0]
    hello = catalogue.apps["hello-world"][0]

    await tap_app(page, data_app)
    g = view(page, data_app)
    await expect(g.locator(".app-log")).to_contain_text("onLaunch, onShow", timeout=T)
    await g.locator(".name-input input").fill("Alice")
    await g.locator(".save-name").click()
    await expect(g.get_by_text("Hello, Alice")).to_be_visible()
    await frame_of(page, data_app).evaluate("() => { window.__sameDocument = true; }")

    # The capsule's close button: back to the home; the app is hidden, not ended.
    await page.click(f".mh-app[data-appid='{data_app}'] .mh-capsule-close")
    await expect(page.locator(f".mh-app[data-appid='{data_app}']")).to_be_hidden()
    await expect(page.locator(".mh-home-list")).to_be_visible()

    # A second mini program, open at the same time, with its own state.
    await tap_app(page, hello)
    h = view(page, hello)
    await h.locator(".change-btn").click(timeout=T)
    await expect(h.locator(".taps")).to_have_text("Tapped 1 times")
    listed = await page.evaluate("() => window.minihost.list().map((a) => [a.appid, a.visible])")
    assert listed == [[data_app, False], [hello, True]]
    await page.click(f".mh-app[data-appid='{hello}'] .mh-capsule-close")

    # Reopened: shown again without a reload (same document, same state), and the app got onHide, onShow.
    await tap_app(page, data_app)
    g = view(page, data_app)
    await expect(g.get_by_text("Hello, Alice")).to_be_visible(timeout=T)
    await expect(g.locator(".app-log")).to_contain_text("onLaunch, onShow, onHide, onShow")
    assert await frame_of(page, data_app).evaluate("() => window.__sameDocument === true")

    await page.click(f".mh-app[data-appid='{data_app}'] .mh-capsule-close")
    await tap_app(page, hello)
    await expect(view(page, hello).locator(".taps")).to_have_text("Tapped 1 times", timeout=T)
    await expect(view(page, hello).locator(".greeting")).to_have_text("Hello Minihost")
    assert not [e for e in page.errors if "minihost" in e.lower()]  # type: ignore[attr-defined]
