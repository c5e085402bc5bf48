"""The content-addressed store that serves /bundles/files/{hash}."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from minihost.packages.storage import BundleStore


def test_put_read_exists(tmp_path: Path) -> None:
    store = BundleStore(tmp_path / "bundles")
    digest = store.put(b"hello")
    assert digest == hashlib.sha256(b"hello").hexdigest()
    assert store.exists(digest)
    assert store.read(digest) == b"hello"
    assert store.open(digest).read_bytes() == b"hello"
    assert store.put(b"hello") == digest  # idempotent


def test_missing_and_malformed_hashes(tmp_path: Path) -> None:
    store = BundleStore(tmp_path)
    missing = hashlib.sha256(b"nope").hexdigest()
    assert not store.exists(missing)
    assert not store.exists("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        store.read(missing)
    with pytest.raises(FileNotFoundError):
        store.open(missing)
    with pytest.raises(ValueError):
        store.read("../" + missing[3:])


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    store = BundleStore(tmp_path)
    store.put(b"a")
    store.put_many({hashlib.sha256(b"b").hexdigest(): b"b"})
    names = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert names == sorted([hashlib.sha256(b"a").hexdigest(), hashlib.sha256(b"b").hexdigest()])


def test_put_many_checks_hashes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        BundleStore(tmp_path).put_many({"0" * 64: b"not zero"})
