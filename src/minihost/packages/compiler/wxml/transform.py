"""Raw WXML tree → the contract's template nodes (directives, events, templates, imports, wxs)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostics
from .expr import Expr, ExprError, parse_expression
from .parser import RawAttr, RawDocument, RawElement, RawNode, RawText, mustache_end

Node = dict[str, Any]

_EVENT = re.compile(r"^(capture-catch|capture-bind|mut-bind|catch|bind):?([A-Za-z_][\w-]*)$")
_DIRECTIVES = frozenset(
    {"wx:if", "wx:elif", "wx:else", "wx:for", "wx:for-items", "wx:for-item", "wx:for-index", "wx:key"}
)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")


@dataclass
class InlineWxs:
    key: str
    source: str
    path: str
    pos: tuple[int, int]


@dataclass
class FileUnit:
    """One compiled .wxml file: what an importer or includer of it can see."""

    path: str
    root: list[Node] = field(default_factory=list)
    templates: dict[str, list[Node]] = field(default_factory=dict)
    wxs: dict[str, str] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    inline_wxs: list[InlineWxs] = field(default_factory=list)


class Resolver:
    """What a file transform needs from the package: other files, by reference."""

    # Compiled values by (raw text, object-body mode, typed): the same markup recurs across files.
    values: dict[tuple[str, str, bool], Expr]

    def include(self, from_path: str, src: str) -> list[Node] | str:
        """The nodes of an included file, or an error message."""
        raise NotImplementedError

    def import_path(self, from_path: str, src: str) -> str:
        """The package path of an imported .wxml (raises LookupError with a message)."""
        raise NotImplementedError

    def wxs_path(self, from_path: str, src: str) -> str:
        raise NotImplementedError


class Transformer:
    def __init__(self, doc: RawDocument, diag: Diagnostics, resolver: Resolver) -> None:
        self.doc = doc
        self.diag = diag
        self.resolver = resolver
        self.unit = FileUnit(doc.path)

    # -- messages -------------------------------------------------------------------------------
    def error(self, offset: int, message: str) -> None:
        line, col = self.doc.lines.pos(offset)
        self.diag.error(self.doc.path, line, col, message)

    def warn(self, offset: int, message: str) -> None:
        line, col = self.doc.lines.pos(offset)
        self.diag.warn(self.doc.path, line, col, message)

    # -- entry ----------------------------------------------------------------------------------
    def run(self) -> FileUnit:
        self.unit.root = self.nodes(self.doc.root, keep_space=False)
        return self.unit

    # -- values ---------------------------------------------------------------------------------
    def value(self, raw: str, start: int, mode: str = "auto", typed: bool = True) -> Expr:
        """A text or attribute value: `lit` when static, the expression alone when the value is one
        `{{ }}` (and `typed`), else a `cat` of the parts."""
        key = (raw, mode, typed)
        cached = self.resolver.values.get(key)
        if cached is not None:
            return cached
        errors_before = len(self.diag.errors)
        result = self._value(raw, start, mode, typed)
        if len(self.diag.errors) == errors_before:  # a value with errors is reported at each place
            self.resolver.values[key] = result
        return result

    def _value(self, raw: str, start: int, mode: str, typed: bool) -> Expr:
        text = self.doc.text
        parts: list[Expr] = []
        pos = 0
        n = len(raw)
        while pos < n:
            open_ = raw.find("{{", pos)
            if open_ == -1:
                parts.append({"k": "lit", "v": html.unescape(raw[pos:])})
                break
            if open_ > pos:
                parts.append({"k": "lit", "v": html.unescape(raw[pos:open_])})
            inner = start + open_ + 2
            close = mustache_end(text, inner, start + n)
            if close == -1:
                self.error(start + open_, "'{{' is never closed with '}}'")
                return {"k": "lit", "v": raw}
            try:
                parts.append(parse_expression(text, inner, close, object_body=mode))
            except ExprError as exc:
                self.error(exc.offset, f"bad expression: {exc.message}")
                parts.append({"k": "lit", "v": ""})
            pos = close + 2 - start
        if not parts:
            return {"k": "lit", "v": ""}
        if len(parts) == 1 and (typed or parts[0]["k"] == "lit"):
            return parts[0]
        return {"k": "cat", "parts": parts}

    def attr_value(self, attr: RawAttr, mode: str = "auto") -> Expr:
        if attr.value is None:
            return {"k": "lit", "v": True}
        return self.value(attr.value, attr.value_pos, mode)

    def static(self, attr: RawAttr) -> str | None:
        """An attribute that must be written without `{{ }}`."""
        if attr.value is None:
            self.error(attr.pos, f"{attr.name} needs a value")
            return None
        if "{{" in attr.value:
            self.error(attr.value_pos, f"{attr.name} cannot contain {{{{ }}}}")
            return None
        return html.unescape(attr.value)

    # -- children -------------------------------------------------------------------------------
    def nodes(self, children: list[RawNode], keep_space: bool) -> list[Node]:
        out: list[Node] = []
        chain: Node | None = None  # the open wx:if node that wx:elif / wx:else extend
        for raw in children:
            if isinstance(raw, RawText):
                if not keep_space and (not raw.text or raw.text.isspace()):
                    continue
                chain = None
                out.append({"t": "text", "v": self.value(raw.text, raw.pos, typed=False)})
                continue
            attrs = {a.name: a for a in raw.attrs}
            if self.definition(raw, attrs):
                continue
            cond_attr = attrs.get("wx:elif") or attrs.get("wx:else")
            if cond_attr is not None:
                if "wx:if" in attrs or ("wx:elif" in attrs and "wx:else" in attrs):
                    self.error(cond_attr.pos, f"{cond_attr.name} cannot be combined with another wx:if/wx:elif")
                if chain is None:
                    self.error(cond_attr.pos, f"{cond_attr.name} without a preceding wx:if or wx:elif")
                    out.extend(self.element(raw, attrs, keep_space))
                    continue
                is_else = cond_attr.name == "wx:else"
                cond = None if is_else else self.condition(cond_attr)
                chain["branches"].append({"cond": cond, "body": self.element(raw, attrs, keep_space)})
                if is_else:
                    chain = None
                continue
            if_attr = attrs.get("wx:if")
            if if_attr is None:
                chain = None
                out.extend(self.element(raw, attrs, keep_space))
                continue
            cond = self.condition(if_attr)
            if "wx:for" in attrs or "wx:for-items" in attrs:
                # wx:for is outer to wx:if on the same element, as in WeChat
                inner = self.element(raw, attrs, keep_space, with_for=False)
                branch = {"t": "if", "branches": [{"cond": cond, "body": inner}]}
                out.append(self.for_node(raw, attrs, [branch]))
                chain = None
                continue
            chain = {"t": "if", "branches": [{"cond": cond, "body": self.element(raw, attrs, keep_space)}]}
            out.append(chain)
        return out

    def condition(self, attr: RawAttr) -> Expr:
        if attr.value is None:
            self.error(attr.pos, f"{attr.name} needs a value")
            return {"k": "lit", "v": False}
        return self.attr_value(attr)

    # -- definitions: template name, import, wxs --------------------------------------------------
    def definition(self, el: RawElement, attrs: dict[str, RawAttr]) -> bool:
        tag = el.tag
        if tag == "template" and "name" in attrs:
            name = self.static(attrs["name"])
            if name is not None:
                if name in self.unit.templates:
                    self.warn(attrs["name"].pos, f"template {name!r} is defined twice; the last one wins")
                self.unit.templates[name] = self.nodes(el.children, keep_space=False)
            return True
        if tag == "import":
            src_attr = attrs.get("src")
            src = self.static(src_attr) if src_attr else None
            if src_attr is None:
                self.error(el.pos, "<import> needs a src attribute")
            elif src is not None:
                try:
                    self.unit.imports.append(self.resolver.import_path(self.doc.path, src))
                except LookupError as exc:
                    # WeChat compiles on without the missing templates; so do we, but say so
                    self.warn(src_attr.value_pos, f"{exc}; its templates are not available")
            return True
        if tag == "wxs":
            self.wxs(el, attrs)
            return True
        return False

    def wxs(self, el: RawElement, attrs: dict[str, RawAttr]) -> None:
        module_attr = attrs.get("module")
        if module_attr is None:
            self.error(el.pos, "<wxs> needs a module attribute")
            return
        module = self.static(module_attr)
        if module is None:
            return
        if not _IDENTIFIER.match(module):
            self.error(module_attr.value_pos, f"wxs module name {module!r} is not a valid identifier")
            return
        if module in self.unit.wxs:
            self.error(module_attr.value_pos, f"wxs module {module!r} is defined twice")
            return
        src_attr = attrs.get("src")
        if src_attr is not None:
            src = self.static(src_attr)
            if src is None:
                return
            try:
                self.unit.wxs[module] = self.resolver.wxs_path(self.doc.path, src)
            except LookupError as exc:
                self.error(src_attr.value_pos, str(exc))
            return
        key = f"{self.doc.path}#{module}"
        self.unit.wxs[module] = key
        self.unit.inline_wxs.append(
            InlineWxs(key, el.raw or "", self.doc.path, self.doc.lines.pos(el.raw_pos or el.pos))
        )

    # -- elements -------------------------------------------------------------------------------
    def element(self, el: RawElement, attrs: dict[str, RawAttr], keep_space: bool, with_for: bool = True) -> list[Node]:
        body = self.core(el, attrs, keep_space)
        if with_for and ("wx:for" in attrs or "wx:for-items" in attrs):
            return [self.for_node(el, attrs, body)]
        return body

    def for_node(self, el: RawElement, attrs: dict[str, RawAttr], body: list[Node]) -> Node:
        items_attr = attrs.get("wx:for") or attrs["wx:for-items"]
        if items_attr.value is None:
            self.error(items_attr.pos, f"{items_attr.name} needs a value")
            items: Expr = {"k": "arr", "items": []}
        else:
            items = self.attr_value(items_attr)
        names = []
        for name, default in (("wx:for-item", "item"), ("wx:for-index", "index")):
            attr = attrs.get(name)
            value = self.static(attr) if attr else default
            if value is not None and attr is not None and not _IDENTIFIER.match(value.strip()):
                self.error(attr.value_pos, f"{name} must be a variable name, not {value!r}")
                value = None
            names.append(value.strip() if value else default)
        key: str | None = None
        key_attr = attrs.get("wx:key")
        if key_attr is not None and key_attr.value is not None:
            raw = key_attr.value.strip()
            if "{{" in raw:
                self.warn(key_attr.value_pos, "wx:key takes a property name or *this, not {{ }}; ignored")
            elif raw:
                key = raw
        return {"t": "for", "items": items, "item": names[0], "index": names[1], "key": key, "body": body}

    def core(self, el: RawElement, attrs: dict[str, RawAttr], keep_space: bool) -> list[Node]:
        """The element itself, without its wx:for / wx:if."""
        tag = el.tag
        if tag == "block":
            children = self.nodes(el.children, keep_space)
            if "wx:for" in attrs or "wx:for-items" in attrs or _has_condition(attrs):
                return children
            return [{"t": "block", "children": children}]
        if tag == "include":
            src_attr = attrs.get("src")
            src = self.static(src_attr) if src_attr else None
            if src_attr is None:
                self.error(el.pos, "<include> needs a src attribute")
                return []
            if src is None:
                return []
            included = self.resolver.include(self.doc.path, src)
            if isinstance(included, str):
                self.error(src_attr.value_pos, included)
                return []
            return included
        if tag == "template":
            is_attr = attrs.get("is")
            if is_attr is None:
                self.error(el.pos, "<template> needs a name or an is attribute")
                return []
            data_attr = attrs.get("data")
            data = self.attr_value(data_attr, mode="data") if data_attr is not None else None
            return [{"t": "template", "is": self.attr_value(is_attr), "data": data}]
        return [self.plain(el, keep_space)]

    def plain(self, el: RawElement, keep_space: bool) -> Node:
        node_attrs: dict[str, Expr] = {}
        events: list[dict[str, Any]] = []
        for attr in el.attrs:
            name = attr.name
            if name in _DIRECTIVES:
                continue
            if name.startswith("wx:"):
                self.warn(attr.pos, f"unknown directive {name}; kept as an attribute")
            m = _EVENT.match(name)
            if m is not None:
                handler = self.attr_value(attr, mode="never") if attr.value is not None else {"k": "lit", "v": ""}
                events.append({"type": m.group(2), "handler": handler, "mode": m.group(1)})
                continue
            node_attrs[name] = self.attr_value(attr)
        line, col = self.doc.lines.pos(el.pos)
        keep = keep_space or el.tag == "text"
        return {
            "t": "el",
            "tag": el.tag,
            "attrs": node_attrs,
            "events": events,
            "children": self.nodes(el.children, keep),
            "loc": [line, col],
        }


def _has_condition(attrs: dict[str, RawAttr]) -> bool:
    return "wx:if" in attrs or "wx:elif" in attrs or "wx:else" in attrs
