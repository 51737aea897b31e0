# The two commands of README.md: `make demo` runs the product, `make test` runs the tests.
.PHONY: demo test lint

demo:
	@scripts/bootstrap.sh run
	.venv/bin/hoso demo

test:
	@scripts/bootstrap.sh test
	.venv/bin/ruff check src tests bench
	.venv/bin/python -m pytest

lint:
	@scripts/bootstrap.sh run
	.venv/bin/ruff check src tests bench
