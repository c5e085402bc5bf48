"""One browser test per example under examples/: what its README says a user can do, as the user sees it."""

from __future__ import annotations

import pytest
from playwright.async_api import FrameLocator, Locator, Page, expect

from tests.e2e.conftest import Catalogue, sign_in

pytestmark = pytest.mark.e2e
T = 15_000


async def launch(page: Page, catalogue: Catalogue, folder: str) -> tuple[str, FrameLocator]:
    await sign_in(page, catalogue.username)
    appid = catalogue.apps[folder][0]
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")
    return appid, top_frame(page, appid)


def field(view: FrameLocator, cls: str) -> Locator:
    """The native text field inside a <input>/<textarea> component."""
    return view.locator(f".{cls} input, .{cls} textarea").first


def top_frame(page: Page, appid: str) -> FrameLocator:
    return page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame:visible >> nth=-1")


async def test_global_data(page: Page, catalogue: Catalogue) -> None:
    appid, view = await launch(page, catalogue, "global-data")
    await expect(view.get_by_text("Hello, Guest")).to_be_visible(timeout=T)
    await expect(view.locator(".app-log")).to_contain_text("onLaunch, onShow")
    await field(view, "name-input").fill("Alice")
    await view.locator(".save-name").click()
    await expect(view.get_by_text("Hello, Alice")).to_be_visible()
    await view.locator(".open-profile").click()
    profile = top_frame(page, appid)
    await expect(profile.get_by_text("Name: Alice")).to_be_visible(timeout=T)
    await profile.locator(".add-visit").click()
    await profile.locator(".add-visit").click()
    await expect(profile.get_by_text("Visits: 2")).to_be_visible()
    await profile.locator(".rename-bob").click()
    await expect(profile.get_by_text("Name: Bob")).to_be_visible()
    await profile.locator(".back").click()
    home = top_frame(page, appid)
    await expect(home.get_by_text("Hello, Bob")).to_be_visible(timeout=T)
    await expect(home.get_by_text("Visits: 2")).to_be_visible()


async def test_list_rendering(page: Page, catalogue: Catalogue) -> None:
    _, view = await launch(page, catalogue, "list-rendering")
    await expect(view.locator(".summary")).to_have_text("3 tasks, 1 done", timeout=T)
    await expect(view.locator(".todo-title")).to_have_text(["Buy milk", "Write report", "Call mom"])
    await view.locator(".todo").nth(0).locator(".check").click()
    await expect(view.locator(".summary")).to_have_text("3 tasks, 2 done")
    await field(view, "new-title").fill("Walk dog")
    await view.locator(".add").click()
    await expect(view.locator("#todo-4 .todo-title")).to_have_text("Walk dog")
    await expect(view.locator(".summary")).to_have_text("4 tasks, 2 done")
    await expect(view.locator(".food")).to_have_text(["1.1 Apple", "1.2 Banana", "2.1 Carrot", "2.2 Pea", "2.3 Leek"])


async def test_storage_form_survives_a_reload(page: Page, catalogue: Catalogue) -> None:
    appid, view = await launch(page, catalogue, "storage-form")
    await expect(view.locator(".note-count")).to_have_text("0 notes saved", timeout=T)
    await field(view, "title-input").fill("Groceries")
    await field(view, "content-input").fill("eggs, milk")
    await view.locator(".save-note").click()
    await expect(view.locator(".note-title")).to_have_text(["Groceries"])
    await expect(view.locator(".note-count")).to_have_text("1 notes saved")
    await expect(view.locator(".storage-keys")).to_contain_text("notes")
    # Storage lives on the server: a fresh page load (another device alike) still has the note.
    await page.reload()
    await page.wait_for_selector(".mh-home-list", timeout=T)
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")
    view = top_frame(page, appid)
    await expect(view.locator(".note-title")).to_have_text(["Groceries"], timeout=T)
    await expect(view.locator(".note-count")).to_have_text("1 notes saved")


async def test_toast_modal(page: Page, catalogue: Catalogue) -> None:
    appid, view = await launch(page, catalogue, "toast-modal")
    await view.locator(".toast-success").click(timeout=T)
    await expect(page.locator(f".mh-app[data-appid='{appid}'] .mh-toast")).to_contain_text("Saved")
    await expect(view.locator(".toast-result")).to_have_text("Last toast: success")
    await view.locator(".modal-btn").click()
    dialog = page.locator(f".mh-app[data-appid='{appid}'] .mh-overlay")
    await expect(dialog).to_contain_text("Are you sure you want to delete this item?")
    await dialog.get_by_text("Delete", exact=True).click()
    await expect(view.locator(".modal-result")).to_have_text("Modal: confirmed")


async def test_window_config(page: Page, catalogue: Catalogue) -> None:
    appid, view = await launch(page, catalogue, "window-config")
    title = page.locator(f".mh-app[data-appid='{appid}'] .mh-nav-title")
    await expect(title).to_have_text("Window Config", timeout=T)
    await expect(view.locator(".status")).to_have_text("Ready")
    await view.locator(".set-title").click()
    await expect(title).to_have_text("Title Changed")
    await expect(view.get_by_text("Title set: Title Changed")).to_be_visible()
    await view.locator(".go-detail").click()
    await expect(title.last).to_have_text("Detail Page", timeout=T)


async def test_events(page: Page, catalogue: Catalogue) -> None:
    _, view = await launch(page, catalogue, "events")
    await expect(view.locator(".tap-log")).to_have_text("(nothing yet)", timeout=T)
    await view.locator("#inner").click()
    await expect(view.locator(".tap-log")).to_have_text("inner > middle > outer")
    await view.locator(".clear-log").click()
    await view.locator("#inner-c").click()
    await expect(view.locator(".tap-log")).to_have_text("inner > middle(catch)")
    await view.locator(".user-2").click()
    await expect(view.locator(".dataset-result")).to_have_text("Selected id=2 name=Bob")


async def test_tabbar_components(page: Page, catalogue: Catalogue) -> None:
    appid, view = await launch(page, catalogue, "tabbar-components")
    counter = view.locator("#home-counter")
    await expect(counter).to_contain_text("Coffees: 0", timeout=T)
    plus = counter.get_by_text("+", exact=True)
    for _ in range(3):
        await plus.click()
    await expect(counter).to_contain_text("Coffees: 3")
    await expect(view.locator(".home-total")).to_have_text("Total coffees: 3")
    await view.locator(".go-me").click()
    me = top_frame(page, appid)
    await expect(me.locator("#cups-counter")).to_contain_text("Cups: 0", timeout=T)


async def test_multi_page_nav(page: Page, catalogue: Catalogue) -> None:
    appid, view = await launch(page, catalogue, "multi-page-nav")
    await expect(view.locator(".stack")).to_have_text("Stack (1): pages/index/index", timeout=T)
    await view.locator(".open-item-3").click()
    detail = top_frame(page, appid)
    await expect(detail.locator(".item-id")).to_have_text("Item id: 3", timeout=T)
    await expect(detail.locator(".item-name")).to_have_text("Name: apple")
    await detail.locator(".back").click()
    home = top_frame(page, appid)
    await expect(home.locator(".stack")).to_have_text("Stack (1): pages/index/index", timeout=T)
