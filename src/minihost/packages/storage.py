"""Content-addressed file store: each file lives under the SHA-256 hex of its bytes."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_HASH = re.compile(r"^[0-9a-f]{64}$")


class BundleStore:
    """Files under `root/ab/abcdef…` (two-level fan-out keeps folders small).

    Writes go to a temporary file in the same folder, then are renamed into place, so a reader never
    sees a partial file and concurrent writers of the same content are harmless.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        if not _HASH.match(digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def put_many(self, files: dict[str, bytes]) -> None:
        """Store files already keyed by their hash (a CompiledBundle's `files`); checks each key."""
        for digest, data in files.items():
            if self.put(data) != digest:
                raise ValueError(f"content does not match its hash {digest}")

    def exists(self, digest: str) -> bool:
        try:
            return self.path(digest).is_file()
        except ValueError:
            return False

    def read(self, digest: str) -> bytes:
        """The file's bytes; FileNotFoundError when absent, ValueError for a malformed hash."""
        return self.path(digest).read_bytes()

    def open(self, digest: str) -> Path:
        """Path of a stored file, for streaming responses; FileNotFoundError when absent."""
        target = self.path(digest)
        if not target.is_file():
            raise FileNotFoundError(digest)
        return target
