"""compile_package: a package's files → the manifest and the files it names, by hash."""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

import orjson

from .errors import CompileFailed, CompileMessage, Diagnostics
from .jsonfile import JsonDoc
from .limits import Limits
from .manifest import (
    FORMAT,
    AppConfig,
    ComponentRefError,
    ComponentUnsupported,
    extended_libs,
    load_config,
    read_app,
    resolve_component,
)
from .scripts import build_logic
from .source import PackageSource
from .wxml import TemplateCompiler
from .wxs import build_wxs
from .wxss import WxssCompiler, class_prefix

# Files that are compiled (or are the devtools' own) and so never shipped as assets.
_CODE_EXTENSIONS = frozenset({".wxml", ".wxss", ".js", ".json", ".wxs"})
# Sources of tools that WeChat's devtools compile or ignore; they are not part of the running app.
_SOURCE_ONLY_EXTENSIONS = frozenset({".ts", ".less", ".scss", ".sass", ".styl", ".md", ".map", ".d.ts"})


@dataclass
class CompiledBundle:
    manifest: dict[str, Any]
    manifest_bytes: bytes
    manifest_hash: str
    files: dict[str, bytes]  # hash → bytes, the manifest included
    warnings: list[CompileMessage] = field(default_factory=list)


def dumps(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8, so equal input gives equal bytes."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits in some .json: the slower encoder handles it
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class _Builder:
    def __init__(self, source: PackageSource, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.diag = Diagnostics()
        self.files: dict[str, bytes] = {}
        self.templates = TemplateCompiler(source, self.diag)
        self.styles = WxssCompiler(source, self.diag)
        self.components: dict[str, dict[str, Any] | None] = {}
        self.app_components: dict[str, str] = {}
        self.queue: list[tuple[str, str, tuple[int, int]]] = []
        self.extended_libs: tuple[str, ...] = ()

    def store(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.files[digest] = data
        return digest

    def build(self) -> dict[str, Any] | None:
        source, diag = self.source, self.diag
        app = read_app(source, diag)
        if app is None:
            return None
        self.check_limits(app)
        if "app.js" not in source.files:
            diag.error("app.js", 1, 1, "the package has no app.js at its root")
        self.extended_libs = extended_libs(app.app)
        self.app_components = self.using_components(app.doc, "app.json", {})

        pages: dict[str, Any] = {}
        for page in app.pages:
            entry = self.page(app, page)
            if entry is not None:
                pages[page] = entry

        while self.queue:  # components found through usingComponents, compiled once each
            self.component(*self.queue.pop(0))

        app_css = self.css("app.wxss", "") if "app.wxss" in source.files else None
        js_files = sorted(p for p in source.files if p.endswith(".js"))
        logic, logic_lines = build_logic(source, js_files, diag)
        wxs_files = sorted(p for p in source.files if p.endswith(".wxs"))
        wxs = build_wxs(source, wxs_files, self.templates.inline_wxs(), diag)
        assets = {path: self.store(data) for path, data in sorted(source.files.items()) if _is_asset(path)}
        return {
            "format": FORMAT,
            "app": app.app,
            "appCss": app_css,
            "logic": self.store(logic),
            "logicLines": logic_lines,
            "pages": pages,
            "components": {k: v for k, v in sorted(self.components.items()) if v is not None},
            "wxs": self.store(wxs) if wxs is not None else None,
            "assets": assets,
            "subPackages": [sub.manifest() for sub in app.subpackages],
            "theme": self.theme(app),
        }

    def theme(self, app: AppConfig) -> dict[str, Any] | None:
        """The darkmode theme file (app.json `themeLocation`) whose `@name` values configs refer to."""
        location = app.app.get("themeLocation")
        if not isinstance(location, str) or not location.strip():
            return None
        path = location.strip().lstrip("/")
        if path not in self.source.files:
            self.diag.error("app.json", *app.doc.pos("themeLocation"), f"themeLocation {location!r}: no such file")
            return None
        doc = load_config(self.source, path, self.diag)
        return dict(doc.value) if doc is not None else None

    # -- pages and components ---------------------------------------------------------------------
    def page(self, app: AppConfig, page: str) -> dict[str, Any] | None:
        source, diag = self.source, self.diag
        where = app.doc.pos("pages", app.main_pages.index(page)) if page in app.main_pages else None
        if where is None:
            for sub in app.subpackages:
                if page in sub.pages:
                    where = app.doc.pos(sub.key, sub.index, "pages", sub.pages.index(page))
        missing = [ext for ext in (".wxml", ".js") if page + ext not in source.files]
        for ext in missing:
            line, col = where or (1, 1)
            diag.error("app.json", line, col, f"page {page!r} has no {page}{ext}{_ts_hint(source, page, ext)}")
        doc = load_config(source, page + ".json", diag)
        config: dict[str, Any] = dict(app.window)
        own: dict[str, str] = {}
        if doc is not None:
            own = self.using_components(doc, page + ".json", {})
            config.update({k: v for k, v in doc.value.items() if k != "usingComponents"})
        if missing:
            return None
        template = self.templates.template_json(page + ".wxml")
        return {
            "config": config,
            "template": self.store(dumps(template)) if template is not None else None,
            "css": self.css(page + ".wxss", ""),
            "usingComponents": {**self.app_components, **own},
        }

    def using_components(self, doc: JsonDoc, json_path: str, inherited: dict[str, str]) -> dict[str, str]:
        using = doc.value.get("usingComponents")
        if using is None:
            return {}
        if not isinstance(using, dict):
            self.diag.error(json_path, *doc.pos("usingComponents"), "usingComponents must be an object")
            return {}
        resolved: dict[str, str] = {}
        for name, ref in using.items():
            if not isinstance(ref, str) or not ref.strip():
                self.diag.error(
                    json_path, *doc.pos("usingComponents", name), f"component {name!r}: path must be a string"
                )
                continue
            try:
                path = resolve_component(self.source, json_path, ref, self.extended_libs)
            except ComponentRefError as exc:
                report = self.diag.warn if isinstance(exc, ComponentUnsupported) else self.diag.error
                report(json_path, *doc.pos("usingComponents", name), f"component {name!r}: {exc}")
                continue
            resolved[name] = path
            self.queue.append((path, json_path, doc.pos("usingComponents", name)))
        return resolved

    def component(self, path: str, used_from: str, where: tuple[int, int]) -> None:
        if path in self.components:
            return
        self.components[path] = None  # in progress: a component may use itself (trees)
        source, diag = self.source, self.diag
        doc = load_config(source, path + ".json", diag)
        if doc is None:
            if path + ".json" not in source.files:
                diag.error(used_from, *where, f"component {path!r} has no {path}.json")
            return
        if doc.value.get("component") is not True:
            diag.error(path + ".json", *doc.pos(), 'a component\'s .json needs "component": true')
        missing = [ext for ext in (".wxml", ".js") if path + ext not in source.files]
        for ext in missing:
            diag.error(used_from, *where, f"component {path!r} has no {path}{ext}{_ts_hint(source, path, ext)}")
        own = self.using_components(doc, path + ".json", {})
        if missing:
            return
        config = {k: v for k, v in doc.value.items() if k != "usingComponents"}
        config.setdefault("options", {})
        generics = config.get("componentGenerics")
        if isinstance(generics, dict):
            config["componentGenerics"] = self.generic_defaults(doc, path + ".json", generics)
        prefix = class_prefix(path)
        template = self.templates.template_json(path + ".wxml")
        self.components[path] = {
            "config": config,
            "template": self.store(dumps(template)) if template is not None else None,
            "css": self.css(path + ".wxss", prefix),
            "stylePrefix": prefix,
            "usingComponents": {**self.app_components, **own},
        }

    def generic_defaults(self, doc: JsonDoc, json_path: str, generics: dict[str, Any]) -> dict[str, Any]:
        """componentGenerics with each `default` resolved to a component path, like usingComponents."""
        resolved: dict[str, Any] = {}
        for name, generic in generics.items():
            default = generic.get("default") if isinstance(generic, dict) else None
            if not isinstance(default, str):
                resolved[name] = generic
                continue
            where = doc.pos("componentGenerics", name, "default")
            try:
                target = resolve_component(self.source, json_path, default, self.extended_libs)
            except ComponentRefError as exc:
                report = self.diag.warn if isinstance(exc, ComponentUnsupported) else self.diag.error
                report(json_path, *where, f"generic {name!r}: {exc}")
                resolved[name] = {k: v for k, v in generic.items() if k != "default"}
                continue
            resolved[name] = {**generic, "default": target}
            self.queue.append((target, json_path, where))
        return resolved

    def css(self, path: str, prefix: str) -> str | None:
        if path not in self.source.files:
            return None
        css = self.styles.compile(path, prefix)
        return self.store(css.encode("utf-8")) if css is not None else None

    # -- limits ---------------------------------------------------------------------------------
    def check_limits(self, app: AppConfig) -> None:
        limits = self.limits
        roots = [sub.root for sub in app.subpackages]
        groups: dict[str, list[tuple[str, int]]] = {"": []}
        for root in roots:
            groups[root] = []
        for path, data in self.source.files.items():
            owner = next((r for r in roots if path.startswith(r)), "")
            groups[owner].append((path, len(data)))
        total = sum(size for files in groups.values() for _, size in files)
        checks: list[tuple[str, list[tuple[str, int]], int, tuple[int, int]]] = [
            ("main package", groups[""], limits.main_package_bytes, app.doc.pos("pages"))
        ]
        for sub in app.subpackages:
            checks.append(
                (f"subpackage {sub.root}", groups[sub.root], limits.subpackage_bytes, app.doc.pos(sub.key, sub.index))
            )
        for label, files, limit, where in checks:
            size = sum(s for _, s in files)
            if size > limit:
                self.diag.error(
                    "app.json", *where, f"{label} is {_size(size)}, over the {_size(limit)} limit; {_largest(files)}"
                )
        if total > limits.total_bytes:
            every = [f for files in groups.values() for f in files]
            self.diag.error(
                "app.json",
                1,
                1,
                f"the package is {_size(total)} in all, over the {_size(limits.total_bytes)} limit; {_largest(every)}",
            )


def _ts_hint(source: PackageSource, path: str, ext: str) -> str:
    if ext == ".js" and path + ".ts" in source.files:
        return " (only a .ts file: compile TypeScript to JavaScript before uploading)"
    return ""


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.2f} MB ({n} bytes)"
    if n >= 1024:
        return f"{n / 1024:.1f} KB ({n} bytes)"
    return f"{n} bytes"


def _largest(files: list[tuple[str, int]]) -> str:
    top = sorted(files, key=lambda f: (-f[1], f[0]))[:5]
    return "largest files: " + ", ".join(f"{p} ({_size(s)})" for p, s in top)


def _is_asset(path: str) -> bool:
    ext = posixpath.splitext(path)[1].lower()
    return ext not in _CODE_EXTENSIONS and ext not in _SOURCE_ONLY_EXTENSIONS and not path.endswith(".d.ts")


def _unique(messages: list[CompileMessage]) -> list[CompileMessage]:
    return list(dict.fromkeys(messages))


def compile_package(source: PackageSource, limits: Limits = Limits()) -> CompiledBundle:
    """Compile a package into a bundle; raises CompileFailed with every error found."""
    builder = _Builder(source, limits)
    manifest = builder.build()
    errors = _unique(builder.diag.errors)
    if errors or manifest is None:
        raise CompileFailed(errors)
    manifest_bytes = dumps(manifest)
    manifest_hash = builder.store(manifest_bytes)
    return CompiledBundle(
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        manifest_hash=manifest_hash,
        files=dict(sorted(builder.files.items())),
        warnings=_unique(builder.diag.warnings),
    )
