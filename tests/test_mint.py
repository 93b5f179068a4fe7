"""Every mint-token error code gets its own diagnosis, with the index's own text."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
import responses
import shown
from conftest import GitHub, make_wheel, publisher_for_run
from shown import Annotation

from publisher import messages
from publisher.console import Console
from publisher.errors import IndexServerError
from publisher.http import Http, RetryPolicy
from publisher.index import Index
from publisher.messages import Msg
from publisher.mint import mint
from publisher.oidc import Claims
from publisher.secret import Secret

INDEX = Index("https://upload.pypi.org/legacy/")
MINT = "https://upload.pypi.org/_/oidc/mint-token"
CLAIMS = Claims(
    {
        "iss": "https://token.actions.githubusercontent.com",
        "aud": "pypi",
        "repository": "octo-org/example",
        "repository_owner": "octo-org",
        "repository_owner_id": "65",
        "job_workflow_ref": "octo-org/example/.github/workflows/release.yml@refs/tags/v1",
        "workflow_ref": "octo-org/example/.github/workflows/release.yml@refs/tags/v1",
        "environment": "pypi",
        "ref": "refs/tags/v1",
        "event_name": "push",
    }
)


def _mint_error(github: GitHub, code: str, description: str) -> Annotation:
    """Run the action against an index whose mint refuses with ``code`` and
    ``description``; the error annotation the user gets. Nothing may be uploaded."""
    make_wheel(github.dist)
    github.index.state.add_project("example", publisher_for_run(github.index))
    github.index.state.mint_error = (code, description)
    run = github.run()
    assert run.code == 1
    assert github.index.state.uploads == []
    assert "Nothing was uploaded." in run.summary
    (error,) = [a for a in shown.all_annotations(run.log) if a.level == "error"]
    return error


CODES = {
    "invalid-payload": (
        "1 validation error for TokenPayload",
        Msg.MINT_INVALID_PAYLOAD,
        "could not read the token exchange",
    ),
    "not-enabled": (
        "github trusted publishing functionality not enabled",
        Msg.MINT_NOT_ENABLED,
        "disabled on the index",
    ),
    "invalid-token": (
        "malformed or invalid token",
        Msg.MINT_INVALID_TOKEN,
        "audience `local-index`",
    ),
    "invalid-reuse-token": (
        "invalid token: already used",
        Msg.MINT_INVALID_REUSE_TOKEN,
        "exchanged once",
    ),
    "invalid-pending-publisher": (
        "valid token, but project already exists",
        Msg.MINT_INVALID_PENDING_PUBLISHER,
        "has deleted the pending",
    ),
    "invalid-publisher": (
        "valid token, but no corresponding publisher "
        "(Publisher with matching claims was not found)",
        Msg.MINT_INVALID_PUBLISHER,
        "release.yml",
    ),
    "surprise-code": ("something new", Msg.MINT_UNKNOWN_CODE, "does not know"),
}


@pytest.mark.parametrize("code", CODES)
def test_each_code_is_diagnosed(code: str, github: GitHub) -> None:
    description, key, diagnosis = CODES[code]
    error = _mint_error(github, code, description)
    assert shown.matches(key, error.title, error.body, {"description": description})
    text = f"{error.title}\n{error.body}"
    assert f"`{code}`" in text
    assert description in text  # the index's own words
    assert diagnosis in text
    assert "Fix" in text


def test_unknown_issuer(github: GitHub) -> None:
    error = _mint_error(github, "invalid-payload", "unknown trusted publishing issuer")
    assert shown.matches(Msg.MINT_UNKNOWN_ISSUER, error.title, error.body, {})
    assert "https://token.actions.githubusercontent.com" in error.body


def test_project_creation_refused(github: GitHub) -> None:
    description = "The name 'exampl' is too similar to an existing project. See https://pypi.org/help/#project-name"
    error = _mint_error(github, "invalid-payload", description)
    assert shown.matches(Msg.MINT_PROJECT_REFUSED, error.title, error.body, {})
    assert "too similar" in error.body


def test_publisher_table_names_each_claim(github: GitHub) -> None:
    error = _mint_error(
        github, "invalid-publisher", "valid token, but no corresponding publisher (x)"
    )
    run = github.index.state.run
    for claim in ("octo-org", run.owner_id, "example", run.workflow, "pypi", run.ref, "push"):
        assert claim in error.body
    url = github.index.url
    assert f"{url}/manage/project/example/settings/publishing/" in error.body
    # The project is on the index: a pending publisher for it would be refused.
    assert f"{url}/manage/account/publishing/" not in error.body


SECRET = "pypi-" + "S3CRET" * 10


@responses.activate
def test_success_masks_the_token_first() -> None:
    expires = int(time.time()) + 900
    responses.post(MINT, json={"success": True, "token": SECRET, "expires": expires})
    out = io.StringIO()
    console = Console({"GITHUB_ACTIONS": "true"}, stream=out)
    token = mint(Http(console), console, INDEX, Secret("jwt"), CLAIMS, ["example"])
    assert token.token.reveal() == SECRET
    assert token.expires == expires
    assert out.getvalue().splitlines()[0] == f"::add-mask::{SECRET}"
    assert SECRET not in repr(token)
    assert json.loads(responses.calls[0].request.body or b"{}") == {"token": "jwt"}


@responses.activate
def test_mint_is_not_retried() -> None:
    """A lost answer may have used the OIDC token up; a blind retry would be refused."""
    responses.post(MINT, status=503, body="busy")
    console = Console({}, stream=io.StringIO())
    with pytest.raises(IndexServerError):
        mint(Http(console, RetryPolicy(base=0)), console, INDEX, Secret("jwt"), CLAIMS, ["x"])
    assert len(responses.calls) == 1


@responses.activate
def test_non_json_answer_is_explained() -> None:
    responses.post(MINT, status=200, body="<html>proxy login</html>")
    console = Console({}, stream=io.StringIO())
    with pytest.raises(IndexServerError) as caught:
        mint(Http(console), console, INDEX, Secret("jwt"), CLAIMS, ["x"])
    assert "proxy login" in str(caught.value)


def test_project_registration_disabled_is_a_wait(github: GitHub) -> None:
    """Not a name to change: the index takes no new projects for now."""
    error = _mint_error(
        github,
        "invalid-payload",
        "New project registration temporarily disabled. See https://pypi.org/help#admin-intervention for details.",
    )
    assert shown.matches(Msg.MINT_REGISTRATION_DISABLED, error.title, error.body, {})
    assert "Fix: wait" in error.body


def test_refusal_for_two_projects_links_the_pending_form_without_a_name(
    github: GitHub,
) -> None:
    """A run of two new projects: the pending-publisher form takes one name, so the
    link leaves it for the user to fill in, and says so."""
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index = github.index
    index.state.mint_error = ("invalid-publisher", "valid token, but no corresponding publisher")
    run = github.run()
    assert run.code == 1
    run.shows(Msg.MINT_INVALID_PUBLISHER, "error", projects="example, other")
    label = messages.title(Msg.LINK_PENDING_ANY, {})
    link = re.search(rf"\[{re.escape(label)}\]\(([^)]*)\)", run.summary)
    assert link is not None, run.summary
    assert "/manage/account/publishing/?provider=github&owner=octo-org" in link.group(1)
    assert "project_name" not in link.group(1)
    assert index.state.uploads == []
