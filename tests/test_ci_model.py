"""The CI model: what each CI job effectively runs, through task runners, includes and templates."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.fixtures.gitrepo import write_files
from vana_audit.cli import main
from vana_audit.collectors import ci
from vana_audit.collectors.ci_model import build_ci_model
from vana_audit.collectors.shell import split_script
from vana_audit.facts import CiJob, CiModel
from vana_audit.source import WorkingTreeSource


def model_of(root: Path, files: dict[str, str]) -> CiModel:
    write_files(root, files)
    source = WorkingTreeSource(root)
    pipelines, _ = ci.collect_pipelines(source, source.files)
    return build_ci_model(source, pipelines)


def job(model: CiModel, job_id: str) -> CiJob:
    return next(j for j in model.jobs if j.job_id == job_id)


def values(found: CiJob, kind: str = "command") -> list[str]:
    return [i.value for i in found.invocations if i.kind == kind]


def chain(found: CiJob, value: str) -> list[str]:
    invocation = next(i for i in found.invocations if i.value == value)
    return [f"{link.path}:{link.line} {link.text}" for link in invocation.chain]


def gha(steps: str, extra: str = "") -> str:
    return ("on:\n  push:\n    branches: [main]\n  pull_request:\n" + extra
            + "jobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n" + steps)


# -- shell splitting -----------------------------------------------------------------------

def test_shell_split_operators_quotes_and_failure_masks() -> None:
    commands = split_script("set -e\nFOO=1 npm test && npm run lint || true\n(cd sub && go test -race ./...)\n"
                            "flaky || exit 0\nreal || exit 1\nset +e\nlater\n'unbalanced", {"X": "x"})
    got = [(c.argv, c.can_fail) for c in commands]
    assert (("npm", "test"), False) in got and (("npm", "run", "lint"), False) in got
    assert (("go", "test", "-race", "./..."), True) in got
    assert (("flaky",), False) in got and (("real",), True) in got
    assert (("later",), False) in got
    assert commands[1].assigns == {"FOO": "1"}
    assert got[-1][0] == ("'unbalanced",)  # a plain split when quotes do not balance



def test_a_command_substitution_assigned_to_a_variable_runs_its_command() -> None:
    """tldr's test.sh: `errs="$(pytest scripts/*.py 2>&1 || true)"` runs pytest for its output; `|| true`
    inside keeps it from failing the script. Other substitutions (in arguments) stay opaque words."""
    commands = split_script('set -e\nerrs="$(pytest scripts/*.py 2>&1 || true)"\nV=$(git describe)\necho "$(date)"')
    ran = [(c.argv, c.line, c.can_fail) for c in commands if c.argv[0] not in ("set", "true")]
    assert ran == [(("pytest", "scripts/*.py"), 2, False), (("git", "describe"), 3, True), (("echo", "$(date)"), 4, True)]
    # a GitHub expression inside the substitution is put back before its command is split (ripgrep's release.yml)
    nested = split_script('VERSION="$(echo ${{ github.ref }} | cut -d/ -f3)"')
    assert [c.argv for c in nested] == [("echo", "${{ github.ref }}"), ("cut", "-d/", "-f3")]

def test_shell_github_expression_is_one_token_and_env_literal_resolves() -> None:
    commands = split_script("${{ env.CARGO }} test --workspace\n${{ matrix.tool }} run", {"CARGO": "cargo"})
    assert commands[0].argv == ("cargo", "test", "--workspace")
    assert commands[1].argv == ("${{ matrix.tool }}", "run")


# -- one fixture per indirection the audit found missed ----------------------------------------

def test_taskfile_namespaced_include(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".circleci/config.yml": "version: 2.1\njobs:\n  check:\n    docker:\n      - image: cimg/go:1.22\n"
                                "    steps:\n      - checkout\n      - run: task ci:test\n"
                                "workflows:\n  main:\n    jobs:\n      - check\n",
        "Taskfile.yml": "version: '3'\nincludes:\n  ci: ./build/ci\ntasks:\n  default:\n    cmds: [echo hi]\n",
        "build/ci/Taskfile.yml": "version: '3'\ntasks:\n  test:\n    deps: [lint]\n    cmds:\n"
                                 "      - go test -race ./...\n  lint:\n    cmds:\n      - golangci-lint run\n",
    })
    check = job(model, "check")
    assert "go test -race ./..." in values(check) and "golangci-lint run" in values(check)
    assert values(check, "image") == ["cimg/go:1.22"]
    assert chain(check, "go test -race ./...") == [  # the workflow's job, its definition, the step, the task's line
        ".circleci/config.yml:12 check", ".circleci/config.yml:4 job check", ".circleci/config.yml:8 task ci:test",
        "build/ci/Taskfile.yml:6 go test -race ./..."]
    assert chain(check, "golangci-lint run") == [
        ".circleci/config.yml:12 check", ".circleci/config.yml:4 job check", ".circleci/config.yml:8 task ci:test",
        "build/ci/Taskfile.yml:3 task test", "build/ci/Taskfile.yml:9 golangci-lint run"]


def test_prek_runs_pre_commit_hooks(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/lint.yml": gha("      - uses: actions/checkout@v4\n      - run: uv run prek run --all-files\n"),
        ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.0\n"
                                   "    hooks:\n      - id: ruff\n  - repo: https://github.com/pre-commit/mirrors-mypy\n"
                                   "    rev: v1.11.0\n    hooks:\n      - id: mypy\n"
                                   "  - repo: https://github.com/zizmorcore/zizmor-pre-commit\n    rev: v1.0.0\n"
                                   "    hooks:\n      - id: zizmor\n      - id: manual-only\n        stages: [manual]\n",
    })
    ci_job = job(model, "ci")
    assert values(ci_job, "hook") == ["ruff", "mypy", "zizmor"]  # the manual-stage hook does not run
    mypy = next(i for i in ci_job.invocations if i.value == "mypy")
    assert mypy.extra["repo"] == "https://github.com/pre-commit/mirrors-mypy"
    assert chain(ci_job, "ruff") == [".github/workflows/lint.yml:10 uv run prek run --all-files",
                                     ".pre-commit-config.yaml:5 ruff (https://github.com/astral-sh/ruff-pre-commit)"]
    assert "actions/checkout" in values(ci_job, "action")
    assert ci_job.triggers == {"push", "pull_request"}


def test_tox_factor_selection(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: tox run -f lint\n"),
        "tox.ini": "[tox]\nenvlist = py{311,312}-test, lint\n\n[testenv]\ncommands =\n    test: pytest {posargs:tests}\n"
                   "\n[testenv:lint]\ncommands =\n    ruff check .\n    - mypy src\n",
    })
    ci_job = job(model, "ci")
    assert "ruff check ." in values(ci_job) and "mypy src" in values(ci_job)
    assert not any(v.startswith("pytest") for v in values(ci_job))
    assert next(i for i in ci_job.invocations if i.value == "mypy src").can_fail is False  # `- cmd` in tox


def test_nox_sessions_by_ast(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: nox -s tests\n"),
        "noxfile.py": "import nox\n\n@nox.session(python=['3.12'])\ndef tests(session):\n"
                      "    session.install('.')\n    session.run('pytest', '--cov', *session.posargs)\n"
                      "    session.notify('lint')\n\n@nox.session\ndef lint(s):\n    s.run('ruff', 'check')\n"
                      "raise SystemExit('never imported')\n",
    })
    ci_job = job(model, "ci")
    assert values(ci_job)[1:] == ["pytest --cov", "ruff check"]


def test_maven_plugins_and_phases(tmp_path: Path) -> None:
    pom = """<project xmlns="http://maven.apache.org/POM/4.0.0"><build><plugins>
<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-checkstyle-plugin</artifactId>
<executions><execution><phase>validate</phase><goals><goal>check</goal></goals></execution></executions></plugin>
<plugin><artifactId>maven-surefire-plugin</artifactId></plugin>
<plugin><groupId>org.owasp</groupId><artifactId>dependency-check-maven</artifactId></plugin>
<plugin><groupId>com.x</groupId><artifactId>deploy-only-plugin</artifactId>
<executions><execution><phase>deploy</phase><goals><goal>go</goal></goals></execution></executions></plugin>
</plugins></build></project>"""
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha("      - run: ./mvnw -B verify\n"), "pom.xml": pom})
    plugins = {i.value: i.extra for i in job(model, "ci").invocations if i.kind == "maven-plugin"}
    assert plugins["org.apache.maven.plugins:maven-checkstyle-plugin"]["reaches"] is True
    assert plugins["org.apache.maven.plugins:maven-checkstyle-plugin"]["phase"] == "validate"
    assert plugins["org.apache.maven.plugins:maven-surefire-plugin"]["reaches"] is True
    assert plugins["org.owasp:dependency-check-maven"]["reaches"] is False  # declared, never bound
    assert plugins["com.x:deploy-only-plugin"]["reaches"] is False



def test_a_maven_goal_alone_runs_no_other_plugin(tmp_path: Path) -> None:
    """gson's CI runs `mvn artifact:check-buildplan`: no lifecycle phase, so the Central publishing
    plugin (an extension hooked into deploy) does not run, and releases are not automated by it."""
    pom = """<project><build><plugins>
<plugin><groupId>org.sonatype.central</groupId><artifactId>central-publishing-maven-plugin</artifactId>
<extensions>true</extensions></plugin>
<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-artifact-plugin</artifactId></plugin>
</plugins></build></project>"""
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha("      - run: mvn artifact:check-buildplan\n"),
                                "pom.xml": pom})
    plugins = {i.value: i.extra for i in job(model, "ci").invocations if i.kind == "maven-plugin"}
    assert plugins["org.sonatype.central:central-publishing-maven-plugin"]["reaches"] is False
    assert plugins["org.apache.maven.plugins:maven-artifact-plugin"]["reaches"] is True  # the goal named

JENKINS_PLUGIN_POM = ("<project><modelVersion>4.0.0</modelVersion>\n<parent>\n<groupId>org.jenkins-ci.plugins</groupId>"
                      "<artifactId>plugin</artifactId><version>5.9</version><relativePath/></parent>\n"
                      "<artifactId>x</artifactId><packaging>hpi</packaging>\n</project>\n")


def test_jenkins_library_step_runs_its_command_and_the_parent_pom_binds_plugins(tmp_path: Path) -> None:
    """`buildPlugin(...)` (jenkins-infra/pipeline-library) is the Maven build the catalog says it is; the
    Jenkins plugin parent POM binds SpotBugs at verify (and JaCoCo under its enable-jacoco profile)."""
    model = model_of(tmp_path, {
        "Jenkinsfile": "// buildPluginWithGradle() is not called\n/* buildPlugin(old: true)\n */\nbuildPlugin(\n"
                       "  forkCount: '1C', // https://example.com/x\n  configurations: [[platform: 'linux', jdk: 21]],\n)\n",
        "pom.xml": JENKINS_PLUGIN_POM,
        ".github/workflows/ci.yml": gha("      - run: mvn -B verify\n"),
    })
    pipeline = job(model, "pipeline")
    assert values(pipeline, "step") == ["buildPlugin"]
    assert values(pipeline) == ["mvn -B -ntp -Penable-jacoco clean install"]
    plugins = {i.value: i.extra for i in pipeline.invocations if i.kind == "maven-plugin"}
    assert plugins["com.github.spotbugs:spotbugs-maven-plugin"]["reaches"] is True
    assert plugins["com.github.spotbugs:spotbugs-maven-plugin"]["phase"] == "verify"
    assert plugins["org.jacoco:jacoco-maven-plugin"]["reaches"] is True
    assert plugins["org.apache.maven.plugins:maven-surefire-plugin"]["reaches"] is True
    assert chain(pipeline, "com.github.spotbugs:spotbugs-maven-plugin") == [
        "Jenkinsfile:4 buildPlugin(...) runs mvn -B -ntp -Penable-jacoco clean install",
        "pom.xml:2 com.github.spotbugs:spotbugs-maven-plugin (bound by the parent org.jenkins-ci.plugins:plugin)"]
    assert pipeline.triggers == {"push", "pull_request"}  # a multibranch pipeline builds branches and PRs
    # the parent binds the same plugins whoever runs Maven; JaCoCo only under its profile
    gha_plugins = values(job(model, "ci"), "maven-plugin")
    assert "com.github.spotbugs:spotbugs-maven-plugin" in gha_plugins
    assert "org.jacoco:jacoco-maven-plugin" not in gha_plugins


def test_jenkins_stage_when_narrows_the_triggers(tmp_path: Path) -> None:
    model = model_of(tmp_path, {"Jenkinsfile": """pipeline {
  agent any
  stages {
    stage('Test') { steps { sh 'mvn -B verify' } }
    stage('PR only') {
      when { changeRequest() }
      steps { sh 'mvn -B spotbugs:check' }
    }
    stage('Deploy') {
      when { branch 'main' }
      steps { sh './deploy.sh' }
    }
    stage('Release') {
      when { buildingTag() }
      steps { sh 'mvn -B deploy' }
    }
    stage('Branches') {
      when { not { changeRequest() } }
      steps { sh 'echo branch build' }
    }
    stage('Either') {
      when { anyOf { branch 'main'; changeRequest() } }
      steps { sh 'echo either' }
    }
  }
}
"""})
    triggers = {j.job_id: j.triggers for j in model.jobs}
    assert triggers == {"Test": {"push", "pull_request"}, "PR only": {"pull_request"}, "Deploy": {"push"},
                        "Release": {"tag"}, "Branches": {"push"}, "Either": {"push", "pull_request"}}


def test_gradle_build_plugins(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: ./gradlew build --no-daemon\n      - run: ./gradlew publish\n"),
        "build.gradle.kts": 'plugins {\n    `java-library`\n    id("com.diffplug.spotless") version "6.0"\n'
                            '    kotlin("jvm")\n    alias(libs.plugins.detekt)\n}\n',
        "gradle/libs.versions.toml": '[plugins]\ndetekt = { id = "io.gitlab.arturbosch.detekt", version = "1" }\n',
    })
    assert values(job(model, "ci"), "gradle-plugin") == [
        "java-library", "com.diffplug.spotless", "org.jetbrains.kotlin.jvm", "io.gitlab.arturbosch.detekt"]


def test_env_literal_resolves_cargo(tmp_path: Path) -> None:
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha("      - run: ${{ env.CARGO }} test --workspace\n",
                                                                 extra="env:\n  CARGO: cargo\n")})
    ci_job = job(model, "ci")
    assert "cargo test --workspace" in values(ci_job)
    assert values(ci_job, "env") == ["CARGO"]


def test_composite_action_and_reusable_workflow(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  build:\n    runs-on: x\n    steps:\n"
                                    "      - uses: ./.github/actions/setup\n        with:\n          tool: golangci-lint\n"
                                    "  call:\n    uses: ./.github/workflows/reusable.yml\n    with:\n      target: check\n",
        ".github/actions/setup/action.yml": "inputs:\n  tool:\n    default: none\nruns:\n  using: composite\n"
                                            "  steps:\n    - run: ${{ inputs.tool }} run\n      shell: bash\n"
                                            "    - uses: actions/setup-go@v5\n",
        ".github/workflows/reusable.yml": "on:\n  workflow_call:\n    inputs:\n      target:\n        type: string\n"
                                          "jobs:\n  inner:\n    runs-on: x\n    steps:\n"
                                          "      - run: make ${{ inputs.target }}\n",
        "Makefile": "check:\n\tgo vet ./...\n",
    })
    build = job(model, "build")
    assert values(build) == ["golangci-lint run"] and values(build, "action") == ["actions/setup-go"]
    assert chain(build, "golangci-lint run") == [
        ".github/workflows/ci.yml:6 uses: ./.github/actions/setup",
        ".github/actions/setup/action.yml:7 ${{ inputs.tool }} run"]
    call = job(model, "call")
    assert values(call) == ["make check", "go vet ./..."]
    assert chain(call, "go vet ./...") == [
        ".github/workflows/ci.yml:10 uses: ./.github/workflows/reusable.yml", ".github/workflows/reusable.yml:8 job inner",
        ".github/workflows/reusable.yml:10 make ${{ inputs.target }}", "Makefile:2 go vet ./..."]
    assert job(model, "inner").triggers == {"workflow_call"}


def test_circleci_commands_orbs_matrix_context(tmp_path: Path) -> None:
    model = model_of(tmp_path, {".circleci/config.yml": """version: 2.1
orbs:
  node: circleci/node@5.2
commands:
  lint:
    parameters:
      tool: {type: string, default: eslint}
    steps:
      - run: npx << parameters.tool >> .
jobs:
  test:
    docker:
      - image: cimg/node:20.0
    steps:
      - checkout
      - lint:
          tool: biome
      - node/install-packages
workflows:
  ci:
    jobs:
      - test:
          context: [org-secrets]
          matrix:
            parameters:
              a: [1, 2, 3]
              b: [x, y]
      - node/test:
          filters:
            branches:
              only: main
      - deploy-tag:
          filters:
            branches:
              ignore: /.*/
            tags:
              only: /^v.*/
"""})
    test = job(model, "test")
    assert test.matrix_size == 6
    assert "biome ." in values(test)
    assert values(test, "orb") == ["circleci/node"]
    assert values(test, "env") == ["context:org-secrets"]
    orb_job = job(model, "node/test")
    assert values(orb_job, "orb") == ["circleci/node"] and orb_job.triggers == {"push"}
    assert job(model, "deploy-tag").triggers == {"tag"}


def test_gitlab_include_extends_reference(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".gitlab-ci.yml": "include:\n  - local: ci/templates.yml\n  - 'ci/more.yml'\n"
                          "default:\n  image: python:3.12\n"
                          "test:\n  extends: .python\n  script:\n    - !reference [.setup, script]\n    - pytest -q\n"
                          "  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n"
                          "    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n",
        "ci/templates.yml": ".python:\n  before_script:\n    - pip install tox\n  allow_failure: true\n"
                            ".setup:\n  script:\n    - ruff check .\n",
        "ci/more.yml": "lint:\n  image: node:20\n  script: [npm run lint]\n  parallel:\n    matrix:\n"
                       "      - A: [1, 2]\n        B: [x, y, z]\n",
    })
    test = job(model, "test")
    assert values(test) == ["pip install tox", "ruff check .", "pytest -q"]
    assert values(test, "image") == ["python:3.12"]
    assert all(not i.can_fail for i in test.invocations)  # allow_failure through extends
    assert chain(test, "ruff check .") == ["ci/templates.yml:7 ruff check ."]
    assert test.triggers == {"pull_request", "push"}
    lint = job(model, "lint")
    assert lint.matrix_size == 6 and values(lint, "image") == ["node:20"]


def test_gitlab_workflow_rules_and_job_rules_name_pipeline_sources(tmp_path: Path) -> None:
    """workflow:rules decide which pipelines exist (`=~ /^(push|merge_request_event|schedule)$/`); a job
    without rules runs in all of them; a job's rules name the source (a merge request rule that compares
    the target branch with the default one is no push), also from a template of an included file."""
    model = model_of(tmp_path, {
        ".gitlab-ci.yml": (
            "include:\n  - local: /ci/rules.yml\n"
            "workflow:\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"push\" && $CI_OPEN_MERGE_REQUESTS'\n"
            "      when: never\n    - if: '$CI_PIPELINE_SOURCE =~ /^(push|merge_request_event|schedule)$/'\n"
            "      when: always\n    - when: never\n"
            "build:\n  extends: .rules\n  script: [make]\n"
            "lint:\n  script: [make lint]\n"
            "dco:\n  script: [check-dco]\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\" && "
            "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME == $CI_DEFAULT_BRANCH'\n"
            "release:\n  script: [make release]\n  rules:\n    - if: $CI_COMMIT_TAG\n"
            "nightly:\n  script: [make nightly]\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"schedule\" && "
            "$CI_COMMIT_REF_NAME == $CI_DEFAULT_BRANCH'\n"
            "feature:\n  script: [make preview]\n  rules:\n    - if: '$CI_COMMIT_BRANCH && $CI_COMMIT_BRANCH != "
            "$CI_DEFAULT_BRANCH'\n"),
        "ci/rules.yml": (".rules:\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == "
                         "$CI_DEFAULT_BRANCH'\n    - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\"'\n"
                         "    - if: '$CI_PIPELINE_SOURCE =~ /^(web|api)$/'\n      when: manual\n"),
    })
    triggers = {j.job_id: j.triggers for j in model.jobs}
    assert triggers == {"build": {"push", "pull_request", "manual"}, "lint": {"push", "pull_request", "schedule"},
                        "dco": {"pull_request"}, "release": {"tag"}, "nightly": {"schedule"},
                        "feature": {"push-branches"}}


def test_npm_placeholder_test_runs_nothing(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: npm ci\n      - run: npm test\n"),
        "package.json": json.dumps({"scripts": {"test": 'echo "Error: no test specified" && exit 1',
                                                "prepare": "husky"}}),
    })
    assert values(job(model, "ci")) == ["npm ci", "husky", "npm test"]


def test_npm_pre_post_and_run_all(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: npm run check\n"),
        "package.json": json.dumps({"scripts": {"precheck": "tsc --noEmit", "check": "run-s lint:*",
                                                "lint:js": "eslint .", "lint:css": "stylelint '**/*.css'"}}),
    })
    assert values(job(model, "ci")) == ["npm run check", "tsc --noEmit", "run-s lint:*", "eslint .",
                                        "stylelint **/*.css"]


def test_makefile_prerequisites_and_make_variable(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: make test\n"),
        "Makefile": "GO ?= go\n\nlint:\n\tgolangci-lint run\n\ntest: lint\n\t$(GO) test ./...\n\t$(MAKE) e2e\n"
                    "e2e:\n\t-./e2e.sh\n",
    })
    ci_job = job(model, "ci")
    assert values(ci_job) == ["make test", "golangci-lint run", "go test ./...", "make e2e", "./e2e.sh"]
    assert chain(ci_job, "golangci-lint run") == [".github/workflows/ci.yml:9 make test", "Makefile:6 test: lint",
                                                  "Makefile:4 golangci-lint run"]
    assert next(i for i in ci_job.invocations if i.value == "./e2e.sh").can_fail is False  # `-` in make


def test_or_true_and_continue_on_error(tmp_path: Path) -> None:
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha(
        "      - run: pytest || true\n      - run: mypy .\n        continue-on-error: true\n      - run: ruff check\n")})
    fails = {i.value: i.can_fail for i in job(model, "ci").invocations}
    assert fails == {"pytest": False, "mypy .": False, "ruff check": True}


def test_triggers_and_matrix(tmp_path: Path) -> None:
    model = model_of(tmp_path, {".github/workflows/ci.yml": """on:
  push:
    tags: ['v*']
  schedule: [{cron: '0 0 * * *'}]
  workflow_dispatch:
jobs:
  a:
    runs-on: x
    strategy:
      matrix:
        os: [ubuntu, macos]
        py: ['3.11', '3.12', '3.13']
        exclude: [{os: macos, py: '3.11'}]
    steps: [{run: pytest}]
  b:
    runs-on: x
    if: github.event_name == 'schedule'
    strategy: {matrix: {os: '${{ fromJSON(inputs.os) }}'}}
    steps: [{run: pytest}]
"""})
    assert job(model, "a").triggers == {"tag", "schedule", "manual"} and job(model, "a").matrix_size == 5
    assert job(model, "b").triggers == {"schedule"} and job(model, "b").matrix_size == 0


def test_azure_step_template(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        "azure-pipelines.yml": "trigger: [main]\njobs:\n  - job: build\n    steps:\n"
                               "      - template: ci/steps.yml\n      - task: Maven@4\n",
        "ci/steps.yml": "steps:\n  - script: make lint\n",
        "Makefile": "lint:\n\tshellcheck *.sh\n",
    })
    build = job(model, "build")
    assert values(build) == ["make lint", "shellcheck *.sh"] and values(build, "action") == ["Maven@4"]


def test_justfile_and_hatch(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: just ci\n      - run: hatch run lint:all\n"),
        "justfile": "ci: fmt\n    cargo test\n\nfmt:\n    cargo fmt --check\n",
        "pyproject.toml": "[tool.hatch.envs.lint.scripts]\nall = ['style', 'mypy src']\nstyle = 'ruff check'\n",
    })
    assert values(job(model, "ci")) == ["just ci", "cargo fmt --check", "cargo test", "hatch run lint:all",
                                        "ruff check", "mypy src"]


# -- hostile repositories: each ends quickly with bounded output --------------------------------

def test_make_target_calling_itself(tmp_path: Path) -> None:
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha("      - run: make loop\n"),
                                "Makefile": "loop: loop\n\t$(MAKE) loop\n\techo x\n"})
    assert values(job(model, "ci")) == ["make loop", "make loop"]


def test_taskfile_cycle(tmp_path: Path) -> None:
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha("      - run: task a\n"),
                                "Taskfile.yml": "version: '3'\ntasks:\n  a:\n    deps: [b]\n    cmds: [{task: b}, lint-a]\n"
                                                "  b:\n    cmds: [{task: a}, lint-b]\n"})
    assert values(job(model, "ci")) == ["task a", "lint-b", "lint-a"]


def test_ten_thousand_scripts_are_bounded(tmp_path: Path) -> None:
    scripts = {f"s{i}": f"npm run s{i + 1} && tool{i}" for i in range(10_000)}
    scripts["all"] = "run-p s*"
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha("      - run: npm run all\n"),
                                "package.json": json.dumps({"scripts": scripts})})  # time: benchmarks/bench_bounds.py
    assert len(job(model, "ci").invocations) <= 1000
    assert any("invocations" in note for note in model.notes)


def test_megabyte_run_block_is_bounded(tmp_path: Path) -> None:
    block = "\n".join(f"          tool{i} --flag && make t{i}" for i in range(40_000))  # > 1 MB
    model = model_of(tmp_path, {".github/workflows/ci.yml": gha("      - run: |\n" + block + "\n"),
                                "Makefile": "".join(f"t{i}:\n\tgo test ./{i}\n" for i in range(500))})  # time: benchmarks/bench_bounds.py
    assert 0 < len(job(model, "ci").invocations) <= 1000


# -- the command --------------------------------------------------------------------------------

def test_ci_explain_text_and_json(tmp_path: Path) -> None:
    write_files(tmp_path, {".github/workflows/ci.yml": gha('      - run: make test\n      - run: "tput \\e[31mred"\n'),
                           "Makefile": "test:\n\tpytest -q \x1b]0;title\x07\n"})
    result = CliRunner().invoke(main, ["ci", "explain", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "github-actions .github/workflows/ci.yml:7 ci" in result.output
    assert "Makefile:2" in result.output and "\x1b" not in result.output
    data = json.loads(CliRunner().invoke(main, ["ci", "explain", str(tmp_path), "--format", "json"]).output)
    assert data["jobs"][0]["invocations"][1]["chain"][-1]["path"] == "Makefile"


def test_ci_explain_redacts_secrets_in_text_and_json(tmp_path: Path) -> None:
    token = "ghp_" + "k3Y9" * 9  # built here: the repository never holds a token-shaped literal
    write_files(tmp_path, {".github/workflows/ci.yml": gha(
        f"      - run: \"curl -H 'Authorization: token {token}' https://api.example.com\"\n")})
    for fmt in ("text", "json"):
        result = CliRunner().invoke(main, ["ci", "explain", str(tmp_path), "--format", fmt])
        assert result.exit_code == 0
        assert "curl" in result.output and token[4:20] not in result.output, fmt


def test_make_pattern_rule_catches_a_target(tmp_path: Path) -> None:
    """Sphinx's generated Makefile sends every target through `%: Makefile` to sphinx-build."""
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: make html\n"),
        "Makefile": 'SPHINXBUILD ?= sphinx-build\nBUILDDIR = _build\n\nhelp:\n\t@$(SPHINXBUILD) -M help . x\n\n'
                    '%: Makefile\n\t@$(SPHINXBUILD) -M $@ "." "$(BUILDDIR)"\n',
    })
    ci_job = job(model, "ci")
    assert values(ci_job) == ["make html", 'sphinx-build -M html . _build']
    assert chain(ci_job, 'sphinx-build -M html . _build') == [
        ".github/workflows/ci.yml:9 make html", 'Makefile:8 sphinx-build -M html "." "_build"']


def test_goreleaser_runs_what_its_configuration_sections_name(tmp_path: Path) -> None:
    model = model_of(tmp_path, {
        ".github/workflows/ci.yml": gha("      - run: goreleaser release --clean\n"),
        ".goreleaser.yaml": "version: 2\nbuilds:\n  - main: .\ndockers_v2:\n  - images: [ghcr.io/acme/app]\n",
    })
    ci_job = job(model, "ci")
    assert values(ci_job) == ["goreleaser release --clean", "docker buildx build"]
    assert chain(ci_job, "docker buildx build")[-1] == ".goreleaser.yaml:4 dockers_v2: (run by goreleaser)"
    check = model_of(tmp_path / "check", {".github/workflows/ci.yml": gha("      - run: goreleaser check\n"),
                                          ".goreleaser.yaml": "dockers_v2:\n  - images: [x]\n"})
    assert values(job(check, "ci")) == ["goreleaser check"]


def test_a_long_multi_line_action_input_is_read_whole(tmp_path: Path) -> None:
    """A bake `set:` block ends with the line that pushes: cut at a couple of hundred characters, the
    image publish of a release job was invisible (vaultwarden's release.yml)."""
    from vana_audit.collectors.tool_uses import find_tool_uses

    cache_lines = "".join(f"            *.cache-from=type=gha,scope=arch-{n}\n" for n in range(12))
    model = model_of(tmp_path, {".github/workflows/release.yml": (
        "on:\n  push:\n    tags: ['v*']\njobs:\n  images:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: docker/bake-action@v6\n        with:\n          set: |\n" + cache_lines +
        "            *.output=type=image,push-by-digest=true,push=true\n")})
    inputs = job(model, "images").invocations[0].extra["inputs"]
    assert len(inputs["set"]) > 400 and inputs["set"].rstrip().endswith("push=true")
    assert {u.capability for u in find_tool_uses(model)} == {"container-build", "publish"}


def test_docker_run_runs_the_command_given_after_the_image(tmp_path: Path) -> None:
    """`docker run [options] IMAGE COMMAND`: the image and the command run in it are both invocations, so a
    validator run in a tools image counts (terraform-example-foundation's lint job)."""
    from vana_audit.collectors.tool_uses import find_tool_uses

    model = model_of(tmp_path, {".github/workflows/lint.yml": (
        "on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker run --rm -e DISABLE_TFLINT -v $PWD:/workspace --entrypoint= ${DEV_TOOLS} "
        "/usr/local/bin/test_lint.sh\n"
        "      - run: docker container run --rm -w /src hashicorp/terraform:1.9 fmt -check\n")})
    values = [(i.kind, i.value) for i in job(model, "lint").invocations]
    assert ("command", "/usr/local/bin/test_lint.sh") in values
    assert ("image", "hashicorp/terraform:1.9") in values and ("command", "fmt -check") in values
    assert not any(kind == "image" and "$" in value for kind, value in values), "an image named by a variable"
    uses = {(u.tool_id, u.capability) for u in find_tool_uses(model)}
    assert {("cft-developer-tools", "lint"), ("cft-developer-tools", "format-check")} <= uses


def test_npm_scripts_see_the_package_config_variables(tmp_path: Path) -> None:
    """jhipster: `ci:frontend:build` runs `npm run webapp:build:$npm_package_config_default_environment`; npm sets
    that variable from package.json's `config`, so the script it names (and `ng build`) is followed."""
    package = {"config": {"default_environment": "prod"}, "scripts": {
        "ci:frontend:build": "npm run webapp:build:$npm_package_config_default_environment",
        "webapp:build:prod": "ng build --configuration production", "webapp:build:dev": "ng build"}}
    model = model_of(tmp_path, {"package.json": json.dumps(package), ".github/workflows/ci.yml": (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run ci:frontend:build\n")})
    values = [i.value for i in job(model, "build").invocations]
    assert "ng build --configuration production" in values and "ng build" not in values


def test_mvn_version_runs_no_plugin(tmp_path: Path) -> None:
    """jhipster's `backend:info` runs `./mvnw --version`: no lifecycle phase, so checkstyle, spotless or
    gatling are not run by it (they were credited as run in CI)."""
    pom = ("<project><build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
           "<artifactId>maven-checkstyle-plugin</artifactId><executions><execution><phase>validate</phase>"
           "<goals><goal>check</goal></goals></execution></executions></plugin></plugins></build></project>")
    model = model_of(tmp_path, {"pom.xml": pom, "mvnw": "#!/bin/sh\n", ".github/workflows/ci.yml": (
        "on: push\njobs:\n  info:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./mvnw --version\n"
        "  verify:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./mvnw -B verify\n")})
    assert not [i for i in job(model, "info").invocations if i.kind == "maven-plugin"]
    assert any(i.kind == "maven-plugin" and "checkstyle" in i.value for i in job(model, "verify").invocations)


def test_a_cake_bootstrapper_runs_the_dotnet_aliases_of_its_build_script(tmp_path: Path) -> None:
    """Polly's CI runs ./build.ps1, which starts `dotnet cake.cs`; its DotNetTest(...) runs `dotnet test`."""
    model = model_of(tmp_path, {
        ".github/workflows/build.yml": "on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
                                       "    steps:\n      - run: ./build.ps1\n",
        "build.ps1": "# Cake bootstrapper, https://cakebuild.net\nparam([string]$Script = \"cake.cs\")\n"
                     "& dotnet $Script -- \"--target=Default\"\n",
        "cake.cs": "Task(\"__RunTests\")\n    .Does(() =>\n{\n    DotNetTest(proj.FullPath, new DotNetTestSettings());\n});\n"
                   "Task(\"__Pack\").Does(() => DotNetPack(\"src/Polly.csproj\"));\n"})
    found = job(model, "build")
    assert [v for v in values(found) if v.startswith("dotnet")] == ["dotnet $Script -- --target=Default", "dotnet test",
                                                                     "dotnet pack"]
    assert chain(found, "dotnet test")[-1] == "cake.cs:4 dotnet test"


def test_a_make_if_function_is_decided_by_a_variable_set_on_the_command_line(tmp_path: Path) -> None:
    """gotify's CI runs `make DOCKER_BUILD_PUSH=true build-docker`, whose recipe pushes `$(if $(PUSH),--push)`."""
    model = model_of(tmp_path, {
        ".github/workflows/build.yml": "on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
                                       "    steps:\n      - run: make DOCKER_BUILD_PUSH=true build-docker\n",
        "Makefile": "build-docker:\n\tdocker buildx build $(if $(DOCKER_BUILD_PUSH),--push) -t acme/app .\n"})
    assert "docker buildx build --push -t acme/app ." in values(job(model, "build"))


def test_cibuildwheel_runs_the_test_command_of_pyproject(tmp_path: Path) -> None:
    """tiktoken's CI builds wheels with pypa/cibuildwheel, which runs `pytest {project}/tests` on each."""
    model = model_of(tmp_path, {
        ".github/workflows/wheels.yml": "on: [pull_request]\njobs:\n  wheels:\n    runs-on: ubuntu-latest\n"
                                        "    steps:\n      - uses: pypa/cibuildwheel@v2.21\n",
        "pyproject.toml": '[project]\nname = "tiktoken"\n\n[tool.cibuildwheel]\ntest-requires = "pytest"\n'
                          'test-command = "pytest {project}/tests --import-mode=append"\n'})
    found = job(model, "wheels")
    assert "pytest ./tests --import-mode=append" in values(found)
    assert chain(found, "pytest ./tests --import-mode=append")[-1] == "pyproject.toml:6 pytest ./tests --import-mode=append"
