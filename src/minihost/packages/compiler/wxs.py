"""The WXS script for view frames: every .wxs file and inline <wxs> module, wrapped."""

from __future__ import annotations

import json
import re

from .errors import Diagnostics
from .paths import resolve_ref
from .source import PackageSource, decode_text
from .wxml import InlineWxs

_REQUIRE = re.compile(r"""\brequire\s*\(\s*(["'])([^"'\n]+)\1\s*\)""")


def _define(key: str, text: str) -> str:
    header = f"__mhWxsDefine({json.dumps(key, ensure_ascii=False)}, "
    body = text if text.endswith("\n") else text + "\n"
    return f"{header}function (require, module, exports, getDate, getRegExp) {{\n{body}}});\n"


def build_wxs(source: PackageSource, files: list[str], inline: list[InlineWxs], diag: Diagnostics) -> bytes | None:
    """None when the package has no WXS at all."""
    if not files and not inline:
        return None
    parts: list[str] = []
    for path in files:
        text = decode_text(source.files[path], path, diag)
        if text is None:
            continue
        _check_requires(source, path, text, 1, 1, diag)
        parts.append(_define(path, text))
    for module in sorted(inline, key=lambda m: m.key):
        _check_requires(source, module.path, module.source, module.pos[0], module.pos[1], diag)
        parts.append(_define(module.key, module.source))
    return "".join(parts).encode("utf-8")


def _check_requires(source: PackageSource, path: str, text: str, line0: int, col0: int, diag: Diagnostics) -> None:
    """WXS can only require other .wxs files of the package; a wrong path fails at render time, so
    say it now."""
    for m in _REQUIRE.finditer(text):
        ref = m.group(2)
        head = text[: m.start(2)]
        line = line0 + head.count("\n")
        col = (col0 if line == line0 else 1) + len(head) - (head.rfind("\n") + 1)
        try:
            target = resolve_ref(path, ref)
        except LookupError as exc:
            diag.error(path, line, col, f"require: {exc}")
            continue
        if not target.endswith(".wxs"):
            diag.error(path, line, col, f"require({ref!r}): WXS can only require .wxs files")
        elif target not in source.files:
            diag.error(path, line, col, f"require({ref!r}): no file {target}")
