"""WXS and custom components of examples/component-gallery: what the user sees and which events fired."""

from __future__ import annotations

import json
import re

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Catalogue
from tests.e2e.gallery import T, open_family

pytestmark = pytest.mark.e2e


async def test_wxs_modules_render_with_getdate_and_getregexp(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "wxs")
    await expect(view.locator(".stamp")).to_have_text("Date: 2023-11-14", timeout=T)
    await expect(view.locator(".phone")).to_have_text(["13800138000: phone", "12345: not a phone"])
    await expect(view.locator(".shout")).to_have_text("HELLO! (2 numbers)")


async def test_wxs_event_handler_uses_the_component_descriptor(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "wxs")
    lamp = view.locator(".lamp")
    await view.locator(".paint").click(timeout=T)
    await expect(lamp).to_have_css("background-color", "rgb(255, 200, 0)")
    await expect(lamp).to_have_class("lamp lit")
    await expect(view.locator(".from-wxs")).to_have_text("callMethod: taps=1 color=rgb(255, 200, 0)")
    await view.locator(".paint").click()
    await expect(lamp).to_have_class("lamp")
    await expect(view.locator(".from-wxs")).to_have_text("callMethod: taps=2 color=rgb(255, 200, 0)")
    # the handler returned false: the tap did not bubble to the section's bindtap
    await expect(view.locator(".outer-taps")).to_have_text("Section taps: 0")


async def test_relations_link_and_unlink(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "custom")
    summary = view.locator(".tabs wx-view").filter(has_text="Linked tabs")
    await expect(summary).to_have_text("Linked tabs: Home, News", timeout=T)
    await view.locator(".add-tab").click()
    await expect(summary).to_have_text("Linked tabs: Home, News, Tab3")
    await view.locator(".drop-tab").click()
    await view.locator(".drop-tab").click()
    await expect(summary).to_have_text("Linked tabs: Home")
    # each child saw its parent (the `linked` of the parent relation)
    await expect(view.locator("tab-item wx-view").first).to_have_css("border-top-color", "rgb(7, 193, 96)")


async def test_external_classes_slots_shared_styles_and_export(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "custom")
    first = view.locator("#first-cell")
    title = first.locator("wx-view", has_text=re.compile("^Shipping$"))
    await expect(title).to_have_count(1, timeout=T)
    await expect(title).to_have_css("color", "rgb(221, 0, 0)")  # title-class="big-title" from the page
    await expect(title).to_have_css("text-decoration-line", "underline")  # apply-shared: the page's .title
    # named slots land in their places
    await expect(first.locator("wx-view").nth(2)).to_have_text("Body slot: free over ¥99")
    await expect(first.locator("wx-view").nth(2).locator(".shared-note")).to_have_count(1)
    await expect(first.locator("wx-view").nth(4)).to_have_text("Footer slot")
    await view.locator(".inspect").click()
    text = await view.locator(".exported").inner_text()
    exported, count = text.split(" / ")
    assert json.loads(exported) == {"label": "Shipping", "kind": "cell"}
    assert count == "2 cells"


async def test_observers_and_pure_data(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "custom")
    swatch = view.locator(".swatch-comp")
    await expect(swatch.locator("wx-view").nth(2)).to_have_text("secret: []", timeout=T)  # pure data is not rendered
    await view.locator(".redder").click()
    await expect(swatch.locator("wx-view").nth(1)).to_contain_text("rg=110,20")
    await swatch.locator("wx-button").click()
    await expect(swatch.locator("wx-view").nth(1)).to_contain_text("first=2")
    await expect(swatch.locator("wx-view").nth(2)).to_have_text("secret: []")
    changes = await swatch.locator("wx-view").nth(3).inner_text()
    assert int(changes.split(": ")[1]) >= 2


async def test_component_generics_default_and_chosen(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "custom")
    await expect(view.locator(".default-generic item")).to_have_count(2, timeout=T)
    await expect(view.locator(".default-generic item").first).to_contain_text("Alpha")
    await expect(view.locator(".chosen-generic item").nth(1)).to_have_text("✨ Beta")


async def test_wxs_touch_handlers_drag_in_the_view(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "wxs")
    knob = view.locator(".knob")
    b = await knob.bounding_box(timeout=T)
    assert b
    await page.mouse.move(b["x"] + 20, b["y"] + 20)
    await page.mouse.down()
    await page.mouse.move(b["x"] + 100, b["y"] + 20, steps=6)
    await expect(knob).to_have_css("transform", "matrix(1, 0, 0, 1, 80, 0)")
    await page.mouse.up()
    await expect(view.locator(".dragged")).to_have_text("dragged 80px")
