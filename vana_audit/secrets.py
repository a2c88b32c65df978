"""Committed-secret detection (gitleaks-style patterns) and redaction used by every output."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .source import Source


@dataclass(frozen=True)
class SecretHit:
    path: str
    line: int
    kind: str
    redacted: str


# Each pattern is anchored on a fixed prefix and bounded, so none can backtrack badly.
SECRET_PATTERNS: dict[str, re.Pattern[str]] = {
    "aws-access-key-id": re.compile(r"\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b"),
    "github-token": re.compile(r"\b((?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36,255})\b"),
    "github-fine-grained-token": re.compile(r"\b(github_pat_[0-9A-Za-z_]{82})\b"),
    "private-key": re.compile(r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----)"),
    "slack-webhook": re.compile(r"(https://hooks\.slack\.com/services/T[0-9A-Za-z_]{8,12}/B[0-9A-Za-z_]{8,12}/[0-9A-Za-z_]{20,32})"),
    "slack-token": re.compile(r"\b(xox[baprs]-[0-9A-Za-z-]{10,72})\b"),
    "gcp-api-key": re.compile(r"\b(AIza[0-9A-Za-z_\-]{35})\b"),
    # A service-account key is its private key: the `"type": "service_account"` marker alone (a dummy
    # account in test values, `"private_key": ""`) holds no secret.
    "gcp-service-account": re.compile(
        r"(\"private_key\"\s*:\s*\"-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----(?:\\n|\s){0,4}[A-Za-z0-9+/=]{24})"
    ),
    "stripe-secret-key": re.compile(r"\b((?:sk|rk)_live_[0-9A-Za-z]{24,99})\b"),
    "openai-api-key": re.compile(r"\b(sk-(?:proj-)?[A-Za-z0-9_\-]{20}T3BlbkFJ[A-Za-z0-9_\-]{20})\b"),
    "npm-token": re.compile(r"\b(npm_[0-9A-Za-z]{36})\b"),
    "gitlab-token": re.compile(r"\b(glpat-[0-9A-Za-z_\-]{20})\b"),
}
_PREFILTER = ("AKIA", "ASIA", "ABIA", "ACCA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "PRIVATE KEY",
              "hooks.slack.com", "xox", "AIza", "_live_", "T3BlbkFJ", "npm_", "glpat-")
_PREFILTER_BYTES = re.compile(b"|".join(re.escape(token.encode()) for token in _PREFILTER))  # one pass, not 19
_ANY_SECRET = re.compile("|".join(f"(?:{p.pattern})" for p in SECRET_PATTERNS.values()))
MAX_HITS = 200

# Where a private key is normally test material (a certificate for a test TLS server, a signing key
# for a test, a Helm chart's CI test values): a test folder, a chart's `ci/` values, or a file named
# as a test, example or fake. Tokens stay real anywhere.
_TEST_FOLDER = (r"(^|/)(tests?|testdata|test[-_]?data|testing|test[-_]?resources|fixtures|__fixtures__|"
                r"__tests__|specs?|e2e)(/|$)")
_IN_TEST_FOLDER = re.compile(_TEST_FOLDER, re.IGNORECASE)
_TEST_MATERIAL = re.compile(
    _TEST_FOLDER + r"|"
    r"(^|/)ci/[^/]*values[^/]*\.ya?ml$|"
    # a framework's configuration for development or tests (Phoenix config/dev.exs, Rails environments/test.rb);
    # Mix names an environment by its file, so any config/<env>.exs but prod, runtime, releases and staging
    # configures a non-production environment (hexpm's config/hex.exs for its client's integration tests)
    r"(^|/)(config|settings)/(environments/)?(dev|development|test|local)\.\w{1,5}$|"
    r"(^|/)config/(?!(prod|production|runtime|releases|staging|config)\.exs$)[\w-]{1,40}\.exs$|"
    r"(^|/)(test|example|dummy|fake|sample)[^/]*$|"
    r"(^|/)[^/]*[-_.](test|example|dummy|fake|sample)s?[-_.][^/]*$",
    re.IGNORECASE,
)
KEY_KINDS = ("private-key", "gcp-service-account")


def in_test_folder(path: str) -> bool:
    """The path lies in a test or fixture folder (tests/, spec/, testdata/, fixtures/, e2e/ ...)."""
    return _IN_TEST_FOLDER.search(path) is not None


def is_test_key(hit: SecretHit) -> bool:
    """A private key that sits where test material lives (reported apart from real leaks: SEC-026)."""
    return hit.kind in KEY_KINDS and _TEST_MATERIAL.search(hit.path) is not None


# Secret material, not a marker: a private key's BEGIN line must be followed by a key body (a
# detector's source or a doc that names the header holds none), and a token's random part must look
# random (`ghp_xxxx...`, `xoxb-your-token-here` are placeholders).
_KEY_GAP = r"(?:\s|\\[nr]|[\"'+,|>`])"  # newlines (or escaped ones), quotes, string concatenation
# a PEM header (Proc-Type: ...) runs to its newline
_PEM_HEADER = rf"[A-Za-z][A-Za-z-]{{0,30}}:[^\n\\]{{0,200}}(?:\n|\\n){_KEY_GAP}{{0,40}}"
_KEY_BODY = re.compile(rf"{_KEY_GAP}{{0,40}}(?:{_PEM_HEADER}){{0,4}}[A-Za-z0-9+/]{{24}}")
_PLACEHOLDER = re.compile(r"x{5}|X{5}|0{6}|your|example|placeholder|dummy|redacted|changeme|token|secret",
                          re.IGNORECASE)
_TOKEN_PREFIX = re.compile(r"^(?:AKIA|ASIA|ABIA|ACCA|github_pat_|gh[pousr]_|xox[baprs]-|AIza|[sr]k_live_|"
                           r"sk-(?:proj-)?|npm_|glpat-)")
MIN_TOKEN_ENTROPY = 3.0  # bits per character of the random part; random base62 gives about 5


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = [text.count(c) for c in set(text)]
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts)


def is_secret_material(kind: str, value: str, text: str, end: int) -> bool:
    """Whether a pattern match is a secret rather than its shape: a key with a body, a random token."""
    if kind == "private-key":
        return _KEY_BODY.match(text, end) is not None
    if kind in ("gcp-service-account", "slack-webhook"):
        return True  # the pattern already requires the key body / the webhook's random path
    body = _TOKEN_PREFIX.sub("", value)
    return not _PLACEHOLDER.search(body) and entropy(body) >= MIN_TOKEN_ENTROPY


def redact(value: str) -> str:
    """Keep a short recognisable prefix and hide the rest."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * min(len(value) - 4, 16) + f"…[REDACTED {len(value)} chars]"


# What follows a private key's BEGIN line: PEM headers and base64 runs (on their own lines, or joined
# by spaces in a one-line snippet), then the END line. Each run ends where the alphabet does, so the
# pattern cannot split one run two ways.
# The gaps are bounded (an indented key in YAML, CRLF, a blank line) so no search rescans a long run.
_PEM_BODY = re.compile(r"(?:\s{0,40}+(?:[A-Za-z0-9+/=]{16,}+|[A-Za-z][A-Za-z-]{0,30}:[^\n]{0,200}))*"
                       r"(?:\s{0,40}+-----END [A-Z ]{0,20}PRIVATE KEY(?: BLOCK)?-----)?")


def may_hold_secret(text: str) -> bool:
    """False when no pattern can match: the fast path of every redaction."""
    return any(p in text for p in _PREFILTER)


def redact_text(text: str) -> str:
    """Redact every secret-looking token in arbitrary text (snippets, messages); a private key
    goes from its BEGIN line through its body to its END line (or as far as the body runs)."""
    if not text or not may_hold_secret(text):
        return text
    out, last = [], 0
    for match in _ANY_SECRET.finditer(text):
        if match.start() < last:
            continue  # inside a key block already redacted
        out.append(text[last:match.start()])
        if "PRIVATE KEY" in match.group(0):
            out.append("[REDACTED private key]")
            last = _PEM_BODY.match(text, match.end()).end()  # type: ignore[union-attr]  # always matches
        else:
            out.append(redact(match.group(0)))
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, redacted first when it is cut: a token cut in half matches
    no pattern, so no later redaction would hide the part that was kept. Every cut of repository
    text that may reach an output goes through here."""
    return text if len(text) <= limit else redact_text(text)[:limit]


def scan_text(path: str, text: str, limit: int = MAX_HITS) -> list[SecretHit]:
    if not any(p in text for p in _PREFILTER):
        return []
    hits: list[SecretHit] = []
    for kind, pattern in SECRET_PATTERNS.items():
        line, counted_to = 1, 0  # newlines counted as matches advance: one pass per pattern, not one per hit
        for match in pattern.finditer(text):
            value = match.group(1)
            if kind in ("aws-access-key-id",) and value.endswith("EXAMPLE"):
                continue  # AWS's documented example key
            if not is_secret_material(kind, value, text, match.end()):
                continue
            line += text.count("\n", counted_to, match.start())
            counted_to = match.start()
            shown = "[REDACTED private key]" if kind == "private-key" else redact(value)
            hits.append(SecretHit(path, line, kind, shown))
            if len(hits) >= limit:
                return _without_service_account_keys(hits)
    return _without_service_account_keys(hits)


def _without_service_account_keys(hits: list[SecretHit]) -> list[SecretHit]:
    """A service account's private key is one secret: reported once, as the service account."""
    accounts = {(h.path, h.line) for h in hits if h.kind == "gcp-service-account"}
    return [h for h in hits if not (h.kind == "private-key" and (h.path, h.line) in accounts)]


def collect_secrets(source: Source, files: list[str]) -> list[SecretHit]:
    hits: list[SecretHit] = []
    for path in files:
        if path.endswith((".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".pdf", ".zip",
                          ".gz", ".tgz", ".jar", ".lock", ".svg", ".min.js", ".map")) or path.endswith("-lock.json"):
            continue
        # Every file once, as bytes: most hold no token at all and are never decoded, cached or
        # reported on (a binary or non-UTF-8 file nobody else reads is not a problem worth a line).
        data = source.read_bytes(path)
        if not data or not _PREFILTER_BYTES.search(data) or b"\x00" in data[:8192]:
            continue
        hits.extend(scan_text(path, data.decode("utf-8", "replace"), MAX_HITS - len(hits)))
        if len(hits) >= MAX_HITS:
            break
    return hits
