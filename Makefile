.PHONY: install lint typecheck test audit build

install:
	python -m pip install -e ".[test,lint]" pre-commit

lint:
	ruff check .

typecheck:
	mypy vana_audit

test:
	python -m pytest

audit:
	vana-audit scan . --fail-under 4.0

build:
	python -m build
