"""`vana-audit tools list|show`: the catalog as the person running the tool sees it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from vana_audit.cli import main


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_list_filters_by_capability_and_gives_json() -> None:
    result = run("tools", "list", "--capability", "secret-scan", "--format", "json")
    assert result.exit_code == 0
    tools = json.loads(result.output)
    assert {"gitleaks", "trufflehog"} <= {t["id"] for t in tools}
    assert all("secret-scan" in t["capabilities"] for t in tools)


def test_an_unknown_capability_is_a_usage_error() -> None:
    result = run("tools", "list", "--capability", "telepathy")
    assert result.exit_code == 2 and "unknown capability" in result.output


def test_show_says_how_a_tool_is_recognised() -> None:
    result = run("tools", "show", "golangci-lint")
    assert result.exit_code == 0
    assert "capabilities: lint" in result.output
    assert "golangci/golangci-lint-action" in result.output and ".golangci.yml" in result.output


def test_show_of_an_unknown_tool_is_one_line_and_exit_2() -> None:
    result = run("tools", "show", "no-such-tool")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["Error: unknown tool 'no-such-tool' (see `vana-audit tools list`)"]
