"""`python -m minihost.packages.compiler DIR [OUT]`: compile a package folder, print its messages.

With OUT, the bundle's files are written there by hash (as the server stores them); exit status 1 when
the package does not compile.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import CompileFailed, PackageSource, compile_package


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    try:
        bundle = compile_package(PackageSource.from_directory(argv[0]))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CompileFailed as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 1
    for warning in bundle.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if len(argv) > 1:
        out = Path(argv[1])
        out.mkdir(parents=True, exist_ok=True)
        for digest, data in bundle.files.items():
            (out / digest).write_bytes(data)
    print(bundle.manifest_hash)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
