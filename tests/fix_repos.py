"""Repositories of three stacks for `vana-audit fix`, each with its own commands and no CI yet, built
in a temporary directory with a dated commit (tests/fixtures/gitrepo.py)."""
from __future__ import annotations

from pathlib import Path

from tests.fixtures.gitrepo import make_repo

PYTHON_MAKEFILE = """.PHONY: install lint typecheck test

install:
\tpython -m pip install -e ".[dev]"

lint:
\truff check src tests

typecheck:
\tmypy src

test:
\tpytest -q
"""

PYTHON_PYPROJECT = """[project]
name = "inventory"
version = "1.2.0"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.110"]

[project.optional-dependencies]
dev = ["pytest>=8", "pytest-cov>=5", "ruff>=0.6", "mypy>=1.11"]

[tool.pytest.ini_options]
addopts = "--cov=inventory --cov-fail-under=80"

[tool.ruff]
line-length = 100

[tool.mypy]
strict = true
"""

# Commands each fixture's generated CI must run: exactly the repository's own.
PYTHON_COMMANDS = ["make install", "make lint", "make typecheck", "make test"]
NODE_COMMANDS = ["npm ci", "npm run lint", "npm run typecheck", "npm run test", "npm run build"]
GO_COMMANDS = ["make lint", "make test"]
GO_BARE_COMMANDS = ["go vet ./...", "go test ./..."]


def python_repo(root: Path, extra: dict[str, str] | None = None) -> Path:
    files = {
        "README.md": "# Inventory\n\nA small inventory service.\n",
        "Makefile": PYTHON_MAKEFILE,
        "pyproject.toml": PYTHON_PYPROJECT,
        "src/inventory/__init__.py": "",
        "src/inventory/app.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "tests/test_app.py": "def test_app():\n    assert True\n",
        "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nRUN pip install /app\nCMD [\"uvicorn\", \"inventory.app:app\"]\n",
        **(extra or {}),
    }
    return make_repo(root, files, date="2025-09-01T10:00:00+00:00")


NODE_PACKAGE = """{
  "name": "storefront",
  "version": "0.4.0",
  "private": true,
  "scripts": {
    "dev": "vite",
    "build": "vite build",
    "lint": "eslint .",
    "typecheck": "tsc --noEmit",
    "test": "vitest run"
  },
  "dependencies": {"react": "^18.3.0"},
  "devDependencies": {"vitest": "^2.1.0", "eslint": "^9.0.0", "typescript": "^5.6.0", "vite": "^5.4.0"}
}
"""


def node_repo(root: Path) -> Path:
    files = {
        "README.md": "# Storefront\n\nThe shop's web front end.\n",
        "package.json": NODE_PACKAGE,
        "package-lock.json": "{\"lockfileVersion\": 3}\n",
        "src/main.ts": "export const answer = 42;\n",
        "src/main.test.ts": "import { test, expect } from 'vitest';\ntest('answer', () => expect(42).toBe(42));\n",
        "tsconfig.json": "{\"compilerOptions\": {\"strict\": true}}\n",
    }
    return make_repo(root, files, date="2025-09-02T10:00:00+00:00")


GO_MAKEFILE = """.PHONY: lint test build

lint:
\tgo vet ./...

test:
\tgo test -race ./...

build:
\tgo build -o bin/api ./cmd/api
"""


def go_repo(root: Path, makefile: bool = True) -> Path:
    files = {
        "README.md": "# API\n\nThe orders API.\n",
        "go.mod": "module example.com/api\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n",
        "go.sum": "",
        "cmd/api/main.go": "package main\n\nfunc main() {}\n",
        "internal/orders/orders.go": "package orders\n\nfunc Total(a, b int) int { return a + b }\n",
        "internal/orders/orders_test.go": "package orders\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) {\n"
                                          "\tif Total(1, 2) != 3 {\n\t\tt.Fatal(\"sum\")\n\t}\n}\n",
    }
    if makefile:
        files["Makefile"] = GO_MAKEFILE
    return make_repo(root, files, date="2025-09-03T10:00:00+00:00")


GITLAB_CI = """# Our pipeline: keep this comment.
stages:
  - build

build:
  stage: build
  image: python:3.12
  script:
    - python -m build  # builds the wheel
"""


def gitlab_python_repo(root: Path) -> Path:
    return python_repo(root, {".gitlab-ci.yml": GITLAB_CI})


PRE_COMMIT = """# Hooks run on every commit.
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.9  # pinned on purpose
    hooks:
      - id: ruff
"""
