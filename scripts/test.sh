#!/usr/bin/env bash
# The whole suite: lint and types, then every test on SQLite + in-process state and on PostgreSQL + Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
bash scripts/services.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check src tests bench scripts; ruff format --check src tests bench scripts
echo "== mypy"; mypy
echo "== pytest: SQLite + memory store"
MINIHOST_TEST_DB=sqlite MINIHOST_TEST_STORE=memory pytest -q -p no:cacheprovider "$@"
echo "== pytest: PostgreSQL + Redis"
MINIHOST_TEST_DB=postgres MINIHOST_TEST_STORE=redis pytest -q -p no:cacheprovider "$@"
