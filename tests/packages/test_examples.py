"""Every example mini program of the repository compiles without errors or warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from minihost.packages.compiler import CompileFailed, PackageSource, compile_package

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "app.json").is_file()) if EXAMPLES.is_dir() else []


@pytest.mark.parametrize("name", NAMES)
def test_example_compiles(name: str) -> None:
    try:
        bundle = compile_package(PackageSource.from_directory(EXAMPLES / name))
    except CompileFailed as exc:
        pytest.fail(f"{name} does not compile:\n{exc}")
    assert [str(w) for w in bundle.warnings] == []
    assert bundle.manifest["pages"]
