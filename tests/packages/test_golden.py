"""Whole packages compiled and compared with reviewed outputs under fixtures/<name>/expected/."""

from __future__ import annotations

from pathlib import Path

import pytest

from minihost.packages.compiler import PackageSource, compile_package

from .golden import check, expand

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "package").is_dir())


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    bundle = compile_package(PackageSource.from_directory(FIXTURES / name / "package"))
    check(FIXTURES / name / "expected", expand(bundle))


@pytest.mark.parametrize("name", CASES)
def test_same_input_gives_identical_bytes(name: str) -> None:
    first = compile_package(PackageSource.from_directory(FIXTURES / name / "package"))
    second = compile_package(PackageSource.from_directory(FIXTURES / name / "package"))
    assert first.manifest_bytes == second.manifest_bytes
    assert first.manifest_hash == second.manifest_hash
    assert first.files == second.files
