"""Shared steps of runtime tests: publish a mini program on the real server, open it, find its frames."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import update

from minihost.apps import service as apps
from minihost.db import utcnow
from minihost.packages import service as packages
from minihost.packages.models import AppVersion, BundleFile

from .bundle import Bundle
from .conftest import Publisher

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# A real package to upload first; a hand-written bundle then becomes that version's content.
PLACEHOLDER = EXAMPLES / "hello-world"


async def _register(pub: Publisher, name: str, domains: list[str]) -> str:
    registered = await apps.register_app(
        pub.ctx, pub.org_id, f"{name} {secrets.token_hex(2)}", category="Tools", description="A runtime test."
    )
    appid = registered.app.appid
    if domains:
        await apps.set_domains(pub.ctx, appid, "request", domains)
    return appid


async def _publish_folder(pub: Publisher, folder: Path, name: str, domains: list[str]) -> str:
    appid = await _register(pub, name, domains)
    await packages.upload_package(pub.ctx, appid, pub.dev, folder, "1.0.0")
    await packages.release_version(pub.ctx, appid, pub.dev, "1.0.0")
    return appid


async def _publish_bundle(
    pub: Publisher, manifest_hash: str, files: dict[str, bytes], name: str, domains: list[str]
) -> str:
    appid = await _publish_folder(pub, PLACEHOLDER, name, domains)
    ctx = pub.ctx
    packages.bundle_store(ctx).put_many(files)
    ins = packages.sqlite_insert if ctx.db.url.startswith("sqlite") else packages.pg_insert
    rows = [
        {"sha256": h, "content_type": packages.sniff(d), "size": len(d), "created_at": utcnow()}
        for h, d in files.items()
    ]
    async with ctx.db.session() as s, s.begin():
        await s.execute(ins(BundleFile).values(rows).on_conflict_do_nothing(index_elements=["sha256"]))
        await s.execute(update(AppVersion).where(AppVersion.appid == appid).values(manifest_hash=manifest_hash))
    return appid


def install(pub: Publisher, bundle: Bundle, name: str = "Test App", domains: list[str] | None = None) -> str:
    """Publish a hand-written bundle as the release of a new app; returns its appid."""
    mh, files = bundle.build()
    return pub.run(_publish_bundle(pub, mh, files, name, domains or []))


def install_example(pub: Publisher, folder: str, domains: list[str] | None = None) -> str:
    """Compile and release examples/<folder> as a new app; returns its appid."""
    return pub.run(_publish_folder(pub, EXAMPLES / folder, folder, domains or []))


def open_app(page: Any, appid: str, **opts: Any) -> None:
    page.evaluate("([appid, opts]) => window.host.open(appid, opts)", [appid, opts])


def frame(page: Any, appid: str, index: int = -1) -> Any:
    """The FrameLocator of the visible (top) page frame of `appid`, or of the index-th frame."""
    if index == -1:
        return page.frame_locator(f'.mh-app[data-appid="{appid}"] iframe.mh-active')
    return page.frame_locator(f'.mh-app[data-appid="{appid}"] iframe').nth(index)


def nav_title(page: Any, appid: str) -> str:
    return str(page.locator(f'.mh-app[data-appid="{appid}"] .mh-nav-title').inner_text())


def host_api(page: Any, method: str, path: str, body: Any = None) -> Any:
    """Call the host API from the host page, as the signed-in user (with the page's CSRF token)."""
    return page.evaluate(
        """async ([method, path, body]) => {
          const csrf = document.querySelector('meta[name=csrf-token]').content;
          const r = await fetch(path, { method, headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
                                        body: body === null ? undefined : body });
          return { status: r.status, json: await r.json() };
        }""",
        [method, path, None if body is None else json.dumps(body)],
    )


def stored(page: Any, appid: str, key: str) -> Any:
    """A value of the app's storage for the signed-in user, as the server holds it."""
    r = host_api(page, "GET", f"/host/api/apps/{appid}/storage/{key}")
    assert r["status"] == 200, r
    return r["json"]["value"]
