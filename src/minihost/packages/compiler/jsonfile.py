"""JSON configuration files (app.json, page and component .json) with positions for messages."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import Diagnostics, LineIndex
from .source import PackageSource

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\]:,])|(?P<atom>[^\s{}\[\]:,"]+))', re.DOTALL)

Path = tuple[str | int, ...]


class JsonDoc:
    """A parsed JSON file that can tell where each of its values starts."""

    def __init__(self, path: str, text: str, value: Any) -> None:
        self.path = path
        self.text = text
        self.value = value
        self._offsets: dict[Path, int] | None = None

    def pos(self, *keys: str | int) -> tuple[int, int]:
        """1-based (line, column) of the value at `keys`, or of its nearest existing parent."""
        if self._offsets is None:
            self._offsets = _scan_offsets(self.text)
        path: Path = tuple(keys)
        while path not in self._offsets and path:
            path = path[:-1]
        return LineIndex(self.text).pos(self._offsets.get(path, 0))

    def key_pos(self, *keys: str | int) -> tuple[int, int]:
        """Position of the key naming the value at `keys` (for messages about the key itself)."""
        if self._offsets is None:
            self._offsets = _scan_offsets(self.text)
        k = ("#key", *keys)
        if k in self._offsets:
            return LineIndex(self.text).pos(self._offsets[k])
        return self.pos(*keys)


def load_json(source: PackageSource, path: str, diag: Diagnostics) -> JsonDoc | None:
    text = source.text(path, diag)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        diag.error(path, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")
        return None
    return JsonDoc(path, text, value)


def _scan_offsets(text: str) -> dict[Path, int]:
    """Offsets of every value (and `("#key", *path)` of every object key) of valid JSON text."""
    offsets: dict[Path, int] = {}
    pos = 0

    def token() -> tuple[str, str, int]:
        nonlocal pos
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup is None:
            return "eof", "", pos
        pos = m.end()
        return m.lastgroup, m.group(m.lastgroup), m.start(m.lastgroup)

    def value(path: Path, first: tuple[str, str, int]) -> None:
        _kind, tok, start = first
        offsets[path] = start
        if tok == "{":
            nxt = token()
            while nxt[1] != "}" and nxt[0] != "eof":
                key = json.loads(nxt[1]) if nxt[0] == "str" else nxt[1]
                offsets[("#key", *path, key)] = nxt[2]
                token()  # ':'
                value((*path, key), token())
                nxt = token()
                if nxt[1] == ",":
                    nxt = token()
        elif tok == "[":
            nxt = token()
            index = 0
            while nxt[1] != "]" and nxt[0] != "eof":
                value((*path, index), nxt)
                index += 1
                nxt = token()
                if nxt[1] == ",":
                    nxt = token()

    value((), token())
    return offsets
