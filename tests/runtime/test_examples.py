"""Every example mini program under examples/, compiled by the real compiler, opens and renders."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Publisher
from .helpers import EXAMPLES, frame, install_example, open_app

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "app.json").is_file()) if EXAMPLES.is_dir() else []


@pytest.mark.parametrize("name", NAMES)
def test_example_opens(page: Any, publisher: Publisher, name: str) -> None:
    appid = install_example(publisher, name)
    open_app(page, appid)
    f = frame(page, appid)
    f.locator("wx-page > *").first.wait_for()
    text = f.locator("wx-page").inner_text()
    assert text.strip(), f"{name}: first page rendered nothing"
    last_error = page.evaluate("(a) => window.host.get(a).lastError || null", appid)
    assert last_error is None, f"{name}: {last_error}"
    assert not page.errors, page.errors
    warnings = [c for c in page.console_lines if "[minihost]" in c or c.startswith("error")]
    assert not warnings, warnings
