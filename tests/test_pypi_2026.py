"""PyPI and GitHub as they are in late 2026 (issue 19; server-facts §14): an expired
pending publisher named as a likely cause of `invalid-publisher`, and the token's new
`sub` form and new claims shown as they are, escaped."""

from __future__ import annotations

from conftest import GitHub, make_wheel, publisher_for_run
from fakes.index import LocalIndex, RunClaims

EXPIRED = "deletes a pending publisher 30 days after it was registered"


def test_invalid_publisher_for_a_new_project_names_an_expired_pending_publisher(
    github: GitHub, index: LocalIndex
) -> None:
    """No project `example`, and the pending publisher registered for it more than 30
    days ago is gone: the index answers `invalid-publisher`."""
    make_wheel(github.dist)
    run = github.run()
    assert run.code == 1
    assert "::error title=No trusted publisher matches this run::" in run.log
    assert f"Not on {index.url} yet: example, so only a pending publisher can match" in run.log
    assert EXPIRED in run.log
    assert EXPIRED in run.summary
    # the fix is still the list of links to follow: the pending publisher's first
    assert "- For a project that is not on the index yet, register a pending publisher" in (
        run.summary
    )


def test_invalid_publisher_for_an_existing_project_does_not(
    github: GitHub, index: LocalIndex
) -> None:
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index, workflow="other.yml"))
    run = github.run()
    assert run.code == 1
    assert "No trusted publisher matches this run" in run.log
    assert EXPIRED not in run.log + run.summary


def test_new_subject_form_and_claims_are_shown_as_they_are(
    github: GitHub, index: LocalIndex
) -> None:
    """A repository made since 2026-07-15 (`sub` with ids), GitHub's `check_run_id`
    and custom properties (a multi-select one is a list; an admin may write anything
    in one): shown in the diagnosis as the token has them, never as Python writes them,
    and never as a workflow command."""
    make_wheel(github.dist)
    index.state.run = RunClaims(
        sub_with_ids=True,
        more={
            "check_run_id": 987654321,
            "repo_property_tier": ["gold", "silver"],
            "repo_property_public": True,
            "repo_property_note": "x\n::error::pwned",
        },
    )
    run = github.run({"dry-run": "true"})
    assert "Its subject, `repo:octo-org@1001/example@2002:environment:pypi`" in run.summary
    run = github.run()
    assert run.code == 1
    assert "repo:octo-org@1001/example@2002:environment:pypi" in run.log
    assert "check_run_id 987654321" in run.log
    assert "repo_property_tier gold, silver" in run.log
    assert "repo_property_public true" in run.log
    assert "['gold'" not in run.log
    assert "True" not in run.log
    assert "\n::error::pwned" not in run.log
    assert "repo:octo-org@1001/example@2002:environment:pypi" in run.summary
    assert "subject (sub)" in run.summary
