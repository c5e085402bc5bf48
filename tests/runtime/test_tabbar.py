"""The tabBar of app.json: drawn by the host, switchTab keeps tab pages alive, <navigator open-type>."""

from __future__ import annotations

from typing import Any

from .conftest import Publisher
from .helpers import frame, install_example, nav_title, open_app


def test_tabbar_switch_tab_keeps_pages_alive(page: Any, publisher: Publisher) -> None:
    appid = install_example(publisher, "tabbar-components")
    open_app(page, appid)
    home = frame(page, appid)
    tabs = page.locator(".mh-app .mh-tab")
    assert tabs.all_inner_texts() == ["Home", "Menu", "Me"]
    assert "mh-tab-selected" in (tabs.nth(0).get_attribute("class") or "")
    # component lifetimes ran: the probe logged "attached" after the first render
    home.locator(".probe-log", has_text="A attached").wait_for()
    home.locator("counter").first.locator("wx-button").nth(1).click()
    home.locator(".home-total", has_text="Total coffees: 1").wait_for()
    home.locator(".go-me").click()
    page.locator(".mh-nav-title", has_text="Me").wait_for()
    assert "mh-tab-selected" in (tabs.nth(2).get_attribute("class") or "")
    assert page.evaluate("(a) => window.host.get(a).stack.map(p => p.route)", appid) == ["pages/me/me"]
    assert page.locator(".mh-app .mh-nav-back").is_hidden()
    tabs.nth(0).click()
    page.locator(".mh-nav-title", has_text="Home").wait_for()
    # same page instance as before: its state survived the tab switch
    assert frame(page, appid).locator(".home-total").inner_text() == "Total coffees: 1"
    frame(page, appid).locator(".go-menu").click()
    page.wait_for_function("(a) => window.host.get(a).top().route === 'pages/catalog/catalog'", arg=appid)
    assert nav_title(page, appid) == "Menu"
    assert page.locator(".mh-app iframe").count() == 3
