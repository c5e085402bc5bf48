"""View details: input value replacement, WXS calls, templates, wx:if branches, page not found."""

from __future__ import annotations

from typing import Any

from .bundle import Bundle, el, ident, if_, lit, t
from .conftest import Publisher
from .helpers import frame, install, open_app

JS = """
Page({
  data: { v: '', show: true, user: { name: 'Lily', age: 18 } },
  onInput(e) { this.setData({ v: e.detail.value }); return e.detail.value.toUpperCase(); },
  toggle() { this.setData({ show: !this.data.show }); },
});
"""


def view_bundle() -> Bundle:
    b = Bundle()
    b.wxs["utils/fmt.wxs"] = "module.exports = { shout: function (s) { return s + '!'; } };"
    call = {
        "k": "call",
        "f": {"k": "mem", "o": ident("fmt"), "p": lit("shout")},
        "args": [{"k": "mem", "o": ident("user"), "p": lit("name")}],
    }
    b.page(
        "pages/v/v",
        [
            el("input", {"id": "in", "value": ident("v"), "placeholder": "type"}, on={"input": "onInput"}),
            el("view", {"id": "echo"}, t(ident("v"))),
            el("view", {"id": "wxs"}, t(call)),
            {"t": "template", "is": lit("card"), "data": {"k": "obj", "props": [{"k": "spread", "a": ident("user")}]}},
            if_(
                (ident("show"), [el("view", {"id": "yes"}, t("shown"))]),
                (None, [el("view", {"id": "no"}, t("hidden"))]),
            ),
            el("button", {"id": "toggle"}, t("toggle"), on={"tap": "toggle"}),
            el(
                "view",
                {"id": "safe"},
                t(
                    {"k": "mem", "o": ident("user"), "p": lit("__proto__")},
                    {"k": "mem", "o": {"k": "mem", "o": ident("nope"), "p": lit("a")}, "p": lit("b")},
                ),
            ),
        ],
        js=JS,
        templates={"card": [el("view", {"id": "card"}, t(ident("name"), ", ", ident("age"), " years old"))]},
        wxs={"fmt": "utils/fmt.wxs"},
    )
    b.js["app.js"] = "App({ onPageNotFound(r) { wx.redirectTo({ url: '/pages/v/v?from=' + r.path }); } });"
    return b


def test_input_wxs_templates_and_branches(page: Any, publisher: Publisher) -> None:
    appid = install(publisher, view_bundle())
    open_app(page, appid)
    f = frame(page, appid)
    assert f.locator("#wxs").inner_text() == "Lily!"
    assert f.locator("#card").inner_text() == "Lily, 18 years old"
    assert f.locator("#safe").inner_text() == ""
    inp = f.locator("#in input")
    inp.press_sequentially("abc")
    f.locator("#echo", has_text="abc").wait_for()
    page.wait_for_timeout(200)
    # the handler's return value replaces what was typed
    assert inp.input_value() == "ABC"
    assert f.locator("#yes").inner_text() == "shown"
    f.locator("#toggle").click()
    f.locator("#no").wait_for()
    assert f.locator("#yes").count() == 0


def test_page_not_found_goes_to_app_handler(page: Any, publisher: Publisher) -> None:
    appid = install(publisher, view_bundle())
    open_app(page, appid, path="pages/missing/missing")
    page.wait_for_function("(a) => window.host.get(a).stack.length === 1", arg=appid)
    assert page.evaluate("(a) => window.host.get(a).top().query", appid) == {"from": "pages/missing/missing"}
    frame(page, appid).locator("#wxs").wait_for()


def test_throwing_app_js_still_opens_and_reports(page: Any, publisher: Publisher) -> None:
    b = Bundle()
    b.page("pages/p/p", [el("view", {"id": "ok"}, t("still here"))])
    b.js["app.js"] = "throw new Error('boom in app.js');"
    appid = install(publisher, b)
    open_app(page, appid)
    frame(page, appid).locator("#ok").wait_for()
    assert "boom in app.js" in page.evaluate("(a) => window.host.get(a).lastError", appid)
