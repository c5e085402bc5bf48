"""The `minihost` developer commands' contract: templates that compile, errors as file:line:col, exit codes
(0 ok, 1 package errors, 2 usage, 3 auth, 4 server refused), --json, a 0600 login, what goes in a zip."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from minihost.accounts import service as accounts
from minihost.cli.remote import zip_package
from minihost.context import Ctx


def run(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "MINIHOST_CONFIG": str(home / "cfg" / "login.json")}
    return subprocess.run(
        [sys.executable, "-m", "minihost.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or home,
        timeout=120,
    )


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(result.stdout)


@pytest.mark.parametrize("template", ["blank", "tabbar", "store"])
def test_every_template_passes_check(tmp_path: Path, template: str) -> None:
    made = run(tmp_path, "init", "proj", "--template", template, "--appid", "wx0123456789abcdef")
    assert made.returncode == 0, made.stderr
    config = json.loads((tmp_path / "proj" / "project.config.json").read_text())
    assert config["appid"] == "wx0123456789abcdef" and config["projectname"] == "proj"
    checked = run(tmp_path, "check", "--json", cwd=tmp_path / "proj")
    assert checked.returncode == 0, checked.stdout
    assert as_json(checked)["ok"] is True


def test_init_never_overwrites_and_names_templates(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    r = run(tmp_path, "init", "full")
    assert r.returncode == 2 and "not empty" in r.stderr and "minihost init" in r.stderr
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    r = run(tmp_path, "init", "new", "--template", "shop", "--json")
    assert r.returncode == 2
    assert as_json(r)["error"]["code"] == "unknown_template" and "blank" in as_json(r)["error"]["hint"]


def test_check_reports_file_line_col_and_review_errors(tmp_path: Path) -> None:
    run(tmp_path, "init", "p")
    project = tmp_path / "p"
    (project / "pages/index/index.wxml").write_text("<view>\n  <text>{{ a </text>\n</view>\n")
    (project / "pages/index/index.js").write_text(
        "Page({\n  onLoad() { wx.request({ url: 'http://x.example/' }) }\n})\n"
    )
    r = run(tmp_path, "check", cwd=project)
    assert r.returncode == 1
    assert "pages/index/index.wxml:2:" in r.stdout
    assert "fix them and run `minihost check` again" in r.stdout
    (project / "pages/index/index.wxml").write_text("<view>ok</view>\n")
    r = run(tmp_path, "check", "--json", cwd=project)
    assert r.returncode == 1
    assert as_json(r)["errors"] == [
        "pages/index/index.js:2:33: error: http://x.example/ is plain http: mini programs may only reach https:// "
        "servers (wss:// for sockets); serve it over https and add its domain in the console."
    ]
    r = run(tmp_path, "check", cwd=tmp_path)
    assert r.returncode == 2 and "No app.json" in r.stderr


def test_login_and_errors_say_what_to_do(tmp_path: Path, live_server: str, unique: str) -> None:
    run(tmp_path, "init", "p", "--appid", "wx00000000000000ff")
    project = tmp_path / "p"
    r = run(tmp_path, "upload", "-v", "1.0.0", "--json", cwd=project)
    assert r.returncode == 3 and as_json(r)["error"]["hint"] == "Run `minihost login --server URL`."

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    r = run(tmp_path, "login", "--server", dead, "--token", "mh_x")
    assert r.returncode == 4 and "Cannot reach" in r.stderr and "running" in r.stderr
    r = run(tmp_path, "login", "--server", live_server, "--token", "mh_not_a_token")
    assert r.returncode == 3 and "minihost login" in r.stderr
    r = run(tmp_path, "login", "--server", "ftp://nope")
    assert r.returncode == 2

    r = run(tmp_path, "login", "--server", live_server, "--username", f"nobody{unique}", "--password", "x" * 10)
    assert r.returncode == 3 and "Wrong username or password" in r.stderr


async def test_login_with_a_token_is_kept_private(tmp_path: Path, live_server: str, ctx: Ctx, unique: str) -> None:
    user = await accounts.create_user(ctx, f"tok{unique}", "password123")
    secret = (await accounts.create_api_token(ctx, user.id, "cli")).secret
    r = run(tmp_path, "login", "--server", live_server + "/", "--token", secret, "--json")
    assert r.returncode == 0, r.stderr
    assert as_json(r)["username"] == f"tok{unique}"
    config = tmp_path / "cfg" / "login.json"
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    assert json.loads(config.read_text()) == {"server": live_server, "token": secret, "username": f"tok{unique}"}
    # The app does not exist on the server: exit 4, and the hint points at the appid.
    run(tmp_path, "init", "p", "--appid", "wx00000000000000ff")
    r = run(tmp_path, "status", cwd=tmp_path / "p")
    assert r.returncode == 4 and "appid" in r.stderr


def test_the_zip_leaves_out_tooling_and_private_files(tmp_path: Path) -> None:
    run(tmp_path, "init", "p")
    project = tmp_path / "p"
    for junk in ("node_modules/x/index.js", ".git/HEAD", "project.private.config.json", ".env"):
        (project / junk).parent.mkdir(parents=True, exist_ok=True)
        (project / junk).write_text("junk")
    (project / "link.js").symlink_to("/etc/passwd")
    names = set(zipfile.ZipFile(io.BytesIO(zip_package(project))).namelist())
    assert "app.json" in names and "pages/index/index.wxml" in names
    assert not {n for n in names if n.startswith(("node_modules", ".git")) or n in (".env", "link.js")}
    assert "project.private.config.json" not in names
