"""Repository conventions: docs, hooks, dependency update bots, named config files, code signals."""
from __future__ import annotations

import re
from typing import Any

from .. import safe_yaml
from ..facts import Facts, TextLine
from ..secrets import clip
from ..source import Source
from ..tools import catalog

MAX_DOC_FILES = 400
MAX_DOC_LINES = 20_000
MAX_CODE_FILES = 3_000
CODE_SUFFIXES = (".py", ".js", ".ts", ".tsx", ".jsx", ".mjs", ".go", ".java", ".kt", ".rb", ".rs", ".cs", ".php")


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _lower(path: str) -> str:
    return path.lower()


# LICENSE, LICENSE-MIT, COPYING.LESSER; and MIT-LICENSE, APACHE_LICENCE in capitals (check-license.sh is a script)
_LICENSE_NAME = re.compile(r"^(license|licence|copying)([-_.][\w.-]{0,40})?$")
_NAMED_LICENSE = re.compile(r"^[A-Z0-9.]{1,20}[-_](LICENSE|LICENCE)$")


def primary_readme(readmes: list[str]) -> str | None:
    """The README a visitor sees: GitHub shows the one in .github/, else at the root, else in docs/
    (pipx keeps its README in docs/)."""
    def place(path: str) -> int:
        lower = path.lower()
        return 0 if lower.startswith(".github/") else 2 if lower.startswith("docs/") else 1
    return min(readmes, key=lambda p: (place(p), p), default=None)


# The prose files C and Python projects of the GNU tradition keep without an extension (libvirt-python's
# README, HACKING); any other extensionless file is not documentation.
_PLAIN_TEXT_DOCS = ("readme", "contributing", "hacking", "changelog", "news", "changes")


def _plain_text_doc(path: str) -> bool:
    return _base(path).lower() in _PLAIN_TEXT_DOCS


def classify_doc(path: str) -> list[str]:
    """Documentation kinds a path is evidence of (README, runbook, ADR, ...)."""
    lower = _lower(path)
    base = _base(lower)
    stem = base.rsplit(".", 1)[0]
    kinds = []
    top = "/" not in path or lower.startswith((".github/", "docs/"))
    if stem == "readme" and ("/" not in path or lower.count("/") == 1 and lower.startswith((".github/", "docs/"))):
        kinds.append("readme")  # where GitHub looks for the README it shows: .github/, the root, docs/
    elif stem == "readme":
        kinds.append("readme-nested")
    if top and stem in ("contributing",):
        kinds.append("contributing")
    if top and stem in ("security",):
        kinds.append("security")
    if top and stem in ("changelog", "changes", "history", "news", "releases", "release-notes", "release_notes") \
            and (base.endswith((".md", ".rst", ".txt")) or _plain_text_doc(path)):
        kinds.append("changelog")
    if top and stem in ("code_of_conduct", "code-of-conduct"):
        kinds.append("code-of-conduct")
    if "/" not in path and (_LICENSE_NAME.match(stem) or _NAMED_LICENSE.match(path.rsplit(".", 1)[0])):
        kinds.append("license")
    if base.endswith((".md", ".rst", ".adoc", ".txt")) or _plain_text_doc(path):
        if "runbook" in lower or "playbook" in lower and "docs" in lower:
            kinds.append("runbook")
        if "incident" in lower or "postmortem" in lower or "post-mortem" in lower or "on-call" in lower \
                or "oncall" in lower:
            kinds.append("incident-response")
        if re.search(r"(^|/)(adr|adrs|decisions|architecture/decisions)/", lower) or re.match(r"(adr|\d{4})-", base):
            kinds.append("adr")
        if "architecture" in lower or "design" in base:
            kinds.append("architecture")
        if "deploy" in lower or "release" in lower and "docs/" in lower:
            kinds.append("deployment")
        if re.search(r"releas(e|ing)[-_ ]?(process|procedure|guide|checklist)?\.\w+$|releasing|release[-_]?process",
                     lower) and not re.search(r"release[-_]?notes|(^|/)releases\.", lower):
            kinds.append("release-process")  # RELEASING.md, ReleaseProcess.md, docs/release.md
        if lower.startswith("docs/") or "/docs/" in lower:
            kinds.append("docs")
        if "troubleshoot" in lower:
            kinds.append("troubleshooting")
        if lower.startswith(("docs/", "doc/")) and re.search(r"develop|contribut|hacking", lower) \
                or top and stem in ("development", "developing", "hacking"):
            kinds.append("developer-guide")
        if "disaster" in lower or "backup" in lower or "recovery" in lower:
            kinds.append("disaster-recovery")
    if base in (".env.example", ".env.sample", ".env.template", "env.example", ".env.dist") or \
            (base.startswith(".env.") and base.endswith((".example", ".template", ".sample"))) or \
            base.endswith(".env.template"):
        kinds.append("env-example")
    if base.startswith(("openapi", "swagger")) and base.endswith((".yaml", ".yml", ".json")) \
            or base.endswith(".proto") or base in ("schema.graphql", "asyncapi.yaml"):
        kinds.append("api-spec")
    if lower in (".github/pull_request_template.md", "pull_request_template.md", "docs/pull_request_template.md",
                 ".gitlab/merge_request_templates/default.md") or lower.startswith((".github/pull_request_template/",
                                                                                     ".gitlab/merge_request_templates/")):
        kinds.append("pr-template")
    if lower.startswith((".github/issue_template", ".gitlab/issue_templates")):
        kinds.append("issue-template")
    if lower in ("codeowners", ".github/codeowners", "docs/codeowners", ".gitlab/codeowners"):
        kinds.append("codeowners")
    if base in ("mkdocs.yml", "conf.py") and ("docs" in lower or base == "mkdocs.yml") \
            or base in ("docusaurus.config.js", ".readthedocs.yaml", ".readthedocs.yml"):
        kinds.append("docs-site")
    return kinds


# Configuration files, by kind. The kinds a file name (anywhere) or a path decides are catalog data
# (tools.yaml's `config_kinds`: `vercel.json` is `vercel`); the rest are predicates on (path, base name,
# lower-cased path, lower-cased base name), each a kind the catalog lists without names. The names and
# paths are looked up in dicts: the table runs over every file of the repository.
_MONITORING_DIRS = ("/monitoring/", "/observability/", "/telemetry/")
_WORD_SPLIT = re.compile(r"[/._-]")
CONFIG_PREDICATES: dict[str, Any] = {
    # kind: predicate on (path, base, lower-cased path, lower-cased base)
    "pm2": lambda p, b, lp, lb: b.startswith("ecosystem.config."),
    "heroku": lambda p, b, lp, lb: b in ("Procfile", "app.json", "heroku.yml") and "/" not in p,
    "cloud-run": lambda p, b, lp, lb: b in ("service.yaml", "cloudrun.yaml", "service.yml") or "cloudrun" in lp,
    "alert-rules": lambda p, b, lp, lb: ("alert" in lb or lb.endswith((".rules.yml", ".rules.yaml")))
                                        and b.endswith((".yml", ".yaml", ".json", ".tf")),
    "alertmanager": lambda p, b, lp, lb: b.startswith("alertmanager") and b.endswith((".yml", ".yaml")),
    "grafana-dashboard": lambda p, b, lp, lb: ("dashboard" in lp or "grafana" in lp)
                                              and b.endswith((".json", ".jsonnet", ".libsonnet")),
    "slo": lambda p, b, lp, lb: ("slo" in lp and ("slo" in _WORD_SPLIT.split(lp) or "openslo" in lp or "sloth" in lp)
                                 and b.endswith((".yml", ".yaml", ".json", ".tf"))),
    "otel-collector": lambda p, b, lp, lb: "otel" in lb and b.endswith((".yml", ".yaml")),
    "sentry": lambda p, b, lp, lb: b.startswith("sentry.") and b.endswith((".ts", ".js", ".properties"))
                                   or b == ".sentryclirc",
    "k6": lambda p, b, lp, lb: ("k6" in lp or "load" in lp) and b.endswith((".js", ".ts")) and "test" in lp,
    "locust": lambda p, b, lp, lb: b == "locustfile.py" or "/locust" in lp,
    "lighthouse": lambda p, b, lp, lb: b.startswith((".lighthouserc", "lighthouserc")),
    "commitlint": lambda p, b, lp, lb: b.startswith(("commitlint.config", ".commitlintrc")),
    "lint-staged": lambda p, b, lp, lb: b.startswith((".lintstagedrc", "lint-staged.config")),
    "husky": lambda p, b, lp, lb: p.startswith(".husky/") and not b.startswith("_") and "/_/" not in p,
    "semantic-release": lambda p, b, lp, lb: b.startswith((".releaserc", "release.config.")),
    "changesets": lambda p, b, lp, lb: p.startswith(".changeset/"),
    "argocd": lambda p, b, lp, lb: "argocd" in lp or "argo-cd" in lp,
    "flux": lambda p, b, lp, lb: "flux-system" in p or p.startswith("clusters/") and b.endswith((".yaml", ".yml")),
    "sops": lambda p, b, lp, lb: b == ".sops.yaml" or ".enc." in b or b.endswith(".sops.yaml"),
    "branch-protection": lambda p, b, lp, lb: p in (".github/settings.yml", ".github/rulesets.json")
                                              or p.startswith(".github/rulesets/"),
    "tfstate": lambda p, b, lp, lb: b.endswith((".tfstate", ".tfstate.backup")),
    "env-file": lambda p, b, lp, lb: b == ".env" or (
        b.startswith(".env.") and not b.endswith((".example", ".template", ".sample", ".dist", ".defaults"))),
    "semgrep": lambda p, b, lp, lb: b in (".semgrep.yml", ".semgrep.yaml") or p.startswith(".semgrep/"),
    "codeql": lambda p, b, lp, lb: p.startswith(".github/codeql/"),
    "formatter": lambda p, b, lp, lb: b.startswith(".prettierrc")
                                      or b in ("prettier.config.js", ".clang-format", "rustfmt.toml"),
    "devcontainer": lambda p, b, lp, lb: p.startswith(".devcontainer/"),
    "backup": lambda p, b, lp, lb: "backup" in lp and b.endswith((".sh", ".py", ".yml", ".yaml", ".tf")),
    "logging-config": lambda p, b, lp, lb: b.startswith(("logging.", "log_config", "logging_config"))
                                           or "structlog" in b,
    "feature-flags": lambda p, b, lp, lb: "feature_flag" in lp or "featureflag" in lp or "feature-flag" in lp,
    "argo-rollouts": lambda p, b, lp, lb: "rollout" in lb and b.endswith((".yaml", ".yml")),
    "smoke-tests": lambda p, b, lp, lb: "smoke" in lp,
    "monitoring-code": lambda p, b, lp, lb: any(d in f"/{p}" for d in _MONITORING_DIRS) and b.endswith(CODE_SUFFIXES),
}


def collect_docs(source: Source, files: list[str]) -> tuple[dict[str, list[str]], list[TextLine]]:
    docs: dict[str, list[str]] = {}
    for path in files:
        for kind in classify_doc(path):
            docs.setdefault(kind, []).append(path)
    readable = [p for p in files if (p.lower().endswith((".md", ".rst", ".adoc", ".txt")) or _plain_text_doc(p))
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
                lines.append(TextLine(path, number, clip(line, 500)))
        if len(lines) > MAX_DOC_LINES:
            source.problem(path, f"documentation past {MAX_DOC_LINES} lines was not read")
            break
    return docs, lines


def collect_config_files(files: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    predicates = list(CONFIG_PREDICATES.items())
    tools = catalog()
    by_name, by_path = tools.config_kind_names(), tools.config_kind_paths()
    for path in files:
        base = _base(path)
        for kind in by_name.get(base, ()):
            found.setdefault(kind, []).append(path)
        for kind in by_path.get(path, ()):
            found.setdefault(kind, []).append(path)
        lower_path = path.lower()
        lower_base = _base(lower_path)
        for kind, matches in predicates:
            try:
                if matches(path, base, lower_path, lower_base):
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
        doc = None
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
        if isinstance(doc, dict) and isinstance(doc.get("ci"), dict):
            # pre-commit.ci's settings: the hosted service runs these hooks on every pull request
            facts.pre_commit_hooks["pre-commit.ci"] = [path]
    for tool in ("husky", "lefthook", "lint-staged", "commitlint"):
        paths = list(facts.config_files.get(tool, []))
        for manifest in facts.manifests:
            if manifest.ecosystem == "npm" and (tool in manifest.data or tool in manifest.dependencies
                                                or f"@{tool}/cli" in manifest.dependencies):
                paths.append(manifest.path)
        if paths:
            facts.pre_commit_hooks[tool] = sorted(set(paths))


_MINIFIED = re.compile(r"[.-]min\.[cm]?js$|\.bundle\.js$", re.I)


def collect_code_signals(source: Source, files: list[str]) -> dict[str, list[TextLine]]:
    """Keyword hits in source code (monitoring libraries, health endpoints: the catalog's code kinds);
    capped in files read."""
    kinds = catalog().code_kinds
    # a minified bundle is someone else's code shipped as an asset (zxcvbn.min.js), never evidence
    candidates = [p for p in files if p.endswith(CODE_SUFFIXES) and not _MINIFIED.search(p)]
    # Entry points and monitoring modules first, tests last: they describe the product, tests do not.
    candidates.sort(key=lambda p: (("test" in p.lower()), p.count("/"), p))
    hits: dict[str, list[TextLine]] = {}
    for path in candidates[:MAX_CODE_FILES]:
        text = source.read_text(path, cache=False)
        if not text:
            continue
        lowered = text.lower()
        for name, kind in kinds.items():
            if len(hits.get(name, ())) >= 20:
                continue
            # `in` on a string is a fast C search, while `re` walks an alternation position by position;
            # most code files contain no hint at all and are never searched with the pattern.
            if not any(hint in lowered for hint in kind.hints):
                continue
            match = kind.pattern.search(text)
            if match:
                number = text.count("\n", 0, match.start()) + 1
                line_start = text.rfind("\n", 0, match.start()) + 1
                line_end = text.find("\n", match.end())
                hits.setdefault(name, []).append(
                    TextLine(path, number, clip(text[line_start: line_end if line_end >= 0 else None], 200)))
    return hits


def collect_gitignore(source: Source) -> list[TextLine]:
    text = source.read_text(".gitignore") if source.exists(".gitignore") else None
    if not text:
        return []
    return [TextLine(".gitignore", n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
