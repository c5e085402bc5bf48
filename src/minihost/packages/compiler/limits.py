"""Size limits of a package, as WeChat enforces them on upload."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    main_package_bytes: int = 2 * MIB
    subpackage_bytes: int = 2 * MIB
    total_bytes: int = 20 * MIB
