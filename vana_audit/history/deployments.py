"""Which events in the history count as deployments, and on what basis.

In order of preference: deploy-style tags (`release-*`, `deploy-*`, `prod*`, `hotfix-*`), semantic
version release tags (pre-releases left out, monorepo components such as `pkg@1.2.3` kept apart),
or, when a pipeline deploys every push, the first-parent commits of the default branch.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .gitlog import TagRef
from .graph import HOTFIX, CommitGraph

DEPLOY_TAG = re.compile(r"^(?:(?:release|deploy|deployment|hotfix)[-_/.]|prod(?:uction)?(?:$|[-_/.\d]))", re.IGNORECASE)
NOT_PRODUCTION = re.compile(
    r"(?:^|[-_/.+])(?:staging|stage|stg|dev|develop|test|testing|qa|uat|preview|sandbox|"
    r"canary|rc|alpha|beta|pre|nightly|snapshot)(?=$|[-_/.+\d])",
    re.IGNORECASE,
)
SEMVER_TAG = re.compile(
    r"^(?:(?P<component>.{1,100}?)[@/_-])?v?\d{1,9}\.\d{1,9}(?:\.\d{1,9})?"
    r"(?:-(?P<pre>[0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?$"
)  # bounded: no runaway
HOTFIX_WORD = re.compile(r"hotfix", re.IGNORECASE)


class Basis(str, enum.Enum):
    DEPLOY_TAGS = "deploy-tags"
    SEMVER_TAGS = "semver-tags"
    FIRST_PARENT = "first-parent-merges"

    @property
    def label(self) -> str:
        return {
            Basis.DEPLOY_TAGS: "deploy tags",
            Basis.SEMVER_TAGS: "semver tags",
            Basis.FIRST_PARENT: "first-parent merges to the default branch",
        }[self]


@dataclass(frozen=True)
class Deployment:
    name: str  # the tag, or the commit's short sha
    component: str  # "" unless tags name monorepo components
    node: int  # the deployed commit in the CommitGraph
    time: int  # unix seconds
    hotfix: bool


@dataclass(frozen=True)
class TagCounts:
    deploy: int = 0
    semver: int = 0
    hotfix: int = 0
    prerelease: int = 0
    newest: int = 0  # unix seconds of the newest deploy or release tag, 0 when none


def classify_tag(name: str) -> tuple[Basis | None, str]:
    """(basis, component) for a tag name; basis None when the tag is no production deployment."""
    hotfix = bool(HOTFIX_WORD.search(name))
    if DEPLOY_TAG.match(name):
        return (None, "") if NOT_PRODUCTION.search(name) and not hotfix else (Basis.DEPLOY_TAGS, "")
    match = SEMVER_TAG.match(name)
    if not match or (match.group("pre") and not hotfix):
        return None, ""
    return Basis.SEMVER_TAGS, match.group("component") or ""


def count_tags(tags: Iterable[TagRef]) -> TagCounts:
    """Tags by kind, by `classify_tag`: the one release-tag definition readiness and estimates share."""
    deploy = semver = hotfix = prerelease = newest = 0
    for tag in tags:
        basis, _ = classify_tag(tag.name)
        deploy += basis is Basis.DEPLOY_TAGS
        semver += basis is Basis.SEMVER_TAGS
        hotfix += basis is not None and bool(HOTFIX_WORD.search(tag.name))
        prerelease += basis is None and bool(SEMVER_TAG.match(tag.name))
        if basis is not None:
            newest = max(newest, tag.created)
    return TagCounts(deploy, semver, hotfix, prerelease, newest)


def tag_deployments(tags: Iterable[TagRef], graph: CommitGraph) -> dict[Basis, list[Deployment]]:
    """Deployments per tag basis, oldest first, each tag dated by its creation (never before its commit)."""
    found: dict[Basis, list[Deployment]] = {Basis.DEPLOY_TAGS: [], Basis.SEMVER_TAGS: []}
    for tag in tags:
        basis, component = classify_tag(tag.name)
        node = graph.index.get(tag.commit)
        if basis is None or node is None or not graph.known(node):
            continue
        when = max(tag.created, graph.commit_time[node])
        found[basis].append(Deployment(tag.name, component, node, when, bool(HOTFIX_WORD.search(tag.name))))
    return {basis: _once_per_commit(sorted(items, key=lambda d: (d.time, d.name))) for basis, items in found.items()}


def push_deployments(graph: CommitGraph, mainline: list[int]) -> list[Deployment]:
    """Every first-parent commit of the default branch, as a deployment at its commit time."""
    return [
        Deployment(graph.shas[node][:10], "", node, graph.commit_time[node], bool(graph.flags[node] & HOTFIX))
        for node in reversed(mainline)
    ]


def _once_per_commit(deployments: list[Deployment]) -> list[Deployment]:
    """Drop a tag that names the commit its component's previous tag named (one release, two names).

    A later tag on an older commit is kept: that is a redeploy or a rollback.
    """
    last: dict[str, int] = {}
    kept = []
    for deployment in deployments:
        if last.get(deployment.component) != deployment.node:
            kept.append(deployment)
            last[deployment.component] = deployment.node
    return kept
