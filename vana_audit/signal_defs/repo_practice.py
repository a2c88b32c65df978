"""Repository practice signals: GitOps conventions (CODEOWNERS coverage, issue templates, environment
overlays, secrets in git, suppression hygiene, history) and documentation beyond the README."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote

from ..facts import Facts, TextLine
from ..model import Evidence
from ..path_patterns import PathPattern
from ..signals import Signal, Signals, ci_capability, ci_matching, ev, files_matching, found, listing, rx, signal
from ..tools.catalog import catalog

ENVIRONMENTS = r"(dev|development|staging|stage|stg|prod|production|qa|test|uat|preview|sandbox|demo)"


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _paths(paths: list[str], limit: int = 5, snippet: str = "") -> list[Evidence]:
    return [ev(p, None, snippet) for p in sorted(paths)[:limit]]


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


# -- suppressions -------------------------------------------------------------------------------------------


@signal("gitops.suppressions", "findings are suppressed in configuration")
def suppressions(s: Signals) -> Signal:
    return found(
        ev(getattr(x, "origin", ".vana-audit.yml"), getattr(x, "line", None), f"{x.rule}: {x.reason}")
        for x in s.facts.suppressions
    )


@signal("gitops.expired_suppressions", "configured suppressions whose expiry date has passed")
def expired_suppressions(s: Signals) -> Signal:
    today = s.facts.scan_date
    if not today:
        return listing([])
    return listing(
        ev(
            getattr(x, "origin", ".vana-audit.yml"),
            getattr(x, "line", None),
            f"suppression of {x.rule} expired on {x.expires}: {x.reason}",
        )
        for x in s.facts.suppressions
        if x.expires and x.expires < today
    )


# -- conventions ----------------------------------------------------------------------------------------------

COMMIT_CHECK_CI = rx(
    r"(commitlint|action-semantic-pull-request|semantic-pull-request|conventional-?commit|commitizen|"
    r"cz check|gitlint|commit-message-checker|pr-title|semantic-prs|ytanikin/pr-conventional-commits)"
)


@signal("gitops.commit_convention_ci", "CI checks commit messages or PR titles against the convention")
def commit_convention_ci(s: Signals) -> Signal:
    hits = ci_matching(s.facts, COMMIT_CHECK_CI)
    hits += [
        ev(p, None, "Semantic PRs app") for p in s.facts.files if p in (".github/semantic.yml", ".github/semantic.yaml")
    ]
    return found(hits)


@signal("gitops.issue_templates", "issue templates or issue forms exist")
def issue_templates(s: Signals) -> Signal:
    return found(
        _paths(
            [p for p in s.facts.docs.get("issue-template", []) if not p.endswith("config.yml")]
            or s.facts.docs.get("issue-template", []),
            4,
        )
    )


# -- CODEOWNERS coverage ----------------------------------------------------------------------------------


def _codeowners_regex(pattern: str) -> re.Pattern[str]:
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    out = ""
    index = 0
    while index < len(body):
        if body.startswith("**", index):
            out += ".*"
            index += 2
        elif body[index] == "*":
            out += "[^/]*"
            index += 1
        elif body[index] == "?":
            out += "[^/]"
            index += 1
        else:
            out += re.escape(body[index])
            index += 1
    prefix = "^" if anchored else "^(.*/)?"
    return re.compile(prefix + out + ("/.*$" if directory else "(/.*)?$"))


def codeowners_rules(facts: Facts) -> list[tuple[re.Pattern[str], bool, str, int]]:
    rules = []
    for path in facts.docs.get("codeowners", []):
        for number, line in enumerate(facts.config_texts.get(path, "").splitlines(), 1):
            parts = line.split("#", 1)[0].split()
            if parts and not parts[0].startswith("["):  # GitLab sections are headers, not patterns
                rules.append((_codeowners_regex(parts[0]), len(parts) > 1, path, number))
    return rules


def owned(path: str, rules: list[tuple[re.Pattern[str], bool, str, int]]) -> bool:
    owner = False
    for pattern, has_owner, _, _ in rules:
        if pattern.match(path):
            owner = has_owner  # the last matching pattern wins
    return owner


@signal("gitops.unowned_ci_and_infra", "CI and infrastructure files no CODEOWNERS entry assigns to an owner")
def unowned(s: Signals) -> Signal:
    f = s.facts
    rules = codeowners_rules(f)
    critical = [p.path for p in f.pipelines] + [p for tool in sorted(f.iac_tools) for p in f.iac_tools[tool]][:50]
    critical += [d.path for d in f.dockerfiles]
    return listing(_paths([p for p in dict.fromkeys(critical) if not owned(p, rules)], 8, "no owner in CODEOWNERS"))


# -- GitOps delivery ---------------------------------------------------------------------------------------


ENVIRONMENT_OVERLAYS = PathPattern(
    rf"(^|/)overlays/{ENVIRONMENTS}[\w-]{{0,40}}/kustomization\.ya?ml$|(^|/)values[-.]{ENVIRONMENTS}\.ya?ml$|"
    rf"(^|/)clusters/{ENVIRONMENTS}[\w-]{{0,40}}/|(^|/)(environments?|envs?)/{ENVIRONMENTS}[\w-]{{0,40}}/"
    rf"[^/]{{0,100}}(kustomization|values|helmfile)[^/]{{0,100}}\.ya?ml$",
    ["overlays/", "values", "clusters/", "env"],
    re.I,
)


@signal("gitops.environment_overlays", "Kubernetes configuration has per-environment overlays, values or applications")
def environment_overlays(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(files_matching(f, ENVIRONMENT_OVERLAYS), 6)
    hits += [ev(o.path, o.line, "ApplicationSet") for o in f.k8s_objects if o.kind == "ApplicationSet"]
    apps = [
        o
        for o in f.k8s_objects
        if o.kind in ("Application", "HelmRelease", "Kustomization")
        and o.name
        and re.search(ENVIRONMENTS, o.name, re.I)
    ]
    if len({re.search(ENVIRONMENTS, o.name, re.I).group(0).lower() for o in apps}) >= 2:  # type: ignore[union-attr]
        hits += [ev(o.path, o.line, f"{o.kind} {o.name}") for o in apps[:3]]
    hits += [
        ev(p, None, "helmfile environments")
        for p in f.files
        if _base(p).startswith("helmfile") and "environments:" in f.config_texts.get(p, "")
    ]
    return found(hits)


PLACEHOLDER = re.compile(r"^(\$\{.*\}|\{\{.*\}\}|<.*>|changeme|change-me|replace-?me|todo|xxx+|\*+|)$", re.I)


@signal("gitops.plain_k8s_secrets", "Kubernetes Secrets (or Kustomize secret literals) committed with values")
def plain_k8s_secrets(s: Signals) -> Signal:
    hits = []
    for o in s.facts.k8s_objects:
        if o.in_helm_chart:
            continue
        if o.kind == "Secret":
            values = (
                {**(o.spec.get("data") or {}), **(o.spec.get("stringData") or {})}
                if isinstance(o.spec.get("data") or {}, dict) and isinstance(o.spec.get("stringData") or {}, dict)
                else {}
            )
            keys = [k for k, v in values.items() if not PLACEHOLDER.match(str(v if v is not None else "").strip())]
            if keys:
                hits.append(ev(o.path, o.line, f"Secret {o.name}: values for {', '.join(map(str, keys[:5]))}"))
        elif o.kind == "Kustomization":
            for generator in o.spec.get("secretGenerator") or []:
                if isinstance(generator, dict) and generator.get("literals"):
                    hits.append(
                        ev(
                            o.path,
                            getattr(generator, "line", o.line),
                            f"secretGenerator {generator.get('name')}: literal values",
                        )
                    )
    return listing(hits)


@signal("gitops.secrets_managed", "deployment secrets are encrypted in git or referenced from a secret manager")
def secrets_managed(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(f.config_files.get("sops", []), 3, "SOPS")
    hits += [
        ev(o.path, o.line, o.kind)
        for o in f.k8s_objects
        if o.kind
        in (
            "SealedSecret",
            "ExternalSecret",
            "SecretStore",
            "ClusterSecretStore",
            "SecretProviderClass",
            "VaultStaticSecret",
            "VaultDynamicSecret",
            "OnePasswordItem",
            "InfisicalSecret",
        )
    ]
    hits += [
        ev(o.path, o.line, "Vault agent injection")
        for o in f.k8s_objects
        if "vault.hashicorp.com/agent-inject" in str(o.spec)[:20000]
    ]
    hits += [
        ev(p, _line_of(t, "git-crypt"), "git-crypt")
        for p, t in f.config_texts.items()
        if _base(p) == ".gitattributes" and "filter=git-crypt" in t
    ]
    hits += [
        ev(o.path, o.line, "ksops generator")
        for o in f.k8s_objects
        if o.kind == "Kustomization" and "ksops" in str(o.spec)
    ]
    return found(hits)


@signal("gitops.required_checks", "branch protection as code requires status checks to pass")
def required_checks(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(p, _line_of(t, m.group(0)), m.group(0))
        for p in f.config_files.get("branch-protection", [])
        for t in [f.config_texts.get(p, "")]
        for m in [
            re.search(
                r"required_status_checks|\"contexts\"|contexts:|"
                r"status_check",
                t,
            )
        ]
        if m
    ]
    hits += [
        ev(t.path, _line_of(t.text, "required_status_checks"), "required_status_checks")
        for t in f.terraform
        if re.search(r"github_(branch_protection|repository_ruleset)", t.text) and "required_status_checks" in t.text
    ]
    return found(hits)


# -- documentation --------------------------------------------------------------------------------------------


@signal("docs.license", "a LICENSE file states the terms of use")
def license_file(s: Signals) -> Signal:
    return found(
        _paths(s.facts.docs.get("license", []) + [p for p in s.facts.files if p.startswith("LICENSES/")][:1], 2)
    )


@signal("docs.code_of_conduct", "a code of conduct exists")
def code_of_conduct(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("code-of-conduct", []), 2))


DOCS_CI = rx(
    r"(markdownlint|markdown-link-check|lychee|linkinator|linkcheck|errata-ai/vale|\bvale\b|mkdocs (build|gh-deploy)|"
    r"sphinx-build|make (-C docs )?(html|docs|linkcheck)|docusaurus build|mdbook (build|test)|remark-lint|"
    r"textlint|rstcheck|\bdoc8\b|htmltest|awesome_bot|vitepress build|"
    r"(npm|pnpm|yarn)( run)? (docs|docs:build|build:docs)\b|"
    r"mkdocs-material|cspell|markdown-lint|mdl )"
)


def _checks_docs(tool_id: str) -> bool:
    """A docs tool (site builder, link checker) or a linter of prose and Markdown."""
    tool = catalog().tool(tool_id)
    return "docs" in tool.capabilities or "docs" in tool.ecosystems


@signal("docs.checked_in_ci", "documentation is linted, link-checked or built in CI, or by Read the Docs")
def docs_checked_in_ci(s: Signals) -> Signal:
    hits = ci_capability(s.facts, ("docs", "lint"), DOCS_CI, keep=_checks_docs)
    # Read the Docs builds every push (and pull requests where enabled) from this file: a broken
    # docs build is reported like a failed CI job.
    hits += [ev(p, None, "Read the Docs builds the documentation") for p in s.facts.files
             if p in (".readthedocs.yaml", ".readthedocs.yml")][:1]  # Read the Docs reads it at the root only
    return found(hits)


def _headings(s: Signals, pattern: str) -> list[Evidence]:
    regex = re.compile(rf"^#{{1,6}}[ \t][^\n]{{0,200}}?({pattern})", re.I)
    return [line.evidence() for line in s.facts.doc_lines if regex.search(line.text)][:2]


@signal("docs.troubleshooting", "a troubleshooting guide or FAQ exists")
def troubleshooting(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(
        f.docs.get("troubleshooting", [])
        + [p for p in f.files if re.search(r"(^|/)faq[^/]{0,100}\.(md|rst|adoc)$", p, re.I)],
        3,
    )
    hits += _headings(s, r"troubleshoot|\bfaq\b|frequently asked|common (problems|issues|errors)|known issues")
    return found(hits)


SITE_FILES = re.compile(
    r"(^|/)(mkdocs\.ya?ml|docusaurus\.config\.[jt]s|book\.toml|antora\.yml|\.readthedocs\.ya?ml|"
    r"\.vitepress/config\.[cm]?[jt]s|docs/conf\.py|docs/_config\.yml|docs/hugo\.(toml|ya?ml)|"
    r"docs/astro\.config\.mjs|mint\.json|docs\.json)$"
)


@signal("docs.site", "a documentation site is generated (MkDocs, Sphinx, Docusaurus, mdBook, Read the Docs…)")
def docs_site(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("docs-site", []) + [p for p in s.facts.files if SITE_FILES.search(p)], 3))


@signal("docs.disaster_recovery", "backup, restore or disaster recovery is documented")
def disaster_recovery(s: Signals) -> Signal:
    return found(
        _paths(s.facts.docs.get("disaster-recovery", []), 3)
        + _headings(s, r"disaster recovery|backup|restore|business continuity")
    )


@signal("docs.release_process", "the release process is documented")
def release_process(s: Signals) -> Signal:
    files = [
        p
        for p in s.facts.files
        if re.search(r"(^|/)(releas(e|ing)|publishing)[^/]{0,100}\.(md|rst|adoc)$", p, re.I)
        and not _base(p).lower().startswith("release-notes")
    ]
    return found(_paths(files, 3) + _headings(s, r"releas(e|ing)|publishing a new version|how to publish"))


# -- README badges and links ---------------------------------------------------------------------------------

BADGE = re.compile(
    r"!\[[^\]\n]{0,300}+\]\(([^)(\[\s]{1,500}+)(?:[ \t][^)\n]{0,200}+)?\)|"
    r"<img[^>\n]{1,200}?src=[\"']([^\"'\n]{1,500}+)[\"']",
    re.I,
)


def _readme_lines(facts: Facts) -> list[TextLine]:
    return [doc_line for doc_line in facts.doc_lines
            if "/" not in doc_line.path and doc_line.path.lower().startswith("readme")]


def _badges(facts: Facts) -> Iterator[tuple[TextLine, str]]:
    for line in _readme_lines(facts):
        for match in BADGE.finditer(line.text):
            url = match.group(1) or match.group(2)
            if re.search(r"badge|shields\.io|\.svg(\?|$)|/status(\?|$)", url, re.I) and url.startswith("http"):
                yield line, url


@signal("docs.badges", "the README shows status badges")
def badges(s: Signals) -> Signal:
    return found(line.evidence() for line, _ in list(_badges(s.facts))[:5])


def badge_problem(url: str, facts: Facts) -> str | None:
    """Why a badge shows something the repository does not have, or None when it is backed."""
    files = set(facts.all_files)
    workflow = re.search(
        r"actions/workflows/([^/?#]{1,200}\.ya?ml)/badge\.svg|"
        r"github/actions/workflow/status/[^/]{1,100}/[^/]{1,100}/([^/?#]{1,200}\.ya?ml)",
        url,
    )
    if workflow:
        name = workflow.group(1) or workflow.group(2)
        return None if f".github/workflows/{name}" in files else f"workflow .github/workflows/{name} does not exist"
    legacy = re.search(
        r"github\.com/[^/]{1,100}/[^/]{1,100}/workflows/([^/]{1,200})/badge\.svg|"
        r"github/workflow/status/[^/]{1,100}/[^/]{1,100}/([^/?#]{1,200})",
        url,
    )
    if legacy:
        name = unquote(legacy.group(1) or legacy.group(2)).lower()
        names = {p.name.lower() for p in facts.pipelines} | {
            _base(p.path).rsplit(".", 1)[0].lower() for p in facts.pipelines
        }
        return None if name in names else f"no workflow named '{name}'"
    checks = (
        (r"travis-ci\.(org|com)", lambda: ".travis.yml" in files, "no .travis.yml"),
        (r"circleci\.com", lambda: ".circleci/config.yml" in files, "no .circleci/config.yml"),
        (r"gitlab[^ ]{0,300}/badges/[^ ]{0,200}/pipeline\.svg", lambda: ".gitlab-ci.yml" in files, "no .gitlab-ci.yml"),
        (r"ci\.appveyor\.com", lambda: bool({"appveyor.yml", ".appveyor.yml"} & files), "no appveyor.yml"),
        (
            r"dev\.azure\.com/[^ ]{0,300}_apis/build/status",
            lambda: any(_base(p).startswith("azure-pipelines") for p in files),
            "no azure-pipelines.yml",
        ),
        (
            r"codecov\.io|coveralls\.io",
            lambda: bool(ci_matching(facts, rx(r"codecov|coveralls"))),
            "no CI step uploads coverage",
        ),
        (
            r"readthedocs\.(org|io)/projects/[^ ]{0,200}/badge",
            lambda: any(SITE_FILES.search(p) for p in files),
            "no Read the Docs/Sphinx/MkDocs configuration",
        ),
    )
    for pattern, backed, message in checks:
        if re.search(pattern, url, re.I):
            return None if backed() else message
    return None


@signal("docs.broken_badges", "README badges for CI, coverage or docs that nothing in the repository backs")
def broken_badges(s: Signals) -> Signal:
    hits = []
    for line, url in _badges(s.facts):
        problem = badge_problem(url, s.facts)
        if problem:
            hits.append(ev(line.path, line.line, f"{problem}: {url}"))
    return listing(hits)


LINK = re.compile(
    r"(?<!!)\[[^\]\n]{0,300}+\]\([ \t]*+<?([^)(\[\s>]{1,500}+)>?(?:[ \t]++\"[^\"\n]{0,200}+\")?[ \t]*+\)|"
    r"^[ \t]*\[[^\]\n]{1,300}\]:[ \t]*(\S{1,500})"
)
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.I)


def _local_links(facts: Facts) -> Iterator[tuple[TextLine, str, str]]:
    fenced: dict[str, bool] = {}
    for line in facts.doc_lines:
        if not line.path.lower().endswith(".md"):
            continue
        if line.text.lstrip().startswith(("```", "~~~")):
            fenced[line.path] = not fenced.get(line.path, False)
            continue
        if fenced.get(line.path):
            continue
        for match in LINK.finditer(line.text):
            target = match.group(1) or match.group(2)
            if not target or EXTERNAL.match(target) or "{{" in target or "{%" in target:
                continue
            clean = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if not clean:
                continue
            base = "" if clean.startswith("/") else posixpath.dirname(line.path)
            resolved = posixpath.normpath(posixpath.join(base, clean.lstrip("/")))
            if resolved.startswith("..") or resolved == ".":
                continue  # outside the repository (wiki, issues): not checkable offline
            yield line, target, resolved


@signal("docs.local_links", "README and docs link to files in the repository")
def local_links(s: Signals) -> Signal:
    return found(line.evidence() for line, _, _ in list(_local_links(s.facts))[:3])


@signal("docs.broken_links", "relative links in README and docs that point at files that do not exist")
def broken_links(s: Signals) -> Signal:
    files = set(s.facts.all_files)
    directories = {posixpath.dirname(p) for p in files}
    directories |= {d for p in list(directories) for d in _parents(p)}
    hits = [
        ev(line.path, line.line, f"{target}: no such file")
        for line, target, resolved in _local_links(s.facts)
        if resolved not in files and resolved not in directories
    ]
    return listing(hits[:10])


def _parents(path: str) -> Iterator[str]:
    while "/" in path:
        path = path.rsplit("/", 1)[0]
        yield path


# What a README says a repository is when it is a sample, demo, example or template of an application:
# its title, or a sentence near the top. Operating it in production is left to whoever runs a copy.
_SAMPLE_TITLE = re.compile(r"^#\s.*(\b(template|starter|boilerplate|sample|demo)\b|[-\s]examples?([-\s]|$))", re.I)
_SAMPLE_SENTENCE = re.compile(
    r"\b(sample|demo|demonstration|example|reference)\s+(application|app|apps|project|repository|repo|site|"
    r"implementation)s?\b|(?<!not )\b(is|as)\s+an?\s+(\w+\s+)?(template|starter|boilerplate)\b|"
    r"\bshowcases?\s+(best practices|how)", re.I)
_BADGE_OR_MARKUP = ("[![", "![", "<", "|", "..", ">")


@signal("repo.sample_app", "the README presents the repository as a sample, demo, example or template application")
def sample_app(s: Signals) -> Signal:
    readme = [line for line in s.facts.doc_lines if "/" not in line.path and line.path.lower().startswith("readme")
              and not line.text.strip().startswith(_BADGE_OR_MARKUP)][:12]
    hit = next((line for line in readme if _SAMPLE_TITLE.search(line.text) or _SAMPLE_SENTENCE.search(line.text)),
               None)
    return found([hit.evidence()] if hit else [])


# Libraries that load a .env file into the environment: a project using one keeps local secrets in files.
_DOTENV_PACKAGES = frozenset({"python-dotenv", "dotenv", "dotenv-cli", "@dotenvx/dotenvx", "dotenvx",
                              "github.com/joho/godotenv", "dotenv-rails", "vlucas/phpdotenv",
                              "io.github.cdimascio:dotenv-java", "dotenvy", "pydantic-settings",
                              "django-environ", "environs"})


@signal("repo.local_secrets_used", "the project keeps local secrets in files (.env files, an env example, a dotenv "
        "loader, a compose env_file, Terraform variables)")
def local_secrets_used(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(f.docs.get("env-example", []) + f.config_files.get("env-file", []), 2)
    hits += [ev(m.path, None, f"loads .env files: {', '.join(sorted(m.dependencies & _DOTENV_PACKAGES))}")
             for m in f.manifests if m.dependencies & _DOTENV_PACKAGES][:2]
    hits += [ev(c.path, svc.line, f"service {svc.name}: env_file") for c in f.compose_files for svc in c.services
             if isinstance(svc.spec, dict) and svc.spec.get("env_file")][:2]
    hits += [ev(t.path, None, "Terraform variables and state") for t in f.terraform[:1]]
    return found(hits)
