"""The commit graph the metrics need, kept as parallel arrays indexed by small integers.

A commit is first given an index when it is seen as a parent; its own fields arrive when `git log`
prints it. A commit that never arrives (older than the horizon, or missing from the clone) stays
unknown and stops every walk.
"""

from __future__ import annotations

from array import array

# commit flags: what the habits and the failure search need to know of each commit
BOT = 1
MERGE = 2
PULL_REQUEST = 4
CONVENTIONAL = 8
SIGNED = 16
HOTFIX = 32
APPLIED = 64  # committed by someone other than its author: a rebased pull request, an applied patch

UNKNOWN = -1
UNDEPLOYED = -1
MAX_BRANCH_WALK = 1000


class CommitGraph:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.shas: list[str] = []
        self.parents: list[tuple[int, ...]] = []
        self.author_time = array("q")
        self.commit_time = array("q")
        self.flags = bytearray()
        self.reverts: dict[int, str] = {}  # revert commit -> sha it names

    def id_of(self, sha: str) -> int:
        found = self.index.get(sha)
        if found is None:
            found = self.index[sha] = len(self.parents)
            self.shas.append(sha)
            self.parents.append(())
            self.author_time.append(UNKNOWN)
            self.commit_time.append(UNKNOWN)
            self.flags.append(0)
        return found

    def add(
        self,
        sha: str,
        parents: tuple[str, ...],
        author_time: int,
        commit_time: int,
        flags: int,
        reverts: str | None = None,
    ) -> int:
        node = self.id_of(sha)
        self.parents[node] = tuple(self.id_of(p) for p in parents)
        self.author_time[node] = author_time
        self.commit_time[node] = max(commit_time, 0)
        self.flags[node] = flags
        if reverts:
            self.reverts[node] = reverts
        return node

    def known(self, node: int) -> bool:
        return self.commit_time[node] != UNKNOWN

    def first_parent_chain(self, tip: int) -> list[int]:
        chain: list[int] = []
        seen: set[int] = set()
        node: int | None = tip
        while node is not None and self.known(node) and node not in seen:
            seen.add(node)
            chain.append(node)
            node = self.parents[node][0] if self.parents[node] else None
        return chain

    def first_deployments(self, tips: list[int]) -> array[int]:
        """For every commit, the position in `tips` (deployments, oldest first) of the first one containing it.

        Walking the deployments in time order and stopping at commits already claimed visits each
        commit once: an ancestor of a claimed commit was claimed by the same or an earlier deployment.
        """
        first = array("i", [UNDEPLOYED]) * len(self.parents)
        for position, tip in enumerate(tips):
            stack = [tip]
            while stack:
                node = stack.pop()
                if first[node] != UNDEPLOYED or not self.known(node):
                    continue
                first[node] = position
                stack.extend(self.parents[node])
        return first

    def branch_start(self, merge: int, stop: set[int]) -> int | None:
        """Earliest author time on the branch a merge brought in, following the branch's first parents.

        `stop` holds the mainline and the branches of earlier merges; the walked commits join it, so
        a branch cut from an already merged branch is not measured from that branch's start.
        """
        if len(self.parents[merge]) < 2:
            return None
        earliest = None
        node = self.parents[merge][1]
        for _ in range(MAX_BRANCH_WALK):
            if node in stop or not self.known(node):
                break
            stop.add(node)
            when = self.author_time[node]
            earliest = when if earliest is None else min(earliest, when)
            if not self.parents[node]:
                break
            node = self.parents[node][0]
        return earliest
