"""`deploy.*` signals: deploy jobs and tools, environments, rollback and progressive delivery."""
from __future__ import annotations

import re

from ..path_patterns import PathPattern
from ..secrets import clip
from ..signal_core import (
    DEPLOY_CMD,
    DEPLOY_WORD,
    PROGRESSIVE,
    ROLLBACK,
    Signal,
    Signals,
    ci_capability,
    ci_matching,
    deploy_jobs,
    deploys_docs_site,
    ev,
    found,
    job_evidence,
    job_runs_deploy_tool,
    rx,
    signal,
    tool_uses,
)
from ..tools import catalog
from ._shared import _config, _deps, _files, _paths, ci_or_scripts

# -- deployment ---------------------------------------------------------------------------------------

DEPLOY_TARGET = rx(r"^(deploy|release|publish|rollout|ship)")


@signal("deploy.scripted", "deployment is scripted (a deploy target, script or platform configuration)")
def deploy_scripted(s: Signals) -> Signal:
    f = s.facts
    hits = [ev(t.path, t.line, t.name) for t in f.make_targets if DEPLOY_TARGET.search(t.name)]
    for m in f.manifests:
        hits += [ev(m.path, None, f'"{n}": "{c}"') for n, c in m.scripts.items() if DEPLOY_TARGET.search(n)]
    hits += _paths(
        [
            p
            for p in f.files
            if re.search(r"(^|/)(scripts?|bin|deploy)/[^/]*deploy[^/]*\.(sh|py|ts|js)$", p)
            or re.search(r"(^|/)deploy\.(sh|py)$", p)
        ]
    )
    hits += _config(f, *catalog().kinds_with("deploy"))  # vercel.json, netlify.toml, fly.toml, app.yaml, ...
    hits += [ev(p.path, p.line) for p in f.pipelines if p.provider == "cloud-build"]
    for kind in catalog().kinds_with("deploy", "iac_tools"):  # skaffold.yaml, serverless.yml, Chart.yaml, ...
        hits += _paths(f.iac_tools.get(kind, []), 1)
    # a CI job that deploys is a scripted deployment
    hits += [job_evidence(f, p, j, f"CI job {j.id}") for p, j in deploy_jobs(f)][:3]
    return found(hits)


# A target or script that deploys the project itself (a `release` or `publish` target ships, it deploys nothing).
# a deploy target or script of the product's own; one for a demo, the docs or a preview deploys something else
# (uptime-kuma's `deploy-demo-server`)
_OWN_DEPLOY_TARGET = re.compile(r"^(deploy|rollout)(?!.*(demo|docs?|preview|storybook))", re.I)


@signal("deploy.platform_config", "a platform's configuration file says where and how the project runs (vercel.json, "
        "netlify.toml, fly.toml, app.yaml, a Procfile or heroku.yml)")
def platform_config(s: Signals) -> Signal:
    return found(_config(s.facts, *catalog().kinds_with("deploy")))


@signal("deploy.ships_releases_only", "the project ships releases for others to run (CI publishes images, packages "
        "or binaries on tags, releases or the default branch) and nothing shows it deploys them itself")
def ships_releases_only(s: Signals) -> Signal:
    """Distributed software (a self-hosted server, an image others run): the deploy rules of a service
    (a pipeline that deploys, gates, smoke tests, rollback, progressive delivery) are its operators'
    business. Any sign of a deployment of its own keeps them: a deploy tool a CI job runs, a deploy
    target or script, a platform or deployment-tool configuration, infrastructure as code."""
    f = s.facts
    if any(job_runs_deploy_tool(f, p, j) and not deploys_docs_site(p, j) for p in f.pipelines for j in p.jobs):
        return found([])
    if any(_OWN_DEPLOY_TARGET.search(t.name) for t in f.make_targets) or any(
            _OWN_DEPLOY_TARGET.search(name) for m in f.manifests for name in m.scripts):
        return found([])
    if _config(f, *catalog().kinds_with("deploy")) or any(p.provider == "cloud-build" for p in f.pipelines):
        return found([])
    if any(f.iac_tools.get(kind) for kind in f.iac_tools):
        return found([])
    # a release workflow started by hand publishes as much as one started by a tag (uptime-kuma's release.yml)
    return found(tool_uses(f, ("publish",), keep_job=lambda job: bool(job.triggers & {"tag", "release", "push",
                                                                                        "manual"})))


@signal("deploy.manual_docs", "deployment documentation tells people to run deploy commands by hand")
def deploy_manual_docs(s: Signals) -> Signal:
    hits = []
    for doc_line in s.facts.doc_lines:
        # DEPLOY_CMD has ~70 alternatives; a cheap substring test skips the lines that cannot match.
        lower = doc_line.text.lower()
        if any(word in lower for word in DEPLOY_HINTS) and DEPLOY_CMD.search(doc_line.text):
            hits.append(doc_line.evidence())
            if len(hits) == 5:
                break
    return found(hits)


# Every DEPLOY_CMD alternative contains one of these (lower-case) words.
DEPLOY_HINTS = ("deploy", "apply", "kubectl", "helm", "rollout", "pulumi", "aws ", "az ", "cf push", "heroku", "dokku",
                "ansible", "skaffold", "argocd", "rsync", "scp ", "gh-pages", "pages", "s3 sync", "gsutil", "railway",
                "nomad", "wrangler", "netlify", "vercel", "sam ", "cdk ", "serverless", "sls ", "fly", "firebase",
                "kamal", "render ", "stack ", "run deploy", "ssh", "update-function", "update-service", "publish")


@signal("deploy.commented_out", "deploy commands are commented out in the Makefile")
def deploy_commented(s: Signals) -> Signal:
    return found(
        [
            doc_line.evidence()
            for doc_line in s.facts.make_commented
            if DEPLOY_CMD.search(doc_line.text) or re.search(r"#\s*deploy\w*:", doc_line.text)
        ][:3]
    )


@signal("deploy.rollback", "rollback is automated")
def rollback(s: Signals) -> Signal:
    """Free text over CI (rollback commands and words), rollback jobs and targets, Argo Rollouts."""
    hits = ci_matching(s.facts, ROLLBACK)
    hits += [
        ev(p.path, j.line, f"job {j.id}")
        for p in s.facts.pipelines
        for j in p.jobs
        if re.search("rollback", j.id, re.I)
    ]
    hits += [ev(o.path, o.line, f"kind: {o.kind}") for o in s.facts.k8s_objects if o.kind in ("Rollout",)]
    hits += [ev(t.path, t.line, t.name) for t in s.facts.make_targets if "rollback" in t.name]
    return found(hits)


@signal("deploy.progressive", "progressive delivery: canary, blue/green or traffic splitting")
def progressive(s: Signals) -> Signal:
    """Progressive-delivery tools in CI (the catalog: Argo Rollouts, Cloud Run traffic splits, App Service
    slot swaps, ECS blue/green), Rollout and Canary objects, Jenkins manual promotion. `skaffold run`
    deploys everything at once."""
    hits = ci_capability(s.facts, ("progressive-delivery",), PROGRESSIVE)
    hits += [ev(o.path, o.line, f"kind: {o.kind}") for o in s.facts.k8s_objects if o.kind in ("Rollout", "Canary")]
    hits += [
        ev(p.path, j.line, f"job {j.id}: manual gate")
        for p in s.facts.pipelines
        for j in p.jobs
        if j.manual and p.provider == "jenkins"
    ]
    return found(hits)


MIGRATION_DIRS = PathPattern(
    r"(^|/)(alembic\.ini|alembic/versions/[^/]+\.py|migrations/[^/]+\.(py|sql|ts|js)|"
    r"prisma/migrations/|db/migrate/[^/]+\.rb|flyway\.conf|changelog[^/]{0,100}\.(xml|ya?ml)|"
    r"atlas\.hcl|dbmate|goose)",
    ["alembic", "migrations/", "db/migrate/", "flyway.conf", "changelog", "atlas.hcl", "dbmate", "goose"],
)
MIGRATE_CMD = rx(
    r"(alembic upgrade|prisma migrate deploy|manage\.py migrate|django-admin migrate|flyway[^\n]{0,200}migrate|"
    r"liquibase[^\n]{0,200}update|rails db:migrate|rake db:migrate|\bmigrate\b[^\n]{0,200}\bup\b|knex migrate:latest|"
    r"sequelize[^\n]{0,200}db:migrate|typeorm[^\n]{0,200}migration:run|atlas migrate apply|goose[^\n]{0,200}\bup\b|"
    r"dbmate[^\n]{0,200}\bup\b|"
    r"gcloud run jobs execute[^\n]{0,200}migrat|(npm|pnpm|yarn)( run)? (db:)?migrat|make migrate)"
)


MIGRATION_STEP = re.compile(
    r"(migrat|prestart|pre-start|prepare[ _-]?(the )?database|db[:_-]?(upgrade|setup|prepare))", re.I
)


@signal("deploy.migrations_present", "database migrations are kept in the repository")
def migrations_present(s: Signals) -> Signal:
    return found(_files(s.facts, MIGRATION_DIRS, 2))


@signal("deploy.migrations_automated", "database migrations run automatically as part of the deploy")
def migrations_automated(s: Signals) -> Signal:
    f = s.facts
    hits = ci_or_scripts(f, MIGRATE_CMD)
    deployish = [(p, j) for p in f.pipelines for j in p.jobs if DEPLOY_WORD.search(f"{j.id} {j.name}")] + deploy_jobs(f)
    hits += [
        ev(p.path, st.line, st.name or clip(st.run or "", 80))
        for p, j in deployish
        for st in j.steps
        if MIGRATION_STEP.search(f"{st.name}\n{st.run or ''}")
    ]
    hits += [
        ev(d.path, i.line, f"{i.cmd} {i.args}")
        for d in f.dockerfiles
        for i in d.instructions
        if i.cmd in ("CMD", "ENTRYPOINT", "RUN") and MIGRATE_CMD.search(i.args) and i.cmd != "RUN"
    ]
    hits += [
        ev(o.path, o.line, f"{o.kind} {o.name}")
        for o in f.k8s_objects
        if o.kind in ("Job", "CronJob") and "migrat" in o.name.lower()
    ]
    hits += [
        ev(c.path, svc.line, f"{svc.name}: migrations")
        for c in f.compose_files
        for svc in c.services
        if MIGRATE_CMD.search(str(svc.spec.get("command", "")) + str(svc.spec.get("entrypoint", "")))
        or MIGRATION_STEP.search(svc.name + " " + str(svc.spec.get("command", "")))
    ]
    hits += [
        ev(t.path, t.line, t.name)
        for t in f.make_targets
        if re.match(r"(deploy|release)", t.name) and any(MIGRATE_CMD.search(r) for r in t.recipe)
    ]
    return found(hits)


PREVIEW_ACTION = rx(
    r"(amondnet/vercel-action|\bvercel\b(?![^\n]{0,200}--prod)|nwtgck/actions-netlify|"
    r"netlify deploy(?![^\n]{0,200}--prod)|"
    r"hosting:channel:deploy|FirebaseExtended/action-hosting-deploy|surge\b|"
    r"cloudflare/pages-action|wrangler pages deploy|--no-traffic --tag (pr|preview)|review-app|"
    r"rossjrw/pr-preview-action)"
)


@signal("deploy.preview_environments", "pull requests get preview environments (review apps, Vercel/Netlify previews)")
def preview_environments(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(p, None, "platform previews per pull request")
        for k in ("vercel", "netlify")
        for p in f.config_files.get(k, [])
    ]
    pr_pipelines = [p for p in f.pipelines if p.triggers & {"pull_request", "pull_request_target", "merge_request"}]
    hits += ci_matching(f, PREVIEW_ACTION, pipelines=pr_pipelines)
    hits += [
        ev(p.path, j.line, f"job {j.id}: environment {j.environment}")
        for p in f.pipelines
        for j in p.jobs
        if j.environment and re.search(r"(review|preview|pr-|pull)", j.environment, re.I)
    ]
    return found(hits)


ANALYSIS = rx(
    r"(AnalysisTemplate|ClusterAnalysisTemplate|analysis:|kayenta|canary-analysis|flagger|metricsTemplate|"
    r"gcloud deploy[^\n]{0,200}verify|verify:\s*true|AutoRollbackConfiguration|DEPLOYMENT_STOP_ON_ALARM|"
    r"alarmConfiguration|error[-_ ]rate|slo[-_ ]check|prometheus[^\n]{0,200}query)"
)


@signal("deploy.automated_analysis", "canary or rollout promotion is decided by metrics analysis, not by hand")
def automated_analysis(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(o.path, o.line, f"{o.kind} {o.name}")
        for o in f.k8s_objects
        if o.kind in ("AnalysisTemplate", "ClusterAnalysisTemplate", "Canary")
        or (o.kind == "Rollout" and "analysis" in str(o.spec.get("spec", "")))
    ]
    hits += ci_matching(f, ANALYSIS, pipelines=list({id(p): p for p, _ in deploy_jobs(f)}.values()))
    hits += [
        ev(t.path, None, "CodeDeploy alarm rollback")
        for t in f.terraform
        if re.search(r"(auto_rollback_configuration|alarm_configuration)", t.text)
    ]
    return found(hits)


@signal("deploy.feature_flags", "features are released behind flags, separately from deploys")
def feature_flags(s: Signals) -> Signal:
    f = s.facts
    hits = _deps(
        f,
        [
            "launchdarkly-server-sdk",
            "launchdarkly-react-client-sdk",
            "@launchdarkly/",
            "launchdarkly-node-server-sdk",
            "unleash-client",
            "unleash-proxy-client",
            "@unleash/",
            "flagsmith",
            "growthbook",
            "@growthbook/",
            "@openfeature/",
            "openfeature-sdk",
            "configcat-client",
            "configcat-js",
            "@splitsoftware/",
            "django-waffle",
            "flipper",
            "posthog-node",
            "@vercel/flags",
            "flags",
        ],
    )
    hits += [doc_line.evidence() for doc_line in f.source_signals.get("feature-flags", [])[:3]]
    hits += [ev(p) for p in f.config_files.get("feature-flags", [])[:2]]
    return found(hits)


SIGN_VERIFY = rx(
    r"(cosign verify|notation verify|gh attestation verify|slsa-verifier|binary[_-]?authorization|"
    r"binauthz|verifyImages|policy-controller|sigstore/policy|connaisseur|ratify)"
)


@signal("deploy.verifies_signatures", "deploys admit only signed images with verified provenance")
def verifies_signatures(s: Signals) -> Signal:
    f = s.facts
    hits = ci_matching(f, SIGN_VERIFY)
    hits += [
        ev(o.path, o.line, f"{o.kind} {o.name}")
        for o in f.k8s_objects
        if o.kind in ("ClusterPolicy", "Policy", "ClusterImagePolicy", "ImagePolicy")
        and SIGN_VERIFY.search(str(o.spec))
    ]
    hits += [
        ev(t.path, None, "binary authorization") for t in f.terraform if re.search(r"binary_authorization", t.text)
    ]
    return found(hits)
