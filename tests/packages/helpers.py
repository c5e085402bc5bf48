"""Small in-memory packages for tests."""

from __future__ import annotations

import json
from typing import Any

from minihost.packages.compiler import CompiledBundle, CompileFailed, Limits, PackageSource, compile_package


def package(files: dict[str, str | bytes], pages: list[str] | None = None, **app: Any) -> PackageSource:
    """A package with `files`; app.json (pages = `pages` or every page-looking .wxml) and app.js are
    added when missing, and a .js for every page."""
    mapping: dict[str, bytes] = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
    if pages is None:
        pages = sorted(
            {p.rsplit(".", 1)[0] for p in mapping if p.startswith("pages/") and p.endswith((".wxml", ".wxss"))}
        )
    if "app.json" not in mapping:
        mapping["app.json"] = json.dumps({"pages": pages, **app}).encode()
    mapping.setdefault("app.js", b"App({})\n")
    for page in pages:
        mapping.setdefault(page + ".js", b"Page({})\n")
        mapping.setdefault(page + ".wxml", b"<view/>\n")
    return PackageSource.from_files(mapping)


def build(files: dict[str, str | bytes], limits: Limits = Limits(), **kw: Any) -> CompiledBundle:
    return compile_package(package(files, **kw), limits)


def errors(files: dict[str, str | bytes], limits: Limits = Limits(), **kw: Any) -> list[str]:
    try:
        compile_package(package(files, **kw), limits)
    except CompileFailed as exc:
        return [str(e) for e in exc.errors]
    raise AssertionError("the package compiled without errors")


def template(files: dict[str, str | bytes], page: str = "pages/index/index", **kw: Any) -> dict[str, Any]:
    bundle = build(files, **kw)
    data: dict[str, Any] = json.loads(bundle.files[bundle.manifest["pages"][page]["template"]])
    return data


def root(wxml: str) -> list[Any]:
    """The compiled root nodes of a page whose .wxml is `wxml`, `loc` removed for brevity."""
    return _strip_loc(template({"pages/index/index.wxml": wxml})["root"])


def css(files: dict[str, str | bytes], page: str = "pages/index/index") -> str:
    files = {"pages/index/index.wxml": "<view/>", **files}
    bundle = build(files)
    digest = bundle.manifest["pages"][page]["css"]
    return bundle.files[digest].decode()


def _strip_loc(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_loc(v) for k, v in value.items() if k != "loc"}
    if isinstance(value, list):
        return [_strip_loc(v) for v in value]
    return value


def lit(v: Any) -> dict[str, Any]:
    return {"k": "lit", "v": v}


def ident(n: str) -> dict[str, Any]:
    return {"k": "id", "n": n}


def el(
    tag: str, *children: Any, attrs: dict[str, Any] | None = None, events: list[Any] | None = None
) -> dict[str, Any]:
    return {"t": "el", "tag": tag, "attrs": attrs or {}, "events": events or [], "children": list(children)}


def text(v: Any) -> dict[str, Any]:
    return {"t": "text", "v": v if isinstance(v, dict) else lit(v)}
