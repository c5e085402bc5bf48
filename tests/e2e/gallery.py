"""Opening a page of examples/component-gallery as a user does: sign in, open the app, tap a family."""

from __future__ import annotations

from playwright.async_api import FrameLocator, Page, expect

from tests.e2e.conftest import Catalogue, sign_in

T = 15_000


def top_frame(page: Page, appid: str) -> FrameLocator:
    return page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame:visible >> nth=-1")


async def open_family(page: Page, catalogue: Catalogue, family: str) -> FrameLocator:
    await sign_in(page, catalogue.username)
    appid = catalogue.apps["component-gallery"][0]
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")
    home = top_frame(page, appid)
    await home.locator(f".family-{family}").click(timeout=T)
    view = top_frame(page, appid)
    # the family's page is on top once the home page's list is no longer the top frame
    await expect(view.locator(".family")).to_have_count(0, timeout=T)
    await expect(view.locator(".section-title").first).to_be_visible(timeout=T)
    return view
