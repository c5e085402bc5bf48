"""app.json and per-page/component .json: normalisation, page lists, component path resolution."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from .errors import Diagnostics
from .jsonfile import JsonDoc, load_json
from .source import PackageSource

FORMAT = 1


@dataclass
class SubPackage:
    root: str  # "packageA/"
    pages: list[str]
    independent: bool
    index: int  # position in app.json's subPackages, for messages
    key: str  # "subPackages" or "subpackages", as written

    def manifest(self) -> dict[str, Any]:
        return {"root": self.root, "pages": self.pages, "independent": self.independent}


@dataclass
class AppConfig:
    doc: JsonDoc
    app: dict[str, Any]  # normalised app.json, for the manifest
    main_pages: list[str] = field(default_factory=list)
    subpackages: list[SubPackage] = field(default_factory=list)

    @property
    def window(self) -> dict[str, Any]:
        window = self.app.get("window")
        return window if isinstance(window, dict) else {}

    @property
    def pages(self) -> list[str]:
        return [*self.main_pages, *(p for sub in self.subpackages for p in sub.pages)]


def _page_path(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    path = value.strip().lstrip("/")
    return path or None


def read_app(source: PackageSource, diag: Diagnostics) -> AppConfig | None:
    if "app.json" not in source.files:
        diag.error("app.json", 1, 1, "the package has no app.json at its root")
        return None
    doc = load_json(source, "app.json", diag)
    if doc is None:
        return None
    if not isinstance(doc.value, dict):
        diag.error("app.json", *doc.pos(), "app.json must be a JSON object")
        return None
    app: dict[str, Any] = dict(doc.value)
    config = AppConfig(doc, app)
    seen: dict[str, tuple[str | int, ...]] = {}

    def add_page(raw: Any, where: tuple[str | int, ...], prefix: str, into: list[str]) -> None:
        path = _page_path(raw)
        if path is None:
            diag.error("app.json", *doc.pos(*where), "a page must be a non-empty path string")
            return
        if path.endswith((".wxml", ".js", ".json")):
            diag.error("app.json", *doc.pos(*where), f"page {path!r}: write pages without the file extension")
            return
        full = prefix + path
        if full in seen:
            line, _col = doc.pos(*seen[full])
            diag.error("app.json", *doc.pos(*where), f"page {full!r} is listed twice (first at line {line})")
            return
        seen[full] = where
        into.append(full)

    pages = app.get("pages")
    if not isinstance(pages, list) or not pages:
        diag.error("app.json", *doc.pos("pages"), 'app.json needs a non-empty "pages" list')
    else:
        for i, raw in enumerate(pages):
            add_page(raw, ("pages", i), "", config.main_pages)

    key = "subPackages" if "subPackages" in app else "subpackages"
    subs = app.get(key)
    if subs is not None and not isinstance(subs, list):
        diag.error("app.json", *doc.pos(key), f"{key} must be a list")
    elif subs:
        roots: set[str] = set()
        for i, sub in enumerate(subs):
            if not isinstance(sub, dict) or not isinstance(sub.get("root"), str) or not sub["root"].strip("/ "):
                diag.error("app.json", *doc.pos(key, i), 'a subpackage needs a "root" folder')
                continue
            root = sub["root"].strip().strip("/") + "/"
            if root in roots:
                diag.error("app.json", *doc.pos(key, i, "root"), f"subpackage root {root!r} is listed twice")
                continue
            roots.add(root)
            sub_pages: list[str] = []
            raw_pages = sub.get("pages", [])
            if not isinstance(raw_pages, list):
                diag.error("app.json", *doc.pos(key, i, "pages"), "subpackage pages must be a list")
                raw_pages = []
            for j, raw in enumerate(raw_pages):
                add_page(raw, (key, i, "pages", j), root, sub_pages)
            config.subpackages.append(SubPackage(root, sub_pages, bool(sub.get("independent")), i, key))
        for p in config.main_pages:
            for sub in config.subpackages:
                if p.startswith(sub.root):
                    diag.error(
                        "app.json",
                        *doc.pos("pages"),
                        f"page {p!r} of the main package is inside subpackage {sub.root!r}",
                    )
        if key == "subpackages":
            app["subPackages"] = app.pop("subpackages")

    all_pages = config.pages
    app["pages"] = all_pages
    entry = app.get("entryPagePath")
    if entry is not None:
        entry_path = _page_path(entry)
        if entry_path not in all_pages:
            diag.error("app.json", *doc.pos("entryPagePath"), f"entryPagePath {entry!r} is not one of the pages")
        app["entryPagePath"] = entry_path
    elif all_pages:
        app["entryPagePath"] = all_pages[0]

    tab_bar = app.get("tabBar")
    if isinstance(tab_bar, dict) and isinstance(tab_bar.get("list"), list):
        for i, item in enumerate(tab_bar["list"]):
            if not isinstance(item, dict):
                continue
            page = _page_path(item.get("pagePath"))
            if page not in all_pages:
                diag.error(
                    "app.json",
                    *doc.pos("tabBar", "list", i, "pagePath"),
                    f"tabBar pagePath {item.get('pagePath')!r} is not one of the pages",
                )
            for icon_key in ("iconPath", "selectedIconPath"):
                icon = item.get(icon_key)
                # "@name" is a darkmode theme variable (themeLocation), resolved by the runtime
                if isinstance(icon, str) and icon and not icon.startswith("@") and icon.lstrip("/") not in source.files:
                    diag.error(
                        "app.json",
                        *doc.pos("tabBar", "list", i, icon_key),
                        f"tabBar {icon_key} {icon!r}: no such file in the package",
                    )
    return config


class ComponentRefError(LookupError):
    pass


class ComponentUnsupported(ComponentRefError):
    """A component WeChat provides from outside the package: a warning, the tag stays unknown."""


def extended_libs(app: dict[str, Any]) -> tuple[str, ...]:
    libs = app.get("useExtendedLib")
    return tuple(sorted(k for k, v in libs.items() if v)) if isinstance(libs, dict) else ()


def resolve_component(source: PackageSource, using_file: str, ref: str, extended_libs: tuple[str, ...] = ()) -> str:
    """The component path (no extension) that `ref` in `using_file`'s usingComponents names.

    `/x` is from the package root, `./x` and `../x` from the using file's folder; a bare name is
    looked up as WeChat does: next to the using file, then in `miniprogram_npm` folders from the
    using file's folder up to the root, then from the root. A folder stands for its `index`.
    """
    ref = ref.strip()
    if ref.startswith(("plugin://", "plugin-private://")):
        raise ComponentUnsupported(f"plugin components are not supported ({ref})")
    for lib in extended_libs:
        if ref.startswith(f"{lib}-miniprogram/"):
            raise ComponentUnsupported(
                f"{ref} comes from the extended library {lib!r} (useExtendedLib), which is not provided"
            )
    using_dir = posixpath.dirname(using_file)
    if ref.startswith("/"):
        candidates = [ref.lstrip("/")]
    elif ref.startswith(("./", "../")):
        candidates = [posixpath.join(using_dir, ref)]
    else:
        candidates = [posixpath.join(using_dir, ref)]
        folder = using_dir
        while True:
            candidates.append(posixpath.join(folder, "miniprogram_npm", ref))
            if not folder:
                break
            folder = posixpath.dirname(folder)
        candidates.append(ref)
    files = source.files
    for candidate in candidates:
        path = posixpath.normpath(candidate)
        if path.startswith(".."):
            continue
        if path.endswith((".json", ".wxml", ".js")):
            path = posixpath.splitext(path)[0]
        if path + ".json" in files or path + ".wxml" in files:
            return path
        if path + "/index.json" in files:
            return path + "/index"
    hint = ""
    if not ref.startswith((".", "/")) and not any("miniprogram_npm/" in p for p in files):
        hint = "; if it is an npm package, build it into miniprogram_npm first (the devtools' Build npm)"
    raise ComponentRefError(f"component {ref!r} not found (looked for {posixpath.normpath(candidates[0])}.json){hint}")


def load_config(source: PackageSource, path: str, diag: Diagnostics) -> JsonDoc | None:
    """A page's or component's .json, None when absent or broken (broken is reported)."""
    if path not in source.files:
        return None
    doc = load_json(source, path, diag)
    if doc is not None and not isinstance(doc.value, dict):
        diag.error(path, *doc.pos(), "the file must hold a JSON object")
        return None
    return doc
