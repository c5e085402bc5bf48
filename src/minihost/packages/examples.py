"""Publishing the example mini programs under `examples/`: the demo's home, and the browser tests' fixtures."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

from minihost.apps import service as apps
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.packages import service as packages
from minihost.packages.compiler import CompileFailed, PackageSource, compile_package

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples"


@dataclass(frozen=True)
class Example:
    folder: str
    name: str
    description: str
    path: Path


@dataclass(frozen=True)
class Published:
    example: Example
    appid: str | None
    error: str = ""


def find_examples(root: Path = EXAMPLES_DIR) -> list[Example]:
    """Every folder with an app.json (or a project.config.json naming the package root), by name."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not (folder / "app.json").is_file() and not (folder / "project.config.json").is_file():
            continue
        found.append(Example(folder.name, _title(folder.name), _summary(folder / "README.md"), folder))
    return found


def _title(folder: str) -> str:
    return " ".join(w.capitalize() for w in re.split(r"[-_ ]+", folder) if w)[:64] or folder[:64]


def _summary(readme: Path) -> str:
    """The README's first paragraph, which says what the example shows."""
    if not readme.is_file():
        return ""
    paragraph: list[str] = []
    for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
        text = line.strip()
        if text.startswith("#") or (not text and not paragraph):
            continue
        if not text:
            break
        paragraph.append(text)
    return " ".join(paragraph)[:500]


async def publish_example(ctx: Ctx, org_id: int, developer: packages.HasId, example: Example) -> Published:
    """Register the example as an app of the organisation, upload it as 1.0.0 and release it. One that does
    not compile is not registered at all (the error says why)."""
    try:
        await asyncio.to_thread(compile_package, PackageSource.from_directory(example.path), packages.limits(ctx))
    except CompileFailed as exc:
        return Published(example, None, str(exc))
    registered = await apps.register_app(
        ctx, org_id, example.name, category="Tools", description=example.description or f"The {example.folder} example."
    )
    appid = registered.app.appid
    try:
        await packages.upload_package(ctx, appid, developer, example.path, "1.0.0", "The example as shipped.")
        await packages.release_version(ctx, appid, developer, "1.0.0")
    except ApiError as exc:
        return Published(example, None, exc.message)
    return Published(example, appid)


async def publish_examples(
    ctx: Ctx, org_id: int, developer: packages.HasId, root: Path = EXAMPLES_DIR
) -> list[Published]:
    examples = await asyncio.to_thread(find_examples, root)
    return [await publish_example(ctx, org_id, developer, ex) for ex in examples]
