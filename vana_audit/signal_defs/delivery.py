"""Build, test and deployment signals that go past "does CI exist": how it builds, how tests are
kept honest (retries, timeouts, parallelism, mutation, contracts, accessibility) and how deploys
are ordered, restricted, serialised, traced and verified."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..facts import Facts, Job, Pipeline, ToolUse
from ..folded_re import TextPattern
from ..path_patterns import PathPattern
from ..secrets import clip
from ..signals import (
    CONTAINER_BUILD,
    DEPLOY_WORD,
    TEST_CMD,
    Signal,
    Signals,
    ci_capability,
    ci_matching,
    deploy_jobs,
    ev,
    files_matching,
    found,
    job_evidence,
    job_runs_deploy_tool,
    listing,
    rx,
    signal,
    tool_uses,
    unmodelled_pipelines,
)
from ..tools import catalog

# -- helpers ----------------------------------------------------------------------------------------


def _deps(facts: Facts, names: Iterable[str], ecosystem: str | None = None) -> list:
    wanted = {n.lower() for n in names}
    hits = []
    for m in facts.manifests:
        if ecosystem and m.ecosystem != ecosystem:
            continue
        matched = sorted(
            d for d in m.dependencies if d in wanted or any(d.startswith(w) for w in wanted if w.endswith("/"))
        )
        if matched:
            hits.append(ev(m.path, None, "dependency: " + ", ".join(matched[:3])))
    return hits


def _tools(facts: Facts, names: Iterable[str]) -> list:
    """[tool.X] sections of pyproject.toml."""
    wanted = set(names)
    return [
        ev(m.path, None, f"[tool.{t}]")
        for m in facts.manifests
        for t in (m.data["tool"] if isinstance(m.data.get("tool"), list) else [])
        if t in wanted
    ]


MUTATION_CONFIG = PathPattern(
    r"(^|/)(stryker\.conf\.(js|json|mjs|cjs)|stryker\.config\.\w+|\.mutmut|cosmic-ray\.toml|infection\.json5?)$",
    ["stryker.conf", ".mutmut", "cosmic-ray.toml", "infection.json"],
)
CONTRACT_FILES = PathPattern(
    r"(^|/)(pacts?|contracts?)/[^/]+\.(json|ya?ml|groovy|py|ts|js)$|"
    r"(^|/)[^/]{0,100}(pact|contract)[^/]{0,100}\.(test|spec)\.[jt]sx?$|"
    r"(^|/)test_[^/]{0,100}(contract|pact)[^/]{0,100}\.py$",
    ["pact", "contract"],
)
ACCESSIBILITY_FILES = PathPattern(
    r"(^|/)\.pa11yci(\.json)?$|(^|/)[^/]{0,100}(a11y|accessibility)[^/]{0,100}\.(test|spec)\.[jt]sx?$",
    [".pa11yci", "a11y", "accessibility"],
)
COVERAGE_SERVICE_CONFIG = PathPattern(
    r"^(\.github/)?\.?codecov\.ya?ml$|^\.coveralls\.yml$|^sonar-project\.properties$",
    ["codecov.y", ".coveralls.yml", "sonar-project.properties"],
)


def _files(facts: Facts, pattern: PathPattern, limit: int = 3) -> list:
    return [ev(p) for p in files_matching(facts, pattern)[:limit]]


def _scripts(facts: Facts, pattern: TextPattern) -> list:
    return [
        ev(m.path, None, f'"{n}": "{c}"') for m in facts.manifests for n, c in m.scripts.items() if pattern.search(c)
    ]


def _configs(facts: Facts, tools: Iterable[str] | None, pattern: TextPattern) -> list:
    """Test configurations (of `tools`; None: of every test runner) whose options match."""
    wanted = set(tools) if tools is not None else {c.tool for c in facts.test_configs} - {"coverage"}
    hits = []
    for c in facts.test_configs:
        if c.tool in wanted and c.options:
            match = pattern.search(c.options)
            if match:
                line = (
                    (c.line or 1) + c.options.count("\n", 0, match.start())
                    if c.tool not in ("pytest", "tox")
                    else c.line
                )
                hits.append(ev(c.path, line, f"{c.tool}: {match.group(0)}"))
    return hits


def ci_or_scripts(facts: Facts, pattern: TextPattern, pipelines: Iterable[Pipeline] | None = None) -> list:
    """CI steps that match directly or through a Makefile target or package script they call."""
    return ci_matching(facts, pattern, pipelines=pipelines)


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


# -- build ------------------------------------------------------------------------------------------

TOOLCHAIN_FILES = PathPattern(
    r"(^|/)(\.python-version|\.nvmrc|\.node-version|\.tool-versions|mise\.toml|\.mise\.toml|"
    r"rust-toolchain(\.toml)?|\.java-version|\.sdkmanrc|\.ruby-version|global\.json|\.go-version|"
    r"\.terraform-version|\.bun-version|\.devcontainer/devcontainer\.json|\.devcontainer\.json)$",
    [".python-version", ".nvmrc", ".node-version", ".tool-versions", "mise.toml", "rust-toolchain", ".java-version",
     ".sdkmanrc", ".ruby-version", "global.json", ".go-version", ".terraform-version", ".bun-version",
     "devcontainer.json"],
)


@signal("build.manifests", "package manifests declare the project's dependencies")
def build_manifests(s: Signals) -> Signal:
    return found(
        ev(m.path, None, m.ecosystem) for m in sorted(s.facts.manifests, key=lambda m: (m.path.count("/"), m.path))[:5]
    )


@signal("build.toolchain_pinned", "the language toolchain version is pinned in a file every developer and CI reads")
def toolchain_pinned(s: Signals) -> Signal:
    f = s.facts
    hits = _files(f, TOOLCHAIN_FILES, 4)
    for m in f.manifests:
        if m.ecosystem == "npm" and (
            isinstance(m.data.get("engines"), dict)
            and m.data["engines"].get("node")
            or m.data.get("packageManager")
            or isinstance(m.data.get("volta"), dict)
        ):
            hits.append(ev(m.path, None, "engines/packageManager/volta"))
        if m.ecosystem == "go":
            hits.append(ev(m.path, None, "go directive"))
    return found(hits)


COMMITTED_OUTPUT = PathPattern(
    r"(^|/)(node_modules|__pycache__|\.venv|\.tox|\.nox|\.pytest_cache|\.mypy_cache|\.ruff_cache|"
    r"\.next|\.nuxt|\.svelte-kit|\.parcel-cache|\.turbo|[^/]+\.egg-info|htmlcov|\.gradle|"
    r"\.terraform)/|\.py[co]$|(^|/)\.coverage$",
    ["node_modules/", "__pycache__/", ".venv/", ".tox/", ".nox/", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/",
     ".next/", ".nuxt/", ".svelte-kit/", ".parcel-cache/", ".turbo/", ".egg-info/", "htmlcov/", ".gradle/",
     ".terraform/", ".pyc", ".pyo", ".coverage"],
)


@signal("build.committed_outputs", "dependency folders, caches or build outputs are committed")
def committed_outputs(s: Signals) -> Signal:
    shown: dict[str, str] = {}
    for path in s.facts.all_files:
        match = COMMITTED_OUTPUT.search(path)
        if match:
            key = path[: match.end()].rstrip("/")
            shown.setdefault(key, path)
    return listing(ev(key, None, f"committed: {example}") for key, example in list(shown.items())[:8])


@signal("build.buildable", "the project has a build step to run (build script, packaging, compiled language, image)")
def buildable(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(m.path, None, f'"{n}" script')
        for m in f.manifests
        if m.ecosystem == "npm"
        for n in m.scripts
        if re.match(r"(build|compile|bundle|dist|package)\b", n)
    ][:2]
    hits += [
        ev(m.path, None, m.ecosystem)
        for m in f.manifests
        if m.ecosystem in ("go", "cargo", "maven", "gradle") or m.path.endswith("pyproject.toml")
    ][:2]
    hits += [ev(p) for p in f.files if p.rsplit("/", 1)[-1] in ("tsconfig.json", "setup.py")][:1]
    hits += [ev(t.path, t.line, t.name) for t in f.make_targets if re.match(r"(build|dist|package|compile)\b", t.name)][
        :1
    ]
    hits += [ev(d.path) for d in f.dockerfiles][:1]
    return found(hits)


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


def _unfrozen(command: str, facts: Facts, env_text: str) -> str | None:
    for line in command.splitlines():
        line = line.strip()
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
        for job in p.jobs:
            job_env = env_text + " " + " ".join(map(str, job.env))
            for st in job.steps:
                reason = _unfrozen(st.run or "", s.facts, job_env + " " + " ".join(map(str, st.env)))
                if reason:
                    hits.append(ev(p.path, st.line, f"{clip((st.run or '').strip().splitlines()[0], 80)} ({reason})"))
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
    return found(ci_capability(s.facts, ("format-check",), FORMAT_CHECK))


@signal("gha.jobs_without_timeout", "GitHub Actions jobs without timeout-minutes (the default is six hours)")
def jobs_without_timeout(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        if p.provider != "github-actions":
            continue
        for job in p.jobs:
            raw = job.raw if isinstance(job.raw, dict) else {}
            if job.uses or "timeout-minutes" in raw:
                continue
            hits.append(ev(p.path, job.line, f"job {job.id}: no timeout-minutes"))
    return listing(hits)


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
    scheduled = [p for p in s.facts.pipelines if "schedule" in p.triggers]
    return found(ci_matching(s.facts, SCHEDULED_WORK, pipelines=scheduled))


# -- tests ------------------------------------------------------------------------------------------


@signal("ci.tests_on_push", "tests run in CI on pushes (after merge to the default branch)")
def tests_on_push(s: Signals) -> Signal:
    return found(ci_matching(s.facts, TEST_CMD, pipelines=[p for p in s.facts.pipelines if "push" in p.triggers]))


JS_TEST_CMD = rx(
    r"\b(jest|vitest|mocha|karma|ava|ng test|(npm|pnpm|yarn|bun)( run)? test(:unit|:ci)?\b|npm t\b|"
    r"(npm|pnpm|yarn) --prefix \S+ test|turbo( run)? test|nx (run-many|affected)[^\n]{0,200}test)"
)


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
    hits = []
    reruns = _reruns_of_gating_suites(s.facts)
    for p in s.facts.pipelines:
        for job in p.jobs:
            raw = job.raw if isinstance(job.raw, dict) else {}
            runs_tests = any(TEST_CMD.search(st.run or "") for st in job.steps)
            if not runs_tests or (p.path, job.id) in reruns:
                continue
            if str(raw.get("continue-on-error", "")).lower() == "true" or raw.get("allow_failure") is True:
                hits.append(
                    ev(
                        p.path,
                        job.line,
                        f"job {job.id}: "
                        + ("allow_failure: true" if p.provider == "gitlab-ci" else "continue-on-error: true"),
                    )
                )
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
                    hits.append(ev(p.path, st.line, f"{clip(test_lines[0].strip(), 80)} (continue-on-error: true)"))
                elif ignored := next((line for line in test_lines if IGNORED.search(line)), None):
                    hits.append(ev(p.path, st.line, clip(ignored.strip(), 120)))
    return listing(hits)


RETRY = rx(
    r"(--reruns\b|pytest-rerunfailures|flaky\b|retryTimes|retries\s*:\s*[1-9]|"
    r"nick-fields/retry|Wandalen/wretry|gotestsum[^\n]{0,200}--rerun-fails|test-retry|rerunFailingTestsCount|"
    r"surefire\.rerunFailingTestsCount|--retries[= ][1-9]|quarantine)"
)


@signal("tests.retries", "flaky tests are retried and reported (rerun plugins, runner retries)")
def tests_retries(s: Signals) -> Signal:
    f = s.facts
    hits = _deps(
        f, ["pytest-rerunfailures", "flaky", "pytest-retry", "jest-circus-retry", "@jest/retry", "mocha-retry"]
    )
    hits += _configs(f, None, RETRY)
    hits += ci_or_scripts(f, RETRY)
    return found(hits)


TIMEOUT = rx(
    r"(--timeout[= ]\d+|testTimeout|\btimeout\s*:\s*\d|defaultCommandTimeout|timeout_func_only|"
    r"go test[^\n]{0,200}-timeout|--test-timeout|jest[^\n]{0,200}--testTimeout|-timeout[= ]\d)"
)


@signal("tests.timeouts", "tests that hang are cut off by a per-test or per-job timeout")
def tests_timeouts(s: Signals) -> Signal:
    f = s.facts
    hits = _deps(f, ["pytest-timeout"])
    hits += _configs(f, None, TIMEOUT)
    hits += ci_or_scripts(f, TIMEOUT)
    for p in f.pipelines:
        for job in p.jobs:
            raw = job.raw if isinstance(job.raw, dict) else {}
            if ("timeout-minutes" in raw or "timeout" in raw) and any(
                TEST_CMD.search(st.run or "") for st in job.steps
            ):
                hits.append(
                    ev(p.path, job.line, f"job {job.id}: timeout {raw.get('timeout-minutes') or raw.get('timeout')}")
                )
    return found(hits)


@signal("tests.python_present", "Python tests exist")
def python_tests(s: Signals) -> Signal:
    f = s.facts
    paths = [p for level in ("unit", "integration", "e2e") for p in f.test_files.get(level, []) if p.endswith(".py")]
    hits = [ev(c.path, c.line, c.tool) for c in f.test_configs if c.tool in ("pytest", "tox")]
    return found(hits + ([ev(paths[0], None, f"{len(paths)} Python test file(s)")] if paths else []))


PARALLEL = rx(
    r"((^|\s)-n\s*(auto|logical|\d+)\b|--numprocesses|--dist[= ](load|worksteal)|pytest-xdist|--shard|"
    r"circleci tests (split|run)|split-tests|knapsack|--parallel\b|fullyParallel\s*:\s*true|"
    r"parallel\s*:\s*\d|parallelism\s*:\s*\d|gotestsum[^\n]{0,200}--parallel|-p\s+\d+\s)"
)
SERIAL = rx(
    r"(--runInBand|\s-i\s|--no-file-parallelism|--maxWorkers[= ]1\b|workers\s*:\s*1\b|--workers[= ]1\b|"
    r"fullyParallel\s*:\s*false)"
)


@signal("tests.parallel", "the test suite runs in parallel or is sharded across CI jobs")
def tests_parallel(s: Signals) -> Signal:
    f = s.facts
    hits = _deps(f, ["pytest-xdist", "pytest-parallel"])
    hits += _configs(f, None, PARALLEL)
    hits += ci_or_scripts(f, PARALLEL)
    hits += [
        ev(p.path, j.line, f"job {j.id}: parallel")
        for p in f.pipelines
        for j in p.jobs
        if isinstance(j.raw, dict) and isinstance(j.raw.get("parallel"), int)
    ]
    return found(hits)


@signal("tests.serial_suites", "test suites that run one test at a time")
def serial_suites(s: Signals) -> Signal:
    f = s.facts
    hits = []
    if s["tests.python_present"].truthy and not (
        _deps(f, ["pytest-xdist", "pytest-parallel"])
        or _configs(f, ["pytest", "tox"], PARALLEL)
        or ci_matching(f, rx(r"(pytest|tox|nox)[^\n]{0,200}(\s-n\s*(auto|\d)|--numprocesses)"))
    ):
        anchor = s["tests.python_present"].evidence[0]
        hits.append(ev(anchor.path, anchor.line, "Python tests run serially (no pytest-xdist)"))
    hits += _configs(f, ["jest", "vitest", "playwright"], SERIAL)
    hits += [
        e
        for e in ci_matching(f, SERIAL, include_uses=False)
        if JS_TEST_CMD.search(e.snippet) or "playwright" in e.snippet
    ]
    hits += [e for e in _scripts(f, SERIAL) if JS_TEST_CMD.search(e.snippet)]
    return listing(hits)


@signal("tests.mutation", "mutation testing measures whether the tests catch injected bugs")
def tests_mutation(s: Signals) -> Signal:
    f = s.facts
    pattern = rx(
        r"\b(mutmut|cosmic-ray|mutatest|stryker|pitest|go-mutesting|gremlins|cargo[- ]mutants|infection|mull)\b"
    )
    hits = _deps(
        f, ["mutmut", "cosmic-ray", "mutatest", "@stryker-mutator/core", "pitest-maven", "infection/infection"]
    )
    hits += _tools(f, ["mutmut", "cosmic-ray"])
    hits += _files(f, MUTATION_CONFIG)
    hits += ci_or_scripts(f, pattern) + _scripts(f, pattern)
    return found(hits)


@signal("tests.contract", "contract or schema tests check the API against its consumers or its specification")
def tests_contract(s: Signals) -> Signal:
    f = s.facts
    pattern = rx(
        r"\b(pact|schemathesis|dredd|specmatic|spring-cloud-contract|pactflow|can-i-deploy|prism proxy|"
        r"openapi-contract|microcks)\b"
    )
    hits = _deps(
        f,
        [
            "pact-python",
            "@pact-foundation/pact",
            "schemathesis",
            "dredd",
            "specmatic",
            "pact-go",
            "jest-pact",
            "spring-cloud-starter-contract-verifier",
            "@pactflow/",
        ],
    )
    hits += _files(f, CONTRACT_FILES)
    hits += ci_matching(f, pattern)
    return found(hits)


FRONTEND_DEPS = {
    "react",
    "vue",
    "next",
    "nuxt",
    "svelte",
    "@sveltejs/kit",
    "@angular/core",
    "solid-js",
    "preact",
    "astro",
    "@remix-run/react",
    "lit",
    "ember-source",
    "gatsby",
}


@signal("frontend.present", "a web frontend (React, Vue, Svelte, Angular…) is part of the repository")
def frontend_present(s: Signals) -> Signal:
    return found(_deps(s.facts, FRONTEND_DEPS, "npm"))


@signal("tests.accessibility", "accessibility is tested automatically (axe, pa11y, Lighthouse accessibility)")
def tests_accessibility(s: Signals) -> Signal:
    f = s.facts
    pattern = rx(
        r"\b(pa11y|axe-core|@axe-core|axe-playwright|cypress-axe|jest-axe|vitest-axe|lighthouse[^\n]{0,200}accessibility|"
        r"accessibility-checker|a11y)\b"
    )
    hits = _deps(
        f,
        [
            "axe-core",
            "@axe-core/",
            "jest-axe",
            "cypress-axe",
            "pa11y",
            "pa11y-ci",
            "axe-playwright",
            "@storybook/addon-a11y",
            "vitest-axe",
            "@chromaui/",
            "eslint-plugin-jsx-a11y",
            "eslint-plugin-vuejs-accessibility",
        ],
    )
    hits = [h for h in hits if "eslint-plugin" not in h.snippet or "axe" in h.snippet or "pa11y" in h.snippet]
    hits += ci_matching(f, pattern)
    hits += _files(f, ACCESSIBILITY_FILES)
    return found(hits)


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


def _gha_unrestricted(p: Pipeline, j: Job) -> str | None:
    if RESTRICTED_REF.search(j.condition):
        return None
    on = p.raw.get("on", p.raw.get(True)) if isinstance(p.raw, dict) else None
    on = on if isinstance(on, dict) else {str(t): None for t in (on if isinstance(on, list) else [on] if on else [])}
    if PREVIEW_ENV.search(_env_of(j)):
        return None
    for trigger in ("pull_request", "pull_request_target"):
        if trigger in on:
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


@signal("ci.deploy_unrestricted", "deploy jobs that can run from any branch or from pull requests")
def deploy_unrestricted(s: Signals) -> Signal:
    hits = []
    for p, j in deploy_jobs(s.facts):
        reason = (
            _gha_unrestricted(p, j)
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


@signal("ci.deploys_without_tests", "deploy jobs that an automatic trigger starts without waiting for the tests")
def deploys_without_tests(s: Signals) -> Signal:
    hits = []
    gated_by_run = {
        p.path for p in s.facts.pipelines if p.provider == "github-actions" and "workflow_run" in p.triggers
    }
    for p, j in deploy_jobs(s.facts):
        if j.uses or p.path in gated_by_run or not p.triggers - NOT_AUTOMATIC:
            continue  # a deploy run by hand or by a trigger kept outside the repository is not judged here
        if any(_runs_tests(u) for u in _upstream(p, j)):
            continue
        if any(TEST_CMD.search(st.run or "") for st in j.steps):
            continue
        hits.append(job_evidence(s.facts, p, j, f"job {j.id}: no test job runs before it"))
    return listing(hits)


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
