"""Form components of examples/component-gallery: what a user fills in is what bindsubmit receives."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import Catalogue
from tests.e2e.gallery import T, open_family

pytestmark = pytest.mark.e2e


async def test_form_submit_collects_every_named_field(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "form")
    await view.locator(".nickname input").fill("Ada", timeout=T)
    await view.locator(".bio textarea").fill("Likes maths")
    await view.locator(".notify").click()  # on -> off
    await view.locator(".agree-label").click()  # label for= toggles the checkbox switch
    await expect(view.locator(".last-change")).to_have_text("agree: true")
    await view.locator(".fruit-pear").click()  # wrapping label toggles its checkbox
    await expect(view.locator(".last-change")).to_have_text("fruits: apple,pear")
    await view.locator(".fruit-apple wx-checkbox").click()
    await expect(view.locator(".last-change")).to_have_text("fruits: pear")
    await view.locator(".size-l").click()
    await expect(view.locator(".last-change")).to_have_text("size: l")
    await expect(view.locator(".score")).to_have_text("Score: 3")
    await view.locator(".rating wx-text").nth(4).click()
    await expect(view.locator(".score")).to_have_text("Score: 5")  # model:value on a custom component
    await view.locator(".submit").click()
    submitted = view.locator(".submitted")
    await expect(submitted).to_be_visible()
    value = json.loads(await submitted.inner_text())
    assert value == {
        "nickname": "Ada",
        "bio": "Likes maths",
        "notify": False,
        "agree": True,
        "fruits": ["pear"],
        "size": "l",
        "volume": 30,
        "city": 1,
        "rating": 5,
    }
    assert view.locator(".size-l wx-radio[checked]") is not None
    await expect(view.locator(".size-m wx-radio")).not_to_have_attribute("checked", "")


async def test_form_reset_fires_and_clears_text(page: Page, catalogue: Catalogue) -> None:
    view = await open_family(page, catalogue, "form")
    await view.locator(".nickname input").fill("Bob", timeout=T)
    await view.locator(".reset").click()
    await expect(view.locator(".resets")).to_have_text("Resets: 1")
    await expect(view.locator(".nickname input")).to_have_value("")
    await view.locator(".submit").click()
    value = json.loads(await view.locator(".submitted").inner_text())
    assert value["nickname"] == ""
    assert value["fruits"] == ["apple"] and value["size"] == "m"
