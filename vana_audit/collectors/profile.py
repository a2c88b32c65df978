"""What kind of repository this is, decided from weighted evidence; the profile decides which rules apply.

Profiles: service (a backend that runs), web-app (a front end that is deployed, or a mobile app shipped to
its users' devices), library (a package others install), cli (a command-line tool), infrastructure
(Terraform/Pulumi/CDK code, a Helm chart repository), gitops (a configuration repository of Kubernetes
manifests reconciled by Argo CD/Flux), docs (a documentation site), research (notebooks and scripts, no
package), monorepo (members of different kinds) and unknown (no evidence: judged by the rules every
repository gets, never as a service).

Each clue adds a weight to one profile; the heaviest profile wins if it weighs at least MIN_WEIGHT,
and every clue is shown in the reasons. Tests, fixtures, examples, benchmarks and dev containers are
not evidence (a route in a `_test.go` does not make a service), nor is a documentation folder
evidence about the product (a `vercel.json` in docs/ is about the docs site).

A workspace (Cargo, npm/pnpm, go.work, or packages under packages/, apps/, crates/…) is profiled
member by member (`Facts.profile_members`). The repository takes the profile of its top-level
package when there is one (ripgrep: a cli whose crates are libraries), else the members' profile when
they agree, else "monorepo". A rule applies when the repository's profile or one member's is in the
rule's `profiles:` (engine.applies_to names that member), so a workspace of libraries gets no
service rules and a monorepo with one service does.

`profile:` in configuration sets the repository's profile; members are still profiled.
"""
from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import safe_yaml
from ..model import ALL_PROFILES
from ..results import ProfileMember
from ..tools import catalog
from .containers import final_stage, is_dev_dockerfile, starts_something
from .deploys import all_deploy_jobs, deploys_docs_site, job_runs_deploy_tool
from .exclusions import exclusion_summary, in_source_tree

if TYPE_CHECKING:
    from ..facts import Dockerfile, Facts, PackageManifest

PROFILES = ALL_PROFILES
SERVICE_PROFILES = ("service", "web-app")
MIN_WEIGHT = 2
# Ties go to the profile whose evidence is the hardest to produce by accident.
_TIE_ORDER = ("infrastructure", "gitops", "service", "web-app", "cli", "library", "docs", "research")

Reader = Callable[[str], "str | None"]

_SERVICE_CONFIG = ("pm2", "fly", "heroku", "app-engine", "cloud-run")
_FRONTEND_HOSTS = ("vercel", "netlify")
_PACKAGE_DIRS = ("packages", "apps", "services", "libs", "modules", "components", "plugins", "crates", "projects")
_DOCS_MEMBER_DIRS = ("docs", "website", "www", "site", "documentation")
_WORKSPACE_FILES = ("pnpm-workspace.yaml", "lerna.json", "nx.json", "turbo.json", "go.work", "rush.json")
_APP_CODE = (".py", ".js", ".ts", ".tsx", ".jsx", ".mjs", ".go", ".java", ".kt", ".rb", ".rs", ".cs", ".php", ".scala",
             ".swift", ".c", ".cc", ".cpp", ".fs", ".ex", ".exs", ".hs", ".dart", ".vue", ".svelte")
# Not evidence of what the product is: tests, test data, benchmarks, fuzzing, dev containers, and the role
# folders examples/, samples/, fixtures/ (unless they are a package inside a source tree, like the
# `org/springframework/samples` of a Java application: see collectors.exclusions.in_source_tree).
_NOT_EVIDENCE = re.compile(r"(^|/)(tests?|spec|specs|__tests__|e2e|testdata|test_data|test-data|testing|"
                           r"test[-_]?suite|integration[-_]tests?|"
                           r"__fixtures__|\.devcontainer|benchmarks?|benches|fuzz)/|"
                           r"(^|/)src/(test|it|integrationTest|testFixtures)/", re.I)
# a folder named for its role, alone or as a word of its name ("watchOS Example/", "sample-app/")
_ROLE_DIRS = re.compile(r"(^|/)([^/]{0,60}[ _.-])?(examples?|samples?|demos?)([ _.-][^/]{0,60})?/|(^|/)fixtures/", re.I)
_DOCS_DIR = re.compile(r"(^|/)(docs?|website|www|site|documentation)/", re.I)
_TOOLING_DIR = re.compile(r"(^|/)(scripts|hack|tools|_tools|_static|bin|\.github|ci|\.circleci|\.gitlab)/")
# Configuration written in a programming language is not the product: Sphinx's conf.py, vite.config.ts.
_CONFIG_CODE = re.compile(r"(^|/)(conf\.py|[^/]{1,200}\.config\.[cm]?[jt]s)$")
_TEST_FILE = re.compile(r"(^|/)(test_[^/]{0,200}|[^/]{0,200}_test\.\w{1,10}|[^/]{0,200}\.(test|spec)\.\w{1,10}|"
                        r"conftest\.py|setup\.py|noxfile\.py)$")
_DEV_FILE = re.compile(r"(^|/)(\.devcontainer|tests?|e2e|docs?|ci|\.github)/|(\.|-)(dev|test|ci|local)(\.ya?ml)?$",
                       re.I)
_GEM_EXECUTABLES = re.compile(r"^[ \t]*\w+\.executables[ \t]*=[ \t]*(%w[\[(][^\])\n]{1,200}[\])]|\[[^\]\n]{1,200}\])",
                              re.M)
# a library target that is not an internal OBJECT library; ALIAS targets only rename one
_CMAKE_LIBRARY = re.compile(r"^[ \t]*add_library[ \t]*\([ \t]*[^\s)]+[ \t]+(?!ALIAS\b|OBJECT\b)", re.M | re.I)
_CMAKE_EXECUTABLE = re.compile(r"^[ \t]*add_executable[ \t]*\(", re.M | re.I)
_PUBLISH = re.compile(r"(twine upload|npm publish|pnpm publish|yarn publish|pypa/gh-action-pypi-publish|uv publish|"
                      r"poetry publish|flit publish|hatch publish|cargo publish|gem push|goreleaser|mvn deploy|"
                      r"gradle\w{0,20} publish|changesets/action|semantic-release|rubygems/release-gem|"
                      r"JS-DevTools/npm-publish|pdm publish)", re.I)

WEB_FRAMEWORKS = frozenset({  # a backend that serves requests
    "fastapi", "flask", "django", "starlette", "aiohttp", "uvicorn", "gunicorn", "tornado", "sanic", "litestar",
    "quart", "falcon", "pyramid", "express", "@nestjs/core", "koa", "fastify", "@hapi/hapi", "hono", "rails",
    "sinatra", "puma",
})
FRONTEND_FRAMEWORKS = frozenset({  # a front end (or full-stack web app) that is built and deployed
    "next", "nuxt", "@sveltejs/kit", "@remix-run/react", "@remix-run/node", "react-scripts", "@angular/core",
    "gatsby", "@vue/cli-service", "ember-source", "astro", "@tanstack/react-start", "@tanstack/start",
    "@solidjs/start", "expo", "react-native",  # a mobile app is a front end that is built and shipped too
})
DOCS_GENERATORS = frozenset({"@docusaurus/core", "vitepress", "vuepress", "nextra", "@astrojs/starlight", "mkdocs",
                             "mkdocs-material", "sphinx", "docsify-cli"})
_CLI_LIBS = {"clap", "structopt", "argh", "lexopt", "pico-args", "click", "typer", "fire", "docopt", "cyclopts",
             "commander", "yargs", "@oclif/core", "meow", "cac", "citty"}
# Backend frameworks of the manifests that are not parsed for dependencies (read as text).
_TEXT_FRAMEWORKS = {
    "go": re.compile(r"^[ \t]*(?:require\s+)?(github\.com/(?:gin-gonic/gin|labstack/echo|gofiber/fiber|go-chi/chi|"
                     r"gorilla/mux|grpc-ecosystem/grpc-gateway))\S*\s+v\S+[ \t]*$", re.M),  # not `// indirect`
    # `actix-web = "4"` or a `[dependencies.actix-web]` table (lldap's server)
    "cargo": re.compile(r"^[ \t]*(?:\[dependencies\.)?(actix-web|axum|rocket|warp|poem|tide|salvo)(?:[ \t]*=|\])",
                        re.M),
    "maven": re.compile(r"spring-boot-starter-web(flux|mvc)?\b|quarkus-(resteasy|rest)\b|micronaut-http-server|"
                        r"ktor-server|dropwizard-core|javalin"),
    "bundler": re.compile(r"""^[ \t]*gem[ \t]+["'](rails|sinatra|hanami|roda)["']""", re.M),
    "composer": re.compile(r'"(laravel/framework|symfony/framework-bundle|slim/slim)"'),
    "mix": re.compile(r"(?<=\{:)(phoenix|plug_cowboy|bandit)(?=[ \t]*,)"),
}
_TEXT_FRAMEWORKS["gradle"] = _TEXT_FRAMEWORKS["maven"]
# what makes a server framework's application a web app with pages of its own
_SERVER_RENDERED_UI = {
    "bundler": re.compile(r"""^[ \t]*gem[ \t]+["'](turbo-rails|stimulus-rails|importmap-rails|jsbundling-rails|"""
                          r"""cssbundling-rails|propshaft|sprockets-rails|tailwindcss-rails)["']""", re.M),
    "mix": re.compile(r"(?<=\{:)(phoenix_live_view)(?=[ \t]*,)"),
}
_MAVEN_PACKAGING = re.compile(r"<packaging>\s*([\w-]+)\s*</packaging>")
# a build that deploys its artefacts for others to depend on (Maven Central's plugins, a repository to deploy to)
_MAVEN_PUBLISHING = re.compile(r"<(?:artifactId>)?(central-publishing-maven-plugin|nexus-staging-maven-plugin|"
                               r"distributionManagement)\b")
_PLUGIN_PACKAGING = ("hpi", "jpi", "maven-plugin", "bundle", "aar")  # Jenkins, Maven, OSGi plugins, Android libs
_GRADLE_LIBRARY = re.compile(r"""(?m)^[ \t]*(?:id[ \t(]*["']java-library["']|`java-library`|"""
                             r"""apply plugin:[ \t]*["']java-library)""")
_GRADLE_APPLICATION = re.compile(r"""(?m)^[ \t]*(?:id[ \t(]*["']application["']|\bapplication\b[ \t]*$|"""
                                 r"""apply plugin:[ \t]*["']application)""")
_GO_CLI = re.compile(r"github\.com/(spf13/cobra|urfave/cli|alecthomas/kingpin|alecthomas/kong|peterbourgon/ff|"
                     r"jessevdk/go-flags)\b")
_SCIENCE = re.compile(r"^[ \t]*(?:import|from)[ \t]+(torch|tensorflow|jax|numpy|pandas|sklearn|scipy|matplotlib|"
                      r"transformers|keras|xgboost|seaborn|datasets)\b", re.M)
_GITOPS_KINDS = {"Application", "ApplicationSet", "AppProject", "HelmRelease", "GitRepository", "OCIRepository",
                 "HelmRepository"}
_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Rollout", "CronJob", "Service", "Ingress")
_SITE_CONFIGS = re.compile(r"(^|/)(mkdocs\.ya?ml|docusaurus\.config\.[cm]?[jt]s|book\.toml|antora(-playbook)?\.ya?ml|"
                           r"hugo\.(toml|ya?ml|json)|_quarto\.yml|docfx\.json|\.vitepress/config\.[cm]?[jt]s|"
                           r"_config\.yml|conf\.py)$")
_CONTENT = (".md", ".mdx", ".rst", ".adoc", ".txt", ".html")
_MAX_READS = 60
_IMAGE_LIBRARY = 4  # this many runtime Dockerfiles and no application code: a repository of images
_CONTENT_REPOSITORY = 50  # pages of prose, with little code beside them, that make a repository of content


@dataclass(frozen=True)
class Clue:
    profile: str
    weight: int
    text: str


def _entry_command(dockerfile: Dockerfile) -> str | None:
    """The program the final stage starts: the first word of its ENTRYPOINT (else CMD), exec or shell form."""
    stage = final_stage(dockerfile)
    start = [i for i in stage if i.cmd == "ENTRYPOINT"] or [i for i in stage if i.cmd == "CMD"]
    if not start:
        return None
    words = re.findall(r'[^\s"\',\[\]]+', start[-1].args)
    return words[0].rsplit("/", 1)[-1] if words else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _npm_library(m: PackageManifest) -> bool:
    """A package npm can publish: not private, and an entry point or a list of the files it ships (npm's
    default entry point is index.js, so express declares only `files`)."""
    return m.ecosystem == "npm" and not m.data.get("private") and any(
        k in m.data for k in ("main", "exports", "module", "types", "files"))


def _composer_library(text: str) -> bool:
    """Composer's `type` defaults to library (guzzle declares none); a project or metapackage is not one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # broken or hostile JSON: no evidence
        return False
    kind = data.get("type", "library") if isinstance(data, dict) else None
    return isinstance(data, dict) and bool(data.get("name")) and kind in ("library", "composer-plugin")


def _toml(read: Reader, path: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(read(path) or "")
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _table(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


# -- scopes: the repository's top level and each member ------------------------------------------------


@dataclass
class _Scope:
    root: str  # "" for the top level, "crates/cli/" for a member
    files: list[str]

    def rel(self, path: str) -> str:
        return path[len(self.root):]

    def product(self, path: str) -> bool:
        """A file that says what the product is: not a test, fixture, example or dev container."""
        rel = self.rel(path)
        return not _NOT_EVIDENCE.search(rel) and not _TEST_FILE.search(rel) \
            and not (_ROLE_DIRS.search(rel) and not in_source_tree(rel))

    def app_code(self) -> list[str]:
        return [f for f in self.files if f.endswith(_APP_CODE) and self.product(f)
                and not _TOOLING_DIR.search(self.rel(f)) and not _DOCS_DIR.search(self.rel(f))
                and not _CONFIG_CODE.search(self.rel(f))]


def is_product_file(path: str) -> bool:
    """Says what the product is: not a test, fixture, example, benchmark or dev container."""
    return _Scope("", []).product(path)


def product_code(files: list[str]) -> list[str]:
    """The product's source files: not tests, fixtures, examples, tooling, docs or configuration."""
    return _Scope("", files).app_code()


def _split_scopes(files: list[str], members: list[str]) -> tuple[_Scope, dict[str, _Scope]]:
    """Each file goes to the deepest member holding it, or to the top level."""
    ordered = sorted(members, key=len, reverse=True)
    top = _Scope("", [])
    scopes = {m: _Scope(m, []) for m in members}
    for path in files:
        owner = next((m for m in ordered if path.startswith(m)), None)
        (scopes[owner] if owner else top).files.append(path)
    return top, scopes


# -- members ---------------------------------------------------------------------------------------------


def _globs_to_dirs(globs: list[str], manifest_dirs: set[str]) -> set[str]:
    found = set()
    for glob in globs:
        glob = glob.strip().strip("/").removeprefix("./")
        if not glob or glob.startswith("!"):
            continue
        found |= {d for d in manifest_dirs if fnmatch.fnmatch(d, glob) or (glob.endswith("/**")
                                                                          and d.startswith(glob[:-2]))}
    return found


def _members(facts: Facts, read: Reader) -> tuple[list[str], list[str]]:
    """Member directories ("dir/") and where they are declared."""
    manifest_dirs = {_dir(m.path) for m in facts.manifests if "/" in m.path}
    declared: set[str] = set()
    sources: list[str] = []
    if facts.has_file("Cargo.toml"):
        cargo_workspace = _table(_toml(read, "Cargo.toml"), "workspace")
        globs = [str(g) for g in cargo_workspace.get("members") or [] if isinstance(g, str)]
        cargo_dirs = {_dir(m.path) for m in facts.manifests if m.ecosystem == "cargo" and "/" in m.path}
        found = _globs_to_dirs(globs, cargo_dirs)
        if found:
            declared |= found
            sources.append("Cargo workspace in Cargo.toml")
    root_npm = next((m for m in facts.manifests if m.path == "package.json"), None)
    npm_globs: list[str] = []
    if root_npm is not None:
        spaces = root_npm.data.get("workspaces")
        spaces = spaces.get("packages") if isinstance(spaces, dict) else spaces
        npm_globs += [str(g) for g in spaces or [] if isinstance(g, str)] if isinstance(spaces, list) else []
    if facts.has_file("pnpm-workspace.yaml"):
        try:
            doc = safe_yaml.load(read("pnpm-workspace.yaml") or "")
        except Exception:  # noqa: BLE001 - an unreadable workspace file is no evidence
            doc = None
        packages = doc.get("packages") if isinstance(doc, dict) else None
        npm_globs += [str(g) for g in packages or [] if isinstance(g, str)] if isinstance(packages, list) else []
    if npm_globs:
        npm_dirs = {_dir(m.path) for m in facts.manifests if m.ecosystem == "npm" and "/" in m.path}
        found = _globs_to_dirs(npm_globs, npm_dirs)
        if found:
            declared |= found
            sources.append("npm workspaces" if not facts.has_file("pnpm-workspace.yaml") else "pnpm-workspace.yaml")
    if facts.has_file("go.work"):
        uses = re.findall(r"^\s*(?:use\s+)?\(?\s*\.?/?([\w./-]+)\s*\)?\s*$", read("go.work") or "", re.M)
        found = {u.strip("/") for u in uses if u.strip("./") and u.strip("/") in manifest_dirs}
        if found:
            declared |= found
            sources.append("go.work")
    if not declared:  # no workspace declaration: packages under packages/, apps/, crates/… with their own manifests
        packages = {d for d in manifest_dirs if d.split("/", 1)[0] in _PACKAGE_DIRS and d.count("/") <= 2
                    and d not in _PACKAGE_DIRS}
        workspace = [f for f in facts.files if f in _WORKSPACE_FILES]
        if len(packages) >= 3 or (workspace and len(packages) >= 2):
            declared |= packages
            sources.append("packages with their own manifests" + (f" and {workspace[0]}" if workspace else ""))
    docs_members = {d for d in manifest_dirs if d in _DOCS_MEMBER_DIRS}
    if docs_members - declared:
        declared |= docs_members
        sources.append("a documentation site with its own manifest")
    members = sorted(d + "/" for d in declared if d and not _NOT_EVIDENCE.search(d + "/")
                     and not _ROLE_DIRS.search(d + "/"))
    return members, sources


# -- clues -------------------------------------------------------------------------------------------------


class _Clues:
    def __init__(self, facts: Facts, scope: _Scope, read: Reader, top: bool, members: list[str],
                 budget: list[int]) -> None:
        self.facts, self.scope, self._read, self.top, self.members = facts, scope, read, top, members
        self.budget = budget  # files left to read, shared by all scopes
        self.clues: list[Clue] = []
        self._jvm_build_counted = False
        self._maven_publishing_counted = False
        self._texts: dict[str, str] = {}
        self.in_scope = set(scope.files)
        self.commands: set[str] = set()  # programs the repository ships: npm bin, [project.scripts], gem executables

    def add(self, profile: str, weight: int, text: str) -> None:
        self.clues.append(Clue(profile, weight, text))

    def read(self, path: str) -> str:
        """A file's text; each read file costs one unit of the shared budget, a second read nothing."""
        if path in self._texts:
            return self._texts[path]
        if self.budget[0] <= 0:
            return ""
        self.budget[0] -= 1
        self._texts[path] = self._read(path) or ""
        return self._texts[path]

    def collect(self) -> list[Clue]:
        facts, scope = self.facts, self.scope
        app_code = scope.app_code()
        manifests = [m for m in facts.manifests if m.path in self.in_scope and scope.product(m.path)
                     and not _DOCS_DIR.search(scope.rel(m.path)) and not _TOOLING_DIR.search(scope.rel(m.path))]
        self._manifests(manifests)
        self._go(manifests)
        self._goreleaser()
        self._platforms()
        self._mobile_apps()
        self._containers()
        self._health()
        self._ci()
        self._infrastructure(app_code)
        self._docs(app_code)
        self._research(manifests, app_code)
        return self.clues

    # the manifests: packages, command-line entry points, web frameworks
    def _manifests(self, manifests: list[PackageManifest]) -> None:
        for m in manifests:
            base, rel = _base(m.path), m.path
            if m.ecosystem == "npm":
                bins = m.data.get("bin")
                if bins:
                    names = sorted(bins) if isinstance(bins, dict) else [str(m.data.get("name") or bins)]
                    self.commands.update(names)
                    self.add("cli", 3, f"`bin` ({', '.join(names[:3])}) in {rel}")
                if _npm_library(m):
                    self.add("library", 2, f"a publishable package manifest ({rel})")
                elif not self.top and m.data.get("private") and any(k in m.data for k in ("main", "exports", "module")):
                    self.add("library", 2, f"an internal package the other members import ({rel})")
                docs = sorted(m.dependencies & DOCS_GENERATORS)
                if docs:
                    self.add("docs", 4, f"documentation generator {docs[0]} in {rel}")
                elif not _npm_library(m):
                    front = sorted(m.dependencies & FRONTEND_FRAMEWORKS)
                    if front:
                        self.add("web-app", 3, f"front-end framework {front[0]} in {rel}")
            elif base == "pyproject.toml":
                data = _toml(self.read, m.path)
                project = _table(data, "project")
                poetry = _table(_table(data, "tool"), "poetry")
                scripts = _table(project, "scripts") or _table(poetry, "scripts")
                if scripts:
                    self.commands.update(scripts)
                    self.add("cli", 2, f"[project.scripts] ({', '.join(sorted(scripts)[:3])}) in {rel}")
                if project.get("name") or poetry.get("name"):
                    self.add("library", 2, f"a publishable package manifest ({rel})")
            elif base in ("setup.py", "setup.cfg"):
                pass  # read below with the text manifests
            elif m.ecosystem == "cargo":
                data = _toml(self.read, m.path)
                package = _table(data, "package")
                if not package:
                    continue
                here = _dir(m.path) + "/" if "/" in m.path else ""
                bins = [b.get("name") or package.get("name") for b in data.get("bin") or [] if isinstance(b, dict)
                        and not str(b.get("path", "")).startswith(("tests/", "benches/", "examples/"))]
                if bins:
                    self.add("cli", 3, f"[[bin]] {', '.join(map(str, bins[:3]))} in {rel}")
                elif f"{here}src/main.rs" in self.in_scope:
                    self.add("cli", 3, f"a binary crate ({here}src/main.rs)")
                if f"{here}src/lib.rs" in self.in_scope or "lib" in data:
                    if package.get("publish") is not False:
                        self.add("library", 2, f"a library crate ({rel})")
                deps = set(_table(data, "dependencies"))
                cli = sorted(deps & _CLI_LIBS)
                if cli:
                    self.add("cli", 1, f"argument parser {cli[0]} in {rel}")
            if m.ecosystem in ("npm", "pip"):
                backend = sorted(m.dependencies & WEB_FRAMEWORKS)
                if backend and not _npm_library(m):
                    self.add("service", 3, f"web framework {backend[0]} in {rel}")
                cli = sorted(m.dependencies & _CLI_LIBS)
                if cli and m.ecosystem == "pip":
                    self.add("cli", 1, f"argument parser {cli[0]} in {rel}")
            pattern = _TEXT_FRAMEWORKS.get(m.ecosystem)
            if pattern is not None:
                text = self.read(m.path)
                if m.ecosystem == "go":  # required by tests or tools only: an HTTP test server is not a service
                    for module in dict.fromkeys(f.group(1) for f in pattern.finditer(text)):
                        user = self._go_importer(module)
                        if user is not None:
                            self.add("service", 3, f"web framework {module} imported by {user}")
                            break
                    continue
                found = pattern.search(text)
                ui = _SERVER_RENDERED_UI.get(m.ecosystem)
                own_ui = ui.search(text) if found and ui else None
                if found and own_ui:  # Rails with Hotwire or an asset pipeline, Phoenix with LiveView: pages of its own
                    self.add("web-app", 3, f"web framework {found.group(0).strip()} with its own UI "
                                           f"({own_ui.group(1)}) in {rel}")
                elif found:
                    self.add("service", 3, f"web framework {found.group(0).strip()} in {rel}")
                elif m.ecosystem in ("maven", "gradle") and not self._jvm_build_counted:
                    # once per scope: the modules of one multi-module build are not independent evidence
                    self._jvm_build_counted = True
                    self.add("library", 1, f"a {m.ecosystem} build with no web framework ({rel})")
            if m.ecosystem == "composer" and _composer_library(self.read(m.path)):
                self.add("library", 2, f"a composer library ({rel})")
            if m.ecosystem == "nuget":
                self._dotnet(m)
            if m.ecosystem == "maven":
                text = self.read(m.path)
                packaging = _MAVEN_PACKAGING.search(text)
                published = _MAVEN_PUBLISHING.search(text)
                if packaging and packaging.group(1) in _PLUGIN_PACKAGING:
                    self.add("library", 2, f"a plugin others install (packaging {packaging.group(1)} in {rel})")
                elif published and not self._maven_publishing_counted:
                    self._maven_publishing_counted = True  # once per scope, like the build itself
                    self.add("library", 2, f"artefacts published to a Maven repository ({published.group(1)} in {rel})")
            if m.ecosystem == "gradle":
                text = self.read(m.path)
                if _GRADLE_LIBRARY.search(text):
                    self.add("library", 2, f"the java-library plugin ({rel})")
                elif _GRADLE_APPLICATION.search(text):
                    self.add("cli", 2, f"the application plugin ({rel})")

        for path in self.scope.files:
            base = _base(path)
            if base.endswith(".gemspec") and self.scope.product(path):
                self.add("library", 2, f"a gem specification ({path})")
                executables = _GEM_EXECUTABLES.search(self.read(path))
                if executables:  # a library may ship its runner too (sidekiq): weaker than a gem that is only a tool
                    self.commands.update(re.findall(r"[\w.-]+", executables.group(1).removeprefix("%w")))
                    self.add("cli", 1, f"gem executables ({executables.group(1).strip()[:40]}) in {path}")
            elif base.endswith(".podspec") and self.scope.product(path):
                self.add("library", 2, f"a CocoaPods specification ({path})")
            elif base == "Package.swift" and self.scope.product(path) and ".library(" in self.read(path):
                self.add("library", 2, f"a Swift package that vends a library ({path})")
            elif base == "CMakeLists.txt" and _dir(self.scope.rel(path)) == "":
                cmake = self.read(path)
                library, executable = _CMAKE_LIBRARY.search(cmake), _CMAKE_EXECUTABLE.search(cmake)
                if library:  # beside an executable, the library may be the program's own internals
                    self.add("library", 1 if executable else 2, f"a CMake project that builds a library ({path})")
                if executable:
                    self.add("cli", 1, f"a CMake project that builds an executable ({path})")
            elif base in ("setup.py", "setup.cfg") and _dir(self.scope.rel(path)) == "":
                text = self.read(path)
                if "console_scripts" in text:
                    self.add("cli", 2, f"console_scripts in {path}")
                if "setup(" in text or "[metadata]" in text:
                    self.add("library", 2, f"a publishable package manifest ({path})")

    def _dotnet(self, m: PackageManifest) -> None:
        rel, data = m.path, m.data
        if str(data.get("istestproject", "")).lower() == "true":
            return
        if str(data.get("sdk", "")).lower().startswith("microsoft.net.sdk.web"):
            self.add("service", 3, f"an ASP.NET Core project (Sdk {data['sdk']} in {rel})")
        elif str(data.get("outputtype", "")).lower() in ("exe", "winexe"):
            self.add("cli", 2, f"a .NET executable (OutputType {data['outputtype']} in {rel})")
        elif str(data.get("ispackable", "true")).lower() != "false":
            self.add("library", 2, f"a .NET class library packed for NuGet ({rel})")

    def _go_importer(self, module: str) -> str | None:
        """The first product (non-test) Go file importing `module`; reads at most 300 files."""
        needle = f'"{module}'
        files = [f for f in self.scope.files if f.endswith(".go") and self.scope.product(f)
                 and not _TOOLING_DIR.search(self.scope.rel(f))]
        for path in sorted(files, key=lambda f: (f.count("/"), f))[:300]:
            if needle in (self._read(path) or "")[:6000]:
                return path
        return None

    def _go(self, manifests: list[PackageManifest]) -> None:
        mods = [m for m in manifests if m.ecosystem == "go"]
        if not mods:
            return
        go_files = [f for f in self.scope.files if f.endswith(".go") and self.scope.product(f)
                    and not _DOCS_DIR.search(self.scope.rel(f))]
        candidates = sorted((f for f in go_files if _base(f) == "main.go" or "/cmd/" in f"/{self.scope.rel(f)}"),
                            key=lambda f: (f.count("/"), f))[:8]
        mains = [f for f in candidates if re.search(r"^package main\b", self.read(f), re.M)]
        cli_lib = next((found.group(0) for m in mods for found in [_GO_CLI.search(self.read(m.path))] if found), None)
        if mains and cli_lib:
            self.add("cli", 3, f"package main in {mains[0]} with {cli_lib}")
        elif mains:
            self.add("cli", 1, f"package main in {mains[0]}")
        elif go_files:
            self.add("library", 2, f"a Go module with no main package ({mods[0].path})")

    def _goreleaser(self) -> None:
        for path in self.scope.files:
            if re.fullmatch(r"\.goreleaser\.ya?ml", _base(path)) and self.scope.product(path):
                text = self.read(path)
                if not re.search(r"^\s*(-\s*)?skip:\s*true", text, re.M):
                    self.add("cli", 2, f"goreleaser builds binaries ({path})")

    def _platforms(self) -> None:
        config = self.facts.config_files
        docs_site = any(_SITE_CONFIGS.search(f) for f in self.scope.files)
        for kind in _SERVICE_CONFIG + _FRONTEND_HOSTS:
            for path in config.get(kind, []):
                if path not in self.in_scope or not self.scope.product(path) or _DOCS_DIR.search(self.scope.rel(path)):
                    continue  # a docs/ folder's hosting is about the docs site, not the product
                if kind == "cloud-run" and not re.search(r"serving\.knative\.dev|run\.googleapis\.com|gcloud run",
                                                         self.read(path)):
                    continue  # a Kubernetes Service named service.yaml is not a Cloud Run service
                if kind in _FRONTEND_HOSTS:
                    if docs_site:
                        self.add("docs", 1, f"{kind} hosting of the documentation site ({path})")
                    else:
                        self.add("web-app", 3, f"{kind} configuration {path}")
                else:
                    self.add("service", 3, f"{kind} configuration {path}")
                break

    def _mobile_apps(self) -> None:
        """An app shipped to users' devices is a front end built and shipped, like a React Native app."""
        app = next((a for a in self.facts.mobile_apps if a.path in self.in_scope and self.scope.product(a.path)), None)
        if app is not None:
            self.add("web-app", 3, f"{app.text} ({app.path})")

    def _containers(self) -> None:
        facts, scope = self.facts, self.scope
        runtime = [d.path for d in facts.dockerfiles if d.path in self.in_scope and scope.product(d.path)
                   and not _DEV_FILE.search(scope.rel(d.path)) and not is_dev_dockerfile(d.path)
                   and starts_something(d)]
        # the repository's own command packaged as an image (kamal's ENTRYPOINT ["kamal"]) is a way to run the CLI
        packaged = {p: name for p in runtime for d in facts.dockerfiles if d.path == p
                    for name in [_entry_command(d)] if name in self.commands}
        served = [p for p in runtime if p not in packaged]
        if len(runtime) >= _IMAGE_LIBRARY and not scope.app_code():
            # docker-library/python: Dockerfiles per version and variant, and no program of its own to run
            self.add("infrastructure", 3, f"{len(runtime)} image definitions and no application code "
                                          f"({', '.join(sorted(runtime)[:2])}, …): container images for others")
        if served:
            self.add("service", 2, f"a runtime Dockerfile ({served[0]})")
        elif packaged:
            path, name = next(iter(packaged.items()))
            self.add("cli", 1, f"an image that runs the repository's own command `{name}` ({path})")
        built = [(c.path, s.name) for c in facts.compose_files if c.path in self.in_scope and scope.product(c.path)
                 and not _DEV_FILE.search(scope.rel(c.path))
                 for s in c.services if isinstance(s.spec, dict) and "build" in s.spec]
        if built:
            self.add("service", 2, f"compose service '{built[0][1]}' built from the repository ({built[0][0]})")
        if any(_base(p) in ("serverless.yml", "serverless.yaml") and scope.product(p)
               for p in facts.iac_tools.get("serverless", []) if p in self.in_scope):
            self.add("service", 3, "a Serverless Framework service (serverless.yml)")

    def _health(self) -> None:
        hits = [h for h in self.facts.source_signals.get("health-endpoint", []) if h.path in self.in_scope
                and self.scope.product(h.path) and not _TOOLING_DIR.search(self.scope.rel(h.path))
                and not _DOCS_DIR.search(self.scope.rel(h.path))]
        if hits:
            self.add("service", 1, f"health endpoint in {hits[0].path}:{hits[0].line}")

    def _ci(self) -> None:
        """Deploy jobs belong to the member they name (the top level when they name none); publishing is
        evidence about the top level."""
        facts = self.facts
        for pipeline, job in all_deploy_jobs(facts):
            texts = [f"{s.run or ''} {s.uses or ''} {' '.join(map(str, s.with_.values()))}" for s in job.steps]
            if not job_runs_deploy_tool(facts, pipeline, job):
                continue
            named = [m for m in self.members if any(m.rstrip("/") in t for t in texts)]
            if (self.top and named) or (not self.top and self.scope.root not in named):
                continue
            if deploys_docs_site(pipeline, job):
                if self.top:
                    self.add("docs", 1, f"publishes documentation pages in {pipeline.path} (job '{job.id}')")
                continue
            self.add("service", 4, f"deploy job '{job.id}' in {pipeline.path}")
            break
        if not self.top:
            return
        published = [(p.path, found.group(0)) for p in facts.pipelines for j in p.jobs for s in j.steps
                     for found in [_PUBLISH.search(f"{s.run or ''} {s.uses or ''}")] if found]
        binaries = [(p, what) for p, what in published if "goreleaser" in what.lower()]
        packages = [(p, what) for p, what in published if "goreleaser" not in what.lower()]
        if binaries:
            self.add("cli", 1, f"releases binaries in {binaries[0][0]} (`{binaries[0][1]}`)")
        if packages:
            self.add("library", 2, f"publishes a package in {packages[0][0]} (`{packages[0][1]}`)")

    def _infrastructure(self, app_code: list[str]) -> None:
        facts, scope = self.facts, self.scope
        tools = {tool: [p for p in paths if p in self.in_scope and scope.product(p)]
                 for tool, paths in facts.iac_tools.items()}
        provisioning, kubernetes = catalog().kinds_with("iac", "iac_tools"), catalog().kubernetes_kinds()
        iac = {t: ps for t, ps in tools.items() if ps and t in provisioning}
        k8s = {t: ps for t, ps in tools.items() if ps and t in kubernetes}
        objects = [o for o in facts.k8s_objects if o.path in self.in_scope and scope.product(o.path)]
        if iac:
            summary = ", ".join(f"{len(ps)} {t}" for t, ps in sorted(iac.items(), key=lambda kv: -len(kv[1])))
            count = sum(len(ps) for ps in iac.values())
            stacks = iac.get("pulumi", []) + iac.get("cdk", [])
            if not app_code:
                self.add("infrastructure", 4, f"infrastructure code ({summary} file(s)) and no application code")
            elif stacks:
                self.add("infrastructure", 3, f"a Pulumi/CDK stack ({stacks[0]})")
            elif count > len(app_code):
                self.add("infrastructure", 2, f"infrastructure code ({summary} file(s)) and only "
                                              f"{_plural(len(app_code), 'application source file')}")
            if (iac.get("terraform") or iac.get("opentofu")) and terraform_module(facts):
                self.add("infrastructure", 1, "a reusable Terraform module: no backend or provider configuration"
                         + (", variables.tf/outputs.tf at the top" if any(
                             _base(p) in ("variables.tf", "outputs.tf") for p in iac.get("terraform", [])) else ""))
        workloads = [o for o in objects if o.kind in _WORKLOADS]
        if app_code and workloads:
            self.add("service", 3, f"Kubernetes {workloads[0].kind} in {workloads[0].path}")
        if not k8s or app_code:
            return
        # a chart that renders Argo CD Applications (argo-helm's argocd-apps) is a chart, not a GitOps repository
        controllers = [o for o in objects if o.kind in _GITOPS_KINDS and not o.in_helm_chart and (
            "argoproj.io" in str(o.spec.get("apiVersion", "")) or "fluxcd.io" in str(o.spec.get("apiVersion", ""))
            or any(g in str(o.spec.get("_template_text", "")) for g in ("argoproj.io", "fluxcd.io")))]
        if controllers:
            self.add("gitops", 3, f"{'Argo CD' if 'argo' in str(controllers[0].spec).lower() else 'Flux'} "
                                  f"{controllers[0].kind} in {controllers[0].path}")
        summary = ", ".join(f"{len(ps)} {t}" for t, ps in sorted(k8s.items(), key=lambda kv: -len(kv[1])))
        charts_only = set(k8s) == {"helm"} or (set(k8s) <= {"helm", "kubernetes"}
                                              and all(o.in_helm_chart for o in objects))
        if charts_only and not controllers:
            self.add("infrastructure", 4, f"Helm chart(s): {', '.join(sorted(k8s['helm'])[:3])}, and no application "
                                          "code: a chart repository")
        else:
            self.add("gitops", 3, f"Kubernetes configuration ({summary} file(s)) and no application code")

    def _docs(self, app_code: list[str]) -> None:
        scope = self.scope
        sites = [f for f in scope.files if _SITE_CONFIGS.search(scope.rel(f)) and scope.product(f)]
        sites = [f for f in sites if _base(f) not in ("conf.py", "_config.yml")
                 or (_base(f) == "conf.py" and "sphinx" in self.read(f).lower())
                 or (_base(f) == "_config.yml" and any(p.endswith((".md", ".markdown")) for p in scope.files))]
        content = [f for f in scope.files if f.lower().endswith(_CONTENT)]
        code_outside_docs = [f for f in app_code if not _DOCS_DIR.search(scope.rel(f))]
        if not sites:
            # a content repository with no site generator of its own (pages rendered by clients or another repo)
            if len(content) >= _CONTENT_REPOSITORY and len(content) > 10 * len(code_outside_docs):
                self.add("docs", 2, f"{_plural(len(content), 'content page')} and "
                                    f"{_plural(len(code_outside_docs), 'source file')} of code: a content repository")
            return
        if not code_outside_docs or (self.root_level(sites[0]) and len(content) >= 5
                                     and len(content) > 3 * len(code_outside_docs)):
            self.add("docs", 2, f"documentation site configuration {sites[0]}")
            if len(content) >= 5 and len(content) > 3 * len(code_outside_docs):
                self.add("docs", 2, f"{_plural(len(content), 'content page')} and "
                                    f"{_plural(len(code_outside_docs), 'source file')} of code")

    def root_level(self, path: str) -> bool:
        return "/" not in self.scope.rel(path)

    def _research(self, manifests: list[PackageManifest], app_code: list[str]) -> None:
        scope = self.scope
        notebooks = [f for f in scope.files if f.endswith(".ipynb") and scope.product(f)
                     and not _DOCS_DIR.search(scope.rel(f))]
        scripts = [f for f in app_code if f.endswith((".py", ".r", ".R", ".jl"))]
        science: set[str] = set()
        for path in sorted(scripts, key=lambda p: (p.count("/"), p))[:12]:
            science |= {found.group(1) for found in _SCIENCE.finditer(self.read(path)[:8000])}
        if not notebooks and not science:
            return
        if notebooks:
            shown = ", ".join(sorted(notebooks, key=lambda p: (p.count("/"), p))[:2])
            more = ", …" if len(notebooks) > 2 else ""
            self.add("research", 2, f"{_plural(len(notebooks), 'notebook')} ({shown}{more})")
        if science:
            self.add("research", 1, f"scientific imports ({', '.join(sorted(science)[:4])})")
        packaged = [m.path for m in manifests if _base(m.path) in ("pyproject.toml", "setup.py", "setup.cfg")
                    or m.ecosystem not in ("pip",)]
        if not packaged and not any(_base(f) in ("setup.py", "setup.cfg") for f in scope.files):
            self.add("research", 1, "scripts with no package manifest")
        if self.top and not self.facts.pipelines:
            self.add("research", 1, "no CI configuration")


# -- decision ----------------------------------------------------------------------------------------------


def _weigh(clues: list[Clue]) -> tuple[str, list[str]]:
    """The profile the clues point to, and reasons that show every clue, the winner's first."""
    totals: dict[str, int] = {}
    for clue in clues:
        totals[clue.profile] = totals.get(clue.profile, 0) + clue.weight
    ranked = sorted(totals, key=lambda p: (-totals[p], _TIE_ORDER.index(p) if p in _TIE_ORDER else 99))

    def line(profile: str) -> str:
        shown = "; ".join(f"{c.text} (+{c.weight})" for c in clues if c.profile == profile)
        return f"{profile} (weight {totals[profile]}): {shown}"

    if not ranked or totals[ranked[0]] < MIN_WEIGHT:
        reasons = ["unknown: no evidence that says what this repository is (no package manifest, deployable, "
                   "infrastructure code, documentation site or notebooks); judged only by the rules every "
                   "repository gets; set `profile:` in configuration to judge it as one kind"]
        return "unknown", reasons + [f"too little evidence: {line(p)}" for p in ranked]
    winner = ranked[0]
    return winner, [line(winner)] + [f"also seen: {line(p)}" for p in ranked[1:]]


def _is_package(facts: Facts, top: _Scope) -> bool:
    """The top level is a package of its own (a root Cargo [package], pyproject [project], composer.json or
    gemspec, a named npm package that is not a private workspace root, or a Go module with code outside the
    members): its docs site or examples with their own manifests do not make it a monorepo."""
    roots = {m.path: m for m in facts.manifests if "/" not in m.path}
    if "package.json" in roots and not roots["package.json"].data.get("private") and (
            _npm_library(roots["package.json"]) or roots["package.json"].data.get("bin")):
        return True
    if "go.mod" in roots and any(f.endswith(".go") for f in top.app_code()):
        return True
    packaged = any(p in roots for p in ("pyproject.toml", "setup.py", "Cargo.toml", "composer.json")) or any(
        "/" not in p and p.endswith(".gemspec") for p in facts.files)
    return packaged and bool(top.app_code())


def _excluded_note(facts: Facts) -> str | None:
    dropped = len(facts.all_files) - len(facts.files)
    if dropped <= 0:
        return None
    shown = ", ".join(f"{d.path} ({d.files}, {d.reason})" for d in
                      exclusion_summary(facts.all_files, facts.files, facts.excluded_patterns, limit=3))
    return f"not counted: {_plural(dropped, 'file')} excluded ({shown})"


def infer_profile(facts: Facts, override: str | None = None,
                  read: Reader | None = None) -> tuple[str, list[str], list[ProfileMember]]:
    """The profile, its reasons and the members (each with its own profile and reasons)."""
    reader: Reader = read or (lambda _path: None)
    members, sources = _members(facts, reader)
    top, scopes = _split_scopes(facts.files, members)
    budget = [_MAX_READS]
    top_profile, top_reasons = _weigh(_Clues(facts, top, reader, True, members, budget).collect())
    profiled = []
    for path in members:
        profile, member_reasons = _weigh(_Clues(facts, scopes[path], reader, False, members, budget).collect())
        profiled.append(ProfileMember(path.rstrip("/"), profile, tuple(member_reasons)))
    reasons: list[str] = []
    if not profiled:
        profile, reasons = top_profile, top_reasons
    else:
        listing = ", ".join(f"{m.path} ({m.profile})" for m in profiled[:8]) + (", …" if len(profiled) > 8 else "")
        member_line = f"{_plural(len(profiled), 'member')} ({'; '.join(sources)}): {listing}"
        decided = [m for m in profiled if m.profile != "unknown"]
        if top_profile != "unknown" and _is_package(facts, top):
            profile = top_profile
            reasons = [f"the top-level package: {r}" for r in top_reasons] + [member_line]
        else:
            if top_profile != "unknown":  # the top level deploys or configures something of its own
                profiled.insert(0, ProfileMember(".", top_profile, tuple(top_reasons)))
                decided.insert(0, profiled[0])
                listing = f"the top level ({top_profile}), " + listing
            kinds = sorted({m.profile for m in decided})
            if len(kinds) == 1:
                profile = kinds[0]
                reasons = [f"a workspace whose members are all {profile}: {listing}"]
            elif set(kinds) - {"library", "cli"} == {"service"}:
                # one service built from the workspace's crates or packages, with its admin tools (lldap's server,
                # migration-tool and set-password)
                profile = "service"
                reasons = [f"a service built from its workspace: the other parts are libraries and tools: {listing}"]
            else:
                profile = "monorepo"
                reasons = [f"a monorepo of {len(decided)} profiled parts of different kinds "
                           f"({', '.join(kinds) or 'none decided'}): {listing}"]
            reasons.append(member_line)
            reasons += [f"top level: {r}" for r in top_reasons if not r.startswith("unknown")]
    if override:
        reasons = [f"set in configuration: profile: {override}"] + [f"inferred: {r}" for r in reasons[:1]]
        profile = override
    note = _excluded_note(facts)
    if note:
        reasons.append(note)
    return profile, reasons, profiled


_ROOT_CONFIG = re.compile(r'^[^\S\n]*(backend\s+"\w+"|cloud\s*\{|provider\s+"[\w-]+"\s*\{)', re.M)


def terraform_module(facts: Facts) -> bool:
    """Terraform that configures no backend, provider or tfvars: a module for others to call."""
    if any(p.endswith(".tfvars") or p.rsplit("/", 1)[-1] == "terragrunt.hcl" for p in facts.files):
        return False
    return bool(facts.terraform) and not any(_ROOT_CONFIG.search(t.text) for t in facts.terraform)
