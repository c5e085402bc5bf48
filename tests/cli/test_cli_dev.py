"""`minihost dev`: the project runs in the real host shell, and a saved change shows within a second."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from minihost.cli.project import TEMPLATES

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    project = tmp_path / "app"
    import shutil

    shutil.copytree(TEMPLATES / "blank", project)
    (project / "pages/index/index.wxml").write_text('<view class="marker">first</view>\n')
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "minihost.cli", "dev", "--dir", str(project), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "200"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/dev/state", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"minihost dev did not start:\n{out}")
        time.sleep(0.2)
    yield project, base, proc
    proc.terminate()
    proc.wait(timeout=10)


def test_dev_prints_url_and_qr_and_reloads_on_save(dev_server: tuple[Path, str, subprocess.Popen[str]]) -> None:
    project, base, proc = dev_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{base}/dev")
        view = page.frame_locator(".mh-app .mh-page-frame >> nth=-1")
        expect(view.locator(".marker")).to_have_text("first", timeout=20_000)

        started = time.monotonic()
        (project / "pages/index/index.wxml").write_text('<view class="marker">second</view>\n')
        expect(view.locator(".marker")).to_have_text("second", timeout=5_000)
        took = time.monotonic() - started
        assert took < 1.5, f"the change took {took:.2f}s to show"

        # A compile error is shown over the page (and in the terminal); fixing it reloads.
        (project / "pages/index/index.wxml").write_text('<view class="marker">{{ broken </view>\n')
        expect(page.locator("#mh-dev-error")).to_contain_text("pages/index/index.wxml:1:", timeout=5_000)
        (project / "pages/index/index.wxml").write_text('<view class="marker">third</view>\n')
        expect(view.locator(".marker")).to_have_text("third", timeout=5_000)
        expect(page.locator("#mh-dev-error")).to_have_count(0)
        browser.close()
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    assert f"{base}/dev" in out
    assert "█" in out or "▀" in out  # the QR code for a phone
    assert "pages/index/index.wxml:1:" in out
