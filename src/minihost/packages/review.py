"""Automated review of a compiled version, before any human looks at it.

Pure functions over a bundle's stored files: what a reviewer would otherwise check by hand. Each finding
names the file, line and column when it can, so a developer fixes it as a compile error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

_DEFINE = re.compile(r'^__mhDefine\("((?:[^"\\]|\\.)*)", function')
_URL = re.compile(r"""(['"`])(http://[^'"`\s]+)\1""")

# WeChat's rule: these location APIs must be listed in app.json `requiredPrivateInfos`.
PRIVATE_INFOS = (
    "getLocation",
    "chooseLocation",
    "onLocationChange",
    "startLocationUpdate",
    "choosePoi",
    "chooseAddress",
)
# And these need a `permission` entry explaining why (scope.userLocation's `desc`).
LOCATION_APIS = ("getLocation", "chooseLocation", "onLocationChange", "startLocationUpdate")


@dataclass(frozen=True)
class Finding:
    level: str
    """error (blocks the submission) | warning (shown to reviewers)."""
    message: str
    file: str = ""
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}: " if self.file else ""
        return f"{where}{self.level}: {self.message}"

    def public(self) -> dict[str, Any]:
        return asdict(self)


def _logic_files(logic: str) -> Iterable[tuple[str, int, str]]:
    """(package file, line in that file, text) for every line of the logic script inside a module."""
    current = ""
    start = 0
    for number, text in enumerate(logic.splitlines(), start=1):
        m = _DEFINE.match(text)
        if m:
            current, start = json.loads(f'"{m.group(1)}"'), number + 1
            continue
        if current and number >= start:
            yield current, number - start + 1, text


def _strip_comment(text: str) -> str:
    # Good enough for review: a `//` not inside a URL literal starts a comment.
    idx = text.find("//")
    while idx != -1:
        if idx > 0 and text[idx - 1] == ":":
            idx = text.find("//", idx + 2)
            continue
        return text[:idx]
    return text


def check_bundle(
    manifest: dict[str, Any],
    read: Callable[[str], bytes],
    forbidden_words: Iterable[str] = (),
) -> list[Finding]:
    """Findings for a compiled bundle: insecure request URLs, sensitive APIs used without being declared,
    forbidden words in code, templates or config. `read(hash)` gives a stored file's bytes."""
    findings: list[Finding] = []
    app = manifest.get("app") or {}
    declared_private = {str(x) for x in (app.get("requiredPrivateInfos") or []) if isinstance(x, str)}
    permission = app.get("permission") if isinstance(app.get("permission"), dict) else {}
    words = [w.lower() for w in forbidden_words if w.strip()]

    texts: list[tuple[str, int, str]] = []
    logic_hash = manifest.get("logic")
    if isinstance(logic_hash, str):
        texts.extend(_logic_files(read(logic_hash).decode("utf-8", "replace")))

    used: dict[str, tuple[str, int, int]] = {}
    for file, line, text in texts:
        code = _strip_comment(text)
        for m in _URL.finditer(code):
            findings.append(
                Finding(
                    "error",
                    f"{m.group(2)[:100]} is plain http: mini programs may only reach https:// servers "
                    "(wss:// for sockets); serve it over https and add its domain in the console.",
                    file,
                    line,
                    m.start(2) + 1,
                )
            )
        for api in set(PRIVATE_INFOS) | {"chooseMedia", "scanCode"}:
            idx = code.find(f"wx.{api}(")
            if idx != -1 and api not in used:
                used[api] = (file, line, idx + 1)

    for api in PRIVATE_INFOS:
        if api in used and api not in declared_private:
            file, line, col = used[api]
            findings.append(
                Finding(
                    "error",
                    f'wx.{api} is called but app.json does not declare it: add "{api}" to '
                    '"requiredPrivateInfos" in app.json.',
                    file,
                    line,
                    col,
                )
            )
    if any(api in used for api in LOCATION_APIS):
        scope = permission.get("scope.userLocation") if permission else None
        if not (isinstance(scope, dict) and str(scope.get("desc", "")).strip()):
            file, line, col = next(used[a] for a in LOCATION_APIS if a in used)
            findings.append(
                Finding(
                    "error",
                    'the location is used but app.json has no "permission": {"scope.userLocation": {"desc": '
                    '"why you need it"}}; add it (users see the reason).',
                    file,
                    line,
                    col,
                )
            )

    # Templates: <button open-type="getPhoneNumber">, <camera>.
    pages: dict[str, Any] = {**(manifest.get("pages") or {}), **(manifest.get("components") or {})}
    for path, entry in pages.items():
        digest = entry.get("template") if isinstance(entry, dict) else None
        if not isinstance(digest, str):
            continue
        tpl = read(digest).decode("utf-8", "replace")
        if '"getPhoneNumber"' in tpl or '"getRealtimePhoneNumber"' in tpl:
            findings.append(
                Finding(
                    "warning",
                    "asks for the user's phone number (button open-type getPhoneNumber): the reviewer checks "
                    "that the mini program needs it and says why on the page.",
                    path + ".wxml",
                )
            )
        if '"tag":"camera"' in tpl.replace(" ", "") and "scope.camera" not in (permission or {}):
            findings.append(
                Finding(
                    "warning",
                    'uses <camera>: add "permission": {"scope.camera": {"desc": "why"}} in app.json so users '
                    "see the reason.",
                    path + ".wxml",
                )
            )
        if words:
            lowered = tpl.lower()
            for w in words:
                if w in lowered:
                    findings.append(Finding("error", f"contains the forbidden word {w!r}; remove it.", path + ".wxml"))

    if words:
        for file, line, text in texts:
            lowered = text.lower()
            for w in words:
                col = lowered.find(w)
                if col != -1:
                    findings.append(
                        Finding("error", f"contains the forbidden word {w!r}; remove it.", file, line, col + 1)
                    )
        config_text = json.dumps(app, ensure_ascii=False).lower()
        for w in words:
            if w in config_text:
                findings.append(Finding("error", f"contains the forbidden word {w!r}; remove it.", "app.json"))
    return findings


def insecure_domain(url: str) -> bool:
    return urlsplit(url).scheme not in ("https", "wss")
