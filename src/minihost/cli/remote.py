"""Commands that talk to a Minihost server: login, upload, preview, submit, status, release, rollback."""

from __future__ import annotations

import getpass
import io
import os
import platform
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from minihost.cli.client import (
    EXIT_AUTH,
    EXIT_REFUSED,
    EXIT_USAGE,
    Api,
    CliError,
    Login,
    console,
    emit,
    fail,
    load_login,
    load_project,
    reporting,
    require_appid,
    save_login,
)
from minihost.cli.qr import print_qr

DirOpt = typer.Option(Path("."), "--dir", "-d", help="The project folder (holding project.config.json).")
AppidOpt = typer.Option(None, "--appid", help="The app's appid (default: project.config.json's appid).")
JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON.")

# What never goes into an uploaded package.
SKIPPED_DIRS = frozenset({".git", ".svn", ".hg", "node_modules", "__pycache__", ".idea", ".vscode"})
SKIPPED_FILES = frozenset({"project.private.config.json", ".DS_Store", "Thumbs.db"})


def register(app: typer.Typer) -> None:
    app.command()(login)
    app.command()(upload)
    app.command()(preview)
    app.command()(submit)
    app.command()(status)
    app.command()(release)
    app.command()(rollback)


def login(
    server: str = typer.Option(None, "--server", help="The platform's URL, e.g. https://minihost.example.com."),
    token: str = typer.Option(None, "--token", help="An API token from the console (else username and password)."),
    username: str = typer.Option(None, "--username", "-u"),
    password: str = typer.Option(None, "--password", envvar="MINIHOST_PASSWORD", help="Prompted when missing."),
    json_out: bool = JsonOpt,
) -> None:
    """Sign in to a Minihost server and keep an API token for the other commands (0600 config file)."""
    with reporting(json_out):
        if not server:
            try:
                server = load_login().server
            except Exception:
                raise fail(EXIT_USAGE, "no_server", "Which server?", "Pass --server https://your-minihost.") from None
        server = server.rstrip("/")
        if not server.startswith(("http://", "https://")):
            raise fail(EXIT_USAGE, "bad_server", f"{server!r} is not a URL.", "Pass e.g. --server https://host:8000.")
        if not token:
            token = _token_from_password(server, username, password)
        with Api(server, token) as api:
            me = api.get("/api/accounts/me")
        name = str(me["user"]["username"])
        path = save_login(Login(server, token, name))
        emit(
            json_out,
            {"server": server, "username": name, "config": str(path)},
            lambda: console.print(f"Logged in to [bold]{server}[/] as [bold]{name}[/]; token kept in {path}"),
        )


def _token_from_password(server: str, username: str | None, password: str | None) -> str:
    if not username:
        username = typer.prompt("Username")
    if not password:
        password = getpass.getpass("Password: ")
    with Api(server) as api:
        try:
            signed = api.post("/api/accounts/signin", json={"username": username, "password": password})
        except CliError as exc:
            if exc.code == "bad_credentials":
                raise fail(EXIT_AUTH, exc.code, exc.message, "Try again, or sign up in the console.") from None
            raise
        name = f"minihost CLI on {platform.node() or 'this computer'}"[:64]
        created = api.post("/api/accounts/tokens", json={"name": name}, headers={"X-CSRF-Token": signed["csrf_token"]})
        # The browser-like session is not needed any more: the token is what the CLI keeps.
        api.post("/api/accounts/signout", headers={"X-CSRF-Token": signed["csrf_token"]})
    return str(created["secret"])


# -- upload -------------------------------------------------------------------------------------------------
def package_files(package: Path) -> list[Path]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name in SKIPPED_FILES or path.is_symlink() or name.startswith("."):
                continue
            files.append(path)
    return files


def zip_package(package: Path, progress: Progress | None = None) -> bytes:
    files = package_files(package)
    task = progress.add_task("Zipping", total=len(files)) if progress else None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, path.relative_to(package).as_posix())
            if progress is not None and task is not None:
                progress.advance(task)
    return buf.getvalue()


def _multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[str, bytes]:
    boundary = "minihost-" + secrets.token_hex(12)
    parts: list[bytes] = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/zip\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _chunks(body: bytes, progress: Progress | None, size: int = 64 * 1024) -> Iterator[bytes]:
    task = progress.add_task("Uploading", total=len(body)) if progress else None
    for start in range(0, len(body), size):
        chunk = body[start : start + size]
        if progress is not None and task is not None:
            progress.advance(task, len(chunk))
        yield chunk


def upload(
    version: str = typer.Option(..., "--version", "-v", help="The new version number, e.g. 1.0.3."),
    desc: str = typer.Option("", "--desc", help="What changed (shown to testers and reviewers)."),
    directory: Path = DirOpt,
    appid: str = AppidOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Zip the project and upload it as a new develop version."""
    with reporting(json_out):
        project = load_project(directory, appid)
        target = require_appid(project)
        with Api.from_login() as api:
            show = not json_out and console.is_terminal
            progress = Progress(
                TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                console=console, disable=not show, transient=False,
            )  # fmt: skip
            with progress:
                data = zip_package(project.package, progress)
                ctype, body = _multipart({"version": version, "description": desc}, "package.zip", data)
                result = api.post(
                    f"/api/apps/{quote(target)}/versions",
                    content=_chunks(body, progress),
                    headers={"Content-Type": ctype, "Content-Length": str(len(body))},
                )
        v = result["version"]

        def human() -> None:
            console.print(f"Uploaded [bold]{v['version']}[/] of {target} ({v['size']} bytes compiled).")
            for w in result.get("warnings", []):
                console.print(f"[yellow]warning:[/] {w}", highlight=False)
            console.print("Next: `minihost preview` for testers, or `minihost submit` for review.")

        emit(json_out, result, human)


def _newest_version(api: Api, appid: str) -> str:
    versions = api.get(f"/api/apps/{quote(appid)}/versions")["versions"]
    if not versions:
        raise fail(
            EXIT_REFUSED, "no_versions", f"{appid} has no uploaded version.", "Run `minihost upload -v X` first."
        )
    return str(versions[0]["version"])


def preview(
    version: str = typer.Option(None, "--version", "-v", help="The version testers get (default: the newest)."),
    directory: Path = DirOpt,
    appid: str = AppidOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Make a version the trial version and print the link and QR code testers open it with."""
    with reporting(json_out):
        target = require_appid(load_project(directory, appid))
        with Api.from_login() as api:
            version = version or _newest_version(api, target)
            api.post(f"/api/apps/{quote(target)}/versions/{quote(version, safe='')}/trial")
            link = f"{api.server}/#open={quote(target)}&version=trial"

        def human() -> None:
            console.print(f"Version [bold]{version}[/] is the trial version of {target}. Members of the organisation")
            console.print(f"(testers included) open it at:\n  [link={link}]{link}[/link]")
            print_qr(link)

        emit(json_out, {"appid": target, "version": version, "link": link}, human)


def submit(
    version: str = typer.Option(None, "--version", "-v", help="The version to review (default: the newest)."),
    directory: Path = DirOpt,
    appid: str = AppidOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Submit a version for review: automated checks now, then a reviewer."""
    with reporting(json_out):
        target = require_appid(load_project(directory, appid))
        with Api.from_login() as api:
            version = version or _newest_version(api, target)
            result = api.post(f"/api/apps/{quote(target)}/versions/{quote(version, safe='')}/submit")
        review = result["review"]

        def human() -> None:
            console.print(f"Version [bold]{version}[/] passed the automated checks and is waiting for a reviewer.")
            for finding in review.get("checks", []):
                console.print(f"[yellow]{_finding(finding)}[/]", highlight=False)
            console.print("Next: `minihost status` shows the result.")

        emit(json_out, result, human)


def _finding(f: dict[str, Any]) -> str:
    where = f"{f['file']}:{f['line']}:{f['col']}: " if f.get("file") else ""
    return f"{where}{f['level']}: {f['message']}"


_STATE_STYLE = {"develop": "dim", "trial": "cyan", "audit": "yellow", "release": "green"}


def status(directory: Path = DirOpt, appid: str = AppidOpt, json_out: bool = JsonOpt) -> None:
    """Versions and their states, review results, the live release and its grey share."""
    with reporting(json_out):
        target = require_appid(load_project(directory, appid))
        with Api.from_login() as api:
            data = api.get(f"/api/apps/{quote(target)}/status")

        def human() -> None:
            rel = data["release"]
            if rel["version"]:
                share = "everyone" if rel["grey_percent"] >= 100 else f"{rel['grey_percent']}% of users (grey)"
                console.print(f"Live: [bold green]{rel['version']}[/] to {share}", highlight=False)
            else:
                console.print("Live: [dim]nothing released yet[/]")
            if rel.get("previous"):
                console.print(f"Rollback would return to {rel['previous']}.", highlight=False)
            console.print(f"Trial: {data['trial'] or '—'}", highlight=False)
            table = Table("version", "state", "review", "size", "uploaded", "description")
            for v in data["versions"]:
                review = v.get("review") or {}
                rtext = review.get("state", "")
                if review.get("reason"):
                    rtext += f": {review['reason']}"
                state = v["state"] + (" (trial)" if v.get("trial") else "") + (" (live)" if v.get("live") else "")
                style = _STATE_STYLE.get(v["state"], "")
                table.add_row(
                    v["version"], f"[{style}]{state}[/]" if style else state, rtext, str(v["size"]),
                    v["created_at"][:16].replace("T", " "), v["description"][:40],
                )  # fmt: skip
            console.print(table)

        emit(json_out, data, human)


def release(
    grey: int = typer.Option(None, "--grey", min=1, max=100, help="Release to this share of users only (1-99)."),
    version: str = typer.Option(None, "--version", "-v", help="Default: the newest approved version."),
    directory: Path = DirOpt,
    appid: str = AppidOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Release the approved version to everyone, or to a grey share of users that only rises."""
    with reporting(json_out):
        target = require_appid(load_project(directory, appid))
        with Api.from_login() as api:
            body: dict[str, Any] = {"grey_percent": grey or 100}
            if version:
                body["version"] = version
            result = api.post(f"/api/apps/{quote(target)}/release", json=body)
        v = result["version"]
        share = f"{grey}% of users" if grey and grey < 100 else "everyone"
        emit(
            json_out,
            {**result, "grey_percent": grey or 100},
            lambda: console.print(f"Released [bold]{v['version']}[/] of {target} to {share}.", highlight=False),
        )


def rollback(directory: Path = DirOpt, appid: str = AppidOpt, json_out: bool = JsonOpt) -> None:
    """Give everyone the previous release again."""
    with reporting(json_out):
        target = require_appid(load_project(directory, appid))
        with Api.from_login() as api:
            result = api.post(f"/api/apps/{quote(target)}/rollback")
        emit(
            json_out,
            result,
            lambda: console.print(
                f"Rolled back: everyone gets [bold]{result['version']['version']}[/] of {target} again.",
                highlight=False,
            ),
        )


__all__ = ["httpx", "register", "zip_package"]
