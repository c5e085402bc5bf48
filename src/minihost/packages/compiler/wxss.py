"""WXSS → plain CSS: rpx units, inlined @import, wx- tag selectors, component class isolation."""

from __future__ import annotations

import re

from .errors import Diagnostics, LineIndex
from .paths import resolve_ref
from .source import PackageSource

BUILTIN_TAGS = frozenset(
    [
        "view",
        "text",
        "image",
        "button",
        "input",
        "textarea",
        "navigator",
        "icon",
        "scroll-view",
        "swiper",
        "swiper-item",
        "form",
        "checkbox",
        "checkbox-group",
        "radio",
        "radio-group",
        "switch",
        "slider",
        "picker",
        "picker-view",
        "picker-view-column",
        "label",
        "progress",
        "rich-text",
        "movable-area",
        "movable-view",
        "cover-view",
        "cover-image",
        "canvas",
        "video",
        "audio",
        "camera",
        "map",
        "web-view",
        "open-data",
        "editor",
        "page-container",
        "match-media",
        "navigation-bar",
        "page-meta",
        "root-portal",
    ]
)

_TOKEN = re.compile(
    r"""
    (?P<comment>/\*.*?\*/)
  | (?P<badcomment>/\*.*)
  | (?P<ws>\s+)
  | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<badstr>["'])
  | (?P<url>url\(\s*[^"'()\s]*\s*\))
  | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?P<unit>%|-?[A-Za-z_][\w-]*)?)
  | (?P<at>@-?[A-Za-z_][\w-]*)
  | (?P<hash>\#[\w\u00a0-\uffff-]+)
  | (?P<func>-{0,2}[A-Za-z_\u00a0-\uffff\\][\w\u00a0-\uffff\\-]*\()
  | (?P<ident>-{0,2}[A-Za-z_\u00a0-\uffff\\][\w\u00a0-\uffff\\-]*|--[\w-]*)
  | (?P<delim>.)
    """,
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)

# (kind, text, offset); kind is a group name of _TOKEN or the delimiter character itself
Token = tuple[str, str, int]

_NESTING_AT = frozenset({"media", "supports", "document", "container", "layer", "-moz-document"})
_KEYFRAMES = re.compile(r"^@(-[a-z]+-)?keyframes$")
_DECLARATION_AT = frozenset({"font-face", "page", "viewport", "-ms-viewport", "counter-style", "property"})
_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def class_prefix(component_path: str) -> str:
    import hashlib

    return "c" + hashlib.sha256(component_path.encode("utf-8")).hexdigest()[:8]


def tokenize(text: str, path: str, lines: LineIndex, diag: Diagnostics) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "unit":
            kind = "num"
        assert kind is not None
        if kind == "comment":
            continue
        if kind == "delim":
            c = m.group()
            append((c, c, m.start()))
            continue
        if kind == "badcomment":
            line, col = lines.pos(m.start())
            diag.error(path, line, col, "comment is never closed with '*/'")
            continue
        if kind == "badstr":
            line, col = lines.pos(m.start())
            diag.error(path, line, col, "string is never closed")
            append(("str", m.group() * 2, m.start()))
            continue
        append((kind, m.group(), m.start()))
    return tokens


class WxssCompiler:
    """Compiles .wxss files of one package; @import targets are compiled once per style scope."""

    def __init__(self, source: PackageSource, diag: Diagnostics) -> None:
        self.source = source
        self.diag = diag
        self._cache: dict[tuple[str, str], str] = {}
        self._active: list[str] = []

    def compile(self, path: str, prefix: str = "") -> str | None:
        """CSS for `path`; `prefix` is a component's stylePrefix ("" for app and page styles)."""
        key = (path, prefix)
        if key in self._cache:
            return self._cache[key]
        text = self.source.text(path, self.diag)
        if text is None:
            return None
        self._active.append(path)
        try:
            css = _FileCompiler(self, path, text, prefix).run()
        finally:
            self._active.pop()
        self._cache[key] = css
        return css

    def import_css(self, from_path: str, ref: str, prefix: str) -> str:
        """CSS of an @import target, or raises LookupError with the reason."""
        if _REMOTE.match(ref):
            raise LookupError(f"@import of {ref!r}: only files of the package can be imported")
        path = resolve_ref(from_path, ref, ".wxss")
        if path not in self.source.files:
            raise LookupError(f"@import {ref!r}: no file {path}")
        if path in self._active:
            cycle = " → ".join([*self._active[self._active.index(path) :], path])
            raise LookupError(f"@import cycle: {cycle}")
        return self.compile(path, prefix) or ""


class _FileCompiler:
    def __init__(self, owner: WxssCompiler, path: str, text: str, prefix: str) -> None:
        self.owner = owner
        self.path = path
        self.prefix = prefix
        self.lines = LineIndex(text)
        self.tokens = tokenize(text, path, self.lines, owner.diag)
        self.i = 0
        self.out: list[str] = []

    def error(self, offset: int, message: str) -> None:
        line, col = self.lines.pos(offset)
        self.owner.diag.error(self.path, line, col, message)

    def run(self) -> str:
        self.rules(self.out, top=True)
        return "".join(self.out)

    # -- structure ------------------------------------------------------------------------------
    def rules(self, out: list[str], top: bool, keyframes: bool = False) -> None:
        """Rules up to the `}` closing the current block (consumed) or the end of the file."""
        tokens = self.tokens
        n = len(tokens)
        while self.i < n:
            kind, _text, offset = tokens[self.i]
            if kind == "ws" or kind == ";":
                self.i += 1
                continue
            if kind == "}":
                self.i += 1
                if top:
                    self.error(offset, "unexpected '}'")
                    continue
                return
            if kind == "at":
                self.at_rule(out, top)
                continue
            prelude = self.prelude()
            if prelude is None:
                continue
            open_offset = tokens[self.i][2]
            self.i += 1
            selector = _join(prelude) if keyframes else self.selector(prelude)
            body = self.declarations(open_offset)
            if selector:
                out.append(f"{selector}{{{body}}}\n")
        if not top:
            return

    def prelude(self) -> list[Token] | None:
        """Tokens up to a `{` (left unread); None after an error (the bad part skipped)."""
        tokens = self.tokens
        start = self.i
        while self.i < len(tokens):
            kind = tokens[self.i][0]
            if kind == "{":
                return tokens[start : self.i]
            if kind in (";", "}"):
                self.error(tokens[start][2], "expected '{' after the selector")
                if kind == ";":
                    self.i += 1
                return None
            self.i += 1
        self.error(tokens[start][2], "expected '{' after the selector")
        return None

    def declarations(self, open_offset: int) -> str:
        """The body of a `{}` block whose `{` was just read, up to and including its `}`."""
        tokens = self.tokens
        decls: list[str] = []
        current: list[str] = []
        depth = 0
        while self.i < len(tokens):
            kind, text, _offset = tokens[self.i]
            self.i += 1
            if kind == "}" and depth == 0:
                _flush(current, decls)
                return ";".join(decls)
            if kind == ";" and depth == 0:
                _flush(current, decls)
                continue
            if kind in ("{", "(", "[", "func"):
                depth += 1
            elif kind in ("}", ")", "]"):
                depth -= 1
            if kind == "num" and text[-3:].lower() == "rpx":
                current.append(f"calc({text[:-3]} * var(--rpx))")
            elif kind == "ws":
                current.append(" ")
            else:
                current.append(text)
        self.error(open_offset, "'{' is never closed with '}'")
        _flush(current, decls)
        return ";".join(decls)

    def at_rule(self, out: list[str], top: bool) -> None:
        tokens = self.tokens
        _, at_text, at_offset = tokens[self.i]
        self.i += 1
        name = at_text[1:].lower()
        start = self.i
        while self.i < len(tokens) and tokens[self.i][0] not in ("{", ";", "}"):
            self.i += 1
        prelude = tokens[start : self.i]
        end_kind = tokens[self.i][0] if self.i < len(tokens) else "eof"
        if end_kind != "{":
            if end_kind == ";":
                self.i += 1
            if name == "import":
                self.import_rule(out, prelude, at_offset)
            elif name == "charset":
                pass  # the output is always UTF-8
            else:
                out.append(f"{at_text} {_join(prelude)};\n".replace("  ", " "))
            return
        open_offset = tokens[self.i][2]
        self.i += 1
        head = f"{at_text} {_join(prelude)}".rstrip()
        if name in _NESTING_AT:
            inner: list[str] = []
            self.rules(inner, top=False)
            out.append(f"{head}{{\n{''.join(inner)}}}\n")
        elif _KEYFRAMES.match(at_text.lower()):
            inner = []
            self.rules(inner, top=False, keyframes=True)
            out.append(f"{head}{{\n{''.join(inner)}}}\n")
        else:
            out.append(f"{head}{{{self.declarations(open_offset)}}}\n")
        del top, open_offset

    def import_rule(self, out: list[str], prelude: list[Token], at_offset: int) -> None:
        parts = [t for t in prelude if t[0] != "ws"]
        ref: str | None = None
        offset = parts[0][2] if parts else at_offset
        if parts and parts[0][0] == "str":
            ref = _unquote(parts[0][1])
        elif parts and parts[0][0] == "url":
            ref = parts[0][1][4:-1].strip()
        elif len(parts) >= 3 and parts[0][0] == "func" and parts[0][1].lower() == "url(" and parts[1][0] == "str":
            ref = _unquote(parts[1][1])
        if not ref:
            self.error(at_offset, '@import needs a file name in quotes, as in @import "common.wxss";')
            return
        try:
            out.append(self.owner.import_css(self.path, ref, self.prefix))
        except LookupError as exc:
            self.error(offset, str(exc))

    # -- selectors ------------------------------------------------------------------------------
    def selector(self, prelude: list[Token]) -> str:
        prefix = self.prefix
        out: list[str] = []
        prev = ""  # kind of the previous token, "" at the start of a compound list
        bracket = 0
        host_depth = -1  # paren depth of an open :host( ... ), whose content is the host's classes
        paren = 0
        i = 0
        n = len(prelude)
        while i < n:
            kind, text, _ = prelude[i]
            if bracket:
                if kind == "]":
                    bracket -= 1
                out.append(" " if kind == "ws" else text)
            elif kind == "[":
                bracket += 1
                out.append(text)
            elif kind == "ident" and prev in ("", "ws", ">", "+", "~", ",", "func"):
                lower = text.lower()
                if lower in BUILTIN_TAGS or lower == "page":
                    out.append("wx-" + lower)
                else:
                    out.append(text)
            elif kind == "." and prefix and host_depth < 0 and i + 1 < n and prelude[i + 1][0] == "ident":
                out.append(f".{prefix}--")
            elif kind == ":" and prefix and i + 1 < n and prelude[i + 1][1].lower() in ("host", "host("):
                nxt = prelude[i + 1][1].lower()
                out.append(f'[data-host="{prefix}"]')
                i += 2
                if nxt == "host(":
                    host_depth = paren
                    paren += 1
                prev = "host"
                continue
            elif kind == ")" and host_depth >= 0 and paren - 1 == host_depth:
                paren -= 1
                host_depth = -1
            else:
                if kind == "func":
                    paren += 1
                elif kind == ")":
                    paren -= 1
                out.append(" " if kind == "ws" else text)
            prev = kind
            i += 1
        return _compact_selector("".join(out))


def _compact_selector(selector: str) -> str:
    selector = " ".join(selector.split())
    return re.sub(r"\s*([>+~,])\s*", lambda m: m.group(1) if m.group(1) == "," else f" {m.group(1)} ", selector)


def _flush(current: list[str], decls: list[str]) -> None:
    text = "".join(current).strip()
    if text:
        decls.append(" ".join(text.split()) if "\n" in text or "  " in text else text)
    current.clear()


def _join(tokens: list[Token]) -> str:
    return " ".join("".join(" " if k == "ws" else t for k, t, _ in tokens).split())


def _unquote(text: str) -> str:
    return text[1:-1]
