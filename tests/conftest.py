from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.fixtures.repos import build_mature_repo, build_readme_only, build_seed_replica
from vana_audit.scan import scan

FIXED_NOW = "2025-10-20T12:00:00Z"

# Parsed rule files are cached per test run, not in the user's cache folder (parse_cache.py).
os.environ.setdefault("VANA_AUDIT_CACHE_DIR", tempfile.mkdtemp(prefix="vana-audit-test-cache-"))


@pytest.fixture(scope="session")
def seed_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seed_replica(tmp_path_factory.mktemp("seed") / "vana")


@pytest.fixture(scope="session")
def mature_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_mature_repo(tmp_path_factory.mktemp("mature") / "acme-api")


@pytest.fixture(scope="session")
def readme_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_readme_only(tmp_path_factory.mktemp("readme") / "notes")


@pytest.fixture(scope="session")
def seed_result(seed_repo: Path):
    return scan(seed_repo, now=FIXED_NOW)


@pytest.fixture(scope="session")
def mature_result(mature_repo: Path):
    return scan(mature_repo, now=FIXED_NOW)
