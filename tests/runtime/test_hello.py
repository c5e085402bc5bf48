"""Hello world: the first page renders, a tap reaches the page's method, setData re-renders."""

from __future__ import annotations

from typing import Any

from .bundle import Bundle, el, ident, t
from .conftest import Publisher
from .helpers import frame, install, nav_title, open_app

HELLO_JS = """
Page({
  data: { message: 'Hello World', taps: 0 },
  changeText() {
    const taps = this.data.taps + 1;
    this.setData({ message: taps % 2 ? 'Hello Minihost' : 'Hello World', taps });
  },
});
"""


def hello_bundle() -> Bundle:
    b = Bundle()
    b.app["window"] = {
        "navigationBarTitleText": "Hello World",
        "navigationBarBackgroundColor": "#ffffff",
        "navigationBarTextStyle": "black",
    }
    b.page(
        "pages/index/index",
        [
            el(
                "view",
                {"class": "container"},
                el("text", {"class": "greeting"}, t(ident("message"))),
                el("text", {"class": "taps"}, t("Tapped ", ident("taps"), " times")),
                el("button", {"class": "change-btn", "type": "primary"}, t("Change text"), on={"tap": "changeText"}),
            )
        ],
        js=HELLO_JS,
        css=".greeting { color: rgb(255, 0, 0); }",
    )
    return b


def test_hello_world_renders_and_taps(page: Any, publisher: Publisher) -> None:
    appid = install(publisher, hello_bundle())
    open_app(page, appid)
    f = frame(page, appid)
    greeting = f.locator("wx-text.greeting")
    assert greeting.inner_text() == "Hello World"
    assert nav_title(page, appid) == "Hello World"
    # page CSS applies inside the frame
    assert greeting.evaluate("e => getComputedStyle(e).color") == "rgb(255, 0, 0)"
    # primary button is WeChat green
    btn = f.locator("wx-button")
    assert btn.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(7, 193, 96)"
    greeting.evaluate("e => { window.__kept = e; }")
    btn.click()
    f.locator("wx-text.greeting", has_text="Hello Minihost").wait_for()
    assert f.locator("wx-text.taps").inner_text() == "Tapped 1 times"
    # the node was patched, not replaced
    assert greeting.evaluate("e => window.__kept === e")
    btn.click()
    f.locator("wx-text.taps", has_text="Tapped 2 times").wait_for()
    assert greeting.inner_text() == "Hello World"
    assert not page.errors
