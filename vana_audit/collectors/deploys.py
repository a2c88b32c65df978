"""Which CI jobs deploy, from the CI model and the tool catalog (and, for pipelines the model does not
cover, from their step text). Facts about CI, so the profile and DORA readiness can ask them as well as
the signals.

A job deploys when it runs a tool the catalog says deploys (kubectl apply, helm upgrade, gcloud run
deploy, fly deploy...), to a target that outlives the job. A job that says it deploys (its name, or an
environment) also deploys by publishing or releasing, by a transport that deploys only there (docker
compose up, git push, rsync/scp/ssh, a deploy-named script or target), or by calling a reusable
workflow the model cannot see into. A job that applies to a cluster it creates itself (kind, minikube,
k3d) or that says it tests the deployment (no environment, named *-tests, e2e) is a test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..facts import CiJob, Facts, Job, Pipeline, ToolUse, per_scan
from ..folded_re import FoldedPattern
from ..secrets import clip


def rx(pattern: str) -> FoldedPattern:
    return FoldedPattern(pattern, re.M)


DEPLOY_WORD = FoldedPattern(r"deploy|release|publish|prod|staging|rollout|ship")
DEPLOY_CMD = rx(
    r"(gcloud (beta )?run deploy|gcloud app deploy|gcloud functions deploy|kubectl (apply|set image|rollout)|"
    r"helm (upgrade|install)|helmfile|terraform apply|tofu apply|pulumi up|aws ecs update-service|"
    r"aws lambda update-function|sam deploy|cdk deploy|serverless deploy|sls deploy|fly(ctl)? deploy|"
    r"vercel (deploy|--prod)|netlify deploy|firebase deploy|az (webapp|containerapp|functionapp)|"
    r"cf push|eb deploy|heroku|dokku|kamal deploy|ansible-playbook|skaffold (run|deploy)|argocd app sync|"
    r"deploy-cloudrun|amazon-ecs-deploy|webapps-deploy|appleboy/ssh-action|rsync |scp |"
    r"peaceiris/actions-gh-pages|actions/deploy-pages|JamesIves/github-pages-deploy-action|"
    r"aws s3 sync|gsutil (-m )?rsync|railway up|render deploy|docker stack deploy|nomad job run|"
    r"wrangler (deploy|publish)|cloudflare/wrangler-action|vercel-action|nwtgck/actions-netlify|"
    r"(npm|pnpm|yarn) run deploy|make deploy|\./deploy|deploy\.sh)"
)
PUBLISH_CMD = rx(
    r"(twine upload|npm publish|pnpm publish|yarn publish|pypa/gh-action-pypi-publish|uv publish|poetry publish|"
    r"cargo publish|gem push|goreleaser|docker push|build-push-action|mvn deploy|gradle publish|"
    r"changesets/action|release-please|semantic-release)"
)

SHIP_CAPABILITIES = frozenset({"publish", "release"})
# Commands that deploy only when the job says it deploys (a compose `up` in a test job starts services).
DEPLOY_IN_DEPLOY_JOB = FoldedPattern(r"docker[ -]compose\b[^\n]{0,200}\bup\b|\bfastapi (cloud )?deploy\b")
DEPLOY_TRANSPORT_ACTIONS = frozenset({"appleboy/ssh-action", "appleboy/scp-action", "easingthemes/ssh-deploy",
                                      "burnett01/rsync-deployments", "samkirkland/ftp-deploy-action"})
# A script or target that rolls out by its name: `deploy.sh`, `make deploy`, `npm run rollout`. A `release`
# or `publish` script publishes (a package, a chart, a GitHub release): it deploys nothing by its name
# (external-dns' chart-release.sh calls a `publish_release` function).
DEPLOY_SCRIPT = re.compile(r"^(deploy|rollout)", re.I)
TEST_JOB = re.compile(r"(?<![a-z])(e2e|tests|testing)(?![a-z])", re.I)


# A throwaway cluster the job creates itself (kind, minikube, k3d, k3s) or a local run under nektos/act:
# what such a job applies is a test, not a deployment. (The CI model reads these from the catalog's
# `local-cluster` tools; this pattern is for the steps of a job the model does not cover.)
EPHEMERAL_TARGET = rx(
    r"(\bkind create cluster|helm/kind-action|container-tools/kind-action|engineerd/setup-kind|"
    r"\bminikube start|medyagh/setup-minikube|manusa/actions-setup-minikube|\bk3d cluster create|"
    r"AbsaOSS/k3d-action|nolar/setup-k3d-k3s|debianmaster/actions-k3s|\bctlptl create)"
)
ACT_ONLY = rx(r"\benv\.ACT\b|github\.actor\s*==\s*'nektos/act'")


def model_job(facts: Facts, pipeline: Pipeline, job: Job) -> CiJob | None:
    """The CI model's job for a pipeline job, or None when the model does not cover it."""
    jobs = per_scan(facts, "model_jobs", lambda: {(j.path, j.job_id): j for j in facts.ci_model.jobs})
    return jobs.get((pipeline.path, job.id))


def job_tool_uses(facts: Facts, pipeline: Pipeline, job: Job) -> list[ToolUse] | None:
    """The tool uses of a pipeline job (from the CI model), or None when the model does not cover it."""
    def build() -> dict[tuple[str, str], list[ToolUse]]:
        grouped: dict[tuple[str, str], list[ToolUse]] = {(j.path, j.job_id): [] for j in facts.ci_model.jobs}
        for use in facts.tool_uses:
            grouped.setdefault((use.job.path, use.job.job_id), []).append(use)
        return grouped

    return per_scan(facts, "job_tool_uses", build).get((pipeline.path, job.id))


def ephemeral_target(job: Job, uses: Iterable[ToolUse] | None = None) -> str | None:
    """What makes a job's target throwaway (the step that creates a local cluster), or None. With
    `uses` (the job's tool uses) the catalog decides; without, the job's step text."""
    if ACT_ONLY.search(job.condition or ""):
        return f"runs only under nektos/act ({job.condition})"
    if uses is not None:
        cluster = next((u for u in uses if u.capability == "local-cluster"), None)
        return f"a throwaway cluster ({clip(cluster.invocation.value, 60)})" if cluster else None
    for step in job.steps:
        for text in (step.uses or "", step.run or ""):
            found = EPHEMERAL_TARGET.search(text)
            if found:
                return f"a throwaway cluster ({found.group(0)})"
    return None


_DOCS_PAGES = FoldedPattern(r"gh-pages|deploy-pages|mkdocs gh-deploy|github-pages-deploy")
# a workflow or job named for the documentation ("Documentation Preview", ci-docs.yml)
_DOCS_NAMED = re.compile(r"(?<![a-z])(docs?|documentation)(?![a-z])", re.I)


def deploys_docs_site(pipeline: Pipeline, job: Job) -> bool:
    """The deploy ships the documentation site (GitHub Pages, mkdocs gh-deploy, a job or workflow named for
    the docs): evidence of docs, not of a product deployed by its own team."""
    texts = [f"{s.run or ''} {s.uses or ''} {' '.join(map(str, s.with_.values()))}" for s in job.steps]
    names = (pipeline.name, pipeline.path.rsplit("/", 1)[-1], job.id, job.name or "")
    return any(_DOCS_PAGES.search(t) for t in texts) or any(_DOCS_NAMED.search(n) for n in names)


def _says_deploy(job: Job) -> bool:
    return bool(DEPLOY_WORD.search(job.id) or DEPLOY_WORD.search(job.name or ""))


def _deploy_transport(cijob: CiJob, job: Job, pipeline: Pipeline) -> str | None:
    """A command or action that deploys when the job says it deploys: `docker compose up`, rsync/scp/ssh,
    an SSH deploy action, a deploy-named script or target, and `git push` (to the branch a platform
    deploys from) in a job named for deploying. An rsync or scp to a local path deploys only on a runner
    that is the server itself; in a container or on a hosted runner it copies files into a disk that is
    thrown away with the job."""
    pushes = bool(re.search("deploy", f"{job.id} {job.name}", re.I))
    throwaway_disk = _throwaway_disk(pipeline, job)
    for inv in cijob.invocations:
        if inv.kind == "action" and inv.value.lower() in DEPLOY_TRANSPORT_ACTIONS:
            return inv.value
        if inv.kind != "command" or not inv.argv:
            continue
        words = [w for w in inv.argv if not w.startswith("-")]
        program = words[0].rsplit("/", 1)[-1] if words else ""
        copies = program in ("rsync", "scp") and (_names_host(words[1:]) or not throwaway_disk)
        if copies or program == "ssh" or (pushes and words[:2] == ["git", "push"]) or (
                "up" in words[1:] and (program == "docker-compose" or words[:2] == ["docker", "compose"])):
            return inv.value
        if DEPLOY_SCRIPT.match(program) or (len(words) > 1 and program in (
                "make", "just", "task", "npm", "pnpm", "yarn", "bun", "bash", "sh") and any(
                DEPLOY_SCRIPT.match(w.rsplit("/", 1)[-1]) for w in words[1:3] if w != "run")):
            return inv.value
    return None


_REMOTE_PATH = re.compile(r"^(rsync://|([^/\s:]+@)?[^/\s:]+:)")  # host:path, user@host:path, rsync://host/


def _names_host(args: list[str]) -> bool:
    return any(_REMOTE_PATH.match(a) for a in args)


def _throwaway_disk(pipeline: Pipeline, job: Job) -> bool:
    """The job's files live in a container or on a hosted runner: a GitHub job not on a self-hosted
    runner, a GitLab job with an image (its own or the pipeline's default)."""
    if pipeline.provider == "github-actions":
        return "self-hosted" not in str(job.runs_on).lower()
    if pipeline.provider == "gitlab-ci":
        document = pipeline.raw if isinstance(pipeline.raw, dict) else {}
        default = document.get("default")
        return any(isinstance(scope, dict) and scope.get("image") for scope in (job.raw, document, default))
    return False


def _text_job_is_deploy(job: Job) -> bool:
    """The pre-model reading of a job's step text, for pipelines the CI model does not cover."""
    if job.environment:
        return True
    if _says_deploy(job):
        return any(
            DEPLOY_CMD.search(s.run or "")
            or DEPLOY_IN_DEPLOY_JOB.search(s.run or "")
            or DEPLOY_CMD.search(s.uses or "")
            or PUBLISH_CMD.search((s.run or "") + " " + (s.uses or ""))
            for s in job.steps
        ) or bool(job.uses)
    return any(DEPLOY_CMD.search(s.run or "") or DEPLOY_CMD.search(s.uses or "") for s in job.steps)


def job_is_deploy(pipeline: Pipeline, job: Job, facts: Facts | None = None) -> bool:
    """A job that deploys to a lasting target (see above). Without `facts`, or for a job the CI model
    does not cover, its step text decides."""
    uses = job_tool_uses(facts, pipeline, job) if facts is not None else None
    if ephemeral_target(job, uses):
        return False
    if uses is None:
        return _text_job_is_deploy(job)
    capabilities = {u.capability for u in uses}
    named = _says_deploy(job)
    if not job.environment and (TEST_JOB.search(job.id) or TEST_JOB.search(job.name or "")):
        return False  # a deployment test (deploys into a CI cluster to check that it deploys)
    if "deploy" in capabilities or (job.environment and named):
        return True
    if job.environment or named:
        cijob = model_job(facts, pipeline, job) if facts is not None else None
        return bool(capabilities & SHIP_CAPABILITIES) or bool(job.uses) or bool(
            cijob and _deploy_transport(cijob, job, pipeline))
    return False




def all_deploy_jobs(facts: Facts) -> list[tuple[Pipeline, Job]]:
    """Every deploy job, built once per scan."""
    return list(per_scan(facts, "deploy_jobs",
                         lambda: [(p, j) for p in facts.pipelines for j in p.jobs if job_is_deploy(p, j, facts)]))


def job_runs_deploy_tool(facts: Facts, pipeline: Pipeline, job: Job) -> bool:
    """The job rolls something out, not only publishes or releases: it runs a tool that deploys (the
    catalog), or, when it says it deploys, a deploy transport (`docker compose up`, `git push` to a
    platform's branch, rsync/ssh). For a job the CI model does not cover, a deploy command in its text."""
    uses = job_tool_uses(facts, pipeline, job)
    if uses is None:
        return any(DEPLOY_CMD.search(st.run or "") or DEPLOY_CMD.search(st.uses or "") for st in job.steps)
    if any(u.capability == "deploy" for u in uses):
        return True
    cijob = model_job(facts, pipeline, job)
    return bool(cijob and (job.environment or _says_deploy(job)) and _deploy_transport(cijob, job, pipeline))
