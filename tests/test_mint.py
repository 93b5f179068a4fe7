"""Every mint-token error code gets its own diagnosis, with the index's own text."""

from __future__ import annotations

import io
import json
import time

import pytest
import responses

from publisher.console import Console
from publisher.errors import IndexServerError, MintError
from publisher.http import Http, RetryPolicy
from publisher.index import Index
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


def _mint_error(code: str, description: str) -> MintError:
    responses.post(
        MINT,
        status=422,
        json={
            "message": "Token request failed",
            "errors": [{"code": code, "description": description}],
        },
    )
    console = Console({}, stream=io.StringIO())
    with pytest.raises(MintError) as caught:
        mint(
            Http(console, RetryPolicy(tries=1)), console, INDEX, Secret("jwt"), CLAIMS, ["example"]
        )
    return caught.value


CODES = {
    "invalid-payload": ("1 validation error for TokenPayload", "could not read the token exchange"),
    "not-enabled": ("github trusted publishing functionality not enabled", "disabled on the index"),
    "invalid-token": ("malformed or invalid token", "audience `pypi`"),
    "invalid-reuse-token": ("invalid token: already used", "exchanged once"),
    "invalid-pending-publisher": (
        "valid token, but project already exists",
        "has deleted the pending",
    ),
    "invalid-publisher": (
        "valid token, but no corresponding publisher "
        "(Publisher with matching claims was not found)",
        "release.yml",
    ),
    "surprise-code": ("something new", "does not know"),
}


@responses.activate
@pytest.mark.parametrize("code", CODES)
def test_each_code_is_diagnosed(code: str) -> None:
    description, diagnosis = CODES[code]
    error = _mint_error(code, description)
    text = f"{error.title}\n{error}"
    assert f"`{code}`" in text
    assert description in text  # the index's own words
    assert diagnosis in text
    assert "Fix" in text


@responses.activate
def test_unknown_issuer() -> None:
    error = _mint_error("invalid-payload", "unknown trusted publishing issuer")
    assert "does not trust this CI" in error.title
    assert "https://token.actions.githubusercontent.com" in str(error)


@responses.activate
def test_project_creation_refused() -> None:
    error = _mint_error(
        "invalid-payload",
        "The name 'exampl' is too similar to an existing project. See https://pypi.org/help/#project-name",
    )
    assert "refused to create the project" in error.title
    assert "too similar" in str(error)


@responses.activate
def test_publisher_table_names_each_claim() -> None:
    text = str(_mint_error("invalid-publisher", "valid token, but no corresponding publisher (x)"))
    for claim in (
        "octo-org",
        "65",
        "octo-org/example",
        "release.yml",
        "pypi",
        "refs/tags/v1",
        "push",
    ):
        assert claim in text
    assert "https://pypi.org/manage/project/example/settings/publishing/" in text
    assert "https://pypi.org/manage/account/publishing/?provider=github&owner=octo-org" in text


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


@responses.activate
def test_project_registration_disabled_is_a_wait() -> None:
    """Not a name to change: the index takes no new projects for now."""
    error = _mint_error(
        "invalid-payload",
        "New project registration temporarily disabled. See https://pypi.org/help#admin-intervention for details.",
    )
    assert error.title == "The index is not taking new projects right now"
    assert "Fix: wait" in str(error)
