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


# Coarse tokens for the structure: runs of ordinary text, strings, unquoted url(), braces, semicolons.
# Declarations only need rpx rewritten inside text runs, so they are never cut finer (fast on big files);
# selectors, which are short, are re-read with the fine tokenizer above.
_COARSE = re.compile(
    r"""
    (?P<comment>/\*.*?\*/)
  | (?P<badcomment>/\*.*)
  | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<badstr>["'])
  | (?P<url>url\(\s*[^"'()\s]*\s*\))
  | (?P<punct>[{};])
  | (?P<text>(?:[^{};"'/uU]+|/(?!\*)|[uU](?![rR][lL]\(\s*[^"'()\s]*\s*\)))+)
    """,
    re.VERBOSE | re.DOTALL,
)
_RPX = re.compile(r"(?<![\w.\-])([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)rpx(?![\w-])", re.IGNORECASE)
_AT_NAME = re.compile(r"\s*(@-?[A-Za-z_][\w-]*)")


def rpx_to_calc(text: str) -> str:
    """`10rpx` → `calc(10 * var(--rpx))` in a run of CSS text that holds no string or url()."""
    if "rpx" not in text and "RPX" not in text.upper():
        return text
    return _RPX.sub(r"calc(\1 * var(--rpx))", text)


def coarse_tokens(text: str, path: str, lines: LineIndex, diag: Diagnostics) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    for m in _COARSE.finditer(text):
        kind = m.lastgroup
        if kind == "text" or kind == "str" or kind == "url":
            append((kind, m.group(), m.start()))
        elif kind == "punct":
            c = m.group()
            append((c, c, m.start()))
        elif kind == "badcomment":
            diag.error(path, *lines.pos(m.start()), "comment is never closed with '*/'")
        elif kind == "badstr":
            diag.error(path, *lines.pos(m.start()), "string is never closed")
            append(("str", m.group() * 2, m.start()))
    return tokens


def fine_tokens(text: str) -> list[Token]:
    """Selector text (comments and bad strings already gone) cut into CSS tokens."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "unit":
            kind = "num"
        if kind == "delim" or kind == "badstr":
            tokens.append((m.group(), m.group(), m.start()))
        elif kind is not None and kind != "comment" and kind != "badcomment":
            tokens.append((kind, m.group(), m.start()))
    return tokens


class WxssCompiler:
    """Compiles .wxss files of one package; @import targets are compiled once per style scope."""

    def __init__(self, source: PackageSource, diag: Diagnostics) -> None:
        self.source = source
        self.diag = diag
        self._cache: dict[tuple[str, str], str] = {}
        self.selectors: dict[tuple[str, str], str] = {}  # (selector text, prefix) → rewritten
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
        self.tokens = coarse_tokens(text, path, self.lines, owner.diag)
        self.i = 0
        self.out: list[str] = []

    def error(self, offset: int, message: str) -> None:
        line, col = self.lines.pos(offset)
        self.owner.diag.error(self.path, line, col, message)

    def run(self) -> str:
        self.rules(self.out, top=True)
        return "".join(self.out)

    # -- structure ------------------------------------------------------------------------------
    def rules(self, out: list[str], top: bool, keyframes: bool = False, open_offset: int = 0) -> None:
        """Rules up to the `}` closing the current block (consumed; `open_offset` is its `{`) or the
        end of the file."""
        tokens = self.tokens
        n = len(tokens)
        while self.i < n:
            kind, text, offset = tokens[self.i]
            if kind == ";" or (kind == "text" and text.isspace()):
                self.i += 1
                continue
            if kind == "}":
                self.i += 1
                if top:
                    self.error(offset, "unexpected '}'")
                    continue
                return
            if kind == "text" and text.lstrip().startswith("@"):
                self.at_rule(out)
                continue
            prelude = self.prelude()
            if prelude is None:
                continue
            brace = tokens[self.i][2]
            self.i += 1
            raw = _text(prelude)
            if keyframes:
                selector = " ".join(raw.split())
            else:
                cache = self.owner.selectors
                key = (raw, self.prefix)
                selector = cache.get(key) or cache.setdefault(key, self.selector(fine_tokens(raw)))
            body = self.declarations(brace)
            if selector:
                out.append(f"{selector}{{{body}}}\n")
        if not top:
            self.error(open_offset, "'{' is never closed with '}'")

    def prelude(self) -> list[Token] | None:
        """Tokens up to a `{` (left unread); None after an error (the bad part skipped)."""
        tokens = self.tokens
        start = self.i
        while self.i < len(tokens):
            kind = tokens[self.i][0]
            if kind == "{":
                return tokens[start : self.i]
            if kind in (";", "}"):
                self.error(_start(tokens[start]), "expected '{' after the selector")
                if kind == ";":
                    self.i += 1
                return None
            self.i += 1
        self.error(_start(tokens[start]), "expected '{' after the selector")
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
            if kind == "text":
                current.append(rpx_to_calc(text))
            elif kind == "}":
                if depth == 0:
                    _flush(current, decls)
                    return ";".join(decls)
                depth -= 1
                current.append(text)
            elif kind == ";" and depth == 0:
                _flush(current, decls)
            else:
                if kind == "{":
                    depth += 1
                current.append(text)
        self.error(open_offset, "'{' is never closed with '}'")
        _flush(current, decls)
        return ";".join(decls)

    def at_rule(self, out: list[str]) -> None:
        tokens = self.tokens
        first = tokens[self.i]
        m = _AT_NAME.match(first[1])
        assert m is not None
        at_text, at_offset = m.group(1), first[2] + m.start(1)
        name = at_text[1:].lower()
        rest: list[Token] = [("text", first[1][m.end() :], first[2] + m.end())]
        self.i += 1
        while self.i < len(tokens) and tokens[self.i][0] not in ("{", ";", "}"):
            rest.append(tokens[self.i])
            self.i += 1
        end_kind = tokens[self.i][0] if self.i < len(tokens) else "eof"
        head = f"{at_text} {' '.join(_text(rest).split())}".rstrip()
        if end_kind != "{":
            if end_kind == ";":
                self.i += 1
            if name == "import":
                self.import_rule(out, rest, at_offset)
            elif name != "charset":  # the output is always UTF-8
                out.append(f"{head};\n")
            return
        open_offset = tokens[self.i][2]
        self.i += 1
        if name in _NESTING_AT:
            inner: list[str] = []
            self.rules(inner, top=False, open_offset=open_offset)
            out.append(f"{head}{{\n{''.join(inner)}}}\n")
        elif _KEYFRAMES.match(at_text.lower()):
            inner = []
            self.rules(inner, top=False, keyframes=True, open_offset=open_offset)
            out.append(f"{head}{{\n{''.join(inner)}}}\n")
        else:
            out.append(f"{head}{{{self.declarations(open_offset)}}}\n")

    def import_rule(self, out: list[str], prelude: list[Token], at_offset: int) -> None:
        ref: str | None = None
        offset = at_offset
        want_string = False
        for kind, text, start in prelude:
            if kind == "text":
                word = text.strip()
                if not word:
                    continue
                if word.lower() == "url(" and not want_string:
                    want_string = True
                    continue
                if want_string and word == ")" and ref is not None:
                    continue
                ref = None
                break
            if ref is not None:
                ref = None
                break
            offset = start
            ref = _unquote(text) if kind == "str" else text[4:-1].strip()
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


def _text(tokens: list[Token]) -> str:
    return "".join(t for _, t, _ in tokens)


def _start(token: Token) -> int:
    """Offset of the first non-space character of a token."""
    text = token[1]
    return token[2] + len(text) - len(text.lstrip())


def _unquote(text: str) -> str:
    return text[1:-1]
