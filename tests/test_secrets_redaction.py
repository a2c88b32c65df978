"""Secrets stay secret: a committed AWS key, GitHub token and private key are detected (SEC-003
fails with evidence) and appear redacted in every output format; the raw value appears in none.

The keys are realistic (not AWS's documented EXAMPLE key) and sit where other rules quote lines
too: a README line the CI-claim rule cites, a workflow step a CI rule cites, a commit message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fixtures.gitrepo import commit, make_repo
from tests.test_hostile_kit import assert_no_traceback, run_cli
from vana_audit.render import OutputFormat
from vana_audit.secrets import redact_text, scan_text

# Assembled at run time, so that this file holds no secret-shaped literal (the project scans itself).
AWS_KEY = "AKIA" + "Z7QK3N5T2B8XW4LP"
GITHUB_TOKEN = "ghp_" + "R8fK2mQx7Lp4Vz9Tn3Wc6Yh1Bd5Gs0Ja2Ne8"
KEY_BODY = [
    "MIIEowIBAAKCAQEA0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78L",
    "hWx4vjPkQz3mT8RZyBq5oL7cJ1dF9gH2kN6sX4uV0wY3aE5iO8pR2tU7zC1bD4fG",
    "Qx9Lm2Nn7Pp4Rr6Ss8Tt1Uu3Vv5Ww7Xx9Yy2Zz4Aa6Bb8Cc1Dd3Ee5Ff7Gg9Hh2Ii",
]
PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + "\n".join(KEY_BODY) + "\n-----END RSA PRIVATE KEY-----\n"
RAW = [AWS_KEY, GITHUB_TOKEN, *KEY_BODY, AWS_KEY[4:], GITHUB_TOKEN[4:]]


@pytest.fixture(scope="module")
def leaky_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(
        tmp_path_factory.mktemp("leaks") / "leaky",
        {
            "README.md": f"# Leaky\n\nCI/CD runs on GitHub Actions; deploy key {AWS_KEY}\n",
            "config/settings.py": f'AWS_ACCESS_KEY_ID = "{AWS_KEY}"\nAWS_REGION = "eu-west-1"\n',
            ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: actions/checkout@v4\n"
            f"      - run: GITHUB_TOKEN={GITHUB_TOKEN} pytest --cov\n"
            f"      - run: echo {AWS_KEY} | docker login -u x --password-stdin\n",
            "deploy/id_rsa": PRIVATE_KEY,
            "docs/setup.md": f"Use this key:\n\n```\n{PRIVATE_KEY}```\n",
            "Makefile": f"deploy:\n\tAWS_ACCESS_KEY_ID={AWS_KEY} terraform apply\n",
        },
    )
    commit(repo, {"src/app.py": "x = 1\n"}, f"fix: rotate token {GITHUB_TOKEN}", "2025-10-05T12:00:00+00:00")
    return repo


@pytest.fixture(scope="module")
def outputs(leaky_repo: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    run = run_cli(["scan", str(leaky_repo)], tmp_path_factory.mktemp("leaks-out"), formats=list(OutputFormat))
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    assert set(run.files) == set(OutputFormat)
    return run


def test_sec_003_fails_with_redacted_evidence_for_each_secret(outputs) -> None:  # type: ignore[no-untyped-def]
    (finding,) = [f for f in outputs.json()["findings"] if f["rule_id"] == "SEC-003"]
    assert finding["outcome"] == "fail"
    cited = {e["path"]: e["snippet"] for e in finding["evidence"]}
    assert "config/settings.py" in cited and "deploy/id_rsa" in cited and ".github/workflows/ci.yml" in cited
    snippets = " ".join(cited.values())
    assert "aws-access-key-id" in snippets and "github-token" in snippets and "private-key" in snippets
    assert "REDACTED" in snippets and "AKIA" in snippets  # recognisable, not readable


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_no_raw_secret_in_any_format(outputs, fmt: OutputFormat) -> None:  # type: ignore[no-untyped-def]
    text = outputs.files[fmt]
    assert text.strip()
    for secret in RAW:
        assert secret not in text, f"{fmt.value} shows {secret[:8]}…"
    if fmt is not OutputFormat.TERMINAL:
        assert "REDACTED" in text, f"{fmt.value} does not show that something was redacted"


def test_no_raw_secret_on_the_terminal_or_stderr(outputs) -> None:  # type: ignore[no-untyped-def]
    for secret in RAW:
        assert secret not in outputs.stdout and secret not in outputs.stderr


def test_the_json_result_holds_no_raw_secret_anywhere(outputs) -> None:  # type: ignore[no-untyped-def]
    flat = json.dumps(outputs.json())
    for secret in RAW:
        assert secret not in flat


# -- detection and redaction units -----------------------------------------------------------------


def test_detection_finds_each_kind_on_its_line() -> None:
    text = f"a\nkey = {AWS_KEY}\ntoken: {GITHUB_TOKEN}\n{PRIVATE_KEY}"
    hits = {(h.kind, h.line) for h in scan_text("x", text)}
    assert {("aws-access-key-id", 2), ("github-token", 3), ("private-key", 4)} <= hits
    assert all(AWS_KEY not in h.redacted and GITHUB_TOKEN not in h.redacted for h in scan_text("x", text))


def test_awss_documented_example_key_is_not_a_finding() -> None:
    assert scan_text("x", "AKIA" + "IOSFODNN7EXAMPLE") == []


def test_redact_text_hides_a_whole_private_key_block_and_every_token() -> None:
    text = f"before {AWS_KEY} and {GITHUB_TOKEN}\n{PRIVATE_KEY}after"
    redacted = redact_text(text)
    for secret in RAW:
        assert secret not in redacted
    assert redacted.startswith("before AKIA") and redacted.rstrip().endswith("after")


def test_redact_text_hides_a_private_key_body_even_without_its_end_line() -> None:
    cut = PRIVATE_KEY[: PRIVATE_KEY.index(KEY_BODY[1]) + 20]  # a snippet cut mid-key
    redacted = redact_text(cut)
    assert KEY_BODY[0] not in redacted and KEY_BODY[1][:20] not in redacted


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30), st.sampled_from([AWS_KEY, GITHUB_TOKEN, PRIVATE_KEY, " ".join(PRIVATE_KEY.split())])
        ),
        max_size=12,
    ),
    st.sampled_from([" ", "\n", "\t", " | ", "\n\n"]),
)
def test_redact_text_never_lets_a_whole_secret_through(parts: list[str], separator: str) -> None:
    """Whatever surrounds them (separated by a space or a line break, as tokens are), no secret survives."""
    redacted = redact_text(separator + separator.join(parts) + separator)
    for secret in RAW:
        assert secret not in redacted


def test_a_key_straddling_the_doc_line_cut_is_redacted_not_halved() -> None:
    """Doc lines are cut at 500 characters; a key cut in half would no longer match and would leak."""
    from tests.test_properties_parsers import MemorySource
    from vana_audit.collectors.meta import collect_docs

    for offset in range(480, 500):
        source = MemorySource({"README.md": ("x" * offset + " " + AWS_KEY + " tail").encode()})
        _, lines = collect_docs(source, source.files)
        assert AWS_KEY[:10] not in lines[0].text, offset
