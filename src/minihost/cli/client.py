"""What every `minihost` developer command shares: the saved login, the HTTP client, exit codes, output.

Exit codes: 0 ok, 1 the package has errors (compile, validation, automated review), 2 usage, 3 not signed
in or not allowed, 4 the server refused or cannot be reached. Every error says what to do next; with
`--json` errors are printed as `{"error": {"code", "message", "hint"}}` on stdout too.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_REFUSED = 4

console = Console()
err_console = Console(stderr=True)

# Server error codes that mean "your package has problems" rather than "the server said no".
_VALIDATION_CODES = frozenset({"compile_failed", "checks_failed", "invalid_zip", "invalid_package", "invalid_version"})


class CliError(Exception):
    def __init__(self, exit_code: int, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.code = code
        self.message = message
        self.hint = hint


def fail(exit_code: int, code: str, message: str, hint: str = "") -> CliError:
    return CliError(exit_code, code, message, hint)


@contextmanager
def reporting(json_out: bool) -> Iterator[None]:
    """Turns a CliError into its message (or JSON) and exit code."""
    try:
        yield
    except CliError as exc:
        if json_out:
            print(json.dumps({"error": {"code": exc.code, "message": exc.message, "hint": exc.hint}}))
        else:
            err_console.print(f"[red bold]error:[/] {exc.message}", markup=True, highlight=False, soft_wrap=True)
            if exc.hint:
                err_console.print(f"[yellow]→[/] {exc.hint}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def emit(json_out: bool, data: Any, human: Callable[[], None]) -> None:
    if json_out:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        human()


# -- the saved login ------------------------------------------------------------------------------------
def config_path() -> Path:
    """`$MINIHOST_CONFIG`, else `$XDG_CONFIG_HOME/minihost/config.json` (~/.config by default)."""
    explicit = os.environ.get("MINIHOST_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "minihost" / "config.json"


@dataclass
class Login:
    server: str
    token: str
    username: str = ""


def load_login() -> Login:
    path = config_path()
    try:
        data = json.loads(path.read_text())
        return Login(str(data["server"]), str(data["token"]), str(data.get("username", "")))
    except FileNotFoundError:
        raise fail(EXIT_AUTH, "not_logged_in", "You are not logged in.", "Run `minihost login --server URL`.") from None
    except (ValueError, KeyError, TypeError):
        raise fail(
            EXIT_AUTH, "bad_config", f"{path} is not a login this tool wrote.", "Run `minihost login` again."
        ) from None


def save_login(login: Login) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created 0600 before the secret is written, so it is never readable by others, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"server": login.server, "token": login.token, "username": login.username}, fh, indent=2)
    os.chmod(path, 0o600)
    return path


# -- HTTP -------------------------------------------------------------------------------------------------
def _hint_for(status: int, code: str) -> str:
    if status == 401:
        return "Your login is missing, expired or revoked: run `minihost login` again."
    if status == 403:
        return "Ask an admin of the organisation for the role you need (see the console's Members page)."
    if code == "app_not_found":
        return "Check the appid in project.config.json (or pass --appid)."
    if code in _VALIDATION_CODES:
        return "Run `minihost check` to see every problem with file:line:col."
    return ""


def raise_for(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        code, message = f"http_{response.status_code}", f"The server answered HTTP {response.status_code}."
    status = response.status_code
    if status in (401, 403):
        exit_code = EXIT_AUTH
    elif code in _VALIDATION_CODES:
        exit_code = EXIT_INVALID
    else:
        exit_code = EXIT_REFUSED
    raise fail(exit_code, code, message, _hint_for(status, code))


class Api:
    """The platform's developer API with the saved token."""

    def __init__(self, server: str, token: str = "", timeout: float = 120.0) -> None:
        self.server = server.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=self.server, headers=headers, timeout=timeout)

    @classmethod
    def from_login(cls) -> Api:
        login = load_login()
        return cls(login.server, login.token)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kw: Any) -> Any:
        try:
            response = self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise fail(
                EXIT_REFUSED,
                "server_unreachable",
                f"Cannot reach {self.server}: {exc}.",
                "Check the server URL (`minihost login --server URL`) and that the platform is running.",
            ) from None
        raise_for(response)
        return response.json() if response.content else {}

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)


# -- the project ----------------------------------------------------------------------------------------
@dataclass
class Project:
    root: Path
    """The folder holding project.config.json."""
    package: Path
    """The mini program itself (app.json): `miniprogramRoot` of project.config.json, else the root."""
    appid: str


def load_project(directory: Path, appid: str | None = None) -> Project:
    root = directory.resolve()
    config_file = root / "project.config.json"
    config: dict[str, Any] = {}
    if config_file.is_file():
        try:
            loaded = json.loads(config_file.read_text("utf-8"))
            config = loaded if isinstance(loaded, dict) else {}
        except ValueError as exc:
            raise fail(
                EXIT_INVALID, "bad_project_config", f"{config_file}: not valid JSON ({exc}).", "Fix it."
            ) from None
    package = root / str(config.get("miniprogramRoot") or ".")
    if not (package / "app.json").is_file():
        raise fail(
            EXIT_USAGE,
            "no_project",
            f"No app.json in {package}: this is not a mini program folder.",
            "Run the command inside your project, pass --dir, or create one with `minihost init`.",
        )
    found = appid or str(config.get("appid") or "")
    return Project(root, package.resolve(), found)


def require_appid(project: Project) -> str:
    if not project.appid or project.appid == "touristappid":
        raise fail(
            EXIT_USAGE,
            "no_appid",
            "This project has no appid.",
            "Register the app in the console, then put its appid in project.config.json (or pass --appid).",
        )
    return project.appid


def is_tty() -> bool:
    return sys.stdout.isatty()
