#!/usr/bin/env bash
# Set up and run the platform on the embedded default: SQLite and local files under ./var, demo data seeded.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/minihost serve "$@"
