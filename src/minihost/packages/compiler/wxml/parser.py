"""WXML tokenizer and parser: text → a raw element tree with offsets (directives untouched)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Diagnostics, LineIndex


@dataclass(slots=True)
class RawAttr:
    name: str
    value: str | None
    pos: int  # offset of the name
    value_pos: int  # offset of the first character inside the quotes


@dataclass(slots=True)
class RawText:
    text: str
    pos: int


@dataclass(slots=True)
class RawElement:
    tag: str
    attrs: list[RawAttr]
    pos: int
    children: list[RawText | RawElement] = field(default_factory=list)
    raw: str | None = None  # content of <wxs>, kept verbatim
    raw_pos: int = 0


RawNode = RawText | RawElement


@dataclass(slots=True)
class RawDocument:
    path: str
    text: str
    lines: LineIndex
    root: list[RawNode]


_CONTENT = re.compile(r"<|\{\{")
_TAG_NAME = re.compile(r"[A-Za-z_][-\w:.]*")
_CLOSE_TAG = re.compile(r"</\s*([A-Za-z_][-\w:.]*)\s*>")
_SPACE = re.compile(r"\s*")
_ATTR_NAME = re.compile(r"[^\s\"'<>/=]+")
_UNQUOTED = re.compile(r"[^\s>]+")
_QUOTE_STOP = {'"': re.compile(r'"|\{\{'), "'": re.compile(r"'|\{\{")}
_MUSTACHE_STOP = re.compile(r"\}\}|[{}\"']")
# Elements whose content is not markup.
_RAW_TAGS = frozenset({"wxs"})


def mustache_end(text: str, start: int, end: int | None = None) -> int:
    """Offset of the `}}` closing a `{{` whose content starts at `start`, or -1.

    Braces and quotes inside count, so `{{ {a: {b: 1}} }}` and `{{ '}}' }}` close where they should.
    """
    if end is None:
        end = len(text)
    depth = 0
    pos = start
    search = _MUSTACHE_STOP.search
    while True:
        m = search(text, pos, end)
        if m is None:
            return -1
        tok = m.group()
        if tok == "}}" and depth == 0:
            return m.start()
        if tok == "}}":
            depth -= 1
            pos = m.start() + 1
        elif tok == "{":
            depth += 1
            pos = m.end()
        elif tok == "}":
            depth -= 1
            pos = m.end()
        else:
            close = m.end()
            while True:
                close = text.find(tok, close, end)
                if close == -1:
                    return -1
                if not _escaped(text, close):
                    break
                close += 1
            pos = close + 1


def _escaped(text: str, pos: int) -> bool:
    n = 0
    while pos - n - 1 >= 0 and text[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def parse_wxml(path: str, text: str, diag: Diagnostics) -> RawDocument:
    lines = LineIndex(text)
    root: list[RawNode] = []
    stack: list[RawElement] = []
    n = len(text)
    pos = 0
    text_start = 0

    def err(offset: int, message: str) -> None:
        line, col = lines.pos(offset)
        diag.error(path, line, col, message)

    def warn(offset: int, message: str) -> None:
        line, col = lines.pos(offset)
        diag.warn(path, line, col, message)

    def children() -> list[RawNode]:
        return stack[-1].children if stack else root

    def flush(upto: int) -> None:
        if upto > text_start:
            children().append(RawText(text[text_start:upto], text_start))

    while pos < n:
        m = _CONTENT.search(text, pos)
        if m is None:
            break
        start = m.start()
        if m.group() == "{{":
            close = mustache_end(text, m.end())
            if close == -1:
                err(start, "'{{' is never closed with '}}'")
                pos = m.end()  # read on as text so that the tags after it still parse
                continue
            pos = close + 2
            continue
        if text.startswith("<!--", start):
            flush(start)
            close = text.find("-->", start + 4)
            if close == -1:
                err(start, "comment is never closed with '-->'")
                pos = text_start = n
                break
            pos = text_start = close + 3
            continue
        if text.startswith("</", start):
            flush(start)
            cm = _CLOSE_TAG.match(text, start)
            if cm is None:
                err(start, "malformed closing tag")
                pos = text_start = start + 2
                continue
            name = cm.group(1)
            pos = text_start = cm.end()
            if stack and stack[-1].tag == name:
                stack.pop()
            elif any(el.tag == name for el in stack):
                while stack[-1].tag != name:
                    el = stack.pop()
                    err(el.pos, f"<{el.tag}> is not closed (expected </{el.tag}> before </{name}>)")
                stack.pop()
            else:
                expected = f"; expected </{stack[-1].tag}>" if stack else ""
                err(start, f"unexpected closing tag </{name}>{expected}")
            continue
        nm = _TAG_NAME.match(text, start + 1)
        if nm is None:
            pos = start + 1  # a lone '<' in text, as in "a < b"
            continue
        flush(start)
        element = RawElement(nm.group(), [], start)
        pos, self_closing, ok = _parse_attributes(text, nm.end(), element, err, warn)
        text_start = pos
        if not ok:
            children().append(element)
            continue
        children().append(element)
        if self_closing:
            continue
        if element.tag in _RAW_TAGS:
            close_re = re.compile(rf"</\s*{re.escape(element.tag)}\s*>")
            cm = close_re.search(text, pos)
            if cm is None:
                err(start, f"<{element.tag}> is not closed")
                element.raw, element.raw_pos = text[pos:], pos
                pos = text_start = n
            else:
                element.raw, element.raw_pos = text[pos : cm.start()], pos
                pos = text_start = cm.end()
            continue
        stack.append(element)
    flush(n)
    for el in reversed(stack):
        err(el.pos, f"<{el.tag}> is not closed")
    return RawDocument(path, text, lines, root)


def _parse_attributes(
    text: str,
    pos: int,
    element: RawElement,
    report: Callable[[int, str], None],
    warn: Callable[[int, str], None],
) -> tuple[int, bool, bool]:
    """Read attributes up to `>` or `/>`; returns (offset after the tag, self-closing, complete)."""
    n = len(text)
    seen: set[str] = set()
    while True:
        pos = _skip_space(text, pos)
        if pos >= n:
            report(element.pos, f"<{element.tag}> tag is never closed with '>'")
            return n, True, False
        c = text[pos]
        if c == ">":
            return pos + 1, False, True
        if c == "/" and text.startswith("/>", pos):
            return pos + 2, True, True
        am = _ATTR_NAME.match(text, pos)
        if am is None:
            report(pos, f"unexpected {c!r} in <{element.tag}> tag")
            if c == "<":
                return pos, True, False
            pos += 1
            continue
        name, name_pos = am.group(), pos
        pos = _skip_space(text, am.end())
        value: str | None = None
        value_pos = pos
        if pos < n and text[pos] == "=":
            pos = _skip_space(text, pos + 1)
            if pos < n and text[pos] in "\"'":
                quote = text[pos]
                value_pos = pos + 1
                end = _quoted_end(text, value_pos, quote)
                if end == -1:
                    report(pos, f"attribute {name} has an unclosed {quote} quote")
                    return n, True, False
                value = text[value_pos:end]
                pos = end + 1
            else:
                um = _UNQUOTED.match(text, pos)
                report(pos, f"value of attribute {name} must be quoted")
                value_pos = pos
                value = um.group() if um else ""
                if value.endswith("/"):
                    value = value[:-1]
                pos += len(value)
        if name in seen:  # WeChat takes the last one; real packages have such typos
            warn(name_pos, f"duplicate attribute {name}; the last value is used")
            element.attrs = [a for a in element.attrs if a.name != name]
        seen.add(name)
        element.attrs.append(RawAttr(name, value, name_pos, value_pos))


def _skip_space(text: str, pos: int) -> int:
    m = _SPACE.match(text, pos)
    return m.end() if m else pos


def _quoted_end(text: str, pos: int, quote: str) -> int:
    stop = _QUOTE_STOP[quote]
    while True:
        m = stop.search(text, pos)
        if m is None:
            return -1
        if m.group() == quote:
            return m.start()
        close = mustache_end(text, m.end())
        pos = m.end() if close == -1 else close + 2
