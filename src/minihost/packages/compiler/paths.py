"""Package path arithmetic shared by every file kind."""

from __future__ import annotations

import posixpath


def resolve_ref(from_file: str, ref: str, ext: str = "") -> str:
    """The package path `ref` names when written in `from_file`: `/x` from the package root, anything
    else relative to the file's folder; `ext` is added when missing. Raises LookupError when the path
    leaves the package."""
    ref = ref.strip()
    if not ref:
        raise LookupError("empty path")
    joined = ref.lstrip("/") if ref.startswith("/") else posixpath.join(posixpath.dirname(from_file), ref)
    norm = posixpath.normpath(joined)
    if norm.startswith("../") or norm == ".." or norm == ".":
        raise LookupError(f"path {ref!r} leaves the package")
    if ext and not norm.endswith(ext):
        norm += ext
    return norm


def strip_ext(path: str) -> str:
    root, _ = posixpath.splitext(path)
    return root
