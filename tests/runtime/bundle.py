"""Hand-written bundles (BUNDLE_FORMAT.md) for runtime tests: exact template ASTs, stored as a release by helpers.py.

`t`, `el`, `ident`... build template AST nodes and expressions; `Bundle` assembles the manifest and files.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

Expr = dict[str, Any]
Node = dict[str, Any]


def lit(v: Any) -> Expr:
    return {"k": "lit", "v": v}


def ident(n: str) -> Expr:
    return {"k": "id", "n": n}


def mem(o: Expr, p: str | int | Expr) -> Expr:
    return {"k": "mem", "o": o, "p": p if isinstance(p, dict) else lit(p)}


def path(dotted: str) -> Expr:
    """'a.b.c' -> member chain."""
    parts = dotted.split(".")
    e = ident(parts[0])
    for p in parts[1:]:
        e = mem(e, int(p) if p.isdigit() else p)
    return e


def cat(*parts: Expr | str) -> Expr:
    return {"k": "cat", "parts": [lit(p) if isinstance(p, str) else p for p in parts]}


def binop(op: str, left: Expr, right: Expr) -> Expr:
    return {"k": "bin", "op": op, "l": left, "r": right}


def t(*parts: Expr | str) -> Node:
    return {"t": "text", "v": cat(*parts)}


def el(tag: str, attrs: dict[str, Any] | None = None, *children: Node, on: dict[str, str] | None = None) -> Node:
    """attrs values: str -> literal string, True -> attribute without value, dict -> an Expr.
    on: {"tap": "handler"} or {"catch:tap": "h"}, {"capture-bind:tap": "h"}, {"mut-bind:tap": "h"}."""
    a: dict[str, Expr] = {}
    for k, v in (attrs or {}).items():
        a[k] = v if isinstance(v, dict) else lit(v)
    events = []
    for k, h in (on or {}).items():
        mode, _, typ = k.rpartition(":")
        events.append({"type": typ, "handler": lit(h), "mode": mode or "bind"})
    return {"t": "el", "tag": tag, "attrs": a, "events": events, "children": list(children), "loc": [1, 1]}


def if_(*branches: tuple[Expr | None, list[Node]]) -> Node:
    return {"t": "if", "branches": [{"cond": c, "body": b} for c, b in branches]}


def for_(items: Expr, body: list[Node], key: str | None = None, item: str = "item", index: str = "index") -> Node:
    return {"t": "for", "items": items, "item": item, "index": index, "key": key, "body": body}


def _h(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Bundle:
    app: dict[str, Any] = field(default_factory=lambda: {"pages": [], "window": {}})
    files: dict[str, bytes] = field(default_factory=dict)
    pages: dict[str, Any] = field(default_factory=dict)
    components: dict[str, Any] = field(default_factory=dict)
    js: dict[str, str] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)
    app_css: str | None = None
    wxs: dict[str, str] = field(default_factory=dict)

    def _put(self, data: bytes) -> str:
        h = _h(data)
        self.files[h] = data
        return h

    def page(
        self,
        route: str,
        root: list[Node],
        js: str = "Page({})",
        css: str | None = None,
        config: dict[str, Any] | None = None,
        using: dict[str, str] | None = None,
        templates: dict[str, list[Node]] | None = None,
        wxs: dict[str, str] | None = None,
    ) -> Bundle:
        if route not in self.app["pages"]:
            self.app["pages"].append(route)
        tpl = {"path": route + ".wxml", "root": root, "templates": templates or {}, "wxs": wxs or {}}
        self.pages[route] = {
            "config": config or {},
            "template": self._put(json.dumps(tpl).encode()),
            "css": self._put(css.encode()) if css else None,
            "usingComponents": using or {},
        }
        self.js[route + ".js"] = js
        return self

    def component(
        self, cpath: str, root: list[Node], js: str, css: str | None = None, using: dict[str, str] | None = None
    ) -> Bundle:
        prefix = "c" + _h(cpath.encode())[:8]
        tpl = {"path": cpath + ".wxml", "root": root, "templates": {}, "wxs": {}}
        self.components[cpath] = {
            "config": {"component": True, "options": {}},
            "template": self._put(json.dumps(tpl).encode()),
            # as the compiler does: every class selector of component CSS gets the component's prefix
            "css": self._put(re.sub(r"\.([A-Za-z_][\w-]*)", rf".{prefix}--\1", css).encode()) if css else None,
            "stylePrefix": prefix,
            "usingComponents": using or {},
        }
        self.js[cpath + ".js"] = js
        return self

    def asset(self, path: str, data: bytes) -> Bundle:
        self.assets[path] = self._put(data)
        return self

    def build(self) -> tuple[str, dict[str, bytes]]:
        logic = "".join(
            f"__mhDefine({json.dumps(p)}, function (require, module, exports) {{\n{src}\n}});\n"
            for p, src in self.js.items()
        )
        logic += "__mhDefine.done();\n"
        wxs_script = "".join(
            f"__mhWxsDefine({json.dumps(k)}, function (require, module, exports, getDate, getRegExp) {{\n{src}\n}});\n"
            for k, src in self.wxs.items()
        )
        app = dict(self.app)
        for cfg in self.pages.values():
            cfg["config"] = {**app.get("window", {}), **cfg["config"]}
        manifest = {
            "format": 1,
            "app": app,
            "appCss": self._put(self.app_css.encode()) if self.app_css else None,
            "logic": self._put(logic.encode()),
            "pages": self.pages,
            "components": self.components,
            "wxs": self._put(wxs_script.encode()) if self.wxs else None,
            "assets": self.assets,
            "subPackages": [],
        }
        mh = self._put(json.dumps(manifest).encode())
        return mh, dict(self.files)
