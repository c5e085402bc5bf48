"""One browser test per example under examples/: what its README says a user can do, as the user sees it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.async_api import FrameLocator, Locator, Page, expect

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.packages.examples import EXAMPLES_DIR, Example, publish_example
from tests.e2e.conftest import PASSWORD, Catalogue, sign_in
from tests.https_backend import HOST, Backend

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


async def test_data_binding(page: Page, catalogue: Catalogue) -> None:
    _, view = await launch(page, catalogue, "data-binding")
    await expect(view.locator(".message")).to_have_text("Welcome to data binding", timeout=T)
    await expect(view.locator(".greeting")).to_have_text("Hello, Minihost!")
    item = view.locator("#item-7")
    await expect(item).to_have_text("Item #7")
    await expect(item).to_have_class(re.compile(r"\bitem-7\b"))
    await expect(view.locator(".sum")).to_have_text("3 + 4 = 7")
    await expect(view.locator(".product")).to_have_text("3 × 4 = 12")
    await expect(view.locator(".total")).to_have_text("Total: 36 yuan")
    await expect(view.locator(".score")).to_have_text("Score: 75")
    await expect(view.locator(".pass")).to_have_text("Pass")
    await expect(view.locator(".grade")).to_have_text(["Grade: Good"])
    await view.locator(".score-95").click()
    await expect(view.locator(".grade")).to_have_text(["Grade: Excellent"])
    await expect(view.locator(".pass")).to_have_text("Pass")
    await view.locator(".score-30").click()
    await expect(view.locator(".grade")).to_have_text(["Grade: Try again"])
    await expect(view.locator(".pass")).to_have_text("Fail")
    await view.locator(".score-70").click()
    await expect(view.locator(".grade")).to_have_text(["Grade: Good"])
    cards = view.locator(".user-card")
    await expect(cards).to_have_count(2)
    await expect(cards.nth(0)).to_have_text("Lily, 18 years old")
    await expect(cards.nth(1)).to_have_text("Lily, 18 years old from Shenzhen")
    await expect(view.locator(".number")).to_have_text(["3", "4", "7"])
    await expect(view.locator(".tip")).to_be_visible()
    await view.locator(".toggle-tip").click()
    await expect(view.locator(".tip")).to_be_hidden()
    await expect(view.locator(".toggle-tip")).to_have_text("Show tip")
    await expect(view.locator(".count")).to_have_text("Count: 0")
    await expect(view.locator(".decrement")).to_have_attribute("aria-disabled", "true")
    for _ in range(3):
        await view.locator(".increment").click()
    await expect(view.locator(".count")).to_have_text("Count: 3")
    await expect(view.locator(".decrement")).not_to_have_attribute("aria-disabled", "true")
    await view.locator(".decrement").click()
    await expect(view.locator(".count")).to_have_text("Count: 2")
    await view.locator(".reset").click()
    await expect(view.locator(".count")).to_have_text("Count: 0")


async def _box(loc: Locator) -> dict[str, float]:
    box = await loc.bounding_box()
    assert box is not None
    return box


async def test_styles_flex(page: Page, catalogue: Catalogue) -> None:
    _, view = await launch(page, catalogue, "styles-flex")
    row = view.locator(".flex-row .box")
    await expect(row).to_have_text(["A", "B", "C"], timeout=T)
    a, b, c = [await _box(row.nth(i)) for i in range(3)]
    assert a["y"] == b["y"] == c["y"] and a["x"] < b["x"] < c["x"]
    frame_box = await _box(view.locator(".flex-row"))
    # spread across the frame: A at its left edge, C at its right edge
    assert c["x"] + c["width"] - a["x"] > frame_box["width"] * 0.8
    col = view.locator(".flex-column .box")
    one, two, three = [await _box(col.nth(i)) for i in range(3)]
    assert one["y"] < two["y"] < three["y"]
    centres = [round(x["x"] + x["width"] / 2) for x in (one, two, three)]
    assert max(centres) - min(centres) <= 1
    centre_frame = await _box(view.locator(".flex-center"))
    centred = await _box(view.locator(".flex-center .box"))
    assert abs((centred["x"] + centred["width"] / 2) - (centre_frame["x"] + centre_frame["width"] / 2)) <= 1.5
    assert abs((centred["y"] + centred["height"] / 2) - (centre_frame["y"] + centre_frame["height"] / 2)) <= 1.5
    cells = view.locator(".flex-wrap .cell")
    await expect(cells).to_have_count(7)
    c1, c3, c4 = await _box(cells.nth(0)), await _box(cells.nth(2)), await _box(cells.nth(3))
    assert c1["y"] == c3["y"] < c4["y"] and c4["x"] == c1["x"]
    colour = await view.locator(".flex-row .box-a").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(228, 87, 46)"  # #e4572e from the @import-ed common.wxss
    background = await view.locator("wx-page").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(242, 242, 242)"  # app.wxss
    frame_width = await view.locator("body").evaluate("() => window.innerWidth")
    assert abs(a["width"] - frame_width / 5) <= 1  # 150rpx of a 750rpx-wide window

    dynamic = view.locator("#dynamic")
    await expect(dynamic).to_have_text("Inactive")
    assert abs((await _box(dynamic))["width"] - frame_width * 200 / 750) <= 1
    await expect(view.locator(".info-width")).to_have_text("Width: 200rpx")
    await expect(view.locator(".info-color")).to_have_text("Color: #e4572e")
    await expect(view.locator(".info-active")).to_have_text("Active: no")
    await view.locator(".toggle-active").click()
    await expect(dynamic).to_have_text("Active")
    await expect(dynamic).to_have_class(re.compile(r"dynamic-active"))
    await expect(view.locator(".info-active")).to_have_text("Active: yes")
    await view.locator(".toggle-active").click()
    await expect(dynamic).to_have_text("Inactive")
    await view.locator(".grow").click()
    await expect(view.locator(".info-width")).to_have_text("Width: 250rpx")
    assert abs((await _box(dynamic))["width"] - frame_width * 250 / 750) <= 1
    await view.locator(".next-color").click()
    await expect(view.locator(".info-color")).to_have_text("Color: #29335c")
    assert await dynamic.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(41, 51, 92)"


async def test_scroll_swiper(page: Page, catalogue: Catalogue) -> None:
    appid, view = await launch(page, catalogue, "scroll-swiper")
    await expect(view.locator(".banner-caption")).to_have_text(["Fresh coffee", "Matcha week", "Gift cards"], timeout=T)
    await expect(view.locator(".swiper-current")).to_have_text("Current slide: 1 / 3")
    await expect(view.locator(".swiper-current")).to_have_text("Current slide: 2 / 3", timeout=6_000)
    await expect(view.locator(".swiper-source")).to_have_text("Changed by: autoplay")
    await view.locator(".toggle-autoplay").click()
    await expect(view.locator(".toggle-autoplay")).to_have_text("Play")
    now = await view.locator(".swiper-current").inner_text()
    await page.wait_for_timeout(3_500)
    await expect(view.locator(".swiper-current")).to_have_text(now)  # paused
    for _ in range(2):
        await view.locator(".next-slide").click()
    await expect(view.locator(".swiper-current")).to_have_text("Current slide: 1 / 3")  # 3 → 1, circular

    chips = view.locator(".chip")
    await expect(chips).to_have_text(["All", "Coffee", "Tea", "Juice", "Snacks", "Bakery", "Desserts", "Merch"])
    await expect(view.locator(".selected-category")).to_have_text("Category: All")
    await chips.nth(2).click()
    await expect(view.locator(".selected-category")).to_have_text("Category: Tea")
    await expect(chips.nth(2)).to_have_class(re.compile(r"chip-active"))

    info = view.locator(".rows-info")
    await expect(info).to_have_text("Showing 20 of 50")
    rows = view.locator(".rows")

    async def scroll_rows_to_bottom() -> None:
        # as a finger does: a little first (leaving the bottom zone the last load left us in), then all the way
        await rows.evaluate("e => { e.scrollTop = e.scrollTop + 40; }")
        await page.wait_for_timeout(100)
        await rows.evaluate("e => { e.scrollTop = e.scrollHeight; }")

    await scroll_rows_to_bottom()
    await expect(info).to_have_text("Showing 30 of 50")
    await expect(view.locator(".row").last).to_have_text("Row 30")
    for shown in (40, 50):
        await scroll_rows_to_bottom()
        await expect(info).to_have_text(f"Showing {shown} of 50")
    await expect(view.locator(".no-more")).to_have_text("No more rows")
    await view.locator(".jump-15").click()
    await page.wait_for_timeout(800)  # scroll-with-animation
    row15, list_box = await _box(view.locator("#row-15")), await _box(rows)
    assert list_box["y"] - 1 <= row15["y"] <= list_box["y"] + list_box["height"]

    await expect(view.locator(".photo-size")).to_have_text("Photo: 300x200")
    wide = await _box(view.locator(".photo-wide"))
    assert abs(wide["height"] - wide["width"] * 2 / 3) <= 1.5

    await view.locator(".feed-link").click()
    feed = top_frame(page, appid)
    await expect(feed.locator(".feed-stats")).to_have_text("10 posts, page 1", timeout=T)
    await expect(feed.locator(".refresh-count")).to_have_text("Refreshed 0 times")
    await expect(feed.locator(".scrolled")).to_have_text("Scrolled past 300: no")
    await feed.locator("body").evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    await expect(feed.locator(".feed-stats")).to_have_text("20 posts, page 2")
    await expect(feed.locator(".scrolled")).to_have_text("Scrolled past 300: yes")
    await expect(feed.locator(".back-top")).to_be_visible()
    await feed.locator("body").evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    await expect(feed.locator(".feed-stats")).to_have_text("30 posts, page 3")
    await expect(feed.locator(".feed-footer")).to_have_text("No more posts")
    await feed.locator(".back-top").click()
    await expect(feed.locator(".scrolled")).to_have_text("Scrolled past 300: no")
    await expect(feed.locator(".back-top")).to_have_count(0)
    await feed.locator(".refresh-btn").click()
    await expect(feed.locator(".refresh-count")).to_have_text("Refreshed 1 times")
    await expect(feed.locator(".feed-stats")).to_have_text("10 posts, page 1")


@pytest.fixture
async def request_login_app(ctx: Ctx, tmp_path: Path) -> str:
    """examples/request-login as its README says tests run it: config.js points at the test backend
    (https://api.example.test, see tests/https_backend.py), which the app's domain list allows."""
    import secrets

    folder = tmp_path / "request-login"
    shutil.copytree(EXAMPLES_DIR / "request-login", folder)
    config = folder / "config.js"
    config.write_text(config.read_text().replace("https://api.example.com", f"https://{HOST}"))
    suffix = secrets.token_hex(3)
    dev = await accounts.create_user(ctx, f"e2erl{suffix}", PASSWORD, "Request Login Dev")
    org_id = await accounts.create_organisation(ctx, dev.id, f"Request Login {suffix}")
    published = await publish_example(ctx, org_id, dev, Example("request-login", "Request Login", "", folder))
    assert published.appid, published.error
    await apps.set_domains(ctx, published.appid, "request", [HOST])
    return published.appid


async def test_request_login(page: Page, catalogue: Catalogue, request_login_app: str, https_backend: Backend) -> None:
    appid = request_login_app
    await sign_in(page, catalogue.username)
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")
    view = top_frame(page, appid)
    await expect(view.locator(".login-state")).to_have_text("Not logged in", timeout=T)
    for cls in ("profile-btn", "orders-btn", "logout-btn"):
        await expect(view.locator(f".{cls}")).to_have_attribute("aria-disabled", "true")
    logins = len(https_backend.seen("/api/login"))

    await view.locator(".login-btn").click()
    await expect(view.locator(".login-state")).to_have_text("Logged in as Mini Tester", timeout=T)
    await expect(view.locator(".status")).to_have_text("Login succeeded")
    await expect(page.locator(f".mh-app[data-appid='{appid}'] .mh-toast")).to_contain_text("Logged in")
    token = (await view.locator(".token").inner_text()).removeprefix("Token: ")
    assert token.startswith("tok-")
    sent = https_backend.seen("/api/login")[logins:]
    assert len(sent) == 1 and sent[0]["body"]["code"], sent  # the wx.login code reached the backend

    await view.locator(".profile-btn").click()
    await expect(view.locator(".profile-name")).to_have_text("Nickname: Mini Tester", timeout=T)
    await expect(view.locator(".profile-points")).to_have_text("Points: 120")
    await expect(view.locator(".status")).to_have_text("Profile loaded")
    assert https_backend.seen("/api/profile")[-1]["headers"]["authorization"] == f"Bearer {token}"

    await view.locator(".orders-btn").click()
    await expect(view.locator(".orders-count")).to_have_text("2 orders", timeout=T)
    await expect(view.locator(".order")).to_have_text(["#1 Coffee beans", "#2 Oat milk"])
    await expect(view.locator(".status")).to_have_text("Orders loaded")
    assert https_backend.seen("/api/orders")[-1]["query"] == {"page": "1"}

    # Reloaded, the app restores the token from storage.
    await page.reload()
    await page.wait_for_selector(".mh-home-list", timeout=T)
    await page.click(f".mh-home-all .mh-home-app[data-appid='{appid}']")
    view = top_frame(page, appid)
    await expect(view.locator(".login-state")).to_have_text("Logged in as Mini Tester", timeout=T)
    await expect(view.locator(".status")).to_have_text("Token restored")

    # The backend forgets the session: a 401 logs the user out.
    https_backend.expire_tokens()
    await view.locator(".profile-btn").click()
    await expect(view.locator(".status")).to_have_text("Session expired, please log in again", timeout=T)
    await expect(view.locator(".login-state")).to_have_text("Not logged in")

    await view.locator(".login-btn").click()
    await expect(view.locator(".login-state")).to_have_text("Logged in as Mini Tester", timeout=T)
    await view.locator(".logout-btn").click()
    await expect(view.locator(".login-state")).to_have_text("Not logged in")
    await expect(view.locator(".status")).to_have_text("Logged out")
