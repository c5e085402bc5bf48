"""An open mini program keeps its version when a new one is released; wx.getUpdateManager says a new one
is ready, and applyUpdate relaunches into it."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.packages import service as packages
from tests.e2e.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.e2e

INDEX_JS = """Page({
  data: { v: 'VERSION', checked: '', ready: '' },
  check() {
    this.um = wx.getUpdateManager()
    this.um.onCheckForUpdate((res) => this.setData({ checked: res.hasUpdate ? 'yes' : 'no' }))
    this.um.onUpdateReady(() => this.setData({ ready: 'ready' }))
  },
  apply() {
    this.um.applyUpdate()
  }
})
"""
INDEX_WXML = """<view class="marker">{{v}}</view>
<view class="checked">{{checked}}</view>
<view class="ready">{{ready}}</view>
<button class="check" bindtap="check">check</button>
<button class="apply" bindtap="apply">apply</button>
"""


def package(version: str) -> dict[str, bytes]:
    return {
        "app.json": b'{"pages": ["pages/index/index"]}',
        "app.js": b"App({})\n",
        "pages/index/index.js": INDEX_JS.replace("VERSION", version).encode(),
        "pages/index/index.wxml": INDEX_WXML.encode(),
    }


async def test_update_manager_tells_and_applies(page: Page, ctx: Ctx, unique: str) -> None:
    dev = await accounts.create_user(ctx, f"umdev{unique}", PASSWORD)
    org_id = await accounts.create_organisation(ctx, dev.id, f"UM {unique}")
    appid = (await apps.register_app(ctx, org_id, f"Updates {unique}")).app.appid
    user = await accounts.create_user(ctx, f"umuser{unique}", PASSWORD)
    await packages.upload_package(ctx, appid, dev, package("one"), "1.0.0")
    await packages.release_version(ctx, appid, dev, "1.0.0")

    await sign_in(page, user.username)
    await page.evaluate("(appid) => window.minihost.open(appid)", appid)
    view = page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame >> nth=-1")
    await expect(view.locator(".marker")).to_have_text("one", timeout=15_000)
    await view.locator(".check").click()
    await expect(view.locator(".checked")).to_have_text("no")

    await packages.upload_package(ctx, appid, dev, package("two"), "2.0.0")
    await packages.release_version(ctx, appid, dev, "2.0.0")
    # Still open: it keeps running version one until the user takes the update.
    await page.evaluate("(appid) => window.minihost.open(appid)", appid)
    await expect(view.locator(".marker")).to_have_text("one")
    await page.evaluate("(appid) => window.minihost.close(appid)", appid)
    await page.evaluate("(appid) => window.minihost.open(appid)", appid)
    await expect(view.locator(".marker")).to_have_text("one")

    # The manager checks once per launch: launched on one, a release of two while it runs is reported;
    # applying relaunches into version two.
    await page.evaluate("(appid) => { window.minihost.terminate(appid); }", appid)
    await packages.release_version(ctx, appid, dev, "1.0.0")  # back to one, so the relaunch shows one
    await page.evaluate("(appid) => window.minihost.open(appid)", appid)
    await expect(view.locator(".marker")).to_have_text("one", timeout=15_000)
    await packages.release_version(ctx, appid, dev, "2.0.0")
    await view.locator(".check").click()
    await expect(view.locator(".checked")).to_have_text("yes")
    await expect(view.locator(".ready")).to_have_text("ready")
    await expect(view.locator(".marker")).to_have_text("one")
    await view.locator(".apply").click()
    await expect(view.locator(".marker")).to_have_text("two", timeout=15_000)
    assert not [e for e in page.errors if "update" in e.lower()]  # type: ignore[attr-defined]
