"""The signal catalogue, grouped by category. Each function reads facts only."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..collectors.containers import is_dev_dockerfile
from ..collectors.profile import product_code
from ..collectors.shell import split_script
from ..facts import Facts, TextLine
from ..folded_re import TextPattern
from ..history.habits import sample_size_text, sample_text
from ..model import Evidence
from ..path_patterns import PathPattern
from ..secrets import clip, in_test_folder, is_test_key
from ..signals import (
    ARTIFACT,
    CACHE,
    CLAIM_CI,
    CONTAINER_BUILD,
    CONTAINER_SCAN,
    COVERAGE_FLAG,
    DEP_SCAN,
    DEPLOY_CMD,
    E2E_CMD,
    IAC_SCAN,
    LINT_CMD,
    NOTIFY,
    PERF_CMD,
    PR_TRIGGERS,
    PROGRESSIVE,
    PUBLISH_CMD,
    ROLLBACK,
    SAST,
    SBOM_SIGN,
    SECRET_SCAN,
    SMOKE_CMD,
    TEST_CMD,
    TEST_REPORT,
    TF_VALIDATE,
    TYPE_CMD,
    Signal,
    Signals,
    ci_capability,
    ci_matching,
    deploy_jobs,
    ephemeral_target,
    ev,
    files_matching,
    found,
    job_evidence,
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

TEST_CAPABILITIES = ("test-runner", "e2e")  # end-to-end tests are tests too; performance runs are not


def _paths(paths: list[str], limit: int = 5) -> list:
    return [ev(p) for p in sorted(paths)[:limit]]


def _config(facts: Facts, *kinds: str) -> list:
    return _paths([p for k in kinds for p in facts.config_files.get(k, [])])


def _local_commands(facts: Facts, pattern: TextPattern) -> list:
    """Make targets and package scripts whose name or command matches: quality gates run by hand."""
    hits = [
        ev(t.path, t.line, f"{t.name}: {clip(' && '.join(t.recipe), 100)}")
        for t in facts.make_targets
        if pattern.search(t.name) or any(pattern.search(r) for r in t.recipe)
    ]
    for manifest in facts.manifests:
        hits += [
            ev(manifest.path, None, f'"{name}": "{cmd}"')
            for name, cmd in manifest.scripts.items()
            if (pattern.search(name) or pattern.search(cmd)) and not _placeholder(cmd)
        ]
    return hits


def _placeholder(script: str) -> bool:
    """A script that only prints and exits: npm's `echo "Error: no test specified" && exit 1`."""
    commands = split_script(script, max_commands=10)
    return bool(commands) and all(c.argv and c.argv[0] in ("echo", "exit", "true", ":") for c in commands)


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


# Linters of infrastructure files (helm lint, tflint, hadolint) are the code linters of an infrastructure
# repository, and IaC validation (IAC-009) elsewhere.
_INFRASTRUCTURE_ECOSYSTEMS = frozenset({"kubernetes", "iac", "containers", "gitops", "cloud"})


@signal("ci.lint", "a linter runs in CI (a format check alone is no linter)")
def ci_lint(s: Signals) -> Signal:
    tools = catalog()

    def lints_the_code(tool_id: str) -> bool:
        if s.facts.profile in ("infrastructure", "gitops"):
            return True
        ecosystems = set(tools.tool(tool_id).ecosystems)
        return not ecosystems or not ecosystems <= _INFRASTRUCTURE_ECOSYSTEMS

    return found(ci_capability(s.facts, ("lint",), LINT_CMD, keep=lints_the_code))


@signal("ci.typecheck", "a type checker runs in CI")
def ci_typecheck(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("type-check",), TYPE_CMD))


@signal("typecheck.applies", "the code has a type checker to run (one is configured, or TypeScript is used)")
def typecheck_applies(s: Signals) -> Signal:
    """Compiled languages are type-checked by their compiler and dynamic code without a checker has none
    to run: only where a checker is configured does "type checks run in CI" apply."""
    tools, f = catalog(), s.facts

    def checks_types(uses: list) -> bool:  # type: ignore[type-arg]
        return any(u.capability == "type-check" for u in uses)

    # a documentation site's member (a VitePress or Docusaurus site) has no product code to type-check
    docs_sites = tuple(m.path.rstrip("/") + "/" for m in f.profile_members if m.profile == "docs")
    hits = [ev(path) for path in f.files
            if not path.startswith(docs_sites) and checks_types(tools.from_config_file(path))][:3]
    for manifest in f.manifests:
        if manifest.path.startswith(docs_sites):
            continue
        # a `[tool.mypy]` section configures the tool of that name: the catalog knows which are checkers
        sections = [t for t in sorted(manifest.data.get("tool") or {}) if manifest.ecosystem == "pip"
                    and checks_types(tools.from_package("pip", str(t)))]
        if sections:
            hits.append(ev(manifest.path, None, f"type checker configured: [tool.{sections[0]}]"))
        named = [d for d in sorted(manifest.dependencies) if checks_types(tools.from_package(manifest.ecosystem, d))]
        if named:
            hits.append(ev(manifest.path, None, f"type checker dependency: {', '.join(named[:3])}"))
    hits += [e for e in _local_tool_commands(f, "type-check") if not e.path.startswith(docs_sites)][:3]
    return found(hits)


def _local_tool_commands(facts: Facts, capability: str) -> list:
    """Make targets and package scripts that run a tool with `capability` (by the catalog): gates a
    person runs by hand."""
    tools = catalog()
    scripts = [(t.path, t.line, t.name, line) for t in facts.make_targets for line in t.recipe]
    scripts += [(m.path, None, name, cmd) for m in facts.manifests for name, cmd in m.scripts.items()]
    return [ev(path, line, f"{name}: {clip(text, 100)}") for path, line, name, text in scripts
            if any(u.capability == capability for c in split_script(text, max_commands=20)
                   for u in tools.from_command(c.argv))]


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
            default = p.raw.get("default") if isinstance(p.raw.get("default"), dict) else {}
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


def _kept_artifacts(facts: Facts) -> list:
    """Build outputs a job keeps (upload-artifact, GitLab `artifacts: paths`, CircleCI store_artifacts,
    Azure Publish*Artifact): a path that looks built, or any path of a job that builds. Reports, logs and
    metadata (coverage, test results, a file holding the PR number) are no artefacts."""
    building = {id(u.job) for u in facts.tool_uses if u.capability in BUILDS}
    hits = []
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
            paths = artifacts.get("paths") if isinstance(artifacts, dict) else None
            kept = [str(x) for x in paths] if isinstance(paths, list) else []
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
    return found(ev(p.path, j.line, f"job {j.id}: matrix") for p in s.facts.pipelines for j in p.jobs if j.matrix)


# -- build ----------------------------------------------------------------------------------------

BUILD_WORDS = rx(
    r"^(build|test|lint|check|ci|all|install|compile|package|dist|bundle|typecheck|format)\b|"
    r"\b(build|compile|tsc|webpack|vite build|next build|go build|cargo build|uv build|python -m build)\b"
)


# Ecosystems whose build tool has a standard lifecycle: one conventional command builds and tests.
STANDARD_LIFECYCLE = {
    "maven": "the Maven lifecycle builds and tests (mvn verify)",
    "gradle": "the Gradle build builds and tests (gradle build)",
    "cargo": "cargo builds and tests the crate (cargo build, cargo test)",
    "go": "the go tool builds and tests the module (go build ./..., go test ./...)",
}


@signal("build.scripted", "build and test steps are scripted (Makefile, package scripts, task runner, "
        "or a build tool with a standard lifecycle)")
def build_scripted(s: Signals) -> Signal:
    hits = _local_commands(s.facts, BUILD_WORDS)[:6]
    tools = catalog()
    hits += [ev(path, None, f"{use.tool_id} tasks") for path in s.facts.files if path.count("/") <= 1
             for use in tools.from_config_file(path)
             if use.capability == "task-runner" and use.tool_id != "make"][:3]  # make: its targets are above
    lifecycles = {}
    for manifest in s.facts.manifests:
        if manifest.ecosystem in STANDARD_LIFECYCLE:
            lifecycles.setdefault(manifest.ecosystem, ev(manifest.path, None, STANDARD_LIFECYCLE[manifest.ecosystem]))
    return found(hits + list(lifecycles.values()))


@signal("build.lockfile", "dependency versions are locked (a lockfile, or a JVM build with exact versions only)")
def build_lockfile(s: Signals) -> Signal:
    jvm = [m for m in s.facts.manifests if m.ecosystem in ("maven", "gradle")]
    exact = jvm and not any(m.data.get("dynamic_versions", True) for m in jvm)
    pinned = [ev(m.path, None, f"{m.ecosystem}: every dependency version is exact") for m in jvm[:2]] if exact else []
    return found(_paths(s.facts.lockfiles) + pinned)


@signal("build.local_quality_gates", "lint, type check or tests are scripted locally")
def local_gates(s: Signals) -> Signal:
    return found(
        _local_commands(s.facts, rx(r"^(lint|typecheck|type-check|test|check)\b|\b(ruff|mypy|eslint|pytest|jest)\b"))[
            :6
        ]
    )


@signal("build.commit_sha", "the commit SHA is stamped into builds")
def build_commit_sha(s: Signals) -> Signal:
    pattern = rx(
        r"(COMMIT_SHA|GIT_SHA|GIT_COMMIT|SOURCE_COMMIT|REVISION|VCS_REF|BUILD_SHA|image\.revision|github\.sha|CI_COMMIT_SHA|SHORT_SHA|COMMIT_ID)"
    )
    hits = [
        ev(d.path, i.line, f"{i.cmd} {i.args}")
        for d in s.facts.dockerfiles
        for i in d.instructions
        if i.cmd in ("ARG", "ENV", "LABEL") and pattern.search(i.args)
    ]
    hits += ci_matching(
        s.facts,
        rx(
            r"(--build-arg[^\n]{0,200}(sha|commit|revision)|ldflags[^\n]{0,200}(commit|sha|version)|"
            r"org\.opencontainers\.image\.revision)"
        ),
    )
    hits += tool_uses(s.facts, ("version-stamp",))  # GoReleaser's default ldflags, docker/metadata-action labels
    return found(hits)


def _shipped_dockerfiles(f: Facts) -> list:
    """Dockerfiles of production images: dev containers, `*.dev` and test/e2e/docs images are not judged as such."""
    return [d for d in f.dockerfiles if not is_dev_dockerfile(d.path)]


@signal("build.dockerfile", "the repository has a Dockerfile for a production image (dev and test images aside)")
def has_dockerfile(s: Signals) -> Signal:
    return found(ev(d.path) for d in _shipped_dockerfiles(s.facts))


@signal("build.multistage", "every production Dockerfile uses a multi-stage build")
def multistage(s: Signals) -> Signal:
    files = _shipped_dockerfiles(s.facts)
    ok = [d for d in files if len(d.stages) >= 2]
    return Signal(
        bool(files) and len(ok) == len(files),
        tuple(ev(d.path, d.stages[1].line, f"FROM {d.stages[1].args}") for d in ok),
    )


# -- tests ------------------------------------------------------------------------------------------


@signal("tests.present", "automated tests exist")
def tests_present(s: Signals) -> Signal:
    f = s.facts
    hits = [ev(c.path, c.line, f"{c.tool} configuration") for c in f.test_configs]
    for level in ("unit", "integration", "e2e"):
        if f.test_files.get(level):
            hits.append(ev(f.test_files[level][0], None, f"{len(f.test_files[level])} {level} test file(s)"))
    return found(hits or _applied_to_throwaway_cluster(f))


@signal("ci.tests", "tests run in CI (a test runner, or the configuration applied to a throwaway cluster)")
def ci_tests(s: Signals) -> Signal:
    return found(ci_capability(s.facts, TEST_CAPABILITIES, TEST_CMD) or _applied_to_throwaway_cluster(s.facts))


@signal("ci.tests_on_pr", "tests run in CI on pull/merge requests")
def ci_tests_on_pr(s: Signals) -> Signal:
    return found(ci_capability(s.facts, TEST_CAPABILITIES, TEST_CMD, on_pr=True)
                 or _applied_to_throwaway_cluster(s.facts, on_pr=True))


@signal("tests.coverage_threshold", "a coverage threshold is configured (in a test configuration or on a CI command)")
def coverage_threshold(s: Signals) -> Signal:
    configured = [ev(c.path, c.line, f"{c.tool}: fail under {c.coverage_threshold:g}%")
                  for c in s.facts.test_configs if c.coverage_threshold]
    return found(configured or _ci_coverage_gates(s.facts))


def _ci_coverage_gates(facts: Facts) -> list:
    """CI commands that fail under a coverage threshold (`coverage report --fail-under=90`)."""
    return ci_capability(facts, ("coverage-gate",), COVERAGE_FLAG)


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
    runners = {c.tool for c in s.facts.test_configs if c.coverage_threshold}
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
    hits = ci_matching(s.facts, TEST_REPORT)
    hits += [
        ev(p.path, None, "reports: junit")
        for p in s.facts.pipelines
        if p.provider == "gitlab-ci" and re.search(r"reports:\s*\n\s*(junit|coverage_report)", p.text)
    ]
    return found(hits)


@signal("tests.e2e_present", "end-to-end tests exist")
def e2e_present(s: Signals) -> Signal:
    hits = [
        ev(c.path, c.line, f"{c.tool} configuration")
        for c in s.facts.test_configs
        if c.tool in ("playwright", "cypress")
    ]
    e2e = s.facts.test_files.get("e2e", [])
    if e2e:
        hits.append(ev(e2e[0], None, f"{len(e2e)} e2e test file(s)"))
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


def _e2e_files_collected(facts: Facts) -> list:
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


def _js_unit_tool(tool_id: str) -> bool:
    """A JavaScript unit-test runner or coverage tool by the catalog (not an end-to-end runner)."""
    tools = catalog()
    if tool_id not in tools.tools:
        return False
    tool = tools.tool(tool_id)
    return "js" in tool.ecosystems and bool({"test-runner", "coverage"} & set(tool.capabilities))


@signal("js.tests_present", "a JavaScript/TypeScript test runner is configured")
def js_tests(s: Signals) -> Signal:
    hits = [ev(c.path, c.line, c.tool) for c in s.facts.test_configs if _js_unit_tool(c.tool)]
    tools = catalog()
    for m in s.facts.manifests:
        if m.ecosystem == "npm" and any(use.capability == "test-runner" and _js_unit_tool(use.tool_id)
                                        for name in sorted(m.dependencies)[:2000]
                                        for use in tools.from_package("npm", name)):
            hits.append(ev(m.path, None, "test runner dependency"))
    return found(hits)


@signal("js.coverage_threshold", "the JavaScript test runner enforces a coverage threshold")
def js_threshold(s: Signals) -> Signal:
    return found(
        ev(c.path, c.line, f"{c.tool}: {c.coverage_threshold:g}%")
        for c in s.facts.test_configs
        if _js_unit_tool(c.tool) and c.coverage_threshold
    )


@signal("tests.pyramid", "unit tests outnumber integration tests, which outnumber end-to-end tests")
def pyramid(s: Signals) -> Signal:
    counts = {k: len(v) for k, v in s.facts.test_files.items()}
    unit, integ, e2e = counts.get("unit", 0), counts.get("integration", 0), counts.get("e2e", 0)
    text = f"unit {unit}, integration {integ}, e2e {e2e}"
    anchor = (s.facts.test_files.get("unit") or s.facts.test_files.get("e2e") or ["."])[0]
    return Signal(unit > 0 and unit >= integ >= 0 and unit >= e2e and unit > 0, (ev(anchor, None, text),))


@signal("ci.performance", "performance tests or budgets run in CI")
def ci_performance(s: Signals) -> Signal:
    return found(ci_capability(s.facts, ("perf", "benchmark"), PERF_CMD))


@signal("tests.performance_present", "performance tests or budgets exist")
def perf_present(s: Signals) -> Signal:
    hits = _config(s.facts, "k6", "locust", "lighthouse", "size-limit")
    hits += _paths(s.facts.test_files.get("performance", []))
    hits += [
        ev(m.path, None, "bundlesize budget")
        for m in s.facts.manifests
        if m.ecosystem == "npm" and "bundlesize" in m.data
    ]
    return found(hits)


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
    hits += _config(f, "vercel", "netlify", "fly", "app-engine", "cloud-run", "heroku")
    hits += [ev(p.path, p.line) for p in f.pipelines if p.provider == "cloud-build"]
    for tool in ("skaffold", "serverless", "helm", "kustomize"):
        hits += _paths(f.iac_tools.get(tool, []), 1)
    # a CI job that deploys is a scripted deployment
    hits += [job_evidence(f, p, j, f"CI job {j.id}") for p, j in deploy_jobs(f)][:3]
    return found(hits)


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
    hits: dict[tuple[str, str, str], object] = {}
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


@signal("release.automation", "releases are automated (release tool or release workflow)")
def release_automation(s: Signals) -> Signal:
    hits = _config(s.facts, "release-please", "semantic-release", "goreleaser", "changesets")
    hits += [ev(p.path, p.line, "runs on tags/releases") for p in s.facts.pipelines if p.triggers & {"release", "tag"}]
    # A release tool anywhere; a publish from a job that ships (a deploy or release job, or one run on
    # tags): `docker push` of the CI's own builder image releases nothing.
    shipping = {(p.path, j.id) for p, j in deploy_jobs(s.facts)}
    hits += tool_uses(s.facts, ("release",))
    hits += tool_uses(s.facts, ("publish",), keep_job=lambda job: (job.path, job.job_id) in shipping
                      or bool(job.triggers & {"tag", "release"}))
    hits += ci_matching(s.facts, PUBLISH_CMD, pipelines=unmodelled_pipelines(s.facts))
    return found(hits)


# -- security -----------------------------------------------------------------------------------------


@signal("deps.update_bot", "Dependabot or Renovate is configured, or CI runs a dependency updater or a check "
        "that fails when a dependency falls behind")
def update_bot(s: Signals) -> Signal:
    return found(list(s["deps.bot_config"].evidence) + tool_uses(s.facts, ("dependency-update",)))


@signal("deps.bot_config", "a Dependabot or Renovate configuration exists")
def update_bot_config(s: Signals) -> Signal:
    return found(ev(path, None, tool) for tool, path in s.facts.dependency_update_paths.items())


ECOSYSTEM_OF = {
    "npm": "npm",
    "pip": "pip",
    "go": "gomod",
    "cargo": "cargo",
    "maven": "maven",
    "gradle": "gradle",
    "bundler": "bundler",
    "composer": "composer",
    "nuget": "nuget",
}


@signal("deps.uncovered_ecosystems", "ecosystems present that the update bot does not cover")
def uncovered(s: Signals) -> Signal:
    f = s.facts
    if "renovate" in f.dependency_updates or "dependabot" not in f.dependency_updates:
        return listing([])
    covered = set(f.dependency_updates["dependabot"])
    needed = {ECOSYSTEM_OF[m.ecosystem]: m.path for m in f.manifests if m.ecosystem in ECOSYSTEM_OF}
    if any(p.provider == "github-actions" for p in f.pipelines):
        needed["github-actions"] = ".github/workflows"
    if f.dockerfiles:
        needed["docker"] = f.dockerfiles[0].path
    if f.terraform:
        needed["terraform"] = f.terraform[0].path
    path = f.dependency_update_paths["dependabot"]
    return listing(
        ev(path, None, f"no '{eco}' updates (found {where})")
        for eco, where in sorted(needed.items())
        if eco not in covered and not (covered & _COVERED_ALSO_BY.get(eco, set()))
    )


# Dependabot ecosystems that update another's manifests: `uv` updates pip projects, `bun` npm ones.
_COVERED_ALSO_BY = {"pip": {"uv"}, "npm": {"bun"}}


@signal("secrets.committed", "secrets committed in tracked files (private keys in test folders aside)")
def committed_secrets(s: Signals) -> Signal:
    return listing(ev(h.path, h.line, f"{h.kind}: {h.redacted}") for h in s.facts.secrets if not is_test_key(h))


@signal("secrets.test_keys", "private keys in test folders or in files named as tests, examples or fakes")
def committed_test_keys(s: Signals) -> Signal:
    return listing(ev(h.path, h.line, f"{h.kind}: {h.redacted}") for h in s.facts.secrets if is_test_key(h))


@signal("env.committed", ".env files are tracked (in test fixture folders only when they hold secret material)")
def env_committed(s: Signals) -> Signal:
    with_secrets = {hit.path for hit in s.facts.secrets}
    tracked = [p for p in s.facts.config_files.get("env-file", [])
               if not in_test_folder(p) or p in with_secrets]  # a fixture for dotenv tests: judged by what it holds
    return listing(_paths(tracked, 10))


@signal("secrets.scanning", "secret scanning runs in CI or a pre-commit hook")
def secret_scanning(s: Signals) -> Signal:
    hits = ci_capability(s.facts, ("secret-scan",), SECRET_SCAN)
    tools = catalog()
    hits += [
        ev(".pre-commit-config.yaml", None, h)
        for h in s.facts.pre_commit_hooks.get("pre-commit", [])
        if any(use.capability == "secret-scan" for use in tools.from_hook(h)) or SECRET_SCAN.search(h)
    ]
    hits += _config(s.facts, "gitleaks", "secrets-baseline")
    return found(hits)


@signal("code.present", "the repository holds product source code (not only tests, docs, scripts or manifests)")
def code_present(s: Signals) -> Signal:
    return found(ev(p) for p in product_code(s.facts.files)[:3])


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


@signal("docs.security_policy", "a security policy (SECURITY.md) exists")
def security_policy(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("security", [])))


@signal("gha.present", "GitHub Actions workflows exist")
def gha_present(s: Signals) -> Signal:
    return found(ev(p.path) for p in s.facts.pipelines if p.provider == "github-actions")


FULL_SHA = re.compile(r"@[0-9a-f]{40}$")


@signal("gha.unpinned_actions", "third-party actions not pinned to a full commit SHA")
def unpinned(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        if p.provider != "github-actions":
            continue
        for job in p.jobs:
            refs = [(st.uses, st.line) for st in job.steps if st.uses] + ([(job.uses, job.line)] if job.uses else [])
            for uses, line in refs:
                if uses.startswith(("./", "docker://")) or FULL_SHA.search(uses):
                    continue
                hits.append(ev(p.path, line, f"uses: {uses}"))
    return listing(hits)


@signal("gha.missing_permissions", "workflows without a least-privilege top-level permissions block")
def missing_permissions(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        if p.provider != "github-actions" or not p.jobs:
            continue
        if p.permissions is None:
            if not all(j.permissions is not None for j in p.jobs):
                hits.append(ev(p.path, p.line, "no top-level permissions: the token gets the repository default"))
        elif p.permissions == "write-all" or (
            isinstance(p.permissions, dict)
            and all(v == "write" for v in p.permissions.values())
            and len(p.permissions) > 3
        ):
            hits.append(ev(p.path, getattr(p.permissions, "line", p.line), f"permissions: {p.permissions}"))
    return listing(hits)


INJECTABLE = re.compile(
    r"\$\{\{\s*(github\.event\.(issue\.title|issue\.body|pull_request\.title|pull_request\.body|"
    r"comment\.body|review\.body|review_comment\.body|pages\.[^}]{0,200}page_name|commits[^}]{0,200}message|"
    r"head_commit\.message|head_commit\.author\.(email|name)|commits[^}]{0,200}author\.(email|name)|"
    r"pull_request\.head\.ref|pull_request\.head\.label|pull_request\.head\.repo\.default_branch|"
    r"workflow_run\.head_branch|workflow_run\.head_commit\.message|discussion\.(title|body))|"
    r"github\.head_ref)\s*\}\}"
)


@signal("gha.template_injection", "untrusted event fields expanded straight into run: scripts")
def template_injection(s: Signals) -> Signal:
    hits = []
    for p, _job, st in [
        (pipe, job, step)
        for pipe in s.facts.pipelines if pipe.provider == "github-actions"
        for job in pipe.jobs for step in job.steps
    ]:
        texts = [st.run or ""]
        if st.uses and st.uses.startswith("actions/github-script"):
            texts.append(str(st.with_.get("script", "")))
        for text in texts:
            match = INJECTABLE.search(text)
            if match:
                hits.append(ev(p.path, st.line, match.group(0)))
    return listing(hits)


# -- monitoring ---------------------------------------------------------------------------------------


def _code(s: Signals, *names: str) -> list:
    return [doc_line.evidence() for n in names for doc_line in s.facts.source_signals.get(n, [])[:3]]


@signal("mon.health", "health checks: a health endpoint, HEALTHCHECK, compose healthcheck or probes")
def mon_health(s: Signals) -> Signal:
    f = s.facts
    hits = [ev(d.path, i.line, f"HEALTHCHECK {i.args}") for d in f.dockerfiles for i in d.of("HEALTHCHECK")]
    hits += [
        ev(c.path, svc.line, f"{svc.name}: healthcheck")
        for c in f.compose_files
        for svc in c.services
        if "healthcheck" in svc.spec
    ]
    hits += [
        ev(o.path, o.line, f"{o.kind} {o.name}: probes")
        for o in f.k8s_objects
        if "Probe" in str((o.pod_spec() or {}).get("containers", ""))
    ]
    hits += _code(s, "health-endpoint")
    return found(hits)


@signal("mon.metrics", "application metrics are exported (Prometheus, OpenTelemetry, Datadog)")
def mon_metrics(s: Signals) -> Signal:
    hits = _code(s, "prometheus", "datadog", "new-relic") + _config(s.facts, "prometheus")
    hits += [ev(o.path, o.line, o.kind) for o in s.facts.k8s_objects if o.kind in ("ServiceMonitor", "PodMonitor")]
    tools = catalog()
    for m in s.facts.manifests:
        libraries = sorted({use.tool_id for name in sorted(m.dependencies)[:500]
                            for use in tools.from_package(m.ecosystem, name)
                            if use.capability in ("monitoring", "tracing")})
        if libraries:
            hits.append(ev(m.path, None, f"metrics library: {', '.join(libraries[:3])}"))
    return found(hits)


@signal("mon.logging", "structured logging is configured")
def mon_logging(s: Signals) -> Signal:
    return found(_code(s, "structured-logging") + _config(s.facts, "logging-config"))


@signal("mon.error_tracking", "errors are reported to a tracker (Sentry, Datadog, New Relic, Rollbar)")
def mon_errors(s: Signals) -> Signal:
    hits = _code(s, "sentry", "datadog", "new-relic") + _config(s.facts, "sentry")
    hits += [
        ev(m.path, None, "error tracking SDK")
        for m in s.facts.manifests
        if m.dependencies
        & {
            "sentry-sdk",
            "@sentry/node",
            "@sentry/nextjs",
            "@sentry/react",
            "rollbar",
            "bugsnag",
            "@bugsnag/js",
            "ddtrace",
            "newrelic",
        }
    ]
    return found(hits)


@signal("mon.tracing", "distributed tracing is instrumented (OpenTelemetry, Cloud Trace, Datadog)")
def mon_tracing(s: Signals) -> Signal:
    hits = _code(s, "opentelemetry", "cloud-trace") + _config(s.facts, "otel-collector")
    hits += [
        ev(m.path, None, "tracing library")
        for m in s.facts.manifests
        if any(d.startswith(("opentelemetry", "@opentelemetry")) for d in m.dependencies)
    ]
    return found(hits)


@signal("mon.dashboards", "dashboards are kept as code")
def mon_dashboards(s: Signals) -> Signal:
    hits = _config(s.facts, "grafana-dashboard")
    hits += _paths([p for p in s.facts.config_files.get("monitoring-code", []) if "dashboard" in p.lower()])
    hits += _paths(
        [
            t.path
            for t in s.facts.terraform
            if re.search(
                r"(grafana_dashboard|monitoring_dashboard|"
                r"cloudwatch_dashboard|datadog_dashboard)",
                t.text,
            )
        ]
    )
    return found(hits)


# Terraform resources that are alert rules (google_monitoring_alert_policy, aws_cloudwatch_metric_alarm,
# datadog_monitor, azurerm_monitor_metric_alert, grafana_rule_group, ...): a resource type, not a word.
_TF_ALERT_RESOURCE = re.compile(r'^[ \t]*resource[ \t]+"[a-z0-9_]*(alert_policy|metric_alarm|_monitor|alert_rule|'
                                r'metric_alert|rule_group)"', re.M)


@signal("mon.alerts", "alert rules are kept as code")
def mon_alerts(s: Signals) -> Signal:
    hits = _config(s.facts, "alert-rules", "alertmanager")
    hits += [ev(o.path, o.line, o.kind) for o in s.facts.k8s_objects if o.kind == "PrometheusRule"]
    hits += _paths(
        [t.path for t in s.facts.terraform if _TF_ALERT_RESOURCE.search(t.text)]
    )
    return found(hits)


@signal("mon.slo", "service level objectives are defined")
def mon_slo(s: Signals) -> Signal:
    hits = _config(s.facts, "slo")
    hits += [
        ev(o.path, o.line, o.kind)
        for o in s.facts.k8s_objects
        if o.kind in ("ServiceLevelObjective", "PrometheusServiceLevel")
    ]
    hits += _paths(
        [t.path for t in s.facts.terraform if "slo" in t.text.lower() and "service_level_objective" in t.text.lower()]
    )
    return found(hits)


@signal("ci.failure_notifications", "CI notifies people when a pipeline fails")
def failure_notify(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        for j in p.jobs:
            for st in j.steps:
                text = f"{st.uses or ''} {st.run or ''} {st.name}"
                if NOTIFY.search(text) and (
                    "failure" in p.text or "on_failure" in p.text or "when: on_failure" in p.text
                ):
                    hits.append(ev(p.path, st.line, st.name))
        if p.provider == "jenkins" and re.search(r"post\s*\{[^}]*failure", p.text, re.S):
            hits.append(ev(p.path, None, "post { failure { ... } }"))
    return found(hits)


@signal("mon.backup_verification", "backups are verified by a scheduled job")
def backup_verify(s: Signals) -> Signal:
    return found(
        ev(p.path, j.line, f"job {j.id}")
        for p in s.facts.pipelines
        if "schedule" in p.triggers
        for j in p.jobs
        if re.search(r"backup|restore", j.id + " " + j.name + " " + " ".join(st.run or "" for st in j.steps), re.I)
    )


# -- infrastructure as code ------------------------------------------------------------------------------


@signal("iac.containerised", "the application is containerised (Dockerfile or compose)")
def containerised(s: Signals) -> Signal:
    return found([ev(d.path) for d in s.facts.dockerfiles] + [ev(c.path) for c in s.facts.compose_files])


@signal("iac.present", "infrastructure is defined as code (Terraform, Pulumi, CloudFormation, Kubernetes, Helm…)")
def iac_present(s: Signals) -> Signal:
    return found(ev(paths[0], None, tool) for tool, paths in sorted(s.facts.iac_tools.items()) if paths)


@signal("tf.present", "Terraform or OpenTofu code exists")
def tf_present(s: Signals) -> Signal:
    return found(_paths([t.path for t in s.facts.terraform], 3))


BACKEND = re.compile(r"""^[^\S\n]*backend\s+"(\w+)"|^[^\S\n]*cloud\s*\{""", re.M)


@signal("tf.remote_backend", "Terraform state is kept in a remote backend with locking")
def tf_backend(s: Signals) -> Signal:
    hits = []
    for t in s.facts.terraform:
        for m in BACKEND.finditer(t.text):
            kind = m.group(1) or "cloud"
            line = t.text.count("\n", 0, m.start()) + 1
            if kind == "local":
                continue
            if kind == "s3":
                block = t.text[m.start() : m.start() + 800]
                if "dynamodb_table" not in block and "use_lockfile" not in block:
                    continue
            hits.append(ev(t.path, line, f'backend "{kind}"'))
    return found(hits)


@signal("tf.state_committed", "Terraform state files are committed")
def tf_state(s: Signals) -> Signal:
    return listing(_paths([p for p in s.facts.files if p.endswith((".tfstate", ".tfstate.backup"))], 10))


@signal("tf.versions_pinned", "Terraform pins required_version and provider versions")
def tf_pinned(s: Signals) -> Signal:
    text = "\n".join(t.text for t in s.facts.terraform)
    hits = [
        ev(t.path, t.text.count("\n", 0, t.text.find("required_version")) + 1, "required_version")
        for t in s.facts.terraform
        if "required_version" in t.text
    ]
    providers_ok = "required_providers" in text and re.search(r"required_providers\s*\{[^}]*version\s*=", text, re.S)
    return Signal(bool(hits) and bool(providers_ok), tuple(hits))


@signal("tf.lockfile", "the Terraform dependency lock file is committed")
def tf_lock(s: Signals) -> Signal:
    return found(_config(s.facts, "terraform-lock"))


@signal("iac.validated_in_ci", "infrastructure code is formatted, validated or planned in CI")
def iac_validated(s: Signals) -> Signal:
    tools = catalog()

    def infrastructure_tool(tool_id: str) -> bool:
        return bool(set(tools.tool(tool_id).ecosystems) & (_INFRASTRUCTURE_ECOSYSTEMS - {"containers"}))

    checks = ci_capability(s.facts, ("lint", "format-check", "iac-scan", "policy"), TF_VALIDATE,
                           keep=infrastructure_tool)
    tests = tool_uses(s.facts, ("test-runner",), keep=infrastructure_tool)  # helm unittest, ct install
    return found(checks + tests + _applied_to_throwaway_cluster(s.facts, infrastructure_tool))


def _applied_to_throwaway_cluster(facts: Facts, keep: Callable[[str], bool] = lambda tool_id: True, *,
                                  on_pr: bool = False) -> list:
    """Manifests or charts a CI job applies to a cluster it created itself (kind, minikube, k3d): the
    API server validates them, and the job fails when they do not apply; an end-to-end test of the
    configuration. `on_pr`: jobs pull requests trigger."""
    throwaway = {(p.path, j.id): target for p in facts.pipelines for j in p.jobs if (target := ephemeral_target(j))}
    hits: dict[tuple[str, str], Evidence] = {}
    for use in facts.tool_uses:
        key = (use.job.path, use.job.job_id)
        if on_pr and not use.job.triggers & PR_TRIGGERS:
            continue
        if use.capability == "deploy" and key in throwaway and key not in hits and keep(use.tool_id):
            link = next((link for link in reversed(use.invocation.chain) if link.path == use.job.path), None)
            hits[key] = ev(use.job.path, link.line if link else use.job.line,
                           f"{use.invocation.value} on {throwaway[key]}")
    return list(hits.values())


@signal("k8s.workloads", "Kubernetes workloads are defined")
def k8s_workloads(s: Signals) -> Signal:
    return found(ev(o.path, o.line, f"{o.kind} {o.name}") for o in s.facts.k8s_objects if o.pod_spec() is not None)


@signal("k8s.unprobed_or_unbounded", "containers without probes or resource requests/limits")
def k8s_gaps(s: Signals) -> Signal:
    hits = []
    for o in s.facts.k8s_objects:
        pod = o.pod_spec()
        if pod is None:
            continue
        for c in pod.get("containers") or []:
            if not isinstance(c, dict) or "image" not in c:  # no image: a Kustomize patch, not a container
                continue
            missing = [
                k for k in ("readinessProbe", "livenessProbe") if k not in c and o.kind not in ("Job", "CronJob")
            ]
            res = c["resources"] if isinstance(c.get("resources"), dict) else {}
            missing += [k for k in ("requests", "limits") if k not in res]
            if missing:
                hits.append(
                    ev(
                        o.path,
                        getattr(c, "line", o.line),
                        f"{o.kind}/{o.name} container {c.get('name')}: no {', '.join(missing)}",
                    )
                )
    return listing(hits)


@signal("iac.environments", "environments are separated (per-environment directories, overlays or var files)")
def environments(s: Signals) -> Signal:
    # Kubernetes environments count too: Kustomize overlays, per-environment values, GitOps clusters/<env>
    paths = _paths(files_matching(s.facts, ENVIRONMENT_PATHS), 6)
    return found(paths or list(s["gitops.environment_overlays"].evidence))


ENVIRONMENT_PATHS = PathPattern(
    r"(^|/)(environments?|envs?|overlays|stages)/(dev|development|staging|stage|prod|production|qa|test)(/|$)|"
    r"(^|/)(dev|staging|stage|prod|production)\.tfvars$|values-(dev|staging|prod|production)\.ya?ml$",
    ["env", "overlays/", "stages/", ".tfvars", "values-"],
    re.I,
)


@signal("docker.root_user", "production Dockerfiles whose final stage runs as root")
def docker_root(s: Signals) -> Signal:
    hits = []
    for d in _shipped_dockerfiles(s.facts):
        stages = d.stages
        if not stages:
            continue
        last_from = stages[-1].line
        users = [i for i in d.of("USER") if i.line > last_from]
        if not users or users[-1].args.split(":")[0] in ("root", "0"):
            where = users[-1] if users else stages[-1]
            hits.append(
                ev(d.path, where.line, f"{where.cmd} {where.args}" + ("" if users else " (no USER: runs as root)"))
            )
    return listing(hits)


@signal("docker.healthcheck_missing", "Dockerfiles of services without a HEALTHCHECK")
def docker_no_healthcheck(s: Signals) -> Signal:
    return listing(
        ev(d.path, None, "no HEALTHCHECK")
        for d in _shipped_dockerfiles(s.facts)
        if not d.of("HEALTHCHECK") and d.stages
    )


@signal("docker.unpinned_base", "base images without a version tag or digest, or on :latest")
def docker_unpinned(s: Signals) -> Signal:
    hits = []
    for d in _shipped_dockerfiles(s.facts):
        stage_names = {i.args.split()[-1].lower() for i in d.stages if " as " in i.args.lower()}
        for i in d.stages:
            image = next((a for a in i.args.split() if not a.startswith("--")), "")
            if image.lower() in stage_names or image == "scratch" or "$" in image:
                continue  # a stage, or a reference built from ARGs (`build_${TARGETARCH}`, `library/$BASE`)
            if "@sha256:" in image:
                continue
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
            if not tag or tag == "latest":
                hits.append(ev(d.path, i.line, f"FROM {i.args}"))
    return listing(hits)


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


# Files that hold secrets in one ecosystem or another: dotenv files, keys and keystores, Terraform
# variables and state, credentials files, kubeconfigs.
_SECRET_BEARING = re.compile(r"(^|/)\.env|\*\.pem|\*\.key\b|secret|\.tfvars|\.tfstate|\*\.p12|\*\.pfx|"
                             r"\*\.jks|\*\.keystore|credentials|(^|/)id_rsa|\.netrc|\.pypirc|kubeconfig", re.I)


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


@signal("history.available", "git history is available")
def history_available(s: Signals) -> Signal:
    h = s.facts.history
    return Signal(bool(h and getattr(h, "commit_count", 0) >= 10))


def _habit(s: Signals, share: str, counts: str, noun: str, verb: str) -> Signal:
    """A habit's share (0-100) with the sample behind it in the evidence ('12 of 40 ...')."""
    h = s.facts.history
    value = getattr(h, share, None) if h else None
    sample = getattr(h, counts, (0, 0)) if h else (0, 0)
    if value is None:
        return Signal(0)
    return Signal(round(value * 100, 1), (ev(".git", None, sample_text(sample, noun, verb, h.window_days)),))


def _habit_sample(s: Signals, counts: str, noun: str) -> Signal:
    """How many commits a habit is measured on, with the minimum a rule needs to judge it."""
    h = s.facts.history
    if h is None:
        return Signal(0)
    sample = getattr(h, counts, (0, 0))
    return Signal(sample[1], (ev(".git", None, sample_size_text(sample, noun, h.window_days)),))


PR_NOUN = "changes landed on the default branch"
CONVENTIONAL_NOUN = "human commits (merges aside)"
SIGNED_NOUN = "human commits"


@signal("history.pr_merge_share", "share of changes merged through pull requests (0-100)")
def pr_share(s: Signals) -> Signal:
    return _habit(s, "pr_merge_share", "pr_merge_counts", PR_NOUN, "came through pull requests")


@signal("history.pr_sample", "changes that landed on the default branch in the history window")
def pr_sample(s: Signals) -> Signal:
    return _habit_sample(s, "pr_merge_counts", PR_NOUN)


@signal("history.conventional_share", "share of commits following Conventional Commits (0-100)")
def conv_share(s: Signals) -> Signal:
    return _habit(s, "conventional_share", "conventional_counts", CONVENTIONAL_NOUN, "follow Conventional Commits")


@signal("history.conventional_sample", "human non-merge commits in the history window")
def conv_sample(s: Signals) -> Signal:
    return _habit_sample(s, "conventional_counts", CONVENTIONAL_NOUN)


@signal("history.signed_share", "share of commits with a signature (0-100)")
def signed_share(s: Signals) -> Signal:
    return _habit(s, "signed_share", "signed_counts", SIGNED_NOUN, "are signed")


@signal("history.signed_sample", "human commits in the history window")
def signed_sample(s: Signals) -> Signal:
    return _habit_sample(s, "signed_counts", SIGNED_NOUN)


# -- documentation --------------------------------------------------------------------------------------


def _readme_lines(s: Signals) -> list:
    return [doc_line for doc_line in s.facts.doc_lines
            if "/" not in doc_line.path and doc_line.path.lower().startswith("readme")]


@signal("docs.readme", "a README with substance (at least 10 non-empty lines)")
def readme(s: Signals) -> Signal:
    lines = _readme_lines(s)
    return Signal(len(lines) >= 10, (ev(lines[0].path, None, f"{len(lines)} non-empty lines"),) if lines else ())


@signal("docs.readme_setup_and_test", "the README explains how to install or run, and how to test")
def readme_sections(s: Signals) -> Signal:
    lines = _readme_lines(s)
    setup = [
        doc_line
        for doc_line in lines
        if re.search(r"(install|setup|set up|getting started|quick ?start|usage|run locally)", doc_line.text, re.I)
    ]
    # How to run the tests is often in the contributing guide, which the README then points to.
    guides = set(s.facts.docs.get("contributing", []) + s.facts.docs.get("developer-guide", []))
    test = [doc_line for doc_line in lines + [d for d in s.facts.doc_lines if d.path in guides]
            if _TEST_INSTRUCTION.search(doc_line.text)]
    if not test:
        test = [doc_line for doc_line in lines if _POINTS_TO_CONTRIBUTING.search(doc_line.text)]
    return Signal(bool(setup) and bool(test), tuple(doc_line.evidence() for doc_line in (setup[:1] + test[:1])))


_TEST_INSTRUCTION = re.compile(r"(\btest|pytest|npm test|make test|go test)", re.I)
_POINTS_TO_CONTRIBUTING = re.compile(r"\[[^\]]{0,200}\]\s*(\(|\[)[^)\]]{0,300}contribut|"
                                     r"contribut[^\n]{0,200}(\]\(|\]\[|https?://|`[^`]+`_)", re.I)


@signal("docs.contributing", "CONTRIBUTING guide exists")
def contributing(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("contributing", [])))


@signal("docs.deployment", "deployment is documented (a deployment document, or an install, bootstrap or "
        "self-hosting section that names where and how it runs)")
def deployment_docs(s: Signals) -> Signal:
    hits = _paths(s.facts.docs.get("deployment", []))
    return found(hits + _deployment_sections(s.facts.doc_lines)[:2])


_HEADING = re.compile(r"^(#{1,6})[ \t]")
_DEPLOY_HEADING = re.compile(r"^#{1,6}[ \t][^\n]{0,200}?(deploy|install|bootstrap|self-host|hosting|production|"
                             r"running in|upgrad|usage|docker|compose)", re.I)
# What a section about running the software somewhere names: a cluster or GitOps tool, containers,
# a service manager or web server, a hosting platform, or a release binary to download.
_DEPLOY_TARGET = re.compile(r"\b(helm|flux|argocd|kubectl|kustomize|terraform|docker|compose|podman|systemd|"
                            r"systemctl|nginx|caddy|frankenphp|apache|kamal|fly\.io|flyctl|heroku|railway|render\.com|"
                            r"vercel|netlify|cloud run|app engine|lambda|binary|binaries|pre-compiled|"
                            r"release archive)\b",
                            re.I)


def _deployment_sections(lines: list[TextLine]) -> list[Evidence]:
    """Headings about deploying, installing or bootstrapping whose section names a target."""
    hits: list[Evidence] = []
    open_section: tuple[TextLine, int] | None = None  # the heading and its level
    for doc_line in lines:
        heading = _HEADING.match(doc_line.text)
        if open_section and (doc_line.path != open_section[0].path or
                             heading and len(heading.group(1)) <= open_section[1]):
            open_section = None
        if heading and _DEPLOY_HEADING.match(doc_line.text) and not open_section:  # a sub-heading is content
            open_section = (doc_line, len(heading.group(1)))
            if _DEPLOY_TARGET.search(doc_line.text):
                hits.append(doc_line.evidence())
                open_section = None
            continue
        if open_section and _DEPLOY_TARGET.search(doc_line.text):
            hits.append(open_section[0].evidence())
            open_section = None
    return hits


@signal("docs.env_example", "environment variables are documented (.env.example or similar)")
def env_example(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("env-example", [])))


@signal("docs.runbooks", "runbooks or an incident-response guide exist")
def runbooks(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("runbook", []) + s.facts.docs.get("incident-response", [])))


@signal("docs.architecture", "architecture is documented (architecture docs or ADRs)")
def architecture(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("architecture", []) + s.facts.docs.get("adr", [])))


@signal("docs.adr", "architecture decision records are kept")
def adrs(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("adr", [])))


@signal("docs.changelog", "a CHANGELOG is kept, or a changelog tool writes the release notes")
def changelog(s: Signals) -> Signal:
    hits = _paths(s.facts.docs.get("changelog", []))
    if not hits:  # release notes written per release by a tool (release-drafter, git-cliff, GoReleaser, …)
        tools = catalog()
        hits = [ev(path, None, use.tool_id) for path in s.facts.files
                for use in tools.from_config_file(path) if use.capability == "changelog"][:2]
        hits += tool_uses(s.facts, ("changelog",))[:2]
    return found(hits)


@signal("docs.api_spec", "the API is described by a machine-readable spec (OpenAPI, protobuf, GraphQL)")
def api_spec(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("api-spec", [])))


@signal("docs.claims_ci", "the README or docs claim a CI/CD pipeline or show a CI badge")
def claims_ci(s: Signals) -> Signal:
    return found([doc_line.evidence() for doc_line in s.facts.doc_lines if CLAIM_CI.search(doc_line.text)][:3])


@signal("docs.claims_deploy_automation", "the README or docs claim automated deployment")
def claims_deploy(s: Signals) -> Signal:
    pattern = rx(r"(automated deploy|deploys? automatically|continuous deployment|one-click deploy|auto-deploy)")
    return found([doc_line.evidence() for doc_line in s.facts.doc_lines if pattern.search(doc_line.text)][:3])
