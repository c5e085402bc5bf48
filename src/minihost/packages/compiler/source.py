"""A package's files, read from a directory or given as a {relpath: bytes} mapping."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from .errors import Diagnostics

# Folders the WeChat devtools never upload: npm sources (only the built miniprogram_npm is used)
# and hidden folders (.git, editor state).
_SKIPPED_DIRS = frozenset({"node_modules"})


def normalise_path(path: str) -> str:
    """`a\\b/./c` → `a/b/c`; raises ValueError for paths leaving the package."""
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            raise ValueError(f"path leaves the package: {path!r}")
        parts.append(part)
    if not parts:
        raise ValueError(f"empty path: {path!r}")
    return "/".join(parts)


def _skipped(path: str) -> bool:
    parts = path.split("/")
    return any(p.startswith(".") or p in _SKIPPED_DIRS for p in parts[:-1]) or parts[-1].startswith(".")


class PackageSource:
    """The files of one mini program, keyed by package-relative `/`-separated path.

    When a `project.config.json` names a `miniprogramRoot`, only that folder is the package, as in
    the WeChat devtools.
    """

    __slots__ = ("files", "root")

    def __init__(self, files: dict[str, bytes], root: str = "") -> None:
        self.files = files
        self.root = root

    @classmethod
    def from_files(cls, mapping: Mapping[str, bytes]) -> PackageSource:
        files: dict[str, bytes] = {}
        for raw, data in mapping.items():
            path = normalise_path(raw)
            if not _skipped(path):
                files[path] = bytes(data)
        root = _miniprogram_root(files)
        if root:
            prefix = root + "/"
            files = {p[len(prefix) :]: d for p, d in files.items() if p.startswith(prefix)}
        return cls(files, root)

    @classmethod
    def from_directory(cls, path: str | os.PathLike[str]) -> PackageSource:
        base = Path(path)
        if not base.is_dir():
            raise FileNotFoundError(f"not a directory: {base}")
        mapping: dict[str, bytes] = {}
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIPPED_DIRS)
            for name in filenames:
                if name.startswith("."):
                    continue
                full = Path(dirpath) / name
                mapping[full.relative_to(base).as_posix()] = full.read_bytes()
        return cls.from_files(mapping)

    def text(self, path: str, diag: Diagnostics) -> str | None:
        """The file decoded as UTF-8 (a BOM dropped), or None after reporting why not."""
        data = self.files.get(path)
        if data is None:
            return None
        return decode_text(data, path, diag)


def decode_text(data: bytes, path: str, diag: Diagnostics) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        col = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        diag.error(path, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8")
        return None


def _miniprogram_root(files: dict[str, bytes]) -> str:
    data = files.get("project.config.json")
    if data is None:
        return ""
    try:
        config = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""  # the devtools' own file: a broken one does not stop the package
    root = config.get("miniprogramRoot") if isinstance(config, dict) else None
    if not isinstance(root, str):
        return ""
    try:
        return normalise_path(root)
    except ValueError:
        return ""
