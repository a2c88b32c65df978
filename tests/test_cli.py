"""The CLI as a user meets it: exit codes, formats, output files, configuration errors."""
from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import jsonschema
import pytest
from click.testing import CliRunner

from tests.fixtures.gitrepo import make_repo
from vana_audit.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_missing_path_is_a_usage_error(tmp_path):
    result = run("scan", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "Error: path does not exist" in result.output


def test_a_file_is_not_a_scan_target(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = run("scan", str(target))
    assert result.exit_code == 2
    assert "not a directory" in result.output


def test_terminal_summary_has_the_category_table_and_p0_findings(seed_repo):
    result = run("scan", str(seed_repo), "--no-history")
    assert result.exit_code == 0
    assert "| Category" in result.output and "Build Automation" in result.output
    assert "P0 findings" in result.output
    assert "DOC-001" in result.output


def test_fail_under_exits_one(seed_repo):
    assert run("scan", str(seed_repo), "--no-history", "--fail-under", "4").exit_code == 1
    assert run("scan", str(seed_repo), "--no-history", "--fail-under", "1").exit_code == 0


def test_json_output_follows_the_published_schema(seed_repo, tmp_path):
    out = tmp_path / "r.json"
    result = run("scan", str(seed_repo), "-o", str(out), "--format", "json", "-q")
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert json.loads(result.output) == data
    schema = json.loads(resources.files("vana_audit").joinpath("schemas/result.schema.json").read_text())
    jsonschema.validate(data, schema)
    inventory = data["inventory"]
    assert inventory["dockerfiles"] == ["Dockerfile", "Dockerfile.local"]
    assert inventory["compose_files"] == ["docker-compose.prod.yml", "docker-compose.yml"]
    assert "jest" in inventory["test_frameworks"] and "playwright" in inventory["test_frameworks"]
    assert inventory["ci_providers"] == [] and inventory["workflows"] == []


def test_markdown_report_written_by_extension(seed_repo, tmp_path):
    out = tmp_path / "audit.md"
    assert run("scan", str(seed_repo), "--no-history", "-o", str(out), "-q").exit_code == 0
    text = out.read_text()
    assert "| Category | Score | Level | Status |" in text
    assert "`README.md:23`" in text  # evidence as path:line


def test_unknown_output_extension_is_a_usage_error(seed_repo, tmp_path):
    result = run("scan", str(seed_repo), "-o", str(tmp_path / "audit.docx"))
    assert result.exit_code == 2


def test_config_with_a_wrong_key_is_one_line_with_its_path(tmp_path):
    repo = make_repo(tmp_path / "r", {"README.md": "# x\n", ".vana-audit.yml": "weights:\n  biuld: 2\n"})
    result = run("scan", str(repo), "--no-history")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert ".vana-audit.yml: $.weights" in lines[0] and "biuld" in lines[0]


def test_config_weights_and_disabled_rules_apply(tmp_path):
    repo = make_repo(tmp_path / "r", {"README.md": "# x\n",
                                      ".vana-audit.yml": "disable: [BLD-003]\nweights: {docs: 0}\n"})
    result = run("scan", str(repo), "--no-history", "--format", "json")
    data = json.loads(result.output)
    assert "BLD-003" not in {f["rule_id"] for f in data["findings"]}
    assert next(c for c in data["categories"] if c["id"] == "docs")["weight"] == 0


def test_explicit_config_file_overrides(tmp_path):
    repo = make_repo(tmp_path / "r", {"README.md": "# x\n"})
    config = tmp_path / "cfg.yml"
    config.write_text("profile: library\n")
    data = json.loads(run("scan", str(repo), "--no-history", "--config", str(config), "--format", "json").output)
    assert data["profile"]["name"] == "library"


def test_rules_list_and_show(tmp_path):
    listed = json.loads(run("rules", "list", "--format", "json", "--category", "security").output)
    assert listed and all(r["category"] == "security" for r in listed)
    shown = run("rules", "show", "DOC-001")
    for heading in ("What it checks", "Why it matters", "How to fix", "Example", "References"):
        assert f"## {heading}" in shown.output
    assert run("rules", "show", "NOPE-999").exit_code == 2


def test_rules_validate_names_file_and_json_path(tmp_path):
    (tmp_path / "team.yaml").write_text("rules:\n  - id: TEAM-001\n    title: Has a thing\n    category: build\n"
                                        "    level: 7\n")
    result = run("rules", "validate", str(tmp_path))
    assert result.exit_code == 2
    assert "team.yaml" in result.output and "$.rules[0]" in result.output


def test_python_dash_m_entry_point(seed_repo):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "vana_audit", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "vana-audit" in proc.stdout


def test_configured_targets_reach_the_report(tmp_path):
    repo = make_repo(tmp_path / "r", {"README.md": "# x\n", ".vana-audit.yml": "targets: {overall: 3.5}\n"})
    out = tmp_path / "audit.md"
    assert run("scan", str(repo), "--no-history", "-o", str(out), "-q").exit_code == 0
    assert "3.5/5" in out.read_text() and "4.0/5 (80%)" not in out.read_text()


def test_a_closed_pipe_ends_the_output_quietly():
    """`vana-audit rules list | head`: the reader leaves early; no 'Error: Broken pipe' and exit 2."""
    proc = subprocess.Popen([sys.executable, "-m", "vana_audit", "rules", "list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # before anything is written: the first write (or the flush) meets a closed pipe
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert err == b""


def test_a_config_error_names_the_path_and_the_check_never_the_value(tmp_path):
    for text, where in (("max_file_bytes: secret-1\n", "$.max_file_bytes: must be of type integer"),
                        ("profile: secret-1\n", "$.profile: must be one of service"),
                        ("suppressions: [{rule: X, reason: secret-1, expires: secret-2}]\n",
                         "$.suppressions[0].expires: must match the pattern")):
        repo = make_repo(tmp_path / str(len(text)), {"README.md": "# x\n", ".vana-audit.yml": text})
        result = run("scan", str(repo), "--no-history")
        assert result.exit_code == 2
        assert where in result.output and "secret" not in result.output, result.output


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("max_file_bytes: 1.0e+12\n", "$.max_file_bytes: must be at most 67108864"),
        ("capacity_days_per_week: 1.0e-300\n", "$.capacity_days_per_week: must be at least 0.5"),
        ("weights: {docs: .inf}\n", "$.weights.docs: must be a finite number"),
        ("weights: {docs: .nan}\n", "$.weights.docs: must be a finite number"),
        ("weights: {docs: 1000}\n", "$.weights.docs: must be at most 100"),
        ("targets: {overall: .nan}\n", "$.targets.overall: must be a finite number"),
        ("targets: {categories: {docs: -.inf}}\n", "$.targets.categories.docs: must be a finite number"),
        ("dora: {window_days: 100000}\n", "$.dora.window_days: must be at most 3650"),
        ("suppressions: [{rule: DOC-001, reason: later, expires: 2024-02-30}]\n",
         "$.suppressions[0].expires: not a real date"),
        ("suppressions: [{rule: DOC-001, reason: later, expires: \"2024-02-2\\u0669\"}]\n",
         "$.suppressions[0].expires: must match"),
    ],
)
def test_config_numbers_and_dates_out_of_range_are_one_line_with_their_path(tmp_path, text, where):
    repo = make_repo(tmp_path / "r", {"README.md": "# x\n", ".vana-audit.yml": text})
    result = run("scan", str(repo), "--no-history")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and where in lines[0], result.output


def test_config_numbers_within_range_apply(tmp_path):
    repo = make_repo(tmp_path / "r", {"README.md": "# x\n", ".vana-audit.yml": (
        "max_file_bytes: 1.0e+6\ncapacity_days_per_week: 0.5\nweights: {docs: 100}\ndora: {window_days: 3650}\n"
        "suppressions: [{rule: DOC-001, reason: later, expires: 2024-02-29}]\n")})
    assert run("scan", str(repo), "--no-history", "-q").exit_code == 0
