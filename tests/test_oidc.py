"""Reading the OIDC token and the runner's environment."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from conftest import GitHub, make_wheel, publisher_for_run
from fakes.index import Fault

from publisher.errors import OidcError
from publisher.messages import Msg
from publisher.oidc import (
    _with_audience,
    ensure_token_available,
    is_fork_pull_request,
    read_claims,
    workflow_filename,
)
from publisher.secret import Secret


def test_claims_read_as_pyjwt_reads_them() -> None:
    payload = {
        "repository": "o/r",
        "environment": "pypi",
        "job_workflow_ref": "o/r/.github/workflows/a.yaml@refs/heads/main",
    }
    token = jwt.encode(payload, "k" * 32, algorithm="HS256")
    claims = read_claims(Secret(token))
    assert claims.raw == jwt.decode(token, options={"verify_signature": False})
    assert claims.workflow_filename == "a.yaml"
    assert claims.repository_name == "r"


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.!!!.c", "a.bnVsbA.c"])
def test_unreadable_token(token: str) -> None:
    with pytest.raises(OidcError, match="not a readable JWT"):
        read_claims(Secret(token))


@pytest.mark.parametrize(
    ("ref", "name"),
    [
        ("o/r/.github/workflows/release.yml@refs/tags/v1", "release.yml"),
        ("o/r/.github/workflows/sub/x.yaml@0123", "x.yaml"),
        ("o/r/.github/workflows/release.yml", ""),
        ("", ""),
    ],
)
def test_workflow_filename(ref: str, name: str) -> None:
    assert workflow_filename(ref) == name


def test_audience_is_merged_into_the_runner_url() -> None:
    url = _with_audience("https://x.actions/token?api-version=2.0&audience=old", "pypi")
    assert url == "https://x.actions/token?api-version=2.0&audience=pypi"


def test_fork_detection(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"head": {"repo": {"fork": True}}}}))
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    assert is_fork_pull_request(env)
    assert not is_fork_pull_request({**env, "GITHUB_EVENT_NAME": "push"})
    event.write_text("{not json")
    assert not is_fork_pull_request(env)


def test_missing_token_outside_actions() -> None:
    with pytest.raises(OidcError, match="no OIDC token outside"):
        ensure_token_available({})


# --- as the action meets them ------------------------------------------------------------
def _ready(github: GitHub) -> None:
    make_wheel(github.dist)
    github.index.state.add_project("example", publisher_for_run(github.index))


def test_token_request_refused_by_github(github: GitHub) -> None:
    _ready(github)
    refused = Fault("/_github/token", status=403, body=b'{"message": "no id-token permission"}')
    github.index.state.faults.append(refused)
    run = github.run()
    assert run.code == 1
    run.shows(Msg.OIDC_REQUEST_FAILED, "error", status=403)
    assert "no id-token permission" in run.log
    assert github.index.state.paths("POST") == []  # no mint, no upload


def test_token_answer_without_a_token(github: GitHub) -> None:
    _ready(github)
    empty = Fault(
        "/_github/token",
        status=200,
        body=b'{"count": 0}',
        headers={"Content-Type": "application/json"},
    )
    github.index.state.faults.append(empty)
    run = github.run()
    assert run.code == 1
    run.shows(Msg.OIDC_MALFORMED, "error")
    assert github.index.state.paths("POST") == []


def test_publishing_outside_github_actions_needs_a_password(github: GitHub) -> None:
    """`publisher run` on a laptop: no OIDC token there, and the fix says what to do."""
    _ready(github)
    run = github.run(oidc=False, env={"GITHUB_ACTIONS": ""})
    assert run.code == 1
    assert run.logs(Msg.OIDC_NOT_IN_ACTIONS, prefix="error: ")
    assert "::" not in run.log  # no workflow commands outside Actions
    assert github.index.state.paths("POST") == []


def test_audience_endpoint_with_an_unexpected_status(github: GitHub) -> None:
    _ready(github)
    github.index.state.faults.append(Fault("/_/oidc/audience", status=400, times=9))
    run = github.run()
    assert run.code == 1
    run.shows(Msg.AUDIENCE_STATUS, "error", status=400, url=f"{github.index.url}/_/oidc/audience")
    assert github.index.state.issued == []  # no OIDC token asked for
    assert github.index.state.paths("POST") == []
