"""Every example mini program under examples/, compiled by the real compiler, opens and renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .helpers import frame, open_app
from .server import RuntimeServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "app.json").is_file()) if EXAMPLES.is_dir() else []


def install_example(server: RuntimeServer, name: str, appid: str | None = None) -> str:
    from minihost.packages.compiler import PackageSource, compile_package

    bundle = compile_package(PackageSource.from_directory(EXAMPLES / name))
    appid = appid or "wx" + name.replace("-", "")[:16]
    server.add_app(appid, name, bundle.manifest_hash, dict(bundle.files))
    return appid


@pytest.mark.parametrize("name", NAMES)
def test_example_opens(page: Any, server: RuntimeServer, name: str) -> None:
    appid = install_example(server, name)
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
