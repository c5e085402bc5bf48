"""Shared steps of runtime tests."""

from __future__ import annotations

from typing import Any

from .bundle import Bundle
from .server import RuntimeServer


def install(server: RuntimeServer, appid: str, bundle: Bundle, name: str = "Test App") -> None:
    mh, files = bundle.build()
    server.add_app(appid, name, mh, files)


def open_app(page: Any, appid: str, **opts: Any) -> None:
    page.evaluate("([appid, opts]) => window.host.open(appid, opts)", [appid, opts])


def frame(page: Any, appid: str, index: int = -1) -> Any:
    """The FrameLocator of the visible (top) page frame of `appid`, or of the index-th frame."""
    if index == -1:
        return page.frame_locator(f'.mh-app[data-appid="{appid}"] iframe.mh-active')
    return page.frame_locator(f'.mh-app[data-appid="{appid}"] iframe').nth(index)


def nav_title(page: Any, appid: str) -> str:
    return str(page.locator(f'.mh-app[data-appid="{appid}"] .mh-nav-title').inner_text())
