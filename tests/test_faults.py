"""What real indexes do to a release job: transient faults, lost answers, tokens that
expire mid-run. The job must survive them, never upload a file twice, and say what
reached the index when it cannot."""

from __future__ import annotations

import time

import pytest
from conftest import GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import Fault, LocalIndex

from publisher import http, mint, upload
from publisher.dists import Dist
from publisher.messages import Msg


def _ready(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))


def test_audience_and_token_requests_are_retried(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults += [
        Fault("/_/oidc/audience", status=503, times=2),
        Fault("/_github/token", drop=True),
    ]
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.paths("GET").count("/_/oidc/audience") == 3
    assert "try 1 of 4 failed" in run.log


def test_retry_after_is_honoured(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/simple/", status=429, retry_after=1))
    started = time.monotonic()
    run = github.run()
    assert run.code == 0, run.log
    assert time.monotonic() - started >= 1.0
    assert "trying again in 1.0 s" in run.log


def test_mint_is_retried_with_a_fresh_oidc_token(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/mint-token", status=502))
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.paths("POST").count("/_/oidc/mint-token") == 2
    assert index.state.paths("GET").count("/_github/token") == 2


def test_lost_upload_answer_counts_once(github: GitHub, index: LocalIndex) -> None:
    """The index stored the file but the connection dropped before the answer."""
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", drop_after=True))
    run = github.run()
    assert run.code == 0, run.log
    assert [u["filename"] for u in index.state.uploads] == [
        "example-1.0.0-py3-none-any.whl",
        "example-1.0.0.tar.gz",
    ]  # each sent once, the wheel first: it was confirmed on the index, not re-sent
    assert "confirmed on the index" in run.log
    assert len(run.output_list("uploaded")) == 2


def test_upload_5xx_is_retried(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", status=503, times=2))
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.paths("POST").count("/legacy/") == 4


def test_other_4xx_is_not_retried(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", status=400))
    run = github.run()
    assert run.code == 1
    assert index.state.paths("POST").count("/legacy/") == 1
    assert "refused `example-1.0.0-py3-none-any.whl`" in run.log  # wheels go first


def test_token_expiring_mid_run_is_replaced(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", expire_tokens=True))
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.paths("POST").count("/_/oidc/mint-token") == 2
    assert "expired: minting a new one" in run.log
    assert len(index.state.projects["example"].files) == 2


def test_short_lived_token_is_renewed_before_it_expires(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(github, index)
    index.state.token_lifetime = 60  # less than the renewal margin
    monkeypatch.setattr(mint, "FRESH", 0.0)  # as if each upload came minutes later
    run = github.run(in_process=True)
    assert run.code == 0, run.log
    assert index.state.paths("POST").count("/_/oidc/mint-token") == 3  # first + once per file
    assert index.state.paths("POST").count("/legacy/") == 2


def test_fresh_token_is_not_replaced_by_one_like_it(github: GitHub, index: LocalIndex) -> None:
    """A token that lives less than the renewal margin from the start: minting another
    right away would give the same, and spend an OIDC token."""
    _ready(github, index)
    index.state.token_lifetime = 60
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.paths("POST").count("/_/oidc/mint-token") == 1


def test_token_must_outlive_a_large_upload(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index checks the token when the whole file has arrived: a token with less
    left than an upload may take (its deadline) is renewed before it, not after."""
    _ready(github, index)
    index.state.token_lifetime = 400  # past the 180 s margin, short of the upload's time
    monkeypatch.setattr(mint, "FRESH", 0.0)
    monkeypatch.setattr(upload, "upload_deadline", lambda size: 500.0)  # a 380 MiB file
    run = github.run(in_process=True)
    assert run.code == 0, run.log
    assert index.state.paths("POST").count("/_/oidc/mint-token") == 3
    assert index.state.paths("POST").count("/legacy/") == 2  # each file sent once


def test_unreachable_index_fails_clearly(github: GitHub) -> None:
    make_wheel(github.dist)
    run = github.run({"repository-url": "http://127.0.0.1:9/legacy/"})
    assert run.code == 1
    assert "A request failed while asking the index for its audience" in run.log
    assert "after 4 tries" in run.log


def test_plain_http_refused_off_loopback(github: GitHub) -> None:
    make_wheel(github.dist)
    run = github.run({"repository-url": "http://pypi.example.org/legacy/"})
    assert run.code == 1
    assert "plain http" in run.log


def test_partial_failure_then_rerun_with_skip_existing(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", status=400, skip=1))

    first = github.run()

    assert first.code == 1  # the wheel went first, then the sdist was refused
    assert first.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]
    rows = first.page.table("file")[1:]
    assert ["example-1.0.0-py3-none-any.whl", "uploaded"] in rows
    assert ["example-1.0.0.tar.gz", "not uploaded"] in rows
    wheel_page = first.page.link("example-1.0.0-py3-none-any.whl")
    assert wheel_page.endswith("/project/example/1.0.0/#files")
    assert "re-run with skip-existing: true" in first.page.text

    plain = github.run()
    assert plain.code == 1
    assert "already on the index" in plain.log

    second = github.run({"skip-existing": "true"})
    assert second.code == 0, second.log
    assert second.output_list("skipped") == ["example-1.0.0-py3-none-any.whl"]
    assert second.output_list("uploaded") == ["example-1.0.0.tar.gz"]
    uploads = [u["filename"] for u in index.state.uploads]
    assert uploads.count("example-1.0.0-py3-none-any.whl") == 1


def test_verbose_run_leaks_nothing(github: GitHub, index: LocalIndex) -> None:
    """The secret scan runs on every test; here with every debug line switched on."""
    _ready(github, index)
    run = github.run({"verbose": "true"})
    assert run.code == 0, run.log
    assert "[debug]" in run.log


def test_upload_429_waits_as_asked(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", status=429, retry_after=1))
    started = time.monotonic()
    run = github.run()
    assert run.code == 0, run.log
    assert time.monotonic() - started >= 1.0
    assert "trying again in 1.0 s" in run.log
    assert index.state.paths("POST").count("/legacy/") == 3


def test_index_without_json_simple_api(github: GitHub, index: LocalIndex) -> None:
    """pypiserver and others serve PEP 503 HTML only: hashes come from the links."""
    _ready(github, index)
    index.state.simple_json = False
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    assert run.output_list("skipped") == [wheel.name]
    assert run.output_list("uploaded") == ["example-1.0.0.tar.gz"]


def test_unreadable_simple_api_is_advisory(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/simple/", status=401, times=100))
    run = github.run()
    assert run.code == 0, run.log
    assert "Could not check `example` on the index" in run.log
    assert "HTTP 401" in run.log
    assert len(index.state.projects["example"].files) == 2


def test_unexpected_error_still_reports_what_landed(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from publisher import upload

    _ready(github, index)
    real_send = upload.Uploader.send
    calls = []

    def flaky(self: upload.Uploader, dist: Dist) -> upload.UploadAnswer:
        calls.append(dist.filename)
        if len(calls) == 2:
            raise KeyError("boom")
        return real_send(self, dist)

    monkeypatch.setattr(upload.Uploader, "send", flaky)
    run = github.run(in_process=True)
    assert run.code == 1
    assert "Internal error in the action" in run.log
    assert "KeyError" in run.log
    assert run.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]
    assert ["example-1.0.0-py3-none-any.whl", "uploaded"] in run.page.table("file")


def test_mint_retry_after_is_honoured(github: GitHub, index: LocalIndex) -> None:
    """The one retry loop serves the mint too: a 429 with Retry-After: 1 is waited out
    in full (before, the mint's own loop could go again after 0.7 s)."""
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/mint-token", status=429, retry_after=1))
    started = time.monotonic()
    run = github.run()
    assert run.code == 0, run.log
    mints = [i for i, (m, p) in enumerate(index.state.requests) if p == "/_/oidc/mint-token"]
    assert len(mints) == 2
    assert time.monotonic() - started >= 1.0
    assert "trying again in 1.0 s" in run.log


def test_mint_that_never_answers_counts_every_try(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/mint-token", drop=True, times=10))
    run = github.run()
    assert run.code == 1
    assert "try 3 of 4 failed" in run.log
    assert "(after 4 tries)" in run.log
    assert index.state.uploads == []


def test_upload_that_never_answers_says_so(github: GitHub, index: LocalIndex) -> None:
    """No answer came at all: the error names the fault, not an "HTTP 0" answer."""
    _ready(github, index)
    index.state.faults.append(Fault("/legacy/", drop=True, times=10))
    run = github.run()
    assert run.code == 1
    assert "Every try failed, the last with: connection failed" in run.log
    assert "HTTP 0" not in run.log


def test_failed_renewal_says_it_was_a_renewal(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first exchange worked; the renewal before the second file fails: the log
    says so before the error, and the first file is reported as uploaded."""
    _ready(github, index)
    index.state.token_lifetime = 60
    monkeypatch.setattr(mint, "FRESH", 0.0)
    index.state.faults.append(Fault("/_/oidc/mint-token", status=502, skip=2, times=10))
    run = github.run(in_process=True)
    assert run.code == 1
    assert "Renewing the upload token failed%2C after 1 file(s) were uploaded" in run.log
    assert len(run.output_list("uploaded")) == 1


def test_run_out_of_time_stops_before_the_next_request(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's network time is bounded as a whole (shortened here): an index that
    trickles its answers uses it up, and the run says so instead of trying again."""
    _ready(github, index)
    monkeypatch.setattr(http, "RUN_DEADLINE", 1.0)
    slow = Fault("/_/oidc/audience", status=200, trickle=0.05, body=b"x" * 100, times=9)
    index.state.faults.append(slow)
    started = time.monotonic()
    run = github.run(in_process=True)
    assert time.monotonic() - started < 10
    assert run.code == 1
    run.shows(Msg.RUN_DEADLINE, "error", seconds=1)
    assert index.state.issued == []
    assert index.state.paths("POST") == []


def test_lost_answer_with_other_bytes_on_the_index_is_not_uploaded(
    github: GitHub, index: LocalIndex
) -> None:
    """The upload's connection drops before the index takes the file, while another
    job puts a file of that name, with other bytes, on the index: the file there is not
    this one, so it is not counted as uploaded, and the run says so."""
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))

    def other_job() -> None:
        index.state.add_file("example", wheel.name, b"another build", "1.0.0")

    index.state.faults.append(Fault("/legacy/", drop=True, meanwhile=other_job))
    run = github.run()
    assert run.code == 1
    assert run.output_list("uploaded") == []
    # Not sent again: the index says it keeps other bytes under that name.
    assert index.state.paths("POST").count("/legacy/") == 1
    run.shows(Msg.FILE_EXISTS_DIFFERENT, "error", filename=wheel.name)
    stored = index.state.projects["example"].files[wheel.name]
    assert stored.size == len(b"another build")


@pytest.mark.parametrize("status", [429, 500, 501, 507, 511])
@pytest.mark.parametrize(
    ("path", "method"),
    [("/_/oidc/audience", "GET"), ("/_/oidc/mint-token", "POST"), ("/legacy/", "POST")],
)
def test_429_and_any_5xx_are_retried(
    github: GitHub, index: LocalIndex, status: int, path: str, method: str
) -> None:
    """As the docs say (docs/troubleshooting.md): 429 and any 5xx, for the audience,
    the mint and the upload alike; the second try goes through."""
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults.append(Fault(path, status=status))
    run = github.run()
    assert run.code == 0, run.log
    assert index.state.paths(method).count(path) == 2
    assert "try 1 of 4 failed" in run.log


@pytest.mark.parametrize("status", [400, 404, 418, 428])
def test_other_4xx_on_the_audience_is_not_retried(
    github: GitHub, index: LocalIndex, status: int
) -> None:
    _ready(github, index)
    index.state.faults.append(Fault("/_/oidc/audience", status=status, times=9))
    run = github.run()
    assert run.code == 1
    assert index.state.paths("GET").count("/_/oidc/audience") == 1
    assert "trying again" not in run.log


def _page_listing(filename: str, sha256: str | None) -> Fault:
    """The simple API's next answers list ``filename`` with ``sha256`` (none: no
    digest), whatever the index holds: an index that reports a file otherwise than it
    stored it (after the pre-check, which sees the project empty)."""
    import json

    hashes = {"sha256": sha256} if sha256 else {}
    page = {
        "meta": {"api-version": "1.1"},
        "name": "example",
        "files": [{"filename": filename, "url": "x", "hashes": hashes}],
    }
    headers = {"Content-Type": "application/vnd.pypi.simple.v1+json"}
    return Fault("/simple/", status=200, body=json.dumps(page).encode(), headers=headers, skip=1)


def test_lost_answer_then_other_bytes_listed_is_not_sent_again(
    github: GitHub, index: LocalIndex
) -> None:
    """The index stores the file but the answer is lost; asked whether it landed, it
    lists the name with another sha256. Sending the file again can only be refused
    or store it twice: it is not sent again, and the run says what the index holds."""
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults += [Fault("/legacy/", drop_after=True), _page_listing(wheel.name, "0" * 64)]
    run = github.run()
    assert index.state.paths("POST").count("/legacy/") == 1
    assert run.code == 1
    error = run.shows(Msg.FILE_EXISTS_DIFFERENT, "error", filename=wheel.name)
    assert "0" * 64 in error.body
    assert run.output_list("uploaded") == []


def test_lost_answer_then_other_bytes_listed_is_skipped_with_skip_existing(
    github: GitHub, index: LocalIndex
) -> None:
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults += [Fault("/legacy/", drop_after=True), _page_listing(wheel.name, "0" * 64)]
    run = github.run({"skip-existing": "true"})
    assert index.state.paths("POST").count("/legacy/") == 1
    assert run.code == 0, run.log
    run.shows(Msg.FILE_SKIPPED_DIFFERENT, "warning", filename=wheel.name)
    assert run.output_list("skipped") == [wheel.name]
    assert run.output_list("uploaded") == []
    row = next(r for r in run.page.tables[0] if r[0] == wheel.name)
    assert row[-1] == "skipped: the index keeps its own, other file"


def test_lost_answer_then_name_listed_without_digest_is_not_sent_again(
    github: GitHub, index: LocalIndex
) -> None:
    """Asked whether the file landed, the index lists its name with no sha256: it may
    be this file. Not sent again; the summary says the file may be on the index, not
    that it was not uploaded."""
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.faults += [Fault("/legacy/", drop_after=True), _page_listing(wheel.name, None)]
    run = github.run()
    assert index.state.paths("POST").count("/legacy/") == 1
    assert run.code == 1
    error = run.shows(Msg.UPLOAD_UNCONFIRMED, "error", filename=wheel.name)
    assert "gives no sha256" in error.body
    assert run.output_list("uploaded") == []
    row = next(r for r in run.page.tables[0] if r[0] == wheel.name)
    assert row[1] == "may be on the index: its upload got no clear answer"
    assert "Whether every file reached the index is not known" in run.page.text
    assert "Nothing was uploaded" not in run.summary + run.log
