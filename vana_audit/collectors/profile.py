"""What kind of repository this is: a deployed service, a library, an infrastructure module, a monorepo.

The profile decides which rules apply (a library is not failed for having no Kubernetes manifests,
a Terraform module is not asked for a state backend). Inference reads facts only, in this order:

1. monorepo: three or more packages under packages/, apps/, services/…, or a workspace file and two;
2. infrastructure: infrastructure code and no application code, or more infrastructure files than
   application files and nothing that runs as a service (a Terraform module, a Helm chart repository,
   a GitOps configuration repository, a Pulumi/CDK stack);
3. service: something that runs (Kubernetes workloads, a platform configuration, a deploy job, a
   health endpoint, a compose service built from the repository);
4. library: a package published from CI;
5. service: a runtime Dockerfile, or a web framework in an application manifest;
6. library: a publishable package manifest;
7. service otherwise, the profile with the most rules: nothing is excused without evidence.

Every decision comes with reasons naming the files it rests on; `profile:` in configuration wins.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..facts import Facts, PackageManifest

PROFILES = ("service", "library", "infrastructure", "monorepo")
_SERVICE_CONFIG = ("pm2", "vercel", "netlify", "fly", "heroku", "app-engine", "cloud-run")
_PACKAGE_DIRS = ("packages", "apps", "services", "libs", "modules", "components", "plugins", "crates", "projects")
_WORKSPACE_FILES = ("pnpm-workspace.yaml", "lerna.json", "nx.json", "turbo.json", "go.work", "rush.json")
_APP_CODE = (".py", ".js", ".ts", ".tsx", ".jsx", ".mjs", ".go", ".java", ".kt", ".rb", ".rs", ".cs", ".php", ".scala")
_NOT_APP_DIRS = re.compile(r"(^|/)(tests?|spec|__tests__|e2e|scripts|hack|tools|bin|docs?|\.github|ci|\.circleci)/")
_DEV_DOCKERFILE = re.compile(r"(^|/)(\.devcontainer|tests?|e2e|docs?|ci|\.github)/|(\.|-)(dev|test|ci|local)$", re.I)
WEB_FRAMEWORKS = frozenset({
    "fastapi", "flask", "django", "starlette", "aiohttp", "uvicorn", "gunicorn", "tornado", "sanic", "litestar",
    "quart", "falcon", "pyramid", "express", "next", "@nestjs/core", "koa", "fastify", "@hapi/hapi", "nuxt",
    "@remix-run/node", "@sveltejs/kit", "hono", "rails", "sinatra", "puma",
})
_PUBLISH = re.compile(r"(twine upload|npm publish|pnpm publish|yarn publish|pypa/gh-action-pypi-publish|uv publish|"
                      r"poetry publish|flit publish|hatch publish|cargo publish|gem push|goreleaser|mvn deploy|"
                      r"gradle\w{0,20} publish|changesets/action|semantic-release|rubygems/release-gem|"
                      r"JS-DevTools/npm-publish|pdm publish)", re.I)


_TEST_FILE = re.compile(r"(^|/)(test_[^/]{0,200}|[^/]{0,200}_test\.\w{1,10}|[^/]{0,200}\.(test|spec)\.\w{1,10}|"
                        r"conftest\.py|setup\.py|noxfile\.py)$")
# a docs site, not a service
_DOCS_PAGES = re.compile(r"gh-pages|deploy-pages|mkdocs gh-deploy|github-pages-deploy", re.I)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _npm_library(m: PackageManifest) -> bool:
    return m.ecosystem == "npm" and not m.data.get("private") and any(
        k in m.data for k in ("main", "exports", "module", "bin", "types"))


def _publishable(m: PackageManifest) -> bool:
    if m.ecosystem == "npm":
        return _npm_library(m)
    return m.path.rsplit("/", 1)[-1] in ("pyproject.toml", "Cargo.toml", "go.mod", "composer.json")


def _monorepo(facts: Facts, reasons: list[str]) -> bool:
    packages = sorted({_dir(m.path) for m in facts.manifests if "/" in m.path
                       and m.path.split("/", 1)[0] in _PACKAGE_DIRS and _dir(m.path).count("/") <= 2})
    workspace = [m.path for m in facts.manifests if m.ecosystem == "npm" and "workspaces" in m.data] + \
        [f for f in facts.files if f in _WORKSPACE_FILES]
    if len(packages) >= 3 or (workspace and len(packages) >= 2):
        shown = ", ".join(packages[:4]) + (", …" if len(packages) > 4 else "")
        reasons.append(f"{_plural(len(packages), 'package')} with their own manifests ({shown})"
                       + (f"; workspace file {workspace[0]}" if workspace else ""))
        return True
    return False


def _infrastructure(facts: Facts, app_code: list[str], runtime_dockerfiles: list[str],
                    reasons: list[str]) -> bool:
    tools = facts.iac_tools
    terraform = tools.get("terraform", []) + tools.get("opentofu", [])
    infra = {tool: paths for tool, paths in tools.items() if paths}
    infra_files = sum(len(paths) for paths in infra.values())
    if not infra_files:
        return False
    stacks = tools.get("pulumi", []) + tools.get("cdk", [])
    runs_something = runtime_dockerfiles or any(facts.config_files.get(k) for k in _SERVICE_CONFIG)
    if app_code and (runs_something or infra_files < len(app_code)) and not stacks:
        return False
    if stacks and runs_something:
        return False
    summary = ", ".join(f"{len(paths)} {tool}" for tool, paths in sorted(infra.items(), key=lambda kv: -len(kv[1])))
    reasons.append(f"infrastructure code ({summary} file(s)) and "
                   + (f"only {_plural(len(app_code), 'application source file')}" if app_code
                      else "no application code")
                   + ("" if runs_something else ", nothing that runs as a service"))
    if terraform and terraform_module(facts):
        reasons.append("a reusable Terraform module: no backend or provider configuration"
                       + (", variables.tf/outputs.tf at the top"
                          if any(p.rsplit("/", 1)[-1] in ("variables.tf", "outputs.tf") for p in terraform) else ""))
    elif tools.get("helm") and not terraform:
        reasons.append(f"Helm chart(s): {', '.join(sorted(tools['helm'])[:3])}")
    return True


_ROOT_CONFIG = re.compile(r'^[^\S\n]*(backend\s+"\w+"|cloud\s*\{|provider\s+"[\w-]+"\s*\{)', re.M)


def terraform_module(facts: Facts) -> bool:
    """Terraform that configures no backend, provider or tfvars: a module for others to call."""
    if any(p.endswith(".tfvars") or p.rsplit("/", 1)[-1] == "terragrunt.hcl" for p in facts.files):
        return False
    return bool(facts.terraform) and not any(_ROOT_CONFIG.search(t.text) for t in facts.terraform)


def _service_evidence(facts: Facts) -> list[str]:
    from ..signals import DEPLOY_CMD, deploy_jobs  # signals import collectors' facts; import late

    strong: list[str] = []
    workloads = [o for o in facts.k8s_objects if o.kind in ("Deployment", "StatefulSet", "DaemonSet", "Rollout",
                                                            "CronJob", "Service", "Ingress")]
    if workloads:
        strong.append(f"Kubernetes {workloads[0].kind} in {workloads[0].path}")
    platform = [f"{kind} configuration {p}" for kind in _SERVICE_CONFIG for p in facts.config_files.get(kind, [])]
    if platform:
        strong.append(", ".join(platform[:2]))
    jobs = [(p, j) for p, j in deploy_jobs(facts) if any(
        DEPLOY_CMD.search(text) and not _DOCS_PAGES.search(text)
        for s in j.steps for text in [f"{s.run or ''} {s.uses or ''}"])]
    if jobs:
        strong.append(f"deploy job '{jobs[0][1].id}' in {jobs[0][0].path}")
    health = [hit for hit in facts.source_signals.get("health-endpoint", []) if not _NOT_APP_DIRS.search(hit.path)]
    if health:
        strong.append(f"health endpoint in {health[0].path}:{health[0].line}")
    built = [(c.path, s.name) for c in facts.compose_files for s in c.services
             if isinstance(s.spec, dict) and "build" in s.spec]
    if built:
        strong.append(f"compose service '{built[0][1]}' built from the repository ({built[0][0]})")
    return strong


def _published_in_ci(facts: Facts) -> list[str]:
    return [f"publishes a package in {p.path} (`{m.group(0)}`)"
            for p in facts.pipelines for j in p.jobs for s in j.steps
            for m in [_PUBLISH.search(f"{s.run or ''} {s.uses or ''}")] if m][:1]


def _excluded_note(facts: Facts) -> str | None:
    from . import exclusion_summary  # the package imports this module first

    dropped = len(facts.all_files) - len(facts.files)
    if dropped <= 0:
        return None
    shown = ", ".join(f"{d['path']} ({d['files']})" for d in
                      exclusion_summary(facts.all_files, facts.files, facts.excluded_patterns, limit=3))
    return f"not counted: {_plural(dropped, 'file')} excluded as test data, examples or third-party code ({shown})"


def infer_profile(facts: Facts, override: str | None = None) -> tuple[str, list[str]]:
    if override:
        return override, [f"set in configuration: profile: {override}"]
    reasons: list[str] = []
    profile = _infer(facts, reasons)
    note = _excluded_note(facts)
    if note:
        reasons.append(note)
    return profile, reasons


def _infer(facts: Facts, reasons: list[str]) -> str:
    if _monorepo(facts, reasons):
        return "monorepo"
    app_code = [f for f in facts.files if f.endswith(_APP_CODE) and not _NOT_APP_DIRS.search(f)
                and not _TEST_FILE.search(f)]
    runtime_dockerfiles = [d.path for d in facts.dockerfiles if not _DEV_DOCKERFILE.search(d.path)]
    if _infrastructure(facts, app_code, runtime_dockerfiles, reasons):
        return "infrastructure"
    strong = _service_evidence(facts)
    if strong:
        reasons.append("runs as a service: " + "; ".join(strong[:3]))
        return "service"
    published = _published_in_ci(facts)
    if published:
        reasons.append(published[0] + ", and nothing deploys or runs it as a service")
        return "library"
    frameworks = sorted({(dep, m.path) for m in facts.manifests if not _npm_library(m)
                         for dep in m.dependencies & WEB_FRAMEWORKS})
    if runtime_dockerfiles or frameworks:
        shown = [f"Dockerfile {p}" for p in runtime_dockerfiles[:2]] \
            + [f"web framework {d} in {p}" for d, p in frameworks[:2]]
        reasons.append("deployable application: " + "; ".join(shown))
        return "service"
    publishable = [m.path for m in facts.manifests if _publishable(m)]
    if publishable:
        reasons.append(f"a package manifest ({', '.join(publishable[:3])}) and no Dockerfile, deploy job, "
                       "platform configuration or Kubernetes workload")
        return "library"
    reasons.append("no package manifest, infrastructure code or deployable artefact that says otherwise; "
                   "judged as a service, the profile with the most rules")
    return "service"
