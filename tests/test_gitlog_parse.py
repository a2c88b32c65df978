"""The raw `git log` record parser: the fast committer-time read agrees with the full identity parse."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vana_audit.history.gitlog import RawCommit, _commit_time, _header, _identity

RECORD = (
    "commit 1111111111111111111111111111111111111111\n"
    "tree 2222222222222222222222222222222222222222\n"
    "parent 3333333333333333333333333333333333333333\n"
    "author Dev One <Dev@Example.com> 1700000000 +0200\n"
    "committer {committer}\n"
    "\n"
    "    Revert \"feat: x\"\n"
    "\n"
    "    This reverts commit 4444444444444444444444444444444444444444.\n"
)


def test_a_usual_record_parses_completely() -> None:
    record = RECORD.format(committer="Bot <bot@example.com> 1700000100 +0000")
    commit = RawCommit(record, _commit_time(record)).parse()
    assert commit.sha == "1" * 40 and commit.parents == ("3" * 40,)
    assert (commit.author_name, commit.author_email, commit.author_time) == ("Dev One", "dev@example.com", 1700000000)
    assert commit.commit_time == 1700000100
    assert commit.reverts == "4" * 40 and commit.subject == 'Revert "feat: x"'


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="\n"), max_size=60)
       | st.builds(lambda n, e, t, z: f"{n} <{e}> {t} {z}", st.text(max_size=10), st.text(max_size=10),
                   st.integers(-10, 10**10), st.text(max_size=6)))
def test_the_fast_committer_time_equals_the_identity_parse(committer: str) -> None:
    record = RECORD.format(committer=committer.replace("\n", " "))
    assert _commit_time(record) == _identity(_header(record, "\ncommitter "))[2]
