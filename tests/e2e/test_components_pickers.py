"""picker and picker-view of examples/component-gallery: the chosen item is what the page shows."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Catalogue
from tests.e2e.gallery import T, open_family

pytestmark = pytest.mark.e2e


async def test_selector_picker_change_and_cancel(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "picker")
    await expect(view.locator(".country")).to_have_text("China", timeout=T)
    await view.locator(".country-picker").click()
    sheet = view.locator(".wx-picker")
    await expect(sheet.locator(".wx-picker-item")).to_have_text(["China", "Japan", "France"])
    await sheet.locator(".wx-picker-item", has_text="France").click()
    await sheet.locator(".wx-picker-confirm").click()
    await expect(view.locator(".country")).to_have_text("France")
    await expect(sheet).to_have_count(0)
    await view.locator(".country-picker").click()
    await view.locator(".wx-picker-item", has_text="Japan").click()
    await view.locator(".wx-picker-cancel").click()
    await expect(view.locator(".cancelled")).to_have_text("Cancelled 1 times")
    await expect(view.locator(".country")).to_have_text("France")


async def test_multiselector_column_change_updates_the_next_column(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "picker")
    await view.locator(".menu-picker").click(timeout=T)
    cols = view.locator(".wx-picker-col")
    await expect(cols.nth(1).locator(".wx-picker-item")).to_have_text(["Beef", "Dan dan", "Zhajiang"])
    await cols.nth(0).locator(".wx-picker-item", has_text="Rice").click()
    await expect(view.locator(".column-log")).to_have_text("column 0 -> 1")
    await expect(cols.nth(1).locator(".wx-picker-item")).to_have_text(["Fried", "Claypot"])
    await cols.nth(1).locator(".wx-picker-item", has_text="Claypot").click()
    await view.locator(".wx-picker-confirm").click()
    await expect(view.locator(".dish")).to_have_text("Rice / Claypot")


async def test_time_date_and_region_pickers(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "picker")
    await view.locator(".time-picker").click(timeout=T)
    cols = view.locator(".wx-picker-col")
    # start 08:00, end 18:00: hours 08..18
    await expect(cols.nth(0).locator(".wx-picker-item")).to_have_count(11)
    await cols.nth(0).locator(".wx-picker-item", has_text="14").click()
    await cols.nth(1).locator(".wx-picker-item", has_text="45").click()
    await view.locator(".wx-picker-confirm").click()
    await expect(view.locator(".time")).to_have_text("14:45")

    await view.locator(".month-picker").click()
    await expect(view.locator(".wx-picker-col")).to_have_count(2)
    await view.locator(".wx-picker-col").nth(0).locator(".wx-picker-item", has_text="2026年").click()
    await view.locator(".wx-picker-col").nth(1).locator(".wx-picker-item", has_text="11月").click()
    await view.locator(".wx-picker-confirm").click()
    await expect(view.locator(".month")).to_have_text("2026-11")

    await view.locator(".date-picker").click()
    cols = view.locator(".wx-picker-col")
    await expect(cols).to_have_count(3)
    # 2024 is a leap year: February has 29 days
    await expect(cols.nth(2).locator(".wx-picker-item")).to_have_count(29)
    await cols.nth(1).locator(".wx-picker-item", has_text="04月").click()
    await expect(cols.nth(2).locator(".wx-picker-item")).to_have_count(30)
    await cols.nth(2).locator(".wx-picker-item", has_text="30日").click()
    await view.locator(".wx-picker-confirm").click()
    await expect(view.locator(".date")).to_have_text("2024-04-30")

    await expect(view.locator(".region")).to_have_text("广东省 广州市 海珠区")
    await view.locator(".region-picker").click()
    cols = view.locator(".wx-picker-col")
    await cols.nth(0).locator(".wx-picker-item", has_text="上海市").click()
    await expect(cols.nth(2).locator(".wx-picker-item").first).to_have_text("黄浦区")
    await cols.nth(2).locator(".wx-picker-item", has_text="徐汇区").click()
    await view.locator(".wx-picker-confirm").click()
    await expect(view.locator(".region")).to_have_text("上海市 上海市 徐汇区")
    await expect(view.locator(".region-code")).to_have_text("310000/310100/310104")


async def test_picker_view_change(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "picker")
    await expect(view.locator(".pv-text")).to_have_text("Chosen: 2023-1", timeout=T)
    months = view.locator(".pv-months")
    await months.scroll_into_view_if_needed()
    # the initial value scrolled the year column to its second row
    assert await view.locator(".pv-years").evaluate("el => Math.round(el.scrollTop / 40)") == 1
    await months.locator(".pv-item", has_text="3 month").click()
    await expect(view.locator(".pv-text")).to_have_text("Chosen: 2023-3")
    await view.locator(".pv-years .pv-item", has_text="2025").click()
    await expect(view.locator(".pv-text")).to_have_text("Chosen: 2025-3")
