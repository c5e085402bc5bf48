"""Commands on the project folder: init (from a template), check (compile and review locally), dev."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import typer

from minihost.cli.client import (
    EXIT_INVALID,
    EXIT_USAGE,
    console,
    emit,
    fail,
    load_project,
    reporting,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAMES = ("blank", "tabbar", "store")
JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON.")
DirOpt = typer.Option(Path("."), "--dir", "-d", help="The project folder (holding project.config.json).")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(check)
    app.command()(dev)


def init(
    directory: Path = typer.Argument(Path("."), help="Where to create the project (empty or new)."),
    template: str = typer.Option("blank", "--template", "-t", help="blank | tabbar | store"),
    appid: str = typer.Option("", "--appid", help="The app's appid from the console (can be set later)."),
    name: str = typer.Option("", "--name", help="Project name (default: the folder's name)."),
    json_out: bool = JsonOpt,
) -> None:
    """Create a mini program project in WeChat's format from a template."""
    with reporting(json_out):
        if template not in TEMPLATE_NAMES:
            raise fail(
                EXIT_USAGE, "unknown_template", f"No template {template!r}.", f"Use one of {', '.join(TEMPLATE_NAMES)}."
            )
        target = directory.resolve()
        if target.exists() and any(target.iterdir()):
            raise fail(
                EXIT_USAGE,
                "not_empty",
                f"{target} is not empty; init never overwrites files.",
                "Choose a new or empty folder: `minihost init my-app`.",
            )
        shutil.copytree(TEMPLATES / template, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        config_file = target / "project.config.json"
        config: dict[str, Any] = json.loads(config_file.read_text("utf-8"))
        config["appid"] = appid or "touristappid"
        config["projectname"] = name or target.name
        config_file.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", "utf-8")
        files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())

        def human() -> None:
            console.print(f"Created a [bold]{template}[/] mini program in {target} ({len(files)} files).")
            console.print("Next: `minihost dev` to see it live; set your appid in project.config.json to upload.")

        emit(json_out, {"dir": str(target), "template": template, "files": files}, human)


def check_package(package: Path, forbidden: list[str] | None = None) -> tuple[list[str], list[str], str]:
    """(errors, warnings, manifest hash) of compiling the folder and running the automated review on it."""
    from minihost.config import Settings
    from minihost.packages.compiler import CompileFailed, Limits, PackageSource, compile_package
    from minihost.packages.review import check_bundle

    settings = Settings(_env_file=None)
    limits = Limits(
        main_package_bytes=settings.package_main_limit,
        subpackage_bytes=settings.package_sub_limit,
        total_bytes=settings.package_total_limit,
    )
    try:
        bundle = compile_package(PackageSource.from_directory(package), limits)
    except CompileFailed as exc:
        return [str(e) for e in exc.errors], [], ""
    except (ValueError, FileNotFoundError) as exc:
        return [f"{package}: {exc}"], [], ""
    words = settings.review_forbidden_words if forbidden is None else forbidden
    findings = check_bundle(bundle.manifest, lambda h: bundle.files[h], words)
    errors = [str(f) for f in findings if f.level == "error"]
    warnings = [str(w) for w in bundle.warnings] + [str(f) for f in findings if f.level != "error"]
    return errors, warnings, bundle.manifest_hash


def check(directory: Path = DirOpt, json_out: bool = JsonOpt) -> None:
    """Compile and validate the project locally as the platform will: errors as file:line:col, exit 1."""
    with reporting(json_out):
        project = load_project(directory)
        errors, warnings, digest = check_package(project.package)
        result = {"ok": not errors, "errors": errors, "warnings": warnings, "manifest_hash": digest}

        def human() -> None:
            for e in errors:
                console.print(f"[red]{e}[/]", highlight=False, soft_wrap=True)
            for w in warnings:
                console.print(f"[yellow]warning: {w}[/]", highlight=False, soft_wrap=True)
            if errors:
                console.print(f"{len(errors)} error(s): fix them and run `minihost check` again.")
            else:
                console.print(f"[green]OK[/]: the package compiles and passes the automated checks ({digest[:12]}).")

        emit(json_out, result, human)
        if errors:
            raise typer.Exit(EXIT_INVALID)


def dev(
    directory: Path = DirOpt,
    # All interfaces by default: the point is opening the preview on a phone on the same network.
    host: str = typer.Option("0.0.0.0", help="Address to listen on (0.0.0.0: phones on your network too)."),  # noqa: S104
    port: int = typer.Option(8123, help="Port to listen on."),
    qr: bool = typer.Option(True, help="Print a QR code of the preview URL."),
) -> None:
    """Preview the project with live reload: each saved change is recompiled and the open page reloads."""
    from minihost.cli.devserver import run_dev

    with reporting(False):
        project = load_project(directory)
        run_dev(project.package, host, port, show_qr=qr)
