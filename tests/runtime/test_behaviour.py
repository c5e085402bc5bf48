# ruff: noqa: E501  (embedded JavaScript of the test mini programs)
"""What a user of a mini program notices: navigation, host-drawn UI, storage, components, patching."""

from __future__ import annotations

from typing import Any

from tests.https_backend import HOST, Backend

from .bundle import Bundle, el, for_, ident, path, t
from .conftest import Publisher
from .helpers import frame, host_api, install, nav_title, open_app, stored

APP_JS = """
App({
  globalData: { log: [] },
  onLaunch(o) { this.globalData.log.push('launch:' + o.path + ':' + JSON.stringify(o.query) + ':' + o.scene); },
  onShow() { this.globalData.log.push('appShow'); },
  onHide() { this.globalData.log.push('appHide'); },
});
"""

INDEX_JS = """
const app = getApp();
Page({
  data: { out: '', n: 0, list: [{id: 'a', name: 'A'}, {id: 'b', name: 'B'}, {id: 'c', name: 'C'}] },
  onLoad(q) { app.globalData.log.push('index:load'); },
  onShow() { app.globalData.log.push('index:show'); },
  onReady() { app.globalData.log.push('index:ready'); },
  onHide() { app.globalData.log.push('index:hide'); },
  go() { wx.navigateTo({ url: '../detail/detail?id=42&name=x%20y' }); },
  toast() { wx.showToast({ title: 'Saved', icon: 'success' }); },
  async store() {
    wx.setStorageSync('k', { a: 1 });
    const v = wx.getStorageSync('k');
    await wx.setStorage({ key: 'k2', data: [1, 2] });
    const r = await wx.getStorage({ key: 'k2' });
    this.setData({ out: JSON.stringify(v) + '|' + JSON.stringify(r.data) + '|' + wx.getStorageInfoSync().keys.join(',') });
  },
  unsupported() {
    wx.someMadeUpApi({ fail: (e) => this.setData({ out: e.errMsg }) });
  },
  probe() {
    const g = self;
    const names = ['fetch', 'XMLHttpRequest', 'WebSocket', 'importScripts', 'EventSource', 'indexedDB', 'caches'];
    this.setData({ out: names.filter((n) => typeof g[n] !== 'undefined').join(',') || 'none' });
  },
  reorder() {
    const l = this.data.list.slice().reverse();
    this.setData({ list: l });
  },
  rename() { this.setData({ 'list[1].name': 'Bee', n: this.data.n + 1 }, () => { this.setData({ out: 'cb' }); }); },
  async req() {
    const res = await new Promise((resolve, reject) => wx.request({ url: 'https://api.example.test/x', data: { q: 1 }, success: resolve, fail: reject }));
    let bad = '';
    try { await new Promise((resolve, reject) => wx.request({ url: 'https://evil.example.org/', success: resolve, fail: reject })); } catch (e) { bad = e.errMsg; }
    this.setData({ out: res.statusCode + ':' + res.data.echo.url + '|' + bad });
  },
  async login() { const r = await wx.login(); this.setData({ out: 'code:' + r.code }); },
  dump() { this.setData({ out: app.globalData.log.join('|') }); },
  async modal() { const r = await wx.showModal({ title: 'Sure?', content: 'Really' }); this.setData({ out: r.confirm ? 'yes' : 'no' }); },
});
"""

DETAIL_JS = """
const app = getApp();
Page({
  data: { id: '', name: '', depth: 0 },
  onLoad(q) { this.setData({ id: q.id, name: q.name, depth: getCurrentPages().length }); app.globalData.log.push('detail:load'); },
  onUnload() { app.globalData.log.push('detail:unload'); },
  deeper() {
    wx.navigateTo({ url: '/pages/detail/detail?id=' + (Number(this.data.id) + 1), fail: (e) => this.setData({ name: e.errMsg }) });
  },
  back() { wx.navigateBack({ delta: 2 }); },
  title() { wx.setNavigationBarTitle({ title: 'Changed' }); },
});
"""

COUNTER_JS = """
Component({
  properties: { start: { type: Number, value: 5, observer(n, o) { this.setData({ seen: (this.data.seen || '') + o + '>' + n + ';' }); } } },
  data: { count: 0, seen: '' },
  observers: { 'count, start': function (c, s) { this.setData({ sum: c + s }); } },
  lifetimes: { attached() { this.setData({ count: this.data.start }); } },
  methods: {
    inc() { this.setData({ count: this.data.count + 1 }); this.triggerEvent('change', { value: this.data.count }); },
  },
});
"""

PARENT_JS = """
Page({
  data: { got: 'none', start: 3, tapLog: '' },
  onChange(e) { this.setData({ got: String(e.detail.value) + ':' + e.currentTarget.id }); },
  bump() { this.setData({ start: this.data.start + 10 }); },
  outer(e) { this.setData({ tapLog: this.data.tapLog + 'outer(' + e.target.id + ',' + e.currentTarget.dataset.who + ');' }); },
  inner(e) { this.setData({ tapLog: this.data.tapLog + 'inner;' }); },
  cap(e) { this.setData({ tapLog: this.data.tapLog + 'cap;' }); },
});
"""


def big_bundle() -> Bundle:
    b = Bundle()
    b.app["window"] = {
        "navigationBarTitleText": "Index",
        "navigationBarBackgroundColor": "#ffffff",
        "navigationBarTextStyle": "black",
    }
    b.js["app.js"] = APP_JS
    buttons = ["go", "toast", "store", "unsupported", "probe", "reorder", "rename", "req", "login", "modal", "dump"]
    b.page(
        "pages/index/index",
        [
            el("view", {"id": "out", "class": "out"}, t(ident("out"))),
            el("view", {"id": "n"}, t(ident("n"))),
            *[el("button", {"id": f"b-{x}", "size": "mini"}, t(x), on={"tap": x}) for x in buttons],
            for_(
                ident("list"),
                [el("view", {"class": "row", "data-id": path("item.id")}, t(path("item.name")))],
                key="id",
            ),
        ],
        js=INDEX_JS,
    )
    b.page(
        "pages/detail/detail",
        [
            el("view", {"id": "info"}, t("id=", ident("id"), " name=", ident("name"), " depth=", ident("depth"))),
            el("button", {"id": "deeper"}, t("deeper"), on={"tap": "deeper"}),
            el("button", {"id": "back2"}, t("back2"), on={"tap": "back"}),
            el("button", {"id": "title"}, t("title"), on={"tap": "title"}),
            el("navigator", {"id": "nav-back", "open-type": "navigateBack"}, t("nav back")),
        ],
        js=DETAIL_JS,
        config={"navigationBarTitleText": "Detail"},
    )
    b.component(
        "components/counter/counter",
        [
            el("view", {"class": "count"}, t("count=", ident("count"), " sum=", ident("sum"), " seen=", ident("seen"))),
            el("button", {"class": "inc"}, t("+"), on={"tap": "inc"}),
            el("view", {"class": "slot-wrap"}, el("slot", {})),
        ],
        js=COUNTER_JS,
        css=".count { color: rgb(0, 0, 255); }",
    )
    b.page(
        "pages/parent/parent",
        [
            el("view", {"id": "got"}, t(ident("got"))),
            el(
                "counter",
                {"id": "ctr", "start": ident("start")},
                el("view", {"class": "count", "id": "slotted"}, t("slotted start=", ident("start"))),
                on={"change": "onChange"},
            ),
            el("button", {"id": "bump"}, t("bump"), on={"tap": "bump"}),
            el(
                "view",
                {"id": "outer", "data-who": "o"},
                el("view", {"id": "inner"}, t("tap me"), on={"tap": "inner"}),
                on={"tap": "outer", "capture-bind:tap": "cap"},
            ),
            el(
                "view",
                {"id": "catcher"},
                el("view", {"id": "c-inner"}, t("catch me"), on={"catch:tap": "inner"}),
                on={"tap": "outer"},
            ),
            el("view", {"id": "taplog"}, t(ident("tapLog"))),
        ],
        js=PARENT_JS,
        using={"counter": "components/counter/counter"},
        css=".count { color: rgb(255, 0, 0); }",
    )
    return b


def setup(page: Any, pub: Publisher, path: str | None = None, **kw: Any) -> tuple[str, Any]:
    """(appid, its top frame)"""
    appid = install(pub, big_bundle(), domains=[HOST])
    opts: dict[str, Any] = {"scene": 1011, **kw}
    if path:
        opts["path"] = path
    open_app(page, appid, **opts)
    return appid, frame(page, appid)


def out(f: Any) -> str:
    return str(f.locator("#out").inner_text())


def test_navigation_query_stack_and_back(page: Any, publisher: Publisher) -> None:
    appid, f = setup(page, publisher)
    assert nav_title(page, appid) == "Index"
    back = page.locator(".mh-app .mh-nav-back")
    assert back.is_hidden()
    f.locator("#b-go").click()
    d = frame(page, appid)
    d.locator("#info", has_text="depth=2").wait_for()
    assert d.locator("#info").inner_text() == "id=42 name=x y depth=2"
    assert nav_title(page, appid) == "Detail"
    assert back.is_visible()
    d.locator("#title").click()
    page.locator(".mh-nav-title", has_text="Changed").wait_for()
    for depth in range(3, 11):
        frame(page, appid).locator("#deeper").click()
        frame(page, appid).locator("#info", has_text=f"depth={depth}").wait_for()
    assert page.evaluate("(a) => window.host.list().find((x) => x.appid === a).stack.length", appid) == 10
    # the eleventh page is refused with WeChat's error
    frame(page, appid).locator("#deeper").click()
    frame(page, appid).locator("#info", has_text="webview count limit exceed").wait_for()
    frame(page, appid).locator("#back2").click()
    page.wait_for_function("(a) => window.host.get(a).stack.length === 8", arg=appid)
    frame(page, appid).locator("#nav-back").click()
    page.wait_for_function("(a) => window.host.get(a).stack.length === 7", arg=appid)
    back.click()
    page.wait_for_function("(a) => window.host.get(a).stack.length === 6", arg=appid)
    stack = page.evaluate("(a) => window.host.list().find((x) => x.appid === a).stack", appid)
    assert stack == ["pages/index/index"] + ["pages/detail/detail"] * 5
    assert page.locator(".mh-app iframe").count() == 6


def test_launch_options_and_lifecycle_order_and_close_reopen(page: Any, publisher: Publisher) -> None:
    appid, f = setup(page, publisher, path="pages/index/index", query={"from": "card"})
    f.locator("#b-probe").wait_for()
    page.evaluate("(a) => window.host.close(a)", appid)
    assert page.locator(f'.mh-app[data-appid="{appid}"]').is_hidden()
    page.evaluate("(a) => window.host.open(a)", appid)
    assert page.locator(f'.mh-app[data-appid="{appid}"]').is_visible()
    # the page was not reloaded: the same frame, the app's log goes on
    f.locator("#b-dump").click()
    f.locator("#out", has_text="launch").wait_for()
    logs = out(f).split("|")
    assert logs[:4] == ['launch:pages/index/index:{"from":"card"}:1011', "appShow", "index:load", "index:show"]
    i = logs.index("index:ready")
    assert logs[i + 1 :] == ["index:hide", "appHide", "appShow", "index:show"]


def test_toast_modal_storage_request_login_unsupported(page: Any, publisher: Publisher, https_backend: Backend) -> None:
    appid, f = setup(page, publisher)
    f.locator("#b-toast").click()
    toast = page.locator(".mh-app .mh-toast")
    toast.wait_for()
    assert toast.inner_text() == "Saved"
    toast.wait_for(state="detached", timeout=4000)

    f.locator("#b-store").click()
    f.locator("#out", has_text="|").wait_for()
    assert out(f) == '{"a":1}|[1,2]|k,k2'
    page.wait_for_function("() => true")
    assert stored(page, appid, "k2") == [1, 2]
    page.wait_for_timeout(200)
    assert stored(page, appid, "k") == {"a": 1}

    f.locator("#b-unsupported").click()
    f.locator("#out", has_text="someMadeUpApi").wait_for()
    assert out(f) == "someMadeUpApi:fail not supported in Minihost yet"

    f.locator("#b-req").click()
    f.locator("#out", has_text="200:").wait_for()
    assert out(f) == "200:https://api.example.test/x|request:fail url not in domain list"
    # the backend got the GET's data as its query string
    assert https_backend.seen("/x")[-1]["query"] == {"q": "1"}

    f.locator("#b-login").click()
    f.locator("#out", has_text="code:").wait_for()
    assert len(out(f)) > len("code:") + 8, out(f)  # a one-time login code of the server

    f.locator("#b-modal").click()
    page.locator(".mh-modal-title", has_text="Sure?").wait_for()
    page.locator(".mh-modal-confirm").click()
    f.locator("#out", has_text="yes").wait_for()


def test_storage_is_primed_and_quota_error(page: Any, publisher: Publisher) -> None:
    b = Bundle()
    b.page(
        "pages/q/q",
        [el("view", {"id": "out"}, t(ident("out"))), el("button", {"id": "big"}, t("big"), on={"tap": "big"})],
        js="""Page({
          data: { out: wx.getStorageSync('primed') },
          big() {
            wx.setStorage({ key: 'big', data: 'x'.repeat(11 * 1024 * 1024), fail: (e) => this.setData({ out: e.errMsg }) });
          },
        });""",
    )
    appid = install(publisher, b)
    assert host_api(page, "PUT", f"/host/api/apps/{appid}/storage/primed", {"value": "hello"})["status"] == 200
    open_app(page, appid)
    f = frame(page, appid)
    f.locator("#out", has_text="hello").wait_for()
    f.locator("#big").click()
    f.locator("#out", has_text="fail").wait_for(timeout=15000)
    assert out(f) == "setStorage:fail exceed storage max size 10MB"


def test_worker_has_no_network(page: Any, publisher: Publisher) -> None:
    _, f = setup(page, publisher)
    f.locator("#b-probe").click()
    f.locator("#out", has_text="none").wait_for()


def test_keyed_for_moves_nodes_and_path_setdata_patches_only_that_node(page: Any, publisher: Publisher) -> None:
    _, f = setup(page, publisher)
    rows = f.locator("wx-view.row")
    assert rows.all_inner_texts() == ["A", "B", "C"]
    f.locator("wx-view.row").nth(0).evaluate("e => { window.__a = e; }")
    f.locator("#out").evaluate("e => { window.__out = e; }")
    f.locator("#b-reorder").click()
    f.locator("wx-view.row").first.filter(has_text="C").wait_for()
    assert rows.all_inner_texts() == ["C", "B", "A"]
    # the node of item "a" moved to the end: same element
    assert f.locator("wx-view.row").nth(2).evaluate("e => e === window.__a")
    # setData with a path key: only that row's text changes, the callback fires after the render
    f.locator("wx-view.row").nth(1).evaluate(
        "e => { window.__muts = []; new MutationObserver(m => window.__muts.push(...m.filter(x => !(x.type === 'attributes' && x.attributeName === 'class' && x.target.nodeName === 'WX-BUTTON')).map(x => x.type + ':' + (x.attributeName || '') + ':' + x.target.nodeName + ':' + (x.target.parentNode && x.target.parentNode.id)))).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true}); }"
    )
    f.locator("#b-rename").click()
    f.locator("#out", has_text="cb").wait_for()
    assert rows.all_inner_texts() == ["C", "Bee", "A"]
    muts = f.locator("body").evaluate("() => window.__muts")
    # the row's text and #n's text changed in place; #out (empty before) got its first text node
    assert sorted(muts) == ["characterData::#text:", "characterData::#text:n", "childList::WX-VIEW:"], muts
    assert f.locator("#out").evaluate("e => e === window.__out")
    assert f.locator("wx-view.row").nth(1).get_attribute("data-id") is None  # dataset is not written to the DOM


def test_components_properties_observers_events_slots_and_css_isolation(page: Any, publisher: Publisher) -> None:
    _, f = setup(page, publisher, path="pages/parent/parent")
    count = f.locator("counter wx-view").first
    count.filter(has_text="count=3").wait_for()
    assert count.inner_text() == "count=3 sum=6 seen="
    # component CSS applies to its own nodes only; page CSS to the slotted node
    assert count.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 255)"
    assert f.locator("#slotted").evaluate("e => getComputedStyle(e).color") == "rgb(255, 0, 0)"
    assert f.locator("#slotted").inner_text() == "slotted start=3"
    host_attr = f.locator("counter").get_attribute("data-host")
    assert host_attr and host_attr.startswith("c")
    f.locator("counter wx-button.inc".replace(".inc", "")).click()
    f.locator("#got", has_text=":ctr").wait_for()
    assert f.locator("#got").inner_text() == "4:ctr"
    assert count.inner_text() == "count=4 sum=7 seen="
    f.locator("#bump").click()
    count.filter(has_text="sum=17").wait_for()
    assert count.inner_text() == "count=4 sum=17 seen=3>13;"
    assert f.locator("#slotted").inner_text() == "slotted start=13"


def test_bind_catch_capture(page: Any, publisher: Publisher) -> None:
    _, f = setup(page, publisher, path="pages/parent/parent")
    f.locator("#inner").click()
    f.locator("#taplog", has_text="outer").wait_for()
    assert f.locator("#taplog").inner_text() == "cap;inner;outer(inner,o);"
    f.locator("#c-inner").click()
    f.locator("#taplog", has_text="outer(inner,o);inner;").wait_for()
    page.wait_for_timeout(200)
    assert f.locator("#taplog").inner_text() == "cap;inner;outer(inner,o);inner;"
