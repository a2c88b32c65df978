"""`docs.*` signals: the repository's documentation (README, runbooks, ADRs, changelog, licence)."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from ..collectors.shell import split_script
from ..facts import Facts, TextLine
from ..model import Evidence
from ..signal_core import (
    CLAIM_CI,
    Signal,
    Signals,
    ci_capability,
    ci_matching,
    ev,
    found,
    listing,
    rx,
    signal,
    tool_uses,
)
from ..tools.catalog import catalog
from ._shared import _base, _paths, readme_lines


@signal("docs.security_policy", "a security policy says how to report a vulnerability privately (SECURITY.md, "
        "SECURITY_CONTACTS, a bug-bounty page, a security section of the README or the contributing guide, or a "
        "security contact link in the issue chooser)")
def security_policy(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(f.docs.get("security", []) + [p for p in f.files if _SECURITY_FILE.search(p)], 2)
    # a heading of the README or the contributing guide (product docs have "Content Security Policy" headings)
    guides = {line.path for line in _readme_lines(f)} | set(f.docs.get("contributing", []))
    hits += _headings(s, r"vulnerabilit|security (issues?|disclosure|reports?|contacts?|advisor)|report(ing)? (a )?"
                         r"security|^security( policy)?\s*$", within=guides)
    for path in (".github/ISSUE_TEMPLATE/config.yml", ".github/ISSUE_TEMPLATE/config.yaml"):
        text = f.config_texts.get(path) or ""
        line = next((n for n, t in enumerate(text.splitlines(), 1) if re.search(r"security|vulnerab", t, re.I)), None)
        if line:
            hits.append(ev(path, line, "the issue chooser sends security reports elsewhere"))
    return found(hits)


_SECURITY_FILE = re.compile(r"^(SECURITY_CONTACTS|BUG[-_]?BOUNTY(\.\w+)?|(docs?|website)/(\S+/)?security/"
                            r"(policy|index|README)\.(md|rst|adoc))$", re.I)


# -- documentation --------------------------------------------------------------------------------------


@signal("docs.readme", "a README with substance (at least 10 non-empty lines)")
def readme(s: Signals) -> Signal:
    lines = _readme_lines(s.facts)
    return Signal(len(lines) >= 10, (ev(lines[0].path, None, f"{len(lines)} non-empty lines"),) if lines else ())


@signal("docs.readme_setup_and_test", "the README explains how to install or run, and how to test")
def readme_sections(s: Signals) -> Signal:
    lines = _readme_lines(s.facts)
    setup = [
        doc_line
        for doc_line in lines
        if _SETUP_INSTRUCTION.search(doc_line.text)
    ]
    # How to run the tests is often in the contributing or developer guide, or in a document the README
    # links to ("General development docs: [development.md](./development.md)").
    readme = lines[0].path if lines else None
    linked = {resolved for line, _, resolved in _local_links(s.facts) if line.path == readme}
    guides = set(s.facts.docs.get("contributing", []) + s.facts.docs.get("developer-guide", [])) | linked
    test = [doc_line for doc_line in lines + [d for d in s.facts.doc_lines if d.path in guides]
            if _TEST_INSTRUCTION.search(doc_line.text) and not doc_line.text.lstrip().startswith(_BADGE_LINE)]
    if not test:
        test = [doc_line for doc_line in lines if _POINTS_TO_CONTRIBUTING.search(doc_line.text)]
    evidence = tuple(doc_line.evidence() for doc_line in (setup[:1] + test[:1]))
    if setup and not test and not any(s.facts.test_files.values()):
        # No tests to run (examples, research code): how to run them cannot be missing from the README.
        return Signal(True, evidence + (ev(".", None, "no test files, so no test command to document"),))
    return Signal(bool(setup) and bool(test), evidence)


# How to get going: install/usage words, a development-environment or build section, or the dependency
# snippet a library's users paste (`[dependencies]` for Cargo).
_SETUP_INSTRUCTION = re.compile(r"(install|setup|set up|getting started|quick ?start|usage|how to use|run locally|"
                                r"development environment|build(ing)? from source|^#{1,6}[ \t]+build(ing)?\b|"
                                r"^#{1,6}[ \t]+(local )?development\b|"
                                r"^\[dependencies\])", re.I)
_BADGE_LINE = ("[![", "![", "<img", "<a href")  # a "Tests passing" badge says nothing about how to run them
# How to run the tests: a test heading, words that say how ("run the tests"), or a test command written
# as one (in a code span, after a shell prompt, or as a code line of its own). A feature list that names
# a test tool ("Tests with [Pytest](...)") is not an instruction.
_TEST_COMMAND = (r"(pytest|tox|nox|(npm|yarn|pnpm|bun)( run)? test|go test|cargo (test|nextest)|make (check|test)|"
                 r"\./mvnw|mvn|\./gradlew|gradle|rspec|phpunit|vendor/bin/phpunit|dotnet test|ctest|meson test|"
                 r"(bundle exec )?rake|mix test|swift test|(\./)?scripts?/test|bin/test|composer test)\b")
_TEST_INSTRUCTION = re.compile(
    r"^#{1,6}[ \t][^\n]*\btest|"
    r"\brun(ning)? (the |all |unit |our )?tests|\bto test\b|\btest suite|"
    r"(?:`|^\s*+(?:[$>]\s*+)?)(?:(?:uv|poetry|pipenv|hatch|pdm) run |npx |bash |sh |python3? -m )*+" + _TEST_COMMAND,
    re.I)
_POINTS_TO_CONTRIBUTING = re.compile(r"\[[^\]]{0,200}\]\s*(\(|\[)[^)\]]{0,300}contribut|"
                                     r"contribut[^\n]{0,200}(\]\(|\]\[|https?://|`[^`]+`_)", re.I)


@signal("docs.contributing", "a contribution guide exists (CONTRIBUTING, a developer guide, a contributing section "
        "of the README or the docs, or a README link to the project's guide)")
def contributing(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(f.docs.get("contributing", []) + f.docs.get("developer-guide", []), 2)
    # a section with substance: "Contributions are welcome" and three links is no guide (memos)
    hits += _headings(s, r"contribut|hacking|development guide",
                      within={line.path for line in f.doc_lines} - set(f.docs.get("code-of-conduct", [])),
                      min_lines=_GUIDE_LINES)
    hits += [line.evidence() for line in _readme_lines(f) if _POINTS_TO_CONTRIBUTING.search(line.text)][:1]
    return found(hits)


@signal("docs.deployment", "deployment is documented (a deployment document, or an install, bootstrap or "
        "self-hosting section that names where and how it runs)")
def deployment_docs(s: Signals) -> Signal:
    hits = _paths(s.facts.docs.get("deployment", []))
    return found(hits + _deployment_sections(s.facts.doc_lines)[:2] + _deploy_commands(s.facts.doc_lines)[:1])


def _deploy_commands(lines: list[TextLine]) -> list[Evidence]:
    """A command that rolls the software out, shown in the docs (`azd up` under eShop's "### Use Azure Developer
    CLI"): the steps are documented whatever the heading says. The tool catalog says which commands deploy."""
    tools = catalog()
    for line in lines:
        text = line.text.strip().removeprefix("$").strip()
        if not text or not tools.is_tool_command(text.split(maxsplit=1)[0]):
            continue
        for command in split_script(text, max_commands=3):
            if any(use.capability == "deploy" for use in tools.from_command(list(command.argv))):
                return [line.evidence()]
    return []


_HEADING = re.compile(r"^(#{1,6})[ \t]")
# An "Examples" section counts below the title: "# ArgoCD Example Apps" names the repository, not a section.
_DEPLOY_HEADING = re.compile(r"^(#{1,6}[ \t][^\n]{0,200}?(deploy|install|bootstrap|self-host|hosting|production|"
                             r"running in|upgrad|usage|docker|compose)|#{2,6}[ \t][^\n]{0,200}?examples?\b)", re.I)
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


@signal("docs.env_example", "environment variables are documented: an env template (.env.example, env.sample...), "
        "a committed .env of placeholders, or a configuration section of the docs naming the variables")
def env_example(s: Signals) -> Signal:
    f = s.facts
    templates = f.docs.get("env-example", [])
    hits = _paths(templates + [p for p in f.files if _ENV_TEMPLATE.search(p) and p not in templates], 2)
    # a committed root .env without secrets is the template itself (full-stack-fastapi-template)
    leaked = {hit.path for hit in f.secrets}
    hits += [ev(p, None, "a committed .env of placeholder values") for p in f.config_files.get("env-file", [])
             if "/" not in p and p not in leaked][:1]
    lines = f.doc_lines
    for index, line in enumerate(lines):
        heading = _MD_HEADING.match(line.text)
        if heading and _ENV_HEADING.search(heading.group(1)[:200]) and len(
                {name for part in _section(lines, index) for name in _ENV_NAME.findall(part.text)}) >= 2:
            hits.append(line.evidence())
            break
    return found(hits)


_ENV_TEMPLATE = re.compile(r"(^|/)[^/]*env\.(sample|example|template|dist)$", re.I)
_ENV_HEADING = re.compile(r"environment variables|env(ironment)? vars|^configur|^settings|^options|^flags", re.I)
_ENV_NAME = re.compile(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`|^\|\s*([A-Z][A-Z0-9]*_[A-Z0-9_]+)\s*\|")


@signal("docs.runbooks", "runbooks or an incident-response guide exist")
def runbooks(s: Signals) -> Signal:
    return found(_paths(s.facts.docs.get("runbook", []) + s.facts.docs.get("incident-response", [])))


@signal("docs.architecture", "architecture is documented (architecture docs or ADRs)")
def architecture(s: Signals) -> Signal:
    hits = _paths(s.facts.docs.get("architecture", []) + s.facts.docs.get("adr", []))
    # an architecture section of the README or the docs (microservices-demo's diagram and service table)
    hits += _headings(s, r"^(service |system |software )?architecture\b", min_lines=3)
    return found(hits)


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


# -- documentation --------------------------------------------------------------------------------------------


@signal("docs.license", "a LICENSE file states the terms of use")
def license_file(s: Signals) -> Signal:
    return found(
        _paths(s.facts.docs.get("license", []) + [p for p in s.facts.files if p.startswith("LICENSES/")][:1], 2)
    )


@signal("docs.code_of_conduct", "a code of conduct is adopted (CODE_OF_CONDUCT, or the README, contributing guide "
        "or docs adopt a named one)")
def code_of_conduct(s: Signals) -> Signal:
    hits = _paths(s.facts.docs.get("code-of-conduct", []), 2)
    hits += [line.evidence() for line in s.facts.doc_lines if _CONDUCT.search(line.text)][:2]
    return found(hits)


_CONDUCT = re.compile(r"code[ _-]of[ _-]conduct", re.I)


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


def _headings(s: Signals, pattern: str, within: set[str] | None = None, min_lines: int = 0) -> list[Evidence]:
    """Headings whose text matches `pattern` (searched in the heading text, so `^` anchors at its start):
    Markdown ones (`## Contributing`) and reStructuredText ones (a title over a line of = - ~ ^); `within`
    limits them to those documents, `min_lines` to sections of at least that many non-empty lines."""
    regex = re.compile(pattern, re.I)
    lines = s.facts.doc_lines
    hits = []
    for index, line in enumerate(lines):
        if within is not None and line.path not in within:
            continue
        markdown = _MD_HEADING.match(line.text)
        if markdown:
            heading = markdown.group(1)
        elif line.path.endswith(".rst") and index + 1 < len(lines) and _RST_UNDERLINE.match(lines[index + 1].text) \
                and lines[index + 1].path == line.path and lines[index + 1].line == line.line + 1:
            heading = line.text.strip()
        else:
            continue
        if regex.search(heading[:200]) and (not min_lines or _section_lines(lines, index) >= min_lines):
            hits.append(line.evidence())
            if len(hits) == 2:
                break
    return hits


_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.*)")
_GUIDE_LINES = 6


def _section(lines: list[TextLine], index: int) -> list[TextLine]:
    """The non-empty lines of the section under the heading at `index`, up to the next heading of the same
    or a higher level (Markdown) or the next title (reStructuredText), within 50 lines."""
    head = lines[index]
    level = len(head.text) - len(head.text.lstrip("#"))
    section: list[TextLine] = []
    for line in lines[index + 1: index + 51]:
        if line.path != head.path:
            break
        hashes = len(line.text) - len(line.text.lstrip("#"))
        if level and 0 < hashes <= level and line.text[hashes:hashes + 1] in (" ", "\t"):
            break
        if not level and _RST_UNDERLINE.match(line.text) and len(section) > 1:
            break  # the next title's underline (the title line itself was taken: near enough)
        section.append(line)
    return section


def _section_lines(lines: list[TextLine], index: int) -> int:
    """How many lines of the section under the heading at `index` say something (bare link items aside)."""
    return sum(1 for line in _section(lines, index) if not _LINK_ITEM.match(line.text))


# "- [Report bugs](url)": a link, no text
_LINK_ITEM = re.compile(r"^\s*[-*+]\s*\[[^\]\n]{0,300}\]\([^)\s]{0,500}\)\s*$")

_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`*+#])\1{2,}\s*$")


@signal("docs.troubleshooting", "a troubleshooting guide or FAQ exists")
def troubleshooting(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(
        f.docs.get("troubleshooting", [])
        + [p for p in f.files if re.search(r"(^|/)faq[^/]{0,100}\.(md|rst|adoc)$", p, re.I)],
        3,
    )
    hits += _headings(s, r"troubleshoot|\bfaq\b|frequently asked|common (problems|issues|errors)|known issues")
    # the README sends readers to a FAQ or troubleshooting page kept elsewhere (a wiki, the project's site)
    hits += [line.evidence() for line in _readme_lines(f) if _HELP_LINK.search(line.text)][:1]
    return found(hits)


_HELP_LINK = re.compile(r"\[[^\]\n]{0,100}\b(faq|troubleshoot\w*|frequently asked[^\]\n]{0,40})\]\(https?://", re.I)


SITE_FILES = re.compile(
    r"(^|/)(mkdocs\.ya?ml|docusaurus\.config\.[jt]s|book\.toml|antora\.yml|\.readthedocs\.ya?ml|"
    r"\.vitepress/config\.[cm]?[jt]s|docs/conf\.py|docs/_config\.yml|hugo\.(toml|ya?ml)|"
    r"docs/astro\.config\.mjs|mint\.json|docs\.json)$"
)


@signal("docs.site", "a documentation site is generated (MkDocs, Sphinx, Docusaurus, mdBook, Read the Docs…), or "
        "the README links to the package's hosted reference (docs.rs, pkg.go.dev, javadoc.io, Read the Docs…)")
def docs_site(s: Signals) -> Signal:
    hits = _paths(s.facts.docs.get("docs-site", []) + [p for p in s.facts.files if SITE_FILES.search(p)], 3)
    # registries that build and host a package's reference from its sources (docs.rs builds every crate)
    hits += [line.evidence() for line in _readme_lines(s.facts) if HOSTED_REFERENCE.search(line.text)][:1]
    return found(hits)


HOSTED_REFERENCE = re.compile(r"https?://(docs\.rs/|pkg\.go\.dev/|(www\.)?javadoc\.io/|[\w-]+\.readthedocs\.io|"
                              r"readthedocs\.org/projects/|hexdocs\.pm/|(www\.)?rubydoc\.info/|godoc\.org/)", re.I)


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
    # a heading of any document but a changelog, whose headings are releases ("# Unreleased Changes")
    documents = {line.path for line in s.facts.doc_lines} - set(s.facts.docs.get("changelog", []))
    return found(_paths(files, 3) + _headings(s, r"\breleas(e|ing)\b|publishing a new version|how to publish",
                                              within=documents))


# -- README badges and links ---------------------------------------------------------------------------------

BADGE = re.compile(
    r"!\[[^\]\n]{0,300}+\]\(([^)(\[\s]{1,500}+)(?:[ \t][^)\n]{0,200}+)?\)|"
    r"<img[^>\n]{1,200}?src=[\"']([^\"'\n]{1,500}+)[\"']",
    re.I,
)


def _readme_lines(facts: Facts) -> list[TextLine]:
    return readme_lines(facts)


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
    checks: tuple[tuple[str, Callable[[], bool], str], ...] = (
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
    r"^[ \t]*\[(?!\^)[^\]\n]{1,300}\]:[ \t]*(\S{1,500})"  # a reference definition; `[^1]: text` is a footnote
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
