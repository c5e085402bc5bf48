"""Page-level components of examples/component-gallery: page-meta, match-media, page-container, editor,
cover-image and root-portal."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Catalogue
from tests.e2e.gallery import T, open_family

pytestmark = pytest.mark.e2e


async def test_page_meta_navigation_bar_and_match_media(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "pagelevel")
    appid = catalogue.apps["component-gallery"][0]
    title = page.locator(f".mh-app[data-appid='{appid}'] .mh-nav-title")
    await expect(title).to_have_text("Page level", timeout=T)
    await view.locator(".rename").click()
    await expect(title).to_have_text("Renamed by page-meta")
    await expect(view.locator(".wide")).to_be_visible()  # the viewport is 390px wide
    await expect(view.locator(".narrow")).to_be_hidden()


async def test_page_container_events(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "pagelevel")
    sheet = view.locator(".sheet")
    await expect(sheet).to_be_hidden(timeout=T)
    await view.locator(".open-container").click()
    await expect(sheet).to_be_visible()
    await expect(view.locator(".container-events")).to_have_text("enter,afterenter")
    await view.locator(".wx-page-container-mask").click(position={"x": 20, "y": 20})
    await expect(view.locator(".container-events")).to_have_text("enter,afterenter,clickoverlay,leave")
    await expect(sheet).to_be_hidden()


async def test_editor_input_and_context(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "pagelevel")
    box = view.locator(".editor .wx-editor-content")
    await box.click(timeout=T)
    await page.keyboard.type("Hi there")
    await expect(view.locator(".editor-text")).to_have_text("Text: Hi there")
    await view.locator(".fill-editor").click()
    await expect(view.locator(".editor-text")).to_have_text("Text: Hello editor")
    await expect(box.locator("b")).to_have_text("editor")
    assert await box.locator("[onerror]").count() == 0
    assert await view.locator("wx-page").evaluate("() => window.__pwned === undefined")


async def test_cover_image_and_root_portal(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "pagelevel")
    img = view.locator(".cover-img img")
    await expect(img).to_have_js_property("naturalWidth", 8, timeout=T)
    await view.locator(".toggle-portal").click()
    portal = view.locator(".portal-box")
    await expect(portal).to_be_visible()
    # fixed to the page's bottom even though its section is transformed
    gap = await portal.evaluate("el => innerHeight - el.getBoundingClientRect().bottom")
    assert abs(gap) < 2
    await view.locator(".toggle-portal").click()
    await expect(portal).to_have_count(0)
