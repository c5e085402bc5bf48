"""WXML → template JSON, file by file, with imports, includes and wxs modules resolved."""

from __future__ import annotations

from typing import Any

from ..errors import Diagnostics
from ..paths import resolve_ref
from ..source import PackageSource
from .parser import parse_wxml
from .transform import FileUnit, InlineWxs, Node, Resolver, Transformer

__all__ = ["InlineWxs", "TemplateCompiler"]


class TemplateCompiler(Resolver):
    """Compiles each .wxml file of a package once, however many pages include or import it."""

    def __init__(self, source: PackageSource, diag: Diagnostics) -> None:
        self.source = source
        self.diag = diag
        self.units: dict[str, FileUnit | None] = {}
        self._active: list[str] = []
        self.values = {}

    def unit(self, path: str) -> FileUnit | None:
        if path in self.units:
            return self.units[path]
        self.units[path] = None
        text = self.source.text(path, self.diag)
        if text is None:
            return None
        self._active.append(path)
        try:
            doc = parse_wxml(path, text, self.diag)
            unit = Transformer(doc, self.diag, self).run()
        finally:
            self._active.pop()
        self.units[path] = unit
        return unit

    def template_json(self, path: str) -> dict[str, Any] | None:
        unit = self.unit(path)
        if unit is None:
            return None
        templates: dict[str, list[Node]] = {}
        wxs: dict[str, str] = {}
        for imported in unit.imports:
            other = self.unit(imported)
            if other is not None:  # imports are not transitive: only the imported file's own
                templates.update(other.templates)
                wxs.update(other.wxs)
        templates.update(unit.templates)
        wxs.update(unit.wxs)
        return {"path": path, "root": unit.root, "templates": templates, "wxs": wxs}

    def inline_wxs(self) -> list[InlineWxs]:
        return [m for unit in self.units.values() if unit is not None for m in unit.inline_wxs]

    # -- Resolver -------------------------------------------------------------------------------
    def _wxml(self, from_path: str, src: str, what: str) -> str:
        path = resolve_ref(from_path, src, ".wxml")
        if path not in self.source.files:
            raise LookupError(f"{what} {src!r}: no file {path}")
        return path

    def include(self, from_path: str, src: str) -> list[Node] | str:
        try:
            path = self._wxml(from_path, src, "include")
        except LookupError as exc:
            return str(exc)
        if path in self._active:
            cycle = " → ".join([*self._active[self._active.index(path) :], path])
            return f"include cycle: {cycle}"
        unit = self.unit(path)
        return unit.root if unit is not None else []

    def import_path(self, from_path: str, src: str) -> str:
        path = self._wxml(from_path, src, "import")
        if path in self._active:
            return path  # a file importing itself (or a cycle) adds nothing new
        self.unit(path)
        return path

    def wxs_path(self, from_path: str, src: str) -> str:
        path = resolve_ref(from_path, src, ".wxs")
        if path not in self.source.files:
            raise LookupError(f"wxs {src!r}: no file {path}")
        return path
