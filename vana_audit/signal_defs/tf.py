"""`tf.*` signals: Terraform (state, locks, modules, validation and plans in CI)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..collectors.profile import terraform_module
from ..facts import Facts, TerraformFile
from ..model import Evidence
from ..signal_core import Signal, Signals, ev, found, listing, signal
from ._shared import _config, _paths


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
FLOATING_REFS = frozenset({"main", "master", "develop", "dev", "trunk", "head"})


# -- Terraform ------------------------------------------------------------------------------------------------

_BLOCK = re.compile(r'^[ \t]*(module|variable|resource|provider|output)\s+"([^"]+)"(?:\s+"[^"]*")?\s*\{', re.M)


def tf_blocks(t: TerraformFile, kind: str) -> Iterator[tuple[str, int, str]]:
    """(name, line, body) of each `kind "name" {...}` block, braces matched."""
    for match in _BLOCK.finditer(t.text):
        if match.group(1) != kind:
            continue
        depth, index = 0, match.end() - 1
        while index < len(t.text):
            char = t.text[index]
            depth += (char == "{") - (char == "}")
            if depth == 0:
                break
            index += 1
        yield match.group(2), t.text.count("\n", 0, match.start()) + 1, t.text[match.end() : index]


def _attr(body: str, name: str) -> str | None:
    match = re.search(rf'^[ \t]*{name}[ \t]*=[ \t]*"([^"\n]*)"', body, re.M)
    return match.group(1) if match else None


REGISTRY_SOURCE = re.compile(r"^([\w.-]+\.[a-z]{2,}/)?[\w-]+/[\w-]+/[\w-]+$")


def module_source_problem(source: str, has_version: bool) -> str | None:
    if source.startswith(("./", "../")):
        return None
    if (
        source.startswith(("git::", "git@"))
        or re.match(r"^(github\.com|bitbucket\.org|gitlab\.com)/", source)
        or re.search(r"\.git($|//|\?)", source)
    ):
        ref = re.search(r"[?&]ref=([^&/]+)", source)
        if not ref:
            return "git source without ?ref="
        if ref.group(1).lower() in FLOATING_REFS:
            return f"git source on branch {ref.group(1)}"
        return None
    if REGISTRY_SOURCE.match(source) and not has_version:
        return "registry module without version"
    return None


@signal(
    "tf.unpinned_modules", "Terraform module calls whose source floats (git without ?ref=, registry without version)"
)
def unpinned_modules(s: Signals) -> Signal:
    hits = []
    for t in s.facts.terraform:
        for name, line, body in tf_blocks(t, "module"):
            source = _attr(body, "source")
            if source is None:
                continue
            problem = module_source_problem(source, re.search(r"^[ \t]*version[ \t]*=", body, re.M) is not None)
            if problem:
                hits.append(ev(t.path, line, f'module "{name}": {problem} ({source})'))
    return listing(hits)


@signal("tf.modules_called", "Terraform calls modules from outside the repository")
def modules_called(s: Signals) -> Signal:
    return found(
        ev(t.path, line, f'module "{name}"')
        for t in s.facts.terraform
        for name, line, body in tf_blocks(t, "module")
        if (source := _attr(body, "source")) and not source.startswith(("./", "../"))
    )


def _gitignore_lines(facts: Facts) -> Iterator[tuple[str, int, str]]:
    for path, text in sorted(facts.config_texts.items()):
        if path.rsplit("/", 1)[-1] == ".gitignore":
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip() and not line.lstrip().startswith(("#", "!")):
                    yield path, number, line.strip()
    if not any(p.rsplit("/", 1)[-1] == ".gitignore" for p in facts.config_texts):
        for doc_line in facts.gitignore:
            if not doc_line.text.lstrip().startswith(("#", "!")):
                yield doc_line.path, doc_line.line, doc_line.text.strip()


@signal("tf.gitignore_working_dir", ".gitignore keeps the .terraform/ working directory out of git")
def gitignore_working_dir(s: Signals) -> Signal:
    return found(
        ev(p, n, line) for p, n, line in _gitignore_lines(s.facts) if re.search(r"(^|/|\*)\.terraform(/|\*|$)", line)
    )


@signal("tf.gitignore_state", ".gitignore keeps Terraform state files out of git")
def gitignore_state(s: Signals) -> Signal:
    return found(ev(p, n, line) for p, n, line in _gitignore_lines(s.facts) if ".tfstate" in line)


@signal("tf.working_dir_committed", "files of the .terraform/ working directory are in the repository")
def working_dir_committed(s: Signals) -> Signal:
    return listing(
        [
            ev(p, None, "Terraform working directory")
            for p in s.facts.all_files
            if p.startswith(".terraform/") or "/.terraform/" in p
        ][:5]
    )


@signal("tf.variables", "Terraform input variables are declared")
def variables(s: Signals) -> Signal:
    return found(
        ev(t.path, line, f'variable "{name}"') for t in s.facts.terraform for name, line, _ in tf_blocks(t, "variable")
    )


@signal("tf.undocumented_variables", "Terraform variables without a description or a type")
def undocumented_variables(s: Signals) -> Signal:
    hits = []
    for t in s.facts.terraform:
        for name, line, body in tf_blocks(t, "variable"):
            missing = [k for k in ("description", "type") if not re.search(rf"^[ \t]*{k}[ \t]*=", body, re.M)]
            if missing:
                hits.append(ev(t.path, line, f'variable "{name}": no {" or ".join(missing)}'))
    return listing(hits)


@signal(
    "tf.module_only",
    "an infrastructure repository whose Terraform is a reusable module (no backend, provider configuration or tfvars)",
)
def module_only(s: Signals) -> Signal:
    # Root configurations may leave providers implicit; only a repository judged as infrastructure is taken
    # for a module.
    if s.facts.profile != "infrastructure" or not terraform_module(s.facts):
        return Signal(False)
    return Signal(
        True,
        (
            ev(
                _module_root(s.facts) + "main.tf"
                if s.facts.has_file(_module_root(s.facts) + "main.tf")
                else s.facts.terraform[0].path,
                None,
                "no backend, provider block or tfvars",
            ),
        ),
    )


def _module_root(facts: Facts) -> str:
    """The shallowest directory holding Terraform files, with a trailing slash ('' at the top)."""
    dirs = [t.path.rsplit("/", 1)[0] + "/" if "/" in t.path else "" for t in facts.terraform]
    if not dirs:
        return ""
    depth = min(d.count("/") for d in dirs)
    top = [d for d in dirs if d.count("/") == depth]
    return max(sorted(set(top)), key=top.count)


MODULE_LAYOUT = ("main.tf", "variables.tf", "outputs.tf", "README", "examples/")


def _layout(facts: Facts) -> tuple[list[Evidence], list[Evidence]]:
    root = _module_root(facts)
    present: list[Evidence] = []
    missing: list[Evidence] = []
    for item in MODULE_LAYOUT:
        if item == "README":
            hit = next(
                (
                    p
                    for p in facts.all_files
                    if p.startswith(root) and "/" not in p[len(root) :] and p[len(root) :].lower().startswith("readme")
                ),
                None,
            )
        elif item == "examples/":
            hit = next((p for p in facts.all_files if p.startswith(root + "examples/") and p.endswith(".tf")), None)
        else:
            hit = root + item if facts.has_file(root + item) else None
        (present if hit else missing).append(ev(hit, None, item) if hit else ev(root + item, None, f"missing {item}"))
    return present, missing


@signal(
    "tf.module_layout",
    "parts of the standard Terraform module layout present (main.tf, variables.tf, outputs.tf, README, examples/)",
)
def module_layout(s: Signals) -> Signal:
    return listing(_layout(s.facts)[0])


@signal("tf.module_layout_missing", "parts of the standard Terraform module layout missing")
def module_layout_missing(s: Signals) -> Signal:
    return listing(_layout(s.facts)[1])
