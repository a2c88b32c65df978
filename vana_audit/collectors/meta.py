"""Repository conventions: docs, hooks, dependency update bots, named config files, code signals."""
from __future__ import annotations

import re
from typing import Any

from .. import safe_yaml
from ..facts import Facts, TextLine
from ..secrets import redact_text
from ..source import Source

MAX_DOC_FILES = 400
MAX_DOC_LINES = 20_000
MAX_CODE_FILES = 3_000
CODE_SUFFIXES = (".py", ".js", ".ts", ".tsx", ".jsx", ".mjs", ".go", ".java", ".kt", ".rb", ".rs", ".cs", ".php")


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _lower(path: str) -> str:
    return path.lower()


def classify_doc(path: str) -> list[str]:
    """Documentation kinds a path is evidence of (README, runbook, ADR, ...)."""
    lower = _lower(path)
    base = _base(lower)
    stem = base.rsplit(".", 1)[0]
    kinds = []
    top = "/" not in path or lower.startswith((".github/", "docs/"))
    if stem == "readme" and "/" not in path:
        kinds.append("readme")
    elif stem == "readme":
        kinds.append("readme-nested")
    if top and stem in ("contributing",):
        kinds.append("contributing")
    if top and stem in ("security",):
        kinds.append("security")
    if top and stem in ("changelog", "changes", "history", "news", "releases") and base.endswith((".md", ".rst", ".txt", "changelog")):
        kinds.append("changelog")
    if top and stem in ("code_of_conduct", "code-of-conduct"):
        kinds.append("code-of-conduct")
    if "/" not in path and stem in ("license", "licence", "copying"):
        kinds.append("license")
    if base.endswith((".md", ".rst", ".adoc", ".txt")):
        if "runbook" in lower or "playbook" in lower and "docs" in lower:
            kinds.append("runbook")
        if "incident" in lower or "postmortem" in lower or "post-mortem" in lower or "on-call" in lower or "oncall" in lower:
            kinds.append("incident-response")
        if re.search(r"(^|/)(adr|adrs|decisions|architecture/decisions)/", lower) or re.match(r"(adr|\d{4})-", base):
            kinds.append("adr")
        if "architecture" in lower or "design" in base:
            kinds.append("architecture")
        if "deploy" in lower or "release" in lower and "docs/" in lower:
            kinds.append("deployment")
        if lower.startswith("docs/") or "/docs/" in lower:
            kinds.append("docs")
        if "troubleshoot" in lower:
            kinds.append("troubleshooting")
        if "disaster" in lower or "backup" in lower or "recovery" in lower:
            kinds.append("disaster-recovery")
    if base in (".env.example", ".env.sample", ".env.template", "env.example", ".env.dist") or \
            (base.startswith(".env.") and base.endswith((".example", ".template", ".sample"))) or base.endswith(".env.template"):
        kinds.append("env-example")
    if base.startswith(("openapi", "swagger")) and base.endswith((".yaml", ".yml", ".json")) or base.endswith(".proto") \
            or base in ("schema.graphql", "asyncapi.yaml"):
        kinds.append("api-spec")
    if lower in (".github/pull_request_template.md", "pull_request_template.md", "docs/pull_request_template.md",
                 ".gitlab/merge_request_templates/default.md") or lower.startswith((".github/pull_request_template/",
                                                                                     ".gitlab/merge_request_templates/")):
        kinds.append("pr-template")
    if lower.startswith((".github/issue_template", ".gitlab/issue_templates")):
        kinds.append("issue-template")
    if lower in ("codeowners", ".github/codeowners", "docs/codeowners", ".gitlab/codeowners"):
        kinds.append("codeowners")
    if base in ("mkdocs.yml", "conf.py") and ("docs" in lower or base == "mkdocs.yml") or base in ("docusaurus.config.js", ".readthedocs.yaml", ".readthedocs.yml"):
        kinds.append("docs-site")
    return kinds


CONFIG_KINDS: dict[str, Any] = {
    # kind: predicate on (path, base)
    "dockerignore": lambda p, b: b == ".dockerignore",
    "gitignore": lambda p, b: p == ".gitignore",
    "editorconfig": lambda p, b: p == ".editorconfig",
    "pm2": lambda p, b: b.startswith("ecosystem.config."),
    "vercel": lambda p, b: b == "vercel.json",
    "netlify": lambda p, b: b == "netlify.toml",
    "fly": lambda p, b: b == "fly.toml",
    "heroku": lambda p, b: b in ("Procfile", "app.json") and "/" not in p,
    "app-engine": lambda p, b: b == "app.yaml",
    "cloud-run": lambda p, b: b in ("service.yaml", "cloudrun.yaml", "service.yml") or "cloudrun" in p.lower(),
    "prometheus": lambda p, b: b in ("prometheus.yml", "prometheus.yaml"),
    "alert-rules": lambda p, b: (("alert" in b.lower() or b.lower().endswith(".rules.yml") or b.lower().endswith(".rules.yaml"))
                                 and b.endswith((".yml", ".yaml", ".json", ".tf"))),
    "alertmanager": lambda p, b: b.startswith("alertmanager") and b.endswith((".yml", ".yaml")),
    "grafana-dashboard": lambda p, b: ("dashboard" in p.lower() or "grafana" in p.lower()) and b.endswith((".json", ".jsonnet", ".libsonnet")),
    "slo": lambda p, b: ("slo" in re.split(r"[/._-]", p.lower()) or "openslo" in p.lower() or "sloth" in p.lower())
                        and b.endswith((".yml", ".yaml", ".json", ".tf")),
    "otel-collector": lambda p, b: "otel" in b.lower() and b.endswith((".yml", ".yaml")),
    "sentry": lambda p, b: b.startswith("sentry.") and b.endswith((".ts", ".js", ".properties")) or b == ".sentryclirc",
    "k6": lambda p, b: ("k6" in p.lower() or "load" in p.lower()) and b.endswith((".js", ".ts")) and "test" in p.lower(),
    "locust": lambda p, b: b == "locustfile.py" or "/locust" in p.lower(),
    "lighthouse": lambda p, b: b.startswith((".lighthouserc", "lighthouserc")),
    "size-limit": lambda p, b: b in (".size-limit.json", ".size-limit.js", ".size-limit.cjs"),
    "commitlint": lambda p, b: b.startswith(("commitlint.config", ".commitlintrc")),
    "lint-staged": lambda p, b: b.startswith((".lintstagedrc", "lint-staged.config")),
    "lefthook": lambda p, b: b in ("lefthook.yml", "lefthook.yaml", ".lefthook.yml"),
    "husky": lambda p, b: p.startswith(".husky/") and not b.startswith("_") and "/_/" not in p,
    "pre-commit": lambda p, b: p == ".pre-commit-config.yaml" or p == ".pre-commit-config.yml",
    "dependabot": lambda p, b: p in (".github/dependabot.yml", ".github/dependabot.yaml"),
    "renovate": lambda p, b: p in ("renovate.json", "renovate.json5", ".renovaterc", ".renovaterc.json",
                                   ".github/renovate.json", ".github/renovate.json5", ".gitlab/renovate.json"),
    "release-please": lambda p, b: b in ("release-please-config.json", ".release-please-manifest.json"),
    "semantic-release": lambda p, b: b.startswith((".releaserc", "release.config.")),
    "goreleaser": lambda p, b: b in (".goreleaser.yml", ".goreleaser.yaml"),
    "changesets": lambda p, b: p.startswith(".changeset/"),
    "argocd": lambda p, b: "argocd" in p.lower() or "argo-cd" in p.lower(),
    "flux": lambda p, b: "flux-system" in p or p.startswith("clusters/") and b.endswith((".yaml", ".yml")),
    "sops": lambda p, b: b == ".sops.yaml" or ".enc." in b or b.endswith(".sops.yaml"),
    "branch-protection": lambda p, b: p in (".github/settings.yml", ".github/rulesets.json") or p.startswith(".github/rulesets/"),
    "terraform-lock": lambda p, b: b == ".terraform.lock.hcl",
    "tfstate": lambda p, b: b.endswith((".tfstate", ".tfstate.backup")),
    "env-file": lambda p, b: b == ".env" or (b.startswith(".env.") and not b.endswith((".example", ".template", ".sample", ".dist", ".defaults"))),
    "gitleaks": lambda p, b: b in (".gitleaks.toml", "gitleaks.toml"),
    "secrets-baseline": lambda p, b: b == ".secrets.baseline",
    "trivy": lambda p, b: b in ("trivy.yaml", ".trivyignore"),
    "semgrep": lambda p, b: b in (".semgrep.yml", ".semgrep.yaml") or p.startswith(".semgrep/"),
    "codeql": lambda p, b: p.startswith(".github/codeql/"),
    "bandit": lambda p, b: b in (".bandit", "bandit.yaml", "bandit.yml"),
    "hadolint": lambda p, b: b in (".hadolint.yaml", ".hadolint.yml"),
    "snyk": lambda p, b: b == ".snyk",
    "linter": lambda p, b: b in (".eslintrc", ".eslintrc.js", ".eslintrc.json", ".eslintrc.cjs", ".eslintrc.yml",
                                 "eslint.config.js", "eslint.config.mjs", "eslint.config.ts", ".flake8", "ruff.toml",
                                 ".ruff.toml", ".golangci.yml", ".golangci.yaml", ".rubocop.yml", ".pylintrc", "biome.json"),
    "formatter": lambda p, b: b.startswith(".prettierrc") or b in ("prettier.config.js", ".clang-format", "rustfmt.toml"),
    "typecheck": lambda p, b: b in ("mypy.ini", ".mypy.ini", "tsconfig.json", "pyrightconfig.json"),
    "devcontainer": lambda p, b: p.startswith(".devcontainer/"),
    "tool-versions": lambda p, b: b in (".tool-versions", ".nvmrc", ".python-version", ".node-version", "mise.toml", ".mise.toml"),
    "backup": lambda p, b: "backup" in p.lower() and b.endswith((".sh", ".py", ".yml", ".yaml", ".tf")),
    "logging-config": lambda p, b: b.startswith(("logging.", "log_config", "logging_config")) or "structlog" in b,
    "feature-flags": lambda p, b: "feature_flag" in p.lower() or "featureflag" in p.lower() or "feature-flag" in p.lower(),
    "argo-rollouts": lambda p, b: "rollout" in b.lower() and b.endswith((".yaml", ".yml")),
    "smoke-tests": lambda p, b: "smoke" in p.lower(),
    "makefile": lambda p, b: b in ("Makefile", "makefile", "GNUmakefile", "justfile", "Taskfile.yml"),
    "monitoring-code": lambda p, b: ("/monitoring/" in f"/{p}" or "/observability/" in f"/{p}" or "/telemetry/" in f"/{p}") and b.endswith(CODE_SUFFIXES),
}

CODE_KEYWORDS = {
    # signal name -> regex over source code lines
    "health-endpoint": re.compile(r"""["'](/api)?/(health|healthz|livez|readyz|ready|status|ping)["'/]"""),
    "prometheus": re.compile(r"prometheus_client|prom-client|promhttp|micrometer|prometheus-fastapi-instrumentator|/metrics"),
    "opentelemetry": re.compile(r"opentelemetry|@opentelemetry|go\.opentelemetry\.io"),
    "sentry": re.compile(r"sentry_sdk|@sentry/|getsentry|sentry\.init|Sentry\.init"),
    "datadog": re.compile(r"ddtrace|datadog"),
    "new-relic": re.compile(r"newrelic"),
    "structured-logging": re.compile(r"structlog|python-json-logger|jsonlogger|pino\b|winston|zerolog|zap\.New|logrus|JSONFormatter|json_log", re.I),
    "cloud-trace": re.compile(r"cloud_trace|CloudTraceSpanExporter|google\.cloud\.logging"),
    "feature-flags": re.compile(r"launchdarkly|unleash|flagsmith|growthbook|openfeature", re.I),
}


# Lower-case twins of CODE_KEYWORDS, run on the lower-cased text first: a case-insensitive
# alternation is several times slower than a plain one, and most files match none. A twin is only
# made where lower-casing the pattern cannot change its meaning (no escapes like \\S, \\W, \\D).
_CODE_PREFILTERS = {name: re.compile(pattern.pattern.lower()) for name, pattern in CODE_KEYWORDS.items()
                    if not re.search(r"\\[A-Z]", pattern.pattern)}


def collect_docs(source: Source, files: list[str]) -> tuple[dict[str, list[str]], list[TextLine]]:
    docs: dict[str, list[str]] = {}
    for path in files:
        for kind in classify_doc(path):
            docs.setdefault(kind, []).append(path)
    readable = [p for p in files if p.lower().endswith((".md", ".rst", ".adoc", ".txt"))
                and ("/" not in p or p.lower().startswith(("docs/", ".github/", "doc/")))]
    readable.sort(key=lambda p: (not _base(p).lower().startswith("readme"), p.count("/"), p))
    lines: list[TextLine] = []
    for path in readable[:MAX_DOC_FILES]:
        text = source.read_text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                # redact before cutting: a key cut in half no longer looks like a key, and would leak
                lines.append(TextLine(path, number, (redact_text(line) if len(line) > 500 else line)[:500]))
        if len(lines) > MAX_DOC_LINES:
            source.problem(path, f"documentation past {MAX_DOC_LINES} lines was not read")
            break
    return docs, lines


def collect_config_files(files: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in files:
        base = _base(path)
        for kind, matches in CONFIG_KINDS.items():
            try:
                if matches(path, base):
                    found.setdefault(kind, []).append(path)
            except Exception:  # a predicate must never stop a scan
                continue
    return found


def collect_dependency_updates(source: Source, facts: Facts) -> None:
    for path in facts.config_files.get("dependabot", []):
        text = source.read_text(path)
        ecosystems: list[str] = []
        try:
            doc = safe_yaml.load(text or "")
            for update in (doc or {}).get("updates") or [] if isinstance(doc, dict) else []:
                if isinstance(update, dict) and update.get("package-ecosystem"):
                    ecosystems.append(str(update["package-ecosystem"]))
        except Exception as exc:
            source.problem(path, safe_yaml.describe_error(exc))
        facts.dependency_updates["dependabot"] = sorted(set(ecosystems))
        facts.dependency_update_paths["dependabot"] = path
    renovate = list(facts.config_files.get("renovate", []))
    for manifest in facts.manifests:
        if manifest.ecosystem == "npm" and "renovate" in manifest.data:
            renovate.append(manifest.path)
    if renovate:
        facts.dependency_updates["renovate"] = ["all"]
        facts.dependency_update_paths["renovate"] = renovate[0]


def collect_hooks(source: Source, facts: Facts) -> None:
    for path in facts.config_files.get("pre-commit", []):
        text = source.read_text(path) or ""
        hooks: list[str] = []
        try:
            doc = safe_yaml.load(text)
            for repo in (doc or {}).get("repos") or [] if isinstance(doc, dict) else []:
                for hook in (repo.get("hooks") or []) if isinstance(repo, dict) else []:
                    if isinstance(hook, dict) and hook.get("id"):
                        hooks.append(str(hook["id"]))
                if isinstance(repo, dict) and repo.get("repo"):
                    hooks.append(str(repo["repo"]))
        except Exception as exc:
            source.problem(path, safe_yaml.describe_error(exc))
        facts.pre_commit_hooks["pre-commit"] = hooks
    for tool in ("husky", "lefthook", "lint-staged", "commitlint"):
        paths = list(facts.config_files.get(tool, []))
        for manifest in facts.manifests:
            if manifest.ecosystem == "npm" and (tool in manifest.data or tool in manifest.dependencies
                                                or f"@{tool}/cli" in manifest.dependencies):
                paths.append(manifest.path)
        if paths:
            facts.pre_commit_hooks[tool] = sorted(set(paths))


def collect_code_signals(source: Source, files: list[str]) -> dict[str, list[TextLine]]:
    """Keyword hits in source code (monitoring libraries, health endpoints); capped in files read."""
    candidates = [p for p in files if p.endswith(CODE_SUFFIXES)]
    # Entry points and monitoring modules first, tests last: they describe the product, tests do not.
    candidates.sort(key=lambda p: (("test" in p.lower()), p.count("/"), p))
    hits: dict[str, list[TextLine]] = {}
    for path in candidates[:MAX_CODE_FILES]:
        text = source.read_text(path, cache=False)
        if not text:
            continue
        lowered = text.lower()
        for name, pattern in CODE_KEYWORDS.items():
            if len(hits.get(name, ())) >= 20:
                continue
            prefilter = _CODE_PREFILTERS.get(name)
            if prefilter is not None and not prefilter.search(lowered):
                continue
            match = pattern.search(text)
            if match:
                number = text.count("\n", 0, match.start()) + 1
                line_start = text.rfind("\n", 0, match.start()) + 1
                line_end = text.find("\n", match.end())
                hits.setdefault(name, []).append(
                    TextLine(path, number, text[line_start: line_end if line_end >= 0 else None][:200]))
    return hits


def collect_gitignore(source: Source) -> list[TextLine]:
    text = source.read_text(".gitignore") if source.exists(".gitignore") else None
    if not text:
        return []
    return [TextLine(".gitignore", n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
