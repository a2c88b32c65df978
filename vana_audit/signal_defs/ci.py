"""`ci.*` signals: what the CI pipelines run (tests, linters, scanners, gates, caches, notifications)."""
from __future__ import annotations

import re
from typing import Any

from ..facts import Facts, Job, Pipeline, ToolUse
from ..folded_re import TextPattern
from ..model import Confidence, Evidence
from ..path_patterns import PathPattern
from ..secrets import clip
from ..signal_core import (
    ARTIFACT,
    CACHE,
    CONTAINER_BUILD,
    CONTAINER_SCAN,
    DEP_SCAN,
    E2E_CMD,
    IAC_SCAN,
    LINT_CMD,
    PERF_CMD,
    PR_TRIGGERS,
    SAST,
    SBOM_SIGN,
    SMOKE_CMD,
    TEST_CMD,
    TEST_REPORT,
    TYPE_CMD,
    Signal,
    Signals,
    ci_capability,
    ci_matching,
    deploy_jobs,
    ev,
    found,
    job_evidence,
    job_runs_deploy_tool,
    listing,
    model_job,
    rx,
    signal,
    text_ev,
    tool_uses,
    unmodelled_pipelines,
    use_evidence,
)
from ..tools import catalog
from ._shared import (
    _INFRASTRUCTURE_ECOSYSTEMS,
    JS_TEST_CMD,
    PIPE_TO_SHELL,
    _applied_to_throwaway_cluster,
    _ci_coverage_gates,
    _files,
    ci_or_scripts,
)

TEST_CAPABILITIES = ("test-runner", "e2e")  # end-to-end tests are tests too; performance runs are not


# -- CI presence --------------------------------------------------------------------------------


@signal("ci.present", "a CI pipeline with at least one job exists")
def ci_present(s: Signals) -> Signal:
    return found(ev(p.path, p.line, f"{p.provider}: {len(p.jobs)} job(s)") for p in s.facts.pipelines if p.jobs)


@signal("ci.placeholder_only", "the CI folder holds only placeholders such as .gitkeep")
def ci_placeholder(s: Signals) -> Signal:
    if s.facts.pipelines:
        return Signal(False)
    return found(ev(p, None, "placeholder, no workflow") for p in s.facts.ci_placeholders)


@signal("ci.push_and_pr", "CI runs on pushes and on pull/merge requests")
def ci_push_and_pr(s: Signals) -> Signal:
    return found(
        ev(p.path, p.line, "triggers: " + ", ".join(sorted(p.triggers)))
        for p in s.facts.pipelines
        if p.jobs and p.triggers & {"push"} and p.triggers & {"pull_request", "pull_request_target", "merge_request"}
    )


@signal("ci.lint", "a linter runs in CI (a format check alone is no linter)")
def ci_lint(s: Signals) -> Signal:
    tools = catalog()

    def lints_the_code(tool_id: str) -> bool:
        if s.facts.profile in ("infrastructure", "gitops"):
            return True
        ecosystems = set(tools.tool(tool_id).ecosystems)
        return not ecosystems or not ecosystems <= _INFRASTRUCTURE_ECOSYSTEMS

    return found(ci_capability(s.facts, ("lint",), LINT_CMD, keep=lints_the_code)
                 + pre_commit_ci(s.facts, "lint"))


def pre_commit_ci(facts: Facts, capability: str) -> list[Evidence]:
    """The hooks of that capability pre-commit.ci runs on pull requests (its `ci:` settings are in the
    pre-commit configuration)."""
    config = facts.pre_commit_hooks.get("pre-commit.ci")
    if not config:
        return []
    tools = catalog()
    hooks = [h for h in facts.pre_commit_hooks.get("pre-commit", [])
             if any(u.capability == capability for u in tools.from_hook(h))]
    return [ev(config[0], None, f"pre-commit.ci runs {', '.join(hooks[:3])} on pull requests")] if hooks else []


@signal("ci.typecheck", "a type checker runs in CI")
def ci_typecheck(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("type-check",), TYPE_CMD))


@signal("ci.container_build", "a container image is built in CI")
def ci_container_build(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("container-build",), CONTAINER_BUILD))


@signal("ci.cache", "CI caches dependencies or layers")
def ci_cache(s: Signals) -> Signal:
    """Cache tools and the setup actions' cache inputs (the catalog), and the providers' own cache
    keywords (GitLab `cache:`, CircleCI save/restore_cache, the Azure Cache task)."""
    hits = ci_capability(s.facts, ("cache",), CACHE)
    for p in s.facts.pipelines:
        if p.provider == "gitlab-ci" and isinstance(p.raw, dict):
            default_raw = p.raw.get("default")
            default: dict[str, Any] = default_raw if isinstance(default_raw, dict) else {}
            if p.raw.get("cache") or default.get("cache"):
                hits.append(ev(p.path, getattr(p.raw.get("cache") or default.get("cache"), "line", None), "cache:"))
            hits += [ev(p.path, j.line, f"job {j.id}: cache:") for j in p.jobs
                     if isinstance(j.raw, dict) and j.raw.get("cache")][:2]
        hits += [ev(p.path, st.line, st.uses or "") for j in p.jobs for st in j.steps
                 if (p.provider == "circleci" and st.uses in ("restore_cache", "save_cache"))
                 or (p.provider == "azure-pipelines" and re.match(r"(Cache|CacheBeta)@\d", st.uses or ""))][:2]
        if p.provider in ("bitbucket-pipelines", "travis") and re.search(r"^\s*caches?:", p.text, re.M):
            hits.append(text_ev(p.path, None, "cache:"))
    return found(hits)


BUILD_OUTPUT = re.compile(
    r"(^|/)(dist|build|target|out|bin|release|releases|artifacts?|packages?|wheelhouse|publish|_site|site)(/|$)|"
    r"\.(whl|tar\.gz|tgz|zip|jar|war|ear|deb|rpm|apk|aab|ipa|exe|msi|dmg|nupkg|gem|appimage|snap|vsix|iso)$",
    re.I)
NOT_AN_ARTIFACT = re.compile(
    r"(coverage|report|junit|test[-_]?results?|\.sarif$|(^|/)logs?(/|$)|\.log$|screenshots?|videos?|"
    r"playwright|cypress|pr[-_]?number|event\.json|lcov|htmlcov|traces?(/|$)|benchmark)", re.I)
BUILDS = frozenset({"build", "package", "container-build", "release"})
UPLOAD_ACTIONS = ("actions/upload-artifact", "actions/upload-pages-artifact")


def _kept_artifacts(facts: Facts) -> list[Evidence]:
    """Build outputs a job keeps (upload-artifact, GitLab `artifacts: paths`, CircleCI store_artifacts,
    Azure Publish*Artifact): a path that looks built, or any path of a job that builds. Reports, logs and
    metadata (coverage, test results, a file holding the PR number) are no artefacts."""
    building = {id(u.job) for u in facts.tool_uses if u.capability in BUILDS}
    hits: list[Evidence] = []
    for job in facts.ci_model.jobs:
        for inv in job.invocations:
            if inv.kind != "action" or inv.value.lower() not in UPLOAD_ACTIONS:
                continue
            paths = [line.strip() for line in str((inv.extra.get("inputs") or {}).get("path", "")).splitlines()
                     if line.strip() and not line.strip().startswith("!")]
            if any(NOT_AN_ARTIFACT.search(p) for p in paths):
                continue
            if any(BUILD_OUTPUT.search(p.rstrip("/")) for p in paths) or id(job) in building:
                link = inv.chain[-1] if inv.chain else None
                hits.append(ev(link.path if link else job.path, link.line if link else job.line,
                               f"{inv.value} path={', '.join(paths)[:80]}"))
    for p in facts.pipelines:
        for j in p.jobs:
            artifacts = j.raw.get("artifacts") if p.provider == "gitlab-ci" and isinstance(j.raw, dict) else None
            artifact_paths = artifacts.get("paths") if isinstance(artifacts, dict) else None
            kept = [str(x) for x in artifact_paths] if isinstance(artifact_paths, list) else []
            if kept and not all(NOT_AN_ARTIFACT.search(x) for x in kept):
                hits.append(ev(p.path, getattr(artifacts, "line", j.line), f"job {j.id}: artifacts: {', '.join(kept)}"))
            if p.provider == "azure-pipelines":
                hits += [ev(p.path, st.line, st.uses or "") for st in j.steps
                         if re.match(r"Publish(Pipeline|Build)Artifacts?@", st.uses or "")]
            if p.provider == "circleci" and any(st.uses == "store_artifacts" for st in j.steps):
                cijob = model_job(facts, p, j)
                if cijob is not None and id(cijob) in building:
                    hits.append(ev(p.path, j.line, f"job {j.id}: store_artifacts"))
    return hits


@signal("ci.artifacts", "CI publishes build artifacts, images or packages")
def ci_artifacts(s: Signals) -> Signal:
    """Publishing and releasing tools (the catalog: `docker push`, `npm publish`, goreleaser, a release
    action), and build outputs a job keeps. Pulling an image or uploading a report publishes nothing."""
    return found(ci_capability(s.facts, ("publish", "release"), ARTIFACT) + _kept_artifacts(s.facts))


@signal("ci.matrix", "a CI job runs over a matrix of versions or platforms")
def ci_matrix(s: Signals) -> Signal:
    """A matrix in the job (GitHub, GitLab, Azure) or where a workflow calls it (CircleCI `matrix:`)."""
    declared = [ev(p.path, j.line, f"job {j.id}: matrix") for p in s.facts.pipelines for j in p.jobs if j.matrix]
    called = [ev(job.path, job.line, f"job {job.job_id}: matrix of {job.matrix_size}")
              for job in s.facts.ci_model.jobs if job.matrix_size > 1]
    return found(declared or called)


@signal("ci.tests", "tests run in CI (a test runner, the repository's test script, or the configuration applied "
        "to a throwaway cluster)")
def ci_tests(s: Signals) -> Signal:
    return found(ci_capability(s.facts, TEST_CAPABILITIES, TEST_CMD) or _test_scripts(s.facts)
                 or _applied_to_throwaway_cluster(s.facts))


@signal("ci.tests_on_pr", "tests run in CI on pull/merge requests")
def ci_tests_on_pr(s: Signals) -> Signal:
    return found(ci_capability(s.facts, TEST_CAPABILITIES, TEST_CMD, on_pr=True)
                 or _test_scripts(s.facts, on_pr=True) or _applied_to_throwaway_cluster(s.facts, on_pr=True))


# "Scripts to Rule Them All": script/test, script/cibuild, bin/test (kamal's is a Ruby script that loads the
# Rails test runner, a program the CI model does not read)
_TEST_SCRIPT = re.compile(r"^(?:\./)?(?:bin|script|scripts)/(?:test|tests|cibuild)(?:\.\w{1,4})?$")


def _test_scripts(facts: Facts, on_pr: bool = False) -> list[Evidence]:
    hits = []
    for job in facts.ci_model.jobs:
        if on_pr and not job.triggers & PR_TRIGGERS:
            continue
        for inv in job.invocations:
            program = inv.argv[0] if inv.kind == "command" and inv.argv else ""
            if _TEST_SCRIPT.match(program) and facts.has_file(program.removeprefix("./")) and inv.chain:
                link = inv.chain[0]
                hits.append(ev(link.path, link.line, f"runs the repository's test script {program}", Confidence.LOW))
                break
    return hits[:2]


@signal("ci.coverage_gate", "CI fails the build when coverage drops under a threshold")
def ci_coverage_gate(s: Signals) -> Signal:
    explicit = _ci_coverage_gates(s.facts)
    if explicit:
        return found(explicit)
    tests_in_ci = s["ci.tests"]
    threshold = s["tests.coverage_threshold"]
    if not (tests_in_ci.truthy and threshold.truthy):
        return Signal(False)
    # A configured threshold is enforced when CI runs the tool that reads it: the CI model says so
    # where it reaches the command; the text of CI is searched for pipelines it cannot read.
    runners = {c.tool for c in s.facts.test_configs if c.coverage_threshold or c.tool == "codecov"}
    readers = dict(_THRESHOLD_READER.get(tool, (tool, frozenset())) for tool in runners)
    modelled = [use_evidence(use) for use in s.facts.tool_uses
                if use.capability in ("test-runner", "coverage") and use.tool_id in readers
                and (not readers[use.tool_id] or readers[use.tool_id] & set(use.invocation.argv))]
    if modelled:
        return found(modelled[:3] + list(threshold.evidence))
    pattern = rx(
        "|".join(
            {
                "pytest": r"pytest|tox|nox|make test",
                "tox": r"tox",
                "coverage": r"coverage|pytest --cov|make test",
                "jest": r"jest|(npm|yarn|pnpm)( run)? test",
                "vitest": r"vitest|(npm|yarn|pnpm)( run)? test",
            }.get(tool, re.escape(tool))
            for tool in runners
        )
    )
    unmodelled = unmodelled_pipelines(s.facts)
    hits = ci_matching(s.facts, pattern, pipelines=unmodelled) if unmodelled else []
    return found(hits + list(threshold.evidence)) if hits else Signal(False)


# The catalog tool that reads a test configuration's coverage threshold where its id differs, and the
# subcommands that check it: coverage.py's `fail_under` fails `coverage report` (and the other
# reports), never `coverage run`.
_THRESHOLD_READER = {"coverage": ("coverage-py", frozenset({"report", "html", "xml", "json", "lcov"}))}


@signal("ci.test_reports", "CI publishes test or coverage reports")
def ci_test_reports(s: Signals) -> Signal:
    """A report flag or uploader in a CI step, or in a command the CI model reaches through a task runner
    (`gotestsum --junitfile` in a Taskfile: `ci_matching` follows it); GitLab `reports: junit`; CircleCI
    `store_test_results`."""
    hits = ci_matching(s.facts, TEST_REPORT)
    hits += [ev(p.path, st.line, "store_test_results") for p in s.facts.pipelines if p.provider == "circleci"
             for j in p.jobs for st in j.steps if st.uses == "store_test_results"][:2]
    hits += [
        ev(p.path, None, "reports: junit")
        for p in s.facts.pipelines
        if p.provider == "gitlab-ci" and re.search(r"reports:\s*\n\s*(junit|coverage_report)", p.text)
    ]
    return found(hits)


@signal("ci.e2e", "end-to-end tests run in CI (an e2e runner, or the test runner that collects the e2e test files)")
def ci_e2e(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("e2e",), E2E_CMD) or _e2e_files_collected(s.facts))


# The language of a test file, as the tool catalog names ecosystems: a runner of that ecosystem
# collects it (`go test ./...` every package's _test.go, rspec every spec/**/*_spec.rb).
_TEST_LANGUAGE = {".go": "go", ".rb": "ruby", ".py": "python", ".js": "js", ".ts": "js", ".mjs": "js", ".tsx": "js",
                  ".java": "jvm", ".kt": "jvm", ".groovy": "jvm", ".cs": "dotnet", ".php": "php", ".rs": "rust"}


# Options that choose a subset of the tests: with one, the e2e files may be the ones left out.
_SELECTING_FLAGS = frozenset({"-m", "-k", "--ignore", "--ignore-glob", "--deselect", "--exclude", "--tag", "-t",
                              "-run", "-skip", "--testPathIgnorePatterns", "--grep-invert", "--filter"})


def _e2e_files_collected(facts: Facts) -> list[Evidence]:
    """End-to-end test files written as ordinary tests (an acceptance/ package, spec/acceptance/) that
    the test runner CI runs collects with the rest."""
    languages: dict[str, list[str]] = {}
    for path in facts.test_files.get("e2e", []):
        language = _TEST_LANGUAGE.get("." + path.rsplit(".", 1)[-1].lower()) if "." in path else None
        if language:
            languages.setdefault(language, []).append(path)
    if not languages:
        return []
    tools = catalog()
    hits = []
    for use in facts.tool_uses:
        language = next((e for e in tools.tool(use.tool_id).ecosystems if e in languages), None)
        selects = any(word.split("=", 1)[0] in _SELECTING_FLAGS for word in use.invocation.argv)
        if use.capability == "test-runner" and language and use.job.triggers and not selects:
            files = languages.pop(language)
            chain = use_evidence(use)
            hits.append(ev(chain.path, chain.line,
                           f"{chain.snippet} (collects {len(files)} e2e test file(s), e.g. {files[0]})"))
            if not languages:
                break
    return hits


@signal("ci.performance", "performance tests or budgets run in CI")
def ci_performance(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("perf", "benchmark"), PERF_CMD))


@signal("ci.deploy", "a CI job deploys")
def ci_deploy(s: Signals) -> Signal:
    return found(
        job_evidence(s.facts, p, j, f"job {j.id}" + (f" (environment: {j.environment})" if j.environment else ""))
        for p, j in deploy_jobs(s.facts)
    )


# Providers where a job can name its environment; a Cloud Build or Jenkins deploy has nowhere to name one.
ENVIRONMENT_PROVIDERS = frozenset({"github-actions", "gitlab-ci", "azure-pipelines", "bitbucket-pipelines", "travis"})


@signal("ci.deploy_environments", "every deploy job targets a named environment")
def ci_deploy_envs(s: Signals) -> Signal:
    jobs = [(p, j) for p, j in deploy_jobs(s.facts) if p.provider in ENVIRONMENT_PROVIDERS]
    ok = [(p, j) for p, j in jobs if j.environment]
    return Signal(
        bool(jobs) and len(ok) == len(jobs),
        tuple(job_evidence(s.facts, p, j, f"environment: {j.environment}") for p, j in ok)
    )


@signal("ci.deploy_without_environment", "deploy jobs that name no environment (where their CI could)")
def ci_deploy_without_environment(s: Signals) -> Signal:
    return listing(job_evidence(s.facts, p, j, f"job {j.id}: no environment") for p, j in deploy_jobs(s.facts)
                   if p.provider in ENVIRONMENT_PROVIDERS and not j.environment)


@signal("ci.deploy_gated", "production deploys wait for an approval or protected environment")
def ci_deploy_gated(s: Signals) -> Signal:
    return found(
        job_evidence(s.facts, p, j, f"job {j.id}: " + ("manual gate" if j.manual else f"environment {j.environment}"))
        for p, j in deploy_jobs(s.facts)
        if j.manual or (j.environment and re.search(r"prod", j.environment, re.I))
    )


@signal("ci.oidc", "CI authenticates to the cloud with OIDC federation")
def ci_oidc(s: Signals) -> Signal:
    hits = [
        ev(p.path, p.line, "permissions: id-token: write") for p in s.facts.pipelines if "id-token: write" in p.text
    ]
    hits += ci_matching(s.facts, rx(r"(role-to-assume|workload_identity_provider|azure/login[^\n]*client-id|oidc)"))
    return found(hits)


@signal("ci.static_cloud_keys", "long-lived cloud credentials are passed to CI from secrets")
def static_keys(s: Signals) -> Signal:
    pattern = rx(
        r"secrets\.(AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|GCP_SA_KEY|GCP_CREDENTIALS|GOOGLE_CREDENTIALS|"
        r"GOOGLE_APPLICATION_CREDENTIALS|AZURE_CREDENTIALS|SERVICE_ACCOUNT_KEY|GCLOUD_SERVICE_KEY)|credentials_json"
    )
    hits = []
    for p in s.facts.pipelines:
        for number, line in enumerate(p.text.splitlines(), 1):
            if pattern.search(line):
                hits.append(ev(p.path, number, line))
    return listing(hits[:10])


CLOUD_TEXT = rx(r"(gcloud|aws |aws-actions|google-github-actions|azure/|az |eksctl|gke|ecs|cloudrun|lambda)")


@signal("ci.cloud_deploy", "CI deploys to a cloud provider")
def cloud_deploy(s: Signals) -> Signal:
    """CI runs a tool of a cloud provider (the catalog's `cloud:`: gcloud, the AWS and Azure CLIs and
    their auth and deploy actions). `azure/setup-helm` installs Helm: it reaches no Azure."""
    tools = catalog()
    hits: dict[tuple[str, str, str], Evidence] = {}
    for use in s.facts.tool_uses:
        cloud = tools.tool(use.tool_id).cloud
        if cloud and (use.job.path, use.job.job_id, cloud) not in hits:
            link = use.invocation.chain[-1] if use.invocation.chain else None
            hits[(use.job.path, use.job.job_id, cloud)] = ev(
                link.path if link else use.job.path, link.line if link else use.job.line,
                f"{cloud}: {link.text if link else use.invocation.value}")
    text = ci_matching(s.facts, CLOUD_TEXT, pipelines=unmodelled_pipelines(s.facts))
    return found([*hits.values(), *text])


SMOKE_JOB = re.compile(r"(?<![a-z])(smoke(?![a-z])|smoke[-_ ]?tests?|post[-_]?deploy|health[-_ ]?check|synthetic)",
                       re.I)


@signal("ci.smoke_tests", "deploys are followed by a smoke test or health check", confidence="low")
def smoke(s: Signals) -> Signal:
    """Free text: a deploy job's step named or running a smoke test or health probe, or a job so named."""
    jobs = deploy_jobs(s.facts)
    hits = []
    for p, j in jobs:
        hits += [
            ev(p.path, st.line, st.name or clip(st.run or "", 80))
            for st in j.steps
            if SMOKE_CMD.search(f"{st.name}\n{st.run or ''}\n{st.uses or ''}")
        ]
    for p in s.facts.pipelines:
        hits += [ev(p.path, j.line, f"job {j.id}") for j in p.jobs if SMOKE_JOB.search(j.id + " " + j.name)]
    return found(hits)


@signal("ci.sast", "static analysis for security (SAST) runs in CI")
def sast(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("sast",), SAST))


@signal("ci.dependency_scan", "dependency vulnerability scanning runs in CI")
def dep_scan(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("dependency-scan",), DEP_SCAN))


@signal("ci.container_scan", "container images are scanned in CI")
def container_scan(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("container-scan",), CONTAINER_SCAN))


@signal("ci.iac_scan", "infrastructure code is scanned in CI")
def iac_scan(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("iac-scan",), IAC_SCAN))


@signal("ci.sbom_signing", "CI produces an SBOM, signs artifacts or attests provenance")
def sbom(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("sbom", "sign", "provenance"), SBOM_SIGN))


@signal("ci.failure_notifications", "CI notifies people when a pipeline fails")
def failure_notify(s: Signals) -> Signal:
    """A notifying step (Slack, Teams, mail, a webhook...) that runs on failure: a step or job condition on
    failure() (GitHub), a job `when: on_failure` (GitLab), a Jenkins `post { failure }`. A step that merely
    mentions mail (`emailservice`, `user.email`) in a workflow that says "failure" somewhere notifies nobody."""
    hits = []
    for p in s.facts.pipelines:
        lines = p.text.splitlines()
        for j in p.jobs:
            job_on_failure = "failure()" in j.condition or (
                isinstance(j.raw, dict) and str(j.raw.get("when", "")) == "on_failure")
            for st in j.steps:
                text = f"{st.uses or ''} {st.run or ''} {st.name}"
                if NOTIFY_STEP.search(text) and (job_on_failure or "failure()" in _yaml_item_text(lines, st.line)):
                    hits.append(ev(p.path, st.line, st.name))
        if p.provider == "jenkins" and re.search(r"post\s*\{[^}]*failure", p.text, re.S):
            hits.append(ev(p.path, None, "post { failure { ... } }"))
    return found(hits)


NOTIFY_STEP = rx(r"(\b(slack|msteams|teams|discord|pagerduty|opsgenie|sendgrid|mail|sendmail|notify|notification|"
                 r"webhook)\b|action-slack|slack-notify|action-notify|slack-github-action)")


def _yaml_item_text(lines: list[str], first: int) -> str:
    """The lines of the YAML list item starting at line `first` (1-based), up to the next item at its indent."""
    if not 0 < first <= len(lines):
        return ""
    head = lines[first - 1]
    indent = len(head) - len(head.lstrip())
    block = [head]
    for line in lines[first: first + 60]:
        stripped = line.lstrip()
        if stripped and len(line) - len(stripped) <= indent:
            break
        block.append(line)
    return "\n".join(block)


COVERAGE_SERVICE_CONFIG = PathPattern(
    r"^(\.github/)?\.?codecov\.ya?ml$|^\.coveralls\.yml$|^sonar-project\.properties$",
    ["codecov.y", ".coveralls.yml", "sonar-project.properties"],
)


def _gha_needs(job: Job) -> list[str]:
    raw = job.raw if isinstance(job.raw, dict) else {}
    needs = raw.get("needs")
    if isinstance(needs, str):
        return [needs]
    return [str(n) for n in needs] if isinstance(needs, list) else []


def _upstream(pipeline: Pipeline, job: Job) -> list[Job]:
    """Jobs this job waits for, transitively (GitHub `needs`, GitLab earlier stages, Jenkins earlier stages)."""
    by_id = {j.id: j for j in pipeline.jobs}
    if pipeline.provider == "github-actions":
        seen: dict[str, Job] = {}
        todo = _gha_needs(job)
        while todo:
            name = todo.pop()
            if name in seen or name not in by_id:
                continue
            seen[name] = by_id[name]
            todo += _gha_needs(by_id[name])
        return list(seen.values())
    if pipeline.provider == "gitlab-ci":
        order = _gitlab_stages(pipeline)
        mine = order.index(job.stage) if job.stage in order else len(order)
        return [j for j in pipeline.jobs if j.stage in order and order.index(j.stage) < mine]
    index = pipeline.jobs.index(job)
    return list(pipeline.jobs[:index])  # sequential stages (Jenkins, Cloud Build, Azure, Bitbucket)


def _gitlab_stages(pipeline: Pipeline) -> list[str]:
    raw = pipeline.raw if isinstance(pipeline.raw, dict) else {}
    stages = raw.get("stages")
    return [str(s) for s in stages] if isinstance(stages, list) else [".pre", "build", "test", "deploy", ".post"]


def _runs_tests(job: Job) -> bool:
    return (
        any(TEST_CMD.search(st.run or "") for st in job.steps)
        or bool(re.search(r"\btest", job.id + " " + job.name, re.I))
        and not job.environment
    )


def _step_text(job: Job) -> str:
    return "\n".join(
        f"{st.run or ''} {st.uses or ''} {' '.join(f'{k}={v}' for k, v in st.with_.items())}" for st in job.steps
    )


BUILD_CMD = rx(
    r"((npm|pnpm|yarn|bun)( run)? build\b|next build|vite build|ng build|\btsc\b|webpack|rollup -c|esbuild|"
    r"uv build|python -m build|poetry build|hatch build|pdm build|flit build|setup\.py (sdist|bdist)|"
    r"go build|go install|cargo build|mvn\b[^\n]{0,200}\b(package|verify|install)\b|"
    r"gradlew?\b[^\n]{0,200}\b(build|assemble)\b|"
    r"dotnet (build|publish)|make( -\S{1,40}){0,5} (build|all|dist|package)\b|goreleaser|bazel build|"
    r"sbt[^\n]{0,200}\b(compile|package)\b|"
    r"swift build|mix compile|cmake --build|ko build|pyinstaller|docker/build-push-action|docker (buildx )?build)"
)


# Running the tests of a compiled language builds the code (`cargo test`, `go test`, `mvn verify`).
_COMPILED_ECOSYSTEMS = frozenset({"go", "rust", "jvm", "dotnet", "cpp"})


@signal("ci.builds_app", "CI builds the application or package, not only its tests")
def ci_builds_app(s: Signals) -> Signal:
    tools = catalog()
    built = ci_capability(s.facts, ("build", "package", "container-build", "release"), BUILD_CMD)
    compiled = tool_uses(s.facts, ("test-runner",),
                         keep=lambda tool_id: bool(set(tools.tool(tool_id).ecosystems) & _COMPILED_ECOSYSTEMS))
    return found(built + compiled + ci_matching(s.facts, CONTAINER_BUILD, pipelines=unmodelled_pipelines(s.facts)))


INSTALL = rx(
    r"\b(npm (ci|install|i)\b|yarn( install)?(\s|$)|pnpm (install|i)\b|bun install|uv sync|uv pip install|"
    r"pip3? install|poetry install|pipenv (install|sync)|pdm (install|sync)|bundle install|composer install|"
    r"go mod download|cargo (build|fetch)|mvn\b|gradlew?\b)"
)


@signal("ci.dependency_install", "CI installs the project's dependencies")
def ci_dependency_install(s: Signals) -> Signal:
    return found(ci_matching(s.facts, INSTALL, include_uses=False))


_EXACT_PACKAGE = re.compile(r"^(@[\w.-]+/)?[\w.-]+@\d[\w.+-]*$")


def _pinned_tool_install(line: str) -> bool:
    """`npm install -D @commitlint/cli@20.2.0 …`: named tools at exact versions, not the project's
    dependencies from its lockfile."""
    words = line.split()
    at = next((i for i, w in enumerate(words) if w in ("install", "i")), len(words))
    named = [w for w in words[at + 1:] if not w.startswith("-")]
    return bool(named) and all(_EXACT_PACKAGE.match(w) for w in named)


def _unfrozen(command: str, facts: Facts, env_text: str) -> tuple[str, str] | None:
    """The line of a step that can re-resolve dependencies, and why."""
    for line in command.splitlines():
        line = line.strip()
        reason = _unfrozen_line(line, facts, env_text)
        if reason:
            return line, reason
    return None


def _unfrozen_line(line: str, facts: Facts, env_text: str) -> str | None:
    if re.search(r"\bnpm (install|i)\b", line) and not re.search(r"\s(-g|--global)\b", line) \
            and not _pinned_tool_install(line):
        return "npm install can rewrite package-lock.json; use npm ci"
    if (
        re.search(r"\byarn( install)?\s*($|&&|;)", line)
        and "--frozen-lockfile" not in line
        and "--immutable" not in line
        and not facts.has_file(".yarnrc.yml")
    ):
        return "yarn install without --frozen-lockfile"
    if (
        re.search(r"\buv sync\b", line)
        and not re.search(r"--(frozen|locked)\b", line)
        and not re.search(r"UV_(FROZEN|LOCKED)", env_text)
    ):
        return "uv sync without --locked or --frozen"
    if re.search(r"\bpipenv install\b", line) and "--deploy" not in line and "--ignore-pipfile" not in line:
        return "pipenv install without --deploy"
    if re.search(r"\b(pip3?|uv pip) install\b[^\n]{0,200}\s(-e\s+)?\.(\[[^\]]{0,100}\])?(\s|$)", line) and any(
        lock in facts.lockfiles for lock in ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
    ):
        return "pip install . ignores the committed lockfile"
    if re.search(r"\b(poetry lock|uv lock)\b", line) and not re.search(r"--check|--locked", line):
        return "the lockfile is regenerated in CI"
    return None


@signal("ci.unfrozen_install", "CI installs that can re-resolve dependencies instead of using the lockfile")
def ci_unfrozen_install(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        env_text = " ".join(
            map(
                str,
                (p.raw or {}).get("env", {}) if isinstance(p.raw, dict) and isinstance(p.raw.get("env"), dict) else {},
            )
        )
        if p.triggers and not p.triggers - {"schedule", "manual", "workflow_dispatch"}:
            continue  # a maintenance job that regenerates the lockfile for a pull request (uptime-kuma's npm-update)
        for job in p.jobs:
            job_env = env_text + " " + " ".join(map(str, job.env))
            for st in job.steps:
                found_line = _unfrozen(st.run or "", s.facts, job_env + " " + " ".join(map(str, st.env)))
                if found_line:
                    hits.append(ev(p.path, st.line, f"{clip(found_line[0], 80)} ({found_line[1]})"))
    return listing(hits)


FORMAT_CHECK = rx(
    r"(ruff format --check|ruff format[^\n]{0,200}--diff|black (--check|--diff)|isort[^\n]{0,200}--check|"
    r"prettier[^\n]{0,200}(--check|-c\b)|"
    r"gofmt -[ld]|gofumpt -l|goimports -l|cargo fmt[^\n]{0,200}--check|(npm|pnpm|yarn)( run)? (format|fmt)[:-]check|"
    r"biome (ci|check)|dprint check|mix format --check-formatted|dotnet format[^\n]{0,200}--verify-no-changes|"
    r"spotless(Check|:check)|ktlint|clang-format[^\n]{0,200}--dry-run|pre-commit run|pre-commit/action|"
    r"make (fmt|format)-?check|shfmt -d|rustfmt --check|terraform fmt -check|golangci-lint|prek run|lefthook run)"
)


@signal("ci.format_check", "CI checks formatting")
def ci_format_check(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("format-check",), FORMAT_CHECK) + pre_commit_ci(s.facts, "format-check"))


@signal("ci.cancellable", "pipelines whose superseded runs can be cancelled (GitHub Actions, GitLab)")
def ci_cancellable(s: Signals) -> Signal:
    return found(
        ev(p.path, p.line, p.provider)
        for p in s.facts.pipelines
        if p.provider in ("github-actions", "gitlab-ci")
        and p.jobs
        and p.triggers & {"push", "pull_request", "merge_request"}
    )


def _concurrency(node: Any) -> dict[str, Any] | None:
    value = node.get("concurrency") if isinstance(node, dict) else None
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return {"group": value}
    return None


@signal(
    "ci.cancels_superseded", "superseded CI runs are cancelled (concurrency cancel-in-progress, GitLab interruptible)"
)
def cancels_superseded(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        if p.provider == "github-actions":
            nodes = [(p.raw, p.line)] + [(j.raw, j.line) for j in p.jobs]
            for node, line in nodes:
                conc = _concurrency(node)
                if conc and str(conc.get("cancel-in-progress", "")).lower() not in ("", "false"):
                    hits.append(
                        ev(p.path, getattr(node.get("concurrency"), "line", line), "concurrency: cancel-in-progress")
                    )
                    break
        elif p.provider == "gitlab-ci":
            default = (p.raw or {}).get("default") if isinstance(p.raw, dict) else None
            if isinstance(default, dict) and default.get("interruptible") is True:
                hits.append(ev(p.path, getattr(default, "line", None), "default: interruptible: true"))
            hits += [
                ev(p.path, j.line, f"job {j.id}: interruptible")
                for j in p.jobs
                if isinstance(j.raw, dict) and j.raw.get("interruptible") is True
            ][:1]
        elif p.provider == "buildkite" and "cancel_intermediate_builds" in p.text:
            hits.append(ev(p.path, None, "cancel_intermediate_builds"))
    return found(hits)


SCHEDULED_WORK = rx(
    r"(" + TEST_CMD.pattern + r"|" + BUILD_CMD.pattern + r"|audit|osv-scanner|outdated|codeql|trivy|"
    r"docker (buildx )?build)"
)


@signal("ci.scheduled_build", "a scheduled pipeline builds or tests the default branch")
def scheduled_build(s: Signals) -> Signal:
    return found(_run_on(s.facts, "schedule", SCHEDULED_CAPABILITIES, SCHEDULED_WORK))


SCHEDULED_CAPABILITIES = (*TEST_CAPABILITIES, "build", "package", "container-build", "dependency-scan", "sast",
                          "container-scan")


def _run_on(facts: Facts, trigger: str, capabilities: tuple[str, ...], text: TextPattern) -> list[Evidence]:
    """Tools with `capabilities` the CI model reaches in jobs `trigger` starts (through task runners and
    variables too), and the text of the pipelines the model does not cover."""
    modelled = tool_uses(facts, capabilities, keep_job=lambda job: trigger in job.triggers)
    unmodelled = [p for p in unmodelled_pipelines(facts) if trigger in p.triggers]
    return modelled + (ci_matching(facts, text, pipelines=unmodelled) if unmodelled else [])


# -- tests ------------------------------------------------------------------------------------------


@signal("ci.tests_on_push", "tests run in CI on pushes (after merge to the default branch)")
def tests_on_push(s: Signals) -> Signal:
    """A test runner the CI model reaches in a job pushes to the default branch trigger (through a
    Taskfile or `${{ env.CARGO }} test` as well); the text of pipelines the model does not cover."""
    return found(_run_on(s.facts, "push", TEST_CAPABILITIES, TEST_CMD))


@signal("ci.js_tests", "JavaScript/TypeScript unit tests run in CI")
def ci_js_tests(s: Signals) -> Signal:
    tools = catalog()
    return found(ci_capability(s.facts, ("test-runner",), JS_TEST_CMD,
                               keep=lambda tool_id: "js" in tools.tool(tool_id).ecosystems))


IGNORED = re.compile(r"(\|\|\s*(true|:|exit 0|echo\b)|;\s*exit 0\s*$|set \+e)", re.M)


def _suite(use: ToolUse) -> tuple[str, ...]:
    """Which tests a test run runs: the tool and the words that select them (`pytest tests/unit`), options
    and wrappers left out (`LIBVIRT_API_COVERAGE=1 python -m pytest tests` is `pytest tests`)."""
    invocation = use.invocation
    if invocation.kind != "command":
        return (use.tool_id, invocation.value)
    args, _ = catalog().strip_wrappers(invocation.argv)
    return (use.tool_id, *(a for a in args[1:] if not a.startswith("-")))


def _reruns_of_gating_suites(facts: Facts) -> set[tuple[str, str]]:
    """Jobs (path, id) whose failure-ignoring test runs only repeat suites another run lets fail the
    pipeline (an optional coverage or nightly-version job): a failing test still fails the pipeline."""
    gating: set[tuple[str, ...]] = set()
    ignored: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for use in facts.tool_uses:
        if use.capability not in ("test-runner", "e2e"):
            continue
        if use.invocation.can_fail:
            gating.add(_suite(use))
        else:
            ignored.setdefault((use.job.path, use.job.job_id), set()).add(_suite(use))
    return {job for job, suites in ignored.items() if suites <= gating}


@signal(
    "ci.test_failures_ignored",
    "test steps whose failure does not fail the pipeline (continue-on-error, || true, allow_failure)",
)
def test_failures_ignored(s: Signals) -> Signal:
    return listing([hit for _, hit in _ignored_test_runs(s.facts)])


def _ignored_test_runs(facts: Facts) -> list[tuple[tuple[str, str], Evidence]]:
    """Test runs whose failure does not fail the pipeline, each with its job (path, id)."""
    hits: list[tuple[tuple[str, str], Evidence]] = []
    reruns = _reruns_of_gating_suites(facts)
    for p in facts.pipelines:
        for job in p.jobs:
            raw = job.raw if isinstance(job.raw, dict) else {}
            runs_tests = any(TEST_CMD.search(st.run or "") for st in job.steps)
            if not runs_tests or (p.path, job.id) in reruns:
                continue
            if str(raw.get("continue-on-error", "")).lower() == "true" or raw.get("allow_failure") is True:
                hits.append((
                    (p.path, job.id),
                    ev(
                        p.path,
                        job.line,
                        f"job {job.id}: "
                        + ("allow_failure: true" if p.provider == "gitlab-ci" else "continue-on-error: true"),
                    ),
                ))
                continue
            raw_steps = raw["steps"] if isinstance(raw.get("steps"), list) else []
            for _index, st in enumerate(job.steps):
                if not TEST_CMD.search(st.run or ""):
                    continue
                raw_step = next(
                    (r for r in raw_steps if isinstance(r, dict) and getattr(r, "line", None) == st.line), {}
                )
                test_lines = [doc_line for doc_line in (st.run or "").splitlines() if TEST_CMD.search(doc_line)]
                if str(raw_step.get("continue-on-error", "")).lower() == "true":
                    text = f"{clip(test_lines[0].strip(), 80)} (continue-on-error: true)"
                    hits.append(((p.path, job.id), ev(p.path, st.line, text)))
                elif ignored := next((line for line in test_lines if IGNORED.search(line)), None):
                    hits.append(((p.path, job.id), ev(p.path, st.line, clip(ignored.strip(), 120))))
    return hits


@signal("ci.tests_gate_elsewhere", "where one job ignores its test failures, tests in another job fail the pipeline")
def tests_gate_elsewhere(s: Signals) -> Signal:
    """An optional variant (a minimal build, a nightly toolchain) may let its tests fail while the main test
    job gates: tests the CI model reaches in a job with no ignored test run."""
    lenient = {job for job, _ in _ignored_test_runs(s.facts)}
    if not lenient:
        return Signal(False)
    return found(use_evidence(use) for use in s.facts.tool_uses
                 if use.capability in TEST_CAPABILITIES and (use.job.path, use.job.job_id) not in lenient)


CHANGED_COVERAGE = rx(
    r"(diff-cover|codecov/codecov-action|codecov\b|coverallsapp/github-action|coveralls|"
    r"py-cov-action|orgoro/coverage|irongut/CodeCoverageSummary|MishaKav/pytest-coverage-comment|"
    r"ArtiomTr/jest-coverage-report-action|davelosert/vitest-coverage-report-action|sonar)"
)


@signal("ci.changed_code_coverage", "coverage of the changed lines is reported on pull requests")
def changed_code_coverage(s: Signals) -> Signal:
    hits = ci_or_scripts(s.facts, CHANGED_COVERAGE)
    hits += _files(s.facts, COVERAGE_SERVICE_CONFIG)
    return found(hits)


# -- deployment -------------------------------------------------------------------------------------

STAGING = re.compile(r"(stag|pre-?prod|uat\b|\bqa\b|sandbox|preview-main|integration)", re.I)
PRODUCTION = re.compile(r"(prod|live|release)", re.I)
PREVIEW_ENV = re.compile(r"(preview|review|pr-|pull|ephemeral|dev\b|development)", re.I)


def _env_of(job: Job) -> str:
    return job.environment or ""


PUBLISH_ENV = re.compile(
    r"^(pypi|test-?pypi|npm|crates(\.io)?|rubygems|release|releases|github-pages|pages|registry|"
    r"docker(hub)?|homebrew|maven|nuget|packagist|publish\w*)$",
    re.I,
)


def service_deploy_jobs(facts: Facts) -> list[tuple[Pipeline, Job]]:
    """Deploy jobs that roll out a running service, not ones that only publish a package or a release."""
    result = []
    for p, j in deploy_jobs(facts):
        if PREVIEW_ENV.search(_env_of(j)) or PUBLISH_ENV.match(_env_of(j)):
            continue
        if j.environment or job_runs_deploy_tool(facts, p, j):
            result.append((p, j))
    return result


@signal("ci.service_deploy", "a CI job deploys a running service (not only a package or release publish)")
def ci_service_deploy(s: Signals) -> Signal:
    return found(
        job_evidence(s.facts, p, j, f"job {j.id}" + (f" (environment: {j.environment})" if j.environment else ""))
        for p, j in service_deploy_jobs(s.facts)
    )


def _staging_jobs(facts: Facts) -> list[tuple[Pipeline, Job]]:
    return [
        (p, j)
        for p, j in service_deploy_jobs(facts)
        if STAGING.search(f"{_env_of(j)} {j.id} {j.name} {j.stage}")
        or re.search(r"(--env(ironment)?[= ]|values-|overlays/|--project[= ]\S{0,100})stag", _step_text(j), re.I)
    ]


@signal("ci.staging_deploy", "a staging (pre-production) environment is deployed by CI")
def staging_deploy(s: Signals) -> Signal:
    return found(
        job_evidence(s.facts, p, j, f"job {j.id}" + (f" (environment: {j.environment})" if j.environment else ""))
        for p, j in _staging_jobs(s.facts)
    )


@signal(
    "ci.production_skips_staging", "production deploy jobs that do not wait for the staging deploy of their workflow"
)
def production_skips_staging(s: Signals) -> Signal:
    staging = _staging_jobs(s.facts)
    hits = []
    for p, j in service_deploy_jobs(s.facts):
        if (
            p.provider != "github-actions"
            or (p, j) in staging
            or not PRODUCTION.search(f"{_env_of(j)} {j.id} {j.name}")
        ):
            continue
        if any(sp.path == p.path for sp, _ in staging) and not any((p, u) in staging for u in _upstream(p, j)):
            hits.append(job_evidence(s.facts, p, j, f"job {j.id} deploys production without waiting for staging"))
    return listing(hits)


RESTRICTED_REF = re.compile(
    r"(github\.ref\s*==|github\.ref_name\s*==|startsWith\(\s*github\.ref|github\.event_name\s*==\s*'(push|release|workflow_dispatch)'|"
    r"github\.event_name\s*!=\s*'pull_request|github\.ref_type\s*==|head_branch\s*==|"
    r"github\.event\.workflow_run\.conclusion|!\s*github\.event\.pull_request\b|"
    r"github\.event\.pull_request\s*==\s*null)"
)
INTEGRATION_BRANCHES = re.compile(r"^(develop|development|dev|staging|stage|next|integration)$")
DEFAULT_BRANCHES = re.compile(r"^(main|master|trunk|release[/\w*.-]*|releases?/\*\*?|production|prod|stable|v\d.*)$")


def _gha_unrestricted(facts: Facts, p: Pipeline, j: Job) -> str | None:
    if RESTRICTED_REF.search(j.condition):
        return None
    on = p.raw.get("on", p.raw.get(True)) if isinstance(p.raw, dict) else None
    on = on if isinstance(on, dict) else {str(t): None for t in (on if isinstance(on, list) else [on] if on else [])}
    if PREVIEW_ENV.search(_env_of(j)):
        return None
    for trigger in ("pull_request", "pull_request_target"):
        if trigger in on and not _shipping_steps_guarded(facts, p, j):
            return f"runs on {trigger}"
    if "push" in on:
        push = on["push"] if isinstance(on.get("push"), dict) else {}
        branches = push.get("branches")
        if push.get("tags") and not branches:
            return None
        if not branches or push.get("branches-ignore"):
            return "runs on a push to any branch"
        wild = [
            b
            for b in branches
            if not DEFAULT_BRANCHES.match(str(b))
            and not (INTEGRATION_BRANCHES.match(str(b)) and STAGING.search(_env_of(j)))
        ]
        if wild:
            return f"runs on pushes to {', '.join(map(str, wild[:3]))}"
    if "workflow_run" in on:
        run = on["workflow_run"] if isinstance(on.get("workflow_run"), dict) else {}
        if not run.get("branches"):
            return "runs after a workflow on any branch (workflow_run without branches)"
    return None


def _shipping_steps_guarded(facts: Facts, p: Pipeline, j: Job) -> bool:
    """Every step of the job that publishes, releases or deploys is kept from pull requests by its own
    `if:` or by an input (`push: ${{ github.event_name != 'pull_request' }}`): on a pull request the job
    only builds."""
    steps = j.raw.get("steps") if isinstance(j.raw, dict) else None
    if not isinstance(steps, list):
        return False
    starts = sorted((getattr(step, "line", 0), step) for step in steps if isinstance(step, dict))
    shipping = [u for u in facts.tool_uses if u.job.path == p.path and u.job.job_id == j.id
                and u.capability in ("publish", "release", "deploy") and u.invocation.chain]
    if not shipping or not starts:
        return False
    for use in shipping:
        line = use.invocation.chain[0].line or 0
        step = next((s for start, s in reversed(starts) if start <= line), None)
        if step is None:
            return False
        inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
        guards = [str(step.get("if", "")), *map(str, inputs.values())]
        if not any(RESTRICTED_REF.search(g) for g in guards) and not _pushes_to_localhost(inputs, steps):
            return False
    return True


_LOCAL_REGISTRY = re.compile(r"^\s*(localhost|127\.0\.0\.1)(:\d+)?/")
_STEP_OUTPUT = re.compile(r"steps\.([\w-]+)\.outputs\.tags")


def _pushes_to_localhost(inputs: dict[str, Any], steps: list[Any]) -> bool:
    """An image build whose tags all name a registry on the runner itself (a `registry:2` service that
    later steps build on): pushing there publishes nothing. The tags are literal or come from a
    docker/metadata-action step's `images`."""
    tags = str(inputs.get("tags", ""))
    source = _STEP_OUTPUT.search(tags)
    if source:
        meta = next((s for s in steps if isinstance(s, dict) and s.get("id") == source.group(1)), None)
        meta_inputs = meta.get("with") if isinstance(meta, dict) else None
        tags = str(meta_inputs.get("images", "")) if isinstance(meta_inputs, dict) else ""
    names = [n for n in re.split(r"[\s,]+", tags) if n]
    return bool(names) and all(_LOCAL_REGISTRY.match(n) for n in names)


def _gitlab_unrestricted(j: Job) -> str | None:
    raw = j.raw if isinstance(j.raw, dict) else {}
    rules_text = " ".join(str(raw.get(k, "")) for k in ("only", "rules", "except"))
    if PREVIEW_ENV.search(_env_of(j)) or j.manual:
        return None
    if re.search(
        r"(CI_DEFAULT_BRANCH|CI_COMMIT_TAG|\bmain\b|\bmaster\b|\btags\b|CI_COMMIT_BRANCH\s*==|CI_COMMIT_REF_NAME\s*==)",
        rules_text,
    ):
        return None
    return "no only/rules restricting it to the default branch or tags"


def delivery_jobs(s: Signals) -> list[tuple[Pipeline, Job]]:
    """The jobs that deliver: the deploy jobs, and for software shipped for others to run (nothing deploys
    it), the jobs that publish its releases on tags, releases or pushes."""
    jobs = list(deploy_jobs(s.facts))
    if s["deploy.ships_releases_only"].truthy:
        publishing = {(u.job.path, u.job.job_id) for u in s.facts.tool_uses
                      if u.capability == "publish" and u.job.triggers & {"tag", "release", "push"}}
        known = {(p.path, j.id) for p, j in jobs}
        jobs += [(p, j) for p in s.facts.pipelines for j in p.jobs
                 if (p.path, j.id) in publishing and (p.path, j.id) not in known]
    return jobs


@signal("ci.deploy_unrestricted", "deploy or release jobs that can run from any branch or from pull requests")
def deploy_unrestricted(s: Signals) -> Signal:
    hits = []
    for p, j in delivery_jobs(s):
        reason = (
            _gha_unrestricted(s.facts, p, j)
            if p.provider == "github-actions"
            else _gitlab_unrestricted(j)
            if p.provider == "gitlab-ci"
            else None
        )
        if reason:
            hits.append(job_evidence(s.facts, p, j, f"job {j.id}: {reason}"))
    return listing(hits)


@signal(
    "ci.deploys_without_concurrency",
    "deploy jobs that two runs can execute at once (no concurrency group or resource_group)",
)
def deploys_without_concurrency(s: Signals) -> Signal:
    hits = []
    for p, j in deploy_jobs(s.facts):
        if p.provider == "github-actions":
            if _concurrency(p.raw) or _concurrency(j.raw):
                continue
            hits.append(job_evidence(s.facts, p, j, f"job {j.id}: no concurrency group"))
        elif p.provider == "gitlab-ci":
            if isinstance(j.raw, dict) and j.raw.get("resource_group"):
                continue
            hits.append(job_evidence(s.facts, p, j, f"job {j.id}: no resource_group"))
        elif p.provider == "jenkins" and "disableConcurrentBuilds" not in p.text and "lock(" not in p.text:
            hits.append(job_evidence(s.facts, p, j, f"stage {j.id}: no disableConcurrentBuilds() or lock()"))
    return listing(hits)


MUTABLE_IMAGE = re.compile(
    r"((--image[= ]|image[=:]\s*|set image \S{1,100} [\w.-]{1,100}=|docker push |docker pull |-t |--tag[= ])"
    r"[\"']?([\w.\-]{1,100}(?:/[\w.\-]{1,100}){1,6})(:latest\b|(?=[\"'\s]|$)))",
    re.M,
)


def _mutable_refs(text: str) -> list[str]:
    refs = []
    for m in MUTABLE_IMAGE.finditer(text):
        image = m.group(3)
        if m.group(4) == ":latest" or (
            ":" not in image
            and "@" not in image
            and "$" not in image
            and "/" in image
            and not m.group(2).startswith(("-t ", "--tag"))
        ):
            refs.append(f"{image}{m.group(4)}")
    return refs


@signal(
    "ci.deploy_mutable_tags", "deploys that reference images by :latest or no tag instead of a commit SHA or digest"
)
def deploy_mutable_tags(s: Signals) -> Signal:
    hits = []
    for p, j in deploy_jobs(s.facts):
        for st in j.steps:
            text = f"{st.run or ''}\n" + "\n".join(f"{k}: {v}" for k, v in st.with_.items())
            refs = _mutable_refs(text)
            if refs:
                hits.append(ev(p.path, st.line, f"deploys {refs[0]}"))
    for t in s.facts.make_targets:
        if re.match(r"(deploy|release|rollout|ship)", t.name):
            refs = _mutable_refs("\n".join(t.recipe))
            if refs:
                hits.append(ev(t.path, t.line, f"{t.name}: deploys {refs[0]}"))
    return listing(hits)


# Triggers that start no run by themselves: a person (workflow_dispatch), another workflow that calls
# this one, or a trigger defined outside the repository (Cloud Build).
NOT_AUTOMATIC = frozenset({"manual", "workflow_dispatch", "workflow_call", "external"})


@signal("ci.deploys_without_tests", "deploy or release jobs that an automatic trigger starts without waiting for "
        "the tests")
def deploys_without_tests(s: Signals) -> Signal:
    hits = []
    gated_by_run = {
        p.path for p in s.facts.pipelines if p.provider == "github-actions" and "workflow_run" in p.triggers
    }
    for p, j in delivery_jobs(s):
        if j.uses or p.path in gated_by_run or not p.triggers - NOT_AUTOMATIC:
            continue  # a deploy run by hand or by a trigger kept outside the repository is not judged here
        if any(_runs_tests(u) for u in _upstream(p, j)):
            continue
        if any(TEST_CMD.search(st.run or "") for st in j.steps):
            continue
        hits.append(job_evidence(s.facts, p, j, f"job {j.id}: no test job runs before it"))
    return listing(hits)
WORKFLOW_SCAN = rx(
    r"(zizmor|ossf/scorecard-action|scorecard\b|boostsecurityio/poutine|poutine\b|octoscan|"
    r"synacktiv/action-octoscan)"
)
ACTIONLINT = rx(r"(actionlint|raven-actions/actionlint|reviewdog/action-actionlint)")
LICENSE_CHECK = rx(
    r"(license-checker|license_finder|licensefinder|licensee|pip-licenses|liccheck|go-licenses|"
    r"fossa|cargo[- ]deny|scancode|reuse lint|fsfe/reuse-action|github/licensed|licensed (cache|status)|"
    r"allow-licenses|deny-licenses|--scanners[^\n]{0,200}license|license-compliance|oss-review-toolkit|"
    r"\bort (analyze|evaluate)|licenseplist|lichen|golicense|pip-license-checker|npm-license-checker)"
)


@signal("ci.pipe_to_shell", "CI steps that pipe a download straight into a shell (curl | sh)")
def ci_pipe_to_shell(s: Signals) -> Signal:
    return listing(ci_matching(s.facts, PIPE_TO_SHELL, include_uses=False))


@signal("ci.workflow_security_scan", "CI workflows are audited by zizmor, OpenSSF Scorecard or poutine")
def workflow_security_scan(s: Signals) -> Signal:
    hits = ci_or_scripts(s.facts, WORKFLOW_SCAN)
    hits += [
        ev(".pre-commit-config.yaml", None, h)
        for h in s.facts.pre_commit_hooks.get("pre-commit", [])
        if WORKFLOW_SCAN.search(h)
    ]
    return found(hits)


@signal("ci.actionlint", "workflow files are linted (actionlint) in CI or pre-commit")
def actionlint(s: Signals) -> Signal:
    hits = ci_or_scripts(s.facts, ACTIONLINT)
    hits += [
        ev(".pre-commit-config.yaml", None, h)
        for h in s.facts.pre_commit_hooks.get("pre-commit", [])
        if ACTIONLINT.search(h)
    ]
    return found(hits)


@signal("ci.sast_scheduled", "SAST also runs on a schedule, so new rules find old code")
def sast_scheduled(s: Signals) -> Signal:
    return found(_run_on(s.facts, "schedule", ("sast",), SAST))


@signal("ci.license_check", "dependency licences are checked against a policy")
def license_check(s: Signals) -> Signal:
    hits = ci_or_scripts(s.facts, LICENSE_CHECK)
    hits += [
        ev(p)
        for p in s.facts.files
        if p.rsplit("/", 1)[-1]
        in (
            ".licensed.yml",
            ".licensed.yaml",
            ".fossa.yml",
            "deny.toml",
            ".license-checker.json",
            "liccheck.ini",
            ".licenserc.yaml",
            "REUSE.toml",
        )
    ][:3]
    return found(hits)
