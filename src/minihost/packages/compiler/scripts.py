"""The logic script: every .js file of the package wrapped in `__mhDefine`, source unchanged."""

from __future__ import annotations

import json

from .errors import Diagnostics
from .source import PackageSource, decode_text

LOGIC_SOURCE_URL = "minihost-logic.js"


def _header(path: str) -> str:
    return f"__mhDefine({json.dumps(path, ensure_ascii=False)}, function (require, module, exports) {{\n"


def build_logic(source: PackageSource, paths: list[str], diag: Diagnostics) -> tuple[bytes, dict[str, int]]:
    """The logic script and, for each file, the script line holding the file's first line.

    A file's line N is at script line `lines[path] + N - 1`, so the runtime can turn a stack trace's
    position back into the author's file and line.
    """
    parts: list[str] = []
    lines: dict[str, int] = {}
    line = 1
    for path in paths:
        text = decode_text(source.files[path], path, diag)
        if text is None:
            continue
        if text.startswith("#!"):  # a shebang is not JavaScript inside a function body
            text = "//" + text
        parts.append(_header(path))
        lines[path] = line + 1
        parts.append(text)
        if not text.endswith("\n"):
            parts.append("\n")
        parts.append("});\n")
        line += 2 + text.count("\n") + (0 if text.endswith("\n") else 1)
    parts.append("__mhDefine.done();\n")
    parts.append(f"//# sourceURL={LOGIC_SOURCE_URL}\n")
    return "".join(parts).encode("utf-8"), lines
