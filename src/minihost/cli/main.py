"""`minihost`: run the platform (serve, migrate, seed) and the developer workflow (project.py: init, check,
dev; remote.py: login, upload, preview, submit, status, release, rollback)."""

from __future__ import annotations

import asyncio
import os
import sys

import typer
import uvicorn
from rich.console import Console

from minihost.cli import project, remote
from minihost.config import Settings, get_settings
from minihost.db.migrate import downgrade, upgrade

app = typer.Typer(help="Minihost: a self-hostable mini program platform.", no_args_is_help=True)
console = Console()
project.register(app)
remote.register(app)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Server processes; more than one needs MINIHOST_REDIS_URL."),
    seed: bool = typer.Option(True, help="Seed demo data on first start."),
) -> None:
    """Migrate the database, seed demo data on first start, and serve the platform."""
    settings = _settings()
    if workers > 1 and not settings.redis_url:
        console.print(
            "[red]--workers > 1 needs shared state:[/] set MINIHOST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)."
        )
        raise typer.Exit(2)
    upgrade(settings.resolved_database_url())
    if seed and settings.seed_demo:
        from minihost.demo import seed_demo

        created = asyncio.run(seed_demo(settings))
        if created:
            console.print(created, soft_wrap=True, markup=False, highlight=False)
    console.print(
        f"Minihost on [bold]http://{host}:{port}[/] (database: {_describe_db(settings.resolved_database_url())})"
    )
    uvicorn.run(
        "minihost.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
    )


@app.command()
def migrate(direction: str = typer.Argument("up", help="up (to the newest schema) or down (to empty).")) -> None:
    """Apply or roll back the database migrations."""
    url = _settings().resolved_database_url()
    if direction == "up":
        upgrade(url)
    elif direction == "down":
        downgrade(url)
    else:
        console.print("[red]Say 'up' or 'down'.[/]")
        raise typer.Exit(2)
    console.print(f"Migrated {direction}.")


@app.command()
def seed() -> None:
    """Seed the demo user, organisation, app and mini programs (only what is missing)."""
    from minihost.demo import seed_demo

    settings = _settings()
    upgrade(settings.resolved_database_url())
    console.print(asyncio.run(seed_demo(settings)) or "Demo data already there.", soft_wrap=True, markup=False)


def _settings() -> Settings:
    settings = get_settings()
    # A fresh checkout has no data directory yet; SQLite cannot create its file without one.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _describe_db(url: str) -> str:
    return url.split("://", 1)[0] + "://…" + url.rsplit("/", 1)[-1]


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(app())
