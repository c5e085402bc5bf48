"""Golden-output helpers: a bundle expanded into readable files named after what they are."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from minihost.packages.compiler import CompiledBundle

UPDATE = os.environ.get("MINIHOST_UPDATE_GOLDEN") == "1"


def _pretty(data: bytes) -> str:
    return json.dumps(json.loads(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expand(bundle: CompiledBundle) -> dict[str, str]:
    """{relative file name: text} for every file of the bundle that a reviewer wants to read."""
    m: dict[str, Any] = bundle.manifest
    files = bundle.files
    out = {"manifest.json": _pretty(bundle.manifest_bytes), "logic.js": files[m["logic"]].decode()}
    if m["appCss"]:
        out["app.css"] = files[m["appCss"]].decode()
    if m["wxs"]:
        out["wxs.js"] = files[m["wxs"]].decode()
    for kind in ("pages", "components"):
        for path, entry in m[kind].items():
            out[f"{kind}/{path}.template.json"] = _pretty(files[entry["template"]])
            if entry["css"]:
                out[f"{kind}/{path}.css"] = files[entry["css"]].decode()
    return out


def check(expected_dir: Path, actual: dict[str, str]) -> None:
    if UPDATE:
        for old in expected_dir.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, text in actual.items():
            target = expected_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return
    existing = {
        p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in expected_dir.rglob("*")
        if p.is_file()
    }
    assert sorted(actual) == sorted(existing), "set of output files differs (MINIHOST_UPDATE_GOLDEN=1 to rewrite)"
    for name, text in actual.items():
        assert text == existing[name], f"{name} differs from the golden file (MINIHOST_UPDATE_GOLDEN=1 to rewrite)"
