"""The repository's name in every report: owner/name from the origin remote, else the folder's name;
the command-line path only as detail, and never a credential from the remote URL (issue 14, item 1)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.fixtures.gitrepo import git, make_repo
from vana_audit import store
from vana_audit.identity import config_value, name_from_url, origin_url, repository_name
from vana_audit.render import OutputFormat, renderer_for
from vana_audit.report import build_report
from vana_audit.scan import scan

TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
SCHEMA = json.loads((Path(__file__).parent.parent / "vana_audit" / "schemas" / "result.schema.json").read_text("utf-8"))


@pytest.mark.parametrize(("url", "name"), [
    ("https://github.com/acme/shop.git", "acme/shop"),
    ("https://github.com/acme/shop", "acme/shop"),
    ("https://github.com/acme/shop/", "acme/shop"),
    (f"https://x-access-token:{TOKEN}@github.com/acme/shop.git", "acme/shop"),
    ("https://user:hunter2@gitlab.example.com:8443/group/sub/shop.git", "group/sub/shop"),
    ("git@github.com:acme/shop.git", "acme/shop"),
    ("github.com:acme/shop", "acme/shop"),
    ("ssh://git@github.com:22/acme/shop.git", "acme/shop"),
    ("https://dev.azure.com/org/project/_git/shop", "org/project/shop"),
    ("file:///srv/git/shop.git", "shop"),
    ("/srv/git/shop.git", "shop"),
    ("../shop", "shop"),
    ("", None),
])
def test_name_from_url(url: str, name: str | None):
    assert name_from_url(url) == name


def test_config_is_read_as_data():
    text = (
        "[core]\n\tbare = false\n"
        '[remote "upstream"]\n\turl = https://github.com/other/shop.git\n'
        '[Remote "origin"] ; a comment\n'
        '\tURL = "https://github.com/acme/shop.git" # trailing comment\n'
        "\turl = https://github.com/second/url.git\n"
    )
    assert config_value(text, "remote", "origin", "url") == "https://github.com/acme/shop.git"
    assert config_value("[remote.origin]\n  url = git@host:a/b.git\n", "remote", "origin", "url") == "git@host:a/b.git"
    assert config_value('[remote "Origin"]\n url = x\n', "remote", "origin", "url") is None, "subsections are case-sensitive"
    assert config_value("[remote \"origin\"]\n url = https://h/a/\\\nb.git\n", "remote", "origin", "url") == "https://h/a/b.git"


def test_includes_are_not_followed(tmp_path: Path):
    repo = make_repo(tmp_path / "work", {"README.md": "# x\n"})
    included = tmp_path / "elsewhere.gitconfig"
    included.write_text('[remote "origin"]\n\turl = https://github.com/from/include.git\n', encoding="utf-8")
    git(repo, "config", "include.path", str(included))
    assert origin_url(repo / ".git") is None
    assert repository_name(repo, repo / ".git") == "work"


@pytest.fixture(scope="module")
def named_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("ident") / "checkout-dir", {"README.md": "# shop\n", "app.py": "print(1)\n"})
    git(repo, "remote", "add", "origin", f"https://x-access-token:{TOKEN}@github.com/acme/shop.git")
    return repo


@pytest.fixture(scope="module")
def named_report(named_repo: Path):
    return build_report(scan(named_repo, with_history=False, now="2025-10-20T12:00:00Z"))


def test_scan_names_the_repository_by_its_origin(named_report, named_repo: Path):
    target = named_report.result.target
    assert target.name == "acme/shop"
    assert target.path == str(named_repo)
    assert named_report.repository == "acme/shop" and named_report.repository_path == str(named_repo)


@pytest.mark.parametrize("fmt", [OutputFormat.TERMINAL, OutputFormat.MARKDOWN, OutputFormat.HTML, OutputFormat.JSON])
def test_every_format_names_the_repository_and_no_credential(named_report, fmt: OutputFormat):
    text = renderer_for(fmt)(named_report)
    assert isinstance(text, str)
    assert "acme/shop" in text
    assert TOKEN not in text and "x-access-token" not in text


def test_json_contract_has_the_name_and_keeps_the_path(named_report, named_repo: Path):
    data = json.loads(renderer_for(OutputFormat.JSON)(named_report))
    jsonschema.validate(data, SCHEMA)
    assert data["target"]["name"] == "acme/shop"
    assert data["target"]["path"] == str(named_repo)


def test_titles_and_headings_use_the_name(named_report):
    html = renderer_for(OutputFormat.HTML)(named_report)
    assert "<title>CI/CD &amp; DevOps Maturity Review — acme/shop</title>" in html
    assert 'class="repo-name">acme/shop<' in html, "the PDF page header reads this element (string-set)"
    markdown = renderer_for(OutputFormat.MARKDOWN)(named_report)
    assert markdown.startswith("# CI/CD & DevOps Maturity Review — acme/shop\n")
    terminal = renderer_for(OutputFormat.TERMINAL)(named_report)
    assert terminal.splitlines()[0].startswith("vana-audit — acme/shop")


def test_without_a_remote_the_folder_name_not_the_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo = make_repo(tmp_path / "msd", {"README.md": "# msd\n"})
    monkeypatch.chdir(repo)
    result = scan(Path("."), with_history=False)
    assert result.target.name == "msd" and result.target.path == "."
    html = renderer_for(OutputFormat.HTML)(build_report(result))
    assert "Maturity Review — msd</title>" in html and "Maturity Review — .</title>" not in html
    plain = tmp_path / "plain-folder"
    plain.mkdir()
    (plain / "README.md").write_text("# p\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "msd")
    assert scan(Path("../plain-folder"), with_history=False).target.name == "plain-folder"


def test_a_ref_scan_and_a_bare_repository_are_named_too(named_repo: Path, tmp_path: Path):
    assert scan(named_repo, ref="HEAD", with_history=False).target.name == "acme/shop"
    bare = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--bare", str(named_repo), str(bare))
    git(bare, "remote", "set-url", "origin", "git@gitlab.com:team/shop-mirror.git")
    assert scan(bare, with_history=False).target.name == "team/shop-mirror"


def test_history_key_reads_the_origin_as_data(named_repo: Path):
    assert store.repo_key_for(named_repo) == "https://github.com/acme/shop"


def test_batch_and_leaderboard_use_the_name(named_repo: Path, tmp_path: Path):
    from vana_audit.batch import BatchOptions, audit_one

    outcome = audit_one(0, str(named_repo), str(tmp_path / "out"), BatchOptions(with_history=False))
    assert outcome["error"] is None, outcome["error"]
    assert outcome["name"] == "acme/shop"
    assert outcome["entry"] == str(named_repo)
