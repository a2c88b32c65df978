"""The `inventory` object of the JSON contract: what the repository has, in DESIGN.md's vocabulary."""

from __future__ import annotations

import re
from typing import Any

from .facts import Facts
from .signals import ci_steps

SCANNER_PATTERNS = {
    "codeql": r"codeql",
    "semgrep": r"semgrep",
    "bandit": r"bandit",
    "trivy": r"trivy",
    "grype": r"grype",
    "snyk": r"snyk",
    "gitleaks": r"gitleaks",
    "trufflehog": r"trufflehog",
    "detect-secrets": r"detect-secrets",
    "zizmor": r"zizmor",
    "scorecard": r"scorecard",
    "dependency-review": r"dependency-review",
    "pip-audit": r"pip-audit",
    "npm-audit": r"npm audit",
    "osv-scanner": r"osv-scanner",
    "checkov": r"checkov",
    "kics": r"kics",
    "hadolint": r"hadolint",
}
DEPLOY_TARGET_PATTERNS = {
    "cloud-run": r"gcloud (beta )?run deploy|deploy-cloudrun",
    "kubernetes": r"kubectl (apply|set image|rollout)",
    "helm": r"helm (upgrade|install)",
    "vercel": r"vercel",
    "netlify": r"netlify",
    "aws": r"aws |aws-actions",
    "azure": r"azure/|az (webapp|containerapp)",
    "gcp": r"gcloud|google-github-actions",
    "fly": r"fly(ctl)? deploy",
    "heroku": r"heroku",
    "container-registry": r"docker push|build-push-action|ghcr\.io",
    "pypi": r"twine upload|pypi-publish|uv publish|poetry publish",
    "npm": r"npm publish|pnpm publish",
    "github-pages": r"deploy-pages|gh-pages",
    "ssh": r"ssh-action|rsync |scp ",
}
MONITORING_SIGNALS = {
    "prometheus": ("prometheus",),
    "opentelemetry": ("opentelemetry",),
    "sentry": ("sentry",),
    "datadog": ("datadog",),
    "new-relic": ("new-relic",),
}
RELEASE_TOOLS = ("semantic-release", "release-please", "goreleaser", "changesets")
TEST_DEPS = {
    "jest": "jest",
    "vitest": "vitest",
    "mocha": "mocha",
    "@playwright/test": "playwright",
    "cypress": "cypress",
    "pytest": "pytest",
    "rspec": "rspec",
}


def _sorted(values: Any) -> list[str]:
    return sorted(set(values))


def build_inventory(facts: Facts) -> dict[str, Any]:
    ci_text = "\n".join(f"{s.run or ''} {s.uses or ''}" for _, _, s in ci_steps(facts))
    pre_commit_text = " ".join(facts.pre_commit_hooks.get("pre-commit", []))
    test_frameworks = {c.tool for c in facts.test_configs if c.tool not in ("coverage", "tox")}
    for manifest in facts.manifests:
        test_frameworks |= {name for dep, name in TEST_DEPS.items() if dep in manifest.dependencies}
    if facts.test_files.get("unit") or facts.test_files.get("integration"):
        for path in facts.test_files["unit"] + facts.test_files["integration"]:
            if path.endswith(".py") and "pytest" not in test_frameworks:
                test_frameworks.add("pytest" if any(c.tool == "pytest" for c in facts.test_configs) else "unittest")
            elif path.endswith("_test.go"):
                test_frameworks.add("go-test")
            elif path.endswith("_spec.rb"):
                test_frameworks.add("rspec")
            elif path.endswith((".java", ".kt")):
                test_frameworks.add("junit")
    coverage: dict[str, float] = {}
    for config in facts.test_configs:
        if config.coverage_threshold is not None:
            coverage[config.tool] = max(coverage.get(config.tool, 0.0), config.coverage_threshold)
    scanners = {
        name
        for name, pattern in SCANNER_PATTERNS.items()
        if re.search(pattern, ci_text, re.I) or re.search(pattern, pre_commit_text, re.I)
    }
    scanners |= {k for k in ("gitleaks", "semgrep", "snyk", "hadolint", "bandit", "trivy") if facts.config_files.get(k)}
    if facts.config_files.get("secrets-baseline"):
        scanners.add("detect-secrets")
    deploy_targets = {name for name, pattern in DEPLOY_TARGET_PATTERNS.items() if re.search(pattern, ci_text, re.I)}
    deploy_targets |= {k for k in ("vercel", "netlify", "fly", "heroku") if facts.config_files.get(k)}
    if any(p.provider == "cloud-build" for p in facts.pipelines) and "gcloud run deploy" in ci_text:
        deploy_targets.add("cloud-run")
    monitoring = {name for name, keys in MONITORING_SIGNALS.items() if any(facts.source_signals.get(k) for k in keys)}
    if facts.config_files.get("prometheus"):
        monitoring.add("prometheus")
    if facts.config_files.get("grafana-dashboard"):
        monitoring.add("grafana")
    if facts.config_files.get("alertmanager"):
        monitoring.add("alertmanager")
    if facts.config_files.get("sentry"):
        monitoring.add("sentry")
    docs_paths = sorted(
        {
            p
            for kind, paths in facts.docs.items()
            if kind not in ("docs", "readme-nested", "pr-template", "issue-template", "codeowners", "api-spec")
            for p in paths
        }
    )
    return {
        "ci_providers": _sorted(p.provider for p in facts.pipelines),
        "workflows": _sorted(p.path for p in facts.pipelines),
        "test_frameworks": _sorted(test_frameworks),
        "coverage_thresholds": dict(sorted(coverage.items())),
        "dockerfiles": _sorted(d.path for d in facts.dockerfiles),
        "compose_files": _sorted(c.path for c in facts.compose_files),
        "iac_tools": _sorted(tool for tool, paths in facts.iac_tools.items() if paths),
        "dependency_update_tools": _sorted(facts.dependency_updates),
        "security_scanners": _sorted(scanners),
        "pre_commit_tools": _sorted(
            tool
            for tool in facts.pre_commit_hooks
            if tool in ("pre-commit", "husky", "lefthook", "lint-staged", "commitlint")
        ),
        "deploy_targets": _sorted(deploy_targets),
        "monitoring": _sorted(monitoring),
        "release_tools": _sorted(t for t in RELEASE_TOOLS if facts.config_files.get(t)),
        "docs": docs_paths,
        "package_ecosystems": _sorted(m.ecosystem for m in facts.manifests),
        "make_targets": _sorted(t.name for t in facts.make_targets),
        "test_files": {k: len(v) for k, v in sorted(facts.test_files.items())},
        "file_count": len(facts.files),
    }
