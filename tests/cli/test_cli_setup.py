"""`minihost` commands on a fresh checkout: no data directory yet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _minihost(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"MINIHOST_DATA_DIR": str(tmp_path / "not-yet" / "var"), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "minihost.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )


def test_seed_creates_the_data_directory_and_prints_credentials_once(tmp_path: Path) -> None:
    first = _minihost(tmp_path, "seed")
    assert first.returncode == 0, first.stderr
    assert "end user:   demo / " in first.stdout
    assert (tmp_path / "not-yet" / "var" / "minihost.db").exists()
    again = _minihost(tmp_path, "seed")
    assert again.returncode == 0, again.stderr
    assert "Demo data already there." in again.stdout


def test_migrate_rejects_an_unknown_direction(tmp_path: Path) -> None:
    result = _minihost(tmp_path, "migrate", "sideways")
    assert result.returncode == 2
    assert "Say 'up' or 'down'" in result.stdout
