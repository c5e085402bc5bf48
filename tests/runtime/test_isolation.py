# ruff: noqa: E501  (embedded JavaScript of the test mini programs)
"""Isolation: the worker has no network, a frame has no host cookies or host DOM, forged messages die."""

from __future__ import annotations

from typing import Any

from .bundle import Bundle, el, ident, t
from .conftest import Publisher
from .helpers import frame, install, open_app

VICTIM_JS = """
Page({
  data: { pwned: 'no', taps: 0 },
  pwn() { this.setData({ pwned: 'yes' }); },
  tap() { this.setData({ taps: this.data.taps + 1 }); },
});
"""

PROBE_JS = """
Page({
  data: { out: '' },
  probe() {
    const g = self;
    const names = ['fetch', 'XMLHttpRequest', 'WebSocket', 'importScripts', 'EventSource', 'indexedDB', 'caches', 'BroadcastChannel'];
    this.setData({ out: names.filter((n) => typeof g[n] !== 'undefined').join(',') || 'none' });
  },
});
"""


def two_apps(pub: Publisher) -> tuple[str, str]:
    """(victim appid, attacker appid)"""
    v = Bundle()
    v.page(
        "pages/v/v",
        [
            el("view", {"id": "pwned"}, t(ident("pwned"))),
            el("view", {"id": "taps"}, t(ident("taps"))),
            el("button", {"id": "tap"}, t("tap"), on={"tap": "tap"}),
        ],
        js=VICTIM_JS,
    )
    victim = install(pub, v, name="Victim")
    a = Bundle()
    a.page(
        "pages/a/a",
        [el("view", {"id": "out"}, t(ident("out"))), el("button", {"id": "probe"}, t("probe"), on={"tap": "probe"})],
        js=PROBE_JS,
    )
    attacker = install(pub, a, name="Attacker")
    return victim, attacker


def frame_of(page: Any, appid: str) -> Any:
    for f in page.frames:
        if f.url.endswith(f"#appid={appid}&pageId=" + f.url.rsplit("=", 1)[-1]) and f"appid={appid}&" in f.url:
            return f
    raise AssertionError(f"no frame for {appid}")


def test_worker_has_no_network_apis(page: Any, publisher: Publisher) -> None:
    _, attacker = two_apps(publisher)
    open_app(page, attacker)
    f = frame(page, attacker)
    f.locator("#probe").click()
    f.locator("#out", has_text="none").wait_for()


def test_frame_cannot_reach_host_cookies_or_document(page: Any, publisher: Publisher) -> None:
    _, attacker = two_apps(publisher)
    open_app(page, attacker)
    frame(page, attacker).locator("#probe").wait_for()
    assert "host-secret" in page.evaluate("() => document.cookie")
    fr = frame_of(page, attacker)
    result = fr.evaluate(
        """() => {
          const r = {};
          try { r.cookie = document.cookie; } catch (e) { r.cookie = 'blocked:' + e.name; }
          try { r.top = top.document.title; } catch (e) { r.top = 'blocked:' + e.name; }
          try { r.parentHost = parent.host ? 'reachable' : 'undefined'; } catch (e) { r.parentHost = 'blocked:' + e.name; }
          try { localStorage.setItem('x', '1'); r.storage = 'usable'; } catch (e) { r.storage = 'blocked:' + e.name; }
          r.origin = self.origin;
          return r;
        }"""
    )
    assert result["cookie"].startswith("blocked:") or "host-secret" not in result["cookie"]
    assert result["top"] == "blocked:SecurityError"
    assert result["parentHost"] == "blocked:SecurityError"
    assert result["storage"].startswith("blocked:")
    assert result["origin"] == "null"


def test_forged_frame_messages_are_ignored(page: Any, publisher: Publisher) -> None:
    victim_id, attacker = two_apps(publisher)
    open_app(page, victim_id)
    victim = frame(page, victim_id)
    victim.locator("#tap").wait_for()
    victim_page_id = page.evaluate("(a) => window.host.get(a).top().pageId", victim_id)
    open_app(page, attacker)
    frame(page, attacker).locator("#probe").wait_for()
    fr = frame_of(page, attacker)
    own_page_id = page.evaluate("(a) => window.host.get(a).top().pageId", attacker)
    fr.evaluate(
        """([victimPage, ownPage, victimApp, attackerApp]) => {
          const ev = { type: 'tap', detail: {}, target: {}, currentTarget: {} };
          // claims to be the victim app and page
          parent.postMessage({ t: 'event', appid: victimApp, pageId: victimPage, owner: 0, handler: 'pwn', event: ev }, '*');
          // claims its own app but the victim's page id
          parent.postMessage({ t: 'event', appid: attackerApp, pageId: victimPage, owner: 0, handler: 'pwn', event: ev }, '*');
          // garbage
          parent.postMessage('nonsense', '*');
          parent.postMessage({ t: 'navigate', appid: victimApp, pageId: victimPage, openType: 'reLaunch', url: '/pages/v/v' }, '*');
        }""",
        [victim_page_id, own_page_id, victim_id, attacker],
    )
    page.wait_for_timeout(300)
    page.evaluate("(a) => window.host.open(a)", victim_id)
    assert victim.locator("#pwned").inner_text() == "no"
    # the host still works for both
    victim.locator("#tap").click()
    victim.locator("#taps", has_text="1").wait_for()
    assert page.evaluate("(a) => window.host.get(a).stack.length", victim_id) == 1
    page.evaluate("(a) => window.host.open(a)", attacker)
    a = frame(page, attacker)
    a.locator("#probe").click()
    a.locator("#out", has_text="none").wait_for()


def test_two_apps_have_separate_workers_and_storage(page: Any, publisher: Publisher) -> None:
    victim, attacker = two_apps(publisher)
    open_app(page, victim)
    frame(page, victim).locator("#tap").wait_for()
    open_app(page, attacker)
    frame(page, attacker).locator("#probe").wait_for()
    listed = page.evaluate("() => window.host.list()")
    assert [(a["appid"], a["visible"]) for a in listed] == [(victim, False), (attacker, True)]
    assert page.locator(".mh-app iframe").count() == 2
