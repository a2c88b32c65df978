"""`gitops.*` signals: repository practice around Git (hooks, CODEOWNERS, templates, GitOps tools, SOPS)."""
from __future__ import annotations

import re

from ..facts import Facts
from ..model import Evidence
from ..path_patterns import PathPattern
from ..signal_core import Signal, Signals, ci_matching, ev, files_matching, found, listing, rx, signal, tool_uses
from ..tools import catalog
from ._shared import _base, _config, _paths

# -- GitOps ------------------------------------------------------------------------------------------------


@signal("gitops.pr_template", "a pull request template exists")
def pr_template(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("pr-template", [])))


@signal("gitops.gitignore_secrets", ".gitignore keeps .env files and local secrets out of git")
def gitignore_env(s: Signals) -> Signal:
    return found(
        [
            doc_line.evidence()
            for doc_line in s.facts.gitignore
            if not doc_line.text.lstrip().startswith("#")
            and _SECRET_BEARING.search(doc_line.text)
        ][:3]
    )


# Files that hold secrets in one ecosystem or another: dotenv files (also named `<app>.env`, as gotify's
# gotify-server.env and paperless' docker-compose.env), keys, certificates and keystores, Terraform variables
# and state, credentials files, kubeconfigs.
_SECRET_BEARING = re.compile(r"(^|/)\.env|[\w-]\.env\b|\*\.pem|\*\.key\b|secret|\.tfvars|\.tfstate|\*\.p12|"
                             r"\*\.pfx|\*\.jks|\*\.keystore|credentials|(^|/)id_rsa|\.netrc|\.pypirc|kubeconfig|"
                             r"(^|/)certs?/?$", re.I)


@signal("gitops.codeowners", "CODEOWNERS assigns reviewers")
def codeowners(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("codeowners", [])))


@signal("gitops.commit_convention_enforced", "a commit or PR-title convention is enforced by a tool")
def commit_convention(s: Signals) -> Signal:
    hits = _config(s.facts, "commitlint")
    hits += [ev(p, None, "commit-msg hook") for p in s.facts.config_files.get("husky", []) if p.endswith("commit-msg")]
    hits += ci_matching(
        s.facts,
        rx(r"(commitlint|action-semantic-pull-request|semantic-pull-request|conventional-commit|commitizen|cz check)"),
    )
    hits += _dco(s.facts)
    hits += [
        ev(".pre-commit-config.yaml", None, h)
        for h in s.facts.pre_commit_hooks.get("pre-commit", [])
        if re.search(r"commitizen|conventional|commitlint|gitlint", h)
    ]
    return found(hits)


@signal("gitops.pre_commit", "pre-commit hooks are configured (pre-commit, husky, lefthook)")
def pre_commit(s: Signals) -> Signal:
    hits = _config(s.facts, "pre-commit", "lefthook") + _paths(s.facts.pre_commit_hooks.get("husky", []), 2)
    tools = catalog()
    seen = {e.path for e in hits}
    hits += [ev(path, None, use.tool_id) for path in s.facts.files[:20000] if path.startswith(".") and path not in seen
             for use in tools.from_config_file(path) if use.capability == "hook-runner"][:2]
    return found(hits)


@signal("gitops.branch_protection", "branch protection or rulesets are kept as code")
def branch_protection(s: Signals) -> Signal:
    hits = _config(s.facts, "branch-protection")
    hits += _paths([t.path for t in s.facts.terraform if "branch_protection" in t.text])
    return found(hits)


@signal("gitops.gitops_controller", "deployments are reconciled by a GitOps controller (Argo CD, Flux)")
def gitops_controller(s: Signals) -> Signal:
    hits = [
        ev(o.path, o.line, o.kind)
        for o in s.facts.k8s_objects
        if o.kind in ("Application", "ApplicationSet", "HelmRelease", "GitRepository")
        or (o.kind == "Kustomization" and "fluxcd" in str(o.spec.get("apiVersion")))
    ]
    hits += _config(s.facts, "argocd", "flux")
    return found(hits)


@signal("gitops.encrypted_secrets", "secrets in git are encrypted (SOPS, Sealed Secrets, External Secrets)")
def encrypted_secrets(s: Signals) -> Signal:
    hits = _config(s.facts, "sops")
    hits += [ev(o.path, o.line, o.kind) for o in s.facts.k8s_objects if o.kind in ("SealedSecret", "ExternalSecret")]
    return found(hits)

ENVIRONMENTS = r"(dev|development|staging|stage|stg|prod|production|qa|test|uat|preview|sandbox|demo)"


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
def _dco(facts: Facts) -> list[Evidence]:
    """A Developer Certificate of Origin check (the catalog's `dco-check`: the DCO app's .github/dco.yml, a
    DCO action, libvirt's `check-dco` job): every commit must carry a Signed-off-by trailer."""
    app = [ev(p, None, "DCO app: commits must be signed off")
           for p in catalog().tool("dco-check").raw.get("config_files", ()) if facts.has_file(p)]
    return app + tool_uses(facts, ("commit-lint",), keep=lambda tool_id: tool_id == "dco-check")


@signal("gitops.commit_convention_ci", "CI checks commit messages or PR titles against the convention")
def commit_convention_ci(s: Signals) -> Signal:
    hits = ci_matching(s.facts, COMMIT_CHECK_CI) + _dco(s.facts)
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
