"""Rules the action keeps for PyPI only, met end to end: the local index answers as
pypi.org and upload.pypi.org (``fakes.hosts``), so the action takes it for PyPI; and
an index elsewhere that asks for PyPI's audience."""

from __future__ import annotations

import time

from conftest import ActionRun, GitHub, make_wheel, publisher_for_run
from fakes.hosts import served_as
from fakes.index import LocalIndex

from publisher.messages import Msg

PYPI = "https://upload.pypi.org/legacy/"


def _run_as_pypi(github: GitHub, inputs: dict[str, str], *, oidc: bool = True) -> ActionRun:
    with served_as(github.index, "pypi.org", "upload.pypi.org"):
        return github.run({"repository-url": PYPI, **inputs}, oidc=oidc, in_process=True)


def test_release_older_than_14_days_stops_before_the_mint(
    github: GitHub, index: LocalIndex
) -> None:
    """PyPI refuses new files for a release first uploaded more than 14 days ago: the
    run stops before a token is minted, and nothing is sent."""
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    first = time.time() - 15 * 86400
    index.state.add_file("example", "example-1.0.0.tar.gz", b"sdist", "1.0.0", uploaded=first)
    run = _run_as_pypi(github, {"attestations": "false"})
    assert run.code == 1
    day = time.strftime("%Y-%m-%d", time.gmtime(first))
    error = run.shows(
        Msg.RELEASE_TOO_OLD, "error", filename=wheel.name, project="example", first=day
    )
    assert "Fix" in error.body
    assert index.state.paths("POST") == []  # no mint, no upload
    assert set(index.state.projects["example"].files) == {"example-1.0.0.tar.gz"}


def test_a_day_short_of_14_days_publishes(github: GitHub, index: LocalIndex) -> None:
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    first = time.time() - 13 * 86400
    index.state.add_file("example", "example-1.0.0.tar.gz", b"sdist", "1.0.0", uploaded=first)
    run = _run_as_pypi(github, {"attestations": "false"})
    assert run.code == 0, run.log
    assert wheel.name in index.state.projects["example"].files


def test_api_token_gets_the_trusted_publishing_nudge(github: GitHub, index: LocalIndex) -> None:
    wheel = make_wheel(github.dist)
    index.state.add_project("example")
    index.state.user_tokens.add("pypi-AgEIcHlwaS5vcmc-a-user-token")
    run = _run_as_pypi(github, {"password": "pypi-AgEIcHlwaS5vcmc-a-user-token"}, oidc=False)
    assert run.code == 0, run.log
    warning = run.shows(Msg.TRUSTED_PUBLISHING_NUDGE, "warning", index="https://pypi.org")
    assert "https://pypi.org/manage/project/example/settings/publishing/?provider=github" in (
        warning.body
    )  # the form that adds this workflow as a publisher, pre-filled
    assert wheel.name in index.state.projects["example"].files


def test_password_that_is_no_api_token(github: GitHub, index: LocalIndex) -> None:
    """PyPI takes API tokens only: an account's password is named before the upload,
    which PyPI then refuses."""
    wheel = make_wheel(github.dist)
    index.state.add_project("example")
    run = _run_as_pypi(github, {"password": "correct horse battery staple"}, oidc=False)
    run.shows(Msg.TOKEN_NOT_PYPI, "warning", index="https://pypi.org")
    assert run.code == 1
    run.shows(Msg.UPLOAD_BAD_PASSWORD, "error", filename=wheel.name)
    assert index.state.projects["example"].files == {}


def test_pypi_audience_from_another_host_is_refused(github: GitHub, index: LocalIndex) -> None:
    """An index that is not PyPI asks for PyPI's audience: a token for it would be
    good on PyPI for this repository's publishers. No token is asked for."""
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.audience = "pypi"
    with served_as(index, "packages.example.com"):
        url = "https://packages.example.com/legacy/"
        run = github.run({"repository-url": url}, in_process=True)
    assert run.code == 1
    run.shows(Msg.AUDIENCE_REFUSED, "error", audience="pypi")
    assert index.state.issued == []  # no OIDC token was asked for
    assert index.state.paths("POST") == []
