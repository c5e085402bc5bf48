.PHONY: run test lint
run:  ## set up and run the platform at http://127.0.0.1:8000 (SQLite, demo data)
	bash scripts/run.sh
test:  ## set up and run the whole test suite on SQLite and PostgreSQL
	bash scripts/test.sh
lint:
	.venv/bin/ruff check src tests bench scripts && .venv/bin/ruff format --check src tests bench scripts && .venv/bin/mypy
