"""Burning the upload tokens (issue 19): every token the run minted, renewals too, is
revoked at the index's ``/_/oidc/burn-token`` (pypi/warehouse#20197) once the uploads
are over, whether they succeeded, failed or were cancelled; a burn that fails is a
notice, never a failed release; the log and the step summary say it was burned."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from conftest import GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import Fault, LocalIndex

from publisher.messages import Msg

BURNED = "The upload token was burned"


def _ready(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))


def _burns(index: LocalIndex) -> int:
    return index.state.paths("POST").count("/_/oidc/burn-token")


def test_token_is_burned_after_the_uploads(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    run = github.run()
    assert run.code == 0, run.log
    assert len(index.minted()) == 1
    assert index.state.burned == index.minted()  # revoked: the index holds it no more
    assert index.state.tokens == {}
    # after the uploads, never before
    posts = index.state.paths("POST")
    assert posts.index("/_/oidc/burn-token") > max(
        i for i, p in enumerate(posts) if p == "/legacy/"
    )
    assert BURNED in run.log
    assert BURNED in run.summary


def test_every_token_is_burned_renewals_too(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", expire_tokens=True))  # the first expires
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.paths("POST").count("/_/oidc/mint-token") == 2
    assert sorted(index.state.burned) == sorted(index.minted())
    assert len(index.state.burned) == 2
    assert "(2, renewals included)" in run.log


def test_token_is_burned_after_a_failed_upload(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", status=400, reason="Invalid distribution file."))
    run = github.run()
    assert run.code == 1
    assert index.state.burned == index.minted() != []
    assert BURNED in run.summary
    assert "Publishing failed" in run.summary


def test_token_is_burned_when_the_name_check_stops_the_run(
    github: GitHub, index: LocalIndex
) -> None:
    """Minted for another project's publisher: the run stops before any upload."""
    make_wheel(github.dist, "newproject")
    index.state.add_project("other", publisher_for_run(index))
    run = github.run()
    assert run.code == 1
    assert "/legacy/" not in index.state.paths()
    assert index.state.burned == index.minted() != []


def test_failed_burn_is_a_notice(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/burn-token", status=503, times=2))
    run = github.run()
    assert run.code == 0, run.log
    assert len(index.state.projects["example"].files) == 2
    assert "::notice title=The upload token could not be burned::" in run.log
    assert "HTTP 503" in run.log
    assert "expires by itself at" in run.log
    assert "The upload token could not be burned" in run.summary
    assert _burns(index) == 2  # tried once more, not again: that would hold the job


def test_busy_burn_endpoint_is_tried_once_more(github: GitHub, index: LocalIndex) -> None:
    """One 503 from a busy index does not leave the token alive for 15 minutes."""
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/burn-token", status=503))
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.burned == index.minted() != []
    assert BURNED in run.summary


def test_renewal_is_burned_when_the_first_burn_fails(github: GitHub, index: LocalIndex) -> None:
    """The first token's burn fails (twice): the renewal is still burned, and the
    notice says a token could not be."""
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", expire_tokens=True))  # the first expires
    index.state.faults.append(Fault("/_/oidc/burn-token", status=503, times=2))
    run = github.run()
    assert run.code == 0, run.log
    _first, renewal = index.minted()
    assert index.state.burned == [renewal]
    assert "::notice title=The upload token could not be burned::" in run.log


def test_unreachable_burn_endpoint_is_a_notice(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/burn-token", drop=True))
    run = github.run()
    assert run.code == 0, run.log
    assert "::notice title=The upload token could not be burned::" in run.log


def test_index_without_burning_is_a_notice(github: GitHub, index: LocalIndex) -> None:
    """An index older than pypi/warehouse#20197 answers 404."""
    _ready(github, index)
    index.state.burn_endpoint = False
    run = github.run()
    assert run.code == 0, run.log
    assert "::notice title=The index does not burn upload tokens::" in run.log
    assert "answered HTTP 404" in run.log
    assert "The index does not burn upload tokens" in run.summary


def test_nothing_to_burn_without_a_mint(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist)
    token = "pypi-user-token-abcdef0123456789"
    index.state.user_tokens.add(token)
    run = github.run({"password": token}, oidc=False)
    assert run.code == 0, run.log
    assert _burns(index) == 0
    assert token in index.state.user_tokens  # a user's own token is never sent there
    assert "burned" not in run.log + run.summary


def test_dry_run_burns_nothing(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    run = github.run({"dry-run": "true"})
    assert run.code == 0, run.log
    assert _burns(index) == 0


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cancelled_run_burns_its_token(
    github: GitHub, index: LocalIndex, signum: signal.Signals
) -> None:
    """GitHub cancels a step (or ends it at `timeout-minutes`) with SIGINT, then SIGTERM
    7.5 s later: the run stops where it is, mid-upload here, and burns its token."""
    _ready(github, index)
    # The index takes the first upload and then answers it very slowly.
    index.state.faults.append(Fault("/legacy/", status=200, trickle=0.5))

    def cancel_mid_upload(proc: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 30
        while "/legacy/" not in index.state.paths("POST"):
            assert proc.poll() is None, "the run ended before its first upload"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signum)

    run = github.run(while_running=cancel_mid_upload)
    assert run.code == 130
    assert f"The run was cancelled (signal {signum.name})" in run.log
    assert index.state.burned == index.minted() != []
    assert BURNED in run.log
    assert index.state.paths("POST").count("/legacy/") == 1  # nothing more was sent


def test_cancelled_run_reports_what_reached_the_index(github: GitHub, index: LocalIndex) -> None:
    """Cancelled mid-release: the outputs and the step summary (which the runner keeps
    for a cancelled step, and a later `if: always()` step may read) say what reached
    the index; the file whose upload was cut off may be there, and is said to be."""
    wheel, sdist = make_wheel(github.dist), make_sdist(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    # The wheel goes first, alone; the index stores the sdist but answers very slowly.
    index.state.faults.append(Fault("/legacy/", status=200, after=True, trickle=0.5, skip=1))

    def cancel_mid_sdist(proc: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 30
        while len(index.state.uploads) < 2:
            assert proc.poll() is None, "the run ended before its second upload"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)

    run = github.run(while_running=cancel_mid_sdist)
    assert run.code == 130
    assert run.output_list("uploaded") == [wheel.name]
    run.shows(Msg.RUN_CANCELLED, "error", signal="SIGINT")
    assert "The run was cancelled" in run.page.headings[0][1]
    rows = {r[0]: r[1] for r in run.page.tables[0][1:]}
    assert rows == {
        wheel.name: "uploaded",
        sdist.name: "may be on the index: its upload got no clear answer",
    }
    assert index.state.burned == index.minted() != []
    assert BURNED in run.summary


def test_cancelled_dry_run_says_it_was_cancelled(github: GitHub, index: LocalIndex) -> None:
    """A dry run cut short reports what it checked, and that it was cancelled, not that
    publishing would fail."""
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/audience", status=200, trickle=0.5, body=b"{}" * 20))

    def cancel_mid_check(proc: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 30
        while "/_/oidc/audience" not in index.state.paths():
            assert proc.poll() is None, "the run ended before asking for the audience"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)

    run = github.run({"dry-run": "true"}, while_running=cancel_mid_check)
    assert run.code == 130
    error = run.shows(Msg.DRY_RUN_CANCELLED, "error", signal="SIGINT")
    assert "skip-existing" not in error.body  # nothing to finish: nothing was uploaded
    assert "publishing would fail" not in run.log
    assert "would stop a real publish" not in run.log + run.summary  # nor "0 problem(s)"
    verdict = "cancelled before every check was done; 0 problem(s) found until then"
    assert f"STOPPED: {verdict}" in run.log
    assert run.page.headings[0][1] == f"Dry run for {index.url}: {verdict}"
    assert _burns(index) == 0
