"""CI pipelines of every common provider, normalised into `Pipeline` facts."""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .. import safe_yaml
from ..facts import Job, Pipeline, Step
from ..secrets import clip
from ..source import Source

GHA_DIR = ".github/workflows/"


def _line(node: Any, default: int = 1) -> int:
    return getattr(node, "line", default) or default


def _items(value: Any) -> list[Any]:
    """A YAML sequence, or nothing: a file may put a string or a number where a list belongs."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _load(source: Source, path: str) -> tuple[str, Any] | None:
    text = source.read_text(path)
    if text is None:
        return None
    if not text.strip():
        source.problem(path, "empty file")
        return text, None
    try:
        return text, safe_yaml.load_config(text)
    except Exception as exc:  # yaml.YAMLError, YamlTooComplex, ValueError from odd scalars
        source.problem(path, safe_yaml.describe_error(exc))
        return text, None


# -- GitHub Actions ------------------------------------------------------------------------

def _gha_triggers(on: Any) -> frozenset[str]:
    if isinstance(on, str):
        return frozenset([on])
    if isinstance(on, list):
        return frozenset(str(t) for t in on)
    if isinstance(on, dict):
        names = set(map(str, on))
        push = on.get("push")
        if isinstance(push, dict) and push.get("tags") and not push.get("branches"):
            names.add("tag")
        return frozenset(names)
    return frozenset()


def _gha_branches(on: Any) -> tuple[str, ...]:
    if isinstance(on, dict) and isinstance(on.get("push"), dict):
        branches = on["push"].get("branches") or []
        if isinstance(branches, list):
            return tuple(str(b) for b in branches)
    return ()


def _gha_environment(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    return str(value) if value else None


def parse_github_workflow(path: str, text: str, doc: Any) -> Pipeline:
    if not isinstance(doc, dict):
        return Pipeline("github-actions", path, frozenset(), text=text, parsed=False)
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True
    jobs = []
    for job_id, job in (doc.get("jobs") or {}).items() if isinstance(doc.get("jobs"), dict) else []:
        if not isinstance(job, dict):
            continue
        steps = []
        for raw in _items(job.get("steps")):
            if not isinstance(raw, dict):
                continue
            steps.append(Step(
                name=str(raw.get("name") or raw.get("uses") or (str(raw.get("run") or "").split("\n")[0])),
                line=_line(raw),
                run=_text(raw.get("run")) if raw.get("run") is not None else None,
                uses=str(raw["uses"]) if raw.get("uses") else None,
                with_=dict(raw["with"]) if isinstance(raw.get("with"), dict) else {},
                env=dict(raw["env"]) if isinstance(raw.get("env"), dict) else {},
            ))
        strategy = job.get("strategy")
        jobs.append(Job(
            id=str(job_id),
            line=_line(job),
            name=str(job.get("name") or job_id),
            steps=tuple(steps),
            environment=_gha_environment(job.get("environment")),
            permissions=job.get("permissions"),
            runs_on=_text(job.get("runs-on")),
            uses=str(job["uses"]) if job.get("uses") else None,
            matrix=isinstance(strategy, dict) and bool(strategy.get("matrix")),
            condition=_text(job.get("if")),
            env=dict(job["env"]) if isinstance(job.get("env"), dict) else {},
            raw=job,
        ))
    return Pipeline("github-actions", path, _gha_triggers(on), tuple(jobs),
                    permissions=doc.get("permissions"), name=str(doc.get("name") or ""),
                    text=text, branches=_gha_branches(on), raw=doc)


# -- GitLab CI -------------------------------------------------------------------------------

GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services",
                   "before_script", "after_script", "cache", "pages:deploy"}


def _script_steps(node: Any, keys: tuple[str, ...], line: int) -> list[Step]:
    steps = []
    for key in keys:
        value = node.get(key)
        if value:
            steps.append(Step(name=key, line=_line(value, line), run=_text(value)))
    return steps


def parse_gitlab(path: str, text: str, doc: Any) -> Pipeline:
    if not isinstance(doc, dict):
        return Pipeline("gitlab-ci", path, frozenset(), text=text, parsed=False)
    triggers = {"push"}
    # without workflow rules, a merge request's source-branch pipeline is the merge request's pipeline
    if "merge_request_event" in text or "merge_requests" in text or "workflow" not in doc:
        triggers.add("pull_request")
    if "$CI_COMMIT_TAG" in text or re.search(r"^\s*-\s*tags\s*$", text, re.M):
        triggers.add("tag")
    if '"schedule"' in text or "== \"schedule\"" in text or "schedules" in text:
        triggers.add("schedule")
    jobs = []
    for name, job in doc.items():
        if not isinstance(job, dict) or str(name) in GITLAB_RESERVED or str(name).startswith("."):
            continue
        if not any(k in job for k in ("script", "trigger", "extends", "run")):
            continue
        env = job.get("environment")
        when = job.get("when")
        jobs.append(Job(
            id=str(name), line=_line(job), name=str(name),
            steps=tuple(_script_steps(job, ("before_script", "script", "after_script"), _line(job))),
            environment=_gha_environment(env), stage=str(job.get("stage") or "test"),
            manual=when == "manual" or "when: manual" in _text(job.get("rules")),
            matrix=isinstance(job.get("parallel"), dict),
            runs_on=_text(job.get("image")),
            raw=job,
        ))
    return Pipeline("gitlab-ci", path, frozenset(triggers), tuple(jobs), text=text, raw=doc)


# -- CircleCI, Azure, Bitbucket, Travis, Cloud Build, and the rest ---------------------------

def parse_circleci(path: str, text: str, doc: Any) -> Pipeline:
    jobs = []
    raw_jobs = doc.get("jobs") if isinstance(doc, dict) else None
    for name, job in (raw_jobs or {}).items() if isinstance(raw_jobs, dict) else []:
        steps = []
        for raw in _items(job.get("steps")) if isinstance(job, dict) else []:
            if isinstance(raw, dict) and "run" in raw:
                run = raw["run"]
                command = run.get("command") if isinstance(run, dict) else run
                steps.append(Step(name=str(run.get("name", "run")) if isinstance(run, dict) else "run",
                                  line=_line(raw), run=_text(command)))
            elif isinstance(raw, dict) and raw:
                steps.append(Step(name=str(next(iter(raw))), line=_line(raw), uses=str(next(iter(raw)))))
            elif isinstance(raw, str):
                steps.append(Step(name=raw, line=_line(job), uses=raw))
        jobs.append(Job(id=str(name), line=_line(job), name=str(name), steps=tuple(steps)))
    triggers = {"push", "pull_request"}
    if "schedule" in text or "triggers:" in text:
        triggers.add("schedule")
    return Pipeline("circleci", path, frozenset(triggers), tuple(jobs), text=text, parsed=isinstance(doc, dict))


def _azure_steps(node: Any) -> list[Step]:
    steps = []
    for raw in _items(node.get("steps")) if isinstance(node, dict) else []:
        if not isinstance(raw, dict):
            continue
        for key in ("script", "bash", "pwsh", "powershell"):
            if key in raw:
                steps.append(Step(name=str(raw.get("displayName") or key), line=_line(raw), run=_text(raw[key])))
        if "task" in raw:
            steps.append(Step(name=str(raw.get("displayName") or raw["task"]), line=_line(raw),
                              uses=str(raw["task"]),
                              with_=dict(raw["inputs"]) if isinstance(raw.get("inputs"), dict) else {}))
    return steps


def parse_azure(path: str, text: str, doc: Any) -> Pipeline:
    jobs: list[Job] = []
    if isinstance(doc, dict):
        def add_job(raw: Any, stage: str = "") -> None:
            if not isinstance(raw, dict):
                return
            env = raw.get("environment")
            strategy = raw["strategy"] if isinstance(raw.get("strategy"), dict) else {}
            steps = _azure_steps(raw)
            for phase in strategy.values() if isinstance(strategy, dict) else []:
                if isinstance(phase, dict):
                    for hook in phase.values():
                        steps.extend(_azure_steps(hook))
            jobs.append(Job(id=str(raw.get("job") or raw.get("deployment") or "job"), line=_line(raw),
                            steps=tuple(steps), environment=_gha_environment(env), stage=stage,
                            matrix="matrix" in strategy))
        for stage in _items(doc.get("stages")):
            if isinstance(stage, dict):
                for job in _items(stage.get("jobs")):
                    add_job(job, str(stage.get("stage") or ""))
        for job in _items(doc.get("jobs")):
            add_job(job)
        if doc.get("steps"):
            add_job({"job": "default", "steps": doc["steps"]})
    triggers = {"push"}
    if not isinstance(doc, dict) or doc.get("pr") not in ("none", None) or "pr" not in (doc or {}):
        triggers.add("pull_request")
    if isinstance(doc, dict) and doc.get("schedules"):
        triggers.add("schedule")
    return Pipeline("azure-pipelines", path, frozenset(triggers), tuple(jobs), text=text, parsed=isinstance(doc, dict))


def parse_bitbucket(path: str, text: str, doc: Any) -> Pipeline:
    jobs: list[Job] = []
    triggers = set()
    pipelines = doc.get("pipelines") if isinstance(doc, dict) else None
    if isinstance(pipelines, dict):
        for kind, group in pipelines.items():
            triggers.add({"pull-requests": "pull_request", "tags": "tag",
                          "custom": "workflow_dispatch"}.get(str(kind), "push"))
            items = group.values() if isinstance(group, dict) else [group]
            for entries in items:
                for entry in entries or [] if isinstance(entries, list) else []:
                    step = entry.get("step") if isinstance(entry, dict) else None
                    if isinstance(step, dict):
                        jobs.append(Job(id=str(step.get("name") or f"step{len(jobs) + 1}"), line=_line(step),
                                        steps=tuple(_script_steps(step, ("script",), _line(step))),
                                        environment=str(step["deployment"]) if step.get("deployment") else None,
                                        manual=step.get("trigger") == "manual"))
    return Pipeline("bitbucket-pipelines", path, frozenset(triggers), tuple(jobs), text=text,
                    parsed=isinstance(doc, dict))


def parse_travis(path: str, text: str, doc: Any) -> Pipeline:
    steps = _script_steps(doc, ("before_install", "install", "before_script", "script", "after_success"), 1) \
        if isinstance(doc, dict) else []
    deploy = doc.get("deploy") if isinstance(doc, dict) else None
    jobs = [Job(id="build", line=1, steps=tuple(steps))]
    if deploy:
        jobs.append(Job(id="deploy", line=_line(deploy), environment="production",
                        steps=(Step(name="deploy", line=_line(deploy), run=_text(deploy)),)))
    return Pipeline("travis", path, frozenset({"push", "pull_request"}), tuple(jobs), text=text,
                    parsed=isinstance(doc, dict))


def parse_cloud_build(path: str, text: str, doc: Any) -> Pipeline:
    steps = []
    for raw in _items(doc.get("steps")) if isinstance(doc, dict) else []:
        if isinstance(raw, dict):
            args = [str(x) for x in _items(raw.get("args"))]
            if str(raw.get("entrypoint") or "") in ("bash", "sh", "/bin/bash", "/bin/sh") and args[:1] == ["-c"]:
                command = " ".join(args[1:2])  # the script `bash -c` runs, not the words of the call
            else:
                command = " ".join(str(x) for x in [raw.get("entrypoint") or "", *args] if x)
            steps.append(Step(name=str(raw.get("id") or raw.get("name") or "step"), line=_line(raw),
                              run=command or None, uses=str(raw.get("name") or "") or None))
    # Cloud Build triggers live in the Google Cloud project (or `gcloud builds submit` runs the file by
    # hand): the file itself says nothing of when it runs.
    return Pipeline("cloud-build", path, frozenset({"external"}), (Job(id="build", line=1, steps=tuple(steps)),),
                    text=text, parsed=isinstance(doc, dict))


def parse_generic(provider: str) -> Callable[[str, str, Any], Pipeline]:
    """Providers detected with the commands they run, found by walking every string."""
    def parse(path: str, text: str, doc: Any) -> Pipeline:
        commands: list[Step] = []

        def walk(node: Any, key: str = "") -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, str(k))
            elif isinstance(node, list):
                for v in node:
                    walk(v, key)
            elif key in ("command", "commands", "script", "run", "cmd") and isinstance(node, str):
                commands.append(Step(name=key, line=1, run=node))
        walk(doc)
        return Pipeline(provider, path, frozenset({"push", "pull_request"}),
                        (Job(id="pipeline", line=1, steps=tuple(commands)),), text=text, parsed=doc is not None)
    return parse


# -- Jenkins: text, not Groovy ------------------------------------------------------------------

_STAGE = re.compile(r"""\bstage\s*\(\s*['"]([^'"\n]+)['"]""")
_INPUT = re.compile(r"\binput\b\s*[({]")
_WHEN = re.compile(r"\bwhen\s*\{")
MAX_WHEN_CHARS = 2000
# `\s*(?:\(\s*)?`, not `\s*\(?\s*`: two adjacent `\s*` split a long run of spaces in n^2 ways.
_SH = re.compile(r"""\b(?:sh|bat|powershell)\s*(?:\(\s*)?(?:script\s*:\s*)?"""
                 r"""(?:'''(.*?)'''|\"\"\"(.*?)\"\"\"|'([^'\n]*)'|"([^"\n]*)")""", re.S)


class LineIndex:
    """Line numbers of offsets in one text, by bisection: counting newlines per match is quadratic."""

    def __init__(self, text: str) -> None:
        self._starts = [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) + 1


def _when_block(text: str, start: int, end: int) -> str:
    """A declarative stage's `when { ... }` directive (braces balanced, bounded), or ""."""
    found = _WHEN.search(text, start, end)
    if found is None:
        return ""
    depth, index, stop = 0, found.end() - 1, min(end, found.end() + MAX_WHEN_CHARS)
    while index < stop:
        char = text[index]
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return text[found.start():index + 1]
        index += 1
    return ""


def parse_jenkinsfile(path: str, text: str) -> Pipeline:
    """Declarative and scripted pipelines, by pattern, so a file that would not parse still counts."""
    lines = LineIndex(text)
    stage_starts = [(m.start(), m.group(1), lines.line(m.start())) for m in _STAGE.finditer(text)]
    jobs: list[Job] = []
    for index, (start, name, line) in enumerate(stage_starts):
        end = stage_starts[index + 1][0] if index + 1 < len(stage_starts) else len(text)
        steps = []
        for m in _SH.finditer(text, start, end):
            command = next(g for g in m.groups() if g is not None)
            steps.append(Step(name="sh", line=lines.line(m.start()), run=command))
        jobs.append(Job(id=name, line=line, name=name, steps=tuple(steps), stage=name,
                        manual=bool(_INPUT.search(text, start, end)), condition=_when_block(text, start, end),
                        environment="production" if re.search(r"prod", name, re.I) else None))
    if not jobs:
        pipeline_steps = tuple(Step(name="sh", line=lines.line(m.start()),
                                    run=next(g for g in m.groups() if g is not None)) for m in _SH.finditer(text))
        jobs.append(Job(id="pipeline", line=1, steps=pipeline_steps))
    triggers = {"push", "pull_request"}  # multibranch pipelines build branches and PRs
    if re.search(r"\b(cron|pollSCM)\s*\(", text):
        triggers.add("schedule")
    return Pipeline("jenkins", path, frozenset(triggers), tuple(jobs), text=text)


# -- discovery ------------------------------------------------------------------------------------

YAML_PROVIDERS: dict[str, Callable[[str, str, Any], Pipeline]] = {
    ".gitlab-ci.yml": parse_gitlab,
    ".gitlab-ci.yaml": parse_gitlab,
    ".circleci/config.yml": parse_circleci,
    ".circleci/config.yaml": parse_circleci,
    "azure-pipelines.yml": parse_azure,
    "azure-pipelines.yaml": parse_azure,
    "bitbucket-pipelines.yml": parse_bitbucket,
    ".travis.yml": parse_travis,
    "cloudbuild.yaml": parse_cloud_build,
    "cloudbuild.yml": parse_cloud_build,
    ".buildkite/pipeline.yml": parse_generic("buildkite"),
    ".buildkite/pipeline.yaml": parse_generic("buildkite"),
    ".drone.yml": parse_generic("drone"),
    ".woodpecker.yml": parse_generic("woodpecker"),
    ".woodpecker.yaml": parse_generic("woodpecker"),
}


def _provider_for(path: str) -> Callable[[str, str, Any], Pipeline] | None:
    if path in YAML_PROVIDERS:
        return YAML_PROVIDERS[path]
    if path.startswith(GHA_DIR) and path.count("/") == 2 and path.endswith((".yml", ".yaml")):
        return parse_github_workflow
    if path.startswith(".azure-pipelines/") and path.endswith((".yml", ".yaml")):
        return parse_azure
    if path.startswith(".woodpecker/") and path.endswith((".yml", ".yaml")):
        return parse_generic("woodpecker")
    if path.startswith(".tekton/") and path.endswith((".yml", ".yaml")):
        return parse_generic("tekton")
    base = path.rsplit("/", 1)[-1]
    if base in ("cloudbuild.yaml", "cloudbuild.yml") or base.endswith((".cloudbuild.yaml", ".cloudbuild.yml")) or (
            base.startswith("cloudbuild") and base.endswith((".yaml", ".yml"))):
        return parse_cloud_build
    return None


MAX_JOBS_PER_PIPELINE = 500
MAX_STEPS_PER_PIPELINE = 2000  # every signal walks every step: a generated 100k-step file must not multiply that
MAX_COMMAND_CHARS = 32_000  # one step's script; dozens of regexes read it, so a 2 MB one-liner is cut here
MAX_PIPELINE_TEXT = 512_000  # the raw text some signals search


def _short_step(step: Step) -> Step:
    if len(step.run or "") <= MAX_COMMAND_CHARS and len(step.name) <= 1000:
        return step
    return replace(step, run=clip(step.run, MAX_COMMAND_CHARS) if step.run else step.run, name=clip(step.name, 1000))


def _bounded(source: Source, pipeline: Pipeline) -> Pipeline:
    """The pipeline within the caps above, with a problem entry saying what was cut."""
    jobs, budget, cut = [], MAX_STEPS_PER_PIPELINE, []
    for job in pipeline.jobs[:MAX_JOBS_PER_PIPELINE]:
        steps = tuple(_short_step(step) for step in job.steps[:budget])
        if len(steps) < len(job.steps) or any(a is not b for a, b in zip(steps, job.steps, strict=False)):
            job = replace(job, steps=steps)
        budget -= len(steps)
        jobs.append(job)
    if len(jobs) < len(pipeline.jobs) or sum(len(j.steps) for j in jobs) < sum(len(j.steps) for j in pipeline.jobs):
        cut.append(f"more than {MAX_JOBS_PER_PIPELINE} jobs or {MAX_STEPS_PER_PIPELINE} steps; the rest were not read")
    if any(len(step.run or "") > MAX_COMMAND_CHARS for job in pipeline.jobs for step in job.steps):
        cut.append(f"step scripts longer than {MAX_COMMAND_CHARS} characters were cut")
    text = pipeline.text
    if len(text) > MAX_PIPELINE_TEXT:
        text = clip(text, MAX_PIPELINE_TEXT)
        cut.append(f"only the first {MAX_PIPELINE_TEXT} characters are searched")
    if not cut and all(a is b for a, b in zip(jobs, pipeline.jobs, strict=False)):
        return pipeline
    for message in cut:
        source.problem(pipeline.path, f"pipeline: {message}")
    return replace(pipeline, jobs=tuple(jobs), text=text)


def collect_pipelines(source: Source, files: list[str]) -> tuple[list[Pipeline], list[str]]:
    pipelines: list[Pipeline] = []
    placeholders: list[str] = []
    for path in files:
        parser = _provider_for(path)
        if parser is not None:
            loaded = _load(source, path)
            if loaded is None:
                continue
            text, doc = loaded
            if doc is not None and not isinstance(doc, dict):
                kind = type(doc).__name__
                source.problem(path, f"not a pipeline definition: the top level is a {kind}, not a mapping")
            try:
                pipelines.append(_bounded(source, parser(path, text, doc)))
            except Exception as exc:  # a shape the parser did not expect
                source.problem(path, f"could not interpret pipeline: {type(exc).__name__}: {clip(str(exc), 120)}")
        elif path == "Jenkinsfile" or path.endswith("/Jenkinsfile") or path.endswith(".jenkinsfile") \
                or path.rsplit("/", 1)[-1].startswith("Jenkinsfile."):
            jenkins_text = source.read_text(path)
            if jenkins_text is not None:
                try:
                    pipelines.append(_bounded(source, parse_jenkinsfile(path, jenkins_text)))
                except Exception as exc:  # pattern parsing should not fail; if it does, the scan goes on
                    source.problem(path, f"could not interpret pipeline: {type(exc).__name__}: {clip(str(exc), 120)}")
        elif path.startswith(GHA_DIR) and path.count("/") == 2:
            placeholders.append(path)
    return pipelines, placeholders
