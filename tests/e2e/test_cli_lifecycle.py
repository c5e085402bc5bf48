"""The whole life of a mini program through the `minihost` command against the live server:
init → check → login → upload → preview (trial) → submit → approve → release → release --grey 10 → full →
rollback; after each release step Chromium shows which version each of several users gets."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.packages import service as packages
from tests.e2e.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.e2e


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "MINIHOST_CONFIG": str(home / "config" / "minihost.json"),
            "COLUMNS": "200",
        }

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "minihost.cli", *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=cwd or self.home,
            timeout=120,
        )

    def json(self, *args: str, cwd: Path | None = None, code: int = 0) -> Any:
        result = self.run(*args, "--json", cwd=cwd)
        assert result.returncode == code, (args, result.returncode, result.stdout, result.stderr)
        return json.loads(result.stdout)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def set_marker(project: Path, text: str) -> None:
    (project / "pages/index/index.wxml").write_text(f'<view class="marker">{text}</view>\n')


async def seen_in_browser(browser: Browser, live_server: str, username: str, appid: str) -> str:
    """Sign in as the user in a fresh browser, open the mini program, read what its first page shows."""
    context = await browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page: Page = await context.new_page()
    try:
        await sign_in(page, username)
        await page.evaluate("(appid) => window.minihost.open(appid)", appid)
        marker = page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame >> nth=-1").locator(".marker")
        await expect(marker).to_have_count(1, timeout=15_000)
        return (await marker.inner_text()).strip()
    finally:
        await context.close()


async def test_cli_drives_the_whole_life(
    tmp_path: Path, ctx: Ctx, live_server: str, browser: Browser, unique: str
) -> None:
    dev = await accounts.create_user(ctx, f"clidev{unique}", PASSWORD, "CLI Developer")
    org_id = await accounts.create_organisation(ctx, dev.id, f"CLI Org {unique}")
    appid = (await apps.register_app(ctx, org_id, f"CLI App {unique}")).app.appid
    op = await accounts.create_user(ctx, f"cliop{unique}", PASSWORD, is_operator=True)
    op_auth = {"Authorization": f"Bearer {(await accounts.create_api_token(ctx, op.id, 'ops')).secret}"}
    tester = await accounts.create_user(ctx, f"clitest{unique}", PASSWORD, "Tester")
    await accounts.add_member(ctx, org_id, tester.username, "tester")
    # End users on both sides of a 10% grey release.
    inside: list[accounts.UserInfo] = []
    outside: list[accounts.UserInfo] = []
    n = 0
    while len(inside) < 2 or len(outside) < 2:
        n += 1
        u = await accounts.create_user(ctx, f"cliu{n}x{unique}", PASSWORD)
        bucket = packages.grey_bucket(appid, u.id)
        if bucket < 10 and len(inside) < 2:
            inside.append(u)
        elif bucket >= 10 and len(outside) < 2:
            outside.append(u)
    everyone = inside + outside

    cli = Cli(tmp_path)
    project = tmp_path / "shop"

    # Not logged in yet: exit 3 and what to do.
    r = cli.run("status", "--appid", appid)
    assert r.returncode == 2  # no project here: a usage error
    made = cli.json("init", str(project), "--template", "blank", "--appid", appid)
    assert "app.json" in made["files"]
    r = cli.run("status", cwd=project)
    assert r.returncode == 3 and "minihost login" in r.stderr

    # check: an error is reported as file:line:col with exit 1; fixed, exit 0.
    (project / "pages/index/index.wxml").write_text("<view>{{ oops </view>\n")
    bad = cli.json("check", cwd=project, code=1)
    assert bad["errors"][0].startswith("pages/index/index.wxml:1:")
    set_marker(project, "version one")
    assert cli.json("check", cwd=project)["ok"] is True

    # login with a password: an API token lands in a 0600 file.
    r = cli.run("login", "--server", live_server, "--username", dev.username, "--password", "wrong-one")
    assert r.returncode == 3
    logged = cli.json("login", "--server", live_server, "--username", dev.username, "--password", PASSWORD)
    assert logged["username"] == dev.username
    config = Path(cli.env["MINIHOST_CONFIG"])
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    assert read_json(config)["token"].startswith("mh_")

    up = cli.json("upload", "--version", "1.0.0", "--desc", "first", cwd=project)
    assert up["version"]["state"] == "develop"
    r = cli.run("upload", "--version", "1.0.0", cwd=project)
    assert r.returncode == 4 and "already has a version" in r.stderr

    # preview: the trial link opens version one for a tester, in Chromium.
    shown = cli.json("preview", cwd=project)
    assert shown["link"] == f"{live_server}/#open={appid}&version=trial"
    text = cli.run("preview", cwd=project).stdout
    assert "▀" in text or "█" in text  # the QR code
    context = await browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await sign_in(page, tester.username)
    await page.goto(shown["link"])
    await page.wait_for_selector(".mh-home-list", timeout=15_000)
    marker = page.frame_locator(f".mh-app[data-appid='{appid}'] .mh-page-frame >> nth=-1").locator(".marker")
    await expect(marker).to_have_text("version one", timeout=15_000)
    await context.close()

    # Releasing before review is refused with the next step.
    r = cli.run("release", cwd=project)
    assert r.returncode == 4 and "minihost submit" in r.stderr

    async def approve_pending() -> None:
        async with httpx.AsyncClient(base_url=live_server, headers=op_auth) as http:
            queue = (await http.get("/api/reviews")).json()["reviews"]
            mine = [q for q in queue if q["appid"] == appid]
            assert len(mine) == 1
            assert (await http.post(f"/api/reviews/{mine[0]['id']}/approve")).status_code == 200

    submitted = cli.json("submit", cwd=project)
    assert submitted["review"]["state"] == "pending"
    assert cli.json("status", cwd=project)["versions"][0]["state"] == "audit"
    await approve_pending()
    released = cli.json("release", cwd=project)
    assert released["version"]["version"] == "1.0.0"

    # Version two: uploaded, submitted, approved, released to 10% of users.
    set_marker(project, "version two")
    cli.json("upload", "-v", "2.0.0", "--desc", "second", cwd=project)
    cli.json("submit", cwd=project)
    await approve_pending()
    r = cli.run("release", "--grey", "0", cwd=project)
    assert r.returncode == 2
    assert cli.json("release", "--grey", "10", cwd=project)["grey_percent"] == 10
    status = cli.json("status", cwd=project)
    assert status["release"] == {"version": "2.0.0", "grey_percent": 10, "previous": "1.0.0"}
    for u in everyone:
        expected = "version two" if u in inside else "version one"
        assert await seen_in_browser(browser, live_server, u.username, appid) == expected, u.username
    r = cli.run("release", "--grey", "5", cwd=project)
    assert r.returncode == 4 and "only" in r.stderr

    human = cli.run("status", cwd=project)
    assert human.returncode == 0 and "10% of users (grey)" in human.stdout

    cli.json("release", cwd=project)
    for u in everyone:
        assert await seen_in_browser(browser, live_server, u.username, appid) == "version two"

    rolled = cli.json("rollback", cwd=project)
    assert rolled["version"]["version"] == "1.0.0"
    for u in everyone:
        assert await seen_in_browser(browser, live_server, u.username, appid) == "version one"

    # A tester's token cannot release: exit 3 with what to do.
    tester_cli = Cli(tmp_path / "tester-home")
    tester_cli.home.mkdir()
    tester_cli.json("login", "--server", live_server, "--username", tester.username, "--password", PASSWORD)
    r = tester_cli.run("release", "--dir", str(project))
    assert r.returncode == 3 and "admin" in r.stderr
