"""The console in Debian's Chromium: sign up, create an organisation, register an app, see appid and secret once."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.mark.e2e
def test_console_signup_to_registered_app(live_server: str, unique: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{live_server}/console")
            expect(page).to_have_url(re.compile(r"/console/signin"))
            page.get_by_role("link", name="Sign up").click()
            page.get_by_label("Username").fill(f"pw{unique}")
            page.get_by_label("Display name").fill("Playwright Dev")
            page.get_by_label("Password").fill("correct horse battery")
            page.get_by_role("button", name="Sign up").click()
            expect(page.get_by_text("Playwright Dev")).to_be_visible()

            page.get_by_role("link", name="Organisations").click()
            page.get_by_label("Name").fill("Browser Studio")
            page.get_by_role("button", name="Create organisation").click()
            expect(page.get_by_role("heading", name=re.compile("Browser Studio"))).to_be_visible()

            page.get_by_role("link", name="Mini programs").click()
            page.get_by_label("Name").fill("Noodle Bar")
            page.get_by_label("Category").select_option("Food & Drink")
            page.get_by_role("button", name="Register").click()

            expect(page.get_by_role("heading", name="Noodle Bar")).to_be_visible()
            appid = page.locator("#appid").inner_text()
            assert re.fullmatch(r"wx[0-9a-f]{16}", appid)
            secret = page.locator("#appsecret").inner_text()
            assert re.fullmatch(r"[0-9a-f]{32}", secret)
            expect(page.get_by_text("shown only this once")).to_be_visible()

            page.reload()
            expect(page.locator("#appid")).to_have_text(appid)
            expect(page.locator("#appsecret")).to_have_count(0)
            assert secret not in page.content()
        finally:
            browser.close()
