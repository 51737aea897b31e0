# The two commands of README.md: `make demo` runs the product, `make test` runs the tests.
.PHONY: demo test lint

demo:
	@scripts/bootstrap.sh run
	.venv/bin/hoso demo

test:
	@scripts/bootstrap.sh test
	.venv/bin/ruff check src tests bench
	.venv/bin/lint-imports
	HOSO_SECRET_KEY="$${HOSO_SECRET_KEY:-tests-only-key-never-use-in-production}" .venv/bin/python -m pytest

lint:
	@scripts/bootstrap.sh test
	.venv/bin/ruff check src tests bench
	.venv/bin/lint-imports
