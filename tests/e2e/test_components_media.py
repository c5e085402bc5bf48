"""Slider, rich-text, canvas and movable-view of examples/component-gallery, as a user sees them."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Catalogue
from tests.e2e.gallery import T, open_family

pytestmark = pytest.mark.e2e


async def test_slider_drag_fires_changing_then_change(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "slider")
    track = view.locator(".brightness .wx-slider-track")
    await expect(view.locator(".brightness .wx-slider-value")).to_have_text("40", timeout=T)
    box = await track.bounding_box()
    assert box
    y = box["y"] + box["height"] / 2
    await page.mouse.move(box["x"] + box["width"] * 0.4, y)
    await page.mouse.down()
    await page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
    await expect(view.locator(".changing")).to_contain_text("changing ")
    await page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=5)
    await page.mouse.up()
    await expect(view.locator(".changed")).to_have_text("change 80")
    await expect(view.locator(".brightness .wx-slider-value")).to_have_text("80")
    await expect(view.locator(".bar .wx-progress-info")).to_have_text("80%")


async def test_model_value_two_way_binding(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "slider")
    await expect(view.locator(".name-input input")).to_have_value("Ada", timeout=T)
    await view.locator(".name-input input").fill("Grace")
    await expect(view.locator(".hello")).to_have_text("Hello, Grace")
    await view.locator(".dark-switch").click()
    await expect(view.locator(".dark")).to_have_text("Dark: on")
    box = await view.locator(".speed .wx-slider-track").bounding_box()
    assert box
    await page.mouse.click(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2)
    await expect(view.locator(".speed-text")).to_have_text("Speed 5")


async def test_rich_text_is_rendered_and_sanitised(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "richtext")
    html = view.locator(".from-html")
    await expect(html.locator("h2")).to_have_text("Fresh news", timeout=T)
    await expect(html.locator("h2 em")).to_have_text("news")
    await expect(html.locator("h2")).to_have_css("color", "rgb(7, 193, 96)")  # the page's .headline class
    await expect(html.locator("p").first).to_have_css("color", "rgb(200, 0, 0)")
    await expect(html.locator("p.safe")).to_have_text("Still here")
    await expect(view.locator(".from-nodes strong")).to_have_text("bold")
    await expect(view.locator(".from-nodes")).to_contain_text("From a node array")
    for bad in ["script", "iframe", "[onerror]", "[onclick]", "[onmouseover]", "[href]"]:
        assert await view.locator(f"wx-rich-text {bad}").count() == 0, bad
    await view.locator(".from-html a").click()
    await view.locator(".from-html p.safe").click()
    assert await view.locator("wx-page").evaluate("() => window.__pwned === undefined")


PIXEL = """(el, [x, y]) => {
  const src = el.querySelector('canvas');
  const c = document.createElement('canvas');
  c.width = src.clientWidth; c.height = src.clientHeight;
  const g = c.getContext('2d');
  g.drawImage(src, 0, 0, c.width, c.height);
  return Array.from(g.getImageData(x, y, 1, 1).data);
}"""


async def test_canvas_2d_node_draws_from_the_logic_layer(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "canvas")
    await expect(view.locator(".status-2d")).to_have_text("drawn 300x150", timeout=T)
    scene = view.locator(".scene")
    for _ in range(50):  # the frame arrives from the worker shortly after the status
        if await scene.evaluate(PIXEL, [50, 75]) == [255, 0, 0, 255]:
            break
        await page.wait_for_timeout(100)
    assert await scene.evaluate(PIXEL, [50, 75]) == [255, 0, 0, 255]
    assert await scene.evaluate(PIXEL, [225, 75]) == [0, 0, 255, 255]
    assert (await scene.evaluate(PIXEL, [290, 5]))[3] == 0


async def test_movable_view_inertia_keeps_it_moving(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "movable")
    b = await view.locator(".box").bounding_box(timeout=T)
    assert b
    await page.mouse.move(b["x"] + 30, b["y"] + 30)
    await page.mouse.down()
    await page.mouse.move(b["x"] + 90, b["y"] + 30, steps=3)
    await page.mouse.up()
    await expect(view.locator(".source")).to_have_text("Source: friction")


async def test_legacy_canvas_context_draws_on_draw(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "canvas")
    legacy = view.locator(".legacy")
    assert (await legacy.evaluate(PIXEL, [100, 80]))[3] == 0
    await view.locator(".draw-legacy").click(timeout=T)
    await expect(view.locator(".status-legacy")).to_have_text("drawn")
    assert await legacy.evaluate(PIXEL, [100, 80]) == [0, 170, 0, 255]
    left = await legacy.evaluate(PIXEL, [160, 80])
    right = await legacy.evaluate(PIXEL, [290, 80])
    assert left[0] > 200 and right[0] < 50  # the gradient runs from white to black


async def test_movable_view_drags_within_its_area(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "movable")
    box = view.locator(".box")
    await expect(box).to_have_text("drag", timeout=T)
    b = await box.bounding_box()
    assert b
    await page.mouse.move(b["x"] + 30, b["y"] + 30)
    await page.mouse.down()
    await page.mouse.move(b["x"] + 130, b["y"] + 80, steps=8)
    await page.wait_for_timeout(150)  # held still: no fling
    await page.mouse.up()
    await expect(view.locator(".pos")).to_have_text("Position: 100,50")
    await expect(view.locator(".source")).to_have_text("Source: touch")
    # far past the edge: clamped to the area (300x200 minus the 60x60 view)
    b = await box.bounding_box()
    assert b
    await page.mouse.move(b["x"] + 30, b["y"] + 30)
    await page.mouse.down()
    await page.mouse.move(b["x"] + 600, b["y"] + 600, steps=4)
    await page.wait_for_timeout(150)
    await page.mouse.up()
    await expect(view.locator(".pos")).to_have_text("Position: 240,140")
    await view.locator(".corner").click()
    await expect(view.locator(".pos")).to_have_text("Position: 200,100")
    knob = await view.locator(".knob").bounding_box()
    assert knob
    await page.mouse.move(knob["x"] + 20, knob["y"] + 20)
    await page.mouse.down()
    await page.mouse.move(knob["x"] + 120, knob["y"] + 90, steps=5)
    await page.mouse.up()
    await expect(view.locator(".hx")).to_have_text("x = 100")
