"""Isolation on the real server: a hostile mini program (tests/e2e/fixtures/hostile) attacks from its worker
and its view frame while another mini program is open; every attempt fails, and both the host and the other
mini program keep working."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from minihost.accounts import service as accounts
from minihost.context import Ctx
from minihost.packages.examples import Example, publish_example
from tests.e2e.conftest import PASSWORD, Catalogue, sign_in

pytestmark = pytest.mark.e2e
T = 15_000
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"

LOGIC_ATTEMPTS = [
    "fetch of the host API",
    "XMLHttpRequest",
    "importScripts of a network URL",
    "WebSocket",
    "EventSource",
    "import() of a network URL",
    "import() of the host API",
    "eval",
    "new Function",
    "host cookies",
    "another app's storage through wx",
    "another app's storage through a forged api message",
]
FRAME_ATTEMPTS = [
    "host cookies",
    "localStorage",
    "top document",
    "host shell object",
    "script the top window",
    "navigate the top window",
    "popup",
    "fetch of the other app's storage",
    "XMLHttpRequest",
    "WebSocket",
    "script from a network URL",
]


@pytest.fixture
async def hostile(ctx: Ctx) -> tuple[str, str]:
    """(the hostile app's appid, a fresh end user with no storage anywhere)"""
    suffix = secrets.token_hex(3)
    dev = await accounts.create_user(ctx, f"e2ehostile{suffix}", PASSWORD, "Hostile Dev")
    org_id = await accounts.create_organisation(ctx, dev.id, f"Hostile {suffix}")
    published = await publish_example(ctx, org_id, dev, Example("hostile", "Hostile", "", HOSTILE))
    assert published.appid, published.error
    user = await accounts.create_user(ctx, f"e2etarget{suffix}", PASSWORD, "Target User")
    return published.appid, user.username


def app_frame(page: Page, appid: str):  # type: ignore[no-untyped-def]
    return page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame:visible >> nth=-1")


def names(lines: list[str]) -> list[str]:
    return [line.split(": ", 1)[1].split(" (", 1)[0] for line in lines if line.startswith("blocked: ")]


async def test_hostile_mini_program_is_contained(page: Page, catalogue: Catalogue, hostile: tuple[str, str]) -> None:
    hostile_app, username = hostile
    await sign_in(page, username)
    await page.evaluate("() => { document.cookie = 'probe=host-secret; path=/'; }")
    host_url = page.url

    # The other mini program: a note saved to its server-side storage, then closed with the capsule.
    victim = catalogue.apps["storage-form"][0]
    await page.click(f".mh-home-all .mh-home-app[data-appid='{victim}']")
    notes = app_frame(page, victim)
    await expect(notes.locator(".note-count")).to_have_text("0 notes saved", timeout=T)
    await notes.locator(".title-input input").fill("Secret note")
    await notes.locator(".content-input textarea, .content-input input").first.fill("the victim's data")
    await notes.locator(".save-note").click()
    await expect(notes.locator(".note-title")).to_have_text(["Secret note"])
    await page.click(f".mh-app[data-appid='{victim}'] .mh-capsule-close")

    await page.evaluate("([a, v]) => window.minihost.open(a, { query: { victim: v } })", [hostile_app, victim])
    attacker = app_frame(page, hostile_app)
    await expect(attacker.locator(".logic-line").last).to_have_text("logic: done", timeout=T)
    await expect(attacker.locator(".frame-line").last).to_have_text("frame: done", timeout=T)
    logic = await attacker.locator(".logic-line").all_inner_texts()
    frame = await attacker.locator(".frame-line").all_inner_texts()
    for line in logic + frame:
        assert line.startswith(("blocked: ", "sent: ", "logic: done", "frame: done")), line
    assert names(logic) == LOGIC_ATTEMPTS, logic
    assert names(frame) == FRAME_ATTEMPTS, frame

    # The host page was neither navigated nor joined by a popup; its cookie is intact.
    assert page.url == host_url
    assert len(page.context.pages) == 1
    assert "host-secret" in await page.evaluate("() => document.cookie")
    # The hostile app itself still works (the host still serves its page).
    await expect(attacker.locator(".title")).to_have_text("Hostile mini program")

    # The other mini program kept its state and its data, and still works.
    await page.click(f".mh-app[data-appid='{hostile_app}'] .mh-capsule-close")
    await page.click(f".mh-home-all .mh-home-app[data-appid='{victim}']")
    notes = app_frame(page, victim)
    await expect(notes.locator(".note-title")).to_have_text(["Secret note"], timeout=T)
    await expect(notes.locator(".note-count")).to_have_text("1 notes saved")
    await notes.locator(".title-input input").fill("Second note")
    await notes.locator(".save-note").click()
    await expect(notes.locator(".note-count")).to_have_text("2 notes saved")
    listed = await page.evaluate("() => window.minihost.list().map((a) => [a.appid, a.stack])")
    assert [victim, ["pages/index/index"]] in listed
    # The host's home still works.
    await page.click(f".mh-app[data-appid='{victim}'] .mh-capsule-close")
    await expect(page.locator(f".mh-home-recent .mh-home-app[data-appid='{hostile_app}']")).to_be_visible(timeout=T)
