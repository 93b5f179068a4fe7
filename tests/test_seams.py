"""Faults at the seams between steps, found by review: a look-up that cannot answer
when the run depends on it, retries nested in retries, credentials in other
encodings. Each test failed before its fix."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import GitHub, make_wheel, publisher_for_run
from fakes.index import Fault, LocalIndex

from publisher import http, messages
from publisher.messages import Msg


def test_name_check_does_not_claim_a_project_the_lookup_cannot_see(
    github: GitHub, index: LocalIndex
) -> None:
    """Two new projects; the pending publisher is for a third (typo) name. After the
    mint, the look-up of `example` fails (503s): the run stops saying it cannot tell,
    never that the exchange created `example`."""
    make_wheel(github.dist, "example")
    make_wheel(github.dist, "other")
    index.state.pending.append(publisher_for_run(index, project="python-example"))
    # first request to /simple/example/ is the pre-check (404); then 503 for the rest
    index.state.faults.append(Fault("/simple/example/", status=503, skip=1, times=50))
    run = github.run()
    assert "python-example" in index.state.projects  # the exchange created THAT one
    assert "example" not in index.state.projects
    assert run.code == 1
    run.shows(Msg.NAME_CHECK_UNANSWERED, "error", project="example")
    assert "created `example`" not in run.log
    assert index.state.uploads == []


def test_skip_existing_unknown_digest_is_not_reported_as_other_bytes(
    github: GitHub, index: LocalIndex
) -> None:
    """The index lists the file but gives no sha256 (pypiserver without hashes): with
    skip-existing the file is skipped, with a notice that its bytes cannot be compared,
    never as a file the index keeps with other bytes."""
    import json as _json

    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")  # same bytes
    page = _json.dumps(
        {
            "meta": {"api-version": "1.0"},
            "name": "example",
            "files": [{"filename": wheel.name, "url": "x", "hashes": {}}],
        }
    ).encode()
    headers = {"Content-Type": "application/vnd.pypi.simple.v1+json"}
    index.state.faults.append(Fault("/simple/", status=200, body=page, headers=headers))
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    run.shows(Msg.FILE_SKIPPED_UNKNOWN, "notice", filename=wheel.name)
    assert run.output_list("skipped") == [wheel.name]
    (row,) = [r for r in run.page.table("file")[1:] if r[0] == wheel.name]
    assert row[-1] == messages.phrase(Msg.RESULT_SKIPPED)
    assert messages.phrase(Msg.RESULT_SKIPPED_OTHER) not in run.summary
    assert "keeps its own" not in run.log
    assert index.state.uploads == []


def test_undecodable_file_name_in_summary(github: GitHub, index: LocalIndex) -> None:
    """A file in packages-dir whose name is not UTF-8 (surrogate-escaped by Python):
    the step summary is still written, naming it escaped, and there is no crash."""
    import os

    _dists = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    bad = os.fsdecode(b"example-1.0.0\xff.tar.gz")
    (github.dist / bad).write_bytes(b"not a tarball")
    run = github.run(subprocess_run=True)
    assert "Traceback" not in run.log
    assert "internal error" not in run.log.lower()
    assert "example-1.0.0\\udcff.tar.gz" in run.summary


def test_echoed_basic_credential_latin1_password(github: GitHub, index: LocalIndex) -> None:
    """A private index's password with a non-ASCII (Latin-1) letter: requests sends the
    Basic credential Latin-1 encoded; an index echoing it must not show it."""
    from requests.auth import _basic_auth_str

    make_wheel(github.dist)
    password = "pässwörd-0123456789abcdef"
    index.state.accounts["alice"] = password
    sent = _basic_auth_str("alice", password).split()[1]  # what goes on the wire
    echo = f"Bad request. Your headers: Authorization: Basic {sent}".encode()
    index.state.faults.append(Fault("/legacy/", status=400, body=echo))
    run = github.run({"user": "alice", "password": password, "verbose": "true"}, oidc=False)
    assert run.code == 1
    lines = run.log.splitlines()
    visible = "\n".join(line for line in lines if not line.startswith("::add-mask::"))
    assert sent not in visible


def test_cut_off_inside_mint_retry_is_not_retried_twice_over(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mint answers 503 once; the retry needs a new OIDC token, and GitHub's token
    endpoint never answers in time. The token request is retried as any request is (4
    tries), not 4 times for each of the mint's 4 tries."""
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    monkeypatch.setattr(http, "REQUEST_DEADLINE", 0.3)
    index.state.faults.append(Fault("/_/oidc/mint-token", status=503))
    index.state.faults.append(
        Fault("/_github/token", status=200, trickle=0.05, body=b"x" * 400, skip=1, times=100)
    )
    started = time.monotonic()
    run = github.run(in_process=True)
    assert time.monotonic() - started < 20
    asked = index.state.paths().count("/_github/token") - 1  # less the first, good one
    assert run.code == 1
    assert asked == http.DEFAULT_POLICY.tries  # one retry loop, as for any request
    assert index.state.paths("POST") == ["/_/oidc/mint-token"]
    assert index.state.uploads == []


def test_upload_not_resent_when_landed_check_cannot_answer(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index stores the file but its answer is cut off; the look-up that would say
    whether it landed cannot be had (connection dropped): the file is not sent again
    blind, and the user is told to re-run with skip-existing."""
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    monkeypatch.setattr(http, "REQUEST_DEADLINE", 1.0)
    index.state.faults.append(
        Fault("/legacy/", status=200, after=True, trickle=0.05, body=b"x" * 100)
    )
    index.state.faults.append(Fault("/simple/", drop=True, skip=1, times=4))
    run = github.run(in_process=True)
    assert len(index.state.uploads) == 1
    assert index.state.paths("POST").count("/legacy/") == 1
    assert run.code == 1
    error = run.shows(Msg.UPLOAD_UNCONFIRMED, "error", filename=wheel.name)
    assert "skip-existing: true" in error.body
    assert "could not be asked" in error.body
    # The summary does not say it was not uploaded: it may well be there.
    row = next(r for r in run.page.tables[0] if r[0] == wheel.name)
    assert row[1] == "may be on the index: its upload got no clear answer"


def test_workflow_path_elsewhere_is_not_replaced_by_the_same_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--workflow other/release.yml` (a path that does not exist) is reported as not
    found, not silently replaced by .github/workflows/release.yml."""
    from publisher.errors import InputError
    from publisher.index import Index
    from publisher.workflows.lint import prepare

    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "release.yml").write_text(
        "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: someone/trusted-publish-action@v1\n"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        prepare(
            tmp_path,
            Path("other-repo/.github/workflows/release.yml"),
            None,
            Index.from_input("https://upload.pypi.org/legacy/"),
        )
    assert caught.value.key is Msg.WORKFLOW_NOT_FOUND


def test_name_check_after_mint_stops_the_run_when_lookup_fails(
    github: GitHub, index: LocalIndex
) -> None:
    make_wheel(github.dist, "example")
    index.state.pending.append(publisher_for_run(index, project="python-example"))
    index.state.faults.append(Fault("/simple/example/", drop=True, skip=1, times=50))
    run = github.run()
    assert run.code == 1
    assert "/legacy/" not in index.state.paths()  # the name check stops it first
    run.shows(Msg.NAME_CHECK_UNANSWERED, "error", project="example")


def test_mint_retry_tries_count_for_nested_request(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults.append(Fault("/_/oidc/mint-token", status=503))
    index.state.faults.append(Fault("/_github/token", drop=True, skip=1, times=100))
    run = github.run()
    asked = index.state.paths().count("/_github/token") - 1
    assert asked == http.DEFAULT_POLICY.tries  # one retry loop, as for any request
    assert run.code == 1
    assert f"(after {asked} tries)" in run.log
